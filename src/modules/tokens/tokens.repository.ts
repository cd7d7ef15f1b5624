import type { Insertable, Kysely } from 'kysely'
import type { Principal, Role } from '../../platform/auth/principal.js'
import type { ApiTokenRow, ApiTokenTable, DB } from '../../db/schema.js'

/** All SQL on API tokens; an LA admin sees and revokes only its own LA's tokens. */

/** One page of the LA's tokens, newest first, optionally of one role, with the total. */
export async function page(
  db: Kysely<DB>,
  p: Principal,
  query: { page: number; pageSize: number; role?: Role | undefined }
): Promise<{ rows: ApiTokenRow[]; total: number }> {
  const base = db
    .selectFrom('api_token')
    .where('la_code', '=', p.laCode)
    .$if(query.role !== undefined, (qb) => qb.where('role', '=', query.role!))
  const { total } = await base.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow()
  const rows = await base
    .selectAll()
    .orderBy('id', 'desc')
    .limit(query.pageSize)
    .offset((query.page - 1) * query.pageSize)
    .execute()
  return { rows, total: Number(total) }
}

export async function insert(db: Kysely<DB>, values: Insertable<ApiTokenTable>): Promise<ApiTokenRow> {
  return db.insertInto('api_token').values(values).returningAll().executeTakeFirstOrThrow()
}

/** Revokes one of the principal's LA's tokens; undefined when there is no such token. */
export async function revokeInScope(db: Kysely<DB>, p: Principal, id: string): Promise<ApiTokenRow | undefined> {
  return db
    .updateTable('api_token')
    .set({ revoked_at: new Date() })
    .where('id', '=', id)
    .where('la_code', '=', p.laCode)
    .returningAll()
    .executeTakeFirst()
}
