import { type Insertable, type Kysely, sql, type Updateable } from 'kysely'
import type { Principal } from '../../platform/auth/principal.js'
import { pupilScope, referralScope } from '../../db/scope.js'
import type { SchoolCalendar } from '../../domain/calendar.js'
import type { DB, PupilRow, PupilTable } from '../../db/schema.js'
import { type Actor, auditRow } from '../../db/audit.js'
import { loadLaCalendar, loadSchoolCalendar } from '../calendars/index.js'
import { schoolsRepository } from '../schools/index.js'

/**
 * All SQL on pupils. Every read of pupil data is scoped to the principal and writes its audit row in the same
 * statement or transaction.
 */
/**
 * One pupil by id within the caller's scope, auditing the read in the same statement (a data-modifying
 * CTE), so a read costs one round trip and cannot happen without its audit row.
 */
export async function readById(db: Kysely<DB>, actor: Actor, id: string): Promise<PupilRow | undefined> {
  const audit = auditRow(actor, { action: 'read', entity: 'pupil', entityId: id })
  return db
    .with('found', (qb) =>
      qb.selectFrom('pupil').selectAll().where(pupilScope(actor.principal)).where('pupil.id', '=', id)
    )
    .with('logged', (qb) =>
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
          'pupil_la_code'
        ])
        .expression((eb) =>
          eb
            .selectFrom('found')
            .select([
              sql.val(audit.request_id).as('request_id'),
              sql.val(audit.actor).as('actor'),
              sql.val(audit.role).as('role'),
              sql.val(audit.org_type).as('org_type'),
              sql.val(audit.org_id).as('org_id'),
              sql.val(audit.actor_la_code).as('actor_la_code'),
              sql.val(audit.action).as('action'),
              sql.val(audit.entity).as('entity'),
              sql.val(audit.entity_id).as('entity_id'),
              'found.id as pupil_id',
              'found.home_la_code as pupil_la_code'
            ])
        )
        .returning('audit_event.id')
    )
    .selectFrom('found')
    .selectAll()
    .executeTakeFirst()
}

/** One pupil by id within the principal's scope, without an audit row: for checks inside a use case. */
export async function findInScope(
  db: Kysely<DB>,
  p: Principal,
  id: string,
  opts: { lock?: boolean } = {}
): Promise<PupilRow | undefined> {
  return db
    .selectFrom('pupil')
    .selectAll()
    .where(pupilScope(p))
    .where('id', '=', id)
    .$if(opts.lock === true, (qb) => qb.forUpdate())
    .executeTakeFirst()
}

/** A pupil known to exist, by id (unscoped: the caller already holds a scoped row that names them). */
export async function findById(db: Kysely<DB>, id: string): Promise<PupilRow> {
  return db.selectFrom('pupil').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
}

/** The home LA of a pupil known to exist. */
export async function homeLaCode(db: Kysely<DB>, id: string): Promise<string> {
  const row = await db.selectFrom('pupil').select('home_la_code').where('id', '=', id).executeTakeFirstOrThrow()
  return row.home_la_code
}

/** The home LA of each of the pupils. */
export async function homeLaCodes(db: Kysely<DB>, ids: string[]): Promise<{ id: string; home_la_code: string }[]> {
  if (ids.length === 0) return []
  return db.selectFrom('pupil').select(['id', 'home_la_code']).where('id', 'in', ids).execute()
}

export async function findByUpn(db: Kysely<DB>, p: Principal, upn: string): Promise<PupilRow | undefined> {
  return db.selectFrom('pupil').selectAll().where(pupilScope(p)).where('upn', '=', upn).executeTakeFirst()
}

/** One page of the pupils the principal may see, optionally at one home school, with the total. */
export async function page(
  db: Kysely<DB>,
  p: Principal,
  query: { page: number; pageSize: number; homeSchoolId?: string | undefined; id?: string[] | undefined }
): Promise<{ rows: PupilRow[]; total: number }> {
  const base = db
    .selectFrom('pupil')
    .where(pupilScope(p))
    .$if(query.homeSchoolId !== undefined, (qb) => qb.where('home_school_id', '=', query.homeSchoolId!))
    .$if(query.id !== undefined, (qb) => qb.where('id', 'in', query.id!))
  const { total } = await base.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow()
  const rows = await base
    .selectAll()
    .orderBy('legal_surname')
    .orderBy('legal_forename')
    .orderBy('id')
    .limit(query.pageSize)
    .offset((query.page - 1) * query.pageSize)
    .execute()
  return { rows, total: Number(total) }
}

/** The school's LA when the school is one the principal may place a pupil at. */
export async function schoolInScope(
  db: Kysely<DB>,
  p: Principal,
  schoolId: string
): Promise<{ la_code: string } | undefined> {
  return db
    .selectFrom('school')
    .select('la_code')
    .where('id', '=', schoolId)
    .where((eb) => (p.orgType === 'school' ? eb('id', '=', p.schoolId!) : eb('la_code', '=', p.laCode)))
    .executeTakeFirst()
}

export async function insert(db: Kysely<DB>, values: Insertable<PupilTable>): Promise<PupilRow> {
  return db.insertInto('pupil').values(values).returningAll().executeTakeFirstOrThrow()
}

/** Applies the changes to a pupil the caller has already found and locked, bumping its version. */
export async function update(db: Kysely<DB>, id: string, changes: Updateable<PupilTable>): Promise<PupilRow> {
  return db
    .updateTable('pupil')
    .set((eb) => ({ ...changes, version: eb('version', '+', 1), updated_at: new Date() }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** Placements carry the pupil's home LA for scoping; it moves with the pupil. */
export async function moveHomeLaOfPlacements(db: Kysely<DB>, pupilId: string, laCode: string): Promise<void> {
  await db.updateTable('placement').set({ pupil_home_la_code: laCode }).where('pupil_id', '=', pupilId).execute()
}

type CalendarHome = Pick<PupilRow, 'home_school_id' | 'home_la_code'>

/** The calendar a pupil's clocks run on: the home school's, else the home LA's (or the estimate). */
export async function calendarForPupil(db: Kysely<DB>, pupil: CalendarHome): Promise<SchoolCalendar> {
  if (pupil.home_school_id) return loadSchoolCalendar(db, pupil.home_school_id)
  return loadLaCalendar(db, pupil.home_la_code)
}

/** Pupils with the same key run on the same calendar: the home school's id, else `la:` and the home LA. */
export const calendarKey = (pupil: CalendarHome): string => pupil.home_school_id ?? `la:${pupil.home_la_code}`

/**
 * Calendars for many pupils, each school's (or LA's) read once however many pupils share it: the read starts at
 * the first ask, so a caller can ask for all of them at once. `known` holds calendars already loaded, by
 * calendarKey.
 */
export function calendarLoader(
  db: Kysely<DB>,
  known?: ReadonlyMap<string, SchoolCalendar>
): (pupil: CalendarHome) => Promise<SchoolCalendar> {
  const loading = new Map<string, Promise<SchoolCalendar>>()
  for (const [key, calendar] of known ?? []) loading.set(key, Promise.resolve(calendar))
  return (pupil) => {
    const key = calendarKey(pupil)
    let calendar = loading.get(key)
    if (!calendar) {
      calendar = calendarForPupil(db, pupil)
      loading.set(key, calendar)
    }
    return calendar
  }
}

/** The LA that coordinates a pupil's AP: the home school's LA, else the pupil's home LA. */
export async function coordinatingLa(
  db: Kysely<DB>,
  pupil: Pick<PupilRow, 'home_school_id' | 'home_la_code'>
): Promise<string> {
  if (!pupil.home_school_id) return pupil.home_la_code
  return schoolsRepository.laCodeOf(db, pupil.home_school_id)
}

/** The pupils (by id) of a page of placements: what the placement view needs of each. */
export function factsByIds(db: Kysely<DB>, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([])
  return db
    .selectFrom('pupil')
    .select(['id', 'home_school_id', 'home_la_code', 'sen_provision', 'date_of_birth', 'nc_year_override'])
    .where('id', 'in', ids)
    .execute()
}

/**
 * The pupil's SEND and health detail (SEN provision and the needs summary of each referral the principal may
 * see), undefined when the pupil is out of scope.
 */
export async function sendHealthDetail(
  db: Kysely<DB>,
  p: Principal,
  id: string
): Promise<
  | {
      pupil: { id: string; sen_provision: 'N' | 'K' | 'E'; home_la_code: string }
      needs: { id: string; received_on: string; needs_summary: string | null }[]
    }
  | undefined
> {
  const pupil = await db
    .selectFrom('pupil')
    .select(['id', 'sen_provision', 'home_la_code'])
    .where(pupilScope(p))
    .where('id', '=', id)
    .executeTakeFirst()
  if (!pupil) return undefined
  const needs = await db
    .selectFrom('referral')
    .select(['referral.id', 'referral.received_on', 'referral.needs_summary'])
    .where(referralScope(p))
    .where('referral.pupil_id', '=', id)
    .orderBy('referral.received_on', 'desc')
    .orderBy('referral.id', 'desc')
    .execute()
  return { pupil, needs }
}
