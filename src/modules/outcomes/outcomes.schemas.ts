import { type Static, Type } from 'typebox'
import {
  CHECKPOINTS,
  DESTINATION_SOURCES,
  DESTINATIONS,
  OUTCOME_CODES,
  SEPTEMBER_GUARANTEE
} from '../../domain/outcomes.js'
import { Id, IsoDate, Nullable, ref, StringEnum, Timestamp, Text as FreeText } from '../../platform/schemas.js'

const Text = (max: number) => FreeText({ minLength: 1, maxLength: max })

const Receiving = Type.Object(
  {
    schoolId: Type.Optional(Id),
    providerId: Type.Optional(Id),
    name: Type.Optional(Text(200)),
    identifier: Type.Optional(
      Type.String({
        pattern: '^[0-9]{6,8}$',
        description: 'URN (6 digits) or UKPRN (8 digits) of an organisation outside the tracker.'
      })
    )
  },
  {
    additionalProperties: false,
    description:
      'The school, provider or other organisation the pupil goes to: a school or provider of the LA by id, or ' +
      'any organisation by name.'
  }
)

const DestinationInput = Type.Object(
  {
    code: StringEnum(DESTINATIONS, { description: 'domain.md §5.4, mapped to the DfE KS4 destination categories.' }),
    septemberGuarantee: StringEnum(SEPTEMBER_GUARANTEE, { description: 'The September Guarantee offer status.' }),
    source: Type.Optional(StringEnum(DESTINATION_SOURCES)),
    provider: Type.Optional(
      Type.Object(
        {
          name: Text(200),
          identifier: Type.Optional(Type.String({ pattern: '^[0-9]{6,8}$', description: 'UKPRN or URN.' }))
        },
        {
          additionalProperties: false,
          description:
            'The college, school, training provider or employer. Required for every participating destination.'
        }
      )
    )
  },
  { additionalProperties: false }
)

const outcomeFields = {
  code: StringEnum(OUTCOME_CODES, {
    description:
      'domain.md §9.7. ESCALATED_TIER_2_TO_3 is recorded by POST /v1/placements/{id}/escalation, which opens the ' +
      'Tier 3 placement.'
  }),
  effectiveDate: Type.String({
    format: 'date',
    pattern: '^(19|20)[0-9]{2}-',
    description:
      'When the outcome took effect: the first day at the receiving school or destination. The placement ends ' +
      'the day before.'
  }),
  receiving: Type.Optional(Receiving),
  finalReviewId: Type.Optional(Id),
  finalReviewMissingReason: Type.Optional(Text(1000)),
  reasons: Type.Optional(Text(4000)),
  otherText: Type.Optional(Text(500)),
  phasedPlan: Type.Optional(
    Type.Object(
      { endDate: IsoDate, details: Text(2000) },
      {
        additionalProperties: false,
        description: "A phased return's part-time plan: when it ends (full time from then) and how."
      }
    )
  ),
  destination: Type.Optional(DestinationInput)
}

export const CloseWithOutcome = Type.Object(outcomeFields, {
  additionalProperties: false,
  description:
    'Closes an active or paused placement. A Tier 2 placement ending other than in a reintegration needs ' +
    '/reasons; OTHER needs /otherText; a phased return its /phasedPlan; POST16_TRANSITION a /destination; a Year ' +
    '11 pupil leaving education (last half-term of Year 11, or past compulsory school age) must end in ' +
    'POST16_TRANSITION. The final review, or why there was none.'
})
export type CloseWithOutcome = Static<typeof CloseWithOutcome>

export const CorrectOutcome = Type.Object(
  { ...outcomeFields, correctionReason: Text(2000) },
  {
    additionalProperties: false,
    description:
      'Replaces the current outcome; the earlier one stays in the history with this reason. The same rules as ' +
      'closing apply.'
  }
)
export type CorrectOutcome = Static<typeof CorrectOutcome>

export const FollowUpResult = Type.Object(
  {
    onRoll: Type.Optional(
      Type.Boolean({ description: 'Reintegration checks: on a mainstream or special school roll on the check date.' })
    ),
    rollSchoolId: Type.Optional(Id),
    attendancePct: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 100,
        description: 'Reintegration checks: attendance at school over the period since the outcome.'
      })
    ),
    permanentlyExcluded: Type.Optional(Type.Boolean()),
    suspensionDays: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 200,
        description: 'Reintegration checks: days of suspension over the period.'
      })
    ),
    newPlacement: Type.Optional(
      Type.Boolean({
        description:
          'Reintegration checks: a new Tier 2 or 3 placement outside the tracker; one inside it is found automatically.'
      })
    ),
    participating: Type.Optional(
      Type.Boolean({ description: 'Post-16 checks: in education, training or employment on the check date.' })
    ),
    destination: Type.Optional(StringEnum(DESTINATIONS)),
    monthsInEducation: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 6,
        description: 'March check: months of October–March in education or an apprenticeship.'
      })
    ),
    monthsInEmployment: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 6, description: 'March check: months of October–March in employment.' })
    ),
    apprenticeshipMonths: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 12,
        description:
          'March check, optional: the longest unbroken run of months in an apprenticeship in the destination ' +
          'year (August–July). 6 or more is sustained whatever October–March shows; for an apprenticeship ' +
          'started after October, record the check once it reaches 6 months (by the end of July).'
      })
    ),
    notes: Type.Optional(Text(2000))
  },
  {
    additionalProperties: false,
    description:
      'After a reintegration (SIX_SCHOOL_WEEKS, ONE_TERM, TWO_TERMS): onRoll, attendancePct, permanentlyExcluded ' +
      'and suspensionDays are required. After a post-16 transition (POST16_OCTOBER, POST16_MARCH): participating ' +
      'and destination; the March check also monthsInEducation and monthsInEmployment.'
  }
)
export type FollowUpResult = Static<typeof FollowUpResult>

const followUpProps = {
  id: Id,
  checkpoint: StringEnum(CHECKPOINTS),
  opensOn: IsoDate,
  dueOn: IsoDate,
  status: StringEnum(['PENDING', 'RECORDED', 'SUPERSEDED'] as const),
  overdue: Type.Boolean({ description: 'Pending past its due date.' }),
  recordedBy: Type.Array(StringEnum(['coordinator', 'school', 'provider'] as const), {
    description: 'The roles that record this check.'
  }),
  result: Nullable(
    Type.Object(
      {
        onRoll: Nullable(Type.Boolean()),
        rollSchoolId: Nullable(Id),
        attendancePct: Nullable(Type.Number()),
        permanentlyExcluded: Nullable(Type.Boolean()),
        suspensionDays: Nullable(Type.Number()),
        newPlacement: Nullable(Type.Boolean()),
        newPlacementId: Nullable(Id),
        participating: Nullable(Type.Boolean()),
        destination: Nullable(Type.String()),
        monthsInEducation: Nullable(Type.Integer()),
        monthsInEmployment: Nullable(Type.Integer()),
        apprenticeshipMonths: Nullable(Type.Integer()),
        notes: Nullable(Type.String()),
        recordedOn: IsoDate,
        recordedRole: Type.String()
      },
      { additionalProperties: false }
    )
  ),
  met: Nullable(Type.Boolean({ description: 'Whether the outcome held at this check.' })),
  reasons: Type.Array(Type.String(), { description: 'Why it did not hold.' })
}
export const FollowUp = Type.Object(followUpProps, { $id: 'FollowUp', additionalProperties: false })
export type FollowUp = Static<typeof FollowUp>

const outcomeProps = {
  id: Id,
  code: StringEnum(OUTCOME_CODES),
  effectiveDate: IsoDate,
  receiving: Type.Object(
    {
      schoolId: Nullable(Id),
      providerId: Nullable(Id),
      name: Nullable(Type.String()),
      identifier: Nullable(Type.String())
    },
    { additionalProperties: false }
  ),
  finalReviewId: Nullable(Id),
  finalReviewMissingReason: Nullable(Type.String()),
  reasons: Nullable(Type.String()),
  otherText: Nullable(Type.String()),
  phasedPlan: Nullable(Type.Object({ endDate: IsoDate, details: Type.String() }, { additionalProperties: false })),
  destination: Nullable(
    Type.Object(
      {
        code: StringEnum(DESTINATIONS),
        septemberGuarantee: Nullable(Type.String()),
        source: Nullable(Type.String()),
        provider: Nullable(
          Type.Object({ name: Type.String(), identifier: Nullable(Type.String()) }, { additionalProperties: false })
        )
      },
      { additionalProperties: false }
    )
  ),
  reintegration: Type.Boolean({
    description: 'A return to a school roll: followed up at +6 school weeks, +1 and +2 terms.'
  }),
  sustained: Nullable(
    StringEnum(['SUSTAINED', 'NOT_SUSTAINED', 'PENDING'] as const, {
      description: 'Null for outcomes that are not followed up.'
    })
  ),
  followUps: Type.Array(ref(FollowUp)),
  correctsId: Nullable(Id),
  correctionReason: Nullable(Type.String()),
  recordedBy: Type.String(),
  createdAt: Timestamp
}
export const Outcome = Type.Object(outcomeProps, { $id: 'Outcome', additionalProperties: false })
export type Outcome = Static<typeof Outcome>
/** The same, inline (no references), where it may be null: serialisers resolve no $ref inside a union. */
export const OutcomeOrNull = Type.Union(
  [
    Type.Object(
      { ...outcomeProps, followUps: Type.Array(Type.Object(followUpProps, { additionalProperties: false })) },
      { additionalProperties: false }
    ),
    Type.Null()
  ],
  {
    description:
      'The coded outcome that closed the placement, with its follow-ups and whether it was sustained; null while open.'
  }
)

export const OutcomeHistory = Type.Object(
  {
    placementId: Id,
    current: ref(Outcome),
    history: Type.Array(ref(Outcome), { description: 'Earlier outcomes this one corrected, newest first.' })
  },
  { $id: 'OutcomeHistory', additionalProperties: false }
)

export const FollowUpParams = Type.Object({ id: Id, checkpoint: StringEnum(CHECKPOINTS) })
