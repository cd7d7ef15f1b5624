import type { SchoolCalendar } from '../../domain/calendar.js'
import { offSiteNoticeClocks, sixthDayClocks, type StatutoryClock } from '../../domain/clocks.js'
import { activationBlockers, isFullTime } from '../../domain/placements.js'
import { ncYearOn } from '../../domain/school-year.js'
import type { PlacementRow, PupilRow, ReferralRow } from '../../db/schema.js'
import type { FieldError } from '../../platform/errors.js'
import { toIso } from '../../platform/time.js'
import type { Attainment } from '../attainment/index.js'
import type { AttendanceSummaryView } from '../attendance/index.js'
import type { Outcome } from '../outcomes/index.js'
import type { Placement } from './placements.schemas.js'

/** A placement row and the rows around it as the API's Placement: pure, no SQL. */

export type PupilFacts = Pick<
  PupilRow,
  'id' | 'home_school_id' | 'home_la_code' | 'sen_provision' | 'date_of_birth' | 'nc_year_override'
>
export type ProviderFacts = { registration_status: string; safeguarding_confirmed_on: string | null }

/** The statutory clocks of a placement: off-site direction notices, and the sixth-day duty of its referral. */
export function placementClocks(
  row: PlacementRow,
  calendar: SchoolCalendar,
  pupil: PupilFacts,
  referral: Pick<ReferralRow, 'exclusions'> | undefined,
  year11ExamsEnd: string | null | undefined,
  today: string
): StatutoryClock[] {
  const clocks: StatutoryClock[] = []
  if (row.legal_basis === 'OFF_SITE_DIRECTION_S29A') {
    clocks.push(
      ...offSiteNoticeClocks(
        calendar,
        {
          startDate: row.start_date,
          parentNoticeOn: row.parent_notice_given_on,
          laNoticeOn: row.la_notice_given_on,
          hasEhcp: pupil.sen_provision === 'E'
        },
        today
      )
    )
  }
  if (referral) {
    // Only full-time provision (10 sessions a week across provider and home school) meets a sixth-day duty.
    const started = row.status === 'CANCELLED' || !isFullTime(row) ? null : row.start_date
    clocks.push(
      ...sixthDayClocks(calendar, referral.exclusions, started, today, {
        dateOfBirth: pupil.date_of_birth,
        ncYearOverride: pupil.nc_year_override,
        examsEnd: year11ExamsEnd ?? null,
        today
      })
    )
  }
  return clocks
}

/** What must be true before a PLANNED placement can start, as field errors (none once it has started). */
export function blockersOf(
  row: PlacementRow,
  provider: ProviderFacts | undefined,
  clocks: StatutoryClock[],
  today: string
): FieldError[] {
  if (row.status !== 'PLANNED' || !provider) return []
  return activationBlockers(
    {
      status: row.status,
      startDate: row.start_date,
      legalBasis: row.legal_basis,
      commissioner: row.commissioner_type,
      objectives: row.plan.objectives.length,
      firstReviewDueOn: row.first_review_due_on,
      providerUnregistered: provider.registration_status === 'UNREGISTERED',
      providerSafeguardingConfirmedOn: provider.safeguarding_confirmed_on,
      laNotifiedOn: row.la_notified_on,
      noticeClocks: clocks.filter((c) => c.kind.startsWith('OFF_SITE_NOTICE'))
    },
    today
  )
}

export interface PlacementRelated {
  pupil: PupilFacts
  calendar: SchoolCalendar
  clocks: StatutoryClock[]
  reviewed: { last: string | null; count: number }
  outcome: Outcome | null
  attendance: AttendanceSummaryView
  attainment: Attainment
  blockers: FieldError[]
}

/** The placement's own baseline: copied from its referral, carried along escalations and step-downs. */
export const baselineOf = (row: Pick<PlacementRow, 'baseline_attendance_pct'>): number | null =>
  row.baseline_attendance_pct == null ? null : Number(row.baseline_attendance_pct)

export function toPlacement(row: PlacementRow, r: PlacementRelated, today: string): Placement {
  return {
    id: row.id,
    referralId: row.referral_id,
    previousPlacementId: row.previous_placement_id,
    pupilId: row.pupil_id,
    laCode: row.la_code,
    tier: row.tier,
    providerId: row.provider_id,
    commissionerType: row.commissioner_type,
    commissionerSchoolId: row.commissioner_school_id,
    legalBasis: row.legal_basis,
    reasonCode: row.reason_code,
    status: row.status,
    startDate: row.start_date,
    plannedEndDate: row.planned_end_date,
    endDate: row.end_date,
    ncYearAtStart: ncYearOn(r.pupil.date_of_birth, r.pupil.nc_year_override, row.start_date, today),
    sessionsAtProvider: row.sessions_at_provider,
    sessionsAtHomeSchool: row.sessions_at_home_school,
    partTime: !isFullTime(row),
    partTimePlan: row.part_time_plan_end_date
      ? { endDate: row.part_time_plan_end_date, details: row.part_time_plan_details ?? '' }
      : null,
    registration: row.registration,
    homeAttendanceCode: row.home_attendance_code,
    plan: row.plan,
    firstReviewDueOn: row.first_review_due_on,
    nextReviewDueOn: row.next_review_due_on,
    nextReviewRule: row.next_review_rule,
    lastReviewOn: r.reviewed.last,
    reviewCount: r.reviewed.count,
    reviewOverdue: row.status === 'ACTIVE' && row.next_review_due_on !== null && row.next_review_due_on < today,
    extensionCount: row.extension_count,
    laNotifiedOn: row.la_notified_on,
    parentNoticeGivenOn: row.parent_notice_given_on,
    laNoticeGivenOn: row.la_notice_given_on,
    baselineAttendancePct: baselineOf(row),
    pauseReason: row.pause_reason,
    endedReason: row.ended_reason,
    outcome: r.outcome,
    attendance: r.attendance,
    attainment: r.attainment,
    clocks: r.clocks,
    activationBlockers: r.blockers,
    estimatedCalendar: r.calendar.sourcesUsed().some((s) => s.source === 'estimated'),
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at)
  }
}
