import { type Static, Type } from 'typebox'
import { QUALIFICATIONS, SCALES, STAGES, SUBJECTS } from '../../domain/attainment.js'
import { Id, IsoDate, Nullable, ref, StringEnum, Timestamp, Text } from '../../platform/schemas.js'

export const CreateAssessment = Type.Object(
  {
    subject: StringEnum(SUBJECTS),
    stage: StringEnum(STAGES, {
      description:
        'BASELINE (one per subject, from up to 90 days before the start), REVIEW (optionally tied to a review), ' +
        'EXIT (one per subject).'
    }),
    assessedOn: IsoDate,
    scale: StringEnum(SCALES, {
      description:
        'GCSE_9_1 (1–9), STANDARDISED_SCORE (55–145), READING_AGE_MONTHS (48–216), or PROVIDER_SCALE with its ' +
        'name and range.'
    }),
    scaleName: Type.Optional(Text({ minLength: 1, maxLength: 100 })),
    scaleMin: Type.Optional(Type.Number({ minimum: -10000, maximum: 10000 })),
    scaleMax: Type.Optional(Type.Number({ minimum: -10000, maximum: 10000 })),
    score: Type.Number({ minimum: -10000, maximum: 10000 }),
    reviewId: Type.Optional(Id)
  },
  {
    additionalProperties: false,
    description: 'An English or maths assessment on a stated scale; the score must lie within it.'
  }
)
export type CreateAssessment = Static<typeof CreateAssessment>

export const Assessment = Type.Object(
  {
    id: Id,
    placementId: Id,
    subject: StringEnum(SUBJECTS),
    stage: StringEnum(STAGES),
    assessedOn: IsoDate,
    scale: StringEnum(SCALES),
    scaleName: Nullable(Type.String()),
    scaleMin: Type.Number(),
    scaleMax: Type.Number(),
    score: Type.Number(),
    reviewId: Nullable(Id),
    recordedBy: Type.String(),
    createdAt: Timestamp
  },
  { $id: 'Assessment', additionalProperties: false }
)
export type Assessment = Static<typeof Assessment>

const Point = Nullable(
  Type.Object(
    {
      stage: Type.String(),
      assessedOn: IsoDate,
      scale: Type.String(),
      scaleName: Nullable(Type.String()),
      score: Type.Number()
    },
    { additionalProperties: false }
  )
)

export const CreateQualification = Type.Object(
  {
    subject: StringEnum(SUBJECTS),
    qualification: StringEnum(QUALIFICATIONS),
    level: Type.Optional(
      Text({
        maxLength: 20,
        description: 'Functional Skills: E1, E2, E3, L1, L2; Entry Level Certificate: E1–E3; none for GCSE.'
      })
    ),
    grade: Text({ maxLength: 20, description: 'GCSE: 9–1 or U; Functional Skills and Entry Level: PASS or FAIL.' }),
    awardedOn: IsoDate
  },
  { additionalProperties: false, description: "A Year 11 pupil's English or maths qualification result." }
)
export type CreateQualification = Static<typeof CreateQualification>

export const QualificationResult = Type.Object(
  {
    id: Id,
    placementId: Id,
    subject: StringEnum(SUBJECTS),
    qualification: StringEnum(QUALIFICATIONS),
    level: Nullable(Type.String()),
    grade: Type.String(),
    awardedOn: IsoDate,
    standardPass: Type.Boolean({ description: 'GCSE grade 4 or above, or a pass.' }),
    recordedBy: Type.String(),
    createdAt: Timestamp
  },
  { $id: 'QualificationResult', additionalProperties: false }
)
export type QualificationResult = Static<typeof QualificationResult>

export const Attainment = Type.Object(
  {
    progress: Type.Array(
      Type.Object(
        {
          subject: StringEnum(SUBJECTS),
          baseline: Point,
          latest: Point,
          change: Nullable(Type.Number({ description: "Latest minus baseline, in the scale's units." })),
          unit: Nullable(Type.String()),
          note: Nullable(Type.String())
        },
        { additionalProperties: false }
      ),
      { description: 'English then maths: from the baseline to the latest assessment.' }
    ),
    qualifications: Type.Array(ref(QualificationResult))
  },
  { $id: 'Attainment', additionalProperties: false }
)
export type Attainment = Static<typeof Attainment>

export const AssessmentList = Type.Object(
  {
    placementId: Id,
    assessments: Type.Array(ref(Assessment)),
    attainment: ref(Attainment)
  },
  { $id: 'AssessmentList', additionalProperties: false }
)
