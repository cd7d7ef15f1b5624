import type { LightMyRequestResponse } from 'fastify'
import { DateTime } from 'luxon'
import t, { type Test } from 'tap'
import { completeReferral, objective, placementBody, review } from '../../fixtures/bodies.js'
import { STAFFORDSHIRE_2025_26 } from '../../fixtures/calendars.js'
import { problem } from '../../fixtures/problem.js'
import { bearer, buildTestApp, countRows, insertPupil, makeWorld } from '../../helper.js'

/**
 * Placements close only through coded outcomes, and the outcomes are followed up (domain.md §5.3, §5.6, §9.7).
 * Everything goes through the API: referral → ACCEPT → POST /v1/placements → activation → POST …/outcome.
 *
 * The pupils' home school is in LA 919, which loads Staffordshire's 2025/26 term dates; 2026/27 is the estimated
 * pattern (autumn from Wednesday 2 September 2026, no closures). School days in 2025/26:
 *   autumn 1  1 Sep – 24 Oct   40 days       autumn 2  3 Nov – 19 Dec  35 days
 *   spring 1  5 Jan – 13 Feb   30 days       spring 2  23 Feb – 27 Mar 25 days   (spring term 55)
 *   summer 1 13 Apr – 22 May   29 days (4 May bank holiday)   summer 2  1 Jun – 20 Jul  36 days   (summer term 65)
 * The LA's default policy: follow-ups are due 10 school days after they open; a reintegration holds at 90% attendance.
 *
 * Reintegration follow-ups after a return on Monday 1 December 2025 (the placement's last day is Sunday 30 November):
 *   SIX_SCHOOL_WEEKS  30 school days after 1 Dec: 2–19 Dec is 14, 5–23 Jan is 29, so Monday 26 January 2026;
 *                     due 10 school days later: 27–30 Jan (4), 2–6 Feb (9), Monday 9 February.
 *   ONE_TERM          1 Dec is school day 61 of the autumn term (40 + 21). Spring has only 55, so the check is
 *                     the spring term's last day, Friday 27 March; due after Easter: 13–17 Apr (5), 20–24 Apr → 24
 *                         April.
 *   TWO_TERMS         school day 61 of the summer term: summer 1 gives 29, then 1 June is day 30 and 32 school
 *                     days on is Tuesday 14 July; due 15, 16, 17, 20 July (4), then 2026/27 from Wednesday 2 September:
 *                     2, 3, 4, 7, 8, 9 Sep → Wednesday 9 September 2026.
 */

const at = (date: string) => DateTime.fromISO(`${date}T10:00:00`, { zone: 'Europe/London' })
/** A Year 11 pupil in 2025/26: end of compulsory school age the last Friday of June 2026, the 26th. */
const YEAR_11_DOB = '2010-03-14'
const tier3Next = {
  startDate: '2026-01-05',
  plannedEndDate: null,
  sessionsAtProvider: 10,
  sessionsAtHomeSchool: 0,
  registration: 'DUAL_REGISTERED',
  plan: { objectives: [objective], transitionPlan: 'Move to a new mainstream school via Fair Access' }
}
const tier1Next = {
  startDate: '2026-01-05',
  plannedEndDate: '2026-03-27',
  sessionsAtProvider: 0,
  sessionsAtHomeSchool: 10,
  registration: 'ON_HOME_ROLL',
  plan: { objectives: [objective], readinessCriteria: 'Sustained 95% attendance' }
}
const returned = (effectiveDate: string, extra: Record<string, unknown> = {}) => ({
  code: 'RETURNED_TO_HOME_SCHOOL_FULL_TIME',
  effectiveDate,
  finalReviewMissingReason: 'The review planned for the return was cancelled by the family',
  ...extra
})
const collegeDestination = {
  code: 'FE_COLLEGE',
  septemberGuarantee: 'OFFER_MADE',
  source: 'PROVIDER_CONFIRMED',
  provider: { name: 'Stafford College', identifier: '10006432' }
}
const goodReturn = { onRoll: true, attendancePct: 95, permanentlyExcluded: false, suspensionDays: 0 }

type Res = LightMyRequestResponse
interface Handle {
  id: string
  etag: string
}

/** A fresh app and world on its own database, a movable clock and helpers that drive the API. */
async function setup(t: Test) {
  let now = at('2025-10-20')
  const { app, db } = await buildTestApp(t, { clock: () => now })
  const world = await makeWorld(db)
  const h = {
    coordinator: bearer(world.own.tokens.coordinator),
    school: bearer(world.own.tokens.school),
    provider: bearer(world.own.tokens.provider),
    otherCoordinator: bearer(world.other.tokens.coordinator),
    otherSchool: bearer(world.other.tokens.school)
  }
  const ok = (res: Res, status: number): Res => {
    if (res.statusCode !== status) throw new Error(`${res.statusCode} instead of ${status}: ${res.body}`)
    return res
  }
  ok(
    await app.inject({
      method: 'PUT',
      url: `/v1/local-authorities/${world.own.laCode}/calendars/2025-26`,
      headers: bearer(world.own.tokens.la_admin),
      payload: { halfTerms: STAFFORDSHIRE_2025_26 }
    }),
    201
  )
  const on = (date: string) => {
    now = at(date)
  }
  let serial = 0
  const pupil = async (dateOfBirth = '2012-03-14') =>
    insertPupil(db, world.own, ++serial, { date_of_birth: dateOfBirth })

  /**
   * A planned placement from an accepted referral made on `referOn` (placementBody: Tier 2, 3 Nov 2025 – 13 Feb
   * 2026).
   */
  async function planned(
    pupilId: string,
    extra: Record<string, unknown> = {},
    referOn = '2025-10-20'
  ): Promise<Handle> {
    on(referOn)
    const referral = ok(
      await app.inject({ method: 'POST', url: '/v1/referrals', headers: h.school, payload: completeReferral(pupilId) }),
      201
    ).json()
    ok(
      await app.inject({
        method: 'POST',
        url: `/v1/referrals/${referral.id}/decision`,
        headers: h.coordinator,
        payload: { decision: 'ACCEPT' }
      }),
      200
    )
    const placed = ok(
      await app.inject({
        method: 'POST',
        url: '/v1/placements',
        headers: h.coordinator,
        payload: placementBody(referral.id, world.own.providerId, extra)
      }),
      201
    )
    return { id: placed.json().id, etag: placed.headers.etag as string }
  }
  /** The same, activated on its start date (the clock is left there). */
  async function active(pupilId: string, extra: Record<string, unknown> = {}, referOn = '2025-10-20'): Promise<Handle> {
    const p = await planned(pupilId, extra, referOn)
    on((extra.startDate as string | undefined) ?? '2025-11-03')
    const res = ok(
      await app.inject({
        method: 'POST',
        url: `/v1/placements/${p.id}/activation`,
        headers: { ...h.coordinator, 'if-match': p.etag },
        payload: {}
      }),
      200
    )
    return { id: p.id, etag: res.headers.etag as string }
  }
  const close = (p: Handle, payload: Record<string, unknown>, headers: Record<string, string> = h.coordinator) =>
    app.inject({
      method: 'POST',
      url: `/v1/placements/${p.id}/outcome`,
      headers: { ...headers, 'if-match': p.etag },
      payload
    })
  /** Closes on the effective date (the clock moves there) and returns the new handle. */
  async function closed(p: Handle, payload: Record<string, unknown>): Promise<Handle> {
    on(payload.effectiveDate as string)
    const res = ok(await close(p, payload), 200)
    return { id: p.id, etag: res.headers.etag as string }
  }
  const correct = (p: Handle, payload: Record<string, unknown>) =>
    app.inject({
      method: 'POST',
      url: `/v1/placements/${p.id}/outcome/corrections`,
      headers: { ...h.coordinator, 'if-match': p.etag },
      payload
    })
  const outcome = (id: string, headers: Record<string, string> = h.coordinator) =>
    app.inject({ method: 'GET', url: `/v1/placements/${id}/outcome`, headers })
  const placement = (id: string, headers: Record<string, string> = h.coordinator) =>
    app.inject({ method: 'GET', url: `/v1/placements/${id}`, headers })
  const record = (id: string, checkpoint: string, headers: Record<string, string>, payload: Record<string, unknown>) =>
    app.inject({ method: 'POST', url: `/v1/placements/${id}/follow-ups/${checkpoint}/result`, headers, payload })
  const followUpRows = (placementId: string) =>
    db.selectFrom('outcome_follow_up').selectAll().where('placement_id', '=', placementId).orderBy('id').execute()
  /** Rows that closing, correcting or recording would write. */
  const written = async () => ({
    outcomes: await countRows(db, 'placement_outcome'),
    followUps: await countRows(db, 'outcome_follow_up'),
    recorded: Number(
      (
        await db
          .selectFrom('outcome_follow_up')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('status', '=', 'RECORDED')
          .executeTakeFirstOrThrow()
      ).n
    ),
    events: await countRows(db, 'placement_event'),
    audit: Number(
      (
        await db
          .selectFrom('audit_event')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('action', '<>', 'read')
          .executeTakeFirstOrThrow()
      ).n
    )
  })
  const worklist = async (headers: Record<string, string>, query = '') => {
    const res = ok(await app.inject({ method: 'GET', url: `/v1/worklist?pageSize=100${query}`, headers }), 200)
    return (res.json().results as { kind: string; placementId: string | null }[]).filter((i) =>
      i.kind.startsWith('FOLLOW_UP_')
    )
  }
  return {
    app,
    db,
    world,
    h,
    ok,
    on,
    pupil,
    planned,
    active,
    close,
    closed,
    correct,
    outcome,
    placement,
    record,
    followUpRows,
    written,
    worklist
  }
}

t.test('closing an active Tier 2 placement with a return to the home school', async (t) => {
  const s = await setup(t)
  const { h, db, world } = s
  const pupil = await s.pupil()
  const p = await s.active(pupil.id)
  s.on('2025-11-20')
  const held = s
    .ok(
      await s.app.inject({
        method: 'POST',
        url: `/v1/placements/${p.id}/reviews`,
        headers: h.coordinator,
        payload: review()
      }),
      201
    )
    .json()
  const current = await s.placement(p.id)
  const etag = current.headers.etag as string

  s.on('2025-12-01')
  const body = returned('2025-12-01', { finalReviewId: held.id, finalReviewMissingReason: undefined })
  problem(
    t,
    await s.app.inject({
      method: 'POST',
      url: `/v1/placements/${p.id}/outcome`,
      headers: h.coordinator,
      payload: body
    }),
    428
  )
  problem(t, await s.close({ id: p.id, etag: '"1"' }, body), 412)
  t.match(
    (await s.placement(p.id)).json(),
    { status: 'ACTIVE', endDate: null, outcome: null },
    'nothing changed by the precondition failures'
  )

  const before = await s.written()
  const res = await s.close({ id: p.id, etag }, body)
  t.equal(res.statusCode, 200, res.body.slice(0, 400))
  t.not(res.headers.etag, etag, 'a new version')
  const ended = res.json()
  t.match(
    ended,
    {
      id: p.id,
      status: 'ENDED',
      endDate: '2025-11-30',
      endedReason: 'RETURNED_TO_HOME_SCHOOL_FULL_TIME',
      nextReviewDueOn: null,
      outcome: {
        code: 'RETURNED_TO_HOME_SCHOOL_FULL_TIME',
        effectiveDate: '2025-12-01',
        reintegration: true,
        sustained: 'PENDING',
        finalReviewId: held.id,
        receiving: { schoolId: world.own.schoolId, providerId: null },
        correctsId: null,
        correctionReason: null
      }
    },
    'ENDED the day before the effective date, received back by the home school'
  )
  t.same(
    ended.outcome.followUps.map(
      (f: { checkpoint: string; opensOn: string; dueOn: string; status: string; overdue: boolean }) => [
        f.checkpoint,
        f.opensOn,
        f.dueOn,
        f.status,
        f.overdue
      ]
    ),
    [
      ['SIX_SCHOOL_WEEKS', '2026-01-26', '2026-02-09', 'PENDING', false],
      ['ONE_TERM', '2026-03-27', '2026-04-24', 'PENDING', false],
      ['TWO_TERMS', '2026-07-14', '2026-09-09', 'PENDING', false]
    ],
    'three follow-ups on the Staffordshire calendar (worked out in the header comment)'
  )
  t.same(
    ended.outcome.followUps[0].recordedBy,
    ['coordinator', 'school'],
    "a reintegration check is the school's or the LA's"
  )
  t.equal(ended.outcome.followUps[0].result, null)

  const after = await s.written()
  t.equal(after.outcomes, before.outcomes + 1, 'one outcome row')
  t.equal(after.followUps, before.followUps + 3, 'three follow-up rows')
  const audit = await db
    .selectFrom('audit_event')
    .select(['action', 'entity', 'entity_id', 'changed_fields'])
    .where('action', '<>', 'read')
    .where('entity', 'in', ['placement', 'placement_outcome'])
    .orderBy('id', 'desc')
    .limit(2)
    .execute()
  t.match(
    audit.find((a) => a.entity === 'placement_outcome'),
    { action: 'create', entity_id: ended.outcome.id },
    'audit: the outcome created'
  )
  t.match(
    audit.find((a) => a.entity === 'placement'),
    { action: 'update', entity_id: p.id, changed_fields: ['status', 'endDate', 'outcome'] },
    'audit: the placement updated'
  )
  const events = await db
    .selectFrom('placement_event')
    .select(['event', 'reason'])
    .where('placement_id', '=', p.id)
    .orderBy('id')
    .execute()
  t.match(events.at(-1), { event: 'ENDED', reason: 'RETURNED_TO_HOME_SCHOOL_FULL_TIME' }, 'an ENDED event')
  const row = await db
    .selectFrom('placement')
    .select(['status', 'end_date', 'outcome_id'])
    .where('id', '=', p.id)
    .executeTakeFirstOrThrow()
  t.same(
    row,
    { status: 'ENDED', end_date: '2025-11-30', outcome_id: ended.outcome.id },
    'the row points at its outcome'
  )

  t.match(
    (await s.placement(p.id, h.school)).json(),
    { status: 'ENDED', outcome: { code: 'RETURNED_TO_HOME_SCHOOL_FULL_TIME' } },
    'the home school sees the outcome'
  )
  const history = await s.outcome(p.id, h.provider)
  t.equal(history.statusCode, 200, 'the provider reads the outcome')
  t.match(history.json(), { placementId: p.id, current: { id: ended.outcome.id, sustained: 'PENDING' }, history: [] })

  const again = await s.close({ id: p.id, etag: res.headers.etag as string }, body)
  t.equal(problem(t, again, 409).code, 'placement_closed', 'closing again → 409')
  const plannedOne = await s.planned(
    (await s.pupil()).id,
    { startDate: '2025-12-08', plannedEndDate: '2026-02-13' },
    '2025-12-01'
  )
  const notStarted = await s.close(plannedOne, returned('2025-12-01'))
  t.equal(problem(t, notStarted, 409).code, 'not_started', 'a PLANNED placement is cancelled, not closed')
  t.equal((await s.written()).outcomes, after.outcomes, 'no outcome written by the refusals')

  t.test('a paused placement closes too', async (t) => {
    const other = await s.active((await s.pupil()).id)
    s.on('2025-11-10')
    const paused = s.ok(
      await s.app.inject({
        method: 'POST',
        url: `/v1/placements/${other.id}/pause`,
        headers: { ...h.coordinator, 'if-match': other.etag },
        payload: { reason: 'Hospital stay' }
      }),
      200
    )
    s.on('2025-12-01')
    const res = await s.close(
      { id: other.id, etag: paused.headers.etag as string },
      {
        code: 'MEDICAL_OR_HOSPITAL_EDUCATION',
        effectiveDate: '2025-12-01',
        reasons: 'Long hospital stay',
        finalReviewMissingReason: 'In hospital'
      }
    )
    t.equal(res.statusCode, 200, res.body.slice(0, 300))
    t.match(
      res.json(),
      {
        status: 'ENDED',
        pauseReason: null,
        endDate: '2025-11-30',
        outcome: { code: 'MEDICAL_OR_HOSPITAL_EDUCATION', reintegration: false, sustained: null, followUps: [] }
      },
      'not followed up'
    )
  })
})

t.test('bad input is refused naming the field and rule, and writes nothing', async (t) => {
  const s = await setup(t)
  const { h } = s
  const p = await s.active((await s.pupil()).id)
  const leaver = await s.active((await s.pupil(YEAR_11_DOB)).id)
  s.on('2025-12-01')
  const before = await s.written()
  const unchanged = async (t: Test, handle: Handle) => {
    t.same(await s.written(), before, 'no outcome, follow-up, event or audit row written')
    const now = await s.placement(handle.id)
    t.match(
      now.json(),
      { status: 'ACTIVE', endDate: null, endedReason: null, outcome: null },
      'the placement is still ACTIVE'
    )
    t.equal(now.headers.etag, handle.etag, 'at the same version')
  }

  t.test('an update never ends a placement', async (t) => {
    for (const [payload, path] of [
      [{ status: 'ENDED' }, '/status'],
      [{ endDate: '2025-11-30' }, '/endDate'],
      [{ endedReason: 'OTHER', laNotifiedOn: '2025-10-20' }, '/endedReason']
    ] as const) {
      const res = await s.app.inject({
        method: 'PATCH',
        url: `/v1/placements/${p.id}`,
        headers: { ...h.coordinator, 'if-match': p.etag },
        payload
      })
      const body = problem(t, res, 422, path, 'use_outcome')
      t.equal(body.code, 'use_outcome')
      t.match(
        (body as unknown as { detail: string }).detail,
        `/v1/placements/${p.id}/outcome`,
        'points to the outcome route'
      )
      await unchanged(t, p)
    }
  })

  const cases: [string, Record<string, unknown>, number, string, string][] = [
    ['no code', { effectiveDate: '2025-12-01', finalReviewMissingReason: 'None held' }, 400, '/code', 'required'],
    [
      'a Tier 2 breakdown without reasons',
      returned('2025-12-01', { code: 'PLACEMENT_BROKE_DOWN' }),
      422,
      '/reasons',
      'required'
    ],
    ['an effective date before the start', returned('2025-10-31'), 422, '/effectiveDate', 'not_after_start'],
    ['an effective date on the start', returned('2025-11-03'), 422, '/effectiveDate', 'not_after_start'],
    ['an effective date in the future', returned('2025-12-02'), 422, '/effectiveDate', 'date_in_future'],
    [
      'a phased return without its plan',
      returned('2025-12-01', { code: 'RETURNED_TO_HOME_SCHOOL_PHASED' }),
      422,
      '/phasedPlan',
      'required'
    ],
    [
      'OTHER without its text',
      returned('2025-12-01', { code: 'OTHER', reasons: 'Family circumstances' }),
      422,
      '/otherText',
      'required'
    ],
    [
      'no final review and no reason',
      returned('2025-12-01', { finalReviewMissingReason: undefined }),
      422,
      '/finalReviewId',
      'required'
    ],
    ['an escalation', returned('2025-12-01', { code: 'ESCALATED_TIER_2_TO_3' }), 422, '/code', 'use_escalation']
  ]
  for (const [name, payload, status, path, rule] of cases) {
    t.test(name, async (t) => {
      problem(t, await s.close(p, payload), status, path, rule)
      await unchanged(t, p)
    })
  }
  t.test('a correction of an open placement', async (t) => {
    t.equal(
      problem(t, await s.correct(p, { ...returned('2025-12-01'), correctionReason: 'x' }), 409).code,
      'no_outcome'
    )
    await unchanged(t, p)
  })

  t.test('a Year 11 pupil leaving education', async (t) => {
    s.on('2026-07-01')
    problem(t, await s.close(leaver, returned('2026-07-01')), 422, '/destination', 'year_11_leaver')
    await unchanged(t, leaver)
    problem(
      t,
      await s.close(leaver, returned('2026-07-01', { code: 'POST16_TRANSITION' })),
      422,
      '/destination',
      'required'
    )
    await unchanged(t, leaver)
    problem(
      t,
      await s.close(
        leaver,
        returned('2026-07-01', {
          code: 'POST16_TRANSITION',
          destination: { code: 'FE_COLLEGE', septemberGuarantee: 'OFFER_MADE' }
        })
      ),
      422,
      '/destination/provider',
      'required'
    )
    await unchanged(t, leaver)
  })
})

t.test('post-16 transition: the October and March checks', async (t) => {
  const s = await setup(t)
  const { h } = s
  const p = await s.active((await s.pupil(YEAR_11_DOB)).id)
  const neet = await s.active((await s.pupil(YEAR_11_DOB)).id)
  const post16 = (extra: Record<string, unknown> = {}) => ({
    code: 'POST16_TRANSITION',
    effectiveDate: '2026-07-01',
    destination: collegeDestination,
    finalReviewMissingReason: 'Left at the end of Year 11',
    ...extra
  })
  s.on('2026-07-01')
  const closed = s.ok(await s.close(p, post16()), 200).json()
  t.match(closed, {
    status: 'ENDED',
    endDate: '2026-06-30',
    endedReason: 'POST16_TRANSITION',
    outcome: {
      code: 'POST16_TRANSITION',
      reintegration: false,
      sustained: 'PENDING',
      destination: {
        code: 'FE_COLLEGE',
        septemberGuarantee: 'OFFER_MADE',
        source: 'PROVIDER_CONFIRMED',
        provider: { name: 'Stafford College', identifier: '10006432' }
      }
    }
  })
  t.same(
    closed.outcome.followUps.map((f: { checkpoint: string; opensOn: string; dueOn: string; recordedBy: string[] }) => [
      f.checkpoint,
      f.opensOn,
      f.dueOn,
      f.recordedBy
    ]),
    [
      ['POST16_OCTOBER', '2026-10-01', '2026-10-31', ['coordinator', 'provider']],
      ['POST16_MARCH', '2027-03-01', '2027-03-31', ['coordinator', 'provider']]
    ],
    'the October and March checks of the year after Year 11'
  )
  s.ok(
    await s.close(
      neet,
      post16({
        destination: {
          code: 'SIXTH_FORM_COLLEGE',
          septemberGuarantee: 'OFFER_MADE',
          provider: { name: 'Newcastle Sixth Form' }
        }
      })
    ),
    200
  )

  const october = { participating: true, destination: 'FE_COLLEGE', notes: 'Enrolled on a Level 2 course' }
  t.test('not before the window opens', async (t) => {
    s.on('2026-09-30')
    const before = await s.written()
    const early = problem(t, await s.record(p.id, 'POST16_OCTOBER', h.provider, october), 422, '/', 'before_window')
    t.equal(early.code, 'before_window')
    t.same(await s.written(), before, 'nothing written')
    t.match(
      (await s.followUpRows(p.id)).find((f) => f.checkpoint === 'POST16_OCTOBER'),
      { status: 'PENDING', recorded_on: null, met: null }
    )
  })

  t.test('recorded by the provider, not the school, once', async (t) => {
    s.on('2026-10-05')
    const bySchool = await s.record(p.id, 'POST16_OCTOBER', h.school, october)
    t.equal(problem(t, bySchool, 403).code, 'not_your_follow_up', 'the school does not record post-16 checks')
    const reintegrationFields = await s.record(p.id, 'POST16_OCTOBER', h.provider, { ...october, attendancePct: 95 })
    problem(t, reintegrationFields, 422, '/attendancePct', 'not_allowed')
    const res = await s.record(p.id, 'POST16_OCTOBER', h.provider, october)
    t.equal(res.statusCode, 201, res.body.slice(0, 300))
    t.match(res.json(), {
      checkpoint: 'POST16_OCTOBER',
      status: 'RECORDED',
      met: true,
      reasons: [],
      result: {
        participating: true,
        destination: 'FE_COLLEGE',
        recordedOn: '2026-10-05',
        recordedRole: 'provider',
        attendancePct: null
      }
    })
    const twice = await s.record(p.id, 'POST16_OCTOBER', h.provider, october)
    t.equal(problem(t, twice, 409).code, 'already_recorded')
    t.match((await s.outcome(p.id)).json(), { current: { sustained: 'PENDING' } }, 'still pending until March')
  })

  t.test('NEET in October: not sustained', async (t) => {
    const res = await s.record(neet.id, 'POST16_OCTOBER', h.coordinator, {
      participating: false,
      destination: 'NEET_SEEKING'
    })
    t.equal(res.statusCode, 201, res.body.slice(0, 300))
    t.match(res.json(), {
      met: false,
      reasons: ['not in education, employment or training'],
      result: { recordedRole: 'coordinator' }
    })
    t.match((await s.outcome(neet.id)).json(), { current: { code: 'POST16_TRANSITION', sustained: 'NOT_SUSTAINED' } })
  })

  t.test('six months in education by March: sustained', async (t) => {
    s.on('2027-03-08')
    const before = await s.written()
    const missing = await s.record(p.id, 'POST16_MARCH', h.provider, {
      participating: true,
      destination: 'FE_COLLEGE',
      monthsInEmployment: 0
    })
    problem(t, missing, 422, '/monthsInEducation', 'required')
    t.same(await s.written(), before, 'nothing written')
    const res = await s.record(p.id, 'POST16_MARCH', h.provider, {
      participating: true,
      destination: 'FE_COLLEGE',
      monthsInEducation: 6,
      monthsInEmployment: 0
    })
    t.equal(res.statusCode, 201, res.body.slice(0, 300))
    t.match(res.json(), { met: true, result: { monthsInEducation: 6, monthsInEmployment: 0 } })
    const got = (await s.outcome(p.id)).json()
    t.equal(got.current.sustained, 'SUSTAINED')
    t.same(
      got.current.followUps.map((f: { status: string }) => f.status),
      ['RECORDED', 'RECORDED']
    )
  })
})

t.test('reintegration checks by the home school, and a new placement found automatically', async (t) => {
  const s = await setup(t)
  const { h, world } = s
  const held = await s.pupil()
  const failed = await s.pupil()
  const a = await s.closed(await s.active(held.id), returned('2025-12-01'))
  const b = await s.closed(await s.active(failed.id), returned('2025-12-01'))

  s.on('2026-01-26')
  const good = await s.record(a.id, 'SIX_SCHOOL_WEEKS', h.school, { ...goodReturn, rollSchoolId: world.own.schoolId })
  t.equal(good.statusCode, 201, good.body.slice(0, 300))
  t.match(good.json(), {
    checkpoint: 'SIX_SCHOOL_WEEKS',
    status: 'RECORDED',
    met: true,
    reasons: [],
    result: {
      onRoll: true,
      attendancePct: 95,
      newPlacement: false,
      newPlacementId: null,
      recordedRole: 'school',
      recordedOn: '2026-01-26'
    }
  })
  t.match(
    (await s.outcome(a.id)).json(),
    { current: { sustained: 'PENDING' } },
    'held so far; the +2 terms check decides'
  )

  const before = await s.written()
  problem(
    t,
    await s.record(b.id, 'SIX_SCHOOL_WEEKS', h.school, { onRoll: true, permanentlyExcluded: false, suspensionDays: 0 }),
    422,
    '/attendancePct',
    'required'
  )
  problem(
    t,
    await s.record(b.id, 'SIX_SCHOOL_WEEKS', h.school, { ...goodReturn, destination: 'FE_COLLEGE' }),
    422,
    '/destination',
    'not_allowed'
  )
  problem(t, await s.record(b.id, 'SIX_SCHOOL_WEEKS', h.otherSchool, goodReturn), 404)
  t.equal(
    problem(t, await s.record(b.id, 'ONE_TERM', h.school, goodReturn), 422).code,
    'before_window',
    'the +1 term check opens on 27 March'
  )
  t.same(await s.written(), before, 'nothing written by the refusals')

  const poor = await s.record(b.id, 'SIX_SCHOOL_WEEKS', h.school, { ...goodReturn, attendancePct: 80 })
  t.equal(poor.statusCode, 201, poor.body.slice(0, 300))
  t.equal(poor.json().met, false)
  t.match(poor.json().reasons, [/attendance 80% below 90%/], 'the reason names the attendance')
  t.match((await s.outcome(b.id)).json(), { current: { sustained: 'NOT_SUSTAINED' } })

  // The first pupil is placed again at Tier 2 from 23 February; the +1 term check (27 March) finds it.
  const again = await s.active(held.id, { startDate: '2026-02-23', plannedEndDate: '2026-05-22' }, '2026-02-02')
  s.on('2026-03-27')
  const found = await s.record(a.id, 'ONE_TERM', h.school, goodReturn)
  t.equal(found.statusCode, 201, found.body.slice(0, 300))
  t.match(
    found.json(),
    { met: false, result: { newPlacement: true, newPlacementId: again.id } },
    'the new placement counts though the school did not say so'
  )
  t.match(found.json().reasons, [/new Tier 2 or 3 placement/])
  t.match((await s.outcome(a.id)).json(), { current: { sustained: 'NOT_SUSTAINED' } })
})

t.test('correcting an outcome', async (t) => {
  const s = await setup(t)
  const { h, db } = s
  const p = await s.closed(await s.active((await s.pupil()).id), returned('2026-01-12'))
  const first = (await s.outcome(p.id)).json().current
  // Return on Monday 12 January: school day 6 of spring (5–9 Jan, 12 Jan).
  //   SIX_SCHOOL_WEEKS  30 school days on: 13 Jan – 13 Feb is 24, 23 Feb – 2 Mar is 30 → 2 March, due 16 March.
  //   ONE_TERM          school day 6 of summer: 13–17, 20 April → 20 April, due 5 May (4 May is a bank holiday).
  //   TWO_TERMS         school day 6 of autumn 2026 (estimated, from 2 September): 9 September, due 23 September.
  t.same(
    first.followUps.map((f: { checkpoint: string; opensOn: string; dueOn: string }) => [
      f.checkpoint,
      f.opensOn,
      f.dueOn
    ]),
    [
      ['SIX_SCHOOL_WEEKS', '2026-03-02', '2026-03-16'],
      ['ONE_TERM', '2026-04-20', '2026-05-05'],
      ['TWO_TERMS', '2026-09-09', '2026-09-23']
    ]
  )
  s.on('2026-03-02')
  s.ok(await s.record(p.id, 'SIX_SCHOOL_WEEKS', h.school, goodReturn), 201)

  const later = { ...returned('2026-01-19'), correctionReason: 'The pupil went back a week later than first recorded' }
  const before = await s.written()
  const { correctionReason: _omitted, ...noReason } = later
  problem(t, await s.correct(p, noReason), 400, '/correctionReason', 'required')
  problem(t, await s.correct({ id: p.id, etag: '"1"' }, later), 412)
  problem(t, await s.correct(p, { ...later, effectiveDate: '2026-03-03' }), 422, '/effectiveDate', 'date_in_future')
  t.same(await s.written(), before, 'nothing written by the refusals')

  const res = await s.correct(p, later)
  t.equal(res.statusCode, 200, res.body.slice(0, 400))
  t.match(res.json(), {
    status: 'ENDED',
    endDate: '2026-01-18',
    endedReason: 'RETURNED_TO_HOME_SCHOOL_FULL_TIME',
    outcome: { effectiveDate: '2026-01-19', correctsId: first.id }
  })
  const corrected: Handle = { id: p.id, etag: res.headers.etag as string }
  t.not(corrected.etag, p.etag, 'a new version')

  const got = (await s.outcome(p.id)).json()
  t.match(got.current, {
    effectiveDate: '2026-01-19',
    correctsId: first.id,
    correctionReason: later.correctionReason,
    sustained: 'PENDING'
  })
  t.equal(got.history.length, 1, 'the corrected outcome is kept')
  t.match(got.history[0], {
    id: first.id,
    effectiveDate: '2026-01-12',
    correctsId: null,
    correctionReason: null,
    sustained: null,
    followUps: []
  })
  // Return on Monday 19 January: school day 11 of spring. The recorded six-week check stands where it was;
  //   ONE_TERM   school day 11 of summer: 13–24 April is 10, so 27 April; due 28 April – 12 May (4 May a bank holiday).
  //   TWO_TERMS  school day 11 of autumn 2026: 2–4, 7–11, 14–16 September → 16 September, due 30 September.
  t.same(
    got.current.followUps.map((f: { checkpoint: string; opensOn: string; dueOn: string; status: string }) => [
      f.checkpoint,
      f.opensOn,
      f.dueOn,
      f.status
    ]),
    [
      ['SIX_SCHOOL_WEEKS', '2026-03-02', '2026-03-16', 'RECORDED'],
      ['ONE_TERM', '2026-04-27', '2026-05-12', 'PENDING'],
      ['TWO_TERMS', '2026-09-16', '2026-09-30', 'PENDING']
    ],
    'pending checks moved, the recorded one stands'
  )
  t.equal(got.current.followUps[0].met, true)
  const events = await db
    .selectFrom('placement_event')
    .select(['event', 'on_date', 'reason'])
    .where('placement_id', '=', p.id)
    .orderBy('id')
    .execute()
  t.match(events.at(-1), {
    event: 'OUTCOME_CORRECTED',
    on_date: '2026-03-02',
    reason: /The pupil went back a week later/
  })

  const toAp = (effectiveDate: string) => ({
    code: 'MOVED_TO_AP_SCHOOL_LONG_TERM',
    effectiveDate,
    receiving: { name: 'Stafford Academy AP', identifier: '145678' },
    reasons: 'The return broke down in the first week; the panel named a long-term AP school',
    finalReviewMissingReason: 'Panel decision',
    correctionReason: 'It was not a return to school'
  })

  t.test('to an outcome that is not followed up: the pending checks are superseded', async (t) => {
    const q = await s.closed(await s.active((await s.pupil()).id), returned('2025-12-01'))
    s.on('2025-12-08')
    const res = await s.correct(q, toAp('2025-12-01'))
    t.equal(res.statusCode, 200, res.body.slice(0, 400))
    t.match(res.json(), {
      endedReason: 'MOVED_TO_AP_SCHOOL_LONG_TERM',
      endDate: '2025-11-30',
      outcome: {
        code: 'MOVED_TO_AP_SCHOOL_LONG_TERM',
        reintegration: false,
        sustained: null,
        followUps: [],
        receiving: { name: 'Stafford Academy AP', identifier: '145678', schoolId: null }
      }
    })
    t.same(
      (await s.followUpRows(q.id)).map((r) => [r.checkpoint, r.status]),
      [
        ['SIX_SCHOOL_WEEKS', 'SUPERSEDED'],
        ['ONE_TERM', 'SUPERSEDED'],
        ['TWO_TERMS', 'SUPERSEDED']
      ],
      'kept, superseded'
    )
    const got = (await s.outcome(q.id)).json()
    t.match(got, {
      current: { code: 'MOVED_TO_AP_SCHOOL_LONG_TERM', followUps: [], sustained: null },
      history: [{ code: 'RETURNED_TO_HOME_SCHOOL_FULL_TIME', effectiveDate: '2025-12-01' }]
    })
    s.on('2026-01-26')
    t.equal(
      problem(t, await s.record(q.id, 'SIX_SCHOOL_WEEKS', h.school, goodReturn), 404).code,
      'follow_up_not_found',
      'a superseded check cannot be recorded'
    )
  })

  // The pupil above had its six-week check recorded. Correcting the outcome to one with no follow-ups must still
  // succeed; storeOutcome marks the RECORDED row SUPERSEDED with its recorded_on kept, which the table's
  // outcome_follow_up_recorded_check forbids, so the correction fails with 400 constraint_violated.
  t.test('to an outcome that is not followed up, after a check was recorded', async (t) => {
    s.on('2026-03-02')
    const before = await s.written()
    const res = await s.correct(corrected, toAp('2026-01-19'))
    t.equal(res.statusCode, 200, `the correction is accepted: ${res.body.slice(0, 300)}`)
    if (res.statusCode !== 200) {
      t.same(await s.written(), before, 'nothing half-written')
      return
    }
    t.match(res.json(), {
      endedReason: 'MOVED_TO_AP_SCHOOL_LONG_TERM',
      outcome: { code: 'MOVED_TO_AP_SCHOOL_LONG_TERM', sustained: null }
    })
    t.notOk(
      res.json().outcome.followUps.some((f: { status: string }) => f.status === 'PENDING'),
      'no pending check left'
    )
    const rows = await s.followUpRows(p.id)
    t.same(
      rows.filter((r) => r.status === 'PENDING'),
      [],
      'the pending checks superseded'
    )
    t.match(
      rows.find((r) => r.checkpoint === 'SIX_SCHOOL_WEEKS'),
      { recorded_on: '2026-03-02', met: true },
      'the recorded result is kept'
    )
    const history = (await s.outcome(p.id)).json()
    t.same(
      history.history.map((o: { effectiveDate: string; code: string }) => `${o.code} ${o.effectiveDate}`),
      ['RETURNED_TO_HOME_SCHOOL_FULL_TIME 2026-01-19', 'RETURNED_TO_HOME_SCHOOL_FULL_TIME 2026-01-12'],
      'newest first'
    )
  })
})

t.test('escalation and step-down record their own outcome', async (t) => {
  const s = await setup(t)
  const { h, world } = s
  const up = await s.active((await s.pupil()).id)
  const down = await s.active((await s.pupil()).id)
  s.on('2025-11-24')
  const moveOn = (p: Handle, path: string, payload: Record<string, unknown>) =>
    s.app.inject({
      method: 'POST',
      url: `/v1/placements/${p.id}/${path}`,
      headers: { ...h.coordinator, 'if-match': p.etag },
      payload
    })

  const escalated = await moveOn(up, 'escalation', { ...tier3Next, providerId: world.own.providerId })
  t.equal(escalated.statusCode, 201, escalated.body.slice(0, 400))
  t.match(escalated.json().ended, {
    status: 'ENDED',
    endDate: '2026-01-04',
    endedReason: 'ESCALATED_TIER_2_TO_3',
    outcome: {
      code: 'ESCALATED_TIER_2_TO_3',
      effectiveDate: '2026-01-05',
      reintegration: false,
      sustained: null,
      followUps: [],
      receiving: { providerId: world.own.providerId }
    }
  })
  t.match((await s.outcome(up.id)).json(), {
    current: { code: 'ESCALATED_TIER_2_TO_3', sustained: null, followUps: [] }
  })
  t.equal((await s.followUpRows(up.id)).length, 0, 'an escalation is not followed up')

  // Step-down on Monday 5 January, the first day of spring: +6 weeks is 23 February (after half-term), due 9 March;
  // +1 term is the first day of summer, 13 April, due 27 April; +2 terms the first day of autumn 2026 (estimated),
  // 2 September, due 16 September.
  const stepped = await moveOn(down, 'step-down', { ...tier1Next, providerId: world.own.providerId })
  t.equal(stepped.statusCode, 201, stepped.body.slice(0, 400))
  const ended = stepped.json().ended
  // Recorded on 24 November for 5 January: the placement runs until 4 January (issue 11).
  t.match(ended, {
    status: 'ACTIVE',
    endDate: '2026-01-04',
    endedReason: 'RETURNED_TO_HOME_SCHOOL_FULL_TIME',
    outcome: {
      code: 'RETURNED_TO_HOME_SCHOOL_FULL_TIME',
      effectiveDate: '2026-01-05',
      reintegration: true,
      sustained: 'PENDING',
      receiving: { schoolId: world.own.schoolId }
    }
  })
  t.same(
    ended.outcome.followUps.map((f: { checkpoint: string; opensOn: string; dueOn: string }) => [
      f.checkpoint,
      f.opensOn,
      f.dueOn
    ]),
    [
      ['SIX_SCHOOL_WEEKS', '2026-02-23', '2026-03-09'],
      ['ONE_TERM', '2026-04-13', '2026-04-27'],
      ['TWO_TERMS', '2026-09-02', '2026-09-16']
    ]
  )
  const upEtag = (await s.placement(up.id)).headers.etag as string
  problem(
    t,
    await s.correct({ id: up.id, etag: upEtag }, { ...returned('2025-11-24'), correctionReason: 'Was a return' }),
    422,
    '/code',
    'escalation_fixed'
  )
})

t.test('the worklist and the journey', async (t) => {
  const s = await setup(t)
  const { h } = s
  const pupil = await s.pupil()
  const back = await s.closed(await s.active(pupil.id), returned('2025-12-01'))
  const leaver = await s.closed(await s.active((await s.pupil(YEAR_11_DOB)).id), {
    code: 'POST16_TRANSITION',
    effectiveDate: '2025-12-01',
    destination: collegeDestination,
    finalReviewMissingReason: 'Left for college'
  })
  const mine = <T extends { placementId: string | null }>(items: T[], id: string) =>
    items.filter((i) => i.placementId === id)

  t.test('a check shows once it opens within the window', async (t) => {
    // Friday 9 January: 10 school days on is 23 January, before the six-week check opens (26 January).
    s.on('2026-01-09')
    t.same(await s.worklist(h.coordinator), [], 'nothing yet')
    t.match(
      await s.worklist(h.coordinator, '&withinSchoolDays=11'),
      [{ kind: 'FOLLOW_UP_DUE', placementId: back.id, dueDate: '2026-02-09' }],
      'within 11 school days it is'
    )
    s.on('2026-01-12')
    for (const [who, headers] of [
      ['coordinator', h.coordinator],
      ['home school', h.school]
    ] as const) {
      const items = await s.worklist(headers)
      t.match(
        items,
        [
          {
            kind: 'FOLLOW_UP_DUE',
            dueDate: '2026-02-09',
            placementId: back.id,
            pupilId: pupil.id,
            overdueSchoolDays: 0,
            detail: /SIX_SCHOOL_WEEKS/
          }
        ],
        `the ${who} sees it`
      )
      t.equal(items.length, 1, `only that one for the ${who}`)
    }
    t.same(await s.worklist(h.provider), [], 'not the provider: it does not record reintegration checks')
  })

  t.test('overdue after its due date', async (t) => {
    s.on('2026-02-10')
    for (const headers of [h.coordinator, h.school]) {
      t.match(await s.worklist(headers), [
        { kind: 'FOLLOW_UP_OVERDUE', dueDate: '2026-02-09', placementId: back.id, overdueSchoolDays: 1 }
      ])
    }
    t.match(
      await s.worklist(h.coordinator, '&kind=FOLLOW_UP_OVERDUE'),
      [{ kind: 'FOLLOW_UP_OVERDUE', placementId: back.id }],
      'filtered by kind'
    )
    t.same(await s.worklist(h.coordinator, '&kind=FOLLOW_UP_DUE'), [])
    t.same(await s.worklist(h.provider), [])
  })

  t.test('post-16 checks go to the provider, not the school', async (t) => {
    s.on('2026-10-05')
    const provider = await s.worklist(h.provider)
    t.match(provider, [
      { kind: 'FOLLOW_UP_DUE', placementId: leaver.id, dueDate: '2026-10-31', detail: /POST16_OCTOBER/ }
    ])
    t.equal(provider.length, 1)
    t.same(mine(await s.worklist(h.school), leaver.id), [], 'the school does not see it')
    t.match(
      mine(await s.worklist(h.coordinator), leaver.id),
      [{ kind: 'FOLLOW_UP_DUE', dueDate: '2026-10-31' }],
      'the coordinator does'
    )
    t.same(
      mine(await s.worklist(h.school), back.id).map((i: { kind: string }) => i.kind),
      ['FOLLOW_UP_OVERDUE', 'FOLLOW_UP_OVERDUE', 'FOLLOW_UP_OVERDUE'],
      'the school still has its three overdue checks'
    )
    s.ok(await s.record(back.id, 'SIX_SCHOOL_WEEKS', h.school, goodReturn), 201)
    t.equal(mine(await s.worklist(h.school), back.id).length, 2, 'a recorded check leaves the worklist')
  })

  t.test('the journey', async (t) => {
    const res = await s.app.inject({ method: 'GET', url: `/v1/pupils/${pupil.id}/journey`, headers: h.school })
    t.equal(res.statusCode, 200)
    const events = res.json().events as { date: string; kind: string; placementId: string; detail: string }[]
    t.match(
      events.find((e) => e.kind === 'PLACEMENT_ENDED'),
      { placementId: back.id, detail: /RETURNED_TO_HOME_SCHOOL_FULL_TIME.*pending/ },
      'the end with its outcome'
    )
    t.match(
      events.filter((e) => e.kind === 'FOLLOW_UP_RECORDED'),
      [{ date: '2026-10-05', placementId: back.id, detail: 'SIX_SCHOOL_WEEKS: held' }]
    )
    t.same(
      events.filter((e) => e.kind === 'FOLLOW_UP_DUE').map((e) => e.date),
      ['2026-04-24', '2026-09-09'],
      'the checks still to come'
    )
    const kinds = events.map((e) => e.kind)
    t.ok(kinds.indexOf('PLACEMENT_ENDED') < kinds.indexOf('FOLLOW_UP_DUE'), 'in date order')
  })
})

t.test('another LA cannot close or read the outcome', async (t) => {
  const s = await setup(t)
  const { h } = s
  const p = await s.active((await s.pupil()).id)
  s.on('2025-12-01')
  const before = await s.written()
  problem(t, await s.close(p, returned('2025-12-01'), h.otherCoordinator), 404)
  t.same(await s.written(), before, 'nothing written')
  t.match((await s.placement(p.id)).json(), { status: 'ACTIVE' })
  const done = await s.closed(p, returned('2025-12-01'))
  problem(t, await s.outcome(p.id, h.otherCoordinator), 404)
  problem(t, await s.outcome(p.id, h.otherSchool), 404)
  problem(
    t,
    await s.app.inject({
      method: 'POST',
      url: `/v1/placements/${p.id}/outcome/corrections`,
      headers: { ...h.otherCoordinator, 'if-match': done.etag },
      payload: { ...returned('2025-12-01'), correctionReason: 'x' }
    }),
    404
  )
  s.on('2026-01-26')
  problem(t, await s.record(p.id, 'SIX_SCHOOL_WEEKS', h.otherCoordinator, goodReturn), 404)
  t.equal((await s.outcome(p.id)).statusCode, 200, 'the arranging LA still reads it')
})
