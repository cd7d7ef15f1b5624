import { type Static, Type } from 'typebox'
import { Id, IsoDate, LaCode, StringEnum, Timestamp, Text } from '../../platform/schemas.js'

export const AcademicYearParam = Type.String({
  pattern: '^(19|20)[0-9]{2}[-/][0-9]{2}$',
  description: 'Academic year (1 September – 31 August) as YYYY/YY of consecutive years; in a URL write 2025-26.',
  examples: ['2025-26']
})

const CalendarSourceSchema = StringEnum(['school', 'la', 'estimated'] as const, {
  description:
    "Where the dates come from: the school's own term dates, its LA's, or the estimated usual English pattern " +
    'when neither is loaded.'
})

export const HalfTermInput = Type.Object(
  {
    firstDay: IsoDate,
    lastDay: IsoDate
  },
  { additionalProperties: false, description: 'First and last teaching day of a half-term (weekdays).' }
)

const HalfTermsInput = Type.Array(HalfTermInput, {
  minItems: 6,
  maxItems: 6,
  description: 'The six half-terms in order: autumn 1 and 2, spring 1 and 2, summer 1 and 2.'
})

export const HalfTerm = Type.Object(
  {
    number: Type.Integer({ minimum: 1, maximum: 6 }),
    firstDay: IsoDate,
    lastDay: IsoDate
  },
  { $id: 'HalfTerm', additionalProperties: false }
)

export const Closure = Type.Object(
  {
    date: IsoDate,
    kind: StringEnum(['INSET', 'CLOSURE'] as const, { description: 'INSET (training) day or other closure.' }),
    reason: Type.Optional(Text({ maxLength: 200 }))
  },
  { $id: 'Closure', additionalProperties: false }
)

export const PutLaCalendar = Type.Object({ halfTerms: HalfTermsInput }, { additionalProperties: false })
export type PutLaCalendar = Static<typeof PutLaCalendar>

export const PutSchoolCalendar = Type.Object(
  {
    halfTerms: Type.Optional(
      Type.Union([HalfTermsInput, Type.Null()], {
        description:
          "The school's own half-terms; only for schools that set their own term dates. Omit or null to follow the LA."
      })
    ),
    closures: Type.Array(Closure, { maxItems: 30, description: 'INSET and closure days in this academic year.' })
  },
  { additionalProperties: false }
)
export type PutSchoolCalendar = Static<typeof PutSchoolCalendar>

export const LaCalendar = Type.Object(
  {
    laCode: LaCode,
    academicYear: Type.String({ examples: ['2025/26'] }),
    halfTerms: Type.Array(HalfTerm),
    schoolDays: Type.Integer({
      description: "Teaching days in the year after weekends and bank holidays (before any school's INSET days)."
    }),
    updatedAt: Timestamp
  },
  { $id: 'LaCalendar', additionalProperties: false }
)
export type LaCalendar = Static<typeof LaCalendar>

export const LaCalendarList = Type.Object(
  { results: Type.Array(LaCalendar) },
  { $id: 'LaCalendarList', additionalProperties: false }
)

export const SchoolCalendarView = Type.Object(
  {
    schoolId: Id,
    academicYear: Type.String({ examples: ['2025/26'] }),
    source: CalendarSourceSchema,
    estimated: Type.Boolean({ description: 'True when the half-terms are the estimated pattern, not loaded dates.' }),
    halfTerms: Type.Array(HalfTerm),
    closures: Type.Array(Closure),
    schoolDays: Type.Integer({ description: 'School days in the year for this school.' }),
    updatedAt: Type.Union([Timestamp, Type.Null()], {
      description: "When the school's own entry last changed; null if it has none."
    })
  },
  { $id: 'SchoolCalendar', additionalProperties: false }
)
export type SchoolCalendarView = Static<typeof SchoolCalendarView>

export const CalendarsUsed = Type.Array(
  Type.Object(
    {
      academicYear: Type.String(),
      source: CalendarSourceSchema
    },
    { additionalProperties: false }
  ),
  { description: 'The calendar each academic year touched came from.' }
)

export const SchoolDaysQuery = Type.Object(
  {
    from: IsoDate,
    to: IsoDate
  },
  { additionalProperties: false }
)

export const SchoolDays = Type.Object(
  {
    schoolId: Id,
    from: IsoDate,
    to: IsoDate,
    count: Type.Integer(),
    days: Type.Array(IsoDate),
    calendars: CalendarsUsed,
    estimated: Type.Boolean({ description: 'True when any date came from an estimated calendar.' })
  },
  { $id: 'SchoolDays', additionalProperties: false }
)

export const MAX_SCHOOL_DAYS_OFFSET = 400
export const SchoolDayOffsetQuery = Type.Object(
  {
    from: IsoDate,
    days: Type.Integer({
      minimum: 0,
      maximum: MAX_SCHOOL_DAYS_OFFSET,
      description: `School days to add, 0–${MAX_SCHOOL_DAYS_OFFSET}. 0 gives the first school day on or after \`from\`.`
    })
  },
  { additionalProperties: false }
)

export const SchoolDayOffset = Type.Object(
  {
    schoolId: Id,
    from: IsoDate,
    days: Type.Integer(),
    date: IsoDate,
    calendars: CalendarsUsed,
    estimated: Type.Boolean()
  },
  { $id: 'SchoolDayOffset', additionalProperties: false }
)

export const LaCalendarParams = Type.Object({ code: LaCode, academicYear: AcademicYearParam })
export const LaCodeParams = Type.Object({ code: LaCode })
export const SchoolCalendarParams = Type.Object({ id: Id, academicYear: AcademicYearParam })
export const SchoolIdParams = Type.Object({ id: Id })
