import { randomBytes } from 'node:crypto'
import { DateTime } from 'luxon'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import type { Test } from 'tap'
import { type AppDeps, buildApp } from '../src/app.js'
import { ROLES, type Role } from '../src/platform/auth/principal.js'
import { type Config, defaultConfig } from '../src/platform/config.js'
import { createDb } from '../src/db/database.js'
import { grantServiceRole, migrateToLatest } from '../src/db/migrate.js'
import type { DB } from '../src/db/schema.js'
import { upnCheckLetter } from '../src/domain/identifiers.js'
import { upsertLocalAuthority } from '../src/modules/local-authorities/local-authorities.service.js'
import { issueToken } from '../src/modules/tokens/tokens.service.js'
import { installContractCheck } from './fixtures/contract.js'
import { pgliteTemplate, pgTemplateExists, pgTemplateName } from './fixtures/template.js'

/** Set TEST_DATABASE_URL to run against a PostgreSQL server; otherwise every test file gets an in-memory PGlite. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL

/**
 * A freshly migrated, empty database for one test file, dropped when the test ends: a copy of the run's
 * template (test/fixtures/template.ts) when there is one, else migrated here.
 */
export async function freshDb(t: Test): Promise<Kysely<DB>> {
  if (!TEST_DATABASE_URL) {
    const template = pgliteTemplate()
    const db = createDb({ dataDir: 'memory://', ...(template ? { loadDataDir: template } : {}) })
    // Opening PGlite (compiling its WebAssembly, unpacking the template) holds no event-loop handle: keep the
    // loop alive meanwhile, or a file whose other subtests are done could see tap end its root test mid-open.
    const keepAlive = setInterval(() => undefined, 1000)
    try {
      if (template) await sql`select 1`.execute(db)
      else await migrateToLatest(db)
    } finally {
      clearInterval(keepAlive)
    }
    t.teardown(() => db.destroy())
    return db
  }
  const name = `apt_test_${process.pid}_${randomBytes(4).toString('hex')}`
  const admin = adminDb(TEST_DATABASE_URL)
  const url = new URL(TEST_DATABASE_URL)
  url.pathname = `/${name}`
  const ownerUrl = url.toString()
  if (await pgTemplateExists(admin)) {
    // The template was migrated by the owner and granted to the service role; the copy keeps both.
    await sql`create database ${sql.id(name)} template ${sql.id(pgTemplateName())}`.execute(admin)
  } else {
    await sql`create database ${sql.id(name)}`.execute(admin)
    await migrateAsOwner(admin, ownerUrl)
  }
  url.username = TEST_SERVICE_ROLE
  const db = createDb({ databaseUrl: url.toString(), poolMax: 5 })
  OWNER_URLS.set(db, ownerUrl)
  t.teardown(async () => {
    await db.destroy()
    await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin)
    await admin.destroy()
  })
  return db
}

/** A one-connection client of the PostgreSQL server's maintenance database, to create and drop databases. */
export const adminDb = (url: string): Kysely<any> =>
  new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }) })

/**
 * As in production: the owner migrates the database at `ownerUrl` and grants, and the service (and so every
 * test) runs as a role that owns nothing and may only read and append the audit trail.
 */
export async function migrateAsOwner(admin: Kysely<any>, ownerUrl: string): Promise<void> {
  const owner = createDb({ databaseUrl: ownerUrl, poolMax: 1 })
  try {
    await migrateToLatest(owner)
    await ensureTestServiceRole(admin)
    await grantServiceRole(owner, TEST_SERVICE_ROLE)
  } finally {
    await owner.destroy()
  }
}

const OWNER_URLS = new WeakMap<Kysely<DB>, string>()
/** On PostgreSQL, the URL of the role that owns a `freshDb` database (it migrated it); undefined on PGlite. */
export const ownerUrlOf = (db: Kysely<DB>): string | undefined => OWNER_URLS.get(db)

/** The login role the service runs as in the PostgreSQL suite (created once per server, no password: trust auth). */
export const TEST_SERVICE_ROLE = 'apt_service_test'

async function ensureTestServiceRole(admin: Kysely<any>) {
  const exists = await sql`select 1 from pg_roles where rolname = ${TEST_SERVICE_ROLE}`.execute(admin)
  if (exists.rows.length > 0) return
  // Test files start in parallel: a concurrent creation of the same role is fine.
  await sql`create role ${sql.id(TEST_SERVICE_ROLE)} login`.execute(admin).catch((err: { code?: string }) => {
    if (err.code !== '42710' && err.code !== '23505') throw err
  })
}

export async function buildTestApp(
  t: Test,
  options: { config?: Partial<Config>; clock?: AppDeps['clock']; db?: Kysely<DB> } = {}
) {
  const db = options.db ?? (await freshDb(t))
  const app = await buildApp({
    db,
    config: defaultConfig({
      RATE_LIMIT_MAX: 100_000,
      TOKEN_CACHE_MS: 0,
      MAX_EVENT_LOOP_DELAY_MS: 0,
      ...options.config
    }),
    clock: options.clock
  })
  installContractCheck(app, t) // every request the suite sends is checked against the OpenAPI document
  await app.ready()
  t.teardown(() => app.close())
  return { app, db }
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

/** A valid permanent UPN for a serial number (LA 801, establishment 2000, year 26). */
export function upnFor(serial: number): string {
  const body = `8012000${String(serial).padStart(5, '0')}`.slice(0, 12)
  return upnCheckLetter(body) + body
}

export interface Org {
  laCode: string
  schoolId: string
  providerId: string
  tokens: Record<Role, string>
}
export interface World {
  own: Org
  other: Org
}

let urnSeq = 100000
const nextUrn = () => String(++urnSeq)

/** Two LAs, each with a school, a provider and a token for every role. */
export async function makeWorld(db: Kysely<DB>): Promise<World> {
  const make = async (laCode: string, name: string): Promise<Org> => {
    await upsertLocalAuthority(db, laCode, name)
    const urn = nextUrn()
    const school = await db
      .insertInto('school')
      .values({
        urn,
        laestab: `${laCode}${urn.slice(2)}`,
        name: `${name} High School`,
        la_code: laCode,
        phase: 'SECONDARY',
        type: 'COMMUNITY'
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const provider = await db
      .insertInto('provider')
      .values({
        name: `${name} Pupil Referral Unit`,
        la_code: laCode,
        urn: nextUrn(),
        registration_status: 'STATE_FUNDED_AP_SCHOOL'
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await db
      .insertInto('provider_tier')
      .values([1, 2, 3].map((tier) => ({ provider_id: provider.id, tier, places: 10 })))
      .execute()
    const tokens = {} as Record<Role, string>
    for (const role of ROLES) {
      const { token } = await issueToken(db, {
        role,
        laCode,
        label: `${role} of ${name}`,
        createdBy: 'test',
        schoolId: role === 'school' ? school.id : null,
        providerId: role === 'provider' ? provider.id : null,
        expiresAt: DateTime.utc().plus({ days: 1 }).toJSDate()
      })
      tokens[role] = token
    }
    return { laCode, schoolId: school.id, providerId: provider.id, tokens }
  }
  return { own: await make('919', 'Hertfordshire'), other: await make('202', 'Camden') }
}

/** A pupil on the roll of `org`'s school, inserted directly. */
export async function insertPupil(db: Kysely<DB>, org: Org, serial: number, overrides: Partial<DB['pupil']> = {}) {
  return db
    .insertInto('pupil')
    .values({
      upn: upnFor(serial),
      legal_forename: 'Alex',
      legal_surname: `Pupil${serial}`,
      date_of_birth: '2012-03-14',
      sex: 'F',
      home_school_id: org.schoolId,
      home_la_code: org.laCode,
      ...(overrides as object)
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export const countRows = async (db: Kysely<DB>, table: keyof DB): Promise<number> => {
  const { n } = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(n)
}
