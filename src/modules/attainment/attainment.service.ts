import type { Kysely } from 'kysely'
import { DateTime } from 'luxon'
import { isStandardPass, progressBySubject, qualificationErrors, scaleOf } from '../../domain/attainment.js'
import { ncYear } from '../../domain/school-year.js'
import type { AssessmentRow, DB } from '../../db/schema.js'
import { conflict, ruleFailed } from '../../platform/errors.js'
import { type Clock, systemClock, toIso, todayIn } from '../../platform/time.js'
import { type Actor, writeAudit } from '../../db/audit.js'
import { loadPlacement } from '../placements/placements.service.js'
import type {
  Assessment,
  Attainment,
  CreateAssessment,
  CreateQualification,
  QualificationResult
} from './attainment.schemas.js'

/** A baseline may be taken up to this many days before the placement starts (at referral or induction). */
export const BASELINE_LEAD_DAYS = 90

const toAssessment = (r: AssessmentRow): Assessment => ({
  id: r.id,
  placementId: r.placement_id,
  subject: r.subject,
  stage: r.stage,
  assessedOn: r.assessed_on,
  scale: r.scale,
  scaleName: r.scale_name,
  scaleMin: Number(r.scale_min),
  scaleMax: Number(r.scale_max),
  score: Number(r.score),
  reviewId: r.review_id,
  recordedBy: r.recorded_by,
  createdAt: toIso(r.created_at)
})

const toQualification = (r: {
  id: string
  placement_id: string
  subject: QualificationResult['subject']
  qualification: QualificationResult['qualification']
  level: string | null
  grade: string
  awarded_on: string
  recorded_by: string
  created_at: Date
}): QualificationResult => ({
  id: r.id,
  placementId: r.placement_id,
  subject: r.subject,
  qualification: r.qualification,
  level: r.level,
  grade: r.grade,
  awardedOn: r.awarded_on,
  standardPass: isStandardPass(r),
  recordedBy: r.recorded_by,
  createdAt: toIso(r.created_at)
})

/** Progress in English and maths and qualification results of each placement, in two queries. */
export async function attainmentByPlacement(db: Kysely<DB>, placementIds: string[]): Promise<Map<string, Attainment>> {
  const result = new Map<string, Attainment>()
  if (placementIds.length === 0) return result
  const [assessments, qualifications] = await Promise.all([
    db
      .selectFrom('assessment')
      .selectAll()
      .where('placement_id', 'in', placementIds)
      .orderBy('assessed_on')
      .orderBy('id')
      .execute(),
    db
      .selectFrom('qualification_result')
      .selectAll()
      .where('placement_id', 'in', placementIds)
      .orderBy('awarded_on')
      .orderBy('id')
      .execute()
  ])
  for (const id of placementIds) {
    const points = assessments.filter((a) => a.placement_id === id).map(toAssessment)
    result.set(id, {
      progress: progressBySubject(points).map((pr) => ({
        subject: pr.subject,
        change: pr.change,
        unit: pr.unit,
        note: pr.note,
        baseline: pr.baseline && {
          stage: pr.baseline.stage,
          assessedOn: pr.baseline.assessedOn,
          scale: pr.baseline.scale,
          scaleName: pr.baseline.scaleName,
          score: pr.baseline.score
        },
        latest: pr.latest && {
          stage: pr.latest.stage,
          assessedOn: pr.latest.assessedOn,
          scale: pr.latest.scale,
          scaleName: pr.latest.scaleName,
          score: pr.latest.score
        }
      })),
      qualifications: qualifications.filter((q) => q.placement_id === id).map(toQualification)
    })
  }
  return result
}

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
      const placement = await loadPlacement(trx, actor.principal, placementId)
      const rows = await trx
        .selectFrom('assessment')
        .selectAll()
        .where('placement_id', '=', placementId)
        .orderBy('assessed_on')
        .orderBy('id')
        .execute()
      const attainment = (await attainmentByPlacement(trx, [placementId])).get(placementId)!
      await writeAudit(trx, actor, [
        {
          action: 'list',
          entity: 'assessment',
          entityId: placementId,
          pupilId: placement.pupil_id,
          pupilLaCode: placement.pupil_home_la_code
        }
      ])
      return { placementId, assessments: rows.map(toAssessment), attainment }
    })
  }

  /**
   * Records an assessment on a stated scale: the score within the scale; a baseline up to 90 days before the
   * start, other stages from the start; not after the placement's end or today; one baseline and one exit a subject.
   */
  async assess(actor: Actor, placementId: string, input: CreateAssessment) {
    const today = this.#today()
    return this.db.transaction().execute(async (trx) => {
      const placement = await loadPlacement(trx, actor.principal, placementId, actor.principal.role === 'coordinator')
      if (placement.status === 'CANCELLED') throw conflict('placement_cancelled', 'The placement was cancelled')
      if (placement.status === 'PLANNED' && input.stage !== 'BASELINE')
        throw conflict('not_started', 'Only a baseline is taken before the placement starts')
      const { min, max, errors } = scaleOf(input)
      const err = (path: string, code: string, message: string) => errors.push({ path, code, message })
      if (input.assessedOn > today) err('/assessedOn', 'date_in_future', '/assessedOn cannot be in the future')
      const earliest =
        input.stage === 'BASELINE'
          ? DateTime.fromISO(placement.start_date).minus({ days: BASELINE_LEAD_DAYS }).toISODate()!
          : placement.start_date
      if (input.assessedOn < earliest)
        err(
          '/assessedOn',
          'before_placement',
          `/assessedOn is before ${earliest}: ${input.stage === 'BASELINE' ? `a baseline is taken at most ${BASELINE_LEAD_DAYS} days before the start` : 'the placement started then'}`
        )
      if (placement.end_date && input.assessedOn > placement.end_date)
        err('/assessedOn', 'after_placement', `/assessedOn is after the placement ended (${placement.end_date})`)
      if (input.reviewId && input.stage !== 'REVIEW')
        err('/reviewId', 'not_allowed', '/reviewId is only for the REVIEW stage')
      if (input.reviewId && input.stage === 'REVIEW') {
        const review = await trx
          .selectFrom('review')
          .select('id')
          .where('id', '=', input.reviewId)
          .where('placement_id', '=', placementId)
          .executeTakeFirst()
        if (!review) err('/reviewId', 'unknown_review', '/reviewId is not a review of this placement')
      }
      if (errors.length > 0) ruleFailed(errors)
      if (input.stage !== 'REVIEW') {
        const existing = await trx
          .selectFrom('assessment')
          .select(['id', 'assessed_on'])
          .where('placement_id', '=', placementId)
          .where('subject', '=', input.subject)
          .where('stage', '=', input.stage)
          .executeTakeFirst()
        if (existing)
          throw conflict(
            `${input.stage.toLowerCase()}_exists`,
            `The ${input.subject} ${input.stage} was recorded on ${existing.assessed_on} (assessment ${existing.id})`,
            [{ path: '/stage', code: 'already_recorded', message: `one ${input.stage} per subject` }]
          )
      }
      const row = await trx
        .insertInto('assessment')
        .values({
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
        .returningAll()
        .executeTakeFirstOrThrow()
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
      const placement = await loadPlacement(trx, actor.principal, placementId, actor.principal.role === 'coordinator')
      if (placement.status === 'CANCELLED' || placement.status === 'PLANNED')
        throw conflict('not_started', `The placement is ${placement.status}`)
      const pupil = await trx
        .selectFrom('pupil')
        .select(['date_of_birth', 'nc_year_override'])
        .where('id', '=', placement.pupil_id)
        .executeTakeFirstOrThrow()
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
      const row = await trx
        .insertInto('qualification_result')
        .values({
          placement_id: placementId,
          subject: input.subject,
          qualification: input.qualification,
          level: input.level ?? null,
          grade: input.grade,
          awarded_on: input.awardedOn,
          recorded_by: actor.principal.subject
        })
        .returningAll()
        .executeTakeFirstOrThrow()
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
