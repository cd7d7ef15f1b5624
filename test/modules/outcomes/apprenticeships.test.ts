import { DateTime } from 'luxon'
import t from 'tap'
import type { PlacementOutcomeRow } from '../../../src/db/schema.js'
import { problem } from '../../fixtures/problem.js'
import { bearer, buildTestApp, insertPupil, makeWorld } from '../../helper.js'

const objective = { description: 'Attend every session', baseline: '60%', target: '90%' }

/**
 * Apprenticeships sustained for 6 months at any time in the destination year (domain.md §5.3), end to end: the
 * March post-16 check takes the apprenticeship's run of months, and the outcomes report counts it as sustained.
 * Three Year 11 leavers went on 1 July 2026 (2025/26); their March 2027 checks are open.
 */
t.test('an apprenticeship held for six months counts as a sustained destination', async (t) => {
  const now = DateTime.fromISO('2027-05-04T10:00:00', { zone: 'Europe/London' })
  const { app, db } = await buildTestApp(t, { clock: () => now })
  const world = await makeWorld(db)
  const coordinator = bearer(world.own.tokens.coordinator)
  const leaver = async (serial: number, destination: NonNullable<PlacementOutcomeRow['destination']>) => {
    const pupil = await insertPupil(db, world.own, serial, { date_of_birth: '2010-03-14' })
    const p = await db
      .insertInto('placement')
      .values({
        pupil_id: pupil.id,
        pupil_home_la_code: world.own.laCode,
        la_code: world.own.laCode,
        tier: 3,
        provider_id: world.own.providerId,
        commissioner_type: 'LA',
        commissioner_school_id: null,
        legal_basis: 'LA_S19_OTHER',
        reason_code: 'OTHER',
        start_date: '2025-11-03',
        planned_end_date: null,
        end_date: '2026-06-30',
        status: 'ACTIVE',
        sessions_at_provider: 10,
        sessions_at_home_school: 0,
        registration: 'ON_HOME_ROLL',
        home_attendance_code: 'K',
        first_review_due_on: '2025-12-01',
        plan: JSON.stringify({
          objectives: [objective],
          reintegrationPlan: null,
          transitionPlan: 'College or apprenticeship',
          intendedPost16Route: 'Apprenticeship',
          readinessCriteria: null
        })
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const outcome = await db
      .insertInto('placement_outcome')
      .values({
        placement_id: p.id,
        code: 'POST16_TRANSITION',
        effective_date: '2026-07-01',
        destination,
        destination_provider_name: 'Stafford Training',
        recorded_by: 'test'
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await db.updateTable('placement').set({ status: 'ENDED', outcome_id: outcome.id }).where('id', '=', p.id).execute()
    await db
      .insertInto('outcome_follow_up')
      .values([
        {
          placement_id: p.id,
          checkpoint: 'POST16_OCTOBER',
          opens_on: '2026-10-01',
          due_on: '2026-10-31',
          status: 'RECORDED',
          participating: true,
          destination,
          met: true,
          recorded_on: '2026-10-05',
          recorded_by: 'test',
          recorded_role: 'provider'
        },
        { placement_id: p.id, checkpoint: 'POST16_MARCH', opens_on: '2027-03-01', due_on: '2027-03-31' }
      ])
      .execute()
    return p.id
  }
  const record = (id: string, checkpoint: string, payload: Record<string, unknown>) =>
    app.inject({
      method: 'POST',
      url: `/v1/placements/${id}/follow-ups/${checkpoint}/result`,
      headers: coordinator,
      payload
    })
  // Started the apprenticeship in November: 4 months of October–March in it (5 with March), 6 by the start of May.
  const november = await leaver(1, 'APPRENTICESHIP_L2')
  const short = await leaver(2, 'APPRENTICESHIP_L3_PLUS')
  const college = await leaver(3, 'FE_COLLEGE')

  const march = { participating: true, destination: 'APPRENTICESHIP_L2', monthsInEducation: 4, monthsInEmployment: 0 }
  problem(
    t,
    await record(november, 'POST16_MARCH', { ...march, apprenticeshipMonths: 13 }),
    400,
    '/apprenticeshipMonths',
    'maximum'
  )
  const pending = await db
    .selectFrom('outcome_follow_up')
    .select(['status', 'apprenticeship_months'])
    .where('placement_id', '=', november)
    .where('checkpoint', '=', 'POST16_MARCH')
    .executeTakeFirstOrThrow()
  t.same(pending, { status: 'PENDING', apprenticeship_months: null }, 'nothing written')

  const held = await record(november, 'POST16_MARCH', { ...march, apprenticeshipMonths: 6 })
  t.equal(held.statusCode, 201, held.body.slice(0, 300))
  t.match(
    held.json(),
    { met: true, reasons: [], result: { monthsInEducation: 4, apprenticeshipMonths: 6 } },
    'six months in a row in the year: sustained'
  )
  const notYet = await record(short, 'POST16_MARCH', {
    ...march,
    destination: 'APPRENTICESHIP_L3_PLUS',
    monthsInEducation: 3,
    apprenticeshipMonths: 3
  })
  t.match(notYet.json(), {
    met: false,
    reasons: [/3 month\(s\) in education/, /3 month\(s\) in a row in an apprenticeship/]
  })
  t.equal(
    (
      await record(college, 'POST16_MARCH', {
        participating: true,
        destination: 'FE_COLLEGE',
        monthsInEducation: 6,
        monthsInEmployment: 0
      })
    ).json().met,
    true
  )

  const report = await app.inject({
    method: 'GET',
    url: `/v1/local-authorities/${world.own.laCode}/reports/outcomes?academicYear=2025-26&view=internal`,
    headers: bearer(world.own.tokens.la_admin)
  })
  t.equal(report.statusCode, 200, report.body.slice(0, 300))
  t.match(
    report.json().total.post16Sustained,
    { numerator: 2, denominator: 3 },
    'the apprentice from November counts as sustained, beside the college student'
  )
})
