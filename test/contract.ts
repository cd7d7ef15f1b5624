import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import type { FastifyInstance } from 'fastify'
import type { Test } from 'tap'
import { requestFormats } from '../src/platform/schemas.js'

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void

/** What a request carried, as the server saw it, and what the server answered. */
export interface Exchange {
  method: string
  /** The route's path in Fastify form: `/v1/placements/:id/reviews`. */
  route: string
  body?: unknown
  query?: Record<string, unknown>
  params?: Record<string, unknown>
  headers?: Record<string, unknown>
  status: number
  /** The problem `code` of an error answer. */
  code?: string
  /** The `code` of each item of the problem's `errors`. */
  errorCodes?: string[]
}

/**
 * Field-error codes that name a rule a JSON Schema can state: Ajv's keywords (the validator's own refusals) and
 * a service's `required` / `not_allowed` (a field present or absent depending on another). A 400 naming one of
 * them must be a request the document refuses too. Other codes (check characters, dates in order, stored records)
 * are rules no schema states, and the description of the operation says them instead.
 */
export const SCHEMA_CODES = new Set([
  'type',
  'required',
  'additionalProperties',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'uniqueItems',
  'enum',
  'const',
  'multipleOf',
  'anyOf',
  'oneOf',
  'not',
  'if',
  'then',
  'dependentRequired',
  'minProperties',
  'maxProperties',
  'not_allowed'
])

interface OperationValidators {
  body?: ValidateFunction
  query?: ValidateFunction
  params?: ValidateFunction
  headers?: ValidateFunction
}
export type Part = keyof OperationValidators

const rewriteRefs = (node: Json): Json => {
  if (Array.isArray(node)) return node.map(rewriteRefs)
  if (!node || typeof node !== 'object') return node
  const out: Json = {}
  for (const [k, v] of Object.entries(node)) {
    out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `openapi.json${v}` : rewriteRefs(v)
  }
  return out
}

/**
 * Checks requests against the OpenAPI document the app serves (OpenAPI 3.1, so JSON Schema 2020-12, checked with
 * Ajv 2020): a request the server accepted (2xx) must match the document's schemas for its operation, and one it
 * refused as `400 validation_failed` must break at least one of them. Either disagreement means the document does
 * not say what the server does. Validators are compiled once per operation.
 */
export class ContractChecker {
  readonly #doc: Json
  readonly #exact = new Ajv2020({ strict: false, allErrors: true, validateSchema: false })
  readonly #coercing = new Ajv2020({ strict: false, allErrors: true, validateSchema: false, coerceTypes: 'array' })
  readonly #cache = new Map<string, OperationValidators | null>()

  constructor(doc: Json) {
    this.#doc = doc
    for (const ajv of [this.#exact, this.#coercing]) {
      addFormats(ajv)
      // The service's own formats (the `text` rule: no NUL, no unpaired surrogate), as the server validates them.
      for (const [name, format] of Object.entries(requestFormats)) ajv.addFormat(name, format)
      ajv.addSchema({ $id: 'openapi.json', components: rewriteRefs(doc.components ?? {}) })
    }
  }

  #validators(method: string, route: string): OperationValidators | null {
    const key = `${method} ${route}`
    if (this.#cache.has(key)) return this.#cache.get(key)!
    const path = route.replace(/:([A-Za-z0-9_]+)/g, '{$1}')
    const op = this.#doc.paths?.[path]?.[method.toLowerCase()]
    let validators: OperationValidators | null = null
    if (op) {
      validators = {}
      const bodySchema = op.requestBody?.content?.['application/json']?.schema
      if (bodySchema) validators.body = this.#exact.compile(rewriteRefs(bodySchema))
      for (const where of ['query', 'path', 'header'] as const) {
        const params = (op.parameters ?? []).filter((p: Json) => p.in === where)
        if (params.length === 0) continue
        const name = (p: Json) => (where === 'header' ? String(p.name).toLowerCase() : String(p.name))
        const schema = {
          type: 'object',
          properties: Object.fromEntries(params.map((p: Json) => [name(p), rewriteRefs(p.schema ?? {})])),
          required: params.filter((p: Json) => p.required).map(name)
        }
        validators[where === 'path' ? 'params' : where === 'query' ? 'query' : 'headers'] =
          this.#coercing.compile(schema)
      }
    }
    this.#cache.set(key, validators)
    return validators
  }

  /** The parts of the request the document refuses, with Ajv's reasons; null when it has no such operation. */
  refusals(
    exchange: Pick<Exchange, 'method' | 'route' | 'body' | 'query' | 'params' | 'headers'>,
    parts: Part[] = ['body', 'query', 'params', 'headers']
  ): string[] | null {
    const validators = this.#validators(exchange.method, exchange.route)
    if (!validators) return null
    const found: string[] = []
    for (const part of parts) {
      const validate = validators[part]
      if (!validate) continue
      const value = exchange[part] === undefined ? (part === 'body' ? undefined : {}) : structuredClone(exchange[part])
      if (part === 'body' && value === undefined) {
        if (this.#requestBodyRequired(exchange.method, exchange.route))
          found.push('body: required by the document but absent')
        continue
      }
      if (!validate(value))
        found.push(...(validate.errors ?? []).map((e) => `${part}${e.instancePath} ${e.message ?? e.keyword}`))
    }
    return found
  }

  #requestBodyRequired(method: string, route: string) {
    const op = this.#doc.paths?.[route.replace(/:([A-Za-z0-9_]+)/g, '{$1}')]?.[method.toLowerCase()]
    return op?.requestBody?.required === true
  }

  /** A description of the disagreement between server and document over this exchange, or null when they agree. */
  mismatch(exchange: Exchange): string | null {
    const accepted = exchange.status >= 200 && exchange.status < 300
    const refused =
      exchange.status === 400 &&
      exchange.code === 'validation_failed' &&
      (exchange.errorCodes ?? []).some((c) => SCHEMA_CODES.has(c))
    if (!accepted && !refused) return null
    const refusals = this.refusals(exchange)
    if (refusals === null) return null
    const where = `${exchange.method} ${exchange.route}`
    if (accepted && refusals.length > 0)
      return `${where}: the server accepted (${exchange.status}) a request the OpenAPI document refuses: ${refusals.join('; ')}`
    if (refused && refusals.length === 0)
      return `${where}: the server refused (400 validation_failed: ${(exchange.errorCodes ?? []).join(', ')}) a request the OpenAPI document accepts`
    return null
  }
}

/**
 * One checker per distinct document in this process: a file that builds many apps (one per test) compiles the
 * document's schemas once, not once per app. Keyed by the document's text, so an app whose config changes the
 * document gets its own checker.
 */
const CHECKERS = new Map<string, ContractChecker>()
export function checkerFor(doc: Json): ContractChecker {
  const key = JSON.stringify(doc)
  let checker = CHECKERS.get(key)
  if (!checker) {
    checker = new ContractChecker(doc)
    CHECKERS.set(key, checker)
  }
  return checker
}

/**
 * Checks every request the app answers against its own OpenAPI document (see ContractChecker); a disagreement
 * fails `t`. Install before `app.ready()`. Set CONTRACT_CHECK=0 to turn it off.
 */
export function installContractCheck(app: FastifyInstance, t: Test) {
  if (process.env.CONTRACT_CHECK === '0') return
  let checker: ContractChecker | undefined
  app.addHook('onSend', async (request, reply, payload) => {
    const route = request.routeOptions.url
    if (!route || request.method === 'HEAD' || route.startsWith('/docs')) return payload
    let code: string | undefined
    let errorCodes: string[] | undefined
    if (reply.statusCode === 400 && typeof payload === 'string') {
      try {
        const problem = JSON.parse(payload) as {
          code?: string
          errors?: { path: string; code: string; message: string }[]
        }
        code = problem.code
        // An unknown query parameter is refused, but OpenAPI's parameter list cannot say "no others"; and a number
        // in a URL must be written in decimal digits (`0x10`, `1e3` and `Infinity` are refused), a rule of the text
        // form that a parameter's schema, which describes the value, cannot state. Neither is a disagreement the
        // document could fix; both are written in the README's conventions.
        const unstateable = (e: { path: string; code: string; message: string }) =>
          (e.code === 'additionalProperties' && e.path.startsWith('/querystring/')) ||
          (e.code === 'type' && /^\/(querystring|params|headers)\//.test(e.path) && /in decimal digits/.test(e.message))
        errorCodes = (problem.errors ?? []).filter((e) => !unstateable(e)).map((e) => e.code)
      } catch {
        code = undefined
      }
    }
    checker ??= checkerFor(app.swagger())
    const problem = checker.mismatch({
      method: request.method,
      route,
      body: request.body,
      query: request.query as Record<string, unknown>,
      params: request.params as Record<string, unknown>,
      headers: request.headers,
      status: reply.statusCode,
      code,
      errorCodes
    })
    if (problem)
      t.fail(`contract: ${problem}`, {
        diagnostic: true,
        body: request.body,
        response: typeof payload === 'string' ? payload.slice(0, 2000) : undefined
      })
    return payload
  })
}
