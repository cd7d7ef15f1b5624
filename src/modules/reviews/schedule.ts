import type { Kysely } from 'kysely'
import { DateTime } from 'luxon'
import { nextReviewDue, type ReviewDue } from '../../domain/reviews.js'
import type { DB, PlacementRow } from '../../db/schema.js'
import { policyFor } from '../local-authorities/index.js'
import { calendarForPupil } from '../pupils/index.js'

/**
 * Paused spans of a placement from its PAUSED / RESUMED events: from the day it paused to the day before it
 * resumed (the placement is running again on the day it resumes), `to` null while still paused.
 */
export async function pausesOf(db: Kysely<DB>, placementId: string): Promise<{ from: string; to: string | null }[]> {
  const events = await db
    .selectFrom('placement_event')
    .select(['event', 'on_date'])
    .where('placement_id', '=', placementId)
    .where('event', 'in', ['PAUSED', 'RESUMED'])
    .orderBy('id')
    .execute()
  const spans: { from: string; to: string | null }[] = []
  for (const e of events) {
    if (e.event === 'PAUSED') spans.push({ from: e.on_date, to: null })
    else if (spans.at(-1)?.to === null) spans.at(-1)!.to = DateTime.fromISO(e.on_date).minus({ days: 1 }).toISODate()!
  }
  return spans
}

/**
 * The schedule for a placement as it stands: the rule-based due date, pulled earlier when the last review
 * set an earlier next review date. Undefined for a placement that is not running or is paused.
 */
export async function scheduleFor(
  db: Kysely<DB>,
  placement: PlacementRow,
  extraReview?: string
): Promise<ReviewDue | undefined> {
  if (!['PLANNED', 'ACTIVE', 'PAUSED'].includes(placement.status)) return undefined
  const pupil = await db
    .selectFrom('pupil')
    .select(['home_school_id', 'home_la_code'])
    .where('id', '=', placement.pupil_id)
    .executeTakeFirstOrThrow()
  const [calendar, policy, pauses, reviews] = await Promise.all([
    calendarForPupil(db, pupil),
    policyFor(db, placement.la_code),
    pausesOf(db, placement.id),
    db
      .selectFrom('review')
      .select(['held_on', 'next_review_on'])
      .where('placement_id', '=', placement.id)
      .orderBy('held_on')
      .orderBy('id')
      .execute()
  ])
  const dates = reviews.map((r) => r.held_on)
  if (extraReview) dates.push(extraReview)
  const due = nextReviewDue({
    calendar,
    startDate: placement.start_date,
    reviews: dates,
    pauses,
    firstReviewSchoolDays: policy.first_review_school_days,
    intervalSchoolWeeks: policy.review_interval_school_weeks
  })
  const chosen = extraReview ? undefined : reviews.at(-1)?.next_review_on
  const next: ReviewDue | undefined =
    due && chosen && chosen < due.due
      ? {
          due: chosen,
          rule: 'SET_AT_REVIEW',
          explanation: `set at the last review, earlier than the rule's ${due.due}`
        }
      : due
  // A placement whose end is already set (a step-down that starts later) needs no review after its last day.
  if (next && placement.end_date && next.due > placement.end_date) return undefined
  return next
}

/** Stores the placement's next review date and the rule that set it. */
export async function refreshSchedule(db: Kysely<DB>, placementId: string): Promise<void> {
  const placement = await db.selectFrom('placement').selectAll().where('id', '=', placementId).executeTakeFirstOrThrow()
  const due = await scheduleFor(db, placement)
  await db
    .updateTable('placement')
    .set({ next_review_due_on: due?.due ?? null, next_review_rule: due ? due.rule : null })
    .where('id', '=', placementId)
    .execute()
}
