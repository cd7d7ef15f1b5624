import { DateTime } from 'luxon'
import type { FieldError } from '../platform/errors.js'
import type { Refusal } from './refusal.js'

/**
 * English and maths attainment (domain.md §1.3, outcome 4): assessments on a stated scale at baseline, at
 * reviews and at exit, progress from baseline to the latest, and Year 11 qualification results. Pure functions.
 */

export const SUBJECTS = ['ENGLISH', 'MATHS'] as const
export type Subject = (typeof SUBJECTS)[number]
export const STAGES = ['BASELINE', 'REVIEW', 'EXIT'] as const
export type Stage = (typeof STAGES)[number]
export const SCALES = ['GCSE_9_1', 'STANDARDISED_SCORE', 'READING_AGE_MONTHS', 'PROVIDER_SCALE'] as const
export type Scale = (typeof SCALES)[number]

/**
 * The fixed scales: GCSE grades 1–9 (fine grades such as 4.5 allowed); standardised scores, mean 100 and
 * SD 15, within three SDs (55–145, what published tests report); reading age in months from 4 to 18 years.
 * A provider's own scale states its range.
 */
export const FIXED_SCALES: Record<Exclude<Scale, 'PROVIDER_SCALE'>, { min: number; max: number; unit: string }> = {
  GCSE_9_1: { min: 1, max: 9, unit: 'grades' },
  STANDARDISED_SCORE: { min: 55, max: 145, unit: 'points' },
  READING_AGE_MONTHS: { min: 48, max: 216, unit: 'months' }
}

export interface AssessmentInput {
  scale: Scale
  score: number
  scaleName?: string | undefined
  scaleMin?: number | undefined
  scaleMax?: number | undefined
}

/** The range an assessment is scored on, or the errors in how it states its scale and score. */
export function scaleOf(a: AssessmentInput): { min: number; max: number; errors: FieldError[] } {
  const errors: FieldError[] = []
  let min: number
  let max: number
  if (a.scale === 'PROVIDER_SCALE') {
    if (!a.scaleName)
      errors.push({ path: '/scaleName', code: 'required', message: '/scaleName is required for PROVIDER_SCALE' })
    if (a.scaleMin === undefined)
      errors.push({ path: '/scaleMin', code: 'required', message: '/scaleMin is required for PROVIDER_SCALE' })
    if (a.scaleMax === undefined)
      errors.push({ path: '/scaleMax', code: 'required', message: '/scaleMax is required for PROVIDER_SCALE' })
    if (errors.length > 0) return { min: 0, max: 0, errors }
    min = a.scaleMin!
    max = a.scaleMax!
    if (min >= max)
      errors.push({ path: '/scaleMax', code: 'not_above_min', message: '/scaleMax must be above /scaleMin' })
  } else {
    for (const field of ['scaleName', 'scaleMin', 'scaleMax'] as const) {
      if (a[field] !== undefined)
        errors.push({
          path: `/${field}`,
          code: 'not_allowed',
          message: `/${field} is only for PROVIDER_SCALE; ${a.scale} has a fixed range`
        })
    }
    ;({ min, max } = FIXED_SCALES[a.scale])
  }
  if (errors.length === 0 && (a.score < min || a.score > max)) {
    errors.push({
      path: '/score',
      code: 'outside_scale',
      message:
        `/score ${a.score} is outside the ${a.scale === 'PROVIDER_SCALE' ? `scale "${a.scaleName}"` : a.scale}` +
        ` range ${min}–${max}`
    })
  }
  return { min, max, errors }
}

export interface AssessmentPoint {
  subject: string
  stage: string
  assessedOn: string
  scale: string
  scaleName: string | null
  scaleMin: number
  scaleMax: number
  score: number
}

export interface Progress {
  subject: Subject
  baseline: AssessmentPoint | null
  latest: AssessmentPoint | null
  /** Latest score minus baseline, in the scale's units; null without both on the same scale. */
  change: number | null
  unit: string | null
  note: string | null
}

const sameScale = (a: AssessmentPoint, b: AssessmentPoint) =>
  a.scale === b.scale && a.scaleName === b.scaleName && a.scaleMin === b.scaleMin && a.scaleMax === b.scaleMax

/** Progress in each subject from the baseline (the BASELINE stage, else the earliest) to the latest assessment. */
export function progressBySubject(points: AssessmentPoint[]): Progress[] {
  return SUBJECTS.map((subject) => {
    const mine = points.filter((p) => p.subject === subject).sort((a, b) => a.assessedOn.localeCompare(b.assessedOn))
    const baseline = mine.find((p) => p.stage === 'BASELINE') ?? mine[0] ?? null
    const latest =
      mine.filter((p) => p !== baseline && (baseline === null || p.assessedOn >= baseline.assessedOn)).at(-1) ?? null
    if (!baseline)
      return { subject, baseline: null, latest: null, change: null, unit: null, note: 'no assessment recorded' }
    if (!latest) return { subject, baseline, latest: null, change: null, unit: null, note: 'baseline only' }
    if (!sameScale(baseline, latest))
      return {
        subject,
        baseline,
        latest,
        change: null,
        unit: null,
        note: `baseline on ${baseline.scale}, latest on ${latest.scale}: not comparable`
      }
    const unit =
      baseline.scale === 'PROVIDER_SCALE'
        ? `points on ${baseline.scaleName}`
        : FIXED_SCALES[baseline.scale as Exclude<Scale, 'PROVIDER_SCALE'>].unit
    return {
      subject,
      baseline,
      latest,
      change: Math.round((latest.score - baseline.score) * 100) / 100,
      unit,
      note: null
    }
  })
}

export const QUALIFICATIONS = ['GCSE', 'FUNCTIONAL_SKILLS', 'ENTRY_LEVEL_CERTIFICATE'] as const
export type Qualification = (typeof QUALIFICATIONS)[number]
const GCSE_GRADES = ['9', '8', '7', '6', '5', '4', '3', '2', '1', 'U']
const LEVELS: Record<Qualification, string[] | null> = {
  GCSE: null,
  FUNCTIONAL_SKILLS: ['E1', 'E2', 'E3', 'L1', 'L2'],
  ENTRY_LEVEL_CERTIFICATE: ['E1', 'E2', 'E3']
}

/**
 * A qualification result's level and grade: GCSE 9–1 or U with no level; Functional Skills and Entry Level a level
 * and PASS or FAIL.
 */
export function qualificationErrors(q: {
  qualification: Qualification
  level?: string | undefined
  grade: string
}): FieldError[] {
  const levels = LEVELS[q.qualification]
  const errors: FieldError[] = []
  if (levels === null) {
    if (q.level !== undefined)
      errors.push({ path: '/level', code: 'not_allowed', message: '/level is not used for GCSE: the grade carries it' })
    if (!GCSE_GRADES.includes(q.grade))
      errors.push({
        path: '/grade',
        code: 'invalid_grade',
        message: `/grade for GCSE is one of ${GCSE_GRADES.join(', ')}`
      })
  } else {
    if (q.level === undefined)
      errors.push({
        path: '/level',
        code: 'required',
        message: `/level is required for ${q.qualification}: one of ${levels.join(', ')}`
      })
    else if (!levels.includes(q.level))
      errors.push({
        path: '/level',
        code: 'invalid_level',
        message: `/level for ${q.qualification} is one of ${levels.join(', ')}`
      })
    if (q.grade !== 'PASS' && q.grade !== 'FAIL')
      errors.push({ path: '/grade', code: 'invalid_grade', message: `/grade for ${q.qualification} is PASS or FAIL` })
  }
  return errors
}

/** A standard pass: GCSE grade 4 or above, or a Functional Skills / Entry Level pass. */
export const isStandardPass = (q: { qualification: string; grade: string }): boolean =>
  q.qualification === 'GCSE' ? /^[4-9]$/.test(q.grade) : q.grade === 'PASS'

/** A baseline may be taken up to this many days before the placement starts (at referral or induction). */
export const BASELINE_LEAD_DAYS = 90

/** What an assessment is weighed against: the placement, the stored assessments and the review it names. */
export interface AssessmentFacts {
  placement: { status: string; startDate: string; endDate: string | null }
  assessment: AssessmentInput & { subject: string; stage: Stage; assessedOn: string; reviewId?: string | undefined }
  today: string
  /** Whether the named review is one of this placement's (undefined when none is named). */
  reviewIsOfPlacement: boolean | undefined
  /** The stored assessment of the same subject and stage (a baseline or exit is taken once). */
  sameStage: { id: string; assessedOn: string } | undefined
}

/**
 * The assessment rules (domain.md §1.3, §9): nothing on a cancelled placement and only a baseline before it starts
 * (409); the score within its scale; taken by today, from the start (a baseline up to BASELINE_LEAD_DAYS before)
 * and not after the end; a review id only for a REVIEW, and one of this placement's (422, all at once); one
 * baseline and one exit a subject (409).
 */
export function assessmentRefusal(f: AssessmentFacts): Refusal | undefined {
  const { placement, assessment: a } = f
  if (placement.status === 'CANCELLED')
    return { status: 409, code: 'placement_cancelled', detail: 'The placement was cancelled', errors: [] }
  if (placement.status === 'PLANNED' && a.stage !== 'BASELINE')
    return {
      status: 409,
      code: 'not_started',
      detail: 'Only a baseline is taken before the placement starts',
      errors: []
    }
  const { errors } = scaleOf(a)
  const err = (path: string, code: string, message: string) => errors.push({ path, code, message })
  if (a.assessedOn > f.today) err('/assessedOn', 'date_in_future', '/assessedOn cannot be in the future')
  const earliest =
    a.stage === 'BASELINE'
      ? DateTime.fromISO(placement.startDate).minus({ days: BASELINE_LEAD_DAYS }).toISODate()!
      : placement.startDate
  if (a.assessedOn < earliest)
    err(
      '/assessedOn',
      'before_placement',
      `/assessedOn is before ${earliest}: ` +
        (a.stage === 'BASELINE'
          ? `a baseline is taken at most ${BASELINE_LEAD_DAYS} days before the start`
          : 'the placement started then')
    )
  if (placement.endDate && a.assessedOn > placement.endDate)
    err('/assessedOn', 'after_placement', `/assessedOn is after the placement ended (${placement.endDate})`)
  if (a.reviewId && a.stage !== 'REVIEW') err('/reviewId', 'not_allowed', '/reviewId is only for the REVIEW stage')
  if (a.reviewId && a.stage === 'REVIEW' && f.reviewIsOfPlacement === false)
    err('/reviewId', 'unknown_review', '/reviewId is not a review of this placement')
  if (errors.length > 0) return { code: 'validation_failed', detail: errors.map((e) => e.message).join('; '), errors }
  if (a.stage !== 'REVIEW' && f.sameStage)
    return {
      status: 409,
      code: `${a.stage.toLowerCase()}_exists`,
      detail: `The ${a.subject} ${a.stage} was recorded on ${f.sameStage.assessedOn} (assessment ${f.sameStage.id})`,
      errors: [{ path: '/stage', code: 'already_recorded', message: `one ${a.stage} per subject` }]
    }
  return undefined
}
