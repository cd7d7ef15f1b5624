import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { principalOf } from '../../platform/plugins/auth.js'
import { Problem, ref } from '../../platform/schemas.js'
import { actorOf } from '../../db/audit.js'
import { CreateSignInRole, SignInRole, SignInRoleList, SignInRoleParams } from './sign-in-roles.schemas.js'
import { SignInRolesService } from './sign-in-roles.service.js'

const tags = ['tokens']

export const signInRoleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(SignInRole)
  app.addSchema(SignInRoleList)
  const service = new SignInRolesService(app.db)

  app.get(
    '/',
    {
      config: { access: ['la_admin'] },
      schema: {
        tags,
        operationId: 'listSignInRoles',
        summary: 'Who may sign in to the screens, and with which role',
        description:
          "The LA's mappings from an identity provider's organisation (the LA, one of its schools by URN, or one of " +
          "its providers by URN or UKPRN) and optionally one user's email to a role. At sign-in the row naming the " +
          "user's email is used first, then the organisation's.",
        response: { 200: ref(SignInRoleList) }
      }
    },
    async (request) => service.list(principalOf(request))
  )

  app.post(
    '/',
    {
      config: { access: ['la_admin'] },
      schema: {
        tags,
        operationId: 'createSignInRole',
        summary: 'Let an organisation (or one of its users) sign in with a role',
        body: CreateSignInRole,
        response: { 201: ref(SignInRole), 409: ref(Problem), 422: ref(Problem) }
      }
    },
    async (request, reply) => {
      const created = await service.create(actorOf(request), request.body)
      return reply.code(201).header('location', `/v1/sign-in-roles/${created.id}`).send(created)
    }
  )

  app.delete(
    '/:id',
    {
      config: { access: ['la_admin'] },
      schema: {
        tags,
        operationId: 'deleteSignInRole',
        summary: 'Remove a sign-in role; the sessions it let in end at once',
        params: SignInRoleParams,
        response: { 204: Type.Null({ description: 'Removed' }) }
      }
    },
    async (request, reply) => {
      await service.remove(actorOf(request), request.params.id)
      return reply.code(204).send(null)
    }
  )
}
