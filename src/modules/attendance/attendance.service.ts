import type { Kysely } from 'kysely'
import { DateTime } from 'luxon'
import {
  overScheduledWeeks,
  type PlacementSpan,
  type ResolvedMark,
  resolveMarks,
  weekOf
} from '../../domain/attendance.js'
import type { DB } from '../../db/schema.js'
import { AppError, forbidden, unprocessable } from '../../platform/errors.js'
import { type Clock, systemClock, toIso, todayIn } from '../../platform/time.js'
import { type Actor, writeAudit } from '../../db/audit.js'
import { placementsRepository } from '../placements/index.js'
import { calendarForPupil, calendarLoader } from '../pupils/index.js'
import { summaryFor } from './attendance.mapper.js'
import * as repo from './attendance.repository.js'
import type { MarkBatch } from './attendance.schemas.js'

const refused = (
  errors: { path: string; code: string; message: string }[],
  count: number,
  status = 422,
  code = 'validation_failed'
) =>
  new AppError(
    status,
    code,
    `${count} mark(s) refused, none stored` +
      (count > errors.length ? `; the first ${errors.length} are listed` : '') +
      `: ${errors
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
      const rows = await repo.lockProviderPlacements(trx, p.providerId!, pupilIds)
      const spans = new Map<string, PlacementSpan[]>()
      const calendarOf = calendarLoader(trx)
      const home = new Map<string, (typeof rows)[number]>()
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
        home.set(r.pupil_id, r)
      }
      const calendars = new Map(
        await Promise.all([...home].map(async ([pupilId, r]) => [pupilId, await calendarOf(r)] as const))
      )
      const { marks, errors, errorCount } = resolveMarks(batch.marks, {
        placements: (pupilId) => spans.get(pupilId) ?? [],
        calendar: (pupilId) => calendars.get(pupilId),
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
            message:
              `placement ${o.placement_id} has ${o.n} scheduled sessions in the week of ${o.week}; ` +
              `its plan has ${o.sessions_at_provider} a week (mark the others NOT_SCHEDULED)`
          }
        })
        return refused(listed, over.length, 422, 'more_sessions_than_planned')
      }
      // The stored marks of these placements in these weeks (a resend's own marks, or a week's earlier days)
      // decide, in memory, what is new, what changed, and the sessions a week once the batch is applied.
      const stored = await repo.storedMarks(trx, touched, from, to)
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

      await repo.insertMarks(trx, fresh, p.subject)
      await repo.correctMarks(trx, changed, p.subject, actor.requestId)
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
      const row = await placementsRepository.findInScope(trx, actor.principal, placementId)
      const [marks, corrections, counts] = await Promise.all([
        repo.marksOf(trx, placementId, from, to),
        repo.correctionsOf(trx, placementId, from, to),
        repo.marksByPlacement(trx, [placementId], today)
      ])
      const calendar = await calendarForPupil(trx, await placementsRepository.pupilOf(trx, row.pupil_id))
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
          session: m.session,
          code: m.code,
          reason: m.reason,
          updatedAt: toIso(m.updated_at)
        })),
        corrections: corrections.map((c) => ({
          date: c.on_date,
          session: c.session,
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
