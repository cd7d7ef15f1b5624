import t from 'tap'
import { DateTime } from 'luxon'
import { ZONE } from '../../src/platform/time.js'
import { signedIn, textOf } from '../fixtures/pages.js'
import { acceptedReferral, activePlacement, newPupil, staffordshireWorld } from '../fixtures/world.js'

const clock = () => DateTime.fromISO('2026-01-20T10:00:00', { zone: ZONE })

t.test('the coordinator worklist page shows what GET /v1/worklist returns, with pupil names', async (t) => {
  const w = await staffordshireWorld(t, clock)
  const pupil = await newPupil(w)
  const placement = await activePlacement(w, (await acceptedReferral(w, pupil.id, { receivedOn: '2025-10-20' })).id)
  const own = w.world.own
  const coordinator = await signedIn(w.app, w.db, { role: 'coordinator', laCode: own.laCode })
  const res = await coordinator.get('/worklist')
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /text\/html/)
  t.equal(res.headers['cache-control'], 'no-store')
  const api = await w.app.inject({
    url: '/v1/worklist?pageSize=50',
    headers: { authorization: `Bearer ${own.tokens.coordinator}` }
  })
  const items = api.json().results as { kind: string; placementId: string | null }[]
  t.ok(items.length > 0, 'the API lists something to do')
  const byKind: Record<string, number> = {}
  for (const i of items) byKind[i.kind] = (byKind[i.kind] ?? 0) + 1
  t.same(api.json().countsByKind, byKind, 'countsByKind counts the whole list')
  const onePerPage = await w.app.inject({
    url: '/v1/worklist?pageSize=1',
    headers: { authorization: `Bearer ${own.tokens.coordinator}` }
  })
  t.same(onePerPage.json().countsByKind, byKind, 'whatever the page size')
  const text = textOf(res.body)
  t.match(text, `${api.json().paging.totalResults} item`)
  t.ok(res.body.includes(`/placements/${placement.id}`), 'each item links to its placement')
  for (const [kind, count] of Object.entries(byKind))
    t.match(res.body, new RegExp(`>${count}</strong>\\s*<a class="govuk-link" href="/worklist\\?kind=${kind}"`), kind)
  const audit = await w.db
    .selectFrom('audit_event')
    .select(['actor', 'entity', 'request_id'])
    .where('actor', '=', 'test:coordinator')
    .execute()
  t.ok(
    audit.some((a) => a.entity === 'worklist'),
    'the page leaves the worklist audit rows, under the user'
  )
  t.ok(
    audit.some((a) => a.request_id === res.headers['x-request-id']),
    'with the page request id'
  )
})

t.test('signed-out requests to a page redirect to sign-in; a role that may not open it gets 403', async (t) => {
  const w = await staffordshireWorld(t, clock)
  const res = await w.app.inject({ url: '/worklist?kind=REVIEW_DUE' })
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, `/sign-in?returnTo=${encodeURIComponent('/worklist?kind=REVIEW_DUE')}`)
  const analyst = await signedIn(w.app, w.db, { role: 'analyst', laCode: w.world.own.laCode })
  const refused = await analyst.get('/worklist')
  t.equal(refused.statusCode, 403)
  t.match(textOf(refused.body), 'You cannot do this')
})
