import type { Kysely } from 'kysely'
import { DateTime } from 'luxon'
import { type Static, Type } from 'typebox'
import { sixthDayClocks } from '../../domain/clocks.js'
import { isFullTime } from '../../domain/placements.js'
import type { DB } from '../../db/schema.js'
import { notFound } from '../../platform/errors.js'
import { Id, Tier, Timestamp } from '../../platform/schemas.js'
import { type Clock, toIso, todayIn } from '../../platform/time.js'
import { type Actor, writeAudit } from '../../db/audit.js'
import * as repo from './journey.repository.js'
import { attendanceSummary } from '../../domain/attendance.js'
import { sustainedStatus } from '../../domain/outcomes.js'
import { attendanceRepository } from '../../modules/attendance/index.js'
import { policyFor } from '../../modules/local-authorities/index.js'
import { calendarForPupil } from '../../modules/pupils/index.js'

export const JourneyEvent = Type.Object(
  {
    occurredOn: Type.String({
      format: 'date',
      pattern: '^(19|20)[0-9]{2}-',
      description:
        "When it happened (its effective date): a referral when received, a placement's start when it began, a " +
        'review when held, an outcome when it took effect. The journey is in this order.'
    }),
    recordedAt: Timestamp,
    date: Type.String({
      format: 'date',
      pattern: '^(19|20)[0-9]{2}-',
      description: 'Deprecated: the same as occurredOn.'
    }),
    kind: Type.String({
      description:
        'REFERRAL_SUBMITTED, REFERRAL_ACCEPTED, REFERRAL_DECLINED, REFERRAL_WITHDRAWN, PLACEMENT_PLANNED, ' +
        'PLACEMENT_ACTIVATED, PLACEMENT_PAUSED, PLACEMENT_RESUMED, PLACEMENT_CANCELLED, PLACEMENT_ESCALATED, ' +
        'PLACEMENT_STEPPED_DOWN, PLACEMENT_ENDED (with its outcome), PLACEMENT_OUTCOME_CORRECTED, REVIEW_HELD, ' +
        'CLOCK_DEADLINE, FOLLOW_UP_RECORDED, FOLLOW_UP_DUE, ASSESSMENT, QUALIFICATION_RESULT, ATTENDANCE (the ' +
        "placement's attendance to date, on its last marked day)"
    }),
    referralId: Type.Union([Id, Type.Null()]),
    placementId: Type.Union([Id, Type.Null()]),
    tier: Type.Union([Tier, Type.Null()]),
    detail: Type.String()
  },
  { $id: 'JourneyEvent', additionalProperties: false }
)
type JourneyEvent = Static<typeof JourneyEvent>

export const Journey = Type.Object(
  {
    pupilId: Id,
    events: Type.Array(JourneyEvent, {
      description:
        'Ordered by occurredOn, then by recordedAt: a case entered after the event reads in the order things ' +
        'happened, not the order they were typed in.'
    })
  },
  { $id: 'Journey', additionalProperties: false }
)

const londonDate = (d: Date) => DateTime.fromJSDate(d).setZone('Europe/London').toISODate()!
type Added = Omit<JourneyEvent, 'occurredOn' | 'recordedAt' | 'date'> & { occurredOn: string; recordedAt: Date }
const earlier = (a: string, b: string | undefined) => (b !== undefined && b < a ? b : a)

/**
 * A pupil's chronology across referrals, placements, tier moves and statutory clocks, limited to what the caller
 * may see.
 */
export async function pupilJourney(db: Kysely<DB>, actor: Actor, pupilId: string, clock: Clock) {
  return db.transaction().execute(async (trx) => {
    const p = actor.principal
    const pupil = await repo.pupilInScope(trx, p, pupilId)
    if (!pupil) throw notFound('pupil')
    const events: (Added & { seq: number })[] = []
    let seq = 0
    const add = (e: Added) => events.push({ ...e, seq: seq++ })
    const referrals = await repo.referralsInScope(trx, p, pupilId)
    const placements = await repo.placementsInScope(trx, p, pupilId)
    const today = todayIn(clock)
    // The sixth-day duty's Year 11 exemption needs each deciding LA's end of examinations.
    const [calendar, policies] = await Promise.all([
      calendarForPupil(trx, pupil),
      Promise.all([...new Set(referrals.map((r) => r.la_code))].map((la) => policyFor(trx, la)))
    ])
    const examsEnd = new Map(policies.map((policy) => [policy.la_code, policy.year11_exams_end]))
    for (const r of referrals) {
      add({
        occurredOn: r.received_on,
        recordedAt: r.created_at,
        kind: 'REFERRAL_SUBMITTED',
        referralId: r.id,
        placementId: null,
        tier: r.requested_tier,
        detail:
          `Referral for Tier ${r.requested_tier} (${r.legal_basis})` +
          (r.received_on < r.submitted_on ? `, received ${r.received_on}, recorded ${r.submitted_on}` : '')
      })
      // A referral entered after the event was accepted by the time its placement started,
      // whenever the decision was typed in.
      const firstStart = placements
        .filter((pl) => pl.referral_id === r.id)
        .map((pl) => pl.start_date)
        .sort()[0]
      if (r.decided_at)
        add({
          occurredOn:
            r.status === 'ACCEPTED' ? earlier(londonDate(r.decided_at), firstStart) : londonDate(r.decided_at),
          recordedAt: r.updated_at,
          kind: `REFERRAL_${r.status}`,
          referralId: r.id,
          placementId: null,
          tier: r.requested_tier,
          detail: r.decision_reason ?? r.status.toLowerCase()
        })
      const start =
        placements
          .filter((pl) => pl.referral_id === r.id && pl.status !== 'CANCELLED' && isFullTime(pl))
          .map((pl) => pl.start_date)[0] ?? null
      const year11 = {
        dateOfBirth: pupil.date_of_birth,
        ncYearOverride: pupil.nc_year_override,
        examsEnd: examsEnd.get(r.la_code) ?? null,
        today
      }
      for (const c of sixthDayClocks(calendar, r.exclusions, start, today, year11)) {
        add({
          occurredOn: c.deadline,
          recordedAt: r.created_at,
          kind: 'CLOCK_DEADLINE',
          referralId: r.id,
          placementId: null,
          tier: null,
          detail: `${c.kind}: ${c.status}${c.metOn ? ` (provision from ${c.metOn})` : ''}`
        })
      }
    }
    const ids = placements.map((pl) => pl.id)
    const placementEvents = await repo.placementEvents(trx, ids)
    for (const e of placementEvents) {
      const pl = placements.find((x) => x.id === e.placement_id)!
      const next = placements.find((x) => x.previous_placement_id === pl.id)
      const detail =
        e.event === 'ESCALATED' || e.event === 'STEPPED_DOWN'
          ? `Tier ${pl.tier} placement ended; continues as Tier ${next?.tier ?? '?'} placement ${next?.id ?? ''}`.trim()
          : e.event === 'PLANNED'
            ? `Tier ${pl.tier} placement with provider ${pl.provider_id} from ${pl.start_date}`
            : (e.reason ?? e.event.toLowerCase())
      // A placement begins on its start date: planned by then, and running from then however late it was entered.
      const occurredOn =
        e.event === 'ACTIVATED' ? pl.start_date : e.event === 'PLANNED' ? earlier(e.on_date, pl.start_date) : e.on_date
      add({
        occurredOn,
        recordedAt: e.at,
        kind: `PLACEMENT_${e.event}`,
        referralId: pl.referral_id,
        placementId: pl.id,
        tier: pl.tier,
        detail
      })
    }
    const reviews = await repo.reviews(trx, ids)
    for (const r of reviews) {
      const pl = placements.find((x) => x.id === r.placement_id)!
      add({
        occurredOn: r.held_on,
        recordedAt: r.created_at,
        kind: 'REVIEW_HELD',
        referralId: pl.referral_id,
        placementId: pl.id,
        tier: pl.tier,
        detail: `Review: ${r.decision}${r.extension_new_end ? ` to ${r.extension_new_end}` : ''}`
      })
    }
    if (ids.length > 0) {
      const [outcomes, followUps, assessments, qualifications, marks] = await Promise.all([
        repo.outcomes(trx, ids),
        repo.liveFollowUps(trx, ids),
        repo.assessments(trx, ids),
        repo.qualifications(trx, ids),
        attendanceRepository.marksByPlacement(trx, ids, today)
      ])
      const sustained = new Map(
        placements
          .filter((pl) => pl.outcome_id)
          .map((pl) => {
            const o = outcomes.find((x) => x.id === pl.outcome_id)!
            return [
              pl.id,
              sustainedStatus(
                o.code,
                followUps.filter((f) => f.placement_id === pl.id)
              )
            ]
          })
      )
      for (const e of events) {
        if (e.kind === 'PLACEMENT_ENDED' && e.placementId && sustained.get(e.placementId))
          e.detail = `Outcome ${e.detail}: ${sustained.get(e.placementId)!.toLowerCase().replace('_', ' ')}`
      }
      for (const f of followUps) {
        const pl = placements.find((x) => x.id === f.placement_id)!
        if (f.status === 'RECORDED')
          add({
            occurredOn: f.recorded_on!,
            recordedAt: f.created_at,
            kind: 'FOLLOW_UP_RECORDED',
            referralId: pl.referral_id,
            placementId: pl.id,
            tier: pl.tier,
            detail: `${f.checkpoint}: ${f.met ? 'held' : `not held (${f.not_met_reasons.join('; ')})`}`
          })
        else
          add({
            occurredOn: f.due_on,
            recordedAt: f.created_at,
            kind: 'FOLLOW_UP_DUE',
            referralId: pl.referral_id,
            placementId: pl.id,
            tier: pl.tier,
            detail: `${f.checkpoint} check opens ${f.opens_on}${f.due_on < today ? ', overdue' : ''}`
          })
      }
      for (const a of assessments) {
        const pl = placements.find((x) => x.id === a.placement_id)!
        add({
          occurredOn: a.assessed_on,
          recordedAt: a.created_at,
          kind: 'ASSESSMENT',
          referralId: pl.referral_id,
          placementId: pl.id,
          tier: pl.tier,
          detail: `${a.subject} ${a.stage}: ${Number(a.score)} (${a.scale_name ?? a.scale})`
        })
      }
      for (const q of qualifications) {
        const pl = placements.find((x) => x.id === q.placement_id)!
        add({
          occurredOn: q.awarded_on,
          recordedAt: q.created_at,
          kind: 'QUALIFICATION_RESULT',
          referralId: pl.referral_id,
          placementId: pl.id,
          tier: pl.tier,
          detail: `${q.subject} ${q.qualification}${q.level ? ` ${q.level}` : ''}: ${q.grade}`
        })
      }
      const lastMarked = await repo.lastMarked(trx, ids)
      for (const l of lastMarked) {
        const pl = placements.find((x) => x.id === l.placement_id)!
        const summary = attendanceSummary(marks.get(pl.id)!.counts, null)
        const baseline = pl.baseline_attendance_pct
        const change =
          baseline == null || summary.attendancePct === null
            ? ''
            : `, ${summary.attendancePct - Number(baseline) >= 0 ? '+' : ''}` +
              `${Math.round((summary.attendancePct - Number(baseline)) * 10) / 10} points ` +
              `on the ${Number(baseline)}% baseline`
        add({
          occurredOn: l.last as string,
          recordedAt: new Date(l.recorded as string | Date),
          kind: 'ATTENDANCE',
          referralId: pl.referral_id,
          placementId: pl.id,
          tier: pl.tier,
          detail:
            `Attendance ${summary.attendancePct ?? '–'}% over ${summary.scheduledSessions} scheduled sessions` + change
        })
      }
    }
    events.sort(
      (a, b) =>
        a.occurredOn.localeCompare(b.occurredOn) || a.recordedAt.getTime() - b.recordedAt.getTime() || a.seq - b.seq
    )
    await writeAudit(trx, actor, [
      { action: 'read', entity: 'pupil_journey', entityId: pupilId, pupilId, pupilLaCode: pupil.home_la_code }
    ])
    return {
      pupilId,
      events: events.map(({ seq: _seq, occurredOn, recordedAt, ...e }) => ({
        occurredOn,
        recordedAt: toIso(recordedAt),
        date: occurredOn,
        ...e
      }))
    }
  })
}
