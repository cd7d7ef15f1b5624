import type { Kysely } from 'kysely'
import type { Principal } from '../../platform/auth/principal.js'
import {
  type Checkpoint,
  followUpRefusal,
  isPost16Checkpoint,
  type OutcomeCode,
  outcomeErrors,
  post16Held,
  reintegrationHeld
} from '../../domain/outcomes.js'
import { overlapRefusal } from '../../domain/placements.js'
import { ncYear } from '../../domain/school-year.js'
import type { DB, PlacementRow, PupilRow } from '../../db/schema.js'
import {
  conflict,
  type FieldError,
  notFound,
  preconditionFailed,
  refuseIf,
  ruleFailed,
  unprocessable
} from '../../platform/errors.js'
import { type Clock, systemClock, todayIn } from '../../platform/time.js'
import { type Actor, writeAudit } from '../../db/audit.js'
import { placementView } from '../../views/placement/placement.view.js'
import { attendanceRepository } from '../attendance/index.js'
import { placementsRepository } from '../placements/index.js'
import { reviewsRepository } from '../reviews/index.js'
import { policyFor } from '../local-authorities/index.js'
import { calendarForPupil } from '../pupils/index.js'
import { lastDayBefore, type OutcomeInput, toFollowUp, toOutcome } from './outcomes.mapper.js'
import * as repo from './outcomes.repository.js'
import { storeOutcome } from './outcomes.repository.js'
import type { CorrectOutcome, FollowUpResult } from './outcomes.schemas.js'

export class OutcomesService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock = systemClock
  ) {}

  #today(): string {
    return todayIn(this.clock)
  }

  /** Checks an outcome against the placement, the pupil and the LA's organisations; 422 naming each broken rule. */
  async #validate(
    trx: Kysely<DB>,
    p: Principal,
    placement: PlacementRow,
    pupil: PupilRow,
    input: OutcomeInput
  ): Promise<OutcomeInput> {
    const errors: FieldError[] = []
    const receiving = { ...input.receiving }
    if (input.code === 'RETURNED_TO_HOME_SCHOOL_FULL_TIME' || input.code === 'RETURNED_TO_HOME_SCHOOL_PHASED') {
      if (!pupil.home_school_id) {
        throw unprocessable(
          'no_home_school',
          'The pupil has no home school to return to; record the school they moved to (MOVED_TO_NEW_MAINSTREAM ' +
            'or MOVED_TO_SPECIAL_SCHOOL)',
          [{ path: '/code', code: 'no_home_school', message: `/code ${input.code} needs a home school` }]
        )
      }
      if (receiving.schoolId && receiving.schoolId !== pupil.home_school_id)
        errors.push({
          path: '/receiving/schoolId',
          code: 'not_home_school',
          message: "/receiving/schoolId must be the pupil's home school for a return to it"
        })
      receiving.schoolId = pupil.home_school_id
    }
    if (receiving.schoolId && receiving.schoolId !== pupil.home_school_id) {
      if (!(await repo.schoolInScope(trx, p, receiving.schoolId)))
        errors.push({
          path: '/receiving/schoolId',
          code: 'unknown_reference',
          message: '/receiving/schoolId is not a school of your LA; name a school elsewhere with /receiving/name'
        })
    }
    if (receiving.providerId) {
      if (!(await placementsRepository.providerInScope(trx, p, receiving.providerId)))
        errors.push({
          path: '/receiving/providerId',
          code: 'unknown_reference',
          message: '/receiving/providerId is not a provider of your LA'
        })
    }
    let finalReviewHeldOn: string | null | undefined
    if (input.finalReviewId) {
      finalReviewHeldOn = (await reviewsRepository.heldOnById(trx, placement.id, input.finalReviewId)) ?? null
    }
    const calendar = await calendarForPupil(trx, pupil)
    errors.push(
      ...outcomeErrors(
        {
          ...input,
          receiving,
          finalReviewHeldOn,
          tier: placement.tier,
          placementStart: placement.start_date,
          pupilDateOfBirth: pupil.date_of_birth,
          ncYearOnEffectiveDate: pupil.nc_year_override ?? ncYear(pupil.date_of_birth, input.effectiveDate)
        },
        calendar,
        this.#today()
      )
    )
    if (errors.length > 0) ruleFailed(errors)
    // Marks after the last day would be sessions at a placement the pupil had left.
    const late = await attendanceRepository.marksFrom(trx, placement.id, input.effectiveDate)
    if (late.n > 0) {
      throw conflict(
        'attendance_after_end',
        `${late.n} attendance mark(s) from ${late.first} fall on or after /effectiveDate; ` +
          'the provider corrects them to NOT_SCHEDULED or the date is later',
        [
          {
            path: '/effectiveDate',
            code: 'attendance_after_end',
            message: `marks recorded from ${late.first}`
          }
        ]
      )
    }
    return { ...input, receiving }
  }

  /** Closes an active or paused placement with a coded outcome and schedules its follow-ups, in one transaction. */
  async close(actor: Actor, id: string, version: number, input: OutcomeInput) {
    return this.db.transaction().execute(async (trx) => {
      const placement = await placementsRepository.findInScope(trx, actor.principal, id, { lock: true })
      if (placement.version !== version) throw preconditionFailed()
      if (placement.status === 'PLANNED')
        throw conflict('not_started', 'A placement that has not started is cancelled, not closed with an outcome')
      if (placement.status === 'ENDED' || placement.status === 'CANCELLED')
        throw conflict(
          'placement_closed',
          `The placement is already ${placement.status}; an outcome is changed through a correction`
        )
      if (placement.outcome_id !== null)
        throw conflict(
          'end_scheduled',
          `The placement already ends on ${placement.end_date} (${placement.ended_reason}), ` +
            'when the next placement starts'
        )
      this.#refuseEscalation(input.code, id)
      const pupil = await placementsRepository.pupilOf(trx, placement.pupil_id, { lock: true })
      const valid = await this.#validate(trx, actor.principal, placement, pupil, input)
      const outcome = await storeOutcome(trx, placement, pupil, valid, actor.principal.subject)
      const ended = await placementsRepository.update(trx, id, {
        status: 'ENDED',
        end_date: lastDayBefore(valid.effectiveDate),
        ended_reason: valid.code,
        outcome_id: outcome.id,
        next_review_due_on: null,
        next_review_rule: null,
        pause_reason: null
      })
      await placementsRepository.addEvent(trx, {
        placementId: id,
        event: 'ENDED',
        onDate: valid.effectiveDate,
        reason: valid.code,
        actor: actor.principal.subject
      })
      await writeAudit(trx, actor, [
        {
          action: 'create',
          entity: 'placement_outcome',
          entityId: outcome.id,
          pupilId: placement.pupil_id,
          pupilLaCode: placement.pupil_home_la_code,
          changedFields: Object.keys(input)
        },
        {
          action: 'update',
          entity: 'placement',
          entityId: id,
          pupilId: placement.pupil_id,
          pupilLaCode: placement.pupil_home_la_code,
          changedFields: ['status', 'endDate', 'outcome']
        }
      ])
      return { body: await placementView(trx, ended!, this.#today(), { pupils: [pupil] }), version: ended!.version }
    })
  }

  #refuseEscalation(code: OutcomeCode, id: string) {
    if (code === 'ESCALATED_TIER_2_TO_3') {
      throw unprocessable(
        'use_escalation',
        `An escalation opens the Tier 3 placement as it ends this one: POST /v1/placements/${id}/escalation`,
        [
          {
            path: '/code',
            code: 'use_escalation',
            message: '/code ESCALATED_TIER_2_TO_3 is recorded by the escalation'
          }
        ]
      )
    }
  }

  /** Replaces the current outcome of an ended placement; the old one stays in the history with the reason. */
  async correct(actor: Actor, id: string, version: number, input: CorrectOutcome) {
    const { correctionReason, ...outcome } = input
    return this.db.transaction().execute(async (trx) => {
      const placement = await placementsRepository.findInScope(trx, actor.principal, id, { lock: true })
      if (placement.version !== version) throw preconditionFailed()
      if (placement.status !== 'ENDED' || !placement.outcome_id)
        throw conflict('no_outcome', `Only an ENDED placement's outcome is corrected; this one is ${placement.status}`)
      const current = await repo.findById(trx, placement.outcome_id)
      if ((current.code === 'ESCALATED_TIER_2_TO_3') !== (outcome.code === 'ESCALATED_TIER_2_TO_3')) {
        throw unprocessable(
          'escalation_fixed',
          'An escalation opened a Tier 3 placement: it cannot be corrected into another outcome, ' +
            'nor another outcome into one',
          [
            {
              path: '/code',
              code: 'escalation_fixed',
              message: `/code cannot change between ${current.code} and ${outcome.code}`
            }
          ]
        )
      }
      if (current.code === 'ESCALATED_TIER_2_TO_3' && outcome.effectiveDate !== current.effective_date) {
        throw unprocessable('escalation_fixed', "An escalation's date is the Tier 3 placement's start", [
          {
            path: '/effectiveDate',
            code: 'escalation_fixed',
            message: `/effectiveDate stays ${current.effective_date}`
          }
        ])
      }
      const pupil = await placementsRepository.pupilOf(trx, placement.pupil_id, { lock: true })
      const valid = await this.#validate(trx, actor.principal, placement, pupil, outcome)
      // The corrected end may not run into the pupil's next placement: the no-overlap rule.
      const others = await placementsRepository.otherPlacementsOf(trx, placement.pupil_id, id)
      refuseIf(overlapRefusal(placement.start_date, lastDayBefore(valid.effectiveDate), others, '/effectiveDate'))
      const row = await storeOutcome(trx, placement, pupil, valid, actor.principal.subject, {
        id: current.id,
        reason: correctionReason
      })
      const corrected = await placementsRepository.update(trx, id, {
        end_date: lastDayBefore(valid.effectiveDate),
        ended_reason: valid.code,
        outcome_id: row.id
      })
      await placementsRepository.addEvent(trx, {
        placementId: id,
        event: 'OUTCOME_CORRECTED',
        onDate: this.#today(),
        reason: `${current.code} → ${valid.code}: ${correctionReason}`,
        actor: actor.principal.subject
      })
      await writeAudit(trx, actor, [
        {
          action: 'create',
          entity: 'placement_outcome',
          entityId: row.id,
          pupilId: placement.pupil_id,
          pupilLaCode: placement.pupil_home_la_code,
          changedFields: Object.keys(input)
        },
        {
          action: 'update',
          entity: 'placement',
          entityId: id,
          pupilId: placement.pupil_id,
          pupilLaCode: placement.pupil_home_la_code,
          changedFields: ['endDate', 'outcome']
        }
      ])
      const known = { pupils: [pupil] }
      return { body: await placementView(trx, corrected!, this.#today(), known), version: corrected!.version }
    })
  }

  /** The current outcome with its follow-ups, and the outcomes it corrected. */
  async history(actor: Actor, id: string) {
    return this.db.transaction().execute(async (trx) => {
      const placement = await placementsRepository.findInScope(trx, actor.principal, id)
      if (!placement.outcome_id) throw notFound('outcome')
      const [rows, followUps] = await Promise.all([repo.historyOf(trx, id), repo.liveFollowUps(trx, id)])
      await writeAudit(trx, actor, [
        {
          action: 'read',
          entity: 'placement_outcome',
          entityId: placement.outcome_id,
          pupilId: placement.pupil_id,
          pupilLaCode: placement.pupil_home_la_code
        }
      ])
      const today = this.#today()
      const current = rows.find((r) => r.id === placement.outcome_id)!
      return {
        placementId: id,
        current: toOutcome(current, followUps, today, true),
        history: rows.filter((r) => r.id !== current.id).map((r) => toOutcome(r, [], today, false))
      }
    })
  }

  /**
   * Records a follow-up check: by the school (its own pupils) or the LA after a reintegration, by the provider
   * or the LA after a post-16 transition; once its window has opened, once only. A new Tier 2 or 3 placement
   * in the tracker since the outcome counts whatever the caller says.
   */
  async recordFollowUp(actor: Actor, id: string, checkpoint: Checkpoint, input: FollowUpResult) {
    const p = actor.principal
    const today = this.#today()
    return this.db.transaction().execute(async (trx) => {
      const placement = await placementsRepository.findInScope(trx, p, id, { lock: p.role === 'coordinator' })
      const followUp = await repo.lockFollowUp(trx, id, checkpoint)
      if (!followUp || !placement.outcome_id) throw notFound('follow_up')
      const post16 = isPost16Checkpoint(checkpoint)
      const [outcome, rollSchoolKnown] = await Promise.all([
        repo.findById(trx, placement.outcome_id),
        !post16 && input.rollSchoolId ? repo.schoolExists(trx, input.rollSchoolId) : undefined
      ])
      refuseIf(
        followUpRefusal({
          checkpoint,
          role: p.role,
          followUp: {
            status: followUp.status,
            recordedOn: followUp.recorded_on,
            opensOn: followUp.opens_on,
            dueOn: followUp.due_on
          },
          today,
          result: input,
          rollSchoolKnown
        })
      )

      let met: { met: boolean; reasons: string[] }
      let newPlacementId: string | null = null
      if (post16) {
        met = post16Held(checkpoint as 'POST16_OCTOBER' | 'POST16_MARCH', {
          participating: input.participating!,
          destination: input.destination!,
          monthsInEducation: input.monthsInEducation,
          monthsInEmployment: input.monthsInEmployment,
          apprenticeshipMonths: input.apprenticeshipMonths
        })
      } else {
        const later = await placementsRepository.laterTier2Or3(
          trx,
          placement.pupil_id,
          id,
          outcome.effective_date,
          today
        )
        newPlacementId = later?.id ?? null
        const policy = await policyFor(trx, placement.la_code)
        met = reintegrationHeld(
          {
            onRoll: input.onRoll!,
            permanentlyExcluded: input.permanentlyExcluded!,
            newPlacement: !!input.newPlacement || newPlacementId !== null,
            attendancePct: input.attendancePct!
          },
          Number(policy.sustained_attendance_pct)
        )
      }
      const row = await repo.recordFollowUp(trx, followUp.id, {
        status: 'RECORDED',
        on_roll: input.onRoll ?? null,
        roll_school_id: input.rollSchoolId ?? null,
        attendance_pct: input.attendancePct ?? null,
        permanently_excluded: input.permanentlyExcluded ?? null,
        suspension_days: input.suspensionDays ?? null,
        new_placement: post16 ? null : !!input.newPlacement || newPlacementId !== null,
        new_placement_id: newPlacementId,
        participating: input.participating ?? null,
        destination: input.destination ?? null,
        months_in_education: input.monthsInEducation ?? null,
        months_in_employment: input.monthsInEmployment ?? null,
        apprenticeship_months: input.apprenticeshipMonths ?? null,
        met: met.met,
        not_met_reasons: JSON.stringify(met.reasons),
        notes: input.notes ?? null,
        recorded_on: today,
        recorded_by: p.subject,
        recorded_role: p.role
      })
      await writeAudit(trx, actor, [
        {
          action: 'update',
          entity: 'outcome_follow_up',
          entityId: row.id,
          pupilId: placement.pupil_id,
          pupilLaCode: placement.pupil_home_la_code,
          changedFields: Object.keys(input)
        }
      ])
      return toFollowUp(row, today)
    })
  }
}
