import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { type Kysely, sql } from 'kysely'
import { DateTime } from 'luxon'
import { type Static, Type } from 'typebox'
import type { Principal } from '../../platform/auth/principal.js'
import { placementScope, referralScope } from '../../db/scope.js'
import type { SchoolCalendar } from '../../domain/calendar.js'
import { offSiteNoticeClocks, sixthDayClocks } from '../../domain/clocks.js'
import type { DB } from '../../db/schema.js'
import { pageLinks } from '../../platform/http.js'
import { Id, IsoDate, PageQuery, pageOf, paging, ref, StringEnum, Tier } from '../../platform/schemas.js'
import { type Clock, todayIn } from '../../platform/time.js'
import { type Actor, actorOf, writeAudit } from '../../db/audit.js'
import { loadLaCalendar } from '../calendars/index.js'
import { policyFor } from '../local-authorities/index.js'
import { calendarForPupil } from '../pupils/index.js'
import { fullTimeSql } from '../referrals/index.js'

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
type WorkKind = (typeof WORK_KINDS)[number]

const WorkItem = Type.Object(
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
type WorkItem = Static<typeof WorkItem>

const WorklistQuery = Type.Object(
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
type WorklistQuery = Static<typeof WorklistQuery>

const WorkPage = pageOf('WorkItemPage', WorkItem)

type Pupilish = { home_school_id: string | null; home_la_code: string }
type Candidate = Omit<WorkItem, 'overdueSchoolDays'> & Pupilish

const KIND_RANK = (kind: string) => WORK_KINDS.indexOf(kind as WorkKind)
/** Ids as the SQL orders them: numerically (bigint strings, no leading zeros), nulls last. */
const byId = (x: string | null, y: string | null) =>
  x === y ? 0 : x === null ? 1 : y === null ? -1 : x.length - y.length || (x < y ? -1 : 1)
/** The SQL's order (due date, kind, placement id, referral id), so the rows it pages agree with the merge. */
const byUrgency = (a: Candidate, b: Candidate) =>
  a.dueDate.localeCompare(b.dueDate) ||
  KIND_RANK(a.kind) - KIND_RANK(b.kind) ||
  byId(a.placementId, b.placementId) ||
  byId(a.referralId, b.referralId)

/**
 * Everything due or overdue in the caller's scope, most urgent first (earliest due date, then kind), one page.
 * Reviews, planned ends, review requests and referral decisions come from one SQL query ordered and paged in
 * the database; "within N school days" and the 2- and 4-week bands are counted on the LA's calendar. Statutory
 * clocks are computed on each pupil's school calendar and merged in. Overdue school days are counted on each
 * pupil's school calendar for the items returned.
 */
export async function worklist(
  db: Kysely<DB>,
  p: Principal,
  q: WorklistQuery,
  today: string
): Promise<{ results: WorkItem[]; total: number }> {
  const la = await loadLaCalendar(db, p.laCode)
  const reviewHorizon = la.addSchoolDays(today, q.withinSchoolDays)
  const end2 = la.addSchoolDays(today, 10)
  const end4 = la.addSchoolDays(today, 20)
  const want = (kind: WorkKind) => q.kind === undefined || q.kind === kind
  const wantAny = (...kinds: WorkKind[]) => kinds.some(want)

  const placementBase = () =>
    db
      .selectFrom('placement')
      .innerJoin('pupil', 'pupil.id', 'placement.pupil_id')
      .where(placementScope(p))
      .$if(q.providerId !== undefined, (qb) => qb.where('placement.provider_id', '=', q.providerId!))
      .$if(q.tier !== undefined, (qb) => qb.where('placement.tier', '=', q.tier!))
      .$if(q.schoolId !== undefined, (qb) =>
        qb.where((eb) =>
          eb.or([
            eb('placement.commissioner_school_id', '=', q.schoolId!),
            eb('pupil.home_school_id', '=', q.schoolId!)
          ])
        )
      )
  const common = [
    'placement.id as placement_id',
    'placement.pupil_id',
    'placement.provider_id',
    'placement.tier',
    'placement.commissioner_school_id',
    'pupil.home_school_id',
    'pupil.home_la_code'
  ] as const

  const branches = []
  if (wantAny('REVIEW_OVERDUE', 'REVIEW_DUE')) {
    branches.push(
      placementBase()
        .select([
          ...common,
          'placement.next_review_due_on as due',
          sql<string>`case when placement.next_review_due_on < ${today} then 'REVIEW_OVERDUE' else 'REVIEW_DUE' end`.as(
            'kind'
          ),
          'placement.next_review_rule as note'
        ])
        .where('placement.status', '=', 'ACTIVE')
        .where('placement.next_review_due_on', '<=', reviewHorizon)
        .$if(q.kind === 'REVIEW_OVERDUE', (qb) => qb.where('placement.next_review_due_on', '<', today))
        .$if(q.kind === 'REVIEW_DUE', (qb) => qb.where('placement.next_review_due_on', '>=', today))
    )
  }
  if (wantAny('PLANNED_END_PASSED', 'PLANNED_END_2_WEEKS', 'PLANNED_END_4_WEEKS')) {
    const kind = sql<string>`case when placement.planned_end_date < ${today} then 'PLANNED_END_PASSED' when placement.planned_end_date <= ${end2} then 'PLANNED_END_2_WEEKS' else 'PLANNED_END_4_WEEKS' end`
    branches.push(
      placementBase()
        .select([
          ...common,
          'placement.planned_end_date as due',
          kind.as('kind'),
          sql<string | null>`null::text`.as('note')
        ])
        .where('placement.status', 'in', ['ACTIVE', 'PAUSED'])
        .where('placement.planned_end_date', '<=', end4)
        .$if(q.kind !== undefined, (qb) => qb.where(kind, '=', q.kind!))
    )
  }
  if (want('REVIEW_REQUEST')) {
    branches.push(
      placementBase()
        .innerJoin('review_request', 'review_request.placement_id', 'placement.id')
        .select([
          ...common,
          'review_request.due_on as due',
          sql<string>`'REVIEW_REQUEST'`.as('kind'),
          'review_request.requested_by as note'
        ])
        .where('review_request.status', '=', 'OPEN')
    )
  }
  if (wantAny('FOLLOW_UP_OVERDUE', 'FOLLOW_UP_DUE')) {
    // Each check goes to those who record it: schools after a reintegration, providers after post-16 transition.
    branches.push(
      placementBase()
        .innerJoin('outcome_follow_up', 'outcome_follow_up.placement_id', 'placement.id')
        .select([
          ...common,
          'outcome_follow_up.due_on as due',
          sql<string>`case when outcome_follow_up.due_on < ${today} then 'FOLLOW_UP_OVERDUE' else 'FOLLOW_UP_DUE' end`.as(
            'kind'
          ),
          'outcome_follow_up.checkpoint as note'
        ])
        .where('outcome_follow_up.status', '=', 'PENDING')
        .where('outcome_follow_up.opens_on', '<=', reviewHorizon)
        .$if(p.role === 'provider', (qb) => qb.where('outcome_follow_up.checkpoint', 'like', 'POST16_%'))
        .$if(p.role === 'school', (qb) => qb.where('outcome_follow_up.checkpoint', 'not like', 'POST16_%'))
        .$if(q.kind === 'FOLLOW_UP_OVERDUE', (qb) => qb.where('outcome_follow_up.due_on', '<', today))
        .$if(q.kind === 'FOLLOW_UP_DUE', (qb) => qb.where('outcome_follow_up.due_on', '>=', today))
    )
  }
  if (want('UNEXPLAINED_ABSENCE') && p.role !== 'provider') {
    // Unauthorised absence marked at the provider today: the commissioning school hears the same day.
    // Today's unauthorised marks come from the partial index on them, so the cost follows today's absences.
    const absent = db
      .selectFrom('attendance_mark')
      .select([
        'attendance_mark.placement_id',
        sql<string>`string_agg(attendance_mark.session, ' and ' order by attendance_mark.session)`.as('sessions')
      ])
      .where('attendance_mark.on_date', '=', today)
      .where('attendance_mark.code', '=', 'ABSENT_UNAUTH')
      .groupBy('attendance_mark.placement_id')
      .as('absent')
    branches.push(
      placementBase()
        .innerJoin(absent, 'absent.placement_id', 'placement.id')
        .select([
          ...common,
          sql<string>`${today}::date`.as('due'),
          sql<string>`'UNEXPLAINED_ABSENCE'`.as('kind'),
          'absent.sessions as note'
        ])
        .where('placement.status', 'in', ['ACTIVE', 'PAUSED'])
    )
  }
  const referralBase = () =>
    db
      .selectFrom('referral')
      .innerJoin('pupil', 'pupil.id', 'referral.pupil_id')
      .where(referralScope(p))
      .$if(q.tier !== undefined, (qb) => qb.where('referral.requested_tier', '=', q.tier!))
      .$if(q.schoolId !== undefined, (qb) =>
        qb.where((eb) =>
          eb.or([eb('referral.referring_school_id', '=', q.schoolId!), eb('pupil.home_school_id', '=', q.schoolId!)])
        )
      )
  const referralsInScope = (p.role === 'coordinator' || p.role === 'school') && q.providerId === undefined

  type Row = {
    placement_id: string | null
    referral_id: string | null
    pupil_id: string
    provider_id: string | null
    tier: number
    commissioner_school_id: string | null
    home_school_id: string | null
    home_la_code: string
    due: string
    kind: string
    note: string | null
  }
  // One compound query; every branch selects the same columns in the same order.
  const selects = branches.map((b) => b.select(sql<string | null>`null::bigint`.as('referral_id')))
  let compound: any = selects[0] // eslint-disable-line @typescript-eslint/no-explicit-any -- the branches' row types differ only in literal columns
  for (const b of selects.slice(1)) compound = compound.unionAll(b)
  if (referralsInScope && want('REFERRAL_DECISION_OVERDUE')) {
    const decisions = referralBase()
      .select([
        sql<string | null>`null::bigint`.as('placement_id'),
        'referral.pupil_id',
        sql<string | null>`null::bigint`.as('provider_id'),
        'referral.requested_tier as tier',
        'referral.referring_school_id as commissioner_school_id',
        'pupil.home_school_id',
        'pupil.home_la_code',
        'referral.decision_due_on as due',
        sql<string>`'REFERRAL_DECISION_OVERDUE'`.as('kind'),
        sql<string | null>`null::text`.as('note'),
        'referral.id as referral_id'
      ])
      .where('referral.status', '=', 'SUBMITTED')
      .where('referral.decision_due_on', '<', today)
    compound = compound ? compound.unionAll(decisions) : decisions
  }

  const candidates: Candidate[] = []
  let sqlTotal = 0
  const limit = q.page * q.pageSize
  if (compound) {
    const inner = compound.as('w')
    const [{ total }, rows] = await Promise.all([
      db
        .selectFrom(inner)
        .select((eb: any) => eb.fn.countAll().as('total'))
        .executeTakeFirstOrThrow() as Promise<{ total: string | number }>,
      db
        .selectFrom(inner)
        .selectAll()
        .orderBy('due')
        .orderBy(sql`array_position(array[${sql.join(WORK_KINDS.map((k) => sql.lit(k)))}]::text[], kind)`)
        .orderBy('placement_id')
        .orderBy('referral_id')
        .limit(limit)
        .execute() as Promise<Row[]>
    ])
    sqlTotal = Number(total)
    for (const r of rows) {
      const detail =
        r.kind === 'UNEXPLAINED_ABSENCE'
          ? `Unexplained absence at the provider today (${r.note ?? ''})`
          : r.kind.startsWith('FOLLOW_UP_')
            ? `Outcome follow-up ${r.note ?? ''} ${r.kind === 'FOLLOW_UP_OVERDUE' ? 'overdue' : 'due'}`
            : r.kind === 'REVIEW_REQUEST'
              ? `Review requested by the ${r.note === 'LA' ? 'LA' : 'parent'}`
              : r.kind.startsWith('REVIEW_')
                ? `Review ${r.kind === 'REVIEW_OVERDUE' ? 'overdue' : 'due'} (${r.note ?? 'schedule'})`
                : r.kind === 'PLANNED_END_PASSED'
                  ? 'Planned end passed without an outcome'
                  : r.kind === 'PLANNED_END_2_WEEKS'
                    ? 'Planned end within 2 school weeks'
                    : r.kind === 'PLANNED_END_4_WEEKS'
                      ? 'Planned end within 4 school weeks'
                      : 'Referral decision past the LA deadline'
      candidates.push({
        kind: r.kind as WorkKind,
        dueDate: r.due,
        placementId: r.placement_id,
        referralId: r.referral_id,
        pupilId: r.pupil_id,
        schoolId: r.commissioner_school_id ?? r.home_school_id,
        providerId: r.provider_id,
        tier: r.tier,
        detail,
        home_school_id: r.home_school_id,
        home_la_code: r.home_la_code
      })
    }
  }

  // Statutory clocks, on each pupil's calendar: sixth-day provision and off-site direction notice.
  const calendars = new Map<string, Promise<SchoolCalendar>>()
  const calendarOf = (pupil: Pupilish) => {
    const key = pupil.home_school_id ?? `la:${pupil.home_la_code}`
    let cal = calendars.get(key)
    if (!cal) {
      cal = calendarForPupil(db, pupil)
      calendars.set(key, cal)
    }
    return cal
  }
  const clocks: Candidate[] = []
  if (wantAny('CLOCK_PENDING', 'CLOCK_BREACHED')) {
    const offSite = await placementBase()
      .select([
        ...common,
        'placement.start_date',
        'placement.parent_notice_given_on',
        'placement.la_notice_given_on',
        'pupil.sen_provision'
      ])
      .where('placement.status', '=', 'PLANNED')
      .where('placement.legal_basis', '=', 'OFF_SITE_DIRECTION_S29A')
      .execute()
    for (const pl of offSite) {
      for (const c of offSiteNoticeClocks(
        await calendarOf(pl),
        {
          startDate: pl.start_date,
          parentNoticeOn: pl.parent_notice_given_on,
          laNoticeOn: pl.la_notice_given_on,
          hasEhcp: pl.sen_provision === 'E'
        },
        today
      )) {
        if (c.status === 'breached' || c.status === 'pending')
          clocks.push({
            kind: c.status === 'breached' ? 'CLOCK_BREACHED' : 'CLOCK_PENDING',
            dueDate: c.deadline,
            placementId: pl.placement_id,
            referralId: null,
            pupilId: pl.pupil_id,
            schoolId: pl.commissioner_school_id ?? pl.home_school_id,
            providerId: pl.provider_id,
            tier: pl.tier,
            detail: c.rule,
            home_school_id: pl.home_school_id,
            home_la_code: pl.home_la_code
          })
      }
    }
    if (referralsInScope) {
      const referrals = await referralBase()
        .select([
          'referral.id',
          'referral.la_code',
          'referral.pupil_id',
          'referral.requested_tier',
          'referral.exclusions',
          'referral.referring_school_id',
          'pupil.home_school_id',
          'pupil.home_la_code',
          'pupil.date_of_birth',
          'pupil.nc_year_override'
        ])
        .where('referral.status', 'in', ['SUBMITTED', 'ACCEPTED'])
        .where(sql<boolean>`jsonb_array_length(referral.exclusions) > 0`)
        .execute()
      const ids = referrals.map((r) => r.id)
      // Each LA's end of Year 11 examinations, for the sixth-day exemption.
      const examsEnd = new Map<string, Promise<string | null>>()
      const examsEndOf = (la: string) => {
        let v = examsEnd.get(la)
        if (!v) {
          v = policyFor(db, la).then((p) => p.year11_exams_end)
          examsEnd.set(la, v)
        }
        return v
      }
      const starts =
        ids.length === 0
          ? []
          : await db
              .selectFrom('placement')
              .select(['referral_id', 'start_date'])
              .where('referral_id', 'in', ids)
              .where('status', '<>', 'CANCELLED')
              .where(fullTimeSql)
              .execute()
      for (const r of referrals) {
        const exclusions = r.exclusions.map((e) => ({
          kind: e.kind,
          firstDay: e.firstDay,
          lengthSchoolDays: e.lengthSchoolDays ?? null
        }))
        const start = starts.find((s) => s.referral_id === r.id)?.start_date ?? null
        const year11 = {
          dateOfBirth: r.date_of_birth,
          ncYearOverride: r.nc_year_override,
          examsEnd: await examsEndOf(r.la_code),
          today
        }
        for (const c of sixthDayClocks(await calendarOf(r), exclusions, start, today, year11)) {
          if (c.status === 'breached' || c.status === 'pending')
            clocks.push({
              kind: c.status === 'breached' ? 'CLOCK_BREACHED' : 'CLOCK_PENDING',
              dueDate: c.deadline,
              placementId: null,
              referralId: r.id,
              pupilId: r.pupil_id,
              schoolId: r.referring_school_id ?? r.home_school_id,
              providerId: null,
              tier: r.requested_tier,
              detail: c.rule,
              home_school_id: r.home_school_id,
              home_la_code: r.home_la_code
            })
        }
      }
    }
  }
  const wanted = clocks.filter((c) => want(c.kind as WorkKind))
  const page = [...candidates, ...wanted].sort(byUrgency).slice((q.page - 1) * q.pageSize, limit)
  const results: WorkItem[] = []
  for (const { home_school_id: _s, home_la_code: _l, ...item } of page) {
    const overdue =
      item.dueDate < today
        ? (await calendarOf({ home_school_id: _s, home_la_code: _l })).countSchoolDays(
            DateTime.fromISO(item.dueDate).plus({ days: 1 }).toISODate()!,
            today
          )
        : 0
    results.push({ ...item, overdueSchoolDays: overdue })
  }
  return { results, total: sqlTotal + wanted.length }
}

export const worklistRoutes: FastifyPluginAsyncTypebox<{ clock: Clock }> = async (app, { clock }) => {
  app.addSchema(WorkItem)
  app.addSchema(WorkPage)
  app.get(
    '/worklist',
    {
      config: { access: ['coordinator', 'school', 'provider'] },
      schema: {
        tags: ['reviews'],
        operationId: 'getWorklist',
        summary: "Everything due or overdue in the caller's scope, most urgent first",
        description:
          "Reviews due within `withinSchoolDays` or overdue; planned ends within 4 and 2 school weeks or passed without an outcome; referral decisions past the LA deadline; statutory clocks pending or breached; open review requests; outcome follow-ups opening within `withinSchoolDays` or overdue (schools see reintegration checks, providers post-16 checks); unauthorised absences at the provider today (not for providers). Each item has its due date and how many school days it is overdue on the pupil's school calendar.",
        querystring: WorklistQuery,
        response: { 200: ref(WorkPage) }
      }
    },
    async (request) => {
      const q = request.query
      const actor: Actor = actorOf(request)
      const { results, total } = await app.db.transaction().execute(async (trx) => {
        const page = await worklist(trx, actor.principal, q, todayIn(clock))
        const pupilIds = [...new Set(page.results.map((i) => i.pupilId))]
        const las =
          pupilIds.length === 0
            ? []
            : await trx.selectFrom('pupil').select(['id', 'home_la_code']).where('id', 'in', pupilIds).execute()
        await writeAudit(
          trx,
          actor,
          las.map((l) => ({ action: 'list' as const, entity: 'worklist', pupilId: l.id, pupilLaCode: l.home_la_code }))
        )
        return page
      })
      const pg = paging(q.page, q.pageSize, total)
      return { results, paging: pg, _links: pageLinks(request, q.page, pg.totalPages) }
    }
  )
}
