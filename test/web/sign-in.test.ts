import { DateTime } from 'luxon'
import t, { type Test } from 'tap'
import { systemClock } from '../../src/platform/time.js'
import { buildTestApp, freshDb, makeWorld, type World } from '../helper.js'
import { csrfOf, textOf } from '../fixtures/pages.js'
import { freePort, signInThroughIssuer, startIssuer, type TestAccount } from '../fixtures/oidc.js'
import type { Db } from '../fixtures/world.js'

const SECRET = 'a-session-secret-shared-by-both-instances-0123456789'

const laOrg = (code: string) => ({
  id: 'e0a1',
  name: 'Hertfordshire County Council',
  category: { id: '002', name: 'Local Authority' },
  establishmentNumber: code
})
const schoolOrg = (urn: string) => ({
  id: 'e0b2',
  name: 'A school',
  category: { id: '001', name: 'Establishment' },
  urn
})

const ACCOUNTS = (world: World, urn: string): Record<string, TestAccount> => ({
  'coordinator-1': {
    email: 'Jo.Coordinator@herts.gov.uk',
    given_name: 'Jo',
    family_name: 'Coordinator',
    organisation: laOrg(world.own.laCode)
  },
  'analyst-1': {
    email: 'sam.analyst@herts.gov.uk',
    given_name: 'Sam',
    family_name: 'Analyst',
    organisation: laOrg(world.own.laCode)
  },
  'head-1': { email: 'head@school.sch.uk', given_name: 'Pat', family_name: 'Head', organisation: schoolOrg(urn) },
  'stranger-1': { email: 'x@elsewhere.org', organisation: schoolOrg('999999') },
  'unmapped-1': { email: 'someone@camden.gov.uk', organisation: laOrg(world.other.laCode) },
  'no-org-1': { email: 'nobody@example.org' }
})

/** An app listening on a loopback port with sign-in through a real OIDC issuer started here. */
async function appWithIssuer(t: Test, opts: { db?: Db; clock?: () => DateTime } = {}) {
  // What the issuer's token endpoint does to the ID token it answers, for the refusal tests (none by default).
  const tamper: { with?: ((claims: Record<string, unknown>) => Record<string, unknown>) | undefined } = {}
  const db = opts.db ?? (await freshDb(t))
  const world = await makeWorld(db)
  const school = await db
    .selectFrom('school')
    .select('urn')
    .where('id', '=', world.own.schoolId)
    .executeTakeFirstOrThrow()
  const port = await freePort()
  const appUrl = `http://127.0.0.1:${port}`
  const idp = await startIssuer({
    redirectUri: `${appUrl}/auth/callback`,
    postLogoutRedirectUri: `${appUrl}/signed-out`,
    accounts: ACCOUNTS(world, school.urn),
    tamperIdToken: (claims) => (tamper.with ? tamper.with(claims) : claims)
  })
  t.teardown(idp.close)
  const config = {
    PUBLIC_URL: appUrl,
    OIDC_ISSUER: idp.issuer,
    OIDC_CLIENT_ID: idp.clientId,
    OIDC_CLIENT_SECRET: idp.clientSecret,
    SESSION_SECRET: SECRET
  }
  const { app } = await buildTestApp(t, { db, config, clock: opts.clock ?? systemClock })
  await app.listen({ host: '127.0.0.1', port })
  // The LA's administrator maps its own staff (everyone from the LA as coordinator, one analyst by email) and
  // the school's staff.
  await db
    .insertInto('sign_in_role')
    .values([
      {
        la_code: world.own.laCode,
        org_type: 'local_authority',
        org_id: world.own.laCode,
        email: null,
        role: 'coordinator'
      },
      {
        la_code: world.own.laCode,
        org_type: 'local_authority',
        org_id: world.own.laCode,
        email: 'sam.analyst@herts.gov.uk',
        role: 'analyst'
      },
      { la_code: world.own.laCode, org_type: 'school', org_id: world.own.schoolId, email: null, role: 'school' }
    ])
    .execute()
  return { app, db, world, appUrl, idp, config, tamper }
}

const cookieOf = (jar: Map<string, string>) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ')

t.test('sign-in through a real OIDC issuer', async (t) => {
  const ctx = await appWithIssuer(t)

  t.test('signing in through the OIDC issuer maps the organisation claim to a role through the LA table', async (t) => {
    const { app, db, world, appUrl } = ctx
    const signed = await signInThroughIssuer(appUrl, 'coordinator-1', '/worklist')
    t.equal(signed.status, 303)
    t.equal(signed.location, '/worklist', 'back where the user was going')
    const cookie = cookieOf(signed.appCookies)
    t.match(signed.appCookies.get('apt_session'), /^[A-Za-z0-9_-]{43}$/)
    const page = await app.inject({ url: '/worklist', headers: { cookie } })
    t.equal(page.statusCode, 200)
    t.match(textOf(page.body), 'Jo Coordinator (AP coordinator)')
    const session = await db.selectFrom('web_session').select(['principal']).executeTakeFirstOrThrow()
    const principal = session.principal as unknown as {
      subject: string
      role: string
      laCode: string
    }
    t.match(principal, { subject: 'oidc:coordinator-1', role: 'coordinator', laCode: world.own.laCode })
    const audit = await db.selectFrom('audit_event').select('actor').where('entity', '=', 'worklist').execute()
    t.ok(
      audit.every((a) => a.actor === 'oidc:coordinator-1'),
      'the page audits under the signed-in user'
    )

    const analyst = await signInThroughIssuer(appUrl, 'analyst-1', '/dashboard')
    const me = await app.inject({ url: '/worklist', headers: { cookie: cookieOf(analyst.appCookies) } })
    t.equal(me.statusCode, 403, 'the row naming the email wins: Sam is an analyst, who has no worklist')
    const head = await signInThroughIssuer(appUrl, 'head-1', '/worklist')
    const school = await app.inject({ url: '/worklist', headers: { cookie: cookieOf(head.appCookies) } })
    t.match(textOf(school.body), 'Pat Head (School)', 'an establishment by URN signs in as its school')
  })

  t.test('a sign-in the service cannot place is refused with a page that says why, and no session', async (t) => {
    const { db, appUrl } = ctx
    const before = (await db.selectFrom('web_session').select('id_hash').execute()).length
    const cases: [string, RegExp][] = [
      ['unmapped-1', /has no role mapping in this service/],
      ['stranger-1', /is not known to this service/],
      ['no-org-1', /does not name an organisation/]
    ]
    for (const [login, why] of cases) {
      const res = await signInThroughIssuer(appUrl, login)
      t.equal(res.status, 401, login)
      t.match(textOf(res.body), why, login)
    }
    t.equal((await db.selectFrom('web_session').select('id_hash').execute()).length, before)
  })

  t.test('an expired ID token is refused', async (t) => {
    ctx.tamper.with = (c) => ({ ...c, iat: Number(c.iat) - 7200, exp: Number(c.iat) - 3600 })
    t.teardown(() => (ctx.tamper.with = undefined))
    const res = await signInThroughIssuer(ctx.appUrl, 'coordinator-1')
    t.equal(res.status, 401)
    t.match(textOf(res.body), 'The sign-in has expired')
  })

  t.test('an ID token for another client, or from another issuer, is refused', async (t) => {
    t.teardown(() => (ctx.tamper.with = undefined))
    const sessions = (await ctx.db.selectFrom('web_session').select('id_hash').execute()).length
    ctx.tamper.with = (c) => ({ ...c, aud: 'another-service' })
    const aud = await signInThroughIssuer(ctx.appUrl, 'coordinator-1')
    t.equal(aud.status, 401)
    t.match(textOf(aud.body), 'issued for another service (wrong audience)')
    ctx.tamper.with = (c) => ({ ...c, iss: 'https://idp.elsewhere.example' })
    const iss = await signInThroughIssuer(ctx.appUrl, 'coordinator-1')
    t.equal(iss.status, 401)
    t.match(textOf(iss.body), 'an issuer this service does not trust')
    t.equal((await ctx.db.selectFrom('web_session').select('id_hash').execute()).length, sessions, 'no session made')
  })

  t.test('a callback naming another issuer is refused', async (t) => {
    const { appUrl } = ctx
    const start = await fetch(`${appUrl}/sign-in/oidc`, { redirect: 'manual' })
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!
    const pending = start.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ')
    const res = await fetch(
      `${appUrl}/auth/callback?code=abc&state=${state}&iss=${encodeURIComponent('https://evil.example')}`,
      {
        headers: { cookie: pending },
        redirect: 'manual'
      }
    )
    t.equal(res.status, 401)
    t.match(textOf(await res.text()), 'an issuer this service does not trust')
    const noPending = await fetch(`${appUrl}/auth/callback?code=abc&state=${state}`, { redirect: 'manual' })
    t.match(textOf(await noPending.text()), 'not started from this browser')
  })

  t.test('removing the role mapping ends the sessions it let in', async (t) => {
    const { app, db, appUrl } = ctx
    const signed = await signInThroughIssuer(appUrl, 'head-1', '/pupils')
    const cookie = cookieOf(signed.appCookies)
    t.equal((await app.inject({ url: '/worklist', headers: { cookie } })).statusCode, 200)
    await db.deleteFrom('sign_in_role').where('org_type', '=', 'school').execute()
    t.equal((await app.inject({ url: '/worklist', headers: { cookie } })).statusCode, 303)
  })

  t.test('a session works on a second instance and after a restart; sign-out ends it everywhere', async (t) => {
    const { app, db, appUrl, config } = ctx
    const signed = await signInThroughIssuer(appUrl, 'coordinator-1', '/worklist')
    const cookie = cookieOf(signed.appCookies)
    const { app: second } = await buildTestApp(t, { db, config, clock: systemClock })
    const onSecond = await second.inject({ url: '/worklist', headers: { cookie } })
    t.equal(onSecond.statusCode, 200, 'the second instance knows the session')
    await app.close()
    const { app: restarted } = await buildTestApp(t, { db, config, clock: systemClock })
    const page = await restarted.inject({ url: '/worklist', headers: { cookie } })
    t.equal(page.statusCode, 200, 'and so does the first after a restart')

    const refused = await second.inject({
      method: 'POST',
      url: '/sign-out',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: ''
    })
    t.equal(refused.statusCode, 403, 'sign-out without the CSRF token is refused')
    const live = (await db.selectFrom('web_session').select('id_hash').execute()).length
    t.ok(live >= 1, 'and ends nothing')

    // The CSRF token a page of one instance handed out is good on the other (one SESSION_SECRET).
    const csrfCookie = page.cookies.map((c) => `${c.name}=${c.value}`).join('; ')
    const out = await second.inject({
      method: 'POST',
      url: '/sign-out',
      headers: { cookie: `${cookie}; ${csrfCookie}`, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${encodeURIComponent(csrfOf(page.body))}`
    })
    t.equal(out.statusCode, 303)
    t.match(out.headers.location, /\/session\/end\?.*id_token_hint=/, "on to the issuer's sign-out")
    t.equal((await db.selectFrom('web_session').select('id_hash').execute()).length, live - 1, 'that session is gone')
    const after = await restarted.inject({ url: '/worklist', headers: { cookie } })
    t.equal(after.statusCode, 303, 'the cookie no longer signs anyone in')
    t.match(after.headers.location, /^\/sign-in\?returnTo=/)
  })
})

t.test('session cookies are HttpOnly and SameSite=Lax; Secure with the __Host- prefix over https', async (t) => {
  const db = await freshDb(t)
  const { app } = await buildTestApp(t, { db, config: { PUBLIC_URL: 'https://ap.example.gov.uk' } })
  const page = await app.inject({ url: '/sign-in' })
  const csrf = page.cookies.find((c) => c.name === '__Host-apt_csrf')
  t.ok(csrf, 'the CSRF cookie has the __Host- prefix')
  t.match(csrf, { httpOnly: true, secure: true, sameSite: 'Lax', path: '/' })
})
