import type { Kysely } from 'kysely'
import { assessmentRefusal, qualificationErrors, scaleOf } from '../../domain/attainment.js'
import { ncYear } from '../../domain/school-year.js'
import type { DB } from '../../db/schema.js'
import { conflict, refuseIf, ruleFailed } from '../../platform/errors.js'
import { type Clock, systemClock, todayIn } from '../../platform/time.js'
import { type Actor, writeAudit } from '../../db/audit.js'
import { placementsRepository } from '../placements/index.js'
import { attainmentByPlacement, toAssessment, toQualification } from './attainment.mapper.js'
import * as repo from './attainment.repository.js'
import type { CreateAssessment, CreateQualification } from './attainment.schemas.js'

export class AttainmentService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock = systemClock
  ) {}

  #today(): string {
    return todayIn(this.clock)
  }

  async list(actor: Actor, placementId: string) {
    return this.db.transaction().execute(async (trx) => {
      const placement = await placementsRepository.findInScope(trx, actor.principal, placementId)
      const rows = await repo.attainmentRows(trx, [placementId])
      const attainment = attainmentByPlacement([placementId], rows).get(placementId)!
      await writeAudit(trx, actor, [
        {
          action: 'list',
          entity: 'assessment',
          entityId: placementId,
          pupilId: placement.pupil_id,
          pupilLaCode: placement.pupil_home_la_code
        }
      ])
      return { placementId, assessments: rows.assessments.map(toAssessment), attainment }
    })
  }

  /**
   * Records an assessment on a stated scale: the score within the scale; a baseline up to 90 days before the
   * start, other stages from the start; not after the placement's end or today; one baseline and one exit a subject.
   */
  async assess(actor: Actor, placementId: string, input: CreateAssessment) {
    const today = this.#today()
    return this.db.transaction().execute(async (trx) => {
      const placement = await placementsRepository.findInScope(trx, actor.principal, placementId, {
        lock: actor.principal.role === 'coordinator'
      })
      const named = input.reviewId && input.stage === 'REVIEW' ? input.reviewId : undefined
      const [reviewIsOfPlacement, sameStage] = await Promise.all([
        named === undefined ? undefined : repo.isReviewOf(trx, placementId, named),
        input.stage === 'REVIEW' ? undefined : repo.findStage(trx, placementId, input.subject, input.stage)
      ])
      refuseIf(
        assessmentRefusal({
          placement: { status: placement.status, startDate: placement.start_date, endDate: placement.end_date },
          assessment: input,
          today,
          reviewIsOfPlacement,
          sameStage: sameStage && { id: sameStage.id, assessedOn: sameStage.assessed_on }
        })
      )
      const { min, max } = scaleOf(input)
      const row = await repo.insertAssessment(trx, {
        placement_id: placementId,
        subject: input.subject,
        stage: input.stage,
        assessed_on: input.assessedOn,
        scale: input.scale,
        scale_name: input.scaleName ?? null,
        scale_min: min,
        scale_max: max,
        score: input.score,
        review_id: input.reviewId ?? null,
        recorded_by: actor.principal.subject
      })
      await writeAudit(trx, actor, [
        {
          action: 'create',
          entity: 'assessment',
          entityId: row.id,
          pupilId: placement.pupil_id,
          pupilLaCode: placement.pupil_home_la_code,
          changedFields: Object.keys(input)
        }
      ])
      return toAssessment(row)
    })
  }

  /** A Year 11 pupil's English or maths qualification result. */
  async qualify(actor: Actor, placementId: string, input: CreateQualification) {
    return this.db.transaction().execute(async (trx) => {
      const placement = await placementsRepository.findInScope(trx, actor.principal, placementId, {
        lock: actor.principal.role === 'coordinator'
      })
      if (placement.status === 'CANCELLED' || placement.status === 'PLANNED')
        throw conflict('not_started', `The placement is ${placement.status}`)
      const pupil = await placementsRepository.pupilOf(trx, placement.pupil_id)
      const errors = qualificationErrors(input)
      if (input.awardedOn > this.#today())
        errors.push({ path: '/awardedOn', code: 'date_in_future', message: '/awardedOn cannot be in the future' })
      const year = pupil.nc_year_override ?? ncYear(pupil.date_of_birth, input.awardedOn)
      if (year < 11)
        errors.push({
          path: '/awardedOn',
          code: 'not_year_11',
          message: `qualification results are for Year 11; on /awardedOn the pupil was in Year ${year}`
        })
      if (input.awardedOn < placement.start_date)
        errors.push({
          path: '/awardedOn',
          code: 'before_placement',
          message: `/awardedOn is before the placement started (${placement.start_date})`
        })
      if (errors.length > 0) ruleFailed(errors)
      const row = await repo.insertQualification(trx, {
        placement_id: placementId,
        subject: input.subject,
        qualification: input.qualification,
        level: input.level ?? null,
        grade: input.grade,
        awarded_on: input.awardedOn,
        recorded_by: actor.principal.subject
      })
      await writeAudit(trx, actor, [
        {
          action: 'create',
          entity: 'qualification_result',
          entityId: row.id,
          pupilId: placement.pupil_id,
          pupilLaCode: placement.pupil_home_la_code,
          changedFields: Object.keys(input)
        }
      ])
      return toQualification(row)
    })
  }
}
