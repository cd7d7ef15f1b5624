import { type Kysely, sql } from 'kysely'
import { DateTime } from 'luxon'
import {
  attendanceSummary, countMarks, expectedSessions, type MarkCounts, overScheduledWeeks, type PlacementSpan, type ResolvedMark, resolveMarks, weekOf
} from '../../domain/attendance.js'
import type { SchoolCalendar } from '../../domain/calendar.js'
import type { DB, PlacementRow } from '../../db/schema.js'
import { AppError, forbidden, unprocessable } from '../../shared/errors.js'
import { type Clock, systemClock, toIso, todayIn } from '../../shared/time.js'
import { type Actor, writeAudit } from '../audit/audit.log.js'
import { loadPlacement } from '../placements/placements.service.js'
import { calendarForPupil } from '../pupils/pupil-context.js'
import type { AttendanceSummaryView, MarkBatch } from './attendance.schemas.js'

export interface PlacementMarks { counts: MarkCounts, unexplainedToday: ('AM' | 'PM')[] }

/** Mark counts and today's unexplained absences of each placement, in one query. */
export async function marksByPlacement (db: Kysely<DB>, placementIds: string[], today: string): Promise<Map<string, PlacementMarks>> {
  const result = new Map<string, PlacementMarks>()
  for (const id of placementIds) result.set(id, { counts: countMarks([]), unexplainedToday: [] })
  if (placementIds.length === 0) return result
  const rows = await db.selectFrom('attendance_mark')
    .select((eb) => ['placement_id', 'code', eb.fn.countAll<string>().as('n'),
      sql<string[] | null>`array_agg(session order by session) filter (where on_date = ${today}::date and code = 'ABSENT_UNAUTH')`.as('today')])
    .where('placement_id', 'in', placementIds).groupBy(['placement_id', 'code']).execute()
  for (const r of rows) {
    const entry = result.get(r.placement_id)!
    const n = Number(r.n)
    const c = entry.counts
    if (r.code === 'PRESENT') c.present += n
    else if (r.code === 'LATE') c.late += n
    else if (r.code === 'ABSENT_AUTH') c.authorised += n
    else if (r.code === 'ABSENT_UNAUTH') c.unauthorised += n
    else c.notScheduled += n
    if (r.today) entry.unexplainedToday.push(...r.today as ('AM' | 'PM')[])
  }
  return result
}

/** A placement's attendance summary: the counts, the baseline, and the sessions expected so far on the pupil's calendar. */
export function summaryFor (marks: PlacementMarks, baselinePct: number | null, calendar: SchoolCalendar, row: Pick<PlacementRow, 'start_date' | 'end_date' | 'status' | 'sessions_at_provider'>, today: string): AttendanceSummaryView {
  const summary = attendanceSummary(marks.counts, baselinePct)
  const running = row.status === 'ACTIVE' || row.status === 'PAUSED' || row.status === 'ENDED'
  const to = row.end_date !== null && row.end_date < today ? row.end_date : today
  const expected = running ? expectedSessions(calendar, row.start_date, to, row.sessions_at_provider) : 0
  return { ...summary, expectedSessionsToDate: expected, unmarkedSessions: Math.max(0, expected - summary.scheduledSessions), unexplainedToday: marks.unexplainedToday }
}

const refused = (errors: { path: string, code: string, message: string }[], count: number, status = 400, code = 'validation_failed') =>
  new AppError(status, code, `${count} mark(s) refused, none stored${count > errors.length ? `; the first ${errors.length} are listed` : ''}: ${errors.slice(0, 3).map((e) => e.message).join('; ')}`, errors)

export class AttendanceService {
  constructor (private readonly db: Kysely<DB>, private readonly clock: Clock = systemClock) {}

  #today (): string { return todayIn(this.clock) }

  /**
   * Stores a batch of a provider's marks: all or none. Each mark is tied to the provider's placement of the
   * pupil that covers its date; re-sent marks change nothing; changed marks are corrections, kept with the old
   * value. A week with more scheduled marks than the placement's sessions a week refuses the batch.
   */
  async ingest (actor: Actor, batch: MarkBatch) {
    const p = actor.principal
    if (p.role !== 'provider' || !p.providerId) throw forbidden('provider_only', 'Attendance is recorded by the provider the pupils are placed with')
    const today = this.#today()
    const pupilIds = [...new Set(batch.marks.map((m) => m.pupilId))]
    return this.db.transaction().execute(async (trx) => {
      const rows = await trx.selectFrom('placement').innerJoin('pupil', 'pupil.id', 'placement.pupil_id')
        .select(['placement.id', 'placement.pupil_id', 'placement.start_date', 'placement.end_date', 'placement.status', 'placement.sessions_at_provider',
          'placement.pupil_home_la_code', 'pupil.home_school_id', 'pupil.home_la_code'])
        .where('placement.provider_id', '=', p.providerId!).where('placement.status', '<>', 'CANCELLED').where('placement.pupil_id', 'in', pupilIds)
        .forUpdate(['placement']).execute()
      const spans = new Map<string, PlacementSpan[]>()
      const calendarKeys = new Map<string, string>()
      const loading = new Map<string, Promise<SchoolCalendar>>()
      for (const r of rows) {
        spans.set(r.pupil_id, [...spans.get(r.pupil_id) ?? [], { id: r.id, startDate: r.start_date, endDate: r.end_date, status: r.status, sessionsPerWeek: r.sessions_at_provider }])
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
      const overWeeks = (over: { placement_id: string, week: string, n: number | string, sessions_at_provider: number }[]) => {
        const listed = over.slice(0, 100).map((o) => {
          // With no refused mark, the resolved marks are the batch's in its order.
          const at = marks.findIndex((m) => m.placementId === o.placement_id && weekOf(m.date) === o.week)
          return { path: `/marks/${at}/code`, code: 'more_sessions_than_planned', message: `placement ${o.placement_id} has ${o.n} scheduled sessions in the week of ${o.week}; its plan has ${o.sessions_at_provider} a week (mark the others NOT_SCHEDULED)` }
        })
        return refused(listed, over.length, 422, 'more_sessions_than_planned')
      }
      const input = sql`unnest(${marks.map((m) => m.placementId)}::bigint[], ${marks.map((m) => m.date)}::date[], ${marks.map((m) => m.session)}::text[],
            ${marks.map((m) => m.code)}::text[], ${marks.map((m) => m.reason)}::text[]) as i (placement_id, on_date, session, code, reason)`
      const stored = await trx.selectFrom('attendance_mark').select('placement_id').where('placement_id', 'in', touched)
        .where('on_date', '>=', from).where('on_date', '<=', to).limit(1).executeTakeFirst()
      let created: number
      let corrected: number
      if (!stored) {
        // Nothing stored in these weeks: the batch alone decides the sessions a week, and every mark is new.
        const grouped = new Map<string, ResolvedMark[]>()
        for (const m of marks) { const list = grouped.get(m.placementId); if (list) list.push(m); else grouped.set(m.placementId, [m]) }
        const over = touched.flatMap((id) => overScheduledWeeks(grouped.get(id)!, byPlacement.get(id)!.sessions_at_provider)
          .map((w) => ({ placement_id: id, week: w.week, n: w.scheduled, sessions_at_provider: byPlacement.get(id)!.sessions_at_provider })))
        if (over.length > 0) throw overWeeks(over)
        await sql`insert into attendance_mark (placement_id, on_date, session, code, reason, recorded_by) select placement_id, on_date, session, code, reason, ${p.subject} from ${input}`.execute(trx)
        created = marks.length
        corrected = 0
      } else {
        const [stats] = (await sql<{ created: string, corrected: string }>`
          with input as (
            select * from ${input}
          ), old as (
            select m.placement_id, m.on_date, m.session, m.code, m.reason from attendance_mark m join input i using (placement_id, on_date, session)
          ), up as (
            insert into attendance_mark (placement_id, on_date, session, code, reason, recorded_by)
            select placement_id, on_date, session, code, reason, ${p.subject} from input
            on conflict (placement_id, on_date, session) do update set code = excluded.code, reason = excluded.reason, recorded_by = excluded.recorded_by, updated_at = now()
            where attendance_mark.code is distinct from excluded.code or attendance_mark.reason is distinct from excluded.reason
            returning placement_id, on_date, session, code, reason
          ), corrections as (
            insert into attendance_correction (placement_id, on_date, session, old_code, old_reason, new_code, new_reason, corrected_by, request_id)
            select o.placement_id, o.on_date, o.session, o.code, o.reason, u.code, u.reason, ${p.subject}, ${actor.requestId}
            from up u join old o using (placement_id, on_date, session)
            returning 1
          )
          select (select count(*) from up) - (select count(*) from corrections) as created, (select count(*) from corrections) as corrected
        `.execute(trx)).rows
        created = Number(stats!.created)
        corrected = Number(stats!.corrected)
        // Scheduled marks a week, after the batch and with the stored ones, against each placement's sessions a week.
        const over = await trx.selectFrom('attendance_mark').innerJoin('placement', 'placement.id', 'attendance_mark.placement_id')
          .select((eb) => ['attendance_mark.placement_id', sql<string>`to_char(date_trunc('week', attendance_mark.on_date), 'YYYY-MM-DD')`.as('week'),
            eb.fn.countAll<string>().as('n'), 'placement.sessions_at_provider'])
          .where('attendance_mark.placement_id', 'in', touched).where('attendance_mark.code', '<>', 'NOT_SCHEDULED')
          .where('attendance_mark.on_date', '>=', from).where('attendance_mark.on_date', '<=', to)
          .groupBy(['attendance_mark.placement_id', 'week', 'placement.sessions_at_provider'])
          .having((eb) => eb(eb.fn.countAll(), '>', eb.ref('placement.sessions_at_provider'))).execute()
        if (over.length > 0) throw overWeeks(over)
      }

      await writeAudit(trx, actor, touched.map((id) => ({
        action: created + corrected > 0 ? 'update' as const : 'read' as const, entity: 'attendance', entityId: id,
        pupilId: byPlacement.get(id)!.pupil_id, pupilLaCode: byPlacement.get(id)!.pupil_home_la_code, changedFields: ['marks']
      })))
      return { received: batch.marks.length, created, corrected, unchanged: marks.length - created - corrected, placements: touched.length }
    })
  }

  /** A placement's marks between two dates, its corrections and its summary. */
  async get (actor: Actor, placementId: string, from?: string, to?: string) {
    if (from && to && from > to) throw unprocessable('bad_range', '/from is after /to', [{ path: '/querystring/from', code: 'after_to', message: '/from is after /to' }])
    const today = this.#today()
    return this.db.transaction().execute(async (trx) => {
      const row = await loadPlacement(trx, actor.principal, placementId)
      const [marks, corrections, counts, pupil, referral] = await Promise.all([
        trx.selectFrom('attendance_mark').select(['on_date', 'session', 'code', 'reason', 'updated_at']).where('placement_id', '=', placementId)
          .$if(from !== undefined, (qb) => qb.where('on_date', '>=', from!)).$if(to !== undefined, (qb) => qb.where('on_date', '<=', to!))
          .orderBy('on_date').orderBy('session').execute(),
        trx.selectFrom('attendance_correction').selectAll().where('placement_id', '=', placementId)
          .$if(from !== undefined, (qb) => qb.where('on_date', '>=', from!)).$if(to !== undefined, (qb) => qb.where('on_date', '<=', to!))
          .orderBy('id').execute(),
        marksByPlacement(trx, [placementId], today),
        trx.selectFrom('pupil').select(['home_school_id', 'home_la_code']).where('id', '=', row.pupil_id).executeTakeFirstOrThrow(),
        row.referral_id ? trx.selectFrom('referral').select('baseline_attendance_pct').where('id', '=', row.referral_id).executeTakeFirst() : undefined
      ])
      const calendar = await calendarForPupil(trx, pupil)
      await writeAudit(trx, actor, [{ action: 'read', entity: 'attendance', entityId: placementId, pupilId: row.pupil_id, pupilLaCode: row.pupil_home_la_code }])
      const baseline = referral?.baseline_attendance_pct == null ? null : Number(referral.baseline_attendance_pct)
      return {
        placementId,
        summary: summaryFor(counts.get(placementId)!, baseline, calendar, row, today),
        marks: marks.map((m) => ({ date: m.on_date, session: m.session as 'AM' | 'PM', code: m.code as 'PRESENT', reason: m.reason, updatedAt: toIso(m.updated_at) })),
        corrections: corrections.map((c) => ({ date: c.on_date, session: c.session as 'AM' | 'PM', oldCode: c.old_code, oldReason: c.old_reason, newCode: c.new_code, newReason: c.new_reason, correctedBy: c.corrected_by, at: toIso(c.at) }))
      }
    })
  }
}

/** Attendance since the last review (or the start) from the marks, when any scheduled session was marked. */
export async function attendanceSince (db: Kysely<DB>, placementId: string, after: string | null, upTo: string): Promise<number | null> {
  const rows = await db.selectFrom('attendance_mark').select('code').where('placement_id', '=', placementId)
    .$if(after !== null, (qb) => qb.where('on_date', '>', after!)).where('on_date', '<=', upTo).execute()
  return attendanceSummary(countMarks(rows.map((r) => r.code)), null).attendancePct
}
