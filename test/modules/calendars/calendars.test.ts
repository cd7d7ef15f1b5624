import t, { type Test } from 'tap'
import { bearer, buildTestApp, countRows, makeWorld } from '../../helper.js'
import { ACADEMY_2025_26, STAFFORDSHIRE_2025_26 } from '../../fixtures/calendars.js'

const problem = (
  t: Test,
  res: { statusCode: number; headers: Record<string, unknown>; json: () => any },
  status: number,
  path: string,
  code: string
): void => {
  t.equal(res.statusCode, status)
  t.match(res.headers['content-type'], /application\/problem\+json/)
  t.match(res.json().errors, [{ path, code }], `${path} ${code}`)
}

t.test('term dates through the API', async (t) => {
  const { app, db } = await buildTestApp(t)
  const world = await makeWorld(db)
  const admin = bearer(world.own.tokens.la_admin)
  const la = world.own.laCode

  const put = await app.inject({
    method: 'PUT',
    url: `/v1/local-authorities/${la}/calendars/2025-26`,
    headers: admin,
    payload: { halfTerms: STAFFORDSHIRE_2025_26 }
  })
  t.equal(put.statusCode, 201, 'real published 2025/26 term dates load')
  t.match(put.json(), {
    laCode: la,
    academicYear: '2025/26',
    schoolDays: 195,
    halfTerms: [{ number: 1, firstDay: '2025-09-01', lastDay: '2025-10-24' }]
  })
  t.equal(put.headers.etag, '"1"')

  const replaceWithout = await app.inject({
    method: 'PUT',
    url: `/v1/local-authorities/${la}/calendars/2025-26`,
    headers: admin,
    payload: { halfTerms: STAFFORDSHIRE_2025_26 }
  })
  t.equal(replaceWithout.statusCode, 428, 'replacing needs If-Match')
  const replaceStale = await app.inject({
    method: 'PUT',
    url: `/v1/local-authorities/${la}/calendars/2025-26`,
    headers: { ...admin, 'if-match': '"9"' },
    payload: { halfTerms: STAFFORDSHIRE_2025_26 }
  })
  t.equal(replaceStale.statusCode, 412)
  const replaced = await app.inject({
    method: 'PUT',
    url: `/v1/local-authorities/${la}/calendars/2025-26`,
    headers: { ...admin, 'if-match': '"1"' },
    payload: { halfTerms: STAFFORDSHIRE_2025_26 }
  })
  t.equal(replaced.statusCode, 200)
  t.equal(replaced.headers.etag, '"2"')

  const got = await app.inject({
    method: 'GET',
    url: `/v1/local-authorities/${la}/calendars/2025-26`,
    headers: bearer(world.own.tokens.school)
  })
  t.equal(got.statusCode, 200)
  t.equal(got.json().halfTerms.length, 6)
  const list = await app.inject({
    method: 'GET',
    url: `/v1/local-authorities/${la}/calendars`,
    headers: bearer(world.own.tokens.analyst)
  })
  t.same(
    list.json().results.map((c: { academicYear: string }) => c.academicYear),
    ['2025/26']
  )
  const missing = await app.inject({
    method: 'GET',
    url: `/v1/local-authorities/${la}/calendars/2026-27`,
    headers: admin
  })
  t.equal(missing.statusCode, 404)

  // The LA's (community) school runs on the LA calendar, with its own INSET days.
  const school = world.own.schoolId
  const schoolCal = await app.inject({
    method: 'PUT',
    url: `/v1/schools/${school}/calendars/2025-26`,
    headers: bearer(world.own.tokens.school),
    payload: {
      closures: [
        { date: '2025-09-01', kind: 'INSET' },
        { date: '2025-10-24', kind: 'INSET', reason: 'Staff training' }
      ]
    }
  })
  t.equal(schoolCal.statusCode, 201)
  t.match(schoolCal.json(), {
    source: 'la',
    estimated: false,
    schoolDays: 193,
    closures: [
      { date: '2025-09-01', kind: 'INSET' },
      { date: '2025-10-24', kind: 'INSET', reason: 'Staff training' }
    ]
  })

  const offset = await app.inject({
    method: 'GET',
    url: `/v1/schools/${school}/school-days/offset?from=2025-10-17&days=20`,
    headers: bearer(world.own.tokens.coordinator)
  })
  t.equal(offset.statusCode, 200)
  t.match(
    offset.json(),
    { date: '2025-11-24', estimated: false, calendars: [{ academicYear: '2025/26', source: 'la' }] },
    'October half-term and the INSET day on 24 October are skipped'
  )

  const days = await app.inject({
    method: 'GET',
    url: `/v1/schools/${school}/school-days?from=2025-10-20&to=2025-11-04`,
    headers: bearer(world.own.tokens.provider)
  })
  t.match(days.json(), { count: 6, estimated: false })
  t.same(
    days.json().days,
    ['2025-10-20', '2025-10-21', '2025-10-22', '2025-10-23', '2025-11-03', '2025-11-04'],
    'INSET day and half-term excluded'
  )

  const sixth = await app.inject({
    method: 'GET',
    url: `/v1/schools/${school}/school-days/offset?from=2025-12-12&days=10`,
    headers: bearer(world.own.tokens.coordinator)
  })
  t.equal(sixth.json().date, '2026-01-09', 'Christmas holidays skipped')

  // A community school cannot set its own half-terms.
  const ownDates = await app.inject({
    method: 'PUT',
    url: `/v1/schools/${school}/calendars/2025-26`,
    headers: { ...bearer(world.own.tokens.school), 'if-match': '"1"' },
    payload: { halfTerms: ACADEMY_2025_26, closures: [] }
  })
  problem(t, ownDates, 422, '/halfTerms', 'follows_la_term_dates')
})

t.test('a school with its own dates differs from its LA; no calendar means estimated', async (t) => {
  const { app, db } = await buildTestApp(t)
  const world = await makeWorld(db)
  const admin = bearer(world.own.tokens.la_admin)
  await app.inject({
    method: 'PUT',
    url: `/v1/local-authorities/${world.own.laCode}/calendars/2025-26`,
    headers: admin,
    payload: { halfTerms: STAFFORDSHIRE_2025_26 }
  })
  const academy = await app.inject({
    method: 'POST',
    url: '/v1/schools',
    headers: admin,
    payload: {
      urn: '145678',
      laestab: `${world.own.laCode}4001`,
      name: 'Trust Academy',
      laCode: world.own.laCode,
      phase: 'SECONDARY',
      type: 'ACADEMY'
    }
  })
  t.equal(academy.statusCode, 201)
  const id = academy.json().id

  const before = await app.inject({
    method: 'GET',
    url: `/v1/schools/${id}/school-days/offset?from=2025-09-01&days=5`,
    headers: admin
  })
  t.match(
    before.json(),
    { date: '2025-09-08', calendars: [{ source: 'la' }] },
    'follows the LA until it loads its own dates'
  )

  const own = await app.inject({
    method: 'PUT',
    url: `/v1/schools/${id}/calendars/2025-26`,
    headers: admin,
    payload: { halfTerms: ACADEMY_2025_26, closures: [{ date: '2025-09-03', kind: 'INSET' }] }
  })
  t.equal(own.statusCode, 201)
  t.match(own.json(), { source: 'school', estimated: false, halfTerms: [{ number: 1, firstDay: '2025-09-03' }] })
  const after = await app.inject({
    method: 'GET',
    url: `/v1/schools/${id}/school-days/offset?from=2025-09-01&days=5`,
    headers: admin
  })
  t.match(
    after.json(),
    { date: '2025-09-10', calendars: [{ source: 'school' }] },
    'starts 3 September, first day an INSET day'
  )

  const lea = await app.inject({
    method: 'GET',
    url: `/v1/schools/${world.own.schoolId}/school-days/offset?from=2025-09-01&days=5`,
    headers: admin
  })
  t.equal(lea.json().date, '2025-09-08', 'the LA school is unchanged')
  const longDeadline = await app.inject({
    method: 'GET',
    url: `/v1/schools/${world.own.schoolId}/school-days/offset?from=2025-10-01&days=125`,
    headers: admin
  })
  t.match(
    longDeadline.json(),
    { date: '2026-05-07', estimated: false },
    'across October half-term, Christmas, February half-term, Easter (Good Friday, Easter Monday) and the Early ' +
      'May bank holiday'
  )

  const estimated = await app.inject({
    method: 'GET',
    url: `/v1/schools/${world.own.schoolId}/calendars/2026-27`,
    headers: admin
  })
  t.match(estimated.json(), { source: 'estimated', estimated: true, academicYear: '2026/27' })
  const crossing = await app.inject({
    method: 'GET',
    url: `/v1/schools/${world.own.schoolId}/school-days/offset?from=2026-07-01&days=20`,
    headers: admin
  })
  t.match(
    crossing.json(),
    {
      estimated: true,
      calendars: [
        { academicYear: '2025/26', source: 'la' },
        { academicYear: '2026/27', source: 'estimated' }
      ]
    },
    'a date computed from the estimate is marked'
  )
})

t.test('bad calendars and bad arithmetic requests store nothing', async (t) => {
  const { app, db } = await buildTestApp(t)
  const world = await makeWorld(db)
  const admin = bearer(world.own.tokens.la_admin)
  const url = `/v1/local-authorities/${world.own.laCode}/calendars/2025-26`
  const halfTerms = STAFFORDSHIRE_2025_26
  const cases: [string, object, string, string][] = [
    [
      'overlapping half-terms',
      { halfTerms: halfTerms.map((h, i) => (i === 2 ? { ...h, firstDay: '2025-12-15' } : h)) },
      '/halfTerms/2',
      'half_terms_overlap'
    ],
    [
      'unordered half-terms',
      { halfTerms: [halfTerms[1], halfTerms[0], ...halfTerms.slice(2)] },
      '/halfTerms/1',
      'half_terms_unordered'
    ],
    [
      'a half-term starting on a Saturday',
      { halfTerms: halfTerms.map((h, i) => (i === 3 ? { ...h, firstDay: '2026-02-21' } : h)) },
      '/halfTerms/3/firstDay',
      'weekend_boundary'
    ],
    [
      'outside the academic year',
      { halfTerms: halfTerms.map((h, i) => (i === 0 ? { ...h, firstDay: '2025-08-29' } : h)) },
      '/halfTerms/0/firstDay',
      'outside_academic_year'
    ],
    ['five half-terms', { halfTerms: halfTerms.slice(0, 5) }, '/halfTerms', 'minItems']
  ]
  for (const [name, payload, path, code] of cases) {
    const res = await app.inject({ method: 'PUT', url, headers: admin, payload })
    t.test(name, async (t) => problem(t, res, 400, path, code))
  }
  for (const year of ['2025-27', '2025', '25-26', '2025%2F27']) {
    const res = await app.inject({
      method: 'PUT',
      url: `/v1/local-authorities/${world.own.laCode}/calendars/${year}`,
      headers: admin,
      payload: { halfTerms }
    })
    t.equal(res.statusCode, 400, `academic year ${year} refused`)
    t.match(res.json().errors[0].path, /\/params\/academicYear/)
  }
  t.equal(await countRows(db, 'term_calendar'), 0, 'nothing stored')
  t.equal(await countRows(db, 'half_term'), 0)

  const base = `/v1/schools/${world.own.schoolId}/school-days/offset?from=2025-10-01`
  problem(
    t,
    await app.inject({ method: 'GET', url: `${base}&days=-1`, headers: admin }),
    400,
    '/querystring/days',
    'minimum'
  )
  problem(
    t,
    await app.inject({ method: 'GET', url: `${base}&days=401`, headers: admin }),
    400,
    '/querystring/days',
    'maximum'
  )
  problem(
    t,
    await app.inject({
      method: 'GET',
      url: `/v1/schools/${world.own.schoolId}/school-days?from=2025-10-01&to=2025-09-01`,
      headers: admin
    }),
    400,
    '/querystring/to',
    'date_order'
  )

  const closures = await app.inject({
    method: 'PUT',
    url: `/v1/schools/${world.own.schoolId}/calendars/2025-26`,
    headers: admin,
    payload: { closures: [{ date: '2025-09-06', kind: 'INSET' }] }
  })
  problem(t, closures, 400, '/closures/0/date', 'closure_on_weekend')
  t.equal(await countRows(db, 'term_calendar'), 0, 'still nothing stored')
  t.equal(await countRows(db, 'audit_event'), 0, 'and nothing audited')

  const other = await app.inject({
    method: 'PUT',
    url: `/v1/local-authorities/${world.other.laCode}/calendars/2025-26`,
    headers: admin,
    payload: { halfTerms }
  })
  t.equal(other.statusCode, 404, "another LA's calendar is out of scope")
})

t.test('published calendars load as published: INSET days just outside the half-terms', async (t) => {
  const { app, db } = await buildTestApp(t)
  const world = await makeWorld(db)
  const admin = bearer(world.own.tokens.la_admin)
  // Pupils start on Tuesday 2 September 2025 and Tuesday 6 January 2026; staff train the Monday before each.
  const halfTerms = [
    { firstDay: '2025-09-02', lastDay: '2025-10-24' },
    { firstDay: '2025-11-03', lastDay: '2025-12-19' },
    { firstDay: '2026-01-06', lastDay: '2026-02-13' },
    ...STAFFORDSHIRE_2025_26.slice(3)
  ]
  const la = await app.inject({
    method: 'PUT',
    url: `/v1/local-authorities/${world.own.laCode}/calendars/2025-26`,
    headers: admin,
    payload: { halfTerms }
  })
  t.equal(la.statusCode, 201)
  const url = `/v1/schools/${world.own.schoolId}/calendars/2025-26`
  const wrong = await app.inject({
    method: 'PUT',
    url,
    headers: admin,
    payload: {
      closures: [
        { date: '2025-09-01', kind: 'INSET' },
        { date: '2025-10-29', kind: 'INSET' }
      ]
    }
  })
  problem(t, wrong, 400, '/closures/1/date', 'closure_outside_term')
  t.equal(await countRows(db, 'calendar_closure'), 0, 'nothing stored')
  const closure = await app.inject({
    method: 'PUT',
    url,
    headers: admin,
    payload: { closures: [{ date: '2025-10-27', kind: 'CLOSURE', reason: 'Boiler' }] }
  })
  problem(t, closure, 400, '/closures/0/date', 'closure_outside_term')

  const put = await app.inject({
    method: 'PUT',
    url,
    headers: admin,
    payload: {
      closures: [
        { date: '2025-09-01', kind: 'INSET' },
        { date: '2025-10-27', kind: 'INSET' },
        { date: '2026-01-05', kind: 'INSET' },
        { date: '2025-12-03', kind: 'INSET' }
      ]
    }
  })
  t.equal(put.statusCode, 201, put.body)
  t.equal(
    put.json().closures.length,
    4,
    'INSET the day before term, the Monday after a Friday half-term end and one in term, all stored'
  )
  t.equal(put.json().schoolDays, la.json().schoolDays - 1, 'only the INSET day in term takes a school day away')
  const days = await app.inject({
    method: 'GET',
    url: `/v1/schools/${world.own.schoolId}/school-days?from=2025-09-01&to=2025-09-03`,
    headers: admin
  })
  t.same(days.json().days, ['2025-09-02', '2025-09-03'], 'the INSET day before term is no school day')
})
