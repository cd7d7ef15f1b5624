import type { Insertable, Kysely, Selectable } from 'kysely'
import type { AssessmentRow, DB } from '../../db/schema.js'

export type QualificationResultRow = Selectable<DB['qualification_result']>

/** All SQL on assessments and qualification results. */

/** The assessments and qualification results of these placements, in two queries. */
export async function attainmentRows(
  db: Kysely<DB>,
  placementIds: string[]
): Promise<{ assessments: AssessmentRow[]; qualifications: QualificationResultRow[] }> {
  if (placementIds.length === 0) return { assessments: [], qualifications: [] }
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
  return { assessments, qualifications }
}

/** Whether `reviewId` is a review of the placement. */
export async function isReviewOf(db: Kysely<DB>, placementId: string, reviewId: string): Promise<boolean> {
  const row = await db
    .selectFrom('review')
    .select('id')
    .where('id', '=', reviewId)
    .where('placement_id', '=', placementId)
    .executeTakeFirst()
  return row !== undefined
}

/** The placement's assessment of one subject at one stage, if recorded. */
export function findStage(
  db: Kysely<DB>,
  placementId: string,
  subject: AssessmentRow['subject'],
  stage: AssessmentRow['stage']
) {
  return db
    .selectFrom('assessment')
    .select(['id', 'assessed_on'])
    .where('placement_id', '=', placementId)
    .where('subject', '=', subject)
    .where('stage', '=', stage)
    .executeTakeFirst()
}

export function insertAssessment(db: Kysely<DB>, values: Insertable<DB['assessment']>) {
  return db.insertInto('assessment').values(values).returningAll().executeTakeFirstOrThrow()
}

export function insertQualification(db: Kysely<DB>, values: Insertable<DB['qualification_result']>) {
  return db.insertInto('qualification_result').values(values).returningAll().executeTakeFirstOrThrow()
}
