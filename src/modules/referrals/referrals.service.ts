import { type Kysely, sql } from 'kysely'
import type { Principal } from '../../platform/auth/principal.js'
import { pupilScope, referralScope } from '../../db/scope.js'
import type { SchoolCalendar } from '../../domain/calendar.js'
import { sixthDayClocks, type StatutoryClock } from '../../domain/clocks.js'
import { FULL_TIME_SESSIONS, type LegalBasis, referralMissingItems, SCHOOL_BASES } from '../../domain/placements.js'
import type { DB, ReferralRow } from '../../db/schema.js'
import { AppError, conflict, fieldError, notFound, ruleFailed, unprocessable } from '../../platform/errors.js'
import { paging } from '../../platform/schemas.js'
import { type Clock, systemClock, toIso, todayIn } from '../../platform/time.js'
import { type Actor, writeAudit } from '../../db/audit.js'
import { policyFor } from '../local-authorities/index.js'
import { calendarForPupil, coordinatingLa } from '../pupils/index.js'
import type { CreateReferral, Decision, Referral, ReferralListQuery } from './referrals.schemas.js'

export async function reasonCodeKnown(db: Kysely<DB>, code: string, laCode: string): Promise<boolean> {
  const row = await db
    .selectFrom('reason_code')
    .select('code')
    .where('code', '=', code)
    .where((eb) => eb.or([eb('la_code', 'is', null), eb('la_code', '=', laCode)]))
    .executeTakeFirst()
  return row !== undefined
}

const pupilLa = async (db: Kysely<DB>, pupilId: string): Promise<string> =>
  (await db.selectFrom('pupil').select('home_la_code').where('id', '=', pupilId).executeTakeFirstOrThrow()).home_la_code

/** SQL form of isFullTime, for queries on placement. */
export const fullTimeSql = sql<boolean>`sessions_at_provider + sessions_at_home_school >= ${sql.lit(FULL_TIME_SESSIONS)}`

/** Earliest start of a full-time placement (not cancelled) for the pupil on or after `from`: what meets a sixth-day duty. */
async function provisionStart(db: Kysely<DB>, pupilId: string, from: string | undefined): Promise<string | null> {
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

export class ReferralsService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock = systemClock
  ) {}

  async #view(db: Kysely<DB>, row: ReferralRow, calendar?: SchoolCalendar): Promise<Referral> {
    const today = todayIn(this.clock)
    const pupil = await db
      .selectFrom('pupil')
      .select(['home_school_id', 'home_la_code', 'date_of_birth', 'nc_year_override'])
      .where('id', '=', row.pupil_id)
      .executeTakeFirstOrThrow()
    const cal = calendar ?? (await calendarForPupil(db, pupil))
    const exclusions = row.exclusions.map((e) => ({
      kind: e.kind,
      firstDay: e.firstDay,
      lengthSchoolDays: e.lengthSchoolDays ?? null
    }))
    const first = exclusions.map((e) => e.firstDay).sort()[0]
    const year11 = {
      dateOfBirth: pupil.date_of_birth,
      ncYearOverride: pupil.nc_year_override,
      examsEnd: exclusions.length > 0 ? (await policyFor(db, row.la_code)).year11_exams_end : null,
      today
    }
    const clocks: StatutoryClock[] =
      exclusions.length > 0
        ? sixthDayClocks(cal, exclusions, await provisionStart(db, row.pupil_id, first), today, year11)
        : []
    return {
      id: row.id,
      pupilId: row.pupil_id,
      laCode: row.la_code,
      referringSchoolId: row.referring_school_id,
      requestedTier: row.requested_tier,
      legalBasis: row.legal_basis as LegalBasis,
      reasonCode: row.reason_code,
      needsSummary: row.needs_summary,
      interventionsTried: row.interventions_tried,
      proposedObjectives: row.proposed_objectives,
      baselineAttendancePct: row.baseline_attendance_pct === null ? null : Number(row.baseline_attendance_pct),
      baselineFrom: row.baseline_from,
      baselineTo: row.baseline_to,
      parentConsultedOn: row.parent_consulted_on,
      pupilViews: row.pupil_views,
      sendCaseworkerToldOn: row.send_caseworker_told_on,
      virtualSchoolToldOn: row.virtual_school_told_on,
      exclusions: row.exclusions,
      preferredProviderId: row.preferred_provider_id,
      status: row.status as Referral['status'],
      receivedOn: row.received_on,
      submittedOn: row.submitted_on,
      decisionDueOn: row.decision_due_on,
      decisionOverdue: row.status === 'SUBMITTED' && today > row.decision_due_on,
      decidedAt: row.decided_at ? toIso(row.decided_at) : null,
      decisionReason: row.decision_reason,
      clocks,
      estimatedCalendar: cal.sourcesUsed().some((s) => s.source === 'estimated'),
      createdAt: toIso(row.created_at),
      updatedAt: toIso(row.updated_at)
    }
  }

  async create(actor: Actor, input: CreateReferral) {
    const p = actor.principal
    const today = todayIn(this.clock)
    if (p.role === 'school' && !SCHOOL_BASES.includes(input.legalBasis)) {
      throw unprocessable(
        'la_arranged_basis',
        `${input.legalBasis} provision is arranged by the LA; a coordinator records it`,
        [
          {
            path: '/legalBasis',
            code: 'la_arranged_basis',
            message: `/legalBasis ${input.legalBasis} is for the LA to refer`
          }
        ]
      )
    }
    return this.db.transaction().execute(async (trx) => {
      const pupil = await trx
        .selectFrom('pupil')
        .selectAll()
        .where(pupilScope(p))
        .where('id', '=', input.pupilId)
        .executeTakeFirst()
      if (!pupil)
        throw unprocessable('unknown_pupil', 'No such pupil in your scope', [
          { path: '/pupilId', code: 'unknown_reference', message: '/pupilId is not a pupil you can see' }
        ])
      const laCode = p.role === 'coordinator' ? p.laCode : await coordinatingLa(trx, pupil)
      if (input.reasonCode && !(await reasonCodeKnown(trx, input.reasonCode, laCode))) {
        ruleFailed([
          {
            path: '/reasonCode',
            code: 'unknown_reason_code',
            message: `/reasonCode ${input.reasonCode} is not a known census reason code`
          }
        ])
      }
      for (const [field, value] of [
        ['receivedOn', input.receivedOn],
        ['parentConsultedOn', input.parentConsultedOn],
        ['baselineTo', input.baselineTo],
        ['sendCaseworkerToldOn', input.sendCaseworkerToldOn],
        ['virtualSchoolToldOn', input.virtualSchoolToldOn]
      ] as const) {
        if (value && value > today) throw fieldError(`/${field}`, 'date_in_future', `/${field} cannot be in the future`)
      }
      if (input.preferredProviderId) {
        const provider = await trx
          .selectFrom('provider')
          .select('id')
          .where('id', '=', input.preferredProviderId)
          .where('la_code', '=', laCode)
          .executeTakeFirst()
        if (!provider)
          throw unprocessable('unknown_provider', 'No such provider in the LA', [
            {
              path: '/preferredProviderId',
              code: 'unknown_reference',
              message: '/preferredProviderId is not a provider of the LA'
            }
          ])
      }
      const missing = referralMissingItems(input, {
        senProvision: pupil.sen_provision,
        lookedAfter: pupil.looked_after
      })
      if (missing.length > 0)
        throw new AppError(
          422,
          'referral_incomplete',
          `The referral is incomplete: ${missing.map((m) => m.path.slice(1)).join(', ')}`,
          missing
        )
      const calendar = await calendarForPupil(trx, pupil)
      const policy = await policyFor(trx, laCode)
      const receivedOn = input.receivedOn ?? today
      const row = await trx
        .insertInto('referral')
        .values({
          pupil_id: pupil.id,
          la_code: laCode,
          referring_school_id: p.role === 'school' ? p.schoolId : null,
          requested_tier: input.requestedTier,
          legal_basis: input.legalBasis,
          reason_code: input.reasonCode ?? null,
          needs_summary: input.needsSummary ?? null,
          interventions_tried: input.interventionsTried ?? null,
          proposed_objectives: JSON.stringify(input.proposedObjectives ?? []),
          baseline_attendance_pct: input.baselineAttendancePct ?? null,
          baseline_from: input.baselineFrom ?? null,
          baseline_to: input.baselineTo ?? null,
          parent_consulted_on: input.parentConsultedOn ?? null,
          pupil_views: input.pupilViews ?? null,
          send_caseworker_told_on: input.sendCaseworkerToldOn ?? null,
          virtual_school_told_on: input.virtualSchoolToldOn ?? null,
          exclusions: JSON.stringify(
            (input.exclusions ?? []).map((e) => ({
              kind: e.kind,
              firstDay: e.firstDay,
              lengthSchoolDays: e.lengthSchoolDays ?? null
            }))
          ),
          preferred_provider_id: input.preferredProviderId ?? null,
          submitted_on: today,
          received_on: receivedOn,
          // The decision deadline counts from when the referral was received, not when it was entered.
          decision_due_on: calendar.addSchoolDays(receivedOn, policy.referral_decision_school_days)
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      await writeAudit(trx, actor, [
        {
          action: 'create',
          entity: 'referral',
          entityId: row.id,
          pupilId: pupil.id,
          pupilLaCode: pupil.home_la_code,
          changedFields: Object.keys(input)
        }
      ])
      return this.#view(trx, row, calendar)
    })
  }

  async get(actor: Actor, id: string) {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('referral')
        .selectAll()
        .where(referralScope(actor.principal))
        .where('id', '=', id)
        .executeTakeFirst()
      if (!row) throw notFound('referral')
      await writeAudit(trx, actor, [
        {
          action: 'read',
          entity: 'referral',
          entityId: id,
          pupilId: row.pupil_id,
          pupilLaCode: await pupilLa(trx, row.pupil_id)
        }
      ])
      return { body: await this.#view(trx, row), version: row.version }
    })
  }

  async list(actor: Actor, q: ReferralListQuery) {
    const today = todayIn(this.clock)
    return this.db.transaction().execute(async (trx) => {
      const base = trx
        .selectFrom('referral')
        .where(referralScope(actor.principal))
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
      const las =
        rows.length === 0
          ? []
          : await trx
              .selectFrom('pupil')
              .select(['id', 'home_la_code'])
              .where(
                'id',
                'in',
                rows.map((r) => r.pupil_id)
              )
              .execute()
      await writeAudit(
        trx,
        actor,
        rows.map((r) => ({
          action: 'list' as const,
          entity: 'referral',
          entityId: r.id,
          pupilId: r.pupil_id,
          pupilLaCode: las.find((l) => l.id === r.pupil_id)?.home_la_code ?? null
        }))
      )
      const results: Referral[] = []
      for (const r of rows) results.push(await this.#view(trx, r))
      return { results, paging: paging(q.page, q.pageSize, Number(total)) }
    })
  }

  async decide(actor: Actor, id: string, input: Decision) {
    if (input.decision === 'DECLINE' && !input.reason)
      throw fieldError('/reason', 'required', '/reason is required to decline a referral')
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('referral')
        .selectAll()
        .where(referralScope(actor.principal))
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst()
      if (!row) throw notFound('referral')
      if (row.status !== 'SUBMITTED')
        throw conflict('referral_already_decided', `The referral is already ${row.status}`)
      const updated = await trx
        .updateTable('referral')
        .set((eb) => ({
          status: input.decision === 'ACCEPT' ? 'ACCEPTED' : 'DECLINED',
          decided_at: this.clock().toJSDate(),
          decided_by: actor.principal.subject,
          decision_reason: input.reason ?? null,
          version: eb('version', '+', 1),
          updated_at: new Date()
        }))
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow()
      await writeAudit(trx, actor, [
        {
          action: 'update',
          entity: 'referral',
          entityId: id,
          pupilId: row.pupil_id,
          pupilLaCode: await pupilLa(trx, row.pupil_id),
          changedFields: ['status', 'decisionReason']
        }
      ])
      return { body: await this.#view(trx, updated), version: updated.version }
    })
  }

  async withdraw(actor: Actor, id: string, reason: string) {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('referral')
        .selectAll()
        .where(referralScope(actor.principal))
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst()
      if (!row) throw notFound('referral')
      if (row.status !== 'SUBMITTED' && row.status !== 'ACCEPTED')
        throw conflict('referral_closed', `A ${row.status} referral cannot be withdrawn`)
      const placed = await trx
        .selectFrom('placement')
        .select('id')
        .where('referral_id', '=', id)
        .where('status', '<>', 'CANCELLED')
        .executeTakeFirst()
      if (placed)
        throw conflict('referral_placed', `The referral has placement ${placed.id}; cancel or end that instead`)
      await trx.deleteFrom('waiting_list_entry').where('referral_id', '=', id).execute()
      const updated = await trx
        .updateTable('referral')
        .set((eb) => ({
          status: 'WITHDRAWN',
          decision_reason: reason,
          decided_at: this.clock().toJSDate(),
          decided_by: actor.principal.subject,
          version: eb('version', '+', 1),
          updated_at: new Date()
        }))
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow()
      await writeAudit(trx, actor, [
        {
          action: 'update',
          entity: 'referral',
          entityId: id,
          pupilId: row.pupil_id,
          pupilLaCode: await pupilLa(trx, row.pupil_id),
          changedFields: ['status']
        }
      ])
      return { body: await this.#view(trx, updated), version: updated.version }
    })
  }

  async reasonCodes(p: Principal) {
    const rows = await this.db
      .selectFrom('reason_code')
      .select(['code', 'label', 'la_code'])
      .where((eb) => eb.or([eb('la_code', 'is', null), eb('la_code', '=', p.laCode)]))
      .orderBy('code')
      .execute()
    return { results: rows.map((r) => ({ code: r.code, label: r.label, laCode: r.la_code })) }
  }

  async addReasonCode(actor: Actor, code: string, label: string) {
    return this.db.transaction().execute(async (trx) => {
      const exists = await trx.selectFrom('reason_code').select('code').where('code', '=', code).executeTakeFirst()
      if (exists)
        throw conflict('already_exists', `Reason code ${code} already exists`, [
          { path: '/code', code: 'unique', message: '/code must be unique' }
        ])
      await trx.insertInto('reason_code').values({ code, label, la_code: actor.principal.laCode }).execute()
      await writeAudit(trx, actor, [{ action: 'create', entity: 'reason_code', entityId: code }])
      return { code, label, laCode: actor.principal.laCode }
    })
  }
}
