import type { Kysely, Updateable } from 'kysely'
import type { Principal } from '../../platform/auth/principal.js'
import { schoolScope } from '../../db/scope.js'
import { followUpSchedule } from '../../domain/outcomes.js'
import type { DB, FollowUpRow, PlacementOutcomeRow, PlacementRow, PupilRow } from '../../db/schema.js'
import { policyFor } from '../local-authorities/index.js'
import { calendarForPupil } from '../pupils/index.js'
import { type OutcomeInput, toOutcome } from './outcomes.mapper.js'
import type { Outcome } from './outcomes.schemas.js'

/** All SQL on outcomes and their follow-ups. */

/**
 * Inserts an outcome (a correction when `correcting` is given) and brings the placement's follow-ups into line
 * with it: pending checks move to the new dates, recorded ones stand, ones the new outcome does not have are
 * superseded (a recorded result is kept on the superseded row), new ones are added. The follow-ups run on the
 * receiving school's calendar when it is one of ours.
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

export function findById(db: Kysely<DB>, outcomeId: string): Promise<PlacementOutcomeRow> {
  return db.selectFrom('placement_outcome').selectAll().where('id', '=', outcomeId).executeTakeFirstOrThrow()
}

/** Every outcome a placement has had, newest first (the current one and those it corrected). */
export function historyOf(db: Kysely<DB>, placementId: string) {
  return db
    .selectFrom('placement_outcome')
    .selectAll()
    .where('placement_id', '=', placementId)
    .orderBy('id', 'desc')
    .execute()
}

/** A placement's follow-ups that still stand (not superseded by a correction). */
export function liveFollowUps(db: Kysely<DB>, placementId: string) {
  return db
    .selectFrom('outcome_follow_up')
    .selectAll()
    .where('placement_id', '=', placementId)
    .where('status', '<>', 'SUPERSEDED')
    .execute()
}

/** One standing follow-up check of a placement, locked for recording. */
export function lockFollowUp(db: Kysely<DB>, placementId: string, checkpoint: FollowUpRow['checkpoint']) {
  return db
    .selectFrom('outcome_follow_up')
    .selectAll()
    .where('placement_id', '=', placementId)
    .where('checkpoint', '=', checkpoint)
    .where('status', '<>', 'SUPERSEDED')
    .forUpdate()
    .executeTakeFirst()
}

export function recordFollowUp(db: Kysely<DB>, id: string, set: Updateable<DB['outcome_follow_up']>) {
  return db.updateTable('outcome_follow_up').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow()
}

/** Whether a school of the caller's LA (in its scope) has this id: a receiving school. */
export async function schoolInScope(db: Kysely<DB>, p: Principal, schoolId: string): Promise<boolean> {
  const row = await db
    .selectFrom('school')
    .select('id')
    .where(schoolScope(p))
    .where('id', '=', schoolId)
    .executeTakeFirst()
  return row !== undefined
}

/** Whether any school has this id: the school a pupil is on the roll of at a follow-up. */
export async function schoolExists(db: Kysely<DB>, schoolId: string): Promise<boolean> {
  return (await db.selectFrom('school').select('id').where('id', '=', schoolId).executeTakeFirst()) !== undefined
}
