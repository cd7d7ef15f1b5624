import { DateTime } from 'luxon'
import t from 'tap'
import { completeReferral } from '../../fixtures/bodies.js'
import { STAFFORDSHIRE_2025_26 } from '../../fixtures/calendars.js'
import { problem } from '../../fixtures/problem.js'
import { bearer, buildTestApp, insertPupil, makeWorld } from '../../helper.js'

/**
 * The Year 11 exemption from sixth-day provision (domain.md §2.4, §9.5), end to end: the LA sets the day Year 11's
 * public examinations end; a Year 11 pupil permanently excluded after it has no duty (not_applicable, with the
 * reason) on the referral, the worklist and the compliance report; one excluded before it keeps the duty.
 */
t.test('Year 11 pupils excluded after their last public examination: no sixth-day duty', async (t) => {
  let now = DateTime.fromISO('2026-06-29T10:00:00', { zone: 'Europe/London' })
  const { app, db } = await buildTestApp(t, { clock: () => now })
  const world = await makeWorld(db)
  const admin = bearer(world.own.tokens.la_admin)
  const coordinator = bearer(world.own.tokens.coordinator)
  const la = world.own.laCode
  t.equal(
    (
      await app.inject({
        method: 'PUT',
        url: `/v1/local-authorities/${la}/calendars/2025-26`,
        headers: admin,
        payload: { halfTerms: STAFFORDSHIRE_2025_26 }
      })
    ).statusCode,
    201
  )

  const policy = await app.inject({ method: 'GET', url: `/v1/local-authorities/${la}/policy`, headers: admin })
  t.equal(policy.json().year11ExamsEnd, null, 'not set by default')
  const { laCode: _la, updatedAt: _at, ...fields } = policy.json()
  const put = (body: Record<string, unknown>, etag = policy.headers.etag as string) =>
    app.inject({
      method: 'PUT',
      url: `/v1/local-authorities/${la}/policy`,
      headers: { ...admin, 'if-match': etag },
      payload: body
    })
  problem(t, await put({ ...fields, year11ExamsEnd: '06-31' }), 400, '/year11ExamsEnd', 'invalid_date')
  problem(t, await put({ ...fields, year11ExamsEnd: '12-01' }), 400, '/year11ExamsEnd')
  problem(t, await put({ ...fields, year11ExamsEnd: '2026-06-19' }), 400, '/year11ExamsEnd')
  t.equal(
    (await app.inject({ method: 'GET', url: `/v1/local-authorities/${la}/policy`, headers: admin })).headers.etag,
    policy.headers.etag,
    'nothing written'
  )
  const set = await put({ ...fields, year11ExamsEnd: '06-19' })
  t.equal(set.statusCode, 200, set.body)
  t.equal(set.json().year11ExamsEnd, '06-19')

  // Born 14 March 2010: Year 11 in 2025/26.
  const refer = async (serial: number, firstDay: string) => {
    const pupil = await insertPupil(db, world.own, serial, { date_of_birth: '2010-03-14' })
    const res = await app.inject({
      method: 'POST',
      url: '/v1/referrals',
      headers: coordinator,
      payload: completeReferral(pupil.id, {
        requestedTier: 3,
        legalBasis: 'LA_S19_PERMANENT_EXCLUSION',
        reasonCode: 'PEX',
        exclusions: [{ kind: 'PERMANENT', firstDay }]
      })
    })
    t.equal(res.statusCode, 201, res.body.slice(0, 300))
    return res.json()
  }
  const after = await refer(1, '2026-06-22')
  t.match(
    after.clocks,
    [
      {
        kind: 'SIXTH_DAY_PERMANENT_EXCLUSION',
        status: 'not_applicable',
        metOn: null,
        rule: /after public examinations ended on 2026-06-19/
      }
    ],
    'excluded after the examinations: no duty, and why'
  )
  const before = await refer(2, '2026-06-15')
  t.match(
    before.clocks,
    [{ kind: 'SIXTH_DAY_PERMANENT_EXCLUSION', status: 'breached', deadline: '2026-06-22' }],
    'excluded during the examinations: the duty applies'
  )

  now = DateTime.fromISO('2026-07-06T10:00:00', { zone: 'Europe/London' })
  const work = await app.inject({
    method: 'GET',
    url: '/v1/worklist?pageSize=100&kind=CLOCK_BREACHED',
    headers: coordinator
  })
  const breached = (work.json().results as { referralId: string | null }[]).map((i) => i.referralId)
  t.same(breached, [before.id], 'the worklist lists only the duty that applies')
  const pending = await app.inject({
    method: 'GET',
    url: '/v1/worklist?pageSize=100&kind=CLOCK_PENDING',
    headers: coordinator
  })
  t.same(pending.json().results, [], 'the exempt one is not pending either')
  const report = await app.inject({
    method: 'GET',
    url: `/v1/local-authorities/${la}/reports/compliance`,
    headers: coordinator
  })
  const sixth = report.json().checks.find((c: { kind: string }) => c.kind === 'SIXTH_DAY_BREACHED')
  t.same(
    sixth.items.map((i: { referralId: string }) => i.referralId),
    [before.id],
    'the compliance report counts only the breach'
  )

  const journey = async (pupilId: string) =>
    (await app.inject({ method: 'GET', url: `/v1/pupils/${pupilId}/journey`, headers: coordinator }))
      .json()
      .events.filter((e: { kind: string }) => e.kind === 'CLOCK_DEADLINE')
  t.match(
    await journey(after.pupilId),
    [{ referralId: after.id, detail: 'SIXTH_DAY_PERMANENT_EXCLUSION: not_applicable' }],
    "the pupil's journey shows the exemption too"
  )
  t.match(
    await journey(before.pupilId),
    [{ referralId: before.id, detail: 'SIXTH_DAY_PERMANENT_EXCLUSION: breached' }],
    'and the duty that applies'
  )

  const cleared = await put({ ...fields, year11ExamsEnd: null }, set.headers.etag as string)
  t.equal(cleared.json().year11ExamsEnd, null, 'null clears it')
  const again = await app.inject({ method: 'GET', url: `/v1/referrals/${after.id}`, headers: coordinator })
  t.match(
    again.json().clocks,
    [{ status: 'breached' }],
    'without the date, the examinations are taken to run to the last Friday of June'
  )
})
