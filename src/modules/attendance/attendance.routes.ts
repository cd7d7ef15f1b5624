import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { Id, Problem, ref } from '../../platform/schemas.js'
import { actorOf } from '../../db/audit.js'
import { AttendanceQuery, MarkBatch, MarkBatchResult, PlacementAttendance } from './attendance.schemas.js'
import { AttendanceService } from './attendance.service.js'

const tags = ['attendance']
/** A batch of 20,000 marks is about 2 MB of JSON; the limit leaves room for long reasons. */
export const MARK_BATCH_BODY_LIMIT = 8 * 1024 * 1024

export const attendanceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(MarkBatchResult)
  app.addSchema(PlacementAttendance)
  const service = new AttendanceService(app.db, app.clock)

  app.post(
    '/attendance/marks',
    {
      bodyLimit: MARK_BATCH_BODY_LIMIT,
      config: { access: ['provider'] },
      schema: {
        tags,
        operationId: 'recordAttendance',
        summary: 'Record AM and PM session marks for pupils placed with the provider, in bulk',
        description:
          'Validated as a whole: a mark for a pupil not placed with the provider, for a date outside the ' +
          "placement, a weekend or a non-school day of the pupil's calendar, an authorised absence without a " +
          'reason, or more scheduled sessions in a week than the placement plans, refuses the batch and nothing ' +
          'is stored. Idempotent: the same marks again change nothing; a changed mark is kept as a correction.',
        body: MarkBatch,
        response: { 200: ref(MarkBatchResult), 422: ref(Problem) }
      }
    },
    async (request) => service.ingest(actorOf(request), request.body)
  )

  app.get(
    '/placements/:id/attendance',
    {
      config: { access: ['coordinator', 'school', 'provider'] },
      schema: {
        tags,
        operationId: 'getPlacementAttendance',
        summary: "A placement's session marks, corrections and attendance summary against the baseline",
        params: Type.Object({ id: Id }),
        querystring: AttendanceQuery,
        response: { 200: ref(PlacementAttendance), 422: ref(Problem) }
      }
    },
    async (request) => service.get(actorOf(request), request.params.id, request.query.from, request.query.to)
  )
}
