import { type Static, Type } from 'typebox'
import { Id, IsoDate, StringEnum, Timestamp, Text as FreeText } from '../../platform/schemas.js'

const Text = (max: number) => FreeText({ minLength: 1, maxLength: max })
export const DECISIONS = ['CONTINUE', 'EXTEND', 'BEGIN_REINTEGRATION', 'ESCALATE_TIER', 'END'] as const

const Attendees = Type.Object(
  {
    school: Type.Boolean(),
    provider: Type.Boolean(),
    la: Type.Boolean(),
    parent: Type.Boolean(),
    pupil: Type.Boolean(),
    others: Type.Array(Text(200), {
      maxItems: 20,
      description: 'Other attendees by role, e.g. "Virtual School Head", "Educational psychologist".'
    })
  },
  { additionalProperties: false }
)

const ObjectiveProgress = Type.Object(
  {
    objective: Type.Integer({
      minimum: 0,
      maximum: 19,
      description: 'Index of the objective in the placement plan (0-based; a plan has at most 20).'
    }),
    progress: StringEnum(['MET', 'PARTLY', 'NOT_MET'] as const),
    evidence: Text(2000)
  },
  { additionalProperties: false }
)

export const CreateReview = Type.Object(
  {
    heldOn: IsoDate,
    attendees: Attendees,
    parentViews: Type.Optional(Text(4000)),
    parentViewsMissingReason: Type.Optional(Text(1000)),
    pupilViews: Type.Optional(Text(4000)),
    pupilViewsMissingReason: Type.Optional(Text(1000)),
    attendanceSinceLastPct: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 100,
        description:
          'Attendance since the last review, used only when the provider has recorded no session marks for the ' +
          'period; with marks, the recorded figure is stored (attendanceSource RECORDED).'
      })
    ),
    objectives: Type.Array(ObjectiveProgress, {
      minItems: 1,
      maxItems: 20,
      description: 'Progress on every objective of the plan, each once.'
    }),
    decision: StringEnum(DECISIONS),
    extension: Type.Optional(
      Type.Object(
        {
          newPlannedEnd: IsoDate,
          reasons: Text(4000)
        },
        { additionalProperties: false, description: 'Required when the decision is EXTEND.' }
      )
    ),
    nextReviewOn: Type.Optional(IsoDate)
  },
  {
    additionalProperties: false,
    description:
      "Parent's and pupil's views, or the reason each was not captured. The next review date may be earlier than " +
      'the rule allows, never later; required unless the decision is END.',
    // nextReviewOn unless the decision is END, and extension for EXTEND, are required in the schema, so the document
    // and the validator agree. (`then` only adds the requirement; additionalProperties: false above still applies.)
    allOf: [
      {
        if: { properties: { decision: { not: { const: 'END' } } }, required: ['decision'] },
        then: {
          properties: { nextReviewOn: { description: 'Required unless the decision is END.' } },
          required: ['nextReviewOn'],
          additionalProperties: true
        }
      },
      {
        if: { properties: { decision: { const: 'EXTEND' } }, required: ['decision'] },
        then: {
          properties: { extension: { description: 'Required when the decision is EXTEND.' } },
          required: ['extension'],
          additionalProperties: true
        }
      }
    ]
  }
)
export type CreateReview = Static<typeof CreateReview>

export const Review = Type.Object(
  {
    id: Id,
    placementId: Id,
    heldOn: IsoDate,
    attendees: Attendees,
    parentViews: Type.Union([Type.String(), Type.Null()]),
    parentViewsMissingReason: Type.Union([Type.String(), Type.Null()]),
    pupilViews: Type.Union([Type.String(), Type.Null()]),
    pupilViewsMissingReason: Type.Union([Type.String(), Type.Null()]),
    attendanceSinceLastPct: Type.Union([Type.Number(), Type.Null()]),
    attendanceSource: StringEnum(['RECORDED', 'ENTERED', 'NONE'] as const),
    objectives: Type.Array(ObjectiveProgress),
    decision: StringEnum(DECISIONS),
    extensionNewEnd: Type.Union([IsoDate, Type.Null()]),
    extensionReasons: Type.Union([Type.String(), Type.Null()]),
    nextReviewOn: Type.Union([IsoDate, Type.Null()]),
    schoolView: Type.Union([Type.String(), Type.Null()]),
    recordedBy: Type.String(),
    createdAt: Timestamp
  },
  { $id: 'Review', additionalProperties: false }
)
export type Review = Static<typeof Review>

export const ReviewList = Type.Object(
  { results: Type.Array(Review) },
  { $id: 'ReviewList', additionalProperties: false }
)
export const SchoolView = Type.Object({ view: Text(4000) }, { additionalProperties: false })
export const ReviewParams = Type.Object({ id: Id, reviewId: Id })
export const PlacementIdParams = Type.Object({ id: Id })

export const CreateApproval = Type.Object(
  {
    upTo: IsoDate,
    reason: Text(2000)
  },
  {
    additionalProperties: false,
    description: "Allows extensions of this placement up to the date, past the LA's tier limit."
  }
)
export const Approval = Type.Object(
  { id: Id, placementId: Id, upTo: IsoDate, reason: Type.String(), approvedBy: Type.String(), approvedAt: Timestamp },
  { $id: 'ExtensionApproval', additionalProperties: false }
)

export const CreateReviewRequest = Type.Object(
  {
    requestedBy: StringEnum(['PARENT', 'LA'] as const, {
      description: 'The parent (relevant person) or the LA maintaining an EHC plan.'
    }),
    receivedOn: IsoDate
  },
  {
    additionalProperties: false,
    description: 'A written request for a review of an off-site direction (SI 2010/1156 reg 4A, as amended).'
  }
)
export const ReviewRequest = Type.Object(
  {
    id: Id,
    placementId: Id,
    requestedBy: Type.String(),
    receivedOn: IsoDate,
    status: StringEnum(['OPEN', 'DECLINED', 'MET'] as const),
    dueOn: Type.Union([IsoDate, Type.Null()]),
    declinedReason: Type.Union([Type.String(), Type.Null()]),
    metByReviewId: Type.Union([Id, Type.Null()])
  },
  { $id: 'ReviewRequest', additionalProperties: false }
)
