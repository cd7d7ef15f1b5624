import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import cookie from '@fastify/cookie'
import csrf from '@fastify/csrf-protection'
import formbody from '@fastify/formbody'
import fastifyStatic from '@fastify/static'
import view from '@fastify/view'
import type { FastifyInstance } from 'fastify'
import nunjucks from 'nunjucks'
import type { Role } from '../platform/auth/principal.js'
import { PageError } from './api.js'
import { csrfUserInfo, page, principalOfPage, renderPage } from './page.js'
import { configureNunjucks } from './filters.js'
import type { Oidc } from './oidc.js'
import { Sessions } from './session.js'
import { signInRoutes } from './pages/sign-in.js'
import { coordinatorPages } from './pages/coordinator.js'
import { placementPages } from './pages/placements.js'
import { referralPages } from './pages/referrals.js'
import { placementFormPages } from './pages/placement-forms.js'
import { providerPages } from './pages/provider.js'
import { analystPages } from './pages/analyst.js'
import { adminPages } from './pages/admin.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A screen: the roles that may open it, or `signed-out` for the sign-in pages. */
    page?: readonly Role[] | 'signed-out'
  }
  interface FastifyRequest {
    cspNonce: string
  }
  interface FastifyInstance {
    sessions: Sessions
  }
}

export interface WebOptions {
  /** The demo sign-in page (embedded PGlite only, never on PostgreSQL). */
  demo: boolean
  oidc?: Oidc | undefined
  secureCookies: boolean
}

const here = path.dirname(fileURLToPath(import.meta.url))
const modules = path.resolve(here, '../../node_modules')
const GOVUK = path.join(modules, 'govuk-frontend/dist')
const MOJ = path.join(modules, '@ministryofjustice/frontend')

/**
 * The screens, served by the same app at `/` (the API stays under `/v1`): server-rendered Nunjucks with the
 * GOV.UK Design System and MOJ patterns, assets served from this host, every page usable without JavaScript.
 * Each page reads and writes through the API as the signed-in user (`api.ts`).
 */
export async function webPlugin(app: FastifyInstance, opts: WebOptions): Promise<void> {
  const sessions = new Sessions(app.db, {
    idleMinutes: app.config.SESSION_IDLE_MINUTES,
    maxHours: app.config.SESSION_MAX_HOURS,
    secure: opts.secureCookies,
    now: () => app.clock().toJSDate()
  })
  app.decorate('sessions', sessions)
  app.decorateRequest('webSession', null)
  app.decorateRequest('cspNonce', '')

  await app.register(cookie)
  await app.register(formbody, { bodyLimit: 256 * 1024 })
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: opts.secureCookies ? '__Host-apt_csrf' : 'apt_csrf',
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', secure: opts.secureCookies },
    // The token is bound to the session, so one made for another session (or before sign-in) is refused.
    getUserInfo: csrfUserInfo,
    // One key on every instance (SESSION_SECRET); without it (the demo, one process) a key of this process.
    csrfOpts: { hmacKey: app.config.SESSION_SECRET ?? randomBytes(32).toString('base64url') }
  })

  for (const [prefix, root] of [
    ['/assets/', path.join(GOVUK, 'govuk/assets')],
    ['/moj/assets/', path.join(MOJ, 'moj/assets')],
    ['/static/', path.join(here, 'static')]
  ] as const) {
    await app.register(fastifyStatic, {
      root,
      prefix,
      decorateReply: prefix === '/static/',
      index: false,
      maxAge: '1h',
      schemaHide: true
    })
  }
  // The two packages' built CSS and JS, each file by name.
  const files: Record<string, string> = {
    'govuk-frontend.min.css': path.join(GOVUK, 'govuk/govuk-frontend.min.css'),
    'govuk-frontend.min.js': path.join(GOVUK, 'govuk/govuk-frontend.min.js'),
    'moj-frontend.min.css': path.join(MOJ, 'moj/moj-frontend.min.css'),
    'moj-frontend.min.js': path.join(MOJ, 'moj/moj-frontend.min.js')
  }
  app.get('/frontend/:file', { schema: { hide: true } }, async (request, reply) => {
    const file = files[(request.params as { file: string }).file]
    if (!file) return reply.code(404).type('text/plain').send('Not found')
    reply.header('cache-control', 'public, max-age=3600')
    return reply.sendFile(path.basename(file), path.dirname(file))
  })

  await app.register(view, {
    engine: { nunjucks },
    templates: [path.join(here, 'templates'), GOVUK, MOJ],
    options: { autoescape: true, onConfigure: (env: nunjucks.Environment) => configureNunjucks(env) }
  })

  app.addHook('onRoute', (route) => {
    if (!route.config?.page) return
    route.schema = { ...route.schema, hide: true }
  })

  app.addHook('onRequest', async (request, reply) => {
    const pageRoles = request.routeOptions.config?.page
    if (!pageRoles) return
    request.cspNonce = randomBytes(16).toString('base64')
    const formAction = ["'self'", ...(opts.oidc ? [opts.oidc.issuerOrigin] : [])].join(' ')
    reply.header(
      'content-security-policy',
      `default-src 'self'; base-uri 'self'; font-src 'self'; form-action ${formAction}; frame-ancestors 'none'; ` +
        `img-src 'self' data:; object-src 'none'; script-src 'self' 'nonce-${request.cspNonce}'; ` +
        `script-src-attr 'none'; style-src 'self'`
    )
    // Pages show an organisation's records: no browser, proxy or shared cache may keep a copy.
    reply.header('cache-control', 'no-store')
    request.webSession = await sessions.load(request)
    if (pageRoles === 'signed-out') return
    if (!request.webSession) {
      const returnTo = request.method === 'GET' ? request.url : '/'
      return reply.redirect(`/sign-in?returnTo=${encodeURIComponent(returnTo)}`, 303)
    }
    if (!pageRoles.includes(request.webSession.principal.role)) throw new PageError(403, { status: 403 })
  })

  // Every form posts its CSRF token (`_csrf`); one without it, or with another session's, is refused with 403.
  app.addHook('preHandler', (request, reply, done) => {
    if (request.method !== 'POST' || !request.routeOptions.config?.page) return done()
    app.csrfProtection(request, reply, done)
  })

  app.setErrorHandler(async (error, request, reply) => {
    const e = error as Error & { statusCode?: number; code?: string }
    const status =
      error instanceof PageError
        ? error.status
        : e.code === 'FST_CSRF_INVALID_TOKEN' || e.code === 'FST_CSRF_MISSING_SECRET'
          ? 403
          : e.statusCode && e.statusCode >= 400 && e.statusCode < 500
            ? e.statusCode
            : (e.statusCode ?? 500)
    if (status >= 500 && status !== 503) request.log.error({ err: error }, 'page failed')
    const csrfRefused = e.code?.startsWith('FST_CSRF') ?? false
    if (status === 503) reply.header('retry-after', '5')
    return renderPage(request, reply.code(status), 'error.njk', {
      status,
      csrfRefused,
      detail: error instanceof PageError ? error.problem.detail : undefined
    })
  })

  await app.register(signInRoutes, { demo: opts.demo, oidc: opts.oidc })
  app.get(
    '/',
    { config: page(['la_admin', 'coordinator', 'school', 'provider', 'analyst']) },
    async (request, reply) => {
      const role = principalOfPage(request).role
      if (role === 'coordinator') return reply.redirect('/worklist', 303)
      if (role === 'school') return reply.redirect('/pupils', 303)
      if (role === 'provider') return reply.redirect('/placements', 303)
      return reply.redirect('/dashboard', 303)
    }
  )
  await app.register(coordinatorPages)
  await app.register(placementPages)
  await app.register(referralPages)
  await app.register(placementFormPages)
  await app.register(providerPages)
  await app.register(analystPages)
  await app.register(adminPages)
}
