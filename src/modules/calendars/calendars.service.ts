import type { Kysely } from 'kysely'
import type { Principal } from '../../platform/auth/principal.js'
import {
  academicYearLabel,
  closureErrors,
  estimatedYear,
  halfTermErrors,
  parseAcademicYear
} from '../../domain/calendar.js'
import type { DB } from '../../db/schema.js'
import {
  fieldError,
  invalid,
  notFound,
  preconditionFailed,
  preconditionRequired,
  unprocessable
} from '../../platform/errors.js'
import { toIso } from '../../platform/time.js'
import { type Actor, writeAudit } from '../../db/audit.js'
import { schoolsRepository, setsOwnTermDates } from '../schools/index.js'
import { numbered, toLaCalendar } from './calendars.mapper.js'
import * as calendarsRepository from './calendars.repository.js'
import type { PutLaCalendar, PutSchoolCalendar, SchoolCalendarView } from './calendars.schemas.js'

/** The start year of an academic year path parameter; 400 naming the parameter unless the years are consecutive. */
export function startYearOf(label: string): number {
  const start = parseAcademicYear(label)
  if (start === undefined) {
    throw fieldError(
      '/params/academicYear',
      'academic_year_format',
      `/params/academicYear must be YYYY/YY (or YYYY-YY in a URL) of consecutive years; got ${label}`
    )
  }
  return start
}

/** An If-Match version, or undefined for a create: 428 when replacing without one. */
const expectedVersion = (exists: boolean, ifMatch: number | undefined) => {
  if (exists && ifMatch === undefined) throw preconditionRequired()
  return ifMatch
}

export class CalendarsService {
  constructor(private readonly db: Kysely<DB>) {}

  #ownLa(p: Principal, code: string): void {
    if (code !== p.laCode) throw notFound('local_authority')
  }

  async listLaCalendars(p: Principal, code: string) {
    this.#ownLa(p, code)
    const years = await calendarsRepository.years(this.db, { laCode: code })
    return { results: [...years].map(([label, stored]) => toLaCalendar(code, parseAcademicYear(label)!, stored)) }
  }

  async getLaCalendar(p: Principal, code: string, yearParam: string) {
    this.#ownLa(p, code)
    const startYear = startYearOf(yearParam)
    const stored = (await calendarsRepository.years(this.db, { laCode: code }, academicYearLabel(startYear))).get(
      academicYearLabel(startYear)
    )
    if (!stored) throw notFound('calendar')
    return { body: toLaCalendar(code, startYear, stored), version: stored.version }
  }

  async putLaCalendar(
    actor: Actor,
    code: string,
    yearParam: string,
    ifMatch: number | undefined,
    input: PutLaCalendar
  ) {
    this.#ownLa(actor.principal, code)
    const startYear = startYearOf(yearParam)
    const errors = halfTermErrors(startYear, input.halfTerms)
    if (errors.length > 0) invalid(errors)
    const label = academicYearLabel(startYear)
    return this.db.transaction().execute(async (trx) => {
      const exists = (await calendarsRepository.years(trx, { laCode: code }, label)).has(label)
      const id = await calendarsRepository.put(
        trx,
        { laCode: code },
        label,
        expectedVersion(exists, ifMatch),
        input.halfTerms,
        []
      )
      if (!id) throw preconditionFailed()
      await writeAudit(trx, actor, [
        { action: exists ? 'update' : 'create', entity: 'term_calendar', entityId: id, changedFields: ['halfTerms'] }
      ])
      const stored = (await calendarsRepository.years(trx, { laCode: code }, label)).get(label)!
      return { body: toLaCalendar(code, startYear, stored), version: stored.version, created: !exists }
    })
  }

  /** The school as the principal may see it; 404 otherwise. */
  async #school(db: Kysely<DB>, p: Principal, id: string) {
    const school = await schoolsRepository.findInScope(db, p, id)
    if (!school) throw notFound('school')
    return { id: school.id, laCode: school.la_code, type: school.type }
  }

  async #schoolView(db: Kysely<DB>, school: { id: string; laCode: string }, startYear: number) {
    const label = academicYearLabel(startYear)
    const calendar = await calendarsRepository.loadSchoolCalendar(db, school.id)
    const own = (await calendarsRepository.years(db, { schoolId: school.id }, label)).get(label)
    const source = calendar.sourceOf(`${startYear}-10-01`)
    const halfTerms =
      source === 'school'
        ? own!.halfTerms
        : source === 'la'
          ? (await calendarsRepository.years(db, { laCode: school.laCode }, label)).get(label)!.halfTerms
          : estimatedYear(startYear).halfTerms
    const body: SchoolCalendarView = {
      schoolId: school.id,
      academicYear: label,
      source,
      estimated: source === 'estimated',
      halfTerms: numbered(halfTerms),
      closures: (own?.closures ?? []).map((c) => ({
        date: c.date,
        kind: c.kind,
        ...(c.reason ? { reason: c.reason } : {})
      })),
      schoolDays: calendar.countSchoolDays(`${startYear}-09-01`, `${startYear + 1}-08-31`),
      updatedAt: own ? toIso(own.updatedAt) : null
    }
    return { body, version: own?.version ?? 0 }
  }

  async getSchoolCalendar(p: Principal, id: string, yearParam: string) {
    const startYear = startYearOf(yearParam)
    const school = await this.#school(this.db, p, id)
    return this.#schoolView(this.db, school, startYear)
  }

  async putSchoolCalendar(
    actor: Actor,
    id: string,
    yearParam: string,
    ifMatch: number | undefined,
    input: PutSchoolCalendar
  ) {
    const startYear = startYearOf(yearParam)
    const p = actor.principal
    if (p.role === 'school' && p.schoolId !== id) throw notFound('school')
    const label = academicYearLabel(startYear)
    return this.db.transaction().execute(async (trx) => {
      const school = await this.#school(trx, p, id)
      const halfTerms = input.halfTerms ?? []
      if (halfTerms.length > 0 && !setsOwnTermDates(school.type)) {
        throw unprocessable(
          'follows_la_term_dates',
          `A ${school.type} school follows its LA's term dates; send closures only`,
          [
            {
              path: '/halfTerms',
              code: 'follows_la_term_dates',
              message: '/halfTerms is only for schools that set their own term dates'
            }
          ]
        )
      }
      const errors = halfTerms.length > 0 ? halfTermErrors(startYear, halfTerms) : []
      if (errors.length > 0) invalid(errors)
      const effective = halfTerms.length > 0 ? halfTerms : await this.#followedHalfTerms(trx, school.laCode, startYear)
      const closureProblems = closureErrors(effective, input.closures)
      if (closureProblems.length > 0) invalid(closureProblems)
      const exists = (await calendarsRepository.years(trx, { schoolId: id }, label)).has(label)
      const calendarId = await calendarsRepository.put(
        trx,
        { schoolId: id },
        label,
        expectedVersion(exists, ifMatch),
        halfTerms,
        input.closures
      )
      if (!calendarId) throw preconditionFailed()
      await writeAudit(trx, actor, [
        {
          action: exists ? 'update' : 'create',
          entity: 'term_calendar',
          entityId: calendarId,
          changedFields: Object.keys(input)
        }
      ])
      const view = await this.#schoolView(trx, school, startYear)
      return { ...view, created: !exists }
    })
  }

  /** The half-terms a school without its own dates follows this year: the LA's, else the estimate. */
  async #followedHalfTerms(db: Kysely<DB>, laCode: string, startYear: number) {
    const label = academicYearLabel(startYear)
    return (
      (await calendarsRepository.years(db, { laCode }, label)).get(label)?.halfTerms ??
      estimatedYear(startYear).halfTerms
    )
  }

  async schoolDays(p: Principal, id: string, from: string, to: string) {
    if (to < from) throw fieldError('/querystring/to', 'date_order', '/querystring/to must not be before from')
    if (Number(to.slice(0, 4)) - Number(from.slice(0, 4)) > 3)
      throw fieldError('/querystring/to', 'range_too_long', 'ask for at most three years of school days at a time')
    const school = await this.#school(this.db, p, id)
    const calendar = await calendarsRepository.loadSchoolCalendar(this.db, school.id)
    const days = calendar.schoolDaysBetween(from, to)
    const calendars = calendar.sourcesUsed()
    return {
      schoolId: id,
      from,
      to,
      count: days.length,
      days,
      calendars,
      estimated: calendars.some((c) => c.source === 'estimated')
    }
  }

  async offset(p: Principal, id: string, from: string, days: number) {
    const school = await this.#school(this.db, p, id)
    const calendar = await calendarsRepository.loadSchoolCalendar(this.db, school.id)
    const date = calendar.addSchoolDays(from, days)
    const calendars = calendar.sourcesUsed()
    return { schoolId: id, from, days, date, calendars, estimated: calendars.some((c) => c.source === 'estimated') }
  }
}
