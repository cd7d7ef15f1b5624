import { DateTime } from 'luxon'
import { ZONE } from '../platform/time.js'

/**
 * School-year facts (domain.md §7). Pure functions over ISO dates, in Europe/London.
 */

const date = (iso: string): DateTime => DateTime.fromISO(iso, { zone: ZONE })

/** The calendar year in which the academic year containing `iso` began (1 September – 31 August). */
export function academicYearStart(iso: string): number {
  const d = date(iso)
  return d.month >= 9 ? d.year : d.year - 1
}

/** The academic year containing `iso`, written `YYYY/YY` as in DfE publications. */
export function academicYearOf(iso: string): string {
  const start = academicYearStart(iso)
  return `${start}/${String((start + 1) % 100).padStart(2, '0')}`
}

/** Whole years of age on a date. */
export function ageOn(dateOfBirth: string, onIso: string): number {
  return Math.floor(date(onIso).diff(date(dateOfBirth), 'years').years)
}

/**
 * National Curriculum year on a date: age on 31 August at the start of that academic year, minus 4.
 * Reception is 0, Year 11 is age 15. Below Reception returns a negative number; callers decide.
 */
export function ncYear(dateOfBirth: string, onIso: string): number {
  const start = academicYearStart(onIso)
  return ageOn(dateOfBirth, `${start}-08-31`) - 4
}

/** Last Friday of June of a calendar year. */
export function lastFridayOfJune(year: number): string {
  let d = DateTime.fromObject({ year, month: 6, day: 30 }, { zone: ZONE })
  while (d.weekday !== 5) d = d.minus({ days: 1 })
  return d.toISODate()!
}

/** End of compulsory school age: the last Friday in June of the school year in which the child turns 16 (Year 11). */
export function endOfCompulsorySchoolAge(dateOfBirth: string): string {
  const dob = date(dateOfBirth)
  // Year 11 starts on 1 September of the year the child is 15 on 31 August.
  const year11Start = dob.month >= 9 ? dob.year + 16 : dob.year + 15
  return lastFridayOfJune(year11Start + 1)
}

/**
 * NC year on a past or future date for a pupil who may have an NC-year override. The override is the pupil's
 * year group today when taught out of their cohort (what the pupil record shows as `ncYear`), so on another
 * date it applies as the same offset from the year derived from date of birth: a pupil held back a year was a
 * year behind at the placement's start too. Without an override, the year derived from date of birth.
 */
export function ncYearOn(dateOfBirth: string, override: number | null, onIso: string, today: string): number {
  const derived = ncYear(dateOfBirth, onIso)
  return override === null ? derived : derived + override - ncYear(dateOfBirth, today)
}
