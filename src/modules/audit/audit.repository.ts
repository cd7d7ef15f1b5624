import type { Kysely } from 'kysely'
import type { Principal } from '../../platform/auth/principal.js'
import type { AuditEventRow, DB } from '../../db/schema.js'

/** All SQL reading the audit trail; rows are written only by db/audit.ts. */

/**
 * One page of the events the LA admin may see, newest first: those by the LA's own organisations and those
 * touching pupils of the LA; `from` inclusive, `to` exclusive.
 */
export async function page(
  db: Kysely<DB>,
  p: Principal,
  q: { page: number; pageSize: number; pupilId?: string | undefined; actor?: string | undefined },
  range: { from: Date | undefined; to: Date | undefined }
): Promise<{ rows: AuditEventRow[]; total: number }> {
  const { from, to } = range
  const base = db
    .selectFrom('audit_event')
    .where((eb) => eb.or([eb('actor_la_code', '=', p.laCode), eb('pupil_la_code', '=', p.laCode)]))
    .$if(q.pupilId !== undefined, (qb) => qb.where('pupil_id', '=', q.pupilId!))
    .$if(q.actor !== undefined, (qb) => qb.where('actor', '=', q.actor!))
    .$if(from !== undefined, (qb) => qb.where('at', '>=', from!))
    .$if(to !== undefined, (qb) => qb.where('at', '<', to!))
  const { total } = await base.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow()
  const rows = await base
    .selectAll()
    .orderBy('id', 'desc')
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize)
    .execute()
  return { rows, total: Number(total) }
}
