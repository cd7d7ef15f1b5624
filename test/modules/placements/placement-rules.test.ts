import type { Response } from 'light-my-request'
import t, { type Test } from 'tap'
import { STAFFORDSHIRE_2025_26 } from '../../fixtures/calendars.js'
import { bearer, buildTestApp, countRows, insertPupil, makeWorld, TEST_DATABASE_URL } from '../../helper.js'
import { at, completeReferral, objective, placementBody } from '../../fixtures/bodies.js'

/**
 * Placement rules (issue 4 §3–4 and its "Bad input" list; domain.md §2.3–2.5, §4.3, §9.2–9.3): each refusal
 * is a problem document naming the field and rule, and writes nothing; activation preconditions, off-site
 * notice clocks, home attendance codes and step-down in one transaction.
 */

const tier3Plan = { objectives: [objective], transitionPlan: 'Move to a new mainstream school via Fair Access' }
const PROBLEM = /^application\/problem\+json/
type FieldError = { path: string; code: string; message: string }
const TABLES = ['placement', 'placement_event', 'referral', 'waiting_list_entry', 'audit_event'] as const

t.test('placement rules', async (t) => {
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
  const pru = world.own.providerId
  // Room for every placement this file makes: capacity has its own tests.
  await db.updateTable('provider_tier').set({ places: 100 }).where('provider_id', '=', pru).execute()
  let serial = 300
  const pupil = (overrides: Record<string, unknown> = {}) =>
    insertPupil(db, world.own, ++serial, overrides as Parameters<typeof insertPupil>[3])

  const newProvider = async (payload: Record<string, unknown>) => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/providers',
      headers: laAdmin,
      payload: { laCode: '919', ...payload }
    })
    t.equal(res.statusCode, 201, res.body.slice(0, 300))
    return res.json().id as string
  }
  const tier3Only = await newProvider({
    name: 'Next Steps AP Academy',
    urn: '654321',
    registrationStatus: 'STATE_FUNDED_AP_SCHOOL',
    tiers: [{ tier: 3, places: 10 }]
  })
  const tuition = await newProvider({
    name: 'Tuition Hub Ltd',
    settingType: 'OOT',
    registrationStatus: 'UNREGISTERED',
    safeguardingConfirmedOn: '2025-10-01',
    tiers: [
      { tier: 2, places: 10 },
      { tier: 3, places: 10 }
    ]
  })
  const unchecked = await newProvider({
    name: 'Farm Project CIC',
    settingType: 'OTH',
    registrationStatus: 'UNREGISTERED',
    tiers: [{ tier: 2, places: 10 }]
  })

  const referral = async (
    pupilOverrides: Record<string, unknown> = {},
    extra: Record<string, unknown> = {},
    headers = school
  ) => {
    const p = await pupil(pupilOverrides)
    const res = await app.inject({
      method: 'POST',
      url: '/v1/referrals',
      headers,
      payload: completeReferral(p.id, extra)
    })
    t.equal(res.statusCode, 201, res.body.slice(0, 300))
    return res.json() as { id: string; pupilId: string; status: string }
  }
  const decide = (id: string, payload: object, headers = coordinator) =>
    app.inject({ method: 'POST', url: `/v1/referrals/${id}/decision`, headers, payload })
  const acceptedReferral = async (
    pupilOverrides: Record<string, unknown> = {},
    extra: Record<string, unknown> = {},
    headers = school
  ) => {
    const r = await referral(pupilOverrides, extra, headers)
    const res = await decide(r.id, { decision: 'ACCEPT' })
    t.equal(res.statusCode, 200, res.body.slice(0, 200))
    return res.json() as { id: string; pupilId: string; status: string }
  }
  const post = (payload: object) => app.inject({ method: 'POST', url: '/v1/placements', headers: coordinator, payload })
  const place = async (payload: object) => {
    const res = await post(payload)
    t.equal(res.statusCode, 201, `placed: ${res.body.slice(0, 300)}`)
    return res
  }
  const counts = async () =>
    Object.fromEntries(await Promise.all(TABLES.map(async (table) => [table, await countRows(db, table)])))
  /** A refused request: its status, a problem document naming each expected field and rule, and nothing written. */
  const refused = async (
    t: Test,
    send: () => Promise<Response>,
    status: number,
    expected: { path: string; code: string }[]
  ) => {
    const before = await counts()
    const res = await send()
    t.equal(res.statusCode, status, res.body.slice(0, 400))
    t.match(res.headers['content-type'], PROBLEM, 'a problem document')
    const body = res.json()
    t.match(body, { status, type: String, title: String, detail: String, code: String })
    for (const e of expected) {
      t.ok(
        body.errors.some((x: FieldError) => x.path === e.path && x.code === e.code),
        `names ${e.path} ${e.code}: ${JSON.stringify(body.errors)}`
      )
    }
    t.same(await counts(), before, 'nothing written (placement, event, referral, waiting list, audit)')
    return body
  }
  const activate = (id: string, etag: string) =>
    app.inject({
      method: 'POST',
      url: `/v1/placements/${id}/activation`,
      headers: { ...coordinator, 'if-match': etag },
      payload: {}
    })
  const getPlacement = async (id: string) => {
    const res = await app.inject({ method: 'GET', url: `/v1/placements/${id}`, headers: coordinator })
    t.equal(res.statusCode, 200)
    return res
  }

  // One accepted Tier 2 referral (Year 8 pupil) that every bad request below tries, and fails, to place.
  const base = await acceptedReferral({ date_of_birth: '2012-05-01' })

  t.test('bad input: end before start', async (t) => {
    now = at('2025-10-20')
    const body = await refused(t, () => post(placementBody(base.id, pru, { plannedEndDate: '2025-10-31' })), 422, [
      { path: '/plannedEndDate', code: 'end_before_start' }
    ])
    t.equal(body.code, 'validation_failed')
    await refused(
      t,
      () =>
        post(
          placementBody(base.id, pru, {
            sessionsAtHomeSchool: 0,
            partTimePlan: { endDate: '2025-10-31', details: 'Build up over four weeks' }
          })
        ),
      422,
      [{ path: '/partTimePlan/endDate', code: 'end_before_start' }]
    )
  })

  t.test('bad input: Tier 2 without a planned end', async (t) => {
    now = at('2025-10-20')
    const body = await refused(t, () => post(placementBody(base.id, pru, { plannedEndDate: null })), 422, [
      { path: '/plannedEndDate', code: 'required' }
    ])
    t.match(body.errors.find((e: FieldError) => e.path === '/plannedEndDate').message, /Tier 2/)
    const { plannedEndDate: _omit, ...omitted } = placementBody(base.id, pru)
    await refused(t, () => post(omitted), 422, [{ path: '/plannedEndDate', code: 'required' }])
  })

  t.test(
    'bad input: Tier 2 longer than the LA limit (26 school weeks by default, then as the LA sets it)',
    async (t) => {
      now = at('2025-10-20')
      // From Monday 3 November: 35 + 30 + 25 + 29 (May Day) school days to the May half-term, so the 130th is
      // Monday 15 June.
      const over = await refused(t, () => post(placementBody(base.id, pru, { plannedEndDate: '2026-06-16' })), 422, [
        { path: '/plannedEndDate', code: 'tier_limit_exceeded' }
      ])
      t.match(over.detail, /131 school days, over the LA's Tier 2 limit of 26 school weeks \(130 days\)/)
      const limit = await place(placementBody((await acceptedReferral()).id, pru, { plannedEndDate: '2026-06-15' }))
      t.equal(limit.json().plannedEndDate, '2026-06-15', 'exactly 130 school days is within the limit')

      const policy = await app.inject({ method: 'GET', url: '/v1/local-authorities/919/policy', headers: laAdmin })
      const { laCode: _la, updatedAt: _at, ...fields } = policy.json()
      t.equal(fields.tier2MaxSchoolWeeks, 26, 'the default')
      const lowered = await app.inject({
        method: 'PUT',
        url: '/v1/local-authorities/919/policy',
        headers: { ...laAdmin, 'if-match': policy.headers.etag as string },
        payload: { ...fields, tier2MaxSchoolWeeks: 6 }
      })
      t.equal(lowered.statusCode, 200, lowered.body.slice(0, 200))
      t.teardown(async () => {
        const current = await app.inject({ method: 'GET', url: '/v1/local-authorities/919/policy', headers: laAdmin })
        await app.inject({
          method: 'PUT',
          url: '/v1/local-authorities/919/policy',
          headers: { ...laAdmin, 'if-match': current.headers.etag as string },
          payload: fields
        })
      })
      const usual = await refused(t, () => post(placementBody(base.id, pru)), 422, [
        { path: '/plannedEndDate', code: 'tier_limit_exceeded' }
      ])
      t.match(usual.detail, /65 school days, over the LA's Tier 2 limit of 6 school weeks \(30 days\)/)
      await refused(t, () => post(placementBody(base.id, pru, { plannedEndDate: '2025-12-15' })), 422, [
        { path: '/plannedEndDate', code: 'tier_limit_exceeded' }
      ])
      await place(placementBody((await acceptedReferral()).id, pru, { plannedEndDate: '2025-12-12' }))
    }
  )

  t.test('bad input: Tier 2 without a reintegration plan', async (t) => {
    now = at('2025-10-20')
    await refused(t, () => post(placementBody(base.id, pru, { plan: { objectives: [objective] } })), 422, [
      { path: '/plan/reintegrationPlan', code: 'required' }
    ])
    await refused(
      t,
      () => post(placementBody(base.id, pru, { plan: { objectives: [objective], reintegrationPlan: '   ' } })),
      422,
      [{ path: '/plan/reintegrationPlan', code: 'required' }]
    )
    await refused(
      t,
      () => post(placementBody(base.id, pru, { plan: { objectives: [], reintegrationPlan: 'Phased return' } })),
      400,
      [{ path: '/plan/objectives', code: 'minItems' }]
    )
  })

  t.test('bad input: a provider that does not offer the tier', async (t) => {
    now = at('2025-10-20')
    const body = await refused(t, () => post(placementBody(base.id, tier3Only)), 422, [
      { path: '/providerId', code: 'tier_not_offered' }
    ])
    t.match(body.detail, /does not offer Tier 2/)
    const otherLa = await refused(t, () => post(placementBody(base.id, world.other.providerId)), 422, [
      { path: '/providerId', code: 'unknown_reference' }
    ])
    t.equal(otherLa.code, 'unknown_provider')
  })

  t.test('bad input: a pupil past compulsory school age placed in Tier 2', async (t) => {
    now = at('2025-10-20')
    // Born 1 March 2009: 16 in Year 11 (2024/25), so compulsory school age ended on Friday 27 June 2025.
    const older = await acceptedReferral({ date_of_birth: '2009-03-01' })
    const body = await refused(t, () => post(placementBody(older.id, pru, { startDate: '2025-11-03' })), 422, [
      { path: '/startDate', code: 'past_compulsory_school_age' }
    ])
    t.match(body.detail, /2025-06-27/)
  })

  t.test('bad input: a placement from a referral that is not accepted', async (t) => {
    now = at('2025-10-20')
    const submitted = await referral()
    const body = await refused(t, () => post(placementBody(submitted.id, pru)), 422, [
      { path: '/referralId', code: 'referral_not_accepted' }
    ])
    t.equal(body.code, 'referral_not_accepted')
    t.match(body.detail, /SUBMITTED/)
    const declined = await referral()
    t.equal((await decide(declined.id, { decision: 'DECLINE', reason: 'Tier 1 support first' })).statusCode, 200)
    t.match(
      (
        await refused(t, () => post(placementBody(declined.id, pru)), 422, [
          { path: '/referralId', code: 'referral_not_accepted' }
        ])
      ).detail,
      /DECLINED/
    )
    const withdrawn = await referral()
    t.equal(
      (
        await app.inject({
          method: 'POST',
          url: `/v1/referrals/${withdrawn.id}/withdrawal`,
          headers: school,
          payload: { reason: 'Moved school' }
        })
      ).statusCode,
      200
    )
    t.match(
      (
        await refused(t, () => post(placementBody(withdrawn.id, pru)), 422, [
          { path: '/referralId', code: 'referral_not_accepted' }
        ])
      ).detail,
      /WITHDRAWN/
    )
    const elsewhere = await insertPupil(db, world.other, 990)
    const theirs = await app.inject({
      method: 'POST',
      url: '/v1/referrals',
      headers: bearer(world.other.tokens.school),
      payload: completeReferral(elsewhere.id)
    })
    t.equal(theirs.statusCode, 201)
    await refused(t, () => post(placementBody(theirs.json().id, pru)), 422, [
      { path: '/referralId', code: 'unknown_reference' }
    ])
  })

  t.test('bad input: a decision by a school', async (t) => {
    now = at('2025-10-20')
    const submitted = await referral()
    const body = await refused(t, () => decide(submitted.id, { decision: 'ACCEPT' }, school), 403, [])
    t.equal(body.status, 403)
    const after = await app.inject({ method: 'GET', url: `/v1/referrals/${submitted.id}`, headers: coordinator })
    t.match(after.json(), { status: 'SUBMITTED', decidedAt: null })
    t.equal(after.headers.etag, '"1"', 'unchanged')
  })

  t.test('bad input: an overlapping placement', async (t) => {
    now = at('2025-10-20')
    const first = await acceptedReferral()
    const placed = (await place(placementBody(first.id, pru))).json()
    const second = await decide(
      (
        await app.inject({
          method: 'POST',
          url: '/v1/referrals',
          headers: school,
          payload: completeReferral(first.pupilId)
        })
      ).json().id,
      { decision: 'ACCEPT' }
    )
    const secondId = second.json().id
    const body = await refused(
      t,
      () =>
        post(
          placementBody(secondId, tuition, {
            registration: 'ON_HOME_ROLL',
            startDate: '2026-02-13',
            plannedEndDate: '2026-03-27'
          })
        ),
      409,
      [{ path: '/startDate', code: 'placement_overlap' }]
    )
    t.equal(body.code, 'placement_overlap')
    t.match(
      body.detail,
      new RegExp(`placement ${placed.id} from 2025-11-03 to 2026-02-13`),
      'names the clashing placement and its dates'
    )
    t.match(body.errors[0].message, new RegExp(`placement ${placed.id}`))
    await refused(
      t,
      () =>
        post(
          placementBody(secondId, tuition, {
            registration: 'ON_HOME_ROLL',
            startDate: '2025-10-27',
            plannedEndDate: '2026-03-27'
          })
        ),
      409,
      [{ path: '/startDate', code: 'placement_overlap' }]
    )

    await t.rejects(
      db
        .insertInto('placement')
        .values({
          pupil_id: first.pupilId,
          pupil_home_la_code: '919',
          la_code: '919',
          tier: 2,
          provider_id: tuition,
          commissioner_type: 'LA',
          legal_basis: 'LA_S19_OTHER',
          start_date: '2026-01-05',
          planned_end_date: '2026-01-30',
          sessions_at_provider: 8,
          sessions_at_home_school: 2,
          registration: 'ON_HOME_ROLL',
          home_attendance_code: 'K',
          plan: JSON.stringify({ objectives: [objective] }),
          first_review_due_on: '2026-02-02'
        })
        .execute(),
      /placement_no_overlap/,
      'the database constraint refuses an overlap written past the service'
    )

    const after = await place(
      placementBody(secondId, tuition, {
        registration: 'ON_HOME_ROLL',
        startDate: '2026-02-16',
        plannedEndDate: '2026-03-27'
      })
    )
    t.match(
      after.json(),
      { startDate: '2026-02-16', status: 'PLANNED' },
      'the day after the planned end does not overlap'
    )

    const longer = await refused(
      t,
      () =>
        app.inject({
          method: 'PATCH',
          url: `/v1/placements/${placed.id}`,
          headers: { ...coordinator, 'if-match': '"1"' },
          payload: { plannedEndDate: '2026-02-16' }
        }),
      409,
      [{ path: '/plannedEndDate', code: 'placement_overlap' }]
    )
    t.match(
      longer.detail,
      new RegExp(`placement ${after.json().id} from 2026-02-16`),
      'moving a planned end into the next placement names it'
    )
    const later = await refused(
      t,
      () =>
        app.inject({
          method: 'PATCH',
          url: `/v1/placements/${after.json().id}`,
          headers: { ...coordinator, 'if-match': '"1"' },
          payload: { startDate: '2026-02-09' }
        }),
      409,
      [{ path: '/startDate', code: 'placement_overlap' }]
    )
    t.match(later.detail, new RegExp(`placement ${placed.id}`))
    const shorter = await app.inject({
      method: 'PATCH',
      url: `/v1/placements/${placed.id}`,
      headers: { ...coordinator, 'if-match': '"1"' },
      payload: { plannedEndDate: '2026-02-06' }
    })
    t.equal(shorter.statusCode, 200, `a planned placement's own dates can change: ${shorter.body.slice(0, 200)}`)
  })

  if (TEST_DATABASE_URL) {
    t.test(
      'two coordinators place the same pupil at the same moment: one 201, one 409 naming the clash (PostgreSQL)',
      async (t) => {
        now = at('2025-10-20')
        for (let round = 1; round <= 3; round++) {
          const a = await acceptedReferral()
          const b = await decide(
            (
              await app.inject({
                method: 'POST',
                url: '/v1/referrals',
                headers: school,
                payload: completeReferral(a.pupilId)
              })
            ).json().id,
            { decision: 'ACCEPT' }
          )
          const results = await Promise.all([
            post(placementBody(a.id, pru)),
            post(placementBody(b.json().id, tuition, { registration: 'ON_HOME_ROLL' }))
          ])
          t.same(
            results.map((r) => r.statusCode).sort(),
            [201, 409],
            `round ${round}: ${results.map((r) => r.body.slice(0, 160)).join(' | ')}`
          )
          const winner = results.find((r) => r.statusCode === 201)
          const loser = results.find((r) => r.statusCode === 409)
          t.equal(loser?.json().code, 'placement_overlap')
          t.match(
            loser?.json().detail,
            new RegExp(`placement ${winner?.json().id}`),
            'the refusal names the placement that won'
          )
        }
      }
    )
  } else {
    t.test(
      'PGlite has one connection: two placements of the same pupil in turn give one 201 and one 409',
      async (t) => {
        now = at('2025-10-20')
        const a = await acceptedReferral()
        const b = await decide(
          (
            await app.inject({
              method: 'POST',
              url: '/v1/referrals',
              headers: school,
              payload: completeReferral(a.pupilId)
            })
          ).json().id,
          { decision: 'ACCEPT' }
        )
        const first = await post(placementBody(a.id, pru))
        const second = await post(placementBody(b.json().id, tuition, { registration: 'ON_HOME_ROLL' }))
        t.same([first.statusCode, second.statusCode], [201, 409])
        t.match(second.json().detail, new RegExp(`placement ${first.json().id}`))
      }
    )
  }

  t.test('bad input: sessions over 10', async (t) => {
    now = at('2025-10-20')
    await refused(t, () => post(placementBody(base.id, pru, { sessionsAtProvider: 11 })), 400, [
      { path: '/sessionsAtProvider', code: 'maximum' }
    ])
    await refused(
      t,
      () => post(placementBody(base.id, pru, { sessionsAtProvider: 0, sessionsAtHomeSchool: 11 })),
      400,
      [{ path: '/sessionsAtHomeSchool', code: 'maximum' }]
    )
    await refused(t, () => post(placementBody(base.id, pru, { sessionsAtProvider: 8, sessionsAtHomeSchool: 4 })), 422, [
      { path: '/sessionsAtHomeSchool', code: 'over_full_time' }
    ])
    await refused(t, () => post(placementBody(base.id, pru, { sessionsAtProvider: 4, sessionsAtHomeSchool: 2 })), 422, [
      { path: '/partTimePlan', code: 'required' }
    ])
  })

  t.test('bad input: an unknown reason code', async (t) => {
    now = at('2025-10-20')
    const body = await refused(t, () => post(placementBody(base.id, pru, { reasonCode: 'NOPE' })), 422, [
      { path: '/reasonCode', code: 'unknown_reason_code' }
    ])
    t.match(body.detail, /NOPE is not a known census reason code/)
    await refused(t, () => post(placementBody(base.id, pru, { reasonCode: 'not-a-code' })), 400, [
      { path: '/reasonCode', code: 'pattern' }
    ])
  })

  t.test('the base referral, refused every time above, still places', async (t) => {
    now = at('2025-10-20')
    const ok = await place(placementBody(base.id, pru))
    t.match(ok.json(), {
      referralId: base.id,
      tier: 2,
      status: 'PLANNED',
      reasonCode: 'BEH',
      plannedEndDate: '2026-02-13',
      firstReviewDueOn: '2025-12-01'
    })
  })

  t.test('dual registration needs a provider that is a school', async (t) => {
    now = at('2025-10-20')
    const r = await acceptedReferral()
    const body = await refused(t, () => post(placementBody(r.id, tuition, { registration: 'DUAL_REGISTERED' })), 422, [
      { path: '/registration', code: 'dual_registration_needs_school' }
    ])
    t.equal(body.errors.length, 1)
    t.match((await place(placementBody(r.id, tuition, { registration: 'ON_HOME_ROLL' }))).json(), {
      registration: 'ON_HOME_ROLL',
      homeAttendanceCode: 'B'
    })
  })

  t.test('Tier 3 in Years 10–11 needs the intended post-16 route', async (t) => {
    now = at('2025-10-20')
    for (const [year, dob] of [
      ['10', '2010-11-15'],
      ['11', '2009-12-01']
    ]) {
      const r = await acceptedReferral({ date_of_birth: dob }, { requestedTier: 3 })
      const body = await refused(t, () => post(placementBody(r.id, pru, { plan: tier3Plan })), 422, [
        { path: '/plan/intendedPost16Route', code: 'required' }
      ])
      t.equal(body.errors.length, 1, `Year ${year}: only the route is missing`)
      await place(
        placementBody(r.id, pru, {
          plan: { ...tier3Plan, intendedPost16Route: 'Level 2 construction at the FE college' }
        })
      )
    }
    const year9 = await acceptedReferral({ date_of_birth: '2011-10-01' }, { requestedTier: 3 })
    await place(placementBody(year9.id, pru, { plan: tier3Plan }))
    const noTransition = await acceptedReferral({}, { requestedTier: 3 })
    await refused(t, () => post(placementBody(noTransition.id, pru, { plan: { objectives: [objective] } })), 422, [
      { path: '/plan/transitionPlan', code: 'required' }
    ])
  })

  t.test('an off-site direction needs a planned end date', async (t) => {
    now = at('2025-10-20')
    const r = await acceptedReferral({}, { requestedTier: 3, legalBasis: 'OFF_SITE_DIRECTION_S29A', reasonCode: 'OSD' })
    const body = await refused(
      t,
      () =>
        post(placementBody(r.id, pru, { plannedEndDate: null, plan: tier3Plan, parentNoticeGivenOn: '2025-10-20' })),
      422,
      [{ path: '/plannedEndDate', code: 'required' }]
    )
    t.match(body.errors[0].message, /off-site direction/)
    t.equal(body.errors.length, 1)
  })

  t.test('off-site direction notice: at least 2 school days before the start', async (t) => {
    now = at('2025-10-20')
    const s29a = { legalBasis: 'OFF_SITE_DIRECTION_S29A', reasonCode: 'OSD' }
    // Starting Monday 3 November after half-term: 2 school days before is Thursday 23 October.
    const inTime = await acceptedReferral({}, s29a)
    const met = (await place(placementBody(inTime.id, pru, { parentNoticeGivenOn: '2025-10-20' }))).json()
    t.same(met.clocks, [
      {
        kind: 'OFF_SITE_NOTICE_PARENT',
        deadline: '2025-10-23',
        status: 'met',
        metOn: '2025-10-20',
        rule: 'Notice to the parent at least 2 school days before 2025-11-03'
      }
    ])

    const unsent = await acceptedReferral({}, s29a)
    const pending = await place(placementBody(unsent.id, pru))
    t.match(
      pending.json().clocks,
      [{ kind: 'OFF_SITE_NOTICE_PARENT', deadline: '2025-10-23', status: 'pending', metOn: null }],
      'no notice yet: pending'
    )

    now = at('2025-10-23')
    const justInTime = await app.inject({
      method: 'PATCH',
      url: `/v1/placements/${pending.json().id}`,
      headers: { ...coordinator, 'if-match': pending.headers.etag as string },
      payload: { parentNoticeGivenOn: '2025-10-23' }
    })
    t.equal(justInTime.statusCode, 200, justInTime.body.slice(0, 300))
    t.match(
      justInTime.json().clocks,
      [{ status: 'met', metOn: '2025-10-23' }],
      'notice on the 2nd school day before is in time'
    )

    now = at('2025-10-24')
    const late = await acceptedReferral({}, s29a)
    const oneDay = await place(placementBody(late.id, pru, { parentNoticeGivenOn: '2025-10-24' }))
    t.match(
      oneDay.json().clocks,
      [{ kind: 'OFF_SITE_NOTICE_PARENT', deadline: '2025-10-23', status: 'breached', metOn: '2025-10-24' }],
      'notice on the Friday before half-term is only 1 school day before the Monday after it'
    )

    now = at('2025-11-03')
    const body = await refused(t, () => activate(oneDay.json().id, oneDay.headers.etag as string), 422, [
      { path: '/parentNoticeGivenOn', code: 'notice_not_in_time' }
    ])
    t.equal(body.code, 'preconditions_unmet')
    t.equal(body.errors.length, 1, 'the late notice is the only thing in the way')
    t.equal((await getPlacement(oneDay.json().id)).json().status, 'PLANNED')
    const started = await activate(met.id, '"1"')
    t.equal(started.statusCode, 200, started.body.slice(0, 300))
    t.equal(started.json().status, 'ACTIVE', 'notice in time: it starts')
  })

  t.test('off-site direction for a pupil with an EHC plan also needs notice to the LA', async (t) => {
    now = at('2025-10-20')
    const r = await acceptedReferral(
      { sen_provision: 'E' },
      { legalBasis: 'OFF_SITE_DIRECTION_S29A', reasonCode: 'OSD', sendCaseworkerToldOn: '2025-10-16' }
    )
    const placed = await place(placementBody(r.id, pru, { parentNoticeGivenOn: '2025-10-20' }))
    t.match(placed.json().clocks, [
      { kind: 'OFF_SITE_NOTICE_PARENT', deadline: '2025-10-23', status: 'met' },
      { kind: 'OFF_SITE_NOTICE_LA', deadline: '2025-10-23', status: 'pending', metOn: null }
    ])
    t.equal(placed.json().clocks.length, 2)

    now = at('2025-11-03')
    const body = await refused(t, () => activate(placed.json().id, '"1"'), 422, [
      { path: '/laNoticeGivenOn', code: 'notice_not_in_time' }
    ])
    t.same(
      body.errors.map((e: FieldError) => e.path),
      ['/laNoticeGivenOn'],
      'only the LA notice is missing'
    )
    const noted = await app.inject({
      method: 'PATCH',
      url: `/v1/placements/${placed.json().id}`,
      headers: { ...coordinator, 'if-match': '"1"' },
      payload: { laNoticeGivenOn: '2025-10-21' }
    })
    t.equal(noted.statusCode, 200, noted.body.slice(0, 300))
    t.match(noted.json().clocks, [
      { kind: 'OFF_SITE_NOTICE_PARENT', status: 'met' },
      { kind: 'OFF_SITE_NOTICE_LA', status: 'met', metOn: '2025-10-21' }
    ])
    t.same(noted.json().activationBlockers, [])
    const started = await activate(placed.json().id, noted.headers.etag as string)
    t.equal(started.statusCode, 200, started.body.slice(0, 300))
    t.equal(started.json().status, 'ACTIVE')
  })

  t.test(
    'activation preconditions: safeguarding at an unregistered provider, LA told of a school placement',
    async (t) => {
      now = at('2025-10-20')
      const r = await acceptedReferral()
      const placed = await place(placementBody(r.id, unchecked, { registration: 'ON_HOME_ROLL', laNotifiedOn: null }))
      const id = placed.json().id
      t.match(placed.json(), { commissionerType: 'SCHOOL', homeAttendanceCode: 'B' })
      t.same(
        placed
          .json()
          .activationBlockers.map((b: FieldError) => b.code)
          .sort(),
        ['la_not_notified', 'not_started', 'safeguarding_unconfirmed']
      )

      now = at('2025-11-03')
      const body = await refused(t, () => activate(id, '"1"'), 422, [
        { path: '/providerId', code: 'safeguarding_unconfirmed' },
        { path: '/laNotifiedOn', code: 'la_not_notified' }
      ])
      t.equal(body.errors.length, 2, 'each unmet precondition named, nothing else')

      const stale = await refused(
        t,
        () =>
          app.inject({
            method: 'PATCH',
            url: `/v1/placements/${id}`,
            headers: { ...coordinator, 'if-match': '"7"' },
            payload: { laNotifiedOn: '2025-10-21' }
          }),
        412,
        []
      )
      t.equal(stale.code, 'precondition_failed')
      const future = await refused(
        t,
        () =>
          app.inject({
            method: 'PATCH',
            url: `/v1/placements/${id}`,
            headers: { ...coordinator, 'if-match': '"1"' },
            payload: { laNotifiedOn: '2025-11-04' }
          }),
        400,
        [{ path: '/laNotifiedOn', code: 'date_in_future' }]
      )
      t.equal(future.code, 'validation_failed')
      const notified = await app.inject({
        method: 'PATCH',
        url: `/v1/placements/${id}`,
        headers: { ...coordinator, 'if-match': '"1"' },
        payload: { laNotifiedOn: '2025-10-21' }
      })
      t.equal(notified.statusCode, 200, notified.body.slice(0, 300))
      t.match(notified.json(), {
        laNotifiedOn: '2025-10-21',
        activationBlockers: [{ path: '/providerId', code: 'safeguarding_unconfirmed' }]
      })
      t.equal(notified.json().activationBlockers.length, 1)
      await refused(t, () => activate(id, notified.headers.etag as string), 422, [
        { path: '/providerId', code: 'safeguarding_unconfirmed' }
      ])

      const provider = await app.inject({ method: 'GET', url: `/v1/providers/${unchecked}`, headers: laAdmin })
      const confirmed = await app.inject({
        method: 'PATCH',
        url: `/v1/providers/${unchecked}`,
        headers: { ...laAdmin, 'if-match': provider.headers.etag as string },
        payload: { safeguardingConfirmedOn: '2025-10-30' }
      })
      t.equal(confirmed.statusCode, 200, confirmed.body.slice(0, 300))
      const started = await activate(id, notified.headers.etag as string)
      t.equal(started.statusCode, 200, started.body.slice(0, 300))
      t.match(started.json(), { status: 'ACTIVE', activationBlockers: [] })
      t.equal(started.headers.etag, '"3"')
    }
  )

  t.test("the home school's attendance code: K, B or D", async (t) => {
    now = at('2025-10-20')
    const laArranged = await acceptedReferral(
      {},
      {
        legalBasis: 'LA_S19_PERMANENT_EXCLUSION',
        reasonCode: 'PEX',
        exclusions: [{ kind: 'PERMANENT', firstDay: '2025-10-20' }]
      },
      coordinator
    )
    t.match(
      (await place(placementBody(laArranged.id, tuition, { registration: 'ON_HOME_ROLL', laNotifiedOn: null }))).json(),
      { commissionerType: 'LA', commissionerSchoolId: null, homeAttendanceCode: 'K' },
      'LA-arranged provision at a setting that is not a school: K'
    )
    const schoolArranged = await acceptedReferral()
    t.match(
      (await place(placementBody(schoolArranged.id, tuition, { registration: 'ON_HOME_ROLL' }))).json(),
      { commissionerType: 'SCHOOL', commissionerSchoolId: world.own.schoolId, homeAttendanceCode: 'B' },
      'school-arranged, on the home roll: B'
    )
    const dual = await acceptedReferral()
    t.match(
      (await place(placementBody(dual.id, pru, { registration: 'DUAL_REGISTERED' }))).json(),
      { commissionerType: 'SCHOOL', registration: 'DUAL_REGISTERED', homeAttendanceCode: 'D' },
      'dual-registered at a school: D'
    )
    const laDual = await acceptedReferral({}, { legalBasis: 'LA_S19_HEALTH', reasonCode: 'HEALTH' }, coordinator)
    t.match(
      (await place(placementBody(laDual.id, pru, { registration: 'DUAL_REGISTERED' }))).json(),
      { commissionerType: 'LA', homeAttendanceCode: 'D' },
      'LA-arranged but dual-registered at the AP school: D'
    )
  })

  t.test('step-down from Tier 2 to Tier 1 ends the placement and opens the next in one transaction', async (t) => {
    now = at('2025-10-20')
    const r = await acceptedReferral()
    const placed = await place(placementBody(r.id, pru))
    now = at('2025-11-03')
    const active = await activate(placed.json().id, placed.headers.etag as string)
    t.equal(active.statusCode, 200, active.body.slice(0, 300))
    const id = active.json().id
    const etag = active.headers.etag as string
    const tier1 = {
      providerId: pru,
      startDate: '2026-01-05',
      plannedEndDate: '2026-03-27',
      sessionsAtProvider: 0,
      sessionsAtHomeSchool: 10,
      registration: 'ON_HOME_ROLL',
      plan: { objectives: [objective], readinessCriteria: 'Sustained 95% attendance' }
    }
    const stepDown = (payload: object, ifMatch = etag) =>
      app.inject({
        method: 'POST',
        url: `/v1/placements/${id}/step-down`,
        headers: { ...coordinator, 'if-match': ifMatch },
        payload
      })

    now = at('2025-12-15')
    const unchanged = async (t: Test) => {
      const current = await getPlacement(id)
      t.match(
        current.json(),
        { status: 'ACTIVE', endDate: null, endedReason: null },
        'the current placement is still ACTIVE'
      )
      t.equal(current.headers.etag, etag, 'at the same version')
    }
    const atProvider = await refused(
      t,
      () => stepDown({ ...tier1, sessionsAtProvider: 2, sessionsAtHomeSchool: 8 }),
      422,
      [{ path: '/sessionsAtProvider', code: 'tier1_in_school' }]
    )
    t.equal(atProvider.code, 'validation_failed')
    await unchanged(t)
    await refused(t, () => stepDown({ ...tier1, providerId: tier3Only }), 422, [
      { path: '/providerId', code: 'tier_not_offered' }
    ])
    await unchanged(t)
    await refused(t, () => stepDown({ ...tier1, plannedEndDate: '2026-01-02' }), 422, [
      { path: '/plannedEndDate', code: 'end_before_start' }
    ])
    await unchanged(t)
    await refused(t, () => stepDown({ ...tier1, startDate: '2025-11-03' }), 422, [
      { path: '/startDate', code: 'before_current_start' }
    ])
    await unchanged(t)
    await refused(t, () => stepDown(tier1, '"1"'), 412, [])
    await unchanged(t)

    const before = await counts()
    const moved = await stepDown(tier1)
    t.equal(moved.statusCode, 201, moved.body.slice(0, 400))
    const { ended, next } = moved.json()
    // It starts after today (15 December): the placement runs until 4 January, ending when the support starts.
    t.match(ended, {
      id,
      status: 'ACTIVE',
      tier: 2,
      endDate: '2026-01-04',
      endedReason: 'RETURNED_TO_HOME_SCHOOL_FULL_TIME'
    })
    t.match(next, {
      tier: 1,
      previousPlacementId: id,
      status: 'PLANNED',
      startDate: '2026-01-05',
      sessionsAtProvider: 0,
      sessionsAtHomeSchool: 10,
      registration: 'ON_HOME_ROLL',
      legalBasis: 'SCHOOL_COMMISSIONED',
      referralId: null
    })
    t.equal(moved.headers.location, `/v1/placements/${next.id}`)
    const after = await counts()
    t.equal(after.placement, before.placement + 1, 'one new placement')
    t.equal(
      after.placement_event,
      before.placement_event + 2,
      'a STEPPED_DOWN event on the old and a PLANNED event on the new'
    )
    t.match((await getPlacement(id)).json(), { status: 'ACTIVE', endDate: '2026-01-04' })
    const endedEtag = (await getPlacement(id)).headers.etag as string
    const again = await refused(t, () => stepDown(tier1, endedEtag), 409, [])
    t.equal(again.code, 'end_scheduled', 'a placement whose end is set cannot step down again')
  })
})
