import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { academicYearStart } from '../../domain/school-year.js'
import { todayIn } from '../../platform/time.js'
import { PageError, type Problem } from '../api.js'
import { compact, date, errorsFromProblem, type FieldSpec, type FormErrors, number, text } from '../forms.js'
import { queryString } from '../lookups.js'
import { ROLE_NAMES } from '../navigation.js'
import { apiOf, page, principalOfPage, renderPage } from '../page.js'
import type { Paging } from '../../platform/schemas.js'

/**
 * The LA administrator's screens: the LA's schools and providers, who may sign in with which role, API tokens,
 * the audit trail, the term calendar and the LA policy. Every read and write goes through the API as the user.
 */

const ADMIN = page(['la_admin'])
const IdParams = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,18}$' }) }, { additionalProperties: false })
const Done = (words: string[]) => Type.Optional(Type.Union(words.map((w) => Type.Literal(w))))
const PageNo = Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 }))

type Form = Record<string, unknown>
const formOf = (request: FastifyRequest): Form => (request.body ?? {}) as Form

export const PHASES = ['NURSERY', 'PRIMARY', 'MIDDLE', 'SECONDARY', 'ALL_THROUGH', 'SIXTEEN_PLUS', 'NOT_APPLICABLE']
export const SCHOOL_TYPES: Record<string, string> = {
  COMMUNITY: 'Community school',
  VOLUNTARY_CONTROLLED: 'Voluntary controlled school',
  VOLUNTARY_AIDED: 'Voluntary aided school',
  FOUNDATION: 'Foundation school',
  ACADEMY: 'Academy',
  FREE_SCHOOL: 'Free school',
  COMMUNITY_SPECIAL: 'Community special school',
  FOUNDATION_SPECIAL: 'Foundation special school',
  ACADEMY_SPECIAL: 'Academy special school',
  PRU: 'Pupil referral unit',
  AP_ACADEMY: 'AP academy',
  AP_FREE_SCHOOL: 'AP free school',
  INDEPENDENT: 'Independent school'
}
export const REGISTRATION: Record<string, string> = {
  STATE_FUNDED_AP_SCHOOL: 'State-funded AP school (PRU, AP academy or AP free school)',
  REGISTERED_INDEPENDENT_SCHOOL: 'Registered independent school',
  UNREGISTERED: 'Unregistered setting'
}
export const SETTING_TYPES: Record<string, string> = {
  NFE: 'NFE: non-maintained further education',
  OOT: 'OOT: one-to-one tuition',
  OTH: 'OTH: other unregistered provider',
  WBP: 'WBP: work-based placement'
}
export const QA: Record<string, string> = {
  NOT_ASSESSED: 'Not assessed',
  APPROVED: 'Approved',
  APPROVED_WITH_CONDITIONS: 'Approved with conditions',
  NOT_APPROVED: 'Not approved',
  SUSPENDED: 'Suspended'
}
const phaseName = (p: string) =>
  p === 'SIXTEEN_PLUS' ? '16 plus' : p.charAt(0) + p.slice(1).toLowerCase().replace(/_/g, ' ')

const selectOf = (options: Record<string, string>, selected: unknown, blank?: string) => [
  ...(blank === undefined ? [] : [{ value: '', text: blank, selected: !selected }]),
  ...Object.entries(options).map(([value, label]) => ({ value, text: label, selected: value === selected }))
]
const radiosOf = (options: Record<string, string>, checked: unknown) =>
  Object.entries(options).map(([value, label]) => ({ value, text: label, checked: value === checked }))

/** Renders a form again with the API's refusal: its status, the messages by input, and what was typed. */
function refused(
  request: FastifyRequest,
  reply: FastifyReply,
  template: string,
  problem: Problem,
  fields: FieldSpec[],
  formId: string,
  data: Record<string, unknown>
) {
  const errors = tidy(errorsFromProblem(problem, fields, formId))
  return renderPage(request, reply.code(problem.status), template, { ...data, errors })
}

/** First inputs of the date inputs, where the error summary's links go. */
const FIRST_INPUT: Record<string, string> = {
  '#qaDate': '#qaDate-day',
  '#safeguardingConfirmedOn': '#safeguardingConfirmedOn-day'
}

/** One message per input in the error summary (its first, as the inline message), linked to the input itself. */
function tidy(errors: FormErrors): FormErrors {
  // A group of inputs (a date, radios) is linked at its first input.
  return { ...errors, list: errors.list.map((e) => ({ ...e, href: FIRST_INPUT[e.href] ?? e.href })) }
}

// ---------------------------------------------------------------------------------------------------------------
// Organisations

interface SchoolJson {
  id: string
  urn: string
  laestab: string
  name: string
  phase: string
  type: string
}
interface ProviderJson {
  id: string
  name: string
  urn: string | null
  ukprn: string | null
  settingType: string | null
  registrationStatus: string
  qaStatus: string
  tiers: { tier: number; places: number }[]
}

const ORG_DONE: Record<string, string> = { school: 'School added', provider: 'Provider added' }

const SCHOOL_FIELDS: FieldSpec[] = [
  { path: '/urn', id: 'urn', label: 'URN' },
  { path: '/laestab', id: 'laestab', label: 'LAESTAB' },
  { path: '/name', id: 'name', label: 'Name' },
  { path: '/phase', id: 'phase', label: 'Phase' },
  { path: '/type', id: 'type', label: 'Establishment type' },
  { path: '/laCode', id: 'laestab', label: 'Local authority' }
]

const PROVIDER_FIELDS: FieldSpec[] = [
  { path: '/', id: 'identifier', label: 'Identifier' },
  { path: '/name', id: 'name', label: 'Name' },
  { path: '/registrationStatus', id: 'registrationStatus', label: 'Registration' },
  { path: '/urn', id: 'urn', label: 'URN' },
  { path: '/ukprn', id: 'ukprn', label: 'UKPRN' },
  { path: '/settingType', id: 'settingType', label: 'Setting type' },
  { path: '/qaStatus', id: 'qaStatus', label: 'Quality assurance status' },
  { path: '/qaDate', id: 'qaDate', label: 'Quality assurance date' },
  { path: '/safeguardingConfirmedOn', id: 'safeguardingConfirmedOn', label: 'Safeguarding confirmed on' },
  { path: '/tiers', id: 'tier1', label: 'Tiers' },
  { path: '/laCode', id: 'name', label: 'Local authority' }
]

function schoolFormData(values: Form) {
  return {
    title: 'Add a school',
    breadcrumbs: [{ text: 'Organisations', href: '/admin/organisations' }],
    values,
    phaseItems: [
      { value: '', text: 'Choose a phase', selected: !values.phase },
      ...PHASES.map((p) => ({ value: p, text: phaseName(p), selected: p === values.phase }))
    ],
    typeItems: selectOf(SCHOOL_TYPES, values.type, 'Choose a type')
  }
}

function providerFormData(values: Form) {
  return {
    title: 'Add a provider',
    breadcrumbs: [{ text: 'Organisations', href: '/admin/organisations' }],
    values,
    registrationItems: radiosOf(REGISTRATION, values.registrationStatus),
    settingTypeItems: selectOf(SETTING_TYPES, values.settingType, 'None (it has a URN or UKPRN)'),
    qaItems: selectOf(QA, values.qaStatus ?? 'NOT_ASSESSED')
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Sign-in roles

type OrgType = 'local_authority' | 'school' | 'provider'
interface SignInRoleJson {
  id: string
  orgType: OrgType
  orgId: string
  orgName: string | null
  email: string | null
  role: string
  createdAt: string
}
const ROLES_BY_ORG: Record<OrgType, string[]> = {
  local_authority: ['la_admin', 'coordinator', 'analyst'],
  school: ['school'],
  provider: ['provider']
}
const ORG_TYPE_NAMES: Record<OrgType, string> = {
  local_authority: 'Local authority',
  school: 'School',
  provider: 'Provider'
}
const SIGN_IN_FIELDS: FieldSpec[] = [
  { path: '/orgType', id: 'organisation', label: 'Organisation' },
  { path: '/orgId', id: 'organisation', label: 'Organisation' },
  { path: '/email', id: 'email', label: 'Email address' },
  { path: '/role', id: 'role', label: 'Role' }
]
/** The sign-in role form's messages in plain words. */
function signInErrors(problem: Problem): FormErrors {
  const errors = tidy(errorsFromProblem(problem, SIGN_IN_FIELDS, 'add-sign-in-role'))
  const plain: Record<string, string> = {
    email: 'Enter an email address in the correct format, like name@example.gov.uk, or leave it blank'
  }
  if (problem.status === 422)
    plain.role =
      'Choose a role that fits the organisation: School for a school, AP provider for a provider, ' +
      'or an LA role for the local authority'
  if (problem.status === 409)
    plain.organisation = plain.email =
      'This organisation (for everyone, or for this email address) has a sign-in role already: remove it first'
  if (problem.status === 422 && problem.errors?.some((e) => e.path === '/orgId'))
    plain.organisation = 'Choose your local authority or one of its schools or providers'
  const choose: Record<string, string> = { organisation: 'Choose an organisation', role: 'Choose a role' }
  const rewrite = (id: string, text: string) => (text.startsWith('Enter ') ? (choose[id] ?? text) : (plain[id] ?? text))
  return {
    list: errors.list.map((e) => ({ ...e, text: rewrite(e.href.slice(1), e.text) })),
    byId: Object.fromEntries(Object.entries(errors.byId).map(([id, e]) => [id, { text: rewrite(id, e.text) }]))
  }
}
const SIGN_IN_DONE: Record<string, string> = { added: 'Sign-in role added', removed: 'Sign-in role removed' }

// ---------------------------------------------------------------------------------------------------------------
// Tokens

interface TokenJson {
  id: string
  label: string
  role: string
  schoolId: string | null
  providerId: string | null
  createdBy: string
  createdAt: string
  expiresAt: string
  revokedAt: string | null
  status: string
}
const TOKEN_FIELDS: FieldSpec[] = [
  { path: '/label', id: 'label', label: 'Who or what holds the token' },
  { path: '/role', id: 'role', label: 'Role' },
  { path: '/schoolId', id: 'schoolId', label: 'School' },
  { path: '/providerId', id: 'providerId', label: 'Provider' },
  { path: '/expiresInDays', id: 'expiresInDays', label: 'Days until it expires' }
]
const TOKEN_DONE: Record<string, string> = { revoked: 'Token revoked' }

// ---------------------------------------------------------------------------------------------------------------
// Policy

const POLICY_NUMBERS: [string, string, string][] = [
  ['reviewIntervalSchoolWeeks', 'Longest gap between reviews', 'School weeks, 1 to 13'],
  ['firstReviewSchoolDays', 'First review due within', 'School days of the placement starting, 1 to 65'],
  ['referralDecisionSchoolDays', 'Referral decision due within', 'School days of the referral, 1 to 65'],
  ['tier1MaxSchoolWeeks', 'Tier 1 time limit', 'School weeks, 1 to 78'],
  ['tier2MaxSchoolWeeks', 'Tier 2 time limit', 'School weeks, 1 to 78; extensions past it need LA approval'],
  ['tier3MaxSchoolWeeks', 'Tier 3 time limit', 'School weeks, 1 to 156; leave blank for no limit'],
  [
    'smallNumberThreshold',
    'Small-number threshold',
    'Counts below this are withheld in reports leaving the LA, 1 to 20'
  ],
  [
    'fullTimeThresholdHours',
    'Full-time threshold',
    'Weekly hours from which an unregistered setting counts as full-time, 1 to 40'
  ],
  ['sustainedAttendancePct', 'Sustained attendance', 'Percentage a reintegration needs at each follow-up, 0 to 100'],
  [
    'followUpResponseSchoolDays',
    'Follow-up response',
    'School days a follow-up stays open before it is overdue, 1 to 65'
  ]
]
const POLICY_FIELDS: FieldSpec[] = [
  ...POLICY_NUMBERS.map(([name, label]) => ({ path: `/${name}`, id: name, label })),
  { path: '/year11ExamsEnd', id: 'year11ExamsEnd', label: 'Year 11 examinations end' }
]

/** The policy form's messages in plain words: the range each number must be in, the form of the exam date. */
function policyErrors(problem: Problem): FormErrors {
  const errors = tidy(errorsFromProblem(problem, POLICY_FIELDS, 'policy-form'))
  const plain: Record<string, string> = {
    year11ExamsEnd: 'Year 11 examinations end must be a month and day from May to July, as MM-DD, for example 06-24'
  }
  for (const [name, label, hint] of POLICY_NUMBERS) {
    const range = /([0-9]+) to ([0-9]+)/.exec(hint)
    const kind = name === 'sustainedAttendancePct' ? 'a number' : 'a whole number'
    if (range) plain[name] = `${label} must be ${kind} from ${range[1]} to ${range[2]}`
  }
  const rewrite = (id: string, text: string) => (plain[id] && !text.startsWith('Enter ') ? plain[id] : text)
  return {
    list: errors.list.map((e) => ({ ...e, text: rewrite(e.href.slice(1), e.text) })),
    byId: Object.fromEntries(Object.entries(errors.byId).map(([id, e]) => [id, { text: rewrite(id, e.text) }]))
  }
}

/** `2025-26` for the academic year a date is in. */
const academicYearOfDate = (iso: string) => {
  const start = academicYearStart(iso)
  return `${start}-${String((start + 1) % 100).padStart(2, '0')}`
}

// ---------------------------------------------------------------------------------------------------------------

export async function adminPages(app: FastifyInstance) {
  // --- Organisations ------------------------------------------------------------------------------------------
  app.get(
    '/admin/organisations',
    {
      config: ADMIN,
      schema: {
        querystring: Type.Object(
          { schoolsPage: PageNo, providersPage: PageNo, done: Done(Object.keys(ORG_DONE)) },
          { additionalProperties: false }
        )
      }
    },
    async (request, reply) => {
      const q = request.query as { schoolsPage?: number; providersPage?: number; done?: string }
      const api = apiOf(app, request)
      const [schools, providers] = await Promise.all([
        api.get<{ results: SchoolJson[]; paging: Paging }>(`/v1/schools?pageSize=50&page=${q.schoolsPage ?? 1}`),
        api.get<{ results: ProviderJson[]; paging: Paging }>(`/v1/providers?pageSize=50&page=${q.providersPage ?? 1}`)
      ])
      const link = (o: { schoolsPage?: number | undefined; providersPage?: number | undefined }) =>
        `/admin/organisations${queryString({ schoolsPage: q.schoolsPage, providersPage: q.providersPage, ...o })}`
      const pager = (p: Paging, key: 'schoolsPage' | 'providersPage') =>
        p.totalPages > 1
          ? {
              ...(p.page > 1 ? { previous: { href: link({ [key]: p.page - 1 }) } } : {}),
              ...(p.page < p.totalPages ? { next: { href: link({ [key]: p.page + 1 }) } } : {})
            }
          : null
      return renderPage(request, reply, 'admin/organisations.njk', {
        title: 'Organisations',
        flash: q.done ? ORG_DONE[q.done] : undefined,
        schools: schools.results.map((s) => ({
          ...s,
          phaseName: phaseName(s.phase),
          typeName: SCHOOL_TYPES[s.type] ?? s.type
        })),
        schoolsPaging: schools.paging,
        schoolsPager: pager(schools.paging, 'schoolsPage'),
        providers: providers.results.map((p) => ({
          ...p,
          registrationName: REGISTRATION[p.registrationStatus] ?? p.registrationStatus,
          qaName: QA[p.qaStatus] ?? p.qaStatus,
          settingTypeName: p.settingType ? (SETTING_TYPES[p.settingType] ?? p.settingType) : null
        })),
        providersPaging: providers.paging,
        providersPager: pager(providers.paging, 'providersPage')
      })
    }
  )

  app.get('/admin/schools/new', { config: ADMIN }, async (request, reply) =>
    renderPage(request, reply, 'admin/school-new.njk', schoolFormData({}))
  )

  app.post('/admin/schools/new', { config: ADMIN }, async (request, reply) => {
    const form = formOf(request)
    const values = {
      urn: text(form, 'urn'),
      laestab: text(form, 'laestab'),
      name: text(form, 'name'),
      phase: text(form, 'phase'),
      type: text(form, 'type')
    }
    const body = compact({ ...values, laCode: principalOfPage(request).laCode })
    const sent = await apiOf(app, request).send('POST', '/v1/schools', body)
    if (!sent.ok)
      return refused(
        request,
        reply,
        'admin/school-new.njk',
        sent.problem,
        SCHOOL_FIELDS,
        'school-form',
        schoolFormData(values)
      )
    return reply.redirect('/admin/organisations?done=school', 303)
  })

  app.get('/admin/providers/new', { config: ADMIN }, async (request, reply) =>
    renderPage(request, reply, 'admin/provider-new.njk', providerFormData({}))
  )

  app.post('/admin/providers/new', { config: ADMIN }, async (request, reply) => {
    const form = formOf(request)
    const tierPlaces = [1, 2, 3].map((t) => ({ tier: t, places: number(form, `tier${t}`) }))
    const offered = tierPlaces.filter((t) => t.places !== undefined)
    const values = {
      name: text(form, 'name'),
      registrationStatus: text(form, 'registrationStatus'),
      urn: text(form, 'urn'),
      ukprn: text(form, 'ukprn'),
      settingType: text(form, 'settingType'),
      qaStatus: text(form, 'qaStatus'),
      qaDate: date(form, 'qaDate'),
      safeguardingConfirmedOn: date(form, 'safeguardingConfirmedOn'),
      tier1: text(form, 'tier1'),
      tier2: text(form, 'tier2'),
      tier3: text(form, 'tier3')
    }
    const body = compact({
      name: values.name,
      laCode: principalOfPage(request).laCode,
      registrationStatus: values.registrationStatus,
      urn: values.urn,
      ukprn: values.ukprn,
      settingType: values.settingType,
      qaStatus: values.qaStatus,
      qaDate: values.qaDate,
      safeguardingConfirmedOn: values.safeguardingConfirmedOn,
      tiers: offered
    })
    const sent = await apiOf(app, request).send('POST', '/v1/providers', body)
    if (!sent.ok) {
      // Each offered tier's errors go to its own places input.
      const fields = [
        ...PROVIDER_FIELDS,
        ...offered.map((t, i) => ({ path: `/tiers/${i}`, id: `tier${t.tier}`, label: `Tier ${t.tier} places` }))
      ]
      return refused(request, reply, 'admin/provider-new.njk', sent.problem, fields, 'provider-form', {
        ...providerFormData(values),
        typedDates: {
          qaDate: datePartsTyped(form, 'qaDate'),
          safeguardingConfirmedOn: datePartsTyped(form, 'safeguardingConfirmedOn')
        }
      })
    }
    return reply.redirect('/admin/organisations?done=provider', 303)
  })

  // --- Sign-in roles ------------------------------------------------------------------------------------------
  const signInRolesPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { values?: Form; errors?: FormErrors; flash?: string | undefined } = {}
  ) => {
    const api = apiOf(app, request)
    const principal = principalOfPage(request)
    const [list, schools, providers, la] = await Promise.all([
      api.get<{ results: SignInRoleJson[] }>('/v1/sign-in-roles'),
      api.get<{ results: { id: string; name: string }[] }>('/v1/schools?pageSize=100'),
      api.get<{ results: { id: string; name: string }[] }>('/v1/providers?pageSize=100'),
      api.get<{ code: string; name: string }>(`/v1/local-authorities/${principal.laCode}`)
    ])
    const values = extra.values ?? {}
    const orgItems = [
      { value: '', text: 'Choose an organisation', selected: !values.organisation },
      {
        value: `local_authority:${principal.laCode}`,
        text: `${la.name} (the local authority, ${principal.laCode})`
      },
      ...schools.results.map((s) => ({ value: `school:${s.id}`, text: `${s.name} (school)` })),
      ...providers.results.map((p) => ({ value: `provider:${p.id}`, text: `${p.name} (provider)` }))
    ].map((i) => ({ ...i, selected: i.value !== '' && i.value === values.organisation }))
    const roleItems = (['la_admin', 'coordinator', 'analyst', 'school', 'provider'] as const).map((r) => ({
      value: r,
      text: ROLE_NAMES[r],
      hint: {
        text:
          r === 'school'
            ? 'For a school only'
            : r === 'provider'
              ? 'For a provider only'
              : 'For the local authority only'
      },
      checked: r === values.role
    }))
    return renderPage(request, reply, 'admin/sign-in-roles.njk', {
      title: 'Sign-in roles',
      rows: list.results.map((r) => ({
        ...r,
        orgTypeName: ORG_TYPE_NAMES[r.orgType] ?? r.orgType,
        roleName: ROLE_NAMES[r.role as keyof typeof ROLE_NAMES] ?? r.role
      })),
      orgItems,
      roleItems,
      rolesByOrg: ROLES_BY_ORG,
      values,
      errors: extra.errors,
      flash: extra.flash
    })
  }

  app.get(
    '/admin/sign-in-roles',
    {
      config: ADMIN,
      schema: {
        querystring: Type.Object({ done: Done(Object.keys(SIGN_IN_DONE)) }, { additionalProperties: false })
      }
    },
    async (request, reply) => {
      const q = request.query as { done?: string }
      return signInRolesPage(request, reply, { flash: q.done ? SIGN_IN_DONE[q.done] : undefined })
    }
  )

  app.post('/admin/sign-in-roles', { config: ADMIN }, async (request, reply) => {
    const form = formOf(request)
    const values = { organisation: text(form, 'organisation'), email: text(form, 'email'), role: text(form, 'role') }
    const [orgType, orgId] = values.organisation?.includes(':')
      ? values.organisation.split(':', 2)
      : [undefined, undefined]
    const body = compact({ orgType, orgId, email: values.email, role: values.role })
    const sent = await apiOf(app, request).send('POST', '/v1/sign-in-roles', body)
    if (!sent.ok) {
      const problem = sent.problem
      return signInRolesPage(request, reply.code(problem.status), {
        values,
        errors: signInErrors(problem)
      })
    }
    return reply.redirect('/admin/sign-in-roles?done=added', 303)
  })

  app.post(
    '/admin/sign-in-roles/:id/remove',
    { config: ADMIN, schema: { params: IdParams } },
    async (request, reply) => {
      const { id } = request.params as { id: string }
      const sent = await apiOf(app, request).send('DELETE', `/v1/sign-in-roles/${id}`, undefined)
      if (!sent.ok) {
        return signInRolesPage(request, reply.code(sent.problem.status), {
          errors: errorsFromProblem(sent.problem, [], 'sign-in-roles')
        })
      }
      return reply.redirect('/admin/sign-in-roles?done=removed', 303)
    }
  )

  // --- Tokens -------------------------------------------------------------------------------------------------
  const tokenFormData = async (request: FastifyRequest, values: Form, pageNo = 1) => {
    const api = apiOf(app, request)
    const [tokens, schools, providers] = await Promise.all([
      api.get<{ results: TokenJson[]; paging: Paging }>(`/v1/tokens?pageSize=50&page=${pageNo}`),
      api.get<{ results: { id: string; name: string }[] }>('/v1/schools?pageSize=100'),
      api.get<{ results: { id: string; name: string }[] }>('/v1/providers?pageSize=100')
    ])
    const schoolNames = new Map(schools.results.map((s) => [s.id, s.name]))
    const providerNames = new Map(providers.results.map((p) => [p.id, p.name]))
    const p = tokens.paging
    return {
      title: 'API tokens',
      values,
      tokens: tokens.results.map((t) => ({
        ...t,
        roleName: ROLE_NAMES[t.role as keyof typeof ROLE_NAMES] ?? t.role,
        organisation: t.schoolId
          ? (schoolNames.get(t.schoolId) ?? `School ${t.schoolId}`)
          : t.providerId
            ? (providerNames.get(t.providerId) ?? `Provider ${t.providerId}`)
            : 'The local authority'
      })),
      paging: p,
      pager:
        p.totalPages > 1
          ? {
              ...(p.page > 1 ? { previous: { href: `/admin/tokens?page=${p.page - 1}` } } : {}),
              ...(p.page < p.totalPages ? { next: { href: `/admin/tokens?page=${p.page + 1}` } } : {})
            }
          : null,
      schoolItems: [
        { value: '', text: 'Choose a school', selected: !values.schoolId },
        ...schools.results.map((s) => ({ value: s.id, text: s.name, selected: s.id === values.schoolId }))
      ],
      providerItems: [
        { value: '', text: 'Choose a provider', selected: !values.providerId },
        ...providers.results.map((s) => ({ value: s.id, text: s.name, selected: s.id === values.providerId }))
      ],
      roles: (['la_admin', 'coordinator', 'analyst', 'school', 'provider'] as const).map((r) => ({
        value: r,
        text: ROLE_NAMES[r],
        checked: r === values.role
      }))
    }
  }

  app.get(
    '/admin/tokens',
    {
      config: ADMIN,
      schema: {
        querystring: Type.Object({ page: PageNo, done: Done(Object.keys(TOKEN_DONE)) }, { additionalProperties: false })
      }
    },
    async (request, reply) => {
      const q = request.query as { page?: number; done?: string }
      return renderPage(request, reply, 'admin/tokens.njk', {
        ...(await tokenFormData(request, {}, q.page ?? 1)),
        flash: q.done ? TOKEN_DONE[q.done] : undefined
      })
    }
  )

  app.post('/admin/tokens', { config: ADMIN }, async (request, reply) => {
    const form = formOf(request)
    const values = {
      label: text(form, 'label'),
      role: text(form, 'role'),
      schoolId: text(form, 'schoolId'),
      providerId: text(form, 'providerId'),
      expiresInDays: text(form, 'expiresInDays')
    }
    const body = compact({
      label: values.label,
      role: values.role,
      // Only the chosen role's organisation is sent: the other select may still hold a choice.
      schoolId: values.role === 'school' ? values.schoolId : undefined,
      providerId: values.role === 'provider' ? values.providerId : undefined,
      expiresInDays: number(form, 'expiresInDays')
    })
    const sent = await apiOf(app, request).send<TokenJson & { token: string }>('POST', '/v1/tokens', body)
    if (!sent.ok) {
      return renderPage(request, reply.code(sent.problem.status), 'admin/tokens.njk', {
        ...(await tokenFormData(request, values)),
        errors: tidy(errorsFromProblem(sent.problem, TOKEN_FIELDS, 'issue-token'))
      })
    }
    const issued = sent.answer.body
    return renderPage(request, reply.code(201), 'admin/token-issued.njk', {
      title: 'Token issued',
      breadcrumbs: [{ text: 'API tokens', href: '/admin/tokens' }],
      issued: { ...issued, roleName: ROLE_NAMES[issued.role as keyof typeof ROLE_NAMES] ?? issued.role }
    })
  })

  app.post('/admin/tokens/:id/revoke', { config: ADMIN, schema: { params: IdParams } }, async (request, reply) => {
    const { id } = request.params as { id: string }
    const sent = await apiOf(app, request).send('DELETE', `/v1/tokens/${id}`, undefined)
    if (!sent.ok) {
      return renderPage(request, reply.code(sent.problem.status), 'admin/tokens.njk', {
        ...(await tokenFormData(request, {})),
        errors: errorsFromProblem(sent.problem, [], 'tokens')
      })
    }
    return reply.redirect('/admin/tokens?done=revoked', 303)
  })

  // --- Audit --------------------------------------------------------------------------------------------------
  app.get(
    '/admin/audit',
    {
      config: ADMIN,
      schema: {
        querystring: Type.Object(
          {
            pupilId: Type.Optional(Type.String({ maxLength: 18 })),
            actor: Type.Optional(Type.String({ maxLength: 100 })),
            from: Type.Optional(Type.String({ maxLength: 10 })),
            to: Type.Optional(Type.String({ maxLength: 10 })),
            page: PageNo
          },
          { additionalProperties: false }
        )
      }
    },
    async (request, reply) => {
      const q = request.query as { pupilId?: string; actor?: string; from?: string; to?: string; page?: number }
      const filters = {
        pupilId: q.pupilId?.trim() || undefined,
        actor: q.actor?.trim() || undefined,
        from: q.from?.trim() || undefined,
        to: q.to?.trim() || undefined
      }
      const searched = Object.values(filters).some((v) => v !== undefined)
      const answer = await apiOf(app, request).call<{ results: AuditJson[]; paging: Paging } & Problem>(
        'GET',
        `/v1/audit${queryString({ ...filters, page: q.page ?? 1, pageSize: 50 })}`
      )
      const data = { title: 'Audit trail', filters, searched }
      if (answer.status === 400) {
        return renderPage(request, reply.code(400), 'admin/audit.njk', {
          ...data,
          errors: auditErrors({ ...answer.body, status: 400 })
        })
      }
      if (answer.status >= 300) throw new PageError(answer.status, answer.body)
      const p = answer.body.paging
      const link = (n: number) => `/admin/audit${queryString({ ...filters, page: n })}`
      return renderPage(request, reply, 'admin/audit.njk', {
        ...data,
        rows: answer.body.results,
        paging: p,
        pager:
          p.totalPages > 1
            ? {
                ...(p.page > 1 ? { previous: { href: link(p.page - 1) } } : {}),
                ...(p.page < p.totalPages ? { next: { href: link(p.page + 1) } } : {})
              }
            : null
      })
    }
  )

  // --- Calendars ----------------------------------------------------------------------------------------------
  app.get(
    '/admin/calendars',
    {
      config: ADMIN,
      schema: {
        querystring: Type.Object(
          { academicYear: Type.Optional(Type.String({ pattern: '^(19|20)[0-9]{2}-[0-9]{2}$' })) },
          { additionalProperties: false }
        )
      }
    },
    async (request, reply) => {
      const q = request.query as { academicYear?: string }
      const laCode = principalOfPage(request).laCode
      const current = academicYearOfDate(todayIn(app.clock))
      const year = q.academicYear ?? current
      const start = Number(current.slice(0, 4))
      const years = [start - 1, start, start + 1].map((y) => `${y}-${String((y + 1) % 100).padStart(2, '0')}`)
      if (!years.includes(year)) years.push(year)
      const api = apiOf(app, request)
      const [calendar, loaded] = await Promise.all([
        api.maybe<LaCalendarJson>(`/v1/local-authorities/${laCode}/calendars/${year}`),
        api.get<{ results: LaCalendarJson[] }>(`/v1/local-authorities/${laCode}/calendars`)
      ])
      const loadedYears = loaded.results.map((c) => c.academicYear.replace('/', '-'))
      for (const y of loadedYears) if (!years.includes(y)) years.push(y)
      return renderPage(request, reply, 'admin/calendars.njk', {
        title: 'Term calendar',
        breadcrumbs: [{ text: 'Organisations', href: '/admin/organisations' }],
        laCode,
        year,
        yearLabel: year.replace('-', '/'),
        yearItems: years.sort().map((y) => ({
          value: y,
          text: `${y.replace('-', '/')}${loadedYears.includes(y) ? '' : ' (not loaded)'}`,
          selected: y === year
        })),
        loadedYears: loadedYears.sort().map((y) => y.replace('-', '/')),
        calendar: calendar
          ? {
              ...calendar,
              rows: calendar.halfTerms.map((h) => ({
                key: { text: HALF_TERMS[h.number - 1] ?? `Half-term ${h.number}` },
                value: { text: `${govukDateOf(h.firstDay)} to ${govukDateOf(h.lastDay)}` }
              }))
            }
          : null
      })
    }
  )

  // --- Policy -------------------------------------------------------------------------------------------------
  const policyData = (
    laCode: string,
    policy: Record<string, unknown>,
    values: Record<string, unknown>,
    version: string
  ) => ({
    title: 'LA policy',
    breadcrumbs: [{ text: 'Organisations', href: '/admin/organisations' }],
    laCode,
    version,
    values,
    summary: [
      ...POLICY_NUMBERS.map(([name, label]) => ({
        key: { text: label },
        value: {
          text:
            policy[name] === null || policy[name] === undefined
              ? 'No limit'
              : `${String(policy[name])}${UNITS[name] ?? ''}`
        }
      })),
      {
        key: { text: 'Year 11 examinations end' },
        value: { text: policy.year11ExamsEnd ? monthDay(String(policy.year11ExamsEnd)) : 'The last Friday of June' }
      }
    ],
    numberFields: POLICY_NUMBERS.map(([name, label, hint]) => ({ name, label, hint }))
  })
  const policyValues = (p: Record<string, unknown>) =>
    Object.fromEntries(
      [...POLICY_NUMBERS.map(([n]) => n), 'year11ExamsEnd'].map((n) => [
        n,
        p[n] === null || p[n] === undefined ? '' : String(p[n])
      ])
    )

  app.get(
    '/admin/policy',
    {
      config: ADMIN,
      schema: { querystring: Type.Object({ done: Done(['saved']) }, { additionalProperties: false }) }
    },
    async (request, reply) => {
      const q = request.query as { done?: string }
      const laCode = principalOfPage(request).laCode
      const { body, etag } = await apiOf(app, request).withVersion<Record<string, unknown>>(
        `/v1/local-authorities/${laCode}/policy`
      )
      return renderPage(request, reply, 'admin/policy.njk', {
        ...policyData(laCode, body, policyValues(body), etag),
        flash: q.done === 'saved' ? 'Policy saved' : undefined
      })
    }
  )

  app.post('/admin/policy', { config: ADMIN }, async (request, reply) => {
    const form = formOf(request)
    const laCode = principalOfPage(request).laCode
    const version = text(form, 'version') ?? ''
    const numbers = Object.fromEntries(POLICY_NUMBERS.map(([n]) => [n, number(form, n)]))
    const body = {
      ...compact(numbers),
      // A blank Tier 3 limit is none; a blank exam end date is the default.
      tier3MaxSchoolWeeks: numbers.tier3MaxSchoolWeeks ?? null,
      year11ExamsEnd: text(form, 'year11ExamsEnd') ?? null
    }
    const api = apiOf(app, request)
    const sent = await api.send(
      'PUT',
      `/v1/local-authorities/${laCode}/policy`,
      body,
      version ? { 'if-match': version } : {}
    )
    if (!sent.ok) {
      const current = await api.withVersion<Record<string, unknown>>(`/v1/local-authorities/${laCode}/policy`)
      const values = Object.fromEntries(
        [...POLICY_NUMBERS.map(([n]) => n), 'year11ExamsEnd'].map((n) => [n, text(form, n) ?? ''])
      )
      const stale = sent.problem.status === 412 || sent.problem.status === 428
      const errors: FormErrors = stale
        ? {
            list: [
              {
                text:
                  'Someone else changed the policy after you opened this page. ' +
                  'The current policy is shown: check it and save your changes again.',
                href: '#policy-form'
              }
            ],
            byId: {}
          }
        : policyErrors(sent.problem)
      // After a clash the form carries the current version, so saving again replaces what is shown.
      return renderPage(request, reply.code(sent.problem.status), 'admin/policy.njk', {
        ...policyData(laCode, current.body, values, stale ? current.etag : version),
        errors
      })
    }
    return reply.redirect('/admin/policy?done=saved', 303)
  })
}

interface AuditJson {
  id: string
  at: string
  requestId: string | null
  actor: string
  role: string
  organisation: { type: string; id: string }
  action: string
  entity: string
  entityId: string | null
  pupilId: string | null
  changedFields: string[] | null
  reason?: string | null
}

interface LaCalendarJson {
  laCode: string
  academicYear: string
  halfTerms: { number: number; firstDay: string; lastDay: string }[]
  schoolDays: number
  updatedAt: string
}

const HALF_TERMS = ['Autumn 1', 'Autumn 2', 'Spring 1', 'Spring 2', 'Summer 1', 'Summer 2']
const UNITS: Record<string, string> = {
  reviewIntervalSchoolWeeks: ' school weeks',
  firstReviewSchoolDays: ' school days',
  referralDecisionSchoolDays: ' school days',
  tier1MaxSchoolWeeks: ' school weeks',
  tier2MaxSchoolWeeks: ' school weeks',
  tier3MaxSchoolWeeks: ' school weeks',
  fullTimeThresholdHours: ' hours a week',
  sustainedAttendancePct: '%',
  followUpResponseSchoolDays: ' school days'
}
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December'
]
const monthDay = (mmdd: string) => {
  const [m, d] = mmdd.split('-').map(Number)
  return m && d ? `${d} ${MONTHS[m - 1]}` : mmdd
}
const govukDateOf = (iso: string) => {
  const [y, m, d] = iso.split('-').map(Number)
  return y && m && d ? `${d} ${MONTHS[m - 1]} ${y}` : iso
}

const AUDIT_MESSAGES: Record<string, [string, string]> = {
  pupilId: ['pupilId', 'Pupil ID must be a number'],
  actor: ['actor', 'Actor must be 100 characters or fewer'],
  from: ['from', 'From must be a real date as YYYY-MM-DD, for example 2026-01-20'],
  to: ['to', 'To must be a real date as YYYY-MM-DD, for example 2026-01-20']
}

/** The audit search's refusal (its query named by `/querystring/<name>`), one message per field. */
function auditErrors(problem: Problem): FormErrors {
  const out: FormErrors = { list: [], byId: {} }
  for (const error of problem.errors ?? []) {
    const known = AUDIT_MESSAGES[error.path.replace(/^\/querystring\//, '')]
    const [id, message] = known ?? ['audit-search', error.message || problem.detail || 'The search was not understood']
    if (out.byId[id]) continue
    out.byId[id] = { text: message }
    out.list.push({ text: message, href: `#${id}` })
  }
  if (out.list.length === 0)
    out.list.push({ text: problem.detail ?? 'The search was not understood', href: '#audit-search' })
  return out
}

/** The three parts of a date input as typed, so a refused form shows them again unchanged. */
function datePartsTyped(form: Form, name: string) {
  return {
    day: text(form, `${name}-day`) ?? '',
    month: text(form, `${name}-month`) ?? '',
    year: text(form, `${name}-year`) ?? ''
  }
}
