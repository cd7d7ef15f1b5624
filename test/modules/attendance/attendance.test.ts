import { DateTime } from 'luxon'
import t from 'tap'
import { completeReferral, placementBody, review } from '../../fixtures/bodies.js'
import { problem } from '../../fixtures/problem.js'
import { at, type Ctx, expectStatus, setupWithCalendars as setup } from '../../fixtures/setup.js'
import { bearer, countRows, insertPupil, type Org } from '../../helper.js'

/**
 * Session attendance at the provider through the API: bulk AM/PM marks (all or none, idempotent, corrections
 * kept), the summary against the referral's 62.5% baseline, unexplained absence today on the worklist, and
 * reviews taking their attendance from the marks. Term dates are Staffordshire's 2025/26, loaded for both LAs:
 * autumn 2 runs 3 November – 19 December 2025, spring 1 5 January – 13 February 2026.
 */

const plusDays = (date: string, days: number) => DateTime.fromISO(date).plus({ days }).toISODate()!

type Session = 'AM' | 'PM'
type Mark = { pupilId: string; date: string; session: Session; code: string; reason?: string }

const mark = (pupilId: string, date: string, session: Session, code: string, reason?: string): Mark => ({
  pupilId,
  date,
  session,
  code,
  ...(reason === undefined ? {} : { reason })
})

const LETTER: Record<string, string> = {
  P: 'PRESENT',
  L: 'LATE',
  A: 'ABSENT_AUTH',
  U: 'ABSENT_UNAUTH',
  N: 'NOT_SCHEDULED'
}
/**
 * Marks for consecutive weekdays from `monday`, two letters a day (AM then PM): P present, L late, A authorised
 * absence (with a reason), U unauthorised absence, N not scheduled, '-' no mark.
 */
function days(pupilId: string, monday: string, letters: string): Mark[] {
  const out: Mark[] = []
  for (let i = 0; i < letters.length; i++) {
    const letter = letters[i]!
    if (letter === '-') continue
    const date = plusDays(monday, Math.floor(i / 2))
    const code = LETTER[letter]!
    out.push(
      mark(pupilId, date, i % 2 === 0 ? 'AM' : 'PM', code, code === 'ABSENT_AUTH' ? 'Medical appointment' : undefined)
    )
  }
  return out
}

/**
 * A pupil of `org`'s school referred, accepted, placed with `org`'s provider (the Tier 2 fixture: 8 sessions a
 * week from 3 November 2025) and activated on its start date, all through the API. The clock is put back after.
 */
async function placeActive(
  ctx: Ctx,
  org: Org = ctx.world.own,
  extra: Record<string, unknown> = {},
  pupilOverrides: Record<string, unknown> = {}
) {
  const { app, db, clock } = ctx
  const saved = clock.now
  clock.now = at('2025-10-20')
  const pupil = await insertPupil(db, org, ctx.serial.next++, pupilOverrides)
  const referral = expectStatus(
    await app.inject({
      method: 'POST',
      url: '/v1/referrals',
      headers: bearer(org.tokens.school),
      payload: completeReferral(pupil.id)
    }),
    201,
    'referral'
  ).json()
  expectStatus(
    await app.inject({
      method: 'POST',
      url: `/v1/referrals/${referral.id}/decision`,
      headers: bearer(org.tokens.coordinator),
      payload: { decision: 'ACCEPT' }
    }),
    200,
    'decision'
  )
  const body = placementBody(referral.id, org.providerId, extra)
  const placement = expectStatus(
    await app.inject({ method: 'POST', url: '/v1/placements', headers: bearer(org.tokens.coordinator), payload: body }),
    201,
    'placement'
  ).json()
  clock.now = at(body.startDate, '09:00')
  expectStatus(
    await app.inject({
      method: 'POST',
      url: `/v1/placements/${placement.id}/activation`,
      headers: { ...bearer(org.tokens.coordinator), 'if-match': '"1"' },
      payload: {}
    }),
    200,
    'activation'
  )
  clock.now = saved
  return { pupil, placementId: placement.id as string }
}

const record = (ctx: Ctx, token: string, marks: Mark[] | unknown[]) =>
  ctx.app.inject({ method: 'POST', url: '/v1/attendance/marks', headers: bearer(token), payload: { marks } })

t.test('a term of marks for 100 pupils in one request: stored, idempotent, corrections audited', async (t) => {
  const ctx = await setup(t, '2026-02-02')
  const { db, world } = ctx
  const provider = world.own.tokens.provider
  const objective = { description: 'Attend every session', baseline: '60%', target: '90%' }
  await db.updateTable('provider_tier').set({ places: 200 }).where('provider_id', '=', world.own.providerId).execute()

  // 100 pupils, each full time at the provider (10 sessions a week, none at the home school) from 3 November.
  const PUPILS = 100
  const pupils: Awaited<ReturnType<typeof insertPupil>>[] = []
  for (let i = 0; i < PUPILS; i++) pupils.push(await insertPupil(db, world.own, 1000 + i))
  const placements = await db
    .insertInto('placement')
    .values(
      pupils.map((p) => ({
        pupil_id: p.id,
        pupil_home_la_code: world.own.laCode,
        la_code: world.own.laCode,
        tier: 2,
        provider_id: world.own.providerId,
        commissioner_type: 'SCHOOL',
        commissioner_school_id: world.own.schoolId,
        legal_basis: 'SCHOOL_COMMISSIONED',
        reason_code: 'BEH',
        start_date: '2025-11-03',
        planned_end_date: '2026-02-13',
        status: 'ACTIVE',
        sessions_at_provider: 10,
        sessions_at_home_school: 0,
        registration: 'DUAL_REGISTERED',
        home_attendance_code: 'D',
        first_review_due_on: '2025-12-01',
        la_notified_on: '2025-10-20',
        plan: JSON.stringify({
          objectives: [objective],
          reintegrationPlan: 'Return after two terms',
          transitionPlan: null,
          intendedPost16Route: null,
          readinessCriteria: null
        })
      }))
    )
    .returning(['id', 'pupil_id'])
    .execute()
  t.equal(placements.length, PUPILS)

  // School days from 3 November 2025 to 30 January 2026: weekdays outside the Christmas holidays (20 December – 4
  // January).
  const schoolDays: string[] = []
  for (let d = '2025-11-03'; d <= '2026-01-30'; d = plusDays(d, 1)) {
    const weekday = DateTime.fromISO(d).weekday
    if (weekday <= 5 && !(d >= '2025-12-20' && d <= '2026-01-04')) schoolDays.push(d)
  }
  t.equal(schoolDays.length, 55, '7 weeks of autumn 2 and 4 of spring 1')

  const codeFor = (i: number, d: number, s: number) => {
    const k = (i * 7 + d * 2 + s) % 20
    return k === 0
      ? 'ABSENT_UNAUTH'
      : k === 1
        ? 'LATE'
        : k === 2
          ? 'ABSENT_AUTH'
          : k === 3
            ? 'NOT_SCHEDULED'
            : 'PRESENT'
  }
  const batch: Mark[] = []
  pupils.forEach((p, i) =>
    schoolDays.forEach((date, d) =>
      (['AM', 'PM'] as const).forEach((session, s) => {
        const code = codeFor(i, d, s)
        batch.push(mark(p.id, date, session, code, code === 'ABSENT_AUTH' ? 'Hospital appointment' : undefined))
      })
    )
  )
  t.equal(batch.length, 11_000)
  t.ok(batch.length >= 10_000, 'at least 10,000 marks in the batch')

  const first = await record(ctx, provider, batch)
  t.equal(first.statusCode, 200, first.body.slice(0, 500))
  t.same(first.json(), { received: 11_000, created: 11_000, corrected: 0, unchanged: 0, placements: PUPILS })
  t.equal(await countRows(db, 'attendance_mark'), 11_000, 'every mark stored')
  const sample = await db
    .selectFrom('attendance_mark')
    .selectAll()
    .where('placement_id', '=', placements.find((p) => p.pupil_id === pupils[3]!.id)!.id)
    .where('on_date', '=', schoolDays[10]!)
    .orderBy('session')
    .execute()
  t.same(
    sample.map((m) => [m.session, m.code]),
    [
      ['AM', codeFor(3, 10, 0)],
      ['PM', codeFor(3, 10, 1)]
    ],
    "each mark tied to the pupil's placement"
  )
  const firstAudit = await db
    .selectFrom('audit_event')
    .select(['action', 'entity_id', 'changed_fields'])
    .where('entity', '=', 'attendance')
    .execute()
  t.equal(firstAudit.length, PUPILS, 'one audit row per placement')
  t.ok(
    firstAudit.every((a) => a.action === 'update' && a.changed_fields?.includes('marks')),
    'recorded as updates to the marks'
  )
  const auditMark = await db
    .selectFrom('audit_event')
    .select((eb) => eb.fn.max('id').as('max'))
    .executeTakeFirstOrThrow()

  const again = await record(ctx, provider, batch)
  t.equal(again.statusCode, 200, again.body.slice(0, 500))
  t.same(
    again.json(),
    { received: 11_000, created: 0, corrected: 0, unchanged: 11_000, placements: PUPILS },
    'the same batch again changes nothing'
  )
  t.equal(await countRows(db, 'attendance_mark'), 11_000, 'no new rows')
  t.equal(await countRows(db, 'attendance_correction'), 0, 'no corrections')
  const resendUpdates = await db
    .selectFrom('audit_event')
    .select('id')
    .where('entity', '=', 'attendance')
    .where('action', '=', 'update')
    .where('id', '>', String(auditMark.max))
    .execute()
  t.equal(resendUpdates.length, 0, 'an idempotent resend is not audited as a change')

  // Three marks change, one is re-sent as it was, and one is new (today, Monday 2 February).
  const changes = [0, 5_000, 10_999].map((i) => {
    const m = batch[i]!
    const code = m.code === 'PRESENT' ? 'ABSENT_UNAUTH' : 'PRESENT'
    return { index: i, old: m, next: mark(m.pupilId, m.date, m.session, code) }
  })
  const unchangedMark = batch[123]!
  const newMark = mark(pupils[0]!.id, '2026-02-02', 'AM', 'PRESENT')
  const mixed = [...changes.map((c) => c.next), unchangedMark, newMark]
  const auditBefore = await db
    .selectFrom('audit_event')
    .select((eb) => eb.fn.max('id').as('max'))
    .executeTakeFirstOrThrow()
  const corrected = await record(ctx, provider, mixed)
  t.equal(corrected.statusCode, 200, corrected.body)
  t.same(corrected.json(), {
    received: 5,
    created: 1,
    corrected: 3,
    unchanged: 1,
    placements: new Set(mixed.map((m) => m.pupilId)).size
  })
  t.equal(await countRows(db, 'attendance_mark'), 11_001, 'only the new mark adds a row')
  const rows = await db
    .selectFrom('attendance_correction')
    .innerJoin('placement', 'placement.id', 'attendance_correction.placement_id')
    .select([
      'placement.pupil_id',
      'attendance_correction.on_date',
      'attendance_correction.session',
      'attendance_correction.old_code',
      'attendance_correction.old_reason',
      'attendance_correction.new_code',
      'attendance_correction.new_reason',
      'attendance_correction.corrected_by'
    ])
    .orderBy('attendance_correction.id')
    .execute()
  t.equal(rows.length, 3, 'one correction row per changed mark')
  for (const c of changes) {
    const row = rows.find(
      (r) => r.pupil_id === c.old.pupilId && r.on_date === c.old.date && r.session === c.old.session
    )
    t.ok(row, `correction kept for ${c.old.date} ${c.old.session}`)
    t.match(
      row,
      { old_code: c.old.code, old_reason: c.old.reason ?? null, new_code: c.next.code, new_reason: null },
      'old and new codes kept'
    )
    t.ok(row?.corrected_by, 'who corrected it')
  }
  const stored = await db
    .selectFrom('attendance_mark')
    .innerJoin('placement', 'placement.id', 'attendance_mark.placement_id')
    .select(['attendance_mark.code'])
    .where('placement.pupil_id', '=', changes[1]!.old.pupilId)
    .where('on_date', '=', changes[1]!.old.date)
    .where('session', '=', changes[1]!.old.session)
    .executeTakeFirstOrThrow()
  t.equal(stored.code, changes[1]!.next.code, 'the mark now holds the corrected code')
  const audits = await db
    .selectFrom('audit_event')
    .select(['action', 'entity', 'entity_id', 'pupil_id', 'changed_fields'])
    .where('id', '>', String(auditBefore.max))
    .where('entity', '=', 'attendance')
    .execute()
  const touched = new Set(mixed.map((m) => placements.find((p) => p.pupil_id === m.pupilId)!.id))
  t.same(new Set(audits.map((a) => a.entity_id)), touched, 'an audit row for each placement touched')
  t.ok(
    audits.every((a) => a.action === 'update' && a.changed_fields?.includes('marks')),
    'audited as updates'
  )
})

t.test('bad marks: the problem names the mark and the rule, and nothing is stored', async (t) => {
  const ctx = await setup(t, '2026-01-12')
  const { db, world } = ctx
  const provider = world.own.tokens.provider
  const { pupil } = await placeActive(ctx)
  const { pupil: otherLaPupil } = await placeActive(ctx, world.other)
  const unplaced = await insertPupil(db, world.own, 500)

  // Three good marks first, then the bad one at index 3.
  const good = [
    mark(pupil.id, '2026-01-05', 'AM', 'PRESENT'),
    mark(pupil.id, '2026-01-05', 'PM', 'PRESENT'),
    mark(pupil.id, '2026-01-06', 'AM', 'LATE')
  ]
  const cases: [string, Record<string, unknown>, number, string, string][] = [
    [
      'a pupil not placed with the provider',
      mark(unplaced.id, '2026-01-06', 'PM', 'PRESENT'),
      422,
      '/marks/3/pupilId',
      'not_placed_here'
    ],
    [
      'a pupil that does not exist',
      mark('987654321', '2026-01-06', 'PM', 'PRESENT'),
      422,
      '/marks/3/pupilId',
      'not_placed_here'
    ],
    [
      "another provider's pupil",
      mark(otherLaPupil.id, '2026-01-06', 'PM', 'PRESENT'),
      422,
      '/marks/3/pupilId',
      'not_placed_here'
    ],
    [
      'a date before the placement started',
      mark(pupil.id, '2025-10-20', 'AM', 'PRESENT'),
      422,
      '/marks/3/date',
      'outside_placement'
    ],
    [
      'the last school day before the start',
      mark(pupil.id, '2025-10-24', 'PM', 'PRESENT'),
      422,
      '/marks/3/date',
      'outside_placement'
    ],
    ['a Saturday', mark(pupil.id, '2026-01-10', 'AM', 'PRESENT'), 422, '/marks/3/date', 'weekend'],
    ['a Sunday', mark(pupil.id, '2026-01-11', 'PM', 'PRESENT'), 422, '/marks/3/date', 'weekend'],
    [
      'a Christmas holiday weekday',
      mark(pupil.id, '2025-12-22', 'AM', 'PRESENT'),
      422,
      '/marks/3/date',
      'not_school_day'
    ],
    [
      "New Year's Day, a bank holiday",
      mark(pupil.id, '2026-01-01', 'AM', 'PRESENT'),
      422,
      '/marks/3/date',
      'not_school_day'
    ],
    ['a date in the future', mark(pupil.id, '2026-01-13', 'AM', 'PRESENT'), 422, '/marks/3/date', 'date_in_future'],
    ['a code not in the list', mark(pupil.id, '2026-01-06', 'PM', 'HOLIDAY'), 400, '/marks/3/code', 'enum'],
    [
      'a session not in the list',
      { pupilId: pupil.id, date: '2026-01-06', session: 'EVE', code: 'PRESENT' },
      400,
      '/marks/3/session',
      'enum'
    ],
    ['an impossible date', mark(pupil.id, '2026-02-30', 'AM', 'PRESENT'), 400, '/marks/3/date', 'format'],
    [
      'an unknown field',
      { ...mark(pupil.id, '2026-01-06', 'PM', 'PRESENT'), minutesLate: 5 },
      400,
      '/marks/3/minutesLate',
      'additionalProperties'
    ],
    [
      'an authorised absence without a reason',
      mark(pupil.id, '2026-01-06', 'PM', 'ABSENT_AUTH'),
      422,
      '/marks/3/reason',
      'required'
    ],
    [
      'the same pupil, date and session twice',
      mark(pupil.id, '2026-01-05', 'AM', 'LATE'),
      422,
      '/marks/3/session',
      'duplicate_mark'
    ]
  ]
  for (const [name, bad, status, path, code] of cases) {
    await t.test(name, async (t) => {
      const res = await record(ctx, provider, [...good, bad])
      problem(t, res, status, path, code)
      t.equal(await countRows(db, 'attendance_mark'), 0, 'nothing stored, not even the good marks')
    })
  }

  await t.test('many bad marks: each counted, none stored', async (t) => {
    const res = await record(ctx, provider, [
      ...good,
      mark(pupil.id, '2026-01-10', 'AM', 'PRESENT'),
      mark(unplaced.id, '2026-01-06', 'AM', 'PRESENT'),
      mark(pupil.id, '2026-01-13', 'PM', 'PRESENT')
    ])
    const body = problem(t, res, 422)
    t.same(
      body.errors.map((e) => `${e.path} ${e.code}`),
      ['/marks/3/date weekend', '/marks/4/pupilId not_placed_here', '/marks/5/date date_in_future'],
      'every bad mark named'
    )
    t.equal(await countRows(db, 'attendance_mark'), 0)
  })

  await t.test('an empty batch', async (t) => {
    problem(t, await record(ctx, provider, []), 400, '/marks', 'minItems')
  })

  await t.test('more than 20,000 marks in one request', async (t) => {
    const tooMany = Array.from({ length: 20_001 }, () => mark(pupil.id, '2026-01-05', 'AM', 'PRESENT'))
    problem(t, await record(ctx, provider, tooMany), 400, '/marks', 'maxItems')
    t.equal(await countRows(db, 'attendance_mark'), 0)
  })

  await t.test('roles other than the provider cannot record marks', async (t) => {
    for (const role of ['la_admin', 'coordinator', 'school', 'analyst'] as const) {
      const res = await record(ctx, world.own.tokens[role], good)
      problem(t, res, 403)
    }
    t.equal((await record(ctx, 'not-a-token', good)).statusCode, 401, 'no token, no access')
    t.equal(await countRows(db, 'attendance_mark'), 0, 'nothing stored')
  })

  await t.test('more scheduled sessions in a week than the placement plans', async (t) => {
    // The placement plans 8 sessions a week at the provider: a full week of 10 scheduled marks is 2 too many.
    const fullWeek = days(pupil.id, '2026-01-05', 'PPPPPPPPPP')
    const over = await record(ctx, provider, fullWeek)
    const body = problem(t, over, 422, '/marks/0/code', 'more_sessions_than_planned')
    t.equal(body.code, 'more_sessions_than_planned')
    t.match(body.errors[0]!, { message: /10 scheduled sessions in the week of 2026-01-05; its plan has 8/ })
    t.equal(await countRows(db, 'attendance_mark'), 0, 'nothing stored')

    const planned = await record(ctx, provider, days(pupil.id, '2026-01-05', 'PPPPPLPUNN'))
    t.equal(planned.statusCode, 200, planned.body)
    t.match(
      planned.json(),
      { received: 10, created: 10, corrected: 0, unchanged: 0, placements: 1 },
      '8 scheduled and 2 NOT_SCHEDULED fit the plan'
    )

    // A ninth scheduled mark in the same week, sent on its own, is refused against the stored marks, and rolled back.
    const ninth = await record(ctx, provider, [mark(pupil.id, '2026-01-09', 'AM', 'PRESENT')])
    problem(t, ninth, 422, '/marks/0/code', 'more_sessions_than_planned')
    const friday = await db
      .selectFrom('attendance_mark')
      .select('code')
      .where('on_date', '=', '2026-01-09')
      .where('session', '=', 'AM')
      .executeTakeFirstOrThrow()
    t.equal(friday.code, 'NOT_SCHEDULED', 'the refused correction is not kept')
    t.equal(await countRows(db, 'attendance_correction'), 0, 'nor recorded as a correction')
    t.equal(await countRows(db, 'attendance_mark'), 10)

    // Another week is counted on its own.
    const nextWeek = await record(ctx, provider, days(pupil.id, '2026-01-12', 'PP'))
    t.equal(nextWeek.statusCode, 200, nextWeek.body)
    t.equal(await countRows(db, 'attendance_mark'), 12)
  })
})

t.test('marks are tied to the placement that covers their date, each against its own plan', async (t) => {
  const ctx = await setup(t, '2025-11-20')
  const { app, db, world, clock } = ctx
  const provider = world.own.tokens.provider
  const coordinator = bearer(world.own.tokens.coordinator)
  const { pupil, placementId: tier2 } = await placeActive(ctx)

  // Escalated to Tier 3 at the same provider from 5 January, full time (10 sessions a week).
  const escalated = await app.inject({
    method: 'POST',
    url: `/v1/placements/${tier2}/escalation`,
    headers: { ...coordinator, 'if-match': '"2"' },
    payload: {
      providerId: world.own.providerId,
      startDate: '2026-01-05',
      plannedEndDate: null,
      sessionsAtProvider: 10,
      sessionsAtHomeSchool: 0,
      registration: 'DUAL_REGISTERED',
      laNotifiedOn: '2025-11-20',
      plan: {
        objectives: [{ description: 'Attend', baseline: '60%', target: '90%' }],
        transitionPlan: 'Move to a new mainstream school via Fair Access'
      }
    }
  })
  t.equal(escalated.statusCode, 201, escalated.body)
  const tier3 = escalated.json().next.id as string

  clock.now = at('2026-01-05', '09:00')
  problem(
    t,
    await record(ctx, provider, [mark(pupil.id, '2026-01-05', 'AM', 'PRESENT')]),
    422,
    '/marks/0/date',
    'outside_placement'
  )
  t.equal(await countRows(db, 'attendance_mark'), 0, 'no mark for a placement not yet started')
  expectStatus(
    await app.inject({
      method: 'POST',
      url: `/v1/placements/${tier3}/activation`,
      headers: { ...coordinator, 'if-match': '"1"' },
      payload: {}
    }),
    200,
    'activation'
  )

  clock.now = at('2026-01-12')
  // A full week in December is over the Tier 2 plan of 8; a full week in January fits the Tier 3 plan of 10.
  problem(
    t,
    await record(ctx, provider, [
      ...days(pupil.id, '2026-01-05', 'PPPPPPPPPP'),
      ...days(pupil.id, '2025-12-08', 'PPPPPPPPPP')
    ]),
    422,
    '/marks/10/code',
    'more_sessions_than_planned'
  )
  t.equal(await countRows(db, 'attendance_mark'), 0)
  const ok = await record(ctx, provider, [
    ...days(pupil.id, '2025-12-15', 'PPPPPPPUNN'),
    ...days(pupil.id, '2026-01-05', 'PPPPPPPPPU')
  ])
  t.equal(ok.statusCode, 200, ok.body)
  t.match(ok.json(), { received: 20, created: 20, placements: 2 }, 'the marks span two placements')
  const rows = await db.selectFrom('attendance_mark').select(['placement_id', 'on_date']).execute()
  t.ok(
    rows.filter((r) => r.on_date < '2026-01-05').every((r) => r.placement_id === tier2),
    'December marks belong to the Tier 2 placement'
  )
  t.ok(
    rows.filter((r) => r.on_date >= '2026-01-05').every((r) => r.placement_id === tier3),
    'January marks belong to the Tier 3 placement'
  )

  const old = (
    await app.inject({ method: 'GET', url: `/v1/placements/${tier2}/attendance`, headers: coordinator })
  ).json()
  // 35 school days from 3 November to its end on 4 January at 8 sessions a week.
  t.match(old.summary, {
    scheduledSessions: 8,
    attendedSessions: 7,
    attendancePct: 87.5,
    expectedSessionsToDate: 56,
    unmarkedSessions: 48
  })
  const next = (
    await app.inject({ method: 'GET', url: `/v1/placements/${tier3}/attendance`, headers: coordinator })
  ).json()
  // 6 school days from 5 to 12 January at 10 a week.
  t.match(next.summary, {
    scheduledSessions: 10,
    attendedSessions: 9,
    attendancePct: 90,
    persistentAbsence: false,
    expectedSessionsToDate: 12,
    unmarkedSessions: 2
  })
})

t.test('the attendance summary: against the baseline, with corrections, in scope', async (t) => {
  const ctx = await setup(t, '2025-11-18')
  const { app, db, world } = ctx
  const provider = world.own.tokens.provider
  const coordinator = bearer(world.own.tokens.coordinator)
  const { pupil, placementId } = await placeActive(ctx)
  const getAttendance = (headers: Record<string, string>, query = '') =>
    app.inject({ method: 'GET', url: `/v1/placements/${placementId}/attendance${query}`, headers })

  const empty = await getAttendance(coordinator)
  t.equal(empty.statusCode, 200, empty.body)
  t.match(
    empty.json(),
    {
      placementId,
      marks: [],
      corrections: [],
      summary: {
        scheduledSessions: 0,
        attendancePct: null,
        baselinePct: 62.5,
        changePctPoints: null,
        persistentAbsence: false,
        severeAbsence: false,
        expectedSessionsToDate: 19,
        unmarkedSessions: 19,
        unexplainedToday: []
      }
    },
    'no marks yet: no percentage, every expected session unmarked'
  )

  // Week 1: 6 present, 1 late, 1 authorised absence, Friday not scheduled. Week 2: 5 present, 1 late, 2 unauthorised.
  const marks = [...days(pupil.id, '2025-11-03', 'PPPLPPAPNN'), ...days(pupil.id, '2025-11-10', 'UPPPLPUPNN')]
  const res = await record(ctx, provider, marks)
  t.equal(res.statusCode, 200, res.body)

  const got = await getAttendance(coordinator)
  t.equal(got.statusCode, 200, got.body)
  const summary = got.json().summary
  t.same(
    summary,
    {
      present: 11,
      late: 2,
      authorised: 1,
      unauthorised: 2,
      notScheduled: 4,
      scheduledSessions: 16,
      attendedSessions: 13,
      attendancePct: 81.3,
      baselinePct: 62.5,
      changePctPoints: 18.8,
      persistentAbsence: true,
      severeAbsence: false,
      // 12 school days from Monday 3 to Tuesday 18 November at 8 sessions a week: 19.2, so 19; 16 marked.
      expectedSessionsToDate: 19,
      unmarkedSessions: 3,
      unexplainedToday: []
    },
    '13 attended of 16 scheduled (NOT_SCHEDULED excluded) is 81.3%, up 18.8 points on the 62.5% baseline'
  )
  t.equal(got.json().marks.length, 20)
  t.same(
    got
      .json()
      .marks.slice(0, 3)
      .map((m: { date: string; session: string; code: string }) => `${m.date} ${m.session} ${m.code}`),
    ['2025-11-03 AM PRESENT', '2025-11-03 PM PRESENT', '2025-11-04 AM PRESENT'],
    'in date order, AM before PM'
  )
  t.match(
    got.json().marks.find((m: { date: string; session: string }) => m.date === '2025-11-06' && m.session === 'AM'),
    { code: 'ABSENT_AUTH', reason: 'Medical appointment' }
  )

  const view = await app.inject({ method: 'GET', url: `/v1/placements/${placementId}`, headers: coordinator })
  t.equal(view.statusCode, 200)
  t.same(view.json().attendance, summary, 'the placement carries the same summary')
  const listed = await app.inject({ method: 'GET', url: `/v1/placements?pupilId=${pupil.id}`, headers: coordinator })
  t.same(listed.json().results[0]?.attendance, summary, 'and so does the list')

  const journey = await app.inject({ method: 'GET', url: `/v1/pupils/${pupil.id}/journey`, headers: coordinator })
  t.match(
    journey.json().events.filter((e: { kind: string }) => e.kind === 'ATTENDANCE'),
    [
      {
        date: '2025-11-14',
        placementId,
        detail: 'Attendance 81.3% over 16 scheduled sessions, +18.8 points on the 62.5% baseline'
      }
    ],
    'the journey shows attendance on the last marked day'
  )

  // A correction: Monday 10 November AM was an authorised absence after all.
  const fix = await record(ctx, provider, [mark(pupil.id, '2025-11-10', 'AM', 'ABSENT_AUTH', 'Dentist')])
  t.match(fix.json(), { received: 1, created: 0, corrected: 1, unchanged: 0 })
  const afterFix = (await getAttendance(coordinator)).json()
  t.match(afterFix.summary, {
    authorised: 2,
    unauthorised: 1,
    attendedSessions: 13,
    scheduledSessions: 16,
    attendancePct: 81.3
  })
  t.equal(afterFix.corrections.length, 1)
  t.match(afterFix.corrections[0], {
    date: '2025-11-10',
    session: 'AM',
    oldCode: 'ABSENT_UNAUTH',
    oldReason: null,
    newCode: 'ABSENT_AUTH',
    newReason: 'Dentist',
    correctedBy: String
  })
  // A reason alone changing is a correction too.
  const reason = await record(ctx, provider, [mark(pupil.id, '2025-11-10', 'AM', 'ABSENT_AUTH', 'Dentist (emergency)')])
  t.match(reason.json(), { corrected: 1, unchanged: 0 })
  t.equal((await getAttendance(coordinator)).json().corrections.length, 2)

  await t.test('from and to', async (t) => {
    const week2 = (await getAttendance(coordinator, '?from=2025-11-10&to=2025-11-14')).json()
    t.equal(week2.marks.length, 10)
    t.ok(
      week2.marks.every((m: { date: string }) => m.date >= '2025-11-10' && m.date <= '2025-11-14'),
      'only marks in the range'
    )
    t.equal(week2.corrections.length, 2, "the week's corrections")
    const week1 = (await getAttendance(coordinator, '?to=2025-11-07')).json()
    t.equal(week1.marks.length, 10)
    t.same(week1.corrections, [], 'no corrections in week 1')
    const from = (await getAttendance(coordinator, '?from=2025-11-14')).json()
    t.same(
      from.marks.map((m: { date: string; session: string }) => `${m.date} ${m.session}`),
      ['2025-11-14 AM', '2025-11-14 PM']
    )
    problem(t, await getAttendance(coordinator, '?from=2025-11-14&to=2025-11-10'), 422, '/querystring/from', 'after_to')
    problem(t, await getAttendance(coordinator, '?from=14-11-2025'), 400, '/querystring/from')
  })

  await t.test('severe absence and full attendance', async (t) => {
    const { pupil: absent, placementId: absentPlacement } = await placeActive(ctx)
    const { pupil: present, placementId: presentPlacement } = await placeActive(ctx)
    t.equal(
      (
        await record(ctx, provider, [
          ...days(absent.id, '2025-11-03', 'PUUUPUUUNN'),
          ...days(present.id, '2025-11-03', 'PPPPLPPPNN')
        ])
      ).statusCode,
      200
    )
    const a = (
      await app.inject({ method: 'GET', url: `/v1/placements/${absentPlacement}/attendance`, headers: coordinator })
    ).json().summary
    t.match(a, {
      scheduledSessions: 8,
      attendedSessions: 2,
      attendancePct: 25,
      changePctPoints: -37.5,
      persistentAbsence: true,
      severeAbsence: true,
      unmarkedSessions: 11
    })
    const p = (
      await app.inject({ method: 'GET', url: `/v1/placements/${presentPlacement}/attendance`, headers: coordinator })
    ).json().summary
    t.match(p, {
      scheduledSessions: 8,
      attendedSessions: 8,
      attendancePct: 100,
      changePctPoints: 37.5,
      persistentAbsence: false,
      severeAbsence: false
    })
  })

  await t.test('who may read it', async (t) => {
    for (const role of ['coordinator', 'school', 'provider'] as const) {
      t.equal((await getAttendance(bearer(world.own.tokens[role]))).statusCode, 200, `own ${role} reads it`)
    }
    for (const role of ['la_admin', 'analyst'] as const)
      problem(t, await getAttendance(bearer(world.own.tokens[role])), 403)
    for (const role of ['coordinator', 'school', 'provider'] as const) {
      problem(t, await getAttendance(bearer(world.other.tokens[role])), 404)
    }
    problem(
      t,
      await app.inject({ method: 'GET', url: '/v1/placements/987654321/attendance', headers: coordinator }),
      404
    )
  })

  await t.test('each read is audited', async (t) => {
    const before = await db
      .selectFrom('audit_event')
      .select((eb) => eb.fn.max('id').as('max'))
      .executeTakeFirstOrThrow()
    t.equal((await getAttendance(bearer(world.own.tokens.school))).statusCode, 200)
    const rows = await db.selectFrom('audit_event').selectAll().where('id', '>', String(before.max)).execute()
    t.match(rows, [
      {
        action: 'read',
        entity: 'attendance',
        entity_id: placementId,
        pupil_id: pupil.id,
        role: 'school',
        pupil_la_code: world.own.laCode
      }
    ])
    const refused = await db
      .selectFrom('audit_event')
      .select((eb) => eb.fn.max('id').as('max'))
      .executeTakeFirstOrThrow()
    await getAttendance(bearer(world.other.tokens.coordinator))
    const after = await db
      .selectFrom('audit_event')
      .select('id')
      .where('id', '>', String(refused.max))
      .where('entity', '=', 'attendance')
      .execute()
    t.equal(after.length, 0, 'a refused read writes no attendance audit row')
  })
})

t.test("an unauthorised absence today reaches the commissioning school's and coordinator's worklists", async (t) => {
  const ctx = await setup(t, '2025-11-18')
  const { app, world, clock } = ctx
  const provider = world.own.tokens.provider
  const { pupil, placementId } = await placeActive(ctx)
  const { pupil: calm } = await placeActive(ctx)
  const worklist = async (token: string, kind = '?kind=UNEXPLAINED_ABSENCE') => {
    const res = await app.inject({ method: 'GET', url: `/v1/worklist${kind}`, headers: bearer(token) })
    t.equal(res.statusCode, 200, res.body)
    return res.json().results as {
      kind: string
      dueDate: string
      placementId: string
      pupilId: string
      schoolId: string
      providerId: string
      detail: string
      overdueSchoolDays: number
    }[]
  }
  const unexplainedToday = async () =>
    (
      await app.inject({
        method: 'GET',
        url: `/v1/placements/${placementId}`,
        headers: bearer(world.own.tokens.coordinator)
      })
    ).json().attendance.unexplainedToday

  // Yesterday's unauthorised absence is not today's news; the calm pupil was present.
  const res = await record(ctx, provider, [
    mark(pupil.id, '2025-11-17', 'AM', 'ABSENT_UNAUTH'),
    mark(pupil.id, '2025-11-17', 'PM', 'PRESENT'),
    mark(pupil.id, '2025-11-18', 'AM', 'ABSENT_UNAUTH'),
    mark(calm.id, '2025-11-18', 'AM', 'PRESENT')
  ])
  t.equal(res.statusCode, 200, res.body)

  for (const role of ['school', 'coordinator'] as const) {
    const items = await worklist(world.own.tokens[role])
    t.match(
      items,
      [
        {
          kind: 'UNEXPLAINED_ABSENCE',
          dueDate: '2025-11-18',
          placementId,
          pupilId: pupil.id,
          schoolId: world.own.schoolId,
          providerId: world.own.providerId,
          overdueSchoolDays: 0,
          detail: /AM/
        }
      ],
      `the ${role} sees it`
    )
    t.equal(items.length, 1, `only today's absence, for the ${role}`)
    const all = await worklist(world.own.tokens[role], '')
    t.ok(
      all.some((i) => i.kind === 'UNEXPLAINED_ABSENCE' && i.placementId === placementId),
      `in the ${role}'s unfiltered worklist too`
    )
  }
  t.same(await worklist(provider), [], 'not for the provider, who marked it')
  t.notOk(
    (await worklist(provider, '')).some((i) => i.kind === 'UNEXPLAINED_ABSENCE'),
    "not in the provider's unfiltered worklist either"
  )
  t.same(await worklist(world.other.tokens.coordinator), [], 'not for another LA')
  t.same(await worklist(world.other.tokens.school), [], 'not for another school')
  t.same(await unexplainedToday(), ['AM'], 'the placement flags the session')
  const att = (
    await app.inject({
      method: 'GET',
      url: `/v1/placements/${placementId}/attendance`,
      headers: bearer(world.own.tokens.school)
    })
  ).json()
  t.same(att.summary.unexplainedToday, ['AM'])

  // The afternoon too.
  t.equal((await record(ctx, provider, [mark(pupil.id, '2025-11-18', 'PM', 'ABSENT_UNAUTH')])).statusCode, 200)
  t.same(await unexplainedToday(), ['AM', 'PM'])
  t.match(await worklist(world.own.tokens.school), [{ placementId, detail: /AM and PM/ }])

  // Explained later in the day: the morning becomes authorised.
  t.equal(
    (await record(ctx, provider, [mark(pupil.id, '2025-11-18', 'AM', 'ABSENT_AUTH', 'Parent rang: illness')]))
      .statusCode,
    200
  )
  t.same(await unexplainedToday(), ['PM'])
  t.match(await worklist(world.own.tokens.coordinator), [{ placementId, detail: /\(PM\)/ }])

  // The next day it is no longer today's.
  clock.now = at('2025-11-19')
  t.same(await unexplainedToday(), [])
  t.same(await worklist(world.own.tokens.school), [], 'gone from the worklist the next day')
})

t.test('a review held after marks exist takes its attendance from them', async (t) => {
  const ctx = await setup(t, '2025-11-20')
  const { app, world, clock } = ctx
  const provider = world.own.tokens.provider
  const coordinator = bearer(world.own.tokens.coordinator)
  const { pupil, placementId } = await placeActive(ctx)
  const { placementId: unmarked } = await placeActive(ctx)

  // 3–20 November: 24 scheduled sessions, 22 attended (an unauthorised absence in week 1 and on the review morning).
  const res = await record(ctx, provider, [
    ...days(pupil.id, '2025-11-03', 'PPPUPPPPNN'),
    ...days(pupil.id, '2025-11-10', 'PPPPPPPPNN'),
    ...days(pupil.id, '2025-11-17', 'PPPPPPUP')
  ])
  t.equal(res.statusCode, 200, res.body)

  const held = await app.inject({
    method: 'POST',
    url: `/v1/placements/${placementId}/reviews`,
    headers: coordinator,
    payload: review()
  })
  t.equal(held.statusCode, 201, held.body)
  t.match(
    held.json(),
    { heldOn: '2025-11-20', attendanceSinceLastPct: 91.7, attendanceSource: 'RECORDED' },
    '22 of 24 from the marks, not the 88.5 entered'
  )
  const listed = await app.inject({ method: 'GET', url: `/v1/placements/${placementId}/reviews`, headers: coordinator })
  t.match(
    listed.json().results,
    [{ id: held.json().id, attendanceSinceLastPct: 91.7, attendanceSource: 'RECORDED' }],
    'stored so'
  )

  // After the review: Friday not scheduled, then a week with 6 of 8 attended.
  clock.now = at('2025-12-10')
  t.equal(
    (
      await record(ctx, provider, [
        ...days(pupil.id, '2025-11-21', 'NN'),
        ...days(pupil.id, '2025-11-24', 'PUPPUPPPNN')
      ])
    ).statusCode,
    200
  )
  const second = await app.inject({
    method: 'POST',
    url: `/v1/placements/${placementId}/reviews`,
    headers: coordinator,
    payload: review({ heldOn: '2025-12-10', nextReviewOn: '2026-01-16', attendanceSinceLastPct: 99 })
  })
  t.equal(second.statusCode, 201, second.body)
  t.match(
    second.json(),
    { attendanceSinceLastPct: 75, attendanceSource: 'RECORDED' },
    'only the marks since the last review: 6 of 8'
  )

  const entered = await app.inject({
    method: 'POST',
    url: `/v1/placements/${unmarked}/reviews`,
    headers: coordinator,
    payload: review()
  })
  t.equal(entered.statusCode, 201, entered.body)
  t.match(
    entered.json(),
    { attendanceSinceLastPct: 88.5, attendanceSource: 'ENTERED' },
    'without marks the figure entered is kept'
  )
})
