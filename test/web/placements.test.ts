import t from 'tap'
import { DateTime } from 'luxon'
import { ZONE } from '../../src/platform/time.js'
import { bearer } from '../helper.js'
import { review } from '../fixtures/bodies.js'
import { signedIn, textOf } from '../fixtures/pages.js'
import { acceptedReferral, activePlacement, newPupil, plannedPlacement, staffordshireWorld } from '../fixtures/world.js'

const clock = () => DateTime.fromISO('2026-01-20T10:00:00', { zone: ZONE })

/** The placement as the API answers it to the own LA's coordinator, with its ETag. */
async function placementOf(id: string) {
  const res = await w.app.inject({ url: `/v1/placements/${id}`, headers: bearer(w.world.own.tokens.coordinator) })
  return { ...(res.json() as { status: string; tier: number; nextReviewDueOn: string | null }), etag: res.headers.etag }
}

const govukDate = (iso: string) => DateTime.fromISO(iso, { zone: ZONE }).toFormat('d MMMM yyyy')

// One app and database for the file (building one is most of a test's time); each test makes its own pupils.
const w = await staffordshireWorld(t, clock)

t.test('the list and the placement page show what the API returns, to each role; another LA’s is 404', async (t) => {
  const own = w.world.own
  const pupil = await newPupil(w)
  const active = await activePlacement(w, (await acceptedReferral(w, pupil.id, { receivedOn: '2025-10-20' })).id)
  const otherPupil = await newPupil(w, w.world.other)
  const theirs = await plannedPlacement(
    w,
    (await acceptedReferral(w, otherPupil.id, { receivedOn: '2025-10-20' }, w.world.other)).id,
    {},
    w.world.other
  )
  const held = await w.app.inject({
    method: 'POST',
    url: `/v1/placements/${active.id}/reviews`,
    headers: bearer(own.tokens.coordinator),
    payload: review()
  })
  t.equal(held.statusCode, 201, 'a review is held through the API')
  const json = await placementOf(active.id)
  t.equal(json.status, 'ACTIVE')
  t.ok(json.nextReviewDueOn, 'the API gives a next review date')

  const coordinator = await signedIn(w.app, w.db, { role: 'coordinator', laCode: own.laCode })
  const list = await coordinator.get('/placements?status=ACTIVE&tier=2')
  t.equal(list.statusCode, 200)
  t.ok(list.body.includes(`href="/placements/${active.id}"`), 'the row links to the placement')
  t.match(textOf(list.body), `Alex ${pupil.legal_surname}`)
  t.match(textOf(list.body), '1 placement.')
  const none = await coordinator.get('/placements?status=CANCELLED')
  t.match(textOf(none.body), 'No placements match these filters')
  t.equal((await coordinator.get('/placements?colour=red')).statusCode, 400, 'an unknown query parameter is refused')

  const school = await signedIn(w.app, w.db, { role: 'school', laCode: own.laCode, schoolId: own.schoolId })
  const provider = await signedIn(w.app, w.db, { role: 'provider', laCode: own.laCode, providerId: own.providerId })
  t.ok((await provider.get('/placements')).body.includes(`/placements/${active.id}`), 'a provider lists its placement')
  for (const [who, browser] of [
    ['coordinator', coordinator],
    ['school', school],
    ['provider', provider]
  ] as const) {
    const res = await browser.get(`/placements/${active.id}`)
    t.equal(res.statusCode, 200, `${who} opens the placement`)
    const text = textOf(res.body)
    t.match(text, `Alex ${pupil.legal_surname}: Tier 2 placement`, `${who}: the h1`)
    t.match(text, 'Tier Tier 2', `${who}: the tier`)
    t.match(res.body, /id="status">Active</, `${who}: the status tag`)
    t.match(text, `Due by ${govukDate(json.nextReviewDueOn!)}`, `${who}: the next review date`)
    t.match(text, /Attendance by week|No sessions marked yet/, `${who}: the attendance section`)
    t.equal((res.body.match(/<h1/g) ?? []).length, 1, `${who}: one h1`)
    const pause = res.body.includes(`href="/placements/${active.id}/pause"`)
    t.equal(pause, who === 'coordinator', `${who}: only the coordinator may pause`)
    const holds = res.body.includes(`href="/placements/${active.id}/reviews/new"`)
    t.equal(holds, who !== 'school', `${who}: the coordinator and provider hold reviews`)
    t.match(text, 'Review on 20 November 2025', `${who}: the review`)
    t.match(text, 'Pleased with progress', `${who}: the parent's views`)
    const view = res.body.includes(`href="/placements/${active.id}/reviews/${held.json().id}/school-view"`)
    t.equal(view, who === 'school', `${who}: only the school adds its view`)
  }

  const refused = await coordinator.get(`/placements/${theirs.id}`)
  t.equal(refused.statusCode, 404, 'another LA’s placement is not found')
  t.match(textOf(refused.body), 'Page not found')
  t.equal((await coordinator.get(`/placements/${theirs.id}/pause`)).statusCode, 404, 'nor its forms')
  t.equal((await school.get(`/placements/${active.id}/pause`)).statusCode, 403, 'a school cannot open a lifecycle form')
})

t.test('activate: a PLANNED placement becomes ACTIVE; one not yet started lists what blocks it', async (t) => {
  const own = w.world.own
  const planned = await plannedPlacement(
    w,
    (await acceptedReferral(w, (await newPupil(w)).id, { receivedOn: '2025-10-20' })).id
  )
  const later = await plannedPlacement(
    w,
    (await acceptedReferral(w, (await newPupil(w)).id, { receivedOn: '2025-10-20' })).id,
    { startDate: '2026-02-23', plannedEndDate: '2026-05-22' }
  )
  const coordinator = await signedIn(w.app, w.db, { role: 'coordinator', laCode: own.laCode })
  const show = await coordinator.get(`/placements/${planned.id}`)
  t.ok(show.body.includes(`href="/placements/${planned.id}/activate"`), 'the page links to the activation form')

  const form = await coordinator.get(`/placements/${planned.id}/activate`)
  t.equal(form.statusCode, 200)
  const version = /name="version" value="([^"]+)"/.exec(form.body)?.[1] ?? ''
  t.equal(version.replace(/&quot;/g, '"'), planned.etag, 'the form carries the placement’s ETag')
  const done = await coordinator.post(`/placements/${planned.id}/activate`, {
    version: version.replace(/&quot;/g, '"')
  })
  t.equal(done.statusCode, 303)
  t.equal(done.headers.location, `/placements/${planned.id}?done=activated`)
  t.equal((await placementOf(planned.id)).status, 'ACTIVE')
  t.match(textOf((await coordinator.get(done.headers.location as string)).body), 'The placement is now active')

  const before = await placementOf(later.id)
  const refusedForm = await coordinator.get(`/placements/${later.id}/activate`)
  t.match(textOf(refusedForm.body), 'not met yet')
  const refused = await coordinator.post(`/placements/${later.id}/activate`, { version: before.etag as string })
  t.equal(refused.statusCode, 422)
  const text = textOf(refused.body)
  t.match(text, 'There is a problem')
  t.match(text, /The placement starts on 2026-02-23/)
  const after = await placementOf(later.id)
  t.equal(after.status, 'PLANNED', 'nothing changed')
  t.equal(after.etag, before.etag)
})

t.test('pause: a missing reason is refused with the form kept; then it pauses; no token, no change', async (t) => {
  const own = w.world.own
  const active = await activePlacement(
    w,
    (await acceptedReferral(w, (await newPupil(w)).id, { receivedOn: '2025-10-20' })).id
  )
  const coordinator = await signedIn(w.app, w.db, { role: 'coordinator', laCode: own.laCode })
  const url = `/placements/${active.id}/pause`
  const before = await placementOf(active.id)

  const refused = await coordinator.post(url, {
    version: before.etag as string,
    reason: '  ',
    'from-day': '19',
    'from-month': '1',
    'from-year': '2026'
  })
  t.equal(refused.statusCode, 400)
  const text = textOf(refused.body)
  t.match(text, 'There is a problem')
  t.match(refused.body, /href="#reason">Enter why the placement is paused</, 'the summary links to the reason')
  t.match(refused.body, /id="reason-error"/, 'the inline message')
  t.match(refused.body, /id="from-day" name="from-day" type="text" value="19"/, 'the typed date is kept')
  let now = await placementOf(active.id)
  t.equal(now.status, 'ACTIVE', 'nothing was written')
  t.equal(now.etag, before.etag)

  const noToken = await coordinator.postWithoutToken(url, { version: before.etag as string, reason: 'Hospital stay' })
  t.equal(noToken.statusCode, 403)
  now = await placementOf(active.id)
  t.equal(now.status, 'ACTIVE', 'a post without its CSRF token writes nothing')
  t.equal(now.etag, before.etag)

  const paused = await coordinator.post(url, {
    version: before.etag as string,
    reason: 'Hospital stay',
    'from-day': '19',
    'from-month': '1',
    'from-year': '2026'
  })
  t.equal(paused.statusCode, 303)
  t.equal(paused.headers.location, `/placements/${active.id}?done=paused`)
  now = await placementOf(active.id)
  t.equal(now.status, 'PAUSED')
  const page = textOf((await coordinator.get(paused.headers.location as string)).body)
  t.match(page, 'The placement is paused')
  t.match(page, 'Paused: Hospital stay')
  t.match(page, 'Resume the placement')
})
