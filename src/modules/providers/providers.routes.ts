import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { principalOf } from '../../platform/plugins/auth.js'
import { IfMatchHeaders, ifMatchVersion, pageLinks, sendWithEtag } from '../../platform/http.js'
import { Problem, ref } from '../../platform/schemas.js'
import { actorOf } from '../../db/audit.js'
import {
  CreateProvider,
  Provider,
  ProviderListQuery,
  ProviderPage,
  ProviderParams,
  UpdateProvider
} from './providers.schemas.js'
import { ProvidersService } from './providers.service.js'

const tags = ['providers']

export const providerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(Provider)
  app.addSchema(ProviderPage)
  const service = new ProvidersService(app.db, app.clock)

  app.get(
    '/',
    {
      config: { access: ['la_admin', 'coordinator', 'analyst', 'school', 'provider'] },
      schema: {
        tags,
        operationId: 'listProviders',
        summary: 'Providers the caller may see, optionally offering a tier',
        querystring: ProviderListQuery,
        response: { 200: ref(ProviderPage) }
      }
    },
    async (request) => {
      const result = await service.list(principalOf(request), request.query)
      return { ...result, _links: pageLinks(request, request.query.page, result.paging.totalPages) }
    }
  )

  app.post(
    '/',
    {
      config: { access: ['la_admin'], idempotent: 'provider' },
      schema: {
        tags,
        operationId: 'createProvider',
        summary: "Add an AP provider in the caller's LA",
        body: CreateProvider,
        response: { 201: ref(Provider), 409: ref(Problem), 422: ref(Problem) }
      }
    },
    async (request, reply) => {
      const { body, version } = await service.create(actorOf(request), request.body)
      reply.header('location', `/v1/providers/${body.id}`)
      return sendWithEtag(reply, version, body, 201)
    }
  )

  app.get(
    '/:id',
    {
      config: { access: ['la_admin', 'coordinator', 'analyst', 'school', 'provider'] },
      schema: {
        tags,
        operationId: 'getProvider',
        summary: 'An AP provider',
        params: ProviderParams,
        response: { 200: ref(Provider) }
      }
    },
    async (request, reply) => {
      const { body, version } = await service.get(principalOf(request), request.params.id)
      return sendWithEtag(reply, version, body)
    }
  )

  app.patch(
    '/:id',
    {
      config: { access: ['la_admin'] },
      schema: {
        tags,
        operationId: 'updateProvider',
        summary: "Change a provider's identifiers, registration, QA, safeguarding or tiers",
        params: ProviderParams,
        headers: IfMatchHeaders,
        body: UpdateProvider,
        response: { 200: ref(Provider), 412: ref(Problem), 428: ref(Problem) }
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
}
