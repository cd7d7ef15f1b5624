import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import pg from 'pg'
import { loadConfig } from '../platform/config.js'
import { createDb } from '../db/database.js'
import { migrateToLatest } from '../db/migrate.js'

/*
 * `npm run seed:scale [-- --scale 0.1]`: a synthetic England in PostgreSQL for benchmarks. At scale 1: 150 LAs
 * (codes 801–950, sizes skewed like real LAs: the largest has about ten times the median), 20,000 schools,
 * 3,000 providers, 1,000,000 pupils with 1–5 placements each (3,000,000), a review of each started placement,
 * coded outcomes with follow-ups for ended ones, English assessments, and 10 session marks a placement
 * (30,000,000). Everything is generated in the database with generate_series, so it takes minutes, not hours.
 * Needs DATABASE_URL (an empty, throwaway database) and --yes; refuses a database holding any other data.
 */

class UsageError extends Error {}

function scaleArg(argv: string[]): number {
  const i = argv.indexOf('--scale')
  const raw = i >= 0 ? argv[i + 1] : undefined
  if (raw === undefined) return 1
  const n = Number(raw)
  if (!Number.isFinite(n) || n <= 0 || n > 2)
    throw new Error(`--scale must be a number above 0 and at most 2 (got ${raw})`)
  return n
}

/** The statements, in order, for scale `s`; each a label and its SQL. */
export function scaleStatements(s: number): [string, string][] {
  const schools = Math.max(450, Math.round(20_000 * s))
  const providers = Math.max(300, Math.round(3_000 * s))
  const pupils = Math.max(1000, Math.round(1_000_000 * s))
  return [
    [
      'upn function',
      `create or replace function pg_temp.upn(body text) returns text language sql immutable as $$
      select substr('ABCDEFGHJKLMNPQRTUVWXYZ', ((select sum(substr(body, i, 1)::int * (i + 1))
        from generate_series(1, 12) i)::int % 23) + 1, 1) || body $$`
    ],
    // LA k has weight 1 / k^0.8: a long tail of small LAs and a few large ones.
    [
      'local authorities',
      `create temp table la_w as
      select code, k, w / sum(w) over () as share
        from (select (800 + k)::text as code, k, 1 / power(k, 0.8) as w from generate_series(1, 150) k) x`
    ],
    ['', `insert into local_authority (code, name) select code, 'Synthetic LA ' || code from la_w`],
    ['', `insert into la_policy (la_code) select code from la_w`],
    [
      'schools',
      `insert into school (urn, laestab, name, la_code, phase, type)
      select lpad((300000 + row_number() over ())::text, 6, '0'), code || lpad(n::text, 4, '0'),
        'Synthetic school ' || code || '-' || n, code,
        case when n % 5 = 0 then 'PRIMARY' else 'SECONDARY' end, case when n % 3 = 0 then 'COMMUNITY' else 'ACADEMY' end
      from la_w, generate_series(1, greatest(3, round(${schools} * share)::int)) n`
    ],
    [
      'providers',
      `insert into provider (name, la_code, urn, setting_type, registration_status, safeguarding_confirmed_on)
      select 'Synthetic provider ' || code || '-' || n, code,
        case when n % 10 < 6 then lpad((700000 + row_number() over ())::text, 6, '0') end,
        case when n % 10 >= 6 then 'OTH' end,
        case when n % 10 < 3 then 'STATE_FUNDED_AP_SCHOOL' when n % 10 < 6 then 'REGISTERED_INDEPENDENT_SCHOOL'
          else 'UNREGISTERED' end,
        case when n % 10 < 9 then date '2025-09-01' end
      from la_w, generate_series(1, greatest(2, round(${providers} * share)::int)) n`
    ],
    [
      '',
      `insert into provider_tier (provider_id, tier, places) select p.id, t, 100000 from provider p join la_w
        on la_w.code = p.la_code, generate_series(1, 3) t`
    ],
    [
      'indexes of the mix',
      `create temp table school_ix as select row_number() over (order by id) as ix, id, la_code from school join la_w
        on la_w.code = school.la_code`
    ],
    [
      '',
      `create temp table provider_ix as select la_code, row_number() over (partition by la_code order by id) as n,
        count(*) over (partition by la_code) as of, id from provider join la_w on la_w.code = provider.la_code`
    ],
    ['', `create index on school_ix (ix)`],
    ['', `create index on provider_ix (la_code, n)`],
    ['', `analyze school_ix`],
    ['', `analyze provider_ix`],
    // Pupils spread over the schools, so each LA's share follows its number of schools.
    [
      'pupils',
      `insert into pupil (upn, legal_forename, legal_surname, date_of_birth, sex, sen_provision, fsm_eligible,
        looked_after, ethnicity, home_school_id, home_la_code)
      select pg_temp.upn(s.la_code || lpad(g::text, 9, '0')), 'Synthetic', 'Pupil ' || g,
        date '2008-09-01' + (g::bigint * 7919 % 2550)::int,
        (array['F', 'M'])[1 + g % 2], (array['N', 'N', 'N', 'N', 'N', 'N', 'N', 'N', 'K', 'K', 'K', 'E'])[1 + g % 12],
          g % 3 = 0, g % 20 = 0,
        (array['WHIT', 'WHIT', 'WHIT', 'WHIT', 'MIXD', 'ASIA', 'BLAC', 'CHNE', 'AOEG', 'REFU', 'NOBT'])[1 + g % 11],
          s.id, s.la_code
      from generate_series(1, ${pupils}) g join school_ix s
        on s.ix = 1 + (g::bigint * 104729 % (select count(*) from school_ix))`
    ],
    [
      '',
      `create temp table pupil_ix as select id, row_number() over (order by id) as g, home_school_id, home_la_code,
        date_of_birth from pupil join la_w on la_w.code = pupil.home_la_code`
    ],
    // 1–5 placements a pupil, 20 weeks apart, 15 weeks long, Monday starts: tiers 1, 2, 3 in turn.
    [
      'placements',
      `insert into placement (pupil_id, pupil_home_la_code, la_code, tier, provider_id, commissioner_type,
        commissioner_school_id, legal_basis, reason_code,
        start_date, planned_end_date, end_date, status, sessions_at_provider, sessions_at_home_school, registration,
          home_attendance_code, plan, first_review_due_on,
        la_notified_on, next_review_due_on, next_review_rule)
      select p.id, p.home_la_code, p.home_la_code, t.tier, v.id,
        case when t.tier = 3 then 'LA' else 'SCHOOL' end, case when t.tier = 3 then null else p.home_school_id end,
        case when t.tier = 3 then 'LA_S19_OTHER' else 'SCHOOL_COMMISSIONED' end,
          (array['BEH', 'PEX', 'HEALTH', 'SEN', 'OTHER'])[1 + (p.g + k) % 5],
        t.start, t.start + 102, case when t.start + 102 < current_date then t.start + 102 end,
        case when t.start > current_date then 'PLANNED' else 'ACTIVE' end,
        case t.tier when 1 then 0 when 2 then 8 else 10 end, case t.tier when 1 then 10 when 2 then 2 else 0 end,
        'ON_HOME_ROLL', case t.tier when 1 then null when 2 then 'B' else 'K' end,
        jsonb_build_object('objectives', jsonb_build_array(jsonb_build_object('description', 'Attend every session',
          'baseline', '60%', 'target', '90%')),
          'reintegrationPlan', 'Phased return', 'transitionPlan', 'Move on with support', 'intendedPost16Route', null,
            'readinessCriteria', null),
        t.start + 28, case when t.tier < 3 then t.start - 7 end, t.start + 28, 'FIRST_REVIEW'
      from pupil_ix p
      cross join lateral generate_series(0, (p.g % 5)::int) k
      cross join lateral (select 1 + (k % 3) as tier, date '2024-06-03' + 7 * ((p.g % 40)::int + k * 20) as start) t
      join provider_ix v on v.la_code = p.home_la_code and v.n = 1 + (p.g + k) % v.of`
    ],
    [
      'referrals',
      `insert into referral (pupil_id, la_code, referring_school_id, requested_tier, legal_basis, reason_code,
        proposed_objectives, baseline_attendance_pct, status, submitted_on, decision_due_on)
      select pl.pupil_id, pl.la_code, pl.commissioner_school_id, 2, 'SCHOOL_COMMISSIONED', pl.reason_code, '[]',
        40 + (pl.id * 37 % 55), 'ACCEPTED', pl.start_date - 21, pl.start_date - 7
      from placement pl join la_w on la_w.code = pl.la_code where pl.tier = 2`
    ],
    [
      '',
      `update placement pl set referral_id = r.id, baseline_attendance_pct = r.baseline_attendance_pct from referral r
        join la_w on la_w.code = r.la_code
      where r.pupil_id = pl.pupil_id and pl.tier = 2 and r.submitted_on = pl.start_date - 21`
    ],
    [
      'reviews',
      `insert into review (placement_id, held_on, attendees, parent_views, pupil_views, attendance_source, objectives,
        decision, next_review_on, recorded_by)
      select pl.id, pl.start_date + 25,
        '{"school":true,"provider":true,"la":true,"parent":true,"pupil":true,"others":[]}',
        'Content', 'Settled', 'NONE',
        '[{"objective":0,"progress":"PARTLY","evidence":"Register"}]', 'CONTINUE', pl.start_date + 60, 'seed:scale'
      from placement pl join la_w on la_w.code = pl.la_code where pl.start_date + 25 < current_date`
    ],
    // Outcomes for ended placements: mostly returns from Tier 1 and 2, post-16 moves or new schools from Tier 3.
    [
      'outcomes',
      `insert into placement_outcome (placement_id, code, effective_date, receiving_school_id,
        final_review_missing_reason, reasons, destination, september_guarantee, destination_provider_name, recorded_by)
      select pl.id, o.code, pl.end_date + 1, case when o.code like 'RETURNED%' then pl.commissioner_school_id end,
        'Synthetic', 'Synthetic',
        case when o.code = 'POST16_TRANSITION' then (array['FE_COLLEGE', 'FE_COLLEGE', 'SCHOOL_SIXTH_FORM',
          'APPRENTICESHIP_L2', 'NEET_SEEKING', 'NOT_KNOWN'])[1 + pl.id % 6] end,
        case when o.code = 'POST16_TRANSITION' then 'OFFER_MADE' end,
          case when o.code = 'POST16_TRANSITION' then 'Synthetic College' end, 'seed:scale'
      from placement pl join la_w on la_w.code = pl.la_code
      cross join lateral (select case
        when pl.tier = 1 then 'RETURNED_TO_HOME_SCHOOL_FULL_TIME'
        when pl.tier = 2 then (array['RETURNED_TO_HOME_SCHOOL_FULL_TIME', 'RETURNED_TO_HOME_SCHOOL_FULL_TIME',
          'MOVED_TO_NEW_MAINSTREAM', 'PLACEMENT_BROKE_DOWN', 'PERMANENTLY_EXCLUDED'])[1 + pl.id % 5]
        else (array['POST16_TRANSITION', 'MOVED_TO_NEW_MAINSTREAM', 'MOVED_TO_SPECIAL_SCHOOL'])[1 + pl.id % 3] end
          as code) o
      where pl.end_date is not null`
    ],
    [
      '',
      `update placement pl set status = 'ENDED', ended_reason = o.code, outcome_id = o.id, next_review_due_on = null,
        next_review_rule = null
      from placement_outcome o where o.placement_id = pl.id and pl.end_date is not null
        and pl.la_code in (select code from la_w)`
    ],
    [
      'follow-ups',
      `insert into outcome_follow_up (placement_id, checkpoint, opens_on, due_on, status, on_roll, attendance_pct,
        permanently_excluded, suspension_days, new_placement,
        participating, destination, months_in_education, months_in_employment, met, recorded_on,
          recorded_by, recorded_role)
      select o.placement_id, c.checkpoint, c.opens, c.opens + 14, case when c.opens + 7 < current_date then 'RECORDED'
        else 'PENDING' end,
        case when not c.post16 and c.opens + 7 < current_date then o.id % 7 <> 0 end, case when not c.post16
          and c.opens + 7 < current_date then 80 + o.id % 20 end,
        case when not c.post16 and c.opens + 7 < current_date then false end, case when not c.post16
          and c.opens + 7 < current_date then 0 end,
        case when not c.post16 and c.opens + 7 < current_date then false end,
        case when c.post16 and c.opens + 7 < current_date then o.destination not in ('NEET_SEEKING', 'NOT_KNOWN') end,
        case when c.post16 and c.opens + 7 < current_date then o.destination end,
        case when c.checkpoint = 'POST16_MARCH' and c.opens + 7 < current_date then 6 - o.id % 3 end,
        case when c.checkpoint = 'POST16_MARCH' and c.opens + 7 < current_date then 0 end,
        case when c.opens + 7 >= current_date then null
          when c.post16 then o.destination not in ('NEET_SEEKING', 'NOT_KNOWN')
          and (c.checkpoint = 'POST16_OCTOBER' or o.id % 3 = 0)
          else o.id % 7 <> 0 and 80 + o.id % 20 >= 90 end,
        case when c.opens + 7 < current_date then c.opens + 7 end,
          case when c.opens + 7 < current_date then 'seed:scale' end,
          case when c.opens + 7 < current_date then 'coordinator' end
      from placement_outcome o join placement pl on pl.id = o.placement_id join la_w on la_w.code = pl.la_code
      cross join lateral (values ('SIX_SCHOOL_WEEKS', o.effective_date + 42, false),
        ('ONE_TERM', o.effective_date + 100, false), ('TWO_TERMS', o.effective_date + 200, false),
        ('POST16_OCTOBER', make_date(extract(year from o.effective_date)::int, 10, 1), true),
          ('POST16_MARCH', make_date(extract(year from o.effective_date)::int + 1, 3, 1), true)) c (checkpoint,
          opens, post16)
      where (c.post16 and o.code = 'POST16_TRANSITION')
        or (not c.post16 and o.code in ('RETURNED_TO_HOME_SCHOOL_FULL_TIME', 'MOVED_TO_NEW_MAINSTREAM',
        'MOVED_TO_SPECIAL_SCHOOL'))`
    ],
    [
      'assessments',
      `insert into assessment (placement_id, subject, stage, assessed_on, scale, scale_min, scale_max,
        score, recorded_by)
      select pl.id, 'ENGLISH', s.stage, s.on_date, 'STANDARDISED_SCORE', 55, 145, s.score, 'seed:scale'
      from placement pl join la_w on la_w.code = pl.la_code
      cross join lateral (values ('BASELINE', pl.start_date, 80 + pl.id % 20), ('EXIT', pl.end_date, 78 + pl.id % 27)) s
        (stage, on_date, score)
      where pl.tier = 2 and pl.end_date is not null`
    ],
    // Ten marks a started placement: the first week, AM and PM, mostly present.
    [
      'attendance marks',
      `insert into attendance_mark (placement_id, on_date, session, code, reason, recorded_by)
      select pl.id, pl.start_date + d, s, (array['PRESENT', 'PRESENT', 'PRESENT', 'PRESENT', 'PRESENT', 'PRESENT',
        'LATE', 'ABSENT_AUTH', 'ABSENT_UNAUTH', 'PRESENT', 'PRESENT'])[1 + (pl.id + d * 2 + (s = 'PM')::int) % 11],
        case when (pl.id + d * 2 + (s = 'PM')::int) % 11 = 7 then 'Illness' end, 'seed:scale'
      from placement pl join la_w on la_w.code = pl.la_code
      cross join generate_series(0, 4) d cross join (values ('AM'), ('PM')) v (s)
      where pl.start_date + 4 < current_date`
    ],
    ['analyze', `analyze`]
  ]
}

export const USAGE = `Usage: npm run seed:scale -- --yes [--scale 0.1]

Builds a synthetic England for benchmarks in the PostgreSQL database DATABASE_URL (never PGlite): 150 LAs
(codes 801-950), 20,000 schools, 3,000 providers, 1,000,000 pupils, 3,000,000 placements and 30,000,000
session marks at scale 1 (about 28 minutes and 12 GB; scale 0.01 takes seconds). --scale is above 0, at most 2.

It only runs on an empty database (no local authorities, no tables of another application): it refuses one
that holds any other data, including a previous run's. Without --yes it says what it would do and exits 2.`

/** Why the database must not receive the synthetic data, or undefined when it is empty. */
export async function refusalReason(client: pg.Client): Promise<string | undefined> {
  const tables = await client.query<{ name: string }>(`select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like 'kysely_migration%'`)
  const names = new Set(tables.rows.map((r) => r.name))
  if (!names.has('local_authority')) {
    return names.size > 0
      ? `it holds ${names.size} table(s) of something else (${[...names].slice(0, 5).join(', ')})` +
          `; use an empty database`
      : undefined
  }
  const las = await client.query<{ synthetic: string; other: string; example: string | null }>(`select
      count(*) filter (where code between '801' and '950' and name like 'Synthetic LA %') as synthetic,
      count(*) filter (where not (code between '801' and '950' and name like 'Synthetic LA %')) as other,
      min(code || ' ' || name) filter (where not (code between '801' and '950' and name like 'Synthetic LA %'))
        as example
    from local_authority`)
  const { synthetic, other, example } = las.rows[0]!
  if (Number(other) > 0)
    return (
      `it holds real or demo data: ${other} ` +
      `local authorit${Number(other) === 1 ? 'y' : 'ies'} ` +
      `of its own (e.g. ${example});` +
      ` seed:scale never writes into such a database`
    )
  if (Number(synthetic) > 0)
    return 'it already holds the synthetic LAs 801-950 of an earlier seed:scale run; use a fresh database'
  const rows = await client.query<{ n: string }>(
    `select (select count(*) from pupil) + (select count(*) from api_token) + (select count(*) from audit_event) as n`
  )
  if (Number(rows.rows[0]!.n) > 0)
    return `it holds ${rows.rows[0]!.n} pupil, token or audit row(s); use an empty database`
  return undefined
}

const describe = (url: string) => {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return 'DATABASE_URL'
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE)
    return
  }
  const unknown = args.filter((a, i) => a !== '--yes' && a !== '--scale' && args[i - 1] !== '--scale')
  if (unknown.length > 0) throw new UsageError(`unknown argument(s) ${unknown.join(' ')}`)
  const scale = scaleArg(args)
  const config = loadConfig()
  if (!config.DATABASE_URL)
    throw new Error(
      'seed:scale needs DATABASE_URL: it builds a national-scale data set in PostgreSQL (use a throwaway database)'
    )
  const target = describe(config.DATABASE_URL)
  const probe = new pg.Client({ connectionString: config.DATABASE_URL })
  await probe.connect()
  try {
    const reason = await refusalReason(probe)
    if (reason) throw new Error(`refusing ${target}: ${reason}`)
  } finally {
    await probe.end()
  }
  if (!args.includes('--yes')) {
    console.log(
      `seed:scale would migrate ${target} and fill it with a synthetic England at scale ${scale} ` +
        `(${Math.round(1_000_000 * scale).toLocaleString('en-GB')} pupils, ` +
        `about ${Math.round(3_000_000 * scale).toLocaleString('en-GB')} placements).`
    )
    console.log('Nothing was written. Run it again with --yes to go ahead.')
    process.exitCode = 2
    return
  }
  const db = createDb({ databaseUrl: config.DATABASE_URL, poolMax: 1 })
  await migrateToLatest(db)
  await db.destroy()
  const client = new pg.Client({ connectionString: config.DATABASE_URL })
  await client.connect()
  try {
    const reason = await refusalReason(client)
    if (reason) throw new Error(`refusing ${target}: ${reason}`)
    console.log(`seed:scale at scale ${scale}`)
    const started = performance.now()
    await client.query('begin')
    for (const [label, statement] of scaleStatements(scale)) {
      const t = performance.now()
      const result = await client.query(statement)
      console.log(
        `  ${label.padEnd(20)} ${String(result.rowCount ?? '').padStart(10)}` +
          ` rows  ${((performance.now() - t) / 1000).toFixed(1)} s`
      )
    }
    await client.query('commit')
    const counts = await client.query(`select (select count(*) from local_authority) as las,
        (select count(*) from school) as schools, (select count(*) from provider) as providers,
      (select count(*) from pupil) as pupils, (select count(*) from placement) as placements,
        (select count(*) from attendance_mark) as marks`)
    console.log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s:`, counts.rows[0])
  } catch (err) {
    await client.query('rollback').catch(() => {})
    throw err
  } finally {
    await client.end()
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(`seed:scale failed: ${(err as Error).message}`)
    if (err instanceof UsageError) console.error(USAGE)
    process.exitCode = err instanceof UsageError ? 2 : 1
  })
}
