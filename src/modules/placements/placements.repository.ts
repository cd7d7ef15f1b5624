import { type Insertable, type Kysely, type Selectable, sql, type Updateable } from 'kysely'
import type { Principal } from '../../platform/auth/principal.js'
import { placementScope, providerScope } from '../../db/scope.js'
import type { DB, PlacementRow, PupilRow } from '../../db/schema.js'
import { type Actor, type AuditEntry, auditRow } from '../../db/audit.js'
import { notFound } from '../../platform/errors.js'

/** All SQL on placements, their events and the waiting lists. Every function takes `Kysely<DB>` or a transaction. */

export type PlacementStatus = PlacementRow['status']
export type PlacementEventKind = Selectable<DB['placement_event']>['event']

export const OCCUPYING = ['PLANNED', 'ACTIVE', 'PAUSED'] as const

/**
 * A placement in the caller's scope, else 404. `lock` means the caller will change it: the row is locked
 * and only the arranging LA (not the pupil's home LA) may.
 */
export async function findInScope(
  db: Kysely<DB>,
  p: Principal,
  id: string,
  opts: { lock?: boolean } = {}
): Promise<PlacementRow> {
  const lock = opts.lock ?? false
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

/** A placement the caller has already found in scope. */
export function findById(db: Kysely<DB>, id: string): Promise<PlacementRow> {
  return db.selectFrom('placement').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
}

/** The pupil of a placement; `lock` serialises changes to that pupil's placements. */
export function pupilOf(db: Kysely<DB>, pupilId: string, opts: { lock?: boolean } = {}): Promise<PupilRow> {
  return db
    .selectFrom('pupil')
    .selectAll()
    .where('id', '=', pupilId)
    .$if(opts.lock ?? false, (qb) => qb.forUpdate())
    .executeTakeFirstOrThrow()
}

/**
 * A referral of the LA, locked for placing, with the placement (not cancelled) it already has, if any:
 * one statement.
 */
export function lockReferralToPlace(db: Kysely<DB>, laCode: string, referralId: string) {
  return db
    .selectFrom('referral')
    .selectAll('referral')
    .select((eb) => [
      eb
        .selectFrom('placement')
        .select('placement.id')
        .whereRef('placement.referral_id', '=', 'referral.id')
        .where('placement.status', '<>', 'CANCELLED')
        .limit(1)
        .as('placed_as')
    ])
    .where('referral.id', '=', referralId)
    .where('referral.la_code', '=', laCode)
    .forUpdate(['referral'])
    .executeTakeFirst()
}

/** A referral's dates and baseline, for changes to a placement made from it. */
export function referralOf(db: Kysely<DB>, referralId: string) {
  return db
    .selectFrom('referral')
    .select(['id', 'received_on', 'baseline_attendance_pct', 'exclusions'])
    .where('id', '=', referralId)
    .executeTakeFirstOrThrow()
}

/** A provider in the caller's scope with its places at `tier` (null when it does not offer the tier). */
export function providerToPlace(db: Kysely<DB>, p: Principal, providerId: string, tier: number) {
  return db
    .selectFrom('provider')
    .select((eb) => [
      'provider.id',
      'provider.urn',
      'provider.registration_status',
      'provider.safeguarding_confirmed_on',
      eb
        .selectFrom('provider_tier')
        .select('provider_tier.places')
        .whereRef('provider_tier.provider_id', '=', 'provider.id')
        .where('provider_tier.tier', '=', tier)
        .as('places')
    ])
    .where(providerScope(p))
    .where('provider.id', '=', providerId)
    .executeTakeFirst()
}

/** What a placement's checks need of its provider. */
export function providerFacts(db: Kysely<DB>, providerIds: string[]) {
  if (providerIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('provider')
    .select(['id', 'urn', 'registration_status', 'safeguarding_confirmed_on'])
    .where('id', 'in', providerIds)
    .execute()
}

/**
 * The pupil's placements (not cancelled) other than `exceptId`, with their dates: what the no-overlap rule
 * (domain/placements.ts overlapping) is judged on. Callers hold the pupil's row lock, so a concurrent
 * placement of the pupil is seen here rather than failing the exclusion constraint.
 */
export async function otherPlacementsOf(db: Kysely<DB>, pupilId: string, exceptId?: string) {
  const rows = await db
    .selectFrom('placement')
    .select(['id', 'start_date', 'end_date', 'planned_end_date'])
    .where('pupil_id', '=', pupilId)
    .where('status', '<>', 'CANCELLED')
    .$if(exceptId !== undefined, (qb) => qb.where('id', '<>', exceptId!))
    .orderBy('start_date')
    .execute()
  return rows.map((r) => ({
    id: r.id,
    startDate: r.start_date,
    endDate: r.end_date,
    plannedEndDate: r.planned_end_date
  }))
}

/**
 * Locks the provider's places at a tier, then counts those taken. The lock serialises placements competing
 * for its places; the count is a second statement so that its snapshot, taken once the lock is held, sees a
 * placement that a competitor committed while this one waited.
 */
export async function lockPlaces(
  db: Kysely<DB>,
  providerId: string,
  tier: number
): Promise<{ places: number; used: number }> {
  const { places } = await db
    .selectFrom('provider_tier')
    .select('places')
    .where('provider_id', '=', providerId)
    .where('tier', '=', tier)
    .forUpdate()
    .executeTakeFirstOrThrow()
  const { used } = await db
    .selectFrom('placement')
    .select((eb) => eb.fn.countAll<string>().as('used'))
    .where('provider_id', '=', providerId)
    .where('tier', '=', tier)
    .where('status', 'in', OCCUPYING)
    .executeTakeFirstOrThrow()
  return { places, used: Number(used) }
}

/**
 * The LA's policy, and whether `reasonCode` is a national code or one of the LA's own (true when none is
 * given), in one statement: what a new placement's rules are checked against.
 */
export async function policyToPlace(db: Kysely<DB>, laCode: string, reasonCode: string | undefined) {
  const laOrNational = sql`(reason_code.la_code is null or reason_code.la_code = ${laCode})`
  const row = await db
    .selectFrom('la_policy')
    .selectAll('la_policy')
    .select(
      (reasonCode === undefined
        ? sql<boolean>`true`
        : sql<boolean>`exists (select 1 from reason_code
            where reason_code.code = ${reasonCode} and ${laOrNational})`
      ).as('reason_code_known')
    )
    .where('la_policy.la_code', '=', laCode)
    .executeTakeFirstOrThrow()
  const { reason_code_known: reasonCodeKnown, ...policy } = row
  return { policy, reasonCodeKnown: Boolean(reasonCodeKnown) }
}

/**
 * Inserts a placement with its PLANNED event and its audit row, and takes its referral off any waiting
 * list, in one statement (data-modifying CTEs): what the transaction holds then builds the response.
 */
export function insertPlanned(
  db: Kysely<DB>,
  values: Insertable<DB['placement']>,
  event: { onDate: string; actor: string },
  actor: Actor,
  audit: Omit<AuditEntry, 'entityId'>
): Promise<PlacementRow> {
  const a = auditRow(actor, audit)
  return db
    .with('p', (qb) => qb.insertInto('placement').values(values).returningAll())
    .with('e', (qb) =>
      qb
        .insertInto('placement_event')
        .columns(['placement_id', 'event', 'on_date', 'actor'])
        .expression((eb) =>
          eb
            .selectFrom('p')
            .select([
              'p.id',
              sql.val('PLANNED').as('event'),
              sql<string>`${event.onDate}::date`.as('on_date'),
              sql.val(event.actor).as('actor')
            ])
        )
    )
    .with('w', (qb) =>
      qb.deleteFrom('waiting_list_entry').where('referral_id', '=', (eb) => eb.selectFrom('p').select('p.referral_id'))
    )
    .with('a', (qb) =>
      qb
        .insertInto('audit_event')
        .columns([
          'request_id',
          'actor',
          'role',
          'org_type',
          'org_id',
          'actor_la_code',
          'action',
          'entity',
          'entity_id',
          'pupil_id',
          'pupil_la_code',
          'changed_fields'
        ])
        .expression((eb) =>
          eb
            .selectFrom('p')
            .select([
              sql.val(a.request_id).as('request_id'),
              sql.val(a.actor).as('actor'),
              sql.val(a.role).as('role'),
              sql.val(a.org_type).as('org_type'),
              sql.val(a.org_id).as('org_id'),
              sql.val(a.actor_la_code).as('actor_la_code'),
              sql.val(a.action).as('action'),
              sql.val(a.entity).as('entity'),
              sql<string>`p.id::text`.as('entity_id'),
              'p.pupil_id',
              sql.val(a.pupil_la_code).as('pupil_la_code'),
              sql<string[] | null>`${a.changed_fields}::text[]`.as('changed_fields')
            ])
        )
    )
    .selectFrom('p')
    .selectAll()
    .executeTakeFirstOrThrow()
}

/** Changes a placement and bumps its version; returns the row as it now stands. */
export function update(
  db: Kysely<DB>,
  id: string,
  set: Omit<Updateable<DB['placement']>, 'version' | 'updated_at'>,
  opts: { where?: { statusIn?: readonly PlacementStatus[]; hasOutcome?: boolean } } = {}
) {
  return db
    .updateTable('placement')
    .set((eb) => ({ ...set, version: eb('version', '+', 1), updated_at: new Date() }))
    .where('id', '=', id)
    .$if(opts.where?.statusIn !== undefined, (qb) => qb.where('status', 'in', opts.where!.statusIn!))
    .$if(opts.where?.hasOutcome === true, (qb) => qb.where('outcome_id', 'is not', null))
    .returningAll()
    .executeTakeFirst()
}

/** Appends an event to a placement's history. */
export async function addEvent(
  db: Kysely<DB>,
  e: { placementId: string; event: PlacementEventKind; onDate: string; reason?: string | null; actor: string }
): Promise<void> {
  await db
    .insertInto('placement_event')
    .values({
      placement_id: e.placementId,
      event: e.event,
      on_date: e.onDate,
      reason: e.reason ?? null,
      actor: e.actor
    })
    .execute()
}

/** The date of the placement's latest event of a kind (by date, or by order of entry). */
export async function lastEventOn(
  db: Kysely<DB>,
  placementId: string,
  event: PlacementEventKind,
  by: 'date' | 'entry'
): Promise<string | undefined> {
  const row = await db
    .selectFrom('placement_event')
    .select('on_date')
    .where('placement_id', '=', placementId)
    .where('event', '=', event)
    .$if(by === 'date', (qb) => qb.orderBy('on_date', 'desc'))
    .$if(by === 'entry', (qb) => qb.orderBy('id', 'desc'))
    .executeTakeFirst()
  return row?.on_date
}

export interface ListFilter {
  tier?: number | undefined
  status?: PlacementStatus | undefined
  providerId?: string | undefined
  schoolId?: string | undefined
  pupilId?: string | undefined
  laCode?: string | undefined
  activeOn?: string | undefined
}

/** A page of the placements in the caller's scope, newest start first, and the total matching. */
export async function listInScope(
  db: Kysely<DB>,
  p: Principal,
  q: ListFilter,
  page: { limit: number; offset: number }
): Promise<{ rows: PlacementRow[]; total: number }> {
  const base = db
    .selectFrom('placement')
    .where(placementScope(p))
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
    .limit(page.limit)
    .offset(page.offset)
    .execute()
  return { rows, total: Number(total) }
}

/** Puts a referral on (or moves it to the back of) a provider's waiting list at `addedAt`. */
export async function joinWaitingList(
  db: Kysely<DB>,
  entry: { referralId: string; providerId: string; tier: number; addedAt: Date }
): Promise<void> {
  await db
    .insertInto('waiting_list_entry')
    .values({ referral_id: entry.referralId, provider_id: entry.providerId, tier: entry.tier, added_at: entry.addedAt })
    .onConflict((oc) =>
      oc.column('referral_id').doUpdateSet({
        provider_id: entry.providerId,
        tier: entry.tier,
        added_at: sql<Date>`case when waiting_list_entry.provider_id = excluded.provider_id
          and waiting_list_entry.tier = excluded.tier then waiting_list_entry.added_at else excluded.added_at end`
      })
    )
    .execute()
}

/** A referral's position on its provider's waiting list (1 is next). */
export async function waitingPosition(db: Kysely<DB>, referralId: string): Promise<number> {
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

/** A provider in the caller's scope, if any. */
export function providerInScope(db: Kysely<DB>, p: Principal, providerId: string) {
  return db.selectFrom('provider').select('id').where(providerScope(p)).where('id', '=', providerId).executeTakeFirst()
}

/** A provider's waiting list in order, with each referral's pupil and where the pupil's calendar comes from. */
export function waitingList(db: Kysely<DB>, providerId: string) {
  return db
    .selectFrom('waiting_list_entry')
    .innerJoin('referral', 'referral.id', 'waiting_list_entry.referral_id')
    .innerJoin('pupil', 'pupil.id', 'referral.pupil_id')
    .select([
      'waiting_list_entry.referral_id',
      'waiting_list_entry.tier',
      'waiting_list_entry.added_at',
      'referral.pupil_id',
      'pupil.home_school_id',
      'pupil.home_la_code'
    ])
    .where('waiting_list_entry.provider_id', '=', providerId)
    .orderBy('waiting_list_entry.tier')
    .orderBy('waiting_list_entry.added_at')
    .orderBy('waiting_list_entry.referral_id')
    .execute()
}

/** The running placements (started by `today`) at these providers, with the pupil facts the threshold counts. */
export function runningAt(db: Kysely<DB>, providerIds: string[], today: string) {
  if (providerIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('placement')
    .innerJoin('pupil', 'pupil.id', 'placement.pupil_id')
    .select([
      'placement.provider_id',
      'placement.sessions_at_provider',
      'pupil.looked_after',
      'pupil.sen_provision',
      'pupil.date_of_birth'
    ])
    .where('placement.provider_id', 'in', providerIds)
    .where('placement.status', 'in', ['ACTIVE', 'PAUSED'])
    .where('placement.start_date', '<=', today)
    .execute()
}

/** The pupil's earliest Tier 2 or 3 placement that has started between `from` and `today`, other than `exceptId`. */
export function laterTier2Or3(db: Kysely<DB>, pupilId: string, exceptId: string, from: string, today: string) {
  return db
    .selectFrom('placement')
    .select('id')
    .where('pupil_id', '=', pupilId)
    .where('id', '<>', exceptId)
    .where('tier', '>=', 2)
    .where('status', 'not in', ['CANCELLED', 'PLANNED'])
    .where('start_date', '>=', from)
    .where('start_date', '<=', today)
    .orderBy('start_date')
    .executeTakeFirst()
}

/** A review's extension: the new planned end, counted. */
export async function extend(db: Kysely<DB>, id: string, plannedEnd: string): Promise<void> {
  await db
    .updateTable('placement')
    .set((eb) => ({
      planned_end_date: plannedEnd,
      extension_count: eb('extension_count', '+', 1),
      version: eb('version', '+', 1),
      updated_at: new Date()
    }))
    .where('id', '=', id)
    .execute()
}

/** A placement arranged by the LA (not one it only sees as the pupil's home LA). */
export function arrangedBy(db: Kysely<DB>, laCode: string, id: string) {
  return db
    .selectFrom('placement')
    .select(['id', 'pupil_id', 'pupil_home_la_code', 'start_date', 'status'])
    .where('id', '=', id)
    .where('la_code', '=', laCode)
    .executeTakeFirst()
}
