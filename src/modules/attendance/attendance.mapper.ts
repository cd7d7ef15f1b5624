import { attendanceSummary, expectedSessions } from '../../domain/attendance.js'
import type { SchoolCalendar } from '../../domain/calendar.js'
import type { PlacementRow } from '../../db/schema.js'
import type { AttendanceSummaryView } from './attendance.schemas.js'
import type { PlacementMarks } from './attendance.repository.js'

/**
 * A placement's attendance summary: the counts, the baseline, and the sessions expected so far on the pupil's
 * calendar.
 */
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
