import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { LaCode, Problem, ref } from '../../platform/schemas.js'
import { todayIn } from '../../platform/time.js'
import { actorOf } from '../../db/audit.js'
import { ComplianceReport, DEFINITIONS, MEASURES, OutcomesReport, OutcomesReportQuery } from './reports.schemas.js'
import { complianceReport, outcomesReport } from './reports.view.js'

const tags = ['reports']
const Params = Type.Object({ code: LaCode })

export const reportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(OutcomesReport)
  app.addSchema(ComplianceReport)

  app.get(
    '/local-authorities/:code/reports/outcomes',
    {
      config: { access: ['la_admin', 'analyst'] },
      schema: {
        tags,
        operationId: 'getOutcomesReport',
        summary:
          'The five national AP outcomes for the LA and an academic year, with numerators, denominators and rates',
        description:
          `${MEASURES.map((m) => `${m}: ${DEFINITIONS[m]}`).join(' ')} ` +
          "The published view withholds counts from 1 to below the LA's small-number threshold (default 5), " +
          'every rate built on them, and further cells so a withheld one cannot be worked out from the totals; ' +
          'la_admin may ask for view=internal (audited).',
        params: Params,
        querystring: OutcomesReportQuery,
        response: { 200: ref(OutcomesReport), 403: ref(Problem) }
      }
    },
    async (request) => outcomesReport(app.db, actorOf(request), request.params.code, request.query, todayIn(app.clock))
  )

  app.get(
    '/local-authorities/:code/reports/compliance',
    {
      config: { access: ['la_admin', 'coordinator', 'analyst'] },
      schema: {
        tags,
        operationId: 'getComplianceReport',
        summary:
          "The LA's compliance checks: overdue reviews, missing plans and baselines, breached clocks, part-time " +
          'timetables, provider registration and safeguarding, notifications, missing outcomes, overdue ' +
          'follow-ups',
        params: Params,
        response: { 200: ref(ComplianceReport) }
      }
    },
    async (request) => complianceReport(app.db, actorOf(request), request.params.code, app.clock)
  )
}
