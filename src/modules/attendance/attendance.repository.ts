import { type Kysely, sql } from 'kysely'
import { addMarks, attendanceSummary, countMarks, type MarkCounts, type ResolvedMark } from '../../domain/attendance.js'
import type { DB } from '../../db/schema.js'

/** All SQL on attendance marks and their corrections. */

export interface PlacementMarks {
  counts: MarkCounts
  unexplainedToday: ('AM' | 'PM')[]
}

export const noMarks = (): PlacementMarks => ({ counts: countMarks([]), unexplainedToday: [] })

/** Mark counts and today's unexplained absences of each placement, in one query. */
export async function marksByPlacement(
  db: Kysely<DB>,
  placementIds: string[],
  today: string
): Promise<Map<string, PlacementMarks>> {
  const result = new Map<string, PlacementMarks>()
  for (const id of placementIds) result.set(id, noMarks())
  if (placementIds.length === 0) return result
  const unexplainedToday = sql<('AM' | 'PM')[] | null>`array_agg(session order by session)
    filter (where on_date = ${today}::date and code = 'ABSENT_UNAUTH')`
  const rows = await db
    .selectFrom('attendance_mark')
    .select((eb) => ['placement_id', 'code', eb.fn.countAll<string>().as('n'), unexplainedToday.as('today')])
    .where('placement_id', 'in', placementIds)
    .groupBy(['placement_id', 'code'])
    .execute()
  for (const r of rows) {
    const entry = result.get(r.placement_id)!
    addMarks(entry.counts, r.code, Number(r.n))
    if (r.today) entry.unexplainedToday.push(...r.today)
  }
  return result
}

/** The provider's placements (not cancelled) of these pupils, locked, with what finds each pupil's calendar. */
export function lockProviderPlacements(db: Kysely<DB>, providerId: string, pupilIds: string[]) {
  return db
    .selectFrom('placement')
    .innerJoin('pupil', 'pupil.id', 'placement.pupil_id')
    .select([
      'placement.id',
      'placement.pupil_id',
      'placement.start_date',
      'placement.end_date',
      'placement.status',
      'placement.sessions_at_provider',
      'placement.pupil_home_la_code',
      'pupil.home_school_id',
      'pupil.home_la_code'
    ])
    .where('placement.provider_id', '=', providerId)
    .where('placement.status', '<>', 'CANCELLED')
    .where('placement.pupil_id', 'in', pupilIds)
    .forUpdate(['placement'])
    .execute()
}

/** The stored marks of these placements between two dates (inclusive). */
export function storedMarks(db: Kysely<DB>, placementIds: string[], from: string, to: string) {
  return db
    .selectFrom('attendance_mark')
    .select(['placement_id', 'on_date', 'session', 'code', 'reason'])
    .where('placement_id', 'in', placementIds)
    .where('on_date', '>=', from)
    .where('on_date', '<=', to)
    .execute()
}

const rowsOf = (list: ResolvedMark[]) =>
  sql`unnest(${list.map((m) => m.placementId)}::bigint[], ${list.map((m) => m.date)}::date[],
    ${list.map((m) => m.session)}::text[], ${list.map((m) => m.code)}::text[], ${list.map((m) => m.reason)}::text[])
    as i (placement_id, on_date, session, code, reason)`

/** Inserts new marks in one statement. */
export async function insertMarks(db: Kysely<DB>, marks: ResolvedMark[], recordedBy: string): Promise<void> {
  if (marks.length === 0) return
  await sql`insert into attendance_mark (placement_id, on_date, session, code, reason, recorded_by)
    select placement_id, on_date, session, code, reason, ${recordedBy} from ${rowsOf(marks)}`.execute(db)
}

/** Changes stored marks and keeps each old value as a correction, in two statements. */
export async function correctMarks(
  db: Kysely<DB>,
  changed: { mark: ResolvedMark; old: { code: string; reason: string | null } }[],
  by: string,
  requestId: string
): Promise<void> {
  if (changed.length === 0) return
  const list = changed.map((c) => c.mark)
  await sql`update attendance_mark m set code = i.code, reason = i.reason, recorded_by = ${by}, updated_at = now()
    from ${rowsOf(list)}
    where m.placement_id = i.placement_id and m.on_date = i.on_date and m.session = i.session`.execute(db)
  await sql`insert into attendance_correction
      (placement_id, on_date, session, old_code, old_reason, new_code, new_reason, corrected_by, request_id)
    select placement_id, on_date, session, old_code, old_reason, new_code, new_reason, ${by}, ${requestId}
    from unnest(${list.map((m) => m.placementId)}::bigint[], ${list.map((m) => m.date)}::date[],
      ${list.map((m) => m.session)}::text[], ${changed.map((c) => c.old.code)}::text[],
      ${changed.map((c) => c.old.reason)}::text[], ${list.map((m) => m.code)}::text[],
      ${list.map((m) => m.reason)}::text[])
    as c (placement_id, on_date, session, old_code, old_reason, new_code, new_reason)`.execute(db)
}

/** A placement's marks, optionally between two dates, in date and session order. */
export function marksOf(db: Kysely<DB>, placementId: string, from?: string, to?: string) {
  return db
    .selectFrom('attendance_mark')
    .select(['on_date', 'session', 'code', 'reason', 'updated_at'])
    .where('placement_id', '=', placementId)
    .$if(from !== undefined, (qb) => qb.where('on_date', '>=', from!))
    .$if(to !== undefined, (qb) => qb.where('on_date', '<=', to!))
    .orderBy('on_date')
    .orderBy('session')
    .execute()
}

/** A placement's mark corrections, optionally between two dates, oldest first. */
export function correctionsOf(db: Kysely<DB>, placementId: string, from?: string, to?: string) {
  return db
    .selectFrom('attendance_correction')
    .selectAll()
    .where('placement_id', '=', placementId)
    .$if(from !== undefined, (qb) => qb.where('on_date', '>=', from!))
    .$if(to !== undefined, (qb) => qb.where('on_date', '<=', to!))
    .orderBy('id')
    .execute()
}

/** Attendance since the last review (or the start) from the marks, when any scheduled session was marked. */
export async function attendanceSince(
  db: Kysely<DB>,
  placementId: string,
  after: string | null,
  upTo: string
): Promise<number | null> {
  const rows = await db
    .selectFrom('attendance_mark')
    .select('code')
    .where('placement_id', '=', placementId)
    .$if(after !== null, (qb) => qb.where('on_date', '>', after!))
    .where('on_date', '<=', upTo)
    .execute()
  return attendanceSummary(countMarks(rows.map((r) => r.code)), null).attendancePct
}

/** How many marks a placement has on or after `from`, and the first of their dates. */
export async function marksFrom(
  db: Kysely<DB>,
  placementId: string,
  from: string
): Promise<{ n: number; first: string | null }> {
  const row = await db
    .selectFrom('attendance_mark')
    .select((eb) => [eb.fn.countAll<string>().as('n'), eb.fn.min('on_date').as('first')])
    .where('placement_id', '=', placementId)
    .where('on_date', '>=', from)
    .executeTakeFirstOrThrow()
  return { n: Number(row.n), first: (row.first as string | null) ?? null }
}
