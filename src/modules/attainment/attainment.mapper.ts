import { isStandardPass, progressBySubject } from '../../domain/attainment.js'
import type { AssessmentRow } from '../../db/schema.js'
import { toIso } from '../../platform/time.js'
import type { QualificationResultRow } from './attainment.repository.js'
import type { Assessment, Attainment, QualificationResult } from './attainment.schemas.js'

export const toAssessment = (r: AssessmentRow): Assessment => ({
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

export const toQualification = (r: QualificationResultRow): QualificationResult => ({
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

/** Progress in English and maths and qualification results of each placement, from its rows. */
export function attainmentByPlacement(
  placementIds: string[],
  { assessments, qualifications }: { assessments: AssessmentRow[]; qualifications: QualificationResultRow[] }
): Map<string, Attainment> {
  const result = new Map<string, Attainment>()
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
