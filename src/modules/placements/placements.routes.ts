import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyPluginAsync } from 'fastify'
import { Type } from 'typebox'
import { principalOf } from '../../platform/plugins/auth.js'
import { notFound, unprocessable } from '../../platform/errors.js'
import { IfMatchHeaders, ifMatchVersion, pageLinks, sendWithEtag } from '../../platform/http.js'
import { LaCode, Problem, ref } from '../../platform/schemas.js'
import { actorOf } from '../../db/audit.js'
import {
  CreatePlacement,
  EmptyBody,
  NextPlacement,
  PartTimePlan,
  Placement,
  PlacementListQuery,
  PlacementPage,
  PlacementParams,
  PauseBody,
  PlanSchema,
  ProviderAlerts,
  ReasonBody,
  ResumeBody,
  RegistrationCheck,
  UpdatePlacement,
  WaitingList
} from './placements.schemas.js'
import { PlacementsService } from './placements.service.js'

const tags = ['placements']
const READERS = ['coordinator', 'school', 'provider'] as const
const transitionErrors = {
  200: ref(Placement),
  409: ref(Problem),
  412: ref(Problem),
  422: ref(Problem),
  428: ref(Problem)
}
const datedTransitionErrors = { ...transitionErrors, 400: ref(Problem) }
const MoveOn = Type.Object(
  { ended: ref(Placement), next: ref(Placement) },
  { $id: 'PlacementMove', additionalProperties: false }
)

/** `within`: routes of other modules that answer with the Placement schema registered here (outcomes). */
export const placementRoutes: FastifyPluginAsyncTypebox<{ within?: FastifyPluginAsync[] }> = async (app, opts) => {
  for (const s of [
    PlanSchema,
    PartTimePlan,
    Placement,
    PlacementPage,
    WaitingList,
    RegistrationCheck,
    ProviderAlerts,
    MoveOn
  ])
    app.addSchema(s)
  const service = new PlacementsService(app.db, app.clock)

  app.post(
    '/placements',
    {
      config: { access: ['coordinator'], idempotent: 'placement' },
      schema: {
        tags,
        operationId: 'createPlacement',
        summary: 'Place a pupil from an accepted referral',
        description:
          "Checks the tier rules, the provider's tier and capacity (409 and a waiting-list place when full), the " +
          "pupil's other placements (409 naming the clash), and sets the first review date from LA policy on the " +
          "pupil's school calendar.",
        body: CreatePlacement,
        response: { 201: ref(Placement), 409: ref(Problem), 422: ref(Problem) }
      }
    },
    async (request, reply) => {
      const { body, version } = await service.create(actorOf(request), request.body)
      reply.header('location', `/v1/placements/${body.id}`)
      return sendWithEtag(reply, version, body, 201)
    }
  )

  app.get(
    '/placements',
    {
      config: { access: READERS },
      schema: {
        tags,
        operationId: 'listPlacements',
        summary: "Placements in the caller's scope",
        querystring: PlacementListQuery,
        response: { 200: ref(PlacementPage) }
      }
    },
    async (request) => {
      const result = await service.list(actorOf(request), request.query)
      return { ...result, _links: pageLinks(request, request.query.page, result.paging.totalPages) }
    }
  )

  app.get(
    '/placements/:id',
    {
      config: { access: READERS },
      schema: {
        tags,
        operationId: 'getPlacement',
        summary: 'A placement with its clocks and any unmet preconditions',
        params: PlacementParams,
        response: { 200: ref(Placement) }
      }
    },
    async (request, reply) => {
      const { body, version } = await service.get(actorOf(request), request.params.id)
      return sendWithEtag(reply, version, body)
    }
  )

  app.patch(
    '/placements/:id',
    {
      config: { access: ['coordinator'] },
      // A placement never just stops: ending it through an update is refused with the route that does it.
      preValidation: async (request) => {
        const body = request.body as Record<string, unknown> | null
        const ending = ['status', 'endDate', 'endedReason', 'outcome'].filter(
          (k) => body && typeof body === 'object' && k in body
        )
        if (ending.length > 0) {
          throw unprocessable(
            'use_outcome',
            'A placement ends only with a coded outcome: ' +
              `POST /v1/placements/${(request.params as { id: string }).id}/outcome`,
            ending.map((k) => ({
              path: `/${k}`,
              code: 'use_outcome',
              message: `/${k} is set by closing the placement with an outcome, not by an update`
            }))
          )
        }
      },
      schema: {
        tags,
        operationId: 'updatePlacement',
        summary: 'Record notices and LA notification, change the plan, or (while planned) dates and sessions',
        description:
          'Never ends a placement: status, endDate or an outcome in the body answer 422 pointing to POST ' +
          '/v1/placements/{id}/outcome.',
        params: PlacementParams,
        headers: IfMatchHeaders,
        body: UpdatePlacement,
        response: transitionErrors
      }
    },
    async (request, reply) => {
      const { body, version } = await service.update(
        actorOf(request),
        request.params.id,
        ifMatchVersion(request),
        request.body
      )
      return sendWithEtag(reply, version, body)
    }
  )

  app.post(
    '/placements/:id/activation',
    {
      config: { access: ['coordinator'] },
      schema: {
        tags,
        operationId: 'activatePlacement',
        summary: 'Start a planned placement once every precondition holds (each unmet one is named)',
        params: PlacementParams,
        headers: IfMatchHeaders,
        body: EmptyBody,
        response: transitionErrors
      }
    },
    async (request, reply) => {
      const { body, version } = await service.activate(actorOf(request), request.params.id, ifMatchVersion(request))
      return sendWithEtag(reply, version, body)
    }
  )

  app.post(
    '/placements/:id/pause',
    {
      config: { access: ['coordinator'] },
      schema: {
        tags,
        operationId: 'pausePlacement',
        summary: 'Pause an active placement, with a reason',
        params: PlacementParams,
        headers: IfMatchHeaders,
        body: PauseBody,
        response: datedTransitionErrors
      }
    },
    async (request, reply) => {
      const { body, version } = await service.pause(
        actorOf(request),
        request.params.id,
        ifMatchVersion(request),
        request.body.reason,
        request.body.from
      )
      return sendWithEtag(reply, version, body)
    }
  )

  app.post(
    '/placements/:id/resumption',
    {
      config: { access: ['coordinator'] },
      schema: {
        tags,
        operationId: 'resumePlacement',
        summary: 'Resume a paused placement',
        params: PlacementParams,
        headers: IfMatchHeaders,
        body: ResumeBody,
        response: datedTransitionErrors
      }
    },
    async (request, reply) => {
      const { body, version } = await service.resume(
        actorOf(request),
        request.params.id,
        ifMatchVersion(request),
        request.body.from
      )
      return sendWithEtag(reply, version, body)
    }
  )

  app.post(
    '/placements/:id/cancellation',
    {
      config: { access: ['coordinator'] },
      schema: {
        tags,
        operationId: 'cancelPlacement',
        summary: 'Cancel a placement that has not started',
        params: PlacementParams,
        headers: IfMatchHeaders,
        body: ReasonBody,
        response: transitionErrors
      }
    },
    async (request, reply) => {
      const { body, version } = await service.cancel(
        actorOf(request),
        request.params.id,
        ifMatchVersion(request),
        request.body.reason
      )
      return sendWithEtag(reply, version, body)
    }
  )

  for (const [path, kind, operationId, summary] of [
    [
      'escalation',
      'ESCALATED',
      'escalatePlacement',
      'Escalate a Tier 2 placement to Tier 3: ends it and opens the linked Tier 3 placement in one transaction'
    ],
    [
      'step-down',
      'STEPPED_DOWN',
      'stepDownPlacement',
      'Step down to Tier 1 support after a return: ends the placement and opens the linked Tier 1 support in one ' +
        'transaction'
    ]
  ] as const) {
    app.post(
      `/placements/:id/${path}`,
      {
        config: { access: ['coordinator'] },
        schema: {
          tags,
          operationId,
          summary,
          params: PlacementParams,
          headers: IfMatchHeaders,
          body: NextPlacement,
          response: {
            201: ref(MoveOn),
            400: ref(Problem),
            409: ref(Problem),
            412: ref(Problem),
            422: ref(Problem),
            428: ref(Problem)
          }
        }
      },
      async (request, reply) => {
        const { ended, next, version } = await service.moveOn(
          actorOf(request),
          request.params.id,
          ifMatchVersion(request),
          kind,
          request.body
        )
        reply.header('location', `/v1/placements/${next.id}`)
        return sendWithEtag(reply, version, { ended, next }, 201)
      }
    )
  }

  app.get(
    '/providers/:id/waiting-list',
    {
      config: { access: ['coordinator', 'provider'] },
      schema: {
        tags,
        operationId: 'getWaitingList',
        summary: 'Accepted referrals waiting for a place at the provider, with position and days waited',
        params: PlacementParams,
        response: { 200: ref(WaitingList) }
      }
    },
    async (request) => service.waitingList(actorOf(request), request.params.id)
  )

  app.get(
    '/providers/:id/registration-check',
    {
      config: { access: ['la_admin', 'coordinator', 'analyst', 'provider'] },
      schema: {
        tags,
        operationId: 'getRegistrationCheck',
        summary: 'Whether an unregistered provider has crossed the registration threshold',
        params: PlacementParams,
        response: { 200: ref(RegistrationCheck) }
      }
    },
    async (request) => (await service.registrationChecks(principalOf(request), request.params.id))[0]!
  )

  app.get(
    '/local-authorities/:code/provider-alerts',
    {
      config: { access: ['la_admin', 'coordinator', 'analyst'] },
      schema: {
        tags,
        operationId: 'listProviderAlerts',
        summary: "The LA's unregistered providers over the registration threshold",
        params: Type.Object({ code: LaCode }),
        response: { 200: ref(ProviderAlerts) }
      }
    },
    async (request) => {
      const p = principalOf(request)
      if (request.params.code !== p.laCode) throw notFound('local_authority')
      return { results: (await service.registrationChecks(p)).filter((c) => c.flagged) }
    }
  )

  for (const routes of opts.within ?? []) await app.register(routes)
}
