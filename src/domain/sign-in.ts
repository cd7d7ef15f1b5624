import type { Refusal } from './refusal.js'

export type OrgKind = 'local_authority' | 'school' | 'provider'
export type SignInRoleName = 'la_admin' | 'coordinator' | 'school' | 'provider' | 'analyst'

/** The roles a user signing in for each kind of organisation may be given (domain.md §9.9). */
export const ROLES_FOR_ORG: Record<OrgKind, readonly SignInRoleName[]> = {
  local_authority: ['la_admin', 'coordinator', 'analyst'],
  school: ['school'],
  provider: ['provider']
}

/**
 * A sign-in role mapping names a role the organisation can hold: an LA's staff administer, coordinate or
 * analyse; a school's staff act as the school, a provider's as the provider. Anything else is refused, so a
 * school's users can never be mapped to an LA-wide role.
 */
export function signInRoleRefusal(orgKind: OrgKind, role: SignInRoleName): Refusal | undefined {
  if (ROLES_FOR_ORG[orgKind].includes(role)) return undefined
  return {
    code: 'role_not_for_organisation',
    detail: `A ${orgKind.replace('_', ' ')} can be given ${ROLES_FOR_ORG[orgKind].join(', ')}, not ${role}`,
    errors: [
      {
        path: '/role',
        code: 'role_not_for_organisation',
        message: `/role must be one of ${ROLES_FOR_ORG[orgKind].join(', ')} for a ${orgKind.replace('_', ' ')}`
      }
    ]
  }
}
