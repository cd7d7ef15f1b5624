import { DateTime } from 'luxon'
import t from 'tap'
import { STAFFORDSHIRE_2025_26 } from '../../fixtures/calendars.js'
import { completeReferral, objective, placementBody } from '../../fixtures/bodies.js'
import { bearer, buildTestApp, countRows, insertPupil, makeWorld } from '../../helper.js'

t.test('refer, decide, place, activate, escalate', async (t) => {
  let now = DateTime.fromISO('2025-10-20T10:00:00', { zone: 'Europe/London' })
  const { app, db } = await buildTestApp(t, { clock: () => now })
  const world = await makeWorld(db)
  const school = bearer(world.own.tokens.school)
  const coordinator = bearer(world.own.tokens.coordinator)
  await app.inject({
    method: 'PUT',
    url: `/v1/local-authorities/${world.own.laCode}/calendars/2025-26`,
    headers: bearer(world.own.tokens.la_admin),
    payload: { halfTerms: STAFFORDSHIRE_2025_26 }
  })
  const pupil = await insertPupil(db, world.own, 1, { date_of_birth: '2012-05-01' })

  const incomplete = await app.inject({
    method: 'POST',
    url: '/v1/referrals',
    headers: school,
    payload: { pupilId: pupil.id, requestedTier: 2, legalBasis: 'SCHOOL_COMMISSIONED' }
  })
  t.equal(incomplete.statusCode, 422)
  t.equal(incomplete.json().code, 'referral_incomplete')
  t.same(
    incomplete
      .json()
      .errors.map((e: { path: string }) => e.path)
      .sort(),
    [
      '/baselineAttendancePct',
      '/baselineFrom',
      '/baselineTo',
      '/interventionsTried',
      '/needsSummary',
      '/parentConsultedOn',
      '/proposedObjectives',
      '/pupilViews',
      '/reasonCode'
    ],
    'each missing item named'
  )

  const laBasis = await app.inject({
    method: 'POST',
    url: '/v1/referrals',
    headers: school,
    payload: completeReferral(pupil.id, { legalBasis: 'LA_S19_PERMANENT_EXCLUSION' })
  })
  t.equal(laBasis.statusCode, 422, 'a school cannot refer on an LA basis')

  const created = await app.inject({
    method: 'POST',
    url: '/v1/referrals',
    headers: school,
    payload: completeReferral(pupil.id)
  })
  t.equal(created.statusCode, 201, created.body)
  const referral = created.json()
  t.match(referral, {
    status: 'SUBMITTED',
    laCode: world.own.laCode,
    referringSchoolId: world.own.schoolId,
    submittedOn: '2025-10-20',
    decisionDueOn: '2025-11-10',
    decisionOverdue: false,
    estimatedCalendar: false
  })

  const bySchool = await app.inject({
    method: 'POST',
    url: `/v1/referrals/${referral.id}/decision`,
    headers: school,
    payload: { decision: 'ACCEPT' }
  })
  t.equal(bySchool.statusCode, 403, 'a school cannot decide')
  const otherLa = await app.inject({
    method: 'POST',
    url: `/v1/referrals/${referral.id}/decision`,
    headers: bearer(world.other.tokens.coordinator),
    payload: { decision: 'ACCEPT' }
  })
  t.equal(otherLa.statusCode, 404, "another LA's coordinator cannot see it")
  const declineNoReason = await app.inject({
    method: 'POST',
    url: `/v1/referrals/${referral.id}/decision`,
    headers: coordinator,
    payload: { decision: 'DECLINE' }
  })
  t.equal(declineNoReason.statusCode, 400)
  t.equal(declineNoReason.json().errors[0].path, '/reason')

  const notAccepted = await app.inject({
    method: 'POST',
    url: '/v1/placements',
    headers: coordinator,
    payload: placementBody(referral.id, world.own.providerId)
  })
  t.equal(notAccepted.statusCode, 422)
  t.equal(notAccepted.json().code, 'referral_not_accepted')

  const accepted = await app.inject({
    method: 'POST',
    url: `/v1/referrals/${referral.id}/decision`,
    headers: coordinator,
    payload: { decision: 'ACCEPT' }
  })
  t.equal(accepted.statusCode, 200)
  t.equal(accepted.json().status, 'ACCEPTED')
  const again = await app.inject({
    method: 'POST',
    url: `/v1/referrals/${referral.id}/decision`,
    headers: coordinator,
    payload: { decision: 'DECLINE', reason: 'x' }
  })
  t.equal(again.statusCode, 409)

  const before = await countRows(db, 'placement')
  const bad: [string, Record<string, unknown>, string, string][] = [
    ['end before start', { plannedEndDate: '2025-10-31' }, '/plannedEndDate', 'end_before_start'],
    ['Tier 2 without a planned end', { plannedEndDate: null }, '/plannedEndDate', 'required'],
    ['Tier 2 longer than the LA limit', { plannedEndDate: '2026-07-17' }, '/plannedEndDate', 'tier_limit_exceeded'],
    [
      'Tier 2 without a reintegration plan',
      { plan: { objectives: [objective] } },
      '/plan/reintegrationPlan',
      'required'
    ],
    ['sessions over 10', { sessionsAtProvider: 11 }, '/sessionsAtProvider', 'maximum'],
    [
      'sessions adding past 10',
      { sessionsAtProvider: 8, sessionsAtHomeSchool: 4 },
      '/sessionsAtHomeSchool',
      'over_full_time'
    ],
    ['part time without a plan', { sessionsAtProvider: 4, sessionsAtHomeSchool: 2 }, '/partTimePlan', 'required'],
    ['an unknown reason code', { reasonCode: 'NOPE' }, '/reasonCode', 'unknown_reason_code']
  ]
  for (const [name, extra, path, code] of bad) {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/placements',
      headers: coordinator,
      payload: placementBody(referral.id, world.own.providerId, extra)
    })
    const want = code === 'maximum' ? 400 : 422 // the schema's range: 400; the placement rules: 422
    t.equal(res.statusCode, want, `${name} → ${want}: ${res.body.slice(0, 200)}`)
    t.ok(
      res.json().errors.some((e: { path: string; code: string }) => e.path === path && e.code === code),
      `${name} names ${path} ${code}`
    )
  }
  await db.deleteFrom('provider_tier').where('provider_id', '=', world.own.providerId).where('tier', '=', 2).execute()
  const noTier = await app.inject({
    method: 'POST',
    url: '/v1/placements',
    headers: coordinator,
    payload: placementBody(referral.id, world.own.providerId)
  })
  t.equal(noTier.statusCode, 422)
  t.match(noTier.json().errors, [{ path: '/providerId', code: 'tier_not_offered' }])
  await db.insertInto('provider_tier').values({ provider_id: world.own.providerId, tier: 2, places: 10 }).execute()
  t.equal(await countRows(db, 'placement'), before, 'nothing written by bad input')

  const placed = await app.inject({
    method: 'POST',
    url: '/v1/placements',
    headers: coordinator,
    payload: placementBody(referral.id, world.own.providerId)
  })
  t.equal(placed.statusCode, 201, placed.body)
  const placement = placed.json()
  t.match(placement, {
    status: 'PLANNED',
    tier: 2,
    commissionerType: 'SCHOOL',
    commissionerSchoolId: world.own.schoolId,
    homeAttendanceCode: 'D',
    firstReviewDueOn: '2025-12-01',
    partTime: false
  })
  t.match(placement.activationBlockers, [{ code: 'not_started' }])

  const early = await app.inject({
    method: 'POST',
    url: `/v1/placements/${placement.id}/activation`,
    headers: { ...coordinator, 'if-match': '"1"' },
    payload: {}
  })
  t.equal(early.statusCode, 422)
  t.match(early.json().errors, [{ code: 'not_started' }])

  const second = await app.inject({
    method: 'POST',
    url: '/v1/referrals',
    headers: school,
    payload: completeReferral(pupil.id)
  })
  await app.inject({
    method: 'POST',
    url: `/v1/referrals/${second.json().id}/decision`,
    headers: coordinator,
    payload: { decision: 'ACCEPT' }
  })
  const overlap = await app.inject({
    method: 'POST',
    url: '/v1/placements',
    headers: coordinator,
    payload: placementBody(second.json().id, world.own.providerId, {
      startDate: '2026-01-05',
      plannedEndDate: '2026-03-27'
    })
  })
  t.equal(overlap.statusCode, 409)
  t.match(overlap.json(), { code: 'placement_overlap', detail: new RegExp(`placement ${placement.id}`) })

  now = DateTime.fromISO('2025-11-03T09:00:00', { zone: 'Europe/London' })
  const active = await app.inject({
    method: 'POST',
    url: `/v1/placements/${placement.id}/activation`,
    headers: { ...coordinator, 'if-match': '"1"' },
    payload: {}
  })
  t.equal(active.statusCode, 200, active.body)
  t.equal(active.json().status, 'ACTIVE')

  const providerView = await app.inject({
    method: 'GET',
    url: `/v1/pupils/${pupil.id}`,
    headers: bearer(world.own.tokens.provider)
  })
  t.equal(providerView.statusCode, 200, 'the provider now sees the pupil placed with it')

  const paused = await app.inject({
    method: 'POST',
    url: `/v1/placements/${placement.id}/pause`,
    headers: { ...coordinator, 'if-match': active.headers.etag as string },
    payload: { reason: 'Hospital stay' }
  })
  t.match(paused.json(), { status: 'PAUSED', pauseReason: 'Hospital stay' })
  const resumed = await app.inject({
    method: 'POST',
    url: `/v1/placements/${placement.id}/resumption`,
    headers: { ...coordinator, 'if-match': paused.headers.etag as string },
    payload: {}
  })
  t.equal(resumed.json().status, 'ACTIVE')

  const escalated = await app.inject({
    method: 'POST',
    url: `/v1/placements/${placement.id}/escalation`,
    headers: { ...coordinator, 'if-match': resumed.headers.etag as string },
    payload: {
      providerId: world.own.providerId,
      startDate: '2026-01-05',
      plannedEndDate: null,
      sessionsAtProvider: 10,
      sessionsAtHomeSchool: 0,
      registration: 'DUAL_REGISTERED',
      plan: { objectives: [objective], transitionPlan: 'Move to a new mainstream school via Fair Access' }
    }
  })
  t.equal(escalated.statusCode, 201, escalated.body)
  t.match(escalated.json(), {
    ended: { status: 'ENDED', endDate: '2026-01-04', endedReason: 'ESCALATED_TIER_2_TO_3' },
    next: { tier: 3, previousPlacementId: placement.id, status: 'PLANNED' }
  })

  const journey = await app.inject({ method: 'GET', url: `/v1/pupils/${pupil.id}/journey`, headers: school })
  t.equal(journey.statusCode, 200)
  t.same(
    journey.json().events.map((e: { date: string; kind: string }) => `${e.date} ${e.kind}`),
    [
      // The same day in the order recorded: the first referral was placed before the second was made.
      '2025-10-20 REFERRAL_SUBMITTED',
      '2025-10-20 REFERRAL_ACCEPTED',
      '2025-10-20 PLACEMENT_PLANNED',
      '2025-10-20 REFERRAL_SUBMITTED',
      '2025-10-20 REFERRAL_ACCEPTED',
      '2025-11-03 PLACEMENT_ACTIVATED',
      '2025-11-03 PLACEMENT_PAUSED',
      '2025-11-03 PLACEMENT_RESUMED',
      '2025-11-03 PLACEMENT_PLANNED',
      '2026-01-04 PLACEMENT_ESCALATED'
    ],
    'the chronology in date order'
  )
  t.ok(
    journey.json().events.some((e: { kind: string }) => e.kind === 'PLACEMENT_ESCALATED'),
    'the tier move is in the journey'
  )
  const otherJourney = await app.inject({
    method: 'GET',
    url: `/v1/pupils/${pupil.id}/journey`,
    headers: bearer(world.other.tokens.coordinator)
  })
  t.equal(otherJourney.statusCode, 404)
})

t.test("the pupil's home LA follows a placement another LA arranged, but cannot change it", async (t) => {
  let now = DateTime.fromISO('2025-10-20T10:00:00', { zone: 'Europe/London' })
  const { app, db } = await buildTestApp(t, { clock: () => now })
  const world = await makeWorld(db)
  const coordinator = bearer(world.own.tokens.coordinator)
  const homeLa = bearer(world.other.tokens.coordinator)
  const pupil = await insertPupil(db, world.own, 1)
  const referral = (
    await app.inject({
      method: 'POST',
      url: '/v1/referrals',
      headers: bearer(world.own.tokens.school),
      payload: completeReferral(pupil.id)
    })
  ).json()
  await app.inject({
    method: 'POST',
    url: `/v1/referrals/${referral.id}/decision`,
    headers: coordinator,
    payload: { decision: 'ACCEPT' }
  })
  const placement = (
    await app.inject({
      method: 'POST',
      url: '/v1/placements',
      headers: coordinator,
      payload: placementBody(referral.id, world.own.providerId)
    })
  ).json()
  t.equal(
    (await app.inject({ method: 'GET', url: `/v1/placements/${placement.id}`, headers: homeLa })).statusCode,
    404,
    "not yet the other LA's resident"
  )

  // The family moves to the other LA; the pupil stays at the school. The placement's copy of the home LA follows.
  const moved = await app.inject({
    method: 'PATCH',
    url: `/v1/pupils/${pupil.id}`,
    headers: { ...coordinator, 'if-match': '"1"' },
    payload: { homeLaCode: world.other.laCode }
  })
  t.equal(moved.statusCode, 200, moved.body)
  const read = await app.inject({ method: 'GET', url: `/v1/placements/${placement.id}`, headers: homeLa })
  t.equal(read.statusCode, 200, 'the home LA now sees the placement')
  const patch = await app.inject({
    method: 'PATCH',
    url: `/v1/placements/${placement.id}`,
    headers: { ...homeLa, 'if-match': read.headers.etag as string },
    payload: { laNotifiedOn: '2025-10-20' }
  })
  t.equal(patch.statusCode, 404, 'but cannot change it')
  now = DateTime.fromISO('2025-11-03T10:00:00', { zone: 'Europe/London' })
  const activate = await app.inject({
    method: 'POST',
    url: `/v1/placements/${placement.id}/activation`,
    headers: { ...homeLa, 'if-match': read.headers.etag as string },
    payload: {}
  })
  t.equal(activate.statusCode, 404, 'nor start it')
  const audit = await db
    .selectFrom('audit_event')
    .select(['pupil_la_code'])
    .where('entity', '=', 'placement')
    .where('actor_la_code', '=', world.other.laCode)
    .execute()
  t.ok(
    audit.length >= 1 && audit.every((a) => a.pupil_la_code === world.other.laCode),
    "the home LA's reads are in its own audit trail"
  )
})
