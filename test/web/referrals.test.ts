import t from 'tap'
import { DateTime } from 'luxon'
import { ZONE } from '../../src/platform/time.js'
import { bearer, countRows } from '../helper.js'
import { completeReferral } from '../fixtures/bodies.js'
import { signedIn, textOf } from '../fixtures/pages.js'
import { acceptedReferral, newPupil, staffordshireWorld, type TestWorld } from '../fixtures/world.js'

const clock = () => DateTime.fromISO('2026-01-20T10:00:00', { zone: ZONE })

/** A referral by the own school, left undecided. */
async function submittedReferral(w: TestWorld, pupilId: string, extra: Record<string, unknown> = {}) {
  const res = await w.app.inject({
    method: 'POST',
    url: '/v1/referrals',
    headers: bearer(w.world.own.tokens.school),
    payload: completeReferral(pupilId, extra)
  })
  if (res.statusCode !== 201) throw new Error(res.body)
  return res.json() as { id: string }
}

const referralStatus = async (w: TestWorld, id: string) =>
  (await w.app.inject({ url: `/v1/referrals/${id}`, headers: bearer(w.world.own.tokens.coordinator) })).json()
    .status as string

t.test('pupils: the list and a pupil page show what the API returns; another LA’s pupil is 404', async (t) => {
  const w = await staffordshireWorld(t, clock)
  const pupil = await newPupil(w, w.world.own, { preferred_forename: 'Sam', sen_provision: 'K' } as Record<
    string,
    unknown
  >)
  const other = await newPupil(w, w.world.other)
  await acceptedReferral(w, pupil.id, { receivedOn: '2026-01-12' })
  const school = await signedIn(w.app, w.db, {
    role: 'school',
    laCode: w.world.own.laCode,
    schoolId: w.world.own.schoolId
  })

  const list = await school.get('/pupils')
  t.equal(list.statusCode, 200)
  const listText = textOf(list.body)
  t.match(listText, `Sam ${pupil.legal_surname}`)
  t.ok(list.body.includes(`href="/pupils/${pupil.id}"`), 'each pupil links to its page')
  t.notOk(listText.includes(other.legal_surname), 'another LA’s pupil is not listed')
  t.notMatch(listText, /SEN support/, 'SEN provision is not shown')

  const res = await school.get(`/pupils/${pupil.id}`)
  t.equal(res.statusCode, 200)
  const text = textOf(res.body)
  t.match(text, pupil.upn, 'identity')
  t.match(text, '14 March 2012')
  t.match(text, 'Referral submitted (Tier 2)', 'the journey shows the referral')
  t.match(text, 'Referral accepted')
  t.match(text, /Met Decision: due/, 'with its decision clock')
  t.match(res.body, /class="moj-timeline"/)
  t.notMatch(text, /SEN support/, 'SEN provision hidden by default')
  t.notMatch(text, /Escalating dysregulation/, 'the needs summary hidden by default')
  t.match(text, 'Why do you need to see this?')

  const missing = await school.get(`/pupils/${other.id}`)
  t.equal(missing.statusCode, 404)
  t.match(textOf(missing.body), 'Page not found')
  const coordinator = await signedIn(w.app, w.db, { role: 'coordinator', laCode: w.world.own.laCode })
  t.equal((await coordinator.get(`/pupils/${other.id}`)).statusCode, 404, 'nor to the coordinator')
  t.equal((await coordinator.get(`/pupils/${pupil.id}`)).statusCode, 200)

  // SEND and health detail: shown only for a recorded reason.
  const url = `/pupils/${pupil.id}/send-health`
  const refused = await school.post(url, { reason: 'why' }, `/pupils/${pupil.id}`)
  t.equal(refused.statusCode, 400)
  t.match(textOf(refused.body), 'There is a problem')
  t.ok(refused.body.includes('href="#reason"'), 'the summary links to the reason')
  t.match(refused.body, />why<\/textarea>/, 'the reason typed is kept')
  t.notMatch(textOf(refused.body), /SEN support/)
  const audited = () => w.db.selectFrom('audit_event').select('id').where('entity', '=', 'pupil_send_health').execute()
  const before = (await audited()).length
  t.equal((await school.postWithoutToken(url, { reason: 'Preparing for the panel meeting' })).statusCode, 403)
  const shown = await school.post(url, { reason: 'Preparing for the panel meeting' }, `/pupils/${pupil.id}`)
  t.equal(shown.statusCode, 200)
  const shownText = textOf(shown.body)
  t.match(shownText, 'SEN support')
  t.match(shownText, 'Escalating dysregulation in lessons')
  t.equal((await audited()).length, before + 1, 'one recorded view, none for the refused token')
})

t.test('referrals: the inbox, a referral page, the decision, referral and withdrawal forms', async (t) => {
  const w = await staffordshireWorld(t, clock)
  const pupil = await newPupil(w, w.world.own, { preferred_forename: 'Kit' })
  const referral = await submittedReferral(w, pupil.id, { receivedOn: '2026-01-05' })
  const otherPupil = await newPupil(w, w.world.other)
  const otherReferral = await w.app.inject({
    method: 'POST',
    url: '/v1/referrals',
    headers: bearer(w.world.other.tokens.school),
    payload: completeReferral(otherPupil.id)
  })
  const coordinator = await signedIn(w.app, w.db, { role: 'coordinator', laCode: w.world.own.laCode })

  const inbox = await coordinator.get('/referrals')
  t.equal(inbox.statusCode, 200)
  const inboxText = textOf(inbox.body)
  t.match(inboxText, `Kit ${pupil.legal_surname}`)
  t.match(inboxText, 'Awaiting decision')
  t.match(inboxText, '5 January 2026')
  t.ok(inbox.body.includes(`href="/referrals/${referral.id}"`))
  const accepted = await coordinator.get('/referrals?status=ACCEPTED')
  t.notOk(accepted.body.includes(`href="/referrals/${referral.id}"`), 'the status filter reaches the API')
  t.equal((await coordinator.get('/referrals?status=NOPE')).statusCode, 400)

  const page = await coordinator.get(`/referrals/${referral.id}`)
  t.equal(page.statusCode, 200)
  const text = textOf(page.body)
  t.match(text, `Referral for Kit ${pupil.legal_surname}`)
  t.match(text, 'Tier 2: time-limited placement')
  t.match(text, 'Mentoring, reduced timetable, EP assessment')
  t.notMatch(text, /Escalating dysregulation/, 'the needs summary stays hidden')
  t.match(text, 'Record decision')
  t.equal((await coordinator.get(`/referrals/${otherReferral.json().id}`)).statusCode, 404)

  const url = `/referrals/${referral.id}/decision`
  const noToken = await coordinator.postWithoutToken(url, { decision: 'ACCEPT' })
  t.equal(noToken.statusCode, 403)
  t.equal(await referralStatus(w, referral.id), 'SUBMITTED', 'nothing written without the token')

  const declineBare = await coordinator.post(url, { decision: 'DECLINE' }, `/referrals/${referral.id}`)
  t.equal(declineBare.statusCode, 400)
  const bareText = textOf(declineBare.body)
  t.match(bareText, 'There is a problem')
  t.ok(declineBare.body.includes('href="#reason"'))
  t.match(declineBare.body, /id="decision-2"[^>]*checked/, 'the choice is kept')
  t.equal(await referralStatus(w, referral.id), 'SUBMITTED', 'nothing written on refusal')

  const ok = await coordinator.post(url, { decision: 'ACCEPT', reason: 'Meets Tier 2' }, `/referrals/${referral.id}`)
  t.equal(ok.statusCode, 303)
  t.equal(ok.headers.location, `/referrals/${referral.id}?done=decided`)
  t.equal(await referralStatus(w, referral.id), 'ACCEPTED')
  const after = await coordinator.get(ok.headers.location as string)
  t.match(textOf(after.body), 'Decision recorded')
  t.ok(after.body.includes(`/placements/new?referralId=${referral.id}`), 'a link to place the pupil')
  t.notMatch(textOf(after.body), /Record decision/)

  // The referral form: a school refers its pupil; an incomplete referral names each missing item.
  const formPupil = await newPupil(w)
  const school = await signedIn(w.app, w.db, {
    role: 'school',
    laCode: w.world.own.laCode,
    schoolId: w.world.own.schoolId
  })
  const form = await school.get(`/referrals/new?pupilId=${formPupil.id}`)
  t.equal(form.statusCode, 200)
  t.match(form.body, new RegExp(`<option value="${formPupil.id}" selected`), 'the pupil is chosen')

  const before = await countRows(w.db, 'referral')
  const incomplete = await school.post('/referrals/new', {
    pupilId: formPupil.id,
    requestedTier: '2',
    legalBasis: 'SCHOOL_COMMISSIONED',
    reasonCode: 'BEH',
    interventionsTried: 'Mentoring and a reduced timetable'
  })
  t.equal(incomplete.statusCode, 422)
  const formText = textOf(incomplete.body)
  t.match(formText, 'There is a problem')
  for (const id of [
    'needsSummary',
    'pupilViews',
    'objectives-0-description',
    'parentConsultedOn',
    'baselineAttendancePct',
    'baselineFrom',
    'baselineTo'
  ])
    t.ok(incomplete.body.includes(`href="#${id}"`), `the summary links to ${id}`)
  t.match(formText, 'Enter summary of needs')
  t.match(incomplete.body, /Mentoring and a reduced timetable<\/textarea>/, 'typed text is kept')
  t.equal(await countRows(w.db, 'referral'), before, 'nothing written')

  const formNoToken = await school.postWithoutToken('/referrals/new', { pupilId: formPupil.id })
  t.equal(formNoToken.statusCode, 403)
  t.equal(await countRows(w.db, 'referral'), before)

  const sent = await school.post('/referrals/new', {
    pupilId: formPupil.id,
    requestedTier: '2',
    legalBasis: 'SCHOOL_COMMISSIONED',
    reasonCode: 'BEH',
    'receivedOn-day': '12',
    'receivedOn-month': '1',
    'receivedOn-year': '2026',
    needsSummary: 'Escalating dysregulation in lessons',
    interventionsTried: 'Mentoring and a reduced timetable',
    pupilViews: 'Wants a fresh start',
    'objectives-0-description': 'Attend all sessions',
    'objectives-0-baseline': '62% attendance',
    'objectives-0-target': '90% attendance',
    'parentConsultedOn-day': '8',
    'parentConsultedOn-month': '1',
    'parentConsultedOn-year': '2026',
    baselineAttendancePct: '62.5',
    'baselineFrom-day': '1',
    'baselineFrom-month': '9',
    'baselineFrom-year': '2025',
    'baselineTo-day': '17',
    'baselineTo-month': '10',
    'baselineTo-year': '2025',
    exclusionKind: ''
  })
  t.equal(sent.statusCode, 303, sent.body)
  t.equal(await countRows(w.db, 'referral'), before + 1, 'one referral written')
  const id = /^\/referrals\/([0-9]+)\?done=created$/.exec(String(sent.headers.location))?.[1]
  t.ok(id, 'redirects to the new referral')
  const created = (
    await w.app.inject({ url: `/v1/referrals/${id}`, headers: bearer(w.world.own.tokens.school) })
  ).json()
  t.equal(created.receivedOn, '2026-01-12')
  t.same(created.proposedObjectives, [
    { description: 'Attend all sessions', baseline: '62% attendance', target: '90% attendance' }
  ])
  t.equal(created.baselineAttendancePct, 62.5)
  const shown = await school.get(String(sent.headers.location))
  t.match(textOf(shown.body), 'Referral sent')
  t.match(textOf(shown.body), 'Withdraw this referral')

  const withdrawn = await school.post(
    `/referrals/${id}/withdraw`,
    { withdrawReason: 'Pupil moved away' },
    `/referrals/${id}`
  )
  t.equal(withdrawn.statusCode, 303)
  t.equal(await referralStatus(w, id!), 'WITHDRAWN')
})
