import { performance } from 'node:perf_hooks'
import { DateTime } from 'luxon'
import type { Kysely } from 'kysely'
import pg from 'pg'
import type { DB } from '../src/db/schema.js'
import { issueToken } from '../src/modules/tokens/tokens.service.js'

/**
 * Reports at scale, on data from `npm run seed:scale`: for the largest synthetic LA, the outcomes report, the
 * compliance report and the census CSV export through the API, each against hand-written SQL giving the same
 * figures (or rows) on its own connection; and the outcomes report of every LA in turn ("all England"). Prints
 * the median of `runs` timed calls after one warm-up, and the data size, so runs at two scales show the growth.
 */

const REINTEGRATION = `('RETURNED_TO_HOME_SCHOOL_FULL_TIME', 'RETURNED_TO_HOME_SCHOOL_PHASED',
  'MOVED_TO_NEW_MAINSTREAM', 'MOVED_TO_SPECIAL_SCHOOL')`

/** The outcomes report's totals in one statement: the hand-written baseline. */
export const OUTCOMES_SQL = `
  with p as (
    select pl.id, pl.tier, r.baseline_attendance_pct as baseline, o.code, o.effective_date, o.destination
    from placement pl left join referral r on r.id = pl.referral_id left join placement_outcome o
      on o.id = pl.outcome_id
    where pl.la_code = $1 and pl.status <> 'CANCELLED' and pl.start_date <= $3
      and (pl.end_date is null or pl.end_date >= $2)
  ), f as (
    select placement_id, bool_or(met) filter (where checkpoint = 'ONE_TERM') as one,
      bool_or(met) filter (where checkpoint = 'TWO_TERMS') as two,
      bool_or(met) filter (where checkpoint = 'POST16_MARCH') as march
    from outcome_follow_up where status = 'RECORDED' and placement_id in (select id from p) group by placement_id
  ), m as (
    select placement_id, 100.0 * count(*) filter (where code in ('PRESENT', 'LATE'))
      / nullif(count(*) filter (where code <> 'NOT_SCHEDULED'), 0) as pct
    from attendance_mark where placement_id in (select id from p) and on_date between $2 and $3 group by placement_id
  ), a as (
    select placement_id, subject, (array_agg(score order by assessed_on desc, id desc))[1]
      - (array_agg(score order by (stage = 'BASELINE') desc, assessed_on, id))[1] as change
    from assessment where placement_id in (select id from p) group by placement_id, subject having count(*) > 1
      and max(assessed_on) between $2 and $3
  ), q as (
    select subject, count(*) as d, count(*) filter (where grade in ('4', '5', '6', '7', '8', '9')) as n
    from qualification_result where qualification = 'GCSE' and awarded_on between $2 and $3
      and placement_id in (select id from p) group by subject
  )
  select
    count(*) filter (where p.tier = 1 and p.effective_date between $2 and $3 and p.code in ${REINTEGRATION}
      and f.one is not null) as outreach1_d,
    count(*) filter (where p.tier = 1 and p.effective_date between $2 and $3 and p.code in ${REINTEGRATION} and f.one)
      as outreach1_n,
    count(*) filter (where p.tier = 1 and p.effective_date between $2 and $3 and p.code in ${REINTEGRATION}
      and f.two is not null) as outreach2_d,
    count(*) filter (where p.tier = 1 and p.effective_date between $2 and $3 and p.code in ${REINTEGRATION} and f.two)
      as outreach2_n,
    count(*) filter (where p.tier >= 2 and p.baseline is not null and m.pct is not null) as attendance_d,
    count(*) filter (where p.tier >= 2 and p.baseline is not null and m.pct > p.baseline) as attendance_n,
    count(*) filter (where p.tier >= 2 and p.baseline < 90 and m.pct is not null) as left_pa_d,
    count(*) filter (where p.tier >= 2 and p.baseline < 90 and m.pct >= 90) as left_pa_n,
    count(*) filter (where p.tier = 2 and p.effective_date between $2 and $3) as reintegrated_d,
    count(*) filter (where p.tier = 2 and p.effective_date between $2 and $3 and p.code in ${REINTEGRATION})
      as reintegrated_n,
    count(*) filter (where p.tier = 2 and p.effective_date between $2 and $3 and p.code in ${REINTEGRATION}
      and f.two is not null) as sustained_d,
    count(*) filter (where p.tier = 2 and p.effective_date between $2 and $3 and p.code in ${REINTEGRATION} and f.two)
      as sustained_n,
    (select count(*) from a where subject = 'ENGLISH') as english_d,
      (select count(*) from a where subject = 'ENGLISH' and change > 0) as english_n,
    (select count(*) from a where subject = 'MATHS') as maths_d,
      (select count(*) from a where subject = 'MATHS' and change > 0) as maths_n,
    (select coalesce(sum(d), 0) from q where subject = 'ENGLISH') as english4_d,
      (select coalesce(sum(n), 0) from q where subject = 'ENGLISH') as english4_n,
    count(*) filter (where p.code = 'POST16_TRANSITION' and p.effective_date between $2 and $3
      and p.destination is not null) as post16_d,
    count(*) filter (where p.code = 'POST16_TRANSITION' and p.effective_date between $2 and $3
      and p.destination not in ('NEET_SEEKING', 'NEET_NOT_AVAILABLE', 'NOT_KNOWN', 'MOVED_AWAY')) as post16_n,
    count(*) filter (where p.code = 'POST16_TRANSITION' and p.effective_date between $2 and $3 and f.march is not null)
      as post16_sustained_d,
    count(*) filter (where p.code = 'POST16_TRANSITION' and p.effective_date between $2 and $3 and f.march)
      as post16_sustained_n
  from p left join f on f.placement_id = p.id left join m on m.placement_id = p.id`

/** The compliance report's counts in one statement (clocks aside): the hand-written baseline. */
export const COMPLIANCE_SQL = `
  select
    (select count(*) from placement where la_code = $1 and status = 'ACTIVE' and next_review_due_on < $2)
      as review_overdue,
    (select count(*) from placement where la_code = $1 and status in ('PLANNED', 'ACTIVE', 'PAUSED')
      and (jsonb_array_length(plan->'objectives') = 0
      or (tier = 2 and plan->>'reintegrationPlan' is null)
        or (tier = 3 and plan->>'transitionPlan' is null))) as no_plan,
    (select count(*) from placement pl left join referral r on r.id = pl.referral_id where pl.la_code = $1
      and pl.status in ('PLANNED', 'ACTIVE', 'PAUSED') and pl.tier >= 2
      and r.baseline_attendance_pct is null) as no_baseline,
    (select count(*) from placement where la_code = $1 and status in ('PLANNED', 'ACTIVE', 'PAUSED')
      and sessions_at_provider + sessions_at_home_school < 10) as part_time,
    (select count(*) from placement where la_code = $1 and status <> 'CANCELLED' and commissioner_type = 'SCHOOL'
      and la_notified_on is null) as not_notified,
    (select count(*) from placement where la_code = $1 and status in ('ACTIVE', 'PAUSED') and planned_end_date < $2)
      as outcome_missing,
    (select count(*) from placement pl join outcome_follow_up f on f.placement_id = pl.id where pl.la_code = $1
      and f.status = 'PENDING' and f.due_on < $2) as follow_up_overdue,
    (select count(*) from provider where la_code = $1 and registration_status = 'UNREGISTERED'
      and safeguarding_confirmed_on is null) as safeguarding`

/** The census export's rows: the hand-written baseline. */
export const CENSUS_SQL = `
  select pu.upn, pu.uln, pr.urn, pr.ukprn, pr.setting_type, pl.reason_code, pl.start_date, pl.end_date,
    pl.sessions_at_provider, pl.commissioner_type,
    pl.sessions_at_provider + pl.sessions_at_home_school as sessions, hs.urn as home_urn
  from placement pl join pupil pu on pu.id = pl.pupil_id join provider pr on pr.id = pl.provider_id left join school hs
    on hs.id = pu.home_school_id
  where pl.la_code = $1 and pl.status <> 'CANCELLED' and pl.start_date <= $3
    and (pl.end_date is null or pl.end_date >= $2) order by pl.id`

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

async function timed(runs: number, call: () => Promise<unknown>): Promise<number> {
  await call()
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    await call()
    times.push(performance.now() - t)
  }
  return median(times)
}

export interface ReportsResult {
  laCode: string
  laPlacements: number
  placements: number
  marks: number
  rows: { name: string; apiMs: number; sqlMs: number }[]
  englandMs: number
  las: number
}

export async function benchReports(opts: {
  db: Kysely<DB>
  apiBase: string
  databaseUrl: string
  runs: number
}): Promise<ReportsResult | undefined> {
  const { db } = opts
  const largest = await db
    .selectFrom('placement')
    .select((eb) => ['la_code', eb.fn.countAll<string>().as('n')])
    .where('la_code', '>=', '801')
    .where('la_code', '<=', '950')
    .groupBy('la_code')
    .orderBy('n', 'desc')
    .limit(1)
    .executeTakeFirst()
  if (!largest) return undefined
  const laCode = largest.la_code
  const expires = DateTime.utc().plus({ hours: 2 }).toJSDate()
  const token = async (role: 'la_admin' | 'coordinator', la: string) =>
    (
      await issueToken(db, {
        role,
        laCode: la,
        label: 'npm run bench (reports)',
        createdBy: 'bench',
        expiresAt: expires
      })
    ).token
  const admin = await token('la_admin', laCode)
  const coordinator = await token('coordinator', laCode)
  const api = (path: string, t: string) => async () => {
    const res = await fetch(opts.apiBase + path, { headers: { authorization: `Bearer ${t}` } })
    const body = await res.text()
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${body.slice(0, 200)}`)
    return body
  }
  const client = new pg.Client({ connectionString: opts.databaseUrl })
  await client.connect()
  const from = '2025-09-01'
  const to = '2026-08-31'
  const today = DateTime.now().setZone('Europe/London').toISODate()!
  try {
    const rows = [
      {
        name: 'outcomes report (one LA)',
        apiMs: await timed(
          opts.runs,
          api(`/v1/local-authorities/${laCode}/reports/outcomes?academicYear=2025-26&view=internal`, admin)
        ),
        sqlMs: await timed(opts.runs, () => client.query(OUTCOMES_SQL, [laCode, from, to]))
      },
      {
        name: 'outcomes report, by tier',
        apiMs: await timed(
          opts.runs,
          api(`/v1/local-authorities/${laCode}/reports/outcomes?academicYear=2025-26&groupBy=tier`, admin)
        ),
        sqlMs: NaN
      },
      {
        name: 'compliance report',
        apiMs: await timed(opts.runs, api(`/v1/local-authorities/${laCode}/reports/compliance`, admin)),
        sqlMs: await timed(opts.runs, () => client.query(COMPLIANCE_SQL, [laCode, today]))
      },
      {
        name: 'census CSV export',
        apiMs: await timed(
          Math.max(1, Math.round(opts.runs / 3)),
          api(`/v1/local-authorities/${laCode}/exports/census?academicYear=2025-26`, coordinator)
        ),
        sqlMs: await timed(Math.max(1, Math.round(opts.runs / 3)), () => client.query(CENSUS_SQL, [laCode, from, to]))
      }
    ]
    // All England: each LA's outcomes report in turn, as a national collection would ask for them.
    const las = (
      await client.query<{ code: string }>(
        `select code from local_authority where code between '801' and '950' order by code`
      )
    ).rows.map((r) => r.code)
    const started = performance.now()
    for (const la of las)
      await api(`/v1/local-authorities/${la}/reports/outcomes?academicYear=2025-26`, await token('la_admin', la))()
    const englandMs = performance.now() - started
    const counts = (
      await client.query<{ placements: string; marks: string; la: string }>(
        `select (select count(*) from placement) as placements, (select count(*) from attendance_mark) as marks,
          (select count(*) from placement where la_code = $1) as la`,
        [laCode]
      )
    ).rows[0]!
    return {
      laCode,
      laPlacements: Number(counts.la),
      placements: Number(counts.placements),
      marks: Number(counts.marks),
      rows,
      englandMs,
      las: las.length
    }
  } finally {
    await client.end()
  }
}
