import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely'
import type * as T from './types.js'

/**
 * The Kysely table types are generated from the migrated schema into ./types.ts (npm run db:types); this file
 * only names them as the modules know them. One policy on both drivers (see database.ts): bigint ids and counts
 * come back as decimal strings, `date` as 'YYYY-MM-DD' strings, timestamptz as JS Date (converted to ISO 8601 UTC
 * at the API edge), numeric as a string from pg and a number from PGlite (map with Number()).
 */
export type { DB } from './types.js'
export type { AttendeesJson, ExclusionJson, ObjectiveJson, PlanJson, ReviewObjectiveJson } from './json.js'

type Id = ColumnType<string, never, never>
type Version = ColumnType<number, never, number>

export type LocalAuthorityTable = T.LocalAuthority
export type LaPolicyTable = T.LaPolicy
export type SchoolTable = T.School
export type ProviderTable = T.Provider
export type ProviderTierTable = T.ProviderTier
export type PupilTable = T.Pupil
export type ApiTokenTable = T.ApiToken
export type AuditEventTable = T.AuditEvent
export type IdempotencyKeyTable = T.IdempotencyKey
export type TermCalendarTable = T.TermCalendar
export type HalfTermTable = T.HalfTerm
export type CalendarClosureTable = T.CalendarClosure
export type ReasonCodeTable = T.ReasonCode
export type ReferralTable = T.Referral
export type PlacementTable = T.Placement
export type PlacementEventTable = T.PlacementEvent
export type WaitingListEntryTable = T.WaitingListEntry
export type ReviewTable = T.Review
export type ReviewRequestTable = T.ReviewRequest
export type ExtensionApprovalTable = T.ExtensionApproval
export type PlacementOutcomeTable = T.PlacementOutcome
export type OutcomeFollowUpTable = T.OutcomeFollowUp
export type AttendanceMarkTable = T.AttendanceMark
export type AttendanceCorrectionTable = T.AttendanceCorrection
export type AssessmentTable = T.Assessment
export type QualificationResultTable = T.QualificationResult

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
