import t from 'tap'
import { DateTime } from 'luxon'
import { ZONE } from '../../src/platform/time.js'
import { signedIn, textOf } from '../fixtures/pages.js'
import { acceptedReferral, activePlacement, newPupil, staffordshireWorld, type TestWorld } from '../fixtures/world.js'
import { review } from '../fixtures/bodies.js'

const clock = () => DateTime.fromISO('2026-01-20T10:00:00', { zone: ZONE })

const count = async (w: TestWorld, table: 'placement' | 'review') =>
  Number(
    (
      await w.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n
  )

const placeForm = (providerId: string) => ({
  providerId,
  'startDate-day': '2',
  'startDate-month': '2',
  'startDate-year': '2026',
  'plannedEndDate-day': '27',
  'plannedEndDate-month': '3',
  'plannedEndDate-year': '2026',
  sessionsAtProvider: '8',
  sessionsAtHomeSchool: '2',
  registration: 'DUAL_REGISTERED',
  'objectives-0-description': 'Attend all timetabled sessions',
  'objectives-0-baseline': '62% attendance',
  'objectives-0-target': '90% attendance',
  'objectives-1-description': '',
  'objectives-1-baseline': '',
  'objectives-1-target': '',
  reintegrationPlan: 'Phased return from week 8',
  'laNotifiedOn-day': '21',
  'laNotifiedOn-month': '10',
  'laNotifiedOn-year': '2025'
})

const reviewForm = (extra: Record<string, string> = {}) => ({
  'heldOn-day': '15',
  'heldOn-month': '1',
  'heldOn-year': '2026',
  attendees: ['school', 'provider', 'la', 'parent'],
  parentViews: 'Pleased with progress',
  pupilViewsMissingReason: 'Pupil chose not to attend',
  'objectives-0-progress': 'PARTLY',
  'objectives-0-evidence': 'Attendance up from 62% to 88%',
  decision: 'CONTINUE',
  'nextReviewOn-day': '5',
  'nextReviewOn-month': '2',
  'nextReviewOn-year': '2026',
  ...extra
})

t.test(
  'place a pupil from an accepted referral: capacity shown, success redirects, a missing date writes nothing',
  async (t) => {
    const w = await staffordshireWorld(t, clock)
    const own = w.world.own
    const pupil = await newPupil(w)
    const referral = await acceptedReferral(w, pupil.id, { receivedOn: '2025-10-20' })
    const coordinator = await signedIn(w.app, w.db, { role: 'coordinator', laCode: own.laCode })
    const url = `/placements/new?referralId=${referral.id}`

    const form = await coordinator.get(url)
    t.equal(form.statusCode, 200)
    const text = textOf(form.body)
    t.match(text, 'Place a pupil')
    t.match(text, 'Alex Pupil1')
    t.match(text, 'Tier 2 places and waiting lists')
    t.match(text, 'Hertfordshire Pupil Referral Unit')
    t.ok(form.body.includes('value="Attend all timetabled sessions"'), "the referral's objectives are offered")

    const before = await count(w, 'placement')
    const {
      ['startDate-day']: _d,
      ['startDate-month']: _m,
      ['startDate-year']: _y,
      ...noStart
    } = placeForm(own.providerId)
    const refused = await coordinator.post(url, noStart)
    t.equal(refused.statusCode, 400)
    const refusedText = textOf(refused.body)
    t.match(refusedText, 'There is a problem')
    t.match(refusedText, 'Enter start date')
    t.ok(refused.body.includes('href="#startDate"'), 'the summary links to the date input')
    t.ok(refused.body.includes('Phased return from week 8'), 'what was typed is kept')
    t.equal(await count(w, 'placement'), before, 'nothing written')

    const noToken = await coordinator.postWithoutToken(url, placeForm(own.providerId))
    t.equal(noToken.statusCode, 403)
    t.equal(await count(w, 'placement'), before, 'nothing written without the CSRF token')

    const done = await coordinator.post(url, placeForm(own.providerId))
    t.equal(done.statusCode, 303, done.body)
    t.match(done.headers.location, /^\/placements\/[0-9]+\?done=created$/)
    t.equal(await count(w, 'placement'), before + 1)
  }
)

t.test(
  'hold a review: success writes one review; a missing decision answers the error summary and writes nothing',
  async (t) => {
    const w = await staffordshireWorld(t, clock)
    const own = w.world.own
    const pupil = await newPupil(w)
    const placement = await activePlacement(w, (await acceptedReferral(w, pupil.id, { receivedOn: '2025-10-20' })).id)
    const provider = await signedIn(w.app, w.db, { role: 'provider', laCode: own.laCode, providerId: own.providerId })
    const url = `/placements/${placement.id}/reviews/new`

    const form = await provider.get(url)
    t.equal(form.statusCode, 200)
    t.match(textOf(form.body), 'Objective 1: Attend all timetabled sessions')
    t.match(textOf(form.body), 'due by')

    const before = await count(w, 'review')
    const { decision: _decision, ...noDecision } = reviewForm()
    const refused = await provider.post(url, noDecision)
    t.equal(refused.statusCode, 400)
    const refusedText = textOf(refused.body)
    t.match(refusedText, 'There is a problem')
    t.match(refusedText, 'Select the decision')
    t.ok(refused.body.includes('href="#decision"'))
    t.ok(refused.body.includes('Attendance up from 62% to 88%'), 'what was typed is kept')
    t.equal(await count(w, 'review'), before, 'nothing written')

    const noToken = await provider.postWithoutToken(url, reviewForm())
    t.equal(noToken.statusCode, 403)
    t.equal(await count(w, 'review'), before, 'nothing written without the CSRF token')

    const done = await provider.post(url, reviewForm())
    t.equal(done.statusCode, 303, textOf(done.body))
    t.equal(done.headers.location, `/placements/${placement.id}?done=review`)
    t.equal(await count(w, 'review'), before + 1)

    // The school adds its view to the review.
    const reviewId = (await w.db.selectFrom('review').select('id').executeTakeFirstOrThrow()).id
    const school = await signedIn(w.app, w.db, { role: 'school', laCode: own.laCode, schoolId: own.schoolId })
    const viewUrl = `/placements/${placement.id}/reviews/${reviewId}/school-view`
    t.equal((await school.get(viewUrl)).statusCode, 200)
    const saved = await school.post(viewUrl, { view: 'Settling well; attendance still below target' })
    t.equal(saved.statusCode, 303, textOf(saved.body))
    t.equal(saved.headers.location, `/placements/${placement.id}?done=school-view`)

    // Another LA's placement is not found.
    const otherPupil = await newPupil(w, w.world.other)
    const other = await activePlacement(
      w,
      (await acceptedReferral(w, otherPupil.id, { receivedOn: '2025-10-20' }, w.world.other)).id,
      {},
      w.world.other
    )
    const coordinator = await signedIn(w.app, w.db, { role: 'coordinator', laCode: own.laCode })
    t.equal((await coordinator.get(`/placements/${other.id}/reviews/new`)).statusCode, 404)
    t.equal((await coordinator.get(`/placements/${other.id}/outcome`)).statusCode, 404)
  }
)

t.test('close with an outcome, record an assessment, and the providers pages', async (t) => {
  const w = await staffordshireWorld(t, clock)
  const own = w.world.own
  const pupil = await newPupil(w)
  const placement = await activePlacement(w, (await acceptedReferral(w, pupil.id, { receivedOn: '2025-10-20' })).id)
  const coordinator = await signedIn(w.app, w.db, { role: 'coordinator', laCode: own.laCode })
  const held = await w.app.inject({
    method: 'POST',
    url: `/v1/placements/${placement.id}/reviews`,
    headers: { authorization: `Bearer ${own.tokens.coordinator}` },
    payload: review({ heldOn: '2026-01-12', nextReviewOn: '2026-02-02' })
  })
  t.equal(held.statusCode, 201, held.body)

  const assessment = await coordinator.post(`/placements/${placement.id}/assessments/new`, {
    subject: 'MATHS',
    stage: 'REVIEW',
    'assessedOn-day': '12',
    'assessedOn-month': '1',
    'assessedOn-year': '2026',
    scale: 'GCSE_9_1',
    score: '4',
    reviewId: held.json().id
  })
  t.equal(assessment.statusCode, 303, textOf(assessment.body))
  t.equal(assessment.headers.location, `/placements/${placement.id}?done=assessment`)

  const url = `/placements/${placement.id}/outcome`
  const page = await coordinator.get(url)
  t.equal(page.statusCode, 200)
  t.match(textOf(page.body), 'Returned to the home school full time')
  const version = /name="version" value="([^"]+)"/.exec(page.body)?.[1] ?? ''
  t.ok(version, 'the form carries the placement version')
  const outcome = {
    version: version.replace(/&quot;/g, '"'),
    code: 'RETURNED_TO_HOME_SCHOOL_FULL_TIME',
    'effectiveDate-day': '19',
    'effectiveDate-month': '1',
    'effectiveDate-year': '2026',
    receivingSchoolId: own.schoolId,
    finalReviewId: held.json().id
  }
  const noToken = await coordinator.postWithoutToken(url, outcome)
  t.equal(noToken.statusCode, 403)
  const closed = await coordinator.post(url, outcome)
  t.equal(closed.statusCode, 303, textOf(closed.body))
  t.equal(closed.headers.location, `/placements/${placement.id}?done=outcome`)
  const row = await w.db
    .selectFrom('placement')
    .select('status')
    .where('id', '=', placement.id)
    .executeTakeFirstOrThrow()
  t.equal(row.status, 'ENDED')

  const school = await signedIn(w.app, w.db, { role: 'school', laCode: own.laCode, schoolId: own.schoolId })
  const followUp = await school.get(`/placements/${placement.id}/follow-ups/SIX_SCHOOL_WEEKS`)
  t.equal(followUp.statusCode, 200)
  t.match(textOf(followUp.body), 'Record the six school weeks follow-up check')

  const list = await coordinator.get('/providers')
  t.equal(list.statusCode, 200)
  t.match(textOf(list.body), 'Hertfordshire Pupil Referral Unit')
  t.notMatch(textOf(list.body), 'Camden Pupil Referral Unit')
  const one = await coordinator.get(`/providers/${own.providerId}`)
  t.equal(one.statusCode, 200)
  t.match(textOf(one.body), 'Registration check')
  t.equal((await coordinator.get(`/providers/${w.world.other.providerId}`)).statusCode, 404)
})
