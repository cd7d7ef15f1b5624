import { type Static, Type } from 'typebox'
import {
  Id,
  IsoDate,
  PageQuery,
  pageOf,
  ref,
  StringEnum,
  Tier,
  Timestamp,
  Text as FreeText
} from '../../platform/schemas.js'
import { Attainment } from '../attainment/index.js'
import { AttendanceSummary } from '../attendance/index.js'
import { OutcomeOrNull } from '../outcomes/index.js'
import { ClockSchema, LegalBasis, ObjectiveSchema, ReasonCodeRef } from '../referrals/index.js'

const Text = (max: number) => FreeText({ minLength: 1, maxLength: max })
const Sessions = Type.Integer({ minimum: 0, maximum: 10, description: 'Half-day sessions a week (0–10).' })

export const PlanSchema = Type.Object(
  {
    objectives: Type.Array(ObjectiveSchema, {
      minItems: 1,
      maxItems: 20,
      description: 'At least one objective, each with a baseline and a target.'
    }),
    reintegrationPlan: Type.Optional(
      Type.Union([Text(4000), Type.Null()], {
        description: 'Required for Tier 2: how and when the pupil returns to the home school.'
      })
    ),
    transitionPlan: Type.Optional(
      Type.Union([Text(4000), Type.Null()], {
        description: 'Required for Tier 3: the move to a new school or post-16.'
      })
    ),
    intendedPost16Route: Type.Optional(
      Type.Union([Text(500), Type.Null()], { description: 'Required for Tier 3 pupils in Years 10–11.' })
    ),
    readinessCriteria: Type.Optional(
      Type.Union([Text(4000), Type.Null()], { description: 'How readiness to reintegrate or move on is judged.' })
    )
  },
  { $id: 'PersonalisedPlan', additionalProperties: false }
)
export type PlanInput = Static<typeof PlanSchema>

export const PartTimePlan = Type.Object(
  {
    endDate: IsoDate,
    details: Text(2000)
  },
  {
    $id: 'PartTimePlan',
    additionalProperties: false,
    description:
      'Needed when sessions at provider and home school are below 10 a week: time-limited, with a plan back to ' +
      'full time.'
  }
)

const placementFields = {
  providerId: Id,
  startDate: IsoDate,
  plannedEndDate: Type.Optional(
    Type.Union([IsoDate, Type.Null()], {
      description: "Required for Tier 2 and off-site directions; within the LA's tier limit."
    })
  ),
  sessionsAtProvider: Sessions,
  sessionsAtHomeSchool: Sessions,
  partTimePlan: Type.Optional(Type.Union([PartTimePlan, Type.Null()])),
  registration: StringEnum(['ON_HOME_ROLL', 'DUAL_REGISTERED'] as const, {
    description: 'The pupil stays on the home school roll; dual registration only where the provider is a school.'
  }),
  plan: PlanSchema,
  laNotifiedOn: Type.Optional(
    Type.Union([IsoDate, Type.Null()], { description: 'When the commissioning school told the LA (2025 guidance).' })
  ),
  parentNoticeGivenOn: Type.Optional(
    Type.Union([IsoDate, Type.Null()], { description: 'Off-site direction: written notice to the parent.' })
  ),
  laNoticeGivenOn: Type.Optional(
    Type.Union([IsoDate, Type.Null()], { description: 'Off-site direction, pupil with an EHC plan: notice to the LA.' })
  )
}

export const CreatePlacement = Type.Object(
  {
    referralId: Id,
    tier: Type.Optional(Tier),
    legalBasis: Type.Optional(LegalBasis),
    reasonCode: Type.Optional(ReasonCodeRef),
    ...placementFields
  },
  {
    additionalProperties: false,
    description: "From an accepted referral. Tier, basis and reason default to the referral's."
  }
)
export type CreatePlacement = Static<typeof CreatePlacement>

export const NextPlacement = Type.Object(
  {
    reasonCode: Type.Optional(ReasonCodeRef),
    ...placementFields,
    laNotifiedOn: Type.Optional(
      Type.Union([IsoDate, Type.Null()], {
        description:
          'Not needed: the coordinator making the move is the LA, so the LA is notified on the day the move ' +
          'takes effect (or today, if it starts later).'
      })
    )
  },
  {
    additionalProperties: false,
    description: 'The next placement of a tier move. It carries the attendance baseline of the one it follows.'
  }
)
export type NextPlacement = Static<typeof NextPlacement>

export const UpdatePlacement = Type.Object(
  {
    startDate: Type.Optional(IsoDate),
    plannedEndDate: Type.Optional(Type.Union([IsoDate, Type.Null()])),
    sessionsAtProvider: Type.Optional(Sessions),
    sessionsAtHomeSchool: Type.Optional(Sessions),
    partTimePlan: Type.Optional(Type.Union([PartTimePlan, Type.Null()])),
    plan: Type.Optional(PlanSchema),
    baselineAttendancePct: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 100,
        description:
          "The pupil's home-school attendance % before the placement, for a placement with no referral (one " +
          "opened by an escalation or step-down without a baseline to carry). A referral's baseline is changed " +
          'on the referral, not here.'
      })
    ),
    laNotifiedOn: Type.Optional(Type.Union([IsoDate, Type.Null()])),
    parentNoticeGivenOn: Type.Optional(Type.Union([IsoDate, Type.Null()])),
    laNoticeGivenOn: Type.Optional(Type.Union([IsoDate, Type.Null()]))
  },
  {
    additionalProperties: false,
    minProperties: 1,
    description:
      'Dates and sessions change only while PLANNED; a planned end moves later only through a review (extension).'
  }
)
export type UpdatePlacement = Static<typeof UpdatePlacement>

export const Blocker = Type.Object(
  { path: Type.String(), code: Type.String(), message: Type.String() },
  { additionalProperties: false }
)

export const Placement = Type.Object(
  {
    id: Id,
    referralId: Type.Union([Id, Type.Null()]),
    previousPlacementId: Type.Union([Id, Type.Null()]),
    pupilId: Id,
    laCode: Type.String(),
    tier: Tier,
    providerId: Id,
    commissionerType: StringEnum(['SCHOOL', 'LA'] as const),
    commissionerSchoolId: Type.Union([Id, Type.Null()]),
    legalBasis: LegalBasis,
    reasonCode: Type.Union([Type.String(), Type.Null()]),
    status: StringEnum(['PLANNED', 'ACTIVE', 'PAUSED', 'ENDED', 'CANCELLED'] as const),
    startDate: IsoDate,
    plannedEndDate: Type.Union([IsoDate, Type.Null()]),
    endDate: Type.Union([IsoDate, Type.Null()]),
    ncYearAtStart: Type.Integer({
      description:
        "The pupil's NC year on the start date (the pupil record's ncYear is today's): derived from date of " +
        'birth, an NC-year override shifting it by the same number of years.'
    }),
    sessionsAtProvider: Type.Integer(),
    sessionsAtHomeSchool: Type.Integer(),
    partTime: Type.Boolean({ description: 'Below 10 sessions a week in total.' }),
    partTimePlan: Type.Union([PartTimePlan, Type.Null()]),
    registration: StringEnum(['ON_HOME_ROLL', 'DUAL_REGISTERED'] as const),
    homeAttendanceCode: Type.Union([StringEnum(['B', 'D', 'K'] as const), Type.Null()], {
      description:
        'The code the home school records for sessions at the placement: D dual-registered, K LA-arranged, B ' +
        'school-approved off-site; null for Tier 1 support, which happens in school.'
    }),
    plan: PlanSchema,
    firstReviewDueOn: IsoDate,
    nextReviewDueOn: Type.Union([IsoDate, Type.Null()], {
      description:
        "When the next review is due, on the pupil's school calendar; null when the placement is paused or closed."
    }),
    nextReviewRule: Type.Union(
      [StringEnum(['FIRST_REVIEW', 'MAX_GAP', 'HALF_TERM', 'SET_AT_REVIEW'] as const), Type.Null()],
      {
        description:
          "The rule that set nextReviewDueOn: the first-review deadline, the LA's longest gap, a review in every " +
          'half-term, or an earlier date chosen at the last review.'
      }
    ),
    lastReviewOn: Type.Union([IsoDate, Type.Null()], {
      description: 'The last review held (GET /v1/placements/{id}/reviews lists them).'
    }),
    reviewCount: Type.Integer({ minimum: 0 }),
    reviewOverdue: Type.Boolean(),
    extensionCount: Type.Integer({ minimum: 0 }),
    laNotifiedOn: Type.Union([IsoDate, Type.Null()]),
    parentNoticeGivenOn: Type.Union([IsoDate, Type.Null()]),
    laNoticeGivenOn: Type.Union([IsoDate, Type.Null()]),
    baselineAttendancePct: Type.Union([Type.Number(), Type.Null()], {
      description:
        "The pupil's attendance baseline: from the referral, carried along escalations and step-downs, or set by " +
        'the coordinator.'
    }),
    pauseReason: Type.Union([Type.String(), Type.Null()]),
    endedReason: Type.Union([Type.String(), Type.Null()], {
      description: 'The outcome code (or the cancellation reason) that closed the placement.'
    }),
    outcome: OutcomeOrNull,
    attendance: ref(AttendanceSummary),
    attainment: ref(Attainment),
    clocks: Type.Array(ClockSchema),
    activationBlockers: Type.Array(Blocker, { description: 'For a PLANNED placement: each precondition not yet met.' }),
    estimatedCalendar: Type.Boolean(),
    createdAt: Timestamp,
    updatedAt: Timestamp
  },
  { $id: 'Placement', additionalProperties: false }
)
export type Placement = Static<typeof Placement>

export const PlacementPage = pageOf('PlacementPage', Placement)
export const PlacementListQuery = Type.Object(
  {
    ...PageQuery,
    tier: Type.Optional(Tier),
    status: Type.Optional(StringEnum(['PLANNED', 'ACTIVE', 'PAUSED', 'ENDED', 'CANCELLED'] as const)),
    providerId: Type.Optional(Id),
    schoolId: Type.Optional(Id),
    pupilId: Type.Optional(Id),
    laCode: Type.Optional(Type.String({ pattern: '^[0-9]{3}$' })),
    activeOn: Type.Optional(IsoDate)
  },
  { additionalProperties: false }
)
export type PlacementListQuery = Static<typeof PlacementListQuery>

export const PlacementParams = Type.Object({ id: Id })
export const ReasonBody = Type.Object({ reason: Text(2000) }, { additionalProperties: false })
export const EmptyBody = Type.Object({}, { additionalProperties: false })
export const PauseBody = Type.Object(
  {
    reason: Text(2000),
    from: Type.Optional(IsoDate)
  },
  {
    additionalProperties: false,
    description:
      '`from` is the first paused day, for a case entered after the event (default today): not in the future, ' +
      'not before the placement started, the last review held or the last resumption.'
  }
)
export const ResumeBody = Type.Object(
  {
    from: Type.Optional(IsoDate)
  },
  {
    additionalProperties: false,
    description:
      '`from` is the day the placement runs again, for a case entered after the event (default today): not in ' +
      'the future, not before the pause began.'
  }
)

export const WaitingList = Type.Object(
  {
    providerId: Id,
    results: Type.Array(
      Type.Object(
        {
          position: Type.Integer({ minimum: 1 }),
          referralId: Id,
          pupilId: Type.Union([Id, Type.Null()], {
            description: 'Null for the provider itself, which does not see referrals.'
          }),
          tier: Tier,
          addedAt: Timestamp,
          daysWaited: Type.Integer({ description: 'Calendar days since the referral joined the list.' }),
          schoolDaysWaited: Type.Integer()
        },
        { additionalProperties: false }
      )
    )
  },
  { $id: 'WaitingList', additionalProperties: false }
)

export const RegistrationCheck = Type.Object(
  {
    providerId: Id,
    unregistered: Type.Boolean(),
    fullTimeThresholdHours: Type.Integer(),
    sessionHours: Type.Number({ description: 'Hours counted per half-day session.' }),
    fullTimePupils: Type.Integer({
      description: 'Pupils of compulsory school age currently placed here at or above the full-time threshold.'
    }),
    fullTimeLookedAfterOrEhcp: Type.Integer(),
    flagged: Type.Boolean({
      description:
        'An unregistered provider that must register as an independent school: 5+ full-time pupils, or 1+ looked ' +
        'after or with an EHC plan.'
    }),
    rule: Type.String()
  },
  { $id: 'RegistrationCheck', additionalProperties: false }
)
export const ProviderAlerts = Type.Object(
  { results: Type.Array(RegistrationCheck) },
  { $id: 'ProviderAlerts', additionalProperties: false }
)
