import { DateTime } from 'luxon'
import t from 'tap'
import { issueToken } from '../../../src/modules/tokens/tokens.service.js'
import { STAFFORDSHIRE_2025_26 } from '../../fixtures/calendars.js'
import { bearer, buildTestApp, countRows, insertPupil, makeWorld, TEST_DATABASE_URL } from '../../helper.js'
import { at, completeReferral, placementBody } from '../../fixtures/bodies.js'

/**
 * Capacity, waiting lists, the race for the last place, and the unregistered-provider registration
 * threshold (issue 4 §5–6, domain.md §2.5, §9.5).
 */

const PROBLEM = /^application\/problem\+json/

t.test('capacity, waiting list and registration threshold', async (t) => {
  let now = at('2025-10-20')
  const { app, db } = await buildTestApp(t, { clock: () => now })
  const world = await makeWorld(db)
  const school = bearer(world.own.tokens.school)
  const coordinator = bearer(world.own.tokens.coordinator)
  const laAdmin = bearer(world.own.tokens.la_admin)
  const calendar = await app.inject({
    method: 'PUT',
    url: '/v1/local-authorities/919/calendars/2025-26',
    headers: laAdmin,
    payload: { halfTerms: STAFFORDSHIRE_2025_26 }
  })
  t.ok(calendar.statusCode < 300, `term dates loaded: ${calendar.body.slice(0, 200)}`)
  let serial = 200
  const pupil = (overrides: Record<string, unknown> = {}) =>
    insertPupil(db, world.own, ++serial, overrides as Parameters<typeof insertPupil>[3])

  /** An accepted referral for a new pupil. */
  const acceptedReferral = async (
    pupilOverrides: Record<string, unknown> = {},
    extra: Record<string, unknown> = {}
  ) => {
    const p = await pupil(pupilOverrides)
    const created = await app.inject({
      method: 'POST',
      url: '/v1/referrals',
      headers: school,
      payload: completeReferral(p.id, extra)
    })
    t.equal(created.statusCode, 201, created.body.slice(0, 300))
    const decided = await app.inject({
      method: 'POST',
      url: `/v1/referrals/${created.json().id}/decision`,
      headers: coordinator,
      payload: { decision: 'ACCEPT' }
    })
    t.equal(decided.statusCode, 200, decided.body.slice(0, 200))
    return decided.json() as { id: string; pupilId: string }
  }
  const place = (referralId: string, providerId: string, extra: Record<string, unknown> = {}, headers = coordinator) =>
    app.inject({
      method: 'POST',
      url: '/v1/placements',
      headers,
      payload: placementBody(referralId, providerId, extra)
    })
  const waitingList = async (providerId: string, headers = coordinator) => {
    const res = await app.inject({ method: 'GET', url: `/v1/providers/${providerId}/waiting-list`, headers })
    t.equal(res.statusCode, 200, res.body.slice(0, 200))
    return res.json().results as {
      position: number
      referralId: string
      pupilId: string
      tier: number
      daysWaited: number
      schoolDaysWaited: number
    }[]
  }
  const occupying = async (providerId: string) => {
    const { n } = await db
      .selectFrom('placement')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('provider_id', '=', providerId)
      .where('status', 'in', ['PLANNED', 'ACTIVE', 'PAUSED'])
      .executeTakeFirstOrThrow()
    return Number(n)
  }
  /** A provider offering Tier 2 with `places`, inserted directly. */
  let urn = 700000
  const providerWithPlaces = async (places: number) => {
    const row = await db
      .insertInto('provider')
      .values({
        name: `AP Academy ${urn}`,
        la_code: '919',
        urn: String(++urn),
        registration_status: 'STATE_FUNDED_AP_SCHOOL'
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await db.insertInto('provider_tier').values({ provider_id: row.id, tier: 2, places }).execute()
    return row.id
  }

  t.test('a full provider refuses with 409 and the referral waits in its list', async (t) => {
    now = at('2025-10-20')
    const providerId = world.own.providerId
    const current = await app.inject({ method: 'GET', url: `/v1/providers/${providerId}`, headers: laAdmin })
    const tiers = [
      { tier: 1, places: 10 },
      { tier: 2, places: 1 },
      { tier: 3, places: 10 }
    ]
    const stale = await app.inject({
      method: 'PATCH',
      url: `/v1/providers/${providerId}`,
      headers: { ...laAdmin, 'if-match': '"99"' },
      payload: { tiers }
    })
    t.equal(stale.statusCode, 412, 'a stale If-Match is refused')
    const patched = await app.inject({
      method: 'PATCH',
      url: `/v1/providers/${providerId}`,
      headers: { ...laAdmin, 'if-match': current.headers.etag as string },
      payload: { tiers }
    })
    t.equal(patched.statusCode, 200, patched.body.slice(0, 200))
    t.same(patched.json().tiers, tiers, 'one Tier 2 place')

    const first = await acceptedReferral()
    const second = await acceptedReferral()
    const third = await acceptedReferral()
    const placed = await place(first.id, providerId)
    t.equal(placed.statusCode, 201, placed.body.slice(0, 300))
    const firstPlacement = placed.json()

    const before = { placement: await countRows(db, 'placement'), event: await countRows(db, 'placement_event') }
    const full = await place(second.id, providerId)
    t.equal(full.statusCode, 409)
    t.match(full.headers['content-type'], PROBLEM)
    t.equal(full.json().code, 'provider_full')
    t.match(full.json().errors, [{ path: '/providerId', code: 'no_capacity' }])
    t.match(
      full.json().detail,
      /^All 1 Tier 2 places at the provider are taken; the referral is number 1 on its waiting list$/
    )
    t.same(
      { placement: await countRows(db, 'placement'), event: await countRows(db, 'placement_event') },
      before,
      'no placement written'
    )
    t.match(await waitingList(providerId), [
      { position: 1, referralId: second.id, pupilId: second.pupilId, tier: 2, daysWaited: 0, schoolDaysWaited: 0 }
    ])
    t.equal((await waitingList(providerId)).length, 1)

    const retry = await place(second.id, providerId)
    t.equal(retry.statusCode, 409, 'still full')
    t.equal((await waitingList(providerId)).length, 1, 'asking again does not add the referral twice')

    now = at('2025-10-21')
    const alsoFull = await place(third.id, providerId)
    t.equal(alsoFull.statusCode, 409)
    t.match(alsoFull.json().detail, /number 2 on its waiting list/)

    now = at('2025-11-04')
    // Half-term (27–31 October) passes: 15 calendar days, 6 school days (21–24 October, 3–4 November).
    t.match(
      await waitingList(providerId),
      [
        { position: 1, referralId: second.id, daysWaited: 15, schoolDaysWaited: 6 },
        { position: 2, referralId: third.id, daysWaited: 14, schoolDaysWaited: 5 }
      ],
      'position and days waited'
    )
    t.match(
      await waitingList(providerId, bearer(world.own.tokens.provider)),
      [{ referralId: second.id }],
      'the provider sees its own list'
    )
    t.equal(
      (
        await app.inject({
          method: 'GET',
          url: `/v1/providers/${providerId}/waiting-list`,
          headers: bearer(world.other.tokens.coordinator)
        })
      ).statusCode,
      404,
      'another LA cannot see it'
    )
    t.equal(
      (await app.inject({ method: 'GET', url: `/v1/providers/${providerId}/waiting-list`, headers: school }))
        .statusCode,
      403
    )

    now = at('2025-10-31')
    const noIfMatch = await app.inject({
      method: 'POST',
      url: `/v1/placements/${firstPlacement.id}/cancellation`,
      headers: coordinator,
      payload: { reason: 'Family moved away' }
    })
    t.equal(noIfMatch.statusCode, 428, 'cancellation needs If-Match')
    const cancelled = await app.inject({
      method: 'POST',
      url: `/v1/placements/${firstPlacement.id}/cancellation`,
      headers: { ...coordinator, 'if-match': placed.headers.etag as string },
      payload: { reason: 'Family moved away' }
    })
    t.equal(cancelled.statusCode, 200, cancelled.body.slice(0, 300))
    t.match(cancelled.json(), { status: 'CANCELLED', endedReason: 'Family moved away' })

    const nowPlaced = await place(second.id, providerId)
    t.equal(nowPlaced.statusCode, 201, `the freed place goes to the waiting referral: ${nowPlaced.body.slice(0, 300)}`)
    const list = await waitingList(providerId)
    t.notOk(
      list.some((e) => e.referralId === second.id),
      'the placed referral leaves the list'
    )
    t.match(list, [{ position: 1, referralId: third.id }], 'the next referral moves up')
    t.equal(list.length, 1)
    t.equal((await place(third.id, providerId)).statusCode, 409, 'the one place is taken again')

    now = at('2025-11-05')
    const elsewhere = await providerWithPlaces(1)
    // Entered on 5 November, received before the placements' start (3 November) as a placement requires.
    t.equal((await place((await acceptedReferral({}, { receivedOn: '2025-10-31' })).id, elsewhere)).statusCode, 201)
    const earlier = await acceptedReferral({}, { receivedOn: '2025-10-31' })
    t.equal((await place(earlier.id, elsewhere)).statusCode, 409)
    now = at('2025-11-06')
    const moved = await place(third.id, elsewhere)
    t.equal(moved.statusCode, 409)
    t.match(
      moved.json().detail,
      /number 2 on its waiting list/,
      'a referral trying another full provider joins the back of that list'
    )
    t.same(await waitingList(providerId), [], 'and leaves the first list')
    t.match(await waitingList(elsewhere), [
      { position: 1, referralId: earlier.id, daysWaited: 1 },
      { position: 2, referralId: third.id, daysWaited: 0 }
    ])
  })

  const coordinator2 = await issueToken(db, {
    role: 'coordinator',
    laCode: '919',
    label: 'second coordinator of 919',
    createdBy: 'test',
    expiresAt: DateTime.utc().plus({ days: 1 }).toJSDate()
  })
  const secondCoordinator = bearer(coordinator2.token)

  /** A provider with one free place left (two places, one taken) and two accepted referrals competing for it. */
  const lastPlace = async () => {
    const providerId = await providerWithPlaces(2)
    const holder = await acceptedReferral()
    t.equal((await place(holder.id, providerId)).statusCode, 201)
    return { providerId, a: await acceptedReferral(), b: await acceptedReferral() }
  }

  if (TEST_DATABASE_URL) {
    t.test(
      'two coordinators take the last place at the same moment: exactly one succeeds (PostgreSQL, 5 races)',
      async (t) => {
        now = at('2025-10-20')
        for (let round = 1; round <= 5; round++) {
          const { providerId, a, b } = await lastPlace()
          const results = await Promise.all([
            place(a.id, providerId, {}, coordinator),
            place(b.id, providerId, {}, secondCoordinator)
          ])
          t.same(
            results.map((r) => r.statusCode).sort(),
            [201, 409],
            `round ${round}: one 201 and one 409 (${results.map((r) => r.body.slice(0, 100)).join(' | ')})`
          )
          const winner = results.findIndex((r) => r.statusCode === 201)
          const loser = results[1 - winner]!
          t.equal(loser.json().code, 'provider_full', `round ${round}: the loser is told the provider is full`)
          t.equal(await occupying(providerId), 2, `round ${round}: never more placements than places`)
          t.same(
            (await waitingList(providerId)).map((e) => e.referralId),
            [[a.id, b.id][1 - winner]],
            `round ${round}: the loser waits`
          )
        }
      }
    )
  } else {
    t.test('PGlite has one connection: the same two requests in turn give one 201 and one 409', async (t) => {
      now = at('2025-10-20')
      const { providerId, a, b } = await lastPlace()
      const first = await place(a.id, providerId, {}, coordinator)
      const second = await place(b.id, providerId, {}, secondCoordinator)
      t.equal(first.statusCode, 201, first.body.slice(0, 200))
      t.equal(second.statusCode, 409, second.body.slice(0, 200))
      t.equal(second.json().code, 'provider_full')
      t.equal(await occupying(providerId), 2)
      t.same(
        (await waitingList(providerId)).map((e) => e.referralId),
        [b.id]
      )
    })
  }

  t.test('unregistered provider registration threshold', async (t) => {
    now = at('2025-10-20')
    const unregistered = async (name: string) => {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/providers',
        headers: laAdmin,
        payload: {
          name,
          laCode: '919',
          settingType: 'OOT',
          registrationStatus: 'UNREGISTERED',
          safeguardingConfirmedOn: '2025-10-01',
          tiers: [{ tier: 2, places: 20 }]
        }
      })
      t.equal(res.statusCode, 201, res.body.slice(0, 300))
      return res.json().id as string
    }
    /** Places and activates a pupil at `providerId` with `sessions` a week there. */
    const activePupil = async (
      providerId: string,
      sessions: number,
      pupilOverrides: Record<string, unknown> = {},
      referralExtra: Record<string, unknown> = {}
    ) => {
      now = at('2025-10-20')
      const referral = await acceptedReferral(pupilOverrides, referralExtra)
      const placed = await place(referral.id, providerId, {
        registration: 'ON_HOME_ROLL',
        sessionsAtProvider: sessions,
        sessionsAtHomeSchool: 10 - sessions
      })
      t.equal(placed.statusCode, 201, placed.body.slice(0, 300))
      now = at('2025-11-03')
      const active = await app.inject({
        method: 'POST',
        url: `/v1/placements/${placed.json().id}/activation`,
        headers: { ...coordinator, 'if-match': placed.headers.etag as string },
        payload: {}
      })
      t.equal(active.statusCode, 200, active.body.slice(0, 300))
      t.match(active.json(), { status: 'ACTIVE', homeAttendanceCode: 'B' })
    }
    const check = async (providerId: string) => {
      const res = await app.inject({
        method: 'GET',
        url: `/v1/providers/${providerId}/registration-check`,
        headers: coordinator
      })
      t.equal(res.statusCode, 200, res.body.slice(0, 200))
      return res.json()
    }
    const alerted = async (headers = coordinator) => {
      const res = await app.inject({ method: 'GET', url: '/v1/local-authorities/919/provider-alerts', headers })
      t.equal(res.statusCode, 200, res.body.slice(0, 200))
      return res.json().results.map((r: { providerId: string }) => r.providerId) as string[]
    }

    const tuition = await unregistered('Tuition Hub Ltd')
    for (let i = 0; i < 4; i++) await activePupil(tuition, 8)
    await activePupil(tuition, 7)
    t.match(
      await check(tuition),
      {
        providerId: tuition,
        unregistered: true,
        fullTimeThresholdHours: 18,
        sessionHours: 2.5,
        fullTimePupils: 4,
        fullTimeLookedAfterOrEhcp: 0,
        flagged: false
      },
      '4 pupils full time (8 sessions ≥ 18 hours) and one at 7 sessions (17.5 hours): not flagged'
    )
    t.notOk((await alerted()).includes(tuition), 'no LA alert')

    const policy = await app.inject({ method: 'GET', url: '/v1/local-authorities/919/policy', headers: laAdmin })
    const { laCode: _la, updatedAt: _at, ...fields } = policy.json()
    const lowered = await app.inject({
      method: 'PUT',
      url: '/v1/local-authorities/919/policy',
      headers: { ...laAdmin, 'if-match': policy.headers.etag as string },
      payload: { ...fields, fullTimeThresholdHours: 17 }
    })
    t.equal(lowered.statusCode, 200, lowered.body.slice(0, 200))
    t.match(
      await check(tuition),
      { fullTimeThresholdHours: 17, fullTimePupils: 5, flagged: true },
      'with the LA threshold at 17 hours, 7 sessions is full time'
    )
    const restored = await app.inject({
      method: 'PUT',
      url: '/v1/local-authorities/919/policy',
      headers: { ...laAdmin, 'if-match': lowered.headers.etag as string },
      payload: fields
    })
    t.equal(restored.statusCode, 200)
    t.match(await check(tuition), { fullTimeThresholdHours: 18, fullTimePupils: 4, flagged: false })

    await activePupil(tuition, 8)
    t.match(
      await check(tuition),
      { unregistered: true, fullTimePupils: 5, flagged: true },
      '5 pupils full time: must register'
    )
    t.ok((await alerted()).includes(tuition), 'the LA is alerted')
    t.ok((await alerted(laAdmin)).includes(tuition), 'the LA admin sees the alert')
    const otherLa = await app.inject({
      method: 'GET',
      url: '/v1/local-authorities/919/provider-alerts',
      headers: bearer(world.other.tokens.coordinator)
    })
    t.equal(otherLa.statusCode, 404, "another LA cannot read this LA's alerts")
    const byProvider = await app.inject({
      method: 'GET',
      url: `/v1/providers/${tuition}/registration-check`,
      headers: bearer(world.own.tokens.provider)
    })
    t.equal(byProvider.statusCode, 404, 'a different provider cannot check it')

    const mentoring = await unregistered('Mentoring Project CIC')
    await activePupil(mentoring, 7, { looked_after: true }, { virtualSchoolToldOn: '2025-10-16' })
    t.match(
      await check(mentoring),
      { fullTimePupils: 0, fullTimeLookedAfterOrEhcp: 0, flagged: false },
      'a looked-after pupil part time: not flagged'
    )
    await activePupil(mentoring, 8, { looked_after: true }, { virtualSchoolToldOn: '2025-10-16' })
    t.match(
      await check(mentoring),
      { unregistered: true, fullTimePupils: 1, fullTimeLookedAfterOrEhcp: 1, flagged: true },
      'one looked-after pupil full time: must register'
    )
    t.ok((await alerted()).includes(mentoring))

    const registered = await providerWithPlaces(20)
    for (let i = 0; i < 5; i++) await activePupil(registered, 8, {}, {})
    t.match(
      await check(registered),
      { unregistered: false, fullTimePupils: 5, flagged: false },
      'a registered school is never flagged'
    )
    t.same((await alerted()).sort(), [tuition, mentoring].sort(), 'the alerts list exactly the flagged providers')
  })
})
