import type { Kysely } from 'kysely'
import type { Principal } from '../../platform/auth/principal.js'
import type { DB } from '../../db/schema.js'
import { fieldError, forbidden, notFound, preconditionFailed } from '../../platform/errors.js'
import { paging } from '../../platform/schemas.js'
import { type Actor, writeAudit } from '../../db/audit.js'
import { toSchool } from './schools.mapper.js'
import * as schoolsRepository from './schools.repository.js'
import type { CreateSchool, UpdateSchool } from './schools.schemas.js'

export class SchoolsService {
  constructor(private readonly db: Kysely<DB>) {}

  async list(p: Principal, query: { page: number; pageSize: number; urn?: string | undefined }) {
    const { rows, total } = await schoolsRepository.page(this.db, p, query)
    return { results: rows.map(toSchool), paging: paging(query.page, query.pageSize, total) }
  }

  async get(p: Principal, id: string) {
    const row = await schoolsRepository.findInScope(this.db, p, id)
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
      const row = await schoolsRepository.insert(trx, {
        urn: input.urn,
        laestab: input.laestab,
        name: input.name,
        la_code: input.laCode,
        phase: input.phase,
        type: input.type
      })
      await writeAudit(trx, actor, [
        { action: 'create', entity: 'school', entityId: row.id, changedFields: Object.keys(input) }
      ])
      return { body: toSchool(row), version: row.version }
    })
  }

  async update(actor: Actor, id: string, version: number, input: UpdateSchool) {
    return this.db.transaction().execute(async (trx) => {
      const row = await schoolsRepository.updateInScope(trx, actor.principal, id, version, input)
      if (!row) {
        // 404 outside scope; otherwise the version was stale
        if (!(await schoolsRepository.findInScope(trx, actor.principal, id))) throw notFound('school')
        throw preconditionFailed()
      }
      await writeAudit(trx, actor, [
        { action: 'update', entity: 'school', entityId: id, changedFields: Object.keys(input) }
      ])
      return { body: toSchool(row), version: row.version }
    })
  }
}
