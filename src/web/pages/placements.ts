import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { DateTime } from 'luxon'
import { Type } from 'typebox'
import { ZONE } from '../../platform/time.js'
import type { PageApi, Problem } from '../api.js'
import { compact, date, errorsFromProblem, type FieldSpec, type FormErrors, number, text } from '../forms.js'
import { words } from '../filters.js'
import { organisations, organisationsById, pupilNames, queryString, selectItems } from '../lookups.js'
import { apiOf, page, principalOfPage, renderPage } from '../page.js'
import type { Paging } from '../../platform/schemas.js'

/**
 * Placements: the list (a provider's home), one placement's page with everything the API says about it, and the
 * coordinator's lifecycle forms (activate, pause, resume, escalate, step down, cancel). Every read and write goes
 * through the API as the signed-in user.
 */

const READERS = page(['coordinator', 'school', 'provider'])
const COORDINATOR = page(['coordinator'])
const STATUSES = ['PLANNED', 'ACTIVE', 'PAUSED', 'ENDED', 'CANCELLED'] as const
type Status = (typeof STATUSES)[number]

const IdParams = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,18}$' }) }, { additionalProperties: false })
const ListFilters = Type.Object(
  {
    status: Type.Optional(Type.Union([Type.Literal(''), ...STATUSES.map((s) => Type.Literal(s))])),
    tier: Type.Optional(Type.String({ pattern: '^[123]?$' })),
    providerId: Type.Optional(Type.String({ pattern: '^[0-9]{0,18}$' })),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 }))
  },
  { additionalProperties: false }
)

/** The success banner of each `?done=` a form redirects with. */
const DONE: Record<string, string> = {
  activated: 'The placement is now active',
  paused: 'The placement is paused',
  resumed: 'The placement has resumed',
  cancelled: 'The placement is cancelled',
  escalated: 'The placement was escalated to Tier 3: this is the new Tier 3 placement, planned until it is activated',
  'stepped-down':
    'The placement stepped down to Tier 1 support: this is the new Tier 1 support, planned until it is activated',
  review: 'The review is recorded',
  'school-view': "The school's view is added to the review",
  outcome: 'The outcome is recorded',
  'follow-up': 'The follow-up result is recorded',
  assessment: 'The assessment is recorded',
  created: 'The placement is created'
}
const DoneQuery = Type.Object(
  { done: Type.Optional(Type.Union(Object.keys(DONE).map((w) => Type.Literal(w)))) },
  { additionalProperties: false }
)

type Form = Record<string, unknown>
const formOf = (request: FastifyRequest): Form => (request.body ?? {}) as Form
const idOf = (request: FastifyRequest) => (request.params as { id: string }).id

const RULES: Record<string, string> = {
  FIRST_REVIEW: 'the first review, due within the LA’s first-review period after the start',
  MAX_GAP: 'the LA’s longest gap between reviews',
  HALF_TERM: 'a review in every half-term the placement is active',
  SET_AT_REVIEW: 'an earlier date chosen at the last review'
}
const REGISTRATIONS: Record<string, string> = {
  ON_HOME_ROLL: 'On the home school roll',
  DUAL_REGISTERED: 'Dual registered (the provider is a school)'
}
const REINTEGRATION_CHECKS = ['SIX_SCHOOL_WEEKS', 'ONE_TERM', 'TWO_TERMS']
const CHECKPOINTS: Record<string, string> = {
  SIX_SCHOOL_WEEKS: 'Six school weeks after',
  ONE_TERM: 'One term after',
  TWO_TERMS: 'Two terms after',
  POST16_OCTOBER: 'Post-16: October',
  POST16_MARCH: 'Post-16: March'
}

export async function placementPages(app: FastifyInstance) {
  app.get('/placements', { config: READERS, schema: { querystring: ListFilters } }, async (request, reply) => {
    const q = request.query as { status?: string; tier?: string; providerId?: string; page?: number }
    const role = principalOfPage(request).role
    const api = apiOf(app, request)
    const filters = {
      status: q.status || undefined,
      tier: q.tier || undefined,
      providerId: role === 'provider' ? undefined : q.providerId || undefined
    }
    const [list, orgs] = await Promise.all([
      api.get<{ results: PlacementJson[]; paging: Paging }>(
        `/v1/placements${queryString({ ...filters, page: q.page ?? 1, pageSize: 50 })}`
      ),
      organisations(api, { schools: true, providers: true })
    ])
    const names = await pupilNames(
      api,
      list.results.map((p) => p.pupilId)
    )
    const rows = list.results.map((p) => ({
      ...p,
      pupilName: names.get(p.pupilId) ?? `Pupil ${p.pupilId}`,
      provider: orgs.providers.get(p.providerId) ?? `Provider ${p.providerId}`,
      school: p.commissionerSchoolId ? orgs.schools.get(p.commissionerSchoolId) : undefined
    }))
    const pageNo = list.paging.page
    return renderPage(request, reply, 'placements/list.njk', {
      title: 'Placements',
      rows,
      paging: list.paging,
      filters,
      statusItems: [
        { value: '', text: 'All statuses', selected: !filters.status },
        ...STATUSES.map((s) => ({ value: s, text: words(s), selected: s === filters.status }))
      ],
      tierItems: [
        { value: '', text: 'All tiers', selected: !filters.tier },
        ...['1', '2', '3'].map((t) => ({ value: t, text: `Tier ${t}`, selected: t === filters.tier }))
      ],
      providerItems: role === 'provider' ? null : selectItems(orgs.providers, filters.providerId, 'All providers'),
      previous: pageNo > 1 ? `/placements${queryString({ ...filters, page: pageNo - 1 })}` : null,
      next: pageNo < list.paging.totalPages ? `/placements${queryString({ ...filters, page: pageNo + 1 })}` : null
    })
  })

  app.get(
    '/placements/:id',
    { config: READERS, schema: { params: IdParams, querystring: DoneQuery } },
    async (request, reply) => {
      const id = idOf(request)
      const { done } = request.query as { done?: string }
      const role = principalOfPage(request).role
      const api = apiOf(app, request)
      const placement = await api.get<PlacementJson>(`/v1/placements/${id}`)
      // The outcome's history and the receiving organisation only once there is an outcome; otherwise the page
      // names just the placement's own provider and school.
      const closed = placement.outcome !== null
      const [reviews, attendance, assessments, outcome, orgs, names, following] = await Promise.all([
        api.get<{ results: ReviewJson[] }>(`/v1/placements/${id}/reviews`),
        api.get<AttendanceJson>(`/v1/placements/${id}/attendance`),
        api.get<AssessmentsJson>(`/v1/placements/${id}/assessments`),
        closed ? api.maybe<OutcomeHistoryJson>(`/v1/placements/${id}/outcome`) : undefined,
        closed
          ? organisations(api, { schools: true, providers: true })
          : organisationsById(api, { schools: [placement.commissionerSchoolId], providers: [placement.providerId] }),
        pupilNames(api, [placement.pupilId]),
        placement.status === 'ENDED'
          ? api.get<{ results: PlacementJson[] }>(`/v1/placements?pupilId=${placement.pupilId}&pageSize=100`)
          : undefined
      ])
      const pupilName = names.get(placement.pupilId) ?? `Pupil ${placement.pupilId}`
      const status = placement.status as Status
      const open = status === 'ACTIVE' || status === 'PAUSED'
      const objectives = placement.plan.objectives
      const actions: { href: string; text: string; secondary?: boolean; warning?: boolean }[] = []
      const link = (href: string, label: string, opts: { secondary?: boolean; warning?: boolean } = {}) =>
        actions.push({ href: `/placements/${id}${href}`, text: label, ...opts })
      if (role === 'coordinator') {
        if (status === 'PLANNED') link('/activate', 'Activate the placement')
        if (status === 'ACTIVE') link('/pause', 'Pause the placement', { secondary: true })
        if (status === 'PAUSED') link('/resume', 'Resume the placement')
        if (open) link('/reviews/new', 'Hold a review', { secondary: true })
        if (open) link('/outcome', 'Close with an outcome', { secondary: true })
        if (open && placement.tier === 2) link('/escalate', 'Escalate to Tier 3', { secondary: true })
        if (open && placement.tier > 1) link('/step-down', 'Step down to Tier 1 support', { secondary: true })
        if (open || status === 'ENDED') link('/assessments/new', 'Record an assessment', { secondary: true })
        if (status === 'PLANNED') link('/cancel', 'Cancel the placement', { warning: true })
      }
      if (role === 'provider') {
        if (open) link('/reviews/new', 'Hold a review', { secondary: true })
        if (open || status === 'ENDED') link('/assessments/new', 'Record an assessment', { secondary: true })
      }
      const current = outcome?.current
      const followUps = (current?.followUps ?? []).map((f) => ({
        ...f,
        name: CHECKPOINTS[f.checkpoint] ?? words(f.checkpoint),
        href:
          f.status === 'PENDING' && mayRecordFollowUp(role, f) ? `/placements/${id}/follow-ups/${f.checkpoint}` : null
      }))
      const nextPlacement = following?.results.find((p) => p.previousPlacementId === placement.id)
      return renderPage(request, reply, 'placements/show.njk', {
        title: `${pupilName}: Tier ${placement.tier} placement`,
        breadcrumbs: [{ text: 'Placements', href: '/placements' }],
        flash: done ? DONE[done] : undefined,
        role,
        p: placement,
        pupilName,
        provider: orgs.providers.get(placement.providerId) ?? `Provider ${placement.providerId}`,
        school: placement.commissionerSchoolId ? orgs.schools.get(placement.commissionerSchoolId) : undefined,
        registration: REGISTRATIONS[placement.registration] ?? words(placement.registration),
        endedReason:
          placement.endedReason && /^[A-Z0-9_]+$/.test(placement.endedReason)
            ? words(placement.endedReason)
            : placement.endedReason,
        ruleText: placement.nextReviewRule ? RULES[placement.nextReviewRule] : undefined,
        actions,
        blockers: placement.activationBlockers.map((b) => sentence(b.message)),
        objectives,
        reviews: reviews.results.map((r) => ({
          ...r,
          attendeeList: attendeesOf(r.attendees),
          progress: r.objectives.map((o) => ({
            ...o,
            description: objectives[o.objective]?.description ?? `Objective ${o.objective + 1}`
          })),
          schoolViewHref: role === 'school' ? `/placements/${id}/reviews/${r.id}/school-view` : null
        })),
        attendance: attendance.summary,
        weeks: byWeek(attendance.marks),
        attainment: assessments.attainment,
        assessments: assessments.assessments,
        outcome: current
          ? {
              ...current,
              receivingName: current.receiving.schoolId
                ? (orgs.schools.get(current.receiving.schoolId) ?? `School ${current.receiving.schoolId}`)
                : current.receiving.providerId
                  ? (orgs.providers.get(current.receiving.providerId) ?? `Provider ${current.receiving.providerId}`)
                  : current.receiving.name
            }
          : undefined,
        corrections: outcome?.history.length ?? 0,
        followUps,
        nextPlacement,
        newPlacementHref:
          role === 'coordinator' && status === 'CANCELLED' && placement.referralId
            ? `/placements/new?referralId=${placement.referralId}`
            : null
      })
    }
  )

  for (const action of Object.values(ACTIONS)) {
    const url = `/placements/:id/${action.slug}`
    app.get(url, { config: COORDINATOR, schema: { params: IdParams } }, async (request, reply) => {
      const api = apiOf(app, request)
      const { body: placement, etag } = await api.withVersion<PlacementJson>(`/v1/placements/${idOf(request)}`)
      return renderAction(request, reply, api, action, placement, etag, action.initial(placement), undefined)
    })
    app.post(url, { config: COORDINATOR, schema: { params: IdParams } }, async (request, reply) => {
      const id = idOf(request)
      const form = formOf(request)
      const api = apiOf(app, request)
      const version = text(form, 'version') ?? ''
      const body = action.body(form)
      const sent = await api.send('POST', `/v1/placements/${id}/${action.api}`, body, { 'if-match': version })
      if (sent.ok) {
        // A tier move opens the next placement: the redirect goes to it.
        const next = (sent.answer.body as { next?: { id: string } } | undefined)?.next?.id
        return reply.redirect(`/placements/${next ?? id}?done=${action.done}`, 303)
      }
      // Shown again with the placement as it is now (and its version), the typed values and the API's reasons.
      const { body: placement, etag } = await api.withVersion<PlacementJson>(`/v1/placements/${id}`)
      const values = Object.fromEntries(Object.entries(form).filter(([k]) => k !== '_csrf' && k !== 'version'))
      return renderAction(request, reply.code(sent.problem.status), api, action, placement, etag, values, sent.problem)
    })
  }
}

/** Whether this role records this follow-up here: a school the reintegration checks, a provider the post-16 ones. */
function mayRecordFollowUp(role: string, f: { checkpoint: string; recordedBy: string[] }): boolean {
  if (!f.recordedBy.includes(role)) return false
  if (role === 'school') return REINTEGRATION_CHECKS.includes(f.checkpoint)
  if (role === 'provider') return !REINTEGRATION_CHECKS.includes(f.checkpoint)
  return false
}

function attendeesOf(a: ReviewJson['attendees']): string {
  const named = [
    a.school ? 'home school' : undefined,
    a.provider ? 'provider' : undefined,
    a.la ? 'local authority' : undefined,
    a.parent ? 'parent or carer' : undefined,
    a.pupil ? 'pupil' : undefined,
    ...a.others
  ].filter(Boolean)
  return named.length ? named.join(', ') : 'None recorded'
}

/** The marks by week (Monday first): sessions attended (present or late) of those the pupil was expected at. */
export function byWeek(marks: AttendanceJson['marks']) {
  const weeks = new Map<string, { weekOf: string; attended: number; possible: number; notScheduled: number }>()
  for (const m of marks) {
    const monday = DateTime.fromISO(m.date, { zone: ZONE }).startOf('week').toISODate()!
    const w = weeks.get(monday) ?? { weekOf: monday, attended: 0, possible: 0, notScheduled: 0 }
    if (m.code === 'NOT_SCHEDULED') w.notScheduled += 1
    else {
      w.possible += 1
      if (m.code === 'PRESENT' || m.code === 'LATE') w.attended += 1
    }
    weeks.set(monday, w)
  }
  return [...weeks.values()]
    .sort((a, b) => a.weekOf.localeCompare(b.weekOf))
    .map((w) => ({ ...w, pct: w.possible ? Math.round((w.attended / w.possible) * 1000) / 10 : null }))
}

// --- Lifecycle forms --------------------------------------------------------------------------------------------

interface Action {
  slug: string
  api: string
  done: string
  title: string
  button: string
  from: Status[]
  template: string
  fields: (form: Form) => FieldSpec[]
  body: (form: Form) => Record<string, unknown>
  initial: (p: PlacementJson) => Form
}

const SIMPLE = 'placements/lifecycle.njk'
const MOVE = 'placements/move.njk'
const MAX_OBJECTIVES = 20

const REASON_FIELD = (done: string) => ({ path: '/reason', id: 'reason', label: `Why the placement is ${done}` })
const FROM_FIELD = (label: string) => ({ path: '/from', id: 'from', label })

/** The rows of objectives a move form shows: the typed ones (or the plan's), and one more to add. */
function objectiveRows(form: Form): number {
  let n = 0
  for (let i = 0; i < MAX_OBJECTIVES; i++)
    if (['description', 'baseline', 'target'].some((k) => text(form, `objective-${i}-${k}`) !== undefined)) n = i + 1
  return Math.min(MAX_OBJECTIVES, n + 1)
}

const MOVE_FIELDS = (form: Form): FieldSpec[] => [
  { path: '/providerId', id: 'providerId', label: 'Provider' },
  { path: '/startDate', id: 'startDate', label: 'Start date' },
  { path: '/plannedEndDate', id: 'plannedEndDate', label: 'Planned end date' },
  { path: '/sessionsAtProvider', id: 'sessionsAtProvider', label: 'Sessions a week at the provider' },
  { path: '/sessionsAtHomeSchool', id: 'sessionsAtHomeSchool', label: 'Sessions a week at the home school' },
  { path: '/partTimePlan', id: 'partTimeDetails', label: 'Part-time plan' },
  { path: '/partTimePlan/endDate', id: 'partTimeEnd', label: 'Part-time plan end date' },
  { path: '/partTimePlan/details', id: 'partTimeDetails', label: 'Part-time plan details' },
  { path: '/registration', id: 'registration', label: 'Registration' },
  { path: '/reasonCode', id: 'reasonCode', label: 'Reason for placement' },
  { path: '/plan', id: 'objective-0-description', label: 'Plan' },
  { path: '/plan/objectives', id: 'objective-0-description', label: 'Objectives' },
  ...Array.from({ length: objectiveRows(form) }, (_, i) =>
    ['description', 'baseline', 'target'].map((k) => ({
      path: `/plan/objectives/${i}/${k}`,
      id: `objective-${i}-${k}`,
      label: `Objective ${i + 1} ${k}`
    }))
  ).flat(),
  { path: '/plan/reintegrationPlan', id: 'reintegrationPlan', label: 'Reintegration plan' },
  { path: '/plan/transitionPlan', id: 'transitionPlan', label: 'Transition plan' },
  { path: '/plan/intendedPost16Route', id: 'intendedPost16Route', label: 'Intended post-16 route' },
  { path: '/plan/readinessCriteria', id: 'readinessCriteria', label: 'Readiness criteria' },
  { path: '/parentNoticeGivenOn', id: 'parentNoticeGivenOn', label: 'Date written notice was given to the parent' },
  { path: '/laNoticeGivenOn', id: 'laNoticeGivenOn', label: 'Date notice was given to the LA' }
]

function moveBody(form: Form): Record<string, unknown> {
  const objectives = []
  for (let i = 0; i < objectiveRows(form); i++) {
    const o = compact({
      description: text(form, `objective-${i}-description`),
      baseline: text(form, `objective-${i}-baseline`),
      target: text(form, `objective-${i}-target`)
    })
    if (Object.keys(o).length) objectives.push(o)
  }
  const partTimeEnd = date(form, 'partTimeEnd')
  const partTimeDetails = text(form, 'partTimeDetails')
  return compact({
    providerId: text(form, 'providerId'),
    reasonCode: text(form, 'reasonCode'),
    startDate: date(form, 'startDate'),
    plannedEndDate: date(form, 'plannedEndDate'),
    sessionsAtProvider: number(form, 'sessionsAtProvider'),
    sessionsAtHomeSchool: number(form, 'sessionsAtHomeSchool'),
    partTimePlan:
      partTimeEnd === undefined && partTimeDetails === undefined
        ? undefined
        : compact({ endDate: partTimeEnd, details: partTimeDetails }),
    registration: text(form, 'registration'),
    plan: compact({
      objectives,
      reintegrationPlan: text(form, 'reintegrationPlan'),
      transitionPlan: text(form, 'transitionPlan'),
      intendedPost16Route: text(form, 'intendedPost16Route'),
      readinessCriteria: text(form, 'readinessCriteria')
    }),
    parentNoticeGivenOn: date(form, 'parentNoticeGivenOn'),
    laNoticeGivenOn: date(form, 'laNoticeGivenOn')
  })
}

/** A move form starts from the current placement: its provider, sessions, registration, reason and plan. */
function moveInitial(p: PlacementJson): Form {
  const form: Form = {
    providerId: p.providerId,
    reasonCode: p.reasonCode ?? '',
    sessionsAtProvider: String(p.sessionsAtProvider),
    sessionsAtHomeSchool: String(p.sessionsAtHomeSchool),
    registration: p.registration,
    reintegrationPlan: p.plan.reintegrationPlan ?? '',
    transitionPlan: p.plan.transitionPlan ?? '',
    intendedPost16Route: p.plan.intendedPost16Route ?? '',
    readinessCriteria: p.plan.readinessCriteria ?? ''
  }
  p.plan.objectives.forEach((o, i) => {
    form[`objective-${i}-description`] = o.description
    form[`objective-${i}-baseline`] = o.baseline
    form[`objective-${i}-target`] = o.target
  })
  return form
}

const ACTIONS: Record<string, Action> = {
  activate: {
    slug: 'activate',
    api: 'activation',
    done: 'activated',
    title: 'Activate the placement',
    button: 'Activate the placement',
    from: ['PLANNED'],
    template: SIMPLE,
    fields: () => [],
    body: () => ({}),
    initial: () => ({})
  },
  pause: {
    slug: 'pause',
    api: 'pause',
    done: 'paused',
    title: 'Pause the placement',
    button: 'Pause the placement',
    from: ['ACTIVE'],
    template: SIMPLE,
    fields: () => [REASON_FIELD('paused'), FROM_FIELD('First paused day')],
    body: (form) => compact({ reason: text(form, 'reason'), from: date(form, 'from') }),
    initial: () => ({})
  },
  resume: {
    slug: 'resume',
    api: 'resumption',
    done: 'resumed',
    title: 'Resume the placement',
    button: 'Resume the placement',
    from: ['PAUSED'],
    template: SIMPLE,
    fields: () => [FROM_FIELD('Day the placement runs again')],
    body: (form) => compact({ from: date(form, 'from') }),
    initial: () => ({})
  },
  cancel: {
    slug: 'cancel',
    api: 'cancellation',
    done: 'cancelled',
    title: 'Cancel the placement',
    button: 'Cancel the placement',
    from: ['PLANNED'],
    template: SIMPLE,
    fields: () => [REASON_FIELD('cancelled')],
    body: (form) => compact({ reason: text(form, 'reason') }),
    initial: () => ({})
  },
  escalate: {
    slug: 'escalate',
    api: 'escalation',
    done: 'escalated',
    title: 'Escalate to Tier 3',
    button: 'Escalate to Tier 3',
    from: ['ACTIVE', 'PAUSED'],
    template: MOVE,
    fields: MOVE_FIELDS,
    body: moveBody,
    initial: moveInitial
  },
  'step-down': {
    slug: 'step-down',
    api: 'step-down',
    done: 'stepped-down',
    title: 'Step down to Tier 1 support',
    button: 'Step down to Tier 1 support',
    from: ['ACTIVE', 'PAUSED'],
    template: MOVE,
    fields: MOVE_FIELDS,
    body: moveBody,
    initial: (p) => ({
      ...moveInitial(p),
      sessionsAtProvider: '0',
      sessionsAtHomeSchool: String(p.sessionsAtProvider + p.sessionsAtHomeSchool),
      registration: 'ON_HOME_ROLL'
    })
  }
}

/** One message per input (a half-typed date breaks both the pattern and the format rule): the clearest one. */
const sentence = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)

/** Activation's refusal lists each unmet precondition: each becomes a line of the summary, linked to the list. */
function activationErrors(problem: Problem): FormErrors {
  const errors = problem.errors ?? []
  if (problem.status !== 422 || errors.length === 0) return errorsFromProblem(problem, [], 'placement-form')
  return { list: errors.map((e) => ({ text: sentence(e.message), href: '#placement-form' })), byId: {} }
}

async function renderAction(
  request: FastifyRequest,
  reply: FastifyReply,
  api: PageApi,
  action: Action,
  placement: PlacementJson,
  etag: string,
  values: Form,
  problem: Problem | undefined
) {
  const move = action.template === MOVE
  const [names, orgs, reasons] = await Promise.all([
    pupilNames(api, [placement.pupilId]),
    organisations(api, { providers: true }),
    move ? api.get<{ results: { code: string; label: string }[] }>('/v1/reason-codes') : undefined
  ])
  const pupilName = names.get(placement.pupilId) ?? `Pupil ${placement.pupilId}`
  const errors = problem
    ? action.slug === 'activate'
      ? activationErrors(problem)
      : errorsFromProblem(problem, action.fields(values), 'placement-form')
    : undefined
  const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : '')
  const rows = move ? objectiveRows(values) : 0
  return renderPage(request, reply, action.template, {
    title: action.title,
    breadcrumbs: [
      { text: 'Placements', href: '/placements' },
      { text: `${pupilName}: Tier ${placement.tier} placement`, href: `/placements/${placement.id}` }
    ],
    action,
    allowed: action.from.includes(placement.status as Status),
    p: placement,
    pupilName,
    provider: orgs.providers.get(placement.providerId) ?? `Provider ${placement.providerId}`,
    version: etag,
    values,
    errors,
    blockers: placement.activationBlockers.map((b) => sentence(b.message)),
    ...(move
      ? {
          providerItems: selectItems(orgs.providers, str('providerId'), 'Choose a provider'),
          reasonItems: [
            { value: '', text: 'Keep the current reason', selected: !str('reasonCode') },
            ...(reasons?.results ?? []).map((r) => ({
              value: r.code,
              text: `${r.code}: ${r.label}`,
              selected: r.code === str('reasonCode')
            }))
          ],
          registrationItems: Object.entries(REGISTRATIONS).map(([value, label]) => ({
            value,
            text: label,
            checked: value === str('registration')
          })),
          objectiveRows: Array.from({ length: rows }, (_, i) => i),
          offSite: placement.legalBasis === 'OFF_SITE_DIRECTION_S29A',
          nextTier: action.slug === 'escalate' ? 3 : 1
        }
      : {})
  })
}

// --- What the API answers (the fields these pages use) ----------------------------------------------------------

interface PlacementJson {
  id: string
  /** The current outcome, or null while the placement is open. */
  outcome: unknown
  referralId: string | null
  previousPlacementId: string | null
  pupilId: string
  tier: number
  providerId: string
  commissionerType: string
  commissionerSchoolId: string | null
  legalBasis: string
  reasonCode: string | null
  status: string
  startDate: string
  plannedEndDate: string | null
  endDate: string | null
  sessionsAtProvider: number
  sessionsAtHomeSchool: number
  partTime: boolean
  partTimePlan: { endDate: string; details: string } | null
  registration: string
  plan: {
    objectives: { description: string; baseline: string; target: string }[]
    reintegrationPlan?: string | null
    transitionPlan?: string | null
    intendedPost16Route?: string | null
    readinessCriteria?: string | null
  }
  endedReason: string | null
  nextReviewDueOn: string | null
  nextReviewRule: string | null
  reviewOverdue: boolean
  activationBlockers: { path: string; code: string; message: string }[]
  clocks: { kind: string; deadline: string; status: string; metOn: string | null; rule: string }[]
  [key: string]: unknown
}

interface ReviewJson {
  id: string
  heldOn: string
  attendees: { school: boolean; provider: boolean; la: boolean; parent: boolean; pupil: boolean; others: string[] }
  objectives: { objective: number; progress: string; evidence: string }[]
  [key: string]: unknown
}

interface AttendanceJson {
  summary: Record<string, unknown>
  marks: { date: string; session: string; code: string }[]
}

interface AssessmentsJson {
  assessments: Record<string, unknown>[]
  attainment: Record<string, unknown>
}

interface FollowUpJson {
  checkpoint: string
  status: string
  recordedBy: string[]
  [key: string]: unknown
}

interface OutcomeHistoryJson {
  current: {
    receiving: { schoolId: string | null; providerId: string | null; name: string | null }
    followUps: FollowUpJson[]
    [key: string]: unknown
  }
  history: unknown[]
}
