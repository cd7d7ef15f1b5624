/**
 * `npm run drill:db-restart`: restarts a local PostgreSQL while the API takes writes, and prints what the
 * clients saw. Not a test: it restarts the whole server, so run it on a machine of your own.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run drill:db-restart [-- options]
 *
 * DATABASE_URL names a superuser (or a role with CREATEDB and CREATEROLE) on the server to restart. The drill
 * creates a throwaway database, migrates it, grants a service role, starts `src/server.ts` as that role,
 * runs writers that create pupils with an Idempotency-Key and repeat on 503 or 409 with the same key (as a
 * well-behaved client does), restarts PostgreSQL part-way, then checks every acknowledged write is stored.
 *
 * Options: --writers N (8)  --seconds N (20)  --restart-at N (5, seconds after the start)
 *          --restart-cmd "…" (pg_ctlcluster --skip-systemctl-redirect <version> main restart)  --help
 */
import { execFile, spawn } from 'node:child_process'
import { promisify } from 'node:util'
import { randomBytes } from 'node:crypto'
import { readdirSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { type Kysely, sql } from 'kysely'
import { DateTime } from 'luxon'
import { createDb } from '../src/db/database.js'
import { ensureRole, grantServiceRole, migrateToLatest } from '../src/db/migrate.js'
import type { DB } from '../src/db/schema.js'
import { upnCheckLetter } from '../src/domain/identifiers.js'
import { upsertLocalAuthority } from '../src/modules/local-authorities/local-authorities.service.js'
import { issueToken } from '../src/modules/tokens/tokens.service.js'

const { values: opts } = parseArgs({
  options: {
    writers: { type: 'string', default: '8' },
    seconds: { type: 'string', default: '20' },
    'restart-at': { type: 'string', default: '5' },
    'restart-cmd': { type: 'string' },
    help: { type: 'boolean', default: false }
  }
})
if (opts.help) {
  const doc =
    /\/\*\*([\s\S]*?)\*\//.exec(
      await import('node:fs').then((fs) => fs.readFileSync(new URL(import.meta.url), 'utf8'))
    )?.[1] ?? ''
  console.log(doc.replace(/^ \* ?/gm, '').trim())
  process.exit(0)
}
const adminUrl = process.env.DATABASE_URL
if (!adminUrl) {
  console.error('DATABASE_URL must name a superuser on the PostgreSQL server to restart (see --help).')
  process.exit(2)
}
const writers = Number(opts.writers)
const seconds = Number(opts.seconds)
const restartAt = Number(opts['restart-at'])
const restartCmd =
  opts['restart-cmd'] ??
  `pg_ctlcluster --skip-systemctl-redirect ${readdirSync('/etc/postgresql').sort().at(-1)} main restart`
const root = path.resolve(import.meta.dirname, '..')

const upnFor = (serial: number) => {
  const body = `9902000${String(serial).padStart(5, '0')}`.slice(0, 12)
  return upnCheckLetter(body) + body
}
const urlFor = (base: string, database: string, user?: string) => {
  const url = new URL(base)
  url.pathname = `/${database}`
  if (user) {
    url.username = user
    url.password = ''
  }
  return url.toString()
}

// A throwaway database with one LA, one school and a coordinator token.
const name = `apt_drill_${randomBytes(3).toString('hex')}`
const admin = createDb({ databaseUrl: adminUrl, poolMax: 1 }) as unknown as Kysely<any>
await sql`create database ${sql.id(name)}`.execute(admin)
const owner = createDb({ databaseUrl: urlFor(adminUrl, name), poolMax: 2 })
await migrateToLatest(owner)
const serviceUrl = urlFor(adminUrl, name, 'apt_drill_service')
await grantServiceRole(owner, await ensureRole(owner, serviceUrl))
await upsertLocalAuthority(owner, '990', 'Drill LA')
await owner
  .insertInto('school')
  .values({
    urn: '990001',
    laestab: '9904001',
    name: 'Drill School',
    la_code: '990',
    phase: 'SECONDARY',
    type: 'COMMUNITY'
  })
  .execute()
const { token } = await issueToken(owner as Kysely<DB>, {
  role: 'coordinator',
  laCode: '990',
  label: 'restart drill',
  createdBy: 'drill',
  schoolId: null,
  providerId: null,
  expiresAt: DateTime.utc().plus({ hours: 2 }).toJSDate()
})

const server = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'pipe'],
  env: {
    ...process.env,
    DATABASE_URL: serviceUrl,
    PORT: '0',
    LOG_LEVEL: 'info',
    RATE_LIMIT_MAX: '1000000',
    MAX_EVENT_LOOP_DELAY_MS: '0'
  }
})
let serverOut = ''
let serverExit: number | null | undefined
server.stdout.on('data', (c) => {
  serverOut += String(c)
})
server.stderr.on('data', (c) => {
  serverOut += String(c)
})
server.on('exit', (code) => {
  serverExit = code
})
const base = await new Promise<string>((resolve, reject) => {
  const poll = setInterval(() => {
    const m = /Server listening at (http:\/\/[^"\s]+)/.exec(serverOut)
    if (m) {
      clearInterval(poll)
      resolve(m[1]!)
    }
    if (serverExit !== undefined) {
      clearInterval(poll)
      reject(new Error(`server exited: ${serverOut}`))
    }
  }, 50)
})

const responses = new Map<number | string, number>()
const finalFailures = new Map<number | string, number>()
const acknowledged: string[] = []
let serial = 0
let restartBegan = 0
let restartEnded = 0
let firstFailureAfterRestart = 0
let firstSuccessAfterRestart = 0
const started = Date.now()
const until = started + seconds * 1000

const writer = async (n: number) => {
  while (Date.now() < until) {
    const mine = ++serial
    const upn = upnFor(mine)
    const body = JSON.stringify({
      upn,
      legalForename: 'Drill',
      legalSurname: `Writer${n}`,
      dateOfBirth: '2012-02-02',
      sex: 'M',
      homeLaCode: '990'
    })
    let last: number | string = 'not sent'
    for (let tries = 0; tries < 200; tries++) {
      const sentAt = Date.now()
      try {
        const res = await fetch(`${base}/v1/pupils`, {
          method: 'POST',
          body,
          signal: AbortSignal.timeout(15_000),
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'idempotency-key': `drill-${mine}`
          }
        })
        await res.arrayBuffer()
        last = res.status
      } catch (err) {
        last = (err as Error).name === 'TimeoutError' ? 'timeout' : 'connection error'
      }
      responses.set(last, (responses.get(last) ?? 0) + 1)
      if (restartBegan && last !== 201 && !firstFailureAfterRestart) firstFailureAfterRestart = sentAt
      if (last === 201) {
        if (firstFailureAfterRestart && !firstSuccessAfterRestart) firstSuccessAfterRestart = Date.now()
        acknowledged.push(upn)
        break
      }
      if (last !== 503 && last !== 409) break
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    if (last !== 201) finalFailures.set(last, (finalFailures.get(last) ?? 0) + 1)
  }
}

const restarter = (async () => {
  await new Promise((resolve) => setTimeout(resolve, restartAt * 1000))
  restartBegan = Date.now()
  // Asynchronously: the writers in this process keep sending while the server is down.
  await promisify(execFile)('sh', ['-c', restartCmd])
  restartEnded = Date.now()
})()
await Promise.all([restarter, ...Array.from({ length: writers }, (_, n) => writer(n))])

// Check with a fresh connection: the pools of before the restart are gone.
await owner.destroy()
const check = createDb({ databaseUrl: urlFor(adminUrl, name), poolMax: 1 })
const stored = new Set(
  (await check.selectFrom('pupil').select('upn').where('home_la_code', '=', '990').execute()).map((r) => r.upn)
)
const missing = acknowledged.filter((upn) => !stored.has(upn))
const serverUp = serverExit === undefined
server.kill('SIGTERM')
await check.destroy()
const admin2 = createDb({ databaseUrl: adminUrl, poolMax: 1 }) as unknown as Kysely<any>
await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin2)
await admin2.destroy()
await admin.destroy().catch(() => {})

const fmt = (m: Map<number | string, number>) => [...m].map(([k, v]) => `${k}: ${v}`).join(', ') || 'none'
console.log(
  `writers ${writers}, ${seconds} s, PostgreSQL restarted at ${((restartBegan - started) / 1000).toFixed(1)} s ` +
    `(the restart command took ${((restartEnded - restartBegan) / 1000).toFixed(1)} s)`
)
console.log(`writes acknowledged (201): ${acknowledged.length}`)
console.log(`acknowledged but missing:  ${missing.length}`)
console.log(
  `stored in all:             ${stored.size} (duplicates: ${acknowledged.length - new Set(acknowledged).size})`
)
console.log(`writes failed, by status:  ${fmt(finalFailures)}`)
console.log(`all responses, by status:  ${fmt(responses)}`)
console.log(
  'time to first success:     ' +
    (firstSuccessAfterRestart
      ? `${((firstSuccessAfterRestart - restartBegan) / 1000).toFixed(2)} s after the restart began`
      : 'no failure seen, or no success after it')
)
console.log(`server process:            ${serverUp ? 'stayed up' : `EXITED (${String(serverExit)})`}`)
process.exitCode =
  missing.length === 0 && serverUp && ![...responses.keys()].some((s) => typeof s === 'number' && s >= 500 && s !== 503)
    ? 0
    : 1
