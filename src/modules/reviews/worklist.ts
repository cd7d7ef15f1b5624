import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Kysely } from 'kysely'
import { DateTime } from 'luxon'
import { type Static, Type } from 'typebox'
import type { Principal } from '../../auth/principal.js'
import { placementScope, referralScope } from '../../auth/scope.js'
import type { SchoolCalendar } from '../../domain/calendar.js'
import { offSiteNoticeClocks, sixthDayClocks } from '../../domain/clocks.js'
import type { DB } from '../../db/schema.js'
import { pageLinks } from '../../shared/http.js'
import { Id, IsoDate, PageQuery, pageOf, paging, ref, StringEnum, Tier } from '../../shared/schemas.js'
import { type Clock, todayIn } from '../../shared/time.js'
import { type Actor, actorOf, writeAudit } from '../audit/audit.log.js'
import { calendarForPupil } from '../pupils/pupil-context.js'

export const WORK_KINDS = ['REVIEW_OVERDUE', 'REVIEW_DUE', 'PLANNED_END_PASSED', 'PLANNED_END_2_WEEKS', 'PLANNED_END_4_WEEKS',
  'REFERRAL_DECISION_OVERDUE', 'CLOCK_BREACHED', 'CLOCK_PENDING', 'REVIEW_REQUEST'] as const
type WorkKind = typeof WORK_KINDS[number]

const WorkItem = Type.Object({
  kind: StringEnum(WORK_KINDS),
  dueDate: IsoDate,
  overdueSchoolDays: Type.Integer({ minimum: 0, description: 'School days past the due date on the pupil\'s calendar; 0 when not yet due.' }),
  placementId: Type.Union([Id, Type.Null()]),
  referralId: Type.Union([Id, Type.Null()]),
  pupilId: Id,
  schoolId: Type.Union([Id, Type.Null()]),
  providerId: Type.Union([Id, Type.Null()]),
  tier: Type.Union([Tier, Type.Null()]),
  detail: Type.String()
}, { $id: 'WorkItem', additionalProperties: false })
type WorkItem = Static<typeof WorkItem>

const WorklistQuery = Type.Object({
  ...PageQuery,
  kind: Type.Optional(StringEnum(WORK_KINDS)),
  schoolId: Type.Optional(Id),
  providerId: Type.Optional(Id),
  tier: Type.Optional(Tier),
  withinSchoolDays: Type.Integer({ minimum: 0, maximum: 65, default: 10, description: 'Reviews due within this many school days are listed (overdue ones always).' })
}, { additionalProperties: false })
type WorklistQuery = Static<typeof WorklistQuery>

const WorkPage = pageOf('WorkItemPage', WorkItem)

/** Everything due or overdue in the caller's scope, most urgent first. */
export async function worklist (db: Kysely<DB>, p: Principal, q: WorklistQuery, today: string): Promise<WorkItem[]> {
  const calendars = new Map<string, Promise<SchoolCalendar>>()
  const calendarOf = (pupil: { home_school_id: string | null, home_la_code: string }) => {
    const key = pupil.home_school_id ?? `la:${pupil.home_la_code}`
    let cal = calendars.get(key)
    if (!cal) { cal = calendarForPupil(db, pupil); calendars.set(key, cal) }
    return cal
  }
  const items: WorkItem[] = []
  const push = async (pupil: { home_school_id: string | null, home_la_code: string }, item: Omit<WorkItem, 'overdueSchoolDays'>) => {
    const cal = await calendarOf(pupil)
    const overdue = item.dueDate < today ? cal.countSchoolDays(DateTime.fromISO(item.dueDate).plus({ days: 1 }).toISODate()!, today) : 0
    items.push({ ...item, overdueSchoolDays: overdue })
  }
  // Generous calendar-day bound for the SQL prefilter; the school-day test below is exact.
  const horizon = DateTime.fromISO(today).plus({ days: Math.max(q.withinSchoolDays, 20) * 2 + 30 }).toISODate()!

  {
    const placements = await db.selectFrom('placement').innerJoin('pupil', 'pupil.id', 'placement.pupil_id')
      .select(['placement.id', 'placement.pupil_id', 'placement.tier', 'placement.provider_id', 'placement.commissioner_school_id', 'placement.status',
        'placement.next_review_due_on', 'placement.next_review_rule', 'placement.planned_end_date', 'placement.start_date', 'placement.legal_basis',
        'placement.parent_notice_given_on', 'placement.la_notice_given_on', 'pupil.home_school_id', 'pupil.home_la_code', 'pupil.sen_provision'])
      .where(placementScope(p)).where('placement.status', 'in', ['PLANNED', 'ACTIVE', 'PAUSED'])
      .$if(q.providerId !== undefined, (qb) => qb.where('placement.provider_id', '=', q.providerId!))
      .$if(q.tier !== undefined, (qb) => qb.where('placement.tier', '=', q.tier!))
      .$if(q.schoolId !== undefined, (qb) => qb.where((eb) => eb.or([eb('placement.commissioner_school_id', '=', q.schoolId!), eb('pupil.home_school_id', '=', q.schoolId!)])))
      .where((eb) => eb.or([
        eb.and([eb('placement.status', '=', 'ACTIVE'), eb('placement.next_review_due_on', '<=', horizon)]),
        eb.and([eb('placement.status', 'in', ['ACTIVE', 'PAUSED']), eb('placement.planned_end_date', '<=', horizon)]),
        eb.and([eb('placement.status', '=', 'PLANNED'), eb('placement.legal_basis', '=', 'OFF_SITE_DIRECTION_S29A')])
      ]))
      .execute()
    for (const pl of placements) {
      const cal = await calendarOf(pl)
      const base = { placementId: pl.id, referralId: null, pupilId: pl.pupil_id, schoolId: pl.commissioner_school_id ?? pl.home_school_id, providerId: pl.provider_id, tier: pl.tier }
      if (pl.status === 'ACTIVE' && pl.next_review_due_on) {
        const due = pl.next_review_due_on
        if (due < today) await push(pl, { ...base, kind: 'REVIEW_OVERDUE', dueDate: due, detail: `Review overdue (${pl.next_review_rule})` })
        else if (cal.countSchoolDays(today, due) <= q.withinSchoolDays + 1) await push(pl, { ...base, kind: 'REVIEW_DUE', dueDate: due, detail: `Review due (${pl.next_review_rule})` })
      }
      if (pl.status !== 'PLANNED' && pl.planned_end_date) {
        const end = pl.planned_end_date
        const left = end < today ? -1 : cal.countSchoolDays(today, end)
        if (left < 0) await push(pl, { ...base, kind: 'PLANNED_END_PASSED', dueDate: end, detail: 'Planned end passed without an outcome' })
        else if (left <= 10) await push(pl, { ...base, kind: 'PLANNED_END_2_WEEKS', dueDate: end, detail: 'Planned end within 2 school weeks' })
        else if (left <= 20) await push(pl, { ...base, kind: 'PLANNED_END_4_WEEKS', dueDate: end, detail: 'Planned end within 4 school weeks' })
      }
      if (pl.status === 'PLANNED' && pl.legal_basis === 'OFF_SITE_DIRECTION_S29A') {
        for (const c of offSiteNoticeClocks(cal, { startDate: pl.start_date, parentNoticeOn: pl.parent_notice_given_on, laNoticeOn: pl.la_notice_given_on, hasEhcp: pl.sen_provision === 'E' }, today)) {
          if (c.status !== 'met') await push(pl, { ...base, kind: c.status === 'breached' ? 'CLOCK_BREACHED' : 'CLOCK_PENDING', dueDate: c.deadline, detail: c.rule })
        }
      }
    }

    const requests = await db.selectFrom('review_request').innerJoin('placement', 'placement.id', 'review_request.placement_id').innerJoin('pupil', 'pupil.id', 'placement.pupil_id')
      .select(['review_request.id', 'review_request.due_on', 'review_request.requested_by', 'placement.id as placement_id', 'placement.pupil_id', 'placement.tier',
        'placement.provider_id', 'placement.commissioner_school_id', 'pupil.home_school_id', 'pupil.home_la_code'])
      .where(placementScope(p)).where('review_request.status', '=', 'OPEN')
      .$if(q.providerId !== undefined, (qb) => qb.where('placement.provider_id', '=', q.providerId!))
      .$if(q.tier !== undefined, (qb) => qb.where('placement.tier', '=', q.tier!))
      .execute()
    for (const r of requests) {
      if (q.schoolId !== undefined && r.commissioner_school_id !== q.schoolId && r.home_school_id !== q.schoolId) continue
      await push(r, { kind: 'REVIEW_REQUEST', dueDate: r.due_on!, placementId: r.placement_id, referralId: null, pupilId: r.pupil_id, schoolId: r.commissioner_school_id ?? r.home_school_id, providerId: r.provider_id, tier: r.tier, detail: `Review requested by the ${r.requested_by === 'LA' ? 'LA' : 'parent'}` })
    }
  }

  if (p.role === 'coordinator' || p.role === 'school') {
    const referrals = await db.selectFrom('referral').innerJoin('pupil', 'pupil.id', 'referral.pupil_id')
      .select(['referral.id', 'referral.pupil_id', 'referral.status', 'referral.requested_tier', 'referral.decision_due_on', 'referral.exclusions', 'referral.referring_school_id',
        'pupil.home_school_id', 'pupil.home_la_code'])
      .where(referralScope(p)).where('referral.status', 'in', ['SUBMITTED', 'ACCEPTED'])
      .$if(q.tier !== undefined, (qb) => qb.where('referral.requested_tier', '=', q.tier!))
      .$if(q.schoolId !== undefined, (qb) => qb.where((eb) => eb.or([eb('referral.referring_school_id', '=', q.schoolId!), eb('pupil.home_school_id', '=', q.schoolId!)])))
      .execute()
    const referralIds = referrals.filter((r) => r.exclusions.length > 0).map((r) => r.id)
    const starts = referralIds.length === 0 ? [] : await db.selectFrom('placement').select(['referral_id', 'start_date'])
      .where('referral_id', 'in', referralIds).where('status', '<>', 'CANCELLED').execute()
    for (const r of referrals) {
      if (q.providerId !== undefined) continue
      const base = { placementId: null, referralId: r.id, pupilId: r.pupil_id, schoolId: r.referring_school_id ?? r.home_school_id, providerId: null, tier: r.requested_tier }
      if (r.status === 'SUBMITTED' && r.decision_due_on < today) {
        await push(r, { ...base, kind: 'REFERRAL_DECISION_OVERDUE', dueDate: r.decision_due_on, detail: 'Referral decision past the LA deadline' })
      }
      if (r.exclusions.length > 0) {
        const exclusions = r.exclusions.map((e) => ({ kind: e.kind, firstDay: e.firstDay, lengthSchoolDays: e.lengthSchoolDays ?? null }))
        const start = starts.find((s) => s.referral_id === r.id)?.start_date ?? null
        for (const c of sixthDayClocks(await calendarOf(r), exclusions, start, today)) {
          if (c.status !== 'met') await push(r, { ...base, kind: c.status === 'breached' ? 'CLOCK_BREACHED' : 'CLOCK_PENDING', dueDate: c.deadline, detail: c.rule })
        }
      }
    }
  }

  const filtered = q.kind ? items.filter((i) => i.kind === q.kind) : items
  return filtered.sort((a, b) => b.overdueSchoolDays - a.overdueSchoolDays || a.dueDate.localeCompare(b.dueDate) ||
    WORK_KINDS.indexOf(a.kind as WorkKind) - WORK_KINDS.indexOf(b.kind as WorkKind) || (a.placementId ?? a.referralId ?? '').localeCompare(b.placementId ?? b.referralId ?? ''))
}

export const worklistRoutes: FastifyPluginAsyncTypebox<{ clock: Clock }> = async (app, { clock }) => {
  app.addSchema(WorkItem)
  app.addSchema(WorkPage)
  app.get('/worklist', {
    config: { access: ['coordinator', 'school', 'provider'] },
    schema: {
      tags: ['reviews'], operationId: 'getWorklist', summary: 'Everything due or overdue in the caller\'s scope, most urgent first',
      description: 'Reviews due within `withinSchoolDays` or overdue; planned ends within 4 and 2 school weeks or passed without an outcome; referral decisions past the LA deadline; statutory clocks pending or breached; open review requests. Each item has its due date and how many school days it is overdue on the pupil\'s school calendar.',
      querystring: WorklistQuery, response: { 200: ref(WorkPage) }
    }
  }, async (request) => {
    const q = request.query
    const actor: Actor = actorOf(request)
    const all = await worklist(app.db, actor.principal, q, todayIn(clock))
    const page = all.slice((q.page - 1) * q.pageSize, q.page * q.pageSize)
    await writeAudit(app.db, actor, [...new Set(page.map((i) => i.pupilId))].map((pupilId) => ({ action: 'list' as const, entity: 'worklist', pupilId })))
    const pg = paging(q.page, q.pageSize, all.length)
    return { results: page, paging: pg, _links: pageLinks(request, q.page, pg.totalPages) }
  })
}
