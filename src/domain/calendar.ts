import { DateTime } from 'luxon'
import type { FieldError } from '../platform/errors.js'
import { ZONE } from '../platform/time.js'
import { bankHolidays } from './bank-holidays.js'

/**
 * School calendars and school-day arithmetic (domain.md §7, §9.4, §9.5). Pure: callers load term dates
 * and closures and pass them in. Calendar dates carry no time of day, so the inner loops work on day
 * numbers (days since 1970-01-01) rather than luxon objects: exact, and fast enough for every clock.
 * Validation and the estimated calendar use luxon.
 */

export type CalendarSource = 'school' | 'la' | 'estimated'

export interface HalfTermDates {
  firstDay: string
  lastDay: string
}

export interface AcademicYearCalendar {
  /** The calendar year in which the academic year starts (2025 for 2025/26). */
  startYear: number
  /** Where the half-term dates come from. */
  source: CalendarSource
  /** Six half-terms in order, each from its first to its last teaching day. */
  halfTerms: HalfTermDates[]
  /** The school's INSET and closure days in this year. */
  closures: string[]
}

export interface HalfTermInfo extends HalfTermDates {
  number: number
  academicYear: string
  source: CalendarSource
}

const DAY_MS = 86_400_000

export function toDayNumber(iso: string): number {
  return Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / DAY_MS
}
export function fromDayNumber(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10)
}
/** ISO weekday of a day number: Monday 1 … Sunday 7 (1970-01-01 was a Thursday). */
export const weekdayOf = (day: number): number => ((((day + 3) % 7) + 7) % 7) + 1

/** `2025/26`, from the start year. */
export const academicYearLabel = (startYear: number): string =>
  `${startYear}/${String((startYear + 1) % 100).padStart(2, '0')}`

/**
 * The start year of an academic year written `YYYY/YY` (or `YYYY-YY` in URLs); undefined unless the years are
 * consecutive and start in 1900–2099, the years a date may carry.
 */
export function parseAcademicYear(label: string): number | undefined {
  const m = /^((?:19|20)\d{2})[/-](\d{2})$/.exec(label)
  if (!m) return undefined
  const start = Number(m[1])
  return (start + 1) % 100 === Number(m[2]) ? start : undefined
}

/** Start year of the academic year containing a day number. */
function startYearOfDay(day: number): number {
  const d = new Date(day * DAY_MS)
  return d.getUTCMonth() >= 8 ? d.getUTCFullYear() : d.getUTCFullYear() - 1
}

const iso = (d: DateTime): string => d.toISODate()!
const onOrAfter = (d: DateTime, weekday: number) => d.plus({ days: (weekday - d.weekday + 7) % 7 })
const onOrBefore = (d: DateTime, weekday: number) => d.minus({ days: (d.weekday - weekday + 7) % 7 })

/** Easter Sunday (Gregorian; anonymous algorithm). */
export function easterSunday(year: number): DateTime {
  const a = year % 19
  const b = Math.floor(year / 100)
  const c = year % 100
  const d = Math.floor(b / 4)
  const e = b % 4
  const f = Math.floor((b + 8) / 25)
  const g = Math.floor((b - f + 1) / 3)
  const h = (19 * a + b - d - g + 15) % 30
  const i = Math.floor(c / 4)
  const k = c % 4
  const l = (32 + 2 * e + 2 * i - h - k) % 7
  const m = Math.floor((a + 11 * h + 22 * l) / 451)
  const month = Math.floor((h + l - 7 * m + 114) / 31)
  const day = ((h + l - 7 * m + 114) % 31) + 1
  return DateTime.fromObject({ year, month, day }, { zone: ZONE })
}

/**
 * The usual English pattern, used when neither the school nor its LA has loaded term dates: autumn from the
 * first Wednesday of September with half-term in the last week of October and Christmas from the Friday on or
 * before 21 December; spring from the first Monday after 1 January, half-term in the week of the third Monday of
 * February, Easter holidays the week of Good Friday and the week after; summer half-term in the week of the
 * Spring bank holiday (last Monday of May) and the year ending on the weekday on or before 21 July.
 * Every date computed from it is reported as estimated.
 */
export function estimatedYear(startYear: number): AcademicYearCalendar {
  const at = (y: number, month: number, day: number) => DateTime.fromObject({ year: y, month, day }, { zone: ZONE })
  const y1 = startYear + 1
  const autumnStart = onOrAfter(at(startYear, 9, 1), 3)
  const octHalfTerm = onOrBefore(at(startYear, 10, 31), 1)
  const christmasEnd = onOrBefore(at(startYear, 12, 21), 5)
  const springStart = onOrAfter(at(y1, 1, 2), 1)
  const febHalfTerm = onOrAfter(at(y1, 2, 1), 1).plus({ weeks: 2 })
  const goodFriday = easterSunday(y1).minus({ days: 2 })
  const easterBreak = onOrBefore(goodFriday, 1)
  const mayHalfTerm = onOrBefore(at(y1, 5, 31), 1)
  let summerEnd = at(y1, 7, 21)
  while (summerEnd.weekday > 5) summerEnd = summerEnd.minus({ days: 1 })
  return {
    startYear,
    source: 'estimated',
    closures: [],
    halfTerms: [
      { firstDay: iso(autumnStart), lastDay: iso(octHalfTerm.minus({ days: 3 })) },
      { firstDay: iso(octHalfTerm.plus({ weeks: 1 })), lastDay: iso(christmasEnd) },
      { firstDay: iso(springStart), lastDay: iso(febHalfTerm.minus({ days: 3 })) },
      { firstDay: iso(febHalfTerm.plus({ weeks: 1 })), lastDay: iso(easterBreak.minus({ days: 3 })) },
      { firstDay: iso(easterBreak.plus({ weeks: 2 })), lastDay: iso(mayHalfTerm.minus({ days: 3 })) },
      { firstDay: iso(mayHalfTerm.plus({ weeks: 1 })), lastDay: iso(summerEnd) }
    ]
  }
}

const WEEKDAY_NAMES = ['', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']

/**
 * Rules for six half-terms of an academic year: each inside 1 September – 31 August, starting and ending on a
 * weekday, first day not after last day, in order and not overlapping. Errors name the half-term.
 */
export function halfTermErrors(startYear: number, halfTerms: HalfTermDates[], base = '/halfTerms'): FieldError[] {
  const errors: FieldError[] = []
  const from = `${startYear}-09-01`
  const to = `${startYear + 1}-08-31`
  if (halfTerms.length !== 6) {
    errors.push({
      path: base,
      code: 'six_half_terms',
      message: `${base} must list 6 half-terms, ${halfTerms.length} given`
    })
    return errors
  }
  halfTerms.forEach((h, i) => {
    const path = `${base}/${i}`
    const label = `half-term ${i + 1}`
    for (const [field, value] of [
      ['firstDay', h.firstDay],
      ['lastDay', h.lastDay]
    ] as const) {
      const weekday = weekdayOf(toDayNumber(value))
      if (weekday > 5)
        errors.push({
          path: `${path}/${field}`,
          code: 'weekend_boundary',
          message: `${label} ${field === 'firstDay' ? 'starts' : 'ends'} on a ${WEEKDAY_NAMES[weekday]}`
        })
      if (value < from || value > to)
        errors.push({
          path: `${path}/${field}`,
          code: 'outside_academic_year',
          message: `${label} ${field} ${value} is outside ${academicYearLabel(startYear)} (${from} to ${to})`
        })
    }
    if (h.firstDay > h.lastDay)
      errors.push({ path, code: 'half_term_reversed', message: `${label} ends before it starts` })
    const prev = halfTerms[i - 1]
    if (prev) {
      if (h.firstDay <= prev.lastDay && h.lastDay >= prev.firstDay) {
        errors.push({ path, code: 'half_terms_overlap', message: `${label} overlaps half-term ${i}` })
      } else if (h.firstDay < prev.firstDay) {
        errors.push({ path, code: 'half_terms_unordered', message: `${label} starts before half-term ${i}` })
      }
    }
  })
  return errors
}

export interface ClosureDay {
  date: string
  kind: 'INSET' | 'CLOSURE'
}

/**
 * Closure and INSET days: weekdays, each once, inside one of the half-terms. Published calendars also put
 * INSET days just outside a half-term: the weekday before term starts (INSET 1 September when pupils start on
 * the 2nd), the weekday after it ends (the Friday or Monday after a half-term), or a run of them. Those are
 * accepted: an INSET day whose next (or previous) weekday, skipping bank holidays and other INSET days listed,
 * is a half-term's first (or last) day. They stay non-teaching days, as every day outside the half-terms is.
 * A weekend INSET day is refused: published calendars never set one (INSET days are among the 195 days
 * teachers work, Monday to Friday), so it is a typing mistake. Other closures must fall inside a half-term.
 */
export function closureErrors(halfTerms: HalfTermDates[], closures: ClosureDay[], base = '/closures'): FieldError[] {
  const errors: FieldError[] = []
  const seen = new Set<string>()
  const inset = new Set(closures.filter((c) => c.kind === 'INSET').map((c) => toDayNumber(c.date)))
  const starts = new Set(halfTerms.map((h) => toDayNumber(h.firstDay)))
  const ends = new Set(halfTerms.map((h) => toDayNumber(h.lastDay)))
  const holidays = new Set<number>()
  const years = new Set(closures.map((c) => Number(c.date.slice(0, 4))))
  for (const y of years)
    for (const d of [...bankHolidays(y - 1), ...bankHolidays(y), ...bankHolidays(y + 1)]) holidays.add(toDayNumber(d))
  /** The first weekday from `day` in `step` direction that is neither a bank holiday nor a listed INSET day. */
  const nextWorking = (day: number, step: 1 | -1): number => {
    let d = day + step
    for (let guard = 0; guard < 60 && (weekdayOf(d) > 5 || holidays.has(d) || inset.has(d)); guard++) d += step
    return d
  }
  closures.forEach(({ date: day, kind }, i) => {
    const path = `${base}/${i}/date`
    if (seen.has(day)) errors.push({ path, code: 'duplicate_closure', message: `${day} is listed twice` })
    seen.add(day)
    const n = toDayNumber(day)
    if (weekdayOf(n) > 5) {
      errors.push({ path, code: 'closure_on_weekend', message: `${day} is a weekend day` })
      return
    }
    if (halfTerms.some((h) => day >= h.firstDay && day <= h.lastDay)) return
    const startYear = halfTerms[0] ? startYearOfDay(toDayNumber(halfTerms[0].firstDay)) : undefined
    if (startYear !== undefined && startYearOfDay(n) !== startYear) {
      errors.push({ path, code: 'outside_academic_year', message: `${day} is outside ${academicYearLabel(startYear)}` })
      return
    }
    const beside = kind === 'INSET' && (starts.has(nextWorking(n, 1)) || ends.has(nextWorking(n, -1)))
    if (!beside) {
      errors.push({
        path,
        code: 'closure_outside_term',
        message:
          kind === 'INSET'
            ? `${day} is not in any half-term, nor an INSET day on the weekdays just before or after one`
            : `${day} is not in any half-term`
      })
    }
  })
  return errors
}

interface YearIndex {
  year: AcademicYearCalendar
  days: Int32Array
  first: number
  last: number
}

/** Resolves one academic year's calendar for a school: its own, its LA's, or the estimate. */
export type YearResolver = (startYear: number) => AcademicYearCalendar

/** School-day arithmetic on one school's calendar. */
export class SchoolCalendar {
  readonly #years = new Map<number, YearIndex>()

  constructor(private readonly resolve: YearResolver) {}

  /** The school days of an academic year as sorted day numbers, built once. */
  #index(startYear: number): YearIndex {
    let index = this.#years.get(startYear)
    if (index) return index
    const year = this.resolve(startYear)
    const closed = new Set<number>()
    for (const d of year.closures) closed.add(toDayNumber(d))
    for (const y of [startYear, startYear + 1]) for (const d of bankHolidays(y)) closed.add(toDayNumber(d))
    const days: number[] = []
    for (const h of year.halfTerms) {
      for (let d = toDayNumber(h.firstDay), end = toDayNumber(h.lastDay); d <= end; d++) {
        if (weekdayOf(d) <= 5 && !closed.has(d)) days.push(d)
      }
    }
    index = {
      year,
      days: Int32Array.from(days),
      first: toDayNumber(`${startYear}-09-01`),
      last: toDayNumber(`${startYear + 1}-08-31`)
    }
    this.#years.set(startYear, index)
    return index
  }

  /** The academic years (and their sources) this calendar has resolved so far. */
  sourcesUsed(): { academicYear: string; source: CalendarSource }[] {
    return [...this.#years.values()]
      .sort((a, b) => a.year.startYear - b.year.startYear)
      .map((i) => ({ academicYear: academicYearLabel(i.year.startYear), source: i.year.source }))
  }

  sourceOf(date: string): CalendarSource {
    return this.#index(startYearOfDay(toDayNumber(date))).year.source
  }

  isSchoolDay(date: string): boolean {
    const day = toDayNumber(date)
    const { days } = this.#index(startYearOfDay(day))
    return days[lowerBound(days, day)] === day
  }

  /** The first school day on or after `date`. */
  firstSchoolDayOnOrAfter(date: string): string {
    return this.#nth(toDayNumber(date), 1)
  }

  /**
   * The date `n` school days after `date` (not counting `date` itself); `n = 0` gives `date`'s first school day on
   * or after.
   */
  addSchoolDays(date: string, n: number): string {
    if (!Number.isInteger(n) || n < 0) throw new RangeError('n must be a whole number of school days, 0 or more')
    return n === 0 ? this.firstSchoolDayOnOrAfter(date) : this.#nth(toDayNumber(date) + 1, n)
  }

  /** The `n`th school day counting from `date` inclusive: the 6th school day of a suspension starting on `date`. */
  nthSchoolDay(date: string, n: number): string {
    if (!Number.isInteger(n) || n < 1) throw new RangeError('n counts from 1')
    return this.#nth(toDayNumber(date), n)
  }

  /** The `n`th school day before `date` (not counting `date`): the latest day a 2-school-day notice may be given. */
  subtractSchoolDays(date: string, n: number): string {
    if (!Number.isInteger(n) || n < 1) throw new RangeError('n counts from 1')
    let remaining = n
    const day = toDayNumber(date)
    for (let startYear = startYearOfDay(day), guard = 0; guard < 60; startYear--, guard++) {
      const { days } = this.#index(startYear)
      const before = startYear === startYearOfDay(day) ? lowerBound(days, day) : days.length
      if (remaining <= before) return fromDayNumber(days[before - remaining]!)
      remaining -= before
    }
    throw new RangeError('no school days found within 60 academic years')
  }

  /** The school days from `from` to `to`, both inclusive. */
  schoolDaysBetween(from: string, to: string): string[] {
    const start = toDayNumber(from)
    const end = toDayNumber(to)
    const out: string[] = []
    for (let y = startYearOfDay(start); y <= startYearOfDay(end); y++) {
      const { days } = this.#index(y)
      for (let i = lowerBound(days, start); i < days.length && days[i]! <= end; i++) out.push(fromDayNumber(days[i]!))
    }
    return out
  }

  /** How many school days from `from` to `to`, both inclusive (0 when `to` is before `from`). */
  countSchoolDays(from: string, to: string): number {
    const start = toDayNumber(from)
    const end = toDayNumber(to)
    let count = 0
    for (let y = startYearOfDay(start); y <= startYearOfDay(end); y++) {
      const { days } = this.#index(y)
      count += Math.max(0, upperBound(days, end) - lowerBound(days, start))
    }
    return count
  }

  /** The half-term whose first-to-last teaching days contain `date`, if any. */
  halfTermContaining(date: string): HalfTermInfo | undefined {
    const startYear = startYearOfDay(toDayNumber(date))
    const { year } = this.#index(startYear)
    const i = year.halfTerms.findIndex((h) => date >= h.firstDay && date <= h.lastDay)
    if (i < 0) return undefined
    return { number: i + 1, academicYear: academicYearLabel(startYear), source: year.source, ...year.halfTerms[i]! }
  }

  /** The next half-term to start after `date`. */
  nextHalfTermStart(date: string): HalfTermInfo {
    for (let startYear = startYearOfDay(toDayNumber(date)); ; startYear++) {
      const { year } = this.#index(startYear)
      const i = year.halfTerms.findIndex((h) => h.firstDay > date)
      if (i >= 0)
        return { number: i + 1, academicYear: academicYearLabel(startYear), source: year.source, ...year.halfTerms[i]! }
    }
  }

  #nth(fromDay: number, n: number): string {
    let remaining = n
    for (let startYear = startYearOfDay(fromDay), guard = 0; guard < 60; startYear++, guard++) {
      const { days } = this.#index(startYear)
      const i = lowerBound(days, fromDay)
      const available = days.length - i
      if (remaining <= available) return fromDayNumber(days[i + remaining - 1]!)
      remaining -= available
    }
    throw new RangeError('no school days found within 60 academic years')
  }
}

/** First index whose value is ≥ target. */
function lowerBound(a: Int32Array, target: number): number {
  let lo = 0
  let hi = a.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (a[mid]! < target) lo = mid + 1
    else hi = mid
  }
  return lo
}
/** First index whose value is > target. */
function upperBound(a: Int32Array, target: number): number {
  let lo = 0
  let hi = a.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (a[mid]! <= target) lo = mid + 1
    else hi = mid
  }
  return lo
}
