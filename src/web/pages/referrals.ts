import { randomUUID } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { LEGAL_BASES, SCHOOL_BASES } from '../../domain/placements.js'
import type { Problem } from '../api.js'
import { govukDate, tagClass, words } from '../filters.js'
import * as forms from '../forms.js'
import { type FieldSpec, type FormErrors } from '../forms.js'
import { displayName, organisations, pupilNames, queryString, type PupilRecord } from '../lookups.js'
import { apiOf, page, principalOfPage, renderPage } from '../page.js'
import type { Paging } from '../../platform/schemas.js'

/**
 * Pupils and referrals: the pupil list (a school's home), a pupil's record and journey with the SEND and health
 * detail shown only for a recorded reason, the referral inbox, a referral with its decision and withdrawal forms,
 * and the referral form. Every read and write goes through the API as the signed-in user.
 */

const IdParams = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,18}$' }) })
const Done = Type.Optional(Type.String({ pattern: '^[a-z]{1,20}$' }))
const PageNo = Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 }))
const REFERRAL_STATUSES = ['SUBMITTED', 'ACCEPTED', 'DECLINED', 'WITHDRAWN'] as const

const PupilListQuery = Type.Object({ page: PageNo, done: Done }, { additionalProperties: false })
const PupilQuery = Type.Object({ done: Done }, { additionalProperties: false })
const ReferralListQuery = Type.Object(
  {
    status: Type.Optional(Type.Union([Type.Literal(''), ...REFERRAL_STATUSES.map((s) => Type.Literal(s))])),
    pupilId: Type.Optional(Type.String({ pattern: '^[0-9]{0,18}$' })),
    page: PageNo
  },
  { additionalProperties: false }
)
const ReferralQuery = Type.Object({ done: Done }, { additionalProperties: false })
const NewReferralQuery = Type.Object(
  { pupilId: Type.Optional(Type.String({ pattern: '^[0-9]{0,18}$' })) },
  { additionalProperties: false }
)

type Form = Record<string, string | string[] | undefined>

const FLASH: Record<string, string> = {
  created: 'Referral sent',
  decided: 'Decision recorded',
  withdrawn: 'Referral withdrawn'
}

export const TIER_TEXT: Record<number, string> = {
  1: 'Tier 1: targeted support in school',
  2: 'Tier 2: time-limited placement',
  3: 'Tier 3: transitional placement'
}

export const LEGAL_BASIS_TEXT: Record<string, string> = {
  SCHOOL_COMMISSIONED: 'Commissioned by the school',
  OFF_SITE_DIRECTION_S29A: 'Off-site direction to improve behaviour (section 29A)',
  SUSPENSION_SIXTH_DAY: 'Provision from the sixth day of a suspension',
  LA_S19_PERMANENT_EXCLUSION: 'LA duty (section 19): after a permanent exclusion',
  LA_S19_HEALTH: 'LA duty (section 19): health needs',
  LA_S19_OTHER: 'LA duty (section 19): other reasons',
  EHCP: 'Named in an EHC plan'
}

const SEN_TEXT: Record<string, string> = { N: 'No special educational needs', K: 'SEN support', E: 'EHC plan' }
const SEX_TEXT: Record<string, string> = { F: 'Female', M: 'Male', U: 'Not known' }
const ETHNICITY_TEXT: Record<string, string> = {
  WHIT: 'White',
  MIXD: 'Mixed or multiple ethnic groups',
  ASIA: 'Asian or Asian British',
  BLAC: 'Black, Black British, Caribbean or African',
  CHNE: 'Chinese',
  AOEG: 'Any other ethnic group',
  REFU: 'Refused',
  NOBT: 'Information not yet obtained'
}

/** The tag class of a referral status (an undecided referral is blue, like a received one). */
const referralTag = (status: string) => (status === 'SUBMITTED' ? 'govuk-tag--blue' : tagClass(status))
const statusText = (status: string) => (status === 'SUBMITTED' ? 'Awaiting decision' : words(status))
const yesNo = (v: unknown) => (v ? 'Yes' : 'No')

interface Clock {
  kind: string
  deadline: string
  status: 'met' | 'breached' | 'pending' | 'not_applicable'
  metOn: string | null
  rule: string
}

interface Referral {
  id: string
  pupilId: string
  referringSchoolId: string | null
  requestedTier: number
  legalBasis: string
  reasonCode: string | null
  needsSummary: string | null
  interventionsTried: string | null
  proposedObjectives: { description: string; baseline: string; target: string }[]
  baselineAttendancePct: number | null
  baselineFrom: string | null
  baselineTo: string | null
  parentConsultedOn: string | null
  pupilViews: string | null
  sendCaseworkerToldOn: string | null
  virtualSchoolToldOn: string | null
  exclusions: { kind: string; firstDay: string; lengthSchoolDays?: number | null }[]
  preferredProviderId: string | null
  status: string
  receivedOn: string
  submittedOn: string
  decisionDueOn: string
  decisionOverdue: boolean
  decidedAt: string | null
  decisionReason: string | null
  clocks: Clock[]
  estimatedCalendar: boolean
}

interface Pupil extends PupilRecord {
  upn: string
  uln: string | null
  dateOfBirth: string
  sex: string
  fsmEligible: boolean
  lookedAfter: boolean
  childInNeed: boolean
  ethnicity: string
  homeSchoolId: string | null
  ncYear: number
}

interface JourneyEvent {
  occurredOn: string
  kind: string
  referralId: string | null
  placementId: string | null
  tier: number | null
  detail: string
}

interface PlacementSummary {
  id: string
  referralId: string
  tier: number
  status: string
  startDate: string
  providerId: string
  clocks: Clock[]
}

/** What `POST /v1/pupils/{id}/sensitive-views` answers: the detail shown for the reason given. */
interface SensitiveView {
  pupilId: string
  senProvision: 'N' | 'K' | 'E' | null
  needs: { referralId: string; receivedOn: string; needsSummary: string | null }[]
}

const clockTag = (c: Pick<Clock, 'kind' | 'status' | 'deadline' | 'metOn'>) => ({
  kind: words(c.kind),
  status: c.status,
  text: c.status === 'not_applicable' ? 'Not applicable' : words(c.status),
  classes: tagClass(c.status),
  deadline: c.deadline,
  metOn: c.metOn
})

const SEND_FIELDS: FieldSpec[] = [{ path: '/reason', id: 'reason', label: 'Why you need to see this' }]
const DECISION_FIELDS: FieldSpec[] = [
  { path: '/decision', id: 'decision', label: 'Decision' },
  { path: '/reason', id: 'reason', label: 'Reason for the decision' }
]
const WITHDRAW_FIELDS: FieldSpec[] = [{ path: '/reason', id: 'withdrawReason', label: 'Reason for withdrawing' }]

const OBJECTIVE_ROWS = [0, 1, 2]
const OBJECTIVE_PARTS = ['description', 'baseline', 'target'] as const
const OBJECTIVE_LABELS = {
  description: 'Objective',
  baseline: 'Baseline for objective',
  target: 'Target for objective'
}

const REFERRAL_FIELDS: FieldSpec[] = [
  { path: '/pupilId', id: 'pupilId', label: 'Pupil' },
  { path: '/requestedTier', id: 'requestedTier', label: 'Requested tier' },
  { path: '/legalBasis', id: 'legalBasis', label: 'Legal basis' },
  { path: '/reasonCode', id: 'reasonCode', label: 'Reason for placement' },
  { path: '/receivedOn', id: 'receivedOn', label: 'Date the referral was received' },
  { path: '/needsSummary', id: 'needsSummary', label: 'Summary of needs' },
  { path: '/interventionsTried', id: 'interventionsTried', label: 'Interventions tried' },
  { path: '/pupilViews', id: 'pupilViews', label: "The pupil's views" },
  { path: '/proposedObjectives', id: 'objectives-0-description', label: 'Proposed objectives' },
  { path: '/parentConsultedOn', id: 'parentConsultedOn', label: 'Date the parent was consulted' },
  { path: '/baselineAttendancePct', id: 'baselineAttendancePct', label: 'Baseline attendance' },
  { path: '/baselineFrom', id: 'baselineFrom', label: 'Start of the baseline period' },
  { path: '/baselineTo', id: 'baselineTo', label: 'End of the baseline period' },
  { path: '/sendCaseworkerToldOn', id: 'sendCaseworkerToldOn', label: 'Date the SEND caseworker was told' },
  { path: '/virtualSchoolToldOn', id: 'virtualSchoolToldOn', label: 'Date the virtual school was told' },
  { path: '/exclusions', id: 'exclusionKind', label: 'Exclusion or suspension' },
  { path: '/exclusions/0/kind', id: 'exclusionKind', label: 'Exclusion or suspension' },
  { path: '/exclusions/0/firstDay', id: 'exclusionFirstDay', label: 'First day of the exclusion or suspension' },
  { path: '/exclusions/0/lengthSchoolDays', id: 'exclusionLength', label: 'Length of the suspension' },
  { path: '/preferredProviderId', id: 'preferredProviderId', label: 'Preferred provider' }
]

/** The referral body from the form, and the field map for its errors (objective rows keep their own inputs). */
function referralBody(form: Form): { body: Record<string, unknown>; fields: FieldSpec[] } {
  const fields = [...REFERRAL_FIELDS]
  const objectives: Record<string, string>[] = []
  for (const i of OBJECTIVE_ROWS) {
    const row = Object.fromEntries(OBJECTIVE_PARTS.map((p) => [p, forms.text(form, `objectives-${i}-${p}`)]))
    if (OBJECTIVE_PARTS.every((p) => row[p] === undefined)) continue
    const k = objectives.length
    // A half-filled row is sent as typed, so the API names the blank part and the message lands on its input.
    objectives.push(Object.fromEntries(OBJECTIVE_PARTS.map((p) => [p, row[p] ?? ''])))
    for (const p of OBJECTIVE_PARTS)
      fields.push({
        path: `/proposedObjectives/${k}/${p}`,
        id: `objectives-${i}-${p}`,
        label: `${OBJECTIVE_LABELS[p]} ${i + 1}`
      })
  }
  const exclusionKind = forms.text(form, 'exclusionKind')
  const exclusionFirstDay = forms.date(form, 'exclusionFirstDay')
  const exclusionLength = forms.number(form, 'exclusionLength')
  const exclusions =
    exclusionKind || exclusionFirstDay || exclusionLength !== undefined
      ? [forms.compact({ kind: exclusionKind, firstDay: exclusionFirstDay, lengthSchoolDays: exclusionLength })]
      : undefined
  const body = forms.compact({
    pupilId: forms.text(form, 'pupilId'),
    requestedTier: forms.number(form, 'requestedTier'),
    legalBasis: forms.text(form, 'legalBasis'),
    reasonCode: forms.text(form, 'reasonCode'),
    receivedOn: forms.date(form, 'receivedOn'),
    needsSummary: forms.text(form, 'needsSummary'),
    interventionsTried: forms.text(form, 'interventionsTried'),
    pupilViews: forms.text(form, 'pupilViews'),
    proposedObjectives: objectives.length ? objectives : undefined,
    parentConsultedOn: forms.date(form, 'parentConsultedOn'),
    baselineAttendancePct: forms.number(form, 'baselineAttendancePct'),
    baselineFrom: forms.date(form, 'baselineFrom'),
    baselineTo: forms.date(form, 'baselineTo'),
    sendCaseworkerToldOn: forms.date(form, 'sendCaseworkerToldOn'),
    virtualSchoolToldOn: forms.date(form, 'virtualSchoolToldOn'),
    exclusions,
    preferredProviderId: forms.text(form, 'preferredProviderId')
  })
  return { body, fields }
}

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,200}$/

export async function referralPages(app: FastifyInstance) {
  // ---- Pupils -------------------------------------------------------------------------------------------------

  app.get(
    '/pupils',
    { config: page(['coordinator', 'school', 'provider']), schema: { querystring: PupilListQuery } },
    async (request, reply) => {
      const q = request.query as { page?: number }
      const api = apiOf(app, request)
      const role = principalOfPage(request).role
      const [list, orgs] = await Promise.all([
        api.get<{ results: Pupil[]; paging: Paging }>(`/v1/pupils${queryString({ page: q.page ?? 1, pageSize: 50 })}`),
        organisations(api, { schools: true })
      ])
      const pageNo = list.paging.page
      return renderPage(request, reply, 'pupils/list.njk', {
        title: 'Pupils',
        rows: list.results.map((p) => ({
          id: p.id,
          name: displayName(p),
          ncYear: p.ncYear,
          school: p.homeSchoolId ? (orgs.schools.get(p.homeSchoolId) ?? `School ${p.homeSchoolId}`) : null
        })),
        paging: list.paging,
        canRefer: role === 'school' || role === 'coordinator',
        intro:
          role === 'school'
            ? "Pupils on your school's roll."
            : role === 'provider'
              ? 'Pupils placed with your provision.'
              : 'Pupils who live in the local authority or attend its schools.',
        previous: pageNo > 1 ? `/pupils${queryString({ page: pageNo - 1 })}` : null,
        next: pageNo < list.paging.totalPages ? `/pupils${queryString({ page: pageNo + 1 })}` : null
      })
    }
  )

  app.get(
    '/pupils/:id',
    {
      config: page(['coordinator', 'school', 'provider']),
      schema: { params: IdParams, querystring: PupilQuery }
    },
    async (request, reply) => {
      const { id } = request.params as { id: string }
      return pupilPage(request, reply, id, {})
    }
  )

  app.post(
    '/pupils/:id/send-health',
    { config: page(['coordinator', 'school', 'provider']), schema: { params: IdParams } },
    async (request, reply) => {
      const { id } = request.params as { id: string }
      const form = (request.body ?? {}) as Form
      const api = apiOf(app, request)
      const reason = forms.text(form, 'reason')
      const result = await api.send<SensitiveView>(
        'POST',
        `/v1/pupils/${id}/sensitive-views`,
        forms.compact({ reason })
      )
      if (!result.ok)
        return pupilPage(request, reply.code(result.problem.status), id, {
          errors: errorsFor(result.problem, SEND_FIELDS, 'send-health'),
          values: { reason: forms.text(form, 'reason') ?? '' }
        })
      return pupilPage(request, reply, id, { sensitive: result.answer.body })
    }
  )

  /** The pupil's record, journey, referrals and placements; the SEND and health detail only when `sensitive`. */
  async function pupilPage(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    extra: { errors?: FormErrors; values?: Record<string, string>; sensitive?: SensitiveView }
  ) {
    const api = apiOf(app, request)
    const role = principalOfPage(request).role
    const readsReferrals = role === 'coordinator' || role === 'school'
    const pupil = await api.get<Pupil>(`/v1/pupils/${id}`)
    const [journey, referrals, placements, school] = await Promise.all([
      api.get<{ events: JourneyEvent[] }>(`/v1/pupils/${id}/journey`),
      readsReferrals
        ? api.get<{ results: Referral[] }>(`/v1/referrals?pupilId=${id}&pageSize=100`)
        : Promise.resolve({ results: [] as Referral[] }),
      api.get<{ results: PlacementSummary[] }>(`/v1/placements?pupilId=${id}&pageSize=100`),
      pupil.homeSchoolId ? api.maybe<{ name: string }>(`/v1/schools/${pupil.homeSchoolId}`) : undefined
    ])
    const providers = placements.results.length ? (await organisations(api, { providers: true })).providers : new Map()
    const referralById = new Map(referrals.results.map((r) => [r.id, r]))
    const placementById = new Map(placements.results.map((p) => [p.id, p]))
    const placementShown = new Set<string>()
    const events = journey.events.map((e) => {
      const clocks: ReturnType<typeof clockTag>[] = []
      if (e.kind === 'CLOCK_DEADLINE') {
        // The journey names a statutory clock's state in its detail: "<kind>: <status>[ (provision from …)]".
        const m = /^([A-Za-z0-9_ -]+): (met|breached|pending|not_applicable)\b/.exec(e.detail)
        if (m)
          clocks.push(clockTag({ kind: m[1]!, status: m[2] as Clock['status'], deadline: e.occurredOn, metOn: null }))
      }
      if (e.kind === 'FOLLOW_UP_DUE') {
        // A follow-up check not yet recorded: due on its date, overdue once the journey says so.
        const overdue = /, overdue$/.test(e.detail)
        clocks.push({
          kind: 'Follow-up check',
          status: overdue ? 'breached' : 'pending',
          text: overdue ? 'Overdue' : 'Pending',
          classes: tagClass(overdue ? 'breached' : 'pending'),
          deadline: e.occurredOn,
          metOn: null
        })
      }
      if (e.kind === 'REFERRAL_SUBMITTED' && e.referralId && referralById.has(e.referralId)) {
        const r = referralById.get(e.referralId)!
        clocks.push({
          kind: 'Decision',
          status: r.decidedAt ? 'met' : r.decisionOverdue ? 'breached' : 'pending',
          text: r.decidedAt ? 'Met' : r.decisionOverdue ? 'Overdue' : 'Pending',
          classes: tagClass(r.decidedAt ? 'met' : r.decisionOverdue ? 'breached' : 'pending'),
          deadline: r.decisionDueOn,
          metOn: null
        })
      }
      if (e.placementId && placementById.has(e.placementId) && !placementShown.has(e.placementId)) {
        placementShown.add(e.placementId)
        clocks.push(...placementById.get(e.placementId)!.clocks.map(clockTag))
      }
      return {
        ...e,
        label: words(e.kind),
        href: e.placementId
          ? `/placements/${e.placementId}`
          : e.referralId && readsReferrals
            ? `/referrals/${e.referralId}`
            : null,
        clocks
      }
    })
    const sensitive = extra.sensitive
      ? {
          rows: [
            {
              key: { text: 'SEN provision' },
              value: {
                text: extra.sensitive.senProvision
                  ? (SEN_TEXT[extra.sensitive.senProvision] ?? extra.sensitive.senProvision)
                  : 'Not recorded'
              }
            },
            ...extra.sensitive.needs.map((n) => ({
              key: { text: `Needs summary, referral received ${govukDate(n.receivedOn)}` },
              value: { text: n.needsSummary ?? 'Not recorded' }
            }))
          ]
        }
      : null
    const name = displayName(pupil)
    return renderPage(request, reply, 'pupils/show.njk', {
      title: name,
      breadcrumbs: [{ text: 'Pupils', href: '/pupils' }],
      errors: extra.errors,
      values: extra.values ?? {},
      flash: undefined,
      pupil,
      name,
      legalName:
        pupil.preferredForename || pupil.preferredSurname ? `${pupil.legalForename} ${pupil.legalSurname}` : null,
      sex: SEX_TEXT[pupil.sex] ?? pupil.sex,
      ethnicity: ETHNICITY_TEXT[pupil.ethnicity] ?? pupil.ethnicity,
      fsm: yesNo(pupil.fsmEligible),
      lookedAfter: yesNo(pupil.lookedAfter),
      childInNeed: yesNo(pupil.childInNeed),
      school: school?.name ?? (pupil.homeSchoolId ? `School ${pupil.homeSchoolId}` : null),
      events,
      readsReferrals,
      canRefer: readsReferrals,
      referrals: referrals.results.map((r) => ({
        id: r.id,
        receivedOn: r.receivedOn,
        tier: r.requestedTier,
        status: r.status,
        statusText: statusText(r.status),
        statusClass: referralTag(r.status)
      })),
      placements: placements.results.map((p) => ({
        id: p.id,
        tier: p.tier,
        startDate: p.startDate,
        status: p.status,
        statusClass: tagClass(p.status),
        provider: providers.get(p.providerId) ?? `Provider ${p.providerId}`
      })),
      sensitive
    })
  }

  // ---- Referrals ----------------------------------------------------------------------------------------------

  app.get(
    '/referrals',
    { config: page(['coordinator', 'school']), schema: { querystring: ReferralListQuery } },
    async (request, reply) => {
      const q = request.query as { status?: string; pupilId?: string; page?: number }
      const api = apiOf(app, request)
      const filters = { status: q.status || undefined, pupilId: q.pupilId || undefined }
      const list = await api.get<{ results: Referral[]; paging: Paging }>(
        `/v1/referrals${queryString({ ...filters, page: q.page ?? 1, pageSize: 50 })}`
      )
      const names = await pupilNames(
        api,
        list.results.map((r) => r.pupilId)
      )
      const pageNo = list.paging.page
      return renderPage(request, reply, 'referrals/list.njk', {
        title: 'Referrals',
        canRefer: true,
        rows: list.results.map((r) => ({
          id: r.id,
          receivedOn: r.receivedOn,
          pupilName: names.get(r.pupilId) ?? `Pupil ${r.pupilId}`,
          tier: r.requestedTier,
          status: r.status,
          statusText: statusText(r.status),
          statusClass: referralTag(r.status),
          decisionDueOn: r.status === 'SUBMITTED' ? r.decisionDueOn : null,
          overdue: r.decisionOverdue
        })),
        paging: list.paging,
        filters,
        pupilName: filters.pupilId ? (names.get(filters.pupilId) ?? null) : null,
        statusItems: [
          { value: '', text: 'All statuses', selected: !filters.status },
          ...REFERRAL_STATUSES.map((s) => ({ value: s, text: statusText(s), selected: s === filters.status }))
        ],
        previous: pageNo > 1 ? `/referrals${queryString({ ...filters, page: pageNo - 1 })}` : null,
        next: pageNo < list.paging.totalPages ? `/referrals${queryString({ ...filters, page: pageNo + 1 })}` : null
      })
    }
  )

  app.get(
    '/referrals/new',
    { config: page(['school', 'coordinator']), schema: { querystring: NewReferralQuery } },
    async (request, reply) => {
      const q = request.query as { pupilId?: string }
      return newReferralPage(request, reply, { values: { pupilId: q.pupilId ?? '', idempotencyKey: randomUUID() } })
    }
  )

  app.post('/referrals/new', { config: page(['school', 'coordinator']) }, async (request, reply) => {
    const form = (request.body ?? {}) as Form
    const api = apiOf(app, request)
    const { body, fields } = referralBody(form)
    const key = forms.text(form, 'idempotencyKey')
    const result = await api.send<Referral>(
      'POST',
      '/v1/referrals',
      body,
      key && IDEMPOTENCY_KEY.test(key) ? { 'idempotency-key': key } : {}
    )
    if (!result.ok)
      return newReferralPage(request, reply.code(result.problem.status), {
        errors: errorsFor(result.problem, fields, 'referral-form'),
        values: typed(form)
      })
    return reply.redirect(`/referrals/${result.answer.body.id}?done=created`, 303)
  })

  async function newReferralPage(
    request: FastifyRequest,
    reply: FastifyReply,
    state: { errors?: FormErrors; values: Record<string, string> }
  ) {
    const api = apiOf(app, request)
    const role = principalOfPage(request).role
    const [pupils, reasons, orgs] = await Promise.all([
      api.get<{ results: Pupil[] }>('/v1/pupils?pageSize=100'),
      api.get<{ results: { code: string; label: string }[] }>('/v1/reason-codes'),
      organisations(api, { providers: true })
    ])
    const choices = pupils.results.map((p) => ({ id: p.id, name: displayName(p), upn: p.upn }))
    const chosen = state.values.pupilId
    if (chosen && /^[1-9][0-9]{0,17}$/.test(chosen) && !choices.some((p) => p.id === chosen)) {
      // A pupil beyond the first page of the list, linked from their record.
      const p = await api.maybe<Pupil>(`/v1/pupils/${chosen}`)
      if (p) choices.unshift({ id: p.id, name: displayName(p), upn: p.upn })
    }
    const v = state.values
    const bases = role === 'school' ? SCHOOL_BASES : LEGAL_BASES
    return renderPage(request, reply, 'referrals/new.njk', {
      title: 'Refer a pupil',
      breadcrumbs: [{ text: 'Referrals', href: '/referrals' }],
      errors: state.errors,
      values: v,
      pupilItems: [
        { value: '', text: 'Choose a pupil', selected: !v.pupilId },
        ...choices.map((p) => ({ value: p.id, text: `${p.name} (UPN ${p.upn})`, selected: p.id === v.pupilId }))
      ],
      tierItems: [1, 2, 3].map((t) => ({
        value: String(t),
        text: TIER_TEXT[t],
        checked: v.requestedTier === String(t)
      })),
      basisItems: bases.map((b) => ({ value: b, text: LEGAL_BASIS_TEXT[b] ?? words(b), checked: v.legalBasis === b })),
      reasonItems: [
        { value: '', text: 'Choose a reason', selected: !v.reasonCode },
        ...reasons.results.map((r) => ({
          value: r.code,
          text: `${r.label} (${r.code})`,
          selected: r.code === v.reasonCode
        }))
      ],
      providerItems: [
        { value: '', text: 'No preference', selected: !v.preferredProviderId },
        ...[...orgs.providers].map(([id, name]) => ({ value: id, text: name, selected: id === v.preferredProviderId }))
      ],
      exclusionItems: [
        { value: '', text: 'None', selected: !v.exclusionKind },
        { value: 'SUSPENSION', text: 'Suspension', selected: v.exclusionKind === 'SUSPENSION' },
        { value: 'PERMANENT', text: 'Permanent exclusion', selected: v.exclusionKind === 'PERMANENT' }
      ],
      objectiveRows: OBJECTIVE_ROWS
    })
  }

  app.get(
    '/referrals/:id',
    { config: page(['coordinator', 'school']), schema: { params: IdParams, querystring: ReferralQuery } },
    async (request, reply) => {
      const { id } = request.params as { id: string }
      const { done } = request.query as { done?: string }
      return referralPage(request, reply, id, { flash: done ? FLASH[done] : undefined })
    }
  )

  app.post(
    '/referrals/:id/decision',
    { config: page(['coordinator']), schema: { params: IdParams } },
    async (request, reply) => {
      const { id } = request.params as { id: string }
      const form = (request.body ?? {}) as Form
      const api = apiOf(app, request)
      const result = await api.send(
        'POST',
        `/v1/referrals/${id}/decision`,
        forms.compact({ decision: forms.text(form, 'decision'), reason: forms.text(form, 'reason') })
      )
      if (!result.ok)
        return referralPage(request, reply.code(result.problem.status), id, {
          errors: errorsFor(result.problem, DECISION_FIELDS, 'decision-form'),
          values: typed(form)
        })
      return reply.redirect(`/referrals/${id}?done=decided`, 303)
    }
  )

  app.post(
    '/referrals/:id/withdraw',
    { config: page(['school', 'coordinator']), schema: { params: IdParams } },
    async (request, reply) => {
      const { id } = request.params as { id: string }
      const form = (request.body ?? {}) as Form
      const api = apiOf(app, request)
      const result = await api.send(
        'POST',
        `/v1/referrals/${id}/withdrawal`,
        forms.compact({ reason: forms.text(form, 'withdrawReason') })
      )
      if (!result.ok)
        return referralPage(request, reply.code(result.problem.status), id, {
          errors: errorsFor(result.problem, WITHDRAW_FIELDS, 'withdraw-form'),
          values: typed(form),
          withdrawOpen: true
        })
      return reply.redirect(`/referrals/${id}?done=withdrawn`, 303)
    }
  )

  async function referralPage(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    extra: { errors?: FormErrors; values?: Record<string, string>; flash?: string | undefined; withdrawOpen?: boolean }
  ) {
    const api = apiOf(app, request)
    const role = principalOfPage(request).role
    const referral = await api.get<Referral>(`/v1/referrals/${id}`)
    const [names, reasons, orgs] = await Promise.all([
      pupilNames(api, [referral.pupilId]),
      referral.reasonCode
        ? api.get<{ results: { code: string; label: string }[] }>('/v1/reason-codes')
        : Promise.resolve({ results: [] }),
      organisations(api, {
        schools: Boolean(referral.referringSchoolId),
        providers: Boolean(referral.preferredProviderId)
      })
    ])
    const pupilName = names.get(referral.pupilId) ?? `Pupil ${referral.pupilId}`
    const reason = reasons.results.find((r) => r.code === referral.reasonCode)
    const title = `Referral for ${pupilName}`
    const open = referral.status === 'SUBMITTED' || referral.status === 'ACCEPTED'
    return renderPage(request, reply, 'referrals/show.njk', {
      title,
      breadcrumbs: [{ text: 'Referrals', href: '/referrals' }],
      errors: extra.errors,
      flash: extra.flash,
      values: extra.values ?? {},
      referral,
      pupilName,
      statusText: statusText(referral.status),
      statusClass: referralTag(referral.status),
      tierText: TIER_TEXT[referral.requestedTier],
      basisText: LEGAL_BASIS_TEXT[referral.legalBasis] ?? words(referral.legalBasis),
      reasonText: referral.reasonCode ? (reason ? `${reason.label} (${reason.code})` : referral.reasonCode) : null,
      school: referral.referringSchoolId
        ? (orgs.schools.get(referral.referringSchoolId) ?? `School ${referral.referringSchoolId}`)
        : 'The local authority',
      provider: referral.preferredProviderId
        ? (orgs.providers.get(referral.preferredProviderId) ?? `Provider ${referral.preferredProviderId}`)
        : null,
      exclusions: referral.exclusions.map((e) => ({
        kind: words(e.kind),
        firstDay: e.firstDay,
        length: e.lengthSchoolDays ?? null
      })),
      clocks: referral.clocks.map((c) => ({ ...clockTag(c), rule: c.rule })),
      canDecide: role === 'coordinator' && referral.status === 'SUBMITTED',
      canWithdraw: open,
      withdrawOpen: extra.withdrawOpen ?? false,
      canPlace: role === 'coordinator' && referral.status === 'ACCEPTED',
      decisionItems: [
        { value: 'ACCEPT', text: 'Accept', checked: extra.values?.decision === 'ACCEPT' },
        { value: 'DECLINE', text: 'Decline', checked: extra.values?.decision === 'DECLINE' }
      ]
    })
  }
}

/** The form as typed, one string per field, to show again after a refusal. */
function typed(form: Form): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(form)) if (k !== '_csrf' && v !== undefined) out[k] = String([v].flat()[0] ?? '')
  return out
}

/** The error summary and inline messages; a refusal that names no field keeps the API's own words. */
function errorsFor(problem: Problem, fields: FieldSpec[], formId: string): FormErrors {
  const errors = forms.errorsFromProblem(
    problem,
    fields.map((f) => (CHOICES.has(f.id) ? { ...f, choice: true } : f)),
    formId
  )
  // A number typed wrongly: say what a right one looks like.
  const reword = (id: string, text: string) => (NUMBERS[id] && / must be a number$/.test(text) ? NUMBERS[id] : text)
  for (const item of errors.list) item.text = reword(item.href.slice(1), item.text)
  for (const [id, message] of Object.entries(errors.byId)) message.text = reword(id, message.text)
  return errors
}

/** Inputs chosen from a list, whose messages say "Select" rather than "Enter" (GOV.UK error message style). */
const CHOICES = new Set([
  'pupilId',
  'requestedTier',
  'legalBasis',
  'reasonCode',
  'exclusionKind',
  'preferredProviderId',
  'decision'
])
const NUMBERS: Record<string, string> = {
  baselineAttendancePct: 'Baseline attendance must be a number, like 62.5',
  exclusionLength: 'Length of the suspension must be a whole number of school days, like 3'
}
