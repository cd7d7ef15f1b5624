import { type Insertable, type Kysely, sql, type Updateable } from 'kysely'
import type { Principal } from '../../platform/auth/principal.js'
import { referralScope } from '../../db/scope.js'
import { FULL_TIME_SESSIONS } from '../../domain/placements.js'
import type { DB, ReasonCodeTable, ReferralRow, ReferralTable } from '../../db/schema.js'
import type { ReferralListQuery } from './referrals.schemas.js'

/** All SQL on referrals and reason codes; every read of a referral is scoped to the principal. */

/** SQL form of isFullTime, for queries on placement. */
export const fullTimeSql = sql<boolean>`sessions_at_provider + sessions_at_home_school >= ${sql.lit(
  FULL_TIME_SESSIONS
)}`

export async function reasonCodeKnown(db: Kysely<DB>, code: string, laCode: string): Promise<boolean> {
  const row = await db
    .selectFrom('reason_code')
    .select('code')
    .where('code', '=', code)
    .where((eb) => eb.or([eb('la_code', 'is', null), eb('la_code', '=', laCode)]))
    .executeTakeFirst()
  return row !== undefined
}

/** The national reason codes and the LA's own. */
export async function reasonCodes(db: Kysely<DB>, laCode: string) {
  return db
    .selectFrom('reason_code')
    .select(['code', 'label', 'la_code'])
    .where((eb) => eb.or([eb('la_code', 'is', null), eb('la_code', '=', laCode)]))
    .orderBy('code')
    .execute()
}

/** Whether the code exists, nationally or in any LA. */
export async function reasonCodeExists(db: Kysely<DB>, code: string): Promise<boolean> {
  const row = await db.selectFrom('reason_code').select('code').where('code', '=', code).executeTakeFirst()
  return row !== undefined
}

export async function insertReasonCode(db: Kysely<DB>, values: Insertable<ReasonCodeTable>): Promise<void> {
  await db.insertInto('reason_code').values(values).execute()
}

/**
 * Earliest start of a full-time placement (not cancelled) for the pupil on or after `from`: what meets a sixth-day
 * duty.
 */
export async function provisionStart(
  db: Kysely<DB>,
  pupilId: string,
  from: string | undefined
): Promise<string | null> {
  if (!from) return null
  const row = await db
    .selectFrom('placement')
    .select((eb) => eb.fn.min('start_date').as('start'))
    .where('pupil_id', '=', pupilId)
    .where('status', '<>', 'CANCELLED')
    .where('start_date', '>=', from)
    .where(fullTimeSql)
    .executeTakeFirst()
  return (row?.start as string | null | undefined) ?? null
}

/** One referral by id within the principal's scope, locked for update when asked. */
export async function findInScope(
  db: Kysely<DB>,
  p: Principal,
  id: string,
  opts: { lock?: boolean } = {}
): Promise<ReferralRow | undefined> {
  return db
    .selectFrom('referral')
    .selectAll()
    .where(referralScope(p))
    .where('id', '=', id)
    .$if(opts.lock === true, (qb) => qb.forUpdate())
    .executeTakeFirst()
}

/** One page of the referrals the principal may see, by decision deadline, with the total. */
export async function page(
  db: Kysely<DB>,
  p: Principal,
  q: ReferralListQuery,
  today: string
): Promise<{ rows: ReferralRow[]; total: number }> {
  const base = db
    .selectFrom('referral')
    .where(referralScope(p))
    .$if(q.status !== undefined, (qb) => qb.where('status', '=', q.status!))
    .$if(q.tier !== undefined, (qb) => qb.where('requested_tier', '=', q.tier!))
    .$if(q.schoolId !== undefined, (qb) => qb.where('referring_school_id', '=', q.schoolId!))
    .$if(q.pupilId !== undefined, (qb) => qb.where('pupil_id', '=', q.pupilId!))
    .$if(q.overdue === true, (qb) => qb.where('status', '=', 'SUBMITTED').where('decision_due_on', '<', today))
  const { total } = await base.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow()
  const rows = await base
    .selectAll()
    .orderBy('decision_due_on')
    .orderBy('id')
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize)
    .execute()
  return { rows, total: Number(total) }
}

export async function insert(db: Kysely<DB>, values: Insertable<ReferralTable>): Promise<ReferralRow> {
  return db.insertInto('referral').values(values).returningAll().executeTakeFirstOrThrow()
}

/** Applies the changes to a referral the caller has already found and locked, bumping its version. */
export async function update(db: Kysely<DB>, id: string, changes: Updateable<ReferralTable>): Promise<ReferralRow> {
  return db
    .updateTable('referral')
    .set((eb) => ({ ...changes, version: eb('version', '+', 1), updated_at: new Date() }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** A placement made from the referral that is not cancelled, if any. */
export async function livePlacementOf(db: Kysely<DB>, referralId: string): Promise<{ id: string } | undefined> {
  return db
    .selectFrom('placement')
    .select('id')
    .where('referral_id', '=', referralId)
    .where('status', '<>', 'CANCELLED')
    .executeTakeFirst()
}

/** Takes the referral off every waiting list. */
export async function removeFromWaitingLists(db: Kysely<DB>, referralId: string): Promise<void> {
  await db.deleteFrom('waiting_list_entry').where('referral_id', '=', referralId).execute()
}

/** The referrals (by id) of a page of placements: the exclusions their clocks run from. */
export function exclusionsByIds(db: Kysely<DB>, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([])
  return db.selectFrom('referral').select(['id', 'exclusions']).where('id', 'in', ids).execute()
}
