import type { Kysely } from 'kysely'
import { DateTime } from 'luxon'
import type { Principal } from '../../platform/auth/principal.js'
import { offSiteNoticeClocks, sixthDayClocks } from '../../domain/clocks.js'
import type { DB } from '../../db/schema.js'
import { type Actor, writeAudit } from '../../db/audit.js'
import { loadLaCalendar } from '../../modules/calendars/index.js'
import { policyFor } from '../../modules/local-authorities/index.js'
import { calendarLoader } from '../../modules/pupils/index.js'
import * as repo from './worklist.repository.js'
import { WORK_KINDS, type WorkItem, type WorkKind, type WorklistQuery } from './worklist.schemas.js'

type Pupilish = { home_school_id: string | null; home_la_code: string }
type Candidate = Omit<WorkItem, 'overdueSchoolDays'> & Pupilish

const KIND_RANK = (kind: string) => WORK_KINDS.indexOf(kind as WorkKind)
/** Ids as the SQL orders them: numerically (bigint strings, no leading zeros), nulls last. */
const byId = (x: string | null, y: string | null) =>
  x === y ? 0 : x === null ? 1 : y === null ? -1 : x.length - y.length || (x < y ? -1 : 1)
/** The SQL's order (due date, kind, placement id, referral id), so the rows it pages agree with the merge. */
const byUrgency = (a: Candidate, b: Candidate) =>
  a.dueDate.localeCompare(b.dueDate) ||
  KIND_RANK(a.kind) - KIND_RANK(b.kind) ||
  byId(a.placementId, b.placementId) ||
  byId(a.referralId, b.referralId)

/**
 * Everything due or overdue in the caller's scope, most urgent first (earliest due date, then kind), one page.
 * Reviews, planned ends, review requests and referral decisions come from one SQL query ordered and paged in
 * the database; "within N school days" and the 2- and 4-week bands are counted on the LA's calendar. Statutory
 * clocks are computed on each pupil's school calendar and merged in. Overdue school days are counted on each
 * pupil's school calendar for the items returned.
 */
export async function worklist(
  db: Kysely<DB>,
  p: Principal,
  q: WorklistQuery,
  today: string
): Promise<{ results: WorkItem[]; total: number; countsByKind: Partial<Record<WorkKind, number>> }> {
  const la = await loadLaCalendar(db, p.laCode)
  const reviewHorizon = la.addSchoolDays(today, q.withinSchoolDays)
  const end2 = la.addSchoolDays(today, 10)
  const end4 = la.addSchoolDays(today, 20)
  const want = (kind: WorkKind) => q.kind === undefined || q.kind === kind
  const wantAny = (...kinds: WorkKind[]) => kinds.some(want)

  const candidates: Candidate[] = []
  let sqlTotal = 0
  const countsByKind: Partial<Record<WorkKind, number>> = {}
  const limit = q.page * q.pageSize
  {
    const { rows, total, byKind } = await repo.queue(db, p, q, today, { reviewHorizon, end2, end4 }, limit)
    sqlTotal = total
    Object.assign(countsByKind, byKind)
    for (const r of rows) {
      const detail =
        r.kind === 'UNEXPLAINED_ABSENCE'
          ? `Unexplained absence at the provider today (${r.note ?? ''})`
          : r.kind.startsWith('FOLLOW_UP_')
            ? `Outcome follow-up ${r.note ?? ''} ${r.kind === 'FOLLOW_UP_OVERDUE' ? 'overdue' : 'due'}`
            : r.kind === 'REVIEW_REQUEST'
              ? `Review requested by the ${r.note === 'LA' ? 'LA' : 'parent'}`
              : r.kind.startsWith('REVIEW_')
                ? `Review ${r.kind === 'REVIEW_OVERDUE' ? 'overdue' : 'due'} (${r.note ?? 'schedule'})`
                : r.kind === 'PLANNED_END_PASSED'
                  ? 'Planned end passed without an outcome'
                  : r.kind === 'PLANNED_END_2_WEEKS'
                    ? 'Planned end within 2 school weeks'
                    : r.kind === 'PLANNED_END_4_WEEKS'
                      ? 'Planned end within 4 school weeks'
                      : 'Referral decision past the LA deadline'
      candidates.push({
        kind: r.kind as WorkKind,
        dueDate: r.due,
        placementId: r.placement_id,
        referralId: r.referral_id,
        pupilId: r.pupil_id,
        schoolId: r.commissioner_school_id ?? r.home_school_id,
        providerId: r.provider_id,
        tier: r.tier,
        detail,
        home_school_id: r.home_school_id,
        home_la_code: r.home_la_code
      })
    }
  }

  const calendarOf = calendarLoader(db)
  const clocks = wantAny('CLOCK_PENDING', 'CLOCK_BREACHED')
    ? await clockItems(db, p, q, today, calendarOf, repo.referralsInScope(p, q))
    : []
  const wanted = clocks.filter((c) => want(c.kind))
  for (const c of wanted) countsByKind[c.kind] = (countsByKind[c.kind] ?? 0) + 1
  const page = [...candidates, ...wanted].sort(byUrgency).slice((q.page - 1) * q.pageSize, limit)
  const results: WorkItem[] = []
  for (const { home_school_id: _s, home_la_code: _l, ...item } of page) {
    const overdue =
      item.dueDate < today
        ? (await calendarOf({ home_school_id: _s, home_la_code: _l })).countSchoolDays(
            DateTime.fromISO(item.dueDate).plus({ days: 1 }).toISODate()!,
            today
          )
        : 0
    results.push({ ...item, overdueSchoolDays: overdue })
  }
  return { results, total: sqlTotal + wanted.length, countsByKind }
}

/**
 * The statutory clocks pending or breached in a scope (the caller's, or one LA's whole), each on its pupil's
 * school calendar: off-site direction notices of planned placements, and sixth-day provision for referrals with
 * exclusions (when `withReferrals`).
 */
async function clockItems(
  db: Kysely<DB>,
  p: repo.ClockScope,
  q: Pick<WorklistQuery, 'kind' | 'schoolId' | 'providerId' | 'tier'>,
  today: string,
  calendarOf: ReturnType<typeof calendarLoader>,
  withReferrals: boolean
): Promise<Candidate[]> {
  const clocks: Candidate[] = []
  const offSite = await repo.offSiteNoticePlacements(db, p, q)
  for (const pl of offSite) {
    for (const c of offSiteNoticeClocks(
      await calendarOf(pl),
      {
        startDate: pl.start_date,
        parentNoticeOn: pl.parent_notice_given_on,
        laNoticeOn: pl.la_notice_given_on,
        hasEhcp: pl.sen_provision === 'E'
      },
      today
    )) {
      if (c.status === 'breached' || c.status === 'pending')
        clocks.push({
          kind: c.status === 'breached' ? 'CLOCK_BREACHED' : 'CLOCK_PENDING',
          dueDate: c.deadline,
          placementId: pl.placement_id,
          referralId: null,
          pupilId: pl.pupil_id,
          schoolId: pl.commissioner_school_id ?? pl.home_school_id,
          providerId: pl.provider_id,
          tier: pl.tier,
          detail: c.rule,
          home_school_id: pl.home_school_id,
          home_la_code: pl.home_la_code
        })
    }
  }
  if (withReferrals) {
    const referrals = await repo.referralsWithExclusions(db, p, q)
    const ids = referrals.map((r) => r.id)
    // Each deciding LA's end of Year 11 examinations, for the sixth-day exemption, read with the starts.
    const [starts, policies] = await Promise.all([
      repo.fullTimeStarts(db, ids),
      Promise.all([...new Set(referrals.map((r) => r.la_code))].map((la) => policyFor(db, la)))
    ])
    const examsEnd = new Map(policies.map((policy) => [policy.la_code, policy.year11_exams_end]))
    for (const r of referrals) {
      const start = starts.find((s) => s.referral_id === r.id)?.start_date ?? null
      const year11 = {
        dateOfBirth: r.date_of_birth,
        ncYearOverride: r.nc_year_override,
        examsEnd: examsEnd.get(r.la_code) ?? null,
        today
      }
      for (const c of sixthDayClocks(await calendarOf(r), r.exclusions, start, today, year11)) {
        if (c.status === 'breached' || c.status === 'pending')
          clocks.push({
            kind: c.status === 'breached' ? 'CLOCK_BREACHED' : 'CLOCK_PENDING',
            dueDate: c.deadline,
            placementId: null,
            referralId: r.id,
            pupilId: r.pupil_id,
            schoolId: r.referring_school_id ?? r.home_school_id,
            providerId: null,
            tier: r.requested_tier,
            detail: c.rule,
            home_school_id: r.home_school_id,
            home_la_code: r.home_la_code
          })
      }
    }
  }
  return clocks
}

/**
 * The statutory clocks breached across one LA's records (its placements and referrals, whoever can see them),
 * most urgent first: the compliance report's sixth-day and off-site notice checks.
 */
export async function laClockBreaches(db: Kysely<DB>, laCode: string, today: string) {
  const clocks = await clockItems(db, { la: laCode }, {}, today, calendarLoader(db), true)
  return clocks
    .filter((c) => c.kind === 'CLOCK_BREACHED')
    .sort(byUrgency)
    .map(({ home_school_id: _s, home_la_code: _l, ...item }) => item)
}

/** The caller's worklist page in one transaction, with a list audit row for each pupil on it. */
export async function auditedWorklist(db: Kysely<DB>, actor: Actor, q: WorklistQuery, today: string) {
  return db.transaction().execute(async (trx) => {
    const page = await worklist(trx, actor.principal, q, today)
    const las = await repo.pupilLaCodes(trx, [...new Set(page.results.map((i) => i.pupilId))])
    await writeAudit(
      trx,
      actor,
      las.map((l) => ({ action: 'list' as const, entity: 'worklist', pupilId: l.id, pupilLaCode: l.home_la_code }))
    )
    return page
  })
}
