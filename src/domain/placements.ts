import { DateTime } from 'luxon'
import type { FieldError } from '../platform/errors.js'
import type { SchoolCalendar } from './calendar.js'
import type { Refusal } from './refusal.js'
import { reviewOverdueAt, reviewsFrom } from './reviews.js'
import { endOfCompulsorySchoolAge, ncYear } from './school-year.js'

/**
 * Referral and placement rules (domain.md §2, §4.3, §9.2–9.3). Pure functions: the services load the facts.
 */

export const LEGAL_BASES = [
  'SCHOOL_COMMISSIONED',
  'OFF_SITE_DIRECTION_S29A',
  'SUSPENSION_SIXTH_DAY',
  'LA_S19_PERMANENT_EXCLUSION',
  'LA_S19_HEALTH',
  'LA_S19_OTHER',
  'EHCP'
] as const
export type LegalBasis = (typeof LEGAL_BASES)[number]

/** Bases a school commissions itself; the rest are arranged by the LA. */
export const SCHOOL_BASES: readonly LegalBasis[] = [
  'SCHOOL_COMMISSIONED',
  'OFF_SITE_DIRECTION_S29A',
  'SUSPENSION_SIXTH_DAY'
]
export const commissionerFor = (basis: LegalBasis): 'SCHOOL' | 'LA' => (SCHOOL_BASES.includes(basis) ? 'SCHOOL' : 'LA')

/** Half-day sessions in a full-time week. */
export const FULL_TIME_SESSIONS = 10
/** Full time across provider and home school: what a sixth-day duty needs, and below which a part-time plan is. */
export const isFullTime = (p: { sessions_at_provider: number; sessions_at_home_school: number }): boolean =>
  p.sessions_at_provider + p.sessions_at_home_school >= FULL_TIME_SESSIONS

export interface Objective {
  description: string
  baseline: string
  target: string
}
export interface ExclusionInput {
  kind: 'SUSPENSION' | 'PERMANENT'
  firstDay: string
  lengthSchoolDays?: number | null | undefined
}

export interface ReferralFacts {
  requestedTier: number
  legalBasis: LegalBasis
  reasonCode?: string | null | undefined
  needsSummary?: string | null | undefined
  interventionsTried?: string | null | undefined
  proposedObjectives?: Objective[] | undefined
  baselineAttendancePct?: number | null | undefined
  baselineFrom?: string | null | undefined
  baselineTo?: string | null | undefined
  parentConsultedOn?: string | null | undefined
  pupilViews?: string | null | undefined
  sendCaseworkerToldOn?: string | null | undefined
  virtualSchoolToldOn?: string | null | undefined
  exclusions?: ExclusionInput[] | undefined
}

const missing = (field: string, why: string): FieldError => ({
  path: `/${field}`,
  code: 'required',
  message: `/${field} is required ${why}`
})
const blank = (v: unknown) =>
  v === undefined || v === null || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.length === 0)

/** Each item a referral still lacks for its basis, tier and pupil, named by field. */
export function referralMissingItems(
  r: ReferralFacts,
  pupil: { senProvision: string; lookedAfter: boolean }
): FieldError[] {
  const out: FieldError[] = []
  const always: [keyof ReferralFacts, string][] = [
    ['needsSummary', 'for every referral'],
    ['interventionsTried', 'for every referral (evidence of what the school has tried)'],
    ['proposedObjectives', 'for every referral (at least one)'],
    ['baselineAttendancePct', 'as the attendance baseline'],
    ['baselineFrom', 'with the baseline period'],
    ['baselineTo', 'with the baseline period'],
    ['parentConsultedOn', 'for every referral'],
    ['pupilViews', "for every referral (the pupil's voice)"]
  ]
  for (const [field, why] of always) if (blank(r[field])) out.push(missing(field, why))
  if (r.requestedTier >= 2 && blank(r.reasonCode))
    out.push(missing('reasonCode', 'for Tier 2 and Tier 3 (census primary reason)'))
  if (pupil.senProvision === 'E' && blank(r.sendCaseworkerToldOn))
    out.push(missing('sendCaseworkerToldOn', 'because the pupil has an EHC plan'))
  if (pupil.lookedAfter && blank(r.virtualSchoolToldOn))
    out.push(missing('virtualSchoolToldOn', 'because the pupil is looked after'))
  const exclusions = r.exclusions ?? []
  if (r.legalBasis === 'SUSPENSION_SIXTH_DAY') {
    if (!exclusions.some((e) => e.kind === 'SUSPENSION'))
      out.push(missing('exclusions', "for sixth-day provision (the suspension's first day and length)"))
    exclusions.forEach((e, i) => {
      if (e.kind === 'SUSPENSION' && !e.lengthSchoolDays)
        out.push(missing(`exclusions/${i}/lengthSchoolDays`, 'for a suspension'))
    })
  }
  if (r.legalBasis === 'LA_S19_PERMANENT_EXCLUSION' && !exclusions.some((e) => e.kind === 'PERMANENT')) {
    out.push(missing('exclusions', 'for provision after a permanent exclusion (its first day)'))
  }
  if (r.baselineFrom && r.baselineTo && r.baselineFrom > r.baselineTo) {
    out.push({ path: '/baselineTo', code: 'end_before_start', message: '/baselineTo is before /baselineFrom' })
  }
  return out
}

/**
 * The code the home school records for sessions at the placement (SI 2024/208 reg 10): D when the pupil is
 * dual-registered at a school that is the provider; K for LA-arranged provision elsewhere; B for
 * school-approved off-site provision. Tier 1 support happens in school, where the pupil is present.
 */
export function homeAttendanceCode(
  commissioner: 'SCHOOL' | 'LA',
  registration: 'ON_HOME_ROLL' | 'DUAL_REGISTERED'
): 'B' | 'D' | 'K' {
  if (registration === 'DUAL_REGISTERED') return 'D'
  return commissioner === 'LA' ? 'K' : 'B'
}

export interface PlacementFacts {
  tier: number
  legalBasis: LegalBasis
  reasonCode?: string | null | undefined
  startDate: string
  plannedEndDate?: string | null | undefined
  sessionsAtProvider: number
  sessionsAtHomeSchool: number
  partTimePlan?: { endDate: string; details: string } | null | undefined
  registration: 'ON_HOME_ROLL' | 'DUAL_REGISTERED'
  plan: {
    objectives: Objective[]
    reintegrationPlan?: string | null | undefined
    transitionPlan?: string | null | undefined
    intendedPost16Route?: string | null | undefined
  }
}

export interface PlacementContext {
  calendar: SchoolCalendar
  tierLimitsSchoolWeeks: Record<1 | 2 | 3, number | null>
  pupilDateOfBirth: string
  providerOffersTier: boolean
  providerIsSchool: boolean
  reasonCodeKnown: boolean
}

/** Every rule a new placement breaks, each naming its field. */
export function placementErrors(p: PlacementFacts, ctx: PlacementContext): FieldError[] {
  const out: FieldError[] = []
  const tier = p.tier as 1 | 2 | 3
  if (p.plannedEndDate && p.plannedEndDate < p.startDate) {
    out.push({ path: '/plannedEndDate', code: 'end_before_start', message: '/plannedEndDate is before /startDate' })
  }
  if ((tier === 2 || p.legalBasis === 'OFF_SITE_DIRECTION_S29A') && !p.plannedEndDate) {
    out.push(
      missing(
        'plannedEndDate',
        tier === 2 ? 'for a Tier 2 (time-limited) placement' : 'for an off-site direction (a proposed maximum period)'
      )
    )
  }
  const limit = ctx.tierLimitsSchoolWeeks[tier]
  if (limit && p.plannedEndDate && p.plannedEndDate >= p.startDate) {
    const days = ctx.calendar.countSchoolDays(p.startDate, p.plannedEndDate)
    if (days > limit * 5) {
      out.push({
        path: '/plannedEndDate',
        code: 'tier_limit_exceeded',
        message:
          `/plannedEndDate makes ${days} school days, over the LA's Tier ${tier}` +
          ` limit of ${limit} school weeks (${limit * 5} days)`
      })
    }
  }
  if (tier >= 2 && p.reasonCode === undefined) out.push(missing('reasonCode', 'for Tier 2 and Tier 3'))
  if (p.reasonCode && !ctx.reasonCodeKnown)
    out.push({
      path: '/reasonCode',
      code: 'unknown_reason_code',
      message: `/reasonCode ${p.reasonCode} is not a known census reason code`
    })
  if (!ctx.providerOffersTier)
    out.push({ path: '/providerId', code: 'tier_not_offered', message: `/providerId does not offer Tier ${tier}` })
  if (tier === 1 && p.sessionsAtProvider !== 0) {
    out.push({
      path: '/sessionsAtProvider',
      code: 'tier1_in_school',
      message: '/sessionsAtProvider must be 0: Tier 1 support is delivered in the home school'
    })
  }
  if (p.sessionsAtProvider + p.sessionsAtHomeSchool > FULL_TIME_SESSIONS) {
    out.push({
      path: '/sessionsAtHomeSchool',
      code: 'over_full_time',
      message: 'sessions at the provider and the home school add up to more than 10 a week'
    })
  } else if (p.sessionsAtProvider + p.sessionsAtHomeSchool < FULL_TIME_SESSIONS) {
    if (!p.partTimePlan)
      out.push(
        missing(
          'partTimePlan',
          `because ${p.sessionsAtProvider + p.sessionsAtHomeSchool} sessions a week` +
            ` is below full time (${FULL_TIME_SESSIONS})`
        )
      )
    else if (p.partTimePlan.endDate < p.startDate)
      out.push({
        path: '/partTimePlan/endDate',
        code: 'end_before_start',
        message: '/partTimePlan/endDate is before /startDate'
      })
  }
  if (p.registration === 'DUAL_REGISTERED' && !ctx.providerIsSchool) {
    out.push({
      path: '/registration',
      code: 'dual_registration_needs_school',
      message: 'a pupil can be dual-registered only at a provider that is a school (it has a URN)'
    })
  }
  if (tier === 2 && blank(p.plan.reintegrationPlan))
    out.push(missing('plan/reintegrationPlan', 'for Tier 2 (return to the home school)'))
  if (tier === 3) {
    if (blank(p.plan.transitionPlan)) out.push(missing('plan/transitionPlan', 'for Tier 3'))
    if (ncYear(ctx.pupilDateOfBirth, p.startDate) >= 10 && blank(p.plan.intendedPost16Route)) {
      out.push(missing('plan/intendedPost16Route', 'for a Year 10 or 11 pupil in Tier 3'))
    }
  }
  if (tier >= 2 && p.startDate > endOfCompulsorySchoolAge(ctx.pupilDateOfBirth)) {
    out.push({
      path: '/startDate',
      code: 'past_compulsory_school_age',
      message:
        `/startDate is after the pupil's end ` +
        `of compulsory school age (${endOfCompulsorySchoolAge(ctx.pupilDateOfBirth)})` +
        `; record a post-16 destination instead`
    })
  }
  return out
}

export interface ActivationFacts {
  status: string
  startDate: string
  legalBasis: LegalBasis
  commissioner: 'SCHOOL' | 'LA'
  objectives: number
  firstReviewDueOn: string | null
  providerUnregistered: boolean
  providerSafeguardingConfirmedOn: string | null
  laNotifiedOn: string | null
  noticeClocks: { kind: string; status: string }[]
}

/** Why a planned placement cannot become active yet (empty when it can). */
export function activationBlockers(f: ActivationFacts, today: string): FieldError[] {
  const out: FieldError[] = []
  const block = (path: string, code: string, message: string) => out.push({ path, code, message })
  if (f.status !== 'PLANNED')
    block('/status', 'not_planned', `only a PLANNED placement can be activated; this one is ${f.status}`)
  if (today < f.startDate) block('/startDate', 'not_started', `the placement starts on ${f.startDate}`)
  if (f.objectives < 1) block('/plan/objectives', 'no_plan', 'the personalised plan has no objective')
  if (!f.firstReviewDueOn) block('/firstReviewDueOn', 'no_first_review', 'no first review date')
  if (f.providerUnregistered && !f.providerSafeguardingConfirmedOn) {
    block(
      '/providerId',
      'safeguarding_unconfirmed',
      'the unregistered provider has no written safeguarding confirmation on file'
    )
  }
  if (f.commissioner === 'SCHOOL' && !f.laNotifiedOn)
    block('/laNotifiedOn', 'la_not_notified', 'the school has not recorded notifying the LA of this placement')
  for (const c of f.noticeClocks) {
    if (c.status !== 'met')
      block(
        c.kind === 'OFF_SITE_NOTICE_LA' ? '/laNoticeGivenOn' : '/parentNoticeGivenOn',
        'notice_not_in_time',
        `${c.kind === 'OFF_SITE_NOTICE_LA' ? 'LA' : 'parent'} notice of the off-site direction ` +
          `was not given at least 2 school days before the start`
      )
  }
  return out
}

/**
 * A placement cannot start before its referral was received (a case entered later keeps both dates): the
 * problem naming /startDate, or undefined when the start is on or after it (or there is no referral).
 */
export function startBeforeReferral(
  startDate: string,
  referralReceivedOn: string | null | undefined
): FieldError | undefined {
  if (!referralReceivedOn || startDate >= referralReceivedOn) return undefined
  return {
    path: '/startDate',
    code: 'start_before_referral',
    message: `/startDate ${startDate} is before the referral was received (${referralReceivedOn})`
  }
}

/**
 * When a tier move (escalation or step-down) dated `nextStart` ends the current placement: its last day is the
 * day before, and it stays running until then when the next one starts after `today`.
 */
export function moveEnding(nextStart: string, today: string): { endDate: string; endsNow: boolean } {
  return { endDate: DateTime.fromISO(nextStart).minus({ days: 1 }).toISODate()!, endsNow: nextStart <= today }
}

/** Statuses of a placement that started: it ran (ACTIVE, PAUSED, ENDED). PLANNED and CANCELLED ones never did. */
export const RAN_STATUSES = ['ACTIVE', 'PAUSED', 'ENDED'] as const

/**
 * Whether a placement is a census row for a period (domain.md §4.1, §4.2, §9.8): AP that ran in it. Tier 1 is
 * in-school support, not AP, and is never returned; a PLANNED or CANCELLED placement never ran; otherwise it
 * started on or before the period's end (and by `today`) and had not ended before the period's start. Without
 * a period, every placement that ran.
 */
export function isCensusPlacement(
  p: { tier: number; status: string; startDate: string; endDate: string | null },
  period: { from: string; to: string } | undefined,
  today: string
): boolean {
  if (p.tier < 2 || !(RAN_STATUSES as readonly string[]).includes(p.status)) return false
  if (p.startDate > today) return false
  if (!period) return true
  return p.startDate <= period.to && (p.endDate === null || p.endDate >= period.from)
}

export interface PauseDateFacts {
  /** The placement's start. */
  startDate: string
  /** The last review held on the placement, if any. */
  lastReviewOn?: string | null | undefined
  /** The day the placement last resumed, if it was paused before. */
  lastResumedOn?: string | null | undefined
  /** For a resumption: the day the open pause began. */
  pausedFrom?: string | null | undefined
}

/**
 * What is wrong with the effective date `from` of a pause or a resumption entered after the event, judged at
 * that date (issue 11): never in the future (400), never before the placement started, a pause never before
 * the last review held (the review was held on a running placement) nor before the last resumption (spans do
 * not overlap), a resumption never before its pause began (422). Each problem names /from.
 */
export function pauseDateErrors(
  kind: 'PAUSE' | 'RESUME',
  from: string,
  f: PauseDateFacts,
  today: string
): { status: 400 | 422; errors: FieldError[] } | undefined {
  const err = (code: string, message: string): FieldError => ({ path: '/from', code, message })
  if (from > today) return { status: 400, errors: [err('date_in_future', '/from cannot be in the future')] }
  const out: FieldError[] = []
  if (from < f.startDate)
    out.push(err('before_placement_start', `/from ${from} is before the placement started (${f.startDate})`))
  if (kind === 'PAUSE') {
    if (f.lastReviewOn && from < f.lastReviewOn)
      out.push(
        err(
          'before_last_review',
          `/from ${from} is before the review held on ${f.lastReviewOn}, when the placement was running`
        )
      )
    if (f.lastResumedOn && from < f.lastResumedOn)
      out.push(err('before_last_resumption', `/from ${from} is before the placement last resumed (${f.lastResumedOn})`))
  } else if (f.pausedFrom && from < f.pausedFrom) {
    out.push(err('before_pause', `/from ${from} is before the pause began (${f.pausedFrom})`))
  }
  return out.length > 0 ? { status: 422, errors: out } : undefined
}

export interface DatedPlacement {
  id: string
  startDate: string
  endDate: string | null
  plannedEndDate: string | null
}

/**
 * The no-overlap rule (domain.md §9.1: a pupil is in one placement at a time): the first of the pupil's other
 * placements (not cancelled) whose days, from its start to its end (or planned end; open-ended when neither),
 * share a day with `start`–`end` (open-ended when null). Undefined when none does.
 */
export function overlapping(start: string, end: string | null, others: DatedPlacement[]): DatedPlacement | undefined {
  return others.find((o) => {
    const otherEnd = o.endDate ?? o.plannedEndDate
    return (otherEnd === null || start <= otherEnd) && (end === null || o.startDate <= end)
  })
}

/** The refusal (409) of dates `start`–`end` that overlap one of the pupil's other placements, naming it at `path`. */
export function overlapRefusal(
  start: string,
  end: string | null,
  others: DatedPlacement[],
  path: string
): Refusal | undefined {
  const clash = overlapping(start, end, others)
  if (!clash) return undefined
  const until = clash.endDate ?? clash.plannedEndDate ?? 'open-ended'
  return {
    status: 409,
    code: 'placement_overlap',
    detail: `The pupil already has placement ${clash.id} from ${clash.startDate} to ${until}`,
    errors: [{ path, code: 'placement_overlap', message: `overlaps placement ${clash.id}` }]
  }
}

export interface MoveFacts {
  kind: 'ESCALATED' | 'STEPPED_DOWN'
  status: string
  tier: number
  startDate: string
  nextReviewDueOn: string | null
  /** The next placement's start: the day the move takes effect. */
  nextStartDate: string
  /** Dates of the reviews held on the current placement. */
  reviewsHeld: string[]
  /** Set when an earlier move already ends the placement (a step-down that starts later). */
  scheduledEnd: { placementId: string; endDate: string | null; reason: string | null } | null
}

/**
 * Whether a tier move may end the current placement (domain.md §9.2): escalation is from Tier 2 to Tier 3,
 * a step-down from Tier 2 or 3; the next placement starts after the current one did; no review may be overdue
 * at the move's own date when escalating (hold it first); no review may have been held on or after the move.
 */
export function moveRefusal(f: MoveFacts, today: string): Refusal | undefined {
  if (f.kind === 'ESCALATED' && f.tier !== 2)
    return {
      code: 'not_tier_2',
      detail: 'Escalation moves a Tier 2 placement to Tier 3',
      errors: [{ path: '/tier', code: 'not_tier_2', message: `this placement is Tier ${f.tier}` }]
    }
  if (f.kind === 'STEPPED_DOWN' && f.tier === 1)
    return {
      code: 'already_tier_1',
      detail: 'The placement is already Tier 1',
      errors: [{ path: '/tier', code: 'already_tier_1', message: 'already Tier 1' }]
    }
  if (f.scheduledEnd)
    return {
      status: 409,
      code: 'end_scheduled',
      detail:
        `The placement already ends on ${f.scheduledEnd.endDate} (${f.scheduledEnd.reason}); ` +
        'the next placement follows it',
      errors: [
        {
          path: '/',
          code: 'end_scheduled',
          message: `placement ${f.scheduledEnd.placementId} ends on ${f.scheduledEnd.endDate}`
        }
      ]
    }
  if (f.nextStartDate <= f.startDate) {
    const message = `/startDate must be after the current placement's start (${f.startDate})`
    return {
      code: 'validation_failed',
      detail: message,
      errors: [{ path: '/startDate', code: 'before_current_start', message }]
    }
  }
  // Judged at the move's own date: a review due after it was not overdue, however late the move is recorded.
  if (f.kind === 'ESCALATED' && f.status === 'ACTIVE' && reviewOverdueAt(f.nextReviewDueOn, f.nextStartDate, today))
    return {
      code: 'review_overdue',
      detail:
        `A review was due on ${f.nextReviewDueOn}, before the escalation on ${f.nextStartDate}, ` +
        'and has not been held; hold it before escalating',
      errors: [
        { path: '/nextReviewDueOn', code: 'review_overdue', message: `review due ${f.nextReviewDueOn} is overdue` }
      ]
    }
  const later = reviewsFrom(f.reviewsHeld, f.nextStartDate)
  if (later.length > 0)
    return {
      code: 'review_after_move',
      detail: `A review was held on ${later[0]}, on or after /startDate: the placement was still running then`,
      errors: [
        {
          path: '/startDate',
          code: 'review_after_move',
          message: `/startDate ${f.nextStartDate} is not after the review held on ${later.at(-1)}`
        }
      ]
    }
  return undefined
}

/** The fields that shape a placement: they change only while it is PLANNED (after that, through a review). */
export const STRUCTURAL_FIELDS = [
  'startDate',
  'plannedEndDate',
  'sessionsAtProvider',
  'sessionsAtHomeSchool',
  'partTimePlan'
] as const

const NOTICE_DATES = ['laNotifiedOn', 'parentNoticeGivenOn', 'laNoticeGivenOn'] as const

/** What a change to a placement is weighed against: its state, the fields sent, today and its referral. */
export interface PlacementChangeFacts {
  status: string
  /** The names of the fields the change sends. */
  changing: string[]
  given: { startDate?: string | undefined } & Partial<Record<(typeof NOTICE_DATES)[number], string | null | undefined>>
  today: string
  /** The referral the placement came from, when the change needs it (a baseline or a start date). */
  referral?: { id: string; receivedOn: string | null; baselineAttendancePct: number | null } | undefined
}

/**
 * The rules of changing a placement (domain.md §9.2): its shape (STRUCTURAL_FIELDS) only while it is PLANNED
 * (422); nothing once it is ENDED or CANCELLED (409); notice dates not in the future (400); no baseline when the
 * referral carries one (422); no start before the referral was received (422).
 */
export function placementChangeRefusal(f: PlacementChangeFacts): Refusal | undefined {
  const structural = STRUCTURAL_FIELDS.filter((k) => f.changing.includes(k))
  if (structural.length > 0 && f.status !== 'PLANNED')
    return {
      code: 'placement_started',
      detail:
        `${structural.join(', ')} can change only while the placement is PLANNED; ` +
        'an active placement is extended through a review',
      errors: structural.map((k) => ({
        path: `/${k}`,
        code: 'placement_started',
        message: `/${k} cannot change once the placement is ${f.status}`
      }))
    }
  if (f.status === 'ENDED' || f.status === 'CANCELLED')
    return { status: 409, code: 'placement_closed', detail: `The placement is ${f.status}`, errors: [] }
  for (const field of NOTICE_DATES) {
    const v = f.given[field]
    if (v && v > f.today) {
      const message = `/${field} cannot be in the future`
      return {
        status: 400,
        code: 'validation_failed',
        detail: message,
        errors: [{ path: `/${field}`, code: 'date_in_future', message }]
      }
    }
  }
  const referral = f.referral
  if (referral && f.changing.includes('baselineAttendancePct') && referral.baselineAttendancePct !== null)
    return {
      code: 'baseline_from_referral',
      detail:
        `The placement takes its baseline (${referral.baselineAttendancePct}%) ` +
        `from referral ${referral.id}; it is not set here`,
      errors: [
        {
          path: '/baselineAttendancePct',
          code: 'baseline_from_referral',
          message: `/baselineAttendancePct comes from referral ${referral.id}`
        }
      ]
    }
  const early = referral && f.given.startDate ? startBeforeReferral(f.given.startDate, referral.receivedOn) : undefined
  if (early)
    return {
      code: 'start_before_referral',
      detail: `The placement cannot start before its referral was received (${referral!.receivedOn})`,
      errors: [early]
    }
  return undefined
}

/** What can be done to a placement, each from the statuses it starts from (domain.md §9.2). */
const TRANSITIONS = {
  activate: { from: ['PLANNED'], code: 'not_planned', detail: 'Only a PLANNED placement can be activated' },
  pause: { from: ['ACTIVE'], code: 'not_active', detail: 'Only an ACTIVE placement can be paused' },
  resume: { from: ['PAUSED'], code: 'not_paused', detail: 'Only a PAUSED placement can resume' },
  cancel: { from: ['PLANNED'], code: 'not_planned', detail: 'Only a PLANNED placement can be cancelled' },
  escalate: {
    from: ['ACTIVE', 'PAUSED'],
    code: 'not_active',
    detail: 'Only an ACTIVE or PAUSED placement can escalate'
  },
  stepDown: {
    from: ['ACTIVE', 'PAUSED'],
    code: 'not_active',
    detail: 'Only an ACTIVE or PAUSED placement can step down'
  }
} as const satisfies Record<string, { from: readonly string[]; code: string; detail: string }>
export type PlacementAction = keyof typeof TRANSITIONS

/**
 * The placement state machine (domain.md §9.2): PLANNED → ACTIVE (activate) or CANCELLED (cancel); ACTIVE ⇄
 * PAUSED (pause, resume); ACTIVE or PAUSED → ENDED by an escalation, a step-down or an outcome. Any other move is
 * a 409 naming the status it found.
 */
export function transitionRefusal(action: PlacementAction, status: string): Refusal | undefined {
  const t = TRANSITIONS[action]
  if ((t.from as readonly string[]).includes(status)) return undefined
  const tail = action === 'cancel' ? `; an ${status} one ends with an outcome` : `; this one is ${status}`
  return { status: 409, code: t.code, detail: `${t.detail}${tail}`, errors: [] }
}

/**
 * The referral state machine (domain.md §9.2): a SUBMITTED referral is decided once (accepted or declined); a
 * SUBMITTED or ACCEPTED one may be withdrawn unless it has a live placement, which is cancelled or ended instead.
 */
export function referralTransitionRefusal(
  action: 'decide' | 'withdraw',
  status: string,
  livePlacementId?: string | undefined
): Refusal | undefined {
  if (action === 'decide')
    return status === 'SUBMITTED'
      ? undefined
      : { status: 409, code: 'referral_already_decided', detail: `The referral is already ${status}`, errors: [] }
  if (status !== 'SUBMITTED' && status !== 'ACCEPTED')
    return { status: 409, code: 'referral_closed', detail: `A ${status} referral cannot be withdrawn`, errors: [] }
  if (livePlacementId !== undefined)
    return {
      status: 409,
      code: 'referral_placed',
      detail: `The referral has placement ${livePlacementId}; cancel or end that instead`,
      errors: []
    }
  return undefined
}
