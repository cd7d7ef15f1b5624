import { type Static, Type } from 'typebox'
import { Id, IsoDate, PageQuery, pageOf, Timestamp, Text } from '../../platform/schemas.js'

export const AuditEvent = Type.Object(
  {
    id: Id,
    at: Timestamp,
    requestId: Type.Union([Type.String(), Type.Null()]),
    actor: Type.String(),
    role: Type.String(),
    organisation: Type.Object({ type: Type.String(), id: Type.String() }, { additionalProperties: false }),
    action: Type.String(),
    entity: Type.String(),
    entityId: Type.Union([Type.String(), Type.Null()]),
    pupilId: Type.Union([Id, Type.Null()]),
    changedFields: Type.Union([Type.Array(Type.String()), Type.Null()])
  },
  { $id: 'AuditEvent', additionalProperties: false }
)
export type AuditEvent = Static<typeof AuditEvent>

export const AuditPage = pageOf('AuditEventPage', AuditEvent)

export const AuditQuery = Type.Object(
  {
    ...PageQuery,
    pupilId: Type.Optional(Id),
    actor: Type.Optional(Text({ minLength: 1, maxLength: 100, description: 'Actor id, e.g. token:12.' })),
    from: Type.Optional(IsoDate),
    to: Type.Optional(IsoDate)
  },
  { additionalProperties: false }
)
export type AuditQuery = Static<typeof AuditQuery>
