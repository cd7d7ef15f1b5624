import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { requestExamples, successDescriptions } from '../examples.js'

type Json = any

/** What each problem status means on this API; the same text on every operation that can answer it. */
export const PROBLEM_DESCRIPTIONS: Record<string, string> = {
  400:
    "The request breaks the documented contract: it does not match this operation's schema, " +
    'or fails a check of its own values that the description states ' +
    '(`validation_failed`, each broken rule in `errors`); or its JSON or a header is malformed.',
  401: 'No bearer token, or one that is unknown, expired or revoked.',
  403: "The token's role may not call this operation, or may not do this to the record.",
  404: 'No such record, or one that belongs to another organisation.',
  409:
    'The request conflicts with the current state of the record ' +
    '(for example a full provider, an overlapping placement or a closed placement).',
  412: 'If-Match does not match the current version; fetch the resource again.',
  413: 'The request body is larger than the service accepts.',
  415: 'The request body is not application/json.',
  422: 'The request matches the schema, but a domain rule refuses it; `errors` names each field and rule.',
  428: 'This update needs an If-Match header carrying the ETag last read.',
  429: 'Rate limit exceeded; retry after the Retry-After seconds.',
  503: 'The service or its database is unavailable or overloaded; try again shortly.'
}

const STATUS_TEXT: Record<string, string> = { 200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content' }

const words = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase()

function successDescription(status: string, op: Json, response: Json): string {
  const given = successDescriptions[op.operationId as string]
  if (given) return given
  const content = response.content ? Object.values<Json>(response.content)[0] : undefined
  const ref: string | undefined = content?.schema?.$ref
  const name = ref?.split('/').pop()
  const text = STATUS_TEXT[status] ?? 'Success'
  if (name && !name.startsWith('def-')) {
    const page = /^(.*)Page$/.exec(name)
    return page
      ? `${text}: one page of ${words(page[1]!)} records, with paging and links.`
      : `${text}: the ${words(name)}.`
  }
  return `${text}: ${String(op.summary ?? '').replace(/^./, (c) => c.toLowerCase())}.`
}

const resolve = (doc: Json, schema: Json): Json => {
  let s = schema
  for (let i = 0; s?.$ref && i < 20; i++)
    s = s.$ref
      .split('/')
      .slice(1)
      .reduce((o: Json, k: string) => o?.[k.replaceAll('~1', '/').replaceAll('~0', '~')], doc)
  return s
}

const DATE_EXAMPLE = '2026-09-03'

/**
 * A complete example of a schema: every property, each from its own `examples`, `default`, `const` or first `enum`
 * value; the map in shared/examples.ts overrides where a realistic request needs particular values.
 */
export function exampleOf(doc: Json, schema: Json, depth = 0): Json {
  const s = resolve(doc, schema)
  if (!s || depth > 12) return undefined
  if (s.example !== undefined) return s.example
  if (Array.isArray(s.examples) && s.examples.length > 0) return s.examples[0]
  if (s.const !== undefined) return s.const
  if (s.default !== undefined) return s.default
  if (Array.isArray(s.enum)) return s.enum[0]
  for (const k of ['oneOf', 'anyOf'] as const) {
    if (Array.isArray(s[k]))
      return exampleOf(doc, s[k].find((b: Json) => resolve(doc, b)?.type !== 'null') ?? s[k][0], depth + 1)
  }
  const type = Array.isArray(s.type) ? s.type.find((t: string) => t !== 'null') : s.type
  switch (type) {
    case 'object': {
      const out: Record<string, Json> = {}
      for (const [k, v] of Object.entries<Json>(s.properties ?? {})) {
        const e = exampleOf(doc, v, depth + 1)
        if (e !== undefined) out[k] = e
      }
      return out
    }
    case 'array':
      return Array.from({ length: Math.max(1, s.minItems ?? 1) }, () => exampleOf(doc, s.items, depth + 1))
    case 'string':
      if (s.format === 'date') return DATE_EXAMPLE
      if (s.format === 'date-time') return '2026-09-03T09:30:00.000Z'
      return 'Example text'.slice(0, s.maxLength ?? 12)
    case 'integer':
      return s.minimum ?? 1
    case 'number':
      return s.minimum ?? 1
    case 'boolean':
      return true
    case 'null':
      return null
  }
  return undefined
}

function mergeExample(base: Json, over: Json): Json {
  if (over === undefined) return base
  if (
    over &&
    typeof over === 'object' &&
    !Array.isArray(over) &&
    base &&
    typeof base === 'object' &&
    !Array.isArray(base)
  ) {
    const out = { ...base }
    for (const [k, v] of Object.entries(over)) {
      if (v === undefined) delete out[k]
      else out[k] = mergeExample(base[k], v)
    }
    return out
  }
  return over
}

/**
 * Finishes the generated OpenAPI document (swagger `transformObject`): it changes the document only, never what
 * Fastify validates or serialises.
 * - every response is described: problems by status, successes from shared/examples.ts or the response schema;
 * - every request body carries a complete example (generated from the schema, overridden by shared/examples.ts);
 * - public operations say so with `security: []`, and those with no other 4xx document 429;
 * - optional query parameters carry no example, so Swagger UI's Try it out leaves filters empty, and a query
 *   parameter with a default is optional, as the server treats it;
 * - components no operation refers to are left out.
 */
export function finishDocument(document: { openapiObject?: Json; swaggerObject?: Json }): Json {
  const doc = document.openapiObject ?? document.swaggerObject
  for (const item of Object.values<Json>(doc.paths ?? {})) {
    for (const op of Object.values<Json>(item)) {
      if (!op || typeof op !== 'object' || !op.responses) continue
      if (!op.security) op.security = []
      for (const [status, response] of Object.entries<Json>(op.responses)) {
        if (PROBLEM_DESCRIPTIONS[status] && Number(status) >= 400) response.description = PROBLEM_DESCRIPTIONS[status]
        else if (!response.description || response.description === 'Default Response')
          response.description = successDescription(status, op, response)
      }
      for (const p of op.parameters ?? []) {
        if (p.in !== 'query') continue
        if (p.schema?.default !== undefined) p.required = false
        if (!p.required) {
          delete p.example
          delete p.examples
          if (p.schema) {
            delete p.schema.example
            delete p.schema.examples
          }
        }
      }
      const media = op.requestBody?.content?.['application/json']
      if (media?.schema) {
        media.example = mergeExample(exampleOf(doc, media.schema), requestExamples[op.operationId as string])
      }
    }
  }
  dropUnusedComponents(doc)
  return doc
}

function dropUnusedComponents(doc: Json) {
  const schemas = doc.components?.schemas
  if (!schemas) return
  const used = new Set<string>()
  const visit = (node: Json) => {
    if (Array.isArray(node)) {
      node.forEach(visit)
      return
    }
    if (!node || typeof node !== 'object') return
    if (typeof node.$ref === 'string' && node.$ref.startsWith('#/components/schemas/')) {
      const name = node.$ref.slice('#/components/schemas/'.length)
      if (!used.has(name)) {
        used.add(name)
        visit(schemas[name])
      }
    }
    for (const [k, v] of Object.entries(node)) if (k !== '$ref') visit(v)
  }
  visit(doc.paths)
  for (const name of Object.keys(schemas)) if (!used.has(name)) delete schemas[name]
}

/** Whether the request reached us over TLS, directly or through a proxy that says so. */
const overTls = (request: FastifyRequest) =>
  request.protocol === 'https' ||
  String(request.headers['x-forwarded-proto'] ?? '')
    .split(',')[0]!
    .trim() === 'https'

/**
 * Content-Security-Policy that works however the docs are reached. `upgrade-insecure-requests` is sent only to a
 * request that came over TLS: on plain HTTP (another port, 127.0.0.1, a host without TLS) it would make the browser
 * fetch Swagger UI's assets and Try it out calls over https, which fail, and the page stays blank. A forged
 * X-Forwarded-Proto only changes the policy of the forger's own response. `/docs` gets Swagger UI's policy (its
 * inline script and style hashes); every other response keeps helmet's.
 */
export const docsCspPlugin = fp(
  async (app: FastifyInstance, opts: { docsPrefix: string }) => {
    const csp = (app as unknown as { swaggerCSP: { script: string[]; style: string[] } }).swaggerCSP
    const docsPolicy =
      `default-src 'self'; base-uri 'self'; font-src 'self' https: data:; frame-ancestors 'self'; ` +
      `img-src 'self' data: validator.swagger.io; object-src 'none'; ` +
      `script-src ${["'self'", ...csp.script].join(' ')}; ` +
      `script-src-attr 'none'; ` +
      `style-src ${["'self'", 'https:', ...csp.style].join(' ')}`
    app.addHook('onSend', async (request, reply, payload) => {
      const url = request.url
      let policy =
        url === opts.docsPrefix || url.startsWith(`${opts.docsPrefix}/`) || url.startsWith(`${opts.docsPrefix}?`)
          ? docsPolicy
          : (reply.getHeader('content-security-policy') as string | undefined)
      if (policy === undefined) return payload
      policy = policy.replace(/;?\s*upgrade-insecure-requests\s*(;|$)/g, '$1').replace(/;\s*$/, '')
      if (overTls(request)) policy = `${policy}; upgrade-insecure-requests`
      reply.header('content-security-policy', policy)
      return payload
    })
  },
  { name: 'docs-csp', dependencies: ['@fastify/swagger-ui'] }
)
