import type { Insertable, Kysely, Updateable } from 'kysely'
import type { Principal } from '../../platform/auth/principal.js'
import { schoolScope } from '../../db/scope.js'
import type { DB, SchoolRow, SchoolTable } from '../../db/schema.js'

/** All SQL on schools; every read is scoped to the principal. */

/** One page of the schools the principal may see, optionally by URN, with the total. */
export async function page(
  db: Kysely<DB>,
  p: Principal,
  query: { page: number; pageSize: number; urn?: string | undefined }
): Promise<{ rows: SchoolRow[]; total: number }> {
  const base = db
    .selectFrom('school')
    .where(schoolScope(p))
    .$if(query.urn !== undefined, (qb) => qb.where('urn', '=', query.urn!))
  const { total } = await base.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow()
  const rows = await base
    .selectAll()
    .orderBy('name')
    .orderBy('id')
    .limit(query.pageSize)
    .offset((query.page - 1) * query.pageSize)
    .execute()
  return { rows, total: Number(total) }
}

/** One school by id within the principal's scope. */
export async function findInScope(db: Kysely<DB>, p: Principal, id: string): Promise<SchoolRow | undefined> {
  return db.selectFrom('school').selectAll().where(schoolScope(p)).where('id', '=', id).executeTakeFirst()
}

export async function insert(db: Kysely<DB>, values: Insertable<SchoolTable>): Promise<SchoolRow> {
  return db.insertInto('school').values(values).returningAll().executeTakeFirstOrThrow()
}

/** Applies the changes when the school is in scope and at `version`; undefined otherwise. */
export async function updateInScope(
  db: Kysely<DB>,
  p: Principal,
  id: string,
  version: number,
  changes: Updateable<SchoolTable>
): Promise<SchoolRow | undefined> {
  return db
    .updateTable('school')
    .set((eb) => ({ ...changes, version: eb('version', '+', 1), updated_at: new Date() }))
    .where(schoolScope(p))
    .where('id', '=', id)
    .where('version', '=', version)
    .returningAll()
    .executeTakeFirst()
}

/** The LA of a school known to exist (unscoped: the caller already holds a reference to it). */
export async function laCodeOf(db: Kysely<DB>, id: string): Promise<string> {
  const school = await db.selectFrom('school').select('la_code').where('id', '=', id).executeTakeFirstOrThrow()
  return school.la_code
}

/** The school's id when it is a school of the LA. */
export async function findInLa(db: Kysely<DB>, id: string, laCode: string): Promise<{ id: string } | undefined> {
  return db.selectFrom('school').select('id').where('id', '=', id).where('la_code', '=', laCode).executeTakeFirst()
}
