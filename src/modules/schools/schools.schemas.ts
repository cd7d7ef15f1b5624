import { type Static, Type } from 'typebox'
import { Id, LaCode, PageQuery, pageOf, Timestamp, Urn, StringEnum, Text } from '../../platform/schemas.js'

export const SCHOOL_PHASES = [
  'NURSERY',
  'PRIMARY',
  'MIDDLE',
  'SECONDARY',
  'ALL_THROUGH',
  'SIXTEEN_PLUS',
  'NOT_APPLICABLE'
] as const
export const SCHOOL_TYPES = [
  'COMMUNITY',
  'VOLUNTARY_CONTROLLED',
  'VOLUNTARY_AIDED',
  'FOUNDATION',
  'ACADEMY',
  'FREE_SCHOOL',
  'COMMUNITY_SPECIAL',
  'FOUNDATION_SPECIAL',
  'ACADEMY_SPECIAL',
  'PRU',
  'AP_ACADEMY',
  'AP_FREE_SCHOOL',
  'INDEPENDENT'
] as const
export type SchoolType = (typeof SCHOOL_TYPES)[number]

/** Schools whose governing body or trust sets term dates; the LA sets them for the rest (domain.md §7). */
const OWN_TERM_DATES: ReadonlySet<SchoolType> = new Set([
  'VOLUNTARY_AIDED',
  'FOUNDATION',
  'ACADEMY',
  'FREE_SCHOOL',
  'FOUNDATION_SPECIAL',
  'ACADEMY_SPECIAL',
  'AP_ACADEMY',
  'AP_FREE_SCHOOL',
  'INDEPENDENT'
])
export const setsOwnTermDates = (type: SchoolType): boolean => OWN_TERM_DATES.has(type)

const Phase = StringEnum(SCHOOL_PHASES, { description: 'Phase of education.' })
const SchoolTypeSchema = StringEnum(SCHOOL_TYPES, { description: 'Establishment type (GIAS groups).' })
const Laestab = Type.String({
  pattern: '^[0-9]{7}$',
  description: "LA number + establishment number (7 digits); the first 3 digits must be the school's LA.",
  examples: ['9194321']
})
const Name = Text({ minLength: 1, maxLength: 200 })

export const School = Type.Object(
  {
    id: Id,
    urn: Urn,
    laestab: Laestab,
    name: Name,
    laCode: LaCode,
    phase: Phase,
    type: SchoolTypeSchema,
    setsOwnTermDates: Type.Boolean({
      description: 'Academies, free, foundation and VA schools set their own term dates.'
    }),
    createdAt: Timestamp,
    updatedAt: Timestamp
  },
  { $id: 'School', additionalProperties: false }
)
export type School = Static<typeof School>

export const CreateSchool = Type.Object(
  {
    urn: Urn,
    laestab: Laestab,
    name: Name,
    laCode: LaCode,
    phase: Phase,
    type: SchoolTypeSchema
  },
  { additionalProperties: false }
)
export type CreateSchool = Static<typeof CreateSchool>

export const UpdateSchool = Type.Object(
  {
    name: Type.Optional(Name),
    phase: Type.Optional(Phase),
    type: Type.Optional(SchoolTypeSchema)
  },
  { additionalProperties: false, minProperties: 1 }
)
export type UpdateSchool = Static<typeof UpdateSchool>

export const SchoolPage = pageOf('SchoolPage', School)
export const SchoolListQuery = Type.Object({ ...PageQuery, urn: Type.Optional(Urn) }, { additionalProperties: false })
export const SchoolParams = Type.Object({ id: Id })
