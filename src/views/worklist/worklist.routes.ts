import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { pageLinks } from '../../platform/http.js'
import { paging, ref } from '../../platform/schemas.js'
import { type Clock, todayIn } from '../../platform/time.js'
import { type Actor, actorOf } from '../../db/audit.js'
import { auditedWorklist } from './worklist.view.js'
import { WorkItem, WorklistQuery, WorkPage } from './worklist.schemas.js'

export const worklistRoutes: FastifyPluginAsyncTypebox<{ clock: Clock }> = async (app, { clock }) => {
  app.addSchema(WorkItem)
  app.addSchema(WorkPage)
  app.get(
    '/worklist',
    {
      config: { access: ['coordinator', 'school', 'provider'] },
      schema: {
        tags: ['reviews'],
        operationId: 'getWorklist',
        summary: "Everything due or overdue in the caller's scope, most urgent first",
        description:
          'Reviews due within `withinSchoolDays` or overdue; planned ends within 4 and 2 school weeks or passed ' +
          'without an outcome; referral decisions past the LA deadline; statutory clocks pending or breached; ' +
          'open review requests; outcome follow-ups opening within `withinSchoolDays` or overdue (schools see ' +
          'reintegration checks, providers post-16 checks); unauthorised absences at the provider today (not for ' +
          "providers). Each item has its due date and how many school days it is overdue on the pupil's school " +
          'calendar.',
        querystring: WorklistQuery,
        response: { 200: ref(WorkPage) }
      }
    },
    async (request) => {
      const q = request.query
      const actor: Actor = actorOf(request)
      const { results, total, countsByKind } = await auditedWorklist(app.db, actor, q, todayIn(clock))
      const pg = paging(q.page, q.pageSize, total)
      return { results, countsByKind, paging: pg, _links: pageLinks(request, q.page, pg.totalPages) }
    }
  )
}
