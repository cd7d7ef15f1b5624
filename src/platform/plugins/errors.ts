import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { randomUUID } from 'node:crypto'
import type { Socket } from 'node:net'
import fp from 'fastify-plugin'
import { isDatabaseUnavailable } from '../../db/database.js'
import { AppError, type FieldError } from '../errors.js'
import { Problem, TEXT_FORMAT } from '../schemas.js'

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable'
}

interface AjvError {
  instancePath: string
  keyword: string
  params: Record<string, unknown>
  message?: string
}

/** Turns Ajv's errors into `{ path, code, message }` items whose path is a JSON pointer to the field. */
export function fieldErrors(validation: AjvError[], context: string | undefined): FieldError[] {
  const root = !context || context === 'body' ? '' : `/${context}`
  // An `if`/`then` failure also reports the `then` keyword it broke (`/ must match "then" schema`); its own error
  // says which field.
  return validation
    .filter((e) => e.keyword !== 'if')
    .map((e) => {
      let pointer = e.instancePath
      let message = e.message ?? 'is invalid'
      if (e.keyword === 'required') {
        pointer += `/${String(e.params.missingProperty)}`
        message = 'is required'
      } else if (e.keyword === 'additionalProperties') {
        pointer += `/${String(e.params.additionalProperty)}`
        message = 'is not a recognised field'
      } else if (e.keyword === 'format' && e.params.format === TEXT_FORMAT) {
        message = 'must not contain a NUL character or an unpaired UTF-16 surrogate'
      }
      return { path: root + (pointer || '/'), code: e.keyword, message: `${root + (pointer || '/')} ${message}` }
    })
}

export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: string,
  detail: string,
  errors: FieldError[] = []
) {
  return reply
    .code(status)
    .type('application/problem+json')
    .send(problemDocument(status, code, detail, request.id, errors))
}

/** An RFC 9457 problem document: its type URL from the code, its title from the status. */
function problemDocument(
  status: number,
  code: string,
  detail: string,
  instance: string,
  errors: FieldError[] = []
): Problem {
  return {
    type: `https://ap-tracker.example/problems/${code.replaceAll('_', '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    instance,
    errors
  }
}

/**
 * Errors Node's HTTP parser raises before Fastify sees a request (headers over the size limit, a malformed
 * request, a request too slow to arrive) are answered here, on the socket, as problem documents with the
 * headers every answer carries, then the connection is closed. As Fastify's own handler does, nothing is written
 * to a socket that is gone or has already been answered.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return
  const [status, code, detail] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'header_fields_too_large', 'The request headers are larger than the server accepts']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request_timeout', 'The request did not arrive in time']
        : [400, 'bad_request', 'The request could not be read as HTTP']
  const problem = problemDocument(status, code, detail, randomUUID())
  const body = JSON.stringify(problem)
  if (socket.writable && socket.bytesWritten === 0) {
    socket.write(
      `HTTP/1.1 ${status} ${problem.title}\r\n` +
        'Content-Type: application/problem+json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Cache-Control: no-store\r\n' +
        "Content-Security-Policy: default-src 'none'\r\n" +
        'X-Content-Type-Options: nosniff\r\n' +
        'Connection: close\r\n\r\n' +
        body
    )
  }
  socket.destroy(err)
}

// PostgreSQL unique constraints → the request field they protect.
const UNIQUE_FIELDS: Record<string, string> = {
  pupil_upn_uq: '/upn',
  school_urn_uq: '/urn',
  school_laestab_uq: '/laestab',
  provider_urn_uq: '/urn',
  provider_ukprn_uq: '/ukprn',
  la_policy_pkey: '/code',
  local_authority_pkey: '/code'
}

/**
 * What of an unexpected error may be logged. PostgreSQL puts row values in `detail` ("Key (upn)=(…)",
 * "Failing row contains (…)"), so only the name, code, constraint, message and stack are kept.
 */
export function loggableError(err: FastifyError & { constraint?: string }) {
  return { type: err.name, code: err.code, constraint: err.constraint, message: err.message, stack: err.stack }
}

/** Seconds a client should wait before retrying while the database is away. */
export const DATABASE_RETRY_AFTER_S = '2'

/** A byte count for people: `8 MB`, `2 KB`. */
const sizeText = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${+(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`

function errorHandler(
  this: FastifyInstance,
  err: FastifyError & { constraint?: string },
  request: FastifyRequest,
  reply: FastifyReply
) {
  if (err instanceof AppError) {
    reply.headers(err.headers)
    return sendProblem(request, reply, err.statusCode, err.code, err.message, err.errors)
  }
  if (err.validation) {
    const errors = fieldErrors(err.validation as AjvError[], err.validationContext)
    return sendProblem(
      request,
      reply,
      400,
      'validation_failed',
      `The request is invalid: ${errors.map((e) => e.message).join('; ')}`,
      errors
    )
  }
  if (isDatabaseUnavailable(err)) {
    // The request's transaction rolled back or never began. Only a lost COMMIT acknowledgement leaves it
    // unknown, which is what Idempotency-Key on creations is for.
    request.log.warn({ err: loggableError(err) }, 'database unavailable')
    reply.header('retry-after', DATABASE_RETRY_AFTER_S)
    return sendProblem(
      request,
      reply,
      503,
      'database_unavailable',
      'The database is not answering; try again shortly (repeat a creation with the same Idempotency-Key)'
    )
  }
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return sendProblem(request, reply, 400, 'malformed_json', 'The request body is not valid JSON', [
        { path: '/', code: 'malformed_json', message: err.message }
      ])
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return sendProblem(
        request,
        reply,
        413,
        'payload_too_large',
        `The request body is larger than the ${sizeText(request.routeOptions.bodyLimit)} this operation accepts`
      )
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return sendProblem(request, reply, 415, 'unsupported_media_type', 'Send the body as application/json')
    case '23514': // a CHECK constraint the request validation should have caught first
      return sendProblem(
        request,
        reply,
        400,
        'constraint_violated',
        `The record breaks the rule ${err.constraint ?? '(unnamed)'}`,
        [{ path: '/', code: err.constraint ?? 'check', message: `breaks ${err.constraint ?? 'a database rule'}` }]
      )
    case '23503':
      return sendProblem(
        request,
        reply,
        422,
        'unknown_reference',
        'The record refers to something that does not exist',
        [{ path: '/', code: 'foreign_key', message: err.constraint ?? 'unknown reference' }]
      )
    case '22008': // a date or time PostgreSQL cannot hold
    case '22007':
      return sendProblem(request, reply, 400, 'invalid_date', 'A date in the request is out of range', [
        { path: '/', code: 'invalid_date', message: 'a date is out of range' }
      ])
    case '23P01': // an exclusion constraint: a pupil's placements overlapping in time
      return sendProblem(
        request,
        reply,
        409,
        'placement_overlap',
        'The pupil already has a placement covering these dates',
        [
          {
            path: '/startDate',
            code: 'placement_overlap',
            message: `breaks ${err.constraint ?? 'the no-overlap rule'}`
          }
        ]
      )
    case '23505': {
      const path = UNIQUE_FIELDS[err.constraint ?? ''] ?? '/'
      return sendProblem(
        request,
        reply,
        409,
        'already_exists',
        `A record with this ${path.slice(1) || 'key'} already exists`,
        [{ path, code: 'unique', message: `${path} must be unique` }]
      )
    }
  }
  if (err.statusCode === 429) {
    return sendProblem(request, reply, 429, 'rate_limited', err.message)
  }
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    return sendProblem(request, reply, err.statusCode, 'bad_request', err.message)
  }
  request.log.error({ err: loggableError(err) }, 'unhandled error')
  return sendProblem(
    request,
    reply,
    500,
    'internal_error',
    'Something went wrong on our side; quote the request id when reporting it'
  )
}

interface RouterError {
  status: number
  code: string
  detail: string
  errors: FieldError[]
}
const ROUTER_ERROR = Symbol('routerError')
type RawRequest = FastifyRequest['raw'] & { [ROUTER_ERROR]?: RouterError }

/** What the router refused, without echoing the URL it could not read. */
function routerError(err: FastifyError): RouterError {
  switch (err.code) {
    case 'FST_ERR_BAD_URL':
      return {
        status: 400,
        code: 'bad_url',
        detail: 'A path segment of the URL is not valid percent-encoded UTF-8',
        errors: [{ path: '/params', code: 'bad_url', message: 'a path segment is not valid percent-encoded UTF-8' }]
      }
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return {
        status: 414,
        code: 'uri_too_long',
        detail: 'A path parameter is longer than the service reads',
        errors: [
          { path: '/params', code: 'max_param_length', message: 'a path parameter is longer than 100 characters' }
        ]
      }
    default:
      return { status: 400, code: 'bad_request', detail: 'The request URL cannot be routed', errors: [] }
  }
}

/**
 * Fastify's `frameworkErrors`: the router refuses bad percent-encoding and over-long parameters before any
 * hook has run, so an answer from here would lack the security headers and the request id. Instead the
 * request is routed again to a path no route serves, and the not-found handler answers the router's error.
 */
export function redispatchRouterError(
  app: FastifyInstance,
  err: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply
) {
  const raw = request.raw as RawRequest
  raw[ROUTER_ERROR] = routerError(err)
  raw.url = '/.router-error'
  raw.headers['x-request-id'] = request.id
  app.routing(raw, reply.raw)
}

/** The error and not-found handlers: every failure leaves as RFC 9457 application/problem+json. */
export const errorsPlugin = fp(
  async (app: FastifyInstance) => {
    app.addSchema(Problem)
    // JSON is the only request body the API reads: without this, Fastify's built-in text/plain parser
    // would accept the body and answer 400 instead of 415 Unsupported Media Type.
    app.removeContentTypeParser('text/plain')
    app.setErrorHandler(errorHandler)
    app.setNotFoundHandler((request, reply) => {
      const routerError = (request.raw as RawRequest)[ROUTER_ERROR]
      if (routerError)
        return sendProblem(request, reply, routerError.status, routerError.code, routerError.detail, routerError.errors)
      // The path is not echoed: a problem document repeats nothing of the URL.
      return sendProblem(
        request,
        reply,
        404,
        'route_not_found',
        `No operation answers ${request.method} at this path; the operations are listed at /docs`
      )
    })
  },
  { name: 'errors' }
)
