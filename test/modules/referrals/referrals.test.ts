import type { Response } from 'light-my-request'
import t, { type Test } from 'tap'
import { STAFFORDSHIRE_2025_26 } from '../../fixtures/calendars.js'
import { bearer, buildTestApp, countRows, insertPupil, makeWorld } from '../../helper.js'
import { at, completeReferral, placementBody } from '../../fixtures/bodies.js'

/**
 * Referrals end to end (issue 4 §1–2): completeness by basis and pupil, LA-arranged referrals and the
 * sixth-day clocks, the decision deadline from LA policy, withdrawal, and list filters and scoping.
 * One database for the file; every subtest sets the clock it needs.
 */

const PROBLEM = /^application\/problem\+json/
type FieldError = { path: string; code: string }
const paths = (body: { errors: FieldError[] }) => body.errors.map((e) => e.path).sort()

t.test('referrals', async (t) => {
  let now = at('2025-10-20')
  const { app, db } = await buildTestApp(t, { clock: () => now })
  const world = await makeWorld(db)
  const school = bearer(world.own.tokens.school)
  const coordinator = bearer(world.own.tokens.coordinator)
  const laAdmin = bearer(world.own.tokens.la_admin)
  const calendar = await app.inject({
    method: 'PUT',
    url: '/v1/local-authorities/919/calendars/2025-26',
    headers: laAdmin,
    payload: { halfTerms: STAFFORDSHIRE_2025_26 }
  })
  t.ok(calendar.statusCode < 300, `term dates loaded: ${calendar.body.slice(0, 200)}`)
  let serial = 100
  const pupil = (overrides: Record<string, unknown> = {}) =>
    insertPupil(db, world.own, ++serial, overrides as Parameters<typeof insertPupil>[3])

  const post = (headers: Record<string, string>, payload: unknown) =>
    app.inject({ method: 'POST', url: '/v1/referrals', headers, payload: payload as object })
  const decide = (id: string, payload: object, headers = coordinator) =>
    app.inject({ method: 'POST', url: `/v1/referrals/${id}/decision`, headers, payload })
  const getReferral = async (id: string, headers = coordinator) => {
    const res = await app.inject({ method: 'GET', url: `/v1/referrals/${id}`, headers })
    t.equal(res.statusCode, 200, res.body.slice(0, 200))
    return res.json()
  }
  const create = async (headers: Record<string, string>, payload: unknown) => {
    const res = await post(headers, payload)
    t.equal(res.statusCode, 201, `referral created: ${res.body.slice(0, 300)}`)
    return res.json()
  }
  const accepted = async (headers: Record<string, string>, payload: unknown) => {
    const referral = await create(headers, payload)
    const res = await decide(referral.id, { decision: 'ACCEPT' })
    t.equal(res.statusCode, 200, res.body.slice(0, 200))
    return res.json()
  }
  /** A refused request: its status, a problem document, and no referral or audit row written. */
  const refused = async (t: Test, send: () => Promise<Response>, status: number) => {
    const before = { referral: await countRows(db, 'referral'), audit: await countRows(db, 'audit_event') }
    const res = await send()
    t.equal(res.statusCode, status, res.body.slice(0, 300))
    t.match(res.headers['content-type'], PROBLEM, 'a problem document')
    t.same(
      { referral: await countRows(db, 'referral'), audit: await countRows(db, 'audit_event') },
      before,
      'no referral and no audit row written'
    )
    return res.json()
  }

  t.test('completeness depends on the pupil, the basis and the tier; each missing item is named', async (t) => {
    now = at('2025-10-20')
    const incomplete = async (t: Test, headers: Record<string, string>, payload: unknown, expected: string[]) => {
      const body = await refused(t, () => post(headers, payload), 422)
      t.equal(body.code, 'referral_incomplete')
      t.same(paths(body), expected, `missing: ${expected.join(', ')}`)
      t.ok(
        body.errors.every((e: FieldError) => e.code === 'required'),
        'each a required item'
      )
      for (const p of expected) t.match(body.detail, p.slice(1), `the detail names ${p}`)
    }

    t.test('a pupil with an EHC plan needs the date the SEND caseworker was told', async (t) => {
      const ehcp = await pupil({ sen_provision: 'E' })
      await incomplete(t, school, completeReferral(ehcp.id), ['/sendCaseworkerToldOn'])
      const ok = await create(school, completeReferral(ehcp.id, { sendCaseworkerToldOn: '2025-10-16' }))
      t.equal(ok.sendCaseworkerToldOn, '2025-10-16')
    })

    t.test('a looked-after pupil needs the date the virtual school was told', async (t) => {
      const lac = await pupil({ looked_after: true })
      await incomplete(t, school, completeReferral(lac.id), ['/virtualSchoolToldOn'])
      const ok = await create(school, completeReferral(lac.id, { virtualSchoolToldOn: '2025-10-16' }))
      t.equal(ok.virtualSchoolToldOn, '2025-10-16')
    })

    t.test('a looked-after pupil with an EHC plan needs both, both named', async (t) => {
      const both = await pupil({ sen_provision: 'E', looked_after: true })
      await incomplete(t, school, completeReferral(both.id), ['/sendCaseworkerToldOn', '/virtualSchoolToldOn'])
      await incomplete(t, school, completeReferral(both.id, { virtualSchoolToldOn: '2025-10-16' }), [
        '/sendCaseworkerToldOn'
      ])
    })

    t.test('sixth-day provision needs the suspension with its length in school days', async (t) => {
      const suspended = await pupil()
      const basis = { legalBasis: 'SUSPENSION_SIXTH_DAY', reasonCode: 'SUS' }
      await incomplete(t, school, completeReferral(suspended.id, basis), ['/exclusions'])
      await incomplete(
        t,
        school,
        completeReferral(suspended.id, { ...basis, exclusions: [{ kind: 'SUSPENSION', firstDay: '2025-10-13' }] }),
        ['/exclusions/0/lengthSchoolDays']
      )
      await incomplete(
        t,
        school,
        completeReferral(suspended.id, { ...basis, exclusions: [{ kind: 'PERMANENT', firstDay: '2025-10-13' }] }),
        ['/exclusions']
      )
      const ok = await create(
        school,
        completeReferral(suspended.id, {
          ...basis,
          exclusions: [{ kind: 'SUSPENSION', firstDay: '2025-10-13', lengthSchoolDays: 8 }]
        })
      )
      t.same(ok.exclusions, [{ kind: 'SUSPENSION', firstDay: '2025-10-13', lengthSchoolDays: 8 }])
    })

    t.test('provision after a permanent exclusion needs the permanent exclusion', async (t) => {
      const excluded = await pupil()
      const basis = { legalBasis: 'LA_S19_PERMANENT_EXCLUSION', reasonCode: 'PEX' }
      await incomplete(t, coordinator, completeReferral(excluded.id, basis), ['/exclusions'])
      await incomplete(
        t,
        coordinator,
        completeReferral(excluded.id, {
          ...basis,
          exclusions: [{ kind: 'SUSPENSION', firstDay: '2025-10-13', lengthSchoolDays: 5 }]
        }),
        ['/exclusions']
      )
    })

    t.test('Tier 1 needs no reason code; Tier 2 and 3 do', async (t) => {
      const p = await pupil()
      const { reasonCode: _omit, ...noReason } = completeReferral(p.id)
      await incomplete(t, school, { ...noReason, requestedTier: 2 }, ['/reasonCode'])
      await incomplete(t, school, { ...noReason, requestedTier: 3 }, ['/reasonCode'])
      const tier1 = await create(school, { ...noReason, requestedTier: 1 })
      t.match(tier1, { requestedTier: 1, reasonCode: null, status: 'SUBMITTED' })
    })

    t.test('every item missing from a bare referral is named at once', async (t) => {
      const p = await pupil({ sen_provision: 'E', looked_after: true })
      await incomplete(t, coordinator, { pupilId: p.id, requestedTier: 3, legalBasis: 'LA_S19_PERMANENT_EXCLUSION' }, [
        '/baselineAttendancePct',
        '/baselineFrom',
        '/baselineTo',
        '/exclusions',
        '/interventionsTried',
        '/needsSummary',
        '/parentConsultedOn',
        '/proposedObjectives',
        '/pupilViews',
        '/reasonCode',
        '/sendCaseworkerToldOn',
        '/virtualSchoolToldOn'
      ])
    })
  })

  t.test('a coordinator refers after a permanent exclusion; the sixth-day clock', async (t) => {
    now = at('2025-10-20')
    const pexReferral = (pupilId: string) =>
      completeReferral(pupilId, {
        legalBasis: 'LA_S19_PERMANENT_EXCLUSION',
        reasonCode: 'PEX',
        exclusions: [{ kind: 'PERMANENT', firstDay: '2025-10-20' }]
      })
    // Monday 20 October is day 1; days 2–5 are 21–24 October; half-term follows, so day 6 is Monday 3 November.
    const pending = { kind: 'SIXTH_DAY_PERMANENT_EXCLUSION', deadline: '2025-11-03', status: 'pending', metOn: null }

    const met = await pupil()
    const referral = await create(coordinator, pexReferral(met.id))
    t.match(referral, {
      status: 'SUBMITTED',
      laCode: '919',
      referringSchoolId: null,
      legalBasis: 'LA_S19_PERMANENT_EXCLUSION',
      estimatedCalendar: false
    })
    t.match(
      referral.clocks,
      [pending],
      'the deadline is the 6th school day, counting the first day of exclusion and skipping half-term'
    )
    t.equal(referral.clocks.length, 1)
    t.match((await getReferral(referral.id, school)).clocks, [pending], 'the home school sees the clock too')

    const decided = await decide(referral.id, { decision: 'ACCEPT' })
    t.equal(decided.json().status, 'ACCEPTED')
    const placed = await app.inject({
      method: 'POST',
      url: '/v1/placements',
      headers: coordinator,
      payload: placementBody(referral.id, world.own.providerId, { laNotifiedOn: null })
    })
    t.equal(placed.statusCode, 201, placed.body.slice(0, 300))
    t.match(placed.json(), {
      commissionerType: 'LA',
      commissionerSchoolId: null,
      legalBasis: 'LA_S19_PERMANENT_EXCLUSION',
      reasonCode: 'PEX'
    })
    t.match(
      placed.json().clocks,
      [{ kind: 'SIXTH_DAY_PERMANENT_EXCLUSION', deadline: '2025-11-03', status: 'met', metOn: '2025-11-03' }],
      'the placement shows the clock it meets'
    )
    t.match(
      (await getReferral(referral.id)).clocks,
      [{ ...pending, status: 'met', metOn: '2025-11-03' }],
      'met by a placement starting on the deadline'
    )

    const late = await pupil()
    const lateReferral = await accepted(coordinator, pexReferral(late.id))
    const latePlaced = await app.inject({
      method: 'POST',
      url: '/v1/placements',
      headers: coordinator,
      payload: placementBody(lateReferral.id, world.own.providerId, { startDate: '2025-11-04' })
    })
    t.equal(latePlaced.statusCode, 201, latePlaced.body.slice(0, 300))
    t.match(
      (await getReferral(lateReferral.id)).clocks,
      [{ ...pending, status: 'breached', metOn: '2025-11-04' }],
      'provision from the 7th school day breaches it'
    )

    now = at('2025-10-20')
    const partTime = await pupil()
    const partTimeReferral = await accepted(coordinator, pexReferral(partTime.id))
    const partTimePlaced = await app.inject({
      method: 'POST',
      url: '/v1/placements',
      headers: coordinator,
      payload: placementBody(partTimeReferral.id, world.own.providerId, {
        sessionsAtProvider: 6,
        sessionsAtHomeSchool: 0,
        partTimePlan: { endDate: '2025-12-19', details: 'Build up to full time' }
      })
    })
    t.equal(partTimePlaced.statusCode, 201, partTimePlaced.body.slice(0, 300))
    t.match(
      (await getReferral(partTimeReferral.id)).clocks,
      [pending],
      'a part-time placement does not meet the duty of full-time provision'
    )

    const none = await pupil()
    const waiting = await accepted(coordinator, pexReferral(none.id))
    now = at('2025-10-31')
    t.match((await getReferral(waiting.id)).clocks, [pending], 'pending during half-term')
    now = at('2025-11-03')
    t.match((await getReferral(waiting.id)).clocks, [pending], 'pending on the deadline itself')
    now = at('2025-11-04')
    t.match(
      (await getReferral(waiting.id)).clocks,
      [{ ...pending, status: 'breached' }],
      'breached once the deadline passes without provision'
    )
    t.match(
      (await getReferral(referral.id)).clocks,
      [{ status: 'met', metOn: '2025-11-03' }],
      'the met clock stays met'
    )
    now = at('2025-10-20')
  })

  t.test('consecutive suspensions add up to a sixth-day clock', async (t) => {
    now = at('2025-10-20')
    const suspension = (pupilId: string, exclusions: object[]) =>
      completeReferral(pupilId, { legalBasis: 'SUSPENSION_SIXTH_DAY', reasonCode: 'SUS', exclusions })

    const consecutive = await pupil()
    // 3 days from Monday 20 October (20–22), then 3 more from Thursday 23 (23, 24, and 3 November after half-term).
    const chained = await create(
      school,
      suspension(consecutive.id, [
        { kind: 'SUSPENSION', firstDay: '2025-10-23', lengthSchoolDays: 3 },
        { kind: 'SUSPENSION', firstDay: '2025-10-20', lengthSchoolDays: 3 }
      ])
    )
    t.equal(chained.clocks.length, 1)
    t.match(chained.clocks[0], {
      kind: 'SIXTH_DAY_SUSPENSION',
      deadline: '2025-11-03',
      status: 'pending',
      metOn: null,
      rule: /6 school days from 2025-10-20/
    })

    const apart = await pupil()
    const separate = await create(
      school,
      suspension(apart.id, [
        { kind: 'SUSPENSION', firstDay: '2025-10-20', lengthSchoolDays: 3 },
        { kind: 'SUSPENSION', firstDay: '2025-10-24', lengthSchoolDays: 3 }
      ])
    )
    t.same(separate.clocks, [], 'two 3-day suspensions with a school day between them do not add up')

    const five = await pupil()
    const short = await create(
      school,
      suspension(five.id, [{ kind: 'SUSPENSION', firstDay: '2025-10-20', lengthSchoolDays: 5 }])
    )
    t.same(short.clocks, [], "five school days is the school's to cover with work at home")
  })

  t.test('decision deadline from LA policy; overdue flag and filter', async (t) => {
    now = at('2025-10-20')
    const before = await create(school, completeReferral((await pupil()).id))
    t.equal(before.decisionDueOn, '2025-11-10', 'default 10 school days, skipping half-term')

    const policy = await app.inject({ method: 'GET', url: '/v1/local-authorities/919/policy', headers: laAdmin })
    t.equal(policy.statusCode, 200)
    const { laCode: _la, updatedAt: _at, ...fields } = policy.json()
    const noIfMatch = await app.inject({
      method: 'PUT',
      url: '/v1/local-authorities/919/policy',
      headers: laAdmin,
      payload: { ...fields, referralDecisionSchoolDays: 3 }
    })
    t.equal(noIfMatch.statusCode, 428, 'a policy change needs If-Match')
    const put = await app.inject({
      method: 'PUT',
      url: '/v1/local-authorities/919/policy',
      headers: { ...laAdmin, 'if-match': policy.headers.etag as string },
      payload: { ...fields, referralDecisionSchoolDays: 3 }
    })
    t.equal(put.statusCode, 200, put.body.slice(0, 300))
    t.equal(put.json().referralDecisionSchoolDays, 3)
    t.teardown(async () => {
      const current = await app.inject({ method: 'GET', url: '/v1/local-authorities/919/policy', headers: laAdmin })
      await app.inject({
        method: 'PUT',
        url: '/v1/local-authorities/919/policy',
        headers: { ...laAdmin, 'if-match': current.headers.etag as string },
        payload: fields
      })
    })

    const quick = await create(school, completeReferral((await pupil()).id))
    t.match(quick, { submittedOn: '2025-10-20', decisionDueOn: '2025-10-23', decisionOverdue: false })
    const decidedInTime = await create(school, completeReferral((await pupil()).id))
    const declined = await decide(decidedInTime.id, { decision: 'DECLINE', reason: 'Needs met by Tier 1 support' })
    t.match(declined.json(), {
      status: 'DECLINED',
      decisionReason: 'Needs met by Tier 1 support',
      decisionOverdue: false
    })

    const overdueIds = async () => {
      const res = await app.inject({
        method: 'GET',
        url: '/v1/referrals?overdue=true&pageSize=100',
        headers: coordinator
      })
      t.equal(res.statusCode, 200)
      return res.json().results.map((r: { id: string }) => r.id)
    }
    now = at('2025-10-23')
    t.equal((await getReferral(quick.id)).decisionOverdue, false, 'not overdue on the due day')
    t.same(await overdueIds(), [], 'nothing overdue yet')

    now = at('2025-10-24')
    const late = await getReferral(quick.id)
    t.match(late, { decisionDueOn: '2025-10-23', decisionOverdue: true })
    t.equal(
      (await getReferral(before.id)).decisionOverdue,
      false,
      'an earlier referral keeps the deadline it was given'
    )
    t.same(await overdueIds(), [quick.id], 'the overdue filter lists only the undecided referral past its deadline')
    const bySchool = await app.inject({
      method: 'GET',
      url: `/v1/referrals?overdue=true&pupilId=${quick.pupilId}`,
      headers: school
    })
    t.match(bySchool.json().results, [{ id: quick.id, decisionOverdue: true }], 'the referring school sees it flagged')

    const decidedLate = await decide(quick.id, { decision: 'ACCEPT' })
    t.match(decidedLate.json(), { status: 'ACCEPTED', decisionOverdue: false })
    t.same(await overdueIds(), [], 'a decided referral is no longer overdue')
    now = at('2025-10-20')
  })

  t.test('withdrawal', async (t) => {
    now = at('2025-10-20')
    const withdraw = (id: string, headers = school, reason = 'Parent chose elective home education') =>
      app.inject({ method: 'POST', url: `/v1/referrals/${id}/withdrawal`, headers, payload: { reason } })

    const submitted = await create(school, completeReferral((await pupil()).id))
    const other = await withdraw(submitted.id, bearer(world.other.tokens.school))
    t.equal(other.statusCode, 404, "another LA's school cannot find it")
    const byProvider = await withdraw(submitted.id, bearer(world.own.tokens.provider))
    t.equal(byProvider.statusCode, 403)
    const res = await withdraw(submitted.id)
    t.equal(res.statusCode, 200, res.body.slice(0, 300))
    t.match(res.json(), { status: 'WITHDRAWN', decisionReason: 'Parent chose elective home education' })
    t.equal(res.headers.etag, '"2"')
    const again = await refused(t, () => withdraw(submitted.id), 409)
    t.equal(again.code, 'referral_closed')
    t.equal(
      (await decide(submitted.id, { decision: 'ACCEPT' })).statusCode,
      409,
      'a withdrawn referral cannot be accepted'
    )

    const acceptedOnly = await accepted(school, completeReferral((await pupil()).id))
    const fromAccepted = await withdraw(acceptedOnly.id)
    t.match(fromAccepted.json(), { status: 'WITHDRAWN' }, 'an accepted referral not yet placed can be withdrawn')

    const placedReferral = await accepted(school, completeReferral((await pupil()).id))
    const placed = await app.inject({
      method: 'POST',
      url: '/v1/placements',
      headers: coordinator,
      payload: placementBody(placedReferral.id, world.own.providerId)
    })
    t.equal(placed.statusCode, 201, placed.body.slice(0, 300))
    const refusedPlaced = await refused(t, () => withdraw(placedReferral.id), 409)
    t.equal(refusedPlaced.code, 'referral_placed')
    t.match(refusedPlaced.detail, placed.json().id, 'the refusal names the placement')
    t.equal((await getReferral(placedReferral.id)).status, 'ACCEPTED', 'still accepted')
    const byCoordinator = await refused(t, () => withdraw(placedReferral.id, coordinator), 409)
    t.equal(byCoordinator.code, 'referral_placed')
  })

  t.test('reason codes are checked against the list, which an LA can extend', async (t) => {
    now = at('2025-10-20')
    const p = await pupil()
    const unknown = await refused(t, () => post(school, completeReferral(p.id, { reasonCode: 'LOCALX' })), 422)
    t.equal(unknown.code, 'validation_failed')
    t.match(unknown.errors, [{ path: '/reasonCode', code: 'unknown_reason_code' }])
    t.equal(unknown.errors.length, 1)
    const malformed = await refused(t, () => post(school, completeReferral(p.id, { reasonCode: 'not a code' })), 400)
    t.match(malformed.errors, [{ path: '/reasonCode', code: 'pattern' }])

    const added = await app.inject({
      method: 'POST',
      url: '/v1/reason-codes',
      headers: laAdmin,
      payload: { code: 'LOCALX', label: 'Local reintegration pilot' }
    })
    t.equal(added.statusCode, 201, added.body.slice(0, 200))
    const known = await create(school, completeReferral(p.id, { reasonCode: 'LOCALX' }))
    t.equal(known.reasonCode, 'LOCALX', "the LA's own code is accepted")
    const elsewhere = await insertPupil(db, world.other, 900)
    const otherLa = await refused(
      t,
      () => post(bearer(world.other.tokens.school), completeReferral(elsewhere.id, { reasonCode: 'LOCALX' })),
      422
    )
    t.match(
      otherLa.errors,
      [{ path: '/reasonCode', code: 'unknown_reason_code' }],
      "another LA's code is unknown to a different LA"
    )
  })

  t.test('only coordinators of the LA decide', async (t) => {
    now = at('2025-10-20')
    const referral = await create(school, completeReferral((await pupil()).id))
    const bySchool = await refused(t, () => decide(referral.id, { decision: 'ACCEPT' }, school), 403)
    t.type(bySchool.code, 'string')
    const byProvider = await refused(
      t,
      () => decide(referral.id, { decision: 'ACCEPT' }, bearer(world.own.tokens.provider)),
      403
    )
    t.type(byProvider.code, 'string')
    const otherLa = await refused(
      t,
      () => decide(referral.id, { decision: 'ACCEPT' }, bearer(world.other.tokens.coordinator)),
      404
    )
    t.equal(otherLa.code, 'referral_not_found')
    const noReason = await refused(t, () => decide(referral.id, { decision: 'DECLINE' }), 400)
    t.match(noReason.errors, [{ path: '/reason' }])
    t.match(await getReferral(referral.id), { status: 'SUBMITTED', decidedAt: null, decisionReason: null }, 'undecided')
  })

  t.test('list filters and scoping', async (t) => {
    now = at('2025-10-20')
    const list = async (query: string, headers = coordinator) => {
      const res = await app.inject({ method: 'GET', url: `/v1/referrals?pageSize=100${query}`, headers })
      t.equal(res.statusCode, 200, res.body.slice(0, 200))
      return res.json()
    }
    const p = await pupil()
    const tier3 = await create(school, completeReferral(p.id, { requestedTier: 3 }))
    const tier2 = await accepted(school, completeReferral(p.id))
    const tier1 = await create(school, completeReferral(p.id, { requestedTier: 1 }))

    const forPupil = await list(`&pupilId=${p.id}`)
    t.same(forPupil.results.map((r: { id: string }) => r.id).sort(), [tier1.id, tier2.id, tier3.id].sort(), 'by pupil')
    t.equal(forPupil.paging.totalResults, 3)
    t.same(
      (await list(`&pupilId=${p.id}&status=ACCEPTED`)).results.map((r: { id: string }) => r.id),
      [tier2.id],
      'by pupil and status'
    )
    t.same(
      (await list(`&pupilId=${p.id}&tier=3`)).results.map((r: { id: string }) => r.id),
      [tier3.id],
      'by pupil and tier'
    )

    const all = await list('')
    t.ok(all.paging.totalResults > 3)
    const accepted3 = await list('&status=ACCEPTED')
    t.ok(
      accepted3.results.length > 0 && accepted3.results.every((r: { status: string }) => r.status === 'ACCEPTED'),
      'status filter'
    )
    t.ok(accepted3.results.length < all.paging.totalResults)
    const t1 = await list('&tier=1')
    t.ok(
      t1.results.length > 0 && t1.results.every((r: { requestedTier: number }) => r.requestedTier === 1),
      'tier filter'
    )
    t.ok(t1.results.some((r: { id: string }) => r.id === tier1.id))
    const paged = await app.inject({
      method: 'GET',
      url: `/v1/referrals?pupilId=${p.id}&pageSize=2&page=2`,
      headers: coordinator
    })
    t.match(paged.json(), { paging: { page: 2, pageSize: 2, totalPages: 2, totalResults: 3 } })
    t.equal(paged.json().results.length, 1)

    const schoolView = await list(`&pupilId=${p.id}`, school)
    t.equal(schoolView.paging.totalResults, 3, 'the referring school sees its referrals')
    const otherCoordinator = await list('', bearer(world.other.tokens.coordinator))
    t.same(otherCoordinator.results, [], "another LA's coordinator sees none")
    t.equal(otherCoordinator.paging.totalResults, 0)
    t.equal(
      (await list(`&pupilId=${p.id}`, bearer(world.other.tokens.school))).paging.totalResults,
      0,
      "another LA's school sees none"
    )
    const otherGet = await app.inject({
      method: 'GET',
      url: `/v1/referrals/${tier2.id}`,
      headers: bearer(world.other.tokens.coordinator)
    })
    t.equal(otherGet.statusCode, 404)
    for (const role of ['provider', 'analyst'] as const) {
      const res = await app.inject({ method: 'GET', url: '/v1/referrals', headers: bearer(world.own.tokens[role]) })
      t.equal(res.statusCode, 403, `${role} may not list referrals`)
      t.match(res.headers['content-type'], PROBLEM)
      const one = await app.inject({
        method: 'GET',
        url: `/v1/referrals/${tier2.id}`,
        headers: bearer(world.own.tokens[role])
      })
      t.equal(one.statusCode, 403, `${role} may not read a referral`)
    }
  })
})
