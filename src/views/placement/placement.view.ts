import type { Kysely } from 'kysely'
import type { SchoolCalendar } from '../../domain/calendar.js'
import type { DB, PlacementRow, ReferralRow } from '../../db/schema.js'
import { attainmentByPlacement, attainmentRepository } from '../../modules/attainment/index.js'
import { attendanceRepository, type PlacementMarks, summaryFor } from '../../modules/attendance/index.js'
import { outcomesRepository } from '../../modules/outcomes/index.js'
import {
  baselineOf,
  blockersOf,
  type Placement,
  placementClocks,
  placementsRepository,
  type ProviderFacts,
  type PupilFacts,
  toPlacement
} from '../../modules/placements/index.js'
import { type LaPolicyRow, policyFor } from '../../modules/local-authorities/index.js'
import { calendarKey, calendarLoader, pupilsRepository } from '../../modules/pupils/index.js'
import { referralsRepository } from '../../modules/referrals/index.js'
import { reviewsRepository } from '../../modules/reviews/index.js'

/**
 * The placement view: placements with their pupil's calendar and clocks, reviews, outcome, attendance and
 * attainment. A page of rows loads its related rows in batches (a query per kind, not per placement); what
 * the caller's transaction already holds is passed in as `known` and not read again.
 */

export interface Known {
  pupils?: PupilFacts[]
  referrals?: Pick<ReferralRow, 'id' | 'exclusions'>[]
  providers?: (ProviderFacts & { id: string })[]
  calendars?: Map<string, SchoolCalendar>
  policies?: LaPolicyRow[]
  /** The rows were created in this transaction: no review, mark, assessment or outcome can exist yet. */
  fresh?: boolean
}

const unique = (values: (string | null)[]) => [...new Set(values.filter((v): v is string => v !== null))]

const byId = <T extends { id: string }>(known: T[] | undefined, loaded: T[]) =>
  new Map([...(known ?? []), ...loaded].map((r) => [r.id, r]))

export async function placementViews(
  db: Kysely<DB>,
  rows: PlacementRow[],
  today: string,
  known: Known = {}
): Promise<Placement[]> {
  if (rows.length === 0) return []
  const missing = <T extends { id: string }>(have: T[] | undefined, ids: string[]) =>
    ids.filter((id) => !(have ?? []).some((r) => r.id === id))
  const ids = rows.map((r) => r.id)
  const planned = rows.filter((r) => r.status === 'PLANNED')
  const fresh = known.fresh ?? false
  const [pupilRows, referralRows, providerRows, reviewed, outcomes, marks, attainmentRows] = await Promise.all([
    pupilsRepository.factsByIds(db, missing(known.pupils, unique(rows.map((r) => r.pupil_id)))),
    referralsRepository.exclusionsByIds(db, missing(known.referrals, unique(rows.map((r) => r.referral_id)))),
    placementsRepository.providerFacts(db, missing(known.providers, unique(planned.map((r) => r.provider_id)))),
    fresh ? reviewsRepository.summaries(db, []) : reviewsRepository.summaries(db, ids),
    fresh ? new Map() : outcomesRepository.currentOutcomes(db, rows, today),
    attendanceRepository.marksByPlacement(db, fresh ? [] : ids, today),
    attainmentRepository.attainmentRows(db, fresh ? [] : ids)
  ])
  const pupils = byId(known.pupils, pupilRows)
  const referrals = byId(known.referrals, referralRows)
  const providers = byId(known.providers, providerRows)
  // Each pupil's calendar and each referring LA's policy not already held, read at once.
  const calendarOf = calendarLoader(db, known.calendars)
  const policies = new Map((known.policies ?? []).map((p) => [p.la_code, p]))
  const policyLas = unique(rows.filter((r) => r.referral_id !== null).map((r) => r.la_code)).filter(
    (la) => !policies.has(la)
  )
  const [pupilCalendars, policyRows] = await Promise.all([
    Promise.all([...pupils.values()].map(async (pupil) => [calendarKey(pupil), await calendarOf(pupil)] as const)),
    Promise.all(policyLas.map((la) => policyFor(db, la)))
  ])
  const calendars = new Map(pupilCalendars)
  for (const policy of policyRows) policies.set(policy.la_code, policy)
  const attainment = attainmentByPlacement(ids, attainmentRows)
  return rows.map((row) => {
    const pupil = pupils.get(row.pupil_id)!
    const calendar = calendars.get(calendarKey(pupil))!
    const referral = row.referral_id === null ? undefined : referrals.get(row.referral_id)
    const clocks = placementClocks(row, calendar, pupil, referral, policies.get(row.la_code)?.year11_exams_end, today)
    const placementMarks: PlacementMarks = marks.get(row.id) ?? attendanceRepository.noMarks()
    return toPlacement(
      row,
      {
        pupil,
        calendar,
        clocks,
        reviewed: reviewed.get(row.id) ?? { last: null, count: 0 },
        outcome: outcomes.get(row.id) ?? null,
        attendance: summaryFor(placementMarks, baselineOf(row), calendar, row, today),
        attainment: attainment.get(row.id)!,
        blockers: blockersOf(row, providers.get(row.provider_id), clocks, today)
      },
      today
    )
  })
}

export async function placementView(
  db: Kysely<DB>,
  row: PlacementRow,
  today: string,
  known: Known = {}
): Promise<Placement> {
  return (await placementViews(db, [row], today, known))[0]!
}
