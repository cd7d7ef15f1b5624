/**
 * The repository methods whose SQL is snapshotted in test/sql/<repository>.sql (see test/sql/snapshots.ts).
 *
 * To add a repository, add one block to `repositories`: its name (the snapshot's file name) and one case per
 * method, calling the method on the compile-only `db` with fixed parameters. A method that reads what its first
 * query returned before it sends the next gets `rows`; a method whose SQL depends on a parameter (a scope by
 * role, an optional filter) gets one case per `variant` worth reviewing. Then run `npm run sql:write`.
 */
import * as calendarsRepository from '../../src/modules/calendars/calendars.repository.js'
import * as pupilsRepository from '../../src/modules/pupils/pupils.repository.js'
import { type Principal, principalFor } from '../../src/platform/auth/principal.js'
import type { Actor } from '../../src/db/audit.js'
import type { QueryCase, RepositoryQueries } from './snapshots.js'

/** Fixed parameters: snapshots hold only SQL, but fixed values keep every run the same. */
export const LA = '919'
export const SCHOOL_ID = '101'
export const PROVIDER_ID = '201'
export const PUPIL_ID = '301'
export const CALENDAR_ID = '401'
export const REQUEST_ID = '00000000-0000-4000-8000-000000000001'
export const NOW = new Date('2026-09-01T08:00:00Z')

export const principals = {
  la_admin: principalFor({ subject: 'token:1', role: 'la_admin', laCode: LA, tokenId: '1' }),
  coordinator: principalFor({ subject: 'token:2', role: 'coordinator', laCode: LA, tokenId: '2' }),
  school: principalFor({ subject: 'token:3', role: 'school', laCode: LA, schoolId: SCHOOL_ID, tokenId: '3' }),
  provider: principalFor({ subject: 'token:4', role: 'provider', laCode: LA, providerId: PROVIDER_ID, tokenId: '4' }),
  analyst: principalFor({ subject: 'token:5', role: 'analyst', laCode: LA, tokenId: '5' })
} satisfies Record<Principal['role'], Principal>

export const actor = (principal: Principal = principals.coordinator): Actor => ({ principal, requestId: REQUEST_ID })

const HALF_TERMS = [
  { firstDay: '2026-09-02', lastDay: '2026-10-23' },
  { firstDay: '2026-11-02', lastDay: '2026-12-18' }
]
const CLOSURES = [{ date: '2026-09-01', kind: 'INSET', reason: 'Training day' }]
const calendarRow = {
  id: CALENDAR_ID,
  la_code: LA,
  school_id: null,
  academic_year: '2026/27',
  version: 1,
  updated_at: NOW
}

export const repositories: RepositoryQueries[] = [
  {
    name: 'calendars',
    cases: [
      {
        method: 'years',
        variant: 'an LA, every year, none stored',
        run: (db) => calendarsRepository.years(db, { laCode: LA })
      },
      {
        method: 'years',
        variant: 'a school, one year, stored',
        rows: ({ index }) => (index === 0 ? [{ ...calendarRow, la_code: null, school_id: SCHOOL_ID }] : []),
        run: (db) => calendarsRepository.years(db, { schoolId: SCHOOL_ID }, '2026/27')
      },
      {
        method: 'put',
        variant: 'new calendar',
        rows: ({ sql }) => (sql.startsWith('insert into "term_calendar"') ? [{ id: CALENDAR_ID }] : []),
        run: (db) => calendarsRepository.put(db, { laCode: LA }, '2026/27', undefined, HALF_TERMS, CLOSURES)
      },
      {
        method: 'put',
        variant: 'replacing a stored calendar',
        rows: ({ index }) => (index === 0 ? [{ id: CALENDAR_ID, version: 1 }] : []),
        run: (db) => calendarsRepository.put(db, { schoolId: SCHOOL_ID }, '2026/27', 1, HALF_TERMS, CLOSURES)
      },
      {
        method: 'put',
        variant: 'stale version',
        rows: ({ index }) => (index === 0 ? [{ id: CALENDAR_ID, version: 2 }] : []),
        run: (db) => calendarsRepository.put(db, { laCode: LA }, '2026/27', 1, HALF_TERMS, CLOSURES)
      },
      {
        method: 'loadSchoolCalendar',
        run: (db) => calendarsRepository.loadSchoolCalendar(db, { id: SCHOOL_ID, laCode: LA })
      },
      {
        method: 'loadLaCalendar',
        run: (db) => calendarsRepository.loadLaCalendar(db, LA)
      }
    ]
  },
  {
    name: 'pupils',
    cases: [
      // The scope is the part of a pupil query most worth reviewing: one case per role for the audited read.
      ...(['coordinator', 'school', 'provider', 'analyst'] as const).map((role): QueryCase => ({
        method: 'readById',
        variant: role,
        run: (db) => pupilsRepository.readById(db, actor(principals[role]), PUPIL_ID)
      })),
      {
        method: 'findByUpn',
        run: (db) => pupilsRepository.findByUpn(db, principals.coordinator, 'A919000000001')
      },
      {
        method: 'page',
        variant: 'every pupil in scope',
        rows: ({ index }) => (index === 0 ? [{ total: '0' }] : []),
        run: (db) => pupilsRepository.page(db, principals.coordinator, { page: 2, pageSize: 50 })
      },
      {
        method: 'page',
        variant: 'one home school',
        rows: ({ index }) => (index === 0 ? [{ total: '0' }] : []),
        run: (db) =>
          pupilsRepository.page(db, principals.coordinator, { page: 1, pageSize: 50, homeSchoolId: SCHOOL_ID })
      },
      {
        method: 'schoolInScope',
        variant: 'an LA',
        run: (db) => pupilsRepository.schoolInScope(db, principals.coordinator, SCHOOL_ID)
      },
      {
        method: 'schoolInScope',
        variant: 'a school',
        run: (db) => pupilsRepository.schoolInScope(db, principals.school, SCHOOL_ID)
      }
    ]
  }
]
