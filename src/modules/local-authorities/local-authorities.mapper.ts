import { toIso } from '../../platform/time.js'
import type { LaPolicyRow, LocalAuthorityRow } from './local-authorities.repository.js'
import type { LaPolicy, LocalAuthority } from './local-authorities.schemas.js'

export const toLocalAuthority = (row: LocalAuthorityRow): LocalAuthority => ({
  code: row.code,
  name: row.name,
  createdAt: toIso(row.created_at),
  updatedAt: toIso(row.updated_at)
})

export const toPolicy = (row: LaPolicyRow): LaPolicy => ({
  laCode: row.la_code,
  reviewIntervalSchoolWeeks: row.review_interval_school_weeks,
  firstReviewSchoolDays: row.first_review_school_days,
  referralDecisionSchoolDays: row.referral_decision_school_days,
  tier1MaxSchoolWeeks: row.tier1_max_school_weeks,
  tier2MaxSchoolWeeks: row.tier2_max_school_weeks,
  tier3MaxSchoolWeeks: row.tier3_max_school_weeks,
  smallNumberThreshold: row.small_number_threshold,
  fullTimeThresholdHours: row.full_time_threshold_hours,
  sustainedAttendancePct: Number(row.sustained_attendance_pct),
  followUpResponseSchoolDays: row.follow_up_response_school_days,
  year11ExamsEnd: row.year11_exams_end,
  updatedAt: toIso(row.updated_at)
})
