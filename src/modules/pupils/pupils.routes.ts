import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { IfMatchHeaders, ifMatchVersion, pageLinks, sendWithEtag } from '../../platform/http.js'
import { Problem, ref } from '../../platform/schemas.js'
import { actorOf } from '../../db/audit.js'
import {
  CreatePupil,
  Pupil,
  PupilListQuery,
  PupilPage,
  PupilParams,
  PupilSearch,
  SendHealthDetail,
  SendHealthRequest,
  UpdatePupil
} from './pupils.schemas.js'
import { PupilsService } from './pupils.service.js'

const tags = ['pupils']
const READERS = ['coordinator', 'school', 'provider'] as const
const WRITERS = ['coordinator', 'school'] as const

export const pupilRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(Pupil)
  app.addSchema(PupilPage)
  app.addSchema(SendHealthDetail)
  const service = new PupilsService(app.db, app.clock)

  app.get(
    '/',
    {
      config: { access: READERS },
      schema: {
        tags,
        operationId: 'listPupils',
        summary: 'Pupils the caller may see',
        description:
          'A school sees its roll, a coordinator the pupils resident in or at schools of the LA, a provider the ' +
          'pupils placed with it. Each pupil returned is audited.',
        querystring: PupilListQuery,
        response: { 200: ref(PupilPage) }
      }
    },
    async (request) => {
      const result = await service.list(actorOf(request), request.query)
      return { ...result, _links: pageLinks(request, request.query.page, result.paging.totalPages) }
    }
  )

  app.post(
    '/search',
    {
      config: { access: READERS },
      schema: {
        tags,
        operationId: 'searchPupils',
        summary: 'Find a pupil by UPN',
        description: 'The UPN is sent in the body so that it never appears in a URL or an access log.',
        body: PupilSearch,
        response: { 200: ref(PupilPage) }
      }
    },
    async (request) => {
      const result = await service.search(actorOf(request), request.body.upn)
      return { ...result, _links: { self: { href: '/v1/pupils/search' } } }
    }
  )

  app.post(
    '/',
    {
      config: { access: WRITERS, idempotent: 'pupil' },
      schema: {
        tags,
        operationId: 'createPupil',
        summary: 'Record a pupil',
        body: CreatePupil,
        response: { 201: ref(Pupil), 409: ref(Problem), 422: ref(Problem) }
      }
    },
    async (request, reply) => {
      const { body, version } = await service.create(actorOf(request), request.body)
      reply.header('location', `/v1/pupils/${body.id}`)
      return sendWithEtag(reply, version, body, 201)
    }
  )

  app.get(
    '/:id',
    {
      config: { access: READERS },
      schema: { tags, operationId: 'getPupil', summary: 'A pupil', params: PupilParams, response: { 200: ref(Pupil) } }
    },
    async (request, reply) => {
      const { body, version } = await service.get(actorOf(request), request.params.id)
      return sendWithEtag(reply, version, body)
    }
  )

  app.post(
    '/:id/sensitive-views',
    {
      config: { access: READERS },
      schema: {
        tags,
        operationId: 'viewPupilSendHealth',
        summary: "Open a pupil's SEND and health detail, giving the reason",
        description:
          'SEN provision and the needs summary of each referral the caller may see. The reason is kept on the ' +
          'audit row of this read (domain.md §9.9); the screens show this detail only through it.',
        params: PupilParams,
        body: SendHealthRequest,
        response: { 200: ref(SendHealthDetail) }
      }
    },
    async (request) => service.sendHealth(actorOf(request), request.params.id, request.body.reason)
  )

  app.patch(
    '/:id',
    {
      config: { access: WRITERS },
      schema: {
        tags,
        operationId: 'updatePupil',
        summary: "Correct or update a pupil's record",
        params: PupilParams,
        headers: IfMatchHeaders,
        body: UpdatePupil,
        response: { 200: ref(Pupil), 409: ref(Problem), 412: ref(Problem), 422: ref(Problem), 428: ref(Problem) }
      }
    },
    async (request, reply) => {
      const version = ifMatchVersion(request)
      const { body, version: next } = await service.update(actorOf(request), request.params.id, version, request.body)
      return sendWithEtag(reply, next, body)
    }
  )
}
