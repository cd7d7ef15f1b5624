import { existsSync } from 'node:fs'
import { userInfo } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import type { Kysely } from 'kysely'
import { DateTime } from 'luxon'
import { ROLES, type Role } from '../platform/auth/principal.js'
import { type Config, loadConfig } from '../platform/config.js'
import { createDb } from '../db/database.js'
import { migrateToLatest, pendingMigrations } from '../db/migrate.js'
import { acquirePgliteLock, PgliteLockError } from '../db/pglite-lock.js'
import type { ApiTokenRow, DB } from '../db/schema.js'
import { upsertLocalAuthority } from '../modules/local-authorities/local-authorities.service.js'
import { issueToken } from '../modules/tokens/tokens.service.js'

/** A failure the user can fix; printed without a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1
  ) {
    super(message)
    this.name = 'CliError'
  }
}

/** Where the CLI's data lives, for messages: the PostgreSQL URL without its password, or the PGlite folder. */
export function describeDatabase(config: Config): string {
  if (!config.DATABASE_URL) return `PGlite data folder ${config.DATA_DIR}`
  try {
    const url = new URL(config.DATABASE_URL)
    if (url.password) url.password = '***'
    return `PostgreSQL ${url.toString()}`
  } catch {
    return 'PostgreSQL (DATABASE_URL)'
  }
}

/**
 * Opens the configured database for a command-line tool. PGlite is migrated first, as `npm start` does;
 * a PostgreSQL server must already be migrated (`npm run db:migrate`). PGlite is single-process and does not
 * lock its folder itself, so a folder another process has open is refused rather than risked.
 */
export async function openDatabase(config: Config): Promise<Kysely<DB>> {
  if (!config.DATABASE_URL) {
    try {
      acquirePgliteLock(
        config.DATA_DIR,
        process.argv
          .slice(1)
          .map((a) => path.basename(a))
          .join(' ')
      )
    } catch (err) {
      if (err instanceof PgliteLockError) throw new CliError(err.message)
      throw err
    }
    const pidFile = path.join(config.DATA_DIR, 'postmaster.pid')
    if (!config.DATA_DIR.startsWith('memory://') && existsSync(pidFile)) {
      throw new CliError(
        `The PGlite data folder ${config.DATA_DIR} is in use by another process (it has a postmaster.pid). ` +
          'Embedded PGlite is single-process: stop `npm start` (or the other script) ' +
          'and run this again, or use the running API instead. ' +
          `If nothing is using the folder, the last process did not shut down cleanly: delete ${pidFile} and retry.`
      )
    }
  }
  const db = createDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, poolMax: 2 })
  try {
    if (config.DATABASE_URL) {
      const pending = await pendingMigrations(db)
      if (pending.length > 0) {
        throw new CliError(
          `The database has ${pending.length} pending migration(s) (${pending.join(', ')}); ` +
            `run npm run db:migrate first.`
        )
      }
    } else {
      await migrateToLatest(db)
    }
    return db
  } catch (err) {
    await db.destroy().catch(() => {})
    if (err instanceof CliError) throw err
    throw new CliError(
      `Could not open the ${describeDatabase(config)}: ${databaseErrorMessage(err)}` +
        (config.DATABASE_URL ? '' : ' (is another process using this PGlite folder?)')
    )
  }
}

export function databaseErrorMessage(err: unknown): string {
  const e = err as { code?: string; message?: string; errors?: unknown[] }
  if (e.code === 'ECONNREFUSED') return 'connection refused; is PostgreSQL running and DATABASE_URL right?'
  if (e.code === '3D000') return `${e.message ?? 'database does not exist'}; create it first`
  if (e.code === '28P01' || e.code === '28000')
    return `${e.message ?? 'authentication failed'}; check the user and password in DATABASE_URL`
  return e.message || (Array.isArray(e.errors) && e.errors.length > 0 ? databaseErrorMessage(e.errors[0]) : String(err))
}

/** `cli:<user>`: who issued or revoked a token from the command line, for api_token.created_by and the audit trail. */
export function cliActor(): string {
  try {
    return `cli:${userInfo().username}`
  } catch {
    return 'cli'
  }
}

export interface CliTokenInput {
  role: Role
  laCode: string
  schoolId?: string | null
  providerId?: string | null
  label: string
  days: number
  actor: string
}

/** Issues a token and records it in the audit trail in one transaction; returns the secret once. */
export async function issueCliToken(
  db: Kysely<DB>,
  input: CliTokenInput
): Promise<{ token: string; row: ApiTokenRow }> {
  return db.transaction().execute(async (trx) => {
    const issued = await issueToken(trx, {
      role: input.role,
      laCode: input.laCode,
      schoolId: input.schoolId ?? null,
      providerId: input.providerId ?? null,
      label: input.label,
      createdBy: input.actor,
      expiresAt: DateTime.utc().plus({ days: input.days }).toJSDate()
    })
    await trx
      .insertInto('audit_event')
      .values({
        actor: input.actor,
        role: 'system',
        org_type: 'local_authority',
        org_id: input.laCode,
        actor_la_code: input.laCode,
        action: 'create',
        entity: 'api_token',
        entity_id: issued.row.id,
        changed_fields: [
          'role',
          'label',
          'expiresInDays',
          ...(input.schoolId ? ['schoolId'] : []),
          ...(input.providerId ? ['providerId'] : [])
        ]
      })
      .execute()
    return issued
  })
}

const USAGE = `Usage: npm run token -- <command> [options]

Commands:
  issue   --role <${ROLES.join('|')}> --la <code> [--la-name "Name"]
          [--school-urn 123456 | --school-id N] [--provider-id N] [--label text] [--days N]
          Issue a token and print it once. --la-name creates the local authority if it does not exist.
          A school token names its school (--school-urn or --school-id), a provider token its provider.
  revoke  --id N
          Revoke a token at once (a running server may accept it for up to TOKEN_CACHE_MS more).
  list    --la <code> [--role <role>]
          List the LA's tokens (never the secrets).

The database is DATABASE_URL, or else the PGlite folder DATA_DIR (default ./data), which must not be
open in another process (stop npm start first).`

type Options = NonNullable<ParseArgsConfig['options']>
const str = { type: 'string' } as const
const COMMANDS: Record<string, Options> = {
  issue: {
    role: str,
    la: str,
    'la-name': str,
    'school-urn': str,
    'school-id': str,
    'provider-id': str,
    label: str,
    days: str,
    help: { type: 'boolean', short: 'h' }
  },
  revoke: { id: str, help: { type: 'boolean', short: 'h' } },
  list: { la: str, role: str, help: { type: 'boolean', short: 'h' } }
}

type Values = Record<string, string | boolean | undefined>

const usageError = (message: string) => new CliError(`${message}\nRun npm run token -- --help for usage.`, 2)

function required(values: Values, name: string): string {
  const value = values[name]
  if (typeof value !== 'string' || value === '') throw usageError(`--${name} is required`)
  return value
}

function optional(values: Values, name: string): string | undefined {
  const value = values[name]
  return typeof value === 'string' ? value : undefined
}

function laCodeOf(value: string): string {
  if (!/^[0-9]{3}$/.test(value))
    throw usageError(`--la must be a 3-digit local authority number, e.g. 919 (got "${value}")`)
  return value
}

function idOf(name: string, value: string): string {
  if (!/^[1-9][0-9]{0,17}$/.test(value)) throw usageError(`--${name} must be a positive whole number (got "${value}")`)
  return value
}

function roleOf(value: string): Role {
  if (!(ROLES as readonly string[]).includes(value))
    throw usageError(`--role must be one of ${ROLES.join(', ')} (got "${value}")`)
  return value as Role
}

async function issue(db: Kysely<DB>, config: Config, values: Values): Promise<void> {
  const role = roleOf(required(values, 'role'))
  const laCode = laCodeOf(required(values, 'la'))
  const laName = optional(values, 'la-name')
  const schoolUrn = optional(values, 'school-urn')
  const schoolIdArg = optional(values, 'school-id')
  const providerIdArg = optional(values, 'provider-id')
  const daysArg = optional(values, 'days')

  if (laName !== undefined && (laName.trim().length === 0 || laName.length > 200))
    throw usageError('--la-name must be 1–200 characters')
  if (role === 'school' && schoolUrn === undefined && schoolIdArg === undefined)
    throw usageError('a school token needs --school-urn or --school-id')
  if (schoolUrn !== undefined && schoolIdArg !== undefined)
    throw usageError('give --school-urn or --school-id, not both')
  if (role !== 'school' && (schoolUrn !== undefined || schoolIdArg !== undefined))
    throw usageError(`--school-urn and --school-id are only for the school role, not ${role}`)
  if (role === 'provider' && providerIdArg === undefined) throw usageError('a provider token needs --provider-id')
  if (role !== 'provider' && providerIdArg !== undefined)
    throw usageError(`--provider-id is only for the provider role, not ${role}`)
  if (schoolUrn !== undefined && !/^[0-9]{6}$/.test(schoolUrn))
    throw usageError(`--school-urn must be a 6-digit URN (got "${schoolUrn}")`)
  let days = config.TOKEN_TTL_DAYS
  if (daysArg !== undefined) {
    if (!/^[0-9]{1,3}$/.test(daysArg) || Number(daysArg) < 1 || Number(daysArg) > 400)
      throw usageError(`--days must be a whole number from 1 to 400 (got "${daysArg}")`)
    days = Number(daysArg)
  }

  let la = await db.selectFrom('local_authority').select(['code', 'name']).where('code', '=', laCode).executeTakeFirst()
  if (!la) {
    if (laName === undefined)
      throw new CliError(
        `Local authority ${laCode} does not exist in the ${describeDatabase(config)}. ` +
          `Add --la-name "Its name" to create it.`
      )
    if (role === 'school' || role === 'provider')
      throw new CliError(
        `Local authority ${laCode} does not exist yet, so it has no ${role}s: ` +
          `issue an la_admin token first and add its ${role}s.`
      )
    await upsertLocalAuthority(db, laCode, laName.trim())
    la = { code: laCode, name: laName.trim() }
    console.log(`Created local authority ${laCode} ${la.name} with the default policy.`)
  } else if (laName !== undefined && laName.trim() !== la.name) {
    console.log(`Local authority ${laCode} already exists as "${la.name}"; its name is left unchanged.`)
  }

  let schoolId: string | null = null
  let orgName = `${la.name} (LA ${laCode})`
  if (role === 'school') {
    const school = await db
      .selectFrom('school')
      .select(['id', 'name', 'la_code', 'urn'])
      .$if(schoolUrn !== undefined, (qb) => qb.where('urn', '=', schoolUrn!))
      .$if(schoolIdArg !== undefined, (qb) => qb.where('id', '=', idOf('school-id', schoolIdArg!)))
      .executeTakeFirst()
    const which = schoolUrn !== undefined ? `URN ${schoolUrn}` : `id ${schoolIdArg}`
    if (!school) throw new CliError(`No school with ${which}.`)
    if (school.la_code !== laCode)
      throw new CliError(`School ${which} (${school.name}) belongs to LA ${school.la_code}, not ${laCode}.`)
    schoolId = school.id
    orgName = `${school.name} (school id ${school.id}, URN ${school.urn})`
  }
  let providerId: string | null = null
  if (role === 'provider') {
    const provider = await db
      .selectFrom('provider')
      .select(['id', 'name', 'la_code'])
      .where('id', '=', idOf('provider-id', providerIdArg!))
      .executeTakeFirst()
    if (!provider) throw new CliError(`No provider with id ${providerIdArg}.`)
    if (provider.la_code !== laCode)
      throw new CliError(
        `Provider ${providerIdArg} (${provider.name}) belongs to LA ${provider.la_code}, not ${laCode}.`
      )
    providerId = provider.id
    orgName = `${provider.name} (provider id ${provider.id})`
  }

  const label = optional(values, 'label') ?? `${role} for ${orgName}`.slice(0, 200)
  if (label.trim().length === 0 || label.length > 200) throw usageError('--label must be 1–200 characters')

  const { token, row } = await issueCliToken(db, { role, laCode, schoolId, providerId, label, days, actor: cliActor() })
  console.log(`Issued token ${row.id}: ${role} for ${orgName}`)
  console.log(`Label:   ${row.label}`)
  console.log(`Expires: ${row.expires_at.toISOString()}`)
  console.log('Token (shown once; only its hash is stored):')
  console.log(token)
}

async function revoke(db: Kysely<DB>, values: Values): Promise<void> {
  const id = idOf('id', required(values, 'id'))
  const actor = cliActor()
  const row = await db.transaction().execute(async (trx) => {
    const revoked = await trx
      .updateTable('api_token')
      .set({ revoked_at: new Date() })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .returning(['id', 'role', 'la_code', 'label', 'revoked_at'])
      .executeTakeFirst()
    if (revoked) {
      await trx
        .insertInto('audit_event')
        .values({
          actor,
          role: 'system',
          org_type: 'local_authority',
          org_id: revoked.la_code,
          actor_la_code: revoked.la_code,
          action: 'revoke',
          entity: 'api_token',
          entity_id: id
        })
        .execute()
    }
    return revoked
  })
  if (row) {
    console.log(
      `Revoked token ${row.id} (${row.role}, LA ${row.la_code}, "${row.label}") at ${row.revoked_at!.toISOString()}.`
    )
    return
  }
  const existing = await db.selectFrom('api_token').select(['revoked_at']).where('id', '=', id).executeTakeFirst()
  if (!existing) throw new CliError(`No token with id ${id}.`)
  console.log(`Token ${id} was already revoked at ${existing.revoked_at!.toISOString()}.`)
}

async function list(db: Kysely<DB>, values: Values): Promise<void> {
  const laCode = laCodeOf(required(values, 'la'))
  const roleArg = optional(values, 'role')
  const role = roleArg === undefined ? undefined : roleOf(roleArg)
  const rows = await db
    .selectFrom('api_token')
    .leftJoin('school', 'school.id', 'api_token.school_id')
    .leftJoin('provider', 'provider.id', 'api_token.provider_id')
    .select([
      'api_token.id',
      'api_token.role',
      'api_token.label',
      'api_token.created_by',
      'api_token.created_at',
      'api_token.expires_at',
      'api_token.revoked_at',
      'api_token.school_id',
      'api_token.provider_id',
      'school.name as school_name',
      'provider.name as provider_name'
    ])
    .where('api_token.la_code', '=', laCode)
    .$if(role !== undefined, (qb) => qb.where('api_token.role', '=', role!))
    .orderBy('api_token.id')
    .execute()
  if (rows.length === 0) {
    console.log(`No tokens for LA ${laCode}${role ? ` with role ${role}` : ''}.`)
    return
  }
  const now = Date.now()
  const table = rows.map((r) => ({
    id: r.id,
    role: r.role,
    organisation: r.school_id
      ? `school ${r.school_id} ${r.school_name ?? ''}`.trim()
      : r.provider_id
        ? `provider ${r.provider_id} ${r.provider_name ?? ''}`.trim()
        : `LA ${laCode}`,
    status: r.revoked_at ? 'revoked' : r.expires_at.getTime() <= now ? 'expired' : 'active',
    expires: r.expires_at.toISOString().slice(0, 16).replace('T', ' '),
    created: `${r.created_at.toISOString().slice(0, 10)} by ${r.created_by}`,
    label: r.label
  }))
  printTable(table)
}

/** Prints rows as aligned columns. */
export function printTable(rows: Record<string, string>[]): void {
  const columns = Object.keys(rows[0] ?? {})
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => (r[c] ?? '').length)))
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')
  console.log(line(columns))
  console.log(line(widths.map((w) => '-'.repeat(w))))
  for (const r of rows) console.log(line(columns.map((c) => r[c] ?? '')))
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    if (command === undefined) throw new CliError(USAGE, 2)
    console.log(USAGE)
    return
  }
  const options = COMMANDS[command]
  if (!options) throw usageError(`Unknown command "${command}"`)
  let values: Values
  try {
    values = parseArgs({ args: rest, options, strict: true, allowPositionals: false }).values as Values
  } catch (err) {
    throw usageError(`${command}: ${(err as Error).message}`)
  }
  if (values.help) {
    console.log(USAGE)
    return
  }

  let config: Config
  try {
    config = loadConfig()
  } catch (err) {
    throw new CliError((err as Error).message)
  }
  const db = await openDatabase(config)
  try {
    if (command === 'issue') await issue(db, config, values)
    else if (command === 'revoke') await revoke(db, values)
    else await list(db, values)
  } catch (err) {
    if (err instanceof CliError) throw err
    throw new CliError(`${command} failed: ${databaseErrorMessage(err)}`)
  } finally {
    await db.destroy()
  }
}

export async function runCli(fn: () => Promise<void>): Promise<void> {
  try {
    await fn()
  } catch (err) {
    if (err instanceof CliError) {
      console.error(err.message)
      process.exitCode = err.exitCode
    } else {
      console.error(err)
      process.exitCode = 1
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runCli(() => main(process.argv.slice(2)))
}
