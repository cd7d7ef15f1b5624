import t from 'tap'
import {
  type AssessmentFacts,
  type AssessmentInput,
  assessmentRefusal,
  BASELINE_LEAD_DAYS,
  type AssessmentPoint,
  isStandardPass,
  progressBySubject,
  qualificationErrors,
  scaleOf
} from '../../src/domain/attainment.js'
import type { FieldError } from '../../src/platform/errors.js'

/** English and maths attainment (domain.md §1.3, outcome 4): scales, progress from baseline, qualification results. */

const problems = (errors: FieldError[]) => errors.map((e) => `${e.path} ${e.code}`)
const scale = (a: AssessmentInput) => {
  const r = scaleOf(a)
  return { min: r.min, max: r.max, errors: problems(r.errors) }
}

t.test('scaleOf: the fixed scales, bounds inclusive', async (t) => {
  const bounds = { GCSE_9_1: [1, 9], STANDARDISED_SCORE: [55, 145], READING_AGE_MONTHS: [48, 216] } as const
  for (const [name, [min, max]] of Object.entries(bounds)) {
    const s = name as keyof typeof bounds
    t.same(scale({ scale: s, score: min }), { min, max, errors: [] }, `${s}: ${min} is the bottom`)
    t.same(scale({ scale: s, score: max }), { min, max, errors: [] }, `${s}: ${max} is the top`)
    t.same(scale({ scale: s, score: min - 0.5 }).errors, ['/score outside_scale'], `${s}: just below`)
    t.same(scale({ scale: s, score: max + 1 }).errors, ['/score outside_scale'], `${s}: just above`)
  }
  t.same(scale({ scale: 'GCSE_9_1', score: 4.5 }).errors, [], 'fine GCSE grades are allowed')
  t.same(scale({ scale: 'GCSE_9_1', score: 0 }).errors, ['/score outside_scale'], 'no grade 0')
  const [e] = scaleOf({ scale: 'STANDARDISED_SCORE', score: 150 }).errors
  t.match(e, { path: '/score', code: 'outside_scale' })
  t.match(e?.message, /150.*STANDARDISED_SCORE.*55–145/, 'the message names the score, scale and range')
})

t.test('scaleOf: fixed scales refuse a stated name or range', async (t) => {
  t.same(scale({ scale: 'GCSE_9_1', score: 5, scaleName: 'mock grades' }).errors, ['/scaleName not_allowed'])
  t.same(scale({ scale: 'GCSE_9_1', score: 5, scaleMin: 0 }).errors, ['/scaleMin not_allowed'], 'even 0')
  t.same(
    scale({ scale: 'READING_AGE_MONTHS', score: 100, scaleMin: 48, scaleMax: 216 }).errors,
    ['/scaleMin not_allowed', '/scaleMax not_allowed'],
    'even the right range'
  )
  t.same(
    scale({ scale: 'GCSE_9_1', score: 99, scaleName: 'x' }).errors,
    ['/scaleName not_allowed'],
    'the score is not judged against a misstated scale'
  )
})

t.test("scaleOf: a provider's own scale states its name and range", async (t) => {
  const own = { scale: 'PROVIDER_SCALE' as const, scaleName: 'Boxall profile', scaleMin: 0, scaleMax: 40 }
  t.same(scale({ ...own, score: 0 }), { min: 0, max: 40, errors: [] }, 'a range from 0')
  t.same(scale({ ...own, score: 40 }), { min: 0, max: 40, errors: [] })
  t.same(scale({ ...own, score: 41 }).errors, ['/score outside_scale'])
  t.same(scale({ ...own, score: -1 }).errors, ['/score outside_scale'])
  t.match(scaleOf({ ...own, score: 41 }).errors[0]?.message, /scale "Boxall profile" range 0–40/)
  t.same(scale({ scale: 'PROVIDER_SCALE', score: 10 }).errors, [
    '/scaleName required',
    '/scaleMin required',
    '/scaleMax required'
  ])
  t.same(scale({ ...own, scaleName: '', score: 10 }).errors, ['/scaleName required'], 'an empty name')
  t.same(scale({ ...own, scaleMax: undefined, score: 10 }).errors, ['/scaleMax required'])
  t.same(scale({ ...own, scaleMin: 40, scaleMax: 40, score: 40 }).errors, ['/scaleMax not_above_min'], 'min = max')
  t.same(scale({ ...own, scaleMin: 50, scaleMax: 40, score: 45 }).errors, ['/scaleMax not_above_min'], 'min > max')
})

const point = (p: Partial<AssessmentPoint>): AssessmentPoint => ({
  subject: 'ENGLISH',
  stage: 'REVIEW',
  assessedOn: '2025-12-01',
  scale: 'GCSE_9_1',
  scaleName: null,
  scaleMin: 1,
  scaleMax: 9,
  score: 4,
  ...p
})

t.test('progressBySubject: from the baseline to the latest, per subject', async (t) => {
  const points = [
    point({ stage: 'EXIT', assessedOn: '2026-03-20', score: 4.5 }),
    point({ stage: 'BASELINE', assessedOn: '2025-11-05', score: 3.7 }),
    point({ stage: 'REVIEW', assessedOn: '2026-01-12', score: 4 }),
    point({
      subject: 'MATHS',
      stage: 'BASELINE',
      assessedOn: '2025-11-05',
      scale: 'STANDARDISED_SCORE',
      scaleMin: 55,
      scaleMax: 145,
      score: 82
    }),
    point({
      subject: 'MATHS',
      stage: 'REVIEW',
      assessedOn: '2026-01-12',
      scale: 'STANDARDISED_SCORE',
      scaleMin: 55,
      scaleMax: 145,
      score: 79
    })
  ]
  const [english, maths] = progressBySubject(points)
  t.equal(english?.subject, 'ENGLISH')
  t.equal(english?.baseline?.score, 3.7)
  t.equal(english?.latest?.assessedOn, '2026-03-20', 'the latest by date, whatever the input order')
  t.equal(english?.change, 0.8, '4.5 − 3.7, to 2 dp (not 0.7999…)')
  t.equal(english?.unit, 'grades')
  t.equal(english?.note, null)
  t.match(maths, { subject: 'MATHS', change: -3, unit: 'points', note: null }, 'progress can be negative')
})

t.test('progressBySubject: the baseline is the BASELINE stage, else the earliest', async (t) => {
  // A review before the BASELINE assessment: the BASELINE still wins, and the earlier review is not "latest".
  const [withStage] = progressBySubject([
    point({ stage: 'REVIEW', assessedOn: '2025-10-01', score: 2 }),
    point({ stage: 'BASELINE', assessedOn: '2025-11-05', score: 3 }),
    point({ stage: 'REVIEW', assessedOn: '2026-01-12', score: 5 })
  ])
  t.match(withStage, { baseline: { stage: 'BASELINE', score: 3 }, latest: { score: 5 }, change: 2 })
  const [noStage] = progressBySubject([
    point({ stage: 'EXIT', assessedOn: '2026-03-20', score: 6 }),
    point({ stage: 'REVIEW', assessedOn: '2025-10-01', score: 2 }),
    point({ stage: 'REVIEW', assessedOn: '2026-01-12', score: 5 })
  ])
  t.match(
    noStage,
    { baseline: { assessedOn: '2025-10-01', score: 2 }, latest: { stage: 'EXIT', score: 6 }, change: 4 },
    'no BASELINE: the earliest'
  )
})

t.test('progressBySubject: not comparable across scales', async (t) => {
  const [english] = progressBySubject([
    point({
      stage: 'BASELINE',
      assessedOn: '2025-11-05',
      scale: 'READING_AGE_MONTHS',
      scaleMin: 48,
      scaleMax: 216,
      score: 110
    }),
    point({ stage: 'EXIT', assessedOn: '2026-03-20', score: 4 })
  ])
  t.match(english, { change: null, unit: null, baseline: { score: 110 }, latest: { score: 4 } })
  t.match(english?.note, /READING_AGE_MONTHS.*GCSE_9_1.*not comparable/)
  const own = (scaleName: string, scaleMax: number, assessedOn: string, score: number) =>
    point({
      scale: 'PROVIDER_SCALE',
      scaleName,
      scaleMin: 0,
      scaleMax,
      assessedOn,
      score,
      stage: assessedOn < '2026' ? 'BASELINE' : 'EXIT'
    })
  t.equal(
    progressBySubject([own('Boxall', 40, '2025-11-05', 10), own('Other', 40, '2026-03-20', 20)])[0]?.change,
    null,
    'two provider scales with different names'
  )
  t.equal(
    progressBySubject([own('Boxall', 40, '2025-11-05', 10), own('Boxall', 50, '2026-03-20', 20)])[0]?.change,
    null,
    'the same name, a different range'
  )
  t.match(
    progressBySubject([own('Boxall', 40, '2025-11-05', 10), own('Boxall', 40, '2026-03-20', 20)])[0],
    { change: 10, unit: 'points on Boxall', note: null },
    'the same provider scale'
  )
})

t.test('progressBySubject: baseline only, or nothing recorded', async (t) => {
  const [english, maths] = progressBySubject([point({ stage: 'BASELINE', assessedOn: '2025-11-05', score: 3 })])
  t.match(english, {
    subject: 'ENGLISH',
    baseline: { score: 3 },
    latest: null,
    change: null,
    unit: null,
    note: 'baseline only'
  })
  t.same(maths, {
    subject: 'MATHS',
    baseline: null,
    latest: null,
    change: null,
    unit: null,
    note: 'no assessment recorded'
  })
  t.same(
    progressBySubject([]).map((p) => [p.subject, p.note]),
    [
      ['ENGLISH', 'no assessment recorded'],
      ['MATHS', 'no assessment recorded']
    ],
    'both subjects, always in this order'
  )
  t.equal(
    progressBySubject([point({ subject: 'SCIENCE', stage: 'BASELINE' }), point({ subject: 'SCIENCE' })]).every(
      (p) => p.baseline === null
    ),
    true,
    'other subjects are ignored'
  )
})

t.test('qualificationErrors', async (t) => {
  for (const grade of ['9', '4', '1', 'U'])
    t.same(qualificationErrors({ qualification: 'GCSE', grade }), [], `GCSE ${grade}`)
  t.same(problems(qualificationErrors({ qualification: 'GCSE', grade: '10' })), ['/grade invalid_grade'])
  t.same(
    problems(qualificationErrors({ qualification: 'GCSE', grade: 'C' })),
    ['/grade invalid_grade'],
    'no letter grades'
  )
  t.same(problems(qualificationErrors({ qualification: 'GCSE', grade: 'PASS' })), ['/grade invalid_grade'])
  t.same(problems(qualificationErrors({ qualification: 'GCSE', level: 'L2', grade: '5' })), ['/level not_allowed'])

  t.same(qualificationErrors({ qualification: 'FUNCTIONAL_SKILLS', level: 'L2', grade: 'PASS' }), [])
  t.same(qualificationErrors({ qualification: 'FUNCTIONAL_SKILLS', level: 'E1', grade: 'FAIL' }), [])
  t.same(problems(qualificationErrors({ qualification: 'FUNCTIONAL_SKILLS', grade: 'PASS' })), ['/level required'])
  t.same(problems(qualificationErrors({ qualification: 'FUNCTIONAL_SKILLS', level: 'L3', grade: 'PASS' })), [
    '/level invalid_level'
  ])
  t.same(problems(qualificationErrors({ qualification: 'FUNCTIONAL_SKILLS', level: 'L1', grade: '4' })), [
    '/grade invalid_grade'
  ])
  t.same(problems(qualificationErrors({ qualification: 'FUNCTIONAL_SKILLS', grade: 'pass' })), [
    '/level required',
    '/grade invalid_grade'
  ])

  t.same(qualificationErrors({ qualification: 'ENTRY_LEVEL_CERTIFICATE', level: 'E3', grade: 'PASS' }), [])
  t.same(
    problems(qualificationErrors({ qualification: 'ENTRY_LEVEL_CERTIFICATE', level: 'L1', grade: 'PASS' })),
    ['/level invalid_level'],
    'Entry Level has no Level 1'
  )
})

t.test('isStandardPass', async (t) => {
  for (const grade of ['4', '5', '9']) t.equal(isStandardPass({ qualification: 'GCSE', grade }), true, `GCSE ${grade}`)
  for (const grade of ['3', '1', 'U', '10', '44'])
    t.equal(isStandardPass({ qualification: 'GCSE', grade }), false, `GCSE ${grade}`)
  t.equal(isStandardPass({ qualification: 'FUNCTIONAL_SKILLS', grade: 'PASS' }), true)
  t.equal(isStandardPass({ qualification: 'FUNCTIONAL_SKILLS', grade: 'FAIL' }), false)
  t.equal(isStandardPass({ qualification: 'ENTRY_LEVEL_CERTIFICATE', grade: 'PASS' }), true)
  t.equal(
    isStandardPass({ qualification: 'ENTRY_LEVEL_CERTIFICATE', grade: '5' }),
    false,
    'a GCSE grade is no pass elsewhere'
  )
})

const facts = (over: {
  placement?: Partial<AssessmentFacts['placement']>
  assessment?: Partial<AssessmentFacts['assessment']>
  reviewIsOfPlacement?: boolean
  sameStage?: AssessmentFacts['sameStage']
}): AssessmentFacts => ({
  placement: { status: 'ACTIVE', startDate: '2026-01-05', endDate: null, ...over.placement },
  assessment: {
    subject: 'MATHS',
    stage: 'REVIEW',
    assessedOn: '2026-02-02',
    scale: 'STANDARDISED_SCORE',
    score: 92,
    ...over.assessment
  },
  today: '2026-03-02',
  reviewIsOfPlacement: over.reviewIsOfPlacement,
  sameStage: over.sameStage
})
const refusal = (f: AssessmentFacts) => {
  const r = assessmentRefusal(f)
  return r && { status: r.status ?? 422, code: r.code, errors: problems(r.errors) }
}

t.test('assessmentRefusal: a cancelled placement takes nothing; a planned one only a baseline', async (t) => {
  t.same(refusal(facts({ placement: { status: 'CANCELLED' } })), {
    status: 409,
    code: 'placement_cancelled',
    errors: []
  })
  t.same(refusal(facts({ placement: { status: 'PLANNED' } })), { status: 409, code: 'not_started', errors: [] })
  t.equal(refusal(facts({ placement: { status: 'PLANNED' }, assessment: { stage: 'BASELINE' } })), undefined)
})

t.test('assessmentRefusal: the date is by today, from the start (a baseline earlier) and by the end', async (t) => {
  const on = (stage: 'BASELINE' | 'REVIEW' | 'EXIT', assessedOn: string, endDate: string | null = null) =>
    refusal(facts({ placement: { endDate }, assessment: { stage, assessedOn } }))?.errors
  t.same(on('REVIEW', '2026-03-03'), ['/assessedOn date_in_future'])
  t.equal(on('REVIEW', '2026-03-02'), undefined, 'today is allowed')
  t.same(on('REVIEW', '2026-01-04'), ['/assessedOn before_placement'])
  t.equal(on('REVIEW', '2026-01-05'), undefined, 'the start day is allowed')
  t.equal(BASELINE_LEAD_DAYS, 90)
  t.equal(on('BASELINE', '2025-10-07'), undefined, 'a baseline 90 days before the start')
  t.same(on('BASELINE', '2025-10-06'), ['/assessedOn before_placement'], 'but not 91')
  t.same(on('EXIT', '2026-02-21', '2026-02-20'), ['/assessedOn after_placement'])
  t.equal(on('EXIT', '2026-02-20', '2026-02-20'), undefined, 'the last day is allowed')
})

t.test('assessmentRefusal: a review id only for a REVIEW, and one of this placement', async (t) => {
  t.same(refusal(facts({ assessment: { stage: 'EXIT', reviewId: '9' } }))?.errors, ['/reviewId not_allowed'])
  t.same(refusal(facts({ assessment: { reviewId: '9' }, reviewIsOfPlacement: false }))?.errors, [
    '/reviewId unknown_review'
  ])
  t.equal(refusal(facts({ assessment: { reviewId: '9' }, reviewIsOfPlacement: true })), undefined)
})

t.test('assessmentRefusal: scale and date errors come together, as one 422', async (t) => {
  t.same(refusal(facts({ assessment: { score: 200, assessedOn: '2026-03-09' } })), {
    status: 422,
    code: 'validation_failed',
    errors: ['/score outside_scale', '/assessedOn date_in_future']
  })
})

t.test('assessmentRefusal: one baseline and one exit a subject; reviews repeat', async (t) => {
  const sameStage = { id: '41', assessedOn: '2026-01-06' }
  t.match(assessmentRefusal(facts({ assessment: { stage: 'EXIT' }, sameStage })), {
    status: 409,
    code: 'exit_exists',
    detail: 'The MATHS EXIT was recorded on 2026-01-06 (assessment 41)',
    errors: [{ path: '/stage', code: 'already_recorded' }]
  })
  t.equal(refusal(facts({ sameStage })), undefined, 'a REVIEW is not limited')
  t.same(refusal(facts({ assessment: { stage: 'EXIT', score: 200 }, sameStage }))?.code, 'validation_failed')
})
