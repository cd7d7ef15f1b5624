import { type Static, Type } from 'typebox'
import { ROLES } from '../../platform/auth/principal.js'
import { Id, StringEnum, Text } from '../../platform/schemas.js'

const ORG_TYPES = ['local_authority', 'school', 'provider'] as const

export const SignInRole = Type.Object(
  {
    id: Id,
    orgType: StringEnum(ORG_TYPES),
    orgId: Type.String({ description: "The LA's code, or the school's or provider's id." }),
    orgName: Type.Union([Type.String(), Type.Null()]),
    email: Type.Union([Type.String(), Type.Null()], {
      description: 'The one user this row is for; null: everyone signing in for the organisation.'
    }),
    role: StringEnum(ROLES),
    createdAt: Type.String({ format: 'date-time' })
  },
  { $id: 'SignInRole', additionalProperties: false }
)
export type SignInRole = Static<typeof SignInRole>

export const SignInRoleList = Type.Object(
  { results: Type.Array(SignInRole) },
  { $id: 'SignInRoleList', additionalProperties: false }
)

export const CreateSignInRole = Type.Object(
  {
    orgType: StringEnum(ORG_TYPES),
    orgId: Type.String({
      pattern: '^[0-9]{1,18}$',
      examples: ['919'],
      description: "The LA's own code for `local_authority`; a school's or provider's id of the LA otherwise."
    }),
    email: Type.Optional(
      Text({
        maxLength: 254,
        pattern: '^[^@\\s]+@[^@\\s]+$',
        examples: ['a.coordinator@hertfordshire.gov.uk'],
        description: "A user's email as the identity provider gives it (compared without case); absent: everyone."
      })
    ),
    role: StringEnum(ROLES, {
      examples: ['coordinator'],
      description: 'la_admin, coordinator or analyst for the LA; school for a school; provider for a provider.'
    })
  },
  { additionalProperties: false }
)
export type CreateSignInRole = Static<typeof CreateSignInRole>

export const SignInRoleParams = Type.Object({ id: Id })
