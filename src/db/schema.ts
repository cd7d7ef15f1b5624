import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely'

/**
 * Table types for Kysely. One policy on both drivers (see database.ts):
 * bigint ids and counts come back as decimal strings, `date` as 'YYYY-MM-DD' strings,
 * timestamptz as JS Date (converted to ISO 8601 UTC at the API edge).
 */
type Id = ColumnType<string, never, never>
type Int8 = ColumnType<string, string | number | bigint, string | number | bigint>
type DateString = string
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>
type Version = ColumnType<number, never, number>

export interface LocalAuthorityTable {
  code: string
  name: string
  version: Generated<number>
  created_at: Generated<Date>
  updated_at: Timestamp
}

export interface LaPolicyTable {
  la_code: string
  review_interval_school_weeks: Generated<number>
  first_review_school_days: Generated<number>
  referral_decision_school_days: Generated<number>
  tier1_max_school_weeks: Generated<number>
  tier2_max_school_weeks: Generated<number>
  tier3_max_school_weeks: number | null
  small_number_threshold: Generated<number>
  full_time_threshold_hours: Generated<number>
  sustained_attendance_pct: ColumnType<string | number, string | number | undefined, string | number>
  follow_up_response_school_days: Generated<number>
  /** Month and day (MM-DD) Year 11's public examinations end each year; null: the last Friday of June. */
  year11_exams_end: string | null
  version: Generated<number>
  updated_at: Timestamp
}

export interface SchoolTable {
  id: Generated<string>
  urn: string
  laestab: string
  name: string
  la_code: string
  phase: string
  type: string
  version: Generated<number>
  created_at: Generated<Date>
  updated_at: Timestamp
}

export interface ProviderTable {
  id: Generated<string>
  name: string
  la_code: string
  urn: string | null
  ukprn: string | null
  setting_type: string | null
  registration_status: string
  qa_status: Generated<string>
  qa_date: DateString | null
  safeguarding_confirmed_on: DateString | null
  version: Generated<number>
  created_at: Generated<Date>
  updated_at: Timestamp
}

export interface ProviderTierTable {
  provider_id: Int8
  tier: number
  places: number
}

export interface PupilTable {
  id: Generated<string>
  upn: string
  uln: string | null
  legal_forename: string
  legal_surname: string
  preferred_forename: string | null
  preferred_surname: string | null
  date_of_birth: DateString
  sex: string
  sen_provision: Generated<string>
  fsm_eligible: Generated<boolean>
  looked_after: Generated<boolean>
  child_in_need: Generated<boolean>
  ethnicity: Generated<string>
  home_school_id: Int8 | null
  home_la_code: string
  nc_year_override: number | null
  version: Generated<number>
  created_at: Generated<Date>
  updated_at: Timestamp
}

export interface ApiTokenTable {
  id: Generated<string>
  token_hash: string
  label: string
  role: string
  la_code: string
  school_id: Int8 | null
  provider_id: Int8 | null
  created_by: string
  created_at: Generated<Date>
  expires_at: Timestamp
  revoked_at: Timestamp | null
}

export interface AuditEventTable {
  id: Generated<string>
  at: Generated<Date>
  request_id: string | null
  actor: string
  role: string
  org_type: string
  org_id: string
  actor_la_code: string | null
  action: string
  entity: string
  entity_id: string | null
  pupil_id: Int8 | null
  pupil_la_code: string | null
  changed_fields: string[] | null
}

export interface IdempotencyKeyTable {
  principal: string
  key: string
  method: string
  path: string
  request_hash: string
  status_code: number | null
  response_headers: ColumnType<Record<string, string> | null, string | null, string | null>
  /** The request attempt that holds the key; a retry after `locked_until` takes it over with a new one. */
  attempt: string | null
  locked_until: Date | null
  /** The resource the first successful attempt created, written in that write's own transaction. */
  entity_id: string | null
  created_at: Generated<Date>
}

export interface TermCalendarTable {
  id: Generated<string>
  la_code: string | null
  school_id: Int8 | null
  academic_year: string
  version: Generated<number>
  created_at: Generated<Date>
  updated_at: Timestamp
}

export interface HalfTermTable {
  calendar_id: Int8
  number: number
  first_day: DateString
  last_day: DateString
}

export interface CalendarClosureTable {
  calendar_id: Int8
  day: DateString
  kind: string
  reason: string | null
}

export interface ReasonCodeTable {
  code: string
  label: string
  la_code: string | null
  created_at: Generated<Date>
}

/** Numeric columns arrive as strings from pg and numbers from PGlite; map with Number(). */
type Numeric = ColumnType<string | number, string | number, string | number>
type Json<T> = ColumnType<T, string, string>

export interface ObjectiveJson {
  description: string
  baseline: string
  target: string
}
export interface ExclusionJson {
  kind: 'SUSPENSION' | 'PERMANENT'
  firstDay: string
  lengthSchoolDays: number | null
}
export interface PlanJson {
  objectives: ObjectiveJson[]
  reintegrationPlan: string | null
  transitionPlan: string | null
  intendedPost16Route: string | null
  readinessCriteria: string | null
}

export interface ReferralTable {
  id: Generated<string>
  pupil_id: Int8
  la_code: string
  referring_school_id: Int8 | null
  requested_tier: number
  legal_basis: string
  reason_code: string | null
  needs_summary: string | null
  interventions_tried: string | null
  proposed_objectives: Json<ObjectiveJson[]>
  baseline_attendance_pct: Numeric | null
  baseline_from: DateString | null
  baseline_to: DateString | null
  parent_consulted_on: DateString | null
  pupil_views: string | null
  send_caseworker_told_on: DateString | null
  virtual_school_told_on: DateString | null
  exclusions: Json<ExclusionJson[]>
  preferred_provider_id: Int8 | null
  status: Generated<string>
  submitted_on: DateString
  /** When the referral was received; a trigger fills it from submitted_on when not given. */
  received_on: Generated<DateString>
  decision_due_on: DateString
  decided_at: Timestamp | null
  decided_by: string | null
  decision_reason: string | null
  version: Generated<number>
  created_at: Generated<Date>
  updated_at: Timestamp
}

export interface PlacementTable {
  id: Generated<string>
  referral_id: Int8 | null
  previous_placement_id: Int8 | null
  pupil_id: Int8
  pupil_home_la_code: string
  la_code: string
  tier: number
  provider_id: Int8
  commissioner_type: string
  commissioner_school_id: Int8 | null
  legal_basis: string
  reason_code: string | null
  start_date: DateString
  planned_end_date: DateString | null
  end_date: DateString | null
  status: Generated<string>
  sessions_at_provider: number
  sessions_at_home_school: number
  part_time_plan_end_date: DateString | null
  part_time_plan_details: string | null
  registration: string
  home_attendance_code: string | null
  plan: Json<PlanJson>
  first_review_due_on: DateString
  /** The pupil's attendance baseline, carried from the referral along escalations and step-downs. */
  baseline_attendance_pct: Numeric | null
  la_notified_on: DateString | null
  parent_notice_given_on: DateString | null
  la_notice_given_on: DateString | null
  pause_reason: string | null
  ended_reason: string | null
  activated_at: Timestamp | null
  next_review_due_on: DateString | null
  next_review_rule: string | null
  extension_count: Generated<number>
  outcome_id: Int8 | null
  version: Generated<number>
  created_at: Generated<Date>
  updated_at: Timestamp
}

export interface PlacementEventTable {
  id: Generated<string>
  placement_id: Int8
  event: string
  on_date: DateString
  reason: string | null
  actor: string
  at: Generated<Date>
}

export interface WaitingListEntryTable {
  referral_id: Int8
  provider_id: Int8
  tier: number
  added_at: Generated<Date>
}

export interface ReviewObjectiveJson {
  objective: number
  progress: 'MET' | 'PARTLY' | 'NOT_MET'
  evidence: string
}
export interface AttendeesJson {
  school: boolean
  provider: boolean
  la: boolean
  parent: boolean
  pupil: boolean
  others: string[]
}

export interface ReviewTable {
  id: Generated<string>
  placement_id: Int8
  held_on: DateString
  attendees: Json<AttendeesJson>
  parent_views: string | null
  parent_views_missing_reason: string | null
  pupil_views: string | null
  pupil_views_missing_reason: string | null
  attendance_since_last_pct: Numeric | null
  attendance_source: string
  objectives: Json<ReviewObjectiveJson[]>
  decision: string
  extension_new_end: DateString | null
  extension_reasons: string | null
  next_review_on: DateString | null
  school_view: string | null
  school_view_at: Timestamp | null
  recorded_by: string
  created_at: Generated<Date>
}

export interface ReviewRequestTable {
  id: Generated<string>
  placement_id: Int8
  requested_by: string
  received_on: DateString
  status: string
  due_on: DateString | null
  declined_reason: string | null
  met_by_review_id: Int8 | null
  recorded_by: string
  created_at: Generated<Date>
}

export interface ExtensionApprovalTable {
  id: Generated<string>
  placement_id: Int8
  up_to: DateString
  reason: string
  approved_by: string
  approved_at: Generated<Date>
}

export interface PlacementOutcomeTable {
  id: Generated<string>
  placement_id: Int8
  code: string
  effective_date: DateString
  receiving_school_id: Int8 | null
  receiving_provider_id: Int8 | null
  receiving_name: string | null
  receiving_identifier: string | null
  final_review_id: Int8 | null
  final_review_missing_reason: string | null
  reasons: string | null
  other_text: string | null
  phased_plan_end_date: DateString | null
  phased_plan_details: string | null
  destination: string | null
  destination_source: string | null
  september_guarantee: string | null
  destination_provider_name: string | null
  destination_provider_identifier: string | null
  corrects_id: Int8 | null
  correction_reason: string | null
  recorded_by: string
  created_at: Generated<Date>
}

export interface OutcomeFollowUpTable {
  id: Generated<string>
  placement_id: Int8
  checkpoint: string
  opens_on: DateString
  due_on: DateString
  status: Generated<string>
  on_roll: boolean | null
  roll_school_id: Int8 | null
  attendance_pct: Numeric | null
  permanently_excluded: boolean | null
  suspension_days: Numeric | null
  new_placement: boolean | null
  new_placement_id: Int8 | null
  participating: boolean | null
  destination: string | null
  months_in_education: number | null
  months_in_employment: number | null
  apprenticeship_months: number | null
  met: boolean | null
  not_met_reasons: ColumnType<string[], string | undefined, string>
  notes: string | null
  recorded_on: DateString | null
  recorded_by: string | null
  recorded_role: string | null
  created_at: Generated<Date>
}

export interface AttendanceMarkTable {
  placement_id: Int8
  on_date: DateString
  session: string
  code: string
  reason: string | null
  recorded_by: string
  updated_at: Generated<Date>
}

export interface AttendanceCorrectionTable {
  id: Generated<string>
  placement_id: Int8
  on_date: DateString
  session: string
  old_code: string
  old_reason: string | null
  new_code: string
  new_reason: string | null
  corrected_by: string
  request_id: string
  at: Generated<Date>
}

export interface AssessmentTable {
  id: Generated<string>
  placement_id: Int8
  subject: string
  stage: string
  assessed_on: DateString
  scale: string
  scale_name: string | null
  scale_min: Numeric
  scale_max: Numeric
  score: Numeric
  review_id: Int8 | null
  recorded_by: string
  created_at: Generated<Date>
}

export interface QualificationResultTable {
  id: Generated<string>
  placement_id: Int8
  subject: string
  qualification: string
  level: string | null
  grade: string
  awarded_on: DateString
  recorded_by: string
  created_at: Generated<Date>
}

export interface DB {
  local_authority: LocalAuthorityTable
  la_policy: LaPolicyTable
  school: SchoolTable
  provider: ProviderTable
  provider_tier: ProviderTierTable
  pupil: PupilTable
  api_token: ApiTokenTable
  audit_event: AuditEventTable
  idempotency_key: IdempotencyKeyTable
  term_calendar: TermCalendarTable
  half_term: HalfTermTable
  calendar_closure: CalendarClosureTable
  reason_code: ReasonCodeTable
  referral: ReferralTable
  placement: PlacementTable
  waiting_list_entry: WaitingListEntryTable
  placement_event: PlacementEventTable
  review: ReviewTable
  review_request: ReviewRequestTable
  extension_approval: ExtensionApprovalTable
  placement_outcome: PlacementOutcomeTable
  outcome_follow_up: OutcomeFollowUpTable
  attendance_mark: AttendanceMarkTable
  attendance_correction: AttendanceCorrectionTable
  assessment: AssessmentTable
  qualification_result: QualificationResultTable
}

export type PlacementOutcomeRow = Selectable<PlacementOutcomeTable>
export type FollowUpRow = Selectable<OutcomeFollowUpTable>
export type AssessmentRow = Selectable<AssessmentTable>

export type ReviewRow = Selectable<ReviewTable>

export type ReferralRow = Selectable<ReferralTable>
export type PlacementRow = Selectable<PlacementTable>

export type SchoolRow = Selectable<SchoolTable>
export type ProviderRow = Selectable<ProviderTable>
export type PupilRow = Selectable<PupilTable>
export type ApiTokenRow = Selectable<ApiTokenTable>
export type AuditEventRow = Selectable<AuditEventTable>
export type NewAuditEvent = Insertable<AuditEventTable>
export type PupilUpdate = Updateable<PupilTable>
export type { Id, Version }
