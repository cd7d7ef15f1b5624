import t from 'tap'
import { bankHolidays, isBankHoliday } from '../../src/domain/bank-holidays.js'
import {
  type AcademicYearCalendar,
  academicYearLabel,
  closureErrors,
  easterSunday,
  estimatedYear,
  fromDayNumber,
  halfTermErrors,
  parseAcademicYear,
  SchoolCalendar,
  toDayNumber,
  weekdayOf
} from '../../src/domain/calendar.js'
import { ACADEMY_2025_26, PUBLISHED_BANK_HOLIDAYS, STAFFORDSHIRE_2025_26 } from '../fixtures/calendars.js'

const laYear = (startYear: number, closures: string[] = []): AcademicYearCalendar =>
  startYear === 2025
    ? { startYear, source: 'la', halfTerms: STAFFORDSHIRE_2025_26, closures }
    : estimatedYear(startYear)

t.test('bank holidays for England match the published dates 2022–2027', async (t) => {
  for (const [year, published] of Object.entries(PUBLISHED_BANK_HOLIDAYS)) {
    const weekdays = [...bankHolidays(Number(year))].filter((d) => weekdayOf(toDayNumber(d)) <= 5).sort()
    t.same(weekdays, published, `${year}`)
  }
  t.ok(isBankHoliday('2022-06-03'), 'Platinum Jubilee')
  t.ok(isBankHoliday('2022-09-19'), 'state funeral of Queen Elizabeth II')
  t.ok(isBankHoliday('2023-05-08'), 'Coronation of King Charles III')
  t.ok(isBankHoliday('2026-12-28'), 'substitute for Boxing Day on a Saturday')
  t.notOk(isBankHoliday('2026-12-29'))
})

t.test('day numbers and weekdays', async (t) => {
  t.equal(toDayNumber('1970-01-01'), 0)
  t.equal(fromDayNumber(toDayNumber('2028-02-29')), '2028-02-29')
  t.equal(weekdayOf(toDayNumber('2025-10-24')), 5, '24 October 2025 is a Friday')
  t.equal(weekdayOf(toDayNumber('1969-12-28')), 7, 'before 1970 too')
  t.equal(easterSunday(2026).toISODate(), '2026-04-05')
  t.equal(easterSunday(2027).toISODate(), '2027-03-28')
})

t.test('academic year labels', async (t) => {
  t.equal(parseAcademicYear('2025/26'), 2025)
  t.equal(parseAcademicYear('2025-26'), 2025, 'URL form')
  t.equal(parseAcademicYear('1999/00'), 1999)
  t.equal(parseAcademicYear('2025/27'), undefined, 'not consecutive')
  t.equal(parseAcademicYear('2025'), undefined)
  t.equal(parseAcademicYear('25/26'), undefined)
  t.equal(academicYearLabel(2025), '2025/26')
})

t.test('school-day arithmetic on a real LA calendar (Staffordshire 2025/26)', async (t) => {
  const cal = new SchoolCalendar((y) => laYear(y))
  t.equal(
    cal.countSchoolDays('2025-09-01', '2026-08-31'),
    195,
    '195 days: 190 teaching + 5 INSET chosen by each school'
  )
  t.ok(cal.isSchoolDay('2025-10-24'))
  t.notOk(cal.isSchoolDay('2025-10-27'), 'October half-term')
  t.notOk(cal.isSchoolDay('2025-10-25'), 'Saturday')
  t.notOk(cal.isSchoolDay('2026-05-04'), 'Early May bank holiday inside the summer half-term')

  t.equal(cal.addSchoolDays('2025-10-17', 20), '2025-11-21', '20 school days from 17 October skips October half-term')
  t.equal(cal.addSchoolDays('2025-12-12', 10), '2026-01-09', '10 school days from 12 December skips Christmas')
  t.equal(
    cal.addSchoolDays('2025-10-01', 108),
    '2026-04-13',
    'a deadline across October half-term, Christmas, February half-term and the Easter holidays (Good Friday and ' +
      'Easter Monday)'
  )
  t.equal(cal.addSchoolDays('2025-10-01', 125), '2026-05-07', 'and the Early May bank holiday')
  t.equal(cal.addSchoolDays('2025-10-25', 0), '2025-11-03', 'n = 0 is the first school day on or after')
  t.throws(() => cal.addSchoolDays('2025-10-01', -1), RangeError)

  t.equal(
    cal.nthSchoolDay('2025-10-24', 6),
    '2025-11-07',
    'the 6th school day of an exclusion starting on the Friday before half-term'
  )
  t.equal(cal.nthSchoolDay('2025-10-24', 1), '2025-10-24')
  t.equal(cal.firstSchoolDayOnOrAfter('2025-12-20'), '2026-01-05')

  t.same(cal.schoolDaysBetween('2025-10-23', '2025-11-04'), ['2025-10-23', '2025-10-24', '2025-11-03', '2025-11-04'])
  t.equal(cal.countSchoolDays('2025-11-04', '2025-10-23'), 0, 'reversed range counts nothing')

  t.match(cal.halfTermContaining('2026-02-10'), {
    number: 3,
    academicYear: '2025/26',
    source: 'la',
    firstDay: '2026-01-05',
    lastDay: '2026-02-13'
  })
  t.equal(cal.halfTermContaining('2026-02-17'), undefined, 'February half-term is between half-terms')
  t.match(cal.nextHalfTermStart('2026-02-17'), { number: 4, firstDay: '2026-02-23' })
  t.match(
    cal.nextHalfTermStart('2026-07-21'),
    { number: 1, academicYear: '2026/27', source: 'estimated' },
    'next year falls back to the estimate'
  )
  t.same(
    cal.sourcesUsed().map((s) => s.source),
    ['la', 'estimated']
  )
})

t.test('school closures and INSET days are skipped', async (t) => {
  const cal = new SchoolCalendar((y) => laYear(y, ['2025-10-23', '2025-10-24']))
  t.notOk(cal.isSchoolDay('2025-10-24'))
  t.equal(cal.nthSchoolDay('2025-10-22', 2), '2025-11-03')
})

t.test('a school with its own dates differs from its LA', async (t) => {
  const la = new SchoolCalendar((y) => laYear(y))
  const academy = new SchoolCalendar((y) =>
    y === 2025 ? { startYear: y, source: 'school', halfTerms: ACADEMY_2025_26, closures: [] } : estimatedYear(y)
  )
  t.ok(la.isSchoolDay('2025-09-01'))
  t.notOk(academy.isSchoolDay('2025-09-01'))
  t.equal(la.addSchoolDays('2025-09-01', 5), '2025-09-08')
  t.equal(academy.addSchoolDays('2025-09-01', 5), '2025-09-09')
  t.equal(academy.sourceOf('2025-09-10'), 'school')
})

t.test('the estimated calendar follows the usual English pattern', async (t) => {
  const y = estimatedYear(2025)
  t.same(y.halfTerms, [
    { firstDay: '2025-09-03', lastDay: '2025-10-24' },
    { firstDay: '2025-11-03', lastDay: '2025-12-19' },
    { firstDay: '2026-01-05', lastDay: '2026-02-13' },
    { firstDay: '2026-02-23', lastDay: '2026-03-27' },
    { firstDay: '2026-04-13', lastDay: '2026-05-22' },
    { firstDay: '2026-06-01', lastDay: '2026-07-21' }
  ])
  for (let start = 2020; start <= 2035; start++) {
    const year = estimatedYear(start)
    t.same(halfTermErrors(start, year.halfTerms), [], `${academicYearLabel(start)} estimate is a valid calendar`)
    const days = new SchoolCalendar(() => year).countSchoolDays(`${start}-09-01`, `${start + 1}-08-31`)
    t.ok(days >= 185 && days <= 200, `${academicYearLabel(start)} estimate has ${days} school days`)
  }
})

t.test('half-term rules name the half-term and the rule', async (t) => {
  const ok = STAFFORDSHIRE_2025_26
  t.same(halfTermErrors(2025, ok), [])
  const overlap = ok.map((h, i) => (i === 2 ? { ...h, firstDay: '2025-12-15' } : h))
  t.match(halfTermErrors(2025, overlap), [
    { path: '/halfTerms/2', code: 'half_terms_overlap', message: /half-term 3 overlaps half-term 2/ }
  ])
  const unordered = [ok[1]!, ok[0]!, ...ok.slice(2)]
  t.match(halfTermErrors(2025, unordered), [{ path: '/halfTerms/1', code: 'half_terms_unordered' }])
  const saturday = ok.map((h, i) => (i === 3 ? { ...h, firstDay: '2026-02-21' } : h))
  t.match(halfTermErrors(2025, saturday), [
    { path: '/halfTerms/3/firstDay', code: 'weekend_boundary', message: 'half-term 4 starts on a Saturday' }
  ])
  const outside = ok.map((h, i) => (i === 5 ? { ...h, lastDay: '2026-09-01' } : h))
  t.match(halfTermErrors(2025, outside), [{ path: '/halfTerms/5/lastDay', code: 'outside_academic_year' }])
  t.match(halfTermErrors(2025, ok.slice(0, 5)), [{ code: 'six_half_terms' }])
  const reversed = ok.map((h, i) => (i === 0 ? { firstDay: '2025-10-24', lastDay: '2025-09-01' } : h))
  t.match(halfTermErrors(2025, reversed), [{ path: '/halfTerms/0', code: 'half_term_reversed' }])
})

t.test('closure rules', async (t) => {
  const inset = (...days: string[]) => days.map((date) => ({ date, kind: 'INSET' as const }))
  const closure = (...days: string[]) => days.map((date) => ({ date, kind: 'CLOSURE' as const }))
  t.same(closureErrors(STAFFORDSHIRE_2025_26, inset('2025-09-01', '2025-10-24')), [])
  t.match(closureErrors(STAFFORDSHIRE_2025_26, inset('2025-09-01', '2025-09-01')), [
    { path: '/closures/1/date', code: 'duplicate_closure' }
  ])
  t.match(
    closureErrors(STAFFORDSHIRE_2025_26, inset('2025-10-28')),
    [{ code: 'closure_outside_term' }],
    'an INSET day in the middle of a holiday'
  )
  t.match(closureErrors(STAFFORDSHIRE_2025_26, inset('2025-09-06')), [{ code: 'closure_on_weekend' }])
  t.match(
    closureErrors(STAFFORDSHIRE_2025_26, closure('2025-10-27')),
    [{ code: 'closure_outside_term' }],
    'a closure outside term is refused: the school is shut anyway'
  )

  // A published pattern: pupils start on Tuesday 2 September 2025 after an INSET day on Monday 1 September,
  // return on Tuesday 6 January after INSET on Monday 5 January, and the academy (from Wednesday 3 September)
  // has INSET on the Monday and Tuesday before.
  const pupilsFromTuesday = [
    { firstDay: '2025-09-02', lastDay: '2025-10-24' },
    { firstDay: '2025-11-03', lastDay: '2025-12-19' },
    { firstDay: '2026-01-06', lastDay: '2026-02-13' },
    ...STAFFORDSHIRE_2025_26.slice(3)
  ]
  t.same(
    closureErrors(pupilsFromTuesday, inset('2025-09-01', '2026-01-05')),
    [],
    'INSET the weekday before term starts'
  )
  t.same(closureErrors(ACADEMY_2025_26, inset('2025-09-01', '2025-09-02')), [], 'a run of INSET days before term')
  t.same(
    closureErrors(STAFFORDSHIRE_2025_26, inset('2025-10-27', '2026-07-21')),
    [],
    'INSET the Monday after a Friday half-term end, and the day after the year ends'
  )
  t.same(
    closureErrors(STAFFORDSHIRE_2025_26, inset('2026-05-26')),
    [],
    'after the late May bank holiday, beside the half-term that ended on Friday 22 May'
  )
  t.match(
    closureErrors(ACADEMY_2025_26, inset('2025-09-01')),
    [{ code: 'closure_outside_term' }],
    'not two days before term with a teaching-free day between'
  )
  t.match(
    closureErrors(pupilsFromTuesday, inset('2025-08-30')),
    [{ code: 'closure_on_weekend' }],
    'still never on a weekend'
  )
  t.match(
    closureErrors(STAFFORDSHIRE_2025_26, inset('2025-08-29')),
    [{ code: 'outside_academic_year' }],
    'the Friday before a 1 September start belongs to the year before'
  )
  const calendar = new SchoolCalendar((startYear) => ({
    startYear,
    source: 'school',
    halfTerms: pupilsFromTuesday,
    closures: ['2025-09-01', '2026-01-05']
  }))
  t.notOk(calendar.isSchoolDay('2025-09-01'), 'the INSET day is no school day')
  t.equal(calendar.firstSchoolDayOnOrAfter('2025-09-01'), '2025-09-02')
  t.equal(calendar.countSchoolDays('2025-09-01', '2025-09-05'), 4, 'and counts no school day')
})
