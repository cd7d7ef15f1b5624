import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { Id, Problem, ref } from '../../platform/schemas.js'
import { actorOf } from '../../db/audit.js'
import {
  Assessment,
  AssessmentList,
  CreateAssessment,
  CreateQualification,
  QualificationResult
} from './attainment.schemas.js'
import { AttainmentService } from './attainment.service.js'

const tags = ['attainment']
const Params = Type.Object({ id: Id })

export const attainmentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(Assessment)
  app.addSchema(AssessmentList)
  const service = new AttainmentService(app.db, app.clock)

  app.get(
    '/placements/:id/assessments',
    {
      config: { access: ['coordinator', 'school', 'provider'] },
      schema: {
        tags,
        operationId: 'listAssessments',
        summary: "A placement's English and maths assessments, progress from baseline and qualification results",
        params: Params,
        response: { 200: ref(AssessmentList) }
      }
    },
    async (request) => service.list(actorOf(request), request.params.id)
  )

  app.post(
    '/placements/:id/assessments',
    {
      config: { access: ['coordinator', 'provider'] },
      schema: {
        tags,
        operationId: 'recordAssessment',
        summary: 'Record an English or maths assessment at baseline, a review or exit, on a stated scale',
        params: Params,
        body: CreateAssessment,
        response: { 201: ref(Assessment), 409: ref(Problem) }
      }
    },
    async (request, reply) =>
      reply.code(201).send(await service.assess(actorOf(request), request.params.id, request.body))
  )

  app.post(
    '/placements/:id/qualification-results',
    {
      config: { access: ['coordinator', 'provider'] },
      schema: {
        tags,
        operationId: 'recordQualificationResult',
        summary: "Record a Year 11 pupil's English or maths qualification result",
        params: Params,
        body: CreateQualification,
        response: { 201: ref(QualificationResult), 409: ref(Problem) }
      }
    },
    async (request, reply) =>
      reply.code(201).send(await service.qualify(actorOf(request), request.params.id, request.body))
  )
}
