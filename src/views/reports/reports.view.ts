import type { Kysely } from 'kysely'
import type { Principal } from '../../platform/auth/principal.js'
import { type AssessmentPoint, isStandardPass, progressBySubject } from '../../domain/attainment.js'
import { addMarks, attendanceSummary, countMarks } from '../../domain/attendance.js'
import { parseAcademicYear } from '../../domain/calendar.js'
import { isReintegration, NOT_PARTICIPATING } from '../../domain/outcomes.js'
import { academicYearStart, ncYear } from '../../domain/school-year.js'
import { type Measure, shown, type ShownMeasure, suppressFamily, suppressMeasure } from '../../domain/suppression.js'
import type { DB } from '../../db/schema.js'
import { fieldError, forbidden, notFound } from '../../platform/errors.js'
import { type Clock, todayIn } from '../../platform/time.js'
import { type Actor, writeAudit } from '../../db/audit.js'
import { registrationChecks } from '../registration/registration.view.js'
import { policyFor } from '../../modules/local-authorities/index.js'
import { laClockBreaches } from '../worklist/worklist.view.js'
import * as repo from './reports.repository.js'
import {
  type ComplianceReport,
  DEFINITIONS,
  type Grouping,
  MEASURES,
  type MeasureName,
  type OutcomesReport,
  type OutcomesReportQuery
} from './reports.schemas.js'

type Counts = Record<MeasureName, Measure>
const emptyCounts = (): Counts =>
  Object.fromEntries(MEASURES.map((m) => [m, { numerator: 0, denominator: 0 }])) as Counts

/** The academic year a report covers, from YYYY-YY; 400 naming the rule for a malformed or future year. */
export function reportYear(label: string, today: string): { start: number; from: string; to: string } {
  const start = parseAcademicYear(label)
  if (start === undefined)
    throw fieldError(
      '/querystring/academicYear',
      'academic_year_format',
      `/querystring/academicYear must be YYYY-YY of consecutive years, e.g. 2025-26; got ${label}`
    )
  if (start > academicYearStart(today))
    throw fieldError(
      '/querystring/academicYear',
      'future_year',
      `/querystring/academicYear ${label} has not started yet`
    )
  return { start, from: `${start}-09-01`, to: `${start + 1}-08-31` }
}

/** The LA's reports are its own: another LA's code answers 404, as every record outside the caller's scope. */
const ownLa = (p: Principal, code: string) => {
  if (code !== p.laCode) throw notFound('local_authority')
}

/**
 * The five national AP outcomes for one LA and academic year (domain.md §1.3, §9.8), optionally grouped, with
 * small-number suppression in the published view. Each placement is counted once per measure it qualifies for.
 */
export async function outcomesReport(
  db: Kysely<DB>,
  actor: Actor,
  code: string,
  q: OutcomesReportQuery,
  today: string
): Promise<OutcomesReport> {
  const p = actor.principal
  ownLa(p, code)
  const { start, from, to } = reportYear(q.academicYear, today)
  const view = q.view ?? 'published'
  if (view === 'internal' && p.role !== 'la_admin') {
    throw forbidden(
      'internal_view_la_admin_only',
      'Only an LA administrator may see unsuppressed figures (view=internal)',
      [
        {
          path: '/querystring/view',
          code: 'internal_view_la_admin_only',
          message: '/querystring/view internal needs the la_admin role'
        }
      ]
    )
  }
  {
    // Read-only: the reads run side by side on the pool (not one transaction's connection); the audit row follows.
    const trx = db
    // The LA's placements running at some point in the year (cancelled ones never ran).
    const [{ placements, followUps, marks, assessments, results }, policy] = await Promise.all([
      repo.yearRows(trx, code, { start, from, to }),
      policyFor(trx, code)
    ])
    const byPlacement = <T extends { placement_id: string }>(rows: T[]) => {
      const map = new Map<string, T[]>()
      for (const r of rows) {
        const list = map.get(r.placement_id)
        if (list) list.push(r)
        else map.set(r.placement_id, [r])
      }
      return map
    }
    const checks = byPlacement(followUps)
    const markRows = byPlacement(marks)
    const points = byPlacement(assessments)
    const gcse = byPlacement(results)

    const keyOf = (r: (typeof placements)[number], g: Grouping | undefined): string => {
      switch (g) {
        case 'tier':
          return `Tier ${r.tier}`
        case 'provider':
          return r.provider_id
        case 'school':
          return r.commissioner_school_id ?? r.home_school_id ?? 'none'
        case 'sen':
          return r.sen_provision
        case 'fsm':
          return r.fsm_eligible ? 'FSM' : 'not FSM'
        case 'looked_after':
          return r.looked_after ? 'looked after' : 'not looked after'
        case 'sex':
          return r.sex
        case 'nc_year':
          return `Year ${r.nc_year_override ?? ncYear(r.date_of_birth, from)}`
        case 'ethnicity':
          return r.ethnicity
        case undefined:
          return 'all'
      }
    }
    const groups = new Map<string, Counts>()
    const total = emptyCounts()
    const inYearDate = (d: string | null) => d !== null && d >= from && d <= to
    for (const r of placements) {
      const key = keyOf(r, q.groupBy)
      let g = groups.get(key)
      if (!g) {
        g = emptyCounts()
        groups.set(key, g)
      }
      const count = (m: MeasureName, met: boolean) => {
        for (const c of [g!, total]) {
          c[m].denominator++
          if (met) c[m].numerator++
        }
      }
      const check = (cp: string) => checks.get(r.id)?.find((f) => f.checkpoint === cp)
      const closedInYear = inYearDate(r.effective_date)
      if (r.tier === 1 && closedInYear && r.outcome && isReintegration(r.outcome)) {
        const one = check('ONE_TERM')
        const two = check('TWO_TERMS')
        if (one) count('outreachHeldOneTerm', one.met === true)
        if (two) count('outreachHeldTwoTerms', two.met === true)
      }
      if (r.tier >= 2 && r.baseline_attendance_pct !== null) {
        const counts = countMarks([])
        for (const m of markRows.get(r.id) ?? []) addMarks(counts, m.code, Number(m.n))
        const summary = attendanceSummary(counts, Number(r.baseline_attendance_pct))
        if (summary.attendancePct !== null) {
          // Compared on the exact rate, as the absence flags are; the figure shown is rounded.
          count(
            'attendanceImproved',
            (summary.attendedSessions / summary.scheduledSessions) * 100 > Number(r.baseline_attendance_pct)
          )
          if (Number(r.baseline_attendance_pct) < 90) count('leftPersistentAbsence', !summary.persistentAbsence)
        }
      }
      if (r.tier === 2 && closedInYear && r.outcome) {
        count('reintegrated', isReintegration(r.outcome))
        const two = check('TWO_TERMS')
        if (isReintegration(r.outcome) && two) count('reintegrationSustainedTwoTerms', two.met === true)
      }
      const progress = progressBySubject(
        (points.get(r.id) ?? []).map((a): AssessmentPoint => ({
          subject: a.subject,
          stage: a.stage,
          assessedOn: a.assessed_on,
          scale: a.scale,
          scaleName: a.scale_name,
          scaleMin: Number(a.scale_min),
          scaleMax: Number(a.scale_max),
          score: Number(a.score)
        }))
      )
      for (const pr of progress) {
        if (pr.change !== null && pr.latest && inYearDate(pr.latest.assessedOn))
          count(pr.subject === 'ENGLISH' ? 'englishImproved' : 'mathsImproved', pr.change > 0)
      }
      for (const result of gcse.get(r.id) ?? [])
        count(result.subject === 'ENGLISH' ? 'englishGrade4' : 'mathsGrade4', isStandardPass(result))
      if (r.outcome === 'POST16_TRANSITION' && closedInYear && r.destination) {
        const d = r.destination
        count('post16Destination', !NOT_PARTICIPATING.includes(d))
        count('post16Neet', d === 'NEET_SEEKING' || d === 'NEET_NOT_AVAILABLE')
        count('post16NotKnown', d === 'NOT_KNOWN' || d === 'MOVED_AWAY')
        const march = check('POST16_MARCH')
        if (march) count('post16Sustained', march.met === true)
      }
    }

    const keys = [...groups.keys()].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    const threshold = policy.small_number_threshold
    const shownGroups = keys.map((key) => ({ key, measures: {} as OutcomesReport['total'] }))
    const shownTotal = {} as OutcomesReport['total']
    // Post-16 destination, NEET and not known partition the same transitions: they are withheld together.
    const family: MeasureName[] = ['post16Destination', 'post16Neet', 'post16NotKnown']
    const put = (m: MeasureName, result: { groups: ShownMeasure[]; total: ShownMeasure }) => {
      result.groups.forEach((cell, i) => {
        shownGroups[i]!.measures[m] = cell
      })
      shownTotal[m] = result.total
    }
    for (const m of MEASURES) {
      if (view === 'internal') put(m, { groups: keys.map((key) => shown(groups.get(key)![m])), total: shown(total[m]) })
      else if (!family.includes(m))
        put(
          m,
          suppressMeasure(
            keys.map((key) => groups.get(key)![m]),
            total[m],
            threshold
          )
        )
    }
    if (view === 'published') {
      const results = suppressFamily(
        family.map((m) => ({ groups: keys.map((key) => groups.get(key)![m]), total: total[m] })),
        threshold
      )
      family.forEach((m, i) => put(m, results[i]!))
    }
    await writeAudit(trx, actor, [
      {
        action: 'export',
        entity: 'report_outcomes',
        entityId: `${code}:${q.academicYear}`,
        changedFields: [`view:${view}`, `groupBy:${q.groupBy ?? 'none'}`]
      }
    ])
    return {
      laCode: code,
      academicYear: q.academicYear,
      from,
      to,
      view,
      suppressionThreshold: view === 'published' ? threshold : null,
      groupBy: q.groupBy ?? null,
      definitions: DEFINITIONS,
      groups: q.groupBy ? shownGroups : [],
      total: shownTotal
    }
  }
}

const RULES: Record<ComplianceReport['checks'][number]['kind'], string> = {
  REVIEW_OVERDUE: 'Active placements whose next review date has passed (reviews at least half-termly).',
  NO_OBJECTIVES_OR_PLAN:
    'Open placements without objectives, or Tier 2 without a reintegration plan, or Tier 3 without a transition plan.',
  NO_BASELINE: 'Open Tier 2 and 3 placements without a pre-referral attendance baseline.',
  SIXTH_DAY_BREACHED: 'Exclusions whose full-time provision did not start by the sixth school day.',
  OFF_SITE_NOTICE_LATE:
    'Off-site directions whose written notice to the parent (and the LA, for a pupil with an EHC plan) was not ' +
    'given 2 school days ahead.',
  PART_TIME_TIMETABLE: 'Open placements below 10 sessions a week across provider and home school.',
  PROVIDER_OVER_REGISTRATION_THRESHOLD:
    'Unregistered providers teaching 5 or more pupils full time, or one looked-after or with an EHC plan.',
  SAFEGUARDING_NOT_CONFIRMED: 'Unregistered providers with no recorded safeguarding confirmation.',
  NOT_NOTIFIED_TO_LA: 'School-commissioned placements the LA was not told of.',
  OUTCOME_MISSING: 'Active or paused placements past their planned end without an outcome.',
  FOLLOW_UP_OVERDUE: 'Outcome follow-up checks past their due date.'
}

/** The LA's compliance checks as of today: a count and the records behind each (no pupil identity). */
export async function complianceReport(
  db: Kysely<DB>,
  actor: Actor,
  code: string,
  clock: Clock
): Promise<ComplianceReport> {
  const p = actor.principal
  const today = todayIn(clock)
  ownLa(p, code)
  return db.transaction().execute(async (trx) => {
    const item = (
      r: { id: string; provider_id: string; commissioner_school_id: string | null },
      since: string | null,
      detail: string
    ) => ({
      placementId: r.id,
      referralId: null,
      providerId: r.provider_id,
      schoolId: r.commissioner_school_id,
      since,
      detail
    })
    const { overdue, noPlan, noBaseline, partTime, notNotified, missing, followUps, providers } =
      await repo.complianceRows(trx, code, today)
    // Statutory clocks run on each pupil's calendar: the worklist's computation, over the LA's records.
    const clocks = await laClockBreaches(trx, code, today)
    const thresholds = await registrationChecks(trx, { laCode: code }, today)
    const checks: ComplianceReport['checks'] = [
      {
        kind: 'REVIEW_OVERDUE',
        items: overdue.map((r) => item(r, r.next_review_due_on, `review due ${r.next_review_due_on}`))
      },
      { kind: 'NO_OBJECTIVES_OR_PLAN', items: noPlan.map((r) => item(r, null, `Tier ${r.tier} plan incomplete`)) },
      { kind: 'NO_BASELINE', items: noBaseline.map((r) => item(r, r.start_date, 'no attendance baseline')) },
      {
        kind: 'SIXTH_DAY_BREACHED',
        items: clocks
          .filter((c) => c.referralId !== null)
          .map((c) => ({
            placementId: null,
            referralId: c.referralId,
            providerId: null,
            schoolId: c.schoolId,
            since: c.dueDate,
            detail: c.detail
          }))
      },
      {
        kind: 'OFF_SITE_NOTICE_LATE',
        items: clocks
          .filter((c) => c.placementId !== null)
          .map((c) => ({
            placementId: c.placementId,
            referralId: null,
            providerId: c.providerId,
            schoolId: c.schoolId,
            since: c.dueDate,
            detail: c.detail
          }))
      },
      {
        kind: 'PART_TIME_TIMETABLE',
        items: partTime.map((r) =>
          item(
            r,
            null,
            `${r.sessions_at_provider + r.sessions_at_home_school} sessions a week; ` +
              `plan ends ${r.part_time_plan_end_date ?? 'not set'}`
          )
        )
      },
      {
        kind: 'PROVIDER_OVER_REGISTRATION_THRESHOLD',
        items: thresholds
          .filter((c) => c.flagged)
          .map((c) => ({
            placementId: null,
            referralId: null,
            providerId: c.providerId,
            schoolId: null,
            since: null,
            detail:
              `${c.fullTimePupils} full-time pupils, ` +
              `${c.fullTimeLookedAfterOrEhcp} looked after or with an EHC plan`
          }))
      },
      {
        kind: 'SAFEGUARDING_NOT_CONFIRMED',
        items: providers
          .filter((r) => r.registration_status === 'UNREGISTERED' && r.safeguarding_confirmed_on === null)
          .map((r) => ({
            placementId: null,
            referralId: null,
            providerId: r.id,
            schoolId: null,
            since: null,
            detail: r.name
          }))
      },
      {
        kind: 'NOT_NOTIFIED_TO_LA',
        items: notNotified.map((r) => item(r, r.start_date, 'LA not told of the placement'))
      },
      {
        kind: 'OUTCOME_MISSING',
        items: missing.map((r) =>
          item(r, r.planned_end_date, `planned end ${r.planned_end_date} passed without an outcome`)
        )
      },
      {
        kind: 'FOLLOW_UP_OVERDUE',
        items: followUps.map((r) => item(r, r.due_on, `${r.checkpoint} check due ${r.due_on}`))
      }
    ].map((c) => ({
      ...c,
      kind: c.kind as ComplianceReport['checks'][number]['kind'],
      rule: RULES[c.kind as keyof typeof RULES],
      count: c.items.length
    }))
    await writeAudit(trx, actor, [{ action: 'export', entity: 'report_compliance', entityId: code }])
    return { laCode: code, asOf: today, checks }
  })
}
