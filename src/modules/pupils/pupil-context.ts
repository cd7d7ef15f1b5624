import type { Kysely, Selectable } from 'kysely'
import type { SchoolCalendar } from '../../domain/calendar.js'
import type { DB, LaPolicyTable, PupilRow } from '../../db/schema.js'
import { loadLaCalendar, loadSchoolCalendar } from '../calendars/calendars.repository.js'

export type LaPolicyRow = Selectable<LaPolicyTable>

/** The LA's policy row; every LA has one from creation. */
export async function policyFor(db: Kysely<DB>, laCode: string): Promise<LaPolicyRow> {
  return db.selectFrom('la_policy').selectAll().where('la_code', '=', laCode).executeTakeFirstOrThrow()
}

/** The calendar a pupil's clocks run on: the home school's, else the home LA's (or the estimate). */
export async function calendarForPupil(
  db: Kysely<DB>,
  pupil: Pick<PupilRow, 'home_school_id' | 'home_la_code'>
): Promise<SchoolCalendar> {
  if (pupil.home_school_id) {
    const school = await db
      .selectFrom('school')
      .select(['id', 'la_code'])
      .where('id', '=', pupil.home_school_id)
      .executeTakeFirstOrThrow()
    return loadSchoolCalendar(db, { id: school.id, laCode: school.la_code })
  }
  return loadLaCalendar(db, pupil.home_la_code)
}

/** The LA that coordinates a pupil's AP: the home school's LA, else the pupil's home LA. */
export async function coordinatingLa(
  db: Kysely<DB>,
  pupil: Pick<PupilRow, 'home_school_id' | 'home_la_code'>
): Promise<string> {
  if (!pupil.home_school_id) return pupil.home_la_code
  const school = await db
    .selectFrom('school')
    .select('la_code')
    .where('id', '=', pupil.home_school_id)
    .executeTakeFirstOrThrow()
  return school.la_code
}
