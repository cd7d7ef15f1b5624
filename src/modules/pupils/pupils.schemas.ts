import { type Static, Type } from 'typebox'
import { UPN_PATTERN, ULN_PATTERN } from '../../domain/identifiers.js'
import { Id, IsoDate, LaCode, PageQuery, pageOf, Timestamp, StringEnum, Text } from '../../platform/schemas.js'

export const ETHNICITY_MAJOR = ['WHIT', 'MIXD', 'ASIA', 'BLAC', 'CHNE', 'AOEG', 'REFU', 'NOBT'] as const

const Upn = Type.String({
  pattern: UPN_PATTERN,
  description:
    'Unique Pupil Number: check letter + 12 digits (permanent) or + 11 digits and a letter (temporary). I, O and ' +
    'S never appear; the check letter is verified (DfE UPN guide).',
  examples: ['B801200005001']
})
const Uln = Type.String({
  pattern: ULN_PATTERN,
  description: 'Unique Learner Number: 10 digits, mod-11 check digit verified.',
  examples: ['1000000043']
})
const Name = Text({ minLength: 1, maxLength: 100 })
const Sex = Type.Union([Type.Literal('F'), Type.Literal('M'), Type.Literal('U')], {
  description: 'Census sex: F, M or U (unknown).'
})
const SenProvision = Type.Union([Type.Literal('N'), Type.Literal('K'), Type.Literal('E')], {
  description: 'SEN provision: N none, K SEN support, E EHC plan.'
})
const Ethnicity = StringEnum(ETHNICITY_MAJOR, {
  description: 'Census ethnicity major group (REFU refused, NOBT not yet obtained).'
})
// One schema with a type list, not a union: with Ajv's type coercion, a union tries the integer branch
// first and turns null into 0 (Reception), so clearing the override would silently set it.
const NcYearOverride = Type.Unsafe<number | null>({
  type: ['integer', 'null'],
  minimum: 0,
  maximum: 14,
  description:
    'National Curriculum year (0 is Reception) when the pupil is taught out of their year group; null when not.'
})

const editable = {
  uln: Type.Union([Uln, Type.Null()]),
  legalForename: Name,
  legalSurname: Name,
  preferredForename: Type.Union([Name, Type.Null()]),
  preferredSurname: Type.Union([Name, Type.Null()]),
  dateOfBirth: IsoDate,
  sex: Sex,
  senProvision: SenProvision,
  fsmEligible: Type.Boolean(),
  lookedAfter: Type.Boolean(),
  childInNeed: Type.Boolean(),
  ethnicity: Ethnicity,
  homeSchoolId: Type.Union([Id, Type.Null()], { description: 'The school whose roll the pupil is on.' }),
  homeLaCode: LaCode,
  ncYearOverride: NcYearOverride
}

export const Pupil = Type.Object(
  {
    id: Id,
    upn: Upn,
    ...editable,
    ncYear: Type.Integer({
      description: 'Effective NC year today: the override, else derived from date of birth (age on 31 August).'
    }),
    ncYearDerived: Type.Integer({ description: 'NC year derived from date of birth for the current academic year.' }),
    endOfCompulsorySchoolAge: IsoDate,
    createdAt: Timestamp,
    updatedAt: Timestamp
  },
  { $id: 'Pupil', additionalProperties: false }
)
export type Pupil = Static<typeof Pupil>

export const CreatePupil = Type.Object(
  {
    upn: Upn,
    uln: Type.Optional(editable.uln),
    legalForename: Name,
    legalSurname: Name,
    preferredForename: Type.Optional(editable.preferredForename),
    preferredSurname: Type.Optional(editable.preferredSurname),
    dateOfBirth: IsoDate,
    sex: Sex,
    senProvision: Type.Optional(SenProvision),
    fsmEligible: Type.Optional(Type.Boolean()),
    lookedAfter: Type.Optional(Type.Boolean()),
    childInNeed: Type.Optional(Type.Boolean()),
    ethnicity: Type.Optional(Ethnicity),
    homeSchoolId: Type.Optional(editable.homeSchoolId),
    homeLaCode: LaCode,
    ncYearOverride: Type.Optional(editable.ncYearOverride)
  },
  { additionalProperties: false }
)
export type CreatePupil = Static<typeof CreatePupil>

export const UpdatePupil = Type.Partial(Type.Object({ upn: Upn, ...editable }), {
  additionalProperties: false,
  minProperties: 1
})
export type UpdatePupil = Static<typeof UpdatePupil>

export const PupilSearch = Type.Object({ upn: Upn }, { additionalProperties: false })

export const PupilPage = pageOf('PupilPage', Pupil)
export const PupilListQuery = Type.Object(
  {
    ...PageQuery,
    homeSchoolId: Type.Optional(Id),
    id: Type.Optional(
      Type.Array(Id, {
        minItems: 1,
        maxItems: 100,
        description: 'Only these pupils (repeat the parameter: `?id=1&id=2`), as far as the caller may see them.'
      })
    )
  },
  { additionalProperties: false }
)
export type PupilListQuery = Static<typeof PupilListQuery>
export const PupilParams = Type.Object({ id: Id })

export const SendHealthRequest = Type.Object(
  {
    reason: Text({
      minLength: 5,
      maxLength: 500,
      description: 'Why the user needs to see SEND and health detail; kept on the audit row.'
    })
  },
  { additionalProperties: false }
)

export const SendHealthDetail = Type.Object(
  {
    pupilId: Id,
    senProvision: SenProvision,
    needs: Type.Array(
      Type.Object(
        {
          referralId: Id,
          receivedOn: IsoDate,
          needsSummary: Type.Union([Type.String(), Type.Null()])
        },
        { additionalProperties: false }
      ),
      { description: 'The needs summary of each referral of the pupil the caller may see, newest first.' }
    )
  },
  { $id: 'SendHealthDetail', additionalProperties: false }
)
