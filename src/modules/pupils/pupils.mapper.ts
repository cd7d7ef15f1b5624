import { endOfCompulsorySchoolAge, ncYear } from '../../domain/school-year.js'
import type { PupilRow } from '../../db/schema.js'
import { toIso } from '../../platform/time.js'
import type { Pupil } from './pupils.schemas.js'

export function toPupil(row: PupilRow, today: string): Pupil {
  const derived = ncYear(row.date_of_birth, today)
  return {
    id: row.id,
    upn: row.upn,
    uln: row.uln,
    legalForename: row.legal_forename,
    legalSurname: row.legal_surname,
    preferredForename: row.preferred_forename,
    preferredSurname: row.preferred_surname,
    dateOfBirth: row.date_of_birth,
    sex: row.sex,
    senProvision: row.sen_provision,
    fsmEligible: row.fsm_eligible,
    lookedAfter: row.looked_after,
    childInNeed: row.child_in_need,
    ethnicity: row.ethnicity,
    homeSchoolId: row.home_school_id,
    homeLaCode: row.home_la_code,
    ncYearOverride: row.nc_year_override,
    ncYear: row.nc_year_override ?? derived,
    ncYearDerived: derived,
    endOfCompulsorySchoolAge: endOfCompulsorySchoolAge(row.date_of_birth),
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at)
  }
}
