import t from 'tap'
import { type AcademicYearCalendar, estimatedYear, SchoolCalendar } from '../../src/domain/calendar.js'
import { nextReviewDue, reviewOverdueAt, reviewsFrom } from '../../src/domain/reviews.js'
import { STAFFORDSHIRE_2025_26 } from '../fixtures/calendars.js'

const calendar = new SchoolCalendar((y): AcademicYearCalendar =>
  y === 2025 ? { startYear: y, source: 'la', halfTerms: STAFFORDSHIRE_2025_26, closures: [] } : estimatedYear(y)
)
const base = { calendar, startDate: '2025-11-03', pauses: [], firstReviewSchoolDays: 20, intervalSchoolWeeks: 6 }

t.test('first review within the first-review deadline', async (t) => {
  t.same(nextReviewDue({ ...base, reviews: [] }), {
    due: '2025-12-01',
    rule: 'FIRST_REVIEW',
    explanation: 'first review within 20 school days of the start (2025-11-03)'
  })
})

t.test('then the longest gap or the next half-term, whichever is sooner', async (t) => {
  // Reviewed 1 Dec: 30 school days later is 26 Jan (across Christmas); the next half-term (spring 1) ends 13 Feb.
  t.match(nextReviewDue({ ...base, reviews: ['2025-12-01'] }), { due: '2026-01-26', rule: 'MAX_GAP' })
  // Reviewed 5 January: the gap would allow 16 February (in half-term, so the next school day 23 Feb),
  // but spring 2 must have its own review by 27 March; the gap is sooner.
  t.match(nextReviewDue({ ...base, reviews: ['2025-12-01', '2026-01-05'] }), { rule: 'MAX_GAP' })
  // A 13-week gap: the half-term rule wins.
  t.match(nextReviewDue({ ...base, intervalSchoolWeeks: 13, reviews: ['2025-11-04'] }), {
    due: '2026-02-13',
    rule: 'HALF_TERM'
  })
})

t.test('pauses stop the clock', async (t) => {
  t.equal(
    nextReviewDue({ ...base, reviews: [], pauses: [{ from: '2025-11-10', to: null }] }),
    undefined,
    'nothing is due while paused'
  )
  const paused = nextReviewDue({ ...base, reviews: [], pauses: [{ from: '2025-11-10', to: '2025-11-14' }] })
  t.equal(paused?.due, '2025-12-08', 'five paused school days push the first review back a week')
})

t.test("review overdue judged at the event's own date", async (t) => {
  // Issue 11: review held 12 December, next due 23 January; an escalation from 5 January recorded on 2 February.
  t.equal(
    reviewOverdueAt('2026-01-23', '2026-01-05', '2026-02-02'),
    false,
    'not overdue on 5 January, whenever recorded'
  )
  t.equal(
    reviewOverdueAt('2026-01-23', '2026-01-26', '2026-02-02'),
    true,
    'overdue for an event dated after the due date'
  )
  t.equal(reviewOverdueAt('2026-01-23', '2026-01-23', '2026-02-02'), false, 'due on the event day is not yet overdue')
  t.equal(
    reviewOverdueAt('2025-12-01', '2026-01-05', '2025-12-03'),
    true,
    'a future event: overdue today already counts'
  )
  t.equal(
    reviewOverdueAt('2025-12-05', '2026-01-05', '2025-12-03'),
    false,
    'a future event: a review not yet due can still be held'
  )
  t.equal(reviewOverdueAt(null, '2026-01-05', '2026-02-02'), false, 'nothing due (paused or closed)')
  t.same(reviewsFrom(['2025-12-12', '2026-01-09', '2026-01-05'], '2026-01-05'), ['2026-01-05', '2026-01-09'])
})
