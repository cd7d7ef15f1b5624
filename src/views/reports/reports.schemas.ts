import { type Static, Type } from 'typebox'
import { Id, IsoDate, LaCode, Nullable, StringEnum } from '../../platform/schemas.js'

export const GROUPINGS = [
  'tier',
  'provider',
  'school',
  'sen',
  'fsm',
  'looked_after',
  'sex',
  'nc_year',
  'ethnicity'
] as const
export type Grouping = (typeof GROUPINGS)[number]

export const MEASURES = [
  'outreachHeldOneTerm',
  'outreachHeldTwoTerms',
  'attendanceImproved',
  'leftPersistentAbsence',
  'reintegrated',
  'reintegrationSustainedTwoTerms',
  'englishImproved',
  'mathsImproved',
  'englishGrade4',
  'mathsGrade4',
  'post16Destination',
  'post16Sustained',
  'post16Neet',
  'post16NotKnown'
] as const
export type MeasureName = (typeof MEASURES)[number]

/** What each measure counts: stated in the response and in the OpenAPI description. */
export const DEFINITIONS: Record<MeasureName, string> = {
  outreachHeldOneTerm:
    'Outreach (Tier 1): Tier 1 cases closed in the year into the home school whose +1 term check is recorded; ' +
    'numerator: still on a mainstream or special roll, not permanently excluded, no Tier 2 or 3 placement, ' +
    'attendance at or above the LA threshold.',
  outreachHeldTwoTerms: 'Outreach (Tier 1): as above at the +2 terms check.',
  attendanceImproved:
    'Attendance: Tier 2 and 3 placements with a baseline and at least one scheduled session marked in the year; ' +
    'numerator: attendance during the placement above the pre-referral baseline.',
  leftPersistentAbsence:
    'Attendance: of those, placements whose baseline was persistent absence (below 90%); numerator: 90% or more ' +
    'during the placement.',
  reintegrated:
    'Reintegration: Tier 2 placements closed in the year (outcome effective in the year); numerator: closed with ' +
    'a return to the home school (full time or phased) or a move to a new mainstream or special school.',
  reintegrationSustainedTwoTerms:
    'Reintegration: those reintegrations whose +2 terms check is recorded; numerator: the return held (on roll, ' +
    'no permanent exclusion, no new Tier 2 or 3 placement, attendance at or above the LA threshold).',
  englishImproved:
    'Attainment: placements with an English baseline and a later English assessment on the same scale, the ' +
    'latest in the year; numerator: the latest score above the baseline.',
  mathsImproved: 'Attainment: as above for maths.',
  englishGrade4: 'Attainment: Year 11 English GCSE results awarded in the year; numerator: grade 4 or above.',
  mathsGrade4: 'Attainment: Year 11 maths GCSE results awarded in the year; numerator: grade 4 or above.',
  post16Destination:
    'Post-16: placements closed in the year with a post-16 transition; numerator: a destination in education, ' +
    'training or employment (not NEET, not known or moved away).',
  post16Sustained:
    'Post-16: those whose March check is recorded; numerator: sustained October–March (DfE: all 6 months in ' +
    'education, 5 in employment, or a combination).',
  post16Neet: 'Post-16: transitions in the year; numerator: NEET (seeking or not available) at transition.',
  post16NotKnown: 'Post-16: transitions in the year; numerator: destination not known or moved away.'
}

const ShownMeasure = Type.Object(
  {
    numerator: Nullable(Type.Integer()),
    denominator: Nullable(Type.Integer()),
    rate: Nullable(Type.Number({ description: 'Numerator ÷ denominator as a percentage, 1 decimal place.' })),
    suppressed: Type.Boolean({
      description: 'Withheld: a small count, or withheld so another cannot be worked out from the total.'
    })
  },
  { additionalProperties: false }
)

const Measures = Type.Object(
  Object.fromEntries(MEASURES.map((m) => [m, ShownMeasure])) as Record<MeasureName, typeof ShownMeasure>,
  { additionalProperties: false }
)

export const OutcomesReportQuery = Type.Object(
  {
    academicYear: Type.String({
      pattern: '^(19|20)[0-9]{2}-[0-9]{2}$',
      description: 'Academic year as YYYY-YY, e.g. 2025-26; not a future year.',
      examples: ['2025-26']
    }),
    groupBy: Type.Optional(
      StringEnum(GROUPINGS, {
        description:
          'Break each measure down by tier, provider, school, SEN provision (E/K/N), FSM, looked-after, sex, NC ' +
          'year or ethnicity.'
      })
    ),
    view: StringEnum(['published', 'internal'] as const, {
      default: 'published',
      description:
        'published: small numbers suppressed, for reports leaving the LA. internal: unsuppressed, la_admin only, ' +
        'audited.'
    })
  },
  { additionalProperties: false }
)
export type OutcomesReportQuery = Static<typeof OutcomesReportQuery>

export const OutcomesReport = Type.Object(
  {
    laCode: LaCode,
    academicYear: Type.String(),
    from: IsoDate,
    to: IsoDate,
    view: StringEnum(['published', 'internal'] as const),
    suppressionThreshold: Nullable(
      Type.Integer({ description: 'Counts from 1 to below this are withheld in the published view.' })
    ),
    groupBy: Nullable(StringEnum(GROUPINGS)),
    definitions: Type.Object(
      Object.fromEntries(MEASURES.map((m) => [m, Type.String()])) as Record<
        MeasureName,
        ReturnType<typeof Type.String>
      >,
      { additionalProperties: false }
    ),
    groups: Type.Array(Type.Object({ key: Type.String(), measures: Measures }, { additionalProperties: false })),
    total: Measures
  },
  {
    $id: 'OutcomesReport',
    additionalProperties: false,
    description:
      'The five national AP outcomes for one LA and academic year, numerators and denominators with rates. ' +
      MEASURES.map((m) => `${m}: ${DEFINITIONS[m]}`).join(' ')
  }
)
export type OutcomesReport = Static<typeof OutcomesReport>

export const COMPLIANCE_KINDS = [
  'REVIEW_OVERDUE',
  'NO_OBJECTIVES_OR_PLAN',
  'NO_BASELINE',
  'SIXTH_DAY_BREACHED',
  'OFF_SITE_NOTICE_LATE',
  'PART_TIME_TIMETABLE',
  'PROVIDER_OVER_REGISTRATION_THRESHOLD',
  'SAFEGUARDING_NOT_CONFIRMED',
  'NOT_NOTIFIED_TO_LA',
  'OUTCOME_MISSING',
  'FOLLOW_UP_OVERDUE'
] as const

export const ComplianceReport = Type.Object(
  {
    laCode: LaCode,
    asOf: IsoDate,
    checks: Type.Array(
      Type.Object(
        {
          kind: StringEnum(COMPLIANCE_KINDS),
          rule: Type.String(),
          count: Type.Integer({ minimum: 0 }),
          items: Type.Array(
            Type.Object(
              {
                placementId: Nullable(Id),
                referralId: Nullable(Id),
                providerId: Nullable(Id),
                schoolId: Nullable(Id),
                since: Nullable(IsoDate),
                detail: Type.String()
              },
              { additionalProperties: false }
            ),
            { description: 'The records behind the count (no pupil identity).' }
          )
        },
        { additionalProperties: false }
      )
    )
  },
  { $id: 'ComplianceReport', additionalProperties: false }
)
export type ComplianceReport = Static<typeof ComplianceReport>
