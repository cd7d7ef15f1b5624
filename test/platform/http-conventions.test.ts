import { DateTime } from 'luxon'
import t, { type Test } from 'tap'
import { issueToken } from '../../src/modules/tokens/tokens.service.js'
import { bearer, buildTestApp, countRows, insertPupil, makeWorld, upnFor } from '../helper.js'

// HTTP conventions (issue 2 §6, GOV.UK API standards): request ids, security headers, ETags,
// Idempotency-Key, rate limiting, paging, camelCase, problem documents, public health and docs.

interface InjectResult {
  statusCode: number
  headers: Record<string, unknown>
  body: string
  json: () => any
}

function problem(t: Test, res: InjectResult, status: number, code?: string) {
  t.equal(res.statusCode, status, `status ${status}`)
  t.match(String(res.headers['content-type']), /^application\/problem\+json/, 'problem content type')
  const body = res.json() as {
    status: number
    code: string
    errors: { path: string; code: string }[]
    instance?: string
  }
  t.equal(body.status, status)
  if (code !== undefined) t.equal(body.code, code)
  t.ok(Array.isArray(body.errors), 'errors array')
  return body
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

const { app, db } = await buildTestApp(t)
// The same database behind an app with a tiny rate limit.
const limited = await buildTestApp(t, { config: { RATE_LIMIT_MAX: 3 }, db })
const { own, other } = await makeWorld(db)

const pupilBody = (serial: number, overrides: Record<string, unknown> = {}) => ({
  upn: upnFor(serial),
  legalForename: 'Robin',
  legalSurname: `Hood${serial}`,
  dateOfBirth: '2011-11-02',
  sex: 'U',
  homeLaCode: own.laCode,
  homeSchoolId: own.schoolId,
  ...overrides
})

t.test('request id: a given x-request-id is echoed, otherwise one is generated', async (t) => {
  const given = await app.inject({
    method: 'GET',
    url: '/v1/me',
    headers: { ...bearer(own.tokens.coordinator), 'x-request-id': 'trace-abc.123:9' }
  })
  t.equal(given.statusCode, 200)
  t.equal(given.headers['x-request-id'], 'trace-abc.123:9', 'echoed as given')

  const generated = await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(own.tokens.coordinator) })
  t.match(String(generated.headers['x-request-id']), UUID, 'a UUID is generated')
  const again = await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(own.tokens.coordinator) })
  t.not(again.headers['x-request-id'], generated.headers['x-request-id'], 'a new one per request')

  const unsafe = await app.inject({
    method: 'GET',
    url: '/v1/me',
    headers: { ...bearer(own.tokens.coordinator), 'x-request-id': 'bad id\twith spaces' }
  })
  t.match(String(unsafe.headers['x-request-id']), UUID, 'an unsafe request id is replaced, not echoed')

  const failed = await app.inject({
    method: 'GET',
    url: '/v1/pupils/999999',
    headers: { ...bearer(own.tokens.coordinator), 'x-request-id': 'req-404-check' }
  })
  t.equal(failed.headers['x-request-id'], 'req-404-check', 'echoed on an error too')
  t.equal(problem(t, failed, 404).instance, 'req-404-check', 'the problem instance is the request id')
})

t.test('security headers on a normal response and on an error response', async (t) => {
  const responses = {
    ok: await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(own.tokens.coordinator) }),
    unauthorized: await app.inject({ method: 'GET', url: '/v1/me' }),
    notFound: await app.inject({ method: 'GET', url: '/no/such/route' }),
    invalid: await app.inject({ method: 'GET', url: '/v1/pupils?pageSize=0', headers: bearer(own.tokens.coordinator) })
  }
  t.equal(responses.ok.statusCode, 200)
  t.equal(responses.unauthorized.statusCode, 401)
  t.equal(responses.notFound.statusCode, 404)
  t.equal(responses.invalid.statusCode, 400)
  for (const [name, res] of Object.entries(responses)) {
    t.equal(res.headers['x-content-type-options'], 'nosniff', `${name}: x-content-type-options`)
    t.match(String(res.headers['strict-transport-security']), /max-age=\d+/, `${name}: strict-transport-security`)
    t.match(String(res.headers['content-security-policy']), /default-src 'self'/, `${name}: content-security-policy`)
  }
})

t.test('ETag on single resources; PATCH with it returns a new one; the old one then gets 412', async (t) => {
  const pupil = await insertPupil(db, own, 100)
  const cases = [
    {
      name: 'school',
      url: `/v1/schools/${own.schoolId}`,
      token: own.tokens.la_admin,
      method: 'PATCH' as const,
      change: () => ({ name: 'Renamed High School' })
    },
    {
      name: 'provider',
      url: `/v1/providers/${own.providerId}`,
      token: own.tokens.la_admin,
      method: 'PATCH' as const,
      change: () => ({ name: 'Renamed PRU' })
    },
    {
      name: 'pupil',
      url: `/v1/pupils/${pupil.id}`,
      token: own.tokens.coordinator,
      method: 'PATCH' as const,
      change: () => ({ preferredForename: 'Bobbie' })
    }
  ]
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      const read = await app.inject({ method: 'GET', url: c.url, headers: bearer(c.token) })
      t.equal(read.statusCode, 200)
      const etag = String(read.headers.etag)
      t.match(etag, /^"[0-9]+"$/, 'a strong ETag')
      const updated = await app.inject({
        method: c.method,
        url: c.url,
        headers: { ...bearer(c.token), 'if-match': etag },
        payload: c.change()
      })
      t.equal(updated.statusCode, 200)
      const next = String(updated.headers.etag)
      t.match(next, /^"[0-9]+"$/)
      t.not(next, etag, 'a new ETag after the change')
      const reread = await app.inject({ method: 'GET', url: c.url, headers: bearer(c.token) })
      t.equal(reread.headers.etag, next, 'GET now returns the new ETag')
      t.match(reread.json(), c.change(), 'the change is stored')
      problem(
        t,
        await app.inject({
          method: c.method,
          url: c.url,
          headers: { ...bearer(c.token), 'if-match': etag },
          payload: c.change()
        }),
        412,
        'precondition_failed'
      )
      t.equal(
        (
          await app.inject({
            method: c.method,
            url: c.url,
            headers: { ...bearer(c.token), 'if-match': next },
            payload: c.change()
          })
        ).statusCode,
        200,
        'the new ETag is accepted'
      )
    })
  }

  await t.test('LA policy (PUT)', async (t) => {
    const url = `/v1/local-authorities/${own.laCode}/policy`
    const read = await app.inject({ method: 'GET', url, headers: bearer(own.tokens.la_admin) })
    t.equal(read.statusCode, 200)
    const etag = String(read.headers.etag)
    t.match(etag, /^"[0-9]+"$/)
    const { laCode: _laCode, updatedAt: _updatedAt, ...policy } = read.json() as Record<string, unknown>
    const changed = { ...policy, reviewIntervalSchoolWeeks: 4 }
    const put = await app.inject({
      method: 'PUT',
      url,
      headers: { ...bearer(own.tokens.la_admin), 'if-match': etag },
      payload: changed
    })
    t.equal(put.statusCode, 200)
    t.equal(put.json().reviewIntervalSchoolWeeks, 4)
    t.not(put.headers.etag, etag)
    problem(
      t,
      await app.inject({
        method: 'PUT',
        url,
        headers: { ...bearer(own.tokens.la_admin), 'if-match': etag },
        payload: changed
      }),
      412,
      'precondition_failed'
    )
    problem(
      t,
      await app.inject({ method: 'PUT', url, headers: bearer(own.tokens.la_admin), payload: changed }),
      428,
      'precondition_required'
    )
  })
})

t.test('Idempotency-Key on POST /v1/pupils', async (t) => {
  const headers = (key: string) => ({ ...bearer(own.tokens.coordinator), 'idempotency-key': key })

  await t.test('a replay returns the first response, marked, and creates nothing', async (t) => {
    const before = await countRows(db, 'pupil')
    const body = pupilBody(200)
    const first = await app.inject({ method: 'POST', url: '/v1/pupils', headers: headers('create-200'), payload: body })
    t.equal(first.statusCode, 201)
    t.notOk(first.headers['idempotent-replayed'], 'the first response is not a replay')
    const replay = await app.inject({
      method: 'POST',
      url: '/v1/pupils',
      headers: headers('create-200'),
      payload: body
    })
    t.equal(replay.statusCode, 201, 'same status')
    t.equal(replay.headers['idempotent-replayed'], 'true')
    t.equal(replay.headers.location, first.headers.location, 'same location')
    t.equal(replay.headers.etag, first.headers.etag, 'same etag')
    t.match(String(replay.headers['content-type']), /^application\/json/)
    t.same(replay.json(), first.json(), 'same body')
    t.equal(replay.body, first.body, 'byte-identical body')
    t.equal(await countRows(db, 'pupil'), before + 1, 'only one pupil row')
    t.equal(
      Number(
        (
          await db
            .selectFrom('pupil')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where('upn', '=', body.upn)
            .executeTakeFirstOrThrow()
        ).n
      ),
      1
    )
  })

  await t.test('the same key with a different body → 422 idempotency_key_reused', async (t) => {
    const first = await app.inject({
      method: 'POST',
      url: '/v1/pupils',
      headers: headers('create-201'),
      payload: pupilBody(201)
    })
    t.equal(first.statusCode, 201)
    const before = await countRows(db, 'pupil')
    const res = await app.inject({
      method: 'POST',
      url: '/v1/pupils',
      headers: headers('create-201'),
      payload: pupilBody(202)
    })
    const body = problem(t, res, 422, 'idempotency_key_reused')
    t.ok(
      body.errors.some((e) => e.path === '/headers/idempotency-key'),
      'names the header'
    )
    t.equal(await countRows(db, 'pupil'), before, 'nothing created')
  })

  await t.test('a failed request (400) does not reserve its key', async (t) => {
    const [pupils, keysBefore] = [await countRows(db, 'pupil'), await countRows(db, 'idempotency_key')]
    const bad = await app.inject({
      method: 'POST',
      url: '/v1/pupils',
      headers: headers('create-203'),
      payload: pupilBody(203, { upn: 'A801200005001' })
    })
    problem(t, bad, 400, 'validation_failed')
    t.equal(await countRows(db, 'idempotency_key'), keysBefore, 'no key stored')
    t.equal(await countRows(db, 'pupil'), pupils, 'no pupil stored')
    const keys = await db.selectFrom('idempotency_key').select('key').where('key', '=', 'create-203').execute()
    t.same(keys, [], 'the key is released')
    const good = await app.inject({
      method: 'POST',
      url: '/v1/pupils',
      headers: headers('create-203'),
      payload: pupilBody(203)
    })
    t.equal(good.statusCode, 201, 'a later valid request with the same key succeeds')
    t.notOk(good.headers['idempotent-replayed'])
  })

  await t.test('keys are per principal', async (t) => {
    const mine = await app.inject({
      method: 'POST',
      url: '/v1/pupils',
      headers: headers('shared-key'),
      payload: pupilBody(204)
    })
    t.equal(mine.statusCode, 201)
    const theirs = await app.inject({
      method: 'POST',
      url: '/v1/pupils',
      headers: { ...bearer(other.tokens.coordinator), 'idempotency-key': 'shared-key' },
      payload: pupilBody(205, { homeLaCode: other.laCode, homeSchoolId: other.schoolId })
    })
    t.equal(theirs.statusCode, 201, 'another principal using the same key is not refused nor replayed')
    t.notOk(theirs.headers['idempotent-replayed'])
    t.not(theirs.json().id, mine.json().id)
  })

  await t.test('a malformed key → 400 and nothing created', async (t) => {
    const before = await countRows(db, 'pupil')
    problem(
      t,
      await app.inject({ method: 'POST', url: '/v1/pupils', headers: headers('has spaces'), payload: pupilBody(206) }),
      400,
      'invalid_idempotency_key'
    )
    t.equal(await countRows(db, 'pupil'), before)
  })
})

t.test('rate limiting: the request over the limit gets 429 with Retry-After and a problem body', async (t) => {
  for (let i = 1; i <= 3; i++) {
    t.equal(
      (await limited.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(own.tokens.analyst) })).statusCode,
      200,
      `request ${i} passes`
    )
  }
  const res = await limited.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(own.tokens.analyst) })
  problem(t, res, 429, 'rate_limited')
  t.match(String(res.headers['retry-after']), /^[0-9]+$/, 'Retry-After in seconds')
  t.ok(Number(res.headers['retry-after']) > 0)
  t.equal(
    (await limited.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(own.tokens.la_admin) })).statusCode,
    200,
    'another token has its own allowance'
  )
  t.equal(
    (await limited.app.inject({ method: 'GET', url: '/health/live' })).statusCode,
    200,
    'health checks are not rate limited'
  )
})

t.test('paging', async (t) => {
  await t.test('pageSize over 100 → 400', async (t) => {
    const body = problem(
      t,
      await app.inject({ method: 'GET', url: '/v1/pupils?pageSize=101', headers: bearer(own.tokens.coordinator) }),
      400,
      'validation_failed'
    )
    t.ok(
      body.errors.some((e) => e.path.endsWith('/pageSize')),
      'names pageSize'
    )
    t.equal(
      (await app.inject({ method: 'GET', url: '/v1/pupils?pageSize=100', headers: bearer(own.tokens.coordinator) }))
        .statusCode,
      200,
      '100 is allowed'
    )
    problem(
      t,
      await app.inject({ method: 'GET', url: '/v1/schools?pageSize=500', headers: bearer(own.tokens.la_admin) }),
      400
    )
  })

  await t.test('paging and _links for 3 pupils with pageSize 2', async (t) => {
    // A school of its own with exactly three pupils on its roll.
    const pagingApp = app
    const school = await db
      .insertInto('school')
      .values({
        urn: '610001',
        laestab: `${own.laCode}6100`,
        name: 'Paging School',
        la_code: own.laCode,
        phase: 'PRIMARY',
        type: 'COMMUNITY'
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    for (const serial of [301, 302, 303]) await insertPupil(db, { ...own, schoolId: school.id }, serial)
    const { token } = await issueToken(db, {
      role: 'school',
      laCode: own.laCode,
      schoolId: school.id,
      label: 'paging school',
      createdBy: 'test',
      expiresAt: DateTime.utc().plus({ days: 1 }).toJSDate()
    })
    const h = bearer(token)
    const first = await pagingApp.inject({ method: 'GET', url: '/v1/pupils?pageSize=2', headers: h })
    t.equal(first.statusCode, 200)
    const p1 = first.json()
    t.same(p1.paging, { page: 1, pageSize: 2, totalPages: 2, totalResults: 3 })
    t.equal(p1.results.length, 2)
    t.equal(p1._links.self.href, '/v1/pupils?pageSize=2&page=1')
    t.equal(p1._links.next.href, '/v1/pupils?pageSize=2&page=2')
    t.notOk(p1._links.prev, 'no prev on page 1')

    const second = await pagingApp.inject({ method: 'GET', url: p1._links.next.href, headers: h })
    const p2 = second.json()
    t.same(p2.paging, { page: 2, pageSize: 2, totalPages: 2, totalResults: 3 })
    t.equal(p2.results.length, 1)
    t.notOk(p2._links.next, 'no next on the last page')
    t.equal(p2._links.prev.href, '/v1/pupils?pageSize=2&page=1')
    const ids = [...p1.results, ...p2.results].map((p: { id: string }) => p.id)
    t.equal(new Set(ids).size, 3, 'the two pages hold the three pupils once each')

    const beyond = (await pagingApp.inject({ method: 'GET', url: '/v1/pupils?pageSize=2&page=3', headers: h })).json()
    t.same(beyond.results, [])
    t.equal(beyond.paging.totalResults, 3)
  })
})

t.test('JSON keys are camelCase', async (t) => {
  const pupil = await insertPupil(db, own, 400, { preferred_forename: 'Kit', nc_year_override: 9 })
  const camel = /^(_links|[a-z][a-zA-Z0-9]*)$/
  const bad: string[] = []
  const walk = (value: unknown, at: string): void => {
    if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, `${at}/${i}`))
      return
    }
    if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (!camel.test(k)) bad.push(`${at}/${k}`)
        walk(v, `${at}/${k}`)
      }
    }
  }
  const urls: [string, string][] = [
    [`/v1/pupils/${pupil.id}`, own.tokens.coordinator],
    ['/v1/pupils', own.tokens.coordinator],
    [`/v1/schools/${own.schoolId}`, own.tokens.la_admin],
    ['/v1/providers', own.tokens.la_admin],
    [`/v1/local-authorities/${own.laCode}/policy`, own.tokens.la_admin],
    ['/v1/tokens', own.tokens.la_admin],
    ['/v1/audit', own.tokens.la_admin],
    ['/v1/me', own.tokens.la_admin]
  ]
  for (const [url, token] of urls) {
    const res = await app.inject({ method: 'GET', url, headers: bearer(token) })
    t.equal(res.statusCode, 200, url)
    walk(res.json(), url)
  }
  const one = (
    await app.inject({ method: 'GET', url: `/v1/pupils/${pupil.id}`, headers: bearer(own.tokens.coordinator) })
  ).json()
  t.equal(one.preferredForename, 'Kit')
  t.equal(one.ncYearOverride, 9)
  t.equal(one.dateOfBirth, '2012-03-14', 'dates are YYYY-MM-DD')
  t.match(one.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/, 'timestamps are UTC ISO 8601')
  t.same(bad, [], 'no snake_case or other keys')
})

t.test('unknown route → 404 problem', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/v1/nothing-here?x=1' })
  const body = problem(t, res, 404, 'route_not_found')
  t.notMatch(JSON.stringify(body), 'x=1', 'the query string is not echoed')
  problem(t, await app.inject({ method: 'DELETE', url: '/v1/pupils', headers: bearer(own.tokens.coordinator) }), 404)
})

t.test('/health/live and /health/ready answer 200 without a token', async (t) => {
  for (const url of ['/health/live', '/health/ready']) {
    const res = await app.inject({ method: 'GET', url })
    t.equal(res.statusCode, 200, url)
    t.same(res.json(), { status: 'ok' })
  }
})

t.test('/docs serves Swagger UI without a token', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/docs' })
  t.equal(res.statusCode, 200)
  t.match(String(res.headers['content-type']), /^text\/html/)
  t.match(res.body, /swagger-ui/i)
  const spec = await app.inject({ method: 'GET', url: '/docs/json' })
  t.equal(spec.statusCode, 200, 'the OpenAPI document is served too')
  t.equal(spec.json().openapi, '3.1.0')
})
