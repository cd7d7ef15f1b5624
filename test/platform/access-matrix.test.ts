import type { InjectOptions } from 'fastify'
import t from 'tap'
import type { PlacementRow, ReferralRow } from '../../src/db/schema.js'
import { ROLES, type Role } from '../../src/platform/auth/principal.js'
import { STAFFORDSHIRE_2025_26 } from '../fixtures/calendars.js'
import { bearer, buildTestApp, insertPupil, makeWorld, upnFor, type Org } from '../helper.js'

/**
 * Every route × every role × own / other organisation, generated from the app's route table.
 * The expected status follows from the route's declared roles and the scope rules:
 * a role not allowed → 403; allowed, own organisation's record → the success status;
 * allowed, another organisation's record → 404, as if it did not exist.
 * A route without a sample here fails the test, so a new route cannot skip the matrix.
 */

type Side = 'own' | 'other'
interface Sample {
  /** The request for a caller acting for `caller`, aimed at `target`'s data. */
  request: (ctx: { caller: Org; target: Org; role: Role; side: Side }) => Promise<InjectOptions> | InjectOptions
  /** Status when an allowed role reaches its own organisation's data. */
  ok: number
  /** Status for an allowed role aimed at another organisation; 404 unless the rule differs. */
  otherStatus?: number | ((role: Role) => number)
  /** Roles that may call the route but cannot see the own-organisation record (and why). */
  ownNotVisibleTo?: { roles: Role[]; why: string }
}

t.test('access matrix', async (t) => {
  const { app, db } = await buildTestApp(t)
  const world = await makeWorld(db)
  let serial = 1000
  const pupils = {
    own: await insertPupil(db, world.own, serial++),
    other: await insertPupil(db, world.other, serial++)
  }
  const orgOf = (side: Side) => world[side]
  const pupilOf = (org: Org) => (org === world.own ? pupils.own : pupils.other)
  const version = async (table: 'school' | 'provider' | 'pupil', id: string) =>
    (await db.selectFrom(table).select('version').where('id', '=', id).executeTakeFirstOrThrow()).version
  const policyVersion = async (la: string) =>
    (await db.selectFrom('la_policy').select('version').where('la_code', '=', la).executeTakeFirstOrThrow()).version
  let urn = 700000
  const halfTerms = STAFFORDSHIRE_2025_26
  for (const org of [world.own, world.other]) {
    const la = await app.inject({
      method: 'PUT',
      url: `/v1/local-authorities/${org.laCode}/calendars/2025-26`,
      headers: bearer(org.tokens.la_admin),
      payload: { halfTerms }
    })
    const school = await app.inject({
      method: 'PUT',
      url: `/v1/schools/${org.schoolId}/calendars/2025-26`,
      headers: bearer(org.tokens.la_admin),
      payload: { closures: [] }
    })
    t.same([la.statusCode, school.statusCode], [201, 201], 'calendars loaded for both LAs')
  }
  const calendarVersion = async (owner: { la_code: string } | { school_id: string }) =>
    (
      await db
        .selectFrom('term_calendar')
        .select('version')
        .where('academic_year', '=', '2025/26')
        .where((eb) => ('la_code' in owner ? eb('la_code', '=', owner.la_code) : eb('school_id', '=', owner.school_id)))
        .executeTakeFirstOrThrow()
    ).version

  // Referrals and placements: fresh rows per request, since most of these calls change state.
  await db.updateTable('provider_tier').set({ places: 1000 }).execute()
  const objective = { description: 'Attend every session', baseline: '60%', target: '90%' }
  const freshPupil = (org: Org) => insertPupil(db, org, serial++)
  const freshReferral = async (org: Org, status: ReferralRow['status'] = 'SUBMITTED') => {
    const pupil = await freshPupil(org)
    return db
      .insertInto('referral')
      .values({
        pupil_id: pupil.id,
        la_code: org.laCode,
        referring_school_id: org.schoolId,
        requested_tier: 2,
        legal_basis: 'SCHOOL_COMMISSIONED',
        reason_code: 'BEH',
        proposed_objectives: JSON.stringify([objective]),
        exclusions: '[]',
        status,
        submitted_on: '2025-10-20',
        decision_due_on: '2025-11-03'
      })
      .returningAll()
      .executeTakeFirstOrThrow()
  }
  const freshPlacement = async (
    org: Org,
    status: PlacementRow['status'],
    legalBasis: PlacementRow['legal_basis'] = 'SCHOOL_COMMISSIONED',
    dateOfBirth?: string
  ) => {
    const pupil = dateOfBirth
      ? await insertPupil(db, org, serial++, { date_of_birth: dateOfBirth })
      : await freshPupil(org)
    return db
      .insertInto('placement')
      .values({
        pupil_id: pupil.id,
        pupil_home_la_code: org.laCode,
        la_code: org.laCode,
        tier: 2,
        provider_id: org.providerId,
        commissioner_type: 'SCHOOL',
        commissioner_school_id: org.schoolId,
        legal_basis: legalBasis,
        reason_code: 'BEH',
        start_date: '2025-11-03',
        planned_end_date: '2026-02-13',
        status,
        sessions_at_provider: 8,
        sessions_at_home_school: 2,
        registration: 'DUAL_REGISTERED',
        home_attendance_code: 'D',
        first_review_due_on: '2025-12-01',
        la_notified_on: '2025-10-20',
        plan: JSON.stringify({
          objectives: [objective],
          reintegrationPlan: 'Return after two terms',
          transitionPlan: null,
          intendedPost16Route: null,
          readinessCriteria: null
        })
      })
      .returningAll()
      .executeTakeFirstOrThrow()
  }
  const standing = { own: await freshReferral(world.own), other: await freshReferral(world.other) }
  const standingPlacement = {
    own: await freshPlacement(world.own, 'ACTIVE'),
    other: await freshPlacement(world.other, 'ACTIVE')
  }
  const sideOf = (org: Org): Side => (org === world.own ? 'own' : 'other')
  const standingReview = {} as Record<Side, string>
  for (const side of ['own', 'other'] as const) {
    const row = await db
      .insertInto('review')
      .values({
        placement_id: standingPlacement[side].id,
        held_on: '2025-11-20',
        attendees: JSON.stringify({ school: true, provider: true, la: true, parent: true, pupil: true, others: [] }),
        parent_views: 'Content',
        pupil_views: 'Happier',
        attendance_source: 'NONE',
        objectives: JSON.stringify([{ objective: 0, progress: 'PARTLY', evidence: 'Better' }]),
        decision: 'CONTINUE',
        next_review_on: '2025-12-12',
        recorded_by: 'test'
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    standingReview[side] = row.id
  }
  let reasonSeq = 0
  // Ended placements: closed through the API by the target LA's own coordinator, to a return or a post-16 move.
  const returned = {
    code: 'RETURNED_TO_HOME_SCHOOL_FULL_TIME',
    effectiveDate: '2026-01-05',
    finalReviewMissingReason: 'Returned at the start of term'
  }
  const post16 = {
    code: 'POST16_TRANSITION',
    effectiveDate: '2026-07-01',
    finalReviewMissingReason: 'Left after exams',
    destination: { code: 'FE_COLLEGE', septemberGuarantee: 'OFFER_MADE', provider: { name: 'Town College' } }
  }
  const endedPlacement = async (org: Org, outcome: Record<string, unknown> = returned) => {
    const row = await freshPlacement(
      org,
      'ACTIVE',
      'SCHOOL_COMMISSIONED',
      outcome === post16 ? '2010-03-14' : undefined
    )
    const res = await app.inject({
      method: 'POST',
      url: `/v1/placements/${row.id}/outcome`,
      headers: { ...bearer(org.tokens.coordinator), 'if-match': '"1"' },
      payload: outcome
    })
    if (res.statusCode !== 200) throw new Error(`closing placement ${row.id}: ${res.body}`)
    return row
  }
  const standingEnded = { own: await endedPlacement(world.own), other: await endedPlacement(world.other) }

  const samples: Record<string, Sample> = {
    'GET /v1/reason-codes': { ok: 200, otherStatus: 200, request: () => ({ method: 'GET', url: '/v1/reason-codes' }) },
    'POST /v1/reason-codes': {
      ok: 201,
      otherStatus: 201,
      request: () => ({
        method: 'POST',
        url: '/v1/reason-codes',
        payload: { code: `LOCAL${reasonSeq++}`, label: 'Local reason' }
      })
    },
    'POST /v1/referrals': {
      ok: 201,
      otherStatus: 422,
      request: async ({ target }) => {
        const pupil = await freshPupil(target)
        return {
          method: 'POST',
          url: '/v1/referrals',
          payload: {
            pupilId: pupil.id,
            requestedTier: 2,
            legalBasis: 'SCHOOL_COMMISSIONED',
            reasonCode: 'BEH',
            needsSummary: 'Needs',
            interventionsTried: 'Mentoring',
            proposedObjectives: [objective],
            baselineAttendancePct: 60,
            baselineFrom: '2025-09-01',
            baselineTo: '2025-10-17',
            parentConsultedOn: '2025-10-15',
            pupilViews: 'Willing'
          }
        }
      }
    },
    'GET /v1/referrals': { ok: 200, otherStatus: 200, request: () => ({ method: 'GET', url: '/v1/referrals' }) },
    'GET /v1/referrals/:id': {
      ok: 200,
      request: ({ target }) => ({ method: 'GET', url: `/v1/referrals/${standing[sideOf(target)].id}` })
    },
    'POST /v1/referrals/:id/decision': {
      ok: 200,
      request: async ({ target }) => ({
        method: 'POST',
        url: `/v1/referrals/${(await freshReferral(target)).id}/decision`,
        payload: { decision: 'ACCEPT' }
      })
    },
    'POST /v1/referrals/:id/withdrawal': {
      ok: 200,
      request: async ({ target }) => ({
        method: 'POST',
        url: `/v1/referrals/${(await freshReferral(target)).id}/withdrawal`,
        payload: { reason: 'No longer needed' }
      })
    },
    'POST /v1/placements': {
      ok: 201,
      otherStatus: 422,
      request: async ({ target }) => ({
        method: 'POST',
        url: '/v1/placements',
        payload: {
          referralId: (await freshReferral(target, 'ACCEPTED')).id,
          providerId: target.providerId,
          startDate: '2025-11-03',
          plannedEndDate: '2026-02-13',
          sessionsAtProvider: 8,
          sessionsAtHomeSchool: 2,
          registration: 'DUAL_REGISTERED',
          laNotifiedOn: '2025-10-20',
          plan: { objectives: [objective], reintegrationPlan: 'Return after two terms' }
        }
      })
    },
    'GET /v1/placements': { ok: 200, otherStatus: 200, request: () => ({ method: 'GET', url: '/v1/placements' }) },
    'GET /v1/placements/:id': {
      ok: 200,
      request: ({ target }) => ({ method: 'GET', url: `/v1/placements/${standingPlacement[sideOf(target)].id}` })
    },
    'PATCH /v1/placements/:id': {
      ok: 200,
      request: async ({ target }) => ({
        method: 'PATCH',
        url: `/v1/placements/${(await freshPlacement(target, 'PLANNED')).id}`,
        headers: { 'if-match': '"1"' },
        payload: { laNotifiedOn: '2025-10-21' }
      })
    },
    'POST /v1/placements/:id/activation': {
      ok: 200,
      request: async ({ target }) => ({
        method: 'POST',
        url: `/v1/placements/${(await freshPlacement(target, 'PLANNED')).id}/activation`,
        headers: { 'if-match': '"1"' },
        payload: {}
      })
    },
    'POST /v1/placements/:id/pause': {
      ok: 200,
      request: async ({ target }) => ({
        method: 'POST',
        url: `/v1/placements/${(await freshPlacement(target, 'ACTIVE')).id}/pause`,
        headers: { 'if-match': '"1"' },
        payload: { reason: 'Illness' }
      })
    },
    'POST /v1/placements/:id/resumption': {
      ok: 200,
      request: async ({ target }) => ({
        method: 'POST',
        url: `/v1/placements/${(await freshPlacement(target, 'PAUSED')).id}/resumption`,
        headers: { 'if-match': '"1"' },
        payload: {}
      })
    },
    'POST /v1/placements/:id/cancellation': {
      ok: 200,
      request: async ({ target }) => ({
        method: 'POST',
        url: `/v1/placements/${(await freshPlacement(target, 'PLANNED')).id}/cancellation`,
        headers: { 'if-match': '"1"' },
        payload: { reason: 'Family moved' }
      })
    },
    'POST /v1/placements/:id/escalation': {
      ok: 201,
      request: async ({ target }) => ({
        method: 'POST',
        url: `/v1/placements/${(await freshPlacement(target, 'ACTIVE')).id}/escalation`,
        headers: { 'if-match': '"1"' },
        payload: {
          providerId: target.providerId,
          startDate: '2026-01-05',
          sessionsAtProvider: 10,
          sessionsAtHomeSchool: 0,
          registration: 'DUAL_REGISTERED',
          plan: { objectives: [objective], transitionPlan: 'New school via Fair Access' }
        }
      })
    },
    'POST /v1/placements/:id/step-down': {
      ok: 201,
      request: async ({ target }) => ({
        method: 'POST',
        url: `/v1/placements/${(await freshPlacement(target, 'ACTIVE')).id}/step-down`,
        headers: { 'if-match': '"1"' },
        payload: {
          providerId: target.providerId,
          startDate: '2026-01-05',
          plannedEndDate: '2026-03-27',
          sessionsAtProvider: 0,
          sessionsAtHomeSchool: 10,
          registration: 'ON_HOME_ROLL',
          plan: { objectives: [objective] }
        }
      })
    },
    'GET /v1/providers/:id/waiting-list': {
      ok: 200,
      request: ({ target }) => ({ method: 'GET', url: `/v1/providers/${target.providerId}/waiting-list` })
    },
    'GET /v1/providers/:id/registration-check': {
      ok: 200,
      request: ({ target }) => ({ method: 'GET', url: `/v1/providers/${target.providerId}/registration-check` })
    },
    'GET /v1/local-authorities/:code/provider-alerts': {
      ok: 200,
      request: ({ target }) => ({ method: 'GET', url: `/v1/local-authorities/${target.laCode}/provider-alerts` })
    },
    'GET /v1/placements/:id/reviews': {
      ok: 200,
      request: ({ target }) => ({
        method: 'GET',
        url: `/v1/placements/${standingPlacement[sideOf(target)].id}/reviews`
      })
    },
    'POST /v1/placements/:id/reviews': {
      ok: 201,
      request: async ({ target }) => ({
        method: 'POST',
        url: `/v1/placements/${(await freshPlacement(target, 'ACTIVE')).id}/reviews`,
        payload: {
          heldOn: '2025-11-20',
          attendees: { school: true, provider: true, la: false, parent: true, pupil: true, others: [] },
          parentViews: 'Fine',
          pupilViews: 'Fine',
          objectives: [{ objective: 0, progress: 'MET', evidence: 'Register' }],
          decision: 'CONTINUE',
          nextReviewOn: '2025-12-01'
        }
      })
    },
    'GET /v1/placements/:id/reviews/:reviewId': {
      ok: 200,
      request: ({ target }) => ({
        method: 'GET',
        url: `/v1/placements/${standingPlacement[sideOf(target)].id}/reviews/${standingReview[sideOf(target)]}`
      })
    },
    'PUT /v1/placements/:id/reviews/:reviewId/school-view': {
      ok: 200,
      request: ({ target }) => ({
        method: 'PUT',
        url:
          `/v1/placements/${standingPlacement[sideOf(target)].id}` +
          `/reviews/${standingReview[sideOf(target)]}/school-view`,
        payload: { view: 'Going well' }
      })
    },
    'POST /v1/placements/:id/extension-approvals': {
      ok: 201,
      request: ({ target }) => ({
        method: 'POST',
        url: `/v1/placements/${standingPlacement[sideOf(target)].id}/extension-approvals`,
        payload: { upTo: '2026-07-17', reason: 'Panel' }
      })
    },
    'POST /v1/placements/:id/review-requests': {
      ok: 201,
      request: async ({ target }) => ({
        method: 'POST',
        url: `/v1/placements/${(await freshPlacement(target, 'ACTIVE', 'OFF_SITE_DIRECTION_S29A')).id}/review-requests`,
        payload: { requestedBy: 'PARENT', receivedOn: '2025-12-01' }
      })
    },
    'POST /v1/placements/:id/outcome': {
      ok: 200,
      request: async ({ target }) => ({
        method: 'POST',
        url: `/v1/placements/${(await freshPlacement(target, 'ACTIVE')).id}/outcome`,
        headers: { 'if-match': '"1"' },
        payload: returned
      })
    },
    'POST /v1/placements/:id/outcome/corrections': {
      ok: 200,
      request: async ({ target }) => ({
        method: 'POST',
        url: `/v1/placements/${(await endedPlacement(target)).id}/outcome/corrections`,
        headers: { 'if-match': '"2"' },
        payload: { ...returned, effectiveDate: '2026-01-06', correctionReason: 'Returned a day later than recorded' }
      })
    },
    'GET /v1/placements/:id/outcome': {
      ok: 200,
      request: ({ target }) => ({ method: 'GET', url: `/v1/placements/${standingEnded[sideOf(target)].id}/outcome` })
    },
    'POST /v1/placements/:id/follow-ups/:checkpoint/result': {
      ok: 201,
      // Schools record checks after a return to school, providers after a post-16 transition.
      request: async ({ target, role }) =>
        role === 'provider'
          ? {
              method: 'POST',
              url: `/v1/placements/${(await endedPlacement(target, post16)).id}/follow-ups/POST16_OCTOBER/result`,
              payload: { participating: true, destination: 'FE_COLLEGE' }
            }
          : {
              method: 'POST',
              url: `/v1/placements/${(await endedPlacement(target)).id}/follow-ups/SIX_SCHOOL_WEEKS/result`,
              payload: { onRoll: true, attendancePct: 95, permanentlyExcluded: false, suspensionDays: 0 }
            }
    },
    'POST /v1/attendance/marks': {
      ok: 200,
      // The provider names pupils; another provider's pupil is refused as not placed here (422), not hidden.
      otherStatus: 422,
      request: ({ target }) => ({
        method: 'POST',
        url: '/v1/attendance/marks',
        payload: {
          marks: [
            { pupilId: standingPlacement[sideOf(target)].pupil_id, date: '2025-11-04', session: 'AM', code: 'PRESENT' }
          ]
        }
      })
    },
    'GET /v1/placements/:id/attendance': {
      ok: 200,
      request: ({ target }) => ({
        method: 'GET',
        url: `/v1/placements/${standingPlacement[sideOf(target)].id}/attendance`
      })
    },
    'GET /v1/placements/:id/assessments': {
      ok: 200,
      request: ({ target }) => ({
        method: 'GET',
        url: `/v1/placements/${standingPlacement[sideOf(target)].id}/assessments`
      })
    },
    'POST /v1/placements/:id/assessments': {
      ok: 201,
      request: ({ target }) => ({
        method: 'POST',
        url: `/v1/placements/${standingPlacement[sideOf(target)].id}/assessments`,
        payload: {
          subject: 'ENGLISH',
          stage: 'REVIEW',
          assessedOn: '2025-12-01',
          scale: 'STANDARDISED_SCORE',
          score: 92
        }
      })
    },
    'POST /v1/placements/:id/qualification-results': {
      ok: 201,
      request: async ({ target }) => ({
        method: 'POST',
        url:
          `/v1/placements/${(await freshPlacement(target, 'ACTIVE', 'SCHOOL_COMMISSIONED', '2010-03-14')).id}` +
          '/qualification-results',
        payload: { subject: 'MATHS', qualification: 'GCSE', grade: '4', awardedOn: '2026-08-20' }
      })
    },
    'GET /v1/local-authorities/:code/reports/outcomes': {
      ok: 200,
      request: ({ target }) => ({
        method: 'GET',
        url: `/v1/local-authorities/${target.laCode}/reports/outcomes?academicYear=2025-26&groupBy=tier`
      })
    },
    'GET /v1/local-authorities/:code/reports/compliance': {
      ok: 200,
      request: ({ target }) => ({ method: 'GET', url: `/v1/local-authorities/${target.laCode}/reports/compliance` })
    },
    'GET /v1/local-authorities/:code/exports/:kind': {
      ok: 200,
      request: ({ target }) => ({
        method: 'GET',
        url: `/v1/local-authorities/${target.laCode}/exports/census?academicYear=2025-26`
      })
    },
    'GET /v1/worklist': { ok: 200, otherStatus: 200, request: () => ({ method: 'GET', url: '/v1/worklist' }) },
    'GET /v1/pupils/:id/journey': {
      ok: 200,
      ownNotVisibleTo: { roles: ['provider'], why: 'the pupil is not placed with the provider' },
      request: ({ target }) => ({ method: 'GET', url: `/v1/pupils/${pupilOf(target).id}/journey` })
    },
    'GET /v1/me': { ok: 200, otherStatus: 200, request: () => ({ method: 'GET', url: '/v1/me' }) },
    'GET /v1/local-authorities': {
      ok: 200,
      otherStatus: 200,
      request: () => ({ method: 'GET', url: '/v1/local-authorities' })
    },
    'GET /v1/local-authorities/:code': {
      ok: 200,
      request: ({ target }) => ({ method: 'GET', url: `/v1/local-authorities/${target.laCode}` })
    },
    'GET /v1/local-authorities/:code/policy': {
      ok: 200,
      request: ({ target }) => ({ method: 'GET', url: `/v1/local-authorities/${target.laCode}/policy` })
    },
    'PUT /v1/local-authorities/:code/policy': {
      ok: 200,
      request: async ({ target }) => ({
        method: 'PUT',
        url: `/v1/local-authorities/${target.laCode}/policy`,
        headers: { 'if-match': `"${await policyVersion(target.laCode)}"` },
        payload: {
          reviewIntervalSchoolWeeks: 6,
          firstReviewSchoolDays: 20,
          referralDecisionSchoolDays: 10,
          tier1MaxSchoolWeeks: 26,
          tier2MaxSchoolWeeks: 26,
          tier3MaxSchoolWeeks: null,
          smallNumberThreshold: 5,
          fullTimeThresholdHours: 18
        }
      })
    },
    'GET /v1/schools': {
      ok: 200,
      otherStatus: 200,
      request: ({ target }) => ({
        method: 'GET',
        url: `/v1/schools?pageSize=100&x=${target.laCode}`.replace('&x=' + target.laCode, '')
      })
    },
    'POST /v1/schools': {
      ok: 201,
      otherStatus: 403,
      request: ({ target }) => {
        const u = String(++urn)
        return {
          method: 'POST',
          url: '/v1/schools',
          payload: {
            urn: u,
            laestab: `${target.laCode}5${u.slice(-3)}`,
            name: 'New School',
            laCode: target.laCode,
            phase: 'PRIMARY',
            type: 'ACADEMY'
          }
        }
      }
    },
    'GET /v1/schools/:id': {
      ok: 200,
      request: ({ target }) => ({ method: 'GET', url: `/v1/schools/${target.schoolId}` })
    },
    'PATCH /v1/schools/:id': {
      ok: 200,
      request: async ({ target }) => ({
        method: 'PATCH',
        url: `/v1/schools/${target.schoolId}`,
        headers: { 'if-match': `"${await version('school', target.schoolId)}"` },
        payload: { name: 'Renamed School' }
      })
    },
    'GET /v1/providers': { ok: 200, otherStatus: 200, request: () => ({ method: 'GET', url: '/v1/providers' }) },
    'POST /v1/providers': {
      ok: 201,
      otherStatus: 403,
      request: ({ target }) => ({
        method: 'POST',
        url: '/v1/providers',
        payload: {
          name: 'Tuition Ltd',
          laCode: target.laCode,
          settingType: 'OOT',
          registrationStatus: 'UNREGISTERED',
          tiers: [{ tier: 2, places: 4 }]
        }
      })
    },
    'GET /v1/providers/:id': {
      ok: 200,
      request: ({ target }) => ({ method: 'GET', url: `/v1/providers/${target.providerId}` })
    },
    'PATCH /v1/providers/:id': {
      ok: 200,
      request: async ({ target }) => ({
        method: 'PATCH',
        url: `/v1/providers/${target.providerId}`,
        headers: { 'if-match': `"${await version('provider', target.providerId)}"` },
        payload: { name: 'Renamed PRU' }
      })
    },
    'GET /v1/pupils': { ok: 200, otherStatus: 200, request: () => ({ method: 'GET', url: '/v1/pupils' }) },
    'POST /v1/pupils/search': {
      ok: 200,
      otherStatus: 200, // a search answers 200 with no results rather than revealing that the UPN exists
      request: ({ target }) => ({ method: 'POST', url: '/v1/pupils/search', payload: { upn: pupilOf(target).upn } })
    },
    'POST /v1/pupils': {
      ok: 201,
      otherStatus: (role) => (role === 'school' ? 403 : 422),
      request: ({ target }) => ({
        method: 'POST',
        url: '/v1/pupils',
        payload: {
          upn: upnFor(serial++),
          legalForename: 'Sam',
          legalSurname: 'Example',
          dateOfBirth: '2013-05-01',
          sex: 'M',
          homeSchoolId: target.schoolId,
          homeLaCode: target.laCode
        }
      })
    },
    'GET /v1/pupils/:id': {
      ok: 200,
      ownNotVisibleTo: { roles: ['provider'], why: 'a provider sees only pupils placed with it, and none is placed' },
      request: ({ target }) => ({ method: 'GET', url: `/v1/pupils/${pupilOf(target).id}` })
    },
    'POST /v1/pupils/:id/sensitive-views': {
      ok: 200,
      ownNotVisibleTo: { roles: ['provider'], why: 'a provider sees only pupils placed with it, and none is placed' },
      request: ({ target }) => ({
        method: 'POST',
        url: `/v1/pupils/${pupilOf(target).id}/sensitive-views`,
        payload: { reason: 'Planning the review meeting' }
      })
    },
    'PATCH /v1/pupils/:id': {
      ok: 200,
      request: async ({ target }) => ({
        method: 'PATCH',
        url: `/v1/pupils/${pupilOf(target).id}`,
        headers: { 'if-match': `"${await version('pupil', pupilOf(target).id)}"` },
        payload: { preferredForename: 'Sammy' }
      })
    },
    'GET /v1/tokens': { ok: 200, otherStatus: 200, request: () => ({ method: 'GET', url: '/v1/tokens' }) },
    'POST /v1/tokens': {
      ok: 201,
      otherStatus: 422,
      request: ({ target }) => ({
        method: 'POST',
        url: '/v1/tokens',
        payload: { label: 'matrix', role: 'school', schoolId: target.schoolId, expiresInDays: 1 }
      })
    },
    'DELETE /v1/tokens/:id': {
      ok: 200,
      request: async ({ target }) => {
        const row = await db
          .insertInto('api_token')
          .values({
            token_hash: `${String(serial++).padStart(64, '0')}`,
            label: 'spare',
            role: 'analyst',
            la_code: target.laCode,
            created_by: 'test',
            expires_at: new Date(Date.now() + 86400_000)
          })
          .returning('id')
          .executeTakeFirstOrThrow()
        return { method: 'DELETE', url: `/v1/tokens/${row.id}` }
      }
    },
    'GET /v1/sign-in-roles': {
      ok: 200,
      otherStatus: 200,
      request: () => ({ method: 'GET', url: '/v1/sign-in-roles' })
    },
    'POST /v1/sign-in-roles': {
      ok: 201,
      otherStatus: 422,
      request: ({ target }) => ({
        method: 'POST',
        url: '/v1/sign-in-roles',
        payload: { orgType: 'school', orgId: target.schoolId, email: `matrix${serial++}@example.org`, role: 'school' }
      })
    },
    'DELETE /v1/sign-in-roles/:id': {
      ok: 204,
      request: async ({ target }) => {
        const row = await db
          .insertInto('sign_in_role')
          .values({
            la_code: target.laCode,
            org_type: 'provider',
            org_id: target.providerId,
            email: `m${serial++}@example.org`,
            role: 'provider'
          })
          .returning('id')
          .executeTakeFirstOrThrow()
        return { method: 'DELETE', url: `/v1/sign-in-roles/${row.id}` }
      }
    },
    'GET /v1/audit': { ok: 200, otherStatus: 200, request: () => ({ method: 'GET', url: '/v1/audit' }) },
    'GET /v1/local-authorities/:code/calendars': {
      ok: 200,
      request: ({ target }) => ({ method: 'GET', url: `/v1/local-authorities/${target.laCode}/calendars` })
    },
    'GET /v1/local-authorities/:code/calendars/:academicYear': {
      ok: 200,
      request: ({ target }) => ({ method: 'GET', url: `/v1/local-authorities/${target.laCode}/calendars/2025-26` })
    },
    'PUT /v1/local-authorities/:code/calendars/:academicYear': {
      ok: 200,
      request: async ({ target }) => ({
        method: 'PUT',
        url: `/v1/local-authorities/${target.laCode}/calendars/2025-26`,
        headers: { 'if-match': `"${await calendarVersion({ la_code: target.laCode })}"` },
        payload: { halfTerms }
      })
    },
    'GET /v1/schools/:id/calendars/:academicYear': {
      ok: 200,
      request: ({ target }) => ({ method: 'GET', url: `/v1/schools/${target.schoolId}/calendars/2025-26` })
    },
    'PUT /v1/schools/:id/calendars/:academicYear': {
      ok: 200,
      request: async ({ target }) => ({
        method: 'PUT',
        url: `/v1/schools/${target.schoolId}/calendars/2025-26`,
        headers: { 'if-match': `"${await calendarVersion({ school_id: target.schoolId })}"` },
        payload: { closures: [{ date: '2025-09-01', kind: 'INSET' }] }
      })
    },
    'GET /v1/schools/:id/school-days': {
      ok: 200,
      request: ({ target }) => ({
        method: 'GET',
        url: `/v1/schools/${target.schoolId}/school-days?from=2025-10-01&to=2025-11-30`
      })
    },
    'GET /v1/schools/:id/school-days/offset': {
      ok: 200,
      request: ({ target }) => ({
        method: 'GET',
        url: `/v1/schools/${target.schoolId}/school-days/offset?from=2025-10-17&days=20`
      })
    }
  }

  const routes = app.routeTable.filter((r) => r.access !== 'public')
  const keys = new Set(routes.map((r) => `${r.method} ${r.url}`))
  t.same(
    [...keys].filter((k) => !samples[k]),
    [],
    'every authenticated route has a matrix sample'
  )
  t.same(
    Object.keys(samples).filter((k) => !keys.has(k)),
    [],
    'every sample names a real route'
  )
  t.ok(routes.length >= 20, `${routes.length} authenticated routes`)

  for (const route of routes) {
    const key = `${route.method} ${route.url}`
    const sample = samples[key]!
    const allowed = route.access as readonly Role[]
    for (const role of ROLES) {
      for (const side of ['own', 'other'] as const) {
        const caller = world.own
        const target = orgOf(side)
        let expected: number
        if (!allowed.includes(role)) expected = 403
        else if (side === 'own') expected = sample.ownNotVisibleTo?.roles.includes(role) ? 404 : sample.ok
        else
          expected = typeof sample.otherStatus === 'function' ? sample.otherStatus(role) : (sample.otherStatus ?? 404)
        const request = await sample.request({ caller, target, role, side })
        const res = await app.inject({ ...request, headers: { ...request.headers, ...bearer(caller.tokens[role]) } })
        t.equal(
          res.statusCode,
          expected,
          `${key} as ${role} on ${side} organisation → ` +
            `${expected}${res.statusCode !== expected ? `: ${res.body.slice(0, 300)}` : ''}`
        )
        if (res.statusCode >= 400)
          t.match(
            res.headers['content-type'],
            /application\/problem\+json/,
            `${key} ${role} ${side} is a problem document`
          )
        if (res.statusCode === 200 && route.method === 'GET' && side === 'other') {
          // Lists answer 200 for everyone allowed, but never carry the other organisation's records.
          const body = res.body
          t.notMatch(body, pupils.other.upn, `${key} as ${role} does not leak the other LA's pupil`)
        }
      }
    }
  }

  // Lists are scoped in SQL: the other LA's rows never appear.
  const schools = await app.inject({
    method: 'GET',
    url: '/v1/schools?pageSize=100',
    headers: bearer(world.own.tokens.coordinator)
  })
  t.ok(
    schools.json().results.every((s: { laCode: string }) => s.laCode === world.own.laCode),
    'schools list holds only the own LA'
  )
  const pupilList = await app.inject({
    method: 'GET',
    url: '/v1/pupils?pageSize=100',
    headers: bearer(world.own.tokens.school)
  })
  t.ok(
    pupilList.json().results.every((p: { homeSchoolId: string }) => p.homeSchoolId === world.own.schoolId),
    'a school lists only its roll'
  )
  const search = await app.inject({
    method: 'POST',
    url: '/v1/pupils/search',
    headers: bearer(world.own.tokens.coordinator),
    payload: { upn: pupils.other.upn }
  })
  t.equal(search.json().results.length, 0, "another LA's pupil is not found by UPN")
  const tokens = await app.inject({
    method: 'GET',
    url: '/v1/tokens?pageSize=100',
    headers: bearer(world.own.tokens.la_admin)
  })
  t.ok(
    tokens.json().results.every((k: { laCode: string }) => k.laCode === world.own.laCode),
    'tokens list holds only the own LA'
  )
})

t.test('public routes need no token', async (t) => {
  const { app } = await buildTestApp(t)
  const publicRoutes = app.routeTable.filter((r) => r.access === 'public').map((r) => `${r.method} ${r.url}`)
  t.ok(publicRoutes.includes('GET /health/live') && publicRoutes.includes('GET /health/ready'))
  t.ok(
    publicRoutes.every((r) => r.includes('/health/') || r.includes('/docs')),
    `only health and docs are public: ${publicRoutes.join(', ')}`
  )
})
