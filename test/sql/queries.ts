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
import * as schoolsRepository from '../../src/modules/schools/schools.repository.js'
import * as localAuthoritiesRepository from '../../src/modules/local-authorities/local-authorities.repository.js'
import * as providersRepository from '../../src/modules/providers/providers.repository.js'
import * as referralsRepository from '../../src/modules/referrals/referrals.repository.js'
import * as tokensRepository from '../../src/modules/tokens/tokens.repository.js'
import * as signInRolesRepository from '../../src/modules/sign-in-roles/sign-in-roles.repository.js'
import * as webRepository from '../../src/web/web.repository.js'
import * as auditRepository from '../../src/modules/audit/audit.repository.js'
import * as journeyRepository from '../../src/views/journey/journey.repository.js'
import * as worklistRepository from '../../src/views/worklist/worklist.repository.js'
import * as reportsRepository from '../../src/views/reports/reports.repository.js'
import * as exportsRepository from '../../src/views/exports/exports.repository.js'
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
  legal_basis: 'SCHOOL_COMMISSIONED',
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
/** The roles whose scopes differ: one case each where a method's SQL depends on the principal's role. */
const ROLES = ['coordinator', 'school', 'provider', 'analyst'] as const
/** For a page method: its first query counts the rows. */
const countFirst: FakeRows = ({ index }) => (index === 0 ? [{ total: '0' }] : [])
/** For a method that takes its one row or throws: any row will do. */
const oneRow: FakeRows = () => [{ id: '1' }]
const PLACEMENT_IDS = [PLACEMENT_ID, '502']
const worklistBounds = { reviewHorizon: '2026-09-28', end2: '2026-09-28', end4: '2026-10-12' }
const worklistRows: FakeRows = ({ sql }) => (sql.startsWith('select count(*)') ? [{ total: '0' }] : [])
const YEAR = { start: 2026, from: '2026-09-01', to: '2027-08-31' }

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
        run: (db) => calendarsRepository.loadSchoolCalendar(db, SCHOOL_ID)
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
      {
        method: 'factsByIds',
        run: (db) => pupilsRepository.factsByIds(db, [PUPIL_ID, '302'])
      },
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
        method: 'sendHealthDetail',
        rows: ({ index }) => (index === 0 ? [{ id: PUPIL_ID, sen_provision: 'E', home_la_code: LA }] : []),
        run: (db) => pupilsRepository.sendHealthDetail(db, principals.school, PUPIL_ID)
      },
      {
        method: 'page',
        variant: 'these pupils',
        rows: ({ index }) => (index === 0 ? [{ total: '0' }] : []),
        run: (db) =>
          pupilsRepository.page(db, principals.coordinator, { page: 1, pageSize: 100, id: [PUPIL_ID, '302'] })
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
      },
      ...ROLES.map((role): QueryCase => ({
        method: 'findInScope',
        variant: `${role} read`,
        run: (db) => pupilsRepository.findInScope(db, principals[role], PUPIL_ID)
      })),
      {
        method: 'findInScope',
        variant: 'coordinator, locked',
        run: (db) => pupilsRepository.findInScope(db, principals.coordinator, PUPIL_ID, { lock: true })
      },
      {
        method: 'findById',
        rows: () => [pupilRow],
        run: (db) => pupilsRepository.findById(db, PUPIL_ID)
      },
      {
        method: 'homeLaCode',
        rows: () => [{ home_la_code: LA }],
        run: (db) => pupilsRepository.homeLaCode(db, PUPIL_ID)
      },
      {
        method: 'homeLaCodes',
        run: (db) => pupilsRepository.homeLaCodes(db, [PUPIL_ID, '302'])
      },
      {
        method: 'insert',
        rows: () => [pupilRow],
        run: (db) =>
          pupilsRepository.insert(db, {
            upn: 'A919000000001',
            legal_forename: 'Sam',
            legal_surname: 'Smith',
            date_of_birth: '2012-03-04',
            sex: 'F',
            home_school_id: SCHOOL_ID,
            home_la_code: LA
          })
      },
      {
        method: 'update',
        rows: () => [pupilRow],
        run: (db) => pupilsRepository.update(db, PUPIL_ID, { preferred_forename: 'Sammy', home_school_id: null })
      },
      {
        method: 'moveHomeLaOfPlacements',
        run: (db) => pupilsRepository.moveHomeLaOfPlacements(db, PUPIL_ID, '920')
      },
      {
        method: 'calendarForPupil',
        variant: 'the home school calendar',
        run: (db) => pupilsRepository.calendarForPupil(db, pupilRow)
      },
      {
        method: 'calendarForPupil',
        variant: 'no home school: the home LA calendar',
        run: (db) => pupilsRepository.calendarForPupil(db, { ...pupilRow, home_school_id: null })
      },
      {
        method: 'calendarLoader',
        variant: 'three pupils, two at one school: each calendar read once',
        run: async (db) => {
          const calendarOf = pupilsRepository.calendarLoader(db)
          await Promise.all([pupilRow, { ...pupilRow }, { ...pupilRow, home_school_id: null }].map(calendarOf))
        }
      },
      {
        method: 'calendarKey',
        variant: 'no SQL: the key pupils on one calendar share',
        run: async () => {
          pupilsRepository.calendarKey(pupilRow)
        }
      },
      {
        method: 'coordinatingLa',
        variant: "the home school's LA",
        rows: () => [{ la_code: LA }],
        run: (db) => pupilsRepository.coordinatingLa(db, pupilRow)
      },
      {
        method: 'coordinatingLa',
        variant: 'no home school: the home LA',
        run: (db) => pupilsRepository.coordinatingLa(db, { ...pupilRow, home_school_id: null })
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
        method: 'otherPlacementsOf',
        variant: 'a new placement',
        run: (db) => placementsRepository.otherPlacementsOf(db, PUPIL_ID)
      },
      {
        method: 'otherPlacementsOf',
        variant: 'other than the placement being changed',
        run: (db) => placementsRepository.otherPlacementsOf(db, PUPIL_ID, PLACEMENT_ID)
      },
      {
        method: 'lockPlaces',
        rows: () => [{ places: 10, used: '3' }],
        run: (db) => placementsRepository.lockPlaces(db, PROVIDER_ID, 2)
      },
      {
        method: 'policyToPlace',
        variant: 'with a reason code',
        rows: () => [{ la_code: LA, reason_code_known: true }],
        run: (db) => placementsRepository.policyToPlace(db, LA, 'PHYS')
      },
      {
        method: 'policyToPlace',
        variant: 'no reason code',
        rows: () => [{ la_code: LA, reason_code_known: true }],
        run: (db) => placementsRepository.policyToPlace(db, LA, undefined)
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
              legal_basis: 'SCHOOL_COMMISSIONED',
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
        method: 'runningAt',
        run: (db) => placementsRepository.runningAt(db, [PROVIDER_ID, '202'], TODAY)
      },
      {
        method: 'laterTier2Or3',
        run: (db) => placementsRepository.laterTier2Or3(db, PUPIL_ID, PLACEMENT_ID, '2026-09-07', TODAY)
      },
      {
        method: 'extend',
        run: (db) => placementsRepository.extend(db, PLACEMENT_ID, '2027-02-12')
      },
      {
        method: 'arrangedBy',
        run: (db) => placementsRepository.arrangedBy(db, LA, PLACEMENT_ID)
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
      },
      {
        method: 'marksFrom',
        rows: () => [{ n: '0', first: null }],
        run: (db) => attendanceRepository.marksFrom(db, PLACEMENT_ID, '2026-09-07')
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
      },
      {
        method: 'findById',
        rows: oneRow,
        run: (db) => outcomesRepository.findById(db, '1001')
      },
      {
        method: 'historyOf',
        run: (db) => outcomesRepository.historyOf(db, PLACEMENT_ID)
      },
      {
        method: 'liveFollowUps',
        run: (db) => outcomesRepository.liveFollowUps(db, PLACEMENT_ID)
      },
      {
        method: 'lockFollowUp',
        run: (db) => outcomesRepository.lockFollowUp(db, PLACEMENT_ID, 'SIX_SCHOOL_WEEKS')
      },
      {
        method: 'recordFollowUp',
        rows: oneRow,
        run: (db) =>
          outcomesRepository.recordFollowUp(db, '1101', {
            status: 'RECORDED',
            on_roll: true,
            attendance_pct: 92,
            met: true,
            recorded_on: TODAY,
            recorded_by: 'token:3',
            recorded_role: 'school'
          })
      },
      {
        method: 'schoolInScope',
        variant: 'an LA',
        run: (db) => outcomesRepository.schoolInScope(db, principals.coordinator, SCHOOL_ID)
      },
      {
        method: 'schoolInScope',
        variant: 'a school',
        run: (db) => outcomesRepository.schoolInScope(db, principals.school, SCHOOL_ID)
      },
      {
        method: 'schoolExists',
        run: (db) => outcomesRepository.schoolExists(db, SCHOOL_ID)
      }
    ]
  },
  {
    name: 'reviews',
    cases: [
      {
        method: 'summaries',
        run: (db) => reviewsRepository.summaries(db, [PLACEMENT_ID, '502'])
      },
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
      },
      {
        method: 'heldOnById',
        run: (db) => reviewsRepository.heldOnById(db, PLACEMENT_ID, REVIEW_ID)
      },
      {
        method: 'reviewsOf',
        run: (db) => reviewsRepository.reviewsOf(db, PLACEMENT_ID)
      },
      {
        method: 'findOf',
        run: (db) => reviewsRepository.findOf(db, PLACEMENT_ID, REVIEW_ID)
      },
      {
        method: 'lastHeldBefore',
        rows: () => [{ last: null }],
        run: (db) => reviewsRepository.lastHeldBefore(db, PLACEMENT_ID, TODAY)
      },
      {
        method: 'latestBetween',
        run: (db) => reviewsRepository.latestBetween(db, PLACEMENT_ID, '2026-09-07', TODAY)
      },
      {
        method: 'insert',
        rows: oneRow,
        run: (db) =>
          reviewsRepository.insert(db, {
            placement_id: PLACEMENT_ID,
            held_on: TODAY,
            attendees: JSON.stringify({
              school: true,
              provider: true,
              la: false,
              parent: true,
              pupil: true,
              others: []
            }),
            parent_views: 'Happy with progress',
            pupil_views: 'Likes the provider',
            attendance_since_last_pct: 88,
            attendance_source: 'RECORDED',
            objectives: JSON.stringify([{ objective: 0, progress: 'PARTLY', evidence: 'Attending maths' }]),
            decision: 'CONTINUE',
            next_review_on: '2026-10-26',
            recorded_by: 'token:2'
          })
      },
      {
        method: 'setSchoolView',
        run: (db) => reviewsRepository.setSchoolView(db, PLACEMENT_ID, REVIEW_ID, 'Agree with the plan')
      },
      {
        method: 'approvalsOf',
        run: (db) => reviewsRepository.approvalsOf(db, PLACEMENT_ID)
      },
      {
        method: 'approveExtension',
        rows: oneRow,
        run: (db) =>
          reviewsRepository.approveExtension(db, {
            placement_id: PLACEMENT_ID,
            up_to: '2027-02-12',
            reason: 'Reintegration needs another half term',
            approved_by: 'token:2'
          })
      },
      {
        method: 'meetRequests',
        run: (db) => reviewsRepository.meetRequests(db, PLACEMENT_ID, REVIEW_ID, TODAY)
      },
      {
        method: 'insertRequest',
        rows: oneRow,
        run: (db) =>
          reviewsRepository.insertRequest(db, {
            placement_id: PLACEMENT_ID,
            requested_by: 'PARENT',
            received_on: TODAY,
            status: 'OPEN',
            due_on: '2026-09-28',
            recorded_by: 'token:2'
          })
      }
    ]
  },
  {
    name: 'schools',
    cases: [
      {
        method: 'page',
        variant: 'an LA, every school',
        rows: countFirst,
        run: (db) => schoolsRepository.page(db, principals.coordinator, { page: 2, pageSize: 50 })
      },
      {
        method: 'page',
        variant: 'a school, by URN',
        rows: countFirst,
        run: (db) => schoolsRepository.page(db, principals.school, { page: 1, pageSize: 50, urn: '100001' })
      },
      {
        method: 'findInScope',
        variant: 'an LA',
        run: (db) => schoolsRepository.findInScope(db, principals.coordinator, SCHOOL_ID)
      },
      {
        method: 'findInScope',
        variant: 'a school',
        run: (db) => schoolsRepository.findInScope(db, principals.school, SCHOOL_ID)
      },
      {
        method: 'insert',
        rows: oneRow,
        run: (db) =>
          schoolsRepository.insert(db, {
            urn: '100001',
            laestab: '9192001',
            name: 'Hillside Academy',
            la_code: LA,
            phase: 'SECONDARY',
            type: 'ACADEMY'
          })
      },
      {
        method: 'updateInScope',
        variant: 'an LA',
        run: (db) => schoolsRepository.updateInScope(db, principals.coordinator, SCHOOL_ID, 1, { name: 'Hillside' })
      },
      {
        method: 'updateInScope',
        variant: 'a school',
        run: (db) => schoolsRepository.updateInScope(db, principals.school, SCHOOL_ID, 1, { name: 'Hillside' })
      },
      {
        method: 'laCodeOf',
        rows: () => [{ la_code: LA }],
        run: (db) => schoolsRepository.laCodeOf(db, SCHOOL_ID)
      },
      {
        method: 'findInLa',
        run: (db) => schoolsRepository.findInLa(db, SCHOOL_ID, LA)
      }
    ]
  },
  {
    name: 'local-authorities',
    cases: [
      // Every role sees only its own LA: one scope, so one case a method.
      {
        method: 'page',
        rows: countFirst,
        run: (db) => localAuthoritiesRepository.page(db, principals.la_admin, 1, 50)
      },
      {
        method: 'findInScope',
        run: (db) => localAuthoritiesRepository.findInScope(db, principals.la_admin, LA)
      },
      {
        method: 'policyFor',
        rows: () => [policyRow],
        run: (db) => localAuthoritiesRepository.policyFor(db, LA)
      },
      {
        method: 'findPolicyInScope',
        run: (db) => localAuthoritiesRepository.findPolicyInScope(db, principals.la_admin, LA)
      },
      {
        method: 'updatePolicyInScope',
        run: (db) =>
          localAuthoritiesRepository.updatePolicyInScope(db, principals.la_admin, LA, 1, {
            review_interval_school_weeks: 8,
            small_number_threshold: 10
          })
      },
      {
        method: 'upsert',
        run: (db) => localAuthoritiesRepository.upsert(db, LA, 'Example Borough')
      },
      {
        method: 'ensurePolicy',
        run: (db) => localAuthoritiesRepository.ensurePolicy(db, LA)
      }
    ]
  },
  {
    name: 'providers',
    cases: [
      {
        method: 'registrationFacts',
        variant: 'every provider a coordinator sees',
        run: (db) => providersRepository.registrationFacts(db, { principal: principals.coordinator })
      },
      {
        method: 'registrationFacts',
        variant: 'one provider, as the provider',
        run: (db) =>
          providersRepository.registrationFacts(db, { principal: principals.provider, providerId: PROVIDER_ID })
      },
      {
        method: 'registrationFacts',
        variant: "an LA's, for its compliance report",
        run: (db) => providersRepository.registrationFacts(db, { laCode: LA })
      },
      {
        method: 'tiersOf',
        run: (db) => providersRepository.tiersOf(db, [PROVIDER_ID, '202'])
      },
      {
        method: 'page',
        variant: 'an LA, every provider',
        rows: countFirst,
        run: (db) => providersRepository.page(db, principals.coordinator, { page: 2, pageSize: 50 })
      },
      {
        method: 'page',
        variant: 'a provider, offering a tier',
        rows: countFirst,
        run: (db) => providersRepository.page(db, principals.provider, { page: 1, pageSize: 50, tier: 2 })
      },
      {
        method: 'findInScope',
        variant: 'an LA',
        run: (db) => providersRepository.findInScope(db, principals.coordinator, PROVIDER_ID)
      },
      {
        method: 'findInScope',
        variant: 'a provider, locked',
        run: (db) => providersRepository.findInScope(db, principals.provider, PROVIDER_ID, { lock: true })
      },
      {
        method: 'findInLa',
        run: (db) => providersRepository.findInLa(db, PROVIDER_ID, LA)
      },
      {
        method: 'insert',
        rows: oneRow,
        run: (db) =>
          providersRepository.insert(db, {
            name: 'Riverside Learning Centre',
            la_code: LA,
            urn: '140001',
            registration_status: 'REGISTERED_INDEPENDENT_SCHOOL'
          })
      },
      {
        method: 'update',
        rows: oneRow,
        run: (db) => providersRepository.update(db, PROVIDER_ID, { qa_status: 'APPROVED', qa_date: TODAY })
      },
      {
        method: 'insertTiers',
        run: (db) =>
          providersRepository.insertTiers(db, PROVIDER_ID, [
            { tier: 2, places: 10 },
            { tier: 3, places: 4 }
          ])
      },
      {
        method: 'deleteTiers',
        run: (db) => providersRepository.deleteTiers(db, PROVIDER_ID)
      }
    ]
  },
  {
    name: 'referrals',
    cases: [
      {
        method: 'exclusionsByIds',
        run: (db) => referralsRepository.exclusionsByIds(db, [REFERRAL_ID, '602'])
      },
      {
        method: 'reasonCodeKnown',
        run: (db) => referralsRepository.reasonCodeKnown(db, 'DISRUPTIVE', LA)
      },
      {
        method: 'reasonCodes',
        run: (db) => referralsRepository.reasonCodes(db, LA)
      },
      {
        method: 'reasonCodeExists',
        run: (db) => referralsRepository.reasonCodeExists(db, 'DISRUPTIVE')
      },
      {
        method: 'insertReasonCode',
        run: (db) => referralsRepository.insertReasonCode(db, { code: 'LA_ANXIETY', label: 'Anxiety', la_code: LA })
      },
      {
        method: 'provisionStart',
        variant: 'from a date',
        run: (db) => referralsRepository.provisionStart(db, PUPIL_ID, '2026-09-07')
      },
      {
        method: 'provisionStart',
        variant: 'no date',
        run: (db) => referralsRepository.provisionStart(db, PUPIL_ID, undefined)
      },
      // Coordinators and schools see referrals; a provider (like an analyst or LA admin) sees none.
      ...(['coordinator', 'school', 'provider'] as const).map((role): QueryCase => ({
        method: 'findInScope',
        variant: `${role} read`,
        run: (db) => referralsRepository.findInScope(db, principals[role], REFERRAL_ID)
      })),
      {
        method: 'findInScope',
        variant: 'coordinator, locked',
        run: (db) => referralsRepository.findInScope(db, principals.coordinator, REFERRAL_ID, { lock: true })
      },
      {
        method: 'page',
        variant: 'coordinator, no filters',
        rows: countFirst,
        run: (db) => referralsRepository.page(db, principals.coordinator, { page: 1, pageSize: 50 }, TODAY)
      },
      {
        method: 'page',
        variant: 'school, every filter',
        rows: countFirst,
        run: (db) =>
          referralsRepository.page(
            db,
            principals.school,
            {
              page: 2,
              pageSize: 50,
              status: 'SUBMITTED',
              tier: 2,
              schoolId: SCHOOL_ID,
              pupilId: PUPIL_ID,
              overdue: true
            },
            TODAY
          )
      },
      {
        method: 'insert',
        rows: oneRow,
        run: (db) =>
          referralsRepository.insert(db, {
            pupil_id: PUPIL_ID,
            la_code: LA,
            referring_school_id: SCHOOL_ID,
            requested_tier: 2,
            legal_basis: 'SCHOOL_COMMISSIONED',
            proposed_objectives: JSON.stringify([{ description: 'Attend', baseline: '60%', target: '90%' }]),
            exclusions: JSON.stringify([]),
            submitted_on: TODAY,
            decision_due_on: '2026-09-21'
          })
      },
      {
        method: 'update',
        rows: oneRow,
        run: (db) =>
          referralsRepository.update(db, REFERRAL_ID, {
            status: 'ACCEPTED',
            decided_at: NOW,
            decided_by: 'token:2'
          })
      },
      {
        method: 'livePlacementOf',
        run: (db) => referralsRepository.livePlacementOf(db, REFERRAL_ID)
      },
      {
        method: 'removeFromWaitingLists',
        run: (db) => referralsRepository.removeFromWaitingLists(db, REFERRAL_ID)
      }
    ]
  },
  {
    name: 'tokens',
    cases: [
      {
        method: 'page',
        variant: 'every role',
        rows: countFirst,
        run: (db) => tokensRepository.page(db, principals.la_admin, { page: 1, pageSize: 50 })
      },
      {
        method: 'page',
        variant: 'one role',
        rows: countFirst,
        run: (db) => tokensRepository.page(db, principals.la_admin, { page: 2, pageSize: 50, role: 'school' })
      },
      {
        method: 'insert',
        rows: oneRow,
        run: (db) =>
          tokensRepository.insert(db, {
            token_hash: 'sha256:0000',
            label: 'Hillside office',
            role: 'school',
            la_code: LA,
            school_id: SCHOOL_ID,
            created_by: 'token:1',
            expires_at: '2027-09-01T00:00:00Z'
          })
      },
      {
        method: 'revokeInScope',
        run: (db) => tokensRepository.revokeInScope(db, principals.la_admin, '3')
      }
    ]
  },
  {
    name: 'sign-in-roles',
    cases: [
      { method: 'listOfLa', run: (db) => signInRolesRepository.listOfLa(db, principals.la_admin) },
      { method: 'findInScope', run: (db) => signInRolesRepository.findInScope(db, principals.la_admin, '7') },
      {
        method: 'insert',
        rows: oneRow,
        run: (db) =>
          signInRolesRepository.insert(db, {
            laCode: LA,
            orgType: 'school',
            orgId: SCHOOL_ID,
            email: 'head@hillside.sch.uk',
            role: 'school'
          })
      },
      {
        method: 'removeInScope',
        rows: () => [],
        run: (db) => signInRolesRepository.removeInScope(db, principals.la_admin, '7')
      },
      {
        method: 'exists',
        variant: 'an organisation',
        run: (db) => signInRolesRepository.exists(db, { orgType: 'local_authority', orgId: LA }, null)
      },
      {
        method: 'exists',
        variant: 'one user',
        run: (db) => signInRolesRepository.exists(db, { orgType: 'school', orgId: SCHOOL_ID }, 'head@hillside.sch.uk')
      },
      {
        method: 'organisationInLa',
        variant: 'a school',
        run: (db) => signInRolesRepository.organisationInLa(db, principals.la_admin, 'school', SCHOOL_ID)
      },
      {
        method: 'organisationInLa',
        variant: 'a provider',
        run: (db) => signInRolesRepository.organisationInLa(db, principals.la_admin, 'provider', PROVIDER_ID)
      }
    ]
  },
  {
    name: 'web',
    cases: [
      {
        method: 'insertSession',
        run: (db) =>
          webRepository.insertSession(db, {
            idHash: '0'.repeat(64),
            principal: principals.coordinator,
            signInRoleId: '7',
            displayName: 'A Coordinator',
            idToken: null,
            now: NOW,
            expiresAt: NOW
          })
      },
      { method: 'findSession', run: (db) => webRepository.findSession(db, '0'.repeat(64), NOW) },
      { method: 'touchSession', run: (db) => webRepository.touchSession(db, '0'.repeat(64), NOW, NOW) },
      { method: 'deleteSession', run: (db) => webRepository.deleteSession(db, '0'.repeat(64), NOW) },
      { method: 'organisationOf', variant: 'an LA', run: (db) => webRepository.organisationOf(db, { laCode: LA }) },
      {
        method: 'organisationOf',
        variant: 'a URN and a UKPRN',
        run: (db) => webRepository.organisationOf(db, { urn: '123456', ukprn: '10012345' })
      },
      {
        method: 'signInRoleFor',
        run: (db) => webRepository.signInRoleFor(db, { orgType: 'school', orgId: SCHOOL_ID }, 'head@hillside.sch.uk')
      },
      {
        method: 'demoOrganisations',
        rows: ({ index }) => (index === 0 ? [{ code: LA, name: 'Hertfordshire' }] : []),
        run: (db) => webRepository.demoOrganisations(db)
      }
    ]
  },
  {
    name: 'audit',
    cases: [
      {
        method: 'page',
        variant: 'no filters',
        rows: countFirst,
        run: (db) =>
          auditRepository.page(db, principals.la_admin, { page: 1, pageSize: 50 }, { from: undefined, to: undefined })
      },
      {
        method: 'page',
        variant: 'every filter',
        rows: countFirst,
        run: (db) =>
          auditRepository.page(
            db,
            principals.la_admin,
            { page: 2, pageSize: 50, pupilId: PUPIL_ID, actor: 'token:2' },
            { from: new Date('2026-09-01T00:00:00Z'), to: new Date('2026-10-01T00:00:00Z') }
          )
      }
    ]
  },
  {
    name: 'journey',
    cases: [
      ...ROLES.flatMap((role): QueryCase[] => [
        {
          method: 'pupilInScope',
          variant: role,
          run: (db) => journeyRepository.pupilInScope(db, principals[role], PUPIL_ID)
        },
        {
          method: 'referralsInScope',
          variant: role,
          run: (db) => journeyRepository.referralsInScope(db, principals[role], PUPIL_ID)
        },
        {
          method: 'placementsInScope',
          variant: role,
          run: (db) => journeyRepository.placementsInScope(db, principals[role], PUPIL_ID)
        }
      ]),
      {
        method: 'placementEvents',
        run: (db) => journeyRepository.placementEvents(db, PLACEMENT_IDS)
      },
      {
        method: 'reviews',
        run: (db) => journeyRepository.reviews(db, PLACEMENT_IDS)
      },
      {
        method: 'outcomes',
        run: (db) => journeyRepository.outcomes(db, PLACEMENT_IDS)
      },
      {
        method: 'liveFollowUps',
        run: (db) => journeyRepository.liveFollowUps(db, PLACEMENT_IDS)
      },
      {
        method: 'assessments',
        run: (db) => journeyRepository.assessments(db, PLACEMENT_IDS)
      },
      {
        method: 'qualifications',
        run: (db) => journeyRepository.qualifications(db, PLACEMENT_IDS)
      },
      {
        method: 'lastMarked',
        run: (db) => journeyRepository.lastMarked(db, PLACEMENT_IDS)
      }
    ]
  },
  {
    name: 'worklist',
    cases: [
      // The compound queue for each role: which branches it holds and how each is scoped.
      ...ROLES.map((role): QueryCase => ({
        method: 'queue',
        variant: `${role}, every kind`,
        rows: worklistRows,
        run: (db) => worklistRepository.queue(db, principals[role], {}, TODAY, worklistBounds, 50)
      })),
      {
        method: 'queue',
        variant: 'coordinator, one kind, every filter',
        rows: worklistRows,
        run: (db) =>
          worklistRepository.queue(
            db,
            principals.coordinator,
            { kind: 'PLANNED_END_2_WEEKS', schoolId: SCHOOL_ID, providerId: PROVIDER_ID, tier: 2 },
            TODAY,
            worklistBounds,
            50
          )
      },
      {
        method: 'queue',
        variant: 'provider, a kind it has no branch for',
        run: (db) =>
          worklistRepository.queue(db, principals.provider, { kind: 'UNEXPLAINED_ABSENCE' }, TODAY, worklistBounds, 50)
      },
      {
        method: 'offSiteNoticePlacements',
        variant: 'coordinator, no filters',
        run: (db) => worklistRepository.offSiteNoticePlacements(db, principals.coordinator, {})
      },
      {
        method: 'offSiteNoticePlacements',
        variant: "one LA's whole, for its compliance report",
        run: (db) => worklistRepository.offSiteNoticePlacements(db, { la: LA }, {})
      },
      {
        method: 'offSiteNoticePlacements',
        variant: 'school, every filter',
        run: (db) =>
          worklistRepository.offSiteNoticePlacements(db, principals.school, {
            schoolId: SCHOOL_ID,
            providerId: PROVIDER_ID,
            tier: 2
          })
      },
      {
        method: 'referralsWithExclusions',
        variant: 'coordinator, no filters',
        run: (db) => worklistRepository.referralsWithExclusions(db, principals.coordinator, {})
      },
      {
        method: 'referralsWithExclusions',
        variant: "one LA's whole, for its compliance report",
        run: (db) => worklistRepository.referralsWithExclusions(db, { la: LA }, {})
      },
      {
        method: 'referralsWithExclusions',
        variant: 'school, every filter',
        run: (db) => worklistRepository.referralsWithExclusions(db, principals.school, { schoolId: SCHOOL_ID, tier: 2 })
      },
      {
        method: 'fullTimeStarts',
        run: (db) => worklistRepository.fullTimeStarts(db, [REFERRAL_ID, '602'])
      },
      {
        method: 'pupilLaCodes',
        run: (db) => worklistRepository.pupilLaCodes(db, [PUPIL_ID, '302'])
      }
    ]
  },
  {
    name: 'reports',
    cases: [
      {
        method: 'yearRows',
        run: (db) => reportsRepository.yearRows(db, LA, YEAR)
      },
      {
        method: 'complianceRows',
        run: (db) => reportsRepository.complianceRows(db, LA, TODAY)
      }
    ]
  },
  {
    name: 'exports',
    cases: [
      {
        method: 'chunk',
        variant: 'placements, every year',
        run: (db) => exportsRepository.chunk(db, LA, 'placements', undefined, '0', 1000)
      },
      {
        method: 'chunk',
        variant: 'census, one year',
        run: (db) => exportsRepository.chunk(db, LA, 'census', YEAR, PLACEMENT_ID, 1000)
      },
      {
        method: 'chunk',
        variant: 'outcomes, every year',
        run: (db) => exportsRepository.chunk(db, LA, 'outcomes', undefined, '0', 1000)
      },
      {
        method: 'chunk',
        variant: 'outcomes, one year',
        run: (db) => exportsRepository.chunk(db, LA, 'outcomes', YEAR, PLACEMENT_ID, 1000)
      },
      {
        method: 'liveFollowUps',
        run: (db) => exportsRepository.liveFollowUps(db, PLACEMENT_IDS)
      }
    ]
  }
]
