import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Principal } from '../platform/auth/principal.js'

/** A problem document as the API answers it (RFC 9457), with the fields a form maps to its inputs. */
export interface Problem {
  status: number
  code?: string
  title?: string
  detail?: string
  errors?: { path: string; code: string; message: string }[]
}

export interface Answer<T> {
  status: number
  body: T
  etag: string | undefined
  location: string | undefined
  contentType: string
  text: string
}

/** An answer the page cannot show as asked: its status becomes the page's (404, 403, 503, …). */
export class PageError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem
  ) {
    super(problem.detail ?? problem.title ?? `status ${status}`)
  }
}

/**
 * The screens read and write through the API itself, in process: each call is the signed-in user's own API
 * request (a bearer lent for the call, `TokenVerifier.lend`), so a page shows exactly what that principal's
 * `GET` returns, a form is validated by the operation's own schema and rules, and both leave the same audit rows
 * under the page's request id. Nothing reaches the network.
 */
export class PageApi {
  constructor(
    private readonly app: FastifyInstance,
    private readonly request: FastifyRequest,
    private readonly principal: Principal
  ) {}

  async call<T = any>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    body?: unknown,
    headers: Record<string, string> = {}
  ): Promise<Answer<T>> {
    const token = this.app.tokens.lend(this.principal)
    try {
      const res = await this.app.inject({
        method,
        url,
        headers: {
          authorization: `Bearer ${token}`,
          'x-request-id': this.request.id,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers
        },
        ...(body === undefined ? {} : { payload: JSON.stringify(body) })
      })
      const contentType = String(res.headers['content-type'] ?? '')
      const text = res.body
      const parsed = /json/.test(contentType) && text.length > 0 ? (JSON.parse(text) as T) : (undefined as T)
      return {
        status: res.statusCode,
        body: parsed,
        etag: res.headers.etag as string | undefined,
        location: res.headers.location as string | undefined,
        contentType,
        text
      }
    } finally {
      this.app.tokens.endLoan(token)
    }
  }

  /** A read the page needs: any answer but 2xx becomes the page's own status (404 stays 404, 503 stays 503). */
  async get<T = any>(url: string): Promise<T> {
    const answer = await this.call<T>('GET', url)
    if (answer.status >= 300) throw new PageError(answer.status, answer.body as Problem)
    return answer.body
  }

  /** A read whose absence is normal (an outcome not yet recorded): undefined for 404. */
  async maybe<T = any>(url: string): Promise<T | undefined> {
    const answer = await this.call<T>('GET', url)
    if (answer.status === 404) return undefined
    if (answer.status >= 300) throw new PageError(answer.status, answer.body as Problem)
    return answer.body
  }

  /** The resource with its ETag, for a form that changes it (`If-Match`). */
  async withVersion<T = any>(url: string): Promise<{ body: T; etag: string }> {
    const answer = await this.call<T>('GET', url)
    if (answer.status >= 300) throw new PageError(answer.status, answer.body as Problem)
    return { body: answer.body, etag: answer.etag ?? '' }
  }

  /** A change: 2xx is done; 400, 409, 412, 422 and 428 come back as the problem for the form to show. */
  async send<T = any>(
    method: 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    body: unknown,
    headers: Record<string, string> = {}
  ): Promise<{ ok: true; answer: Answer<T> } | { ok: false; problem: Problem }> {
    const answer = await this.call<T>(method, url, body, headers)
    if (answer.status < 300) return { ok: true, answer }
    if ([400, 409, 412, 422, 428].includes(answer.status))
      return { ok: false, problem: { ...(answer.body as Problem), status: answer.status } }
    throw new PageError(answer.status, answer.body as Problem)
  }
}
