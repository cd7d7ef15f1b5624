import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ROLES } from '../../platform/auth/principal.js'
import { principalOf } from '../../platform/plugins/auth.js'
import { pageLinks, sendWithEtag } from '../../platform/http.js'
import { Problem, ref } from '../../platform/schemas.js'
import { actorOf } from '../../db/audit.js'
import {
  ClockSchema,
  CreateReasonCode,
  CreateReferral,
  Decision,
  ExclusionSchema,
  ObjectiveSchema,
  ReasonCode,
  ReasonCodeList,
  Referral,
  ReferralListQuery,
  ReferralPage,
  ReferralParams,
  Withdrawal
} from './referrals.schemas.js'
import { ReferralsService } from './referrals.service.js'

const tags = ['referrals']

export const referralRoutes: FastifyPluginAsyncTypebox = async (app) => {
  for (const s of [ObjectiveSchema, ExclusionSchema, ClockSchema, Referral, ReferralPage, ReasonCode, ReasonCodeList])
    app.addSchema(s)
  const service = new ReferralsService(app.db, app.clock)

  app.get(
    '/reason-codes',
    {
      config: { access: ROLES },
      schema: {
        tags,
        operationId: 'listReasonCodes',
        summary: "Census primary reasons for placement: national and the LA's own",
        response: { 200: ref(ReasonCodeList) }
      }
    },
    async (request) => service.reasonCodes(principalOf(request))
  )

  app.post(
    '/reason-codes',
    {
      config: { access: ['la_admin'] },
      schema: {
        tags,
        operationId: 'createReasonCode',
        summary: 'Add an LA reason code',
        body: CreateReasonCode,
        response: { 201: ref(ReasonCode), 409: ref(Problem) }
      }
    },
    async (request, reply) =>
      reply.code(201).send(await service.addReasonCode(actorOf(request), request.body.code, request.body.label))
  )

  app.post(
    '/referrals',
    {
      config: { access: ['school', 'coordinator'], idempotent: 'referral' },
      schema: {
        tags,
        operationId: 'createReferral',
        summary: 'Refer a pupil for AP support',
        description:
          'A school refers its own pupil on a school basis; a coordinator records LA-arranged cases. ' +
          'Completeness depends on basis, tier and pupil (EHC plan, looked after, exclusions); each missing item ' +
          'is named in a 422. The decision deadline comes from the LA policy in school days.',
        body: CreateReferral,
        response: { 201: ref(Referral), 422: ref(Problem) }
      }
    },
    async (request, reply) => {
      const body = await service.create(actorOf(request), request.body)
      reply.header('location', `/v1/referrals/${body.id}`)
      return sendWithEtag(reply, 1, body, 201)
    }
  )

  app.get(
    '/referrals',
    {
      config: { access: ['school', 'coordinator'] },
      schema: {
        tags,
        operationId: 'listReferrals',
        summary: "Referrals in the caller's scope",
        querystring: ReferralListQuery,
        response: { 200: ref(ReferralPage) }
      }
    },
    async (request) => {
      const result = await service.list(actorOf(request), request.query)
      return { ...result, _links: pageLinks(request, request.query.page, result.paging.totalPages) }
    }
  )

  app.get(
    '/referrals/:id',
    {
      config: { access: ['school', 'coordinator'] },
      schema: {
        tags,
        operationId: 'getReferral',
        summary: 'A referral with its decision deadline and statutory clocks',
        params: ReferralParams,
        response: { 200: ref(Referral) }
      }
    },
    async (request, reply) => {
      const { body, version } = await service.get(actorOf(request), request.params.id)
      return sendWithEtag(reply, version, body)
    }
  )

  app.post(
    '/referrals/:id/decision',
    {
      config: { access: ['coordinator'] },
      schema: {
        tags,
        operationId: 'decideReferral',
        summary: 'Accept or decline a referral (coordinators of the LA)',
        params: ReferralParams,
        body: Decision,
        response: { 200: ref(Referral), 409: ref(Problem) }
      }
    },
    async (request, reply) => {
      const { body, version } = await service.decide(actorOf(request), request.params.id, request.body)
      return sendWithEtag(reply, version, body)
    }
  )

  app.post(
    '/referrals/:id/withdrawal',
    {
      config: { access: ['school', 'coordinator'] },
      schema: {
        tags,
        operationId: 'withdrawReferral',
        summary: 'Withdraw a referral not yet placed',
        params: ReferralParams,
        body: Withdrawal,
        response: { 200: ref(Referral), 409: ref(Problem) }
      }
    },
    async (request, reply) => {
      const { body, version } = await service.withdraw(actorOf(request), request.params.id, request.body.reason)
      return sendWithEtag(reply, version, body)
    }
  )
}
