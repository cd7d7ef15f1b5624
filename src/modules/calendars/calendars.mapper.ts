import {
  type AcademicYearCalendar,
  academicYearLabel,
  estimatedYear,
  type HalfTermDates,
  SchoolCalendar
} from '../../domain/calendar.js'
import { toIso } from '../../platform/time.js'
import type { LaCalendar } from './calendars.schemas.js'

export interface StoredYear {
  calendarId: string
  version: number
  updatedAt: Date
  halfTerms: HalfTermDates[]
  closures: { date: string; kind: 'INSET' | 'CLOSURE'; reason: string | null }[]
}

export const numbered = (halfTerms: { firstDay: string; lastDay: string }[]) =>
  halfTerms.map((h, i) => ({ number: i + 1, ...h }))

export function toLaCalendar(laCode: string, startYear: number, stored: StoredYear): LaCalendar {
  const days = new SchoolCalendar(() => ({
    startYear,
    source: 'la',
    halfTerms: stored.halfTerms,
    closures: []
  })).countSchoolDays(`${startYear}-09-01`, `${startYear + 1}-08-31`)
  return {
    laCode,
    academicYear: academicYearLabel(startYear),
    halfTerms: numbered(stored.halfTerms),
    schoolDays: days,
    updatedAt: toIso(stored.updatedAt)
  }
}

/**
 * The calendar a school's clocks run on: per academic year, the school's own half-terms when it has loaded
 * them, else its LA's, else the estimated pattern; the school's closures and INSET days apply in every case.
 */
export function schoolCalendarOf(
  halfTerms: { school_id: string | null; academic_year: string; first_day: string; last_day: string }[],
  closures: { academic_year: string; day: string }[]
): SchoolCalendar {
  const own = new Map<string, HalfTermDates[]>()
  const la = new Map<string, HalfTermDates[]>()
  for (const h of halfTerms) {
    const into = h.school_id !== null ? own : la
    const list = into.get(h.academic_year) ?? []
    list.push({ firstDay: h.first_day, lastDay: h.last_day })
    into.set(h.academic_year, list)
  }
  const closed = new Map<string, string[]>()
  for (const c of closures) closed.set(c.academic_year, [...(closed.get(c.academic_year) ?? []), c.day])
  return new SchoolCalendar((startYear): AcademicYearCalendar => {
    const label = academicYearLabel(startYear)
    const closures = closed.get(label) ?? []
    const mine = own.get(label)
    if (mine && mine.length === 6) return { startYear, source: 'school', halfTerms: mine, closures }
    const las = la.get(label)
    if (las && las.length === 6) return { startYear, source: 'la', halfTerms: las, closures }
    return { ...estimatedYear(startYear), closures }
  })
}

/** The calendar for a pupil with no home school: the LA's half-terms, else the estimate; no closures. */
export function laCalendarOf(la: Map<string, StoredYear>): SchoolCalendar {
  return new SchoolCalendar((startYear): AcademicYearCalendar => {
    const las = la.get(academicYearLabel(startYear))
    return las && las.halfTerms.length === 6
      ? { startYear, source: 'la', halfTerms: las.halfTerms, closures: [] }
      : estimatedYear(startYear)
  })
}
