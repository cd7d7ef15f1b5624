import { type Static, Type } from 'typebox'
import { Id, IsoDate, Links, PageQuery, Paging, ref, StringEnum, Tier } from '../../platform/schemas.js'

export const WORK_KINDS = [
  'UNEXPLAINED_ABSENCE',
  'REVIEW_OVERDUE',
  'REVIEW_DUE',
  'PLANNED_END_PASSED',
  'PLANNED_END_2_WEEKS',
  'PLANNED_END_4_WEEKS',
  'REFERRAL_DECISION_OVERDUE',
  'CLOCK_BREACHED',
  'CLOCK_PENDING',
  'REVIEW_REQUEST',
  'FOLLOW_UP_OVERDUE',
  'FOLLOW_UP_DUE'
] as const
export type WorkKind = (typeof WORK_KINDS)[number]

export const WorkItem = Type.Object(
  {
    kind: StringEnum(WORK_KINDS),
    dueDate: IsoDate,
    overdueSchoolDays: Type.Integer({
      minimum: 0,
      description: "School days past the due date on the pupil's calendar; 0 when not yet due."
    }),
    placementId: Type.Union([Id, Type.Null()]),
    referralId: Type.Union([Id, Type.Null()]),
    pupilId: Id,
    schoolId: Type.Union([Id, Type.Null()]),
    providerId: Type.Union([Id, Type.Null()]),
    tier: Type.Union([Tier, Type.Null()]),
    detail: Type.String()
  },
  { $id: 'WorkItem', additionalProperties: false }
)
export type WorkItem = Static<typeof WorkItem>

export const WorklistQuery = Type.Object(
  {
    ...PageQuery,
    kind: Type.Optional(StringEnum(WORK_KINDS)),
    schoolId: Type.Optional(Id),
    providerId: Type.Optional(Id),
    tier: Type.Optional(Tier),
    withinSchoolDays: Type.Integer({
      minimum: 0,
      maximum: 65,
      default: 10,
      description: 'Reviews due within this many school days are listed (overdue ones always).'
    })
  },
  { additionalProperties: false }
)
export type WorklistQuery = Static<typeof WorklistQuery>

export const WorkPage = Type.Object(
  {
    results: Type.Array(WorkItem),
    countsByKind: Type.Object(
      Object.fromEntries(WORK_KINDS.map((kind) => [kind, Type.Optional(Type.Integer({ minimum: 1 }))])),
      {
        additionalProperties: false,
        description: 'How many items of each kind the whole list holds, across every page (kinds with none left out).'
      }
    ),
    paging: ref(Paging),
    _links: ref(Links)
  },
  { $id: 'WorkItemPage', additionalProperties: false }
)
