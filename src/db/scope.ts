import { type ExpressionBuilder, type Expression, type SqlBool, sql } from 'kysely'
import type { DB } from './schema.js'
import type { Principal } from '../platform/auth/principal.js'

/**
 * What each organisation may see, as SQL predicates. Every query on a scoped table ANDs one of these in,
 * so another organisation's record is simply not found (404), never fetched and then hidden.
 */

const never = sql<SqlBool>`false`

/** Schools: an LA's staff and its providers see the LA's schools; a school sees itself. */
export function schoolScope(p: Principal) {
  return (eb: ExpressionBuilder<DB, 'school'>): Expression<SqlBool> =>
    p.orgType === 'school' ? eb('school.id', '=', p.schoolId!) : eb('school.la_code', '=', p.laCode)
}

/** Providers: an LA's staff and its schools see the LA's providers; a provider sees itself. */
export function providerScope(p: Principal) {
  return (eb: ExpressionBuilder<DB, 'provider'>): Expression<SqlBool> =>
    p.orgType === 'provider' ? eb('provider.id', '=', p.providerId!) : eb('provider.la_code', '=', p.laCode)
}

/**
 * Pupils (domain.md §9.9): a school sees pupils on its roll; an LA coordinator sees pupils resident in
 * the LA or at its schools; a provider sees pupils placed with it (any placement not cancelled); analysts
 * see aggregates only, never pupil rows.
 */
export function pupilScope(p: Principal) {
  return (eb: ExpressionBuilder<DB, 'pupil'>): Expression<SqlBool> => {
    switch (p.role) {
      case 'school':
        return eb('pupil.home_school_id', '=', p.schoolId!)
      case 'coordinator':
      case 'la_admin':
        return eb.or([
          eb('pupil.home_la_code', '=', p.laCode),
          eb(
            'pupil.home_school_id',
            'in',
            eb.selectFrom('school').select('school.id').where('school.la_code', '=', p.laCode)
          )
        ])
      case 'provider':
        return eb(
          'pupil.id',
          'in',
          eb
            .selectFrom('placement')
            .select('placement.pupil_id')
            .where('placement.provider_id', '=', p.providerId!)
            .where('placement.status', '<>', 'CANCELLED')
        )
      case 'analyst':
      default: // any other role sees no pupil
        return never
    }
  }
}

/** Local authorities: each organisation sees its own LA. */
export function localAuthorityScope(p: Principal) {
  return (eb: ExpressionBuilder<DB, 'local_authority'>): Expression<SqlBool> =>
    eb('local_authority.code', '=', p.laCode)
}

/** An LA's referrals: those it decides. What its coordinators see, and its LA-wide reports count. */
export const laReferrals =
  (laCode: string) =>
  (eb: ExpressionBuilder<DB, 'referral'>): Expression<SqlBool> =>
    eb('referral.la_code', '=', laCode)

/**
 * An LA's placements: those it arranged and those of its resident pupils another LA arranged. What its
 * coordinators see, and its LA-wide reports count.
 */
export const laPlacements =
  (laCode: string) =>
  (eb: ExpressionBuilder<DB, 'placement'>): Expression<SqlBool> =>
    eb.or([eb('placement.la_code', '=', laCode), eb('placement.pupil_home_la_code', '=', laCode)])

/**
 * Referrals: the deciding LA's coordinators; the referring school, and the pupil's home school.
 * Providers and analysts see none.
 */
export function referralScope(p: Principal) {
  return (eb: ExpressionBuilder<DB, 'referral'>): Expression<SqlBool> => {
    switch (p.role) {
      case 'coordinator':
        return laReferrals(p.laCode)(eb)
      case 'school':
        return eb.or([
          eb('referral.referring_school_id', '=', p.schoolId!),
          eb(
            'referral.pupil_id',
            'in',
            eb.selectFrom('pupil').select('pupil.id').where('pupil.home_school_id', '=', p.schoolId!)
          )
        ])
      case 'la_admin':
      case 'provider':
      case 'analyst':
      default: // any other role sees no referral
        return never
    }
  }
}

/**
 * Placements (domain.md §9.9): the coordinating LA and the pupil's home LA; the commissioning school and the
 * pupil's home school; the provider it is with. `write` narrows an LA to the placements it arranged.
 */
export function placementScope(p: Principal, access: 'read' | 'write' = 'read') {
  return (eb: ExpressionBuilder<DB, 'placement'>): Expression<SqlBool> => {
    switch (p.role) {
      case 'coordinator':
        // The pupil's home LA follows a placement another LA arranged, but only the arranging LA changes it.
        return access === 'write' ? eb('placement.la_code', '=', p.laCode) : laPlacements(p.laCode)(eb)
      case 'school':
        return eb.or([
          eb('placement.commissioner_school_id', '=', p.schoolId!),
          eb(
            'placement.pupil_id',
            'in',
            eb.selectFrom('pupil').select('pupil.id').where('pupil.home_school_id', '=', p.schoolId!)
          )
        ])
      case 'provider':
        return eb('placement.provider_id', '=', p.providerId!)
      case 'la_admin':
      case 'analyst':
      default: // any other role sees no placement
        return never
    }
  }
}
