import type { Kysely } from 'kysely'
import { DateTime } from 'luxon'
import { buildApp } from '../app.js'
import { defaultConfig } from '../platform/config.js'
import type { DB } from '../db/schema.js'
import { issueToken } from '../modules/tokens/tokens.service.js'
import { systemClock, ZONE } from '../platform/time.js'

/*
 * The demo's living LA: referrals, placements in all three tiers at every stage, reviews, outcomes with
 * follow-ups, session marks and assessments for LA 919, all dated relative to today. Everything goes through the
 * API (app.inject on a clock moved back to the day each step happened), so the data obeys every rule the API
 * enforces; a step a rule refuses is reported and skipped rather than stopping the start. Runs once: only when
 * LA 919 has no referrals yet.
 */

export interface ActivityResult {
  referrals: number
  placements: number
  reviews: number
  outcomes: number
  marks: number
  assessments: number
  skipped: string[]
}

const objective = {
  description: 'Attend every timetabled session',
  baseline: '62% attendance',
  target: '90% attendance'
}

export async function seedDemoActivity(
  db: Kysely<DB>,
  ids: { schools: Map<string, string>; providers: { id: string; name: string }[] }
): Promise<ActivityResult> {
  const result: ActivityResult = {
    referrals: 0,
    placements: 0,
    reviews: 0,
    outcomes: 0,
    marks: 0,
    assessments: 0,
    skipped: []
  }
  const existing = await db.selectFrom('referral').select('id').where('la_code', '=', '919').limit(1).execute()
  if (existing.length > 0) return result

  const today = systemClock().startOf('day')
  const clock = { now: systemClock() }
  const app = await buildApp({
    db,
    config: defaultConfig({ RATE_LIMIT_MAX: 1_000_000_000, MAX_EVENT_LOOP_DELAY_MS: 0, TOKEN_CACHE_MS: 0 }),
    clock: () => clock.now
  })
  await app.ready()
  const tokenIds: string[] = []
  const token = async (
    role: 'la_admin' | 'coordinator' | 'school' | 'provider',
    org: { schoolId?: string; providerId?: string } = {}
  ) => {
    const { token, row } = await issueToken(db, {
      role,
      laCode: '919',
      schoolId: org.schoolId ?? null,
      providerId: org.providerId ?? null,
      label: `demo seed (${role}, revoked)`,
      createdBy: 'demo-seed',
      expiresAt: DateTime.utc().plus({ days: 1 }).toJSDate()
    })
    tokenIds.push(row.id)
    return { authorization: `Bearer ${token}` }
  }
  try {
    const coordinator = await token('coordinator')
    const esc = ids.providers[0]!
    const tuition = ids.providers.find((p) => p.name.startsWith('Next Step'))!
    const pathways = ids.providers.find((p) => p.name.startsWith('Pathways'))!
    const providerToken = await token('provider', { providerId: esc.id })
    const schoolTokens = new Map<string, Record<string, string>>()
    const schoolOf = async (schoolId: string) => {
      if (!schoolTokens.has(schoolId)) schoolTokens.set(schoolId, await token('school', { schoolId }))
      return schoolTokens.get(schoolId)!
    }
    const pupils = await db
      .selectFrom('pupil')
      .select(['id', 'home_school_id', 'looked_after', 'sen_provision', 'date_of_birth'])
      .where('home_la_code', '=', '919')
      .where('home_school_id', 'in', [...ids.schools.values()])
      .orderBy('id')
      .execute()
    const school = (urn: string) => pupils.filter((p) => p.home_school_id === ids.schools.get(urn))

    // Monday of the week `weeks` ago (negative: ahead), and a weekday `days` before today.
    const monday = (weeks: number) => today.startOf('week').minus({ weeks })
    const weekdaysAgo = (n: number) => {
      let d = today
      while (n > 0) {
        d = d.minus({ days: 1 })
        if (d.weekday <= 5) n--
      }
      return d
    }
    const iso = (d: DateTime) => d.toISODate()!
    const on = (d: DateTime) => {
      clock.now = d.setZone(ZONE).set({ hour: 10, minute: 0 })
    }
    const call = async (
      method: 'GET' | 'POST' | 'PUT',
      url: string,
      headers: Record<string, string>,
      payload?: unknown,
      status = [200, 201]
    ) => {
      const res = await app.inject({
        method,
        url,
        headers,
        ...(payload === undefined ? {} : { payload: payload as object })
      })
      if (!status.includes(res.statusCode))
        throw new Error(`${method} ${url}: ${res.statusCode} ${res.body.slice(0, 300)}`)
      return { body: res.json(), etag: res.headers.etag as string }
    }
    const step = async (what: string, fn: () => Promise<void>) => {
      try {
        await fn()
      } catch (err) {
        result.skipped.push(`${what}: ${(err as Error).message}`)
      }
    }

    const refer = async (pupil: (typeof pupils)[number], referOn: DateTime, extra: Record<string, unknown> = {}) => {
      on(referOn)
      const headers = await schoolOf(pupil.home_school_id!)
      const r = await call('POST', '/v1/referrals', headers, {
        pupilId: pupil.id,
        requestedTier: 2,
        legalBasis: 'SCHOOL_COMMISSIONED',
        reasonCode: 'BEH',
        needsSummary: 'Escalating dysregulation in lessons; at risk of suspension',
        interventionsTried: 'Mentoring, reduced timetable, EP assessment',
        proposedObjectives: [objective],
        baselineAttendancePct: 62.5,
        baselineFrom: iso(referOn.minus({ weeks: 8 })),
        baselineTo: iso(referOn.minus({ days: 3 })),
        parentConsultedOn: iso(referOn.minus({ days: 2 })),
        pupilViews: 'Wants a fresh start and smaller classes',
        ...(pupil.sen_provision === 'E' ? { sendCaseworkerToldOn: iso(referOn.minus({ days: 1 })) } : {}),
        ...(pupil.looked_after ? { virtualSchoolToldOn: iso(referOn.minus({ days: 1 })) } : {}),
        ...extra
      })
      result.referrals++
      return r.body.id as string
    }
    interface Placed {
      id: string
      etag: string
      start: DateTime
    }
    const place = async (
      pupil: (typeof pupils)[number],
      startWeeksAgo: number,
      opts: {
        tier?: 1 | 2 | 3
        provider?: string
        activate?: boolean
        weeks?: number
        sessions?: [number, number]
        registration?: string
      } = {}
    ): Promise<Placed> => {
      const tier = opts.tier ?? 2
      const start = monday(startWeeksAgo)
      const referOn = start.minus({ weeks: 3 })
      const referralId = await refer(pupil, referOn, { requestedTier: tier })
      on(referOn.plus({ days: 2 }))
      await call('POST', `/v1/referrals/${referralId}/decision`, coordinator, { decision: 'ACCEPT' })
      const [atProvider, atHome] = opts.sessions ?? (tier === 1 ? [0, 10] : tier === 2 ? [8, 2] : [10, 0])
      const p = await call('POST', '/v1/placements', coordinator, {
        referralId,
        providerId: opts.provider ?? esc.id,
        startDate: iso(start),
        plannedEndDate: tier === 3 ? null : iso(start.plus({ weeks: opts.weeks ?? 16 }).plus({ days: 4 })),
        sessionsAtProvider: atProvider,
        sessionsAtHomeSchool: atHome,
        registration: opts.registration ?? (tier === 1 ? 'ON_HOME_ROLL' : 'DUAL_REGISTERED'),
        laNotifiedOn: iso(referOn.plus({ days: 2 })),
        plan:
          tier === 1
            ? { objectives: [objective], readinessCriteria: 'Four weeks at 95% attendance in lessons' }
            : tier === 2
              ? {
                  objectives: [objective],
                  reintegrationPlan: 'Phased return from week 10',
                  readinessCriteria: 'Four weeks at 90%+'
                }
              : {
                  objectives: [objective],
                  transitionPlan: 'Move on to a college place with a transition mentor',
                  intendedPost16Route: 'FE college: level 2 construction, with a transition mentor'
                }
      })
      result.placements++
      let etag = p.etag
      if (opts.activate !== false) {
        on(start)
        etag = (await call('POST', `/v1/placements/${p.body.id}/activation`, { ...coordinator, 'if-match': etag }, {}))
          .etag
      }
      return { id: p.body.id as string, etag, start }
    }
    const hold = async (p: Placed, heldOn: DateTime, nextReviewOn: DateTime) => {
      on(heldOn)
      await call('POST', `/v1/placements/${p.id}/reviews`, coordinator, {
        heldOn: iso(heldOn),
        attendees: { school: true, provider: true, la: true, parent: true, pupil: true, others: [] },
        parentViews: 'Pleased with progress',
        pupilViews: 'Likes the smaller groups',
        attendanceSinceLastPct: 86.5,
        objectives: [{ objective: 0, progress: 'PARTLY', evidence: 'Attendance up from 62% to 86%' }],
        decision: 'CONTINUE',
        nextReviewOn: iso(nextReviewOn)
      })
      result.reviews++
    }
    const assess = async (p: Placed, subject: string, stage: string, assessedOn: DateTime, score: number) => {
      on(assessedOn.plus({ days: 1 }))
      await call('POST', `/v1/placements/${p.id}/assessments`, coordinator, {
        subject,
        stage,
        assessedOn: iso(assessedOn),
        scale: 'STANDARDISED_SCORE',
        score
      })
      result.assessments++
    }
    const marks: { pupilId: string; date: string; session: 'AM' | 'PM'; code: string; reason?: string }[] = []
    const markWeek = (pupilId: string, from: DateTime, letters: string) => {
      const codes: Record<string, string> = { P: 'PRESENT', L: 'LATE', A: 'ABSENT_AUTH', U: 'ABSENT_UNAUTH' }
      let d = from
      for (let i = 0; i < letters.length; i += 2) {
        while (d.weekday > 5) d = d.plus({ days: 1 })
        if (d > today) break
        for (const [j, session] of (['AM', 'PM'] as const).entries()) {
          // Eight sessions a week at the provider (Monday to Thursday); Friday is at the home school.
          const code = d.weekday === 5 ? 'NOT_SCHEDULED' : codes[letters[i + j]!]
          if (code)
            marks.push({
              pupilId,
              date: iso(d),
              session,
              code,
              ...(code === 'ABSENT_AUTH' ? { reason: 'Medical appointment' } : {})
            })
        }
        d = d.plus({ days: 1 })
      }
    }

    const [a, b, c, d, e] = school('190101')
    const [f] = school('190104')
    const [g, h, i] = school('190102')
    const [j, k] = school('190103')

    // Referrals waiting for a decision (one is past its deadline), and one turned down.
    await step('waiting referrals', async () => {
      await refer(g!, weekdaysAgo(2))
      await refer(h!, weekdaysAgo(15), { requestedTier: 1 })
      const declined = await refer(k!, weekdaysAgo(8))
      on(weekdaysAgo(6))
      await call(
        'POST',
        `/v1/referrals/${declined}/decision`,
        coordinator,
        { decision: 'DECLINE', reason: 'Needs can be met in school with a Tier 1 plan' },
        [200, 201, 422]
      ).catch(() => undefined)
    })
    // Tier 2, active for ten weeks: the first review held, the next one now overdue; baselines and marks.
    await step('tier 2 overdue review', async () => {
      const p = await place(a!, 10)
      await assess(p, 'ENGLISH', 'BASELINE', p.start.minus({ days: 3 }), 84)
      await assess(p, 'MATHS', 'BASELINE', p.start.minus({ days: 3 }), 79)
      await hold(p, p.start.plus({ weeks: 3, days: 2 }), weekdaysAgo(4))
      await assess(p, 'ENGLISH', 'REVIEW', p.start.plus({ weeks: 3, days: 2 }), 88)
      markWeek(a!.id, weekdaysAgo(9), 'PPPPPLUUPPPPAAPPPPPP')
    })
    // Tier 2, started two weeks ago: first review coming up; an unexplained absence this morning.
    await step('tier 2 review due', async () => {
      const p = await place(b!, 2)
      markWeek(b!.id, weekdaysAgo(6), 'PPPPPUPPLPPP')
      if (today.weekday <= 4) {
        const at = marks.findIndex((m) => m.pupilId === b!.id && m.date === iso(today) && m.session === 'AM')
        if (at >= 0) marks.splice(at, 1)
        marks.push({ pupilId: b!.id, date: iso(today), session: 'AM', code: 'ABSENT_UNAUTH' })
      }
      void p
    })
    // Tier 2, paused last week.
    await step('tier 2 paused', async () => {
      const p = await place(c!, 6)
      on(weekdaysAgo(5))
      await call(
        'POST',
        `/v1/placements/${p.id}/pause`,
        { ...coordinator, 'if-match': p.etag },
        { reason: 'Hospital stay' }
      )
    })
    // Tier 2, ended seven weeks ago with a full-time return home: its six-week follow-up is due.
    await step('tier 2 ended, returned', async () => {
      const p = await place(e!, 23)
      await assess(p, 'ENGLISH', 'BASELINE', p.start.minus({ days: 3 }), 82)
      await hold(p, p.start.plus({ weeks: 4 }), p.start.plus({ weeks: 10 }))
      const effective = monday(7)
      on(effective)
      await call(
        'POST',
        `/v1/placements/${p.id}/outcome`,
        { ...coordinator, 'if-match': (await call('GET', `/v1/placements/${p.id}`, coordinator)).etag },
        {
          code: 'RETURNED_TO_HOME_SCHOOL_FULL_TIME',
          effectiveDate: iso(effective),
          finalReviewMissingReason: 'The exit review is booked with the home school'
        }
      )
      result.outcomes++
    })
    // Tier 1: targeted support in school, the provider's outreach team.
    await step('tier 1 active', async () => {
      const p = await place(f!, 4, { tier: 1 })
      void p
    })
    // Tier 3: a Year 11 pupil on a transitional placement towards college.
    await step('tier 3 active', async () => {
      await place(i!, 8, { tier: 3, provider: pathways.id, sessions: [10, 0], registration: 'ON_HOME_ROLL' })
    })
    // Planned: starts in two weeks.
    await step('tier 2 planned', async () => {
      await place(j!, -2, { activate: false })
    })
    // The unregistered tuition provider teaches a looked-after pupil full time: over the registration threshold.
    await step('unregistered provider over the threshold', async () => {
      await place(d!, 3, { provider: tuition.id, sessions: [10, 0], registration: 'ON_HOME_ROLL' })
    })
    await step('session marks', async () => {
      on(today.set({ hour: 12 }))
      clock.now = systemClock()
      if (marks.length > 0) await call('POST', '/v1/attendance/marks', providerToken, { marks })
      result.marks = marks.length
    })
  } finally {
    clock.now = systemClock()
    await app.close()
    if (tokenIds.length > 0)
      await db.updateTable('api_token').set({ revoked_at: new Date() }).where('id', 'in', tokenIds).execute()
  }
  return result
}
