import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Principal, Role } from '../platform/auth/principal.js'
import { PageApi, PageError } from './api.js'
import { navigationFor } from './navigation.js'

export const csrfUserInfo = (request: FastifyRequest) => request.webSession?.idHash ?? 'signed-out'

/** The route config of a screen open to these roles (`access: 'public'` to the API's bearer check). */
export const page = (roles: readonly Role[] | 'signed-out') => ({ access: 'public' as const, page: roles })

/** The API, as the signed-in user, for one page request. */
export function apiOf(app: FastifyInstance, request: FastifyRequest): PageApi {
  return new PageApi(app, request, principalOfPage(request))
}

export function principalOfPage(request: FastifyRequest): Principal {
  if (!request.webSession) throw new PageError(401, { status: 401, title: 'Sign in' })
  return request.webSession.principal
}

/**
 * Renders a screen with what every page needs: the signed-in user and their role's navigation, the CSP nonce for
 * the template's one inline script, and a CSRF token for its forms.
 */
export async function renderPage(
  request: FastifyRequest,
  reply: FastifyReply,
  template: string,
  data: Record<string, unknown>
): Promise<FastifyReply> {
  const session = request.webSession
  const context = {
    ...data,
    cspNonce: request.cspNonce || undefined,
    csrfToken: reply.generateCsrf({ userInfo: csrfUserInfo(request) } as never),
    user: session ? { name: session.displayName, role: session.principal.role } : null,
    navigation: session ? navigationFor(session.principal.role, request.url) : [],
    currentUrl: request.url
  }
  return reply.type('text/html; charset=utf-8').view(template, context)
}
