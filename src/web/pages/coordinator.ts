import type { FastifyInstance } from 'fastify'
import { type Static, Type } from 'typebox'
import { WORK_KINDS, type WorkPage } from '../../views/worklist/worklist.schemas.js'
import { words } from '../filters.js'
import { organisations, pupilNames, queryString, selectItems } from '../lookups.js'
import { apiOf, page, principalOfPage, renderPage } from '../page.js'

const WorklistFilters = Type.Object(
  {
    kind: Type.Optional(Type.Union([Type.Literal(''), ...WORK_KINDS.map((k) => Type.Literal(k))])),
    schoolId: Type.Optional(Type.String({ pattern: '^[0-9]{0,18}$' })),
    providerId: Type.Optional(Type.String({ pattern: '^[0-9]{0,18}$' })),
    tier: Type.Optional(Type.String({ pattern: '^[123]?$' })),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 }))
  },
  { additionalProperties: false }
)

/** The worklist: the coordinator's home, and a school's and provider's list of what is due. */
export async function coordinatorPages(app: FastifyInstance) {
  app.get(
    '/worklist',
    { config: page(['coordinator', 'school', 'provider']), schema: { querystring: WorklistFilters } },
    async (request, reply) => {
      const q = request.query as { kind?: string; schoolId?: string; providerId?: string; tier?: string; page?: number }
      const api = apiOf(app, request)
      const role = principalOfPage(request).role
      const filters = {
        kind: q.kind || undefined,
        schoolId: q.schoolId || undefined,
        providerId: q.providerId || undefined,
        tier: q.tier || undefined
      }
      const [list, orgs] = await Promise.all([
        api.get<Static<typeof WorkPage>>(`/v1/worklist${queryString({ ...filters, page: q.page ?? 1, pageSize: 50 })}`),
        organisations(api, { schools: role === 'coordinator', providers: role !== 'provider' })
      ])
      const names = await pupilNames(
        api,
        list.results.map((i) => i.pupilId)
      )
      // The whole list's counts (every page), in the worklist's order of urgency.
      const counts = WORK_KINDS.filter((kind) => list.countsByKind[kind]).map((kind) => ({
        kind,
        count: list.countsByKind[kind]!,
        overdue: /OVERDUE|BREACHED|PASSED|ABSENCE/.test(kind)
      }))

      const rows = list.results.map((item) => ({
        ...item,
        pupilName: names.get(item.pupilId) ?? `Pupil ${item.pupilId}`,
        href: item.placementId
          ? `/placements/${item.placementId}`
          : item.referralId
            ? `/referrals/${item.referralId}`
            : `/pupils/${item.pupilId}`,
        overdue: item.overdueSchoolDays > 0 || /OVERDUE|BREACHED|PASSED|ABSENCE/.test(item.kind),
        school: item.schoolId ? orgs.schools.get(item.schoolId) : undefined,
        provider: item.providerId ? orgs.providers.get(item.providerId) : undefined
      }))
      const pageNo = list.paging.page
      return renderPage(request, reply, 'worklist.njk', {
        title: 'Worklist',
        rows,
        paging: list.paging,
        counts: [...counts.filter((c) => c.overdue), ...counts.filter((c) => !c.overdue)],
        filters,
        kindItems: [
          { value: '', text: 'All kinds', selected: !filters.kind },
          ...WORK_KINDS.map((k) => ({ value: k, text: words(k), selected: k === filters.kind }))
        ],
        schoolItems: role === 'coordinator' ? selectItems(orgs.schools, filters.schoolId, 'All schools') : null,
        providerItems: role !== 'provider' ? selectItems(orgs.providers, filters.providerId, 'All providers') : null,
        tierItems: [
          { value: '', text: 'All tiers', selected: !filters.tier },
          ...['1', '2', '3'].map((t) => ({ value: t, text: `Tier ${t}`, selected: t === filters.tier }))
        ],
        previous: pageNo > 1 ? `/worklist${queryString({ ...filters, page: pageNo - 1 })}` : null,
        next: pageNo < list.paging.totalPages ? `/worklist${queryString({ ...filters, page: pageNo + 1 })}` : null
      })
    }
  )
}
