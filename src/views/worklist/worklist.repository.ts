import { type Kysely, sql } from 'kysely'
import type { Principal } from '../../platform/auth/principal.js'
import { laPlacements, laReferrals, placementScope, referralScope } from '../../db/scope.js'
import type { DB } from '../../db/schema.js'
import { fullTimeSql } from '../../modules/referrals/index.js'
import { WORK_KINDS, type WorkKind, type WorklistQuery } from './worklist.schemas.js'

/** All SQL of the worklist: the compound queue query and the rows its statutory clocks are computed from. */

type WorklistFilter = Pick<WorklistQuery, 'kind' | 'schoolId' | 'providerId' | 'tier'>

/** Whose records: the caller's (its scope), or one LA's whole, for that LA's compliance report. */
export type ClockScope = Principal | { la: string }

/** The caller's (or an LA's) placements and referrals, narrowed by the worklist's filters. */
function bases(db: Kysely<DB>, p: ClockScope, q: WorklistFilter) {
  const placementBase = () =>
    db
      .selectFrom('placement')
      .innerJoin('pupil', 'pupil.id', 'placement.pupil_id')
      .where('la' in p ? laPlacements(p.la) : placementScope(p))
      .$if(q.providerId !== undefined, (qb) => qb.where('placement.provider_id', '=', q.providerId!))
      .$if(q.tier !== undefined, (qb) => qb.where('placement.tier', '=', q.tier!))
      .$if(q.schoolId !== undefined, (qb) =>
        qb.where((eb) =>
          eb.or([
            eb('placement.commissioner_school_id', '=', q.schoolId!),
            eb('pupil.home_school_id', '=', q.schoolId!)
          ])
        )
      )
  const common = [
    'placement.id as placement_id',
    'placement.pupil_id',
    'placement.provider_id',
    'placement.tier',
    'placement.commissioner_school_id',
    'pupil.home_school_id',
    'pupil.home_la_code'
  ] as const

  const referralBase = () =>
    db
      .selectFrom('referral')
      .innerJoin('pupil', 'pupil.id', 'referral.pupil_id')
      .where('la' in p ? laReferrals(p.la) : referralScope(p))
      .$if(q.tier !== undefined, (qb) => qb.where('referral.requested_tier', '=', q.tier!))
      .$if(q.schoolId !== undefined, (qb) =>
        qb.where((eb) =>
          eb.or([eb('referral.referring_school_id', '=', q.schoolId!), eb('pupil.home_school_id', '=', q.schoolId!)])
        )
      )

  return { placementBase, referralBase, common }
}

/** Whether the caller's worklist holds referrals (coordinators and schools, not narrowed to a provider). */
export const referralsInScope = (p: Principal, q: WorklistFilter) =>
  (p.role === 'coordinator' || p.role === 'school') && q.providerId === undefined

export interface QueueRow {
  placement_id: string | null
  referral_id: string | null
  pupil_id: string
  provider_id: string | null
  tier: number
  commissioner_school_id: string | null
  home_school_id: string | null
  home_la_code: string
  due: string
  kind: string
  note: string | null
}

/**
 * Reviews, planned ends, review requests, follow-ups, today's unexplained absences and overdue referral
 * decisions as one compound query, ordered as the worklist is and cut at `limit`, with the total it holds by kind.
 */
export async function queue(
  db: Kysely<DB>,
  p: Principal,
  q: WorklistFilter,
  today: string,
  bounds: { reviewHorizon: string; end2: string; end4: string },
  limit: number
): Promise<{ rows: QueueRow[]; total: number; byKind: Record<string, number> }> {
  const { reviewHorizon, end2, end4 } = bounds
  const want = (kind: WorkKind) => q.kind === undefined || q.kind === kind
  const wantAny = (...kinds: WorkKind[]) => kinds.some(want)
  const { placementBase, referralBase, common } = bases(db, p, q)
  const branches = []
  if (wantAny('REVIEW_OVERDUE', 'REVIEW_DUE')) {
    branches.push(
      placementBase()
        .select([
          ...common,
          'placement.next_review_due_on as due',
          sql<string>`case when placement.next_review_due_on < ${today} then 'REVIEW_OVERDUE' else 'REVIEW_DUE' end`.as(
            'kind'
          ),
          'placement.next_review_rule as note'
        ])
        .where('placement.status', '=', 'ACTIVE')
        .where('placement.next_review_due_on', '<=', reviewHorizon)
        .$if(q.kind === 'REVIEW_OVERDUE', (qb) => qb.where('placement.next_review_due_on', '<', today))
        .$if(q.kind === 'REVIEW_DUE', (qb) => qb.where('placement.next_review_due_on', '>=', today))
    )
  }
  if (wantAny('PLANNED_END_PASSED', 'PLANNED_END_2_WEEKS', 'PLANNED_END_4_WEEKS')) {
    const passed = sql`when placement.planned_end_date < ${today} then 'PLANNED_END_PASSED'`
    const soon = sql`when placement.planned_end_date <= ${end2} then 'PLANNED_END_2_WEEKS'`
    const kind = sql<string>`case ${passed} ${soon} else 'PLANNED_END_4_WEEKS' end`
    branches.push(
      placementBase()
        .select([
          ...common,
          'placement.planned_end_date as due',
          kind.as('kind'),
          sql<string | null>`null::text`.as('note')
        ])
        .where('placement.status', 'in', ['ACTIVE', 'PAUSED'])
        .where('placement.planned_end_date', '<=', end4)
        .$if(q.kind !== undefined, (qb) => qb.where(kind, '=', q.kind!))
    )
  }
  if (want('REVIEW_REQUEST')) {
    branches.push(
      placementBase()
        .innerJoin('review_request', 'review_request.placement_id', 'placement.id')
        .select([
          ...common,
          'review_request.due_on as due',
          sql<string>`'REVIEW_REQUEST'`.as('kind'),
          'review_request.requested_by as note'
        ])
        .where('review_request.status', '=', 'OPEN')
    )
  }
  if (wantAny('FOLLOW_UP_OVERDUE', 'FOLLOW_UP_DUE')) {
    // Each check goes to those who record it: schools after a reintegration, providers after post-16 transition.
    const overdue = sql`when outcome_follow_up.due_on < ${today} then 'FOLLOW_UP_OVERDUE'`
    branches.push(
      placementBase()
        .innerJoin('outcome_follow_up', 'outcome_follow_up.placement_id', 'placement.id')
        .select([
          ...common,
          'outcome_follow_up.due_on as due',
          sql<string>`case ${overdue} else 'FOLLOW_UP_DUE' end`.as('kind'),
          'outcome_follow_up.checkpoint as note'
        ])
        .where('outcome_follow_up.status', '=', 'PENDING')
        .where('outcome_follow_up.opens_on', '<=', reviewHorizon)
        .$if(p.role === 'provider', (qb) => qb.where(sql<boolean>`outcome_follow_up.checkpoint like 'POST16_%'`))
        .$if(p.role === 'school', (qb) => qb.where(sql<boolean>`outcome_follow_up.checkpoint not like 'POST16_%'`))
        .$if(q.kind === 'FOLLOW_UP_OVERDUE', (qb) => qb.where('outcome_follow_up.due_on', '<', today))
        .$if(q.kind === 'FOLLOW_UP_DUE', (qb) => qb.where('outcome_follow_up.due_on', '>=', today))
    )
  }
  if (want('UNEXPLAINED_ABSENCE') && p.role !== 'provider') {
    // Unauthorised absence marked at the provider today: the commissioning school hears the same day.
    // Today's unauthorised marks come from the partial index on them, so the cost follows today's absences.
    const absent = db
      .selectFrom('attendance_mark')
      .select([
        'attendance_mark.placement_id',
        sql<string>`string_agg(attendance_mark.session, ' and ' order by attendance_mark.session)`.as('sessions')
      ])
      .where('attendance_mark.on_date', '=', today)
      .where('attendance_mark.code', '=', 'ABSENT_UNAUTH')
      .groupBy('attendance_mark.placement_id')
      .as('absent')
    branches.push(
      placementBase()
        .innerJoin(absent, 'absent.placement_id', 'placement.id')
        .select([
          ...common,
          sql<string>`${today}::date`.as('due'),
          sql<string>`'UNEXPLAINED_ABSENCE'`.as('kind'),
          'absent.sessions as note'
        ])
        .where('placement.status', 'in', ['ACTIVE', 'PAUSED'])
    )
  }
  // One compound query; every branch selects the same columns in the same order.
  const selects = branches.map((b) => b.select(sql<string | null>`null::bigint`.as('referral_id')))
  let compound: any = selects[0] // the branches' row types differ only in literal columns
  for (const b of selects.slice(1)) compound = compound.unionAll(b)
  if (referralsInScope(p, q) && want('REFERRAL_DECISION_OVERDUE')) {
    const decisions = referralBase()
      .select([
        sql<string | null>`null::bigint`.as('placement_id'),
        'referral.pupil_id',
        sql<string | null>`null::bigint`.as('provider_id'),
        'referral.requested_tier as tier',
        'referral.referring_school_id as commissioner_school_id',
        'pupil.home_school_id',
        'pupil.home_la_code',
        'referral.decision_due_on as due',
        sql<string>`'REFERRAL_DECISION_OVERDUE'`.as('kind'),
        sql<string | null>`null::text`.as('note'),
        'referral.id as referral_id'
      ])
      .where('referral.status', '=', 'SUBMITTED')
      .where('referral.decision_due_on', '<', today)
    compound = compound ? compound.unionAll(decisions) : decisions
  }

  if (!compound) return { rows: [], total: 0, byKind: {} }
  const inner = compound.as('w')
  const [counts, rows] = await Promise.all([
    db
      .selectFrom(inner)
      .select((eb: any) => ['kind', eb.fn.countAll().as('total')])
      .groupBy('kind')
      .execute() as Promise<{ kind: string; total: string | number }[]>,
    db
      .selectFrom(inner)
      .selectAll()
      .orderBy('due')
      .orderBy(sql`array_position(array[${sql.join(WORK_KINDS.map((k) => sql.lit(k)))}]::text[], kind)`)
      .orderBy('placement_id')
      .orderBy('referral_id')
      .limit(limit)
      .execute() as Promise<QueueRow[]>
  ])
  const byKind = Object.fromEntries(counts.map((c) => [c.kind, Number(c.total)]))
  return { rows, total: counts.reduce((sum, c) => sum + Number(c.total), 0), byKind }
}

/** PLANNED off-site direction placements in scope: their notice clocks run before the start. */
export function offSiteNoticePlacements(db: Kysely<DB>, p: ClockScope, q: WorklistFilter) {
  const { placementBase, common } = bases(db, p, q)
  return placementBase()
    .select([
      ...common,
      'placement.start_date',
      'placement.parent_notice_given_on',
      'placement.la_notice_given_on',
      'pupil.sen_provision'
    ])
    .where('placement.status', '=', 'PLANNED')
    .where('placement.legal_basis', '=', 'OFF_SITE_DIRECTION_S29A')
    .execute()
}

/** Submitted and accepted referrals in scope with exclusions: their sixth-day clocks. */
export function referralsWithExclusions(db: Kysely<DB>, p: ClockScope, q: WorklistFilter) {
  const { referralBase } = bases(db, p, q)
  return referralBase()
    .select([
      'referral.id',
      'referral.la_code',
      'referral.pupil_id',
      'referral.requested_tier',
      'referral.exclusions',
      'referral.referring_school_id',
      'pupil.home_school_id',
      'pupil.home_la_code',
      'pupil.date_of_birth',
      'pupil.nc_year_override'
    ])
    .where('referral.status', 'in', ['SUBMITTED', 'ACCEPTED'])
    .where(sql<boolean>`jsonb_array_length(referral.exclusions) > 0`)
    .execute()
}

/** Starts of full-time placements (not cancelled) made from these referrals: what meets a sixth-day duty. */
export function fullTimeStarts(db: Kysely<DB>, referralIds: string[]) {
  if (referralIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('placement')
    .select(['referral_id', 'start_date'])
    .where('referral_id', 'in', referralIds)
    .where('status', '<>', 'CANCELLED')
    .where(fullTimeSql)
    .execute()
}

/** The home LA of each pupil, for the worklist's audit rows. */
export function pupilLaCodes(db: Kysely<DB>, pupilIds: string[]) {
  if (pupilIds.length === 0) return Promise.resolve([])
  return db.selectFrom('pupil').select(['id', 'home_la_code']).where('id', 'in', pupilIds).execute()
}
