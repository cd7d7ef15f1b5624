import { sql } from 'kysely'
import t from 'tap'
import { bearer, buildTestApp, countRows, insertPupil, makeWorld } from '../../helper.js'

t.test('the database refuses to change or remove audit rows', async (t) => {
  const { app, db } = await buildTestApp(t)
  const world = await makeWorld(db)
  const pupil = await insertPupil(db, world.own, 1)
  await app.inject({ method: 'GET', url: `/v1/pupils/${pupil.id}`, headers: bearer(world.own.tokens.coordinator) })
  const before = await countRows(db, 'audit_event')
  t.ok(before >= 1)
  await t.rejects(
    db.updateTable('audit_event').set({ actor: 'someone else' }).execute(),
    /append-only|permission denied/,
    'UPDATE refused'
  )
  await t.rejects(db.deleteFrom('audit_event').execute(), /append-only|permission denied/, 'DELETE refused')
  await t.rejects(sql`truncate audit_event`.execute(db), /append-only|permission denied/, 'TRUNCATE refused')
  t.equal(await countRows(db, 'audit_event'), before, 'nothing changed')
})

t.test('reads and writes of pupil data leave audit rows; GET /v1/audit filters them', async (t) => {
  const { app, db } = await buildTestApp(t)
  const world = await makeWorld(db)
  const mine = await insertPupil(db, world.own, 1)
  const theirs = await insertPupil(db, world.other, 2)
  await insertPupil(db, world.own, 3)

  const requestId = 'audit-test-1'
  const read = await app.inject({
    method: 'GET',
    url: `/v1/pupils/${mine.id}`,
    headers: { ...bearer(world.own.tokens.school), 'x-request-id': requestId }
  })
  t.equal(read.statusCode, 200)
  const row = await db
    .selectFrom('audit_event')
    .selectAll()
    .where('request_id', '=', requestId)
    .executeTakeFirstOrThrow()
  t.match(row, {
    action: 'read',
    entity: 'pupil',
    pupil_id: mine.id,
    role: 'school',
    org_type: 'school',
    org_id: world.own.schoolId,
    pupil_la_code: '919'
  })

  const denied = await app.inject({
    method: 'GET',
    url: `/v1/pupils/${theirs.id}`,
    headers: { ...bearer(world.own.tokens.coordinator), 'x-request-id': 'audit-test-404' }
  })
  t.equal(denied.statusCode, 404)
  t.equal(
    (await db.selectFrom('audit_event').select('id').where('request_id', '=', 'audit-test-404').execute()).length,
    0,
    'a 404 reads no pupil data and logs no read'
  )

  const list = await app.inject({
    method: 'GET',
    url: '/v1/pupils',
    headers: { ...bearer(world.own.tokens.coordinator), 'x-request-id': 'audit-list' }
  })
  t.equal(list.json().results.length, 2)
  const listed = await db
    .selectFrom('audit_event')
    .select(['pupil_id', 'action'])
    .where('request_id', '=', 'audit-list')
    .orderBy('pupil_id')
    .execute()
  t.same(
    listed.map((r) => r.action),
    ['list', 'list'],
    'one list row per pupil returned'
  )

  const patch = await app.inject({
    method: 'PATCH',
    url: `/v1/pupils/${mine.id}`,
    headers: { ...bearer(world.own.tokens.coordinator), 'if-match': '"1"', 'x-request-id': 'audit-patch' },
    payload: { fsmEligible: true, senProvision: 'K' }
  })
  t.equal(patch.statusCode, 200)
  const changed = await db
    .selectFrom('audit_event')
    .selectAll()
    .where('request_id', '=', 'audit-patch')
    .executeTakeFirstOrThrow()
  t.same(changed.changed_fields, ['fsmEligible', 'senProvision'], 'changed fields recorded')

  const byPupil = await app.inject({
    method: 'GET',
    url: `/v1/audit?pupilId=${mine.id}`,
    headers: bearer(world.own.tokens.la_admin)
  })
  t.equal(byPupil.statusCode, 200)
  const events = byPupil.json().results as { pupilId: string; action: string }[]
  t.ok(events.length >= 3 && events.every((e) => e.pupilId === mine.id), 'filtered by pupil')
  t.same(events.map((e) => e.action).sort(), ['list', 'read', 'update'])

  const byActor = await app.inject({
    method: 'GET',
    url: `/v1/audit?actor=${encodeURIComponent(row.actor)}`,
    headers: bearer(world.own.tokens.la_admin)
  })
  t.ok(
    byActor.json().results.every((e: { actor: string }) => e.actor === row.actor),
    'filtered by actor'
  )

  const today = new Date().toISOString().slice(0, 10)
  const future = await app.inject({
    method: 'GET',
    url: '/v1/audit?from=2099-01-01',
    headers: bearer(world.own.tokens.la_admin)
  })
  t.equal(future.json().paging.totalResults, 0, 'from a future date finds nothing')
  const todays = await app.inject({
    method: 'GET',
    url: `/v1/audit?from=2000-01-01&to=${today}`,
    headers: bearer(world.own.tokens.la_admin)
  })
  t.ok(todays.json().paging.totalResults >= 4, 'date range includes today')
  const backwards = await app.inject({
    method: 'GET',
    url: '/v1/audit?from=2026-02-01&to=2026-01-01',
    headers: bearer(world.own.tokens.la_admin)
  })
  t.equal(backwards.statusCode, 400)

  const otherLa = await app.inject({ method: 'GET', url: '/v1/audit', headers: bearer(world.other.tokens.la_admin) })
  t.notOk(
    otherLa.json().results.some((e: { pupilId: string | null }) => e.pupilId === mine.id),
    "another LA does not see this LA's pupil events"
  )
})

t.test('a failed write leaves neither the change nor an audit row', async (t) => {
  const { app, db } = await buildTestApp(t)
  const world = await makeWorld(db)
  const pupil = await insertPupil(db, world.own, 1)
  const before = await countRows(db, 'audit_event')
  const stale = await app.inject({
    method: 'PATCH',
    url: `/v1/pupils/${pupil.id}`,
    headers: { ...bearer(world.own.tokens.coordinator), 'if-match': '"7"' },
    payload: { fsmEligible: true }
  })
  t.equal(stale.statusCode, 412)
  t.equal(await countRows(db, 'audit_event'), before)
  t.equal(
    (await db.selectFrom('pupil').select('fsm_eligible').where('id', '=', pupil.id).executeTakeFirstOrThrow())
      .fsm_eligible,
    false
  )
})

t.test('replaying an idempotent pupil creation is audited as a read', async (t) => {
  const { app, db } = await buildTestApp(t)
  const world = await makeWorld(db)
  const headers = { ...bearer(world.own.tokens.school), 'idempotency-key': 'create-pupil-1' }
  const payload = {
    upn: 'B801200005001',
    legalForename: 'Ada',
    legalSurname: 'Example',
    dateOfBirth: '2012-02-02',
    sex: 'F',
    homeLaCode: '919'
  }
  const first = await app.inject({
    method: 'POST',
    url: '/v1/pupils',
    headers: { ...headers, 'x-request-id': 'first' },
    payload
  })
  t.equal(first.statusCode, 201)
  const replay = await app.inject({
    method: 'POST',
    url: '/v1/pupils',
    headers: { ...headers, 'x-request-id': 'replay' },
    payload
  })
  t.equal(replay.statusCode, 201)
  t.equal(replay.headers['idempotent-replayed'], 'true')
  t.equal(replay.body, first.body)
  const rows = await db
    .selectFrom('audit_event')
    .select(['action', 'pupil_id'])
    .where('request_id', '=', 'replay')
    .execute()
  t.same(rows, [{ action: 'read', pupil_id: first.json().id }])
})
