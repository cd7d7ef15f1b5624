import type { Kysely } from 'kysely'
import { DateTime } from 'luxon'
import type { Principal } from '../../platform/auth/principal.js'
import {
  commissionerFor,
  homeAttendanceCode,
  type LegalBasis,
  moveEnding,
  moveRefusal,
  overlapRefusal,
  pauseDateErrors,
  placementChangeRefusal,
  type PlacementFacts,
  placementErrors,
  STRUCTURAL_FIELDS,
  startBeforeReferral,
  transitionRefusal
} from '../../domain/placements.js'
import type { DB, PlacementRow, PupilRow, ReferralRow } from '../../db/schema.js'
import {
  conflict,
  invalid,
  notFound,
  preconditionFailed,
  refuseIf,
  ruleFailed,
  unprocessable
} from '../../platform/errors.js'
import { paging } from '../../platform/schemas.js'
import { type Clock, systemClock, toIso, todayIn } from '../../platform/time.js'
import { type Actor, claimCreation, writeAudit } from '../../db/audit.js'
import { type Known, placementView, placementViews } from '../../views/placement/placement.view.js'
import { registrationChecks } from '../../views/registration/registration.view.js'
import { outcomesRepository } from '../outcomes/index.js'
import { policyFor } from '../local-authorities/index.js'
import { calendarForPupil, calendarKey, calendarLoader } from '../pupils/index.js'
import { reviewsRepository } from '../reviews/index.js'
import * as repo from './placements.repository.js'
import type {
  CreatePlacement,
  NextPlacement,
  Placement,
  PlacementListQuery,
  UpdatePlacement
} from './placements.schemas.js'

type Input = Omit<CreatePlacement, 'referralId'> & { tier: number; legalBasis: LegalBasis }
/**
 * What links a new placement to what came before: its referral, or the placement it follows and the baseline it
 * carries.
 */
interface Links {
  referral: ReferralRow | null
  previousPlacementId: string | null
  baselineAttendancePct?: string | number | null
}

export class PlacementsService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock = systemClock
  ) {}

  #today(): string {
    return todayIn(this.clock)
  }

  /**
   * Validates, checks overlap and capacity, inserts the placement, its event and audit row. Runs inside `trx`
   * and returns, with the row, what it read on the way, so the response is built without reading it again.
   */
  async #insert(
    trx: Kysely<DB>,
    actor: Actor,
    pupil: PupilRow,
    pupilLocked: boolean,
    laCode: string,
    input: Input,
    links: Links
  ) {
    const p = actor.principal
    const provider = await repo.providerToPlace(trx, p, input.providerId, input.tier)
    if (!provider)
      throw unprocessable('unknown_provider', 'No such provider in your LA', [
        { path: '/providerId', code: 'unknown_reference', message: '/providerId is not a provider of your LA' }
      ])
    // Locking the pupil's row serialises placements of the same pupil, so the overlap check below sees the
    // other one and names it (409) rather than the exclusion constraint failing the insert (500).
    if (!pupilLocked) await repo.pupilOf(trx, pupil.id, { lock: true })
    const calendar = await calendarForPupil(trx, pupil)
    const { policy, reasonCodeKnown } = await repo.policyToPlace(trx, laCode, input.reasonCode || undefined)
    const facts: PlacementFacts = {
      tier: input.tier,
      legalBasis: input.legalBasis,
      reasonCode: input.reasonCode ?? null,
      startDate: input.startDate,
      plannedEndDate: input.plannedEndDate ?? null,
      sessionsAtProvider: input.sessionsAtProvider,
      sessionsAtHomeSchool: input.sessionsAtHomeSchool,
      partTimePlan: input.partTimePlan ?? null,
      registration: input.registration,
      plan: input.plan
    }
    if (input.tier >= 2 && !input.reasonCode) facts.reasonCode = undefined
    const errors = placementErrors(facts, {
      calendar,
      tierLimitsSchoolWeeks: {
        1: policy.tier1_max_school_weeks,
        2: policy.tier2_max_school_weeks,
        3: policy.tier3_max_school_weeks
      },
      pupilDateOfBirth: pupil.date_of_birth,
      providerOffersTier: provider.places !== null,
      providerIsSchool: provider.urn !== null,
      reasonCodeKnown
    })
    if (errors.length > 0) ruleFailed(errors)
    const early = startBeforeReferral(input.startDate, links.referral?.received_on)
    if (early)
      throw unprocessable(
        'start_before_referral',
        `The placement cannot start before its referral was received (${links.referral!.received_on})`,
        [early]
      )

    const end = input.plannedEndDate ?? null
    await this.#refuseOverlap(trx, pupil.id, input.startDate, end, undefined, '/startDate')

    // Locking the provider's tier row serialises placements competing for its places; it is taken as late as
    // possible so rule checks and calendar loads of concurrent requests do not queue behind it.
    const capacity = await repo.lockPlaces(trx, provider.id, input.tier)
    if (capacity.used >= capacity.places) {
      return { full: true as const, places: capacity.places }
    }

    const commissioner = commissionerFor(input.legalBasis)
    const commissioningSchool =
      commissioner === 'SCHOOL' ? (links.referral?.referring_school_id ?? pupil.home_school_id) : null
    if (commissioner === 'SCHOOL' && !commissioningSchool) {
      throw unprocessable(
        'no_commissioning_school',
        `${input.legalBasis} is commissioned by a school, and the pupil has no home school`,
        [
          {
            path: '/legalBasis',
            code: 'no_commissioning_school',
            message: `/legalBasis ${input.legalBasis} needs a commissioning school`
          }
        ]
      )
    }
    const firstReviewDueOn = calendar.addSchoolDays(input.startDate, policy.first_review_school_days)
    const row = await repo.insertPlanned(
      trx,
      {
        referral_id: links.referral?.id ?? null,
        previous_placement_id: links.previousPlacementId,
        pupil_id: pupil.id,
        pupil_home_la_code: pupil.home_la_code,
        la_code: laCode,
        tier: input.tier,
        provider_id: provider.id,
        commissioner_type: commissioner,
        commissioner_school_id: commissioningSchool,
        legal_basis: input.legalBasis,
        reason_code: input.reasonCode ?? null,
        start_date: input.startDate,
        planned_end_date: end,
        sessions_at_provider: input.sessionsAtProvider,
        sessions_at_home_school: input.sessionsAtHomeSchool,
        part_time_plan_end_date: input.partTimePlan?.endDate ?? null,
        part_time_plan_details: input.partTimePlan?.details ?? null,
        registration: input.registration,
        home_attendance_code: input.tier === 1 ? null : homeAttendanceCode(commissioner, input.registration),
        plan: JSON.stringify({
          objectives: input.plan.objectives,
          reintegrationPlan: input.plan.reintegrationPlan ?? null,
          transitionPlan: input.plan.transitionPlan ?? null,
          intendedPost16Route: input.plan.intendedPost16Route ?? null,
          readinessCriteria: input.plan.readinessCriteria ?? null
        }),
        first_review_due_on: firstReviewDueOn,
        baseline_attendance_pct: links.referral
          ? links.referral.baseline_attendance_pct
          : (links.baselineAttendancePct ?? null),
        next_review_due_on: firstReviewDueOn,
        next_review_rule: 'FIRST_REVIEW',
        la_notified_on: input.laNotifiedOn ?? null,
        parent_notice_given_on: input.parentNoticeGivenOn ?? null,
        la_notice_given_on: input.laNoticeGivenOn ?? null
      },
      { onDate: this.#today(), actor: p.subject },
      actor,
      {
        action: 'create',
        entity: 'placement',
        pupilId: pupil.id,
        pupilLaCode: pupil.home_la_code,
        changedFields: Object.keys(input)
      }
    )
    await claimCreation(trx, actor, 'placement', row.id)
    const known: Known = {
      pupils: [pupil],
      referrals: links.referral ? [links.referral] : [],
      providers: [provider],
      calendars: new Map([[calendarKey(pupil), calendar]]),
      policies: [policy],
      fresh: true
    }
    return { full: false as const, row, known }
  }

  /**
   * 409 naming the pupil's placement (not cancelled) whose dates overlap `start`–`end` (open-ended when null),
   * other than `exceptId`. Callers hold the pupil's row lock, so a concurrent placement is seen here rather
   * than failing the exclusion constraint.
   */
  async #refuseOverlap(
    trx: Kysely<DB>,
    pupilId: string,
    start: string,
    end: string | null,
    exceptId: string | undefined,
    path: string
  ): Promise<void> {
    refuseIf(overlapRefusal(start, end, await repo.otherPlacementsOf(trx, pupilId, exceptId), path))
  }

  async create(actor: Actor, input: CreatePlacement) {
    const p = actor.principal
    const outcome = await this.db.transaction().execute(async (trx) => {
      const found = await repo.lockReferralToPlace(trx, p.laCode, input.referralId)
      if (!found)
        throw unprocessable('unknown_referral', 'No such referral in your LA', [
          { path: '/referralId', code: 'unknown_reference', message: '/referralId is not a referral of your LA' }
        ])
      const { placed_as: placedAs, ...referral } = found
      if (referral.status !== 'ACCEPTED') {
        throw unprocessable(
          'referral_not_accepted',
          `A placement needs an accepted referral; this one is ${referral.status}`,
          [{ path: '/referralId', code: 'referral_not_accepted', message: `/referralId is ${referral.status}` }]
        )
      }
      if (placedAs)
        throw conflict('referral_placed', `The referral already has placement ${placedAs}`, [
          { path: '/referralId', code: 'referral_placed', message: `already placed as ${placedAs}` }
        ])
      const pupil = await repo.pupilOf(trx, referral.pupil_id, { lock: true })
      const full: Input = {
        ...input,
        tier: input.tier ?? referral.requested_tier,
        legalBasis: input.legalBasis ?? referral.legal_basis,
        reasonCode: input.reasonCode ?? referral.reason_code ?? undefined
      }
      const result = await this.#insert(trx, actor, pupil, true, referral.la_code, full, {
        referral,
        previousPlacementId: null
      })
      if (result.full) {
        // Joined on the service's clock (as every other date here), not the database's; a referral that
        // moves to another provider's list joins the back of that list.
        await repo.joinWaitingList(trx, {
          referralId: referral.id,
          providerId: input.providerId,
          tier: full.tier,
          addedAt: this.clock().toJSDate()
        })
        await writeAudit(trx, actor, [
          {
            action: 'create',
            entity: 'waiting_list_entry',
            entityId: referral.id,
            pupilId: pupil.id,
            pupilLaCode: pupil.home_la_code
          }
        ])
        const position = await repo.waitingPosition(trx, referral.id)
        return { full: true as const, places: result.places, tier: full.tier, position }
      }
      return {
        full: false as const,
        body: await placementView(trx, result.row, this.#today(), result.known),
        version: result.row.version
      }
    })
    if (outcome.full) {
      // The refusal is itself recorded: the referral now waits in the provider's list.
      throw conflict(
        'provider_full',
        `All ${outcome.places} Tier ${outcome.tier} places at the provider are taken; ` +
          `the referral is number ${outcome.position} on its waiting list`,
        [
          {
            path: '/providerId',
            code: 'no_capacity',
            message: `no free place; waiting list position ${outcome.position}`
          }
        ]
      )
    }
    return outcome
  }

  async get(actor: Actor, id: string) {
    return this.db.transaction().execute(async (trx) => {
      const row = await repo.findInScope(trx, actor.principal, id)
      await writeAudit(trx, actor, [
        {
          action: 'read',
          entity: 'placement',
          entityId: id,
          pupilId: row.pupil_id,
          pupilLaCode: row.pupil_home_la_code
        }
      ])
      return { body: await placementView(trx, row, this.#today()), version: row.version }
    })
  }

  async list(actor: Actor, q: PlacementListQuery) {
    return this.db.transaction().execute(async (trx) => {
      const { rows, total } = await repo.listInScope(trx, actor.principal, q, {
        limit: q.pageSize,
        offset: (q.page - 1) * q.pageSize
      })
      await writeAudit(
        trx,
        actor,
        rows.map((r) => ({
          action: 'list' as const,
          entity: 'placement',
          entityId: r.id,
          pupilId: r.pupil_id,
          pupilLaCode: r.pupil_home_la_code
        }))
      )
      const results: Placement[] = await placementViews(trx, rows, this.#today())
      return { results, paging: paging(q.page, q.pageSize, total) }
    })
  }

  async update(actor: Actor, id: string, version: number, input: UpdatePlacement) {
    return this.db.transaction().execute(async (trx) => {
      const row = await repo.findInScope(trx, actor.principal, id, { lock: true })
      if (row.version !== version) throw preconditionFailed()
      const structural = STRUCTURAL_FIELDS.filter((k) => k in input)
      const today = this.#today()
      const referral =
        row.referral_id && (input.baselineAttendancePct !== undefined || input.startDate)
          ? await repo.referralOf(trx, row.referral_id)
          : undefined
      refuseIf(
        placementChangeRefusal({
          status: row.status,
          changing: Object.keys(input),
          given: input,
          today,
          referral: referral && {
            id: row.referral_id!,
            receivedOn: referral.received_on,
            baselineAttendancePct:
              referral.baseline_attendance_pct === null ? null : Number(referral.baseline_attendance_pct)
          }
        })
      )
      const datesChange = 'startDate' in input || 'plannedEndDate' in input
      // Locking the pupil serialises date changes against other placements of the same pupil.
      const pupil = await repo.pupilOf(trx, row.pupil_id, { lock: datesChange })
      const merged = {
        startDate: input.startDate ?? row.start_date,
        plannedEndDate: input.plannedEndDate !== undefined ? input.plannedEndDate : row.planned_end_date,
        sessionsAtProvider: input.sessionsAtProvider ?? row.sessions_at_provider,
        sessionsAtHomeSchool: input.sessionsAtHomeSchool ?? row.sessions_at_home_school,
        partTimePlan:
          input.partTimePlan !== undefined
            ? input.partTimePlan
            : row.part_time_plan_end_date
              ? { endDate: row.part_time_plan_end_date, details: row.part_time_plan_details ?? '' }
              : null,
        plan: input.plan ?? row.plan
      }
      const revalidate = structural.length > 0 || input.plan !== undefined
      const [calendar, policy] = revalidate
        ? await Promise.all([calendarForPupil(trx, pupil), policyFor(trx, row.la_code)])
        : [undefined, undefined]
      if (calendar && policy) {
        const [provider] = await repo.providerFacts(trx, [row.provider_id])
        const errors = placementErrors(
          {
            ...merged,
            tier: row.tier,
            legalBasis: row.legal_basis,
            reasonCode: row.reason_code,
            registration: row.registration
          },
          {
            calendar,
            tierLimitsSchoolWeeks: {
              1: policy.tier1_max_school_weeks,
              2: policy.tier2_max_school_weeks,
              3: policy.tier3_max_school_weeks
            },
            pupilDateOfBirth: pupil.date_of_birth,
            providerOffersTier: true,
            providerIsSchool: provider!.urn !== null,
            reasonCodeKnown: true
          }
        )
        if (errors.length > 0) ruleFailed(errors)
      }
      if (datesChange) {
        await this.#refuseOverlap(
          trx,
          row.pupil_id,
          merged.startDate,
          merged.plannedEndDate,
          row.id,
          'startDate' in input ? '/startDate' : '/plannedEndDate'
        )
      }
      const updated = await repo.update(trx, id, {
        start_date: merged.startDate,
        planned_end_date: merged.plannedEndDate,
        sessions_at_provider: merged.sessionsAtProvider,
        sessions_at_home_school: merged.sessionsAtHomeSchool,
        part_time_plan_end_date: merged.partTimePlan?.endDate ?? null,
        part_time_plan_details: merged.partTimePlan?.details ?? null,
        plan: JSON.stringify(merged.plan),
        first_review_due_on:
          input.startDate && calendar && policy
            ? calendar.addSchoolDays(merged.startDate, policy.first_review_school_days)
            : row.first_review_due_on,
        la_notified_on: input.laNotifiedOn !== undefined ? input.laNotifiedOn : row.la_notified_on,
        parent_notice_given_on:
          input.parentNoticeGivenOn !== undefined ? input.parentNoticeGivenOn : row.parent_notice_given_on,
        la_notice_given_on: input.laNoticeGivenOn !== undefined ? input.laNoticeGivenOn : row.la_notice_given_on,
        baseline_attendance_pct:
          input.baselineAttendancePct !== undefined ? input.baselineAttendancePct : row.baseline_attendance_pct
      })
      await writeAudit(trx, actor, [
        {
          action: 'update',
          entity: 'placement',
          entityId: id,
          pupilId: row.pupil_id,
          pupilLaCode: row.pupil_home_la_code,
          changedFields: Object.keys(input)
        }
      ])
      const current = input.startDate ? await reviewsRepository.refreshSchedule(trx, updated!) : updated!
      const known: Known = {
        pupils: [pupil],
        ...(calendar ? { calendars: new Map([[calendarKey(pupil), calendar]]) } : {})
      }
      return { body: await placementView(trx, current, today, known), version: current.version }
    })
  }

  /** A status change with its event and audit row, after `check` approves the current row. */
  async #transition(
    actor: Actor,
    id: string,
    version: number,
    change: {
      to: repo.PlacementStatus
      event: repo.PlacementEventKind
      reason?: string | null
      onDate?: string
      check: (row: PlacementRow, trx: Kysely<DB>) => Promise<void> | void
      set?: Partial<Record<'pause_reason' | 'ended_reason' | 'end_date', string | null>>
    }
  ) {
    return this.db.transaction().execute(async (trx) => {
      const row = await repo.findInScope(trx, actor.principal, id, { lock: true })
      if (row.version !== version) throw preconditionFailed()
      await change.check(row, trx)
      const updated = await repo.update(trx, id, {
        status: change.to,
        ...change.set,
        ...(change.to === 'CANCELLED' ? { next_review_due_on: null, next_review_rule: null } : {}),
        ...(change.to === 'ACTIVE' && row.status === 'PLANNED' ? { activated_at: new Date() } : {})
      })
      await repo.addEvent(trx, {
        placementId: id,
        event: change.event,
        onDate: change.onDate ?? this.#today(),
        reason: change.reason ?? null,
        actor: actor.principal.subject
      })
      const current = await reviewsRepository.refreshSchedule(trx, updated!)
      await writeAudit(trx, actor, [
        {
          action: 'update',
          entity: 'placement',
          entityId: id,
          pupilId: row.pupil_id,
          pupilLaCode: row.pupil_home_la_code,
          changedFields: ['status']
        }
      ])
      return { body: await placementView(trx, current, this.#today()), version: current.version }
    })
  }

  activate(actor: Actor, id: string, version: number) {
    return this.#transition(actor, id, version, {
      to: 'ACTIVE',
      event: 'ACTIVATED',
      check: async (row, trx) => {
        refuseIf(transitionRefusal('activate', row.status))
        const view = await placementView(trx, row, this.#today())
        if (view.activationBlockers.length > 0) {
          throw unprocessable(
            'preconditions_unmet',
            `The placement cannot start yet: ${view.activationBlockers.map((b) => b.message).join('; ')}`,
            view.activationBlockers
          )
        }
        if (row.previous_placement_id) await this.#endScheduled(trx, actor, row.previous_placement_id)
      }
    })
  }

  /** A placement left running by a step-down that started later ends as its successor starts. */
  async #endScheduled(trx: Kysely<DB>, actor: Actor, id: string): Promise<void> {
    const ended = await repo.update(
      trx,
      id,
      { status: 'ENDED', next_review_due_on: null, next_review_rule: null, pause_reason: null },
      { where: { statusIn: ['ACTIVE', 'PAUSED'], hasOutcome: true } }
    )
    if (ended)
      await writeAudit(trx, actor, [
        {
          action: 'update',
          entity: 'placement',
          entityId: ended.id,
          pupilId: ended.pupil_id,
          pupilLaCode: ended.pupil_home_la_code,
          changedFields: ['status']
        }
      ])
  }

  /** Pauses from `from` (default today), judged at that date: a case entered after the event keeps its dates. */
  pause(actor: Actor, id: string, version: number, reason: string, from?: string) {
    const onDate = from ?? this.#today()
    return this.#transition(actor, id, version, {
      to: 'PAUSED',
      event: 'PAUSED',
      reason,
      onDate,
      set: { pause_reason: reason },
      check: async (row, trx) => {
        refuseIf(transitionRefusal('pause', row.status))
        const [review, resumedOn] = await Promise.all([
          reviewsRepository.latest(trx, id),
          repo.lastEventOn(trx, id, 'RESUMED', 'date')
        ])
        this.#refuseDate(
          pauseDateErrors(
            'PAUSE',
            onDate,
            { startDate: row.start_date, lastReviewOn: review?.held_on, lastResumedOn: resumedOn },
            this.#today()
          )
        )
      }
    })
  }

  /** Resumes from `from` (default today), not before the pause began. */
  resume(actor: Actor, id: string, version: number, from?: string) {
    const onDate = from ?? this.#today()
    return this.#transition(actor, id, version, {
      to: 'ACTIVE',
      event: 'RESUMED',
      onDate,
      set: { pause_reason: null },
      check: async (row, trx) => {
        refuseIf(transitionRefusal('resume', row.status))
        const pausedFrom = await repo.lastEventOn(trx, id, 'PAUSED', 'entry')
        this.#refuseDate(pauseDateErrors('RESUME', onDate, { startDate: row.start_date, pausedFrom }, this.#today()))
      }
    })
  }

  #refuseDate(problem: ReturnType<typeof pauseDateErrors>): void {
    if (!problem) return
    if (problem.status === 400) invalid(problem.errors)
    throw unprocessable(problem.errors[0]!.code, problem.errors.map((e) => e.message).join('; '), problem.errors)
  }

  cancel(actor: Actor, id: string, version: number, reason: string) {
    return this.#transition(actor, id, version, {
      to: 'CANCELLED',
      event: 'CANCELLED',
      reason,
      set: { ended_reason: reason },
      check: (row) => refuseIf(transitionRefusal('cancel', row.status))
    })
  }

  /**
   * Ends the current placement the day before `next.startDate` and opens the linked next one (Tier 2 → 3
   * escalation, or step-down to Tier 1 support after a return), in one transaction.
   */
  async moveOn(actor: Actor, id: string, version: number, kind: 'ESCALATED' | 'STEPPED_DOWN', next: NextPlacement) {
    return this.db.transaction().execute(async (trx) => {
      const row = await repo.findInScope(trx, actor.principal, id, { lock: true })
      if (row.version !== version) throw preconditionFailed()
      refuseIf(transitionRefusal(kind === 'ESCALATED' ? 'escalate' : 'stepDown', row.status))
      const today = this.#today()
      refuseIf(
        moveRefusal(
          {
            kind,
            status: row.status,
            tier: row.tier,
            startDate: row.start_date,
            nextReviewDueOn: row.next_review_due_on,
            nextStartDate: next.startDate,
            reviewsHeld: await reviewsRepository.heldOn(trx, id),
            scheduledEnd:
              row.outcome_id === null ? null : { placementId: id, endDate: row.end_date, reason: row.ended_reason }
          },
          today
        )
      )
      // A step-down that starts later ends the current placement the day before, not at once: it keeps
      // running (reviews, attendance) until then and ends when the next placement starts.
      const ending = moveEnding(next.startDate, today)
      const endDate = ending.endDate
      const endsNow = kind === 'ESCALATED' || ending.endsNow
      const pupil = await repo.pupilOf(trx, row.pupil_id)
      // The move is the placement's outcome: an escalation, or a return to the home school (followed up).
      const lastReview = await reviewsRepository.latest(trx, id)
      const code =
        kind === 'ESCALATED'
          ? 'ESCALATED_TIER_2_TO_3'
          : next.partTimePlan
            ? 'RETURNED_TO_HOME_SCHOOL_PHASED'
            : 'RETURNED_TO_HOME_SCHOOL_FULL_TIME'
      const outcome = await outcomesRepository.storeOutcome(
        trx,
        row,
        pupil,
        {
          code,
          effectiveDate: next.startDate,
          receiving:
            kind === 'ESCALATED' ? { providerId: next.providerId } : { schoolId: pupil.home_school_id ?? undefined },
          ...(lastReview
            ? { finalReviewId: lastReview.id }
            : {
                finalReviewMissingReason:
                  'No review was held before the ' + (kind === 'ESCALATED' ? 'escalation' : 'step-down')
              }),
          ...(next.partTimePlan && kind === 'STEPPED_DOWN' ? { phasedPlan: next.partTimePlan } : {})
        },
        actor.principal.subject
      )
      const closed = await repo.update(trx, id, {
        ...(endsNow ? { status: 'ENDED', next_review_due_on: null, next_review_rule: null } : {}),
        end_date: endDate,
        ended_reason: code,
        outcome_id: outcome.id
      })
      const ended = endsNow ? closed! : await reviewsRepository.refreshSchedule(trx, closed!)
      await repo.addEvent(trx, { placementId: id, event: kind, onDate: endDate, actor: actor.principal.subject })
      await writeAudit(trx, actor, [
        {
          action: 'create',
          entity: 'placement_outcome',
          entityId: outcome.id,
          pupilId: row.pupil_id,
          pupilLaCode: row.pupil_home_la_code
        },
        {
          action: 'update',
          entity: 'placement',
          entityId: id,
          pupilId: row.pupil_id,
          pupilLaCode: row.pupil_home_la_code,
          changedFields: ['status', 'endDate', 'outcome']
        }
      ])
      const tier = kind === 'ESCALATED' ? 3 : 1
      // The coordinator making the move is the LA: notified when the move takes effect (today if it starts later).
      const laNotifiedOn = next.laNotifiedOn ?? (next.startDate < today ? next.startDate : today)
      const result = await this.#insert(
        trx,
        actor,
        pupil,
        false,
        row.la_code,
        {
          ...next,
          laNotifiedOn,
          tier,
          legalBasis: row.legal_basis,
          reasonCode: next.reasonCode ?? row.reason_code ?? undefined
        },
        { referral: null, previousPlacementId: id, baselineAttendancePct: row.baseline_attendance_pct }
      )
      if (result.full)
        throw conflict('provider_full', `All ${result.places} Tier ${tier} places at the provider are taken`, [
          { path: '/providerId', code: 'no_capacity', message: 'no free place' }
        ])
      return {
        ended: await placementView(trx, ended, today),
        next: await placementView(trx, result.row, today, result.known),
        version: result.row.version
      }
    })
  }

  /** A provider's waiting list. A provider sees positions and waits but not which pupils (it sees no referrals). */
  async waitingList(actor: Actor, providerId: string) {
    const p = actor.principal
    const provider = await repo.providerInScope(this.db, p, providerId)
    if (!provider) throw notFound('provider')
    const rows = await repo.waitingList(this.db, providerId)
    const today = this.#today()
    const calendarOf = calendarLoader(this.db)
    const calendars = await Promise.all(rows.map(calendarOf))
    const position = new Map<number, number>()
    const results = []
    for (const [i, r] of rows.entries()) {
      const n = (position.get(r.tier) ?? 0) + 1
      position.set(r.tier, n)
      const added = DateTime.fromJSDate(r.added_at).setZone('Europe/London').toISODate()!
      const calendar = calendars[i]!
      results.push({
        position: n,
        referralId: r.referral_id,
        pupilId: p.role === 'provider' ? null : r.pupil_id,
        tier: r.tier,
        addedAt: toIso(r.added_at),
        daysWaited: Math.round(DateTime.fromISO(today).diff(DateTime.fromISO(added), 'days').days),
        schoolDaysWaited:
          added < today ? calendar.countSchoolDays(DateTime.fromISO(added).plus({ days: 1 }).toISODate()!, today) : 0
      })
    }
    if (p.role !== 'provider') {
      await writeAudit(
        this.db,
        actor,
        rows.map((r) => ({
          action: 'list' as const,
          entity: 'waiting_list_entry',
          entityId: r.referral_id,
          pupilId: r.pupil_id
        }))
      )
    }
    return { providerId, results }
  }

  /** The unregistered-provider registration threshold (domain.md §2.5) for one provider or all of an LA's. */
  registrationChecks(p: Principal, providerId?: string) {
    return registrationChecks(this.db, { principal: p, providerId }, this.#today())
  }
}
