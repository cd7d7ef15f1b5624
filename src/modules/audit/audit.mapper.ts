import type { AuditEventRow } from '../../db/schema.js'
import { toIso } from '../../platform/time.js'
import type { AuditEvent } from './audit.schemas.js'

export const toAuditEvent = (r: AuditEventRow): AuditEvent => ({
  id: r.id,
  at: toIso(r.at),
  requestId: r.request_id,
  actor: r.actor,
  role: r.role,
  organisation: { type: r.org_type, id: r.org_id },
  action: r.action,
  entity: r.entity,
  entityId: r.entity_id,
  pupilId: r.pupil_id,
  changedFields: r.changed_fields
})
