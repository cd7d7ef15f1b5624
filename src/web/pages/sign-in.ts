import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { principalFor, type Role } from '../../platform/auth/principal.js'
import { ROLE_NAMES } from '../navigation.js'
import { organisationClaim, refusalReason, type Oidc, type Pending } from '../oidc.js'
import { page, renderPage } from '../page.js'
import * as repo from '../web.repository.js'

const PENDING_COOKIE = 'apt_oidc'
const DEMO_ROLES: Role[] = ['coordinator', 'school', 'provider', 'analyst', 'la_admin']

/** A path on this host to go back to after signing in; anything else goes home. */
export const localPath = (value: unknown): string =>
  typeof value === 'string' && /^\/(?![/\\])[^\s]*$/.test(value) && !value.startsWith('/sign-') ? value : '/'

const ReturnTo = Type.Object({ returnTo: Type.Optional(Type.String({ maxLength: 2000 })) })

/** Sign-in through an OpenID Connect issuer (DfE Sign-in's shape first), the demo's users, and sign-out. */
export async function signInRoutes(app: FastifyInstance, opts: { demo: boolean; oidc?: Oidc | undefined }) {
  const { oidc } = opts
  const secure = app.sessions.cookie.startsWith('__Host-')

  app.get('/sign-in', { config: page('signed-out'), schema: { querystring: ReturnTo } }, async (request, reply) => {
    const returnTo = localPath((request.query as { returnTo?: string }).returnTo)
    const demo = opts.demo ? await repo.demoOrganisations(app.db) : undefined
    return renderPage(request, reply, 'sign-in.njk', {
      title: 'Sign in',
      returnTo,
      oidc: Boolean(oidc),
      demoUsers: demo
        ? DEMO_ROLES.filter((r) => (r === 'school' ? demo.schoolId : r === 'provider' ? demo.providerId : true)).map(
            (role) => ({
              value: role,
              text: ROLE_NAMES[role],
              hint:
                role === 'school'
                  ? demo.schoolName
                  : role === 'provider'
                    ? demo.providerName
                    : `${demo.laName} (LA ${demo.laCode})`
            })
          )
        : []
    })
  })

  if (opts.demo) {
    app.post('/sign-in/demo', { config: page('signed-out') }, async (request, reply) => {
      const form = (request.body ?? {}) as Record<string, string>
      const role = form.role as Role
      const returnTo = localPath(form.returnTo)
      const demo = await repo.demoOrganisations(app.db)
      if (
        !demo ||
        !DEMO_ROLES.includes(role) ||
        (role === 'school' && !demo.schoolId) ||
        (role === 'provider' && !demo.providerId)
      ) {
        return renderPage(request, reply.code(400), 'sign-in.njk', {
          title: 'Sign in',
          returnTo,
          oidc: Boolean(oidc),
          demoUsers: [],
          errors: {
            list: [{ text: 'Select a demo user', href: '#role' }],
            byId: { role: { text: 'Select a demo user' } }
          }
        })
      }
      const principal = principalFor({
        subject: `demo:${role}`,
        role,
        laCode: demo.laCode,
        schoolId: role === 'school' ? demo.schoolId : null,
        providerId: role === 'provider' ? demo.providerId : null
      })
      await app.sessions.start(reply, {
        principal,
        displayName: `Demo ${ROLE_NAMES[role]}`,
        idToken: null,
        signInRoleId: null
      })
      return reply.redirect(returnTo, 303)
    })
  }

  if (oidc) {
    app.get(
      '/sign-in/oidc',
      { config: page('signed-out'), schema: { querystring: ReturnTo } },
      async (request, reply) => {
        const { url, pending } = await oidc.start(localPath((request.query as { returnTo?: string }).returnTo))
        void reply.setCookie(PENDING_COOKIE, JSON.stringify(pending), {
          path: '/auth/callback',
          httpOnly: true,
          secure,
          sameSite: 'lax',
          maxAge: 600
        })
        return reply.redirect(url.href, 303)
      }
    )

    app.get(
      '/auth/callback',
      {
        config: page('signed-out'),
        schema: {
          // What an issuer's authorisation response carries (RFC 6749 4.1.2, RFC 9207, OIDC session management).
          querystring: Type.Object(
            Object.fromEntries(
              ['code', 'state', 'iss', 'error', 'error_description', 'error_uri', 'session_state', 'scope'].map((k) => [
                k,
                Type.Optional(Type.String({ maxLength: 4000 }))
              ])
            )
          )
        }
      },
      async (request, reply) => {
        const refuse = (reason: string) =>
          renderPage(request, reply.code(401), 'sign-in-refused.njk', { title: 'You cannot sign in', reason })
        let pending: Pending
        try {
          pending = JSON.parse(request.cookies[PENDING_COOKIE] ?? '') as Pending
        } catch {
          return refuse('The sign-in was not started from this browser, or took too long. Sign in again.')
        }
        void reply.clearCookie(PENDING_COOKIE, { path: '/auth/callback', secure, httpOnly: true, sameSite: 'lax' })
        const query = request.query as Record<string, string>
        if (query.error) return refuse(`The identity provider refused the sign-in (${query.error}).`)
        let claims: Record<string, unknown>
        let idToken: string
        try {
          const callback = new URL(request.url, app.config.PUBLIC_URL)
          ;({ claims, idToken } = await oidc.finish(callback, pending))
        } catch (err) {
          request.log.warn({ code: (err as { code?: string }).code }, 'sign-in refused')
          return refuse(refusalReason(err))
        }
        const claimed = organisationClaim(claims)
        if (!claimed) return refuse('Your sign-in does not name an organisation this service knows.')
        const org = await repo.organisationOf(app.db, claimed)
        if (!org)
          return refuse(`Your organisation${claimed.name ? ` (${claimed.name})` : ''} is not known to this service.`)
        const email = typeof claims.email === 'string' ? claims.email.toLowerCase() : null
        const mapping = await repo.signInRoleFor(app.db, org, email)
        if (!mapping)
          return refuse(
            `${org.name} has no role mapping in this service. Ask your local authority's administrator to add one.`
          )
        const principal = principalFor({
          subject: `oidc:${String(claims.sub)}`,
          role: mapping.role,
          laCode: org.laCode,
          schoolId: org.orgType === 'school' ? org.orgId : null,
          providerId: org.orgType === 'provider' ? org.orgId : null
        })
        const name = [claims.given_name, claims.family_name].filter((v) => typeof v === 'string').join(' ')
        await app.sessions.start(reply, {
          principal,
          displayName: name || email || 'Signed-in user',
          idToken,
          signInRoleId: mapping.id
        })
        return reply.redirect(pending.returnTo, 303)
      }
    )
  }

  app.post('/sign-out', { config: page('signed-out') }, async (request, reply) => {
    const idToken = request.webSession?.idToken ?? null
    await app.sessions.end(request, reply)
    if (oidc && idToken) {
      const url = await oidc
        .endSessionUrl(idToken, new URL('/signed-out', app.config.PUBLIC_URL).href)
        .catch(() => undefined)
      if (url) return reply.redirect(url.href, 303)
    }
    return reply.redirect('/signed-out', 303)
  })

  app.get('/signed-out', { config: page('signed-out') }, async (request, reply) =>
    renderPage(request, reply, 'signed-out.njk', { title: 'You have signed out' })
  )
}
