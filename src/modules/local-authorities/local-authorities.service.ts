import type { Kysely } from 'kysely'
import type { Principal } from '../../platform/auth/principal.js'
import type { DB } from '../../db/schema.js'
import { fieldError, notFound, preconditionFailed } from '../../platform/errors.js'
import { paging } from '../../platform/schemas.js'
import { type Actor, writeAudit } from '../../db/audit.js'
import { toLocalAuthority, toPolicy } from './local-authorities.mapper.js'
import * as localAuthoritiesRepository from './local-authorities.repository.js'
import type { PutLaPolicy } from './local-authorities.schemas.js'

export class LocalAuthoritiesService {
  constructor(private readonly db: Kysely<DB>) {}

  async list(p: Principal, page: number, pageSize: number) {
    const { rows, total } = await localAuthoritiesRepository.page(this.db, p, page, pageSize)
    return { results: rows.map(toLocalAuthority), paging: paging(page, pageSize, total) }
  }

  async get(p: Principal, code: string) {
    const row = await localAuthoritiesRepository.findInScope(this.db, p, code)
    if (!row) throw notFound('local_authority')
    return { body: toLocalAuthority(row), version: row.version }
  }

  async getPolicy(p: Principal, code: string) {
    const row = await localAuthoritiesRepository.findPolicyInScope(this.db, p, code)
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
      const row = await localAuthoritiesRepository.updatePolicyInScope(trx, actor.principal, code, version, {
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
        ...(input.year11ExamsEnd !== undefined ? { year11_exams_end: input.year11ExamsEnd } : {})
      })
      if (!row) {
        if (!(await localAuthoritiesRepository.findPolicyInScope(trx, actor.principal, code)))
          throw notFound('local_authority')
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
    await localAuthoritiesRepository.upsert(trx, code, name)
    await localAuthoritiesRepository.ensurePolicy(trx, code)
  })
}
