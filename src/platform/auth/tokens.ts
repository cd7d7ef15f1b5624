import { createHash, randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.js'
import { type Principal, principalFor } from './principal.js'

export const TOKEN_PREFIX = 'apt_'
const TOKEN_SHAPE = /^apt_[A-Za-z0-9_-]{43}$/
const LOAN_PREFIX = 'apl_'

/** A new random bearer token (256 bits). It is shown once and only its hash is stored. */
export const newToken = (): string => TOKEN_PREFIX + randomBytes(32).toString('base64url')
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex')
export const looksLikeToken = (token: string): boolean => TOKEN_SHAPE.test(token)

interface CacheEntry {
  principal: Principal
  until: number
  expiresAt: number
}

/**
 * Verifies bearer tokens against the database. A verified token is cached for `cacheMs` so the hot path
 * costs no query; revoking a token through this verifier drops it from the cache at once, and the cache
 * never outlives the token's own expiry.
 */
export class TokenVerifier {
  readonly #cache = new Map<string, CacheEntry>()
  readonly #loans = new Map<string, Principal>()

  constructor(
    private readonly db: Kysely<DB>,
    private readonly cacheMs: number,
    private readonly now: () => number = Date.now
  ) {}

  /**
   * Lends a signed-in screen user's principal to the API calls one page makes in-process (`src/web/api.ts`):
   * a random 256-bit bearer that lives in this process's memory only, until `endLoan`. A page thereby sees
   * exactly what the same principal's API call answers, with the same scope, checks and audit rows.
   */
  lend(principal: Principal): string {
    const token = LOAN_PREFIX + randomBytes(32).toString('base64url')
    this.#loans.set(token, principal)
    return token
  }

  endLoan(token: string): void {
    this.#loans.delete(token)
  }

  /** The principal a lent bearer stands for, if it is one still lent. */
  lent(token: string): Principal | undefined {
    return token.startsWith(LOAN_PREFIX) ? this.#loans.get(token) : undefined
  }

  async verify(token: string): Promise<Principal | undefined> {
    const lent = this.lent(token)
    if (lent) return lent
    if (!looksLikeToken(token)) return undefined
    const hash = hashToken(token)
    const now = this.now()
    const cached = this.#cache.get(hash)
    if (cached && cached.until > now && cached.expiresAt > now) return cached.principal
    this.#cache.delete(hash)
    const row = await this.db
      .selectFrom('api_token')
      .select(['id', 'role', 'la_code', 'school_id', 'provider_id', 'expires_at'])
      .where('token_hash', '=', hash)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', new Date(now))
      .executeTakeFirst()
    if (!row) return undefined
    const principal = principalFor({
      subject: `token:${row.id}`,
      role: row.role,
      laCode: row.la_code,
      schoolId: row.school_id,
      providerId: row.provider_id,
      tokenId: row.id
    })
    if (this.cacheMs > 0) {
      if (this.#cache.size > 10_000) this.#cache.clear()
      this.#cache.set(hash, { principal, until: now + this.cacheMs, expiresAt: row.expires_at.getTime() })
    }
    return principal
  }

  /** Forget every cached token with this id (called on revocation). */
  forget(tokenId: string): void {
    for (const [hash, entry] of this.#cache) if (entry.principal.tokenId === tokenId) this.#cache.delete(hash)
  }
}
