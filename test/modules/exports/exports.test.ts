import { DateTime } from 'luxon'
import t from 'tap'
import { problem } from '../../fixtures/problem.js'
import { bearer, buildTestApp, insertPupil, makeWorld, type Org, upnFor } from '../../helper.js'
import type { Kysely } from 'kysely'
import type { DB } from '../../../src/db/schema.js'

const objective = { description: 'Attend every session', baseline: '60%', target: '90%' }

async function placement(
  db: Kysely<DB>,
  org: Org,
  serial: number,
  extra: Record<string, unknown> = {},
  pupil: Partial<DB['pupil']> = {}
) {
  const p = await insertPupil(db, org, serial, pupil)
  return db
    .insertInto('placement')
    .values({
      pupil_id: p.id,
      pupil_home_la_code: org.laCode,
      la_code: org.laCode,
      tier: 2,
      provider_id: org.providerId,
      commissioner_type: 'SCHOOL',
      commissioner_school_id: org.schoolId,
      legal_basis: 'SCHOOL_COMMISSIONED',
      reason_code: 'BEH',
      start_date: '2025-11-03',
      planned_end_date: '2026-02-13',
      status: 'ACTIVE',
      sessions_at_provider: 8,
      sessions_at_home_school: 2,
      registration: 'DUAL_REGISTERED',
      home_attendance_code: 'D',
      first_review_due_on: '2025-12-01',
      la_notified_on: '2025-10-20',
      plan: JSON.stringify({
        objectives: [objective],
        reintegrationPlan: 'Return',
        transitionPlan: null,
        intendedPost16Route: null,
        readinessCriteria: null
      }),
      ...(extra as object)
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

t.test('exports: CSV for spreadsheets, JSON, census helper, scope and audit', async (t) => {
  const now = DateTime.fromISO('2026-11-23T10:00:00', { zone: 'Europe/London' })
  const { app, db } = await buildTestApp(t, { clock: () => now })
  const world = await makeWorld(db)
  const coordinator = bearer(world.own.tokens.coordinator)
  const first = await placement(db, world.own, 1, {}, { uln: '1234567890' })
  const part = await placement(db, world.own, 2, {
    sessions_at_provider: 4,
    sessions_at_home_school: 2,
    part_time_plan_end_date: '2026-01-30',
    part_time_plan_details: 'Build up'
  })
  await placement(db, world.own, 3, { start_date: '2024-11-04', planned_end_date: '2025-02-14', status: 'CANCELLED' })
  await placement(db, world.other, 4)
  // A provider name that a spreadsheet would run as a formula.
  await db.updateTable('provider').set({ name: '=HYPERLINK("x")' }).where('id', '=', world.own.providerId).execute()

  const csv = await app.inject({
    method: 'GET',
    url: `/v1/local-authorities/${world.own.laCode}/exports/placements?academicYear=2025-26`,
    headers: coordinator
  })
  t.equal(csv.statusCode, 200, csv.body.slice(0, 200))
  t.match(String(csv.headers['content-type']), /^text\/csv; charset=utf-8/)
  t.match(String(csv.headers['content-disposition']), /attachment; filename="919-placements-2025-26.csv"/)
  t.equal(csv.rawPayload.subarray(0, 3).toString('hex'), 'efbbbf', 'UTF-8 byte-order mark for Excel')
  const lines = csv.body.replace(/^\uFEFF/, '').split('\r\n')
  t.equal(lines.at(-1), '', 'CRLF line ends, ending in one')
  t.match(lines[0], /^placementId,pupilId,upn,tier,status,/, 'header row')
  t.equal(
    lines.length - 2,
    2,
    "two placements of this LA in the year (the cancelled one and the other LA's are not exported)"
  )
  t.ok(
    lines.slice(1).every((l) => l === '' || l.includes(`"'=HYPERLINK(""x"")"`)),
    'a formula-like cell is prefixed with an apostrophe and quoted'
  )

  const json = await app.inject({
    method: 'GET',
    url: `/v1/local-authorities/${world.own.laCode}/exports/census?format=json&academicYear=2025-26`,
    headers: coordinator
  })
  t.equal(json.statusCode, 200)
  const rows = json.json().results as Record<string, unknown>[]
  t.equal(rows.length, 2)
  const full = rows.find((r) => r.attendancePattern === 'FULL_TIME')!
  t.match(full, {
    upnValid: true,
    ulnValid: false,
    providerUkprn: null,
    settingType: null,
    reasonCode: 'BEH',
    entryDate: '2025-11-03',
    leavingDate: null,
    sessionsPerWeek: 8,
    association: 'SCHOOL_ARRANGED'
  })
  t.match(full.providerUrn, /^[0-9]{6}$/, 'the provider identified by its URN, the one identifier given')
  t.ok(
    rows.some((r) => r.attendancePattern === 'PART_TIME' && r.sessionsPerWeek === 4),
    'the part-time placement'
  )
  const audit = await db
    .selectFrom('audit_event')
    .select(['entity', 'entity_id', 'action'])
    .where('entity', '=', 'export_census')
    .execute()
  t.same(audit.map((a) => a.entity_id).sort(), [first.id, part.id].sort(), 'each exported row audited')
  t.ok(audit.every((a) => a.action === 'export'))

  const outcomes = await app.inject({
    method: 'GET',
    url: `/v1/local-authorities/${world.own.laCode}/exports/outcomes?format=json`,
    headers: coordinator
  })
  t.same(outcomes.json().results, [], 'no outcomes recorded yet')

  problem(
    t,
    await app.inject({
      method: 'GET',
      url: `/v1/local-authorities/${world.other.laCode}/exports/placements`,
      headers: coordinator
    }),
    404
  )
  problem(
    t,
    await app.inject({
      method: 'GET',
      url: `/v1/local-authorities/${world.own.laCode}/exports/placements?academicYear=2027-28`,
      headers: coordinator
    }),
    400,
    '/querystring/academicYear',
    'future_year'
  )
  problem(
    t,
    await app.inject({
      method: 'GET',
      url: `/v1/local-authorities/${world.own.laCode}/exports/placements?academicYear=2025-27`,
      headers: coordinator
    }),
    400,
    '/querystring/academicYear',
    'academic_year_format'
  )
  problem(
    t,
    await app.inject({
      method: 'GET',
      url: `/v1/local-authorities/${world.own.laCode}/exports/pupils`,
      headers: coordinator
    }),
    400,
    '/params/kind'
  )
  for (const role of ['school', 'provider', 'analyst', 'la_admin'] as const) {
    problem(
      t,
      await app.inject({
        method: 'GET',
        url: `/v1/local-authorities/${world.own.laCode}/exports/placements`,
        headers: bearer(world.own.tokens[role])
      }),
      403
    )
  }
})

t.test('exports stream in chunks: more rows than one chunk arrive whole', async (t) => {
  const { app, db } = await buildTestApp(t)
  const world = await makeWorld(db)
  const { EXPORT_CHUNK } = await import('../../../src/views/exports/exports.view.js')
  const n = EXPORT_CHUNK + 5
  const pupils = await db
    .insertInto('pupil')
    .values(
      Array.from({ length: n }, (_, i) => ({
        upn: upnFor(20000 + i),
        legal_forename: 'Bulk',
        legal_surname: `P${i}`,
        date_of_birth: '2012-03-14',
        sex: 'F',
        home_school_id: world.own.schoolId,
        home_la_code: world.own.laCode
      }))
    )
    .returning('id')
    .execute()
  await db
    .insertInto('placement')
    .values(
      pupils.map((p) => ({
        pupil_id: p.id,
        pupil_home_la_code: world.own.laCode,
        la_code: world.own.laCode,
        tier: 2,
        provider_id: world.own.providerId,
        commissioner_type: 'LA',
        commissioner_school_id: null,
        legal_basis: 'LA_S19_OTHER',
        reason_code: 'OTHER',
        start_date: '2025-11-03',
        planned_end_date: '2026-02-13',
        status: 'ACTIVE',
        sessions_at_provider: 10,
        sessions_at_home_school: 0,
        registration: 'ON_HOME_ROLL',
        home_attendance_code: 'K',
        first_review_due_on: '2025-12-01',
        plan: JSON.stringify({
          objectives: [objective],
          reintegrationPlan: 'Return',
          transitionPlan: null,
          intendedPost16Route: null,
          readinessCriteria: null
        })
      }))
    )
    .execute()
  const res = await app.inject({
    method: 'GET',
    url: `/v1/local-authorities/${world.own.laCode}/exports/census`,
    headers: bearer(world.own.tokens.coordinator)
  })
  t.equal(res.statusCode, 200)
  const lines = res.body.split('\r\n').filter((l) => l !== '')
  t.equal(lines.length, n + 1, `${n} rows and a header, across two chunks`)
  t.ok(
    lines.slice(1).every((l) => l.includes(',LA_ARRANGED,FULL_TIME,')),
    'every row is LA-arranged and full time'
  )
})

t.test('census rows are AP placements that ran, each with its placement id and NC years at the time', async (t) => {
  const now = DateTime.fromISO('2026-11-23T10:00:00', { zone: 'Europe/London' })
  const { app, db } = await buildTestApp(t, { clock: () => now })
  const world = await makeWorld(db)
  const coordinator = bearer(world.own.tokens.coordinator)
  // Born 1 May 2011: Year 10 in 2025/26, Year 11 today (2026/27).
  const ran = await placement(db, world.own, 1, {}, { date_of_birth: '2011-05-01' })
  const planned = await placement(db, world.own, 2, {
    status: 'PLANNED',
    start_date: '2026-01-05',
    planned_end_date: '2026-03-27'
  })
  const tier1 = await placement(db, world.own, 3, { tier: 1, home_attendance_code: null })
  // Taught a year below: the override says Year 10 today, so the pupil was in Year 9 when the placement started.
  const ended = async (serial: number, values: Record<string, unknown>, pupil: Partial<DB['pupil']> = {}) => {
    const row = await placement(db, world.own, serial, values, pupil)
    const outcome = await db
      .insertInto('placement_outcome')
      .values({
        placement_id: row.id,
        code: 'RETURNED_TO_HOME_SCHOOL_FULL_TIME',
        effective_date: values.end_date as string,
        recorded_by: 'test'
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await db
      .updateTable('placement')
      .set({ status: 'ENDED', outcome_id: outcome.id })
      .where('id', '=', row.id)
      .execute()
    return row
  }
  const heldBack = await ended(
    4,
    { start_date: '2025-09-08', planned_end_date: '2025-12-19', end_date: '2025-12-19' },
    { date_of_birth: '2011-05-01', nc_year_override: 10 }
  )
  const earlier = await ended(5, { start_date: '2024-11-04', planned_end_date: '2025-02-14', end_date: '2025-02-14' })

  const census = async (query: string) => {
    const res = await app.inject({
      method: 'GET',
      url: `/v1/local-authorities/${world.own.laCode}/exports/census?format=json${query}`,
      headers: coordinator
    })
    t.equal(res.statusCode, 200, res.body.slice(0, 200))
    return res.json() as { columns: string[]; results: Record<string, unknown>[] }
  }
  const year = await census('&academicYear=2025-26')
  t.equal(year.columns[0], 'placementId', 'the placement id leads every census row')
  t.same(
    year.results.map((r) => r.placementId).sort(),
    [ran.id, heldBack.id].sort(),
    "the PLANNED placement, the Tier 1 support and last year's placement are not census rows"
  )
  t.match(
    year.results.find((r) => r.placementId === ran.id),
    { ncYearAtStart: 10, censusYear: '2025/26', ncYearInCensusYear: 10 }
  )
  t.match(
    year.results.find((r) => r.placementId === heldBack.id),
    { ncYearAtStart: 9, censusYear: '2025/26', ncYearInCensusYear: 9 },
    'the override carried back as the same offset'
  )
  const all = await census('')
  t.same(
    all.results.map((r) => r.placementId).sort(),
    [ran.id, heldBack.id, earlier.id].sort(),
    'without a year, every AP placement that ran'
  )
  t.match(
    all.results.find((r) => r.placementId === ran.id),
    { ncYearAtStart: 10, censusYear: '2026/27', ncYearInCensusYear: 11 },
    'without a year, the census year is the current one'
  )
  const audited = await db.selectFrom('audit_event').select('entity_id').where('entity', '=', 'export_census').execute()
  t.notOk(
    audited.some((a) => a.entity_id === planned.id || a.entity_id === tier1.id),
    'rows not exported are not audited as exported'
  )

  const csv = await app.inject({
    method: 'GET',
    url: `/v1/local-authorities/${world.own.laCode}/exports/census?academicYear=2025-26`,
    headers: coordinator
  })
  const lines = csv.body
    .replace(/^\uFEFF/, '')
    .split('\r\n')
    .filter((l) => l !== '')
  t.match(lines[0], /^placementId,upn,.*,ncYearAtStart,censusYear,ncYearInCensusYear$/)
  t.equal(lines.length, 3)
  t.ok(
    lines.slice(1).every((l) => l.startsWith(`${ran.id},`) || l.startsWith(`${heldBack.id},`)),
    'each CSV row starts with its placement id'
  )

  const placements = await app.inject({
    method: 'GET',
    url: `/v1/local-authorities/${world.own.laCode}/exports/placements?format=json&academicYear=2025-26`,
    headers: coordinator
  })
  const rows = placements.json().results as Record<string, unknown>[]
  t.ok(
    rows.some((r) => r.placementId === tier1.id && r.tier === 1),
    'Tier 1 support stays in the placements export'
  )
  t.ok(
    rows.some((r) => r.placementId === planned.id && r.status === 'PLANNED'),
    'and so does the PLANNED placement'
  )
  t.match(
    rows.find((r) => r.placementId === ran.id),
    { ncYearAtStart: 10 }
  )

  // The placement view shows the same NC year at the start, beside the pupil's NC year today.
  const view = await app.inject({ method: 'GET', url: `/v1/placements/${heldBack.id}`, headers: coordinator })
  t.equal(view.statusCode, 200)
  t.equal(view.json().ncYearAtStart, 9, 'Year 9 at the start, for a pupil held back a year')
  const list = await app.inject({ method: 'GET', url: `/v1/placements?pupilId=${ran.pupil_id}`, headers: coordinator })
  t.same(
    list.json().results.map((p: { ncYearAtStart: number }) => p.ncYearAtStart),
    [10],
    'and in the list'
  )
  const pupil = await app.inject({ method: 'GET', url: `/v1/pupils/${ran.pupil_id}`, headers: coordinator })
  t.equal(pupil.json().ncYear, 11, "while the pupil record keeps today's NC year")
})
