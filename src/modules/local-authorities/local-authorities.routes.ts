import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ROLES } from '../../platform/auth/principal.js'
import { principalOf } from '../../platform/plugins/auth.js'
import { IfMatchHeaders, ifMatchVersion, pageLinks, sendWithEtag } from '../../platform/http.js'
import { Problem, ref } from '../../platform/schemas.js'
import { actorOf } from '../../db/audit.js'
import {
  LaParams,
  LaPolicy,
  LocalAuthority,
  LocalAuthorityListQuery,
  LocalAuthorityPage,
  PutLaPolicy
} from './local-authorities.schemas.js'
import { LocalAuthoritiesService } from './local-authorities.service.js'

const tags = ['local-authorities']

export const localAuthorityRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(LocalAuthority)
  app.addSchema(LaPolicy)
  app.addSchema(LocalAuthorityPage)
  const service = new LocalAuthoritiesService(app.db)

  app.get(
    '/',
    {
      config: { access: ROLES },
      schema: {
        tags,
        operationId: 'listLocalAuthorities',
        summary: 'The local authority the caller belongs to',
        querystring: LocalAuthorityListQuery,
        response: { 200: ref(LocalAuthorityPage) }
      }
    },
    async (request) => {
      const { page, pageSize } = request.query
      const result = await service.list(principalOf(request), page, pageSize)
      return { ...result, _links: pageLinks(request, page, result.paging.totalPages) }
    }
  )

  app.get(
    '/:code',
    {
      config: { access: ROLES },
      schema: {
        tags,
        operationId: 'getLocalAuthority',
        summary: 'A local authority',
        params: LaParams,
        response: { 200: ref(LocalAuthority) }
      }
    },
    async (request, reply) => {
      const { body, version } = await service.get(principalOf(request), request.params.code)
      return sendWithEtag(reply, version, body)
    }
  )

  app.get(
    '/:code/policy',
    {
      config: { access: ROLES },
      schema: {
        tags,
        operationId: 'getLaPolicy',
        summary: 'The LA policy that review, tier and report rules read',
        params: LaParams,
        response: { 200: ref(LaPolicy) }
      }
    },
    async (request, reply) => {
      const { body, version } = await service.getPolicy(principalOf(request), request.params.code)
      return sendWithEtag(reply, version, body)
    }
  )

  app.put(
    '/:code/policy',
    {
      config: { access: ['la_admin'] },
      schema: {
        tags,
        operationId: 'putLaPolicy',
        summary: 'Replace the LA policy',
        params: LaParams,
        headers: IfMatchHeaders,
        body: PutLaPolicy,
        response: { 200: ref(LaPolicy), 412: ref(Problem), 428: ref(Problem) }
      }
    },
    async (request, reply) => {
      const version = ifMatchVersion(request)
      const { body, version: next } = await service.putPolicy(
        actorOf(request),
        request.params.code,
        version,
        request.body
      )
      return sendWithEtag(reply, next, body)
    }
  )
}
