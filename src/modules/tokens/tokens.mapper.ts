import type { ApiTokenRow } from '../../db/schema.js'
import { toIso } from '../../platform/time.js'
import type { ApiToken } from './tokens.schemas.js'

export const toApiToken = (row: ApiTokenRow): ApiToken => ({
  id: row.id,
  label: row.label,
  role: row.role,
  laCode: row.la_code,
  schoolId: row.school_id,
  providerId: row.provider_id,
  createdBy: row.created_by,
  createdAt: toIso(row.created_at),
  expiresAt: toIso(row.expires_at),
  revokedAt: row.revoked_at ? toIso(row.revoked_at) : null,
  status: row.revoked_at ? 'revoked' : row.expires_at.getTime() <= Date.now() ? 'expired' : 'active'
})
