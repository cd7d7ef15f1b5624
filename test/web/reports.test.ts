import t from 'tap'
import { DateTime } from 'luxon'
import { ZONE } from '../../src/platform/time.js'
import { bearer } from '../helper.js'
import { signedIn, textOf } from '../fixtures/pages.js'
import { acceptedReferral, activePlacement, newPupil, staffordshireWorld } from '../fixtures/world.js'

const clock = () => DateTime.fromISO('2026-01-20T10:00:00', { zone: ZONE })

t.test('the outcomes dashboard, compliance checks and exports, each for the roles the API serves', async (t) => {
  const w = await staffordshireWorld(t, clock)
  const own = w.world.own
  const pupil = await newPupil(w)
  const placement = await activePlacement(w, (await acceptedReferral(w, pupil.id, { receivedOn: '2025-10-20' })).id)
  const marked = await w.app.inject({
    method: 'POST',
    url: '/v1/attendance/marks',
    headers: bearer(own.tokens.provider),
    payload: { marks: [{ pupilId: pupil.id, date: '2026-01-19', session: 'AM', code: 'PRESENT' }] }
  })
  t.equal(marked.statusCode, 200, 'one placement with a baseline and a mark: a count of 1, withheld')

  const analyst = await signedIn(w.app, w.db, { role: 'analyst', laCode: own.laCode })
  const dashboard = await analyst.get('/dashboard?academicYear=2025-26&groupBy=tier')
  t.equal(dashboard.statusCode, 200)
  const html = dashboard.body
  const text = textOf(html)
  t.match(text, 'AP outcomes, 2025/26')
  t.equal((html.match(/<h1/g) ?? []).length, 1)
  for (const h2 of ['Outreach (Tier 1)', 'Attendance', 'Reintegration', 'Attainment', 'Post-16'])
    t.match(html, new RegExp(`<h2 class="govuk-heading-l" id="[a-z0-9]+">${h2.replace(/[()]/g, '\\$&')}</h2>`))
  const svgs = html.match(/<svg [^>]*class="app-chart"[^>]*role="img"[^>]*aria-label="[^"]+"/g) ?? []
  t.equal(svgs.length, 14, 'a chart with a text alternative for every measure of the five outcomes')
  t.equal((html.match(/<table class="govuk-table" id="table-/g) ?? []).length, 14, 'and its table')
  t.notMatch(html, /\sstyle=/, 'no style attributes (CSP)')

  const api = await w.app.inject({
    url: `/v1/local-authorities/${own.laCode}/reports/outcomes?academicYear=2025-26&groupBy=tier`,
    headers: bearer(own.tokens.analyst)
  })
  const report = api.json()
  t.equal(report.total.attendanceImproved.suppressed, true, 'the API withholds the small count')
  const table = html.slice(
    html.indexOf('id="table-attendanceImproved"'),
    html.indexOf('</table>', html.indexOf('id="table-attendanceImproved"'))
  )
  t.match(textOf(table), /All placements Suppressed Suppressed Suppressed/)
  t.notMatch(textOf(table), /All placements [0-9]/, 'never a number for a withheld cell')
  const chart = /<svg [^>]*id="chart-attendanceImproved"[\s\S]*?<\/svg>/.exec(html)?.[0] ?? ''
  t.match(chart, /All placements: suppressed/)
  t.match(
    chart,
    /<g class="app-chart__bar app-chart__bar--suppressed"><text[^>]*>All placements<\/text><text[^>]*>suppressed<\/text><\/g>/
  )
  t.notMatch(chart, /<rect/, 'no bar for a withheld rate')

  const unbroken = await analyst.get('/dashboard?academicYear=2025-26&groupBy=')
  t.equal(unbroken.statusCode, 200)
  t.match(textOf(unbroken.body), 'All Suppressed Suppressed Suppressed')
  t.equal((await analyst.get('/dashboard?academicYear=2025-26&groupBy=colour')).statusCode, 400)
  t.equal(
    (await analyst.get('/dashboard?academicYear=2025-26&view=internal')).statusCode,
    403,
    'internal figures are the administrator’s'
  )
  const admin = await signedIn(w.app, w.db, { role: 'la_admin', laCode: own.laCode })
  const internal = await admin.get('/dashboard?academicYear=2025-26&groupBy=tier&view=internal')
  t.equal(internal.statusCode, 200)
  t.match(textOf(internal.body), /All placements 1 1 100%/, 'the administrator may see the unsuppressed count')

  const school = await signedIn(w.app, w.db, { role: 'school', laCode: own.laCode, schoolId: own.schoolId })
  t.equal((await school.get('/dashboard')).statusCode, 403, 'a school does not see the LA’s reports')

  // Compliance: each check with its count, and the records behind one.
  const compliance = await analyst.get('/compliance')
  t.equal(compliance.statusCode, 200)
  const checks = (
    await w.app.inject({
      url: `/v1/local-authorities/${own.laCode}/reports/compliance`,
      headers: bearer(own.tokens.analyst)
    })
  ).json().checks as { kind: string; count: number; items: { placementId: string | null; detail: string }[] }[]
  t.equal((compliance.body.match(/<tr class="govuk-table__row">/g) ?? []).length, checks.length + 1, 'a row a check')
  const failing = checks.find((c) => c.count > 0 && c.items.some((i) => i.placementId))
  t.ok(failing, 'a check with a placement behind it')
  const slug = failing!.kind.toLowerCase().replace(/_/g, '-')
  t.ok(compliance.body.includes(`href="/compliance/${slug}"`), 'each failing check opens its records')
  const drill = await analyst.get(`/compliance/${slug}`)
  t.equal(drill.statusCode, 200)
  t.match(textOf(drill.body), `Placement ${placement.id}`)
  t.match(textOf(drill.body), failing!.items[0]!.detail)
  t.notMatch(drill.body, /href="\/placements\//, 'an analyst gets no link to a record it cannot open')
  const coordinator = await signedIn(w.app, w.db, { role: 'coordinator', laCode: own.laCode })
  const linked = await coordinator.get(`/compliance/${slug}`)
  t.ok(linked.body.includes(`href="/placements/${placement.id}"`), 'the coordinator can open the placement')
  t.equal((await analyst.get('/compliance/no-such-check')).statusCode, 404)

  // Exports: the export API serves the coordinator only.
  const exports = await coordinator.get('/exports?academicYear=2025-26')
  t.equal(exports.statusCode, 200)
  t.ok(exports.body.includes('href="/exports/census.csv?academicYear=2025-26"'))
  const csv = await coordinator.get('/exports/census.csv?academicYear=2025-26')
  t.equal(csv.statusCode, 200)
  t.match(csv.headers['content-type'], /^text\/csv/)
  t.equal(csv.headers['content-disposition'], `attachment; filename="${own.laCode}-census-2025-26.csv"`)
  const direct = await w.app.inject({
    url: `/v1/local-authorities/${own.laCode}/exports/census?format=csv&academicYear=2025-26`,
    headers: bearer(own.tokens.coordinator)
  })
  t.equal(csv.body.split('\r\n')[0], direct.body.split('\r\n')[0], 'the API’s header line')
  t.match(csv.body, new RegExp(`\\r\\n${placement.id},`), 'and its rows')
  t.equal((await analyst.get('/exports')).statusCode, 403, 'exports hold pupil identities: not for analysts')
  t.equal((await coordinator.get('/exports/pupils.csv')).statusCode, 400)

  // The analyst's own download: the dashboard's figures, suppressed cells in words.
  const figures = await analyst.get('/dashboard.csv?academicYear=2025-26&groupBy=tier')
  t.equal(figures.statusCode, 200)
  t.match(figures.headers['content-type'], /^text\/csv/)
  t.equal(figures.headers['content-disposition'], `attachment; filename="${own.laCode}-ap-outcomes-2025-26.csv"`)
  const lines = figures.body.replace(/^\uFEFF/, '').split('\r\n')
  t.equal(lines[0], 'academic_year,outcome,measure,grouping,group,numerator,denominator,rate_pct')
  t.ok(
    lines.some((l) => l.includes(',suppressed,suppressed,suppressed')),
    'a suppressed cell reads suppressed'
  )
  t.equal((await coordinator.get('/dashboard.csv')).statusCode, 403, 'the dashboard is the analysts’')
})
