import { DateTime } from 'luxon'
import type { FieldError } from '../platform/errors.js'
import type { HalfTermInfo, SchoolCalendar } from './calendar.js'
import type { Refusal } from './refusal.js'
import { academicYearStart, endOfCompulsorySchoolAge } from './school-year.js'

/**
 * How a placement ends (domain.md §9.7), whether the pupil must leave with a post-16 destination (§5.4), the
 * follow-ups that test whether the outcome held (§5.3, §5.6), and whether it did. Pure functions.
 */

export const OUTCOME_CODES = [
  'RETURNED_TO_HOME_SCHOOL_FULL_TIME',
  'RETURNED_TO_HOME_SCHOOL_PHASED',
  'MOVED_TO_NEW_MAINSTREAM',
  'MOVED_TO_SPECIAL_SCHOOL',
  'MOVED_TO_AP_SCHOOL_LONG_TERM',
  'ESCALATED_TIER_2_TO_3',
  'EHCP_PLACEMENT_NAMED',
  'PERMANENTLY_EXCLUDED',
  'POST16_TRANSITION',
  'ELECTIVE_HOME_EDUCATION',
  'CHILD_MISSING_EDUCATION',
  'LEFT_LA_AREA',
  'MEDICAL_OR_HOSPITAL_EDUCATION',
  'PLACEMENT_BROKE_DOWN',
  'OTHER'
] as const
export type OutcomeCode = (typeof OUTCOME_CODES)[number]

/** Outcomes that put the pupil back on a school roll full or part time: followed up at +6 weeks, +1 and +2 terms. */
export const REINTEGRATION_OUTCOMES: readonly OutcomeCode[] = [
  'RETURNED_TO_HOME_SCHOOL_FULL_TIME',
  'RETURNED_TO_HOME_SCHOOL_PHASED',
  'MOVED_TO_NEW_MAINSTREAM',
  'MOVED_TO_SPECIAL_SCHOOL'
]
export const isReintegration = (code: string): boolean => (REINTEGRATION_OUTCOMES as readonly string[]).includes(code)

export const DESTINATIONS = [
  'FE_COLLEGE',
  'SCHOOL_SIXTH_FORM',
  'SIXTH_FORM_COLLEGE',
  'SPECIALIST_POST16_INSTITUTION',
  'SPECIAL_SCHOOL_POST16',
  'AP_POST16',
  'INDEPENDENT_SCHOOL',
  'APPRENTICESHIP_L2',
  'APPRENTICESHIP_L3_PLUS',
  'SUPPORTED_INTERNSHIP',
  'EMPLOYMENT_WITH_TRAINING',
  'EMPLOYMENT_WITHOUT_TRAINING',
  'TRAINEESHIP_LEGACY',
  'OTHER_TRAINING',
  'PART_TIME_EDUCATION',
  'NEET_SEEKING',
  'NEET_NOT_AVAILABLE',
  'NOT_KNOWN',
  'MOVED_AWAY'
] as const
export type Destination = (typeof DESTINATIONS)[number]
/** Destinations in which the young person is not in education, training or work, or is not known to be. */
export const NOT_PARTICIPATING: readonly Destination[] = [
  'NEET_SEEKING',
  'NEET_NOT_AVAILABLE',
  'NOT_KNOWN',
  'MOVED_AWAY'
]
export const EMPLOYMENT: readonly Destination[] = ['EMPLOYMENT_WITH_TRAINING', 'EMPLOYMENT_WITHOUT_TRAINING']
/** Destinations with a provider or employer to name: every participating one. */
export const needsProvider = (d: Destination): boolean => !NOT_PARTICIPATING.includes(d)

export const SEPTEMBER_GUARANTEE = ['OFFER_MADE', 'NO_OFFER', 'OFFER_NOT_APPROPRIATE', 'NOT_RECORDED'] as const
export const DESTINATION_SOURCES = ['SELF_REPORTED', 'PROVIDER_CONFIRMED', 'NCCIS'] as const

export const CHECKPOINTS = ['SIX_SCHOOL_WEEKS', 'ONE_TERM', 'TWO_TERMS', 'POST16_OCTOBER', 'POST16_MARCH'] as const
export type Checkpoint = (typeof CHECKPOINTS)[number]
export const isPost16Checkpoint = (c: string): boolean => c.startsWith('POST16_')

export interface OutcomeFacts {
  code: OutcomeCode
  effectiveDate: string
  tier: number
  placementStart: string
  pupilDateOfBirth: string
  /** The pupil's NC year on the effective date (an override wins over the one from the date of birth). */
  ncYearOnEffectiveDate: number
  reasons?: string | null | undefined
  otherText?: string | null | undefined
  phasedPlan?: { endDate: string; details: string } | null | undefined
  destination?:
    | {
        code: Destination
        septemberGuarantee: string
        provider?: { name: string; identifier?: string | null | undefined } | null | undefined
      }
    | null
    | undefined
  receiving?:
    | { schoolId?: string | null | undefined; providerId?: string | null | undefined; name?: string | null | undefined }
    | null
    | undefined
  /** The final review's date when one is named (undefined when none is, null when the id is not this placement's). */
  finalReviewHeldOn?: string | null | undefined
  finalReviewMissingReason?: string | null | undefined
}

/**
 * A Year 11 pupil leaving education: in Year 11 or above on the effective date, and leaving in the last
 * half-term of the year (after the May half-term, when Year 11 ends) or after the end of compulsory school age.
 */
export function isYear11Leaver(
  f: Pick<OutcomeFacts, 'effectiveDate' | 'ncYearOnEffectiveDate' | 'pupilDateOfBirth'>,
  calendar: SchoolCalendar
): boolean {
  if (f.ncYearOnEffectiveDate < 11) return false
  if (f.effectiveDate > endOfCompulsorySchoolAge(f.pupilDateOfBirth)) return true
  return f.effectiveDate >= halfTermsOfYear(calendar, academicYearStart(f.effectiveDate))[5]!.firstDay
}

/** The six half-terms of the academic year starting in `startYear`, in order. */
export function halfTermsOfYear(calendar: SchoolCalendar, startYear: number): HalfTermInfo[] {
  const halves = [calendar.nextHalfTermStart(`${startYear}-08-31`)]
  while (halves.length < 6) halves.push(calendar.nextHalfTermStart(halves.at(-1)!.lastDay))
  return halves
}

/** Everything wrong with an outcome, each naming its field and rule. `today` bounds the effective date. */
export function outcomeErrors(f: OutcomeFacts, calendar: SchoolCalendar, today: string): FieldError[] {
  const errors: FieldError[] = []
  const err = (path: string, code: string, message: string) => errors.push({ path, code, message })
  if (f.effectiveDate > today)
    err(
      '/effectiveDate',
      'date_in_future',
      '/effectiveDate cannot be in the future: record the outcome when it takes effect'
    )
  if (f.effectiveDate <= f.placementStart)
    err('/effectiveDate', 'not_after_start', `/effectiveDate must be after the placement started (${f.placementStart})`)

  // A Year 11 pupil's move on to post-16 is the planned end of any tier, recorded with its destination.
  if (
    f.tier === 2 &&
    !isReintegration(f.code) &&
    f.code !== 'ESCALATED_TIER_2_TO_3' &&
    f.code !== 'POST16_TRANSITION' &&
    !f.reasons
  ) {
    err(
      '/reasons',
      'required',
      `/reasons is required: a Tier 2 placement that ends in ${f.code} ` +
        `rather than a reintegration, an escalation or a post-16 transition ` +
        `needs the reasons`
    )
  }
  if (f.code === 'OTHER' && !f.otherText) err('/otherText', 'required', '/otherText is required when the code is OTHER')
  if (f.code !== 'OTHER' && f.otherText) err('/otherText', 'not_allowed', '/otherText is only for the code OTHER')

  if (f.code === 'RETURNED_TO_HOME_SCHOOL_PHASED') {
    if (!f.phasedPlan)
      err('/phasedPlan', 'required', '/phasedPlan (its end date and details) is required for a phased return')
    else if (f.phasedPlan.endDate <= f.effectiveDate)
      err(
        '/phasedPlan/endDate',
        'not_after_effective_date',
        '/phasedPlan/endDate must be after /effectiveDate: the part-time plan runs from the return'
      )
  } else if (f.phasedPlan) err('/phasedPlan', 'not_allowed', '/phasedPlan is only for RETURNED_TO_HOME_SCHOOL_PHASED')

  const leaver = isYear11Leaver(f, calendar)
  if (f.code === 'POST16_TRANSITION') {
    if (f.ncYearOnEffectiveDate < 11)
      err(
        '/code',
        'not_year_11',
        `POST16_TRANSITION is for pupils completing Year 11; the pupil is in Year ${f.ncYearOnEffectiveDate}`
      )
    if (!f.destination) err('/destination', 'required', '/destination is required for POST16_TRANSITION')
    else if (needsProvider(f.destination.code) && !f.destination.provider) {
      err(
        '/destination/provider',
        'required',
        `/destination/provider is required: ${f.destination.code}` +
          ` names the college, school, training provider or employer`
      )
    }
  } else {
    if (f.destination) err('/destination', 'not_allowed', '/destination is only for POST16_TRANSITION')
    if (leaver)
      err(
        '/destination',
        'year_11_leaver',
        'a Year 11 pupil leaving education ends with a post-16 destination:' +
          ' use the code POST16_TRANSITION with /destination'
      )
  }

  const receiving = f.receiving ?? {}
  const named = !!(receiving.schoolId || receiving.name)
  if (
    (f.code === 'MOVED_TO_NEW_MAINSTREAM' ||
      f.code === 'MOVED_TO_SPECIAL_SCHOOL' ||
      f.code === 'EHCP_PLACEMENT_NAMED') &&
    !named
  ) {
    err('/receiving', 'required', `/receiving is required for ${f.code}: the school (schoolId) or its name`)
  }
  if (f.code === 'MOVED_TO_AP_SCHOOL_LONG_TERM' && !(receiving.providerId || receiving.schoolId || receiving.name)) {
    err(
      '/receiving',
      'required',
      '/receiving is required for MOVED_TO_AP_SCHOOL_LONG_TERM: the provider (providerId) or its name'
    )
  }

  if (f.finalReviewHeldOn === undefined && !f.finalReviewMissingReason) {
    err('/finalReviewId', 'required', '/finalReviewId (the final review) or /finalReviewMissingReason is required')
  } else if (f.finalReviewHeldOn === null) {
    err('/finalReviewId', 'unknown_review', '/finalReviewId is not a review of this placement')
  } else if (f.finalReviewHeldOn && f.finalReviewHeldOn > f.effectiveDate) {
    err(
      '/finalReviewId',
      'after_effective_date',
      `/finalReviewId was held on ${f.finalReviewHeldOn}, after /effectiveDate`
    )
  }
  return errors
}

export interface FollowUpDue {
  checkpoint: Checkpoint
  opensOn: string
  dueOn: string
}

/** School days in the "6 school weeks" checkpoint. */
export const SIX_WEEKS_SCHOOL_DAYS = 30

/**
 * The same point `terms` terms later: the k-th school day of the term after next, where the effective date is
 * the k-th school day of its own term (or the last day of the later term, if it is shorter). Terms are
 * half-term pairs (autumn, spring, summer). An effective date in a holiday counts from the next school day.
 */
export function termsLater(calendar: SchoolCalendar, date: string, terms: number): string {
  const day = calendar.firstSchoolDayOnOrAfter(date)
  const startYear = academicYearStart(day)
  const half = calendar.halfTermContaining(day)!
  const term = Math.floor((half.number - 1) / 2)
  const k = calendar.countSchoolDays(halfTermsOfYear(calendar, startYear)[term * 2]!.firstDay, day)
  const target = term + terms
  const halves = halfTermsOfYear(calendar, startYear + Math.floor(target / 3))
  const first = halves[(target % 3) * 2]!
  const last = halves[(target % 3) * 2 + 1]!
  const candidate = calendar.nthSchoolDay(first.firstDay, k)
  return candidate > last.lastDay
    ? calendar.subtractSchoolDays(DateTime.fromISO(last.lastDay).plus({ days: 1 }).toISODate()!, 1)
    : candidate
}

/**
 * The follow-ups an outcome needs, on the pupil's school calendar. After a reintegration: +6 school weeks, +1
 * term and +2 terms, each open from its checkpoint and due `responseSchoolDays` school days later. After a
 * post-16 transition: the October and March checks of the destination year (from the October after Year 11 ends),
 * each due by the end of its month. Other outcomes have none.
 */
export function followUpSchedule(
  code: string,
  effectiveDate: string,
  pupilDateOfBirth: string,
  calendar: SchoolCalendar,
  responseSchoolDays: number
): FollowUpDue[] {
  if (isReintegration(code)) {
    const at = (checkpoint: Checkpoint, opensOn: string): FollowUpDue => ({
      checkpoint,
      opensOn,
      dueOn: calendar.addSchoolDays(opensOn, responseSchoolDays)
    })
    return [
      at('SIX_SCHOOL_WEEKS', calendar.addSchoolDays(effectiveDate, SIX_WEEKS_SCHOOL_DAYS)),
      at('ONE_TERM', termsLater(calendar, effectiveDate, 1)),
      at('TWO_TERMS', termsLater(calendar, effectiveDate, 2))
    ]
  }
  if (code === 'POST16_TRANSITION') {
    // The October on or after the effective date (a November leaver's is next year's), never before Year 11 ends.
    const effective = DateTime.fromISO(effectiveDate)
    const year = Math.max(
      Number(endOfCompulsorySchoolAge(pupilDateOfBirth).slice(0, 4)),
      effective.month >= 11 ? effective.year + 1 : effective.year
    )
    return [
      { checkpoint: 'POST16_OCTOBER', opensOn: `${year}-10-01`, dueOn: `${year}-10-31` },
      { checkpoint: 'POST16_MARCH', opensOn: `${year + 1}-03-01`, dueOn: `${year + 1}-03-31` }
    ]
  }
  return []
}

export interface ReintegrationCheck {
  onRoll: boolean
  permanentlyExcluded: boolean
  newPlacement: boolean
  attendancePct: number
}
export interface Post16Check {
  participating: boolean
  destination: Destination
  monthsInEducation?: number | null
  monthsInEmployment?: number | null
  /** March check: the longest unbroken run of months in an apprenticeship in the destination year (August–July). */
  apprenticeshipMonths?: number | null
}

/** Months in a row an apprenticeship must last, at any time in the destination year (August–July), to be sustained. */
export const APPRENTICESHIP_SUSTAINED_MONTHS = 6

/**
 * Whether a reintegration held at a checkpoint (domain.md §5.6): on a school roll, not permanently excluded,
 * no new Tier 2 or 3 placement, and attendance at or above the LA's threshold (90% unless set otherwise).
 */
export function reintegrationHeld(
  r: ReintegrationCheck,
  attendanceThresholdPct: number
): { met: boolean; reasons: string[] } {
  const reasons: string[] = []
  if (!r.onRoll) reasons.push('not on a school roll')
  if (r.permanentlyExcluded) reasons.push('permanently excluded')
  if (r.newPlacement) reasons.push('a new Tier 2 or 3 placement')
  if (r.attendancePct < attendanceThresholdPct)
    reasons.push(`attendance ${r.attendancePct}% below ${attendanceThresholdPct}%`)
  return { met: reasons.length === 0, reasons }
}

/**
 * Whether a post-16 destination held at a check (domain.md §5.3, DfE "sustained destination"). October: participating
 * in education, training or employment. March: participating, and over October–March in education for all
 * 6 months, or in employment for 5 of the 6, or a combination covering all 6. An apprenticeship counts once it
 * has lasted 6 months in a row at any time in the destination year (August–July), not only October–March: one
 * started in August and finished by February, or one started in November and 6 months in by the time the March
 * check is recorded (it may be recorded late, up to the end of July), is sustained.
 */
export function post16Held(
  checkpoint: 'POST16_OCTOBER' | 'POST16_MARCH',
  r: Post16Check
): { met: boolean; reasons: string[] } {
  const reasons: string[] = []
  if (checkpoint === 'POST16_MARCH' && (r.apprenticeshipMonths ?? 0) >= APPRENTICESHIP_SUSTAINED_MONTHS)
    return { met: true, reasons }
  const participating = r.participating && !NOT_PARTICIPATING.includes(r.destination)
  if (!participating)
    reasons.push(
      r.destination === 'NOT_KNOWN' || r.destination === 'MOVED_AWAY'
        ? 'activity not known'
        : 'not in education, employment or training'
    )
  if (checkpoint === 'POST16_MARCH') {
    const edu = r.monthsInEducation ?? 0
    const emp = r.monthsInEmployment ?? 0
    if (!(edu >= 6 || emp >= 5 || edu + emp >= 6))
      reasons.push(
        `${edu} month(s) in education and ${emp} in employment over October–March:` +
          ` sustained needs all 6 in education, ` +
          `5 in employment, or a combination covering 6`
      )
    if (reasons.length > 0 && r.apprenticeshipMonths != null) {
      reasons.push(
        `${r.apprenticeshipMonths} month(s) in a row in an apprenticeship: ` +
          `an apprenticeship is sustained after ${APPRENTICESHIP_SUSTAINED_MONTHS} ` +
          `at any time from August to July`
      )
    }
  }
  return { met: reasons.length === 0, reasons }
}

export type Sustained = 'SUSTAINED' | 'NOT_SUSTAINED' | 'PENDING'

/**
 * Whether the outcome was sustained: NOT_SUSTAINED once any recorded check failed; SUSTAINED when the last
 * check (+2 terms, or the March check) is recorded and met and none failed; PENDING otherwise. Null for
 * outcomes that are not followed up.
 */
export function sustainedStatus(
  code: string,
  followUps: { checkpoint: string; status: string; met: boolean | null }[]
): Sustained | null {
  const last: Checkpoint | undefined = isReintegration(code)
    ? 'TWO_TERMS'
    : code === 'POST16_TRANSITION'
      ? 'POST16_MARCH'
      : undefined
  if (!last) return null
  const live = followUps.filter((f) => f.status !== 'SUPERSEDED')
  if (live.some((f) => f.status === 'RECORDED' && f.met === false)) return 'NOT_SUSTAINED'
  return live.some((f) => f.checkpoint === last && f.status === 'RECORDED' && f.met === true) ? 'SUSTAINED' : 'PENDING'
}

/**
 * Who records a check: the school or the LA after a return to school; the LA or the provider after post-16
 * transition.
 */
export const recordersOf = (checkpoint: string): ('coordinator' | 'school' | 'provider')[] =>
  isPost16Checkpoint(checkpoint) ? ['coordinator', 'provider'] : ['coordinator', 'school']

const REINTEGRATION_FIELDS = [
  'onRoll',
  'rollSchoolId',
  'attendancePct',
  'permanentlyExcluded',
  'suspensionDays',
  'newPlacement'
] as const
const POST16_FIELDS = [
  'participating',
  'destination',
  'monthsInEducation',
  'monthsInEmployment',
  'apprenticeshipMonths'
] as const
type FollowUpField = (typeof REINTEGRATION_FIELDS)[number] | (typeof POST16_FIELDS)[number]

/** What recording a follow-up check is weighed against: who records it, the check as stored, today. */
export interface FollowUpFacts {
  checkpoint: string
  role: string
  followUp: { status: string; recordedOn: string | null; opensOn: string; dueOn: string }
  today: string
  result: Partial<Record<FollowUpField, unknown>>
  /** Whether the school named by rollSchoolId exists (undefined when none is named). */
  rollSchoolKnown: boolean | undefined
}

/**
 * The rules of recording a follow-up check (domain.md §5.6, §9): only its recorders (403); once (409); not before
 * its window opens (422); then, all at once (422): the fields of its kind (reintegration or post-16) and no
 * others, the months in education or employment only at the March check, the apprenticeship's run of months only
 * there too, and a roll school that exists.
 */
export function followUpRefusal(f: FollowUpFacts): Refusal | undefined {
  const { checkpoint, followUp } = f
  const recorders = recordersOf(checkpoint)
  if (!(recorders as string[]).includes(f.role))
    return {
      status: 403,
      code: 'not_your_follow_up',
      detail: `The ${checkpoint} check is recorded by the ${recorders.join(' or ')}`,
      errors: []
    }
  if (followUp.status === 'RECORDED')
    return {
      status: 409,
      code: 'already_recorded',
      detail: `The ${checkpoint} check was recorded on ${followUp.recordedOn}`,
      errors: []
    }
  if (f.today < followUp.opensOn)
    return {
      code: 'before_window',
      detail: `The ${checkpoint} check opens on ${followUp.opensOn} and is due by ${followUp.dueOn}`,
      errors: [{ path: '/', code: 'before_window', message: `the ${checkpoint} check opens on ${followUp.opensOn}` }]
    }
  const errors: FieldError[] = []
  const post16 = isPost16Checkpoint(checkpoint)
  const wanted = post16
    ? POST16_FIELDS.filter(
        (field) =>
          field !== 'apprenticeshipMonths' &&
          ((field !== 'monthsInEducation' && field !== 'monthsInEmployment') || checkpoint === 'POST16_MARCH')
      )
    : (['onRoll', 'attendancePct', 'permanentlyExcluded', 'suspensionDays'] as const)
  // An apprenticeship's run of months belongs to the March check (sustained at any time from August to July).
  if (checkpoint === 'POST16_OCTOBER' && f.result.apprenticeshipMonths !== undefined)
    errors.push({
      path: '/apprenticeshipMonths',
      code: 'not_allowed',
      message: `/apprenticeshipMonths is part of the POST16_MARCH check, not ${checkpoint}`
    })
  for (const field of wanted)
    if (f.result[field] === undefined)
      errors.push({ path: `/${field}`, code: 'required', message: `/${field} is required for the ${checkpoint} check` })
  for (const field of post16 ? REINTEGRATION_FIELDS : POST16_FIELDS)
    if (f.result[field] !== undefined)
      errors.push({
        path: `/${field}`,
        code: 'not_allowed',
        message: `/${field} is not part of the ${checkpoint} check`
      })
  if (f.rollSchoolKnown === false)
    errors.push({ path: '/rollSchoolId', code: 'unknown_reference', message: '/rollSchoolId is not a known school' })
  if (errors.length === 0) return undefined
  return { code: 'validation_failed', detail: errors.map((e) => e.message).join('; '), errors }
}
