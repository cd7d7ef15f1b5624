import { DateTime } from 'luxon'
import { isReintegration, recordersOf, sustainedStatus } from '../../domain/outcomes.js'
import type { FollowUpRow, PlacementOutcomeRow } from '../../db/schema.js'
import { toIso } from '../../platform/time.js'
import type { CloseWithOutcome, FollowUp, Outcome } from './outcomes.schemas.js'

/** Outcome rows and their follow-ups as API views. */

export type OutcomeInput = Omit<CloseWithOutcome, 'receiving'> & {
  receiving?:
    | {
        schoolId?: string | undefined
        providerId?: string | undefined
        name?: string | undefined
        identifier?: string | undefined
      }
    | undefined
}

/** The day before an outcome takes effect: the placement's last day. */
export const lastDayBefore = (effectiveDate: string) => DateTime.fromISO(effectiveDate).minus({ days: 1 }).toISODate()!

const num = (v: string | number | null) => (v === null ? null : Number(v))

export function toFollowUp(f: FollowUpRow, today: string): FollowUp {
  return {
    id: f.id,
    checkpoint: f.checkpoint,
    opensOn: f.opens_on,
    dueOn: f.due_on,
    status: f.status,
    overdue: f.status === 'PENDING' && f.due_on < today,
    recordedBy: recordersOf(f.checkpoint),
    result:
      f.recorded_on === null
        ? null
        : {
            onRoll: f.on_roll,
            rollSchoolId: f.roll_school_id,
            attendancePct: num(f.attendance_pct),
            permanentlyExcluded: f.permanently_excluded,
            suspensionDays: num(f.suspension_days),
            newPlacement: f.new_placement,
            newPlacementId: f.new_placement_id,
            participating: f.participating,
            destination: f.destination,
            monthsInEducation: f.months_in_education,
            monthsInEmployment: f.months_in_employment,
            apprenticeshipMonths: f.apprenticeship_months,
            notes: f.notes,
            recordedOn: f.recorded_on,
            recordedRole: f.recorded_role ?? ''
          },
    met: f.met,
    reasons: f.not_met_reasons
  }
}

export function toOutcome(o: PlacementOutcomeRow, followUps: FollowUpRow[], today: string, current: boolean): Outcome {
  const mine = current ? followUps : []
  return {
    id: o.id,
    code: o.code,
    effectiveDate: o.effective_date,
    receiving: {
      schoolId: o.receiving_school_id,
      providerId: o.receiving_provider_id,
      name: o.receiving_name,
      identifier: o.receiving_identifier
    },
    finalReviewId: o.final_review_id,
    finalReviewMissingReason: o.final_review_missing_reason,
    reasons: o.reasons,
    otherText: o.other_text,
    phasedPlan: o.phased_plan_end_date
      ? { endDate: o.phased_plan_end_date, details: o.phased_plan_details ?? '' }
      : null,
    destination:
      o.destination === null
        ? null
        : {
            code: o.destination,
            septemberGuarantee: o.september_guarantee,
            source: o.destination_source,
            provider: o.destination_provider_name
              ? { name: o.destination_provider_name, identifier: o.destination_provider_identifier }
              : null
          },
    reintegration: isReintegration(o.code),
    sustained: current ? sustainedStatus(o.code, followUps) : null,
    followUps: mine
      .filter((f) => f.status !== 'SUPERSEDED')
      .sort((a, b) => a.opens_on.localeCompare(b.opens_on))
      .map((f) => toFollowUp(f, today)),
    correctsId: o.corrects_id,
    correctionReason: o.correction_reason,
    recordedBy: o.recorded_by,
    createdAt: toIso(o.created_at)
  }
}
