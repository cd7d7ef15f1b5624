import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { AppError, preconditionRequired } from './errors.js'

/** A strong ETag for a row version. */
export const etagOf = (version: number): string => `"${version}"`

export const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(
    Type.String({ description: 'The ETag of the version being updated. Required: 428 without it, 412 when stale.' })
  )
})

const MAX_VERSION = 2_147_483_647

/** The version named by If-Match: 428 when the header is missing, 412 when it cannot be the current version. */
export function ifMatchVersion(request: FastifyRequest): number {
  const header = request.headers['if-match']
  if (!header) throw preconditionRequired()
  const match = /^(?:W\/)?"([1-9][0-9]{0,9})"$/.exec(header.trim())
  // Versions are PostgreSQL integers: a larger number is no version of anything, so it cannot match.
  if (!match || Number(match[1]) > MAX_VERSION) {
    throw new AppError(412, 'precondition_failed', 'If-Match must be an ETag returned by this API, e.g. "3"', [
      { path: '/headers/if-match', code: 'etag', message: '/headers/if-match is not an ETag this API issued' }
    ])
  }
  return Number(match[1])
}

export function sendWithEtag<T>(reply: FastifyReply, version: number, body: T, status = 200): T {
  reply.code(status).header('etag', etagOf(version))
  return body
}

/** EES-style `_links` for a paged list, built from the request URL. */
export function pageLinks(request: FastifyRequest, page: number, totalPages: number) {
  const url = new URL(request.url, 'http://x')
  const at = (p: number) => {
    url.searchParams.set('page', String(p))
    return { href: url.pathname + url.search }
  }
  return {
    self: at(page),
    ...(page > 1 ? { prev: at(page - 1) } : {}),
    ...(page < totalPages ? { next: at(page + 1) } : {})
  }
}
