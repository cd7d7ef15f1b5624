import t from 'tap'
import {
  addMarks,
  attendanceSummary,
  countMarks,
  expectedSessions,
  type MarkCounts,
  type MarkInput,
  MAX_LISTED_ERRORS,
  overScheduledWeeks,
  type PlacementSpan,
  resolveMarks,
  weekOf
} from '../../src/domain/attendance.js'
import { type AcademicYearCalendar, estimatedYear, SchoolCalendar } from '../../src/domain/calendar.js'
import { STAFFORDSHIRE_2025_26 } from '../fixtures/calendars.js'

/**
 * Session attendance at the provider (domain.md §9.6, §4.3). Term dates are Staffordshire's 2025/26, with the school
 * closed on Friday 14 November 2025 (an INSET day); October half-term is 27–31 October.
 */

const calendar = new SchoolCalendar((y): AcademicYearCalendar =>
  y === 2025
    ? { startYear: y, source: 'la', halfTerms: STAFFORDSHIRE_2025_26, closures: ['2025-11-14'] }
    : estimatedYear(y)
)

const counts = (c: Partial<MarkCounts>): MarkCounts => ({
  present: 0,
  late: 0,
  authorised: 0,
  unauthorised: 0,
  notScheduled: 0,
  ...c
})

t.test('attendanceSummary: attended ÷ scheduled, against the baseline', async (t) => {
  // 7 present + 1 late of 9 scheduled (1 authorised absence); 3 NOT_SCHEDULED do not count: 8/9 = 88.89%.
  t.same(attendanceSummary(counts({ present: 7, late: 1, authorised: 1, notScheduled: 3 }), 80), {
    present: 7,
    late: 1,
    authorised: 1,
    unauthorised: 0,
    notScheduled: 3,
    scheduledSessions: 9,
    attendedSessions: 8,
    attendancePct: 88.9,
    baselinePct: 80,
    changePctPoints: 8.9,
    persistentAbsence: true,
    severeAbsence: false
  })
  t.equal(attendanceSummary(counts({ present: 2, unauthorised: 1 }), null).attendancePct, 66.7, '2/3 rounds to 66.7')
  t.equal(attendanceSummary(counts({ present: 1, unauthorised: 2 }), null).attendancePct, 33.3, '1/3 rounds to 33.3')
  t.equal(attendanceSummary(counts({ present: 10 }), null).attendancePct, 100)
  t.equal(attendanceSummary(counts({ late: 4 }), null).attendancePct, 100, 'late counts as attended')
  t.equal(
    attendanceSummary(counts({ present: 1, notScheduled: 50 }), null).scheduledSessions,
    1,
    'NOT_SCHEDULED is never scheduled'
  )
})

t.test('attendanceSummary: nothing scheduled, no baseline', async (t) => {
  const none = attendanceSummary(counts({ notScheduled: 4 }), 75)
  t.equal(none.scheduledSessions, 0)
  t.equal(none.attendancePct, null, 'no percentage of nothing')
  t.equal(none.changePctPoints, null)
  t.equal(none.persistentAbsence, false)
  t.equal(none.severeAbsence, false)
  t.equal(attendanceSummary(counts({}), null).attendancePct, null, 'no marks at all')
  const noBaseline = attendanceSummary(counts({ present: 9, unauthorised: 1 }), null)
  t.equal(noBaseline.attendancePct, 90)
  t.equal(noBaseline.baselinePct, null)
  t.equal(noBaseline.changePctPoints, null, 'no change without a baseline')
})

t.test('attendanceSummary: change in percentage points', async (t) => {
  t.equal(attendanceSummary(counts({ present: 1, unauthorised: 1 }), 95).changePctPoints, -45, '50% against 95%')
  t.equal(
    attendanceSummary(counts({ present: 2, unauthorised: 1 }), 40.5).changePctPoints,
    26.2,
    '66.7 − 40.5, to 1 dp'
  )
  t.equal(attendanceSummary(counts({ present: 4 }), 100).changePctPoints, 0)
})

t.test('attendanceSummary: persistent (below 90%) and severe (below 50%) absence', async (t) => {
  const at = (present: number, absent: number) => attendanceSummary(counts({ present, unauthorised: absent }), null)
  t.match(
    at(9, 1),
    { attendancePct: 90, persistentAbsence: false, severeAbsence: false },
    'exactly 90% is not persistent'
  )
  t.match(at(89, 11), { attendancePct: 89, persistentAbsence: true, severeAbsence: false })
  t.match(
    at(1, 1),
    { attendancePct: 50, persistentAbsence: true, severeAbsence: false },
    'exactly 50% is persistent, not severe'
  )
  t.match(at(49, 51), { attendancePct: 49, persistentAbsence: true, severeAbsence: true })
  t.match(at(0, 6), { attendancePct: 0, persistentAbsence: true, severeAbsence: true })
  t.match(
    attendanceSummary(counts({ present: 5, authorised: 5 }), null),
    { attendancePct: 50, severeAbsence: false },
    'authorised absence counts against attendance too'
  )
})

t.test('attendanceSummary: the flags follow the unrounded rate, not the 1 dp figure', async (t) => {
  // 359 of 399 sessions is 89.97% attendance (10.03% of sessions missed): persistently absent under the DfE
  // definition, though it displays as 90.0%.
  const s = attendanceSummary(counts({ present: 359, unauthorised: 40 }), null)
  t.equal(s.attendancePct, 90, 'displayed to 1 dp')
  t.equal(s.persistentAbsence, true, '89.97% is below 90%')
})

t.test('countMarks', async (t) => {
  t.same(countMarks(['PRESENT', 'PRESENT', 'LATE', 'ABSENT_AUTH', 'ABSENT_UNAUTH', 'ABSENT_UNAUTH', 'NOT_SCHEDULED']), {
    present: 2,
    late: 1,
    authorised: 1,
    unauthorised: 2,
    notScheduled: 1
  })
  t.same(countMarks([]), counts({}))
  t.same(countMarks(['present', 'X']), counts({}), 'unknown codes (and wrong case) count for nothing')
  t.same(countMarks(new Set(['LATE'])), counts({ late: 1 }), 'any iterable')
})

t.test('weekOf: the Monday of the ISO week', async (t) => {
  t.equal(weekOf('2025-11-03'), '2025-11-03', 'a Monday is its own week')
  t.equal(weekOf('2025-11-05'), '2025-11-03', 'Wednesday')
  t.equal(weekOf('2025-11-07'), '2025-11-03', 'Friday')
  t.equal(weekOf('2025-11-08'), '2025-11-03', 'Saturday')
  t.equal(weekOf('2025-11-09'), '2025-11-03', 'Sunday belongs to the week before, not the next')
  t.equal(weekOf('2025-11-10'), '2025-11-10')
  t.equal(weekOf('2026-01-01'), '2025-12-29', 'across the new year (1 January 2026 is a Thursday)')
  t.equal(weekOf('2024-03-01'), '2024-02-26', 'across a leap-year February')
})

/** Pupils and their placements with the provider; the batch's today is Thursday 20 November 2025. */
const spans: Record<string, PlacementSpan[]> = {
  // Two placements: one ended 10 October, a second from 3 November.
  two: [
    { id: 'pl-old', startDate: '2025-09-08', endDate: '2025-10-10', status: 'ENDED', sessionsPerWeek: 6 },
    { id: 'pl-new', startDate: '2025-11-03', endDate: null, status: 'ACTIVE', sessionsPerWeek: 4 }
  ],
  planned: [{ id: 'pl-planned', startDate: '2025-11-10', endDate: null, status: 'PLANNED', sessionsPerWeek: 10 }],
  paused: [{ id: 'pl-paused', startDate: '2025-11-03', endDate: null, status: 'PAUSED', sessionsPerWeek: 10 }],
  nocal: [{ id: 'pl-nocal', startDate: '2025-09-01', endDate: null, status: 'ACTIVE', sessionsPerWeek: 10 }]
}
const ctx = {
  placements: (pupilId: string) => spans[pupilId] ?? [],
  calendar: (pupilId: string) => (pupilId === 'nocal' ? undefined : calendar),
  today: '2025-11-20'
}
const mark = (pupilId: string, date: string, extra: Partial<MarkInput> = {}): MarkInput => ({
  pupilId,
  date,
  session: 'AM',
  code: 'PRESENT',
  ...extra
})
const only = (m: MarkInput) => resolveMarks([m], ctx)
const problems = (r: ReturnType<typeof resolveMarks>) => r.errors.map((e) => `${e.path} ${e.code}`)

t.test('resolveMarks: a valid batch resolves each mark to its placement', async (t) => {
  const r = resolveMarks(
    [
      mark('two', '2025-11-04'),
      mark('two', '2025-11-04', { session: 'PM', code: 'ABSENT_AUTH', reason: 'medical appointment' }),
      mark('paused', '2025-11-20', { code: 'LATE' })
    ],
    ctx
  )
  t.same(
    r,
    {
      marks: [
        { placementId: 'pl-new', date: '2025-11-04', session: 'AM', code: 'PRESENT', reason: null },
        {
          placementId: 'pl-new',
          date: '2025-11-04',
          session: 'PM',
          code: 'ABSENT_AUTH',
          reason: 'medical appointment'
        },
        { placementId: 'pl-paused', date: '2025-11-20', session: 'AM', code: 'LATE', reason: null }
      ],
      errors: [],
      errorCount: 0
    },
    'today is allowed; a paused placement still takes marks'
  )
})

t.test('resolveMarks: the placement is picked by the date when a pupil has two', async (t) => {
  const r = resolveMarks(
    [
      mark('two', '2025-09-08'),
      mark('two', '2025-10-01'),
      mark('two', '2025-10-10'),
      mark('two', '2025-11-03'),
      mark('two', '2025-11-19')
    ],
    ctx
  )
  t.same(r.errors, [])
  t.same(
    r.marks.map((m) => m.placementId),
    ['pl-old', 'pl-old', 'pl-old', 'pl-new', 'pl-new'],
    'start and end days inclusive'
  )
})

t.test('resolveMarks: each refusal', async (t) => {
  t.same(
    problems(only(mark('ghost', '2025-11-04'))),
    ['/marks/0/pupilId not_placed_here'],
    'no placement with the provider'
  )
  t.same(problems(only(mark('two', '2025-11-21'))), ['/marks/0/date date_in_future'], 'tomorrow')

  const sat = only(mark('two', '2025-11-15'))
  t.same(problems(sat), ['/marks/0/date weekend'])
  t.match(sat.errors[0]?.message, /Saturday/)
  const sun = only(mark('two', '2025-11-16'))
  t.same(problems(sun), ['/marks/0/date weekend'])
  t.match(sun.errors[0]?.message, /Sunday/)

  t.same(problems(only(mark('two', '2025-11-14'))), ['/marks/0/date not_school_day'], "the school's closure day")
  t.same(problems(only(mark('nocal', '2025-10-28'))), [], 'without a calendar, a half-term weekday is not refused')
  t.same(
    problems(only(mark('paused', '2025-10-28'))),
    ['/marks/0/date not_school_day'],
    'October half-term, checked before the placement dates'
  )

  t.same(
    problems(only(mark('two', '2025-09-05'))),
    ['/marks/0/date outside_placement'],
    'before the first placement started'
  )
  t.same(
    problems(only(mark('two', '2025-10-13'))),
    ['/marks/0/date outside_placement'],
    'after the first ended, before the second started'
  )
  const planned = only(mark('planned', '2025-11-12'))
  t.same(
    problems(planned),
    ['/marks/0/date outside_placement'],
    'a PLANNED placement takes no marks, even in its dates'
  )
  t.match(planned.errors[0]?.message, /not started/)
  t.same(planned.marks, [])

  const noReason = only(mark('two', '2025-11-04', { code: 'ABSENT_AUTH' }))
  t.same(problems(noReason), ['/marks/0/reason required'], 'an authorised absence needs a reason')
  t.same(
    problems(only(mark('two', '2025-11-04', { code: 'ABSENT_AUTH', reason: '' }))),
    ['/marks/0/reason required'],
    'an empty reason is none'
  )
  t.same(problems(only(mark('two', '2025-11-04', { code: 'ABSENT_UNAUTH' }))), [], 'an unauthorised absence needs none')
})

t.test('resolveMarks: duplicates within the batch', async (t) => {
  const r = resolveMarks(
    [
      mark('two', '2025-11-04'),
      mark('two', '2025-11-04', { session: 'PM' }),
      mark('two', '2025-11-04', { code: 'LATE' }),
      mark('paused', '2025-11-04')
    ],
    ctx
  )
  t.same(problems(r), ['/marks/2/session duplicate_mark'], 'same pupil, date and session, whatever the code')
  t.equal(r.marks.length, 3, 'the first of the pair is kept; another pupil on the same date is not a duplicate')
  t.equal(r.errorCount, 1)
})

t.test('resolveMarks: errors are indexed by position, and listed up to a cap', async (t) => {
  const r = resolveMarks([mark('two', '2025-11-04'), mark('ghost', '2025-11-04'), mark('two', '2025-11-15')], ctx)
  t.same(problems(r), ['/marks/1/pupilId not_placed_here', '/marks/2/date weekend'])
  t.equal(r.errorCount, 2)
  t.equal(r.marks.length, 1)

  const many = resolveMarks(
    Array.from({ length: 150 }, (_, i) => mark(`ghost-${i}`, '2025-11-04')),
    ctx
  )
  t.equal(MAX_LISTED_ERRORS, 100)
  t.equal(many.errors.length, MAX_LISTED_ERRORS, 'only the first 100 listed')
  t.equal(many.errorCount, 150, 'but all counted')
  t.equal(many.errors[99]?.path, '/marks/99/pupilId', 'the first 100, in order')

  const two = resolveMarks([mark('ghost', '2025-11-04', { code: 'ABSENT_AUTH' })], ctx)
  t.same(
    problems(two),
    ['/marks/0/reason required', '/marks/0/pupilId not_placed_here'],
    'one mark can break two rules'
  )
  t.equal(two.errorCount, 2)
})

t.test('overScheduledWeeks', async (t) => {
  const week = (monday: string, n: number, code = 'PRESENT') => {
    const d = new Date(`${monday}T00:00:00Z`)
    return Array.from({ length: n }, (_, i) => ({
      date: new Date(d.getTime() + Math.floor(i / 2) * 86_400_000).toISOString().slice(0, 10),
      code
    }))
  }
  const marks = [
    ...week('2025-11-17', 5), // 5 scheduled: over 4
    ...week('2025-11-10', 4),
    ...week('2025-11-10', 2, 'NOT_SCHEDULED'), // 4 scheduled: at the limit
    ...week('2025-11-03', 3),
    ...week('2025-11-03', 3, 'ABSENT_UNAUTH') // 6 scheduled, absences count
  ]
  t.same(
    overScheduledWeeks(marks, 4),
    [
      { week: '2025-11-03', scheduled: 6 },
      { week: '2025-11-17', scheduled: 5 }
    ],
    'sorted by week'
  )
  t.same(overScheduledWeeks(marks, 6), [])
  t.same(
    overScheduledWeeks(
      [
        { date: '2025-11-09', code: 'PRESENT' },
        { date: '2025-11-03', code: 'PRESENT' }
      ],
      1
    ),
    [{ week: '2025-11-03', scheduled: 2 }],
    'a Sunday counts in the week before'
  )
  t.same(overScheduledWeeks([], 0), [])
})

t.test('expectedSessions', async (t) => {
  t.equal(expectedSessions(calendar, '2025-11-03', '2025-11-07', 6), 6, 'a full week of 5 school days')
  t.equal(expectedSessions(calendar, '2025-11-03', '2025-11-09', 6), 6, 'the weekend adds nothing')
  t.equal(expectedSessions(calendar, '2025-10-20', '2025-11-07', 6), 12, 'two school weeks either side of half-term')
  t.equal(expectedSessions(calendar, '2025-11-03', '2025-11-05', 6), 4, '3 days × 6/5 = 3.6, rounded')
  t.equal(expectedSessions(calendar, '2025-11-03', '2025-11-04', 7), 3, '2 days × 7/5 = 2.8, rounded')
  t.equal(expectedSessions(calendar, '2025-11-10', '2025-11-14', 10), 8, 'the closure on 14 November: 4 school days')
  t.equal(expectedSessions(calendar, '2025-11-07', '2025-11-07', 10), 2, 'one day')
  t.equal(expectedSessions(calendar, '2025-11-07', '2025-11-06', 10), 0, 'to before from')
  t.equal(expectedSessions(calendar, '2025-10-27', '2025-10-31', 10), 0, 'half-term')
})

t.test('addMarks adds counts grouped in SQL, as countMarks counts one by one', async (t) => {
  const c = countMarks(['PRESENT'])
  t.same(addMarks(c, 'PRESENT', 3), { present: 4, late: 0, authorised: 0, unauthorised: 0, notScheduled: 0 })
  t.same(addMarks(addMarks(c, 'NOT_SCHEDULED', 2), 'ABSENT_UNAUTH', 5), {
    present: 4,
    late: 0,
    authorised: 0,
    unauthorised: 5,
    notScheduled: 2
  })
  t.same(addMarks(countMarks([]), 'UNKNOWN', 9), countMarks([]), 'an unknown code counts nowhere')
})
