import { createHash } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Kysely } from 'kysely'
import { sql } from 'kysely'
import type { DB } from '../db/schema.js'
import { writeAudit } from '../modules/audit/audit.log.js'
import { badRequest, conflict, unprocessable } from '../shared/errors.js'

declare module 'fastify' {
  interface FastifyRequest { idempotencyKey: string | null }
  interface FastifyContextConfig {
    /** The pupil-data entity a creating POST returns; a replay of it is audited as a read of that pupil. */
    replayAudit?: 'pupil' | 'referral' | 'placement' | 'review'
  }
}

async function replayedPupil (db: Kysely<DB>, entity: 'pupil' | 'referral' | 'placement' | 'review', id: string): Promise<string | undefined> {
  switch (entity) {
    case 'pupil': return id
    case 'referral': return (await db.selectFrom('referral').select('pupil_id').where('id', '=', id).executeTakeFirst())?.pupil_id
    case 'placement': return (await db.selectFrom('placement').select('pupil_id').where('id', '=', id).executeTakeFirst())?.pupil_id
    case 'review': return (await db.selectFrom('review').innerJoin('placement', 'placement.id', 'review.placement_id').select('placement.pupil_id').where('review.id', '=', id).executeTakeFirst())?.pupil_id
  }
}

const KEY_SHAPE = /^[A-Za-z0-9._:-]{1,200}$/
const REPLAYED_HEADERS = ['content-type', 'location', 'etag'] as const

/**
 * Idempotency-Key on creating POSTs (`config.idempotent`). The first request with a key reserves it;
 * a successful response is stored and replayed for a repeat with the same body (marked
 * `Idempotent-Replayed: true`); the same key with a different body is refused with 422. A failed request
 * releases its key, so bad input writes nothing. Keys are per principal and kept for 24 hours.
 */
export const idempotencyPlugin = fp(async (app: FastifyInstance, opts: { db: Kysely<DB> }) => {
  const { db } = opts
  app.decorateRequest('idempotencyKey', null)

  app.addHook('preHandler', async (request, reply) => {
    if (!request.routeOptions.config?.idempotent || !request.principal) return
    const key = request.headers['idempotency-key']
    if (key === undefined) return
    if (typeof key !== 'string' || !KEY_SHAPE.test(key)) {
      throw badRequest('invalid_idempotency_key', 'Idempotency-Key must be 1–200 letters, digits or . _ : -',
        [{ path: '/headers/idempotency-key', code: 'pattern', message: 'must be 1–200 letters, digits or . _ : -' }])
    }
    const principal = request.principal.subject
    const path = request.url
    const requestHash = createHash('sha256').update(`${request.method} ${path}\n${JSON.stringify(request.body ?? null)}`).digest('hex')
    // Stored responses can hold pupil data: every expired key of this caller goes, not just this one.
    await db.deleteFrom('idempotency_key')
      .where('principal', '=', principal)
      .where('created_at', '<', sql<Date>`now() - interval '24 hours'`)
      .execute()
    const reserved = await db.insertInto('idempotency_key')
      .values({ principal, key, method: request.method, path, request_hash: requestHash })
      .onConflict((oc) => oc.doNothing())
      .returning('key')
      .executeTakeFirst()
    if (reserved) {
      request.idempotencyKey = key
      return
    }
    const existing = await db.selectFrom('idempotency_key').selectAll()
      .where('principal', '=', principal).where('key', '=', key).executeTakeFirstOrThrow()
    if (existing.request_hash !== requestHash) {
      throw unprocessable('idempotency_key_reused', 'This Idempotency-Key was already used with a different request',
        [{ path: '/headers/idempotency-key', code: 'idempotency_key_reused', message: 'already used with a different request' }])
    }
    if (existing.status_code === null) {
      throw conflict('idempotency_in_progress', 'A request with this Idempotency-Key is still being processed')
    }
    const entity = request.routeOptions.config.replayAudit
    const entityId = /\/([0-9]+)$/.exec(existing.response_headers?.location ?? '')?.[1]
    if (entity && entityId) {
      // A replay shows the record again, so it is a read of pupil data like any other.
      const pupilId = await replayedPupil(db, entity, entityId)
      const pupil = pupilId ? await db.selectFrom('pupil').select('home_la_code').where('id', '=', pupilId).executeTakeFirst() : undefined
      await writeAudit(db, { principal: request.principal, requestId: request.id },
        [{ action: 'read', entity, entityId, pupilId: pupilId ?? null, pupilLaCode: pupil?.home_la_code ?? null }])
    }
    reply.code(existing.status_code).headers({ ...(existing.response_headers ?? {}), 'idempotent-replayed': 'true' })
    return reply.send(existing.response_body)
  })

  app.addHook('onSend', async (request, reply, payload) => {
    const key = request.idempotencyKey
    if (!key || !request.principal) return payload
    const where = db.updateTable('idempotency_key').where('principal', '=', request.principal.subject).where('key', '=', key)
    if (reply.statusCode >= 200 && reply.statusCode < 300 && typeof payload === 'string') {
      const headers: Record<string, string> = {}
      for (const name of REPLAYED_HEADERS) {
        const value = reply.getHeader(name)
        if (value !== undefined) headers[name] = String(value)
      }
      await where.set({ status_code: reply.statusCode, response_headers: JSON.stringify(headers), response_body: payload }).execute()
    } else {
      await db.deleteFrom('idempotency_key').where('principal', '=', request.principal.subject).where('key', '=', key).execute()
    }
    return payload
  })
}, { name: 'idempotency' })
