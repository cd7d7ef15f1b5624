import { DateTime } from 'luxon'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { ZONE } from '../../src/platform/time.js'
import { buildTestApp, countRows, makeWorld } from '../helper.js'
import { csrfOf, encodeForm, signedIn, textOf } from '../fixtures/pages.js'

t.test('every page sends a signed-out request to sign-in and back, and writes nothing', async (t) => {
  const { app, db } = await buildTestApp(t)
  const world = await makeWorld(db)
  const pages = app.pageTable.filter((r) => !['/sign-in', '/signed-out', '/sign-out'].includes(r.url))
  t.ok(pages.length >= 40, `the screens' routes are listed (${pages.length})`)
  const before = await countRows(db, 'audit_event')
  for (const { method, url } of pages) {
    const path = url.replace(/:[a-zA-Z]+/g, (p) => (p === ':checkpoint' ? 'SIX_SCHOOL_WEEKS' : world.own.schoolId))
    const res = await app.inject({
      method: method as 'GET' | 'POST',
      url: path,
      ...(method === 'POST' ? { headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: '' } : {})
    })
    t.equal(res.statusCode, 303, `${method} ${url}`)
    t.equal(
      res.headers.location,
      `/sign-in?returnTo=${encodeURIComponent(method === 'GET' ? path : '/')}`,
      `${method} ${url} goes to sign-in`
    )
  }
  t.equal(await countRows(db, 'audit_event'), before, 'no page read or wrote anything for nobody')
})

t.test('a session ends after SESSION_IDLE_MINUTES without a request, and a request extends it', async (t) => {
  let now = DateTime.fromISO('2026-01-20T09:00:00', { zone: ZONE })
  const clock = () => now
  const { app: api, db } = await buildTestApp(t, { clock })
  await makeWorld(db)
  const app = await buildApp({ db, config: api.config, clock, demoSignIn: true })
  t.teardown(() => app.close())
  const form = await app.inject({ url: '/sign-in' })
  const cookie = form.cookies.map((c) => `${c.name}=${c.value}`).join('; ')
  const signedInAs = await app.inject({
    method: 'POST',
    url: '/sign-in/demo',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: encodeForm({ _csrf: csrfOf(form.body), role: 'coordinator', returnTo: '/worklist' })
  })
  t.equal(signedInAs.statusCode, 303)
  t.equal(signedInAs.headers.location, '/worklist')
  const session = signedInAs.cookies.find((c) => c.name === 'apt_session')!
  t.match(session, { httpOnly: true, sameSite: 'Lax', path: '/' })
  const headers = { cookie: `apt_session=${session.value}` }
  now = now.plus({ minutes: 25 })
  t.equal((await app.inject({ url: '/worklist', headers })).statusCode, 200, '25 minutes idle: still signed in')
  now = now.plus({ minutes: 25 })
  t.equal((await app.inject({ url: '/worklist', headers })).statusCode, 200, 'the last request extended it')
  now = now.plus({ minutes: 31 })
  const expired = await app.inject({ url: '/worklist', headers })
  t.equal(expired.statusCode, 303, '31 minutes idle: signed out')
  t.match(expired.headers.location, /^\/sign-in/)
})

t.test('the demo sign-in exists only when the app is built for the embedded demo', async (t) => {
  const { app, db } = await buildTestApp(t)
  await makeWorld(db)
  const page = await app.inject({ url: '/sign-in' })
  t.notMatch(textOf(page.body), 'Demo users', 'no demo users on an app not built for the demo')
  t.equal((await app.inject({ method: 'POST', url: '/sign-in/demo' })).statusCode, 404)
  const coordinator = await signedIn(app, db, { role: 'coordinator', laCode: '919' })
  t.equal((await coordinator.get('/')).headers.location, '/worklist', "the coordinator's home is the worklist")
})
