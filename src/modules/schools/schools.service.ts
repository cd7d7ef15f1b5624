import type { Kysely } from 'kysely'
import type { Principal } from '../../platform/auth/principal.js'
import { schoolScope } from '../../db/scope.js'
import type { DB, SchoolRow } from '../../db/schema.js'
import { fieldError, forbidden, notFound, preconditionFailed } from '../../platform/errors.js'
import { paging } from '../../platform/schemas.js'
import { toIso } from '../../platform/time.js'
import { type Actor, writeAudit } from '../../db/audit.js'
import { type CreateSchool, type School, setsOwnTermDates, type UpdateSchool } from './schools.schemas.js'

export const toSchool = (row: SchoolRow): School => ({
  id: row.id,
  urn: row.urn,
  laestab: row.laestab,
  name: row.name,
  laCode: row.la_code,
  phase: row.phase,
  type: row.type,
  setsOwnTermDates: setsOwnTermDates(row.type),
  createdAt: toIso(row.created_at),
  updatedAt: toIso(row.updated_at)
})

export class SchoolsService {
  constructor(private readonly db: Kysely<DB>) {}

  async list(p: Principal, query: { page: number; pageSize: number; urn?: string | undefined }) {
    const base = this.db
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
    return { results: rows.map(toSchool), paging: paging(query.page, query.pageSize, Number(total)) }
  }

  async get(p: Principal, id: string, db: Kysely<DB> = this.db) {
    const row = await db.selectFrom('school').selectAll().where(schoolScope(p)).where('id', '=', id).executeTakeFirst()
    if (!row) throw notFound('school')
    return { body: toSchool(row), version: row.version }
  }

  async create(actor: Actor, input: CreateSchool) {
    if (input.laCode !== actor.principal.laCode) {
      throw forbidden('outside_scope', `You may add schools only in LA ${actor.principal.laCode}`, [
        { path: '/laCode', code: 'outside_scope', message: '/laCode must be your own LA' }
      ])
    }
    if (!input.laestab.startsWith(input.laCode)) {
      throw fieldError(
        '/laestab',
        'laestab_la_mismatch',
        `/laestab must start with the school's LA code ${input.laCode}`
      )
    }
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('school')
        .values({
          urn: input.urn,
          laestab: input.laestab,
          name: input.name,
          la_code: input.laCode,
          phase: input.phase,
          type: input.type
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      await writeAudit(trx, actor, [
        { action: 'create', entity: 'school', entityId: row.id, changedFields: Object.keys(input) }
      ])
      return { body: toSchool(row), version: row.version }
    })
  }

  async update(actor: Actor, id: string, version: number, input: UpdateSchool) {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('school')
        .set((eb) => ({ ...input, version: eb('version', '+', 1), updated_at: new Date() }))
        .where(schoolScope(actor.principal))
        .where('id', '=', id)
        .where('version', '=', version)
        .returningAll()
        .executeTakeFirst()
      if (!row) {
        await this.get(actor.principal, id, trx) // 404 outside scope; otherwise the version was stale
        throw preconditionFailed()
      }
      await writeAudit(trx, actor, [
        { action: 'update', entity: 'school', entityId: id, changedFields: Object.keys(input) }
      ])
      return { body: toSchool(row), version: row.version }
    })
  }
}
