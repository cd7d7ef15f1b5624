import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.js'

/** All SQL of the LA's exports: placements in keyset chunks, with what the rows need. */

/** The next `limit` placements of the LA after id `after` (not cancelled), for the kind and year of export. */
export function chunk(
  db: Kysely<DB>,
  code: string,
  kind: 'placements' | 'outcomes' | 'census',
  year: { from: string; to: string } | undefined,
  after: string,
  limit: number
) {
  return db
    .selectFrom('placement')
    .innerJoin('pupil', 'pupil.id', 'placement.pupil_id')
    .innerJoin('provider', 'provider.id', 'placement.provider_id')
    .leftJoin('school as commissioning', 'commissioning.id', 'placement.commissioner_school_id')
    .leftJoin('school as home', 'home.id', 'pupil.home_school_id')
    .leftJoin('placement_outcome', 'placement_outcome.id', 'placement.outcome_id')
    .leftJoin('school as receiving', 'receiving.id', 'placement_outcome.receiving_school_id')
    .select([
      'placement.id',
      'placement.pupil_id',
      'placement.tier',
      'placement.status',
      'placement.legal_basis',
      'placement.reason_code',
      'placement.provider_id',
      'placement.commissioner_type',
      'placement.start_date',
      'placement.planned_end_date',
      'placement.end_date',
      'placement.sessions_at_provider',
      'placement.sessions_at_home_school',
      'placement.home_attendance_code',
      'pupil.upn',
      'pupil.uln',
      'pupil.home_la_code',
      'pupil.date_of_birth',
      'pupil.nc_year_override',
      'provider.name as provider_name',
      'provider.urn as provider_urn',
      'provider.ukprn as provider_ukprn',
      'provider.setting_type',
      'commissioning.urn as commissioning_urn',
      'home.urn as home_urn',
      'placement_outcome.code as outcome',
      'placement_outcome.effective_date',
      'placement_outcome.receiving_name',
      'receiving.urn as receiving_urn',
      'placement_outcome.destination',
      'placement_outcome.destination_provider_name',
      'placement_outcome.september_guarantee'
    ])
    .where('placement.la_code', '=', code)
    .where('placement.status', '<>', 'CANCELLED')
    .where('placement.id', '>', after)
    .$if(kind === 'outcomes', (qb) => qb.where('placement.outcome_id', 'is not', null))
    .$if(year !== undefined && kind === 'outcomes', (qb) =>
      qb
        .where('placement_outcome.effective_date', '>=', year!.from)
        .where('placement_outcome.effective_date', '<=', year!.to)
    )
    .$if(year !== undefined && kind !== 'outcomes', (qb) =>
      qb
        .where('placement.start_date', '<=', year!.to)
        .where((eb) => eb.or([eb('placement.end_date', 'is', null), eb('placement.end_date', '>=', year!.from)]))
    )
    .orderBy('placement.id')
    .limit(limit)
    .execute()
}

/** The standing follow-ups of these placements. */
export function liveFollowUps(db: Kysely<DB>, placementIds: string[]) {
  return db
    .selectFrom('outcome_follow_up')
    .select(['placement_id', 'checkpoint', 'status', 'met'])
    .where('placement_id', 'in', placementIds)
    .where('status', '<>', 'SUPERSEDED')
    .execute()
}
