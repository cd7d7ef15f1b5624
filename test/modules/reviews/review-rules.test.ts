import type { LightMyRequestResponse } from 'fastify'
import { DateTime } from 'luxon'
import t, { type Test } from 'tap'
import type { Role } from '../../../src/platform/auth/principal.js'
import { issueToken } from '../../../src/modules/tokens/tokens.service.js'
import { STAFFORDSHIRE_2025_26 } from '../../fixtures/calendars.js'
import { bearer, buildTestApp, countRows, insertPupil, makeWorld } from '../../helper.js'
import { completeReferral, objective, placementBody, review } from '../../fixtures/bodies.js'

/**
 * Issue 5, bad input: every way a review, an extension or an escalation is refused, each on its own placement,
 * each asserting the problem and that nothing was written. Then the schedule: the rule that sets the next
 * review after a review, a pause and a change of start date. Term dates are Staffordshire's 2025/26
 * (autumn 2 is 3 November – 19 December; spring 1 is 5 January – 13 February; spring 2 is 23 February – 27 March).
 */

const at = (date: string) => DateTime.fromISO(`${date}T09:00:00`, { zone: 'Europe/London' })
let now = at('2025-10-20')
const { app, db } = await buildTestApp(t, { clock: () => now })
const world = await makeWorld(db)
const coordinator = bearer(world.own.tokens.coordinator)
const school = bearer(world.own.tokens.school)
const provider = bearer(world.own.tokens.provider)
const laAdmin = bearer(world.own.tokens.la_admin)
await app.inject({
  method: 'PUT',
  url: `/v1/local-authorities/${world.own.laCode}/calendars/2025-26`,
  headers: laAdmin,
  payload: { halfTerms: STAFFORDSHIRE_2025_26 }
})
// Every subtest places its own pupil with the same provider: room for all of them.
await db.updateTable('provider_tier').set({ places: 100 }).where('provider_id', '=', world.own.providerId).execute()

// A second school and a second provider in the same LA, each with its own token.
const school2 = await db
  .insertInto('school')
  .values({
    urn: '990101',
    laestab: '9194101',
    name: 'Second High School',
    la_code: '919',
    phase: 'SECONDARY',
    type: 'COMMUNITY'
  })
  .returning('id')
  .executeTakeFirstOrThrow()
const provider2 = await db
  .insertInto('provider')
  .values({ name: 'Second Provider', la_code: '919', urn: '990102', registration_status: 'STATE_FUNDED_AP_SCHOOL' })
  .returning('id')
  .executeTakeFirstOrThrow()
const tokenFor = async (role: Role, ids: { schoolId?: string; providerId?: string }) =>
  (
    await issueToken(db, {
      role,
      laCode: '919',
      label: `second ${role}`,
      createdBy: 'test',
      schoolId: ids.schoolId ?? null,
      providerId: ids.providerId ?? null,
      expiresAt: DateTime.utc().plus({ days: 1 }).toJSDate()
    })
  ).token
const school2Token = bearer(await tokenFor('school', { schoolId: school2.id }))
const provider2Token = bearer(await tokenFor('provider', { providerId: provider2.id }))

const tier3Next = (startDate: string) => ({
  providerId: world.own.providerId,
  startDate,
  plannedEndDate: null,
  sessionsAtProvider: 10,
  sessionsAtHomeSchool: 0,
  registration: 'DUAL_REGISTERED',
  plan: { objectives: [objective], transitionPlan: 'Move to a new mainstream school via Fair Access' }
})

let serial = 0
/**
 * A pupil of the own school placed (Tier 2, from 3 November by default) with the own provider; activated on its
 * start unless `activate` is false.
 */
async function placed(opts: { start?: string; plannedEnd?: string; activate?: boolean } = {}) {
  const start = opts.start ?? '2025-11-03'
  now = at('2025-10-20')
  const pupil = await insertPupil(db, world.own, ++serial)
  const referral = await app.inject({
    method: 'POST',
    url: '/v1/referrals',
    headers: school,
    payload: completeReferral(pupil.id)
  })
  if (referral.statusCode !== 201) throw new Error(referral.body)
  const decided = await app.inject({
    method: 'POST',
    url: `/v1/referrals/${referral.json().id}/decision`,
    headers: coordinator,
    payload: { decision: 'ACCEPT' }
  })
  if (decided.statusCode !== 200) throw new Error(decided.body)
  const created = await app.inject({
    method: 'POST',
    url: '/v1/placements',
    headers: coordinator,
    payload: placementBody(referral.json().id, world.own.providerId, {
      startDate: start,
      plannedEndDate: opts.plannedEnd ?? '2026-02-13'
    })
  })
  if (created.statusCode !== 201) throw new Error(created.body)
  let etag = created.headers.etag as string
  if (opts.activate !== false) {
    now = at(start)
    const active = await app.inject({
      method: 'POST',
      url: `/v1/placements/${created.json().id}/activation`,
      headers: { ...coordinator, 'if-match': etag },
      payload: {}
    })
    if (active.statusCode !== 200) throw new Error(active.body)
    etag = active.headers.etag as string
  }
  return { id: created.json().id as string, pupilId: pupil.id, etag }
}

/** What a refused request must leave as it was: the placement row, its reviews and the audit trail. */
async function state(placementId: string) {
  const row = await db
    .selectFrom('placement')
    .select([
      'status',
      'planned_end_date',
      'extension_count',
      'next_review_due_on',
      'next_review_rule',
      'end_date',
      'version'
    ])
    .where('id', '=', placementId)
    .executeTakeFirstOrThrow()
  const reviews = await db
    .selectFrom('review')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('placement_id', '=', placementId)
    .executeTakeFirstOrThrow()
  return {
    ...row,
    reviews: Number(reviews.n),
    allReviews: await countRows(db, 'review'),
    placements: await countRows(db, 'placement'),
    approvals: await countRows(db, 'extension_approval'),
    audit: await countRows(db, 'audit_event')
  }
}

function isProblem(
  t: Test,
  res: LightMyRequestResponse,
  status: number,
  errors: { path: string; code: string }[],
  code?: string
) {
  t.equal(res.statusCode, status, `${status}: ${res.body.slice(0, 300)}`)
  t.match(res.headers['content-type'], /^application\/problem\+json/, 'problem+json')
  const body = res.json()
  t.equal(body.status, status)
  if (code !== undefined) t.equal(body.code, code)
  for (const e of errors)
    t.ok(
      body.errors.some((x: { path: string; code: string }) => x.path === e.path && x.code === e.code),
      `names ${e.path} ${e.code}`
    )
  return body
}

const hold = (id: string, payload: Record<string, unknown>, headers = coordinator) =>
  app.inject({ method: 'POST', url: `/v1/placements/${id}/reviews`, headers, payload })
const getPlacement = async (id: string) => {
  const res = await app.inject({ method: 'GET', url: `/v1/placements/${id}`, headers: coordinator })
  if (res.statusCode !== 200) throw new Error(res.body)
  return { body: res.json(), etag: res.headers.etag as string }
}

t.test('a review dated in the future', async (t) => {
  const p = await placed()
  now = at('2025-11-24')
  const before = await state(p.id)
  const res = await hold(p.id, review({ heldOn: '2025-11-25', nextReviewOn: '2025-12-12' }))
  isProblem(t, res, 422, [{ path: '/heldOn', code: 'date_in_future' }], 'validation_failed')
  t.same(await state(p.id), before, 'nothing written')
  const today = await hold(p.id, review({ heldOn: '2025-11-24', nextReviewOn: '2025-12-12' }))
  t.equal(today.statusCode, 201, `a review held today is fine: ${today.body}`)
})

t.test('a review dated before the placement started', async (t) => {
  const p = await placed()
  now = at('2025-11-24')
  const before = await state(p.id)
  const res = await hold(p.id, review({ heldOn: '2025-10-31' }))
  const body = isProblem(t, res, 422, [{ path: '/heldOn', code: 'before_placement' }], 'validation_failed')
  t.match(body.detail, /2025-11-03/, 'names the start')
  t.same(await state(p.id), before, 'nothing written')
  const onStart = await hold(p.id, review({ heldOn: '2025-11-03', nextReviewOn: '2025-11-28' }))
  t.equal(onStart.statusCode, 201, `a review on the first day is fine: ${onStart.body}`)
})

t.test('a review on an ended placement, dated after it ended or not', async (t) => {
  const p = await placed()
  now = at('2025-11-24')
  const escalated = await app.inject({
    method: 'POST',
    url: `/v1/placements/${p.id}/escalation`,
    headers: { ...coordinator, 'if-match': p.etag },
    payload: tier3Next('2025-12-01')
  })
  t.equal(escalated.statusCode, 201, escalated.body)
  t.match(escalated.json().ended, { status: 'ENDED', endDate: '2025-11-30', nextReviewDueOn: null })
  now = at('2025-12-03')
  const before = await state(p.id)
  t.equal(before.status, 'ENDED')
  const after = await hold(p.id, review({ heldOn: '2025-12-02', nextReviewOn: '2025-12-12' }))
  isProblem(t, after, 409, [{ path: '/', code: 'placement_not_running' }], 'placement_not_running')
  const during = await hold(p.id, review({ heldOn: '2025-11-20', nextReviewOn: '2025-12-12' }))
  isProblem(t, during, 409, [{ path: '/', code: 'placement_not_running' }], 'placement_not_running')
  t.same(await state(p.id), before, 'nothing written')
})

t.test('a review on a cancelled placement', async (t) => {
  const p = await placed({ start: '2025-11-10', activate: false })
  now = at('2025-11-05')
  const cancelled = await app.inject({
    method: 'POST',
    url: `/v1/placements/${p.id}/cancellation`,
    headers: { ...coordinator, 'if-match': p.etag },
    payload: { reason: 'Family moved out of the area' }
  })
  t.equal(cancelled.statusCode, 200, cancelled.body)
  t.match(cancelled.json(), { status: 'CANCELLED', nextReviewDueOn: null, nextReviewRule: null })
  now = at('2025-11-24')
  const before = await state(p.id)
  const res = await hold(p.id, review({ heldOn: '2025-11-20' }))
  const body = isProblem(t, res, 409, [{ path: '/', code: 'placement_not_running' }], 'placement_not_running')
  t.match(body.detail, /CANCELLED/)
  t.same(await state(p.id), before, 'nothing written')
})

t.test('a review on a placement that has not started', async (t) => {
  const p = await placed({ start: '2025-12-01', activate: false })
  now = at('2025-11-24')
  const before = await state(p.id)
  isProblem(
    t,
    await hold(p.id, review({ heldOn: '2025-11-20' })),
    409,
    [{ path: '/', code: 'placement_not_running' }],
    'placement_not_running'
  )
  t.same(await state(p.id), before, 'nothing written')
})

t.test('a next review date later than the rule allows', async (t) => {
  const p = await placed()
  now = at('2025-11-24')
  const before = await state(p.id)
  // Held 20 November: 30 school days later is 15 January (across Christmas); spring 1 ends 13 February.
  const res = await hold(p.id, review({ heldOn: '2025-11-20', nextReviewOn: '2026-01-16' }))
  const body = isProblem(t, res, 422, [{ path: '/nextReviewOn', code: 'next_review_too_late' }], 'validation_failed')
  t.match(
    body.errors.find((e: { path: string }) => e.path === '/nextReviewOn').message,
    /2026-01-15/,
    'names the latest date allowed'
  )
  t.same(await state(p.id), before, 'nothing written')
  const notAfter = await hold(p.id, review({ heldOn: '2025-11-20', nextReviewOn: '2025-11-20' }))
  isProblem(t, notAfter, 422, [{ path: '/nextReviewOn', code: 'not_after_review' }])
  const missing = await hold(p.id, review({ heldOn: '2025-11-20', nextReviewOn: undefined }))
  isProblem(t, missing, 400, [{ path: '/nextReviewOn', code: 'required' }])
  t.same(
    missing.json().errors.map((e: { path: string }) => e.path),
    ['/nextReviewOn'],
    'one error, naming /nextReviewOn'
  )
  t.same(await state(p.id), before, 'still nothing written')

  const latest = await hold(p.id, review({ heldOn: '2025-11-20', nextReviewOn: '2026-01-15' }))
  t.equal(latest.statusCode, 201, `the latest date the rule allows is accepted: ${latest.body}`)
  t.match((await getPlacement(p.id)).body, {
    nextReviewDueOn: '2026-01-15',
    nextReviewRule: 'MAX_GAP',
    reviewOverdue: false
  })
})

t.test('an extension without a review', async (t) => {
  const p = await placed()
  now = at('2025-11-24')
  const { etag } = await getPlacement(p.id)
  const before = await state(p.id)
  const res = await app.inject({
    method: 'PATCH',
    url: `/v1/placements/${p.id}`,
    headers: { ...coordinator, 'if-match': etag },
    payload: { plannedEndDate: '2026-03-27' }
  })
  isProblem(t, res, 422, [{ path: '/plannedEndDate', code: 'placement_started' }], 'placement_started')
  t.same(await state(p.id), before, 'nothing written: the planned end and extension count stand')
  t.equal(before.planned_end_date, '2026-02-13')

  const noExtension = await hold(p.id, review({ decision: 'EXTEND' }))
  isProblem(t, noExtension, 400, [{ path: '/extension', code: 'required' }])
  const extensionNotExtend = await hold(
    p.id,
    review({ extension: { newPlannedEnd: '2026-03-27', reasons: 'More time' } })
  )
  isProblem(t, extensionNotExtend, 422, [{ path: '/extension', code: 'not_allowed' }])
  const notLater = await hold(
    p.id,
    review({ decision: 'EXTEND', extension: { newPlannedEnd: '2026-02-13', reasons: 'More time' } })
  )
  isProblem(t, notLater, 422, [{ path: '/extension/newPlannedEnd', code: 'not_later' }])
  t.same(await state(p.id), before, 'still nothing written')
})

t.test('extensions: counted, moving the planned end; past the Tier 2 limit only with LA approval', async (t) => {
  const p = await placed()
  // Within the limit (26 school weeks = 130 school days from 3 November ends 15 June): no approval needed.
  now = at('2025-12-01')
  const first = await hold(
    p.id,
    review({
      heldOn: '2025-12-01',
      decision: 'EXTEND',
      extension: { newPlannedEnd: '2026-03-27', reasons: 'Attendance improving; needs spring 2' },
      nextReviewOn: '2026-01-12'
    })
  )
  t.equal(first.statusCode, 201, first.body)
  t.match(first.json(), {
    decision: 'EXTEND',
    extensionNewEnd: '2026-03-27',
    extensionReasons: 'Attendance improving; needs spring 2'
  })
  t.match((await getPlacement(p.id)).body, { plannedEndDate: '2026-03-27', extensionCount: 1 })

  now = at('2026-01-12')
  const far = review({
    heldOn: '2026-01-12',
    decision: 'EXTEND',
    extension: { newPlannedEnd: '2026-06-16', reasons: 'Needs the summer term' },
    nextReviewOn: '2026-02-09'
  })
  let before = await state(p.id)
  const refused = await hold(p.id, far)
  const body = isProblem(
    t,
    refused,
    422,
    [{ path: '/extension/newPlannedEnd', code: 'extension_needs_la_approval' }],
    'extension_needs_la_approval'
  )
  t.match(body.detail, /131 school days/, 'one school day over the limit')
  t.same(await state(p.id), before, 'nothing written')

  const byCoordinator = await app.inject({
    method: 'POST',
    url: `/v1/placements/${p.id}/extension-approvals`,
    headers: coordinator,
    payload: { upTo: '2026-07-17', reason: 'Panel agreed' }
  })
  isProblem(t, byCoordinator, 403, [], 'role_not_allowed')
  const tooShort = await app.inject({
    method: 'POST',
    url: `/v1/placements/${p.id}/extension-approvals`,
    headers: laAdmin,
    payload: { upTo: '2026-06-12', reason: 'Panel agreed to mid-June' }
  })
  t.equal(tooShort.statusCode, 201, tooShort.body)
  t.match(tooShort.json(), { placementId: p.id, upTo: '2026-06-12', reason: 'Panel agreed to mid-June' })
  before = await state(p.id)
  isProblem(
    t,
    await hold(p.id, far),
    422,
    [{ path: '/extension/newPlannedEnd', code: 'extension_needs_la_approval' }],
    'extension_needs_la_approval'
  )
  t.same(await state(p.id), before, 'an approval up to an earlier date does not cover it; nothing written')

  const approval = await app.inject({
    method: 'POST',
    url: `/v1/placements/${p.id}/extension-approvals`,
    headers: laAdmin,
    payload: { upTo: '2026-07-17', reason: 'Panel agreed to the end of the year' }
  })
  t.equal(approval.statusCode, 201, approval.body)
  const extended = await hold(p.id, far)
  t.equal(extended.statusCode, 201, extended.body)
  const got = (await getPlacement(p.id)).body
  t.match(
    got,
    { plannedEndDate: '2026-06-16', extensionCount: 2, nextReviewDueOn: '2026-02-09', nextReviewRule: 'SET_AT_REVIEW' },
    'counted again; the planned end moves'
  )
  const reviews = await app.inject({ method: 'GET', url: `/v1/placements/${p.id}/reviews`, headers: school })
  t.same(
    reviews
      .json()
      .results.map((r: { decision: string; extensionNewEnd: string }) => `${r.decision} ${r.extensionNewEnd}`),
    ['EXTEND 2026-03-27', 'EXTEND 2026-06-16'],
    'the school sees both reviews'
  )
})

t.test('a decision not in the list', async (t) => {
  const p = await placed()
  now = at('2025-11-24')
  const before = await state(p.id)
  for (const decision of ['PARTY', 'continue', '']) {
    const res = await hold(p.id, review({ decision }))
    isProblem(t, res, 400, [{ path: '/decision', code: 'enum' }], 'validation_failed')
  }
  t.same(await state(p.id), before, 'nothing written')
})

t.test("a provider reviewing another provider's placement", async (t) => {
  const p = await placed()
  now = at('2025-11-24')
  const before = await state(p.id)
  for (const [who, headers] of [
    ['another provider of the LA', provider2Token],
    ['a provider of another LA', bearer(world.other.tokens.provider)]
  ] as const) {
    const res = await hold(p.id, review(), headers)
    isProblem(t, res, 404, [], 'placement_not_found')
    t.same(await state(p.id), before, `${who}: nothing written`)
  }
  const own = await hold(p.id, review(), provider)
  t.equal(own.statusCode, 201, `the placement's own provider holds it: ${own.body}`)
})

t.test('a school cannot hold a review but adds its view', async (t) => {
  const p = await placed()
  now = at('2025-11-24')
  const before = await state(p.id)
  isProblem(t, await hold(p.id, review(), school), 403, [], 'role_not_allowed')
  t.same(await state(p.id), before, 'nothing written')

  const held = await hold(p.id, review())
  t.equal(held.statusCode, 201, held.body)
  const url = `/v1/placements/${p.id}/reviews/${held.json().id}/school-view`
  const otherSchool = await app.inject({
    method: 'PUT',
    url,
    headers: school2Token,
    payload: { view: 'Not our pupil' }
  })
  isProblem(t, otherSchool, 404, [], 'placement_not_found')
  const byProvider = await app.inject({ method: 'PUT', url, headers: provider, payload: { view: 'Provider view' } })
  isProblem(t, byProvider, 403, [], 'role_not_allowed')
  const view = await app.inject({
    method: 'PUT',
    url,
    headers: school,
    payload: { view: 'Calmer on home-school days' }
  })
  t.equal(view.statusCode, 200, view.body)
  t.match(view.json(), { id: held.json().id, schoolView: 'Calmer on home-school days', decision: 'CONTINUE' })
  const listed = await app.inject({ method: 'GET', url: `/v1/placements/${p.id}/reviews`, headers: provider })
  t.equal(listed.json().results[0].schoolView, 'Calmer on home-school days', "the provider sees the school's view")
})

t.test('an extension refused when the review was overdue when it was held', async (t) => {
  const p = await placed()
  // First review due 1 December; held 3 December.
  now = at('2025-12-03')
  t.match((await getPlacement(p.id)).body, { nextReviewDueOn: '2025-12-01', reviewOverdue: true })
  const before = await state(p.id)
  const extend = review({
    heldOn: '2025-12-03',
    decision: 'EXTEND',
    extension: { newPlannedEnd: '2026-03-27', reasons: 'More time' },
    nextReviewOn: '2026-01-12'
  })
  const res = await hold(p.id, extend)
  const body = isProblem(t, res, 422, [{ path: '/decision', code: 'review_overdue' }], 'review_overdue')
  t.match(body.detail, /2025-12-01/, 'names the overdue review')
  t.same(await state(p.id), before, 'nothing written')

  const continued = await hold(p.id, review({ heldOn: '2025-12-03', nextReviewOn: '2026-01-12' }))
  t.equal(continued.statusCode, 201, `the overdue review itself is held: ${continued.body}`)
  now = at('2026-01-12')
  const atNext = await hold(p.id, { ...extend, heldOn: '2026-01-12', nextReviewOn: '2026-02-09' })
  t.equal(atNext.statusCode, 201, `then extended at the next review: ${atNext.body}`)
  t.match((await getPlacement(p.id)).body, { plannedEndDate: '2026-03-27', extensionCount: 1 })
})

t.test('escalation refused while a review is overdue', async (t) => {
  const p = await placed()
  now = at('2025-12-03')
  const { etag } = await getPlacement(p.id)
  const before = await state(p.id)
  const res = await app.inject({
    method: 'POST',
    url: `/v1/placements/${p.id}/escalation`,
    headers: { ...coordinator, 'if-match': etag },
    payload: tier3Next('2026-01-05')
  })
  const body = isProblem(t, res, 422, [{ path: '/nextReviewDueOn', code: 'review_overdue' }], 'review_overdue')
  t.match(body.detail, /2025-12-01/, 'names the due date')
  t.same(await state(p.id), before, 'nothing written: still active, no new placement')

  const held = await hold(p.id, review({ heldOn: '2025-12-03', decision: 'ESCALATE_TIER', nextReviewOn: '2025-12-19' }))
  t.equal(held.statusCode, 201, held.body)
  const { etag: after } = await getPlacement(p.id)
  const escalated = await app.inject({
    method: 'POST',
    url: `/v1/placements/${p.id}/escalation`,
    headers: { ...coordinator, 'if-match': after },
    payload: tier3Next('2026-01-05')
  })
  t.equal(escalated.statusCode, 201, `once the review is held it can escalate: ${escalated.body}`)
})

t.test('after a review the schedule follows the rule', async (t) => {
  const p = await placed()
  t.match((await getPlacement(p.id)).body, {
    firstReviewDueOn: '2025-12-01',
    nextReviewDueOn: '2025-12-01',
    nextReviewRule: 'FIRST_REVIEW'
  })

  // 1 December: 30 school days later is 26 January, before spring 1 ends (13 February).
  now = at('2025-12-01')
  t.equal((await hold(p.id, review({ heldOn: '2025-12-01', nextReviewOn: '2026-01-26' }))).statusCode, 201)
  t.match((await getPlacement(p.id)).body, {
    nextReviewDueOn: '2026-01-26',
    nextReviewRule: 'MAX_GAP',
    reviewOverdue: false
  })

  // 26 January: the rule allows 16 March; the review sets 13 February, which is earlier.
  now = at('2026-01-26')
  t.equal((await hold(p.id, review({ heldOn: '2026-01-26', nextReviewOn: '2026-02-13' }))).statusCode, 201)
  t.match((await getPlacement(p.id)).body, { nextReviewDueOn: '2026-02-13', nextReviewRule: 'SET_AT_REVIEW' })

  // 13 February, the last day of spring 1: 30 school days is 17 April, but spring 2 (23 February – 27 March) needs
  // its own review.
  now = at('2026-02-13')
  const before = await state(p.id)
  const late = await hold(p.id, review({ heldOn: '2026-02-13', nextReviewOn: '2026-03-30' }))
  const body = isProblem(t, late, 422, [{ path: '/nextReviewOn', code: 'next_review_too_late' }])
  t.match(body.detail, /2026-03-27/, 'names the half-term deadline')
  t.same(await state(p.id), before, 'nothing written')
  t.equal((await hold(p.id, review({ heldOn: '2026-02-13', nextReviewOn: '2026-03-27' }))).statusCode, 201)
  t.match((await getPlacement(p.id)).body, { nextReviewDueOn: '2026-03-27', nextReviewRule: 'HALF_TERM' })
})

t.test('pausing clears the next review; resuming pushes it back by the paused school days', async (t) => {
  const p = await placed()
  now = at('2025-11-10')
  const paused = await app.inject({
    method: 'POST',
    url: `/v1/placements/${p.id}/pause`,
    headers: { ...coordinator, 'if-match': p.etag },
    payload: { reason: 'Provider closed for a week' }
  })
  t.equal(paused.statusCode, 200, paused.body)
  t.match(paused.json(), { status: 'PAUSED', nextReviewDueOn: null, nextReviewRule: null, reviewOverdue: false })
  // Paused Monday 10 November, resumed Monday 17 November: five school days paused.
  now = at('2025-11-17')
  const resumed = await app.inject({
    method: 'POST',
    url: `/v1/placements/${p.id}/resumption`,
    headers: { ...coordinator, 'if-match': paused.headers.etag as string },
    payload: {}
  })
  t.equal(resumed.statusCode, 200, resumed.body)
  t.match(
    resumed.json(),
    { status: 'ACTIVE', firstReviewDueOn: '2025-12-01', nextReviewDueOn: '2025-12-08', nextReviewRule: 'FIRST_REVIEW' },
    'a week later than 1 December'
  )

  // Paused and resumed the same day: no school day lost.
  const q = await placed()
  now = at('2025-11-12')
  const p2 = await app.inject({
    method: 'POST',
    url: `/v1/placements/${q.id}/pause`,
    headers: { ...coordinator, 'if-match': q.etag },
    payload: { reason: 'Morning incident' }
  })
  const r2 = await app.inject({
    method: 'POST',
    url: `/v1/placements/${q.id}/resumption`,
    headers: { ...coordinator, 'if-match': p2.headers.etag as string },
    payload: {}
  })
  t.match(r2.json(), { nextReviewDueOn: '2025-12-01', nextReviewRule: 'FIRST_REVIEW' })
})

t.test('changing the start of a planned placement moves its first review', async (t) => {
  const p = await placed({ start: '2025-11-10', activate: false })
  t.match((await getPlacement(p.id)).body, {
    firstReviewDueOn: '2025-12-08',
    nextReviewDueOn: '2025-12-08',
    nextReviewRule: 'FIRST_REVIEW'
  })
  now = at('2025-11-05')
  // From 8 December, 20 school days run across Christmas to 19 January.
  const res = await app.inject({
    method: 'PATCH',
    url: `/v1/placements/${p.id}`,
    headers: { ...coordinator, 'if-match': p.etag },
    payload: { startDate: '2025-12-08' }
  })
  t.equal(res.statusCode, 200, res.body)
  t.match(res.json(), {
    startDate: '2025-12-08',
    firstReviewDueOn: '2026-01-19',
    nextReviewDueOn: '2026-01-19',
    nextReviewRule: 'FIRST_REVIEW'
  })
  const row = await db
    .selectFrom('placement')
    .select(['first_review_due_on', 'next_review_due_on'])
    .where('id', '=', p.id)
    .executeTakeFirstOrThrow()
  t.same(row, { first_review_due_on: '2026-01-19', next_review_due_on: '2026-01-19' }, 'stored')
})
