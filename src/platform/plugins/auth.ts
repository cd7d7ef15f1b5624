import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import type { Principal, Role } from '../auth/principal.js'
import type { TokenVerifier } from '../auth/tokens.js'
import { forbidden, unauthorized } from '../errors.js'
import { commonErrors, Problem, ref } from '../schemas.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route: `public`, or the roles allowed. Every route must say. */
    access?: 'public' | readonly Role[]
  }
  interface FastifyRequest {
    principal: Principal | null
  }
  interface FastifyInstance {
    tokens: TokenVerifier
    routeTable: RouteEntry[]
    /** The screens' routes (method and URL), which answer to a signed-in session instead of a bearer token. */
    pageTable: { method: string; url: string }[]
  }
}

export interface RouteEntry {
  method: string
  url: string
  access: 'public' | readonly Role[]
  operationId: string
}

/** The principal of an authenticated route (the auth hook guarantees one). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthorized()
  return request.principal
}

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization
  if (!header) return undefined
  const match = /^Bearer ([^\s]+)$/i.exec(header)
  return match?.[1]
}

const PUBLIC_FILES = ['/docs', '/assets/', '/moj/assets/', '/static/', '/frontend/']

const withErrors = (schema: Record<string, unknown>, route: RouteOptions) => {
  const response = { ...(schema.response as Record<string, unknown> | undefined) }
  for (const [status, problem] of Object.entries(commonErrors)) response[status] ??= problem
  const url = route.url
  const method = String(route.method)
  if (url.includes('/:')) response[404] ??= ref(Problem)
  if (['POST', 'PUT', 'PATCH'].includes(method) && schema.body) {
    response[413] ??= ref(Problem)
    response[415] ??= ref(Problem)
  }
  return response
}

/**
 * Authentication and authorisation. Every route declares `config.access`; a route without one fails at
 * start-up. Authenticated routes get the bearer security requirement, their roles in the description, and
 * the common problem responses in their OpenAPI entry, so the document cannot disagree with the code.
 */
export const authPlugin = fp(
  async (app: FastifyInstance, opts: { tokens: TokenVerifier }) => {
    app.decorate('tokens', opts.tokens)
    app.decorate('routeTable', [] as RouteEntry[])
    app.decorate('pageTable', [] as { method: string; url: string }[])
    app.decorateRequest('principal', null)

    app.addHook('onRoute', (route) => {
      // Swagger UI and the screens' static assets (fonts, images, scripts) are public files.
      if (PUBLIC_FILES.some((prefix) => route.url.startsWith(prefix))) {
        route.config = { ...route.config, access: 'public' }
        return
      }
      const access = route.config?.access
      if (!access) throw new Error(`route ${String(route.method)} ${route.url} does not declare config.access`)
      const schema = (route.schema ?? {}) as Record<string, unknown>
      if (access !== 'public') {
        schema.security = [{ bearerAuth: [] }]
        const roles = `Roles: ${access.join(', ')}.`
        // The HEAD route Fastify adds for a GET shares its schema: add the line once.
        if (!String(schema.description ?? '').endsWith(roles))
          schema.description = schema.description ? `${String(schema.description)}\n\n${roles}` : roles
        schema.response = withErrors(schema, route)
      }
      route.schema = schema
      // A screen is not an API operation: it answers to a signed-in session (src/web), not to a bearer token.
      if ((route.config as { page?: unknown } | undefined)?.page) {
        for (const method of [route.method].flat())
          if (method !== 'HEAD') app.pageTable.push({ method, url: route.url })
        return
      }
      for (const method of [route.method].flat()) {
        if (method === 'HEAD') continue
        app.routeTable.push({
          method: String(method),
          url: route.url,
          access,
          operationId: String(schema.operationId ?? '')
        })
      }
    })

    app.addHook('onRequest', async (request) => {
      const access = request.routeOptions.config?.access
      if (!access || access === 'public') return
      const token = bearerToken(request)
      if (!token) throw unauthorized()
      const principal = await opts.tokens.verify(token)
      if (!principal) throw unauthorized('The bearer token is unknown, expired or revoked')
      request.principal = principal
      if (!access.includes(principal.role)) {
        throw forbidden(
          'role_not_allowed',
          `The ${principal.role} role may not call this operation; it is open to ${access.join(', ')}`
        )
      }
    })
  },
  { name: 'auth' }
)
