import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { principalOf } from '../../platform/plugins/auth.js'
import { pageLinks } from '../../platform/http.js'
import { ref } from '../../platform/schemas.js'
import { AuditEvent, AuditPage, AuditQuery } from './audit.schemas.js'
import { AuditService } from './audit.service.js'

export const auditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(AuditEvent)
  app.addSchema(AuditPage)
  const service = new AuditService(app.db)

  app.get(
    '/',
    {
      config: { access: ['la_admin'] },
      schema: {
        tags: ['audit'],
        operationId: 'listAuditEvents',
        summary: 'Audit trail: who read or changed what',
        description:
          "Events by the LA's own organisations and events touching pupils of the LA, newest first. `from` and " +
          '`to` are inclusive dates in England.',
        querystring: AuditQuery,
        response: { 200: ref(AuditPage) }
      }
    },
    async (request) => {
      const result = await service.list(principalOf(request), request.query)
      return { ...result, _links: pageLinks(request, request.query.page, result.paging.totalPages) }
    }
  )
}
