import type { StatutoryClock } from '../../domain/clocks.js'
import type { ReferralRow } from '../../db/schema.js'
import { toIso } from '../../platform/time.js'
import type { Referral } from './referrals.schemas.js'

/** The API shape of a referral, given its clocks and whether its calendar was estimated (as of `today`). */
export function toReferral(
  row: ReferralRow,
  facts: { today: string; clocks: StatutoryClock[]; estimatedCalendar: boolean }
): Referral {
  return {
    id: row.id,
    pupilId: row.pupil_id,
    laCode: row.la_code,
    referringSchoolId: row.referring_school_id,
    requestedTier: row.requested_tier,
    legalBasis: row.legal_basis,
    reasonCode: row.reason_code,
    needsSummary: row.needs_summary,
    interventionsTried: row.interventions_tried,
    proposedObjectives: row.proposed_objectives,
    baselineAttendancePct: row.baseline_attendance_pct === null ? null : Number(row.baseline_attendance_pct),
    baselineFrom: row.baseline_from,
    baselineTo: row.baseline_to,
    parentConsultedOn: row.parent_consulted_on,
    pupilViews: row.pupil_views,
    sendCaseworkerToldOn: row.send_caseworker_told_on,
    virtualSchoolToldOn: row.virtual_school_told_on,
    exclusions: row.exclusions,
    preferredProviderId: row.preferred_provider_id,
    status: row.status,
    receivedOn: row.received_on,
    submittedOn: row.submitted_on,
    decisionDueOn: row.decision_due_on,
    decisionOverdue: row.status === 'SUBMITTED' && facts.today > row.decision_due_on,
    decidedAt: row.decided_at ? toIso(row.decided_at) : null,
    decisionReason: row.decision_reason,
    clocks: facts.clocks,
    estimatedCalendar: facts.estimatedCalendar,
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at)
  }
}
