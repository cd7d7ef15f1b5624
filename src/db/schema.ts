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
  response_body: string | null
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
}

export type SchoolRow = Selectable<SchoolTable>
export type ProviderRow = Selectable<ProviderTable>
export type PupilRow = Selectable<PupilTable>
export type ApiTokenRow = Selectable<ApiTokenTable>
export type AuditEventRow = Selectable<AuditEventTable>
export type NewAuditEvent = Insertable<AuditEventTable>
export type PupilUpdate = Updateable<PupilTable>
export type { Id, Version }
