import type { SchoolCalendar } from './calendar.js'
import { academicYearStart, lastFridayOfJune, ncYearOn } from './school-year.js'

/**
 * Statutory clocks (domain.md §2.3, §2.4, §9.5). Pure: the caller supplies the pupil's school calendar,
 * the facts and today's date; each clock reports its deadline and whether it is met, breached or pending.
 */

export type ClockKind =
  'SIXTH_DAY_SUSPENSION' | 'SIXTH_DAY_PERMANENT_EXCLUSION' | 'OFF_SITE_NOTICE_PARENT' | 'OFF_SITE_NOTICE_LA'
/** `not_applicable`: no duty arises (a Year 11 pupil with no further public examinations); the rule says why. */
export type ClockStatus = 'met' | 'breached' | 'pending' | 'not_applicable'

export interface StatutoryClock {
  kind: ClockKind
  /** The last day on which the duty can be met. */
  deadline: string
  status: ClockStatus
  /** When it was met (provision started, notice given), if it was. */
  metOn: string | null
  rule: string
}

export interface Exclusion {
  kind: 'SUSPENSION' | 'PERMANENT'
  firstDay: string
  lengthSchoolDays: number | null
}

const statusOf = (deadline: string, metOn: string | null, today: string): ClockStatus =>
  metOn !== null ? (metOn <= deadline ? 'met' : 'breached') : today > deadline ? 'breached' : 'pending'

/**
 * Consecutive suspensions add up: a run is a chain where each suspension starts on the school day after the
 * previous one ends. Returns the first day and total school days of the longest-lasting run.
 */
export function suspensionRuns(
  calendar: SchoolCalendar,
  suspensions: Exclusion[]
): { firstDay: string; total: number }[] {
  const sorted = suspensions
    .filter((s) => s.kind === 'SUSPENSION' && (s.lengthSchoolDays ?? 0) > 0)
    .sort((a, b) => a.firstDay.localeCompare(b.firstDay))
  const runs: { firstDay: string; total: number; nextDay: string }[] = []
  for (const s of sorted) {
    const first = calendar.firstSchoolDayOnOrAfter(s.firstDay)
    const length = s.lengthSchoolDays!
    const last = calendar.nthSchoolDay(first, length)
    const run = runs.at(-1)
    if (run && run.nextDay === first) {
      run.total += length
      run.nextDay = calendar.addSchoolDays(last, 1)
    } else {
      runs.push({ firstDay: first, total: length, nextDay: calendar.addSchoolDays(last, 1) })
    }
  }
  return runs.map(({ firstDay, total }) => ({ firstDay, total }))
}

/** The pupil facts the Year 11 exemption reads; `examsEnd` is the LA's MM-DD for the end of public examinations. */
export interface Year11Facts {
  dateOfBirth: string
  ncYearOverride: number | null
  examsEnd: string | null
  today: string
}

/**
 * The day Year 11's public examinations end in the academic year containing `date`: the LA's month and day
 * (the last day of the summer GCSE timetable, contingency day included), else the last Friday of June (the end
 * of compulsory school age, after which no Year 11 examination is due).
 */
export function year11ExamsEndOn(date: string, examsEnd: string | null): string {
  const endYear = academicYearStart(date) + 1
  return examsEnd ? `${endYear}-${examsEnd}` : lastFridayOfJune(endYear)
}

/**
 * Why there is no sixth-day duty for an exclusion from `firstDay`, or null when there is one (domain.md §2.4,
 * §9.5): the pupil is in Year 11 on that day and it falls after Year 11's public examinations ended, so no
 * further public examinations are due. An exclusion before the end of the examinations keeps the duty.
 */
export function sixthDayExemption(firstDay: string, pupil: Year11Facts): string | null {
  if (ncYearOn(pupil.dateOfBirth, pupil.ncYearOverride, firstDay, pupil.today) !== 11) return null
  const end = year11ExamsEndOn(firstDay, pupil.examsEnd)
  return firstDay > end
    ? `Year 11 pupil excluded from ${firstDay}, after public examinations ` +
        `ended on ${end}` +
        `: no further examinations are due,` +
        ` so no duty to arrange sixth-day provision`
    : null
}

/**
 * Sixth-day provision: for a suspension (or consecutive suspensions) of more than 5 school days, and for a
 * permanent exclusion, full-time provision from the 6th school day counting the first day of exclusion as
 * day 1. `provisionStart` is the start date of the placement that meets it, if any. The pupil's facts are always
 * given (a caller that left them out once showed a Year 11 pupil a duty the LA did not have): a duty the Year 11
 * exemption lifts is reported `not_applicable`, its rule giving the reason.
 */
export function sixthDayClocks(
  calendar: SchoolCalendar,
  exclusions: Exclusion[],
  provisionStart: string | null,
  today: string,
  pupil: Year11Facts
): StatutoryClock[] {
  const clocks: StatutoryClock[] = []
  const exempt = (clock: StatutoryClock, firstDay: string): StatutoryClock => {
    const reason = sixthDayExemption(firstDay, pupil)
    return reason ? { ...clock, status: 'not_applicable', metOn: null, rule: reason } : clock
  }
  for (const run of suspensionRuns(calendar, exclusions)) {
    if (run.total <= 5) continue
    const deadline = calendar.nthSchoolDay(run.firstDay, 6)
    const metOn = provisionStart !== null && provisionStart >= run.firstDay ? provisionStart : null
    clocks.push(
      exempt(
        {
          kind: 'SIXTH_DAY_SUSPENSION',
          deadline,
          metOn,
          status: statusOf(deadline, metOn, today),
          rule: `Suspension of ${run.total} school days from ${run.firstDay}: provision from the 6th school day`
        },
        run.firstDay
      )
    )
  }
  for (const pex of exclusions.filter((e) => e.kind === 'PERMANENT')) {
    const first = calendar.firstSchoolDayOnOrAfter(pex.firstDay)
    const deadline = calendar.nthSchoolDay(first, 6)
    const metOn = provisionStart !== null && provisionStart >= first ? provisionStart : null
    clocks.push(
      exempt(
        {
          kind: 'SIXTH_DAY_PERMANENT_EXCLUSION',
          deadline,
          metOn,
          status: statusOf(deadline, metOn, today),
          rule: `Permanent exclusion from ${first}: the home LA provides from the 6th school day`
        },
        first
      )
    )
  }
  return clocks
}

/**
 * Off-site direction notice (SI 2010/1156 reg 3): written notice to the parent, and to the LA when the pupil
 * has an EHC plan, not less than two school days before the first day of off-site attendance.
 */
export function offSiteNoticeClocks(
  calendar: SchoolCalendar,
  input: { startDate: string; parentNoticeOn: string | null; laNoticeOn: string | null; hasEhcp: boolean },
  today: string
): StatutoryClock[] {
  const deadline = calendar.subtractSchoolDays(input.startDate, 2)
  const clocks: StatutoryClock[] = [
    {
      kind: 'OFF_SITE_NOTICE_PARENT',
      deadline,
      metOn: input.parentNoticeOn,
      status: statusOf(deadline, input.parentNoticeOn, today),
      rule: `Notice to the parent at least 2 school days before ${input.startDate}`
    }
  ]
  if (input.hasEhcp) {
    clocks.push({
      kind: 'OFF_SITE_NOTICE_LA',
      deadline,
      metOn: input.laNoticeOn,
      status: statusOf(deadline, input.laNoticeOn, today),
      rule: `Notice to the LA maintaining the EHC plan at least 2 school days before ${input.startDate}`
    })
  }
  return clocks
}
