import t from 'tap'
import { bearer, buildTestApp, countRows, makeWorld } from '../../helper.js'
import { type InjectResult, problem } from '../../fixtures/problem.js'

// Schools (GIAS reference data): create, read, list and update within the caller's LA.

interface SchoolJson {
  id: string
  urn: string
  laestab: string
  name: string
  laCode: string
  phase: string
  type: string
  setsOwnTermDates: boolean
}

const { app, db } = await buildTestApp(t)
const { own, other } = await makeWorld(db)
const admin = bearer(own.tokens.la_admin)

const created: Record<string, SchoolJson> = {}

t.test('create', async (t) => {
  const cases = [
    {
      key: 'academy',
      body: {
        urn: '600001',
        laestab: `${own.laCode}4001`,
        name: 'Oakfield Academy',
        laCode: own.laCode,
        phase: 'SECONDARY',
        type: 'ACADEMY'
      },
      ownTerms: true
    },
    {
      key: 'community',
      body: {
        urn: '600002',
        laestab: `${own.laCode}2002`,
        name: 'Beech Primary',
        laCode: own.laCode,
        phase: 'PRIMARY',
        type: 'COMMUNITY'
      },
      ownTerms: false
    },
    {
      key: 'pru',
      body: {
        urn: '600003',
        laestab: `${own.laCode}1100`,
        name: 'Elm Tree PRU',
        laCode: own.laCode,
        phase: 'NOT_APPLICABLE',
        type: 'PRU'
      },
      ownTerms: false
    }
  ]
  for (const c of cases) {
    await t.test(c.key, async (t) => {
      const audits = await countRows(db, 'audit_event')
      const res = await app.inject({
        method: 'POST',
        url: '/v1/schools',
        headers: { ...admin, 'x-request-id': `school-create-${c.key}` },
        payload: c.body
      })
      t.equal(res.statusCode, 201)
      const body = res.json() as SchoolJson
      t.match(body, { ...c.body, setsOwnTermDates: c.ownTerms })
      t.equal(res.headers.location, `/v1/schools/${body.id}`)
      t.equal(res.headers.etag, '"1"')
      created[c.key] = body
      const row = await db.selectFrom('school').selectAll().where('id', '=', body.id).executeTakeFirstOrThrow()
      t.match(row, { urn: c.body.urn, laestab: c.body.laestab, la_code: own.laCode, type: c.body.type, version: 1 })
      t.equal(await countRows(db, 'audit_event'), audits + 1)
      const audit = await db
        .selectFrom('audit_event')
        .selectAll()
        .where('request_id', '=', `school-create-${c.key}`)
        .execute()
      t.equal(audit.length, 1)
      t.match(audit[0], { action: 'create', entity: 'school', entity_id: body.id, pupil_id: null, role: 'la_admin' })
    })
  }

  await t.test('la_admin cannot create a school in another LA → 403 /laCode', async (t) => {
    const before = [await countRows(db, 'school'), await countRows(db, 'audit_event')]
    const res = await app.inject({
      method: 'POST',
      url: '/v1/schools',
      headers: admin,
      payload: {
        urn: '600010',
        laestab: `${other.laCode}4010`,
        name: 'Far Away School',
        laCode: other.laCode,
        phase: 'PRIMARY',
        type: 'COMMUNITY'
      }
    })
    problem(t, res, 403, '/laCode', 'outside_scope')
    t.same([await countRows(db, 'school'), await countRows(db, 'audit_event')], before, 'nothing written')
  })

  await t.test('duplicate URN → 409 /urn; duplicate LAESTAB → 409 /laestab', async (t) => {
    const before = [await countRows(db, 'school'), await countRows(db, 'audit_event')]
    problem(
      t,
      await app.inject({
        method: 'POST',
        url: '/v1/schools',
        headers: admin,
        payload: {
          urn: '600001',
          laestab: `${own.laCode}4011`,
          name: 'Copycat Academy',
          laCode: own.laCode,
          phase: 'SECONDARY',
          type: 'ACADEMY'
        }
      }),
      409,
      '/urn',
      'unique'
    )
    problem(
      t,
      await app.inject({
        method: 'POST',
        url: '/v1/schools',
        headers: admin,
        payload: {
          urn: '600012',
          laestab: `${own.laCode}4001`,
          name: 'Copycat Academy',
          laCode: own.laCode,
          phase: 'SECONDARY',
          type: 'ACADEMY'
        }
      }),
      409,
      '/laestab',
      'unique'
    )
    t.same([await countRows(db, 'school'), await countRows(db, 'audit_event')], before, 'nothing written')
  })

  await t.test('only la_admin creates schools', async (t) => {
    for (const role of ['coordinator', 'analyst', 'school', 'provider'] as const) {
      problem(
        t,
        await app.inject({
          method: 'POST',
          url: '/v1/schools',
          headers: bearer(own.tokens[role]),
          payload: {
            urn: '600013',
            laestab: `${own.laCode}4013`,
            name: 'Nope School',
            laCode: own.laCode,
            phase: 'PRIMARY',
            type: 'COMMUNITY'
          }
        }),
        403
      )
    }
    t.equal((await db.selectFrom('school').select('id').where('urn', '=', '600013').execute()).length, 0)
  })

  await t.test('shape rules: 6-digit URN, 7-digit LAESTAB, known phase and type', async (t) => {
    const base = {
      urn: '600014',
      laestab: `${own.laCode}4014`,
      name: 'Shape School',
      laCode: own.laCode,
      phase: 'PRIMARY',
      type: 'COMMUNITY'
    }
    problem(
      t,
      await app.inject({ method: 'POST', url: '/v1/schools', headers: admin, payload: { ...base, urn: '60001' } }),
      400,
      '/urn',
      'pattern'
    )
    problem(
      t,
      await app.inject({
        method: 'POST',
        url: '/v1/schools',
        headers: admin,
        payload: { ...base, laestab: '91940140' }
      }),
      400,
      '/laestab',
      'pattern'
    )
    problem(
      t,
      await app.inject({
        method: 'POST',
        url: '/v1/schools',
        headers: admin,
        payload: { ...base, phase: 'UNIVERSITY' }
      }),
      400,
      '/phase'
    )
    problem(
      t,
      await app.inject({ method: 'POST', url: '/v1/schools', headers: admin, payload: { ...base, type: 'GRAMMAR' } }),
      400,
      '/type'
    )
    t.equal((await db.selectFrom('school').select('id').where('urn', '=', '600014').execute()).length, 0)
  })
})

t.test('get', async (t) => {
  const academy = created.academy!
  for (const role of ['la_admin', 'coordinator', 'analyst', 'provider'] as const) {
    const res = await app.inject({ method: 'GET', url: `/v1/schools/${academy.id}`, headers: bearer(own.tokens[role]) })
    t.equal(res.statusCode, 200, `${role} of the LA reads it`)
    t.equal(res.headers.etag, '"1"')
    t.same(res.json(), academy)
  }
  problem(
    t,
    await app.inject({ method: 'GET', url: `/v1/schools/${academy.id}`, headers: bearer(own.tokens.school) }),
    404,
    undefined
  )
  t.equal(
    (await app.inject({ method: 'GET', url: `/v1/schools/${own.schoolId}`, headers: bearer(own.tokens.school) }))
      .statusCode,
    200,
    'a school reads itself'
  )
  problem(
    t,
    await app.inject({ method: 'GET', url: `/v1/schools/${academy.id}`, headers: bearer(other.tokens.la_admin) }),
    404
  )
})

t.test('list', async (t) => {
  const ids = (res: InjectResult) => (res.json().results as SchoolJson[]).map((s) => s.id).sort()
  const ownIds = [own.schoolId, created.academy!.id, created.community!.id, created.pru!.id].sort()

  const all = await app.inject({ method: 'GET', url: '/v1/schools', headers: admin })
  t.equal(all.statusCode, 200)
  t.same(ids(all), ownIds, "the LA's schools, not the other LA's")
  t.equal(all.json().paging.totalResults, 4)
  const names = (all.json().results as SchoolJson[]).map((s) => s.name)
  t.same(names, [...names].sort(), 'ordered by name')

  const byUrn = await app.inject({
    method: 'GET',
    url: '/v1/schools?urn=600002',
    headers: bearer(own.tokens.coordinator)
  })
  t.same(ids(byUrn), [created.community!.id], 'filter by URN')
  const otherUrn = await app.inject({
    method: 'GET',
    url:
      '/v1/schools?urn=' +
      (await db.selectFrom('school').select('urn').where('id', '=', other.schoolId).executeTakeFirstOrThrow()).urn,
    headers: admin
  })
  t.same(ids(otherUrn), [], "another LA's school is not found by URN")

  t.same(
    ids(await app.inject({ method: 'GET', url: '/v1/schools', headers: bearer(own.tokens.school) })),
    [own.schoolId],
    'a school sees itself only'
  )
  t.same(
    ids(await app.inject({ method: 'GET', url: '/v1/schools', headers: bearer(own.tokens.provider) })),
    ownIds,
    "a provider sees its LA's schools"
  )
  t.same(
    ids(await app.inject({ method: 'GET', url: '/v1/schools', headers: bearer(other.tokens.la_admin) })),
    [other.schoolId],
    'the other LA sees its own'
  )
})

t.test('patch', async (t) => {
  const community = created.community!
  const url = `/v1/schools/${community.id}`
  const res = await app.inject({
    method: 'PATCH',
    url,
    headers: { ...admin, 'if-match': '"1"', 'x-request-id': 'school-patch-1' },
    payload: { name: 'Beech Academy', type: 'ACADEMY', phase: 'ALL_THROUGH' }
  })
  t.equal(res.statusCode, 200)
  t.equal(res.headers.etag, '"2"')
  t.match(res.json(), {
    id: community.id,
    urn: community.urn,
    laestab: community.laestab,
    name: 'Beech Academy',
    type: 'ACADEMY',
    phase: 'ALL_THROUGH',
    setsOwnTermDates: true
  })
  t.match(await db.selectFrom('school').selectAll().where('id', '=', community.id).executeTakeFirstOrThrow(), {
    name: 'Beech Academy',
    type: 'ACADEMY',
    version: 2
  })
  const audit = await db.selectFrom('audit_event').selectAll().where('request_id', '=', 'school-patch-1').execute()
  t.equal(audit.length, 1)
  t.match(audit[0], { action: 'update', entity: 'school', entity_id: community.id })
  t.same([...(audit[0]?.changed_fields ?? [])].sort(), ['name', 'phase', 'type'])

  problem(
    t,
    await app.inject({ method: 'PATCH', url, headers: { ...admin, 'if-match': '"1"' }, payload: { name: 'Stale' } }),
    412
  )
  problem(
    t,
    await app.inject({ method: 'PATCH', url, headers: { ...admin, 'if-match': '"2"' }, payload: { urn: '699999' } }),
    400,
    '/urn',
    'additionalProperties'
  )
  problem(t, await app.inject({ method: 'PATCH', url, headers: { ...admin, 'if-match': '"2"' }, payload: {} }), 400)
  problem(
    t,
    await app.inject({
      method: 'PATCH',
      url,
      headers: { ...bearer(own.tokens.coordinator), 'if-match': '"2"' },
      payload: { name: 'Coordinator rename' }
    }),
    403
  )
  t.equal(
    (await db.selectFrom('school').select('name').where('id', '=', community.id).executeTakeFirstOrThrow()).name,
    'Beech Academy',
    'unchanged by the refused requests'
  )
})
