import { type Static, Type } from 'typebox'
import { LaCode, PageQuery, pageOf, Timestamp } from '../../platform/schemas.js'

export const LaPolicyFields = {
  reviewIntervalSchoolWeeks: Type.Integer({
    minimum: 1,
    maximum: 13,
    description: 'Longest gap between placement reviews, in school weeks. Default 6.'
  }),
  firstReviewSchoolDays: Type.Integer({
    minimum: 1,
    maximum: 65,
    description: 'First review due within this many school days of a placement starting. Default 20.'
  }),
  referralDecisionSchoolDays: Type.Integer({
    minimum: 1,
    maximum: 65,
    description: 'A referral decision is due within this many school days of submission. Default 10.'
  }),
  tier1MaxSchoolWeeks: Type.Integer({
    minimum: 1,
    maximum: 78,
    description: 'Tier 1 time limit in school weeks. Default 26 (two terms).'
  }),
  tier2MaxSchoolWeeks: Type.Integer({
    minimum: 1,
    maximum: 78,
    description: 'Tier 2 time limit in school weeks; extensions past it need LA approval. Default 26 (two terms).'
  }),
  tier3MaxSchoolWeeks: Type.Union([Type.Integer({ minimum: 1, maximum: 156 }), Type.Null()], {
    description: 'Tier 3 time limit in school weeks, or null for none. Default null.'
  }),
  smallNumberThreshold: Type.Integer({
    minimum: 1,
    maximum: 20,
    description: 'Counts below this are suppressed in reports leaving the LA. Default 5.'
  }),
  fullTimeThresholdHours: Type.Integer({
    minimum: 1,
    maximum: 40,
    description: 'Weekly hours from which an unregistered setting counts as full-time. Default 18.'
  })
}

/** Added with outcomes; optional in a PUT, which keeps the current value when one is left out. */
const OutcomePolicyFields = {
  sustainedAttendancePct: Type.Number({
    minimum: 0,
    maximum: 100,
    description:
      'Attendance a reintegration needs at each follow-up to count as sustained. Default 90 (the ' +
      'persistent-absence threshold).'
  }),
  followUpResponseSchoolDays: Type.Integer({
    minimum: 1,
    maximum: 65,
    description: 'School days a reintegration follow-up stays open before it is overdue. Default 10.'
  }),
  year11ExamsEnd: Type.Union(
    [Type.String({ pattern: '^0[5-7]-(0[1-9]|[12][0-9]|3[01])$', examples: ['06-24'] }), Type.Null()],
    {
      description:
        "Month and day (MM-DD, May to July) Year 11's public examinations end each year: the last day of the " +
        'summer GCSE timetable, contingency day included. A Year 11 pupil suspended or permanently excluded ' +
        'after it has no further examinations due, so no sixth-day provision duty. Null (the default): the last ' +
        'Friday of June.'
    }
  )
}

export const LaPolicy = Type.Object(
  { laCode: LaCode, ...LaPolicyFields, ...OutcomePolicyFields, updatedAt: Timestamp },
  { $id: 'LaPolicy', additionalProperties: false }
)
export type LaPolicy = Static<typeof LaPolicy>

export const PutLaPolicy = Type.Object(
  {
    ...LaPolicyFields,
    sustainedAttendancePct: Type.Optional(OutcomePolicyFields.sustainedAttendancePct),
    followUpResponseSchoolDays: Type.Optional(OutcomePolicyFields.followUpResponseSchoolDays),
    year11ExamsEnd: Type.Optional(OutcomePolicyFields.year11ExamsEnd)
  },
  { additionalProperties: false }
)
export type PutLaPolicy = Static<typeof PutLaPolicy>

export const LocalAuthority = Type.Object(
  {
    code: LaCode,
    name: Type.String(),
    createdAt: Timestamp,
    updatedAt: Timestamp
  },
  { $id: 'LocalAuthority', additionalProperties: false }
)
export type LocalAuthority = Static<typeof LocalAuthority>

export const LocalAuthorityPage = pageOf('LocalAuthorityPage', LocalAuthority)
export const LocalAuthorityListQuery = Type.Object(PageQuery, { additionalProperties: false })
export const LaParams = Type.Object({ code: LaCode })
