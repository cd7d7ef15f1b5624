import type { FastifyInstance } from 'fastify'
import { type Kysely, sql } from 'kysely'
import { DateTime } from 'luxon'
import type { DB } from '../src/db/schema.js'
import { upnCheckLetter } from '../src/domain/identifiers.js'

/**
 * Data for the placement benchmarks, in LA `laCode`: a provider with room for everything, a pool of pupils
 * with accepted referrals (one POST /v1/placements each), a pool of pupils for the bare insert, and
 * `active` ACTIVE placements to list. Bulk SQL, so seeding thousands takes a second or two.
 */
export interface PlacementFixture {
  providerId: string
  referralIds: string[]
  barePupilIds: string[]
}

const OBJECTIVE = { description: 'Attend every session', baseline: '60%', target: '90%' }
export const placementRequestBody = (referralId: string, providerId: string) =>
  JSON.stringify({
    referralId,
    providerId,
    startDate: '2026-01-05',
    plannedEndDate: '2026-03-27',
    sessionsAtProvider: 8,
    sessionsAtHomeSchool: 2,
    registration: 'ON_HOME_ROLL',
    laNotifiedOn: '2025-12-01',
    plan: { objectives: [OBJECTIVE], reintegrationPlan: 'Phased return' }
  })

async function pupils(
  db: Kysely<DB>,
  laCode: string,
  schoolId: string,
  prefix: string,
  count: number
): Promise<string[]> {
  const rows = Array.from({ length: count }, (_, i) => {
    const body = `${laCode}${prefix}${String(i).padStart(9 - prefix.length, '0')}`
    return {
      upn: upnCheckLetter(body) + body,
      legal_forename: 'Bench',
      legal_surname: `Pupil ${prefix}${i}`,
      date_of_birth: '2012-05-01',
      sex: 'U' as const,
      home_school_id: schoolId,
      home_la_code: laCode
    }
  })
  const ids: string[] = []
  for (let i = 0; i < rows.length; i += 1000) {
    const inserted = await db
      .insertInto('pupil')
      .values(rows.slice(i, i + 1000))
      .onConflict((oc) => oc.column('upn').doNothing())
      .returning('id')
      .execute()
    ids.push(...inserted.map((r) => r.id))
  }
  return ids
}

export async function seedPlacementFixture(
  db: Kysely<DB>,
  laCode: string,
  schoolId: string,
  sizes: { create: number; active: number }
): Promise<PlacementFixture> {
  // A fresh run tag keeps pupils unique when a PostgreSQL benchmark database is reused.
  const tag = String(Date.now() % 97)
  const provider = await db
    .insertInto('provider')
    .values({
      name: `Benchmark PRU ${tag}`,
      la_code: laCode,
      setting_type: 'OTH',
      registration_status: 'UNREGISTERED',
      safeguarding_confirmed_on: '2025-09-01'
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db
    .insertInto('provider_tier')
    .values([1, 2, 3].map((tier) => ({ provider_id: provider.id, tier, places: 100_000 })))
    .execute()

  const referralPupils = await pupils(db, laCode, schoolId, `${tag}1`, sizes.create)
  const referralIds: string[] = []
  for (let i = 0; i < referralPupils.length; i += 1000) {
    const rows = await db
      .insertInto('referral')
      .values(
        referralPupils.slice(i, i + 1000).map((pupilId) => ({
          pupil_id: pupilId,
          la_code: laCode,
          referring_school_id: schoolId,
          requested_tier: 2,
          legal_basis: 'SCHOOL_COMMISSIONED',
          reason_code: 'BEH',
          proposed_objectives: JSON.stringify([OBJECTIVE]),
          exclusions: '[]',
          status: 'ACCEPTED',
          submitted_on: '2025-12-01',
          decision_due_on: '2025-12-15'
        }))
      )
      .returning('id')
      .execute()
    referralIds.push(...rows.map((r) => r.id))
  }
  const barePupilIds = await pupils(db, laCode, schoolId, `${tag}2`, sizes.create)

  const activePupils = await pupils(db, laCode, schoolId, `${tag}3`, sizes.active)
  // Review and end dates spread around today, so a worklist has overdue, due-soon and later items.
  const today = DateTime.now().setZone('Europe/London').startOf('day')
  const around = (n: number, from: number, span: number) => today.plus({ days: from + (n % span) }).toISODate()!
  for (let i = 0; i < activePupils.length; i += 1000) {
    await db
      .insertInto('placement')
      .values(
        activePupils
          .slice(i, i + 1000)
          .map((pupilId, k) => ({ n: i + k, pupilId }))
          .map(({ pupilId, n }) => ({
            pupil_id: pupilId,
            pupil_home_la_code: laCode,
            la_code: laCode,
            tier: 2,
            provider_id: provider.id,
            commissioner_type: 'SCHOOL',
            commissioner_school_id: schoolId,
            legal_basis: 'SCHOOL_COMMISSIONED',
            reason_code: 'BEH',
            start_date: `2025-${String(9 + (n % 3)).padStart(2, '0')}-0${1 + (n % 8)}`,
            planned_end_date: around(n, -10, 150),
            status: 'ACTIVE',
            sessions_at_provider: 8,
            sessions_at_home_school: 2,
            registration: 'ON_HOME_ROLL',
            home_attendance_code: 'B',
            first_review_due_on: '2025-12-01',
            la_notified_on: '2025-09-01',
            next_review_due_on: around(n, -20, 60),
            next_review_rule: 'MAX_GAP',
            plan: JSON.stringify({
              objectives: [OBJECTIVE],
              reintegrationPlan: 'Phased return',
              transitionPlan: null,
              intendedPost16Route: null,
              readinessCriteria: null
            })
          }))
      )
      .execute()
  }
  return { providerId: provider.id, referralIds, barePupilIds }
}

/** Bare baselines: one INSERT of a placement row; the hand-written page of an LA's active placements. */
export function registerPlacementBaselines(
  bare: FastifyInstance,
  db: Kysely<DB>,
  laCode: string,
  fx: PlacementFixture,
  schoolId: string
) {
  let next = 0
  bare.post('/placements', async (_request, reply) => {
    // Once every pupil of the pool has a placement, further rows are recorded as cancelled so the
    // no-overlap constraint does not refuse them; the INSERT is the same work either way.
    const status = next >= fx.barePupilIds.length ? 'CANCELLED' : 'PLANNED'
    const pupilId = fx.barePupilIds[next++ % fx.barePupilIds.length]!
    const row = await sql<{ id: string }>`
      insert into placement (pupil_id, pupil_home_la_code, la_code, tier, provider_id, commissioner_type,
        commissioner_school_id, legal_basis,
        reason_code, start_date, planned_end_date, sessions_at_provider, sessions_at_home_school, registration,
          home_attendance_code, plan, first_review_due_on, status)
      values (${pupilId}, ${laCode}, ${laCode}, 2, ${fx.providerId}, 'SCHOOL', ${schoolId}, 'SCHOOL_COMMISSIONED',
        'BEH', '2026-01-05', '2026-03-27', 8, 2,
        'ON_HOME_ROLL', 'B', ${JSON.stringify({ objectives: [OBJECTIVE] })}, '2026-02-02', ${status})
      returning id`.execute(db)
    return reply.code(201).send({ id: row.rows[0]!.id })
  })
  bare.get('/worklist', async () => {
    // The worklist's placement items as one hand-written query: reviews overdue or due within ~10 school days,
    // planned ends within ~4 school weeks or passed; most overdue first, a page of 20 with the total.
    const today = DateTime.now().setZone('Europe/London').toISODate()!
    const review = DateTime.now().plus({ days: 14 }).toISODate()!
    const end = DateTime.now().plus({ days: 28 }).toISODate()!
    const items = sql`
      select id, pupil_id, provider_id, tier, next_review_due_on as due,
        case when next_review_due_on < ${today} then 'REVIEW_OVERDUE' else 'REVIEW_DUE' end as kind
      from placement where la_code = ${laCode} and status = 'ACTIVE' and next_review_due_on <= ${review}
      union all
      select id, pupil_id, provider_id, tier, planned_end_date as due,
        case when planned_end_date < ${today} then 'PLANNED_END_PASSED' else 'PLANNED_END_SOON' end as kind
      from placement where la_code = ${laCode} and status in ('ACTIVE', 'PAUSED') and planned_end_date <= ${end}`
    const [page, count] = await Promise.all([
      sql`select * from (${items}) w order by due, kind, id limit 20`.execute(db),
      sql<{ total: string }>`select count(*) as total from (${items}) w`.execute(db)
    ])
    return { results: page.rows, total: Number(count.rows[0]!.total) }
  })
  bare.get('/placements', async () => {
    const [count, rows] = await Promise.all([
      sql<{
        total: string
      }>`select count(*) as total from placement where la_code = ${laCode} and status = 'ACTIVE'`.execute(db),
      sql`select * from placement where la_code = ${laCode} and status = 'ACTIVE' order by start_date desc, id desc
        limit 50`.execute(db)
    ])
    return { results: rows.rows, total: Number(count.rows[0]!.total) }
  })
}
