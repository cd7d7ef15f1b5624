import t from 'tap'
import { bearer, buildTestApp, insertPupil, makeWorld } from '../helper.js'

// Pupil data and exports carry Cache-Control: no-store (issue 11 §3), including errors and replays.
t.test('every /v1 answer carries Cache-Control: no-store', async (t) => {
  const { app, db } = await buildTestApp(t)
  const world = await makeWorld(db)
  const pupil = await insertPupil(db, world.own, 1)
  const coordinator = bearer(world.own.tokens.coordinator)
  const body = {
    upn: 'B801200005001',
    legalForename: 'Ada',
    legalSurname: 'Example',
    dateOfBirth: '2012-02-02',
    sex: 'F',
    homeLaCode: '919'
  }
  for (const [what, request] of [
    ['a pupil', { method: 'GET', url: `/v1/pupils/${pupil.id}`, headers: coordinator }],
    ['a list of pupils', { method: 'GET', url: '/v1/pupils', headers: coordinator }],
    [
      'a creation',
      { method: 'POST', url: '/v1/pupils', headers: { ...coordinator, 'idempotency-key': 'k1' }, payload: body }
    ],
    [
      'its replay',
      { method: 'POST', url: '/v1/pupils', headers: { ...coordinator, 'idempotency-key': 'k1' }, payload: body }
    ],
    ['a CSV export', { method: 'GET', url: '/v1/local-authorities/919/exports/placements', headers: coordinator }],
    [
      'a JSON export',
      { method: 'GET', url: '/v1/local-authorities/919/exports/census?format=json', headers: coordinator }
    ],
    ['a refusal', { method: 'GET', url: '/v1/pupils/999999', headers: coordinator }],
    ['a request without a token', { method: 'GET', url: '/v1/pupils' }]
  ] as const) {
    const res = await app.inject(request)
    t.ok(res.statusCode < 500, `${what}: ${res.statusCode}`)
    t.equal(res.headers['cache-control'], 'no-store', `${what}: no-store`)
  }
})
