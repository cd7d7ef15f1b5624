import type { FastifyInstance } from 'fastify'
import { stringify } from 'csv-stringify/sync'
import { Type } from 'typebox'
import { academicYearLabel } from '../../domain/calendar.js'
import { ZONE } from '../../platform/time.js'
import {
  COMPLIANCE_KINDS,
  GROUPINGS,
  type ComplianceReport,
  type MeasureName,
  type OutcomesReport
} from '../../views/reports/reports.schemas.js'
import { PageError, type Problem } from '../api.js'
import { barChart, type Bar } from '../charts.js'
import { words } from '../filters.js'
import { organisations, queryString } from '../lookups.js'
import { apiOf, page, principalOfPage, renderPage } from '../page.js'

/** The five AP outcomes, each with the measures the outcomes report gives for it. */
export const OUTCOMES: { id: string; title: string; measures: { name: MeasureName; title: string }[] }[] = [
  {
    id: 'outreach',
    title: 'Outreach (Tier 1)',
    measures: [
      { name: 'outreachHeldOneTerm', title: 'Held at the +1 term check' },
      { name: 'outreachHeldTwoTerms', title: 'Held at the +2 terms check' }
    ]
  },
  {
    id: 'attendance',
    title: 'Attendance',
    measures: [
      { name: 'attendanceImproved', title: 'Attendance improved on the baseline' },
      { name: 'leftPersistentAbsence', title: 'Left persistent absence' }
    ]
  },
  {
    id: 'reintegration',
    title: 'Reintegration',
    measures: [
      { name: 'reintegrated', title: 'Tier 2 placements closed with a reintegration' },
      { name: 'reintegrationSustainedTwoTerms', title: 'Reintegration sustained at +2 terms' }
    ]
  },
  {
    id: 'attainment',
    title: 'Attainment',
    measures: [
      { name: 'englishImproved', title: 'English improved on the baseline' },
      { name: 'mathsImproved', title: 'Maths improved on the baseline' },
      { name: 'englishGrade4', title: 'English GCSE grade 4 or above' },
      { name: 'mathsGrade4', title: 'Maths GCSE grade 4 or above' }
    ]
  },
  {
    id: 'post16',
    title: 'Post-16',
    measures: [
      { name: 'post16Destination', title: 'Destination in education, training or employment' },
      { name: 'post16Sustained', title: 'Destination sustained October to March' },
      { name: 'post16Neet', title: 'Not in education, employment or training (NEET)' },
      { name: 'post16NotKnown', title: 'Destination not known' }
    ]
  }
]

const GROUP_TEXT: Record<(typeof GROUPINGS)[number], string> = {
  tier: 'Tier',
  provider: 'Provider',
  school: 'School',
  sen: 'SEN provision',
  fsm: 'Free school meals',
  looked_after: 'Looked after',
  sex: 'Sex',
  nc_year: 'NC year',
  ethnicity: 'Ethnicity'
}

const SEN_TEXT: Record<string, string> = { E: 'EHC plan (E)', K: 'SEN support (K)', N: 'No SEN (N)' }

/** The academic year `YYYY-YY` holding a date, and the four before it. */
export function recentYears(today: { year: number; month: number }, count = 5): string[] {
  const start = today.month >= 9 ? today.year : today.year - 1
  return Array.from({ length: count }, (_, i) => academicYearLabel(start - i).replace('/', '-'))
}

const DashboardQuery = Type.Object(
  {
    academicYear: Type.Optional(Type.String({ pattern: '^(19|20)[0-9]{2}-[0-9]{2}$' })),
    groupBy: Type.Optional(Type.Union([Type.Literal(''), ...GROUPINGS.map((g) => Type.Literal(g))])),
    view: Type.Optional(Type.Union([Type.Literal('published'), Type.Literal('internal')]))
  },
  { additionalProperties: false }
)

const CHECK_TITLES: Record<(typeof COMPLIANCE_KINDS)[number], string> = {
  REVIEW_OVERDUE: 'Reviews overdue',
  NO_OBJECTIVES_OR_PLAN: 'No objectives or plan',
  NO_BASELINE: 'No attendance baseline',
  SIXTH_DAY_BREACHED: 'Sixth-day provision late',
  OFF_SITE_NOTICE_LATE: 'Off-site direction notice late',
  PART_TIME_TIMETABLE: 'Part-time timetables',
  PROVIDER_OVER_REGISTRATION_THRESHOLD: 'Providers over the registration threshold',
  SAFEGUARDING_NOT_CONFIRMED: 'Safeguarding not confirmed',
  NOT_NOTIFIED_TO_LA: 'Not notified to the LA',
  OUTCOME_MISSING: 'Outcomes missing',
  FOLLOW_UP_OVERDUE: 'Follow-up checks overdue'
}
const checkTitle = (kind: string) => CHECK_TITLES[kind as keyof typeof CHECK_TITLES] ?? words(kind)
const checkSlug = (kind: string) => kind.toLowerCase().replace(/_/g, '-')
const CHECK_SLUGS = COMPLIANCE_KINDS.map(checkSlug)

const EXPORTS = [
  {
    kind: 'placements',
    title: 'Placements',
    description: 'Every placement running in the year, with its tier, status, provider, dates, sessions and outcome.'
  },
  {
    kind: 'outcomes',
    title: 'Outcomes',
    description:
      'Placements whose outcome took effect in the year: the outcome, receiving school or destination, ' +
      'September Guarantee status and follow-up checks.'
  },
  {
    kind: 'census',
    title: 'Census',
    description:
      'School census AP placement module and AP census items: Tier 2 and 3 placements that ran in the year, ' +
      'with UPN and ULN checks.'
  }
] as const
const ExportsQuery = Type.Object(
  { academicYear: Type.Optional(Type.String({ pattern: '^(19|20)[0-9]{2}-[0-9]{2}$' })) },
  { additionalProperties: false }
)

type Measure = OutcomesReport['total'][MeasureName]

/** A measure's cell for the table: the figures, or "Suppressed" in words. */
const cellOf = (key: string, label: string, m: Measure) => ({
  key,
  label,
  suppressed: m.suppressed,
  numerator: m.numerator,
  denominator: m.denominator,
  rate: m.rate
})

/**
 * The LA's reports for its analysts and administrators: the five AP outcomes as charts with their tables,
 * the compliance checks with the records behind each count, and (for the coordinator, the only role the
 * export API serves) the CSV exports.
 */
export async function analystPages(app: FastifyInstance) {
  const thisYear = () => {
    const now = app.clock().setZone(ZONE)
    return recentYears({ year: now.year, month: now.month })
  }

  app.get(
    '/dashboard',
    { config: page(['analyst', 'la_admin']), schema: { querystring: DashboardQuery } },
    async (request, reply) => {
      const q = request.query as { academicYear?: string; groupBy?: string; view?: string }
      const principal = principalOfPage(request)
      const api = apiOf(app, request)
      const years = thisYear()
      const academicYear = q.academicYear ?? years[0]!
      const groupBy = q.groupBy ?? 'tier'
      // The unsuppressed view is the administrator's; the API refuses it to anyone else (403).
      const view = q.view === 'internal' ? 'internal' : undefined
      const [report, orgs] = await Promise.all([
        api.get<OutcomesReport>(
          `/v1/local-authorities/${principal.laCode}/reports/outcomes${queryString({
            academicYear,
            groupBy: groupBy || undefined,
            view
          })}`
        ),
        organisations(api, { schools: groupBy === 'school', providers: groupBy === 'provider' })
      ])
      const groupLabel = (key: string): string => {
        if (groupBy === 'provider') return orgs.providers.get(key) ?? `Provider ${key}`
        if (groupBy === 'school') return key === 'none' ? 'No school' : (orgs.schools.get(key) ?? `School ${key}`)
        if (groupBy === 'sen') return SEN_TEXT[key] ?? key
        if (groupBy === 'sex') return key === 'F' ? 'Female' : key === 'M' ? 'Male' : key
        return key.charAt(0).toUpperCase() + key.slice(1)
      }
      const outcomes = OUTCOMES.map((o) => ({
        id: o.id,
        title: o.title,
        measures: o.measures.map((m, i) => {
          const cells = [
            ...report.groups.map((g) => cellOf(g.key, groupLabel(g.key), g.measures[m.name])),
            cellOf('total', report.groups.length ? 'All placements' : 'All', report.total[m.name])
          ]
          const bars: Bar[] = cells.map((c) => ({
            label: c.label,
            value: c.rate,
            suppressed: c.suppressed,
            emphasis: c.key === 'total' && cells.length > 1
          }))
          return {
            id: `${o.id}-${i + 1}`,
            name: m.name,
            title: m.title,
            definition: report.definitions[m.name],
            cells,
            chart: barChart({
              id: `chart-${m.name}`,
              title: `${m.title}, ${academicYear.replace('-', '/')}, rate by group`,
              bars
            })
          }
        })
      }))
      return renderPage(request, reply, 'reports/dashboard.njk', {
        title: `AP outcomes, ${academicYear.replace('-', '/')}`,
        report,
        outcomes,
        academicYear,
        groupBy,
        groupText: groupBy ? GROUP_TEXT[groupBy as keyof typeof GROUP_TEXT] : null,
        internal: view === 'internal',
        yearItems: [...new Set([academicYear, ...years])]
          .sort()
          .reverse()
          .map((y) => ({
            value: y,
            text: y.replace('-', '/'),
            selected: y === academicYear
          })),
        groupItems: [
          { value: '', text: 'No breakdown (all placements)', selected: groupBy === '' },
          ...GROUPINGS.map((g) => ({ value: g, text: GROUP_TEXT[g], selected: g === groupBy }))
        ],
        viewItems:
          principal.role === 'la_admin'
            ? [
                { value: 'published', text: 'Published (small numbers suppressed)', selected: !view },
                { value: 'internal', text: 'Internal (unsuppressed, audited)', selected: view === 'internal' }
              ]
            : null
      })
    }
  )

  // The dashboard's figures as CSV: one row per outcome measure and group, suppressed cells as "suppressed" (never
  // the number), for a spreadsheet. It reads the same report the page shows, so the same suppression and audit.
  app.get(
    '/dashboard.csv',
    { config: page(['analyst', 'la_admin']), schema: { querystring: DashboardQuery } },
    async (request, reply) => {
      const q = request.query as { academicYear?: string; groupBy?: string; view?: string }
      const principal = principalOfPage(request)
      const academicYear = q.academicYear ?? thisYear()[0]!
      const groupBy = q.groupBy ?? 'tier'
      const view = q.view === 'internal' ? 'internal' : undefined
      const report = await apiOf(app, request).get<OutcomesReport>(
        `/v1/local-authorities/${principal.laCode}/reports/outcomes${queryString({
          academicYear,
          groupBy: groupBy || undefined,
          view
        })}`
      )
      const figure = (n: number | null | undefined, suppressed: boolean) =>
        suppressed ? 'suppressed' : n === null || n === undefined ? '' : String(n)
      const rows = OUTCOMES.flatMap((o) =>
        o.measures.flatMap((m) =>
          [
            ...report.groups.map((g) => ({ key: g.key, m: g.measures[m.name] })),
            { key: 'total', m: report.total[m.name] }
          ].map(({ key, m: cell }) => [
            academicYear,
            o.title,
            m.title,
            groupBy || 'all',
            key,
            figure(cell.numerator, cell.suppressed),
            figure(cell.denominator, cell.suppressed),
            figure(cell.rate, cell.suppressed)
          ])
        )
      )
      const csv = stringify(rows, {
        header: true,
        columns: ['academic_year', 'outcome', 'measure', 'grouping', 'group', 'numerator', 'denominator', 'rate_pct'],
        bom: true,
        record_delimiter: 'windows'
      })
      return reply
        .type('text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="${principal.laCode}-ap-outcomes-${academicYear}${view ? '-internal' : ''}.csv"`
        )
        .send(csv)
    }
  )

  const complianceRoles = ['analyst', 'la_admin', 'coordinator'] as const

  app.get('/compliance', { config: page(complianceRoles) }, async (request, reply) => {
    const principal = principalOfPage(request)
    const report = await apiOf(app, request).get<ComplianceReport>(
      `/v1/local-authorities/${principal.laCode}/reports/compliance`
    )
    return renderPage(request, reply, 'reports/compliance.njk', {
      title: 'Compliance checks',
      report,
      checks: report.checks.map((c) => ({ ...c, href: `/compliance/${checkSlug(c.kind)}`, title: checkTitle(c.kind) })),
      total: report.checks.reduce((n, c) => n + c.count, 0)
    })
  })

  app.get(
    '/compliance/:check',
    {
      config: page(complianceRoles),
      schema: {
        params: Type.Object({ check: Type.String({ pattern: '^[a-z-]{1,60}$' }) }, { additionalProperties: false })
      }
    },
    async (request, reply) => {
      const { check } = request.params as { check: string }
      if (!CHECK_SLUGS.includes(check)) throw new PageError(404, { status: 404, title: 'Not found' })
      const principal = principalOfPage(request)
      const api = apiOf(app, request)
      const [report, orgs] = await Promise.all([
        api.get<ComplianceReport>(`/v1/local-authorities/${principal.laCode}/reports/compliance`),
        organisations(api, { schools: true, providers: true })
      ])
      const found = report.checks.find((c) => checkSlug(c.kind) === check)
      if (!found) throw new PageError(404, { status: 404, title: 'Not found' })
      // Only the coordinator may open placement and referral records; for the others the ids stay text.
      const linked = principal.role === 'coordinator'
      const title = checkTitle(found.kind)
      return renderPage(request, reply, 'reports/compliance-check.njk', {
        title: `Compliance: ${title}`,
        breadcrumbs: [{ text: 'Compliance checks', href: '/compliance' }],
        check: found,
        checkTitle: title,
        asOf: report.asOf,
        linked,
        items: found.items.map((i) => ({
          ...i,
          provider: i.providerId ? (orgs.providers.get(i.providerId) ?? `Provider ${i.providerId}`) : null,
          school: i.schoolId ? (orgs.schools.get(i.schoolId) ?? `School ${i.schoolId}`) : null
        }))
      })
    }
  )

  app.get(
    '/exports',
    { config: page(['coordinator']), schema: { querystring: ExportsQuery } },
    async (request, reply) => {
      const q = request.query as { academicYear?: string }
      const years = thisYear()
      const academicYear = q.academicYear ?? years[0]!
      return renderPage(request, reply, 'reports/exports.njk', {
        title: 'Exports',
        academicYear,
        yearText: academicYear.replace('-', '/'),
        yearItems: [...new Set([academicYear, ...years])]
          .sort()
          .reverse()
          .map((y) => ({
            value: y,
            text: y.replace('-', '/'),
            selected: y === academicYear
          })),
        exports: EXPORTS.map((e) => ({ ...e, href: `/exports/${e.kind}.csv${queryString({ academicYear })}` }))
      })
    }
  )

  app.get(
    '/exports/:file',
    {
      config: page(['coordinator']),
      schema: {
        params: Type.Object(
          { file: Type.Union(EXPORTS.map((e) => Type.Literal(`${e.kind}.csv`))) },
          { additionalProperties: false }
        ),
        querystring: ExportsQuery
      }
    },
    async (request, reply) => {
      const kind = (request.params as { file: string }).file.replace(/\.csv$/, '')
      const q = request.query as { academicYear?: string }
      const principal = principalOfPage(request)
      const answer = await apiOf(app, request).call(
        'GET',
        `/v1/local-authorities/${principal.laCode}/exports/${kind}${queryString({
          format: 'csv',
          academicYear: q.academicYear
        })}`
      )
      if (answer.status >= 300)
        throw new PageError(answer.status, (answer.body ?? { status: answer.status }) as Problem)
      const name = `${principal.laCode}-${kind}${q.academicYear ? `-${q.academicYear}` : ''}.csv`
      return reply
        .type(answer.contentType || 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}"`)
        .send(answer.text)
    }
  )
}
