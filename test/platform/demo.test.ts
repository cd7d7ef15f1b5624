import t from 'tap'
import { seedDemo } from '../../src/bin/seed.js'
import { bearer, buildTestApp } from '../helper.js'

/* The demo is a living LA: a fresh database seeded as on first start, and each printed token sees something. */

t.test('the demo seed fills a living LA that every demo token can see', async (t) => {
  const { app, db } = await buildTestApp(t)
  const started = Date.now()
  const first = await seedDemo(db, { tokenDays: 90 })
  t.comment(`seeded in ${Date.now() - started} ms`)
  t.same(first.activity?.skipped, [], 'no step of the living LA was refused by a rule')
  const token = Object.fromEntries(first.tokens.map((x) => [x.role, bearer(x.token)]))
  const get = async (role: string, url: string) => {
    const res = await app.inject({ method: 'GET', url, headers: token[role] })
    t.equal(res.statusCode, 200, `${role} GET ${url}`)
    return res.json()
  }

  const worklist = await get('coordinator', '/v1/worklist?pageSize=100')
  const kinds = new Set((worklist.results as { kind: string }[]).map((i) => i.kind))
  for (const kind of ['REVIEW_DUE', 'REVIEW_OVERDUE', 'FOLLOW_UP_DUE'])
    t.ok(kinds.has(kind), `the coordinator's worklist has ${kind} (has ${[...kinds].join(', ')})`)
  const referrals = (await get('coordinator', '/v1/referrals?pageSize=100')).results as { status: string }[]
  t.ok(
    referrals.some((r) => r.status === 'SUBMITTED'),
    'referrals wait for a decision'
  )
  const placements = (await get('coordinator', '/v1/placements?pageSize=100')).results as {
    status: string
    tier: number
  }[]
  for (const status of ['PLANNED', 'ACTIVE', 'PAUSED', 'ENDED'])
    t.ok(
      placements.some((p) => p.status === status),
      `a ${status} placement`
    )
  for (const tier of [1, 2, 3])
    t.ok(
      placements.some((p) => p.tier === tier),
      `a Tier ${tier} placement`
    )

  const providerPlacements = (await get('provider', '/v1/placements?pageSize=100')).results as {
    id: string
    status: string
  }[]
  t.ok(providerPlacements.length > 0, 'the provider sees its placements')
  const marked = await Promise.all(
    providerPlacements
      .filter((p) => p.status === 'ACTIVE')
      .map((p) => get('provider', `/v1/placements/${p.id}/attendance`))
  )
  t.ok(
    marked.some(
      (a) => JSON.stringify(a).includes('ABSENT_UNAUTH') || /"unauthorised":\s*[1-9]/.test(JSON.stringify(a))
    ),
    'and their session marks, with unexplained absences'
  )

  t.ok(
    ((await get('school', '/v1/referrals?pageSize=100')).results as unknown[]).length > 0,
    'the school sees its referrals'
  )
  t.ok(
    ((await get('school', '/v1/placements?pageSize=100')).results as unknown[]).length > 0,
    "and its pupils' placements"
  )

  const report = await get('analyst', '/v1/local-authorities/919/reports/outcomes?academicYear=2026-27')
  // A demo LA is small: the published view withholds counts of 1-4 (suppressed), which shows they exist.
  t.ok(
    Object.values(report.total as Record<string, { denominator: number | null; suppressed: boolean }>).some(
      (m) => m.suppressed || (m.denominator ?? 0) > 0
    ),
    "the analyst's outcomes report counts the year's placements"
  )

  const alerts = await get('la_admin', '/v1/local-authorities/919/provider-alerts')
  t.ok((alerts.results as unknown[]).length > 0, 'the LA admin sees a provider over the registration threshold')

  const counts = async () =>
    Promise.all(
      ['referral', 'placement', 'review', 'attendance_mark', 'pupil'].map(async (table) =>
        Number(
          (
            await db
              .selectFrom(table as 'pupil')
              .select((eb) => eb.fn.countAll<string>().as('n'))
              .executeTakeFirstOrThrow()
          ).n
        )
      )
    )
  const before = await counts()
  const again = await seedDemo(db, { tokenDays: 90 })
  t.same(await counts(), before, 'seeding again adds nothing')
  t.equal(again.tokens.length, 5, 'and prints fresh tokens')
})
