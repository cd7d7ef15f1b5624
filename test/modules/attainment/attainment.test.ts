import t from 'tap'
import { completeReferral, placementBody, review } from '../../fixtures/bodies.js'
import { problem } from '../../fixtures/problem.js'
import { at, type Ctx, expectStatus, setupWithCalendars as setup } from '../../fixtures/setup.js'
import { bearer, countRows, insertPupil, type Org } from '../../helper.js'

/**
 * English and maths attainment through the API: assessments at baseline, at reviews and at exit on a stated scale,
 * progress from the baseline, and Year 11 qualification results. Placements are the Tier 2 fixture (3 November 2025
 * to 13 February 2026) on Staffordshire's 2025/26 term dates.
 */

/**
 * A pupil of `org`'s school referred, accepted and placed with `org`'s provider through the API, and unless
 * `activate` is false started on 3 November 2025. The clock is put back after.
 */
async function place(ctx: Ctx, opts: { org?: Org; activate?: boolean; dateOfBirth?: string } = {}) {
  const { app, db, clock } = ctx
  const org = opts.org ?? ctx.world.own
  const saved = clock.now
  clock.now = at('2025-10-20')
  const pupil = await insertPupil(
    db,
    org,
    ctx.serial.next++,
    opts.dateOfBirth ? { date_of_birth: opts.dateOfBirth } : {}
  )
  const referral = expectStatus(
    await app.inject({
      method: 'POST',
      url: '/v1/referrals',
      headers: bearer(org.tokens.school),
      payload: completeReferral(pupil.id)
    }),
    201,
    'referral'
  ).json()
  expectStatus(
    await app.inject({
      method: 'POST',
      url: `/v1/referrals/${referral.id}/decision`,
      headers: bearer(org.tokens.coordinator),
      payload: { decision: 'ACCEPT' }
    }),
    200,
    'decision'
  )
  const placement = expectStatus(
    await app.inject({
      method: 'POST',
      url: '/v1/placements',
      headers: bearer(org.tokens.coordinator),
      payload: placementBody(referral.id, org.providerId)
    }),
    201,
    'placement'
  ).json()
  if (opts.activate !== false) {
    clock.now = at('2025-11-03', '09:00')
    expectStatus(
      await app.inject({
        method: 'POST',
        url: `/v1/placements/${placement.id}/activation`,
        headers: { ...bearer(org.tokens.coordinator), 'if-match': '"1"' },
        payload: {}
      }),
      200,
      'activation'
    )
  }
  clock.now = saved
  return { pupil, placementId: placement.id as string }
}

async function holdReview(
  ctx: Ctx,
  placementId: string,
  org: Org = ctx.world.own,
  extra: Record<string, unknown> = {}
) {
  const res = await ctx.app.inject({
    method: 'POST',
    url: `/v1/placements/${placementId}/reviews`,
    headers: bearer(org.tokens.coordinator),
    payload: review(extra)
  })
  return expectStatus(res, 201, 'review').json().id as string
}

const assess = (ctx: Ctx, token: string, placementId: string, body: Record<string, unknown>) =>
  ctx.app.inject({
    method: 'POST',
    url: `/v1/placements/${placementId}/assessments`,
    headers: bearer(token),
    payload: body
  })
const listAssessments = (ctx: Ctx, token: string, placementId: string) =>
  ctx.app.inject({ method: 'GET', url: `/v1/placements/${placementId}/assessments`, headers: bearer(token) })
const qualify = (ctx: Ctx, token: string, placementId: string, body: Record<string, unknown>) =>
  ctx.app.inject({
    method: 'POST',
    url: `/v1/placements/${placementId}/qualification-results`,
    headers: bearer(token),
    payload: body
  })

t.test('baseline, review and exit assessments show progress on the placement', async (t) => {
  const ctx = await setup(t, '2025-10-20')
  const { app, db, world, clock } = ctx
  const coordinator = world.own.tokens.coordinator
  const provider = world.own.tokens.provider
  const { pupil, placementId } = await place(ctx, { activate: false })

  // Before the start: baselines only, up to 90 days ahead of it.
  const englishBaseline = await assess(ctx, coordinator, placementId, {
    subject: 'ENGLISH',
    stage: 'BASELINE',
    assessedOn: '2025-10-17',
    scale: 'STANDARDISED_SCORE',
    score: 84
  })
  t.equal(englishBaseline.statusCode, 201, englishBaseline.body)
  t.match(
    englishBaseline.json(),
    {
      id: String,
      placementId,
      subject: 'ENGLISH',
      stage: 'BASELINE',
      assessedOn: '2025-10-17',
      scale: 'STANDARDISED_SCORE',
      scaleName: null,
      scaleMin: 55,
      scaleMax: 145,
      score: 84,
      reviewId: null,
      recordedBy: String,
      createdAt: String
    },
    "the fixed scale's range is stored with the score"
  )
  const early = await assess(ctx, coordinator, placementId, {
    subject: 'ENGLISH',
    stage: 'REVIEW',
    assessedOn: '2025-10-20',
    scale: 'STANDARDISED_SCORE',
    score: 86
  })
  problem(t, early, 409)
  t.equal(early.json().code, 'not_started', 'only a baseline before the placement starts')
  const mathsBaseline = await assess(ctx, coordinator, placementId, {
    subject: 'MATHS',
    stage: 'BASELINE',
    assessedOn: '2025-10-20',
    scale: 'PROVIDER_SCALE',
    scaleName: 'Numeracy ladder',
    scaleMin: 0,
    scaleMax: 40,
    score: 12
  })
  t.equal(mathsBaseline.statusCode, 201, mathsBaseline.body)
  t.match(mathsBaseline.json(), {
    scale: 'PROVIDER_SCALE',
    scaleName: 'Numeracy ladder',
    scaleMin: 0,
    scaleMax: 40,
    score: 12
  })

  const baselineOnly = await listAssessments(ctx, coordinator, placementId)
  t.equal(baselineOnly.statusCode, 200, baselineOnly.body)
  t.match(baselineOnly.json().attainment.progress, [
    {
      subject: 'ENGLISH',
      baseline: { stage: 'BASELINE', score: 84 },
      latest: null,
      change: null,
      unit: null,
      note: 'baseline only'
    },
    {
      subject: 'MATHS',
      baseline: { stage: 'BASELINE', score: 12 },
      latest: null,
      change: null,
      unit: null,
      note: 'baseline only'
    }
  ])

  clock.now = at('2025-11-03', '09:00')
  expectStatus(
    await app.inject({
      method: 'POST',
      url: `/v1/placements/${placementId}/activation`,
      headers: { ...bearer(coordinator), 'if-match': '"1"' },
      payload: {}
    }),
    200,
    'activation'
  )

  // The first review, with the provider's assessments tied to it.
  clock.now = at('2025-11-20')
  const reviewId = await holdReview(ctx, placementId)
  const englishReview = await assess(ctx, provider, placementId, {
    subject: 'ENGLISH',
    stage: 'REVIEW',
    assessedOn: '2025-11-20',
    scale: 'STANDARDISED_SCORE',
    score: 90,
    reviewId
  })
  t.equal(englishReview.statusCode, 201, englishReview.body)
  t.match(englishReview.json(), { stage: 'REVIEW', reviewId, score: 90 })
  const mathsReview = await assess(ctx, provider, placementId, {
    subject: 'MATHS',
    stage: 'REVIEW',
    assessedOn: '2025-11-19',
    scale: 'PROVIDER_SCALE',
    scaleName: 'Numeracy ladder',
    scaleMin: 0,
    scaleMax: 40,
    score: 19
  })
  t.equal(mathsReview.statusCode, 201, mathsReview.body)

  const midway = (await listAssessments(ctx, coordinator, placementId)).json()
  t.match(
    midway.attainment.progress,
    [
      {
        subject: 'ENGLISH',
        baseline: { score: 84 },
        latest: { stage: 'REVIEW', assessedOn: '2025-11-20', score: 90 },
        change: 6,
        unit: 'points',
        note: null
      },
      {
        subject: 'MATHS',
        baseline: { score: 12 },
        latest: { stage: 'REVIEW', score: 19, scaleName: 'Numeracy ladder' },
        change: 7,
        unit: 'points on Numeracy ladder',
        note: null
      }
    ],
    "progress from the baseline in the scale's units"
  )

  // Exit: English on the same scale; maths on a reading-age scale, which cannot be compared with the ladder.
  clock.now = at('2026-02-10')
  const englishExit = await assess(ctx, provider, placementId, {
    subject: 'ENGLISH',
    stage: 'EXIT',
    assessedOn: '2026-02-10',
    scale: 'STANDARDISED_SCORE',
    score: 97
  })
  t.equal(englishExit.statusCode, 201, englishExit.body)
  const mathsExit = await assess(ctx, coordinator, placementId, {
    subject: 'MATHS',
    stage: 'EXIT',
    assessedOn: '2026-02-09',
    scale: 'READING_AGE_MONTHS',
    score: 150
  })
  t.equal(mathsExit.statusCode, 201, mathsExit.body)
  t.match(mathsExit.json(), { scale: 'READING_AGE_MONTHS', scaleMin: 48, scaleMax: 216, scaleName: null })

  const list = await listAssessments(ctx, coordinator, placementId)
  t.equal(list.statusCode, 200)
  const body = list.json()
  t.equal(body.placementId, placementId)
  t.same(
    body.assessments.map(
      (a: { subject: string; stage: string; assessedOn: string }) => `${a.assessedOn} ${a.subject} ${a.stage}`
    ),
    [
      '2025-10-17 ENGLISH BASELINE',
      '2025-10-20 MATHS BASELINE',
      '2025-11-19 MATHS REVIEW',
      '2025-11-20 ENGLISH REVIEW',
      '2026-02-09 MATHS EXIT',
      '2026-02-10 ENGLISH EXIT'
    ],
    'in date order'
  )
  t.match(body.attainment.progress, [
    {
      subject: 'ENGLISH',
      baseline: {
        stage: 'BASELINE',
        assessedOn: '2025-10-17',
        scale: 'STANDARDISED_SCORE',
        scaleName: null,
        score: 84
      },
      latest: { stage: 'EXIT', assessedOn: '2026-02-10', score: 97 },
      change: 13,
      unit: 'points',
      note: null
    },
    {
      subject: 'MATHS',
      baseline: { scale: 'PROVIDER_SCALE', score: 12 },
      latest: { stage: 'EXIT', scale: 'READING_AGE_MONTHS', score: 150 },
      change: null,
      unit: null,
      note: /not comparable/
    }
  ])
  t.same(body.attainment.qualifications, [])

  const view = await app.inject({ method: 'GET', url: `/v1/placements/${placementId}`, headers: bearer(coordinator) })
  t.equal(view.statusCode, 200)
  t.same(view.json().attainment, body.attainment, 'the placement carries the same progress')
  for (const role of ['school', 'provider'] as const) {
    const res = await listAssessments(ctx, world.own.tokens[role], placementId)
    t.equal(res.statusCode, 200, `the ${role} reads them`)
    t.same(res.json().attainment, body.attainment)
  }

  const journey = await app.inject({
    method: 'GET',
    url: `/v1/pupils/${pupil.id}/journey`,
    headers: bearer(coordinator)
  })
  t.equal(journey.statusCode, 200)
  const events = journey.json().events.filter((e: { kind: string }) => e.kind === 'ASSESSMENT')
  t.same(
    events.map((e: { date: string; detail: string }) => `${e.date} ${e.detail}`),
    [
      '2025-10-17 ENGLISH BASELINE: 84 (STANDARDISED_SCORE)',
      '2025-10-20 MATHS BASELINE: 12 (Numeracy ladder)',
      '2025-11-19 MATHS REVIEW: 19 (Numeracy ladder)',
      '2025-11-20 ENGLISH REVIEW: 90 (STANDARDISED_SCORE)',
      '2026-02-09 MATHS EXIT: 150 (READING_AGE_MONTHS)',
      '2026-02-10 ENGLISH EXIT: 97 (STANDARDISED_SCORE)'
    ],
    'each assessment is in the journey'
  )
  t.ok(events.every((e: { placementId: string }) => e.placementId === placementId))

  const audit = await db
    .selectFrom('audit_event')
    .select(['action', 'entity', 'entity_id'])
    .where('entity', '=', 'assessment')
    .execute()
  t.equal(audit.filter((a) => a.action === 'create').length, 6, 'each assessment audited')
  t.ok(
    audit.some((a) => a.action === 'list' && a.entity_id === placementId),
    'reads audited'
  )

  for (const role of ['coordinator', 'school', 'provider'] as const) {
    problem(t, await listAssessments(ctx, world.other.tokens[role], placementId), 404)
  }
  for (const role of ['la_admin', 'analyst'] as const)
    problem(t, await listAssessments(ctx, world.own.tokens[role], placementId), 403)
})

t.test('bad assessments name the field and rule, and write nothing', async (t) => {
  const ctx = await setup(t, '2025-10-20')
  const { db, world, clock } = ctx
  const coordinator = world.own.tokens.coordinator
  const { placementId } = await place(ctx)
  const { placementId: otherPlacement } = await place(ctx)
  const { placementId: planned } = await place(ctx, { activate: false })
  clock.now = at('2025-11-20')
  const ownReview = await holdReview(ctx, placementId)
  const otherReview = await holdReview(ctx, otherPlacement)

  const base = {
    subject: 'ENGLISH',
    stage: 'REVIEW',
    assessedOn: '2025-11-20',
    scale: 'STANDARDISED_SCORE',
    score: 100
  }
  const ladder = { scale: 'PROVIDER_SCALE', scaleName: 'Reading ladder', scaleMin: 0, scaleMax: 40 }
  const cases: [string, Record<string, unknown>, number, string, string][] = [
    ['a standardised score below 55', { score: 54 }, 422, '/score', 'outside_scale'],
    ['a standardised score above 145', { score: 146 }, 422, '/score', 'outside_scale'],
    ['a GCSE grade below 1', { scale: 'GCSE_9_1', score: 0.5 }, 422, '/score', 'outside_scale'],
    ['a GCSE grade above 9', { scale: 'GCSE_9_1', score: 9.5 }, 422, '/score', 'outside_scale'],
    ['a reading age below 48 months', { scale: 'READING_AGE_MONTHS', score: 47 }, 422, '/score', 'outside_scale'],
    ['a reading age above 216 months', { scale: 'READING_AGE_MONTHS', score: 217 }, 422, '/score', 'outside_scale'],
    ['above the provider scale', { ...ladder, score: 41 }, 422, '/score', 'outside_scale'],
    ['below the provider scale', { ...ladder, score: -1 }, 422, '/score', 'outside_scale'],
    ['a provider scale without a name', { ...ladder, scaleName: undefined, score: 10 }, 422, '/scaleName', 'required'],
    ['a provider scale without a minimum', { ...ladder, scaleMin: undefined, score: 10 }, 422, '/scaleMin', 'required'],
    ['a provider scale without a maximum', { ...ladder, scaleMax: undefined, score: 10 }, 422, '/scaleMax', 'required'],
    [
      'a provider scale whose minimum equals its maximum',
      { ...ladder, scaleMin: 10, scaleMax: 10, score: 10 },
      422,
      '/scaleMax',
      'not_above_min'
    ],
    [
      'a provider scale whose minimum is above its maximum',
      { ...ladder, scaleMin: 40, scaleMax: 0, score: 10 },
      422,
      '/scaleMax',
      'not_above_min'
    ],
    ['a fixed scale with a minimum', { scaleMin: 0 }, 422, '/scaleMin', 'not_allowed'],
    ['a fixed scale with a maximum', { scale: 'GCSE_9_1', score: 5, scaleMax: 9 }, 422, '/scaleMax', 'not_allowed'],
    ['a fixed scale with a name', { scaleName: 'Reading test' }, 422, '/scaleName', 'not_allowed'],
    ['a date in the future', { assessedOn: '2025-11-21' }, 422, '/assessedOn', 'date_in_future'],
    [
      'a review-stage assessment before the start',
      { assessedOn: '2025-10-31' },
      422,
      '/assessedOn',
      'before_placement'
    ],
    [
      'an exit assessment before the start',
      { stage: 'EXIT', assessedOn: '2025-11-02' },
      422,
      '/assessedOn',
      'before_placement'
    ],
    [
      'a baseline more than 90 days before the start',
      { stage: 'BASELINE', assessedOn: '2025-08-04' },
      422,
      '/assessedOn',
      'before_placement'
    ],
    ['a review of another placement', { reviewId: otherReview }, 422, '/reviewId', 'unknown_review'],
    ['a review that does not exist', { reviewId: '987654321' }, 422, '/reviewId', 'unknown_review'],
    ['a review id on a baseline', { stage: 'BASELINE', reviewId: ownReview }, 422, '/reviewId', 'not_allowed'],
    ['a subject not in the list', { subject: 'SCIENCE' }, 400, '/subject', 'enum'],
    ['a stage not in the list', { stage: 'MIDPOINT' }, 400, '/stage', 'enum'],
    ['a scale not in the list', { scale: 'PERCENT' }, 400, '/scale', 'enum'],
    ['a score that is not a number', { score: 'ninety' }, 400, '/score', 'type'],
    ['an unknown field', { comment: 'Good effort' }, 400, '/comment', 'additionalProperties']
  ]
  for (const [name, extra, status, path, code] of cases) {
    await t.test(name, async (t) => {
      const before = await countRows(db, 'assessment')
      const body: Record<string, unknown> = { ...base, ...extra }
      for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k]
      problem(t, await assess(ctx, coordinator, placementId, body), status, path, code)
      t.equal(await countRows(db, 'assessment'), before, 'nothing written')
    })
  }

  await t.test('the bounds of each scale are inside it', async (t) => {
    const scores: [Record<string, unknown>, number][] = [
      [{ scale: 'GCSE_9_1' }, 1],
      [{ scale: 'GCSE_9_1' }, 9],
      [{ scale: 'GCSE_9_1' }, 4.5],
      [{ scale: 'STANDARDISED_SCORE' }, 55],
      [{ scale: 'STANDARDISED_SCORE' }, 145],
      [{ scale: 'READING_AGE_MONTHS' }, 48],
      [{ scale: 'READING_AGE_MONTHS' }, 216],
      [ladder, 0],
      [ladder, 40]
    ]
    for (const [scale, score] of scores) {
      const res = await assess(ctx, coordinator, placementId, { ...base, ...scale, score, reviewId: ownReview })
      t.equal(res.statusCode, 201, `${String(scale.scale)} ${score}: ${res.body.slice(0, 200)}`)
      t.equal(res.json().score, score)
    }
  })

  await t.test('one baseline and one exit a subject', async (t) => {
    const first = await assess(ctx, coordinator, placementId, { ...base, stage: 'BASELINE', assessedOn: '2025-08-05' })
    t.equal(first.statusCode, 201, `a baseline exactly 90 days before the start: ${first.body}`)
    const before = await countRows(db, 'assessment')
    const second = await assess(ctx, coordinator, placementId, { ...base, stage: 'BASELINE', assessedOn: '2025-11-03' })
    const p = problem(t, second, 409, '/stage', 'already_recorded')
    t.equal(p.code, 'baseline_exists')
    t.match(second.json().detail, /2025-08-05/, 'names the baseline already recorded')
    const maths = await assess(ctx, coordinator, placementId, {
      ...base,
      subject: 'MATHS',
      stage: 'BASELINE',
      assessedOn: '2025-11-03'
    })
    t.equal(maths.statusCode, 201, 'maths has its own baseline')
    t.equal(await countRows(db, 'assessment'), before + 1)
    const exit = await assess(ctx, coordinator, placementId, { ...base, stage: 'EXIT' })
    t.equal(exit.statusCode, 201, exit.body)
    const exitAgain = await assess(ctx, coordinator, placementId, { ...base, stage: 'EXIT', score: 101 })
    t.equal(problem(t, exitAgain, 409, '/stage', 'already_recorded').code, 'exit_exists')
    t.equal(await countRows(db, 'assessment'), before + 2, 'nothing written by the repeats')
  })

  await t.test('who may record them', async (t) => {
    const before = await countRows(db, 'assessment')
    for (const role of ['school', 'la_admin', 'analyst'] as const)
      problem(t, await assess(ctx, world.own.tokens[role], placementId, base), 403)
    for (const role of ['coordinator', 'provider'] as const)
      problem(t, await assess(ctx, world.other.tokens[role], placementId, base), 404)
    problem(t, await assess(ctx, coordinator, '987654321', base), 404)
    t.equal(await countRows(db, 'assessment'), before, 'nothing written')
    problem(t, await assess(ctx, coordinator, planned, base), 409)
    t.equal(await countRows(db, 'assessment'), before)
    const provider = await assess(ctx, world.own.tokens.provider, placementId, { ...base, reviewId: ownReview })
    t.equal(provider.statusCode, 201, 'the provider records them')
  })
})

t.test('Year 11 qualification results', async (t) => {
  const ctx = await setup(t, '2025-10-20')
  const { app, db, world, clock } = ctx
  const coordinator = world.own.tokens.coordinator
  const provider = world.own.tokens.provider
  const { pupil, placementId } = await place(ctx, { dateOfBirth: '2010-03-14' })
  const { placementId: year9 } = await place(ctx)
  const { placementId: planned } = await place(ctx, { dateOfBirth: '2010-04-02', activate: false })
  clock.now = at('2026-01-20')

  const gcse4 = await qualify(ctx, provider, placementId, {
    subject: 'ENGLISH',
    qualification: 'GCSE',
    grade: '4',
    awardedOn: '2026-01-16'
  })
  t.equal(gcse4.statusCode, 201, gcse4.body)
  t.match(gcse4.json(), {
    id: String,
    placementId,
    subject: 'ENGLISH',
    qualification: 'GCSE',
    level: null,
    grade: '4',
    awardedOn: '2026-01-16',
    standardPass: true,
    recordedBy: String
  })
  const gcseU = await qualify(ctx, coordinator, placementId, {
    subject: 'MATHS',
    qualification: 'GCSE',
    grade: 'U',
    awardedOn: '2026-01-16'
  })
  t.equal(gcseU.statusCode, 201, gcseU.body)
  t.equal(gcseU.json().standardPass, false, 'U is not a pass')
  const passes: [Record<string, unknown>, boolean][] = [
    [{ qualification: 'GCSE', grade: '3' }, false],
    [{ qualification: 'GCSE', grade: '9' }, true],
    [{ qualification: 'FUNCTIONAL_SKILLS', level: 'L2', grade: 'PASS' }, true],
    [{ qualification: 'FUNCTIONAL_SKILLS', level: 'L1', grade: 'FAIL' }, false],
    [{ qualification: 'ENTRY_LEVEL_CERTIFICATE', level: 'E3', grade: 'PASS' }, true]
  ]
  for (const [q, pass] of passes) {
    const res = await qualify(ctx, provider, placementId, { subject: 'MATHS', awardedOn: '2026-01-19', ...q })
    t.equal(res.statusCode, 201, res.body)
    t.equal(
      res.json().standardPass,
      pass,
      `${String(q.qualification)} ${String(q.level ?? '')} ${String(q.grade)}: standard pass ${pass}`
    )
  }
  const stored = await countRows(db, 'qualification_result')
  t.equal(stored, 7)

  const bad: [string, string, Record<string, unknown>, string, string][] = [
    [
      'Functional Skills without a level',
      placementId,
      { qualification: 'FUNCTIONAL_SKILLS', grade: 'PASS' },
      '/level',
      'required'
    ],
    [
      'Functional Skills at a level it does not have',
      placementId,
      { qualification: 'FUNCTIONAL_SKILLS', level: 'L3', grade: 'PASS' },
      '/level',
      'invalid_level'
    ],
    [
      'Entry Level at level 1',
      placementId,
      { qualification: 'ENTRY_LEVEL_CERTIFICATE', level: 'L1', grade: 'PASS' },
      '/level',
      'invalid_level'
    ],
    [
      'Functional Skills with a GCSE grade',
      placementId,
      { qualification: 'FUNCTIONAL_SKILLS', level: 'L1', grade: '4' },
      '/grade',
      'invalid_grade'
    ],
    ['GCSE graded A*', placementId, { qualification: 'GCSE', grade: 'A*' }, '/grade', 'invalid_grade'],
    ['GCSE graded PASS', placementId, { qualification: 'GCSE', grade: 'PASS' }, '/grade', 'invalid_grade'],
    ['GCSE with a level', placementId, { qualification: 'GCSE', level: 'L2', grade: '5' }, '/level', 'not_allowed'],
    [
      'a qualification not in the list',
      placementId,
      { qualification: 'BTEC', grade: 'PASS' },
      '/qualification',
      'enum'
    ],
    [
      'awarded in the future',
      placementId,
      { qualification: 'GCSE', grade: '5', awardedOn: '2026-01-21' },
      '/awardedOn',
      'date_in_future'
    ],
    [
      'awarded before the placement',
      placementId,
      { qualification: 'GCSE', grade: '5', awardedOn: '2025-10-31' },
      '/awardedOn',
      'before_placement'
    ],
    ['a Year 9 pupil', year9, { qualification: 'GCSE', grade: '5' }, '/awardedOn', 'not_year_11']
  ]
  for (const [name, id, q, path, code] of bad) {
    await t.test(name, async (t) => {
      problem(
        t,
        await qualify(ctx, coordinator, id, { subject: 'ENGLISH', awardedOn: '2026-01-16', ...q }),
        code === 'enum' ? 400 : 422,
        path,
        code
      )
      t.equal(await countRows(db, 'qualification_result'), stored, 'nothing written')
    })
  }

  await t.test('who may record and read them', async (t) => {
    const body = { subject: 'ENGLISH', qualification: 'GCSE', grade: '6', awardedOn: '2026-01-16' }
    for (const role of ['school', 'la_admin', 'analyst'] as const)
      problem(t, await qualify(ctx, world.own.tokens[role], placementId, body), 403)
    for (const role of ['coordinator', 'provider'] as const)
      problem(t, await qualify(ctx, world.other.tokens[role], placementId, body), 404)
    problem(t, await qualify(ctx, coordinator, planned, body), 409)
    t.equal(await countRows(db, 'qualification_result'), stored, 'nothing written')

    const bySchool = await listAssessments(ctx, world.own.tokens.school, placementId)
    t.equal(bySchool.statusCode, 200, 'the school reads them')
    const results = bySchool.json().attainment.qualifications
    t.equal(results.length, 7)
    t.match(results[0], { subject: 'ENGLISH', qualification: 'GCSE', grade: '4', standardPass: true })
    for (const role of ['coordinator', 'school', 'provider'] as const)
      problem(t, await listAssessments(ctx, world.other.tokens[role], placementId), 404)

    const view = await app.inject({ method: 'GET', url: `/v1/placements/${placementId}`, headers: bearer(coordinator) })
    t.same(view.json().attainment.qualifications, results, 'on the placement too')
    const journey = (
      await app.inject({
        method: 'GET',
        url: `/v1/pupils/${pupil.id}/journey`,
        headers: bearer(world.own.tokens.school)
      })
    ).json()
    const events = journey.events.filter((e: { kind: string }) => e.kind === 'QUALIFICATION_RESULT')
    t.equal(events.length, 7, 'in the journey')
    t.ok(
      events.some((e: { date: string; detail: string }) => e.date === '2026-01-16' && e.detail === 'ENGLISH GCSE: 4')
    )
    const audit = await db
      .selectFrom('audit_event')
      .select('id')
      .where('entity', '=', 'qualification_result')
      .where('action', '=', 'create')
      .execute()
    t.equal(audit.length, 7, 'each result audited')
  })
})
