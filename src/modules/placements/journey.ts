import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Kysely } from 'kysely'
import { DateTime } from 'luxon'
import { type Static, Type } from 'typebox'
import { placementScope, pupilScope, referralScope } from '../../auth/scope.js'
import { sixthDayClocks } from '../../domain/clocks.js'
import { isFullTime } from '../../domain/placements.js'
import type { DB } from '../../db/schema.js'
import { notFound } from '../../shared/errors.js'
import { Id, IsoDate, ref, Tier } from '../../shared/schemas.js'
import { type Clock, todayIn } from '../../shared/time.js'
import { type Actor, actorOf, writeAudit } from '../audit/audit.log.js'
import { calendarForPupil } from '../pupils/pupil-context.js'

const JourneyEvent = Type.Object({
  date: IsoDate,
  kind: Type.String({ description: 'REFERRAL_SUBMITTED, REFERRAL_ACCEPTED, REFERRAL_DECLINED, REFERRAL_WITHDRAWN, PLACEMENT_PLANNED, PLACEMENT_ACTIVATED, PLACEMENT_PAUSED, PLACEMENT_RESUMED, PLACEMENT_CANCELLED, PLACEMENT_ESCALATED, PLACEMENT_STEPPED_DOWN, REVIEW_HELD, CLOCK_DEADLINE' }),
  referralId: Type.Union([Id, Type.Null()]),
  placementId: Type.Union([Id, Type.Null()]),
  tier: Type.Union([Tier, Type.Null()]),
  detail: Type.String()
}, { $id: 'JourneyEvent', additionalProperties: false })
type JourneyEvent = Static<typeof JourneyEvent>

const Journey = Type.Object({
  pupilId: Id,
  events: Type.Array(JourneyEvent, { description: 'In date order; the same day keeps the order things happened.' })
}, { $id: 'Journey', additionalProperties: false })

const londonDate = (d: Date) => DateTime.fromJSDate(d).setZone('Europe/London').toISODate()!

/** A pupil's chronology across referrals, placements, tier moves and statutory clocks, limited to what the caller may see. */
export async function pupilJourney (db: Kysely<DB>, actor: Actor, pupilId: string, clock: Clock) {
  return db.transaction().execute(async (trx) => {
    const p = actor.principal
    const pupil = await trx.selectFrom('pupil').select(['id', 'home_school_id', 'home_la_code']).where(pupilScope(p)).where('id', '=', pupilId).executeTakeFirst()
    if (!pupil) throw notFound('pupil')
    const events: (JourneyEvent & { seq: number })[] = []
    let seq = 0
    const add = (e: JourneyEvent) => events.push({ ...e, seq: seq++ })
    const referrals = await trx.selectFrom('referral').selectAll().where(referralScope(p)).where('pupil_id', '=', pupilId).orderBy('id').execute()
    const placements = await trx.selectFrom('placement').selectAll().where(placementScope(p)).where('pupil_id', '=', pupilId).orderBy('id').execute()
    const calendar = await calendarForPupil(trx, pupil)
    const today = todayIn(clock)
    for (const r of referrals) {
      add({ date: r.submitted_on, kind: 'REFERRAL_SUBMITTED', referralId: r.id, placementId: null, tier: r.requested_tier, detail: `Referral for Tier ${r.requested_tier} (${r.legal_basis})` })
      if (r.decided_at) add({ date: londonDate(r.decided_at), kind: `REFERRAL_${r.status}`, referralId: r.id, placementId: null, tier: r.requested_tier, detail: r.decision_reason ?? r.status.toLowerCase() })
      const exclusions = r.exclusions.map((e) => ({ kind: e.kind, firstDay: e.firstDay, lengthSchoolDays: e.lengthSchoolDays ?? null }))
      const start = placements.filter((pl) => pl.referral_id === r.id && pl.status !== 'CANCELLED' && isFullTime(pl)).map((pl) => pl.start_date)[0] ?? null
      for (const c of sixthDayClocks(calendar, exclusions, start, today)) {
        add({ date: c.deadline, kind: 'CLOCK_DEADLINE', referralId: r.id, placementId: null, tier: null, detail: `${c.kind}: ${c.status}${c.metOn ? ` (provision from ${c.metOn})` : ''}` })
      }
    }
    const ids = placements.map((pl) => pl.id)
    const placementEvents = ids.length === 0 ? [] : await trx.selectFrom('placement_event').selectAll().where('placement_id', 'in', ids).orderBy('id').execute()
    for (const e of placementEvents) {
      const pl = placements.find((x) => x.id === e.placement_id)!
      const next = placements.find((x) => x.previous_placement_id === pl.id)
      const detail = e.event === 'ESCALATED' || e.event === 'STEPPED_DOWN'
        ? `Tier ${pl.tier} placement ended; continues as Tier ${next?.tier ?? '?'} placement ${next?.id ?? ''}`.trim()
        : e.event === 'PLANNED' ? `Tier ${pl.tier} placement with provider ${pl.provider_id} from ${pl.start_date}` : (e.reason ?? e.event.toLowerCase())
      add({ date: e.on_date, kind: `PLACEMENT_${e.event}`, referralId: pl.referral_id, placementId: pl.id, tier: pl.tier, detail })
    }
    const reviews = ids.length === 0 ? [] : await trx.selectFrom('review').select(['id', 'placement_id', 'held_on', 'decision', 'extension_new_end']).where('placement_id', 'in', ids).orderBy('held_on').orderBy('id').execute()
    for (const r of reviews) {
      const pl = placements.find((x) => x.id === r.placement_id)!
      add({ date: r.held_on, kind: 'REVIEW_HELD', referralId: pl.referral_id, placementId: pl.id, tier: pl.tier, detail: `Review: ${r.decision}${r.extension_new_end ? ` to ${r.extension_new_end}` : ''}` })
    }
    events.sort((a, b) => a.date.localeCompare(b.date) || a.seq - b.seq)
    await writeAudit(trx, actor, [{ action: 'read', entity: 'pupil_journey', entityId: pupilId, pupilId, pupilLaCode: pupil.home_la_code }])
    return { pupilId, events: events.map(({ seq: _seq, ...e }) => e) }
  })
}

export const journeyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(JourneyEvent)
  app.addSchema(Journey)
  app.get('/pupils/:id/journey', {
    config: { access: ['coordinator', 'school', 'provider'] },
    schema: {
      tags: ['pupils'], operationId: 'getPupilJourney', summary: 'A pupil\'s chronology: referrals, placements, tier moves and statutory clocks',
      params: Type.Object({ id: Id }), response: { 200: ref(Journey) }
    }
  }, async (request) => pupilJourney(app.db, actorOf(request), request.params.id, app.clock))
}
