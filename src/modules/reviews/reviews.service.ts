import type { Kysely } from 'kysely'
import { DateTime } from 'luxon'
import type { Principal } from '../../platform/auth/principal.js'
import type { DB, PlacementRow, ReviewRow } from '../../db/schema.js'
import { extensionRefusal, nextReviewRefusal, reviewRefusal } from '../../domain/reviews.js'
import { conflict, invalid, notFound, refuseIf, ruleFailed, unprocessable } from '../../platform/errors.js'
import { type Clock, systemClock, toIso, todayIn } from '../../platform/time.js'
import { type Actor, writeAudit } from '../../db/audit.js'
import { attendanceRepository } from '../attendance/index.js'
import { placementsRepository } from '../placements/index.js'
import { policyFor } from '../local-authorities/index.js'
import { calendarForPupil } from '../pupils/index.js'
import type { CreateReview, Review } from './reviews.schemas.js'
import * as repo from './reviews.repository.js'
import { refreshSchedule, scheduleFor } from './reviews.repository.js'

export const toReview = (r: ReviewRow): Review => ({
  id: r.id,
  placementId: r.placement_id,
  heldOn: r.held_on,
  attendees: r.attendees,
  parentViews: r.parent_views,
  parentViewsMissingReason: r.parent_views_missing_reason,
  pupilViews: r.pupil_views,
  pupilViewsMissingReason: r.pupil_views_missing_reason,
  attendanceSinceLastPct: r.attendance_since_last_pct === null ? null : Number(r.attendance_since_last_pct),
  attendanceSource: r.attendance_source,
  objectives: r.objectives,
  decision: r.decision,
  extensionNewEnd: r.extension_new_end,
  extensionReasons: r.extension_reasons,
  nextReviewOn: r.next_review_on,
  schoolView: r.school_view,
  recordedBy: r.recorded_by,
  createdAt: toIso(r.created_at)
})

/** Off-site direction review requests: declined when a review was held in the 10 weeks before the request. */
export const REQUEST_LOOKBACK_WEEKS = 10
export const REQUEST_RESPONSE_SCHOOL_DAYS = 10

export class ReviewsService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock = systemClock
  ) {}

  #today(): string {
    return todayIn(this.clock)
  }

  #placement(db: Kysely<DB>, p: Principal, id: string, lock = false): Promise<PlacementRow> {
    return placementsRepository.findInScope(db, p, id, { lock })
  }

  async list(actor: Actor, placementId: string) {
    return this.db.transaction().execute(async (trx) => {
      const placement = await this.#placement(trx, actor.principal, placementId)
      const rows = await repo.reviewsOf(trx, placementId)
      await writeAudit(trx, actor, [
        {
          action: 'list',
          entity: 'review',
          entityId: placementId,
          pupilId: placement.pupil_id,
          pupilLaCode: placement.pupil_home_la_code
        }
      ])
      return { results: rows.map(toReview) }
    })
  }

  /** One review of a placement the caller can see; another placement's review answers 404. */
  async get(actor: Actor, placementId: string, reviewId: string) {
    return this.db.transaction().execute(async (trx) => {
      const placement = await this.#placement(trx, actor.principal, placementId)
      const row = await repo.findOf(trx, placementId, reviewId)
      if (!row) throw notFound('review')
      await writeAudit(trx, actor, [
        {
          action: 'read',
          entity: 'review',
          entityId: reviewId,
          pupilId: placement.pupil_id,
          pupilLaCode: placement.pupil_home_la_code
        }
      ])
      return toReview(row)
    })
  }

  /**
   * Records a review held by the commissioner and provider. Checks its date against the placement, the views,
   * the progress on every objective, the next review date against the schedule, and an extension against the
   * LA's tier limit and approvals; then moves the planned end, meets open review requests and reschedules.
   */
  async hold(actor: Actor, placementId: string, input: CreateReview) {
    const today = this.#today()
    return this.db.transaction().execute(async (trx) => {
      const placement = await this.#placement(trx, actor.principal, placementId, true)
      refuseIf(
        reviewRefusal({
          placement: {
            id: placementId,
            status: placement.status,
            startDate: placement.start_date,
            endDate: placement.end_date,
            objectiveCount: placement.plan.objectives.length
          },
          review: input,
          today
        })
      )
      // The latest date the next review may be: the schedule with this review counted.
      const after = await scheduleFor(trx, { ...placement, status: 'ACTIVE' }, input.heldOn)
      refuseIf(nextReviewRefusal(input.nextReviewOn, after))

      let extension: { newEnd: string } | undefined
      if (input.decision === 'EXTEND' && input.extension) {
        const newEnd = input.extension.newPlannedEnd
        const policy = await policyFor(trx, placement.la_code)
        const limits = [policy.tier1_max_school_weeks, policy.tier2_max_school_weeks, policy.tier3_max_school_weeks]
        const [calendar, approvedUpTo] = await Promise.all([
          calendarForPupil(trx, await placementsRepository.pupilOf(trx, placement.pupil_id)),
          repo.approvalsOf(trx, placementId)
        ])
        refuseIf(
          extensionRefusal(
            {
              tier: placement.tier,
              startDate: placement.start_date,
              plannedEndDate: placement.planned_end_date,
              nextReviewDueOn: placement.next_review_due_on,
              heldOn: input.heldOn,
              newEnd,
              limitSchoolWeeks: limits[placement.tier - 1] ?? null,
              approvedUpTo
            },
            calendar
          )
        )
        extension = { newEnd }
      }

      // Attendance since the last review comes from the provider's marks when it keeps them; else as entered.
      const previous = await repo.lastHeldBefore(trx, placementId, input.heldOn)
      const recorded = await attendanceRepository.attendanceSince(trx, placementId, previous, input.heldOn)
      const review = await repo.insert(trx, {
        placement_id: placementId,
        held_on: input.heldOn,
        attendees: JSON.stringify(input.attendees),
        parent_views: input.parentViews ?? null,
        parent_views_missing_reason: input.parentViews ? null : (input.parentViewsMissingReason ?? null),
        pupil_views: input.pupilViews ?? null,
        pupil_views_missing_reason: input.pupilViews ? null : (input.pupilViewsMissingReason ?? null),
        attendance_since_last_pct: recorded ?? input.attendanceSinceLastPct ?? null,
        attendance_source:
          recorded !== null ? 'RECORDED' : input.attendanceSinceLastPct !== undefined ? 'ENTERED' : 'NONE',
        objectives: JSON.stringify(input.objectives),
        decision: input.decision,
        extension_new_end: extension?.newEnd ?? null,
        extension_reasons: input.extension?.reasons ?? null,
        next_review_on: input.nextReviewOn ?? null,
        recorded_by: actor.principal.subject
      })
      if (extension) await placementsRepository.extend(trx, placementId, extension.newEnd)
      await repo.meetRequests(trx, placementId, review.id, input.heldOn)
      await refreshSchedule(trx, placementId)
      await writeAudit(trx, actor, [
        {
          action: 'create',
          entity: 'review',
          entityId: review.id,
          pupilId: placement.pupil_id,
          pupilLaCode: placement.pupil_home_la_code,
          changedFields: Object.keys(input)
        }
      ])
      return toReview(review)
    })
  }

  async addSchoolView(actor: Actor, placementId: string, reviewId: string, view: string) {
    return this.db.transaction().execute(async (trx) => {
      const placement = await this.#placement(trx, actor.principal, placementId)
      const row = await repo.setSchoolView(trx, placementId, reviewId, view)
      if (!row) throw notFound('review')
      await writeAudit(trx, actor, [
        {
          action: 'update',
          entity: 'review',
          entityId: reviewId,
          pupilId: placement.pupil_id,
          pupilLaCode: placement.pupil_home_la_code,
          changedFields: ['schoolView']
        }
      ])
      return toReview(row)
    })
  }

  /** LA approval of extensions past the tier limit, up to a date (la_admin of the placement's LA). */
  async approveExtension(actor: Actor, placementId: string, upTo: string, reason: string) {
    return this.db.transaction().execute(async (trx) => {
      const placement = await placementsRepository.arrangedBy(trx, actor.principal.laCode, placementId)
      if (!placement) throw notFound('placement')
      if (placement.status === 'ENDED' || placement.status === 'CANCELLED')
        throw conflict('placement_closed', `The placement is ${placement.status}; there is nothing to extend`)
      if (upTo <= placement.start_date)
        ruleFailed([{ path: '/upTo', code: 'before_start', message: '/upTo must be after the placement start' }])
      const row = await repo.approveExtension(trx, {
        placement_id: placementId,
        up_to: upTo,
        reason,
        approved_by: actor.principal.subject
      })
      await writeAudit(trx, actor, [
        {
          action: 'create',
          entity: 'extension_approval',
          entityId: row.id,
          pupilId: placement.pupil_id,
          pupilLaCode: placement.pupil_home_la_code
        }
      ])
      return {
        id: row.id,
        placementId,
        upTo: row.up_to,
        reason: row.reason,
        approvedBy: row.approved_by,
        approvedAt: toIso(row.approved_at)
      }
    })
  }

  /**
   * A written request for a review of an off-site direction: due within 10 school days, unless a review was
   * held in the 10 weeks before the request, when it is recorded as declined with that reason.
   */
  async requestReview(actor: Actor, placementId: string, requestedBy: 'PARENT' | 'LA', receivedOn: string) {
    if (receivedOn > this.#today())
      invalid([{ path: '/receivedOn', code: 'date_in_future', message: '/receivedOn cannot be in the future' }])
    return this.db.transaction().execute(async (trx) => {
      const placement = await this.#placement(trx, actor.principal, placementId, true)
      if (placement.legal_basis !== 'OFF_SITE_DIRECTION_S29A') {
        throw unprocessable('not_off_site_direction', 'Review requests apply to off-site directions (s29A)', [
          { path: '/', code: 'not_off_site_direction', message: `placement ${placementId} is ${placement.legal_basis}` }
        ])
      }
      if (placement.status !== 'ACTIVE' && placement.status !== 'PAUSED')
        throw conflict('placement_not_running', `The placement is ${placement.status}`)
      if (receivedOn < placement.start_date)
        ruleFailed([
          {
            path: '/receivedOn',
            code: 'before_placement',
            message: `/receivedOn is before the placement started (${placement.start_date})`
          }
        ])
      const since = DateTime.fromISO(receivedOn).minus({ weeks: REQUEST_LOOKBACK_WEEKS }).toISODate()!
      const recent = await repo.latestBetween(trx, placementId, since, receivedOn)
      const pupil = await placementsRepository.pupilOf(trx, placement.pupil_id)
      const calendar = await calendarForPupil(trx, pupil)
      const row = await repo.insertRequest(trx, {
        placement_id: placementId,
        requested_by: requestedBy,
        received_on: receivedOn,
        status: recent ? 'DECLINED' : 'OPEN',
        due_on: recent ? null : calendar.addSchoolDays(receivedOn, REQUEST_RESPONSE_SCHOOL_DAYS),
        declined_reason: recent
          ? `A review was held on ${recent.held_on}, within the ${REQUEST_LOOKBACK_WEEKS} weeks ` +
            'before the request (reg 4A)'
          : null,
        recorded_by: actor.principal.subject
      })
      await writeAudit(trx, actor, [
        {
          action: 'create',
          entity: 'review_request',
          entityId: row.id,
          pupilId: placement.pupil_id,
          pupilLaCode: placement.pupil_home_la_code
        }
      ])
      return {
        id: row.id,
        placementId,
        requestedBy: row.requested_by,
        receivedOn: row.received_on,
        status: row.status,
        dueOn: row.due_on,
        declinedReason: row.declined_reason,
        metByReviewId: row.met_by_review_id
      }
    })
  }
}
