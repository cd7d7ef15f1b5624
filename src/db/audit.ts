import type { Kysely } from 'kysely'
import type { Principal } from '../platform/auth/principal.js'
import type { DB, NewAuditEvent } from './schema.js'
import { type IdempotencyClaim, recordIdempotentCreation } from '../platform/plugins/idempotency.js'

export type AuditAction = 'read' | 'list' | 'create' | 'update' | 'search' | 'revoke' | 'export'

/** Who is acting, for the audit trail, and the Idempotency-Key the request holds, if any. */
export interface Actor {
  principal: Principal
  requestId: string
  idempotency?: IdempotencyClaim | null
}

export interface AuditEntry {
  action: AuditAction
  entity: string
  entityId?: string | null
  pupilId?: string | null
  pupilLaCode?: string | null
  changedFields?: string[] | null
  /** Why the user opened special-category detail (SEND, health), as they gave it (domain.md §9.9). */
  reason?: string | null
}

export function auditRow(actor: Actor, entry: AuditEntry): NewAuditEvent {
  const { principal } = actor
  return {
    request_id: actor.requestId,
    actor: principal.subject,
    role: principal.role,
    org_type: principal.orgType,
    org_id: principal.orgId,
    actor_la_code: principal.laCode,
    action: entry.action,
    entity: entry.entity,
    entity_id: entry.entityId ?? null,
    pupil_id: entry.pupilId ?? null,
    pupil_la_code: entry.pupilLaCode ?? null,
    changed_fields: entry.changedFields ?? null,
    reason: entry.reason ?? null
  }
}

/**
 * Appends audit rows. Pass the transaction that does the read or write, so the trail and the change
 * commit together or not at all. The table itself refuses UPDATE, DELETE and TRUNCATE.
 */
export async function writeAudit(db: Kysely<DB>, actor: Actor, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return
  await db
    .insertInto('audit_event')
    .values(entries.map((e) => auditRow(actor, e)))
    .execute()
  // Every write audits its creation in its own transaction, so this is where the Idempotency-Key learns what
  // the write created: the key and the write commit together or not at all.
  const entity = actor.idempotency?.entity
  const created = entries.find((e) => e.action === 'create' && e.entity === entity && e.entityId)
  if (created?.entityId) await claimCreation(db, actor, created.entity, created.entityId)
}

/**
 * Records, under the request's Idempotency-Key (if it holds one not yet claimed for `entity`), the resource it
 * created: for a repository that writes its audit row in the same statement as the insert.
 */
export async function claimCreation(db: Kysely<DB>, actor: Actor, entity: string, entityId: string): Promise<void> {
  const claim = actor.idempotency
  if (claim && !claim.claimed && claim.entity === entity) await recordIdempotentCreation(db, claim, entityId)
}

export const actorOf = (request: {
  principal: Principal | null
  id: string
  idempotency?: IdempotencyClaim | null
}): Actor => {
  if (!request.principal) throw new Error('no principal on an authenticated route')
  return { principal: request.principal, requestId: request.id, idempotency: request.idempotency }
}
