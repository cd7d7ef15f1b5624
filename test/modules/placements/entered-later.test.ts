import type { LightMyRequestResponse } from 'fastify'
import t, { type Test } from 'tap'
import { at, completeReferral, objective, placementBody, review } from '../../fixtures/bodies.js'
import { acceptedReferral, activePlacement, newPupil, staffordshireWorld } from '../../fixtures/world.js'
import { bearer, countRows } from '../../helper.js'

/**
 * Issue 11 §4: cases entered after the event. Every lifecycle rule is judged at the event's own date; a
 * referral keeps the date it was received; the journey reads in the order things happened; escalations and
 * step-downs carry the attendance baseline and notify the LA by definition; a step-down that starts later
 * ends the current placement the day before, not at once. Term dates are Staffordshire's 2025/26.
 */

let now = at('2025-10-20')
const w = await staffordshireWorld(t, () => now, { places: 100 })
const { app, db, world } = w
const coordinator = bearer(world.own.tokens.coordinator)
const school = bearer(world.own.tokens.school)

const TABLES = ['referral', 'placement', 'placement_event', 'placement_outcome', 'audit_event'] as const
const counts = async () => Object.fromEntries(await Promise.all(TABLES.map(async (n) => [n, await countRows(db, n)])))

function problem(t: Test, res: LightMyRequestResponse, status: number, path: string, code: string) {
  t.equal(res.statusCode, status, `${status}: ${res.body.slice(0, 300)}`)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  t.ok(
    res.json().errors.some((e: { path: string; code: string }) => e.path === path && e.code === code),
    `names ${path} ${code}`
  )
}

const tier3Next = (startDate: string) => ({
  providerId: world.own.providerId,
  startDate,
  plannedEndDate: null,
  sessionsAtProvider: 10,
  sessionsAtHomeSchool: 0,
  registration: 'DUAL_REGISTERED',
  plan: { objectives: [objective], transitionPlan: 'Move to a new mainstream school via Fair Access' }
})
const tier1Next = (startDate: string) => ({
  providerId: world.own.providerId,
  startDate,
  plannedEndDate: null,
  sessionsAtProvider: 0,
  sessionsAtHomeSchool: 10,
  registration: 'ON_HOME_ROLL',
  plan: { objectives: [objective] }
})

/** A pupil referred (received `receivedOn`), accepted and placed from `start`, all entered today; activated. */
async function placed(opts: { receivedOn?: string; start?: string } = {}) {
  const pupil = await newPupil(w)
  const referral = await acceptedReferral(w, pupil.id, { receivedOn: opts.receivedOn ?? '2025-10-20' })
  const active = await activePlacement(w, referral.id, { startDate: opts.start ?? '2025-11-03' })
  return { pupilId: pupil.id, referralId: referral.id, ...active }
}
const getPlacement = async (id: string) => {
  const res = await app.inject({ method: 'GET', url: `/v1/placements/${id}`, headers: coordinator })
  return { body: res.json(), etag: res.headers.etag as string }
}
const hold = (id: string, payload: Record<string, unknown>) =>
  app.inject({ method: 'POST', url: `/v1/placements/${id}/reviews`, headers: coordinator, payload })

t.test('a referral received earlier keeps its date; the decision deadline counts from it', async (t) => {
  now = at('2025-11-24')
  const pupil = await newPupil(w)
  const res = await app.inject({
    method: 'POST',
    url: '/v1/referrals',
    headers: school,
    payload: completeReferral(pupil.id, { receivedOn: '2025-10-20' })
  })
  t.equal(res.statusCode, 201, res.body)
  // Ten school days (the default) from 20 October, across the half-term of 27–31 October.
  t.match(res.json(), {
    receivedOn: '2025-10-20',
    submittedOn: '2025-11-24',
    decisionDueOn: '2025-11-10',
    decisionOverdue: true
  })
  const plain = await app.inject({
    method: 'POST',
    url: '/v1/referrals',
    headers: school,
    payload: completeReferral(pupil.id)
  })
  t.match(plain.json(), { receivedOn: '2025-11-24', submittedOn: '2025-11-24' }, 'received today by default')
})

t.test('bad receivedOn: 400 naming the field, nothing written', async (t) => {
  now = at('2025-11-24')
  const pupil = await newPupil(w)
  const before = await counts()
  problem(
    t,
    await app.inject({
      method: 'POST',
      url: '/v1/referrals',
      headers: school,
      payload: completeReferral(pupil.id, { receivedOn: '2025-11-25' })
    }),
    400,
    '/receivedOn',
    'date_in_future'
  )
  problem(
    t,
    await app.inject({
      method: 'POST',
      url: '/v1/referrals',
      headers: school,
      payload: completeReferral(pupil.id, { receivedOn: '1899-12-31' })
    }),
    400,
    '/receivedOn',
    'pattern'
  )
  problem(
    t,
    await app.inject({
      method: 'POST',
      url: '/v1/referrals',
      headers: school,
      payload: completeReferral(pupil.id, { receivedOn: '2025-02-30' })
    }),
    400,
    '/receivedOn',
    'format'
  )
  t.same(await counts(), before, 'nothing written')
})

t.test('a placement cannot start before its referral was received', async (t) => {
  now = at('2025-11-24')
  const pupil = await newPupil(w)
  const referral = await app.inject({
    method: 'POST',
    url: '/v1/referrals',
    headers: school,
    payload: completeReferral(pupil.id, { receivedOn: '2025-11-05' })
  })
  await app.inject({
    method: 'POST',
    url: `/v1/referrals/${referral.json().id}/decision`,
    headers: coordinator,
    payload: { decision: 'ACCEPT' }
  })
  const before = await counts()
  const early = await app.inject({
    method: 'POST',
    url: '/v1/placements',
    headers: coordinator,
    payload: placementBody(referral.json().id, world.own.providerId, { startDate: '2025-11-03' })
  })
  problem(t, early, 422, '/startDate', 'start_before_referral')
  t.match(early.json().detail, /2025-11-05/, 'names the received date')
  t.same(await counts(), before, 'nothing written')
  const onTheDay = await app.inject({
    method: 'POST',
    url: '/v1/placements',
    headers: coordinator,
    payload: placementBody(referral.json().id, world.own.providerId, { startDate: '2025-11-05' })
  })
  t.equal(onTheDay.statusCode, 201, onTheDay.body)
  const moved = await app.inject({
    method: 'PATCH',
    url: `/v1/placements/${onTheDay.json().id}`,
    headers: { ...coordinator, 'if-match': onTheDay.headers.etag as string },
    payload: { startDate: '2025-11-04' }
  })
  problem(t, moved, 422, '/startDate', 'start_before_referral')
})

t.test('an escalation entered later is judged at its own date, and the journey reads in order', async (t) => {
  // Everything typed in on 2 February 2026: referral received 20 October, placed from 3 November, reviewed
  // 20 November and 12 December (next review by 23 January), escalated to Tier 3 from 5 January.
  now = at('2026-02-02')
  const p = await placed({ receivedOn: '2025-10-20' })
  t.equal((await hold(p.id, review({ heldOn: '2025-11-20', nextReviewOn: '2025-12-12' }))).statusCode, 201)
  const second = await hold(
    p.id,
    review({ heldOn: '2025-12-12', decision: 'ESCALATE_TIER', nextReviewOn: '2026-01-23' })
  )
  t.equal(second.statusCode, 201, second.body)
  const { body, etag } = await getPlacement(p.id)
  t.match(body, { nextReviewDueOn: '2026-01-23', reviewOverdue: true }, 'overdue today')
  const escalated = await app.inject({
    method: 'POST',
    url: `/v1/placements/${p.id}/escalation`,
    headers: { ...coordinator, 'if-match': etag },
    payload: tier3Next('2026-01-05')
  })
  t.equal(escalated.statusCode, 201, `not overdue on 5 January: ${escalated.body.slice(0, 300)}`)
  t.match(
    escalated.json(),
    {
      ended: {
        status: 'ENDED',
        endDate: '2026-01-04',
        endedReason: 'ESCALATED_TIER_2_TO_3',
        baselineAttendancePct: 62.5
      },
      next: { tier: 3, startDate: '2026-01-05', laNotifiedOn: '2026-01-05', baselineAttendancePct: 62.5 }
    },
    'the Tier 3 placement carries the baseline; the LA was notified when it took effect'
  )

  const journey = await app.inject({ method: 'GET', url: `/v1/pupils/${p.pupilId}/journey`, headers: coordinator })
  t.equal(journey.statusCode, 200, journey.body.slice(0, 300))
  const events = journey.json().events as { occurredOn: string; recordedAt: string; date: string; kind: string }[]
  for (const e of events) {
    t.match(e.occurredOn, /^\d{4}-\d{2}-\d{2}$/)
    t.ok(!Number.isNaN(Date.parse(e.recordedAt)), `${e.kind} has recordedAt`)
    t.equal(e.date, e.occurredOn)
  }
  t.same(
    events.map((e) => e.occurredOn),
    events.map((e) => e.occurredOn).sort(),
    'ordered by occurredOn'
  )
  const order = events
    .filter((e) => !['CLOCK_DEADLINE', 'FOLLOW_UP_DUE'].includes(e.kind))
    .map((e) => `${e.occurredOn} ${e.kind}`)
  t.same(
    order,
    [
      '2025-10-20 REFERRAL_SUBMITTED',
      '2025-11-03 REFERRAL_ACCEPTED',
      '2025-11-03 PLACEMENT_PLANNED',
      '2025-11-03 PLACEMENT_ACTIVATED',
      '2025-11-20 REVIEW_HELD',
      '2025-12-12 REVIEW_HELD',
      '2026-01-04 PLACEMENT_ESCALATED',
      '2026-01-05 PLACEMENT_PLANNED'
    ],
    'referred, placed, reviewed, then escalated: the order things happened'
  )
})

t.test('a move dated before a review already held is refused', async (t) => {
  now = at('2026-01-12')
  const p = await placed()
  t.equal((await hold(p.id, review({ heldOn: '2025-11-20', nextReviewOn: '2025-12-12' }))).statusCode, 201)
  const { etag } = await getPlacement(p.id)
  const before = await counts()
  const res = await app.inject({
    method: 'POST',
    url: `/v1/placements/${p.id}/escalation`,
    headers: { ...coordinator, 'if-match': etag },
    payload: tier3Next('2025-11-17')
  })
  problem(t, res, 422, '/startDate', 'review_after_move')
  t.same(await counts(), before, 'nothing written')
})

t.test('a step-down that starts later ends the placement the day before, not at once', async (t) => {
  now = at('2025-11-24')
  const p = await placed()
  const reviewed = await hold(p.id, review({ heldOn: '2025-11-24', decision: 'CONTINUE', nextReviewOn: '2025-12-12' }))
  t.equal(reviewed.statusCode, 201, reviewed.body.slice(0, 400))
  const { etag } = await getPlacement(p.id)
  const res = await app.inject({
    method: 'POST',
    url: `/v1/placements/${p.id}/step-down`,
    headers: { ...coordinator, 'if-match': etag },
    payload: tier1Next('2025-12-15')
  })
  t.equal(res.statusCode, 201, res.body.slice(0, 300))
  t.match(
    res.json(),
    {
      ended: {
        status: 'ACTIVE',
        endDate: '2025-12-14',
        endedReason: 'RETURNED_TO_HOME_SCHOOL_FULL_TIME',
        nextReviewDueOn: '2025-12-12'
      },
      next: {
        tier: 1,
        status: 'PLANNED',
        startDate: '2025-12-15',
        laNotifiedOn: '2025-11-24',
        baselineAttendancePct: 62.5
      }
    },
    'still running until 14 December, reviewed until then; the LA notified today'
  )
  const nextId = res.json().next.id as string

  // Until it ends, the pupil is still there: a review is held; a second move or another outcome is refused.
  now = at('2025-12-08')
  t.equal(
    (await hold(p.id, review({ heldOn: '2025-12-08', decision: 'CONTINUE', nextReviewOn: '2025-12-12' }))).statusCode,
    201,
    'reviewed while it runs'
  )
  const current = await getPlacement(p.id)
  const before = await counts()
  const again = await app.inject({
    method: 'POST',
    url: `/v1/placements/${p.id}/step-down`,
    headers: { ...coordinator, 'if-match': current.etag },
    payload: tier1Next('2025-12-16')
  })
  t.equal(again.statusCode, 409, again.body)
  t.equal(again.json().code, 'end_scheduled')
  const closed = await app.inject({
    method: 'POST',
    url: `/v1/placements/${p.id}/outcome`,
    headers: { ...coordinator, 'if-match': current.etag },
    payload: { code: 'PLACEMENT_BROKE_DOWN', effectiveDate: '2025-12-08', reasons: 'x', finalReviewMissingReason: 'x' }
  })
  t.equal(closed.statusCode, 409, closed.body.slice(0, 200))
  t.same(await counts(), before, 'nothing written')

  // On the day the support starts, it is activated and the placement it follows ends.
  now = at('2025-12-15')
  const next = await getPlacement(nextId)
  const active = await app.inject({
    method: 'POST',
    url: `/v1/placements/${nextId}/activation`,
    headers: { ...coordinator, 'if-match': next.etag },
    payload: {}
  })
  t.equal(active.statusCode, 200, active.body.slice(0, 300))
  t.match((await getPlacement(p.id)).body, { status: 'ENDED', endDate: '2025-12-14', nextReviewDueOn: null })
})

t.test('a coordinator sets a baseline where there is none to carry; compliance and attendance use it', async (t) => {
  now = at('2025-11-24')
  const p = await placed()
  // Data from before baselines were required: the referral (and so the placement) has none.
  await db.updateTable('referral').set({ baseline_attendance_pct: null }).where('id', '=', p.referralId).execute()
  await db.updateTable('placement').set({ baseline_attendance_pct: null }).where('id', '=', p.id).execute()
  const { etag } = await getPlacement(p.id)
  const escalated = await app.inject({
    method: 'POST',
    url: `/v1/placements/${p.id}/escalation`,
    headers: { ...coordinator, 'if-match': etag },
    payload: tier3Next('2025-11-24')
  })
  t.equal(escalated.statusCode, 201, escalated.body.slice(0, 300))
  const tier3 = escalated.json().next as { id: string; baselineAttendancePct: number | null }
  t.equal(tier3.baselineAttendancePct, null)
  const flagged = async () => {
    const report = await app.inject({
      method: 'GET',
      url: `/v1/local-authorities/${world.own.laCode}/reports/compliance`,
      headers: coordinator
    })
    return (
      report.json().checks.find((c: { kind: string }) => c.kind === 'NO_BASELINE').items as { placementId: string }[]
    ).some((i) => i.placementId === tier3.id)
  }
  t.ok(await flagged(), 'NO_BASELINE before')

  const view = await getPlacement(tier3.id)
  const before = await counts()
  const bad = await app.inject({
    method: 'PATCH',
    url: `/v1/placements/${tier3.id}`,
    headers: { ...coordinator, 'if-match': view.etag },
    payload: { baselineAttendancePct: 101 }
  })
  problem(t, bad, 400, '/baselineAttendancePct', 'maximum')
  t.same(await counts(), before, 'nothing written')
  const set = await app.inject({
    method: 'PATCH',
    url: `/v1/placements/${tier3.id}`,
    headers: { ...coordinator, 'if-match': view.etag },
    payload: { baselineAttendancePct: 71.5 }
  })
  t.equal(set.statusCode, 200, set.body.slice(0, 300))
  t.match(set.json(), { baselineAttendancePct: 71.5, attendance: { baselinePct: 71.5 } })
  t.notOk(await flagged(), 'no longer NO_BASELINE')

  // A placement from a referral with a baseline takes it from there.
  const q = await placed()
  const fromReferral = await app.inject({
    method: 'PATCH',
    url: `/v1/placements/${q.id}`,
    headers: { ...coordinator, 'if-match': q.etag },
    payload: { baselineAttendancePct: 50 }
  })
  problem(t, fromReferral, 422, '/baselineAttendancePct', 'baseline_from_referral')
})
