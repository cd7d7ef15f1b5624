import type { Kysely, Selectable } from 'kysely'
import type { Principal } from '../../platform/auth/principal.js'
import { localAuthorityScope } from '../../db/scope.js'
import type { DB, LaPolicyTable, LocalAuthorityTable } from '../../db/schema.js'
import { fieldError, notFound, preconditionFailed } from '../../platform/errors.js'
import { paging } from '../../platform/schemas.js'
import { toIso } from '../../platform/time.js'
import { type Actor, writeAudit } from '../../db/audit.js'
import type { LaPolicy, LocalAuthority, PutLaPolicy } from './local-authorities.schemas.js'

const toLocalAuthority = (row: Selectable<LocalAuthorityTable>): LocalAuthority => ({
  code: row.code,
  name: row.name,
  createdAt: toIso(row.created_at),
  updatedAt: toIso(row.updated_at)
})

const toPolicy = (row: Selectable<LaPolicyTable>): LaPolicy => ({
  laCode: row.la_code,
  reviewIntervalSchoolWeeks: row.review_interval_school_weeks,
  firstReviewSchoolDays: row.first_review_school_days,
  referralDecisionSchoolDays: row.referral_decision_school_days,
  tier1MaxSchoolWeeks: row.tier1_max_school_weeks,
  tier2MaxSchoolWeeks: row.tier2_max_school_weeks,
  tier3MaxSchoolWeeks: row.tier3_max_school_weeks,
  smallNumberThreshold: row.small_number_threshold,
  fullTimeThresholdHours: row.full_time_threshold_hours,
  sustainedAttendancePct: Number(row.sustained_attendance_pct),
  followUpResponseSchoolDays: row.follow_up_response_school_days,
  year11ExamsEnd: row.year11_exams_end,
  updatedAt: toIso(row.updated_at)
})

export class LocalAuthoritiesService {
  constructor(private readonly db: Kysely<DB>) {}

  async list(p: Principal, page: number, pageSize: number) {
    const base = this.db.selectFrom('local_authority').where(localAuthorityScope(p))
    const { total } = await base.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow()
    const rows = await base
      .selectAll()
      .orderBy('code')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute()
    return { results: rows.map(toLocalAuthority), paging: paging(page, pageSize, Number(total)) }
  }

  async get(p: Principal, code: string) {
    const row = await this.db
      .selectFrom('local_authority')
      .selectAll()
      .where(localAuthorityScope(p))
      .where('code', '=', code)
      .executeTakeFirst()
    if (!row) throw notFound('local_authority')
    return { body: toLocalAuthority(row), version: row.version }
  }

  async getPolicy(p: Principal, code: string, db: Kysely<DB> = this.db) {
    const row = await db
      .selectFrom('la_policy')
      .selectAll()
      .where('la_code', '=', code)
      .where('la_code', '=', p.laCode)
      .executeTakeFirst()
    if (!row) throw notFound('local_authority')
    return { body: toPolicy(row), version: row.version }
  }

  /** Replaces the policy when `version` is current; 404 outside the caller's LA, 412 when stale. */
  async putPolicy(actor: Actor, code: string, version: number, input: PutLaPolicy) {
    // The pattern (May to July) allows 06-31; the day must exist.
    const examsEnd = input.year11ExamsEnd
    if (
      examsEnd &&
      Number(examsEnd.slice(3)) > ({ '05': 31, '06': 30, '07': 31 } as Record<string, number>)[examsEnd.slice(0, 2)]!
    )
      throw fieldError('/year11ExamsEnd', 'invalid_date', `/year11ExamsEnd ${examsEnd} is not a day of the year`)
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('la_policy')
        .set((eb) => ({
          review_interval_school_weeks: input.reviewIntervalSchoolWeeks,
          first_review_school_days: input.firstReviewSchoolDays,
          referral_decision_school_days: input.referralDecisionSchoolDays,
          tier1_max_school_weeks: input.tier1MaxSchoolWeeks,
          tier2_max_school_weeks: input.tier2MaxSchoolWeeks,
          tier3_max_school_weeks: input.tier3MaxSchoolWeeks,
          small_number_threshold: input.smallNumberThreshold,
          full_time_threshold_hours: input.fullTimeThresholdHours,
          ...(input.sustainedAttendancePct !== undefined
            ? { sustained_attendance_pct: input.sustainedAttendancePct }
            : {}),
          ...(input.followUpResponseSchoolDays !== undefined
            ? { follow_up_response_school_days: input.followUpResponseSchoolDays }
            : {}),
          ...(input.year11ExamsEnd !== undefined ? { year11_exams_end: input.year11ExamsEnd } : {}),
          version: eb('version', '+', 1),
          updated_at: new Date()
        }))
        .where('la_code', '=', code)
        .where('la_code', '=', actor.principal.laCode)
        .where('version', '=', version)
        .returningAll()
        .executeTakeFirst()
      if (!row) {
        await this.getPolicy(actor.principal, code, trx)
        throw preconditionFailed()
      }
      await writeAudit(trx, actor, [
        { action: 'update', entity: 'la_policy', entityId: code, changedFields: Object.keys(input) }
      ])
      return { body: toPolicy(row), version: row.version }
    })
  }
}

/** Creates an LA with the default policy, or renames an existing one. Used by the CLI and the seed. */
export async function upsertLocalAuthority(db: Kysely<DB>, code: string, name: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('local_authority')
      .values({ code, name })
      .onConflict((oc) => oc.column('code').doUpdateSet({ name, updated_at: new Date() }))
      .execute()
    await trx
      .insertInto('la_policy')
      .values({ la_code: code })
      .onConflict((oc) => oc.column('la_code').doNothing())
      .execute()
  })
}
