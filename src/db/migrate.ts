import { promises as fs } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Kysely, sql } from 'kysely'
import { FileMigrationProvider, type MigrationResult, Migrator } from 'kysely/migration'

export const migrationFolder = fileURLToPath(new URL('../../db/migrations', import.meta.url))

export function migrator(db: Kysely<any>): Migrator {
  return new Migrator({ db, provider: new FileMigrationProvider({ fs, path, migrationFolder }) })
}

/** Applies every pending migration; throws with the failing migration named. */
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationResult[]> {
  const { error, results = [] } = await migrator(db).migrateToLatest()
  if (error) {
    const failed = results.find((r) => r.status === 'Error')
    throw new Error(
      `migration ${failed?.migrationName ?? '(unknown)'} failed: ${(error as Error).message ?? String(error)}`,
      { cause: error }
    )
  }
  return results
}

/** Names of migrations not yet applied. */
export async function pendingMigrations(db: Kysely<any>): Promise<string[]> {
  const all = await migrator(db).getMigrations()
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name)
}

/**
 * What the connected role could do to rewrite the audit trail: be a superuser (which also lets it set
 * `session_replication_role` and so skip triggers), own `audit_event` (ALTER … DISABLE TRIGGER, DROP TRIGGER),
 * or hold UPDATE, DELETE, TRUNCATE or TRIGGER on it. Empty for the service role `grantServiceRole` sets up.
 */
export async function privilegesOverAudit(db: Kysely<any>): Promise<string[]> {
  const { rows } = await sql<{
    superuser: boolean
    owner: boolean
    update: boolean
    delete: boolean
    truncate: boolean
    trigger: boolean
  }>`
    select r.rolsuper as superuser,
           pg_has_role(current_user, c.relowner, 'USAGE') as owner,
           has_table_privilege(c.oid, 'UPDATE') as update, has_table_privilege(c.oid, 'DELETE') as delete,
           has_table_privilege(c.oid, 'TRUNCATE') as truncate, has_table_privilege(c.oid, 'TRIGGER') as trigger
      from pg_roles r, pg_class c
     where r.rolname = current_user and c.oid = 'public.audit_event'::regclass`.execute(db)
  const row = rows[0]
  if (!row) return []
  const found: string[] = []
  if (row.superuser) found.push('is a superuser')
  if (row.owner) found.push('owns audit_event')
  for (const p of ['update', 'delete', 'truncate', 'trigger'] as const)
    if (row[p] && !row.superuser && !row.owner) found.push(`may ${p.toUpperCase()} audit_event`)
  return found
}

/**
 * Grants the service role what the API needs and no more, run by the owner after migrating: read and write
 * the operational tables, only SELECT and INSERT on `audit_event`, only read the migration bookkeeping.
 * It owns nothing, so it cannot alter, disable or drop a table's triggers. Safe to run again.
 */
export async function grantServiceRole(db: Kysely<any>, role: string): Promise<void> {
  const r = sql.id(role)
  await sql`grant usage on schema public to ${r}`.execute(db)
  await sql`grant select, insert, update, delete on all tables in schema public to ${r}`.execute(db)
  await sql`grant usage, select on all sequences in schema public to ${r}`.execute(db)
  await sql`revoke update, delete, truncate, references, trigger on audit_event from ${r}`.execute(db)
  await sql`revoke insert, update, delete, truncate, references, trigger on kysely_migration, kysely_migration_lock
    from ${r}`.execute(db)
}

/** The role a PostgreSQL URL logs in as (the URL's user, else the OS user as libpq would use). */
export function roleOfUrl(databaseUrl: string): string {
  const user = decodeURIComponent(new URL(databaseUrl).username)
  return user || process.env.PGUSER || process.env.USER || 'postgres'
}

/** Creates the service login role if it is missing (the owner needs CREATEROLE), with the URL's password. */
export async function ensureRole(db: Kysely<any>, databaseUrl: string): Promise<string> {
  const role = roleOfUrl(databaseUrl)
  const password = decodeURIComponent(new URL(databaseUrl).password)
  const { rows } = await sql<{ n: number }>`select 1 as n from pg_roles where rolname = ${role}`.execute(db)
  if (rows.length === 0) {
    await sql`create role ${sql.id(role)} login ${password ? sql`password ${sql.lit(password)}` : sql``}`.execute(db)
  }
  return role
}
