import { createHash, randomUUID } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Kysely } from 'kysely'
import { sql } from 'kysely'
import type { DB } from '../../db/schema.js'
import { AppError, badRequest, conflict, unprocessable } from '../errors.js'

/** The key a request holds while it runs; its write transaction records what it created under `attempt`. */
export interface IdempotencyClaim {
  principal: string
  key: string
  attempt: string
  /** The entity the route creates, as its audit rows name it (`placement`, `pupil`, …). */
  entity: string
  claimed: boolean
}

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: IdempotencyClaim | null
  }
  interface FastifyContextConfig {
    /** A creating POST that honours Idempotency-Key, naming the entity it creates (as audited). */
    idempotent?: 'pupil' | 'referral' | 'placement' | 'review' | 'school' | 'provider'
  }
}

const KEY_SHAPE = /^[A-Za-z0-9._:-]{1,200}$/
const STORED_HEADERS = ['location', 'etag'] as const
// Headers of the caller's request that the replay's read of the resource carries, so it is the same principal.
const CALLER_HEADERS = ['authorization', 'cookie', 'x-request-id'] as const

/**
 * Inside the write's own transaction: records that this attempt created `entityId`, so a retry replays it even
 * if the process dies before the response is stored. Refuses (and so rolls the write back) when a retry has
 * taken the key over after this attempt's lease ran out.
 */
export async function recordIdempotentCreation(
  trx: Kysely<DB>,
  claim: IdempotencyClaim,
  entityId: string
): Promise<void> {
  if (claim.claimed) return
  const held = await trx
    .updateTable('idempotency_key')
    .set({ entity_id: entityId })
    .where('principal', '=', claim.principal)
    .where('key', '=', claim.key)
    .where('attempt', '=', claim.attempt)
    .where('entity_id', 'is', null)
    .returning('key')
    .executeTakeFirst()
  if (!held)
    throw conflict(
      'idempotency_superseded',
      'This request ran past its Idempotency-Key lease and a retry took the key over; nothing was saved'
    )
  claim.claimed = true
}

const inProgress = (seconds: number) =>
  new AppError(
    409,
    'idempotency_in_progress',
    'A request with this Idempotency-Key is still being processed; retry after the Retry-After seconds',
    [],
    { 'retry-after': String(Math.max(1, seconds)) }
  )

/**
 * Idempotency-Key on creating POSTs (`config.idempotent`). A request leases its key for `leaseMs`; its write
 * transaction records the resource it created under the lease (`recordIdempotentCreation`, called by the audit
 * writer), so the key and the write commit together or not at all. A repeat with the same body replays: the
 * resource is read again as the caller (the read is audited like any other), with the first status, Location
 * and `Idempotent-Replayed: true`. No response body is stored, so no pupil identity is kept with the key.
 * A repeat while the first still holds its lease gets 409 `idempotency_in_progress` with Retry-After; after a
 * crash, `kill -9` or a request cut off, the lease runs out and the retry runs the request itself, which is
 * safe because the first wrote nothing. The same key with a different body is refused with 422. A failed
 * request releases its key. Keys are per principal and kept for 24 hours.
 */
export const idempotencyPlugin = fp(
  async (app: FastifyInstance, opts: { db: Kysely<DB>; leaseMs: number }) => {
    const { db, leaseMs } = opts
    const lease = sql<Date>`now() + ${`${leaseMs} milliseconds`}::interval`
    // Attempts are named after this instance, so a key whose attempt ran here and has finished (its failure
    // could not release the key while the database was away) is taken over at once rather than after the lease.
    const instance = randomUUID()
    const running = new Set<string>()
    const finishedHere = (attempt: string | null) =>
      attempt !== null && attempt.startsWith(`${instance}:`) && !running.has(attempt)
    app.decorateRequest('idempotency', null)
    app.addHook('onResponse', async (request) => {
      if (request.idempotency) running.delete(request.idempotency.attempt)
    })

    const replay = async (request: FastifyRequest, path: string, entityId: string, status: number | null) => {
      const headers: Record<string, string> = {}
      for (const name of CALLER_HEADERS) {
        const value = request.headers[name]
        if (typeof value === 'string') headers[name] = value
      }
      const read = await app.inject({ method: 'GET', url: `${path}/${entityId}`, headers })
      const ok = read.statusCode === 200
      return {
        status: ok ? (status ?? 201) : read.statusCode,
        headers: {
          'content-type': String(read.headers['content-type'] ?? 'application/json'),
          ...(ok ? { location: `${path}/${entityId}` } : {}),
          ...(ok && read.headers.etag ? { etag: String(read.headers.etag) } : {}),
          'idempotent-replayed': 'true'
        },
        body: read.body
      }
    }

    app.addHook('preHandler', async (request, reply) => {
      const entity = request.routeOptions.config?.idempotent
      if (!entity || !request.principal) return
      const key = request.headers['idempotency-key']
      if (key === undefined) return
      if (typeof key !== 'string' || !KEY_SHAPE.test(key)) {
        throw badRequest('invalid_idempotency_key', 'Idempotency-Key must be 1–200 letters, digits or . _ : -', [
          { path: '/headers/idempotency-key', code: 'pattern', message: 'must be 1–200 letters, digits or . _ : -' }
        ])
      }
      const principal = request.principal.subject
      const path = request.url.split('?')[0]!
      const requestHash = createHash('sha256')
        .update(`${request.method} ${path}\n${JSON.stringify(request.body ?? null)}`)
        .digest('hex')
      const attempt = `${instance}:${randomUUID()}`
      await db
        .deleteFrom('idempotency_key')
        .where('principal', '=', principal)
        .where('created_at', '<', sql<Date>`now() - interval '24 hours'`)
        .execute()
      const reserved = await db
        .insertInto('idempotency_key')
        .values({
          principal,
          key,
          method: request.method,
          path,
          request_hash: requestHash,
          attempt,
          locked_until: lease
        })
        .onConflict((oc) => oc.doNothing())
        .returning('key')
        .executeTakeFirst()
      const claim = { principal, key, attempt, entity, claimed: false }
      if (reserved) {
        running.add(attempt)
        request.idempotency = claim
        return
      }
      const existing = await db
        .selectFrom('idempotency_key')
        .select([
          'request_hash',
          'entity_id',
          'status_code',
          'attempt',
          sql<number>`ceil(extract(epoch from locked_until - now()))::int`.as('lease_left_s')
        ])
        .where('principal', '=', principal)
        .where('key', '=', key)
        .executeTakeFirstOrThrow()
      if (existing.request_hash !== requestHash) {
        throw unprocessable(
          'idempotency_key_reused',
          'This Idempotency-Key was already used with a different request',
          [
            {
              path: '/headers/idempotency-key',
              code: 'idempotency_key_reused',
              message: 'already used with a different request'
            }
          ]
        )
      }
      if (existing.entity_id !== null) {
        const again = await replay(request, path, existing.entity_id, existing.status_code)
        return reply.code(again.status).headers(again.headers).send(again.body)
      }
      if (existing.lease_left_s !== null && existing.lease_left_s > 0 && !finishedHere(existing.attempt))
        throw inProgress(existing.lease_left_s)
      // The attempt that held the key is gone without having written anything: this request takes it over.
      const taken = await db
        .updateTable('idempotency_key')
        .set({ attempt, locked_until: lease })
        .where('principal', '=', principal)
        .where('key', '=', key)
        .where('entity_id', 'is', null)
        .where((eb) => (existing.attempt === null ? eb('attempt', 'is', null) : eb('attempt', '=', existing.attempt)))
        .returning('key')
        .executeTakeFirst()
      if (!taken) throw inProgress(1)
      running.add(attempt)
      request.idempotency = claim
    })

    app.addHook('onSend', async (request, reply, payload) => {
      const claim = request.idempotency
      if (!claim) return payload
      const mine = db
        .updateTable('idempotency_key')
        .where('principal', '=', claim.principal)
        .where('key', '=', claim.key)
        .where('attempt', '=', claim.attempt)
      try {
        if (reply.statusCode >= 200 && reply.statusCode < 300) {
          const headers: Record<string, string> = {}
          for (const name of STORED_HEADERS) {
            const value = reply.getHeader(name)
            if (value !== undefined) headers[name] = String(value)
          }
          const createdId = /\/([0-9]+)$/.exec(headers.location ?? '')?.[1] ?? null
          await mine
            .set((eb) => ({
              status_code: reply.statusCode,
              response_headers: JSON.stringify(headers),
              locked_until: null,
              entity_id: eb.fn.coalesce('entity_id', eb.val(createdId))
            }))
            .execute()
        } else {
          await db
            .deleteFrom('idempotency_key')
            .where('principal', '=', claim.principal)
            .where('key', '=', claim.key)
            .where('attempt', '=', claim.attempt)
            .where('entity_id', 'is', null)
            .execute()
        }
      } catch (err) {
        // The write itself has committed (or failed) already; the lease and the creation recorded in the write's
        // transaction keep a retry correct, so a lost bookkeeping update must not turn the answer into an error.
        request.log.warn(
          { err: { message: (err as Error).message, code: (err as { code?: string }).code } },
          'idempotency key not updated'
        )
      }
      return payload
    })
  },
  { name: 'idempotency' }
)
