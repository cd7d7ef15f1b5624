import type { FieldError } from '../platform/errors.js'
import { fromDayNumber, type SchoolCalendar, toDayNumber, weekdayOf } from './calendar.js'

/**
 * Session attendance at the provider (domain.md §9.6, §4.3): AM and PM marks, what they add up to, and the
 * checks one batch of marks must pass. Pure functions.
 */

export const MARK_CODES = ['PRESENT', 'LATE', 'ABSENT_AUTH', 'ABSENT_UNAUTH', 'NOT_SCHEDULED'] as const
export type MarkCode = (typeof MARK_CODES)[number]
export const SESSIONS = ['AM', 'PM'] as const
export type Session = (typeof SESSIONS)[number]

/** DfE thresholds: below 90% is persistent absence, below 50% severe absence. */
export const PERSISTENT_ABSENCE_BELOW = 90
export const SEVERE_ABSENCE_BELOW = 50

export interface MarkCounts {
  present: number
  late: number
  authorised: number
  unauthorised: number
  notScheduled: number
}

export interface AttendanceSummary extends MarkCounts {
  /** Sessions the pupil was expected at the provider: every mark except NOT_SCHEDULED. */
  scheduledSessions: number
  /** Present or late. */
  attendedSessions: number
  attendancePct: number | null
  baselinePct: number | null
  /** During-placement attendance minus the baseline, in percentage points. */
  changePctPoints: number | null
  persistentAbsence: boolean
  severeAbsence: boolean
}

const round1 = (n: number) => Math.round(n * 10) / 10

/** Attendance % = attended ÷ scheduled sessions, against the pupil's home-school baseline before referral. */
export function attendanceSummary(counts: MarkCounts, baselinePct: number | null): AttendanceSummary {
  const attended = counts.present + counts.late
  const scheduled = attended + counts.authorised + counts.unauthorised
  // The flags follow the exact rate (89.97% is persistent absence) though the figure shown is rounded.
  const exact = scheduled === 0 ? null : (attended / scheduled) * 100
  const pct = exact === null ? null : round1(exact)
  return {
    ...counts,
    scheduledSessions: scheduled,
    attendedSessions: attended,
    attendancePct: pct,
    baselinePct,
    changePctPoints: pct === null || baselinePct === null ? null : round1(pct - baselinePct),
    persistentAbsence: exact !== null && exact < PERSISTENT_ABSENCE_BELOW,
    severeAbsence: exact !== null && exact < SEVERE_ABSENCE_BELOW
  }
}

/** Adds `n` marks of `code` to `counts` (for counts grouped in SQL). */
export function addMarks(counts: MarkCounts, code: string, n = 1): MarkCounts {
  if (code === 'PRESENT') counts.present += n
  else if (code === 'LATE') counts.late += n
  else if (code === 'ABSENT_AUTH') counts.authorised += n
  else if (code === 'ABSENT_UNAUTH') counts.unauthorised += n
  else if (code === 'NOT_SCHEDULED') counts.notScheduled += n
  return counts
}

/** Counts marks by code. */
export function countMarks(codes: Iterable<string>): MarkCounts {
  const c: MarkCounts = { present: 0, late: 0, authorised: 0, unauthorised: 0, notScheduled: 0 }
  for (const code of codes) addMarks(c, code)
  return c
}

/** The Monday of the ISO week containing `date`: the week a mark counts against the sessions per week. */
export function weekOf(date: string): string {
  const day = toDayNumber(date)
  return fromDayNumber(day - weekdayOf(day) + 1)
}

export interface MarkInput {
  pupilId: string
  date: string
  session: Session
  code: MarkCode
  reason?: string | undefined
}
/** A placement of the pupil with this provider: the dates it covers and its planned sessions a week. */
export interface PlacementSpan {
  id: string
  startDate: string
  endDate: string | null
  status: string
  sessionsPerWeek: number
}
export interface ResolvedMark {
  placementId: string
  date: string
  session: Session
  code: MarkCode
  reason: string | null
}

/** At most this many field errors are listed for one batch; the detail says how many there were. */
export const MAX_LISTED_ERRORS = 100

/**
 * Checks a batch of marks as a whole and ties each to the placement it belongs to. A mark is refused when the
 * pupil has no placement with the provider (the same answer whether or not the pupil exists), when no
 * running or ended placement covers its date, for a future date, for a weekend or another day that is not a
 * school day on the pupil's calendar, when it repeats another mark of the batch, and for an authorised
 * absence without a reason. Planned sessions a week are checked against the stored marks by the caller.
 */
export function resolveMarks(
  marks: MarkInput[],
  ctx: {
    placements: (pupilId: string) => PlacementSpan[]
    calendar: (pupilId: string) => SchoolCalendar | undefined
    today: string
  }
): { marks: ResolvedMark[]; errors: FieldError[]; errorCount: number } {
  const errors: FieldError[] = []
  let errorCount = 0
  const err = (path: string, code: string, message: string) => {
    errorCount++
    if (errors.length < MAX_LISTED_ERRORS) errors.push({ path, code, message })
  }
  const seen = new Set<string>()
  const resolved: ResolvedMark[] = []
  marks.forEach((m, i) => {
    const at = `/marks/${i}`
    const key = `${m.pupilId}|${m.date}|${m.session}`
    if (seen.has(key))
      return err(
        `${at}/session`,
        'duplicate_mark',
        `${at} repeats the ${m.session} mark of pupil ${m.pupilId} on ${m.date}`
      )
    seen.add(key)
    if (m.code === 'ABSENT_AUTH' && !m.reason)
      err(`${at}/reason`, 'required', `${at}/reason is required for an authorised absence`)
    const spans = ctx.placements(m.pupilId)
    if (spans.length === 0)
      return err(
        `${at}/pupilId`,
        'not_placed_here',
        `${at}/pupilId: pupil ${m.pupilId} has no placement with this provider`
      )
    if (m.date > ctx.today) return err(`${at}/date`, 'date_in_future', `${at}/date ${m.date} is in the future`)
    const weekday = weekdayOf(toDayNumber(m.date))
    if (weekday > 5)
      return err(`${at}/date`, 'weekend', `${at}/date ${m.date} is a ${weekday === 6 ? 'Saturday' : 'Sunday'}`)
    const calendar = ctx.calendar(m.pupilId)
    if (calendar && !calendar.isSchoolDay(m.date))
      return err(
        `${at}/date`,
        'not_school_day',
        `${at}/date ${m.date} is not a school day on the pupil's school calendar`
      )
    const span = spans.find(
      (s) =>
        (s.status === 'ACTIVE' || s.status === 'PAUSED' || s.status === 'ENDED') &&
        m.date >= s.startDate &&
        (s.endDate === null || m.date <= s.endDate)
    )
    if (!span) {
      const ranges = spans
        .map((s) => `${s.startDate}–${s.endDate ?? (s.status === 'PLANNED' ? '(not started)' : 'now')}`)
        .join(', ')
      return err(
        `${at}/date`,
        'outside_placement',
        `${at}/date ${m.date} is outside the pupil's placement with this provider (${ranges})`
      )
    }
    resolved.push({ placementId: span.id, date: m.date, session: m.session, code: m.code, reason: m.reason ?? null })
  })
  return { marks: resolved, errors, errorCount }
}

/**
 * Weeks in which a placement has more scheduled marks (anything but NOT_SCHEDULED) than its sessions a week.
 * `marks` are the placement's marks after the batch is applied.
 */
export function overScheduledWeeks(
  marks: { date: string; code: string }[],
  sessionsPerWeek: number
): { week: string; scheduled: number }[] {
  const perWeek = new Map<string, number>()
  for (const m of marks)
    if (m.code !== 'NOT_SCHEDULED') perWeek.set(weekOf(m.date), (perWeek.get(weekOf(m.date)) ?? 0) + 1)
  return [...perWeek]
    .filter(([, n]) => n > sessionsPerWeek)
    .map(([week, scheduled]) => ({ week, scheduled }))
    .sort((a, b) => a.week.localeCompare(b.week))
}

/**
 * Sessions the pupil was expected at the provider from `from` to `to`: the placement's sessions a week spread
 * over that span's school days (a full week of 5 school days expects `sessionsPerWeek`).
 */
export function expectedSessions(calendar: SchoolCalendar, from: string, to: string, sessionsPerWeek: number): number {
  if (to < from) return 0
  return Math.round((calendar.countSchoolDays(from, to) * sessionsPerWeek) / 5)
}
