import { sql } from 'kysely'
import t from 'tap'
import { recordIdempotentCreation } from '../../src/platform/plugins/idempotency.js'
import { bearer, buildTestApp, countRows, makeWorld, upnFor } from '../helper.js'

// Idempotency keys never stick (issue 11 §1): the key is a lease, the write's own transaction records what
// it created, and a retry after a crash completes or replays. No pupil identity is stored with the key.

t.test('Idempotency-Key after a crash, a kill -9 or a request cut off', async (t) => {
  const { app, db } = await buildTestApp(t, { config: { IDEMPOTENCY_LEASE_MS: 60_000 } })
  const { own } = await makeWorld(db)
  const headers = (key: string) => ({ ...bearer(own.tokens.coordinator), 'idempotency-key': key })
  const pupilBody = (serial: number) => ({
    upn: upnFor(serial),
    legalForename: 'Ada',
    legalSurname: `Lease${serial}`,
    dateOfBirth: '2012-02-02',
    sex: 'F',
    homeLaCode: '919'
  })
  const post = (key: string, payload: object) =>
    app.inject({ method: 'POST', url: '/v1/pupils', headers: headers(key), payload })
  const keyRow = (key: string) =>
    db.selectFrom('idempotency_key').selectAll().where('key', '=', key).executeTakeFirstOrThrow()

  await t.test(
    'an attempt that died before writing: once its lease is out, the retry runs and creates one record',
    async (t) => {
      const payload = pupilBody(300)
      // The state a crash leaves: the first attempt reserved the key and died before its write committed.
      const first = await post('died-300', payload)
      t.equal(first.statusCode, 201)
      await db.deleteFrom('pupil').where('upn', '=', payload.upn).execute()
      await db
        .updateTable('idempotency_key')
        .set({
          entity_id: null,
          status_code: null,
          response_headers: null,
          attempt: 'dead',
          locked_until: sql<Date>`now() - interval '1 second'`
        })
        .where('key', '=', 'died-300')
        .execute()
      const before = await countRows(db, 'pupil')
      const retry = await post('died-300', payload)
      t.equal(retry.statusCode, 201, 'the retry completes the creation')
      t.notOk(retry.headers['idempotent-replayed'], 'it ran, it did not replay')
      t.equal(await countRows(db, 'pupil'), before + 1, 'one pupil')
      const again = await post('died-300', payload)
      t.equal(again.headers['idempotent-replayed'], 'true', 'and from then on it replays')
      t.equal(again.headers.location, retry.headers.location)
    }
  )

  await t.test('an attempt that committed but died before answering: the retry replays what it created', async (t) => {
    const payload = pupilBody(301)
    const first = await post('committed-301', payload)
    t.equal(first.statusCode, 201)
    // The write committed with its key (same transaction); the process died before storing the response.
    await db
      .updateTable('idempotency_key')
      .set({ status_code: null, response_headers: null, locked_until: sql<Date>`now() + interval '1 minute'` })
      .where('key', '=', 'committed-301')
      .execute()
    const before = await countRows(db, 'pupil')
    const retry = await post('committed-301', payload)
    t.equal(retry.statusCode, 201, 'the first status')
    t.equal(retry.headers['idempotent-replayed'], 'true')
    t.equal(retry.headers.location, first.headers.location, 'the same resource')
    t.equal(retry.headers.etag, first.headers.etag)
    t.same(retry.json(), first.json(), 'the record, read again')
    t.equal(await countRows(db, 'pupil'), before, 'nothing created twice, even within the lease')
  })

  await t.test(
    'a repeat while the first still holds its lease: 409 with Retry-After, never for 24 hours',
    async (t) => {
      const payload = pupilBody(302)
      // The first attempt is still running: it reserved the key 30 s ago and has not answered yet.
      t.equal((await post('running-302', payload)).statusCode, 201)
      await db.deleteFrom('pupil').where('upn', '=', payload.upn).execute()
      await db
        .updateTable('idempotency_key')
        .set({
          entity_id: null,
          status_code: null,
          attempt: 'running',
          locked_until: sql<Date>`now() + interval '30 seconds'`
        })
        .where('key', '=', 'running-302')
        .execute()
      const res = await post('running-302', payload)
      t.equal(res.statusCode, 409)
      t.equal(res.json().code, 'idempotency_in_progress')
      const wait = Number(res.headers['retry-after'])
      t.ok(wait >= 1 && wait <= 30, `Retry-After ${wait} s is what is left of the lease`)
    }
  )

  await t.test('a failed request releases its key, so the corrected request can use it', async (t) => {
    const bad = await post('fails-303', { ...pupilBody(303), dateOfBirth: '2099-01-01' })
    t.ok(bad.statusCode >= 400 && bad.statusCode < 500)
    t.equal(
      await db.selectFrom('idempotency_key').select('key').where('key', '=', 'fails-303').executeTakeFirst(),
      undefined
    )
  })

  await t.test('the stored key keeps no pupil identity: no body, only the resource id and headers', async (t) => {
    const payload = pupilBody(304)
    const first = await post('identity-304', payload)
    t.equal(first.statusCode, 201)
    const stored = JSON.stringify(await keyRow('identity-304'))
    for (const value of [payload.upn, payload.legalForename, payload.legalSurname, payload.dateOfBirth])
      t.notOk(stored.includes(value), `no ${value}`)
    t.equal((await keyRow('identity-304')).entity_id, first.json().id, 'the resource id')
  })

  await t.test('a write whose lease was taken over by a retry is rolled back with its key claim', async (t) => {
    const payload = pupilBody(305)
    const first = await post('superseded-305', payload)
    t.equal(first.statusCode, 201)
    const row = await keyRow('superseded-305')
    await db.updateTable('idempotency_key').set({ entity_id: null }).where('key', '=', 'superseded-305').execute()
    const before = await countRows(db, 'local_authority')
    await t.rejects(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('local_authority').values({ code: '998', name: 'Written then rolled back' }).execute()
        await recordIdempotentCreation(
          trx,
          {
            principal: row.principal,
            key: row.key,
            attempt: 'an attempt that lost its lease',
            entity: 'pupil',
            claimed: false
          },
          '1'
        )
      }),
      { code: 'idempotency_superseded' }
    )
    t.equal(await countRows(db, 'local_authority'), before, 'the write rolled back with it')
  })
})
