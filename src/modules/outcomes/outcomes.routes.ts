import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { IfMatchHeaders, ifMatchVersion, sendWithEtag } from '../../platform/http.js'
import { Id, Problem, ref } from '../../platform/schemas.js'
import { actorOf } from '../../db/audit.js'
import { Placement } from '../placements/index.js'
import {
  CloseWithOutcome,
  CorrectOutcome,
  FollowUp,
  FollowUpParams,
  FollowUpResult,
  OutcomeHistory
} from './outcomes.schemas.js'
import { OutcomesService } from './outcomes.service.js'

const tags = ['outcomes']
const Params = Type.Object({ id: Id })
const changeResponses = {
  200: ref(Placement),
  400: ref(Problem),
  409: ref(Problem),
  412: ref(Problem),
  422: ref(Problem),
  428: ref(Problem)
}

export const outcomeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(OutcomeHistory)
  const service = new OutcomesService(app.db, app.clock)

  app.post(
    '/placements/:id/outcome',
    {
      config: { access: ['coordinator'] },
      schema: {
        tags,
        operationId: 'closePlacement',
        summary: 'Close an active or paused placement with a coded outcome',
        description:
          'The only way a placement ends (besides an escalation or step-down, which record their own outcome). ' +
          'Ends the placement the day before the effective date and schedules the follow-ups: +6 school weeks, ' +
          '+1 and +2 terms after a reintegration; the October and March checks after a post-16 transition.',
        params: Params,
        headers: IfMatchHeaders,
        body: CloseWithOutcome,
        response: changeResponses
      }
    },
    async (request, reply) => {
      const { body, version } = await service.close(
        actorOf(request),
        request.params.id,
        ifMatchVersion(request),
        request.body
      )
      return sendWithEtag(reply, version, body)
    }
  )

  app.post(
    '/placements/:id/outcome/corrections',
    {
      config: { access: ['coordinator'] },
      schema: {
        tags,
        operationId: 'correctOutcome',
        summary: "Correct an ended placement's outcome, with a reason kept in its history",
        description:
          'The same rules as closing. Pending follow-ups move to the corrected dates, recorded ones stand, ones ' +
          'the new outcome does not need are superseded.',
        params: Params,
        headers: IfMatchHeaders,
        body: CorrectOutcome,
        response: changeResponses
      }
    },
    async (request, reply) => {
      const { body, version } = await service.correct(
        actorOf(request),
        request.params.id,
        ifMatchVersion(request),
        request.body
      )
      return sendWithEtag(reply, version, body)
    }
  )

  app.get(
    '/placements/:id/outcome',
    {
      config: { access: ['coordinator', 'school', 'provider'] },
      schema: {
        tags,
        operationId: 'getOutcome',
        summary:
          "A closed placement's outcome, its follow-ups and whether it was sustained, and the outcomes it corrected",
        params: Params,
        response: { 200: ref(OutcomeHistory) }
      }
    },
    async (request) => service.history(actorOf(request), request.params.id)
  )

  app.post(
    '/placements/:id/follow-ups/:checkpoint/result',
    {
      config: { access: ['coordinator', 'school', 'provider'] },
      schema: {
        tags,
        operationId: 'recordFollowUp',
        summary: 'Record a follow-up check of an outcome',
        description:
          'After a reintegration the school (for its own pupils) or the LA records roll, attendance, exclusion ' +
          'and suspensions; after a post-16 transition the provider or the LA records participation and ' +
          'destination. Not before the check opens (422), once only (409).',
        params: FollowUpParams,
        body: FollowUpResult,
        response: { 201: ref(FollowUp), 409: ref(Problem), 422: ref(Problem) }
      }
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await service.recordFollowUp(actorOf(request), request.params.id, request.params.checkpoint, request.body)
        )
  )
}
