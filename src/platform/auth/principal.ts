/**
 * Who is calling. A principal is a role acting for one organisation. Bearer tokens produce one today;
 * an OIDC front (DfE Sign-in carries the selected organisation, roles come from its API) can produce
 * the same object without any route changing.
 */
export const ROLES = ['la_admin', 'coordinator', 'school', 'provider', 'analyst'] as const
export type Role = (typeof ROLES)[number]

export const LA_ROLES: readonly Role[] = ['la_admin', 'coordinator', 'analyst']

export type OrgType = 'local_authority' | 'school' | 'provider'

export interface Principal {
  /** Stable actor id written to the audit trail, e.g. `token:17`. */
  subject: string
  role: Role
  orgType: OrgType
  /** LA code, school id or provider id, as a string. */
  orgId: string
  /** The LA the organisation belongs to (for an LA, itself). */
  laCode: string
  schoolId: string | null
  providerId: string | null
  tokenId: string | null
}

export const orgTypeFor = (role: Role): OrgType =>
  role === 'school' ? 'school' : role === 'provider' ? 'provider' : 'local_authority'

export function principalFor(input: {
  subject: string
  role: Role
  laCode: string
  schoolId?: string | null
  providerId?: string | null
  tokenId?: string | null
}): Principal {
  const orgType = orgTypeFor(input.role)
  const schoolId = input.schoolId ?? null
  const providerId = input.providerId ?? null
  const orgId = orgType === 'school' ? schoolId : orgType === 'provider' ? providerId : input.laCode
  if (!orgId) throw new Error(`a ${input.role} principal needs its ${orgType}`)
  return {
    subject: input.subject,
    role: input.role,
    orgType,
    orgId,
    laCode: input.laCode,
    schoolId,
    providerId,
    tokenId: input.tokenId ?? null
  }
}
