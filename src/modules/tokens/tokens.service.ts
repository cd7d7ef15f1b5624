import type { Kysely } from 'kysely'
import { DateTime } from 'luxon'
import type { Principal, Role } from '../../platform/auth/principal.js'
import { hashToken, newToken } from '../../platform/auth/tokens.js'
import type { ApiTokenRow, DB } from '../../db/schema.js'
import { notFound, unprocessable } from '../../platform/errors.js'
import { paging } from '../../platform/schemas.js'
import { type Actor, writeAudit } from '../../db/audit.js'
import { providersRepository } from '../providers/index.js'
import { schoolsRepository } from '../schools/index.js'
import { toApiToken } from './tokens.mapper.js'
import * as tokensRepository from './tokens.repository.js'
import type { CreateToken } from './tokens.schemas.js'

export interface IssueTokenInput {
  role: Role
  laCode: string
  schoolId?: string | null
  providerId?: string | null
  label: string
  createdBy: string
  expiresAt: Date
}

/** Stores the hash of a new random token and returns the token itself: the only time it is ever seen. */
export async function issueToken(db: Kysely<DB>, input: IssueTokenInput): Promise<{ token: string; row: ApiTokenRow }> {
  const token = newToken()
  const row = await tokensRepository.insert(db, {
    token_hash: hashToken(token),
    label: input.label,
    role: input.role,
    la_code: input.laCode,
    school_id: input.schoolId ?? null,
    provider_id: input.providerId ?? null,
    created_by: input.createdBy,
    expires_at: input.expiresAt
  })
  return { token, row }
}

export class TokensService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly defaultTtlDays: number
  ) {}

  async list(p: Principal, query: { page: number; pageSize: number; role?: Role | undefined }) {
    const { rows, total } = await tokensRepository.page(this.db, p, query)
    return { results: rows.map(toApiToken), paging: paging(query.page, query.pageSize, total) }
  }

  /** Issues a token for the caller's LA, or for one of its schools or providers. */
  async create(actor: Actor, input: CreateToken) {
    const laCode = actor.principal.laCode
    const schoolId = input.role === 'school' ? input.schoolId : undefined
    const providerId = input.role === 'provider' ? input.providerId : undefined
    if (input.role === 'school' && !schoolId)
      throw unprocessable('school_required', 'A school token names its school', [
        { path: '/schoolId', code: 'required', message: '/schoolId is required for the school role' }
      ])
    if (input.role === 'provider' && !providerId)
      throw unprocessable('provider_required', 'A provider token names its provider', [
        { path: '/providerId', code: 'required', message: '/providerId is required for the provider role' }
      ])
    if (input.role !== 'school' && input.schoolId)
      throw unprocessable('school_not_allowed', 'Only a school token names a school', [
        { path: '/schoolId', code: 'not_allowed', message: `/schoolId is not allowed for the ${input.role} role` }
      ])
    if (input.role !== 'provider' && input.providerId)
      throw unprocessable('provider_not_allowed', 'Only a provider token names a provider', [
        { path: '/providerId', code: 'not_allowed', message: `/providerId is not allowed for the ${input.role} role` }
      ])
    return this.db.transaction().execute(async (trx) => {
      if (schoolId && !(await schoolsRepository.findInLa(trx, schoolId, laCode))) {
        throw unprocessable('unknown_school', 'No such school in your LA', [
          { path: '/schoolId', code: 'unknown_reference', message: '/schoolId is not a school in your LA' }
        ])
      }
      if (providerId && !(await providersRepository.findInLa(trx, providerId, laCode))) {
        throw unprocessable('unknown_provider', 'No such provider in your LA', [
          { path: '/providerId', code: 'unknown_reference', message: '/providerId is not a provider in your LA' }
        ])
      }
      const expiresAt = DateTime.utc()
        .plus({ days: input.expiresInDays ?? this.defaultTtlDays })
        .toJSDate()
      const { token, row } = await issueToken(trx, {
        role: input.role,
        laCode,
        schoolId,
        providerId,
        label: input.label,
        createdBy: actor.principal.subject,
        expiresAt
      })
      await writeAudit(trx, actor, [
        { action: 'create', entity: 'api_token', entityId: row.id, changedFields: Object.keys(input) }
      ])
      return { ...toApiToken(row), token }
    })
  }

  async revoke(actor: Actor, id: string) {
    return this.db.transaction().execute(async (trx) => {
      const row = await tokensRepository.revokeInScope(trx, actor.principal, id)
      if (!row) throw notFound('token')
      await writeAudit(trx, actor, [{ action: 'revoke', entity: 'api_token', entityId: id }])
      return toApiToken(row)
    })
  }
}
