import type { SignInRoleRow } from './sign-in-roles.repository.js'
import type { SignInRole } from './sign-in-roles.schemas.js'

export const toSignInRole = (row: SignInRoleRow): SignInRole => ({
  id: row.id,
  orgType: row.org_type,
  orgId: row.org_id,
  orgName: row.org_name,
  email: row.email,
  role: row.role,
  createdAt: row.created_at.toISOString()
})
