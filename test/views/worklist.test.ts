import type { LightMyRequestResponse } from 'fastify'
import { DateTime } from 'luxon'
import t from 'tap'
import { issueToken } from '../../src/modules/tokens/tokens.service.js'
import { STAFFORDSHIRE_2025_26 } from '../fixtures/calendars.js'
import { bearer, buildTestApp, insertPupil, makeWorld } from '../helper.js'
import { completeReferral, objective, placementBody, review } from '../fixtures/bodies.js'

/**
 * Issue 5, the worklist: one LA's placements and referrals set up over spring 1 2026 on Staffordshire's term
 * dates (spring 1 ends Friday 13 February; half-term 16–20 February; spring 2 runs 23 February – 27 March),
 * then read on Tuesday 24 February, the second day back, by every organisation involved.
 *
 *   A  Tier 2 from 15 Jan; first review due 12 Feb, not held          → REVIEW_OVERDUE 12 Feb (3 school days: 13,
 *       23, 24 Feb)
 *   B  Tier 2 from 22 Jan; first review due 26 Feb                     → REVIEW_DUE 26 Feb
 *   C  Tier 3 from 29 Jan; first review due 5 Mar                      → REVIEW_DUE 5 Mar
 *   D  Tier 2 from 12 Jan, planned end 13 Feb, paused                  → PLANNED_END_PASSED 13 Feb (2 school days)
 *   E  Tier 2 from 12 Jan, planned end 6 Mar, paused                   → PLANNED_END_2_WEEKS (today + 10 school
 *       days is 10 Mar)
 *   F  Tier 2 from 12 Jan, planned end 20 Mar, paused                  → PLANNED_END_4_WEEKS (today + 20 school
 *       days is 24 Mar)
 *   G  off-site direction from 2 Feb; first review due 9 Mar; parent's request on 10 Feb → REVIEW_DUE 9 Mar,
 *       REVIEW_REQUEST 3 Mar
 *   G2 off-site direction from 12 Jan; reviewed 9 Feb (next due 27 Mar, the end of spring 2); request 10 Feb declined
 *   H  off-site direction planned from 25 Feb, no notice to the parent → CLOCK_BREACHED 23 Feb (1 school day)
 *   I  referral after a 10-day suspension from 23 Feb, no placement    → CLOCK_PENDING 2 Mar (the 6th school day)
 *   J  referral submitted 9 Feb with a 3-school-day decision deadline   → REFERRAL_DECISION_OVERDUE 12 Feb (3
 *       school days)
 *   K  the second school's pupil with the second provider, from 9 Feb  → REVIEW_DUE 16 Mar (only within 20 school days)
 *   O  the other LA's undecided referral
 */

const at = (date: string) => DateTime.fromISO(`${date}T09:00:00`, { zone: 'Europe/London' })
let now = at('2026-01-05')
const { app, db } = await buildTestApp(t, { clock: () => now })
const world = await makeWorld(db)
const coordinator = bearer(world.own.tokens.coordinator)
const school = bearer(world.own.tokens.school)
const laAdmin = bearer(world.own.tokens.la_admin)
const calendarPut = await app.inject({
  method: 'PUT',
  url: `/v1/local-authorities/${world.own.laCode}/calendars/2025-26`,
  headers: laAdmin,
  payload: { halfTerms: STAFFORDSHIRE_2025_26 }
})
if (calendarPut.statusCode >= 300) throw new Error(calendarPut.body)

const school2 = await db
  .insertInto('school')
  .values({
    urn: '990201',
    laestab: '9194201',
    name: 'Second High School',
    la_code: '919',
    phase: 'SECONDARY',
    type: 'COMMUNITY'
  })
  .returning('id')
  .executeTakeFirstOrThrow()
const provider2 = await db
  .insertInto('provider')
  .values({ name: 'Second Provider', la_code: '919', urn: '990202', registration_status: 'STATE_FUNDED_AP_SCHOOL' })
  .returning('id')
  .executeTakeFirstOrThrow()
await db
  .insertInto('provider_tier')
  .values([1, 2, 3].map((tier) => ({ provider_id: provider2.id, tier, places: 10 })))
  .execute()
const tokenFor = async (role: 'school' | 'provider', ids: { schoolId?: string; providerId?: string }) =>
  bearer(
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
  )
const school2Token = await tokenFor('school', { schoolId: school2.id })
const provider2Token = await tokenFor('provider', { providerId: provider2.id })

const ok = (res: LightMyRequestResponse, status: number) => {
  if (res.statusCode !== status) throw new Error(`${res.statusCode} instead of ${status}: ${res.body}`)
  return res
}
let serial = 0
/** The label of every placement and referral, for reading the worklist back. */
const label = new Map<string, string>()
const pupilOf = new Map<string, string>()

async function refer(
  name: string,
  org: 'own' | 'school2' | 'other',
  extra: Record<string, unknown> = {},
  decide = true
) {
  const pupil = await insertPupil(db, org === 'other' ? world.other : world.own, ++serial)
  if (org === 'school2')
    await db.updateTable('pupil').set({ home_school_id: school2.id }).where('id', '=', pupil.id).execute()
  const headers = org === 'own' ? school : org === 'school2' ? school2Token : bearer(world.other.tokens.school)
  const referral = ok(
    await app.inject({ method: 'POST', url: '/v1/referrals', headers, payload: completeReferral(pupil.id, extra) }),
    201
  ).json()
  if (decide)
    ok(
      await app.inject({
        method: 'POST',
        url: `/v1/referrals/${referral.id}/decision`,
        headers: coordinator,
        payload: { decision: 'ACCEPT' }
      }),
      200
    )
  label.set(`r${referral.id}`, name)
  pupilOf.set(name, pupil.id)
  return referral.id as string
}
const etags = new Map<string, string>()
const ids = new Map<string, string>()
async function place(
  name: string,
  org: 'own' | 'school2',
  referralExtra: Record<string, unknown>,
  extra: Record<string, unknown>
) {
  const referralId = await refer(name, org, referralExtra)
  const created = ok(
    await app.inject({
      method: 'POST',
      url: '/v1/placements',
      headers: coordinator,
      payload: placementBody(referralId, org === 'own' ? world.own.providerId : provider2.id, extra)
    }),
    201
  )
  label.set(`p${created.json().id}`, name)
  ids.set(name, created.json().id)
  etags.set(name, created.headers.etag as string)
}
async function transition(name: string, action: 'activation' | 'pause', payload: Record<string, unknown> = {}) {
  const res = ok(
    await app.inject({
      method: 'POST',
      url: `/v1/placements/${ids.get(name)}/${action}`,
      headers: { ...coordinator, 'if-match': etags.get(name)! },
      payload
    }),
    200
  )
  etags.set(name, res.headers.etag as string)
}

// 5 January: referrals and placements.
const offSite = { legalBasis: 'OFF_SITE_DIRECTION_S29A' }
const notice = { parentNoticeGivenOn: '2026-01-05', laNotifiedOn: '2026-01-05' }
await place('A', 'own', {}, { startDate: '2026-01-15', plannedEndDate: '2026-05-22' })
await place('B', 'own', {}, { startDate: '2026-01-22', plannedEndDate: '2026-05-22' })
await place(
  'C',
  'own',
  { requestedTier: 3 },
  {
    startDate: '2026-01-29',
    plannedEndDate: null,
    plan: { objectives: [objective], transitionPlan: 'Move to a new mainstream school via Fair Access' }
  }
)
await place('D', 'own', {}, { startDate: '2026-01-12', plannedEndDate: '2026-02-13' })
await place('E', 'own', {}, { startDate: '2026-01-12', plannedEndDate: '2026-03-06' })
await place('F', 'own', {}, { startDate: '2026-01-12', plannedEndDate: '2026-03-20' })
await place('G', 'own', offSite, { startDate: '2026-02-02', plannedEndDate: '2026-05-22', ...notice })
await place('G2', 'own', offSite, { startDate: '2026-01-12', plannedEndDate: '2026-05-22', ...notice })
await place('H', 'own', offSite, { startDate: '2026-02-25', plannedEndDate: '2026-05-22' })
await place('K', 'school2', {}, { startDate: '2026-02-09', plannedEndDate: '2026-05-22' })
const referralO = await refer('O', 'other', {}, false)

now = at('2026-01-12')
for (const name of ['D', 'E', 'F', 'G2']) await transition(name, 'activation')
now = at('2026-01-15')
await transition('A', 'activation')
now = at('2026-01-22')
await transition('B', 'activation')
now = at('2026-01-29')
await transition('C', 'activation')
now = at('2026-02-02')
await transition('G', 'activation')
for (const name of ['D', 'E', 'F']) await transition(name, 'pause', { reason: 'Provider closed for refurbishment' })

now = at('2026-02-09')
await transition('K', 'activation')
ok(
  await app.inject({
    method: 'POST',
    url: `/v1/placements/${ids.get('G2')}/reviews`,
    headers: coordinator,
    payload: review({ heldOn: '2026-02-09', nextReviewOn: '2026-03-27' })
  }),
  201
)
// The LA shortens its referral decision deadline to 3 school days; J is submitted under it.
const policy = ok(
  await app.inject({ method: 'GET', url: `/v1/local-authorities/${world.own.laCode}/policy`, headers: laAdmin }),
  200
)
const { laCode: _code, updatedAt: _at, ...fields } = policy.json()
const noIfMatch = await app.inject({
  method: 'PUT',
  url: `/v1/local-authorities/${world.own.laCode}/policy`,
  headers: laAdmin,
  payload: { ...fields, referralDecisionSchoolDays: 3 }
})
ok(
  await app.inject({
    method: 'PUT',
    url: `/v1/local-authorities/${world.own.laCode}/policy`,
    headers: { ...laAdmin, 'if-match': policy.headers.etag as string },
    payload: { ...fields, referralDecisionSchoolDays: 3 }
  }),
  200
)
const referralJ = await refer('J', 'own', {}, false)

now = at('2026-02-10')
const requestG = await app.inject({
  method: 'POST',
  url: `/v1/placements/${ids.get('G')}/review-requests`,
  headers: coordinator,
  payload: { requestedBy: 'PARENT', receivedOn: '2026-02-10' }
})
const requestG2 = await app.inject({
  method: 'POST',
  url: `/v1/placements/${ids.get('G2')}/review-requests`,
  headers: school,
  payload: { requestedBy: 'LA', receivedOn: '2026-02-10' }
})
const requestA = await app.inject({
  method: 'POST',
  url: `/v1/placements/${ids.get('A')}/review-requests`,
  headers: coordinator,
  payload: { requestedBy: 'PARENT', receivedOn: '2026-02-10' }
})

now = at('2026-02-24')
const referralI = await refer(
  'I',
  'own',
  {
    legalBasis: 'SUSPENSION_SIXTH_DAY',
    exclusions: [{ kind: 'SUSPENSION', firstDay: '2026-02-23', lengthSchoolDays: 10 }]
  },
  false
)

interface Item {
  kind: string
  dueDate: string
  overdueSchoolDays: number
  placementId: string | null
  referralId: string | null
  pupilId: string
  schoolId: string | null
  providerId: string | null
  tier: number | null
  detail: string
}
const read = (item: Item) =>
  `${item.kind} ${item.dueDate} ` +
  `${item.placementId ? label.get(`p${item.placementId}`) : label.get(`r${item.referralId}`)} ${item.overdueSchoolDays}`
const worklist = async (query: string, headers = coordinator) => {
  const res = await app.inject({ method: 'GET', url: `/v1/worklist${query}`, headers })
  if (res.statusCode !== 200) throw new Error(res.body)
  return res.json() as {
    results: Item[]
    paging: { page: number; pageSize: number; totalPages: number; totalResults: number }
    _links: Record<string, { href: string }>
  }
}

const A = 'REVIEW_OVERDUE 2026-02-12 A 3'
const J = 'REFERRAL_DECISION_OVERDUE 2026-02-12 J 3'
const D = 'PLANNED_END_PASSED 2026-02-13 D 2'
const H = 'CLOCK_BREACHED 2026-02-23 H 1'
const B = 'REVIEW_DUE 2026-02-26 B 0'
const I = 'CLOCK_PENDING 2026-03-02 I 0'
const Greq = 'REVIEW_REQUEST 2026-03-03 G 0'
const C = 'REVIEW_DUE 2026-03-05 C 0'
const E = 'PLANNED_END_2_WEEKS 2026-03-06 E 0'
const G = 'REVIEW_DUE 2026-03-09 G 0'
const K = 'REVIEW_DUE 2026-03-16 K 0'
const F = 'PLANNED_END_4_WEEKS 2026-03-20 F 0'
const EVERYTHING = [A, J, D, H, B, I, Greq, C, E, G, F]

t.test('the setup behaved', async (t) => {
  t.equal(noIfMatch.statusCode, 428, 'a policy change needs If-Match')
  t.equal(requestA.statusCode, 422, 'review requests are for off-site directions')
  t.equal(requestA.json().code, 'not_off_site_direction')
  const placements = await db
    .selectFrom('placement')
    .select(['id', 'status', 'next_review_due_on', 'next_review_rule'])
    .execute()
  const byName = Object.fromEntries(
    placements.map((p) => [label.get(`p${p.id}`), `${p.status} ${p.next_review_due_on} ${p.next_review_rule}`])
  )
  t.same(byName, {
    A: 'ACTIVE 2026-02-12 FIRST_REVIEW',
    B: 'ACTIVE 2026-02-26 FIRST_REVIEW',
    C: 'ACTIVE 2026-03-05 FIRST_REVIEW',
    D: 'PAUSED null null',
    E: 'PAUSED null null',
    F: 'PAUSED null null',
    G: 'ACTIVE 2026-03-09 FIRST_REVIEW',
    G2: 'ACTIVE 2026-03-27 HALF_TERM',
    H: 'PLANNED 2026-03-25 FIRST_REVIEW',
    K: 'ACTIVE 2026-03-16 FIRST_REVIEW'
  })
  const referralJView = ok(
    await app.inject({ method: 'GET', url: `/v1/referrals/${referralJ}`, headers: coordinator }),
    200
  ).json()
  t.match(referralJView, {
    status: 'SUBMITTED',
    submittedOn: '2026-02-09',
    decisionDueOn: '2026-02-12',
    decisionOverdue: true
  })
})

t.test(
  'review requests on an off-site direction: open, declined after a recent review, met by the next review',
  async (t) => {
    t.equal(requestG.statusCode, 201, requestG.body)
    t.match(
      requestG.json(),
      {
        placementId: ids.get('G'),
        requestedBy: 'PARENT',
        receivedOn: '2026-02-10',
        status: 'OPEN',
        dueOn: '2026-03-03',
        declinedReason: null,
        metByReviewId: null
      },
      'due 10 school days later, across half-term'
    )
    t.equal(requestG2.statusCode, 201, requestG2.body)
    t.match(requestG2.json(), {
      placementId: ids.get('G2'),
      requestedBy: 'LA',
      status: 'DECLINED',
      dueOn: null,
      metByReviewId: null
    })
    t.match(requestG2.json().declinedReason, /2026-02-09/, 'declined naming the review held the day before')
    const requests = await worklist('?kind=REVIEW_REQUEST')
    t.same(requests.results.map(read), [Greq], 'only the open request is on the worklist')
    t.match(requests.results[0], { placementId: ids.get('G'), pupilId: pupilOf.get('G'), detail: /parent/ })
  }
)

t.test("a coordinator's worklist: every kind, earliest due first", async (t) => {
  const list = await worklist('')
  t.same(list.results.map(read), EVERYTHING)
  t.same(list.paging, { page: 1, pageSize: 20, totalPages: 1, totalResults: 11 })
  t.notOk(list._links.next, 'one page')
  const dues = list.results.map((i) => i.dueDate)
  t.same(dues, [...dues].sort(), 'sorted by due date')
  t.same(
    new Set(list.results.map((i) => i.kind)),
    new Set([
      'REVIEW_OVERDUE',
      'REVIEW_DUE',
      'PLANNED_END_PASSED',
      'PLANNED_END_2_WEEKS',
      'PLANNED_END_4_WEEKS',
      'REFERRAL_DECISION_OVERDUE',
      'CLOCK_BREACHED',
      'CLOCK_PENDING',
      'REVIEW_REQUEST'
    ]),
    'every kind'
  )
  t.same(
    list.results[0],
    {
      kind: 'REVIEW_OVERDUE',
      dueDate: '2026-02-12',
      overdueSchoolDays: 3,
      placementId: ids.get('A'),
      referralId: null,
      pupilId: pupilOf.get('A'),
      schoolId: world.own.schoolId,
      providerId: world.own.providerId,
      tier: 2,
      detail: list.results[0]!.detail
    },
    'a placement item names placement, pupil, school, provider and tier'
  )
  t.match(
    list.results[1],
    {
      referralId: referralJ,
      placementId: null,
      providerId: null,
      schoolId: world.own.schoolId,
      tier: 2,
      pupilId: pupilOf.get('J')
    },
    'a referral item names the referral'
  )
  t.match(
    list.results.find((i) => i.kind === 'CLOCK_PENDING'),
    { referralId: referralI, placementId: null, detail: /10 school days from 2026-02-23/ }
  )
  t.match(
    list.results.find((i) => i.kind === 'CLOCK_BREACHED'),
    { placementId: ids.get('H'), detail: /2026-02-25/ }
  )
  t.equal(list.results.find((i) => i.kind === 'REVIEW_DUE' && i.placementId === ids.get('C'))!.tier, 3)

  const wider = await worklist('?withinSchoolDays=20')
  t.same(
    wider.results.map(read),
    [A, J, D, H, B, I, Greq, C, E, G, K, F],
    'reviews due within 20 school days add K (16 March)'
  )
  t.same(
    (await worklist('?kind=REVIEW_DUE&withinSchoolDays=2')).results.map(read),
    [B],
    '26 February is 2 school days away'
  )
  t.same((await worklist('?kind=REVIEW_DUE&withinSchoolDays=1')).results.map(read), [], 'but not 1')
  t.same(
    (await worklist('?kind=REVIEW_OVERDUE&withinSchoolDays=0')).results.map(read),
    [A],
    'overdue reviews are listed whatever the window'
  )
})

t.test('filters: kind, school, provider, tier', async (t) => {
  const byKind: [string, string[]][] = [
    ['REVIEW_OVERDUE', [A]],
    ['REVIEW_DUE', [B, C, G]],
    ['PLANNED_END_PASSED', [D]],
    ['PLANNED_END_2_WEEKS', [E]],
    ['PLANNED_END_4_WEEKS', [F]],
    ['REFERRAL_DECISION_OVERDUE', [J]],
    ['CLOCK_BREACHED', [H]],
    ['CLOCK_PENDING', [I]],
    ['REVIEW_REQUEST', [Greq]]
  ]
  for (const [kind, expected] of byKind) {
    const list = await worklist(`?kind=${kind}`)
    t.same(list.results.map(read), expected, kind)
    t.equal(list.paging.totalResults, expected.length, `${kind} total`)
  }
  t.same((await worklist(`?schoolId=${school2.id}&withinSchoolDays=20`)).results.map(read), [K], 'the second school')
  t.same(
    (await worklist(`?schoolId=${world.own.schoolId}&withinSchoolDays=20`)).results.map(read),
    EVERYTHING,
    'the first school'
  )
  t.same(
    (await worklist(`?providerId=${provider2.id}&withinSchoolDays=20`)).results.map(read),
    [K],
    'the second provider'
  )
  t.same(
    (await worklist(`?providerId=${world.own.providerId}`)).results.map(read),
    [A, D, H, B, Greq, C, E, G, F],
    'the first provider: its placements, no referrals'
  )
  t.same((await worklist('?tier=3')).results.map(read), [C], 'Tier 3')
  t.same(
    (await worklist('?tier=2')).results.map(read),
    EVERYTHING.filter((i) => i !== C),
    'Tier 2'
  )
  t.same(
    (await worklist('?tier=2&kind=REVIEW_DUE&providerId=' + world.own.providerId)).results.map(read),
    [B, G],
    'filters combine'
  )
  const bad = await app.inject({ method: 'GET', url: '/v1/worklist?kind=PARTY', headers: coordinator })
  t.equal(bad.statusCode, 400)
  t.match(bad.json().errors, [{ path: '/querystring/kind' }])
})

t.test('paging', async (t) => {
  const page1 = await worklist('?pageSize=4')
  t.same(page1.results.map(read), EVERYTHING.slice(0, 4))
  t.same(page1.paging, { page: 1, pageSize: 4, totalPages: 3, totalResults: 11 })
  t.equal(page1._links.next?.href, '/v1/worklist?pageSize=4&page=2')
  t.notOk(page1._links.prev)
  const page2 = await worklist('?pageSize=4&page=2')
  t.same(page2.results.map(read), EVERYTHING.slice(4, 8))
  t.equal(page2._links.next?.href, '/v1/worklist?pageSize=4&page=3')
  t.equal(page2._links.prev?.href, '/v1/worklist?pageSize=4&page=1')
  const page3 = await worklist('?pageSize=4&page=3')
  t.same(page3.results.map(read), EVERYTHING.slice(8))
  t.notOk(page3._links.next, 'the last page has no next')
  t.same((await worklist('?pageSize=4&page=4')).results, [], 'past the end')
  const filtered = await worklist(`?providerId=${world.own.providerId}&pageSize=5&page=2`)
  t.same(filtered.results.map(read), [C, E, G, F])
  t.equal(filtered.paging.totalResults, 9)
  t.equal(filtered._links.self?.href, `/v1/worklist?providerId=${world.own.providerId}&pageSize=5&page=2`)
})

t.test('scope: each organisation sees only its own', async (t) => {
  t.same(
    (await worklist('', school)).results.map(read),
    EVERYTHING,
    "the school sees its own pupils' items, referrals included"
  )
  t.same(
    (await worklist('', school2Token)).results.map(read),
    [],
    'the second school has nothing within 10 school days'
  )
  t.same(
    (await worklist('?withinSchoolDays=20', school2Token)).results.map(read),
    [K],
    'and only its own pupil within 20'
  )
  t.same(
    (await worklist(`?schoolId=${world.own.schoolId}&withinSchoolDays=20`, school2Token)).results,
    [],
    "a filter cannot widen a school's scope"
  )
  t.same(
    (await worklist('', bearer(world.own.tokens.provider))).results.map(read),
    [A, D, H, B, Greq, C, E, G, F],
    "the provider: its placements' items, no referral items"
  )
  t.same(
    (await worklist('?withinSchoolDays=20', provider2Token)).results.map(read),
    [K],
    'the second provider: its one placement'
  )
  const other = await worklist('?withinSchoolDays=20', bearer(world.other.tokens.coordinator))
  t.same(
    other.results.map((i) => `${i.kind} ${label.get(`r${i.referralId}`)}`),
    ['REFERRAL_DECISION_OVERDUE O'],
    "the other LA's coordinator sees its own referral and none of ours"
  )
  t.equal(other.results[0]!.referralId, referralO)
  for (const role of ['la_admin', 'analyst'] as const) {
    const res = await app.inject({ method: 'GET', url: '/v1/worklist', headers: bearer(world.own.tokens[role]) })
    t.equal(res.statusCode, 403, `${role} has no worklist`)
  }
})

t.test('every pupil returned leaves an audit row', async (t) => {
  const audited = async (query: string, headers = coordinator) => {
    const { max } = await db
      .selectFrom('audit_event')
      .select((eb) => eb.fn.max('id').as('max'))
      .executeTakeFirstOrThrow()
    const list = await worklist(query, headers)
    const rows = await db
      .selectFrom('audit_event')
      .select(['action', 'entity', 'pupil_id', 'role'])
      .where('id', '>', String(max ?? 0))
      .execute()
    return { list, rows }
  }
  const { list, rows } = await audited('')
  const pupils = [...new Set(list.results.map((i) => i.pupilId))].sort()
  t.equal(pupils.length, 10, 'eleven items, ten pupils (G twice)')
  t.same(rows.map((r) => r.pupil_id).sort(), pupils, 'one row per pupil')
  t.ok(
    rows.every((r) => r.action === 'list' && r.entity === 'worklist' && r.role === 'coordinator'),
    'entity worklist, action list'
  )

  const paged = await audited('?pageSize=4&page=3')
  t.same(
    paged.rows.map((r) => r.pupil_id).sort(),
    [...new Set(paged.list.results.map((i) => i.pupilId))].sort(),
    "only the page's pupils"
  )
  t.same(paged.rows.map((r) => r.pupil_id).sort(), [pupilOf.get('E'), pupilOf.get('F'), pupilOf.get('G')].sort())
  const empty = await audited('', school2Token)
  t.same(empty.rows, [], 'nothing returned, nothing audited')
  const provider = await audited('?withinSchoolDays=20', provider2Token)
  t.match(provider.rows, [{ entity: 'worklist', role: 'provider', pupil_id: pupilOf.get('K') }])
  t.equal(provider.rows.length, 1)
})

t.test('overdue school days follow the calendar as the clock moves', async (t) => {
  now = at('2026-03-02')
  const list = await worklist('?kind=REVIEW_OVERDUE')
  // By Monday 2 March: A (12 Feb) is 7 school days overdue (13, 23–27 Feb, 2 Mar); B (26 Feb) 2 (27 Feb, 2 Mar).
  t.same(list.results.map(read), ['REVIEW_OVERDUE 2026-02-12 A 7', 'REVIEW_OVERDUE 2026-02-26 B 2'])
  t.same(
    (await worklist('?kind=CLOCK_BREACHED')).results.map(read),
    ['CLOCK_BREACHED 2026-02-23 H 5'],
    'the sixth-day clock is not breached on its deadline'
  )
  t.same((await worklist('?kind=CLOCK_PENDING')).results.map(read), ['CLOCK_PENDING 2026-03-02 I 0'])
  now = at('2026-03-03')
  t.same(
    (await worklist('?kind=CLOCK_BREACHED')).results.map(read),
    ['CLOCK_BREACHED 2026-02-23 H 6', 'CLOCK_BREACHED 2026-03-02 I 1'],
    'the day after it is'
  )
  t.same((await worklist('?kind=CLOCK_PENDING')).results, [])
  now = at('2026-02-24')
})

t.test('a review meets the open request, which leaves the worklist', async (t) => {
  now = at('2026-02-24')
  const held = ok(
    await app.inject({
      method: 'POST',
      url: `/v1/placements/${ids.get('G')}/reviews`,
      headers: bearer(world.own.tokens.provider),
      payload: review({ heldOn: '2026-02-24', nextReviewOn: '2026-03-20' })
    }),
    201
  )
  const request = await db
    .selectFrom('review_request')
    .select(['status', 'met_by_review_id'])
    .where('id', '=', requestG.json().id)
    .executeTakeFirstOrThrow()
  t.same(request, { status: 'MET', met_by_review_id: held.json().id })
  const declined = await db
    .selectFrom('review_request')
    .select(['status', 'met_by_review_id'])
    .where('id', '=', requestG2.json().id)
    .executeTakeFirstOrThrow()
  t.same(declined, { status: 'DECLINED', met_by_review_id: null }, 'a declined request stays declined')
  t.same((await worklist('?kind=REVIEW_REQUEST')).results, [], 'the request has left the worklist')
  t.same(
    (await worklist('')).results.map(read),
    [A, J, D, H, B, I, C, E, F],
    "and G's review is now due on 20 March, beyond 10 school days"
  )
  t.same(
    (await worklist('?withinSchoolDays=20')).results.map(read),
    [A, J, D, H, B, I, C, E, K, 'REVIEW_DUE 2026-03-20 G 0', F],
    'the same due date as F: the review ranks first'
  )
})

t.test('ties on due date and kind page without repeats or gaps', async (t) => {
  // Ten pupils placed on the same day, in a database of their own: placement ids 1 to 10, all reviews due 9 February.
  let clock = at('2026-01-05')
  const { app: app2, db: db2 } = await buildTestApp(t, { clock: () => clock })
  const w = await makeWorld(db2)
  const coord = bearer(w.own.tokens.coordinator)
  ok(
    await app2.inject({
      method: 'PUT',
      url: `/v1/local-authorities/${w.own.laCode}/calendars/2025-26`,
      headers: bearer(w.own.tokens.la_admin),
      payload: { halfTerms: STAFFORDSHIRE_2025_26 }
    }),
    201
  )
  const placed: { id: string; etag: string }[] = []
  for (let i = 1; i <= 10; i++) {
    const pupil = await insertPupil(db2, w.own, 500 + i)
    const referral = ok(
      await app2.inject({
        method: 'POST',
        url: '/v1/referrals',
        headers: bearer(w.own.tokens.school),
        payload: completeReferral(pupil.id)
      }),
      201
    ).json()
    ok(
      await app2.inject({
        method: 'POST',
        url: `/v1/referrals/${referral.id}/decision`,
        headers: coord,
        payload: { decision: 'ACCEPT' }
      }),
      200
    )
    const created = ok(
      await app2.inject({
        method: 'POST',
        url: '/v1/placements',
        headers: coord,
        payload: placementBody(referral.id, w.own.providerId, { startDate: '2026-01-12', plannedEndDate: '2026-05-22' })
      }),
      201
    )
    placed.push({ id: created.json().id, etag: created.headers.etag as string })
  }
  clock = at('2026-01-12')
  for (const p of placed)
    ok(
      await app2.inject({
        method: 'POST',
        url: `/v1/placements/${p.id}/activation`,
        headers: { ...coord, 'if-match': p.etag },
        payload: {}
      }),
      200
    )
  clock = at('2026-02-02')
  const get = async (query: string) =>
    ok(await app2.inject({ method: 'GET', url: `/v1/worklist${query}`, headers: coord }), 200).json() as {
      results: Item[]
    }
  const all = (await get('')).results
  t.same(
    all.map((i) => `${i.kind} ${i.dueDate}`),
    placed.map(() => 'REVIEW_DUE 2026-02-09')
  )
  t.same(
    all.map((i) => i.placementId),
    placed.map((p) => p.id),
    'ties in placement order, 10 after 9'
  )
  const paged: string[] = []
  for (let page = 1; page <= 4; page++)
    paged.push(...(await get(`?pageSize=3&page=${page}`)).results.map((i) => i.placementId!))
  t.same(
    paged,
    all.map((i) => i.placementId),
    'the pages, read in turn, are the one-page list'
  )
  t.same(new Set(paged).size, 10, 'every placement once')
})
