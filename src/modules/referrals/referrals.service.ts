import type { Kysely } from 'kysely'
import type { Principal } from '../../platform/auth/principal.js'
import type { SchoolCalendar } from '../../domain/calendar.js'
import { sixthDayClocks, type StatutoryClock } from '../../domain/clocks.js'
import { referralMissingItems, referralTransitionRefusal, SCHOOL_BASES } from '../../domain/placements.js'
import type { DB, ReferralRow } from '../../db/schema.js'
import { AppError, conflict, fieldError, notFound, refuseIf, ruleFailed, unprocessable } from '../../platform/errors.js'
import { paging } from '../../platform/schemas.js'
import { type Clock, systemClock, todayIn } from '../../platform/time.js'
import { type Actor, writeAudit } from '../../db/audit.js'
import { policyFor } from '../local-authorities/index.js'
import { providersRepository } from '../providers/index.js'
import { calendarForPupil, coordinatingLa, pupilsRepository } from '../pupils/index.js'
import { toReferral } from './referrals.mapper.js'
import * as referralsRepository from './referrals.repository.js'
import type { CreateReferral, Decision, Referral, ReferralListQuery } from './referrals.schemas.js'

export class ReferralsService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock = systemClock
  ) {}

  async #view(db: Kysely<DB>, row: ReferralRow, calendar?: SchoolCalendar): Promise<Referral> {
    const today = todayIn(this.clock)
    const pupil = await pupilsRepository.findById(db, row.pupil_id)
    const cal = calendar ?? (await calendarForPupil(db, pupil))
    const exclusions = row.exclusions
    const first = exclusions.map((e) => e.firstDay).sort()[0]
    const year11 = {
      dateOfBirth: pupil.date_of_birth,
      ncYearOverride: pupil.nc_year_override,
      examsEnd: exclusions.length > 0 ? (await policyFor(db, row.la_code)).year11_exams_end : null,
      today
    }
    const clocks: StatutoryClock[] =
      exclusions.length > 0
        ? sixthDayClocks(
            cal,
            exclusions,
            await referralsRepository.provisionStart(db, row.pupil_id, first),
            today,
            year11
          )
        : []
    return toReferral(row, {
      today,
      clocks,
      estimatedCalendar: cal.sourcesUsed().some((src) => src.source === 'estimated')
    })
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
      const pupil = await pupilsRepository.findInScope(trx, p, input.pupilId)
      if (!pupil)
        throw unprocessable('unknown_pupil', 'No such pupil in your scope', [
          { path: '/pupilId', code: 'unknown_reference', message: '/pupilId is not a pupil you can see' }
        ])
      const laCode = p.role === 'coordinator' ? p.laCode : await coordinatingLa(trx, pupil)
      if (input.reasonCode && !(await referralsRepository.reasonCodeKnown(trx, input.reasonCode, laCode))) {
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
        const provider = await providersRepository.findInLa(trx, input.preferredProviderId, laCode)
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
      const row = await referralsRepository.insert(trx, {
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
      const row = await referralsRepository.findInScope(trx, actor.principal, id)
      if (!row) throw notFound('referral')
      await writeAudit(trx, actor, [
        {
          action: 'read',
          entity: 'referral',
          entityId: id,
          pupilId: row.pupil_id,
          pupilLaCode: await pupilsRepository.homeLaCode(trx, row.pupil_id)
        }
      ])
      return { body: await this.#view(trx, row), version: row.version }
    })
  }

  async list(actor: Actor, q: ReferralListQuery) {
    const today = todayIn(this.clock)
    return this.db.transaction().execute(async (trx) => {
      const { rows, total } = await referralsRepository.page(trx, actor.principal, q, today)
      const las = await pupilsRepository.homeLaCodes(
        trx,
        rows.map((r) => r.pupil_id)
      )
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
      return { results, paging: paging(q.page, q.pageSize, total) }
    })
  }

  async decide(actor: Actor, id: string, input: Decision) {
    if (input.decision === 'DECLINE' && !input.reason)
      throw fieldError('/reason', 'required', '/reason is required to decline a referral')
    return this.db.transaction().execute(async (trx) => {
      const row = await referralsRepository.findInScope(trx, actor.principal, id, { lock: true })
      if (!row) throw notFound('referral')
      refuseIf(referralTransitionRefusal('decide', row.status))
      const updated = await referralsRepository.update(trx, id, {
        status: input.decision === 'ACCEPT' ? 'ACCEPTED' : 'DECLINED',
        decided_at: this.clock().toJSDate(),
        decided_by: actor.principal.subject,
        decision_reason: input.reason ?? null
      })
      await writeAudit(trx, actor, [
        {
          action: 'update',
          entity: 'referral',
          entityId: id,
          pupilId: row.pupil_id,
          pupilLaCode: await pupilsRepository.homeLaCode(trx, row.pupil_id),
          changedFields: ['status', 'decisionReason']
        }
      ])
      return { body: await this.#view(trx, updated), version: updated.version }
    })
  }

  async withdraw(actor: Actor, id: string, reason: string) {
    return this.db.transaction().execute(async (trx) => {
      const row = await referralsRepository.findInScope(trx, actor.principal, id, { lock: true })
      if (!row) throw notFound('referral')
      const placed = await referralsRepository.livePlacementOf(trx, id)
      refuseIf(referralTransitionRefusal('withdraw', row.status, placed?.id))
      await referralsRepository.removeFromWaitingLists(trx, id)
      const updated = await referralsRepository.update(trx, id, {
        status: 'WITHDRAWN',
        decision_reason: reason,
        decided_at: this.clock().toJSDate(),
        decided_by: actor.principal.subject
      })
      await writeAudit(trx, actor, [
        {
          action: 'update',
          entity: 'referral',
          entityId: id,
          pupilId: row.pupil_id,
          pupilLaCode: await pupilsRepository.homeLaCode(trx, row.pupil_id),
          changedFields: ['status']
        }
      ])
      return { body: await this.#view(trx, updated), version: updated.version }
    })
  }

  async reasonCodes(p: Principal) {
    const rows = await referralsRepository.reasonCodes(this.db, p.laCode)
    return { results: rows.map((r) => ({ code: r.code, label: r.label, laCode: r.la_code })) }
  }

  async addReasonCode(actor: Actor, code: string, label: string) {
    return this.db.transaction().execute(async (trx) => {
      if (await referralsRepository.reasonCodeExists(trx, code))
        throw conflict('already_exists', `Reason code ${code} already exists`, [
          { path: '/code', code: 'unique', message: '/code must be unique' }
        ])
      await referralsRepository.insertReasonCode(trx, { code, label, la_code: actor.principal.laCode })
      await writeAudit(trx, actor, [{ action: 'create', entity: 'reason_code', entityId: code }])
      return { code, label, laCode: actor.principal.laCode }
    })
  }
}
