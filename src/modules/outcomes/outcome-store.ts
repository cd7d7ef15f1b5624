import type { Kysely } from 'kysely'
import { DateTime } from 'luxon'
import { followUpSchedule, isPost16Checkpoint, isReintegration, sustainedStatus } from '../../domain/outcomes.js'
import type { DB, FollowUpRow, PlacementOutcomeRow, PlacementRow, PupilRow } from '../../db/schema.js'
import { toIso } from '../../platform/time.js'
import { policyFor } from '../local-authorities/index.js'
import { calendarForPupil } from '../pupils/index.js'
import type { CloseWithOutcome, FollowUp, Outcome } from './outcomes.schemas.js'

/** Outcome rows and their follow-ups: storing them and turning them into API views. No placement imports. */

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

/**
 * Inserts an outcome (a correction when `correcting` is given) and brings the placement's follow-ups into line
 * with it: pending checks move to the new dates, recorded ones stand, ones the new outcome does not have are
 * superseded (a recorded result is kept on the superseded row), new ones are added. The follow-ups run on the receiving school's calendar when it is one of ours.
 */
export async function storeOutcome(
  trx: Kysely<DB>,
  placement: PlacementRow,
  pupil: Pick<PupilRow, 'home_school_id' | 'home_la_code' | 'date_of_birth'>,
  input: OutcomeInput,
  recordedBy: string,
  correcting?: { id: string; reason: string }
): Promise<PlacementOutcomeRow> {
  const row = await trx
    .insertInto('placement_outcome')
    .values({
      placement_id: placement.id,
      code: input.code,
      effective_date: input.effectiveDate,
      receiving_school_id: input.receiving?.schoolId ?? null,
      receiving_provider_id: input.receiving?.providerId ?? null,
      receiving_name: input.receiving?.name ?? null,
      receiving_identifier: input.receiving?.identifier ?? null,
      final_review_id: input.finalReviewId ?? null,
      final_review_missing_reason: input.finalReviewId ? null : (input.finalReviewMissingReason ?? null),
      reasons: input.reasons ?? null,
      other_text: input.otherText ?? null,
      phased_plan_end_date: input.phasedPlan?.endDate ?? null,
      phased_plan_details: input.phasedPlan?.details ?? null,
      destination: input.destination?.code ?? null,
      destination_source: input.destination?.source ?? null,
      september_guarantee: input.destination?.septemberGuarantee ?? null,
      destination_provider_name: input.destination?.provider?.name ?? null,
      destination_provider_identifier: input.destination?.provider?.identifier ?? null,
      corrects_id: correcting?.id ?? null,
      correction_reason: correcting?.reason ?? null,
      recorded_by: recordedBy
    })
    .returningAll()
    .executeTakeFirstOrThrow()

  const [calendar, policy] = await Promise.all([
    calendarForPupil(trx, {
      home_school_id: input.receiving?.schoolId ?? pupil.home_school_id,
      home_la_code: pupil.home_la_code
    }),
    policyFor(trx, placement.la_code)
  ])
  const schedule = followUpSchedule(
    input.code,
    input.effectiveDate,
    pupil.date_of_birth,
    calendar,
    policy.follow_up_response_school_days
  )
  const live = await trx
    .selectFrom('outcome_follow_up')
    .selectAll()
    .where('placement_id', '=', placement.id)
    .where('status', '<>', 'SUPERSEDED')
    .execute()
  for (const f of live) {
    const due = schedule.find((s) => s.checkpoint === f.checkpoint)
    if (!due) await trx.updateTable('outcome_follow_up').set({ status: 'SUPERSEDED' }).where('id', '=', f.id).execute()
    else if (f.status === 'PENDING')
      await trx
        .updateTable('outcome_follow_up')
        .set({ opens_on: due.opensOn, due_on: due.dueOn })
        .where('id', '=', f.id)
        .execute()
  }
  const fresh = schedule.filter((s) => !live.some((f) => f.checkpoint === s.checkpoint))
  if (fresh.length > 0) {
    await trx
      .insertInto('outcome_follow_up')
      .values(
        fresh.map((s) => ({
          placement_id: placement.id,
          checkpoint: s.checkpoint,
          opens_on: s.opensOn,
          due_on: s.dueOn
        }))
      )
      .execute()
  }
  return row
}

/** Who records a check: the school or the LA after a return to school; the LA or the provider after post-16 transition. */
export const recordersOf = (checkpoint: string): ('coordinator' | 'school' | 'provider')[] =>
  isPost16Checkpoint(checkpoint) ? ['coordinator', 'provider'] : ['coordinator', 'school']

const num = (v: string | number | null) => (v === null ? null : Number(v))

export function toFollowUp(f: FollowUpRow, today: string): FollowUp {
  return {
    id: f.id,
    checkpoint: f.checkpoint as FollowUp['checkpoint'],
    opensOn: f.opens_on,
    dueOn: f.due_on,
    status: f.status as FollowUp['status'],
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
    code: o.code as Outcome['code'],
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
            code: o.destination as NonNullable<Outcome['destination']>['code'],
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

/** The current outcome of each of `placements` that has one, with its live follow-ups, in two queries. */
export async function currentOutcomes(
  db: Kysely<DB>,
  placements: Pick<PlacementRow, 'id' | 'outcome_id'>[],
  today: string
): Promise<Map<string, Outcome>> {
  const ids = placements.map((p) => p.outcome_id).filter((id): id is string => id !== null)
  const result = new Map<string, Outcome>()
  if (ids.length === 0) return result
  const placementIds = placements.filter((p) => p.outcome_id !== null).map((p) => p.id)
  const [outcomes, followUps] = await Promise.all([
    db.selectFrom('placement_outcome').selectAll().where('id', 'in', ids).execute(),
    db
      .selectFrom('outcome_follow_up')
      .selectAll()
      .where('placement_id', 'in', placementIds)
      .where('status', '<>', 'SUPERSEDED')
      .execute()
  ])
  for (const o of outcomes)
    result.set(
      o.placement_id,
      toOutcome(
        o,
        followUps.filter((f) => f.placement_id === o.placement_id),
        today,
        true
      )
    )
  return result
}
