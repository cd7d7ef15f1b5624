import t from 'tap'
import { estimatedYear, SchoolCalendar } from '../../src/domain/calendar.js'
import {
  moveRefusal,
  overlapping,
  overlapRefusal,
  type MoveFacts,
  placementChangeRefusal,
  type PlacementChangeFacts,
  referralTransitionRefusal,
  transitionRefusal
} from '../../src/domain/placements.js'
import { registrationCheck } from '../../src/domain/registration.js'
import {
  extensionRefusal,
  type ExtensionFacts,
  nextReviewRefusal,
  reviewRefusal,
  type ReviewFacts
} from '../../src/domain/reviews.js'

/** The rules that refuse a request, each a pure function of facts (issue 12 §2). */

const placement = (id: string, startDate: string, endDate: string | null, plannedEndDate: string | null = null) => ({
  id,
  startDate,
  endDate,
  plannedEndDate
})

t.test('no-overlap: placements sharing a day overlap; open ends run on', async (t) => {
  const autumn = placement('1', '2026-09-07', null, '2026-12-18')
  t.equal(overlapping('2026-12-18', null, [autumn])?.id, '1', 'starting on its planned last day overlaps')
  t.equal(overlapping('2026-12-19', null, [autumn]), undefined, 'starting the day after does not')
  t.equal(overlapping('2026-01-05', '2026-09-06', [autumn]), undefined, 'ending the day before it starts does not')
  t.equal(overlapping('2026-01-05', '2026-09-07', [autumn])?.id, '1', 'ending on its first day overlaps')
  t.equal(overlapping('2030-01-01', null, [placement('2', '2026-09-07', null)])?.id, '2', 'an open placement runs on')
  const ended = [placement('3', '2026-09-07', '2026-10-01', '2027-07-01')]
  t.equal(overlapping('2026-10-02', null, ended), undefined, 'the actual end, not the planned one, closes it')
  const refusal = overlapRefusal('2026-10-01', null, [autumn], '/startDate')
  t.match(refusal, {
    code: 'placement_overlap',
    detail: 'The pupil already has placement 1 from 2026-09-07 to 2026-12-18',
    errors: [{ path: '/startDate', code: 'placement_overlap', message: 'overlaps placement 1' }]
  })
  t.equal(refusal?.status, 409, 'a conflict with the placement on record')
  t.equal(overlapRefusal('2027-01-04', null, [autumn], '/startDate'), undefined)
})

const move = (over: Partial<MoveFacts> = {}): MoveFacts => ({
  kind: 'ESCALATED',
  status: 'ACTIVE',
  tier: 2,
  startDate: '2026-09-07',
  nextReviewDueOn: '2026-10-05',
  nextStartDate: '2026-10-01',
  reviewsHeld: ['2026-09-28'],
  scheduledEnd: null,
  ...over
})

t.test('tier moves: which placements may escalate or step down, and when', async (t) => {
  const today = '2026-10-01'
  t.equal(moveRefusal(move(), today), undefined, 'a Tier 2 escalation with its review held passes')
  t.equal(moveRefusal(move({ tier: 3 }), today)?.code, 'not_tier_2')
  t.equal(moveRefusal(move({ kind: 'STEPPED_DOWN', tier: 1 }), today)?.code, 'already_tier_1')
  t.equal(moveRefusal(move({ kind: 'STEPPED_DOWN', tier: 3 }), today), undefined, 'Tier 3 steps down')
  const scheduled = moveRefusal(
    move({ scheduledEnd: { placementId: '9', endDate: '2026-10-30', reason: 'RETURNED' } }),
    today
  )
  t.match(scheduled, { status: 409, code: 'end_scheduled' })
  t.match(moveRefusal(move({ nextStartDate: '2026-09-07' }), today), {
    code: 'validation_failed',
    errors: [{ path: '/startDate', code: 'before_current_start' }]
  })
  t.match(moveRefusal(move({ nextReviewDueOn: '2026-09-30' }), today), {
    code: 'review_overdue',
    errors: [{ path: '/nextReviewDueOn' }]
  })
  t.equal(
    moveRefusal(move({ nextReviewDueOn: '2026-09-30', nextStartDate: '2026-09-29' }), today),
    undefined,
    'judged at the move date: the review was not yet due then'
  )
  t.equal(
    moveRefusal(move({ kind: 'STEPPED_DOWN', nextReviewDueOn: '2026-09-30' }), today),
    undefined,
    'a step-down is not held back by an overdue review'
  )
  t.equal(moveRefusal(move({ status: 'PAUSED', nextReviewDueOn: '2026-09-30' }), today), undefined, 'nor a pause')
  t.match(moveRefusal(move({ reviewsHeld: ['2026-10-01'] }), today), {
    code: 'review_after_move',
    errors: [{ path: '/startDate', code: 'review_after_move' }]
  })
})

const calendar = new SchoolCalendar((startYear) => estimatedYear(startYear))
const extension = (over: Partial<ExtensionFacts> = {}): ExtensionFacts => ({
  tier: 2,
  startDate: '2026-09-07',
  plannedEndDate: '2026-12-18',
  nextReviewDueOn: '2026-11-02',
  heldOn: '2026-10-19',
  newEnd: '2027-02-12',
  limitSchoolWeeks: 26,
  approvedUpTo: [],
  ...over
})

t.test(
  'extensions: later than the current end, no overdue review, and within the tier limit or approved',
  async (t) => {
    t.equal(extensionRefusal(extension(), calendar), undefined, 'within 26 school weeks')
    t.match(extensionRefusal(extension({ newEnd: '2026-12-18' }), calendar), {
      code: 'validation_failed',
      errors: [{ path: '/extension/newPlannedEnd', code: 'not_later' }]
    })
    t.match(extensionRefusal(extension({ nextReviewDueOn: '2026-10-16' }), calendar), { code: 'review_overdue' })
    const long = extension({ newEnd: '2027-07-16' })
    t.match(extensionRefusal(long, calendar), {
      code: 'extension_needs_la_approval',
      errors: [{ path: '/extension/newPlannedEnd', code: 'extension_needs_la_approval' }]
    })
    t.equal(extensionRefusal({ ...long, approvedUpTo: ['2027-07-16'] }, calendar), undefined, 'approved up to it')
    t.not(extensionRefusal({ ...long, approvedUpTo: ['2027-07-15'] }, calendar), undefined, 'approved short of it')
    t.equal(extensionRefusal({ ...long, limitSchoolWeeks: null }, calendar), undefined, 'no limit set')
  }
)

t.test('registration threshold: 5 full-time pupils, or one looked after or with an EHC plan', async (t) => {
  const pupil = (over = {}) => ({
    sessionsAtProvider: 8,
    lookedAfter: false,
    senProvision: null,
    dateOfBirth: '2012-01-15',
    ...over
  })
  const today = '2026-10-01'
  t.equal(registrationCheck(true, [pupil(), pupil(), pupil(), pupil()], 18, today).flagged, false, 'four')
  t.equal(
    registrationCheck(
      true,
      Array.from({ length: 5 }, () => pupil()),
      18,
      today
    ).flagged,
    true,
    'five'
  )
  t.equal(registrationCheck(true, [pupil({ lookedAfter: true })], 18, today).flagged, true, 'one looked after')
  t.equal(registrationCheck(true, [pupil({ senProvision: 'E' })], 18, today).flagged, true, 'one with an EHC plan')
  t.equal(registrationCheck(false, [pupil({ senProvision: 'E' })], 18, today).flagged, false, 'registered')
  t.equal(registrationCheck(true, [pupil({ sessionsAtProvider: 7 })], 18, today).fullTimePupils, 0, 'under 18 h')
  t.equal(
    registrationCheck(true, [pupil({ lookedAfter: true, dateOfBirth: '2009-06-01' })], 18, today).fullTimePupils,
    0,
    'past compulsory school age'
  )
})

const review = (over: Partial<ReviewFacts['review']> = {}, placement: Partial<ReviewFacts['placement']> = {}) =>
  reviewRefusal({
    placement: { id: '7', status: 'ACTIVE', startDate: '2026-01-05', endDate: null, objectiveCount: 2, ...placement },
    review: {
      heldOn: '2026-02-02',
      parentViews: 'Glad of the progress',
      pupilViewsMissingReason: 'Declined to take part',
      objectives: [{ objective: 0 }, { objective: 1 }],
      decision: 'CONTINUE',
      nextReviewOn: '2026-03-02',
      ...over
    },
    today: '2026-03-02'
  })
const codes = (r: ReturnType<typeof review>) => r?.errors.map((e) => `${e.path} ${e.code}`)

t.test('a review: held on a running placement only', async (t) => {
  t.equal(review(), undefined, 'a complete review of an active placement passes')
  t.equal(review({}, { status: 'PAUSED' }), undefined, 'a paused one too')
  t.match(review({}, { status: 'ENDED' }), { status: 409, code: 'placement_not_running' })
  t.match(review({ heldOn: '2030-01-01' }, { status: 'PLANNED' }), { status: 409 }, 'before any field rule')
})

t.test('a review: its date, views, objectives, decision and next date, all told at once', async (t) => {
  t.same(codes(review({ heldOn: '2026-03-03', nextReviewOn: '2026-04-01' })), ['/heldOn date_in_future'])
  t.same(codes(review({ heldOn: '2026-01-04' })), ['/heldOn before_placement'])
  t.same(codes(review({ heldOn: '2026-02-02' }, { endDate: '2026-02-01' })), ['/heldOn after_placement'])
  t.same(codes(review({ parentViews: undefined, pupilViewsMissingReason: undefined })), [
    '/parentViews required',
    '/pupilViews required'
  ])
  t.same(codes(review({ objectives: [{ objective: 0 }, { objective: 0 }, { objective: 2 }] })), [
    '/objectives/1/objective duplicate_objective',
    '/objectives/2/objective unknown_objective'
  ])
  t.same(codes(review({ objectives: [{ objective: 1 }] })), ['/objectives objective_missing'])
  t.same(codes(review({ decision: 'EXTEND' })), ['/extension required'])
  t.same(codes(review({ extension: { newPlannedEnd: '2026-07-01' } })), ['/extension not_allowed'])
  t.same(codes(review({ nextReviewOn: undefined })), ['/nextReviewOn required'])
  t.equal(review({ decision: 'END', nextReviewOn: undefined }), undefined, 'an END sets no next review')
  t.same(codes(review({ nextReviewOn: '2026-02-02' })), ['/nextReviewOn not_after_review'])
  t.match(review({ heldOn: '2026-03-03', parentViews: undefined }), {
    status: undefined,
    code: 'validation_failed',
    detail: '/heldOn cannot be in the future; /parentViews or /parentViewsMissingReason is required'
  })
})

t.test('the next review a review sets: no later than the schedule allows', async (t) => {
  const latest = { due: '2026-03-20', explanation: 'the end of the half-term' }
  t.equal(nextReviewRefusal('2026-03-20', latest), undefined, 'on the latest day')
  t.equal(nextReviewRefusal(undefined, latest), undefined, 'none set')
  t.equal(nextReviewRefusal('2026-09-01', undefined), undefined, 'no schedule (the placement ends)')
  t.match(nextReviewRefusal('2026-03-23', latest), {
    code: 'validation_failed',
    errors: [
      {
        path: '/nextReviewOn',
        code: 'next_review_too_late',
        message: '/nextReviewOn 2026-03-23 is later than the rule allows: 2026-03-20 (the end of the half-term)'
      }
    ]
  })
})

const change = (over: Partial<PlacementChangeFacts>) =>
  placementChangeRefusal({ status: 'PLANNED', changing: [], given: {}, today: '2026-03-02', ...over })

t.test('changing a placement: its shape only while PLANNED, nothing once closed', async (t) => {
  t.equal(change({ changing: ['startDate', 'plannedEndDate'], given: { startDate: '2026-03-09' } }), undefined)
  t.match(change({ status: 'ACTIVE', changing: ['plannedEndDate', 'plan', 'sessionsAtProvider'] }), {
    status: undefined,
    code: 'placement_started',
    detail:
      'plannedEndDate, sessionsAtProvider can change only while the placement is PLANNED; ' +
      'an active placement is extended through a review',
    errors: [{ path: '/plannedEndDate' }, { path: '/sessionsAtProvider' }]
  })
  t.equal(change({ status: 'ACTIVE', changing: ['plan'] }), undefined, 'the plan may change while it runs')
  t.match(change({ status: 'ENDED', changing: ['plan'] }), { status: 409, code: 'placement_closed' })
  t.match(change({ status: 'CANCELLED', changing: ['startDate'] }), { code: 'placement_started' }, 'shape first')
})

t.test('changing a placement: notice dates by today', async (t) => {
  t.match(change({ changing: ['parentNoticeGivenOn'], given: { parentNoticeGivenOn: '2026-03-03' } }), {
    status: 400,
    errors: [{ path: '/parentNoticeGivenOn', code: 'date_in_future' }]
  })
  t.equal(change({ changing: ['laNotifiedOn'], given: { laNotifiedOn: '2026-03-02' } }), undefined)
  t.equal(change({ changing: ['laNoticeGivenOn'], given: { laNoticeGivenOn: null } }), undefined, 'cleared')
})

t.test("changing a placement: the referral's baseline and received date stand", async (t) => {
  const referral = { id: '12', receivedOn: '2026-02-20', baselineAttendancePct: 61.5 }
  t.match(change({ changing: ['baselineAttendancePct'], referral }), {
    code: 'baseline_from_referral',
    detail: 'The placement takes its baseline (61.5%) from referral 12; it is not set here'
  })
  t.equal(
    change({ changing: ['baselineAttendancePct'], referral: { ...referral, baselineAttendancePct: null } }),
    undefined
  )
  t.match(change({ changing: ['startDate'], given: { startDate: '2026-02-19' }, referral }), {
    code: 'start_before_referral',
    errors: [{ path: '/startDate', code: 'start_before_referral' }]
  })
  t.equal(change({ changing: ['startDate'], given: { startDate: '2026-02-20' }, referral }), undefined)
})

t.test('the placement state machine: each action from its statuses, else 409 naming the status', async (t) => {
  const STATUSES = ['PLANNED', 'ACTIVE', 'PAUSED', 'ENDED', 'CANCELLED']
  const allowed = (action: Parameters<typeof transitionRefusal>[0]) =>
    STATUSES.filter((s) => transitionRefusal(action, s) === undefined)
  t.same(allowed('activate'), ['PLANNED'])
  t.same(allowed('cancel'), ['PLANNED'])
  t.same(allowed('pause'), ['ACTIVE'])
  t.same(allowed('resume'), ['PAUSED'])
  t.same(allowed('escalate'), ['ACTIVE', 'PAUSED'])
  t.same(allowed('stepDown'), ['ACTIVE', 'PAUSED'])
  t.same(transitionRefusal('activate', 'ENDED'), {
    status: 409,
    code: 'not_planned',
    detail: 'Only a PLANNED placement can be activated; this one is ENDED',
    errors: []
  })
  t.match(transitionRefusal('cancel', 'ACTIVE'), {
    code: 'not_planned',
    detail: 'Only a PLANNED placement can be cancelled; an ACTIVE one ends with an outcome'
  })
  t.match(transitionRefusal('pause', 'PAUSED'), { code: 'not_active' })
  t.match(transitionRefusal('resume', 'ACTIVE'), { code: 'not_paused' })
  t.match(transitionRefusal('stepDown', 'PLANNED'), {
    code: 'not_active',
    detail: 'Only an ACTIVE or PAUSED placement can step down; this one is PLANNED'
  })
})

t.test('the referral state machine: decided once, withdrawn while open and unplaced', async (t) => {
  t.equal(referralTransitionRefusal('decide', 'SUBMITTED'), undefined)
  t.match(referralTransitionRefusal('decide', 'ACCEPTED'), {
    status: 409,
    code: 'referral_already_decided',
    detail: 'The referral is already ACCEPTED'
  })
  t.equal(referralTransitionRefusal('withdraw', 'SUBMITTED'), undefined)
  t.equal(referralTransitionRefusal('withdraw', 'ACCEPTED'), undefined)
  t.match(referralTransitionRefusal('withdraw', 'DECLINED'), { status: 409, code: 'referral_closed' })
  t.match(referralTransitionRefusal('withdraw', 'ACCEPTED', '31'), {
    status: 409,
    code: 'referral_placed',
    detail: 'The referral has placement 31; cancel or end that instead'
  })
})
