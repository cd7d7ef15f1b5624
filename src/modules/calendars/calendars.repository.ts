import type { Kysely } from 'kysely'
import {
  type AcademicYearCalendar,
  academicYearLabel,
  estimatedYear,
  type HalfTermDates,
  SchoolCalendar
} from '../../domain/calendar.js'
import type { DB } from '../../db/schema.js'

export interface StoredYear {
  calendarId: string
  version: number
  updatedAt: Date
  halfTerms: HalfTermDates[]
  closures: { date: string; kind: 'INSET' | 'CLOSURE'; reason: string | null }[]
}

/** All SQL for term calendars. */
export class CalendarsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** Stored calendars of one owner (an LA or a school) by academic year label. */
  async years(
    owner: { laCode: string } | { schoolId: string },
    academicYear?: string
  ): Promise<Map<string, StoredYear>> {
    const rows = await this.db
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
      this.db.selectFrom('half_term').selectAll().where('calendar_id', 'in', ids).orderBy('number').execute(),
      this.db.selectFrom('calendar_closure').selectAll().where('calendar_id', 'in', ids).orderBy('day').execute()
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
  async put(
    owner: { laCode: string } | { schoolId: string },
    academicYear: string,
    expectedVersion: number | undefined,
    halfTerms: HalfTermDates[],
    closures: { date: string; kind: 'INSET' | 'CLOSURE'; reason?: string | undefined }[]
  ) {
    const existing = await this.db
      .selectFrom('term_calendar')
      .select(['id', 'version'])
      .where((eb) => ('laCode' in owner ? eb('la_code', '=', owner.laCode) : eb('school_id', '=', owner.schoolId)))
      .where('academic_year', '=', academicYear)
      .forUpdate()
      .executeTakeFirst()
    let calendarId: string
    if (existing) {
      if (existing.version !== expectedVersion) return undefined
      await this.db
        .updateTable('term_calendar')
        .set((eb) => ({ version: eb('version', '+', 1), updated_at: new Date() }))
        .where('id', '=', existing.id)
        .execute()
      await this.db.deleteFrom('half_term').where('calendar_id', '=', existing.id).execute()
      await this.db.deleteFrom('calendar_closure').where('calendar_id', '=', existing.id).execute()
      calendarId = existing.id
    } else {
      const row = await this.db
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
      await this.db
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
      await this.db
        .insertInto('calendar_closure')
        .values(closures.map((c) => ({ calendar_id: calendarId, day: c.date, kind: c.kind, reason: c.reason ?? null })))
        .execute()
    }
    return calendarId
  }
}

/**
 * The calendar a school's clocks run on: per academic year, the school's own half-terms when it has loaded
 * them, else its LA's, else the estimated pattern; the school's closures and INSET days apply in every case.
 */
export async function loadSchoolCalendar(
  db: Kysely<DB>,
  school: { id: string; laCode: string }
): Promise<SchoolCalendar> {
  // Two queries: every half-term of the school's and its LA's calendars, and the school's closures.
  const [halfTerms, closures] = await Promise.all([
    db
      .selectFrom('term_calendar')
      .innerJoin('half_term', 'half_term.calendar_id', 'term_calendar.id')
      .select(['term_calendar.school_id', 'term_calendar.academic_year', 'half_term.first_day', 'half_term.last_day'])
      .where((eb) =>
        eb.or([eb('term_calendar.school_id', '=', school.id), eb('term_calendar.la_code', '=', school.laCode)])
      )
      .orderBy('term_calendar.academic_year')
      .orderBy('half_term.number')
      .execute(),
    db
      .selectFrom('term_calendar')
      .innerJoin('calendar_closure', 'calendar_closure.calendar_id', 'term_calendar.id')
      .select(['term_calendar.academic_year', 'calendar_closure.day'])
      .where('term_calendar.school_id', '=', school.id)
      .execute()
  ])
  const own = new Map<string, HalfTermDates[]>()
  const la = new Map<string, HalfTermDates[]>()
  for (const h of halfTerms) {
    const into = h.school_id !== null ? own : la
    const list = into.get(h.academic_year) ?? []
    list.push({ firstDay: h.first_day, lastDay: h.last_day })
    into.set(h.academic_year, list)
  }
  const closed = new Map<string, string[]>()
  for (const c of closures) closed.set(c.academic_year, [...(closed.get(c.academic_year) ?? []), c.day])
  return new SchoolCalendar((startYear): AcademicYearCalendar => {
    const label = academicYearLabel(startYear)
    const closures = closed.get(label) ?? []
    const mine = own.get(label)
    if (mine && mine.length === 6) return { startYear, source: 'school', halfTerms: mine, closures }
    const las = la.get(label)
    if (las && las.length === 6) return { startYear, source: 'la', halfTerms: las, closures }
    return { ...estimatedYear(startYear), closures }
  })
}

/** The calendar for a pupil with no home school: the LA's half-terms, else the estimate; no closures. */
export async function loadLaCalendar(db: Kysely<DB>, laCode: string): Promise<SchoolCalendar> {
  const la = await new CalendarsRepository(db).years({ laCode })
  return new SchoolCalendar((startYear): AcademicYearCalendar => {
    const las = la.get(academicYearLabel(startYear))
    return las && las.halfTerms.length === 6
      ? { startYear, source: 'la', halfTerms: las.halfTerms, closures: [] }
      : estimatedYear(startYear)
  })
}
