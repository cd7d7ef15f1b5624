/**
 * The repository methods whose SQL is snapshotted in test/sql/<repository>.sql (see test/sql/snapshots.ts).
 *
 * To add a repository, add one block to `repositories`: its name (the snapshot's file name) and one case per
 * method, calling the method on the compile-only `db` with fixed parameters. A method that reads what its first
 * query returned before it sends the next gets `rows`; a method whose SQL depends on a parameter (a scope by
 * role, an optional filter) gets one case per `variant` worth reviewing. Then run `npm run sql:write`.
 */
import * as calendarsRepository from '../../src/modules/calendars/calendars.repository.js'
import * as pupilsRepository from '../../src/modules/pupils/pupils.repository.js'
import * as placementsRepository from '../../src/modules/placements/placements.repository.js'
import * as attendanceRepository from '../../src/modules/attendance/attendance.repository.js'
import * as attainmentRepository from '../../src/modules/attainment/attainment.repository.js'
import * as outcomesRepository from '../../src/modules/outcomes/outcomes.repository.js'
import * as reviewsRepository from '../../src/modules/reviews/reviews.repository.js'
import type { ResolvedMark } from '../../src/domain/attendance.js'
import type { PlacementRow } from '../../src/db/schema.js'
import { type Principal, principalFor } from '../../src/platform/auth/principal.js'
import type { Actor } from '../../src/db/audit.js'
import type { FakeRows, QueryCase, RepositoryQueries } from './snapshots.js'

/** Fixed parameters: snapshots hold only SQL, but fixed values keep every run the same. */
export const LA = '919'
export const SCHOOL_ID = '101'
export const PROVIDER_ID = '201'
export const PUPIL_ID = '301'
export const CALENDAR_ID = '401'
export const REQUEST_ID = '00000000-0000-4000-8000-000000000001'
export const NOW = new Date('2026-09-01T08:00:00Z')
export const PLACEMENT_ID = '501'
export const REFERRAL_ID = '601'
export const REVIEW_ID = '701'
export const TODAY = '2026-09-14'

export const principals = {
  la_admin: principalFor({ subject: 'token:1', role: 'la_admin', laCode: LA, tokenId: '1' }),
  coordinator: principalFor({ subject: 'token:2', role: 'coordinator', laCode: LA, tokenId: '2' }),
  school: principalFor({ subject: 'token:3', role: 'school', laCode: LA, schoolId: SCHOOL_ID, tokenId: '3' }),
  provider: principalFor({ subject: 'token:4', role: 'provider', laCode: LA, providerId: PROVIDER_ID, tokenId: '4' }),
  analyst: principalFor({ subject: 'token:5', role: 'analyst', laCode: LA, tokenId: '5' })
} satisfies Record<Principal['role'], Principal>

export const actor = (principal: Principal = principals.coordinator): Actor => ({ principal, requestId: REQUEST_ID })

const HALF_TERMS = [
  { firstDay: '2026-09-02', lastDay: '2026-10-23' },
  { firstDay: '2026-11-02', lastDay: '2026-12-18' }
]
const CLOSURES = [{ date: '2026-09-01', kind: 'INSET' as const, reason: 'Training day' }]
const calendarRow = {
  id: CALENDAR_ID,
  la_code: LA,
  school_id: null,
  academic_year: '2026/27',
  version: 1,
  updated_at: NOW
}

const placementRow: PlacementRow = {
  id: PLACEMENT_ID,
  referral_id: REFERRAL_ID,
  previous_placement_id: null,
  pupil_id: PUPIL_ID,
  pupil_home_la_code: LA,
  la_code: LA,
  tier: 2,
  provider_id: PROVIDER_ID,
  commissioner_type: 'SCHOOL',
  commissioner_school_id: SCHOOL_ID,
  legal_basis: 'SCHOOL_DIRECTION',
  reason_code: null,
  start_date: '2026-09-07',
  planned_end_date: '2026-12-18',
  end_date: null,
  status: 'ACTIVE',
  sessions_at_provider: 6,
  sessions_at_home_school: 4,
  part_time_plan_end_date: null,
  part_time_plan_details: null,
  registration: 'DUAL_REGISTERED',
  home_attendance_code: 'B',
  plan: {
    objectives: [],
    reintegrationPlan: null,
    transitionPlan: null,
    intendedPost16Route: null,
    readinessCriteria: null
  },
  first_review_due_on: '2026-10-05',
  baseline_attendance_pct: null,
  la_notified_on: null,
  parent_notice_given_on: null,
  la_notice_given_on: null,
  pause_reason: null,
  ended_reason: null,
  activated_at: NOW,
  next_review_due_on: null,
  next_review_rule: null,
  extension_count: 0,
  outcome_id: null,
  version: 1,
  created_at: NOW,
  updated_at: NOW
}
const pupilRow = {
  id: PUPIL_ID,
  upn: 'A919000000001',
  home_school_id: SCHOOL_ID,
  home_la_code: LA,
  date_of_birth: '2012-03-04'
}
/** An la_policy row with the numeric fields the review and follow-up schedules read. */
const policyRow = {
  la_code: LA,
  review_interval_school_weeks: 6,
  first_review_school_days: 20,
  referral_decision_school_days: 5,
  tier1_max_school_weeks: 6,
  tier2_max_school_weeks: 12,
  tier3_max_school_weeks: null,
  small_number_threshold: 5,
  full_time_threshold_hours: 25,
  sustained_attendance_pct: '90',
  follow_up_response_school_days: 10,
  year11_exams_end: null,
  version: 1,
  updated_at: NOW
}
/** Answers by table: the first listed prefix a statement starts with gives its rows; any other answers none. */
const byStatement =
  (answers: [prefix: string, rows: Record<string, unknown>[]][]): FakeRows =>
  ({ sql }) =>
    answers.find(([prefix]) => sql.startsWith(prefix))?.[1] ?? []
/** What calendarForPupil and policyFor read: the home school's row and the LA's policy. */
const contextRows: [string, Record<string, unknown>[]][] = [
  ['select "id", "la_code" from "school"', [{ id: SCHOOL_ID, la_code: LA }]],
  ['select * from "la_policy"', [policyRow]]
]
const MARKS: ResolvedMark[] = [
  { placementId: PLACEMENT_ID, date: TODAY, session: 'AM', code: 'PRESENT', reason: null },
  { placementId: PLACEMENT_ID, date: TODAY, session: 'PM', code: 'ABSENT_AUTH', reason: 'Medical appointment' }
]
const ALL_FILTERS: placementsRepository.ListFilter = {
  tier: 2,
  status: 'ACTIVE',
  providerId: PROVIDER_ID,
  schoolId: SCHOOL_ID,
  pupilId: PUPIL_ID,
  laCode: LA,
  activeOn: TODAY
}

export const repositories: RepositoryQueries[] = [
  {
    name: 'calendars',
    cases: [
      {
        method: 'years',
        variant: 'an LA, every year, none stored',
        run: (db) => calendarsRepository.years(db, { laCode: LA })
      },
      {
        method: 'years',
        variant: 'a school, one year, stored',
        rows: ({ index }) => (index === 0 ? [{ ...calendarRow, la_code: null, school_id: SCHOOL_ID }] : []),
        run: (db) => calendarsRepository.years(db, { schoolId: SCHOOL_ID }, '2026/27')
      },
      {
        method: 'put',
        variant: 'new calendar',
        rows: ({ sql }) => (sql.startsWith('insert into "term_calendar"') ? [{ id: CALENDAR_ID }] : []),
        run: (db) => calendarsRepository.put(db, { laCode: LA }, '2026/27', undefined, HALF_TERMS, CLOSURES)
      },
      {
        method: 'put',
        variant: 'replacing a stored calendar',
        rows: ({ index }) => (index === 0 ? [{ id: CALENDAR_ID, version: 1 }] : []),
        run: (db) => calendarsRepository.put(db, { schoolId: SCHOOL_ID }, '2026/27', 1, HALF_TERMS, CLOSURES)
      },
      {
        method: 'put',
        variant: 'stale version',
        rows: ({ index }) => (index === 0 ? [{ id: CALENDAR_ID, version: 2 }] : []),
        run: (db) => calendarsRepository.put(db, { laCode: LA }, '2026/27', 1, HALF_TERMS, CLOSURES)
      },
      {
        method: 'loadSchoolCalendar',
        run: (db) => calendarsRepository.loadSchoolCalendar(db, { id: SCHOOL_ID, laCode: LA })
      },
      {
        method: 'loadLaCalendar',
        run: (db) => calendarsRepository.loadLaCalendar(db, LA)
      }
    ]
  },
  {
    name: 'pupils',
    cases: [
      // The scope is the part of a pupil query most worth reviewing: one case per role for the audited read.
      ...(['coordinator', 'school', 'provider', 'analyst'] as const).map((role): QueryCase => ({
        method: 'readById',
        variant: role,
        run: (db) => pupilsRepository.readById(db, actor(principals[role]), PUPIL_ID)
      })),
      {
        method: 'findByUpn',
        run: (db) => pupilsRepository.findByUpn(db, principals.coordinator, 'A919000000001')
      },
      {
        method: 'page',
        variant: 'every pupil in scope',
        rows: ({ index }) => (index === 0 ? [{ total: '0' }] : []),
        run: (db) => pupilsRepository.page(db, principals.coordinator, { page: 2, pageSize: 50 })
      },
      {
        method: 'page',
        variant: 'one home school',
        rows: ({ index }) => (index === 0 ? [{ total: '0' }] : []),
        run: (db) =>
          pupilsRepository.page(db, principals.coordinator, { page: 1, pageSize: 50, homeSchoolId: SCHOOL_ID })
      },
      {
        method: 'schoolInScope',
        variant: 'an LA',
        run: (db) => pupilsRepository.schoolInScope(db, principals.coordinator, SCHOOL_ID)
      },
      {
        method: 'schoolInScope',
        variant: 'a school',
        run: (db) => pupilsRepository.schoolInScope(db, principals.school, SCHOOL_ID)
      }
    ]
  },
  {
    name: 'placements',
    cases: [
      // The scope by role is the part most worth reviewing: each role's read, and the coordinator's locked write.
      ...(['coordinator', 'school', 'provider', 'analyst'] as const).map((role): QueryCase => ({
        method: 'findInScope',
        variant: `${role} read`,
        rows: () => [placementRow],
        run: (db) => placementsRepository.findInScope(db, principals[role], PLACEMENT_ID)
      })),
      {
        method: 'findInScope',
        variant: 'coordinator write, locked',
        rows: () => [placementRow],
        run: (db) => placementsRepository.findInScope(db, principals.coordinator, PLACEMENT_ID, { lock: true })
      },
      {
        method: 'findById',
        rows: () => [placementRow],
        run: (db) => placementsRepository.findById(db, PLACEMENT_ID)
      },
      {
        method: 'pupilOf',
        variant: 'read',
        rows: () => [pupilRow],
        run: (db) => placementsRepository.pupilOf(db, PUPIL_ID)
      },
      {
        method: 'pupilOf',
        variant: 'locked',
        rows: () => [pupilRow],
        run: (db) => placementsRepository.pupilOf(db, PUPIL_ID, { lock: true })
      },
      {
        method: 'lockReferralToPlace',
        run: (db) => placementsRepository.lockReferralToPlace(db, LA, REFERRAL_ID)
      },
      {
        method: 'referralOf',
        rows: () => [{ id: REFERRAL_ID, received_on: '2026-09-01', baseline_attendance_pct: '85', exclusions: [] }],
        run: (db) => placementsRepository.referralOf(db, REFERRAL_ID)
      },
      {
        method: 'providerToPlace',
        variant: 'an LA',
        run: (db) => placementsRepository.providerToPlace(db, principals.coordinator, PROVIDER_ID, 2)
      },
      {
        method: 'providerToPlace',
        variant: 'a provider',
        run: (db) => placementsRepository.providerToPlace(db, principals.provider, PROVIDER_ID, 2)
      },
      {
        method: 'providerFacts',
        run: (db) => placementsRepository.providerFacts(db, [PROVIDER_ID, '202'])
      },
      {
        method: 'findOverlap',
        variant: 'a new placement',
        run: (db) => placementsRepository.findOverlap(db, PUPIL_ID, '2026-09-07', null)
      },
      {
        method: 'findOverlap',
        variant: 'other than the placement being changed',
        run: (db) => placementsRepository.findOverlap(db, PUPIL_ID, '2026-09-07', '2026-12-18', PLACEMENT_ID)
      },
      {
        method: 'lockPlaces',
        rows: () => [{ places: 10, used: '3' }],
        run: (db) => placementsRepository.lockPlaces(db, PROVIDER_ID, 2)
      },
      {
        method: 'insertPlanned',
        rows: () => [placementRow],
        run: (db) =>
          placementsRepository.insertPlanned(
            db,
            {
              referral_id: REFERRAL_ID,
              pupil_id: PUPIL_ID,
              pupil_home_la_code: LA,
              la_code: LA,
              tier: 2,
              provider_id: PROVIDER_ID,
              commissioner_type: 'SCHOOL',
              commissioner_school_id: SCHOOL_ID,
              legal_basis: 'SCHOOL_DIRECTION',
              start_date: '2026-09-07',
              planned_end_date: '2026-12-18',
              sessions_at_provider: 6,
              sessions_at_home_school: 4,
              registration: 'DUAL_REGISTERED',
              plan: JSON.stringify(placementRow.plan),
              first_review_due_on: '2026-10-05'
            },
            { onDate: '2026-09-07', actor: 'token:2' },
            actor(),
            { action: 'create', entity: 'placement', pupilId: PUPIL_ID, pupilLaCode: LA }
          )
      },
      {
        method: 'update',
        variant: 'no where options',
        rows: () => [placementRow],
        run: (db) => placementsRepository.update(db, PLACEMENT_ID, { status: 'ACTIVE', activated_at: NOW })
      },
      {
        method: 'update',
        variant: 'only in a status, only with an outcome',
        rows: () => [placementRow],
        run: (db) =>
          placementsRepository.update(
            db,
            PLACEMENT_ID,
            { end_date: '2026-12-18', status: 'ENDED' },
            { where: { statusIn: ['ACTIVE', 'PAUSED'], hasOutcome: true } }
          )
      },
      {
        method: 'addEvent',
        run: (db) =>
          placementsRepository.addEvent(db, {
            placementId: PLACEMENT_ID,
            event: 'PAUSED',
            onDate: TODAY,
            reason: 'Hospital stay',
            actor: 'token:2'
          })
      },
      {
        method: 'lastEventOn',
        variant: 'by date',
        run: (db) => placementsRepository.lastEventOn(db, PLACEMENT_ID, 'PAUSED', 'date')
      },
      {
        method: 'lastEventOn',
        variant: 'by entry',
        run: (db) => placementsRepository.lastEventOn(db, PLACEMENT_ID, 'PAUSED', 'entry')
      },
      {
        method: 'listInScope',
        variant: 'no filters',
        rows: ({ index }) => (index === 0 ? [{ total: '0' }] : []),
        run: (db) => placementsRepository.listInScope(db, principals.coordinator, {}, { limit: 50, offset: 0 })
      },
      {
        method: 'listInScope',
        variant: 'every filter',
        rows: ({ index }) => (index === 0 ? [{ total: '0' }] : []),
        run: (db) =>
          placementsRepository.listInScope(db, principals.coordinator, ALL_FILTERS, { limit: 50, offset: 50 })
      },
      {
        method: 'joinWaitingList',
        run: (db) =>
          placementsRepository.joinWaitingList(db, {
            referralId: REFERRAL_ID,
            providerId: PROVIDER_ID,
            tier: 2,
            addedAt: NOW
          })
      },
      {
        method: 'waitingPosition',
        rows: ({ index }) =>
          index === 0
            ? [{ referral_id: REFERRAL_ID, provider_id: PROVIDER_ID, tier: 2, added_at: NOW }]
            : [{ ahead: '2' }],
        run: (db) => placementsRepository.waitingPosition(db, REFERRAL_ID)
      },
      {
        method: 'providerInScope',
        variant: 'an LA',
        run: (db) => placementsRepository.providerInScope(db, principals.coordinator, PROVIDER_ID)
      },
      {
        method: 'providerInScope',
        variant: 'a provider',
        run: (db) => placementsRepository.providerInScope(db, principals.provider, PROVIDER_ID)
      },
      {
        method: 'waitingList',
        run: (db) => placementsRepository.waitingList(db, PROVIDER_ID)
      },
      {
        method: 'providersInScope',
        variant: 'every provider of an LA',
        run: (db) => placementsRepository.providersInScope(db, principals.coordinator)
      },
      {
        method: 'providersInScope',
        variant: 'one provider, as the provider',
        run: (db) => placementsRepository.providersInScope(db, principals.provider, PROVIDER_ID)
      },
      {
        method: 'providersOfLa',
        run: (db) => placementsRepository.providersOfLa(db, LA)
      },
      {
        method: 'runningAt',
        run: (db) => placementsRepository.runningAt(db, [PROVIDER_ID, '202'], TODAY)
      },
      {
        method: 'pupilsByIds',
        run: (db) => placementsRepository.pupilsByIds(db, [PUPIL_ID, '302'])
      },
      {
        method: 'referralsByIds',
        run: (db) => placementsRepository.referralsByIds(db, [REFERRAL_ID, '602'])
      },
      {
        method: 'reviewSummaries',
        run: (db) => placementsRepository.reviewSummaries(db, [PLACEMENT_ID, '502'])
      }
    ]
  },
  {
    name: 'attendance',
    cases: [
      {
        method: 'marksByPlacement',
        run: (db) => attendanceRepository.marksByPlacement(db, [PLACEMENT_ID, '502'], TODAY)
      },
      {
        method: 'lockProviderPlacements',
        run: (db) => attendanceRepository.lockProviderPlacements(db, PROVIDER_ID, [PUPIL_ID, '302'])
      },
      {
        method: 'storedMarks',
        run: (db) => attendanceRepository.storedMarks(db, [PLACEMENT_ID, '502'], '2026-09-07', TODAY)
      },
      {
        method: 'insertMarks',
        run: (db) => attendanceRepository.insertMarks(db, MARKS, 'token:4')
      },
      {
        method: 'correctMarks',
        run: (db) =>
          attendanceRepository.correctMarks(
            db,
            MARKS.map((mark) => ({ mark, old: { code: 'ABSENT_UNAUTH', reason: null } })),
            'token:4',
            REQUEST_ID
          )
      },
      {
        method: 'marksOf',
        variant: 'every date',
        run: (db) => attendanceRepository.marksOf(db, PLACEMENT_ID)
      },
      {
        method: 'marksOf',
        variant: 'between two dates',
        run: (db) => attendanceRepository.marksOf(db, PLACEMENT_ID, '2026-09-07', TODAY)
      },
      {
        method: 'correctionsOf',
        variant: 'every date',
        run: (db) => attendanceRepository.correctionsOf(db, PLACEMENT_ID)
      },
      {
        method: 'correctionsOf',
        variant: 'between two dates',
        run: (db) => attendanceRepository.correctionsOf(db, PLACEMENT_ID, '2026-09-07', TODAY)
      },
      {
        method: 'attendanceSince',
        variant: 'since the start',
        run: (db) => attendanceRepository.attendanceSince(db, PLACEMENT_ID, null, TODAY)
      },
      {
        method: 'attendanceSince',
        variant: 'since the last review',
        run: (db) => attendanceRepository.attendanceSince(db, PLACEMENT_ID, '2026-09-10', TODAY)
      }
    ]
  },
  {
    name: 'attainment',
    cases: [
      {
        method: 'attainmentRows',
        run: (db) => attainmentRepository.attainmentRows(db, [PLACEMENT_ID, '502'])
      },
      {
        method: 'isReviewOf',
        run: (db) => attainmentRepository.isReviewOf(db, PLACEMENT_ID, REVIEW_ID)
      },
      {
        method: 'findStage',
        run: (db) => attainmentRepository.findStage(db, PLACEMENT_ID, 'MATHS', 'BASELINE')
      },
      {
        method: 'insertAssessment',
        rows: () => [{ id: '801' }],
        run: (db) =>
          attainmentRepository.insertAssessment(db, {
            placement_id: PLACEMENT_ID,
            subject: 'MATHS',
            stage: 'BASELINE',
            assessed_on: TODAY,
            scale: 'STANDARDISED_SCORE',
            scale_name: null,
            scale_min: 0,
            scale_max: 100,
            score: 42,
            review_id: null,
            recorded_by: 'token:4'
          })
      },
      {
        method: 'insertQualification',
        rows: () => [{ id: '901' }],
        run: (db) =>
          attainmentRepository.insertQualification(db, {
            placement_id: PLACEMENT_ID,
            subject: 'MATHS',
            qualification: 'GCSE',
            level: '2',
            grade: '5',
            awarded_on: '2027-08-20',
            recorded_by: 'token:4'
          })
      }
    ]
  },
  {
    name: 'outcomes',
    cases: [
      {
        method: 'storeOutcome',
        variant: 'reintegration on the receiving school calendar, follow-ups realigned',
        // One live check the new outcome keeps (pending: moved to the new dates) and one it does not have
        // (superseded); the other two checks are added.
        rows: byStatement([
          ['insert into "placement_outcome"', [{ id: '1001', placement_id: PLACEMENT_ID }]],
          ...contextRows,
          [
            'select * from "outcome_follow_up"',
            [
              { id: '1101', checkpoint: 'SIX_SCHOOL_WEEKS', status: 'PENDING' },
              { id: '1102', checkpoint: 'POST16_OCTOBER', status: 'PENDING' }
            ]
          ]
        ]),
        run: (db) =>
          outcomesRepository.storeOutcome(
            db,
            placementRow,
            pupilRow,
            {
              code: 'MOVED_TO_NEW_MAINSTREAM',
              effectiveDate: '2026-11-02',
              receiving: { schoolId: '102' },
              finalReviewId: REVIEW_ID
            },
            'token:2',
            { id: '1000', reason: 'Wrong receiving school' }
          )
      },
      {
        method: 'storeOutcome',
        variant: 'post-16 on the home LA calendar, no follow-ups yet',
        rows: byStatement([
          ['insert into "placement_outcome"', [{ id: '1001', placement_id: PLACEMENT_ID }]],
          ...contextRows
        ]),
        run: (db) =>
          outcomesRepository.storeOutcome(
            db,
            placementRow,
            { ...pupilRow, home_school_id: null, date_of_birth: '2011-01-15' },
            {
              code: 'POST16_TRANSITION',
              effectiveDate: '2027-07-01',
              finalReviewMissingReason: 'Pupil left before the review',
              destination: { code: 'FE_COLLEGE', source: 'PROVIDER_CONFIRMED', septemberGuarantee: 'OFFER_MADE' }
            },
            'token:2'
          )
      },
      {
        method: 'currentOutcomes',
        run: (db) =>
          outcomesRepository.currentOutcomes(
            db,
            [
              { id: PLACEMENT_ID, outcome_id: '1001' },
              { id: '502', outcome_id: null }
            ],
            TODAY
          )
      }
    ]
  },
  {
    name: 'reviews',
    cases: [
      {
        method: 'pausesOf',
        run: (db) => reviewsRepository.pausesOf(db, PLACEMENT_ID)
      },
      {
        method: 'scheduleFor',
        variant: 'a running placement',
        rows: byStatement([['select "home_school_id", "home_la_code" from "pupil"', [pupilRow]], ...contextRows]),
        run: (db) => reviewsRepository.scheduleFor(db, placementRow)
      },
      {
        method: 'scheduleFor',
        variant: 'an ended placement',
        run: (db) => reviewsRepository.scheduleFor(db, { ...placementRow, status: 'ENDED' })
      },
      {
        method: 'refreshSchedule',
        variant: 'by id',
        rows: byStatement([
          ['select * from "placement"', [placementRow]],
          ['select "home_school_id", "home_la_code" from "pupil"', [pupilRow]],
          ...contextRows,
          ['update "placement"', [placementRow]]
        ]),
        run: (db) => reviewsRepository.refreshSchedule(db, PLACEMENT_ID)
      },
      {
        method: 'refreshSchedule',
        variant: 'with the row',
        rows: byStatement([
          ['select "home_school_id", "home_la_code" from "pupil"', [pupilRow]],
          ...contextRows,
          ['update "placement"', [placementRow]]
        ]),
        run: (db) => reviewsRepository.refreshSchedule(db, placementRow)
      },
      {
        method: 'heldOn',
        run: (db) => reviewsRepository.heldOn(db, PLACEMENT_ID)
      },
      {
        method: 'latest',
        run: (db) => reviewsRepository.latest(db, PLACEMENT_ID)
      }
    ]
  }
]
