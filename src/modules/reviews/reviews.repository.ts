import type { Insertable, Kysely } from 'kysely'
import { DateTime } from 'luxon'
import { nextReviewDue, type ReviewDue } from '../../domain/reviews.js'
import type { DB, PlacementRow } from '../../db/schema.js'
import { policyFor } from '../local-authorities/index.js'
import { calendarForPupil } from '../pupils/index.js'

/** All SQL on reviews, and the review schedule a placement's reviews and pauses set. */

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

/**
 * Stores the placement's next review date and the rule that set it; returns the row as it now stands.
 * Pass the row when the caller has just read or written it, to save reading it again.
 */
export async function refreshSchedule(db: Kysely<DB>, placement: PlacementRow | string): Promise<PlacementRow> {
  const row =
    typeof placement === 'string'
      ? await db.selectFrom('placement').selectAll().where('id', '=', placement).executeTakeFirstOrThrow()
      : placement
  const due = await scheduleFor(db, row)
  return db
    .updateTable('placement')
    .set({ next_review_due_on: due?.due ?? null, next_review_rule: due ? due.rule : null })
    .where('id', '=', row.id)
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** The dates of a placement's reviews, in the order held. */
export async function heldOn(db: Kysely<DB>, placementId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('review')
    .select('held_on')
    .where('placement_id', '=', placementId)
    .orderBy('held_on')
    .orderBy('id')
    .execute()
  return rows.map((r) => r.held_on)
}

/** The placement's latest review (by date held), if any. */
export function latest(db: Kysely<DB>, placementId: string) {
  return db
    .selectFrom('review')
    .select(['id', 'held_on'])
    .where('placement_id', '=', placementId)
    .orderBy('held_on', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst()
}

/** When the placement's review `reviewId` was held, if it is one of its reviews. */
export async function heldOnById(db: Kysely<DB>, placementId: string, reviewId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('review')
    .select('held_on')
    .where('id', '=', reviewId)
    .where('placement_id', '=', placementId)
    .executeTakeFirst()
  return row?.held_on
}

/** A placement's reviews in the order held. */
export function reviewsOf(db: Kysely<DB>, placementId: string) {
  return db
    .selectFrom('review')
    .selectAll()
    .where('placement_id', '=', placementId)
    .orderBy('held_on')
    .orderBy('id')
    .execute()
}

/** One review of the placement, if it is one of its reviews. */
export function findOf(db: Kysely<DB>, placementId: string, reviewId: string) {
  return db
    .selectFrom('review')
    .selectAll()
    .where('placement_id', '=', placementId)
    .where('id', '=', reviewId)
    .executeTakeFirst()
}

/** The date of the placement's last review held before `before`, if any. */
export async function lastHeldBefore(db: Kysely<DB>, placementId: string, before: string): Promise<string | null> {
  const row = await db
    .selectFrom('review')
    .select((eb) => eb.fn.max('held_on').as('last'))
    .where('placement_id', '=', placementId)
    .where('held_on', '<', before)
    .executeTakeFirstOrThrow()
  return (row.last as string | null) ?? null
}

/** The placement's latest review held after `after` and on or before `upTo`. */
export function latestBetween(db: Kysely<DB>, placementId: string, after: string, upTo: string) {
  return db
    .selectFrom('review')
    .select(['id', 'held_on'])
    .where('placement_id', '=', placementId)
    .where('held_on', '>', after)
    .where('held_on', '<=', upTo)
    .orderBy('held_on', 'desc')
    .executeTakeFirst()
}

export function insert(db: Kysely<DB>, values: Insertable<DB['review']>) {
  return db.insertInto('review').values(values).returningAll().executeTakeFirstOrThrow()
}

/** Records the school's view on a review of the placement; undefined when it is not one of its reviews. */
export function setSchoolView(db: Kysely<DB>, placementId: string, reviewId: string, view: string) {
  return db
    .updateTable('review')
    .set({ school_view: view, school_view_at: new Date() })
    .where('id', '=', reviewId)
    .where('placement_id', '=', placementId)
    .returningAll()
    .executeTakeFirst()
}

/** The dates up to which the LA has approved extensions of the placement. */
export async function approvalsOf(db: Kysely<DB>, placementId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('extension_approval')
    .select('up_to')
    .where('placement_id', '=', placementId)
    .execute()
  return rows.map((r) => r.up_to)
}

export function approveExtension(db: Kysely<DB>, values: Insertable<DB['extension_approval']>) {
  return db.insertInto('extension_approval').values(values).returningAll().executeTakeFirstOrThrow()
}

/** Open review requests received by the day of a review are met by it. */
export async function meetRequests(db: Kysely<DB>, placementId: string, reviewId: string, heldOn: string) {
  await db
    .updateTable('review_request')
    .set({ status: 'MET', met_by_review_id: reviewId })
    .where('placement_id', '=', placementId)
    .where('status', '=', 'OPEN')
    .where('received_on', '<=', heldOn)
    .execute()
}

export function insertRequest(db: Kysely<DB>, values: Insertable<DB['review_request']>) {
  return db.insertInto('review_request').values(values).returningAll().executeTakeFirstOrThrow()
}

/** The last review date and count of reviews of each placement. */
export async function summaries(
  db: Kysely<DB>,
  placementIds: string[]
): Promise<Map<string, { last: string | null; count: number }>> {
  const out = new Map<string, { last: string | null; count: number }>()
  for (const id of placementIds) out.set(id, { last: null, count: 0 })
  if (placementIds.length === 0) return out
  const rows = await db
    .selectFrom('review')
    .select((eb) => ['placement_id', eb.fn.max('held_on').as('last'), eb.fn.countAll<string>().as('count')])
    .where('placement_id', 'in', placementIds)
    .groupBy('placement_id')
    .execute()
  for (const r of rows) out.set(r.placement_id, { last: r.last as string, count: Number(r.count) })
  return out
}
