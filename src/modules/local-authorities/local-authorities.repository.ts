import type { Kysely, Selectable, Updateable } from 'kysely'
import type { Principal } from '../../platform/auth/principal.js'
import { localAuthorityScope } from '../../db/scope.js'
import type { DB, LaPolicyTable, LocalAuthorityTable } from '../../db/schema.js'

/** All SQL on local authorities and their policies (la_policy). */

export type LocalAuthorityRow = Selectable<LocalAuthorityTable>
export type LaPolicyRow = Selectable<LaPolicyTable>

/** One page of the LAs the principal may see, with the total. */
export async function page(
  db: Kysely<DB>,
  p: Principal,
  page: number,
  pageSize: number
): Promise<{ rows: LocalAuthorityRow[]; total: number }> {
  const base = db.selectFrom('local_authority').where(localAuthorityScope(p))
  const { total } = await base.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow()
  const rows = await base
    .selectAll()
    .orderBy('code')
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute()
  return { rows, total: Number(total) }
}

export async function findInScope(db: Kysely<DB>, p: Principal, code: string): Promise<LocalAuthorityRow | undefined> {
  return db
    .selectFrom('local_authority')
    .selectAll()
    .where(localAuthorityScope(p))
    .where('code', '=', code)
    .executeTakeFirst()
}

/** The LA's policy row; every LA has one from creation. */
export async function policyFor(db: Kysely<DB>, laCode: string): Promise<LaPolicyRow> {
  return db.selectFrom('la_policy').selectAll().where('la_code', '=', laCode).executeTakeFirstOrThrow()
}

/** The policy of `code` when it is the principal's own LA. */
export async function findPolicyInScope(db: Kysely<DB>, p: Principal, code: string): Promise<LaPolicyRow | undefined> {
  return db
    .selectFrom('la_policy')
    .selectAll()
    .where('la_code', '=', code)
    .where('la_code', '=', p.laCode)
    .executeTakeFirst()
}

/** Applies the changes when `code` is the principal's own LA and the policy is at `version`; undefined otherwise. */
export async function updatePolicyInScope(
  db: Kysely<DB>,
  p: Principal,
  code: string,
  version: number,
  changes: Updateable<LaPolicyTable>
): Promise<LaPolicyRow | undefined> {
  return db
    .updateTable('la_policy')
    .set((eb) => ({ ...changes, version: eb('version', '+', 1), updated_at: new Date() }))
    .where('la_code', '=', code)
    .where('la_code', '=', p.laCode)
    .where('version', '=', version)
    .returningAll()
    .executeTakeFirst()
}

/** Creates the LA or renames it. */
export async function upsert(db: Kysely<DB>, code: string, name: string): Promise<void> {
  await db
    .insertInto('local_authority')
    .values({ code, name })
    .onConflict((oc) => oc.column('code').doUpdateSet({ name, updated_at: new Date() }))
    .execute()
}

/** Gives the LA the default policy unless it has one. */
export async function ensurePolicy(db: Kysely<DB>, code: string): Promise<void> {
  await db
    .insertInto('la_policy')
    .values({ la_code: code })
    .onConflict((oc) => oc.column('la_code').doNothing())
    .execute()
}
