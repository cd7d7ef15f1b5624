import { randomUUID } from 'node:crypto'
import AjvCompiler from '@fastify/ajv-compiler'
import SerializerSelector from '@fastify/fast-json-stringify-compiler'
import helmet from '@fastify/helmet'
import rateLimit from '@fastify/rate-limit'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import underPressure from '@fastify/under-pressure'
import Fastify, { type FastifyServerOptions } from 'fastify'
import type { Kysely } from 'kysely'
import { compiledOnce } from './platform/compilers.js'
import { hashToken, TokenVerifier } from './platform/auth/tokens.js'
import type { Config } from './platform/config.js'
import type { DB } from './db/schema.js'
import { reportRoutes } from './views/reports/reports.routes.js'
import { exportRoutes } from './views/exports/exports.routes.js'
import { attainmentRoutes } from './modules/attainment/attainment.routes.js'
import { Attainment, QualificationResult } from './modules/attainment/index.js'
import { attendanceRoutes } from './modules/attendance/attendance.routes.js'
import { AttendanceSummary } from './modules/attendance/index.js'
import { FollowUp, Outcome } from './modules/outcomes/index.js'
import { outcomeRoutes } from './modules/outcomes/outcomes.routes.js'
import { auditRoutes } from './modules/audit/audit.routes.js'
import { calendarRoutes } from './modules/calendars/calendars.routes.js'
import { journeyRoutes } from './views/journey/journey.routes.js'
import { placementRoutes } from './modules/placements/placements.routes.js'
import { referralRoutes } from './modules/referrals/referrals.routes.js'
import { reviewRoutes } from './modules/reviews/reviews.routes.js'
import { worklistRoutes } from './views/worklist/worklist.routes.js'
import { healthRoutes } from './modules/health/health.routes.js'
import { localAuthorityRoutes } from './modules/local-authorities/local-authorities.routes.js'
import { meRoutes } from './modules/me/me.routes.js'
import { providerRoutes } from './modules/providers/providers.routes.js'
import { pupilRoutes } from './modules/pupils/pupils.routes.js'
import { schoolRoutes } from './modules/schools/schools.routes.js'
import { tokenRoutes } from './modules/tokens/tokens.routes.js'
import { signInRoleRoutes } from './modules/sign-in-roles/sign-in-roles.routes.js'
import { authPlugin, bearerToken } from './platform/plugins/auth.js'
import { answerClientError, errorsPlugin, redispatchRouterError } from './platform/plugins/errors.js'
import { idempotencyPlugin } from './platform/plugins/idempotency.js'
import { docsCspPlugin, finishDocument } from './platform/plugins/openapi-docs.js'
import { AppError } from './platform/errors.js'
import { Links, Paging, requestFormats } from './platform/schemas.js'
import { type Clock, systemClock } from './platform/time.js'
import { Oidc } from './web/oidc.js'
import { webPlugin } from './web/web.plugin.js'

export interface AppDeps {
  db: Kysely<DB>
  config: Config
  clock?: Clock
  logger?: FastifyServerOptions['logger']
  /** The demo sign-in page: only for the embedded PGlite demo (server.ts), never on PostgreSQL. */
  demoSignIn?: boolean
}

declare module 'fastify' {
  interface FastifyInstance {
    db: Kysely<DB>
    config: Config
    clock: Clock
  }
}

type RouteSchema = { schema: object; method: string; url: string; httpPart: string }
type ValidatorFactory = (
  externalSchemas: unknown,
  options: { customOptions: Record<string, unknown> }
) => (route: RouteSchema) => unknown
const coercing = AjvCompiler() as unknown as ValidatorFactory
const exact = AjvCompiler() as unknown as ValidatorFactory
const exactBodyValidator = (externalSchemas: unknown, options: { customOptions: Record<string, unknown> }) => {
  const forText = coercing(externalSchemas, options)
  const forBody = exact(externalSchemas, {
    ...options,
    customOptions: { ...options.customOptions, coerceTypes: false }
  })
  return (route: RouteSchema) =>
    route.httpPart === 'body' ? forBody(route) : decimalOnly(route.schema, forText(route) as AjvValidate)
}

type AjvValidate = ((data: unknown, context?: unknown) => boolean) & { errors?: unknown[] | null; schemaEnv?: unknown }
type JsonSchema = {
  type?: string | string[]
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
  items?: JsonSchema
  maximum?: number
  minimum?: number
  properties?: Record<string, JsonSchema>
}

/** The numeric type a text parameter is coerced to (`integer` or `number`), or undefined when it may be text. */
function numericKind(schema: JsonSchema): 'integer' | 'number' | undefined {
  const types = new Set<string>()
  const collect = (s: JsonSchema) => {
    for (const t of [s.type ?? []].flat()) types.add(t)
    for (const member of [...(s.anyOf ?? []), ...(s.oneOf ?? [])]) collect(member)
    if (s.items) collect(s.items)
  }
  collect(schema)
  if (types.has('string')) return undefined
  return types.has('number') ? 'number' : types.has('integer') ? 'integer' : undefined
}

const DECIMAL = { integer: /^-?[0-9]{1,15}$/, number: /^-?[0-9]{1,15}(?:\.[0-9]{1,15})?$/ }
const DIGITS = { integer: /^-?[0-9]+$/, number: /^-?[0-9]+(?:\.[0-9]+)?$/ }

/**
 * Query strings, path parameters and headers are coerced by Ajv, which reads `Infinity`, `0x10`, `1e3` and an
 * 8,000-digit number as numbers (the first and last as Infinity, which skips `maximum`). A numeric parameter
 * must be written in decimal digits, at most 15 of them, so what reaches the handler is a finite number
 * inside the schema's bounds. The errors keep Ajv's shape, so they name `/querystring/<name>`.
 */
function decimalOnly(schema: JsonSchema, validate: AjvValidate): AjvValidate {
  const numeric = Object.entries(schema.properties ?? {}).flatMap(([name, s]) => {
    const kind = numericKind(s)
    return kind ? [{ name, kind, s }] : []
  })
  if (numeric.length === 0) return validate
  const checked: AjvValidate = (data, context) => {
    const errors = []
    for (const { name, kind, s } of numeric) {
      const given = (data as Record<string, unknown> | null)?.[name]
      for (const value of [given].flat()) {
        if (typeof value !== 'string' || DECIMAL[kind].test(value)) continue
        const instancePath = `/${name}`
        if (DIGITS[kind].test(value)) {
          const negative = value.startsWith('-')
          const limit = negative ? s.minimum : s.maximum
          errors.push({
            instancePath,
            keyword: negative ? 'minimum' : 'maximum',
            params: { limit },
            message: limit === undefined ? 'is out of range' : `must be ${negative ? '>=' : '<='} ${limit}`
          })
        } else {
          errors.push({
            instancePath,
            keyword: 'type',
            params: { type: kind },
            message:
              kind === 'integer' ? 'must be a whole number in decimal digits' : 'must be a number in decimal digits'
          })
        }
      }
    }
    if (errors.length > 0) {
      checked.errors = errors
      return false
    }
    const valid = validate(data, context)
    checked.errors = validate.errors
    return valid
  }
  checked.schemaEnv = validate.schemaEnv
  return checked
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

// Pupil identity never reaches a log line: request bodies are not logged, and these paths are censored
// wherever an object carrying them is logged.
const PII_KEYS = [
  'upn',
  'uln',
  'dateOfBirth',
  'date_of_birth',
  'legalForename',
  'legalSurname',
  'preferredForename',
  'preferredSurname',
  'legal_forename',
  'legal_surname',
  'preferred_forename',
  'preferred_surname'
]
export const logRedactPaths = [
  'req.headers.authorization',
  'req.headers["idempotency-key"]',
  ...PII_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `body.${k}`])
]

export const apiDescription =
  'Shared record of alternative provision (AP) placements in England across the three-tier model:\n' +
  `Tier 1 targeted support in the pupil's mainstream school, Tier 2 time-limited placements aiming at a return, Tier 3
transitional placements. Schools refer and follow their pupils, AP coordinators triage and place, local authorities
report. Every call carries a bearer token naming a role and the organisation it acts for; another organisation's
records answer 404. Errors are RFC 9457 problem documents. Dates are YYYY-MM-DD; timestamps are UTC ISO 8601.`

/** Builds the HTTP application around a database. No environment reads, no listening. */
export async function buildApp(deps: AppDeps) {
  const { db, config } = deps
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: config.BODY_LIMIT_BYTES,
    genReqId: (req) => {
      const given = req.headers['x-request-id']
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID()
    },
    // strictNumbers: a JSON body's 1e400 parses as Infinity, which is not a number here. `formats` adds `text`,
    // which every free-text field carries (platform/schemas.ts Text): no NUL, no unpaired surrogate.
    ajv: {
      customOptions: {
        removeAdditional: false,
        coerceTypes: 'array',
        useDefaults: true,
        allErrors: true,
        strictNumbers: true,
        formats: requestFormats
      }
    },
    // The response serializer picks anyOf branches with its own Ajv, which must know the format too.
    serializerOpts: { ajv: { formats: requestFormats } },
    // Query strings, params and headers arrive as text and are coerced to their schema types; a JSON body
    // already carries types, so it is validated exactly: `"fsmEligible": "true"` or `"legalForename": 5` is a 400.
    // Each route's validators and serializers are compiled once per process, however many apps it builds.
    schemaController: {
      compilersFactory: {
        buildValidator: compiledOnce('validator', exactBodyValidator as never) as never,
        buildSerializer: compiledOnce('serializer', SerializerSelector() as never) as never
      }
    },
    routerOptions: { ignoreTrailingSlash: true },
    // Errors of Node's HTTP parser (431 headers too large, 400 unreadable, 408 too slow) as problem documents.
    clientErrorHandler: answerClientError,
    // Bad percent-encoding and over-long path parameters are refused by the router before any hook runs;
    // they are answered through the not-found handler instead, as problem documents with the usual headers.
    frameworkErrors: (error, request, reply) => {
      redispatchRouterError(app, error, request, reply)
    }
  }).withTypeProvider<TypeBoxTypeProvider>()

  app.decorate('db', db)
  app.decorate('config', config)
  const tokens = new TokenVerifier(db, config.TOKEN_CACHE_MS)
  app.decorate('clock', deps.clock ?? systemClock)

  // Unknown query parameters are refused as unknown body fields are: 400 naming /querystring/<name>.
  // A route without query parameters gets an empty closed schema, so `?anything` is refused there too.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs')) return
    const schema = (route.schema ??= {}) as { querystring?: object }
    schema.querystring = { type: 'object', properties: {}, ...schema.querystring, additionalProperties: false }
  })

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id)
  })

  await app.register(errorsPlugin)
  // upgradeInsecureRequests: null, as the API is sent over TLS only: docsCspPlugin
  await app.register(helmet, { global: true, contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } })
  await app.register(underPressure, {
    maxEventLoopDelay: config.MAX_EVENT_LOOP_DELAY_MS,
    pressureHandler: () => {
      throw new AppError(503, 'under_pressure', 'The service is overloaded; try again shortly', [], {
        'retry-after': '5'
      })
    }
  })
  await app.register(rateLimit, {
    global: true,
    max: config.RATE_LIMIT_MAX,
    timeWindow: config.RATE_LIMIT_WINDOW_MS,
    keyGenerator: (request) => {
      const token = bearerToken(request)
      if (!token) return `ip:${request.ip}`
      // A page's in-process API calls count against the signed-in user, not against each call's lent bearer.
      const lent = tokens.lent(token)
      return lent ? `u:${lent.subject}` : `t:${hashToken(token).slice(0, 32)}`
    },
    errorResponseBuilder: (_req, context) =>
      new AppError(
        429,
        'rate_limited',
        `Rate limit of ${context.max} requests per ${context.after} exceeded; retry after the Retry-After seconds`
      )
  })

  // Swagger first: it only sees routes registered after it.
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'AP placement tracker API',
        version: '1.0.0',
        description: apiDescription,
        license: { name: 'MIT', identifier: 'MIT' }
      },
      // Relative first: Swagger UI's Try it out calls the host, port and scheme the page was loaded from, however
      // it was reached. A public PUBLIC_URL second, for a copy of the document read away from the server.
      servers: [
        { url: '/', description: 'The server this document was loaded from' },
        ...(/^https?:\/\/(localhost|127\.0\.0\.1)(:|\/|$)/.test(config.PUBLIC_URL)
          ? []
          : [{ url: config.PUBLIC_URL, description: 'The public address of this deployment (PUBLIC_URL)' }])
      ],
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            description: 'A token issued by `npm run token` or POST /v1/tokens.'
          }
        }
      },
      tags: [
        { name: 'health', description: 'Liveness and readiness' },
        { name: 'me', description: 'The calling principal' },
        { name: 'local-authorities', description: 'Local authorities and their policy settings' },
        { name: 'schools', description: 'Schools (GIAS reference data)' },
        {
          name: 'providers',
          description: 'AP providers: AP schools, registered independent and unregistered settings'
        },
        { name: 'pupils', description: 'Pupils: identity, characteristics, home school' },
        { name: 'tokens', description: 'API tokens for an LA and its schools and providers' },
        { name: 'audit', description: 'The append-only audit trail' },
        { name: 'calendars', description: 'Term dates, INSET days and school-day arithmetic that every clock runs on' },
        {
          name: 'referrals',
          description: 'Referrals from schools and the LA, completeness, decisions and statutory clocks'
        },
        {
          name: 'placements',
          description: 'Placements across the three tiers: lifecycle, capacity, waiting lists, registration threshold'
        },
        { name: 'reviews', description: 'Reviews at least half-termly, extensions, review requests and the worklist' },
        {
          name: 'outcomes',
          description:
            'Coded outcomes that close placements, corrections, and follow-ups that show whether an outcome was ' +
            'sustained'
        },
        {
          name: 'attendance',
          description: 'AM and PM session marks at the provider, corrections, and attendance against the baseline'
        },
        {
          name: 'attainment',
          description: 'English and maths assessments, progress from baseline, and Year 11 qualification results'
        },
        {
          name: 'reports',
          description: 'LA reports on the five AP outcomes (with small-number suppression) and compliance'
        }
      ]
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (json.$id as string | undefined) ?? `def-${i}` },
    transformObject: finishDocument
  })
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: false })
  await app.register(docsCspPlugin, { docsPrefix: '/docs' })

  await app.register(authPlugin, { tokens })
  await app.register(idempotencyPlugin, { db, leaseMs: config.IDEMPOTENCY_LEASE_MS })
  app.addSchema(Paging)
  app.addSchema(Links)

  await app.register(healthRoutes)
  await app.register(
    async (v1) => {
      // Everything under /v1 is an organisation's records, pupil data or exports of it: no browser, proxy or
      // shared cache may keep a copy.
      v1.addHook('onSend', async (_request, reply, payload) => {
        reply.header('cache-control', 'no-store')
        return payload
      })
      // Shared by the placement view and the outcome, attendance and attainment routes.
      for (const schema of [FollowUp, Outcome, AttendanceSummary, QualificationResult, Attainment]) v1.addSchema(schema)
      await v1.register(meRoutes)
      await v1.register(localAuthorityRoutes, { prefix: '/local-authorities' })
      await v1.register(schoolRoutes, { prefix: '/schools' })
      await v1.register(providerRoutes, { prefix: '/providers' })
      await v1.register(pupilRoutes, { prefix: '/pupils' })
      await v1.register(tokenRoutes, { prefix: '/tokens' })
      await v1.register(signInRoleRoutes, { prefix: '/sign-in-roles' })
      await v1.register(auditRoutes, { prefix: '/audit' })
      await v1.register(calendarRoutes)
      await v1.register(referralRoutes)
      await v1.register(placementRoutes, { within: [outcomeRoutes] })
      await v1.register(journeyRoutes)
      await v1.register(reviewRoutes)
      await v1.register(worklistRoutes, { clock: app.clock })
      await v1.register(attendanceRoutes)
      await v1.register(attainmentRoutes)
      await v1.register(reportRoutes)
      await v1.register(exportRoutes)
    },
    { prefix: '/v1' }
  )

  // The screens at `/`, reading and writing through the routes above as the signed-in user.
  const oidc =
    config.OIDC_ISSUER && config.OIDC_CLIENT_ID && config.OIDC_CLIENT_SECRET
      ? new Oidc({
          issuer: config.OIDC_ISSUER,
          clientId: config.OIDC_CLIENT_ID,
          clientSecret: config.OIDC_CLIENT_SECRET,
          scopes: config.OIDC_SCOPES,
          redirectUri: new URL('/auth/callback', config.PUBLIC_URL).href
        })
      : undefined
  await app.register(webPlugin, {
    demo: deps.demoSignIn ?? false,
    oidc,
    secureCookies: config.PUBLIC_URL.startsWith('https:')
  })

  return app
}

export type App = Awaited<ReturnType<typeof buildApp>>
