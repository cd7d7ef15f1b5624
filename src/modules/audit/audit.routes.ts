import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { type Static, Type } from 'typebox'
import { principalOf } from '../../platform/plugins/auth.js'
import { fieldError } from '../../platform/errors.js'
import { pageLinks } from '../../platform/http.js'
import { Id, IsoDate, PageQuery, pageOf, paging, ref, Timestamp, Text } from '../../platform/schemas.js'
import { toIso } from '../../platform/time.js'
import { DateTime } from 'luxon'

const AuditEvent = Type.Object(
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

const AuditPage = pageOf('AuditEventPage', AuditEvent)

const AuditQuery = Type.Object(
  {
    ...PageQuery,
    pupilId: Type.Optional(Id),
    actor: Type.Optional(Text({ minLength: 1, maxLength: 100, description: 'Actor id, e.g. token:12.' })),
    from: Type.Optional(IsoDate),
    to: Type.Optional(IsoDate)
  },
  { additionalProperties: false }
)
type AuditQuery = Static<typeof AuditQuery>

export const auditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(AuditEvent)
  app.addSchema(AuditPage)

  app.get(
    '/',
    {
      config: { access: ['la_admin'] },
      schema: {
        tags: ['audit'],
        operationId: 'listAuditEvents',
        summary: 'Audit trail: who read or changed what',
        description:
          "Events by the LA's own organisations and events touching pupils of the LA, newest first. `from` and `to` are inclusive dates in England.",
        querystring: AuditQuery,
        response: { 200: ref(AuditPage) }
      }
    },
    async (request) => {
      const p = principalOf(request)
      const q: AuditQuery = request.query
      const from = q.from ? DateTime.fromISO(q.from, { zone: 'Europe/London' }).startOf('day').toJSDate() : undefined
      const to = q.to
        ? DateTime.fromISO(q.to, { zone: 'Europe/London' }).plus({ days: 1 }).startOf('day').toJSDate()
        : undefined
      if (from && to && from >= to)
        throw fieldError('/querystring/to', 'date_order', '/querystring/to must not be before from')
      const base = app.db
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
      const page = paging(q.page, q.pageSize, Number(total))
      return {
        results: rows.map((r) => ({
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
        })),
        paging: page,
        _links: pageLinks(request, q.page, page.totalPages)
      }
    }
  )
}
