import { type Kysely, sql } from 'kysely'
import { DateTime } from 'luxon'
import type { Principal } from '../../platform/auth/principal.js'
import { placementScope, providerScope } from '../../db/scope.js'
import type { SchoolCalendar } from '../../domain/calendar.js'
import { offSiteNoticeClocks, sixthDayClocks, type StatutoryClock } from '../../domain/clocks.js'
import {
  activationBlockers,
  commissionerFor,
  homeAttendanceCode,
  isFullTime,
  type LegalBasis,
  moveEnding,
  pauseDateErrors,
  type PlacementFacts,
  placementErrors,
  startBeforeReferral
} from '../../domain/placements.js'
import { reviewOverdueAt, reviewsFrom } from '../../domain/reviews.js'
import { endOfCompulsorySchoolAge, ncYearOn } from '../../domain/school-year.js'
import type { DB, PlacementRow, PupilRow, ReferralRow } from '../../db/schema.js'
import {
  conflict,
  fieldError,
  type FieldError,
  invalid,
  notFound,
  preconditionFailed,
  ruleFailed,
  unprocessable
} from '../../platform/errors.js'
import { paging } from '../../platform/schemas.js'
import { type Clock, systemClock, toIso, todayIn } from '../../platform/time.js'
import { type Actor, writeAudit } from '../../db/audit.js'
import { attainmentByPlacement } from '../attainment/attainment.service.js'
import { marksByPlacement, summaryFor } from '../attendance/attendance.service.js'
import { currentOutcomes, storeOutcome } from '../outcomes/outcome-store.js'
import { type LaPolicyRow, policyFor } from '../local-authorities/index.js'
import { calendarForPupil } from '../pupils/index.js'
import { refreshSchedule } from '../reviews/schedule.js'
import { reasonCodeKnown } from '../referrals/index.js'
import type {
  CreatePlacement,
  NextPlacement,
  Placement,
  PlacementListQuery,
  UpdatePlacement
} from './placements.schemas.js'

const OCCUPYING = ['PLANNED', 'ACTIVE', 'PAUSED'] as const
/** Hours counted for one half-day session when testing the unregistered-provider full-time threshold. */
export const SESSION_HOURS = 2.5

/** Per-request memo of what several placement views share (a school's calendar, a provider, a pupil). */
class ViewMemo {
  readonly #values = new Map<string, Promise<unknown>>()
  once<T>(key: string, load: () => Promise<T>): Promise<T> {
    let value = this.#values.get(key) as Promise<T> | undefined
    if (!value) {
      value = load()
      this.#values.set(key, value)
    }
    return value
  }

  set<T>(key: string, value: T): void {
    this.#values.set(key, Promise.resolve(value))
  }

  /** Loads the pupils, referrals' exclusions and providers of a page of placements in three queries. */
  async preload(db: Kysely<DB>, rows: PlacementRow[], today: string): Promise<void> {
    const ids = (pick: (r: PlacementRow) => string | null) => [
      ...new Set(rows.map(pick).filter((v): v is string => v !== null))
    ]
    const pupilIds = ids((r) => r.pupil_id)
    const referralIds = ids((r) => r.referral_id)
    const providerIds = ids((r) => r.provider_id)
    const [pupils, referrals, providers] = await Promise.all([
      pupilIds.length
        ? db
            .selectFrom('pupil')
            .select(['id', 'home_school_id', 'home_la_code', 'sen_provision', 'date_of_birth', 'nc_year_override'])
            .where('id', 'in', pupilIds)
            .execute()
        : [],
      referralIds.length
        ? db
            .selectFrom('referral')
            .select(['id', 'exclusions', 'baseline_attendance_pct'])
            .where('id', 'in', referralIds)
            .execute()
        : [],
      providerIds.length
        ? db
            .selectFrom('provider')
            .select(['id', 'registration_status', 'safeguarding_confirmed_on'])
            .where('id', 'in', providerIds)
            .execute()
        : []
    ])
    const reviews = ids((r) => r.id)
    const summaries =
      reviews.length === 0
        ? []
        : await db
            .selectFrom('review')
            .select((eb) => ['placement_id', eb.fn.max('held_on').as('last'), eb.fn.countAll<string>().as('count')])
            .where('placement_id', 'in', reviews)
            .groupBy('placement_id')
            .execute()
    for (const id of reviews) this.set(`reviews:${id}`, { last: null, count: 0 })
    for (const r of summaries) this.set(`reviews:${r.placement_id}`, { last: r.last as string, count: Number(r.count) })
    const [outcomes, marks, attainment] = await Promise.all([
      currentOutcomes(db, rows, today),
      marksByPlacement(db, reviews, today),
      attainmentByPlacement(db, reviews)
    ])
    for (const id of reviews) {
      this.set(`outcome:${id}`, outcomes.get(id) ?? null)
      this.set(`marks:${id}`, marks.get(id)!)
      this.set(`attainment:${id}`, attainment.get(id)!)
    }
    for (const p of pupils) this.set(`pupil:${p.id}`, p)
    for (const r of referrals) this.set(`referral:${r.id}`, r)
    for (const p of providers) this.set(`provider:${p.id}`, p)
  }
}

/**
 * A placement in the caller's scope, else 404. `lock` means the caller will change it: the row is locked
 * and only the arranging LA (not the pupil's home LA) may.
 */
export async function loadPlacement(db: Kysely<DB>, p: Principal, id: string, lock = false): Promise<PlacementRow> {
  const row = await db
    .selectFrom('placement')
    .selectAll()
    .where(placementScope(p, lock ? 'write' : 'read'))
    .where('id', '=', id)
    .$if(lock, (qb) => qb.forUpdate())
    .executeTakeFirst()
  if (!row) throw notFound('placement')
  return row
}

const calendarKey = (pupil: Pick<PupilRow, 'home_school_id' | 'home_la_code'>) =>
  `calendar:${pupil.home_school_id ?? `la:${pupil.home_la_code}`}`

type Input = Omit<CreatePlacement, 'referralId'> & { tier: number; legalBasis: LegalBasis }
/** What links a new placement to what came before: its referral, or the placement it follows and the baseline it carries. */
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

  async #clocks(
    db: Kysely<DB>,
    row: PlacementRow,
    calendar: SchoolCalendar,
    pupil: Pick<PupilRow, 'sen_provision' | 'date_of_birth' | 'nc_year_override'>,
    memo: ViewMemo
  ): Promise<StatutoryClock[]> {
    const today = this.#today()
    const clocks: StatutoryClock[] = []
    if (row.legal_basis === 'OFF_SITE_DIRECTION_S29A') {
      clocks.push(
        ...offSiteNoticeClocks(
          calendar,
          {
            startDate: row.start_date,
            parentNoticeOn: row.parent_notice_given_on,
            laNoticeOn: row.la_notice_given_on,
            hasEhcp: pupil.sen_provision === 'E'
          },
          today
        )
      )
    }
    if (row.referral_id) {
      const referralId = row.referral_id
      const referral = await memo.once(`referral:${referralId}`, () =>
        db
          .selectFrom('referral')
          .select(['id', 'exclusions', 'baseline_attendance_pct'])
          .where('id', '=', referralId)
          .executeTakeFirstOrThrow()
      )
      const exclusions = referral.exclusions.map((e) => ({
        kind: e.kind,
        firstDay: e.firstDay,
        lengthSchoolDays: e.lengthSchoolDays ?? null
      }))
      // Only full-time provision (10 sessions a week across provider and home school) meets a sixth-day duty.
      const started = row.status === 'CANCELLED' || !isFullTime(row) ? null : row.start_date
      const policy = await memo.once(`policy:${row.la_code}`, () => policyFor(db, row.la_code))
      clocks.push(
        ...sixthDayClocks(calendar, exclusions, started, today, {
          dateOfBirth: pupil.date_of_birth,
          ncYearOverride: pupil.nc_year_override,
          examsEnd: policy.year11_exams_end,
          today
        })
      )
    }
    return clocks
  }

  async #view(db: Kysely<DB>, row: PlacementRow, memo: ViewMemo = new ViewMemo()): Promise<Placement> {
    const pupil = await memo.once(`pupil:${row.pupil_id}`, () =>
      db
        .selectFrom('pupil')
        .select(['home_school_id', 'home_la_code', 'sen_provision', 'date_of_birth', 'nc_year_override'])
        .where('id', '=', row.pupil_id)
        .executeTakeFirstOrThrow()
    )
    const calendar = await memo.once(calendarKey(pupil), () => calendarForPupil(db, pupil))
    const clocks = await this.#clocks(db, row, calendar, pupil, memo)
    const reviewed = await memo.once(`reviews:${row.id}`, async () => {
      const r = await db
        .selectFrom('review')
        .select((eb) => [eb.fn.max('held_on').as('last'), eb.fn.countAll<string>().as('count')])
        .where('placement_id', '=', row.id)
        .executeTakeFirstOrThrow()
      return { last: (r.last as string | null) ?? null, count: Number(r.count) }
    })
    const today = this.#today()
    const [outcome, marks, attainment] = await Promise.all([
      memo.once(`outcome:${row.id}`, async () => (await currentOutcomes(db, [row], today)).get(row.id) ?? null),
      memo.once(`marks:${row.id}`, async () => (await marksByPlacement(db, [row.id], today)).get(row.id)!),
      memo.once(`attainment:${row.id}`, async () => (await attainmentByPlacement(db, [row.id])).get(row.id)!)
    ])
    // The placement's own baseline: copied from its referral, carried along escalations and step-downs.
    const baseline = row.baseline_attendance_pct == null ? null : Number(row.baseline_attendance_pct)
    let blockers: FieldError[] = []
    if (row.status === 'PLANNED') {
      const provider = await memo.once(`provider:${row.provider_id}`, () =>
        db
          .selectFrom('provider')
          .select(['registration_status', 'safeguarding_confirmed_on'])
          .where('id', '=', row.provider_id)
          .executeTakeFirstOrThrow()
      )
      blockers = activationBlockers(
        {
          status: row.status,
          startDate: row.start_date,
          legalBasis: row.legal_basis as LegalBasis,
          commissioner: row.commissioner_type as 'SCHOOL' | 'LA',
          objectives: row.plan.objectives.length,
          firstReviewDueOn: row.first_review_due_on,
          providerUnregistered: provider.registration_status === 'UNREGISTERED',
          providerSafeguardingConfirmedOn: provider.safeguarding_confirmed_on,
          laNotifiedOn: row.la_notified_on,
          noticeClocks: clocks.filter((c) => c.kind.startsWith('OFF_SITE_NOTICE'))
        },
        this.#today()
      )
    }
    return {
      id: row.id,
      referralId: row.referral_id,
      previousPlacementId: row.previous_placement_id,
      pupilId: row.pupil_id,
      laCode: row.la_code,
      tier: row.tier,
      providerId: row.provider_id,
      commissionerType: row.commissioner_type as 'SCHOOL' | 'LA',
      commissionerSchoolId: row.commissioner_school_id,
      legalBasis: row.legal_basis as LegalBasis,
      reasonCode: row.reason_code,
      status: row.status as Placement['status'],
      startDate: row.start_date,
      plannedEndDate: row.planned_end_date,
      endDate: row.end_date,
      ncYearAtStart: ncYearOn(pupil.date_of_birth, pupil.nc_year_override, row.start_date, today),
      sessionsAtProvider: row.sessions_at_provider,
      sessionsAtHomeSchool: row.sessions_at_home_school,
      partTime: !isFullTime(row),
      partTimePlan: row.part_time_plan_end_date
        ? { endDate: row.part_time_plan_end_date, details: row.part_time_plan_details ?? '' }
        : null,
      registration: row.registration as Placement['registration'],
      homeAttendanceCode: row.home_attendance_code as Placement['homeAttendanceCode'],
      plan: row.plan,
      firstReviewDueOn: row.first_review_due_on,
      nextReviewDueOn: row.next_review_due_on,
      nextReviewRule: row.next_review_rule as Placement['nextReviewRule'],
      lastReviewOn: reviewed.last,
      reviewCount: reviewed.count,
      reviewOverdue:
        row.status === 'ACTIVE' && row.next_review_due_on !== null && row.next_review_due_on < this.#today(),
      extensionCount: row.extension_count,
      laNotifiedOn: row.la_notified_on,
      parentNoticeGivenOn: row.parent_notice_given_on,
      laNoticeGivenOn: row.la_notice_given_on,
      baselineAttendancePct: baseline,
      pauseReason: row.pause_reason,
      endedReason: row.ended_reason,
      outcome,
      attendance: summaryFor(marks, baseline, calendar, row, today),
      attainment,
      clocks,
      activationBlockers: blockers,
      estimatedCalendar: calendar.sourcesUsed().some((s) => s.source === 'estimated'),
      createdAt: toIso(row.created_at),
      updatedAt: toIso(row.updated_at)
    }
  }

  /** Validates, checks overlap and capacity, inserts the placement, its event and audit row. Runs inside `trx`. */
  async #insert(
    trx: Kysely<DB>,
    actor: Actor,
    pupil: PupilRow,
    laCode: string,
    input: Input,
    links: Links,
    memo = new ViewMemo()
  ) {
    const p = actor.principal
    const provider = await trx
      .selectFrom('provider')
      .select(['id', 'urn', 'registration_status'])
      .where(providerScope(p))
      .where('id', '=', input.providerId)
      .executeTakeFirst()
    if (!provider)
      throw unprocessable('unknown_provider', 'No such provider in your LA', [
        { path: '/providerId', code: 'unknown_reference', message: '/providerId is not a provider of your LA' }
      ])
    // Locking the pupil's row serialises placements of the same pupil, so the overlap check below sees the
    // other one and names it (409) rather than the exclusion constraint failing the insert (500).
    await trx.selectFrom('pupil').select('id').where('id', '=', pupil.id).forUpdate().execute()
    const places = await trx
      .selectFrom('provider_tier')
      .select('places')
      .where('provider_id', '=', provider.id)
      .where('tier', '=', input.tier)
      .executeTakeFirst()
    const calendar = await memo.once(calendarKey(pupil), () => calendarForPupil(trx, pupil))
    memo.set(`pupil:${pupil.id}`, pupil)
    if (links.referral) memo.set(`referral:${links.referral.id}`, links.referral)
    const policy = await policyFor(trx, laCode)
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
      providerOffersTier: places !== undefined,
      providerIsSchool: provider.urn !== null,
      reasonCodeKnown: input.reasonCode ? await reasonCodeKnown(trx, input.reasonCode, laCode) : true
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
    await this.#refuseOverlap(trx, pupil.id, input.startDate, end, null, '/startDate')

    // Locking the provider's tier row serialises placements competing for its places; it is taken as late as
    // possible so rule checks and calendar loads of concurrent requests do not queue behind it.
    const locked = await trx
      .selectFrom('provider_tier')
      .select('places')
      .where('provider_id', '=', provider.id)
      .where('tier', '=', input.tier)
      .forUpdate()
      .executeTakeFirstOrThrow()
    const { used } = await trx
      .selectFrom('placement')
      .select((eb) => eb.fn.countAll<string>().as('used'))
      .where('provider_id', '=', provider.id)
      .where('tier', '=', input.tier)
      .where('status', 'in', OCCUPYING)
      .executeTakeFirstOrThrow()
    if (Number(used) >= locked.places) {
      return { full: true as const, places: locked.places }
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
    const row = await trx
      .insertInto('placement')
      .values({
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
        first_review_due_on: calendar.addSchoolDays(input.startDate, policy.first_review_school_days),
        baseline_attendance_pct: links.referral
          ? links.referral.baseline_attendance_pct
          : (links.baselineAttendancePct ?? null),
        next_review_due_on: calendar.addSchoolDays(input.startDate, policy.first_review_school_days),
        next_review_rule: 'FIRST_REVIEW',
        la_notified_on: input.laNotifiedOn ?? null,
        parent_notice_given_on: input.parentNoticeGivenOn ?? null,
        la_notice_given_on: input.laNoticeGivenOn ?? null
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    await trx
      .insertInto('placement_event')
      .values({ placement_id: row.id, event: 'PLANNED', on_date: this.#today(), actor: p.subject })
      .execute()
    if (links.referral)
      await trx.deleteFrom('waiting_list_entry').where('referral_id', '=', links.referral.id).execute()
    await writeAudit(trx, actor, [
      {
        action: 'create',
        entity: 'placement',
        entityId: row.id,
        pupilId: pupil.id,
        pupilLaCode: pupil.home_la_code,
        changedFields: Object.keys(input)
      }
    ])
    return { full: false as const, row }
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
    exceptId: string | null,
    path: string
  ): Promise<void> {
    const clash = await trx
      .selectFrom('placement')
      .select(['id', 'start_date', 'end_date', 'planned_end_date'])
      .where('pupil_id', '=', pupilId)
      .where('status', '<>', 'CANCELLED')
      .$if(exceptId !== null, (qb) => qb.where('id', '<>', exceptId!))
      .where(
        sql<boolean>`daterange(start_date, coalesce(end_date, planned_end_date), '[]') && daterange(${start}::date, ${end}::date, '[]')`
      )
      .executeTakeFirst()
    if (clash) {
      throw conflict(
        'placement_overlap',
        `The pupil already has placement ${clash.id} from ${clash.start_date} to ${clash.end_date ?? clash.planned_end_date ?? 'open-ended'}`,
        [{ path, code: 'placement_overlap', message: `overlaps placement ${clash.id}` }]
      )
    }
  }

  async create(actor: Actor, input: CreatePlacement) {
    const p = actor.principal
    const outcome = await this.db.transaction().execute(async (trx) => {
      const referral = await trx
        .selectFrom('referral')
        .selectAll()
        .where('id', '=', input.referralId)
        .where('la_code', '=', p.laCode)
        .forUpdate()
        .executeTakeFirst()
      if (!referral)
        throw unprocessable('unknown_referral', 'No such referral in your LA', [
          { path: '/referralId', code: 'unknown_reference', message: '/referralId is not a referral of your LA' }
        ])
      if (referral.status !== 'ACCEPTED') {
        throw unprocessable(
          'referral_not_accepted',
          `A placement needs an accepted referral; this one is ${referral.status}`,
          [{ path: '/referralId', code: 'referral_not_accepted', message: `/referralId is ${referral.status}` }]
        )
      }
      const existing = await trx
        .selectFrom('placement')
        .select('id')
        .where('referral_id', '=', referral.id)
        .where('status', '<>', 'CANCELLED')
        .executeTakeFirst()
      if (existing)
        throw conflict('referral_placed', `The referral already has placement ${existing.id}`, [
          { path: '/referralId', code: 'referral_placed', message: `already placed as ${existing.id}` }
        ])
      const pupil = await trx
        .selectFrom('pupil')
        .selectAll()
        .where('id', '=', referral.pupil_id)
        .executeTakeFirstOrThrow()
      const full: Input = {
        ...input,
        tier: input.tier ?? referral.requested_tier,
        legalBasis: input.legalBasis ?? (referral.legal_basis as LegalBasis),
        reasonCode: input.reasonCode ?? referral.reason_code ?? undefined
      }
      const memo = new ViewMemo()
      const result = await this.#insert(
        trx,
        actor,
        pupil,
        referral.la_code,
        full,
        { referral, previousPlacementId: null },
        memo
      )
      if (result.full) {
        // Joined on the service's clock (as every other date here), not the database's; a referral that
        // moves to another provider's list joins the back of that list.
        await trx
          .insertInto('waiting_list_entry')
          .values({
            referral_id: referral.id,
            provider_id: input.providerId,
            tier: full.tier,
            added_at: this.clock().toJSDate()
          })
          .onConflict((oc) =>
            oc.column('referral_id').doUpdateSet({
              provider_id: input.providerId,
              tier: full.tier,
              added_at: sql<Date>`case when waiting_list_entry.provider_id = excluded.provider_id and waiting_list_entry.tier = excluded.tier then waiting_list_entry.added_at else excluded.added_at end`
            })
          )
          .execute()
        await writeAudit(trx, actor, [
          {
            action: 'create',
            entity: 'waiting_list_entry',
            entityId: referral.id,
            pupilId: pupil.id,
            pupilLaCode: pupil.home_la_code
          }
        ])
        const position = await this.#position(trx, referral.id)
        return { full: true as const, places: result.places, tier: full.tier, position }
      }
      return { full: false as const, body: await this.#view(trx, result.row, memo), version: result.row.version }
    })
    if (outcome.full) {
      // The refusal is itself recorded: the referral now waits in the provider's list.
      throw conflict(
        'provider_full',
        `All ${outcome.places} Tier ${outcome.tier} places at the provider are taken; the referral is number ${outcome.position} on its waiting list`,
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

  async #position(db: Kysely<DB>, referralId: string): Promise<number> {
    const entry = await db
      .selectFrom('waiting_list_entry')
      .selectAll()
      .where('referral_id', '=', referralId)
      .executeTakeFirstOrThrow()
    const { ahead } = await db
      .selectFrom('waiting_list_entry')
      .select((eb) => eb.fn.countAll<string>().as('ahead'))
      .where('provider_id', '=', entry.provider_id)
      .where('tier', '=', entry.tier)
      .where((eb) =>
        eb.or([
          eb('added_at', '<', entry.added_at),
          eb.and([eb('added_at', '=', entry.added_at), eb('referral_id', '<', referralId)])
        ])
      )
      .executeTakeFirstOrThrow()
    return Number(ahead) + 1
  }

  #load(db: Kysely<DB>, p: Principal, id: string, lock = false) {
    return loadPlacement(db, p, id, lock)
  }

  /** The current view of a placement the caller has already loaded in scope (after changing it in `db`). */
  async viewById(db: Kysely<DB>, id: string) {
    const row = await db.selectFrom('placement').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
    return { body: await this.#view(db, row), version: row.version }
  }

  async get(actor: Actor, id: string) {
    return this.db.transaction().execute(async (trx) => {
      const row = await this.#load(trx, actor.principal, id)
      await writeAudit(trx, actor, [
        {
          action: 'read',
          entity: 'placement',
          entityId: id,
          pupilId: row.pupil_id,
          pupilLaCode: row.pupil_home_la_code
        }
      ])
      return { body: await this.#view(trx, row), version: row.version }
    })
  }

  async list(actor: Actor, q: PlacementListQuery) {
    return this.db.transaction().execute(async (trx) => {
      const base = trx
        .selectFrom('placement')
        .where(placementScope(actor.principal))
        .$if(q.tier !== undefined, (qb) => qb.where('tier', '=', q.tier!))
        .$if(q.status !== undefined, (qb) => qb.where('status', '=', q.status!))
        .$if(q.providerId !== undefined, (qb) => qb.where('provider_id', '=', q.providerId!))
        .$if(q.schoolId !== undefined, (qb) => qb.where('commissioner_school_id', '=', q.schoolId!))
        .$if(q.pupilId !== undefined, (qb) => qb.where('pupil_id', '=', q.pupilId!))
        .$if(q.laCode !== undefined, (qb) => qb.where('la_code', '=', q.laCode!))
        .$if(q.activeOn !== undefined, (qb) =>
          qb
            .where('start_date', '<=', q.activeOn!)
            .where((eb) => eb.or([eb('end_date', 'is', null), eb('end_date', '>=', q.activeOn!)]))
        )
      const { total } = await base.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow()
      const rows = await base
        .selectAll()
        .orderBy('start_date', 'desc')
        .orderBy('id', 'desc')
        .limit(q.pageSize)
        .offset((q.page - 1) * q.pageSize)
        .execute()
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
      const results: Placement[] = []
      const memo = new ViewMemo()
      await memo.preload(trx, rows, this.#today())
      for (const r of rows) results.push(await this.#view(trx, r, memo))
      return { results, paging: paging(q.page, q.pageSize, Number(total)) }
    })
  }

  async update(actor: Actor, id: string, version: number, input: UpdatePlacement) {
    return this.db.transaction().execute(async (trx) => {
      const row = await this.#load(trx, actor.principal, id, true)
      if (row.version !== version) throw preconditionFailed()
      const structural = [
        'startDate',
        'plannedEndDate',
        'sessionsAtProvider',
        'sessionsAtHomeSchool',
        'partTimePlan'
      ].filter((k) => k in input)
      if (structural.length > 0 && row.status !== 'PLANNED') {
        throw unprocessable(
          'placement_started',
          `${structural.join(', ')} can change only while the placement is PLANNED; an active placement is extended through a review`,
          structural.map((k) => ({
            path: `/${k}`,
            code: 'placement_started',
            message: `/${k} cannot change once the placement is ${row.status}`
          }))
        )
      }
      if (row.status === 'ENDED' || row.status === 'CANCELLED')
        throw conflict('placement_closed', `The placement is ${row.status}`)
      const today = this.#today()
      for (const field of ['laNotifiedOn', 'parentNoticeGivenOn', 'laNoticeGivenOn'] as const) {
        const v = input[field]
        if (v && v > today) throw fieldError(`/${field}`, 'date_in_future', `/${field} cannot be in the future`)
      }
      if (input.baselineAttendancePct !== undefined && row.referral_id) {
        const referral = await trx
          .selectFrom('referral')
          .select(['baseline_attendance_pct'])
          .where('id', '=', row.referral_id)
          .executeTakeFirstOrThrow()
        if (referral.baseline_attendance_pct !== null) {
          throw unprocessable(
            'baseline_from_referral',
            `The placement takes its baseline (${Number(referral.baseline_attendance_pct)}%) from referral ${row.referral_id}; it is not set here`,
            [
              {
                path: '/baselineAttendancePct',
                code: 'baseline_from_referral',
                message: `/baselineAttendancePct comes from referral ${row.referral_id}`
              }
            ]
          )
        }
      }
      if (input.startDate && row.referral_id) {
        const referral = await trx
          .selectFrom('referral')
          .select(['received_on'])
          .where('id', '=', row.referral_id)
          .executeTakeFirstOrThrow()
        const early = startBeforeReferral(input.startDate, referral.received_on)
        if (early)
          throw unprocessable(
            'start_before_referral',
            `The placement cannot start before its referral was received (${referral.received_on})`,
            [early]
          )
      }
      const datesChange = 'startDate' in input || 'plannedEndDate' in input
      // Locking the pupil serialises date changes against other placements of the same pupil.
      const pupil = await trx
        .selectFrom('pupil')
        .selectAll()
        .where('id', '=', row.pupil_id)
        .$if(datesChange, (qb) => qb.forUpdate())
        .executeTakeFirstOrThrow()
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
        const provider = await trx
          .selectFrom('provider')
          .select(['urn'])
          .where('id', '=', row.provider_id)
          .executeTakeFirstOrThrow()
        const errors = placementErrors(
          {
            ...merged,
            tier: row.tier,
            legalBasis: row.legal_basis as LegalBasis,
            reasonCode: row.reason_code,
            registration: row.registration as 'ON_HOME_ROLL'
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
            providerIsSchool: provider.urn !== null,
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
      const updated = await trx
        .updateTable('placement')
        .set((eb) => ({
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
            input.baselineAttendancePct !== undefined ? input.baselineAttendancePct : row.baseline_attendance_pct,
          version: eb('version', '+', 1),
          updated_at: new Date()
        }))
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow()
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
      if (input.startDate) await refreshSchedule(trx, id)
      const current = await trx.selectFrom('placement').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
      return { body: await this.#view(trx, current), version: current.version }
    })
  }

  /** A status change with its event and audit row, after `check` approves the current row. */
  async #transition(
    actor: Actor,
    id: string,
    version: number,
    change: {
      to: string
      event: string
      reason?: string | null
      onDate?: string
      check: (row: PlacementRow, trx: Kysely<DB>) => Promise<void> | void
      set?: Partial<Record<'pause_reason' | 'ended_reason' | 'end_date', string | null>>
    }
  ) {
    return this.db.transaction().execute(async (trx) => {
      const row = await this.#load(trx, actor.principal, id, true)
      if (row.version !== version) throw preconditionFailed()
      await change.check(row, trx)
      const updated = await trx
        .updateTable('placement')
        .set((eb) => ({
          status: change.to,
          ...change.set,
          ...(change.to === 'CANCELLED' ? { next_review_due_on: null, next_review_rule: null } : {}),
          ...(change.to === 'ACTIVE' && row.status === 'PLANNED' ? { activated_at: new Date() } : {}),
          version: eb('version', '+', 1),
          updated_at: new Date()
        }))
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow()
      await trx
        .insertInto('placement_event')
        .values({
          placement_id: id,
          event: change.event,
          on_date: change.onDate ?? this.#today(),
          reason: change.reason ?? null,
          actor: actor.principal.subject
        })
        .execute()
      await refreshSchedule(trx, id)
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
      const current = await trx
        .selectFrom('placement')
        .selectAll()
        .where('id', '=', updated.id)
        .executeTakeFirstOrThrow()
      return { body: await this.#view(trx, current), version: current.version }
    })
  }

  activate(actor: Actor, id: string, version: number) {
    return this.#transition(actor, id, version, {
      to: 'ACTIVE',
      event: 'ACTIVATED',
      check: async (row, trx) => {
        const view = await this.#view(trx, row)
        if (row.status !== 'PLANNED')
          throw conflict('not_planned', `Only a PLANNED placement can be activated; this one is ${row.status}`)
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
    const ended = await trx
      .updateTable('placement')
      .set((eb) => ({
        status: 'ENDED',
        next_review_due_on: null,
        next_review_rule: null,
        pause_reason: null,
        version: eb('version', '+', 1),
        updated_at: new Date()
      }))
      .where('id', '=', id)
      .where('status', 'in', ['ACTIVE', 'PAUSED'])
      .where('outcome_id', 'is not', null)
      .returning(['id', 'pupil_id', 'pupil_home_la_code'])
      .executeTakeFirst()
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
        if (row.status !== 'ACTIVE')
          throw conflict('not_active', `Only an ACTIVE placement can be paused; this one is ${row.status}`)
        const [review, resumed] = await Promise.all([
          trx
            .selectFrom('review')
            .select('held_on')
            .where('placement_id', '=', id)
            .orderBy('held_on', 'desc')
            .executeTakeFirst(),
          trx
            .selectFrom('placement_event')
            .select('on_date')
            .where('placement_id', '=', id)
            .where('event', '=', 'RESUMED')
            .orderBy('on_date', 'desc')
            .executeTakeFirst()
        ])
        this.#refuseDate(
          pauseDateErrors(
            'PAUSE',
            onDate,
            { startDate: row.start_date, lastReviewOn: review?.held_on, lastResumedOn: resumed?.on_date },
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
        if (row.status !== 'PAUSED')
          throw conflict('not_paused', `Only a PAUSED placement can resume; this one is ${row.status}`)
        const paused = await trx
          .selectFrom('placement_event')
          .select('on_date')
          .where('placement_id', '=', id)
          .where('event', '=', 'PAUSED')
          .orderBy('id', 'desc')
          .executeTakeFirst()
        this.#refuseDate(
          pauseDateErrors('RESUME', onDate, { startDate: row.start_date, pausedFrom: paused?.on_date }, this.#today())
        )
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
      check: (row) => {
        if (row.status !== 'PLANNED')
          throw conflict(
            'not_planned',
            `Only a PLANNED placement can be cancelled; an ${row.status} one ends with an outcome`
          )
      }
    })
  }

  /**
   * Ends the current placement the day before `next.startDate` and opens the linked next one (Tier 2 → 3
   * escalation, or step-down to Tier 1 support after a return), in one transaction.
   */
  async moveOn(actor: Actor, id: string, version: number, kind: 'ESCALATED' | 'STEPPED_DOWN', next: NextPlacement) {
    return this.db.transaction().execute(async (trx) => {
      const row = await this.#load(trx, actor.principal, id, true)
      if (row.version !== version) throw preconditionFailed()
      if (row.status !== 'ACTIVE' && row.status !== 'PAUSED')
        throw conflict(
          'not_active',
          `Only an ACTIVE or PAUSED placement can ${kind === 'ESCALATED' ? 'escalate' : 'step down'}; this one is ${row.status}`
        )
      if (kind === 'ESCALATED' && row.tier !== 2)
        throw unprocessable('not_tier_2', 'Escalation moves a Tier 2 placement to Tier 3', [
          { path: '/tier', code: 'not_tier_2', message: `this placement is Tier ${row.tier}` }
        ])
      if (kind === 'STEPPED_DOWN' && row.tier === 1)
        throw unprocessable('already_tier_1', 'The placement is already Tier 1', [
          { path: '/tier', code: 'already_tier_1', message: 'already Tier 1' }
        ])
      if (row.outcome_id !== null) {
        throw conflict(
          'end_scheduled',
          `The placement already ends on ${row.end_date} (${row.ended_reason}); the next placement follows it`,
          [{ path: '/', code: 'end_scheduled', message: `placement ${id} ends on ${row.end_date}` }]
        )
      }
      if (next.startDate <= row.start_date)
        ruleFailed([
          {
            path: '/startDate',
            code: 'before_current_start',
            message: `/startDate must be after the current placement's start (${row.start_date})`
          }
        ])
      const today = this.#today()
      // Judged at the move's own date: a review due after it was not overdue, however late the move is recorded.
      if (
        kind === 'ESCALATED' &&
        row.status === 'ACTIVE' &&
        reviewOverdueAt(row.next_review_due_on, next.startDate, today)
      ) {
        throw unprocessable(
          'review_overdue',
          `A review was due on ${row.next_review_due_on}, before the escalation on ${next.startDate}, and has not been held; hold it before escalating`,
          [
            {
              path: '/nextReviewDueOn',
              code: 'review_overdue',
              message: `review due ${row.next_review_due_on} is overdue`
            }
          ]
        )
      }
      const held = await trx.selectFrom('review').select('held_on').where('placement_id', '=', id).execute()
      const later = reviewsFrom(
        held.map((r) => r.held_on),
        next.startDate
      )
      if (later.length > 0) {
        throw unprocessable(
          'review_after_move',
          `A review was held on ${later[0]}, on or after /startDate: the placement was still running then`,
          [
            {
              path: '/startDate',
              code: 'review_after_move',
              message: `/startDate ${next.startDate} is not after the review held on ${later.at(-1)}`
            }
          ]
        )
      }
      // A step-down that starts later ends the current placement the day before, not at once: it keeps
      // running (reviews, attendance) until then and ends when the next placement starts.
      const ending = moveEnding(next.startDate, today)
      const endDate = ending.endDate
      const endsNow = kind === 'ESCALATED' || ending.endsNow
      const pupil = await trx.selectFrom('pupil').selectAll().where('id', '=', row.pupil_id).executeTakeFirstOrThrow()
      // The move is the placement's outcome: an escalation, or a return to the home school (followed up).
      const lastReview = await trx
        .selectFrom('review')
        .select('id')
        .where('placement_id', '=', id)
        .orderBy('held_on', 'desc')
        .orderBy('id', 'desc')
        .executeTakeFirst()
      const code =
        kind === 'ESCALATED'
          ? 'ESCALATED_TIER_2_TO_3'
          : next.partTimePlan
            ? 'RETURNED_TO_HOME_SCHOOL_PHASED'
            : 'RETURNED_TO_HOME_SCHOOL_FULL_TIME'
      const outcome = await storeOutcome(
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
                finalReviewMissingReason: `No review was held before the ${kind === 'ESCALATED' ? 'escalation' : 'step-down'}`
              }),
          ...(next.partTimePlan && kind === 'STEPPED_DOWN' ? { phasedPlan: next.partTimePlan } : {})
        },
        actor.principal.subject
      )
      await trx
        .updateTable('placement')
        .set((eb) => ({
          ...(endsNow ? { status: 'ENDED', next_review_due_on: null, next_review_rule: null } : {}),
          end_date: endDate,
          ended_reason: code,
          outcome_id: outcome.id,
          version: eb('version', '+', 1),
          updated_at: new Date()
        }))
        .where('id', '=', id)
        .execute()
      if (!endsNow) await refreshSchedule(trx, id)
      const ended = await trx.selectFrom('placement').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
      await trx
        .insertInto('placement_event')
        .values({ placement_id: id, event: kind, on_date: endDate, actor: actor.principal.subject })
        .execute()
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
        row.la_code,
        {
          ...next,
          laNotifiedOn,
          tier,
          legalBasis: row.legal_basis as LegalBasis,
          reasonCode: next.reasonCode ?? row.reason_code ?? undefined
        },
        { referral: null, previousPlacementId: id, baselineAttendancePct: row.baseline_attendance_pct }
      )
      if (result.full)
        throw conflict('provider_full', `All ${result.places} Tier ${tier} places at the provider are taken`, [
          { path: '/providerId', code: 'no_capacity', message: 'no free place' }
        ])
      return {
        ended: await this.#view(trx, ended),
        next: await this.#view(trx, result.row),
        version: result.row.version
      }
    })
  }

  /** A provider's waiting list. A provider sees positions and waits but not which pupils (it sees no referrals). */
  async waitingList(actor: Actor, providerId: string) {
    const p = actor.principal
    const provider = await this.db
      .selectFrom('provider')
      .select('id')
      .where(providerScope(p))
      .where('id', '=', providerId)
      .executeTakeFirst()
    if (!provider) throw notFound('provider')
    const rows = await this.db
      .selectFrom('waiting_list_entry')
      .innerJoin('referral', 'referral.id', 'waiting_list_entry.referral_id')
      .select([
        'waiting_list_entry.referral_id',
        'waiting_list_entry.tier',
        'waiting_list_entry.added_at',
        'referral.pupil_id'
      ])
      .where('waiting_list_entry.provider_id', '=', providerId)
      .orderBy('waiting_list_entry.tier')
      .orderBy('waiting_list_entry.added_at')
      .orderBy('waiting_list_entry.referral_id')
      .execute()
    const today = this.#today()
    const position = new Map<number, number>()
    const results = []
    for (const r of rows) {
      const n = (position.get(r.tier) ?? 0) + 1
      position.set(r.tier, n)
      const added = DateTime.fromJSDate(r.added_at).setZone('Europe/London').toISODate()!
      const pupil = await this.db
        .selectFrom('pupil')
        .select(['home_school_id', 'home_la_code'])
        .where('id', '=', r.pupil_id)
        .executeTakeFirstOrThrow()
      const calendar = await calendarForPupil(this.db, pupil)
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
  async registrationChecks(p: Principal, providerId?: string) {
    const today = this.#today()
    const providers = await this.db
      .selectFrom('provider')
      .select(['id', 'registration_status', 'la_code'])
      .where(providerScope(p))
      .$if(providerId !== undefined, (qb) => qb.where('id', '=', providerId!))
      .orderBy('id')
      .execute()
    if (providerId !== undefined && providers.length === 0) throw notFound('provider')
    // One query for the placements of every provider asked about, one for each LA's policy.
    const policies = new Map<string, LaPolicyRow>()
    for (const la of new Set(providers.map((pr) => pr.la_code))) policies.set(la, await policyFor(this.db, la))
    const running =
      providers.length === 0
        ? []
        : await this.db
            .selectFrom('placement')
            .innerJoin('pupil', 'pupil.id', 'placement.pupil_id')
            .select([
              'placement.provider_id',
              'placement.sessions_at_provider',
              'pupil.looked_after',
              'pupil.sen_provision',
              'pupil.date_of_birth'
            ])
            .where(
              'placement.provider_id',
              'in',
              providers.map((pr) => pr.id)
            )
            .where('placement.status', 'in', ['ACTIVE', 'PAUSED'])
            .where('placement.start_date', '<=', today)
            .execute()
    const checks = []
    for (const provider of providers) {
      const policy = policies.get(provider.la_code)!
      const minSessions = Math.ceil(policy.full_time_threshold_hours / SESSION_HOURS)
      // Pupils of compulsory school age only: past the last Friday of June in Year 11 they no longer count.
      const rows = running.filter(
        (r) =>
          r.provider_id === provider.id &&
          r.sessions_at_provider >= minSessions &&
          endOfCompulsorySchoolAge(r.date_of_birth) >= today
      )
      const vulnerable = rows.filter((r) => r.looked_after || r.sen_provision === 'E').length
      const unregistered = provider.registration_status === 'UNREGISTERED'
      checks.push({
        providerId: provider.id,
        unregistered,
        fullTimeThresholdHours: policy.full_time_threshold_hours,
        sessionHours: SESSION_HOURS,
        fullTimePupils: rows.length,
        fullTimeLookedAfterOrEhcp: vulnerable,
        flagged: unregistered && (rows.length >= 5 || vulnerable >= 1),
        rule: `An unregistered provider teaching 5 or more pupils full time (${minSessions}+ sessions ≈ ${policy.full_time_threshold_hours}+ hours a week), or any looked-after pupil or pupil with an EHC plan full time, must register as an independent school`
      })
    }
    return checks
  }
}
