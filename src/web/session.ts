import { createHash, randomBytes } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Kysely } from 'kysely'
import type { Principal } from '../platform/auth/principal.js'
import type { DB } from '../db/schema.js'
import * as repo from './web.repository.js'

/**
 * Signed-in sessions of the screens. The cookie holds 256 random bits; the database holds only their SHA-256,
 * with the principal, so a session survives a restart and is the same on every instance, and signing out (or
 * the LA removing the user's role mapping) ends it everywhere at once. A session ends after
 * `SESSION_IDLE_MINUTES` without a request, and `SESSION_MAX_HOURS` after sign-in whatever happens.
 */
export interface WebSession {
  idHash: string
  principal: Principal
  displayName: string
  idToken: string | null
}

declare module 'fastify' {
  interface FastifyRequest {
    webSession: WebSession | null
  }
}

export interface SessionOptions {
  idleMinutes: number
  maxHours: number
  /** Cookies carry `Secure` and the `__Host-` prefix when the service is reached over https. */
  secure: boolean
  now: () => Date
}

export const cookieName = (secure: boolean) => (secure ? '__Host-apt_session' : 'apt_session')
const hashOf = (id: string) => createHash('sha256').update(id).digest('hex')
// The last-seen time is written at most once a minute, so a page costs no write for most requests.
const TOUCH_MS = 60_000

export class Sessions {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly options: SessionOptions
  ) {}

  get cookie() {
    return cookieName(this.options.secure)
  }

  async start(
    reply: FastifyReply,
    values: { principal: Principal; displayName: string; idToken: string | null; signInRoleId: string | null }
  ): Promise<void> {
    const id = randomBytes(32).toString('base64url')
    const now = this.options.now()
    await repo.insertSession(this.db, { idHash: hashOf(id), ...values, now, expiresAt: this.#idleEnd(now, now) })
    void reply.setCookie(this.cookie, id, {
      path: '/',
      httpOnly: true,
      secure: this.options.secure,
      sameSite: 'lax',
      maxAge: this.options.maxHours * 3600
    })
  }

  /** The request's live session, or null; extends its idle expiry. */
  async load(request: FastifyRequest): Promise<WebSession | null> {
    const id = request.cookies[this.cookie]
    if (!id || !/^[A-Za-z0-9_-]{43}$/.test(id)) return null
    const idHash = hashOf(id)
    const now = this.options.now()
    const row = await repo.findSession(this.db, idHash, now)
    if (!row) return null
    if (now.getTime() - row.lastSeenAt.getTime() > TOUCH_MS)
      await repo.touchSession(this.db, idHash, now, this.#idleEnd(now, row.createdAt))
    return { idHash, principal: row.principal, displayName: row.displayName, idToken: row.idToken }
  }

  async end(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (request.webSession) await repo.deleteSession(this.db, request.webSession.idHash, this.options.now())
    void reply.clearCookie(this.cookie, { path: '/', secure: this.options.secure, httpOnly: true, sameSite: 'lax' })
  }

  #idleEnd(now: Date, createdAt: Date): Date {
    const idle = now.getTime() + this.options.idleMinutes * 60_000
    const max = createdAt.getTime() + this.options.maxHours * 3_600_000
    return new Date(Math.min(idle, max))
  }
}
