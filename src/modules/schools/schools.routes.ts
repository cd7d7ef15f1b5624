import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { principalOf } from '../../platform/plugins/auth.js'
import { IfMatchHeaders, ifMatchVersion, pageLinks, sendWithEtag } from '../../platform/http.js'
import { Problem, ref } from '../../platform/schemas.js'
import { actorOf } from '../../db/audit.js'
import { CreateSchool, School, SchoolListQuery, SchoolPage, SchoolParams, UpdateSchool } from './schools.schemas.js'
import { SchoolsService } from './schools.service.js'

const tags = ['schools']

export const schoolRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(School)
  app.addSchema(SchoolPage)
  const service = new SchoolsService(app.db)

  app.get(
    '/',
    {
      config: { access: ['la_admin', 'coordinator', 'analyst', 'school', 'provider'] },
      schema: {
        tags,
        operationId: 'listSchools',
        summary: 'Schools the caller may see, optionally by URN',
        querystring: SchoolListQuery,
        response: { 200: ref(SchoolPage) }
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
      config: { access: ['la_admin'], idempotent: 'school' },
      schema: {
        tags,
        operationId: 'createSchool',
        summary: "Add a school in the caller's LA",
        body: CreateSchool,
        response: { 201: ref(School), 409: ref(Problem), 422: ref(Problem) }
      }
    },
    async (request, reply) => {
      const { body, version } = await service.create(actorOf(request), request.body)
      reply.header('location', `/v1/schools/${body.id}`)
      return sendWithEtag(reply, version, body, 201)
    }
  )

  app.get(
    '/:id',
    {
      config: { access: ['la_admin', 'coordinator', 'analyst', 'school', 'provider'] },
      schema: {
        tags,
        operationId: 'getSchool',
        summary: 'A school',
        params: SchoolParams,
        response: { 200: ref(School) }
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
        operationId: 'updateSchool',
        summary: "Change a school's name, phase or type",
        params: SchoolParams,
        headers: IfMatchHeaders,
        body: UpdateSchool,
        response: { 200: ref(School), 412: ref(Problem), 428: ref(Problem) }
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
