import type { Kysely } from 'kysely'
import { DateTime } from 'luxon'
import type { Principal } from '../../platform/auth/principal.js'
import type { DB } from '../../db/schema.js'
import { fieldError } from '../../platform/errors.js'
import { paging } from '../../platform/schemas.js'
import { toAuditEvent } from './audit.mapper.js'
import * as auditRepository from './audit.repository.js'
import type { AuditQuery } from './audit.schemas.js'

export class AuditService {
  constructor(private readonly db: Kysely<DB>) {}

  /** The LA admin's view of the trail; `from` and `to` are inclusive dates in England. */
  async list(p: Principal, q: AuditQuery) {
    const from = q.from ? DateTime.fromISO(q.from, { zone: 'Europe/London' }).startOf('day').toJSDate() : undefined
    const to = q.to
      ? DateTime.fromISO(q.to, { zone: 'Europe/London' }).plus({ days: 1 }).startOf('day').toJSDate()
      : undefined
    if (from && to && from >= to)
      throw fieldError('/querystring/to', 'date_order', '/querystring/to must not be before from')
    const { rows, total } = await auditRepository.page(this.db, p, q, { from, to })
    return { results: rows.map(toAuditEvent), paging: paging(q.page, q.pageSize, total) }
  }
}
