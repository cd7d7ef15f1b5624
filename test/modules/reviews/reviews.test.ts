import { DateTime } from 'luxon'
import t from 'tap'
import { STAFFORDSHIRE_2025_26 } from '../../fixtures/calendars.js'
import { bearer, buildTestApp, countRows, insertPupil, makeWorld } from '../../helper.js'
import { completeReferral, placementBody, review } from '../../fixtures/bodies.js'

t.test('review schedule, holding reviews, extensions, requests and the worklist', async (t) => {
  let now = DateTime.fromISO('2025-10-20T10:00:00', { zone: 'Europe/London' })
  const { app, db } = await buildTestApp(t, { clock: () => now })
  const world = await makeWorld(db)
  const coordinator = bearer(world.own.tokens.coordinator)
  await app.inject({
    method: 'PUT',
    url: `/v1/local-authorities/${world.own.laCode}/calendars/2025-26`,
    headers: bearer(world.own.tokens.la_admin),
    payload: { halfTerms: STAFFORDSHIRE_2025_26 }
  })
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
  t.match(placement, { nextReviewDueOn: '2025-12-01', nextReviewRule: 'FIRST_REVIEW', reviewOverdue: false })
  now = DateTime.fromISO('2025-11-03T09:00:00', { zone: 'Europe/London' })
  await app.inject({
    method: 'POST',
    url: `/v1/placements/${placement.id}/activation`,
    headers: { ...coordinator, 'if-match': '"1"' },
    payload: {}
  })

  now = DateTime.fromISO('2025-11-24T09:00:00', { zone: 'Europe/London' })
  const work = await app.inject({ method: 'GET', url: '/v1/worklist?withinSchoolDays=10', headers: coordinator })
  t.equal(work.statusCode, 200)
  t.match(work.json().results, [
    { kind: 'REVIEW_DUE', dueDate: '2025-12-01', placementId: placement.id, overdueSchoolDays: 0 }
  ])

  const before = await countRows(db, 'review')
  const bad: [string, Record<string, unknown>, number, string][] = [
    ['in the future', { heldOn: '2025-11-25' }, 422, '/heldOn'],
    ['before the placement', { heldOn: '2025-10-31' }, 422, '/heldOn'],
    ['next review later than the rule allows', { nextReviewOn: '2026-02-27' }, 422, '/nextReviewOn'],
    ['a decision not in the list', { decision: 'PARTY' }, 400, '/decision'],
    ['EXTEND without an extension', { decision: 'EXTEND' }, 400, '/extension'],
    ['objective missing', { objectives: [] }, 400, '/objectives']
  ]
  for (const [name, extra, status, path] of bad) {
    const res = await app.inject({
      method: 'POST',
      url: `/v1/placements/${placement.id}/reviews`,
      headers: coordinator,
      payload: review(extra)
    })
    t.equal(res.statusCode, status, `${name} → ${status}`)
    t.ok(
      res.json().errors.some((e: { path: string }) => e.path === path),
      `${name} names ${path}: ${res.body.slice(0, 200)}`
    )
  }
  const otherProvider = await app.inject({
    method: 'POST',
    url: `/v1/placements/${placement.id}/reviews`,
    headers: bearer(world.other.tokens.provider),
    payload: review()
  })
  t.equal(otherProvider.statusCode, 404, "a provider cannot review another provider's placement")
  t.equal(await countRows(db, 'review'), before, 'nothing written')

  const held = await app.inject({
    method: 'POST',
    url: `/v1/placements/${placement.id}/reviews`,
    headers: bearer(world.own.tokens.provider),
    payload: review()
  })
  t.equal(held.statusCode, 201, held.body)
  const after = (
    await app.inject({ method: 'GET', url: `/v1/placements/${placement.id}`, headers: coordinator })
  ).json()
  t.match(
    after,
    { nextReviewDueOn: '2025-12-12', nextReviewRule: 'SET_AT_REVIEW', lastReviewOn: '2025-11-20', reviewCount: 1 },
    'the earlier date chosen at the review'
  )
  const listed = await app.inject({ method: 'GET', url: `/v1/placements?pupilId=${pupil.id}`, headers: coordinator })
  t.match(
    listed.json().results,
    [{ id: placement.id, lastReviewOn: '2025-11-20', reviewCount: 1 }],
    'lists carry the review summary too'
  )

  const view = await app.inject({
    method: 'PUT',
    url: `/v1/placements/${placement.id}/reviews/${held.json().id}/school-view`,
    headers: bearer(world.own.tokens.school),
    payload: { view: 'Staff see a calmer pupil on his home-school days' }
  })
  t.equal(view.statusCode, 200)
  t.equal(view.json().schoolView, 'Staff see a calmer pupil on his home-school days')

  // Extension past the Tier 2 limit (26 school weeks) needs LA approval.
  now = DateTime.fromISO('2025-12-10T09:00:00', { zone: 'Europe/London' })
  const extendFar = review({
    heldOn: '2025-12-10',
    decision: 'EXTEND',
    extension: { newPlannedEnd: '2026-07-17', reasons: 'Needs more time' },
    nextReviewOn: '2026-01-16'
  })
  const refused = await app.inject({
    method: 'POST',
    url: `/v1/placements/${placement.id}/reviews`,
    headers: coordinator,
    payload: extendFar
  })
  t.equal(refused.statusCode, 422)
  t.equal(refused.json().code, 'extension_needs_la_approval')
  const approval = await app.inject({
    method: 'POST',
    url: `/v1/placements/${placement.id}/extension-approvals`,
    headers: bearer(world.own.tokens.la_admin),
    payload: { upTo: '2026-07-17', reason: 'Panel agreed' }
  })
  t.equal(approval.statusCode, 201)
  const extended = await app.inject({
    method: 'POST',
    url: `/v1/placements/${placement.id}/reviews`,
    headers: coordinator,
    payload: extendFar
  })
  t.equal(extended.statusCode, 201, extended.body)
  const got = await app.inject({ method: 'GET', url: `/v1/placements/${placement.id}`, headers: coordinator })
  t.match(got.json(), { plannedEndDate: '2026-07-17', extensionCount: 1 })

  // Overdue: the next review (16 January) passes; escalation is refused.
  now = DateTime.fromISO('2026-01-21T09:00:00', { zone: 'Europe/London' })
  const overdue = await app.inject({ method: 'GET', url: '/v1/worklist?kind=REVIEW_OVERDUE', headers: coordinator })
  t.match(overdue.json().results, [{ kind: 'REVIEW_OVERDUE', dueDate: '2026-01-16', overdueSchoolDays: 3 }])
  const escalate = await app.inject({
    method: 'POST',
    url: `/v1/placements/${placement.id}/escalation`,
    headers: { ...coordinator, 'if-match': got.headers.etag as string },
    payload: {
      providerId: world.own.providerId,
      startDate: '2026-02-23',
      sessionsAtProvider: 10,
      sessionsAtHomeSchool: 0,
      registration: 'DUAL_REGISTERED',
      plan: { objectives: [{ description: 'x', baseline: 'y', target: 'z' }], transitionPlan: 'New school' }
    }
  })
  t.equal(escalate.statusCode, 422, 'escalation refused while a review is overdue')
  t.match(escalate.json(), { code: 'review_overdue', detail: /2026-01-16/ })

  const other = await insertPupil(db, world.own, 2)
  const r2 = (
    await app.inject({
      method: 'POST',
      url: '/v1/referrals',
      headers: bearer(world.own.tokens.school),
      payload: completeReferral(other.id)
    })
  ).json()
  await app.inject({
    method: 'POST',
    url: `/v1/referrals/${r2.id}/decision`,
    headers: coordinator,
    payload: { decision: 'ACCEPT' }
  })
  const planned = (
    await app.inject({
      method: 'POST',
      url: '/v1/placements',
      headers: coordinator,
      payload: placementBody(r2.id, world.own.providerId, { startDate: '2026-02-23', plannedEndDate: '2026-05-22' })
    })
  ).json()
  const cancelled = await app.inject({
    method: 'POST',
    url: `/v1/placements/${planned.id}/cancellation`,
    headers: { ...coordinator, 'if-match': '"1"' },
    payload: { reason: 'Family moved away' }
  })
  t.equal(cancelled.json().status, 'CANCELLED')
  const approveCancelled = await app.inject({
    method: 'POST',
    url: `/v1/placements/${planned.id}/extension-approvals`,
    headers: bearer(world.own.tokens.la_admin),
    payload: { upTo: '2026-07-17', reason: 'x' }
  })
  t.equal(approveCancelled.statusCode, 409, 'no extension approval for a cancelled placement')

  const journey = await app.inject({ method: 'GET', url: `/v1/pupils/${pupil.id}/journey`, headers: coordinator })
  t.equal(
    journey.json().events.filter((e: { kind: string }) => e.kind === 'REVIEW_HELD').length,
    2,
    'reviews in the journey'
  )
})
