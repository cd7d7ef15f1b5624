import * as client from 'openid-client'

/**
 * The organisation an ID token (or userinfo) names, read in DfE Sign-in's shape: the `organisation` claim (an
 * object, or JSON text) whose `category.id` is `002` for a local authority (its LA code in `establishmentNumber`),
 * `001` for an establishment (its `urn`), and whose `ukprn` names a provider. Null when there is none to read.
 */
export interface ClaimedOrganisation {
  laCode?: string
  urn?: string
  ukprn?: string
  name?: string
}

export function organisationClaim(claims: Record<string, unknown>): ClaimedOrganisation | null {
  let org = claims.organisation
  if (typeof org === 'string') {
    try {
      org = JSON.parse(org)
    } catch {
      return null
    }
  }
  if (!org || typeof org !== 'object') return null
  const o = org as Record<string, unknown>
  const category = (o.category as { id?: unknown } | undefined)?.id
  const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined)
  const out: ClaimedOrganisation = {}
  const name = str(o.name)
  if (name) out.name = name
  if (category === '002') {
    const la = str(o.establishmentNumber) ?? str(o.laCode)
    if (la && /^[0-9]{3}$/.test(la)) out.laCode = la
    return out.laCode ? out : null
  }
  const urn = str(o.urn)
  const ukprn = str(o.ukprn)
  if (urn && /^[0-9]{6}$/.test(urn)) out.urn = urn
  if (ukprn && /^1[0-9]{7}$/.test(ukprn)) out.ukprn = ukprn
  return out.urn || out.ukprn ? out : null
}

/**
 * Why a sign-in was refused, in words for the page that says so, from openid-client's error and its causes (the
 * JWT check names the claim that failed: `iss`, `aud`, `exp`, `nonce`).
 */
export function refusalReason(err: unknown): string {
  const chain: { message?: string; claim?: string }[] = []
  for (let e = err as { message?: string; cause?: unknown; claim?: string } | undefined; e && chain.length < 5;) {
    chain.push({ message: e.message ?? '', claim: e.claim ?? '' })
    e = e.cause as typeof e
  }
  const claim = chain.map((c) => c.claim).find(Boolean)
  const message = chain.map((c) => c.message).join(' ')
  if (claim === 'iss' || /"iss"|issuer/i.test(message))
    return 'The sign-in came from an issuer this service does not trust.'
  if (claim === 'aud' || /"aud"|audience/i.test(message))
    return 'The sign-in was issued for another service (wrong audience).'
  if (claim === 'exp' || /expir/i.test(message)) return 'The sign-in has expired.'
  if (claim === 'nonce' || /nonce/i.test(message))
    return 'The sign-in did not match the one this browser started (nonce). Sign in again.'
  if (/state/i.test(message)) return 'The sign-in did not match the one this browser started. Sign in again.'
  return 'The identity provider did not confirm who you are.'
}

export interface OidcOptions {
  issuer: string
  clientId: string
  clientSecret: string
  scopes: string
  redirectUri: string
}

export interface Pending {
  state: string
  nonce: string
  verifier: string
  returnTo: string
}

/** Sign-in with an OpenID Connect issuer: authorisation code with PKCE, state and nonce. */
export class Oidc {
  #configuration: Promise<client.Configuration> | undefined

  constructor(readonly options: OidcOptions) {}

  get issuerOrigin(): string {
    return new URL(this.options.issuer).origin
  }

  /** The issuer's metadata, discovered once; a failed discovery is tried again on the next sign-in. */
  configuration(): Promise<client.Configuration> {
    this.#configuration ??= client
      .discovery(
        new URL(this.options.issuer),
        this.options.clientId,
        undefined,
        client.ClientSecretBasic(this.options.clientSecret),
        new URL(this.options.issuer).protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : {}
      )
      .catch((err: unknown) => {
        this.#configuration = undefined
        throw err
      })
    return this.#configuration
  }

  async start(returnTo: string): Promise<{ url: URL; pending: Pending }> {
    const config = await this.configuration()
    const verifier = client.randomPKCECodeVerifier()
    const pending: Pending = { state: client.randomState(), nonce: client.randomNonce(), verifier, returnTo }
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.options.redirectUri,
      scope: this.options.scopes,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce
    })
    return { url, pending }
  }

  /** Checks the callback and the ID token (issuer, audience, expiry, nonce); throws with the reason. */
  async finish(callbackUrl: URL, pending: Pending): Promise<{ claims: Record<string, unknown>; idToken: string }> {
    const config = await this.configuration()
    const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: pending.verifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true
    })
    const claims = { ...(tokens.claims() ?? {}) } as Record<string, unknown>
    // DfE Sign-in gives the organisation in the ID token; other issuers may give it (and the email) in userinfo.
    if (!claims.organisation || !claims.email) {
      const info = await client.fetchUserInfo(config, tokens.access_token, String(claims.sub))
      for (const [k, v] of Object.entries(info)) claims[k] ??= v
    }
    return { claims, idToken: tokens.id_token ?? '' }
  }

  async endSessionUrl(idToken: string | null, postLogoutRedirectUri: string): Promise<URL | undefined> {
    const config = await this.configuration()
    if (!config.serverMetadata().end_session_endpoint) return undefined
    return client.buildEndSessionUrl(config, {
      post_logout_redirect_uri: postLogoutRedirectUri,
      ...(idToken ? { id_token_hint: idToken } : {})
    })
  }
}
