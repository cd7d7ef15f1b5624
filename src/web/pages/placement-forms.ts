import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { SCALES, STAGES, SUBJECTS } from '../../domain/attainment.js'
import {
  CHECKPOINTS,
  DESTINATIONS,
  DESTINATION_SOURCES,
  OUTCOME_CODES,
  SEPTEMBER_GUARANTEE,
  isPost16Checkpoint
} from '../../domain/outcomes.js'
import { DECISIONS } from '../../modules/reviews/reviews.schemas.js'
import { PageError, type PageApi, type Problem } from '../api.js'
import { govukDate, words } from '../filters.js'
import { all, compact, date, errorsFromProblem, number, text, type FieldSpec, type FormErrors } from '../forms.js'
import { pupilNames } from '../lookups.js'
import { apiOf, page, principalOfPage, renderPage } from '../page.js'

/**
 * The forms that create or close things on a placement (place a pupil, hold a review, the school's view of a
 * review, close with an outcome, record a follow-up check or an assessment) and the providers pages. Each reads
 * and writes only through the API as the signed-in user: one API request per form post, so a refused form writes
 * nothing.
 */

const Id = Type.String({ pattern: '^[0-9]{1,18}$' })
const IdParams = Type.Object({ id: Id }, { additionalProperties: false })
const ReviewParams = Type.Object({ id: Id, reviewId: Id }, { additionalProperties: false })
const CheckpointParams = Type.Object(
  { id: Id, checkpoint: Type.Union(CHECKPOINTS.map((c) => Type.Literal(c))) },
  { additionalProperties: false }
)
const NewPlacementQuery = Type.Object({ referralId: Id }, { additionalProperties: false })
const NoQuery = Type.Object({}, { additionalProperties: false })

type Form = Record<string, unknown>

const OBJECTIVE_ROWS_EXTRA = 1
const MAX_OBJECTIVES = 20

// ---------------------------------------------------------------------------------------------------------------
// Shared helpers

interface PlacementJson {
  id: string
  pupilId: string
  providerId: string
  tier: number
  status: string
  startDate: string
  plannedEndDate: string | null
  endDate: string | null
  legalBasis: string
  plan: { objectives: { description: string; baseline: string; target: string }[] }
  firstReviewDueOn: string
  nextReviewDueOn: string | null
  nextReviewRule: string | null
  lastReviewOn: string | null
  reviewCount: number
  reviewOverdue: boolean
  outcome: OutcomeJson | null
}

interface OutcomeJson {
  code: string
  effectiveDate: string
  reintegration: boolean
  followUps: {
    checkpoint: string
    opensOn: string
    dueOn: string
    status: string
    overdue: boolean
    recordedBy: string[]
    result: Record<string, unknown> | null
  }[]
}

interface ReviewJson {
  id: string
  heldOn: string
  decision: string
  schoolView: string | null
  nextReviewOn: string | null
}

interface ProviderJson {
  id: string
  name: string
  laCode: string
  urn: string | null
  ukprn: string | null
  settingType: string | null
  registrationStatus: string
  qaStatus: string
  qaDate: string | null
  safeguardingConfirmedOn: string | null
  tiers: { tier: number; places: number }[]
}

interface WaitingListJson {
  providerId: string
  results: {
    position: number
    referralId: string
    pupilId: string | null
    tier: number
    addedAt: string
    daysWaited: number
    schoolDaysWaited: number
  }[]
}

interface RegistrationCheckJson {
  providerId: string
  unregistered: boolean
  fullTimeThresholdHours: number
  sessionHours: number
  fullTimePupils: number
  fullTimeLookedAfterOrEhcp: number
  flagged: boolean
  rule: string
}

/** A placement with its ETag and the pupil's name, and the breadcrumbs every form on it starts with. */
async function placementOf(api: PageApi, id: string) {
  const { body: placement, etag } = await api.withVersion<PlacementJson>(`/v1/placements/${id}`)
  const names = await pupilNames(api, [placement.pupilId])
  const pupilName = names.get(placement.pupilId) ?? `Pupil ${placement.pupilId}`
  return { placement, etag, pupilName }
}

const crumbs = (id: string, pupilName: string) => [
  { text: 'Placements', href: '/placements' },
  { text: pupilName, href: `/placements/${id}` }
]

/** The problem's errors on the form; the inputs in `choices` are answered by choosing ("Select …"). */
const formErrors = (problem: Problem, fields: FieldSpec[], choices: string[] = []): FormErrors =>
  errorsFromProblem(
    problem,
    fields.map((f) => (choices.includes(f.id) ? { ...f, choice: true } : f))
  )

const yesNo = (form: Form, name: string): boolean | string | undefined => {
  const v = text(form, name)
  return v === 'yes' ? true : v === 'no' ? false : v
}

const items = (values: readonly string[], selected: unknown, label: (v: string) => string = words) =>
  values.map((value) => ({ value, text: label(value), checked: value === selected }))

const options = (values: readonly string[], selected: unknown, first: string, label: (v: string) => string = words) => [
  { value: '', text: first, selected: !selected },
  ...values.map((value) => ({ value, text: label(value), selected: value === selected }))
]

const yesNoItems = (selected: unknown) => [
  { value: 'yes', text: 'Yes', checked: selected === 'yes' },
  { value: 'no', text: 'No', checked: selected === 'no' }
]

/** The form's typed values again (each date field as its three parts). */
function valuesOf(form: Form, dates: string[]): Record<string, unknown> {
  const values: Record<string, unknown> = { ...form }
  delete values._csrf
  for (const name of dates)
    values[name] = {
      day: text(form, `${name}-day`) ?? '',
      month: text(form, `${name}-month`) ?? '',
      year: text(form, `${name}-year`) ?? ''
    }
  return values
}

const dateItems = (name: string, parts: { day: string; month: string; year: string } | undefined, error: boolean) =>
  (['day', 'month', 'year'] as const).map((part) => ({
    name: part,
    label: words(part),
    value: parts?.[part] ?? '',
    classes: [part === 'year' ? 'govuk-input--width-4' : 'govuk-input--width-2', error ? 'govuk-input--error' : '']
      .join(' ')
      .trim(),
    id: `${name}-${part}`
  }))

/** Date-input items for each of `names`, from the typed values, with the error class where the field is wrong. */
function dateInputs(names: string[], values: Record<string, unknown>, errors?: FormErrors) {
  return Object.fromEntries(
    names.map((n) => [
      n,
      dateItems(n, values[n] as { day: string; month: string; year: string }, Boolean(errors?.byId[n]))
    ])
  )
}

const redirectDone = (reply: FastifyReply, id: string, done: string) =>
  reply.redirect(`/placements/${id}?done=${done}`, 303)

const NUMBER_NAMES: Record<number, string> = { 1: 'Tier 1', 2: 'Tier 2', 3: 'Tier 3' }

// ---------------------------------------------------------------------------------------------------------------
// Providers: names for their codes

const REGISTRATION_TEXT: Record<string, string> = {
  STATE_FUNDED_AP_SCHOOL: 'State-funded AP school',
  REGISTERED_INDEPENDENT_SCHOOL: 'Registered independent school',
  UNREGISTERED: 'Unregistered setting'
}

const SETTING_TEXT: Record<string, string> = {
  NFE: 'Non-formal education',
  OOT: 'One-to-one tuition',
  OTH: 'Other',
  WBP: 'Work-based placement'
}

// ---------------------------------------------------------------------------------------------------------------
// 1. Place a pupil from an accepted referral

const PLACE_DATES = [
  'startDate',
  'plannedEndDate',
  'partTimePlanEndDate',
  'laNotifiedOn',
  'parentNoticeGivenOn',
  'laNoticeGivenOn'
]

interface ReferralJson {
  id: string
  pupilId: string
  requestedTier: number
  legalBasis: string
  reasonCode: string | null
  status: string
  preferredProviderId: string | null
  proposedObjectives: { description: string; baseline: string; target: string }[]
}

async function placeContext(api: PageApi, referralId: string) {
  const referral = await api.get<ReferralJson>(`/v1/referrals/${referralId}`)
  const tier = referral.requestedTier
  const [names, providers] = await Promise.all([
    pupilNames(api, [referral.pupilId]),
    api.get<{ results: ProviderJson[] }>(`/v1/providers?tier=${tier}&pageSize=100`)
  ])
  const capacity = await Promise.all(
    providers.results.map(async (p) => {
      const [waiting, ...taken] = await Promise.all([
        api.maybe<WaitingListJson>(`/v1/providers/${p.id}/waiting-list`),
        ...['PLANNED', 'ACTIVE', 'PAUSED'].map((status) =>
          api.get<{ paging: { totalResults: number } }>(
            `/v1/placements?providerId=${p.id}&tier=${tier}&status=${status}&pageSize=1`
          )
        )
      ])
      const places = p.tiers.find((t) => t.tier === tier)?.places ?? 0
      const used = taken.reduce((sum, t) => sum + t.paging.totalResults, 0)
      return {
        id: p.id,
        name: p.name,
        registrationText: REGISTRATION_TEXT[p.registrationStatus] ?? words(p.registrationStatus),
        qaStatus: p.qaStatus,
        places,
        used,
        free: Math.max(places - used, 0),
        waiting: waiting ? waiting.results.filter((w) => w.tier === tier).length : null
      }
    })
  )
  return { referral, tier, pupilName: names.get(referral.pupilId) ?? `Pupil ${referral.pupilId}`, capacity }
}

/** The objective rows the form shows: the typed ones (or the referral's proposals) and one blank row more. */
function objectiveRows(values: Record<string, unknown>, proposed: ReferralJson['proposedObjectives']) {
  const typed: { description: string; baseline: string; target: string }[] = []
  for (let i = 0; i < MAX_OBJECTIVES; i++) {
    const row = ['description', 'baseline', 'target'].map((k) => String(values[`objectives-${i}-${k}`] ?? ''))
    if (values[`objectives-${i}-description`] === undefined) break
    typed.push({ description: row[0]!, baseline: row[1]!, target: row[2]! })
  }
  const rows = typed.length ? typed : proposed.map((o) => ({ ...o }))
  const shown = Math.min(Math.max(rows.length + OBJECTIVE_ROWS_EXTRA, 2), MAX_OBJECTIVES)
  while (rows.length < shown) rows.push({ description: '', baseline: '', target: '' })
  return rows.slice(0, shown)
}

function placeBody(form: Form) {
  // Rows left blank are left out; `kept[i]` is the form row of the i-th objective sent.
  const objectives: Record<string, string | undefined>[] = []
  const kept: number[] = []
  for (let i = 0; i < MAX_OBJECTIVES; i++) {
    const o = {
      description: text(form, `objectives-${i}-description`),
      baseline: text(form, `objectives-${i}-baseline`),
      target: text(form, `objectives-${i}-target`)
    }
    if (o.description === undefined && o.baseline === undefined && o.target === undefined) continue
    objectives.push(compact(o))
    kept.push(i)
  }
  const partTimeEnd = date(form, 'partTimePlanEndDate')
  const partTimeDetails = text(form, 'partTimePlanDetails')
  const body = compact({
    referralId: text(form, 'referralId'),
    providerId: text(form, 'providerId'),
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
    laNotifiedOn: date(form, 'laNotifiedOn'),
    parentNoticeGivenOn: date(form, 'parentNoticeGivenOn'),
    laNoticeGivenOn: date(form, 'laNoticeGivenOn')
  })
  return { body, kept }
}

function placeFields(kept: number[]): FieldSpec[] {
  const fields: FieldSpec[] = [
    { path: '/referralId', id: 'form', label: 'Referral' },
    { path: '/providerId', id: 'providerId', label: 'Provider' },
    { path: '/startDate', id: 'startDate', label: 'Start date' },
    { path: '/plannedEndDate', id: 'plannedEndDate', label: 'Planned end date' },
    { path: '/sessionsAtProvider', id: 'sessionsAtProvider', label: 'Sessions a week at the provider' },
    { path: '/sessionsAtHomeSchool', id: 'sessionsAtHomeSchool', label: 'Sessions a week at the home school' },
    { path: '/partTimePlan', id: 'partTimePlanDetails', label: 'Part-time plan' },
    { path: '/partTimePlan/endDate', id: 'partTimePlanEndDate', label: 'Part-time plan end date' },
    { path: '/partTimePlan/details', id: 'partTimePlanDetails', label: 'Part-time plan details' },
    { path: '/registration', id: 'registration', label: 'Registration' },
    { path: '/plan', id: 'objectives-0-description', label: 'Plan' },
    { path: '/plan/objectives', id: 'objectives-0-description', label: 'Objectives' },
    { path: '/plan/reintegrationPlan', id: 'reintegrationPlan', label: 'Reintegration plan' },
    { path: '/plan/transitionPlan', id: 'transitionPlan', label: 'Transition plan' },
    { path: '/plan/intendedPost16Route', id: 'intendedPost16Route', label: 'Intended post-16 route' },
    { path: '/plan/readinessCriteria', id: 'readinessCriteria', label: 'Readiness criteria' },
    { path: '/laNotifiedOn', id: 'laNotifiedOn', label: 'Date the LA was told' },
    { path: '/parentNoticeGivenOn', id: 'parentNoticeGivenOn', label: 'Date of notice to the parent' },
    { path: '/laNoticeGivenOn', id: 'laNoticeGivenOn', label: 'Date of notice to the LA' },
    { path: '/tier', id: 'form', label: 'Tier' },
    { path: '/legalBasis', id: 'form', label: 'Legal basis' },
    { path: '/reasonCode', id: 'form', label: 'Reason' }
  ]
  kept.forEach((row, i) => {
    const n = row + 1
    fields.push(
      { path: `/plan/objectives/${i}`, id: `objectives-${row}-description`, label: `Objective ${n}` },
      { path: `/plan/objectives/${i}/description`, id: `objectives-${row}-description`, label: `Objective ${n}` },
      { path: `/plan/objectives/${i}/baseline`, id: `objectives-${row}-baseline`, label: `Baseline of objective ${n}` },
      { path: `/plan/objectives/${i}/target`, id: `objectives-${row}-target`, label: `Target of objective ${n}` }
    )
  })
  return fields
}

async function renderPlace(
  request: FastifyRequest,
  reply: FastifyReply,
  api: PageApi,
  referralId: string,
  values: Record<string, unknown>,
  errors?: FormErrors
) {
  const ctx = await placeContext(api, referralId)
  const selected = (values.providerId as string | undefined) ?? ctx.referral.preferredProviderId ?? ''
  return renderPage(request, reply, 'placements/forms/place.njk', {
    title: 'Place a pupil',
    breadcrumbs: [
      { text: 'Referrals', href: '/referrals' },
      { text: ctx.pupilName, href: `/referrals/${referralId}` }
    ],
    errors,
    values,
    referral: ctx.referral,
    pupilName: ctx.pupilName,
    tier: ctx.tier,
    tierName: NUMBER_NAMES[ctx.tier],
    capacity: ctx.capacity,
    providerItems: [
      { value: '', text: 'Choose a provider', selected: !selected },
      ...ctx.capacity.map((p) => ({
        value: p.id,
        text: `${p.name} (${p.free} of ${p.places} places free)`,
        selected: p.id === selected
      }))
    ],
    registrationItems: [
      {
        value: 'ON_HOME_ROLL',
        text: 'On the home school roll only',
        checked: values.registration === 'ON_HOME_ROLL'
      },
      {
        value: 'DUAL_REGISTERED',
        text: 'Dual registered (only where the provider is a school)',
        checked: values.registration === 'DUAL_REGISTERED'
      }
    ],
    objectives: objectiveRows(values, ctx.referral.proposedObjectives),
    dates: dateInputs(PLACE_DATES, values, errors)
  })
}

// ---------------------------------------------------------------------------------------------------------------
// 2. Hold a review

const ATTENDEES = [
  ['school', 'The home school'],
  ['provider', 'The provider'],
  ['la', 'The local authority'],
  ['parent', 'The parent or carer'],
  ['pupil', 'The pupil']
] as const

const DECISION_TEXT: Record<string, string> = {
  CONTINUE: 'Continue the placement',
  EXTEND: 'Extend the placement',
  BEGIN_REINTEGRATION: 'Begin reintegration',
  ESCALATE_TIER: 'Escalate to the next tier',
  END: 'End the placement'
}

const RULE_TEXT: Record<string, string> = {
  FIRST_REVIEW: 'the first-review deadline',
  MAX_GAP: "the LA's longest gap between reviews",
  HALF_TERM: 'a review in every half-term',
  SET_AT_REVIEW: 'an earlier date set at the last review'
}

const PROGRESS = [
  ['MET', 'Met'],
  ['PARTLY', 'Partly met'],
  ['NOT_MET', 'Not met']
] as const

function reviewBody(form: Form, objectiveCount: number) {
  const ticked = all(form, 'attendees')
  const others = (text(form, 'attendeesOthers') ?? '')
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean)
  const newEnd = date(form, 'extensionNewPlannedEnd')
  const reasons = text(form, 'extensionReasons')
  return compact({
    heldOn: date(form, 'heldOn'),
    attendees: {
      school: ticked.includes('school'),
      provider: ticked.includes('provider'),
      la: ticked.includes('la'),
      parent: ticked.includes('parent'),
      pupil: ticked.includes('pupil'),
      others
    },
    parentViews: text(form, 'parentViews'),
    parentViewsMissingReason: text(form, 'parentViewsMissingReason'),
    pupilViews: text(form, 'pupilViews'),
    pupilViewsMissingReason: text(form, 'pupilViewsMissingReason'),
    attendanceSinceLastPct: number(form, 'attendanceSinceLastPct'),
    objectives: Array.from({ length: objectiveCount }, (_, i) =>
      compact({
        objective: i,
        progress: text(form, `objectives-${i}-progress`),
        evidence: text(form, `objectives-${i}-evidence`)
      })
    ),
    decision: text(form, 'decision'),
    extension: newEnd === undefined && reasons === undefined ? undefined : compact({ newPlannedEnd: newEnd, reasons }),
    nextReviewOn: date(form, 'nextReviewOn')
  })
}

function reviewFields(objectiveCount: number): FieldSpec[] {
  const fields: FieldSpec[] = [
    { path: '/heldOn', id: 'heldOn', label: 'Date of the review' },
    { path: '/attendees', id: 'attendees', label: 'Who attended' },
    { path: '/attendees/others', id: 'attendeesOthers', label: 'Other attendees' },
    { path: '/parentViews', id: 'parentViews', label: "The parent's views" },
    {
      path: '/parentViewsMissingReason',
      id: 'parentViewsMissingReason',
      label: "Why the parent's views were not captured"
    },
    { path: '/pupilViews', id: 'pupilViews', label: "The pupil's views" },
    {
      path: '/pupilViewsMissingReason',
      id: 'pupilViewsMissingReason',
      label: "Why the pupil's views were not captured"
    },
    { path: '/attendanceSinceLastPct', id: 'attendanceSinceLastPct', label: 'Attendance since the last review' },
    { path: '/objectives', id: 'objectives-0-progress', label: 'Progress on the objectives' },
    { path: '/decision', id: 'decision', label: 'The decision' },
    {
      path: '/extension',
      id: 'extensionNewPlannedEnd',
      label: 'The new planned end date and reasons for the extension'
    },
    { path: '/extension/newPlannedEnd', id: 'extensionNewPlannedEnd', label: 'New planned end date' },
    { path: '/extension/reasons', id: 'extensionReasons', label: 'Reasons for the extension' },
    { path: '/nextReviewOn', id: 'nextReviewOn', label: 'Date of the next review' }
  ]
  for (let i = 0; i < objectiveCount; i++)
    fields.push(
      { path: `/objectives/${i}`, id: `objectives-${i}-progress`, label: `Progress on objective ${i + 1}` },
      { path: `/objectives/${i}/progress`, id: `objectives-${i}-progress`, label: `Progress on objective ${i + 1}` },
      { path: `/objectives/${i}/evidence`, id: `objectives-${i}-evidence`, label: `Evidence for objective ${i + 1}` }
    )
  return fields
}

const REVIEW_CHOICES = (n: number) => ['decision', ...Array.from({ length: n }, (_, i) => `objectives-${i}-progress`)]

async function renderReview(
  request: FastifyRequest,
  reply: FastifyReply,
  api: PageApi,
  id: string,
  values: Record<string, unknown>,
  errors?: FormErrors
) {
  const { placement, pupilName } = await placementOf(api, id)
  const ticked = values.attendees === undefined ? [] : [values.attendees].flat()
  return renderPage(request, reply, 'placements/forms/review.njk', {
    title: 'Hold a review',
    breadcrumbs: crumbs(id, pupilName),
    errors,
    values,
    placement,
    pupilName,
    ruleText: placement.nextReviewRule ? RULE_TEXT[placement.nextReviewRule] : undefined,
    open: placement.status === 'ACTIVE' || placement.status === 'PAUSED',
    attendeeItems: ATTENDEES.map(([value, label]) => ({ value, text: label, checked: ticked.includes(value) })),
    objectives: placement.plan.objectives.map((o, i) => ({
      ...o,
      n: i + 1,
      progressItems: PROGRESS.map(([value, label]) => ({
        value,
        text: label,
        checked: values[`objectives-${i}-progress`] === value
      }))
    })),
    decisionItems: items(DECISIONS, values.decision, (d) => DECISION_TEXT[d] ?? words(d)),
    dates: dateInputs(['heldOn', 'extensionNewPlannedEnd', 'nextReviewOn'], values, errors)
  })
}

// ---------------------------------------------------------------------------------------------------------------
// 3. The school's view of a review

async function renderSchoolView(
  request: FastifyRequest,
  reply: FastifyReply,
  api: PageApi,
  id: string,
  reviewId: string,
  values: Record<string, unknown> | undefined,
  errors?: FormErrors
) {
  const [{ placement, pupilName }, review] = await Promise.all([
    placementOf(api, id),
    api.get<ReviewJson>(`/v1/placements/${id}/reviews/${reviewId}`)
  ])
  return renderPage(request, reply, 'placements/forms/school-view.njk', {
    title: "Add the school's view",
    breadcrumbs: crumbs(id, pupilName),
    errors,
    values: values ?? { view: review.schoolView ?? '' },
    placement,
    pupilName,
    review,
    decisionText: DECISION_TEXT[review.decision] ?? words(review.decision)
  })
}

// ---------------------------------------------------------------------------------------------------------------
// 4. Close with an outcome

const OUTCOME_DATES = ['effectiveDate', 'phasedPlanEndDate']

const OUTCOME_TEXT: Record<string, string> = {
  RETURNED_TO_HOME_SCHOOL_FULL_TIME: 'Returned to the home school full time',
  RETURNED_TO_HOME_SCHOOL_PHASED: 'Returned to the home school, phased (part time at first)',
  MOVED_TO_NEW_MAINSTREAM: 'Moved to a new mainstream school (managed move or Fair Access)',
  MOVED_TO_SPECIAL_SCHOOL: 'Moved to a special school',
  MOVED_TO_AP_SCHOOL_LONG_TERM: 'Moved to an AP school long term',
  ESCALATED_TIER_2_TO_3: 'Escalated from Tier 2 to Tier 3',
  EHCP_PLACEMENT_NAMED: 'Placement named in an EHC plan',
  PERMANENTLY_EXCLUDED: 'Permanently excluded',
  POST16_TRANSITION: 'Post-16 transition (Year 11 completed)',
  ELECTIVE_HOME_EDUCATION: 'Elective home education',
  CHILD_MISSING_EDUCATION: 'Child missing education',
  LEFT_LA_AREA: 'Left the LA area',
  MEDICAL_OR_HOSPITAL_EDUCATION: 'Medical or hospital education',
  PLACEMENT_BROKE_DOWN: 'Placement broke down',
  OTHER: 'Other'
}

const DESTINATION_TEXT: Record<string, string> = {
  FE_COLLEGE: 'Further education college',
  SCHOOL_SIXTH_FORM: 'School sixth form',
  SIXTH_FORM_COLLEGE: 'Sixth form college',
  SPECIALIST_POST16_INSTITUTION: 'Specialist post-16 institution',
  SPECIAL_SCHOOL_POST16: 'Special school (post-16)',
  AP_POST16: 'Alternative provision (post-16)',
  INDEPENDENT_SCHOOL: 'Independent school',
  APPRENTICESHIP_L2: 'Apprenticeship, level 2',
  APPRENTICESHIP_L3_PLUS: 'Apprenticeship, level 3 or above',
  SUPPORTED_INTERNSHIP: 'Supported internship',
  EMPLOYMENT_WITH_TRAINING: 'Employment with training',
  EMPLOYMENT_WITHOUT_TRAINING: 'Employment without training',
  TRAINEESHIP_LEGACY: 'Traineeship (legacy)',
  OTHER_TRAINING: 'Other training',
  PART_TIME_EDUCATION: 'Part-time education',
  NEET_SEEKING: 'Not in education, employment or training: seeking',
  NEET_NOT_AVAILABLE: 'Not in education, employment or training: not available',
  NOT_KNOWN: 'Not known',
  MOVED_AWAY: 'Moved away'
}
const destinationText = (d: string) => DESTINATION_TEXT[d] ?? words(d)

const SOURCE_TEXT: Record<string, string> = {
  SELF_REPORTED: 'Self-reported',
  PROVIDER_CONFIRMED: 'Confirmed by the provider',
  NCCIS: 'NCCIS (the LA tracking return)'
}

const OUTCOME_HINTS: Record<string, string> = {
  RETURNED_TO_HOME_SCHOOL_PHASED: 'Needs the phased return plan below.',
  ESCALATED_TIER_2_TO_3: 'Recorded by escalating the placement to Tier 3, which opens the Tier 3 placement.',
  POST16_TRANSITION: 'Needs the post-16 destination below.',
  OTHER: 'Needs a description of the outcome.'
}

function outcomeBody(form: Form) {
  const receiving = compact({
    schoolId: text(form, 'receivingSchoolId'),
    providerId: text(form, 'receivingProviderId'),
    name: text(form, 'receivingName'),
    identifier: text(form, 'receivingIdentifier')
  })
  const phasedEnd = date(form, 'phasedPlanEndDate')
  const phasedDetails = text(form, 'phasedPlanDetails')
  const destinationProvider = compact({
    name: text(form, 'destinationProviderName'),
    identifier: text(form, 'destinationProviderIdentifier')
  })
  const destination = compact({
    code: text(form, 'destinationCode'),
    septemberGuarantee: text(form, 'septemberGuarantee'),
    source: text(form, 'destinationSource'),
    provider: Object.keys(destinationProvider).length ? destinationProvider : undefined
  })
  return compact({
    code: text(form, 'code'),
    effectiveDate: date(form, 'effectiveDate'),
    receiving: Object.keys(receiving).length ? receiving : undefined,
    finalReviewId: text(form, 'finalReviewId'),
    finalReviewMissingReason: text(form, 'finalReviewMissingReason'),
    reasons: text(form, 'reasons'),
    otherText: text(form, 'otherText'),
    phasedPlan:
      phasedEnd === undefined && phasedDetails === undefined
        ? undefined
        : compact({ endDate: phasedEnd, details: phasedDetails }),
    destination: Object.keys(destination).length ? destination : undefined
  })
}

const OUTCOME_FIELDS: FieldSpec[] = [
  { path: '/code', id: 'code', label: 'The outcome' },
  { path: '/effectiveDate', id: 'effectiveDate', label: 'Effective date' },
  { path: '/receiving', id: 'receivingSchoolId', label: 'Receiving organisation' },
  { path: '/receiving/schoolId', id: 'receivingSchoolId', label: 'Receiving school' },
  { path: '/receiving/providerId', id: 'receivingProviderId', label: 'Receiving provider' },
  { path: '/receiving/name', id: 'receivingName', label: 'Name of the receiving organisation' },
  { path: '/receiving/identifier', id: 'receivingIdentifier', label: 'URN or UKPRN of the receiving organisation' },
  { path: '/finalReviewId', id: 'finalReviewId', label: 'The final review, or why there was none' },
  { path: '/finalReviewMissingReason', id: 'finalReviewMissingReason', label: 'Why there was no final review' },
  { path: '/reasons', id: 'reasons', label: 'Reasons' },
  { path: '/otherText', id: 'otherText', label: 'Description of the outcome' },
  { path: '/phasedPlan', id: 'phasedPlanEndDate', label: 'Phased return plan' },
  { path: '/phasedPlan/endDate', id: 'phasedPlanEndDate', label: 'End of the phased return' },
  { path: '/phasedPlan/details', id: 'phasedPlanDetails', label: 'Phased return plan details' },
  { path: '/destination', id: 'destinationCode', label: 'Post-16 destination' },
  { path: '/destination/code', id: 'destinationCode', label: 'Post-16 destination' },
  { path: '/destination/septemberGuarantee', id: 'septemberGuarantee', label: 'The September Guarantee status' },
  { path: '/destination/source', id: 'destinationSource', label: 'Source of the destination' },
  { path: '/destination/provider', id: 'destinationProviderName', label: 'Destination provider or employer' },
  { path: '/destination/provider/name', id: 'destinationProviderName', label: 'Destination provider or employer' },
  {
    path: '/destination/provider/identifier',
    id: 'destinationProviderIdentifier',
    label: 'UKPRN or URN of the destination'
  }
]
const OUTCOME_CHOICES = ['code', 'septemberGuarantee', 'destinationCode', 'finalReviewId']

async function renderOutcome(
  request: FastifyRequest,
  reply: FastifyReply,
  api: PageApi,
  id: string,
  values: Record<string, unknown>,
  errors?: FormErrors
) {
  const [{ placement, etag, pupilName }, reviews, schools, providers] = await Promise.all([
    placementOf(api, id),
    api.get<{ results: ReviewJson[] }>(`/v1/placements/${id}/reviews`),
    api.get<{ results: { id: string; name: string }[] }>('/v1/schools?pageSize=100'),
    api.get<{ results: { id: string; name: string }[] }>('/v1/providers?pageSize=100')
  ])
  const org = (list: { id: string; name: string }[], selected: unknown, first: string) => [
    { value: '', text: first, selected: !selected },
    ...list.map((o) => ({ value: o.id, text: o.name, selected: o.id === selected }))
  ]
  const reviewList = [...reviews.results].sort((a, b) => b.heldOn.localeCompare(a.heldOn))
  return renderPage(request, reply, 'placements/forms/outcome.njk', {
    title: 'Close the placement with an outcome',
    breadcrumbs: crumbs(id, pupilName),
    errors,
    values,
    version: (values.version as string | undefined) ?? etag,
    placement,
    pupilName,
    open: placement.status === 'ACTIVE' || placement.status === 'PAUSED',
    codeItems: OUTCOME_CODES.map((code) => ({
      value: code,
      text: OUTCOME_TEXT[code] ?? words(code),
      checked: values.code === code,
      hint: OUTCOME_HINTS[code] ? { text: OUTCOME_HINTS[code] } : undefined
    })),
    schoolItems: org(schools.results, values.receivingSchoolId, 'None'),
    providerItems: org(providers.results, values.receivingProviderId, 'None'),
    reviewItems: [
      { value: '', text: 'No final review', selected: !values.finalReviewId },
      ...reviewList.map((r) => ({
        value: r.id,
        text: `Review held on ${govukDate(r.heldOn)} (${DECISION_TEXT[r.decision] ?? words(r.decision)})`,
        selected: r.id === values.finalReviewId
      }))
    ],
    destinationItems: options(DESTINATIONS, values.destinationCode, 'None', destinationText),
    guaranteeItems: items(SEPTEMBER_GUARANTEE, values.septemberGuarantee),
    sourceItems: options(DESTINATION_SOURCES, values.destinationSource, 'Not given', (v) => SOURCE_TEXT[v] ?? words(v)),
    dates: dateInputs(OUTCOME_DATES, values, errors)
  })
}

// ---------------------------------------------------------------------------------------------------------------
// 5. A follow-up check

function followUpBody(form: Form, post16: boolean) {
  if (post16)
    return compact({
      participating: yesNo(form, 'participating'),
      destination: text(form, 'destination'),
      monthsInEducation: number(form, 'monthsInEducation'),
      monthsInEmployment: number(form, 'monthsInEmployment'),
      apprenticeshipMonths: number(form, 'apprenticeshipMonths'),
      notes: text(form, 'notes')
    })
  return compact({
    onRoll: yesNo(form, 'onRoll'),
    rollSchoolId: text(form, 'rollSchoolId'),
    attendancePct: number(form, 'attendancePct'),
    permanentlyExcluded: yesNo(form, 'permanentlyExcluded'),
    suspensionDays: number(form, 'suspensionDays'),
    newPlacement: yesNo(form, 'newPlacement'),
    notes: text(form, 'notes')
  })
}

const FOLLOW_UP_FIELDS: FieldSpec[] = [
  { path: '/onRoll', id: 'onRoll', label: 'Whether the pupil is on a school roll' },
  { path: '/rollSchoolId', id: 'rollSchoolId', label: 'School' },
  { path: '/attendancePct', id: 'attendancePct', label: 'Attendance' },
  { path: '/permanentlyExcluded', id: 'permanentlyExcluded', label: 'Whether the pupil was permanently excluded' },
  { path: '/suspensionDays', id: 'suspensionDays', label: 'Days of suspension' },
  { path: '/newPlacement', id: 'newPlacement', label: 'Whether there is a new placement' },
  { path: '/participating', id: 'participating', label: 'Whether the young person is participating' },
  { path: '/destination', id: 'destination', label: 'Destination' },
  { path: '/monthsInEducation', id: 'monthsInEducation', label: 'Months in education' },
  { path: '/monthsInEmployment', id: 'monthsInEmployment', label: 'Months in employment' },
  { path: '/apprenticeshipMonths', id: 'apprenticeshipMonths', label: 'Months in an apprenticeship' },
  { path: '/notes', id: 'notes', label: 'Notes' }
]
const FOLLOW_UP_CHOICES = ['onRoll', 'permanentlyExcluded', 'newPlacement', 'participating', 'destination']

const CHECKPOINT_TEXT: Record<string, string> = {
  SIX_SCHOOL_WEEKS: 'six school weeks',
  ONE_TERM: 'one term',
  TWO_TERMS: 'two terms',
  POST16_OCTOBER: 'October (post-16)',
  POST16_MARCH: 'March (post-16)'
}

async function renderFollowUp(
  request: FastifyRequest,
  reply: FastifyReply,
  api: PageApi,
  id: string,
  checkpoint: string,
  values: Record<string, unknown>,
  errors?: FormErrors
) {
  const { placement, pupilName } = await placementOf(api, id)
  const followUp = placement.outcome?.followUps.find((f) => f.checkpoint === checkpoint)
  if (!followUp) throw new PageError(404, { status: 404, detail: 'This placement has no such follow-up check.' })
  const post16 = isPost16Checkpoint(checkpoint)
  const schools = post16
    ? undefined
    : await api.call<{ results: { id: string; name: string }[] }>('GET', '/v1/schools?pageSize=100')
  const schoolList = schools && schools.status === 200 ? schools.body.results : null
  return renderPage(request, reply, 'placements/forms/follow-up.njk', {
    title: `Record the ${CHECKPOINT_TEXT[checkpoint]} follow-up check`,
    breadcrumbs: crumbs(id, pupilName),
    errors,
    values,
    placement,
    pupilName,
    followUp,
    post16,
    march: checkpoint === 'POST16_MARCH',
    canRecord: followUp.recordedBy.includes(principalOfPage(request).role),
    recordedByText: followUp.recordedBy.map((r) => (r === 'coordinator' ? 'the LA' : `the ${r}`)).join(' or '),
    outcomeText: OUTCOME_TEXT[placement.outcome!.code] ?? words(placement.outcome!.code),
    onRollItems: yesNoItems(values.onRoll),
    excludedItems: yesNoItems(values.permanentlyExcluded),
    newPlacementItems: yesNoItems(values.newPlacement),
    participatingItems: yesNoItems(values.participating),
    schoolItems: schoolList
      ? [
          { value: '', text: 'Not given', selected: !values.rollSchoolId },
          ...schoolList.map((s) => ({ value: s.id, text: s.name, selected: s.id === values.rollSchoolId }))
        ]
      : null,
    destinationItems: options(DESTINATIONS, values.destination, 'Choose a destination', destinationText)
  })
}

// ---------------------------------------------------------------------------------------------------------------
// 6. An assessment

const SCALE_TEXT: Record<string, string> = {
  GCSE_9_1: 'GCSE grade, 9 to 1',
  STANDARDISED_SCORE: 'Standardised score, 55 to 145',
  READING_AGE_MONTHS: 'Reading age in months, 48 to 216',
  PROVIDER_SCALE: "The provider's own scale (give its name and range)"
}

function assessmentBody(form: Form) {
  return compact({
    subject: text(form, 'subject'),
    stage: text(form, 'stage'),
    assessedOn: date(form, 'assessedOn'),
    scale: text(form, 'scale'),
    scaleName: text(form, 'scaleName'),
    scaleMin: number(form, 'scaleMin'),
    scaleMax: number(form, 'scaleMax'),
    score: number(form, 'score'),
    reviewId: text(form, 'reviewId')
  })
}

const ASSESSMENT_FIELDS: FieldSpec[] = [
  { path: '/subject', id: 'subject', label: 'Subject' },
  { path: '/stage', id: 'stage', label: 'Stage' },
  { path: '/assessedOn', id: 'assessedOn', label: 'Date assessed' },
  { path: '/scale', id: 'scale', label: 'Scale' },
  { path: '/scaleName', id: 'scaleName', label: 'Name of the scale' },
  { path: '/scaleMin', id: 'scaleMin', label: 'Lowest score on the scale' },
  { path: '/scaleMax', id: 'scaleMax', label: 'Highest score on the scale' },
  { path: '/score', id: 'score', label: 'Score' },
  { path: '/reviewId', id: 'reviewId', label: 'Review' }
]
const ASSESSMENT_CHOICES = ['subject', 'stage', 'scale']

async function renderAssessment(
  request: FastifyRequest,
  reply: FastifyReply,
  api: PageApi,
  id: string,
  values: Record<string, unknown>,
  errors?: FormErrors
) {
  const [{ placement, pupilName }, reviews] = await Promise.all([
    placementOf(api, id),
    api.get<{ results: ReviewJson[] }>(`/v1/placements/${id}/reviews`)
  ])
  return renderPage(request, reply, 'placements/forms/assessment.njk', {
    title: 'Record an assessment',
    breadcrumbs: crumbs(id, pupilName),
    errors,
    values,
    placement,
    pupilName,
    subjectItems: items(SUBJECTS, values.subject),
    stageItems: STAGES.map((value) => ({
      value,
      text: words(value),
      checked: values.stage === value,
      hint:
        value === 'BASELINE'
          ? { text: 'One a subject, from up to 90 days before the start' }
          : value === 'EXIT'
            ? { text: 'One a subject' }
            : undefined
    })),
    scaleItems: items(SCALES, values.scale, (s) => SCALE_TEXT[s] ?? words(s)),
    reviewItems: [
      { value: '', text: 'Not tied to a review', selected: !values.reviewId },
      ...reviews.results.map((r) => ({
        value: r.id,
        text: `Review held on ${govukDate(r.heldOn)}`,
        selected: r.id === values.reviewId
      }))
    ],
    dates: dateInputs(['assessedOn'], values, errors)
  })
}

// ---------------------------------------------------------------------------------------------------------------

export async function placementFormPages(app: FastifyInstance) {
  // 1. Place a pupil from an accepted referral.
  app.get(
    '/placements/new',
    { config: page(['coordinator']), schema: { querystring: NewPlacementQuery } },
    async (request, reply) => {
      const { referralId } = request.query as { referralId: string }
      return renderPlace(request, reply, apiOf(app, request), referralId, {})
    }
  )
  app.post(
    '/placements/new',
    { config: page(['coordinator']), schema: { querystring: NewPlacementQuery } },
    async (request, reply) => {
      const { referralId } = request.query as { referralId: string }
      const form = { ...(request.body as Form), referralId }
      const api = apiOf(app, request)
      const { body, kept } = placeBody(form)
      const sent = await api.send<{ id: string }>('POST', '/v1/placements', body)
      if (sent.ok) return redirectDone(reply, sent.answer.body.id, 'created')
      const values = valuesOf(form, PLACE_DATES)
      const errors = formErrors(sent.problem, placeFields(kept), ['providerId', 'registration'])
      return renderPlace(request, reply.code(sent.problem.status), api, referralId, values, errors)
    }
  )

  // 2. Hold a review.
  app.get(
    '/placements/:id/reviews/new',
    { config: page(['coordinator', 'provider']), schema: { params: IdParams, querystring: NoQuery } },
    async (request, reply) => {
      const { id } = request.params as { id: string }
      return renderReview(request, reply, apiOf(app, request), id, {})
    }
  )
  app.post(
    '/placements/:id/reviews/new',
    { config: page(['coordinator', 'provider']), schema: { params: IdParams, querystring: NoQuery } },
    async (request, reply) => {
      const { id } = request.params as { id: string }
      const form = request.body as Form
      const api = apiOf(app, request)
      const { placement } = await placementOf(api, id)
      const count = placement.plan.objectives.length
      const sent = await api.send('POST', `/v1/placements/${id}/reviews`, reviewBody(form, count))
      if (sent.ok) return redirectDone(reply, id, 'review')
      const errors = formErrors(sent.problem, reviewFields(count), REVIEW_CHOICES(count))
      const values = valuesOf(form, ['heldOn', 'extensionNewPlannedEnd', 'nextReviewOn'])
      return renderReview(request, reply.code(sent.problem.status), api, id, values, errors)
    }
  )

  // 3. The school's view of a review.
  app.get(
    '/placements/:id/reviews/:reviewId/school-view',
    { config: page(['school']), schema: { params: ReviewParams, querystring: NoQuery } },
    async (request, reply) => {
      const { id, reviewId } = request.params as { id: string; reviewId: string }
      return renderSchoolView(request, reply, apiOf(app, request), id, reviewId, undefined)
    }
  )
  app.post(
    '/placements/:id/reviews/:reviewId/school-view',
    { config: page(['school']), schema: { params: ReviewParams, querystring: NoQuery } },
    async (request, reply) => {
      const { id, reviewId } = request.params as { id: string; reviewId: string }
      const form = request.body as Form
      const api = apiOf(app, request)
      const sent = await api.send(
        'PUT',
        `/v1/placements/${id}/reviews/${reviewId}/school-view`,
        compact({ view: text(form, 'view') })
      )
      if (sent.ok) return redirectDone(reply, id, 'school-view')
      const errors = formErrors(sent.problem, [{ path: '/view', id: 'view', label: "The school's view" }])
      return renderSchoolView(request, reply.code(sent.problem.status), api, id, reviewId, valuesOf(form, []), errors)
    }
  )

  // 4. Close with a coded outcome.
  app.get(
    '/placements/:id/outcome',
    { config: page(['coordinator']), schema: { params: IdParams, querystring: NoQuery } },
    async (request, reply) => {
      const { id } = request.params as { id: string }
      return renderOutcome(request, reply, apiOf(app, request), id, {})
    }
  )
  app.post(
    '/placements/:id/outcome',
    { config: page(['coordinator']), schema: { params: IdParams, querystring: NoQuery } },
    async (request, reply) => {
      const { id } = request.params as { id: string }
      const form = request.body as Form
      const api = apiOf(app, request)
      const version = text(form, 'version')
      const sent = await api.send(
        'POST',
        `/v1/placements/${id}/outcome`,
        outcomeBody(form),
        version ? { 'if-match': version } : {}
      )
      if (sent.ok) return redirectDone(reply, id, 'outcome')
      const errors = formErrors(sent.problem, OUTCOME_FIELDS, OUTCOME_CHOICES)
      const values = valuesOf(form, OUTCOME_DATES)
      // A stale version is shown again with the current one, so the user can check and send again.
      if (sent.problem.status === 412 || sent.problem.status === 428) delete values.version
      return renderOutcome(request, reply.code(sent.problem.status), api, id, values, errors)
    }
  )

  // 5. A follow-up check of an outcome.
  app.get(
    '/placements/:id/follow-ups/:checkpoint',
    { config: page(['coordinator', 'school', 'provider']), schema: { params: CheckpointParams, querystring: NoQuery } },
    async (request, reply) => {
      const { id, checkpoint } = request.params as { id: string; checkpoint: string }
      return renderFollowUp(request, reply, apiOf(app, request), id, checkpoint, {})
    }
  )
  app.post(
    '/placements/:id/follow-ups/:checkpoint',
    { config: page(['coordinator', 'school', 'provider']), schema: { params: CheckpointParams, querystring: NoQuery } },
    async (request, reply) => {
      const { id, checkpoint } = request.params as { id: string; checkpoint: string }
      const form = request.body as Form
      const api = apiOf(app, request)
      const body = followUpBody(form, isPost16Checkpoint(checkpoint))
      const sent = await api.send('POST', `/v1/placements/${id}/follow-ups/${checkpoint}/result`, body)
      if (sent.ok) return redirectDone(reply, id, 'follow-up')
      const errors = formErrors(sent.problem, FOLLOW_UP_FIELDS, FOLLOW_UP_CHOICES)
      return renderFollowUp(request, reply.code(sent.problem.status), api, id, checkpoint, valuesOf(form, []), errors)
    }
  )

  // 6. An English or maths assessment.
  app.get(
    '/placements/:id/assessments/new',
    { config: page(['coordinator', 'provider']), schema: { params: IdParams, querystring: NoQuery } },
    async (request, reply) => {
      const { id } = request.params as { id: string }
      return renderAssessment(request, reply, apiOf(app, request), id, {})
    }
  )
  app.post(
    '/placements/:id/assessments/new',
    { config: page(['coordinator', 'provider']), schema: { params: IdParams, querystring: NoQuery } },
    async (request, reply) => {
      const { id } = request.params as { id: string }
      const form = request.body as Form
      const api = apiOf(app, request)
      const sent = await api.send('POST', `/v1/placements/${id}/assessments`, assessmentBody(form))
      if (sent.ok) return redirectDone(reply, id, 'assessment')
      const errors = formErrors(sent.problem, ASSESSMENT_FIELDS, ASSESSMENT_CHOICES)
      return renderAssessment(request, reply.code(sent.problem.status), api, id, valuesOf(form, ['assessedOn']), errors)
    }
  )

  // 7. The LA's providers: places by tier, waiting lists, registration and the threshold alerts.
  app.get(
    '/providers',
    { config: page(['coordinator', 'school']), schema: { querystring: NoQuery } },
    async (request, reply) => {
      const api = apiOf(app, request)
      const principal = principalOfPage(request)
      const coordinator = principal.role === 'coordinator'
      const [providers, alerts] = await Promise.all([
        api.get<{ results: ProviderJson[]; paging: { totalResults: number } }>('/v1/providers?pageSize=100'),
        coordinator
          ? api.get<{ results: RegistrationCheckJson[] }>(`/v1/local-authorities/${principal.laCode}/provider-alerts`)
          : undefined
      ])
      const waiting = coordinator
        ? await Promise.all(
            providers.results.map((p) => api.maybe<WaitingListJson>(`/v1/providers/${p.id}/waiting-list`))
          )
        : []
      const names = new Map(providers.results.map((p) => [p.id, p.name]))
      const rows = providers.results.map((p, i) => ({
        ...p,
        registrationText: REGISTRATION_TEXT[p.registrationStatus] ?? words(p.registrationStatus),
        places: [1, 2, 3].map((tier) => String(p.tiers.find((t) => t.tier === tier)?.places ?? 'Not offered')),
        waiting: coordinator ? (waiting[i]?.results.length ?? 0) : null
      }))
      return renderPage(request, reply, 'providers/list.njk', {
        title: 'Providers',
        coordinator,
        rows,
        total: providers.paging.totalResults,
        alerts: (alerts?.results ?? [])
          .map((a) => ({ ...a, name: names.get(a.providerId) ?? `Provider ${a.providerId}` }))
          .sort((a, b) => Number(b.flagged) - Number(a.flagged) || a.name.localeCompare(b.name))
      })
    }
  )

  app.get(
    '/providers/:id',
    { config: page(['coordinator', 'school']), schema: { params: IdParams, querystring: NoQuery } },
    async (request, reply) => {
      const { id } = request.params as { id: string }
      const api = apiOf(app, request)
      const coordinator = principalOfPage(request).role === 'coordinator'
      const provider = await api.get<ProviderJson>(`/v1/providers/${id}`)
      const [waiting, check] = coordinator
        ? await Promise.all([
            api.get<WaitingListJson>(`/v1/providers/${id}/waiting-list`),
            api.get<RegistrationCheckJson>(`/v1/providers/${id}/registration-check`)
          ])
        : [undefined, undefined]
      const names = await pupilNames(api, waiting?.results.map((w) => w.pupilId) ?? [])
      return renderPage(request, reply, 'providers/show.njk', {
        title: provider.name,
        breadcrumbs: [{ text: 'Providers', href: '/providers' }],
        coordinator,
        provider,
        registrationText: REGISTRATION_TEXT[provider.registrationStatus] ?? words(provider.registrationStatus),
        settingText: provider.settingType ? (SETTING_TEXT[provider.settingType] ?? provider.settingType) : null,
        tiers: [...provider.tiers].sort((a, b) => a.tier - b.tier),
        waiting: waiting?.results.map((w) => ({
          ...w,
          pupilName: w.pupilId ? (names.get(w.pupilId) ?? `Pupil ${w.pupilId}`) : null
        })),
        check
      })
    }
  )
}
