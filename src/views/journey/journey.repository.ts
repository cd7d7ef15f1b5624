import type { Kysely } from 'kysely'
import type { Principal } from '../../platform/auth/principal.js'
import { placementScope, pupilScope, referralScope } from '../../db/scope.js'
import type { DB } from '../../db/schema.js'

/** All SQL of a pupil's journey: the pupil, referrals and placements in the caller's scope, and their history. */

export function pupilInScope(db: Kysely<DB>, p: Principal, pupilId: string) {
  return db
    .selectFrom('pupil')
    .select(['id', 'home_school_id', 'home_la_code', 'date_of_birth', 'nc_year_override'])
    .where(pupilScope(p))
    .where('id', '=', pupilId)
    .executeTakeFirst()
}

export function referralsInScope(db: Kysely<DB>, p: Principal, pupilId: string) {
  return db
    .selectFrom('referral')
    .selectAll()
    .where(referralScope(p))
    .where('pupil_id', '=', pupilId)
    .orderBy('id')
    .execute()
}

export function placementsInScope(db: Kysely<DB>, p: Principal, pupilId: string) {
  return db
    .selectFrom('placement')
    .selectAll()
    .where(placementScope(p))
    .where('pupil_id', '=', pupilId)
    .orderBy('id')
    .execute()
}

export function placementEvents(db: Kysely<DB>, placementIds: string[]) {
  if (placementIds.length === 0) return Promise.resolve([])
  return db.selectFrom('placement_event').selectAll().where('placement_id', 'in', placementIds).orderBy('id').execute()
}

export function reviews(db: Kysely<DB>, placementIds: string[]) {
  if (placementIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('review')
    .select(['id', 'placement_id', 'held_on', 'decision', 'extension_new_end', 'created_at'])
    .where('placement_id', 'in', placementIds)
    .orderBy('held_on')
    .orderBy('id')
    .execute()
}

export function outcomes(db: Kysely<DB>, placementIds: string[]) {
  return db
    .selectFrom('placement_outcome')
    .select(['id', 'placement_id', 'code', 'effective_date'])
    .where('placement_id', 'in', placementIds)
    .execute()
}

export function liveFollowUps(db: Kysely<DB>, placementIds: string[]) {
  return db
    .selectFrom('outcome_follow_up')
    .selectAll()
    .where('placement_id', 'in', placementIds)
    .where('status', '<>', 'SUPERSEDED')
    .orderBy('opens_on')
    .execute()
}

export function assessments(db: Kysely<DB>, placementIds: string[]) {
  return db
    .selectFrom('assessment')
    .selectAll()
    .where('placement_id', 'in', placementIds)
    .orderBy('assessed_on')
    .orderBy('id')
    .execute()
}

export function qualifications(db: Kysely<DB>, placementIds: string[]) {
  return db
    .selectFrom('qualification_result')
    .selectAll()
    .where('placement_id', 'in', placementIds)
    .orderBy('awarded_on')
    .orderBy('id')
    .execute()
}

/** The last marked day and the last time a mark was recorded, per placement. */
export function lastMarked(db: Kysely<DB>, placementIds: string[]) {
  return db
    .selectFrom('attendance_mark')
    .select((eb) => ['placement_id', eb.fn.max('on_date').as('last'), eb.fn.max('updated_at').as('recorded')])
    .where('placement_id', 'in', placementIds)
    .groupBy('placement_id')
    .execute()
}
