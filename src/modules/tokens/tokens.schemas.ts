import { type Static, Type } from 'typebox'
import { ROLES } from '../../platform/auth/principal.js'
import { Id, LaCode, PageQuery, pageOf, Timestamp, StringEnum, Text } from '../../platform/schemas.js'

const Role = StringEnum(ROLES)

export const ApiToken = Type.Object(
  {
    id: Id,
    label: Type.String(),
    role: Role,
    laCode: LaCode,
    schoolId: Type.Union([Id, Type.Null()]),
    providerId: Type.Union([Id, Type.Null()]),
    createdBy: Type.String(),
    createdAt: Timestamp,
    expiresAt: Timestamp,
    revokedAt: Type.Union([Timestamp, Type.Null()]),
    status: Type.Union([Type.Literal('active'), Type.Literal('expired'), Type.Literal('revoked')])
  },
  { $id: 'ApiToken', additionalProperties: false }
)
export type ApiToken = Static<typeof ApiToken>

export const IssuedToken = Type.Object(
  {
    ...ApiToken.properties,
    token: Type.String({ description: 'The bearer token. Shown once: only its hash is stored.' })
  },
  { $id: 'IssuedToken', additionalProperties: false }
)

export const CreateToken = Type.Object(
  {
    label: Text({ minLength: 1, maxLength: 200, description: 'Who or what holds the token.' }),
    role: Role,
    schoolId: Type.Optional(Id),
    providerId: Type.Optional(Id),
    expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 400 }))
  },
  { additionalProperties: false }
)
export type CreateToken = Static<typeof CreateToken>

export const ApiTokenPage = pageOf('ApiTokenPage', ApiToken)
export const TokenListQuery = Type.Object({ ...PageQuery, role: Type.Optional(Role) }, { additionalProperties: false })
export const TokenParams = Type.Object({ id: Id })
