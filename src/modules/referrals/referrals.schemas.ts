import { type Static, Type } from 'typebox'
import { LEGAL_BASES } from '../../domain/placements.js'
import {
  Id,
  IsoDate,
  PageQuery,
  pageOf,
  StringEnum,
  Tier,
  Timestamp,
  Text as FreeText
} from '../../platform/schemas.js'

export const LegalBasis = StringEnum(LEGAL_BASES, {
  description:
    'SCHOOL_COMMISSIONED; OFF_SITE_DIRECTION_S29A (maintained school direction to improve behaviour); ' +
    'SUSPENSION_SIXTH_DAY (provision from day 6 of a suspension); LA_S19_PERMANENT_EXCLUSION; LA_S19_HEALTH; ' +
    'LA_S19_OTHER; EHCP.'
})
export const ReasonCodeRef = Type.String({
  pattern: '^[A-Z0-9_]{2,12}$',
  description: 'Census primary reason for placement (GET /v1/reason-codes).'
})
const Text = (max: number) => FreeText({ minLength: 1, maxLength: max })

export const ObjectiveSchema = Type.Object(
  {
    description: Text(500),
    baseline: Text(500),
    target: Text(500)
  },
  { $id: 'Objective', additionalProperties: false }
)

export const ExclusionSchema = Type.Object(
  {
    kind: StringEnum(['SUSPENSION', 'PERMANENT'] as const),
    firstDay: IsoDate,
    lengthSchoolDays: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1, maximum: 45 }), Type.Null()], {
        description: 'School days; for a suspension.'
      })
    )
  },
  { $id: 'Exclusion', additionalProperties: false }
)

const referralFields = {
  requestedTier: Tier,
  legalBasis: LegalBasis,
  reasonCode: Type.Optional(ReasonCodeRef),
  needsSummary: Type.Optional(Text(4000)),
  interventionsTried: Type.Optional(Text(4000)),
  proposedObjectives: Type.Optional(Type.Array(ObjectiveSchema, { maxItems: 20 })),
  baselineAttendancePct: Type.Optional(
    Type.Number({ minimum: 0, maximum: 100, description: 'Attendance % at the home school over the baseline period.' })
  ),
  baselineFrom: Type.Optional(IsoDate),
  baselineTo: Type.Optional(IsoDate),
  parentConsultedOn: Type.Optional(IsoDate),
  pupilViews: Type.Optional(Text(4000)),
  sendCaseworkerToldOn: Type.Optional(IsoDate),
  virtualSchoolToldOn: Type.Optional(IsoDate),
  exclusions: Type.Optional(
    Type.Array(ExclusionSchema, {
      maxItems: 20,
      description: 'Suspensions (consecutive ones add up) or a permanent exclusion behind the referral.'
    })
  ),
  preferredProviderId: Type.Optional(Id)
}

export const CreateReferral = Type.Object(
  {
    pupilId: Id,
    receivedOn: Type.Optional(
      Type.String({
        format: 'date',
        pattern: '^(19|20)[0-9]{2}-',
        description:
          'The day the referral was received, when it is entered later (default today; not in the future). The ' +
          'decision deadline counts from it, and no placement from it may start before it.'
      })
    ),
    ...referralFields
  },
  {
    additionalProperties: false,
    description: 'Submitting checks completeness for the basis, tier and pupil; each missing item is named (422).'
  }
)
export type CreateReferral = Static<typeof CreateReferral>

export const ClockSchema = Type.Object(
  {
    kind: Type.String(),
    deadline: IsoDate,
    status: StringEnum(['met', 'breached', 'pending', 'not_applicable'] as const, {
      description:
        'not_applicable: no duty arises (a Year 11 pupil excluded after public examinations ended); the rule says why.'
    }),
    metOn: Type.Union([IsoDate, Type.Null()]),
    rule: Type.String()
  },
  { $id: 'StatutoryClock', additionalProperties: false }
)

export const Referral = Type.Object(
  {
    id: Id,
    pupilId: Id,
    laCode: Type.String(),
    referringSchoolId: Type.Union([Id, Type.Null()]),
    requestedTier: Tier,
    legalBasis: LegalBasis,
    reasonCode: Type.Union([Type.String(), Type.Null()]),
    needsSummary: Type.Union([Type.String(), Type.Null()]),
    interventionsTried: Type.Union([Type.String(), Type.Null()]),
    proposedObjectives: Type.Array(ObjectiveSchema),
    baselineAttendancePct: Type.Union([Type.Number(), Type.Null()]),
    baselineFrom: Type.Union([IsoDate, Type.Null()]),
    baselineTo: Type.Union([IsoDate, Type.Null()]),
    parentConsultedOn: Type.Union([IsoDate, Type.Null()]),
    pupilViews: Type.Union([Type.String(), Type.Null()]),
    sendCaseworkerToldOn: Type.Union([IsoDate, Type.Null()]),
    virtualSchoolToldOn: Type.Union([IsoDate, Type.Null()]),
    exclusions: Type.Array(ExclusionSchema),
    preferredProviderId: Type.Union([Id, Type.Null()]),
    status: StringEnum(['SUBMITTED', 'ACCEPTED', 'DECLINED', 'WITHDRAWN'] as const),
    receivedOn: Type.String({
      format: 'date',
      pattern: '^(19|20)[0-9]{2}-',
      description: 'When the referral was received; the decision deadline counts from it.'
    }),
    submittedOn: Type.String({
      format: 'date',
      pattern: '^(19|20)[0-9]{2}-',
      description: 'When the referral was recorded here.'
    }),
    decisionDueOn: IsoDate,
    decisionOverdue: Type.Boolean({
      description: "Still undecided after the LA policy's decision deadline (school days)."
    }),
    decidedAt: Type.Union([Timestamp, Type.Null()]),
    decisionReason: Type.Union([Type.String(), Type.Null()]),
    clocks: Type.Array(ClockSchema),
    estimatedCalendar: Type.Boolean({
      description: 'True when a deadline here was computed on the estimated calendar.'
    }),
    createdAt: Timestamp,
    updatedAt: Timestamp
  },
  { $id: 'Referral', additionalProperties: false }
)
export type Referral = Static<typeof Referral>

export const ReferralPage = pageOf('ReferralPage', Referral)
export const ReferralListQuery = Type.Object(
  {
    ...PageQuery,
    status: Type.Optional(StringEnum(['SUBMITTED', 'ACCEPTED', 'DECLINED', 'WITHDRAWN'] as const)),
    tier: Type.Optional(Tier),
    schoolId: Type.Optional(Id),
    pupilId: Type.Optional(Id),
    overdue: Type.Optional(Type.Boolean({ description: 'Only undecided referrals past their decision deadline.' }))
  },
  { additionalProperties: false }
)
export type ReferralListQuery = Static<typeof ReferralListQuery>

export const Decision = Type.Object(
  {
    decision: StringEnum(['ACCEPT', 'DECLINE'] as const),
    reason: Type.Optional(Text(2000))
  },
  {
    additionalProperties: false,
    description: 'A decline needs a reason.',
    // In the schema, so the document says it too (`then` only adds the requirement).
    if: { properties: { decision: { const: 'DECLINE' } }, required: ['decision'] },
    then: {
      properties: { reason: { description: 'Required to decline.' } },
      required: ['reason'],
      additionalProperties: true
    }
  }
)
export type Decision = Static<typeof Decision>

export const Withdrawal = Type.Object({ reason: Text(2000) }, { additionalProperties: false })
export const ReferralParams = Type.Object({ id: Id })

export const ReasonCode = Type.Object(
  {
    code: Type.String(),
    label: Type.String(),
    laCode: Type.Union([Type.String(), Type.Null()])
  },
  { $id: 'ReasonCode', additionalProperties: false }
)
export const ReasonCodeList = Type.Object(
  { results: Type.Array(ReasonCode) },
  { $id: 'ReasonCodeList', additionalProperties: false }
)
export const CreateReasonCode = Type.Object({ code: ReasonCodeRef, label: Text(200) }, { additionalProperties: false })
