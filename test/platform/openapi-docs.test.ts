import t from 'tap'
import { buildTestApp } from '../helper.js'

// Issue 11 §5: Swagger UI works however the page is reached. Over plain HTTP the Content-Security-Policy must not
// ask for `upgrade-insecure-requests` (the browser would fetch the assets and Try it out calls over https, which
// fail on another port, on 127.0.0.1 or on a host without TLS); behind TLS it does.

const { app, db } = await buildTestApp(t)
const csp = (res: { headers: Record<string, unknown> }) => String(res.headers['content-security-policy'] ?? '')

t.test('over plain HTTP no response asks the browser to upgrade to https', async (t) => {
  for (const url of ['/docs', '/docs/static/swagger-initializer.js', '/docs/json', '/health/live', '/v1/me']) {
    const res = await app.inject({ method: 'GET', url, headers: { host: '127.0.0.1:3999' } })
    t.ok(csp(res), `${url} has a CSP`)
    t.notMatch(csp(res), /upgrade-insecure-requests/, `${url}: no upgrade-insecure-requests over HTTP`)
  }
  const page = await app.inject({ method: 'GET', url: '/docs' })
  t.equal(page.statusCode, 200)
  t.match(csp(page), /script-src 'self'/, "the docs get Swagger UI's policy")
  t.match(csp(page), /img-src 'self' data:/)
})

t.test('behind TLS the CSP asks for upgrade-insecure-requests', async (t) => {
  for (const url of ['/docs', '/docs/static/swagger-initializer.js', '/health/live']) {
    const res = await app.inject({ method: 'GET', url, headers: { 'x-forwarded-proto': 'https' } })
    t.match(csp(res), /upgrade-insecure-requests/, `${url}: upgrade-insecure-requests over TLS`)
    t.equal(csp(res).match(/upgrade-insecure-requests/g)?.length, 1, 'once')
  }
})

t.test("the served document points Try it out at the page's own address and fills in no filter", async (t) => {
  const res = await app.inject({ method: 'GET', url: '/docs/json', headers: { host: '10.0.0.5:8080' } })
  t.equal(res.statusCode, 200)
  const doc = res.json()
  t.equal(doc.servers[0].url, '/', 'relative: the scheme, host and port the page was loaded from')
  const homeSchool = doc.paths['/v1/pupils'].get.parameters.find((p: { name: string }) => p.name === 'homeSchoolId')
  t.equal(homeSchool.required, false)
  t.notOk(homeSchool.example ?? homeSchool.schema.examples, 'no homeSchoolId=42 pre-filled')
})

t.test('a public PUBLIC_URL is the second server, for copies of the document read elsewhere', async (t) => {
  const { app: deployed } = await buildTestApp(t, { db, config: { PUBLIC_URL: 'https://ap-tracker.example.org' } })
  const doc = (await deployed.inject({ method: 'GET', url: '/docs/json' })).json()
  t.same(
    doc.servers.map((s: { url: string }) => s.url),
    ['/', 'https://ap-tracker.example.org']
  )
  t.same(
    (app.swagger() as { servers: { url: string }[] }).servers.map((s: { url: string }) => s.url),
    ['/'],
    'a localhost PUBLIC_URL adds nothing to the relative server'
  )
})
