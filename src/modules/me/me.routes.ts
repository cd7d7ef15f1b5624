import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { StringEnum } from '../../platform/schemas.js'
import { ROLES } from '../../platform/auth/principal.js'
import { principalOf } from '../../platform/plugins/auth.js'

const Me = Type.Object(
  {
    role: StringEnum(ROLES),
    organisation: Type.Object(
      {
        type: StringEnum(['local_authority', 'school', 'provider']),
        id: Type.String(),
        laCode: Type.String()
      },
      { additionalProperties: false }
    ),
    subject: Type.String()
  },
  { $id: 'Me', additionalProperties: false }
)

export const meRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/me',
    {
      config: { access: ROLES },
      schema: { tags: ['me'], operationId: 'getMe', summary: 'Who the token acts as', response: { 200: Me } }
    },
    async (request) => {
      const p = principalOf(request)
      return { role: p.role, organisation: { type: p.orgType, id: p.orgId, laCode: p.laCode }, subject: p.subject }
    }
  )
}
