/**
 * `npm run bench`: each benchmark loads an API route and a bare Fastify route doing the same database work
 * through the same Kysely instance (the same pool), and reports requests/s, latency and their ratio. The
 * difference is what the service adds: auth, scope, audit, validation, serialisation, rate limiting, headers.
 *
 * Database: DATABASE_URL when set (migrated, and it receives a benchmark LA 990 and audit rows, which are
 * append-only: use a throwaway database), else a temporary PGlite folder that is removed afterwards.
 *
 *   npm run bench                    the standard benchmarks, then attendance-ingest (PostgreSQL only: against COPY)
 *   npm run bench -- me get-pupil    only the named ones, including the optional diagnostics
 *   npm run bench -- all             everything
 *   BENCH_DURATION=8 BENCH_WARMUP=2 BENCH_CONNECTIONS=10 npm run bench
 *
 * To add a benchmark, append a `Benchmark` to BENCHMARKS; extend `Fixture` and `seedFixture` if it needs data.
 */
import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { cpus, tmpdir } from 'node:os'
import path from 'node:path'
import Fastify, { type FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import { DateTime } from 'luxon'
import { buildApp } from '../src/app.js'
import { principalFor } from '../src/platform/auth/principal.js'
import { type Config, loadConfig } from '../src/platform/config.js'
import { createDb } from '../src/db/database.js'
import { migrateToLatest } from '../src/db/migrate.js'
import type { DB } from '../src/db/schema.js'
import { upnCheckLetter } from '../src/domain/identifiers.js'
import { upsertLocalAuthority } from '../src/modules/local-authorities/local-authorities.service.js'
import { pupilsRepository } from '../src/modules/pupils/index.js'
import { issueToken } from '../src/modules/tokens/tokens.service.js'
import { insertSession } from '../src/web/web.repository.js'
import { benchAttendanceIngest } from './attendance.js'
import { benchReports } from './reports.js'
import { benchAddSchoolDays } from './calendar.js'
import {
  type PlacementFixture,
  placementRequestBody,
  registerPlacementBaselines,
  seedPlacementFixture
} from './placements.js'

// autocannon ships no types; this is the slice of its API used here.
interface Histogram {
  average: number
  mean: number
  stddev: number
  min: number
  max: number
  total: number
  p50: number
  p90: number
  p97_5?: number
  p99: number
}
interface AutocannonResult {
  requests: Histogram
  latency: Histogram
  duration: number
  errors: number
  timeouts: number
  non2xx: number
  statusCodeStats: Record<string, { count: number }>
}
interface AutocannonOptions {
  url: string
  requests?: { setupRequest: (req: Record<string, unknown>) => Record<string, unknown> }[]
  method?: string
  headers?: Record<string, string>
  body?: string
  connections?: number
  duration?: number
  workers?: number
}
const autocannon = createRequire(import.meta.url)('autocannon') as (
  opts: AutocannonOptions
) => Promise<AutocannonResult>

const env = (name: string, fallback: number): number => {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number (got "${raw}")`)
  return n
}

const settings = {
  duration: env('BENCH_DURATION', 8),
  warmup: env('BENCH_WARMUP', 2),
  connections: Math.round(env('BENCH_CONNECTIONS', 10))
}

/** Data every benchmark can use, created once per run. */
export interface Fixture {
  db: Kysely<DB>
  laCode: string
  schoolId: string
  pupilId: string
  tokens: { coordinator: string }
  tokenIds: string[]
  placements: PlacementFixture
}

export interface Target {
  method?: 'GET' | 'POST'
  path: string
  headers?: Record<string, string>
  body?: string
  /** A fresh body for every request (creating benchmarks); the load then runs in this process. */
  nextBody?: () => string
}

export interface Benchmark {
  name: string
  description: string
  /** The API at or above this share of the bare route's requests/s is on target. */
  targetRatio?: number
  /** Diagnostic benchmarks run only when named on the command line. */
  optional?: boolean
  /** Adds the baseline route(s) to the bare server. */
  registerBare: (bare: FastifyInstance, fx: Fixture) => void
  api: (fx: Fixture) => Target
  bare: (fx: Fixture) => Target
  /** Checks one response from each side before loading; returns a complaint or undefined. */
  check?: (api: unknown, bare: unknown, fx: Fixture) => string | undefined
  /** Data the benchmark needs beyond the fixture, made once before it runs. */
  prepare?: (fx: Fixture) => Promise<void>
  /** The baseline is another route of the API itself (a page against its JSON endpoint), not the bare server. */
  baselineOnApi?: boolean
}

/** A signed-in coordinator's session cookie and one active placement, for the page benchmarks. */
const PAGES = { cookie: '', placementId: '' }
async function preparePages(fx: Fixture): Promise<void> {
  if (PAGES.cookie) return
  const id = randomBytes(32).toString('base64url')
  await insertSession(fx.db, {
    idHash: createHash('sha256').update(id).digest('hex'),
    principal: principalFor({ subject: 'bench:coordinator', role: 'coordinator', laCode: fx.laCode }),
    signInRoleId: null,
    displayName: 'Bench coordinator',
    idToken: null,
    now: new Date(),
    expiresAt: new Date(Date.now() + 86_400_000)
  })
  PAGES.cookie = `apt_session=${id}`
  const row = await fx.db
    .selectFrom('placement')
    .select('id')
    .where('la_code', '=', fx.laCode)
    .where('status', '=', 'ACTIVE')
    .orderBy('id')
    .executeTakeFirstOrThrow()
  PAGES.placementId = row.id
}
const isPage = (body: unknown, heading: string) => typeof body === 'string' && body.includes(heading)

const BENCH_LA = '990'
const INGEST = 'attendance-ingest'
const REPORTS = 'reports'
/** The coordinator token, for benchmarks whose target is built before the fixture exists. */
const BENCH_TOKEN = { value: '' }
const withPlacementBaselines = new WeakSet<FastifyInstance>()
const placementBaselines = (bare: FastifyInstance, fx: Fixture) => {
  if (withPlacementBaselines.has(bare)) return
  withPlacementBaselines.add(bare)
  registerPlacementBaselines(bare, fx.db, fx.laCode, fx.placements, fx.schoolId)
}

export const BENCHMARKS: Benchmark[] = [
  {
    name: 'get-pupil',
    description:
      'GET a pupil by id: API (coordinator token, scoped, audited) vs bare route (same SELECT by id, same pool)',
    targetRatio: 0.8,
    registerBare: (bare, fx) => {
      bare.get<{ Params: { id: string } }>('/pupils/:id', async (request, reply) => {
        const row = await fx.db.selectFrom('pupil').selectAll().where('id', '=', request.params.id).executeTakeFirst()
        if (!row) return reply.code(404).send({ message: 'not found' })
        return row
      })
    },
    api: (fx) => ({ path: `/v1/pupils/${fx.pupilId}`, headers: { authorization: `Bearer ${fx.tokens.coordinator}` } }),
    bare: (fx) => ({ path: `/pupils/${fx.pupilId}` }),
    check: (api, bare, fx) => {
      const a = api as { id?: string }
      const b = bare as { id?: string }
      return a.id === fx.pupilId && b.id === fx.pupilId
        ? undefined
        : `expected pupil ${fx.pupilId} from both, got ${JSON.stringify(a).slice(0, 200)}` +
            ` and ${JSON.stringify(b).slice(0, 200)}`
    }
  },
  {
    name: 'create-placement',
    description:
      'POST a placement from an accepted referral (rules, capacity lock, overlap check, ' +
      'placement + event + audit rows, one transaction) ' +
      'vs a bare route inserting one placement row',
    targetRatio: 0.5,
    registerBare: (bare, fx) => placementBaselines(bare, fx),
    api: (fx) => {
      let next = 0
      return {
        method: 'POST',
        path: '/v1/placements',
        headers: { authorization: `Bearer ${fx.tokens.coordinator}`, 'content-type': 'application/json' },
        nextBody: () =>
          placementRequestBody(
            fx.placements.referralIds[next++ % fx.placements.referralIds.length]!,
            fx.placements.providerId
          )
      }
    },
    bare: () => ({
      method: 'POST',
      path: '/placements',
      headers: { 'content-type': 'application/json' },
      nextBody: () => '{}'
    })
  },
  {
    name: 'list-placements',
    description:
      "GET one LA's active placements, a page of 50 " +
      '(scoped, each row audited, clocks and blockers computed) ' +
      'vs the hand-written SELECT and count',
    targetRatio: 0.8,
    registerBare: (bare, fx) => placementBaselines(bare, fx),
    api: () => ({
      path: '/v1/placements?status=ACTIVE&pageSize=50',
      headers: { authorization: `Bearer ${BENCH_TOKEN.value}` }
    }),
    bare: () => ({ path: '/placements' }),
    check: (api, bare) => {
      const a = api as { results?: unknown[] }
      const b = bare as { results?: unknown[] }
      return a.results?.length === 50 && b.results?.length === 50
        ? undefined
        : `expected 50 rows from both, got ${a.results?.length} and ${b.results?.length}`
    }
  },
  {
    name: 'worklist',
    description:
      'GET the worklist for one LA holding 5,000 active placements ' +
      '(reviews, planned ends, clocks, ' +
      "overdue school days on each school's calendar, page audited)" +
      ' vs the hand-written SQL for its placement items',
    targetRatio: 0.8,
    registerBare: (bare, fx) => placementBaselines(bare, fx),
    api: () => ({
      path: '/v1/worklist?withinSchoolDays=10',
      headers: { authorization: `Bearer ${BENCH_TOKEN.value}` }
    }),
    bare: () => ({ path: '/worklist' }),
    check: (api, bare) => {
      const a = api as { results?: unknown[] }
      const b = bare as { results?: unknown[] }
      return a.results?.length === 20 && b.results?.length === 20
        ? undefined
        : `expected 20 items from both, got ${a.results?.length} and ${b.results?.length}`
    }
  },
  {
    name: 'worklist-page',
    description:
      "The coordinator's worklist page (signed-in session, the worklist and its pupils' names read through the " +
      'API in process, Nunjucks) vs the JSON worklist it shows',
    targetRatio: 0.7,
    baselineOnApi: true,
    prepare: preparePages,
    registerBare: () => undefined,
    api: () => ({ path: '/worklist', headers: { cookie: PAGES.cookie } }),
    bare: () => ({ path: '/v1/worklist?pageSize=50', headers: { authorization: `Bearer ${BENCH_TOKEN.value}` } }),
    check: (page) => (isPage(page, '<h1 class="govuk-heading-l">Worklist</h1>') ? undefined : 'no worklist page')
  },
  {
    name: 'placement-page',
    description:
      'A placement page (the placement, its reviews, marks, assessments, outcome and names, each read through ' +
      'the API in process) vs GET /v1/placements/{id}',
    targetRatio: 0.7,
    baselineOnApi: true,
    prepare: preparePages,
    registerBare: () => undefined,
    api: () => ({ path: `/placements/${PAGES.placementId}`, headers: { cookie: PAGES.cookie } }),
    bare: () => ({
      path: `/v1/placements/${PAGES.placementId}`,
      headers: { authorization: `Bearer ${BENCH_TOKEN.value}` }
    }),
    check: (page) => (isPage(page, 'Next review') ? undefined : 'no placement page')
  },
  {
    name: 'get-pupil-same-sql',
    description:
      "Diagnostic: the same API call vs a bare route running the API's own SQL " +
      '(scoped read + audit insert, pupilsRepository.readById)',
    optional: true,
    registerBare: (bare, fx) => {
      const principal = principalFor({ subject: 'bench', role: 'coordinator', laCode: fx.laCode })
      bare.get<{ Params: { id: string } }>('/audited/pupils/:id', async (request, reply) => {
        const row = await pupilsRepository.readById(fx.db, { principal, requestId: request.id }, request.params.id)
        if (!row) return reply.code(404).send({ message: 'not found' })
        return row
      })
    },
    api: (fx) => ({ path: `/v1/pupils/${fx.pupilId}`, headers: { authorization: `Bearer ${fx.tokens.coordinator}` } }),
    bare: (fx) => ({ path: `/audited/pupils/${fx.pupilId}` })
  },
  {
    name: 'me',
    description:
      'Diagnostic: GET /v1/me (token check, cached after the first call; no query) ' +
      'vs a bare route returning a constant',
    optional: true,
    registerBare: (bare) => {
      bare.get('/me', async () => ({
        role: 'coordinator',
        organisation: { type: 'local_authority', id: BENCH_LA, laCode: BENCH_LA },
        subject: 'token:1'
      }))
    },
    api: (fx) => ({ path: '/v1/me', headers: { authorization: `Bearer ${fx.tokens.coordinator}` } }),
    bare: () => ({ path: '/me' })
  }
]

/**
 * One LA with a school, a pupil on its roll and a coordinator token. Idempotent, so a PostgreSQL database can be
 * reused.
 */
async function seedFixture(db: Kysely<DB>): Promise<Fixture> {
  await upsertLocalAuthority(db, BENCH_LA, 'Benchmark LA (npm run bench)')
  const urn = '199901'
  await db
    .insertInto('school')
    .values({
      urn,
      laestab: `${BENCH_LA}4001`,
      name: 'Benchmark School',
      la_code: BENCH_LA,
      phase: 'SECONDARY',
      type: 'ACADEMY'
    })
    .onConflict((oc) => oc.column('urn').doNothing())
    .execute()
  const school = await db.selectFrom('school').select('id').where('urn', '=', urn).executeTakeFirstOrThrow()
  const body = `${BENCH_LA}400126001`
  const upn = upnCheckLetter(body) + body
  await db
    .insertInto('pupil')
    .values({
      upn,
      legal_forename: 'Bench',
      legal_surname: 'Mark',
      date_of_birth: '2012-05-01',
      sex: 'U',
      sen_provision: 'K',
      home_school_id: school.id,
      home_la_code: BENCH_LA
    })
    .onConflict((oc) => oc.column('upn').doNothing())
    .execute()
  const pupil = await db.selectFrom('pupil').select('id').where('upn', '=', upn).executeTakeFirstOrThrow()
  const { token, row } = await issueToken(db, {
    role: 'coordinator',
    laCode: BENCH_LA,
    label: 'npm run bench',
    createdBy: 'bench',
    expiresAt: DateTime.utc().plus({ hours: 6 }).toJSDate()
  })
  const placements = await seedPlacementFixture(db, BENCH_LA, school.id, {
    create: env('BENCH_CREATE_POOL', 8000),
    active: env('BENCH_ACTIVE_PLACEMENTS', 5000)
  })
  return {
    db,
    laCode: BENCH_LA,
    schoolId: school.id,
    pupilId: pupil.id,
    tokens: { coordinator: token },
    tokenIds: [row.id],
    placements
  }
}

interface Measured {
  target: 'api' | 'bare'
  result: AutocannonResult
}

const listen = async (app: FastifyInstance): Promise<string> => {
  await app.listen({ host: '127.0.0.1', port: 0 })
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
}

// The load generator runs in a worker thread so it does not share the servers' event loop.
// With a body factory the load runs in-process: a worker thread cannot call back into this one.
const load = (base: string, t: Target, duration: number) =>
  autocannon({
    url: base + t.path,
    method: t.method ?? 'GET',
    headers: t.headers ?? {},
    ...(t.body !== undefined ? { body: t.body } : {}),
    connections: settings.connections,
    duration,
    ...(t.nextBody
      ? { requests: [{ setupRequest: (req: Record<string, unknown>) => ({ ...req, body: t.nextBody!() }) }] }
      : { workers: 1 })
  })

async function probe(base: string, t: Target): Promise<unknown> {
  const body = t.nextBody ? t.nextBody() : t.body
  const res = await fetch(base + t.path, {
    method: t.method ?? 'GET',
    headers: t.headers ?? {},
    ...(body !== undefined ? { body } : {})
  })
  const text = await res.text()
  if (res.status < 200 || res.status > 299)
    throw new Error(`${t.method ?? 'GET'} ${t.path} answered ${res.status}: ${text.slice(0, 300)}`)
  return /json/.test(res.headers.get('content-type') ?? '') ? (JSON.parse(text) as unknown) : text
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits })

function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
  rows.forEach((r, n) => {
    console.log(
      r.map((cell, i) => (i === 0 || i === 1 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')
    )
    if (n === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  })
}

function databaseLabel(config: Config, dataDir: string | undefined): string {
  if (!config.DATABASE_URL) return `PGlite (temporary folder ${dataDir})`
  const url = new URL(config.DATABASE_URL)
  if (url.password) url.password = '***'
  return `PostgreSQL ${url.host}${url.pathname} (pool of ${config.DB_POOL_MAX})`
}

const USAGE = `Usage: npm run bench [-- <benchmark>... | all]

Loads each API route and a bare Fastify route doing the same database work, and prints requests/s, p50/p99
latency and their ratio. With no names: the standard benchmarks, then ${INGEST} and ${REPORTS} (PostgreSQL only).

Benchmarks: ${[...BENCHMARKS.map((b) => b.name), INGEST, REPORTS].join(', ')}, or all (adds the diagnostics).
Database: DATABASE_URL (a throwaway database: the run adds LA 990, pupils, placements and audit rows),
otherwise a temporary PGlite folder that is removed afterwards.
Environment: BENCH_DURATION (8 s), BENCH_WARMUP (2 s), BENCH_CONNECTIONS (10), BENCH_MARK_BATCHES (4),
BENCH_REPORT_RUNS (9).`

async function main(): Promise<void> {
  const wanted = process.argv.slice(2)
  if (wanted.includes('--help') || wanted.includes('-h')) {
    console.log(USAGE)
    return
  }
  const unknown = wanted.filter(
    (w) => w !== 'all' && w !== INGEST && w !== REPORTS && !BENCHMARKS.some((b) => b.name === w)
  )
  if (unknown.length > 0)
    throw new Error(
      `unknown benchmark(s) ${unknown.join(', ')}; ` +
        `known: ${[...BENCHMARKS.map((b) => b.name), INGEST, REPORTS].join(', ')}, or all`
    )
  const selected = wanted.includes('all')
    ? BENCHMARKS
    : wanted.length > 0
      ? BENCHMARKS.filter((b) => wanted.includes(b.name))
      : BENCHMARKS.filter((b) => !b.optional)
  const ingest = wanted.length === 0 || wanted.includes('all') || wanted.includes(INGEST)
  const reports = wanted.length === 0 || wanted.includes('all') || wanted.includes(REPORTS)

  // The load-shedding guards stay in the request path but cannot trip: a 429 or 503 would measure the guard.
  const config: Config = { ...loadConfig(), RATE_LIMIT_MAX: 1_000_000_000, MAX_EVENT_LOOP_DELAY_MS: 0 }
  const dataDir = config.DATABASE_URL ? undefined : mkdtempSync(path.join(tmpdir(), 'apt-bench-'))
  const db = createDb({ databaseUrl: config.DATABASE_URL, dataDir, poolMax: config.DB_POOL_MAX })
  const servers: FastifyInstance[] = []
  let fx: Fixture | undefined
  try {
    await migrateToLatest(db)
    fx = await seedFixture(db)
    BENCH_TOKEN.value = fx.tokens.coordinator

    const api = await buildApp({ db, config })
    servers.push(api)
    const bare = Fastify({ logger: false })
    servers.push(bare)
    for (const b of selected) b.registerBare(bare, fx)
    const apiBase = await listen(api)
    const bareBase = await listen(bare)

    console.log(`Database: ${databaseLabel(config, dataDir)}`)
    console.log(
      `Node ${process.version}, ${cpus().length} CPU(s); ` +
        `autocannon: ${settings.connections} connections, ${settings.warmup} s warm-up, ` +
        `${settings.duration} s measured per target`
    )
    if (config.DATABASE_URL)
      console.log(`Note: the run adds LA ${BENCH_LA}, a pupil and one audit row per API read to this database.`)
    console.log('')

    const results: { bench: Benchmark; measured: Measured[] }[] = []
    for (const b of selected) {
      console.log(`${b.name}: ${b.description}`)
      await b.prepare?.(fx)
      const targets = {
        api: { base: apiBase, t: b.api(fx) },
        bare: { base: b.baselineOnApi ? apiBase : bareBase, t: b.bare(fx) }
      }
      const complaint = b.check?.(
        await probe(targets.api.base, targets.api.t),
        await probe(targets.bare.base, targets.bare.t),
        fx
      )
      if (complaint) throw new Error(`${b.name}: ${complaint}`)
      const measured: Measured[] = []
      for (const target of ['api', 'bare'] as const) {
        const { base, t } = targets[target]
        process.stdout.write(`  ${target}: warming up… `)
        await load(base, t, settings.warmup)
        process.stdout.write('measuring… ')
        const result = await load(base, t, settings.duration)
        console.log(`${fmt(result.requests.average)} req/s`)
        measured.push({ target, result })
      }
      results.push({ bench: b, measured })
    }

    console.log('')
    const rows = [
      ['benchmark', 'target', 'req/s', 'p50 ms', 'p97.5 ms', 'p99 ms', 'max ms', 'requests', 'non-2xx', 'errors']
    ]
    for (const { bench, measured } of results) {
      for (const { target, result } of measured) {
        rows.push([
          bench.name,
          target,
          fmt(result.requests.average),
          fmt(result.latency.p50),
          fmt(result.latency.p97_5 ?? NaN),
          fmt(result.latency.p99),
          fmt(result.latency.max),
          fmt(result.requests.total),
          fmt(result.non2xx),
          fmt(result.errors + result.timeouts)
        ])
      }
    }
    printTable(rows)
    console.log('')
    let failures = 0
    for (const { bench, measured } of results) {
      const api = measured.find((m) => m.target === 'api')!.result
      const bare = measured.find((m) => m.target === 'bare')!.result
      const ratio = api.requests.average / bare.requests.average
      const verdict =
        bench.targetRatio === undefined
          ? ''
          : ratio >= bench.targetRatio
            ? `  (target ≥ ${bench.targetRatio}×: met)`
            : `  (target ≥ ${bench.targetRatio}×: NOT met)`
      console.log(
        `${bench.name}: api/bare = ${ratio.toFixed(2)}× requests/s; ` +
          `p99 ${fmt(api.latency.p99)} ms vs ${fmt(bare.latency.p99)} ms${verdict}`
      )
      if (api.non2xx + api.errors + bare.non2xx + bare.errors > 0) {
        failures++
        console.log(
          `  ${bench.name}: some requests failed ` +
            `(api ${JSON.stringify(api.statusCodeStats)}, bare ${JSON.stringify(bare.statusCodeStats)})` +
            `; the figures are not comparable`
        )
      }
    }
    if (ingest) {
      console.log('')
      if (!config.DATABASE_URL) {
        console.log(`${INGEST}: skipped: its baseline is PostgreSQL COPY, so it needs DATABASE_URL`)
      } else {
        const r = await benchAttendanceIngest({
          db,
          apiBase,
          laCode: fx.laCode,
          schoolId: fx.schoolId,
          databaseUrl: config.DATABASE_URL,
          batches: Math.round(env('BENCH_MARK_BATCHES', 4))
        })
        console.log(
          `${INGEST}: ${r.batches} batches of ${fmt(r.marksPerBatch)} marks; ` +
            `API ${fmt(r.apiMarksPerSecond)} marks/s (${r.apiMsPerBatch.map((m) => fmt(m)).join(', ')} ms a batch) ` +
            `vs COPY ${fmt(r.copyMarksPerSecond)} marks/s ` +
            `(${r.copyMsPerBatch.map((m) => fmt(m)).join(', ')} ms)` +
            ` = ${r.ratio.toFixed(2)}×  (target ≥ 0.5×: ${r.ratio >= 0.5 ? 'met' : 'NOT met'})`
        )
      }
    }
    if (reports) {
      console.log('')
      const r = config.DATABASE_URL
        ? await benchReports({
            db,
            apiBase,
            databaseUrl: config.DATABASE_URL,
            runs: Math.round(env('BENCH_REPORT_RUNS', 9))
          })
        : undefined
      if (!r) {
        console.log(
          `${REPORTS}: skipped: it needs DATABASE_URL and ` +
            `the synthetic England of \`npm run seed:scale\` in that database`
        )
      } else {
        console.log(
          `${REPORTS}: ${fmt(r.placements)} placements and ${fmt(r.marks)} marks in the database; ` +
            `the largest LA (${r.laCode}) holds ${fmt(r.laPlacements)} placements; ` +
            `median of ${env('BENCH_REPORT_RUNS', 9)} calls`
        )
        printTable([
          ['report', 'target', 'api ms', 'sql ms', 'api/sql'],
          ...r.rows.map((x) => [
            x.name,
            '',
            fmt(x.apiMs),
            Number.isNaN(x.sqlMs) ? '–' : fmt(x.sqlMs),
            Number.isNaN(x.sqlMs) ? '–' : `${(x.apiMs / x.sqlMs).toFixed(2)}×`
          ])
        ])
        const one = r.rows[0]!
        console.log(
          `${REPORTS}: one LA's outcomes report ${fmt(one.apiMs)} ms = ${(one.apiMs / one.sqlMs).toFixed(2)}× ` +
            `the hand-written SQL ` +
            `(target ≤ 1.5× and < 300 ms: ${one.apiMs / one.sqlMs <= 1.5 && one.apiMs < 300 ? 'met' : 'NOT met'})` +
            `; all England (${r.las} LAs' reports in turn) ${fmt(r.englandMs)} ms`
        )
      }
    }
    const cal = benchAddSchoolDays()
    console.log('')
    console.log(
      `add-school-days: adding 190 school days to a date ${fmt(cal.schoolDaysNs)} ns/call ` +
        `vs luxon plus({ days: 190 }) ${fmt(cal.luxonNs)}` +
        ` ns/call in Europe/London (${cal.ratio.toFixed(2)}×) ` +
        `and ${fmt(cal.luxonUtcNs)} ns/call in UTC (${cal.ratioUtc.toFixed(2)}×)` +
        `  (target < 20×: ${cal.ratioUtc < 20 ? 'met' : 'NOT met'})`
    )
    if (failures > 0) process.exitCode = 1
  } finally {
    for (const s of servers) await s.close()
    if (fx)
      await db
        .updateTable('api_token')
        .set({ revoked_at: new Date() })
        .where('id', 'in', fx.tokenIds)
        .execute()
        .catch(() => {})
    await db.destroy()
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  }
}

main().catch((err: unknown) => {
  console.error(`bench failed: ${(err as Error).message ?? String(err)}`)
  process.exitCode = 1
})
