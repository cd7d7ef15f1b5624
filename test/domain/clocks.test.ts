import t from 'tap'
import { type AcademicYearCalendar, estimatedYear, SchoolCalendar } from '../../src/domain/calendar.js'
import {
  offSiteNoticeClocks,
  sixthDayClocks,
  sixthDayExemption,
  suspensionRuns,
  year11ExamsEndOn
} from '../../src/domain/clocks.js'
import { STAFFORDSHIRE_2025_26 } from '../fixtures/calendars.js'

const calendar = new SchoolCalendar((y): AcademicYearCalendar =>
  y === 2025 ? { startYear: y, source: 'la', halfTerms: STAFFORDSHIRE_2025_26, closures: [] } : estimatedYear(y)
)

/** A pupil whom the Year 11 exemption never touches: the NC year is fixed at 9. */
const YEAR_9 = { dateOfBirth: '2012-05-01', ncYearOverride: 9, examsEnd: null, today: '2025-11-03' }

t.test('subtracting school days', async (t) => {
  t.equal(calendar.subtractSchoolDays('2025-11-05', 2), '2025-11-03')
  t.equal(calendar.subtractSchoolDays('2025-11-04', 2), '2025-10-24', 'across October half-term')
  t.equal(
    calendar.subtractSchoolDays('2025-09-02', 2),
    '2025-07-21',
    'into the previous (estimated) year, which ends 21 July'
  )
  t.equal(calendar.subtractSchoolDays('2025-09-02', 1), '2025-09-01')
})

t.test('sixth-day provision after suspension', async (t) => {
  const friday = '2025-10-24'
  const long = [{ kind: 'SUSPENSION' as const, firstDay: friday, lengthSchoolDays: 10 }]
  const [clock] = sixthDayClocks(calendar, long, null, '2025-11-03', YEAR_9)
  t.match(
    clock,
    { kind: 'SIXTH_DAY_SUSPENSION', deadline: '2025-11-07', status: 'pending', metOn: null },
    'a Friday suspension before half-term: 6th school day is Friday 7 November'
  )
  t.equal(sixthDayClocks(calendar, long, null, '2025-11-10', YEAR_9)[0]!.status, 'breached')
  t.equal(sixthDayClocks(calendar, long, '2025-11-07', '2025-11-10', YEAR_9)[0]!.status, 'met')
  t.equal(
    sixthDayClocks(calendar, long, '2025-11-10', '2025-11-10', YEAR_9)[0]!.status,
    'breached',
    'provision from day 7 is late'
  )
  t.same(
    sixthDayClocks(
      calendar,
      [{ kind: 'SUSPENSION', firstDay: friday, lengthSchoolDays: 5 }],
      null,
      '2025-12-01',
      YEAR_9
    ),
    [],
    '5 days or fewer: no sixth-day duty'
  )

  const consecutive = [
    { kind: 'SUSPENSION' as const, firstDay: '2025-11-03', lengthSchoolDays: 3 },
    { kind: 'SUSPENSION' as const, firstDay: '2025-11-06', lengthSchoolDays: 3 }
  ]
  t.same(
    suspensionRuns(calendar, consecutive),
    [{ firstDay: '2025-11-03', total: 6 }],
    'consecutive suspensions add up'
  )
  t.match(sixthDayClocks(calendar, consecutive, null, '2025-11-03', YEAR_9)[0], { deadline: '2025-11-10' })
  const apart = [consecutive[0]!, { ...consecutive[1]!, firstDay: '2025-11-17' }]
  t.same(sixthDayClocks(calendar, apart, null, '2025-12-01', YEAR_9), [], 'separate short suspensions do not')
})

t.test('sixth-day provision after permanent exclusion', async (t) => {
  const [clock] = sixthDayClocks(
    calendar,
    [{ kind: 'PERMANENT', firstDay: '2025-12-17', lengthSchoolDays: null }],
    null,
    '2025-12-17',
    YEAR_9
  )
  t.match(
    clock,
    { kind: 'SIXTH_DAY_PERMANENT_EXCLUSION', deadline: '2026-01-07', status: 'pending' },
    'across Christmas: 17, 18, 19 Dec, 5, 6, 7 Jan'
  )
})

t.test('off-site direction notice two school days ahead', async (t) => {
  const start = '2025-11-05'
  const clocks = offSiteNoticeClocks(
    calendar,
    { startDate: start, parentNoticeOn: '2025-11-03', laNoticeOn: null, hasEhcp: true },
    '2025-11-04'
  )
  t.match(clocks, [
    { kind: 'OFF_SITE_NOTICE_PARENT', deadline: '2025-11-03', status: 'met' },
    { kind: 'OFF_SITE_NOTICE_LA', deadline: '2025-11-03', status: 'breached' }
  ])
  t.equal(
    offSiteNoticeClocks(
      calendar,
      { startDate: start, parentNoticeOn: '2025-11-04', laNoticeOn: null, hasEhcp: false },
      '2025-11-04'
    )[0]!.status,
    'breached',
    'one school day is not enough'
  )
  t.equal(
    offSiteNoticeClocks(
      calendar,
      { startDate: start, parentNoticeOn: null, laNoticeOn: null, hasEhcp: false },
      '2025-11-01'
    )[0]!.status,
    'pending'
  )
  t.equal(
    offSiteNoticeClocks(
      calendar,
      { startDate: '2025-11-04', parentNoticeOn: '2025-10-23', laNoticeOn: null, hasEhcp: false },
      '2025-10-23'
    )[0]!.deadline,
    '2025-10-24',
    'counted across half-term'
  )
})

t.test('Year 11 with no further public examinations: no sixth-day duty', async (t) => {
  // Born 14 March 2010: Year 11 in 2025/26 (end of compulsory school age Friday 26 June 2026).
  const pupil = { dateOfBirth: '2010-03-14', ncYearOverride: null, examsEnd: '06-19', today: '2026-06-29' }
  t.equal(year11ExamsEndOn('2026-06-22', '06-19'), '2026-06-19', "the LA's day in the year's summer")
  t.equal(year11ExamsEndOn('2025-11-03', null), '2026-06-26', 'else the last Friday of June')
  t.match(sixthDayExemption('2026-06-22', pupil), /after public examinations ended on 2026-06-19/)
  t.equal(sixthDayExemption('2026-06-19', pupil), null, 'excluded on the last examination day: the duty stands')
  t.equal(sixthDayExemption('2026-03-02', pupil), null, 'excluded in spring with examinations to come: the duty stands')
  t.equal(sixthDayExemption('2026-06-22', { ...pupil, dateOfBirth: '2011-03-14' }), null, 'Year 10 is never exempt')
  t.match(
    sixthDayExemption('2026-06-22', { ...pupil, dateOfBirth: '2011-03-14', ncYearOverride: 11, today: '2026-06-29' }),
    /Year 11/,
    'taught in Year 11 (override): exempt'
  )
  t.equal(
    sixthDayExemption('2026-06-22', { ...pupil, examsEnd: null }),
    null,
    "without the LA's date, not until after the last Friday of June"
  )

  const pex = [{ kind: 'PERMANENT' as const, firstDay: '2026-06-22', lengthSchoolDays: null }]
  const [exempt] = sixthDayClocks(calendar, pex, null, '2026-07-10', pupil)
  t.match(
    exempt,
    {
      kind: 'SIXTH_DAY_PERMANENT_EXCLUSION',
      status: 'not_applicable',
      metOn: null,
      rule: /no duty to arrange sixth-day provision/
    },
    'permanently excluded after the examinations: not applicable, with the reason'
  )
  const [before] = sixthDayClocks(calendar, [{ ...pex[0]!, firstDay: '2026-06-01' }], null, '2026-07-10', pupil)
  t.match(
    before,
    { status: 'breached', deadline: '2026-06-08' },
    'before the examinations end the duty applies, and was breached'
  )
  const [suspended] = sixthDayClocks(
    calendar,
    [{ kind: 'SUSPENSION', firstDay: '2026-06-22', lengthSchoolDays: 8 }],
    null,
    '2026-07-10',
    pupil
  )
  t.equal(suspended!.status, 'not_applicable', 'a long suspension after the examinations too')
  t.equal(
    sixthDayClocks(calendar, pex, null, '2026-07-10', { ...pupil, dateOfBirth: '2011-03-14' })[0]!.status,
    'breached',
    'a Year 10 pupil excluded after the examinations keeps the duty'
  )
})
