import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { principalOf } from '../../platform/plugins/auth.js'
import { pageLinks } from '../../platform/http.js'
import { Problem, ref } from '../../platform/schemas.js'
import { actorOf } from '../../db/audit.js'
import { ApiToken, ApiTokenPage, CreateToken, IssuedToken, TokenListQuery, TokenParams } from './tokens.schemas.js'
import { TokensService } from './tokens.service.js'

const tags = ['tokens']

export const tokenRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(ApiToken)
  app.addSchema(IssuedToken)
  app.addSchema(ApiTokenPage)
  const service = new TokensService(app.db, app.config.TOKEN_TTL_DAYS)

  app.get(
    '/',
    {
      config: { access: ['la_admin'] },
      schema: {
        tags,
        operationId: 'listTokens',
        summary: 'Tokens of the LA and its schools and providers (never the secrets)',
        querystring: TokenListQuery,
        response: { 200: ref(ApiTokenPage) }
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
      config: { access: ['la_admin'] },
      schema: {
        tags,
        operationId: 'createToken',
        summary: 'Issue a token; the secret is in this response only',
        body: CreateToken,
        response: { 201: ref(IssuedToken), 422: ref(Problem) }
      }
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store')
      const created = await service.create(actorOf(request), request.body)
      return reply.code(201).header('location', `/v1/tokens/${created.id}`).send(created)
    }
  )

  app.delete(
    '/:id',
    {
      config: { access: ['la_admin'] },
      schema: {
        tags,
        operationId: 'revokeToken',
        summary: 'Revoke a token at once',
        params: TokenParams,
        response: { 200: ref(ApiToken) }
      }
    },
    async (request) => {
      const revoked = await service.revoke(actorOf(request), request.params.id)
      app.tokens.forget(revoked.id)
      return revoked
    }
  )
}
