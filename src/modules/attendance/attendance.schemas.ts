import { type Static, Type } from 'typebox'
import { MARK_CODES, SESSIONS } from '../../domain/attendance.js'
import { Id, IsoDate, ref, StringEnum, Timestamp, Text } from '../../platform/schemas.js'

/** The most marks one request may carry: a term of AM and PM marks for well over a hundred pupils. */
export const MAX_MARKS = 20_000

export const Mark = Type.Object(
  {
    pupilId: Id,
    date: IsoDate,
    session: StringEnum(SESSIONS),
    code: StringEnum(MARK_CODES, {
      description:
        'PRESENT, LATE (before the register closed), ABSENT_AUTH (with a reason), ABSENT_UNAUTH, NOT_SCHEDULED ' +
        '(no session at the provider that half-day).'
    }),
    reason: Type.Optional(Text({ minLength: 1, maxLength: 200, description: 'Required for ABSENT_AUTH.' }))
  },
  { additionalProperties: false }
)

export const MarkBatch = Type.Object(
  {
    marks: Type.Array(Mark, { minItems: 1, maxItems: MAX_MARKS })
  },
  {
    additionalProperties: false,
    description:
      `Up to ${MAX_MARKS} AM/PM marks for pupils placed with the calling provider, validated as a whole: ` +
      'one bad mark and none is stored. Sending the same marks again changes nothing; ' +
      'a changed mark is stored as an audited correction.'
  }
)
export type MarkBatch = Static<typeof MarkBatch>

export const MarkBatchResult = Type.Object(
  {
    received: Type.Integer(),
    created: Type.Integer(),
    corrected: Type.Integer({ description: 'Marks that changed code or reason; each kept in the correction history.' }),
    unchanged: Type.Integer(),
    placements: Type.Integer({ description: 'Placements the marks belong to.' })
  },
  { $id: 'MarkBatchResult', additionalProperties: false }
)

export const AttendanceSummary = Type.Object(
  {
    present: Type.Integer(),
    late: Type.Integer(),
    authorised: Type.Integer(),
    unauthorised: Type.Integer(),
    notScheduled: Type.Integer(),
    scheduledSessions: Type.Integer({
      description: 'Marked sessions the pupil was expected at: every mark except NOT_SCHEDULED.'
    }),
    attendedSessions: Type.Integer({ description: 'Present or late.' }),
    attendancePct: Type.Union([Type.Number(), Type.Null()], {
      description: 'Attended ÷ scheduled sessions, 1 decimal place; null before any scheduled mark.'
    }),
    baselinePct: Type.Union([Type.Number(), Type.Null()], {
      description: 'Home-school attendance before referral, from the referral.'
    }),
    changePctPoints: Type.Union([Type.Number(), Type.Null()], {
      description: 'During-placement attendance minus the baseline.'
    }),
    persistentAbsence: Type.Boolean({ description: 'Below 90%.' }),
    severeAbsence: Type.Boolean({ description: 'Below 50%.' }),
    expectedSessionsToDate: Type.Integer({
      description:
        "Sessions the placement's sessions a week call for from its start to its end or today, on the pupil's " +
        'school calendar.'
    }),
    unmarkedSessions: Type.Integer({ description: 'Expected sessions with no mark yet.' }),
    unexplainedToday: Type.Array(StringEnum(SESSIONS), {
      description: 'Sessions today marked as unauthorised absence: flagged to the commissioning school the same day.'
    })
  },
  { $id: 'AttendanceSummary', additionalProperties: false }
)
export type AttendanceSummaryView = Static<typeof AttendanceSummary>

export const MarkView = Type.Object(
  {
    date: IsoDate,
    session: StringEnum(SESSIONS),
    code: StringEnum(MARK_CODES),
    reason: Type.Union([Type.String(), Type.Null()]),
    updatedAt: Timestamp
  },
  { additionalProperties: false }
)

export const PlacementAttendance = Type.Object(
  {
    placementId: Id,
    summary: ref(AttendanceSummary),
    marks: Type.Array(MarkView, { description: 'In date order, AM before PM, between from and to.' }),
    corrections: Type.Array(
      Type.Object(
        {
          date: IsoDate,
          session: StringEnum(SESSIONS),
          oldCode: Type.String(),
          oldReason: Type.Union([Type.String(), Type.Null()]),
          newCode: Type.String(),
          newReason: Type.Union([Type.String(), Type.Null()]),
          correctedBy: Type.String(),
          at: Timestamp
        },
        { additionalProperties: false }
      )
    )
  },
  { $id: 'PlacementAttendance', additionalProperties: false }
)

export const AttendanceQuery = Type.Object(
  {
    from: Type.Optional(IsoDate),
    to: Type.Optional(IsoDate)
  },
  { additionalProperties: false }
)
