import type { SchoolCalendar } from './calendar.js'

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
