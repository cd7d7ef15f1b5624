import { type Kysely, sql } from 'kysely'
import { DateTime } from 'luxon'
import {
  addMarks,
  attendanceSummary,
  countMarks,
  expectedSessions,
  type MarkCounts,
  overScheduledWeeks,
  type PlacementSpan,
  type ResolvedMark,
  resolveMarks,
  weekOf
} from '../../domain/attendance.js'
import type { SchoolCalendar } from '../../domain/calendar.js'
import type { DB, PlacementRow } from '../../db/schema.js'
import { AppError, forbidden, unprocessable } from '../../platform/errors.js'
import { type Clock, systemClock, toIso, todayIn } from '../../platform/time.js'
import { type Actor, writeAudit } from '../../db/audit.js'
import { loadPlacement } from '../placements/placements.service.js'
import { calendarForPupil } from '../pupils/index.js'
import type { AttendanceSummaryView, MarkBatch } from './attendance.schemas.js'

export interface PlacementMarks {
  counts: MarkCounts
  unexplainedToday: ('AM' | 'PM')[]
}

/** Mark counts and today's unexplained absences of each placement, in one query. */
export async function marksByPlacement(
  db: Kysely<DB>,
  placementIds: string[],
  today: string
): Promise<Map<string, PlacementMarks>> {
  const result = new Map<string, PlacementMarks>()
  for (const id of placementIds) result.set(id, { counts: countMarks([]), unexplainedToday: [] })
  if (placementIds.length === 0) return result
  const rows = await db
    .selectFrom('attendance_mark')
    .select((eb) => [
      'placement_id',
      'code',
      eb.fn.countAll<string>().as('n'),
      sql<
        string[] | null
      >`array_agg(session order by session) filter (where on_date = ${today}::date and code = 'ABSENT_UNAUTH')`.as(
        'today'
      )
    ])
    .where('placement_id', 'in', placementIds)
    .groupBy(['placement_id', 'code'])
    .execute()
  for (const r of rows) {
    const entry = result.get(r.placement_id)!
    addMarks(entry.counts, r.code, Number(r.n))
    if (r.today) entry.unexplainedToday.push(...(r.today as ('AM' | 'PM')[]))
  }
  return result
}

/** A placement's attendance summary: the counts, the baseline, and the sessions expected so far on the pupil's calendar. */
export function summaryFor(
  marks: PlacementMarks,
  baselinePct: number | null,
  calendar: SchoolCalendar,
  row: Pick<PlacementRow, 'start_date' | 'end_date' | 'status' | 'sessions_at_provider'>,
  today: string
): AttendanceSummaryView {
  const summary = attendanceSummary(marks.counts, baselinePct)
  const running = row.status === 'ACTIVE' || row.status === 'PAUSED' || row.status === 'ENDED'
  const to = row.end_date !== null && row.end_date < today ? row.end_date : today
  const expected = running ? expectedSessions(calendar, row.start_date, to, row.sessions_at_provider) : 0
  return {
    ...summary,
    expectedSessionsToDate: expected,
    unmarkedSessions: Math.max(0, expected - summary.scheduledSessions),
    unexplainedToday: marks.unexplainedToday
  }
}

const refused = (
  errors: { path: string; code: string; message: string }[],
  count: number,
  status = 422,
  code = 'validation_failed'
) =>
  new AppError(
    status,
    code,
    `${count} mark(s) refused, none stored${count > errors.length ? `; the first ${errors.length} are listed` : ''}: ${errors
      .slice(0, 3)
      .map((e) => e.message)
      .join('; ')}`,
    errors
  )

export class AttendanceService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock = systemClock
  ) {}

  #today(): string {
    return todayIn(this.clock)
  }

  /**
   * Stores a batch of a provider's marks: all or none. Each mark is tied to the provider's placement of the
   * pupil that covers its date; re-sent marks change nothing; changed marks are corrections, kept with the old
   * value. A week with more scheduled marks than the placement's sessions a week refuses the batch.
   */
  async ingest(actor: Actor, batch: MarkBatch) {
    const p = actor.principal
    if (p.role !== 'provider' || !p.providerId)
      throw forbidden('provider_only', 'Attendance is recorded by the provider the pupils are placed with')
    const today = this.#today()
    const pupilIds = [...new Set(batch.marks.map((m) => m.pupilId))]
    return this.db.transaction().execute(async (trx) => {
      const rows = await trx
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
        .where('placement.provider_id', '=', p.providerId!)
        .where('placement.status', '<>', 'CANCELLED')
        .where('placement.pupil_id', 'in', pupilIds)
        .forUpdate(['placement'])
        .execute()
      const spans = new Map<string, PlacementSpan[]>()
      const calendarKeys = new Map<string, string>()
      const loading = new Map<string, Promise<SchoolCalendar>>()
      for (const r of rows) {
        spans.set(r.pupil_id, [
          ...(spans.get(r.pupil_id) ?? []),
          {
            id: r.id,
            startDate: r.start_date,
            endDate: r.end_date,
            status: r.status,
            sessionsPerWeek: r.sessions_at_provider
          }
        ])
        const key = r.home_school_id ?? `la:${r.home_la_code}`
        calendarKeys.set(r.pupil_id, key)
        if (!loading.has(key)) loading.set(key, calendarForPupil(trx, r))
      }
      const calendars = new Map<string, SchoolCalendar>()
      for (const [key, promise] of loading) calendars.set(key, await promise)
      const { marks, errors, errorCount } = resolveMarks(batch.marks, {
        placements: (pupilId) => spans.get(pupilId) ?? [],
        calendar: (pupilId) => calendars.get(calendarKeys.get(pupilId)!),
        today
      })
      if (errorCount > 0) throw refused(errors, errorCount)

      const touched = [...new Set(marks.map((m) => m.placementId))]
      const weeks = [...new Set(marks.map((m) => weekOf(m.date)))].sort()
      const from = weeks[0]!
      const to = DateTime.fromISO(weeks.at(-1)!).plus({ days: 6 }).toISODate()!
      const byPlacement = new Map(rows.map((r) => [r.id, r]))
      const overWeeks = (
        over: { placement_id: string; week: string; n: number | string; sessions_at_provider: number }[]
      ) => {
        const listed = over.slice(0, 100).map((o) => {
          // With no refused mark, the resolved marks are the batch's in its order.
          const at = marks.findIndex((m) => m.placementId === o.placement_id && weekOf(m.date) === o.week)
          return {
            path: `/marks/${at}/code`,
            code: 'more_sessions_than_planned',
            message: `placement ${o.placement_id} has ${o.n} scheduled sessions in the week of ${o.week}; its plan has ${o.sessions_at_provider} a week (mark the others NOT_SCHEDULED)`
          }
        })
        return refused(listed, over.length, 422, 'more_sessions_than_planned')
      }
      // The stored marks of these placements in these weeks (a resend's own marks, or a week's earlier days)
      // decide, in memory, what is new, what changed, and the sessions a week once the batch is applied.
      const stored = await trx
        .selectFrom('attendance_mark')
        .select(['placement_id', 'on_date', 'session', 'code', 'reason'])
        .where('placement_id', 'in', touched)
        .where('on_date', '>=', from)
        .where('on_date', '<=', to)
        .execute()
      const keyOf = (placementId: string, date: string, session: string) => `${placementId}|${date}|${session}`
      const after = new Map(
        stored.map((m) => [
          keyOf(m.placement_id, m.on_date, m.session),
          { placementId: m.placement_id, date: m.on_date, code: m.code, reason: m.reason }
        ])
      )
      const fresh: ResolvedMark[] = []
      const changed: { mark: ResolvedMark; old: { code: string; reason: string | null } }[] = []
      for (const m of marks) {
        const key = keyOf(m.placementId, m.date, m.session)
        const old = after.get(key)
        if (!old) fresh.push(m)
        else if (old.code !== m.code || old.reason !== m.reason)
          changed.push({ mark: m, old: { code: old.code, reason: old.reason } })
        after.set(key, { placementId: m.placementId, date: m.date, code: m.code, reason: m.reason })
      }
      const grouped = new Map<string, { date: string; code: string }[]>()
      for (const m of after.values()) {
        const list = grouped.get(m.placementId)
        if (list) list.push(m)
        else grouped.set(m.placementId, [m])
      }
      const batchWeeks = new Set(weeks)
      const over = touched.flatMap((id) =>
        overScheduledWeeks(grouped.get(id)!, byPlacement.get(id)!.sessions_at_provider)
          .filter((w) => batchWeeks.has(w.week))
          .map((w) => ({
            placement_id: id,
            week: w.week,
            n: w.scheduled,
            sessions_at_provider: byPlacement.get(id)!.sessions_at_provider
          }))
      )
      if (over.length > 0) throw overWeeks(over)

      const rowsOf = (
        list: ResolvedMark[]
      ) => sql`unnest(${list.map((m) => m.placementId)}::bigint[], ${list.map((m) => m.date)}::date[], ${list.map((m) => m.session)}::text[],
        ${list.map((m) => m.code)}::text[], ${list.map((m) => m.reason)}::text[]) as i (placement_id, on_date, session, code, reason)`
      if (fresh.length > 0) {
        await sql`insert into attendance_mark (placement_id, on_date, session, code, reason, recorded_by)
          select placement_id, on_date, session, code, reason, ${p.subject} from ${rowsOf(fresh)}`.execute(trx)
      }
      if (changed.length > 0) {
        const list = changed.map((c) => c.mark)
        await sql`update attendance_mark m set code = i.code, reason = i.reason, recorded_by = ${p.subject}, updated_at = now() from ${rowsOf(list)}
          where m.placement_id = i.placement_id and m.on_date = i.on_date and m.session = i.session`.execute(trx)
        await sql`insert into attendance_correction (placement_id, on_date, session, old_code, old_reason, new_code, new_reason, corrected_by, request_id)
          select placement_id, on_date, session, old_code, old_reason, new_code, new_reason, ${p.subject}, ${actor.requestId}
          from unnest(${list.map((m) => m.placementId)}::bigint[], ${list.map((m) => m.date)}::date[], ${list.map((m) => m.session)}::text[],
            ${changed.map((c) => c.old.code)}::text[], ${changed.map((c) => c.old.reason)}::text[], ${list.map((m) => m.code)}::text[], ${list.map((m) => m.reason)}::text[])
            as c (placement_id, on_date, session, old_code, old_reason, new_code, new_reason)`.execute(trx)
      }
      const created = fresh.length
      const corrected = changed.length

      await writeAudit(
        trx,
        actor,
        touched.map((id) => ({
          action: created + corrected > 0 ? ('update' as const) : ('read' as const),
          entity: 'attendance',
          entityId: id,
          pupilId: byPlacement.get(id)!.pupil_id,
          pupilLaCode: byPlacement.get(id)!.pupil_home_la_code,
          changedFields: ['marks']
        }))
      )
      return {
        received: batch.marks.length,
        created,
        corrected,
        unchanged: marks.length - created - corrected,
        placements: touched.length
      }
    })
  }

  /** A placement's marks between two dates, its corrections and its summary. */
  async get(actor: Actor, placementId: string, from?: string, to?: string) {
    if (from && to && from > to)
      throw unprocessable('bad_range', '/from is after /to', [
        { path: '/querystring/from', code: 'after_to', message: '/from is after /to' }
      ])
    const today = this.#today()
    return this.db.transaction().execute(async (trx) => {
      const row = await loadPlacement(trx, actor.principal, placementId)
      const [marks, corrections, counts, pupil] = await Promise.all([
        trx
          .selectFrom('attendance_mark')
          .select(['on_date', 'session', 'code', 'reason', 'updated_at'])
          .where('placement_id', '=', placementId)
          .$if(from !== undefined, (qb) => qb.where('on_date', '>=', from!))
          .$if(to !== undefined, (qb) => qb.where('on_date', '<=', to!))
          .orderBy('on_date')
          .orderBy('session')
          .execute(),
        trx
          .selectFrom('attendance_correction')
          .selectAll()
          .where('placement_id', '=', placementId)
          .$if(from !== undefined, (qb) => qb.where('on_date', '>=', from!))
          .$if(to !== undefined, (qb) => qb.where('on_date', '<=', to!))
          .orderBy('id')
          .execute(),
        marksByPlacement(trx, [placementId], today),
        trx
          .selectFrom('pupil')
          .select(['home_school_id', 'home_la_code'])
          .where('id', '=', row.pupil_id)
          .executeTakeFirstOrThrow()
      ])
      const calendar = await calendarForPupil(trx, pupil)
      await writeAudit(trx, actor, [
        {
          action: 'read',
          entity: 'attendance',
          entityId: placementId,
          pupilId: row.pupil_id,
          pupilLaCode: row.pupil_home_la_code
        }
      ])
      const baseline = row.baseline_attendance_pct == null ? null : Number(row.baseline_attendance_pct)
      return {
        placementId,
        summary: summaryFor(counts.get(placementId)!, baseline, calendar, row, today),
        marks: marks.map((m) => ({
          date: m.on_date,
          session: m.session as 'AM' | 'PM',
          code: m.code as 'PRESENT',
          reason: m.reason,
          updatedAt: toIso(m.updated_at)
        })),
        corrections: corrections.map((c) => ({
          date: c.on_date,
          session: c.session as 'AM' | 'PM',
          oldCode: c.old_code,
          oldReason: c.old_reason,
          newCode: c.new_code,
          newReason: c.new_reason,
          correctedBy: c.corrected_by,
          at: toIso(c.at)
        }))
      }
    })
  }
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
