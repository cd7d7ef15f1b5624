import type { SchoolCalendar } from './calendar.js'
import type { FieldError } from '../platform/errors.js'
import type { Refusal } from './refusal.js'

/**
 * Review scheduling (domain.md §2.1, §9.4). Pure: the caller passes the pupil's school calendar.
 *
 * - The first review is due within the LA's first-review deadline (school days after the start).
 * - After that, the next review is due by the earlier of: the LA's longest gap (school weeks × 5 school days
 *   after the last review), and the last teaching day of the next half-term, so every half-term the placement
 *   is active has a review ("at least half-termly").
 * - Days while the placement is paused do not count towards the gap, and nothing is due while it is paused.
 */

export type ScheduleRule = 'FIRST_REVIEW' | 'MAX_GAP' | 'HALF_TERM' | 'SET_AT_REVIEW'

export interface ScheduleInput {
  calendar: SchoolCalendar
  startDate: string
  /** Dates of the reviews held, any order. */
  reviews: string[]
  /** Paused spans, `to` null while still paused. */
  pauses: { from: string; to: string | null }[]
  firstReviewSchoolDays: number
  intervalSchoolWeeks: number
}

export interface ReviewDue {
  due: string
  rule: ScheduleRule
  /** What set the date, in words. */
  explanation: string
}

/** The `n`th school day after `from` that is not inside a pause. */
function nthActiveSchoolDay(
  calendar: SchoolCalendar,
  from: string,
  n: number,
  pauses: ScheduleInput['pauses']
): string {
  let date = from
  let remaining = n
  for (let guard = 0; guard < 2000 && remaining > 0; guard++) {
    date = calendar.addSchoolDays(date, 1)
    const paused = pauses.some((p) => date >= p.from && (p.to === null || date <= p.to))
    if (!paused) remaining--
  }
  return date
}

/** When the next review is due and which rule set it; undefined while the placement is paused. */
export function nextReviewDue(input: ScheduleInput): ReviewDue | undefined {
  if (input.pauses.some((p) => p.to === null)) return undefined
  const { calendar } = input
  const last = [...input.reviews].sort().at(-1)
  if (last === undefined) {
    const due = nthActiveSchoolDay(calendar, input.startDate, input.firstReviewSchoolDays, input.pauses)
    return {
      due,
      rule: 'FIRST_REVIEW',
      explanation: `first review within ${input.firstReviewSchoolDays} school days of the start (${input.startDate})`
    }
  }
  const gapDays = input.intervalSchoolWeeks * 5
  const gapDue = nthActiveSchoolDay(calendar, last, gapDays, input.pauses)
  const next = calendar.nextHalfTermStart(last)
  const halfTermDue = next.lastDay
  if (halfTermDue < gapDue) {
    return {
      due: halfTermDue,
      rule: 'HALF_TERM',
      explanation:
        `a review in half-term ${next.number} of ${next.academicYear} ` +
        `(${next.firstDay} to ${next.lastDay})` +
        `, after the last review on ${last}`
    }
  }
  return {
    due: gapDue,
    rule: 'MAX_GAP',
    explanation:
      `no more than ${input.intervalSchoolWeeks} school weeks (${gapDays} school days)` +
      ` after the last review on ${last}`
  }
}

/**
 * Whether the review due on `due` was overdue for an event dated `eventDate` and recorded on `today`: it fell
 * due before the event, and the day has passed. A back-dated event is judged at its own date, not today (a
 * review due 23 January was not overdue for an escalation from 5 January, whenever that is recorded); a
 * future-dated one at today, since the review can still be held before it.
 */
export function reviewOverdueAt(due: string | null | undefined, eventDate: string, today: string): boolean {
  if (!due) return false
  const asOf = eventDate < today ? eventDate : today
  return due < asOf
}

/** Reviews held on or after `from`: a move or outcome dated `from` would end the placement before them. */
export const reviewsFrom = (reviews: string[], from: string): string[] => reviews.filter((r) => r >= from).sort()

export interface ExtensionFacts {
  tier: number
  startDate: string
  plannedEndDate: string | null
  nextReviewDueOn: string | null
  heldOn: string
  newEnd: string
  /** The LA's longest placement at this tier, in school weeks (none when unset). */
  limitSchoolWeeks: number | null
  /** The dates up to which the LA has approved extensions of this placement. */
  approvedUpTo: string[]
}

/**
 * Whether a review may extend the placement to `newEnd` (domain.md §9.4): the new end is after the current
 * planned end (or the start); no review was overdue when this one was held (hold it, then extend at the next);
 * and a placement taken past the LA's tier limit in school days on the pupil's calendar needs an LA
 * administrator's approval up to that date first.
 */
export function extensionRefusal(f: ExtensionFacts, calendar: SchoolCalendar): Refusal | undefined {
  const currentEnd = f.plannedEndDate ?? f.startDate
  if (f.newEnd <= currentEnd) {
    const message = `/extension/newPlannedEnd must be after the current planned end (${currentEnd})`
    return {
      code: 'validation_failed',
      detail: message,
      errors: [{ path: '/extension/newPlannedEnd', code: 'not_later', message }]
    }
  }
  if (f.nextReviewDueOn && f.nextReviewDueOn < f.heldOn)
    return {
      code: 'review_overdue',
      detail:
        `A review was overdue (due ${f.nextReviewDueOn}) when this one was held; ` +
        'hold the review, then extend at the next',
      errors: [{ path: '/decision', code: 'review_overdue', message: `review due ${f.nextReviewDueOn} was overdue` }]
    }
  if (!f.limitSchoolWeeks) return undefined
  const days = calendar.countSchoolDays(f.startDate, f.newEnd)
  if (days <= f.limitSchoolWeeks * 5 || f.approvedUpTo.some((upTo) => upTo >= f.newEnd)) return undefined
  return {
    code: 'extension_needs_la_approval',
    detail:
      `Extending to ${f.newEnd} makes ${days} school days, past the LA's Tier ${f.tier} limit ` +
      `of ${f.limitSchoolWeeks} school weeks; an LA administrator must approve it first`,
    errors: [
      {
        path: '/extension/newPlannedEnd',
        code: 'extension_needs_la_approval',
        message: `past the Tier ${f.tier} limit without LA approval`
      }
    ]
  }
}

/** What a review record is weighed against: the placement it reviews and today. */
export interface ReviewFacts {
  placement: { id: string; status: string; startDate: string; endDate: string | null; objectiveCount: number }
  review: {
    heldOn: string
    parentViews?: string | undefined
    parentViewsMissingReason?: string | undefined
    pupilViews?: string | undefined
    pupilViewsMissingReason?: string | undefined
    objectives: { objective: number }[]
    decision: string
    extension?: unknown
    nextReviewOn?: string | undefined
  }
  today: string
}

/**
 * The rules of a review record (domain.md §9.4): held on a running (active or paused) placement (409); then, all
 * at once (422): held by today and within the placement; the parent's and the pupil's views, or why they are
 * missing; progress once on every objective of the plan; an extension exactly when the decision is EXTEND; a next
 * review date after this one unless the decision is END.
 */
export function reviewRefusal(f: ReviewFacts): Refusal | undefined {
  const { placement, review: r } = f
  if (placement.status !== 'ACTIVE' && placement.status !== 'PAUSED')
    return {
      status: 409,
      code: 'placement_not_running',
      detail: `Reviews are held on active or paused placements; this one is ${placement.status}`,
      errors: [
        { path: '/', code: 'placement_not_running', message: `placement ${placement.id} is ${placement.status}` }
      ]
    }
  const errors: FieldError[] = []
  const err = (path: string, code: string, message: string) => errors.push({ path, code, message })
  if (r.heldOn > f.today) err('/heldOn', 'date_in_future', '/heldOn cannot be in the future')
  if (r.heldOn < placement.startDate)
    err('/heldOn', 'before_placement', `/heldOn is before the placement started (${placement.startDate})`)
  if (placement.endDate && r.heldOn > placement.endDate)
    err('/heldOn', 'after_placement', `/heldOn is after the placement ended (${placement.endDate})`)
  if (!r.parentViews && !r.parentViewsMissingReason)
    err('/parentViews', 'required', '/parentViews or /parentViewsMissingReason is required')
  if (!r.pupilViews && !r.pupilViewsMissingReason)
    err('/pupilViews', 'required', '/pupilViews or /pupilViewsMissingReason is required')
  const count = placement.objectiveCount
  const seen = new Set<number>()
  r.objectives.forEach((o, i) => {
    const path = `/objectives/${i}/objective`
    if (o.objective >= count) err(path, 'unknown_objective', `${path}: the plan has ${count} objective(s)`)
    else if (seen.has(o.objective)) err(path, 'duplicate_objective', `${path} repeats objective ${o.objective}`)
    seen.add(o.objective)
  })
  if (seen.size < count && errors.length === 0)
    err('/objectives', 'objective_missing', `progress is needed on all ${count} objectives of the plan`)
  if (r.decision === 'EXTEND' && !r.extension)
    err('/extension', 'required', '/extension is required when the decision is EXTEND')
  if (r.decision !== 'EXTEND' && r.extension)
    err('/extension', 'not_allowed', '/extension is only for the decision EXTEND')
  if (r.decision !== 'END' && !r.nextReviewOn)
    err('/nextReviewOn', 'required', '/nextReviewOn is required unless the decision is END')
  if (r.nextReviewOn && r.nextReviewOn <= r.heldOn)
    err('/nextReviewOn', 'not_after_review', '/nextReviewOn must be after /heldOn')
  if (errors.length === 0) return undefined
  return { code: 'validation_failed', detail: errors.map((e) => e.message).join('; '), errors }
}

/** The next review date a review sets is no later than the schedule allows with that review counted (§9.4). */
export function nextReviewRefusal(
  nextReviewOn: string | undefined,
  latest: Pick<ReviewDue, 'due' | 'explanation'> | undefined
): Refusal | undefined {
  if (!nextReviewOn || !latest || nextReviewOn <= latest.due) return undefined
  const message = `/nextReviewOn ${nextReviewOn} is later than the rule allows: ${latest.due} (${latest.explanation})`
  return {
    code: 'validation_failed',
    detail: message,
    errors: [{ path: '/nextReviewOn', code: 'next_review_too_late', message }]
  }
}
