import t from 'tap'
import { type AcademicYearCalendar, estimatedYear, SchoolCalendar } from '../../src/domain/calendar.js'
import {
  type FollowUpFacts,
  followUpRefusal,
  followUpSchedule,
  recordersOf,
  halfTermsOfYear,
  isYear11Leaver,
  type OutcomeFacts,
  outcomeErrors,
  post16Held,
  reintegrationHeld,
  SIX_WEEKS_SCHOOL_DAYS,
  sustainedStatus,
  termsLater
} from '../../src/domain/outcomes.js'
import type { FieldError } from '../../src/platform/errors.js'
import { STAFFORDSHIRE_2025_26 } from '../fixtures/calendars.js'

/**
 * How a placement ends (domain.md §9.7), the post-16 rule for Year 11 leavers (§5.4), the follow-ups and whether the
 * outcome held (§5.3, §5.6). Term dates are Staffordshire's 2025/26; other years are the estimated pattern.
 *
 * School days per half-term in 2025/26 (weekdays, less bank holidays):
 *   autumn 1: 1 Sep – 24 Oct = 8 weeks = 40;  autumn 2: 3 Nov – 19 Dec = 7 weeks = 35  → autumn 75
 *   spring 1: 5 Jan – 13 Feb = 6 weeks = 30;  spring 2: 23 Feb – 27 Mar = 5 weeks = 25 → spring 55
 *   summer 1: 13 Apr – 22 May = 6 weeks less 4 May = 29; summer 2: 1 Jun – 20 Jul (Mon) = 7 weeks + 1 = 36 → summer 65
 * Estimated 2026/27: autumn from Wednesday 2 September 2026; spring from Monday 4 January 2027.
 */

const calendar = new SchoolCalendar((y): AcademicYearCalendar =>
  y === 2025 ? { startYear: y, source: 'la', halfTerms: STAFFORDSHIRE_2025_26, closures: [] } : estimatedYear(y)
)
const TODAY = '2026-07-20'

/** Born 15 March 2010: Year 11 in 2025/26; end of compulsory school age the last Friday of June 2026, 26 June. */
const YEAR_11_DOB = '2010-03-15'
/** Born 10 May 2012: 13 on 31 August 2025, Year 9 in 2025/26. */
const YEAR_9_DOB = '2012-05-10'

/** A valid outcome: a Year 9 pupil back at the home school full time, with a final review before the return. */
const valid: OutcomeFacts = {
  code: 'RETURNED_TO_HOME_SCHOOL_FULL_TIME',
  effectiveDate: '2026-01-12',
  tier: 2,
  placementStart: '2025-11-03',
  pupilDateOfBirth: YEAR_9_DOB,
  ncYearOnEffectiveDate: 9,
  finalReviewHeldOn: '2026-01-05'
}
const year11: Partial<OutcomeFacts> = { pupilDateOfBirth: YEAR_11_DOB, ncYearOnEffectiveDate: 11 }
const fe = { code: 'FE_COLLEGE' as const, septemberGuarantee: 'OFFER_MADE', provider: { name: 'Stafford College' } }

const problems = (errors: FieldError[]) => errors.map((e) => `${e.path} ${e.code}`)
const check = (f: Partial<OutcomeFacts>, today = TODAY) => problems(outcomeErrors({ ...valid, ...f }, calendar, today))

t.test('a fully valid outcome has no errors', async (t) => {
  t.same(check({}), [])
  t.same(check({ code: 'PLACEMENT_BROKE_DOWN', tier: 3 }), [], 'a Tier 3 breakdown needs nothing more')
  t.same(
    check({
      ...year11,
      code: 'POST16_TRANSITION',
      tier: 3,
      effectiveDate: '2026-06-26',
      finalReviewHeldOn: '2026-06-19',
      destination: fe
    }),
    [],
    'a Year 11 leaver with a named college'
  )
  t.same(
    check({
      ...year11,
      code: 'POST16_TRANSITION',
      tier: 2,
      effectiveDate: '2026-06-26',
      finalReviewHeldOn: '2026-06-19',
      destination: fe
    }),
    [],
    'from Tier 2 too, with no reasons: the destination is the plan'
  )
})

t.test('the effective date: not in the future, after the placement started', async (t) => {
  t.same(check({ effectiveDate: '2026-07-21' }), ['/effectiveDate date_in_future'], 'the day after today')
  t.same(check({ effectiveDate: TODAY }), [], 'today is allowed')
  t.same(
    check({
      effectiveDate: '2025-11-03',
      finalReviewHeldOn: undefined,
      finalReviewMissingReason: 'ended on its first day'
    }),
    ['/effectiveDate not_after_start'],
    'on the start date'
  )
  t.same(
    check({ effectiveDate: '2025-10-31', finalReviewHeldOn: undefined, finalReviewMissingReason: 'never started' }),
    ['/effectiveDate not_after_start'],
    'before the start date'
  )
  t.same(check({ effectiveDate: '2025-11-04', finalReviewHeldOn: '2025-11-04' }), [], 'the day after the start')
  const [e] = outcomeErrors(
    { ...valid, effectiveDate: '2025-11-03', finalReviewHeldOn: undefined, finalReviewMissingReason: 'x' },
    calendar,
    TODAY
  )
  t.match(e?.message, /2025-11-03/, 'the message names the start date')
})

t.test('a Tier 2 placement that ends other than in a reintegration or escalation needs the reasons', async (t) => {
  t.same(check({ code: 'PLACEMENT_BROKE_DOWN' }), ['/reasons required'], 'Tier 2 breakdown without reasons')
  t.same(check({ code: 'PLACEMENT_BROKE_DOWN', reasons: '' }), ['/reasons required'], 'empty reasons count as none')
  t.same(check({ code: 'PLACEMENT_BROKE_DOWN', reasons: 'the pupil refused to attend' }), [], 'with reasons')
  t.same(check({ code: 'PLACEMENT_BROKE_DOWN', tier: 3 }), [], 'Tier 3, same code, no reasons: fine')
  t.same(check({ code: 'ESCALATED_TIER_2_TO_3' }), [], 'escalation needs no reasons')
  t.same(
    check({ code: 'ELECTIVE_HOME_EDUCATION' }),
    ['/reasons required'],
    'elective home education from Tier 2 needs the reasons'
  )
  t.same(
    check({ code: 'MOVED_TO_NEW_MAINSTREAM', receiving: { name: 'Another High School' } }),
    [],
    'a reintegration needs no reasons'
  )
  t.same(
    check({ code: 'RETURNED_TO_HOME_SCHOOL_PHASED', phasedPlan: { endDate: '2026-02-13', details: 'mornings first' } }),
    [],
    'nor a phased return'
  )
})

t.test('OTHER needs its text, and only OTHER has one', async (t) => {
  t.same(check({ code: 'OTHER', tier: 3 }), ['/otherText required'])
  t.same(check({ code: 'OTHER', tier: 3, otherText: '' }), ['/otherText required'], 'empty text counts as none')
  t.same(check({ code: 'OTHER', tier: 3, otherText: 'moved into residential care out of county' }), [])
  t.same(check({ code: 'PLACEMENT_BROKE_DOWN', tier: 3, otherText: 'stray text' }), ['/otherText not_allowed'])
})

t.test('a phased return needs a plan ending after the return; no other code takes one', async (t) => {
  const phased = { code: 'RETURNED_TO_HOME_SCHOOL_PHASED' as const }
  t.same(check(phased), ['/phasedPlan required'])
  t.same(
    check({ ...phased, phasedPlan: { endDate: '2026-01-12', details: 'mornings' } }),
    ['/phasedPlan/endDate not_after_effective_date'],
    'ending on the effective date'
  )
  t.same(
    check({ ...phased, phasedPlan: { endDate: '2026-01-09', details: 'mornings' } }),
    ['/phasedPlan/endDate not_after_effective_date'],
    'ending before it'
  )
  t.same(check({ ...phased, phasedPlan: { endDate: '2026-01-13', details: 'mornings' } }), [], 'ending the next day')
  t.same(
    check({ phasedPlan: { endDate: '2026-02-13', details: 'mornings' } }),
    ['/phasedPlan not_allowed'],
    'a full-time return refuses a plan'
  )
})

t.test('POST16_TRANSITION: Year 11 only, with a destination naming its provider when participating', async (t) => {
  const post16 = {
    ...year11,
    code: 'POST16_TRANSITION' as const,
    tier: 3,
    effectiveDate: '2026-06-26',
    finalReviewHeldOn: '2026-06-19'
  }
  t.same(check(post16), ['/destination required'])
  t.same(
    check({ ...post16, destination: { code: 'FE_COLLEGE', septemberGuarantee: 'OFFER_MADE' } }),
    ['/destination/provider required'],
    'a college must be named'
  )
  t.same(
    check({ ...post16, destination: { code: 'APPRENTICESHIP_L2', septemberGuarantee: 'OFFER_MADE', provider: null } }),
    ['/destination/provider required'],
    'an apprenticeship names its provider or employer'
  )
  t.same(
    check({ ...post16, destination: { code: 'NEET_SEEKING', septemberGuarantee: 'NO_OFFER' } }),
    [],
    'NEET has no provider to name'
  )
  t.same(
    check({ ...post16, destination: { code: 'NOT_KNOWN', septemberGuarantee: 'NOT_RECORDED' } }),
    [],
    'nor does not known'
  )
  // A Year 9 pupil in January: not Year 11, whatever the destination.
  t.same(check({ code: 'POST16_TRANSITION', tier: 3, destination: fe }), ['/code not_year_11'])
  const [e] = outcomeErrors({ ...valid, code: 'POST16_TRANSITION', tier: 3, destination: fe }, calendar, TODAY)
  t.match(e?.message, /Year 9/)
})

t.test('a destination belongs only to POST16_TRANSITION', async (t) => {
  t.same(check({ destination: fe }), ['/destination not_allowed'])
})

t.test('a Year 11 pupil leaving education must end with POST16_TRANSITION', async (t) => {
  // Summer 2 of 2025/26 starts 1 June 2026: leaving on 5 June is leaving in the last half-term of Year 11.
  t.same(
    check({
      ...year11,
      code: 'PLACEMENT_BROKE_DOWN',
      tier: 3,
      effectiveDate: '2026-06-05',
      finalReviewHeldOn: '2026-06-01'
    }),
    ['/destination year_11_leaver']
  )
  t.same(
    check({ ...year11, effectiveDate: '2026-06-05', finalReviewHeldOn: '2026-06-01' }),
    ['/destination year_11_leaver'],
    'a "return" in the last half-term too'
  )
  // Returning to the home school in November of Year 11 is not leaving education.
  t.same(
    check({ ...year11, effectiveDate: '2025-11-17', placementStart: '2025-09-08', finalReviewHeldOn: '2025-11-10' }),
    []
  )
  // Held back (NC year 11 by override) but born March 2009: compulsory school age ended 27 June 2025, so leaving in
  // November 2025 is leaving education.
  t.same(
    check({
      pupilDateOfBirth: '2009-03-15',
      ncYearOnEffectiveDate: 11,
      code: 'PLACEMENT_BROKE_DOWN',
      tier: 3,
      effectiveDate: '2025-11-17',
      placementStart: '2025-09-08',
      finalReviewHeldOn: '2025-11-10'
    }),
    ['/destination year_11_leaver']
  )
  t.same(
    check({
      ...year11,
      code: 'PLACEMENT_BROKE_DOWN',
      tier: 3,
      effectiveDate: '2026-06-05',
      finalReviewHeldOn: '2026-06-01',
      destination: fe
    }),
    ['/destination not_allowed', '/destination year_11_leaver'],
    'a destination with the wrong code'
  )
})

t.test('isYear11Leaver', async (t) => {
  const at = (effectiveDate: string, ncYearOnEffectiveDate = 11, pupilDateOfBirth = YEAR_11_DOB) =>
    isYear11Leaver({ effectiveDate, ncYearOnEffectiveDate, pupilDateOfBirth }, calendar)
  t.equal(at('2026-05-22'), false, 'the last day of summer 1')
  t.equal(at('2026-05-27'), false, 'during the May half-term holiday')
  t.equal(at('2026-06-01'), true, 'the first day of summer 2')
  t.equal(at('2026-07-20'), true, 'the last day of the year')
  t.equal(at('2026-08-14'), true, 'in the summer holiday, still 2025/26')
  t.equal(at('2025-11-17'), false, 'November of Year 11')
  t.equal(at('2026-06-05', 10, '2011-03-15'), false, 'Year 10 in June')
  t.equal(at('2026-06-05', 12, '2009-03-15'), true, 'Year 12 in June')
  t.equal(at('2025-11-17', 11, '2009-03-15'), true, 'held back, over compulsory school age (ended 2025-06-27)')
  t.equal(at('2025-11-17', 10, '2009-03-15'), false, 'over compulsory school age, but NC year below 11')
})

t.test('a receiving school or provider is named where the pupil moves to one', async (t) => {
  for (const code of ['MOVED_TO_NEW_MAINSTREAM', 'MOVED_TO_SPECIAL_SCHOOL', 'EHCP_PLACEMENT_NAMED'] as const) {
    t.same(check({ code, tier: 3 }), ['/receiving required'], `${code} with nothing`)
    t.same(check({ code, tier: 3, receiving: {} }), ['/receiving required'], `${code} with an empty object`)
    t.same(
      check({ code, tier: 3, receiving: { providerId: 'p1' } }),
      ['/receiving required'],
      `${code}: a provider is not a school`
    )
    t.same(check({ code, tier: 3, receiving: { schoolId: 's1' } }), [], `${code} by id`)
    t.same(check({ code, tier: 3, receiving: { name: 'Oak Special School' } }), [], `${code} by name`)
  }
  t.same(check({ code: 'MOVED_TO_AP_SCHOOL_LONG_TERM', tier: 3 }), ['/receiving required'])
  t.same(
    check({ code: 'MOVED_TO_AP_SCHOOL_LONG_TERM', tier: 3, receiving: { providerId: 'p1' } }),
    [],
    'by provider id'
  )
  t.same(
    check({ code: 'MOVED_TO_AP_SCHOOL_LONG_TERM', tier: 3, receiving: { name: 'Riverside Academy' } }),
    [],
    'by name'
  )
  t.same(check({ code: 'PLACEMENT_BROKE_DOWN', tier: 3 }), [], 'no receiving needed otherwise')
})

t.test(
  "the final review: named, or a reason it is missing; this placement's; not after the effective date",
  async (t) => {
    t.same(check({ finalReviewHeldOn: undefined }), ['/finalReviewId required'])
    t.same(
      check({ finalReviewHeldOn: undefined, finalReviewMissingReason: '' }),
      ['/finalReviewId required'],
      'an empty reason counts as none'
    )
    t.same(check({ finalReviewHeldOn: undefined, finalReviewMissingReason: 'the pupil moved away suddenly' }), [])
    t.same(check({ finalReviewHeldOn: null }), ['/finalReviewId unknown_review'], 'a review of another placement')
    t.same(
      check({ finalReviewHeldOn: '2026-01-13' }),
      ['/finalReviewId after_effective_date'],
      'the day after the effective date'
    )
    t.same(check({ finalReviewHeldOn: '2026-01-12' }), [], 'on the effective date')
  }
)

t.test('halfTermsOfYear', async (t) => {
  const halves = halfTermsOfYear(calendar, 2025)
  t.same(
    halves.map((h) => h.number),
    [1, 2, 3, 4, 5, 6]
  )
  t.same(
    halves.map(({ firstDay, lastDay }) => ({ firstDay, lastDay })),
    STAFFORDSHIRE_2025_26
  )
  t.ok(halves.every((h) => h.academicYear === '2025/26' && h.source === 'la'))
  const next = halfTermsOfYear(calendar, 2026)
  t.same(
    next.map((h) => h.number),
    [1, 2, 3, 4, 5, 6]
  )
  t.equal(next[0]!.firstDay, '2026-09-02', 'estimated 2026/27 starts on the first Wednesday of September')
  t.ok(next.every((h) => h.academicYear === '2026/27' && h.source === 'estimated'))
})

t.test('termsLater: the same school day of a later term', async (t) => {
  // 10 September 2025 is the 8th school day of autumn (1–5, 8, 9, 10 September).
  t.equal(termsLater(calendar, '2025-09-10', 1), '2026-01-14', '8th day of spring: 5–9, 12, 13, 14 January')
  t.equal(termsLater(calendar, '2025-09-10', 2), '2026-04-22', '8th day of summer: 13–17, 20, 21, 22 April')
  // 3 November 2025 is the 41st school day of autumn (40 in autumn 1).
  t.equal(
    termsLater(calendar, '2025-11-03', 1),
    '2026-03-09',
    '41st of spring: 30 in spring 1, then 11th of spring 2 (23 Feb + 2 weeks)'
  )
  t.equal(
    termsLater(calendar, '2025-11-03', 2),
    '2026-06-16',
    '41st of summer: 29 in summer 1 (4 May bank holiday), then 12th of summer 2'
  )
  t.equal(termsLater(calendar, '2026-01-14', 1), '2026-04-22', 'spring to summer')

  // Clamping to the last school day when the later term is shorter.
  t.equal(termsLater(calendar, '2025-11-21', 1), '2026-03-27', '55th of autumn → 55th (last) of spring')
  t.equal(termsLater(calendar, '2025-11-24', 1), '2026-03-27', '56th of autumn → spring has only 55: its last day')
  t.equal(termsLater(calendar, '2025-12-19', 1), '2026-03-27', '75th (last) of autumn → last of spring')
  t.equal(termsLater(calendar, '2025-12-05', 2), '2026-07-20', '65th of autumn → 65th (last) of summer')
  t.equal(termsLater(calendar, '2025-12-19', 2), '2026-07-20', '75th of autumn → summer has 65: its last day')

  // In a holiday: counts from the next school day.
  t.equal(termsLater(calendar, '2025-10-27', 1), '2026-03-09', 'October half-term counts as 3 November')
  t.equal(
    termsLater(calendar, '2025-12-25', 1),
    '2026-04-13',
    'Christmas counts as 5 January, the 1st of spring → 1st of summer'
  )

  // Into the next academic year (estimated 2026/27: autumn from 2 September 2026, spring from 4 January 2027).
  t.equal(termsLater(calendar, '2026-04-22', 1), '2026-09-11', '8th of summer → 8th of autumn: 2, 3, 4, 7–11 September')
  t.equal(
    termsLater(calendar, '2026-04-22', 2),
    '2027-01-13',
    '8th of summer → 8th of next spring: 4–8, 11, 12, 13 January'
  )
  t.equal(termsLater(calendar, '2026-01-14', 2), '2026-09-11', 'spring + 2 terms = next autumn')
  t.equal(
    termsLater(calendar, '2026-08-10', 1),
    '2027-01-04',
    'summer holiday counts as 2 September 2026, 1st of autumn → 1st of spring 2027'
  )
})

t.test('followUpSchedule', async (t) => {
  t.equal(SIX_WEEKS_SCHOOL_DAYS, 30)
  // Back at school on 3 November 2025 (41st day of autumn), replies due within 10 school days.
  t.same(followUpSchedule('RETURNED_TO_HOME_SCHOOL_FULL_TIME', '2025-11-03', YEAR_9_DOB, calendar, 10), [
    // 30 school days after 3 Nov: 4–7 Nov (4) … 8–12 Dec (29), 15 Dec (30); +10: 16–19 Dec (4), 5–9 Jan (9), 12 Jan.
    { checkpoint: 'SIX_SCHOOL_WEEKS', opensOn: '2025-12-15', dueOn: '2026-01-12' },
    // 41st of spring is 9 March; +10: 10–13 (4), 16–20 (9), 23 March.
    { checkpoint: 'ONE_TERM', opensOn: '2026-03-09', dueOn: '2026-03-23' },
    // 41st of summer is 16 June; +10: 17–19 (3), 22–26 (8), 29, 30 June.
    { checkpoint: 'TWO_TERMS', opensOn: '2026-06-16', dueOn: '2026-06-30' }
  ])
  for (const code of ['RETURNED_TO_HOME_SCHOOL_PHASED', 'MOVED_TO_NEW_MAINSTREAM', 'MOVED_TO_SPECIAL_SCHOOL']) {
    t.same(
      followUpSchedule(code, '2025-11-03', YEAR_9_DOB, calendar, 10).map((f) => f.checkpoint),
      ['SIX_SCHOOL_WEEKS', 'ONE_TERM', 'TWO_TERMS'],
      code
    )
  }
  const zero = followUpSchedule('RETURNED_TO_HOME_SCHOOL_FULL_TIME', '2025-11-03', YEAR_9_DOB, calendar, 0)
  t.same(
    zero.map((f) => f.dueOn),
    zero.map((f) => f.opensOn),
    'no response days: due the day it opens'
  )

  // Year 11 ends in summer 2026: October 2026 and March 2027.
  t.same(followUpSchedule('POST16_TRANSITION', '2026-06-26', YEAR_11_DOB, calendar, 10), [
    { checkpoint: 'POST16_OCTOBER', opensOn: '2026-10-01', dueOn: '2026-10-31' },
    { checkpoint: 'POST16_MARCH', opensOn: '2027-03-01', dueOn: '2027-03-31' }
  ])
  t.same(
    followUpSchedule('POST16_TRANSITION', '2026-03-20', YEAR_11_DOB, calendar, 10).map((f) => f.opensOn),
    ['2026-10-01', '2027-03-01'],
    'leaving in March of Year 11: the same checks'
  )

  for (const code of [
    'PERMANENTLY_EXCLUDED',
    'PLACEMENT_BROKE_DOWN',
    'ESCALATED_TIER_2_TO_3',
    'MOVED_TO_AP_SCHOOL_LONG_TERM',
    'EHCP_PLACEMENT_NAMED',
    'OTHER'
  ]) {
    t.same(followUpSchedule(code, '2025-11-03', YEAR_9_DOB, calendar, 10), [], `${code}: none`)
  }
})

t.test("followUpSchedule: a held-back pupil's post-16 checks follow the year their Year 11 ends", async (t) => {
  // Born 15 March 2010 but in Year 11 (by override) in 2026/27: Year 11 ends in summer 2027, so the checks are
  // October 2027 and March 2028, after the pupil left on 25 June 2027, not October 2026 and March 2027 (before it).
  t.same(followUpSchedule('POST16_TRANSITION', '2027-06-25', YEAR_11_DOB, calendar, 10), [
    { checkpoint: 'POST16_OCTOBER', opensOn: '2027-10-01', dueOn: '2027-10-31' },
    { checkpoint: 'POST16_MARCH', opensOn: '2028-03-01', dueOn: '2028-03-31' }
  ])
})

t.test('reintegrationHeld', async (t) => {
  const ok = { onRoll: true, permanentlyExcluded: false, newPlacement: false, attendancePct: 95 }
  t.same(reintegrationHeld(ok, 90), { met: true, reasons: [] })
  t.same(
    reintegrationHeld({ ...ok, attendancePct: 90 }, 90),
    { met: true, reasons: [] },
    'exactly at the threshold is met'
  )
  t.same(reintegrationHeld({ ...ok, attendancePct: 89.9 }, 90), { met: false, reasons: ['attendance 89.9% below 90%'] })
  t.same(
    reintegrationHeld({ ...ok, attendancePct: 85 }, 85),
    { met: true, reasons: [] },
    'the LA sets its own threshold'
  )
  t.same(reintegrationHeld({ ...ok, onRoll: false }, 90), { met: false, reasons: ['not on a school roll'] })
  t.same(reintegrationHeld({ ...ok, permanentlyExcluded: true }, 90), { met: false, reasons: ['permanently excluded'] })
  t.same(reintegrationHeld({ ...ok, newPlacement: true }, 90), { met: false, reasons: ['a new Tier 2 or 3 placement'] })
  t.same(
    reintegrationHeld({ onRoll: false, permanentlyExcluded: true, newPlacement: true, attendancePct: 40 }, 90).reasons
      .length,
    4,
    'every reason listed'
  )
})

t.test('post16Held', async (t) => {
  const college = { participating: true, destination: 'FE_COLLEGE' as const }
  t.same(post16Held('POST16_OCTOBER', college), { met: true, reasons: [] }, 'October: participating')
  t.same(post16Held('POST16_OCTOBER', { ...college, participating: false }), {
    met: false,
    reasons: ['not in education, employment or training']
  })
  t.same(
    post16Held('POST16_OCTOBER', { participating: true, destination: 'NEET_SEEKING' }),
    { met: false, reasons: ['not in education, employment or training'] },
    'a NEET destination is never participating'
  )
  t.same(post16Held('POST16_OCTOBER', { participating: false, destination: 'NOT_KNOWN' }), {
    met: false,
    reasons: ['activity not known']
  })
  t.same(post16Held('POST16_OCTOBER', { participating: true, destination: 'MOVED_AWAY' }), {
    met: false,
    reasons: ['activity not known']
  })

  const march = (
    monthsInEducation: number | null,
    monthsInEmployment: number | null,
    destination: 'FE_COLLEGE' | 'EMPLOYMENT_WITH_TRAINING' = 'FE_COLLEGE'
  ) => post16Held('POST16_MARCH', { participating: true, destination, monthsInEducation, monthsInEmployment }).met
  t.equal(march(6, 0), true, '6 months in education')
  t.equal(march(5, 0), false, '5 months in education')
  t.equal(march(0, 5, 'EMPLOYMENT_WITH_TRAINING'), true, '5 months in employment')
  t.equal(march(0, 4, 'EMPLOYMENT_WITH_TRAINING'), false, '4 months in employment')
  t.equal(march(3, 3), true, '3 + 3 covers the 6')
  t.equal(march(2, 3), false, '2 + 3 does not')
  t.equal(march(null, null), false, 'nothing recorded is no months')
  const failed = post16Held('POST16_MARCH', {
    participating: true,
    destination: 'FE_COLLEGE',
    monthsInEducation: 2,
    monthsInEmployment: 3
  })
  t.equal(failed.reasons.length, 1)
  t.match(failed.reasons[0], /^2 month\(s\) in education and 3 in employment/)
  t.same(
    post16Held('POST16_MARCH', {
      participating: false,
      destination: 'NEET_SEEKING',
      monthsInEducation: 0,
      monthsInEmployment: 0
    }).reasons.length,
    2,
    'not participating and not sustained'
  )
})

t.test('sustainedStatus', async (t) => {
  const rec = (checkpoint: string, met: boolean) => ({ checkpoint, status: 'RECORDED', met })
  const pending = (checkpoint: string) => ({ checkpoint, status: 'PENDING', met: null })
  t.equal(sustainedStatus('PERMANENTLY_EXCLUDED', []), null, 'not followed up')
  t.equal(sustainedStatus('PLACEMENT_BROKE_DOWN', [rec('TWO_TERMS', true)]), null)
  t.equal(sustainedStatus('RETURNED_TO_HOME_SCHOOL_FULL_TIME', []), 'PENDING')
  t.equal(
    sustainedStatus('RETURNED_TO_HOME_SCHOOL_FULL_TIME', [
      pending('SIX_SCHOOL_WEEKS'),
      pending('ONE_TERM'),
      pending('TWO_TERMS')
    ]),
    'PENDING'
  )
  t.equal(
    sustainedStatus('RETURNED_TO_HOME_SCHOOL_FULL_TIME', [
      rec('SIX_SCHOOL_WEEKS', true),
      rec('ONE_TERM', true),
      pending('TWO_TERMS')
    ]),
    'PENDING',
    'the last check not yet recorded'
  )
  t.equal(
    sustainedStatus('RETURNED_TO_HOME_SCHOOL_FULL_TIME', [
      rec('SIX_SCHOOL_WEEKS', false),
      pending('ONE_TERM'),
      pending('TWO_TERMS')
    ]),
    'NOT_SUSTAINED',
    'the first recorded check failed'
  )
  t.equal(
    sustainedStatus('MOVED_TO_NEW_MAINSTREAM', [
      rec('SIX_SCHOOL_WEEKS', true),
      rec('ONE_TERM', false),
      rec('TWO_TERMS', true)
    ]),
    'NOT_SUSTAINED',
    'a failure earlier wins over a later pass'
  )
  t.equal(
    sustainedStatus('MOVED_TO_SPECIAL_SCHOOL', [
      rec('SIX_SCHOOL_WEEKS', true),
      rec('ONE_TERM', true),
      rec('TWO_TERMS', true)
    ]),
    'SUSTAINED'
  )
  t.equal(
    sustainedStatus('RETURNED_TO_HOME_SCHOOL_PHASED', [rec('SIX_SCHOOL_WEEKS', true), rec('ONE_TERM', true)]),
    'PENDING',
    'no TWO_TERMS yet'
  )
  t.equal(
    sustainedStatus('RETURNED_TO_HOME_SCHOOL_FULL_TIME', [
      { checkpoint: 'SIX_SCHOOL_WEEKS', status: 'SUPERSEDED', met: false },
      rec('SIX_SCHOOL_WEEKS', true),
      rec('ONE_TERM', true),
      rec('TWO_TERMS', true)
    ]),
    'SUSTAINED',
    'a superseded failure is ignored'
  )
  t.equal(
    sustainedStatus('RETURNED_TO_HOME_SCHOOL_FULL_TIME', [
      rec('SIX_SCHOOL_WEEKS', true),
      rec('ONE_TERM', true),
      { checkpoint: 'TWO_TERMS', status: 'SUPERSEDED', met: true }
    ]),
    'PENDING',
    'a superseded pass of the last check does not count'
  )

  t.equal(sustainedStatus('POST16_TRANSITION', [rec('POST16_OCTOBER', true), pending('POST16_MARCH')]), 'PENDING')
  t.equal(
    sustainedStatus('POST16_TRANSITION', [rec('POST16_OCTOBER', false), pending('POST16_MARCH')]),
    'NOT_SUSTAINED'
  )
  t.equal(sustainedStatus('POST16_TRANSITION', [rec('POST16_OCTOBER', true), rec('POST16_MARCH', true)]), 'SUSTAINED')
  t.equal(
    sustainedStatus('POST16_TRANSITION', [rec('POST16_OCTOBER', true), rec('TWO_TERMS', true)]),
    'PENDING',
    'a post-16 outcome ends at March, not TWO_TERMS'
  )
})

t.test('post16Held: an apprenticeship sustained for 6 months at any time from August to July', async (t) => {
  const apprentice = { participating: true, destination: 'APPRENTICESHIP_L2' as const }
  t.same(
    post16Held('POST16_MARCH', { ...apprentice, monthsInEducation: 4, monthsInEmployment: 0, apprenticeshipMonths: 6 }),
    { met: true, reasons: [] },
    'started in November, 6 months in a row by the time the check is recorded: sustained though October–March ' +
      'has only 4 (5 with March)'
  )
  t.same(
    post16Held('POST16_MARCH', {
      participating: false,
      destination: 'NEET_SEEKING',
      monthsInEducation: 0,
      monthsInEmployment: 0,
      apprenticeshipMonths: 6
    }),
    { met: true, reasons: [] },
    'August to January in an apprenticeship, then NEET: sustained, the 6 months were in the year'
  )
  const short = post16Held('POST16_MARCH', {
    ...apprentice,
    monthsInEducation: 3,
    monthsInEmployment: 0,
    apprenticeshipMonths: 5
  })
  t.equal(short.met, false)
  t.match(short.reasons, [
    /3 month\(s\) in education/,
    /5 month\(s\) in a row in an apprenticeship: an apprenticeship is sustained after 6/
  ])
  t.same(
    post16Held('POST16_MARCH', { ...apprentice, monthsInEducation: 6, monthsInEmployment: 0 }),
    { met: true, reasons: [] },
    'October–March in full still counts, months not given'
  )
  t.same(
    post16Held('POST16_OCTOBER', { ...apprentice, apprenticeshipMonths: 6 }),
    { met: true, reasons: [] },
    'October: participating, as before'
  )
})

const followUp = (over: Partial<FollowUpFacts> = {}) =>
  followUpRefusal({
    checkpoint: 'SIX_WEEKS',
    role: 'school',
    followUp: { status: 'PENDING', recordedOn: null, opensOn: '2026-03-02', dueOn: '2026-03-16' },
    today: '2026-03-02',
    result: { onRoll: true, attendancePct: 94, permanentlyExcluded: false, suspensionDays: 0 },
    rollSchoolKnown: undefined,
    ...over
  })
const fieldCodes = (r: ReturnType<typeof followUp>) => r?.errors.map((e) => `${e.path} ${e.code}`)

t.test('a follow-up: who records each kind of check', async (t) => {
  t.same(recordersOf('SIX_WEEKS'), ['coordinator', 'school'])
  t.same(recordersOf('POST16_MARCH'), ['coordinator', 'provider'])
  t.equal(followUp(), undefined, 'the school records a reintegration check')
  t.match(followUp({ role: 'provider' }), {
    status: 403,
    code: 'not_your_follow_up',
    detail: 'The SIX_WEEKS check is recorded by the coordinator or school'
  })
})

t.test('a follow-up: once, and not before its window opens', async (t) => {
  const recorded = { status: 'RECORDED', recordedOn: '2026-03-03', opensOn: '2026-03-02', dueOn: '2026-03-16' }
  t.match(followUp({ followUp: recorded }), { status: 409, code: 'already_recorded' })
  t.match(followUp({ today: '2026-03-01' }), {
    status: undefined,
    code: 'before_window',
    detail: 'The SIX_WEEKS check opens on 2026-03-02 and is due by 2026-03-16'
  })
})

t.test('a reintegration check: its four facts, no post-16 ones, a roll school that exists', async (t) => {
  t.same(fieldCodes(followUp({ result: { onRoll: true } })), [
    '/attendancePct required',
    '/permanentlyExcluded required',
    '/suspensionDays required'
  ])
  const withDestination = { onRoll: true, attendancePct: 90, permanentlyExcluded: false, suspensionDays: 0 }
  t.same(fieldCodes(followUp({ result: { ...withDestination, destination: 'FE' } })), ['/destination not_allowed'])
  t.same(fieldCodes(followUp({ rollSchoolKnown: false })), ['/rollSchoolId unknown_reference'])
  t.equal(followUp({ rollSchoolKnown: true }), undefined)
})

t.test('a post-16 check: months only in March, an apprenticeship run only in March', async (t) => {
  const october = { checkpoint: 'POST16_OCTOBER', role: 'provider' }
  t.equal(followUp({ ...october, result: { participating: true, destination: 'FE' } }), undefined)
  t.same(
    fieldCodes(followUp({ ...october, result: { participating: true, destination: 'FE', apprenticeshipMonths: 3 } })),
    ['/apprenticeshipMonths not_allowed']
  )
  t.same(fieldCodes(followUp({ ...october, result: { participating: true, destination: 'FE', onRoll: true } })), [
    '/onRoll not_allowed'
  ])
  const march = { checkpoint: 'POST16_MARCH', role: 'coordinator' }
  t.same(fieldCodes(followUp({ ...march, result: { participating: true, destination: 'FE' } })), [
    '/monthsInEducation required',
    '/monthsInEmployment required'
  ])
  t.equal(
    followUp({
      ...march,
      result: {
        participating: true,
        destination: 'APPRENTICESHIP',
        monthsInEducation: 0,
        monthsInEmployment: 0,
        apprenticeshipMonths: 6
      }
    }),
    undefined
  )
})
