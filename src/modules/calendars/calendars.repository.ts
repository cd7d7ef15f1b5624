import { type Kysely, sql } from 'kysely'
import type { HalfTermDates, SchoolCalendar } from '../../domain/calendar.js'
import type { DB } from '../../db/schema.js'
import { laCalendarOf, schoolCalendarOf, type StoredYear } from './calendars.mapper.js'

/** All SQL for term calendars. */

type Owner = { laCode: string } | { schoolId: string }

/** Stored calendars of one owner (an LA or a school) by academic year label. */
export async function years(db: Kysely<DB>, owner: Owner, academicYear?: string): Promise<Map<string, StoredYear>> {
  const rows = await db
    .selectFrom('term_calendar')
    .selectAll()
    .where((eb) => ('laCode' in owner ? eb('la_code', '=', owner.laCode) : eb('school_id', '=', owner.schoolId)))
    .$if(academicYear !== undefined, (qb) => qb.where('academic_year', '=', academicYear!))
    .orderBy('academic_year')
    .execute()
  const out = new Map<string, StoredYear>()
  if (rows.length === 0) return out
  const ids = rows.map((r) => r.id)
  const [halfTerms, closures] = await Promise.all([
    db.selectFrom('half_term').selectAll().where('calendar_id', 'in', ids).orderBy('number').execute(),
    db.selectFrom('calendar_closure').selectAll().where('calendar_id', 'in', ids).orderBy('day').execute()
  ])
  for (const r of rows) {
    out.set(r.academic_year, {
      calendarId: r.id,
      version: r.version,
      updatedAt: r.updated_at,
      halfTerms: halfTerms
        .filter((h) => h.calendar_id === r.id)
        .map((h) => ({ firstDay: h.first_day, lastDay: h.last_day })),
      closures: closures
        .filter((c) => c.calendar_id === r.id)
        .map((c) => ({ date: c.day, kind: c.kind, reason: c.reason }))
    })
  }
  return out
}

/**
 * Creates or replaces one owner's calendar for a year: half-terms and closures are replaced whole.
 * `expectedVersion` undefined means the calendar must not exist yet. Returns undefined when the version is stale.
 */
export async function put(
  db: Kysely<DB>,
  owner: Owner,
  academicYear: string,
  expectedVersion: number | undefined,
  halfTerms: HalfTermDates[],
  closures: { date: string; kind: 'INSET' | 'CLOSURE'; reason?: string | undefined }[]
): Promise<string | undefined> {
  const existing = await db
    .selectFrom('term_calendar')
    .select(['id', 'version'])
    .where((eb) => ('laCode' in owner ? eb('la_code', '=', owner.laCode) : eb('school_id', '=', owner.schoolId)))
    .where('academic_year', '=', academicYear)
    .forUpdate()
    .executeTakeFirst()
  let calendarId: string
  if (existing) {
    if (existing.version !== expectedVersion) return undefined
    await db
      .updateTable('term_calendar')
      .set((eb) => ({ version: eb('version', '+', 1), updated_at: new Date() }))
      .where('id', '=', existing.id)
      .execute()
    await db.deleteFrom('half_term').where('calendar_id', '=', existing.id).execute()
    await db.deleteFrom('calendar_closure').where('calendar_id', '=', existing.id).execute()
    calendarId = existing.id
  } else {
    const row = await db
      .insertInto('term_calendar')
      .values({
        la_code: 'laCode' in owner ? owner.laCode : null,
        school_id: 'schoolId' in owner ? owner.schoolId : null,
        academic_year: academicYear
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    calendarId = row.id
  }
  if (halfTerms.length > 0) {
    await db
      .insertInto('half_term')
      .values(
        halfTerms.map((h, i) => ({
          calendar_id: calendarId,
          number: i + 1,
          first_day: h.firstDay,
          last_day: h.lastDay
        }))
      )
      .execute()
  }
  if (closures.length > 0) {
    await db
      .insertInto('calendar_closure')
      .values(closures.map((c) => ({ calendar_id: calendarId, day: c.date, kind: c.kind, reason: c.reason ?? null })))
      .execute()
  }
  return calendarId
}

/**
 * The calendar a school's clocks run on, in one statement: its own and its LA's half-terms (the LA found
 * from the school row) and its closures, as one union (see schoolCalendarOf).
 */
export async function loadSchoolCalendar(db: Kysely<DB>, schoolId: string): Promise<SchoolCalendar> {
  const laOfSchool = db.selectFrom('school').select('school.la_code').where('school.id', '=', schoolId)
  const rows = await db
    .selectFrom('term_calendar')
    .innerJoin('half_term', 'half_term.calendar_id', 'term_calendar.id')
    .select([
      'term_calendar.school_id',
      'term_calendar.academic_year',
      'half_term.number',
      'half_term.first_day',
      'half_term.last_day',
      sql<string | null>`null::date`.as('day')
    ])
    .where((eb) => eb.or([eb('term_calendar.school_id', '=', schoolId), eb('term_calendar.la_code', 'in', laOfSchool)]))
    .unionAll(
      db
        .selectFrom('term_calendar')
        .innerJoin('calendar_closure', 'calendar_closure.calendar_id', 'term_calendar.id')
        .select([
          'term_calendar.school_id',
          'term_calendar.academic_year',
          sql<number>`null::int`.as('number'),
          sql<string>`null::date`.as('first_day'),
          sql<string>`null::date`.as('last_day'),
          'calendar_closure.day'
        ])
        .where('term_calendar.school_id', '=', schoolId)
    )
    .orderBy('academic_year')
    .orderBy('number')
    .execute()
  return schoolCalendarOf(
    rows.filter((r) => r.day === null),
    rows.filter((r): r is typeof r & { day: string } => r.day !== null)
  )
}

/** The calendar for a pupil with no home school (see laCalendarOf). */
export async function loadLaCalendar(db: Kysely<DB>, laCode: string): Promise<SchoolCalendar> {
  return laCalendarOf(await years(db, { laCode }))
}
