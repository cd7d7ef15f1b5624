import type { LightMyRequestResponse } from 'fastify'
import t, { type Test } from 'tap'
import { pauseDateErrors } from '../../../src/domain/placements.js'
import { at, review } from '../../fixtures/bodies.js'
import { acceptedReferral, activePlacement, newPupil, staffordshireWorld } from '../../fixtures/world.js'
import { bearer, countRows } from '../../helper.js'

/**
 * Issue 11: a pause and its resumption entered after the event are judged at their own dates (`from`), and
 * the review clock, the journey and the worklist use those dates. Term dates are Staffordshire's 2025/26.
 */

t.test('pauseDateErrors', async (t) => {
  const f = { startDate: '2025-11-03' }
  t.equal(pauseDateErrors('PAUSE', '2025-11-10', f, '2026-01-12'), undefined, 'a past date after the start is fine')
  t.match(pauseDateErrors('PAUSE', '2026-01-13', f, '2026-01-12'), {
    status: 400,
    errors: [{ path: '/from', code: 'date_in_future' }]
  })
  t.match(pauseDateErrors('PAUSE', '2025-11-02', f, '2026-01-12'), {
    status: 422,
    errors: [{ path: '/from', code: 'before_placement_start' }]
  })
  t.match(pauseDateErrors('PAUSE', '2025-11-19', { ...f, lastReviewOn: '2025-11-20' }, '2026-01-12'), {
    status: 422,
    errors: [{ code: 'before_last_review' }]
  })
  t.equal(
    pauseDateErrors('PAUSE', '2025-11-20', { ...f, lastReviewOn: '2025-11-20' }, '2026-01-12'),
    undefined,
    'a pause may start on the day of a review'
  )
  t.match(pauseDateErrors('PAUSE', '2025-11-19', { ...f, lastResumedOn: '2025-11-24' }, '2026-01-12'), {
    status: 422,
    errors: [{ code: 'before_last_resumption' }]
  })
  t.match(pauseDateErrors('RESUME', '2025-11-09', { ...f, pausedFrom: '2025-11-10' }, '2026-01-12'), {
    status: 422,
    errors: [{ path: '/from', code: 'before_pause' }]
  })
  t.equal(
    pauseDateErrors('RESUME', '2025-11-10', { ...f, pausedFrom: '2025-11-10' }, '2026-01-12'),
    undefined,
    'resuming on the day it paused is fine'
  )
})

let now = at('2025-10-20')
const w = await staffordshireWorld(t, () => now, { places: 100 })
const { app, db, world } = w
const coordinator = bearer(world.own.tokens.coordinator)

const TABLES = ['placement', 'placement_event', 'review', 'audit_event'] as const
const counts = async () => Object.fromEntries(await Promise.all(TABLES.map(async (n) => [n, await countRows(db, n)])))

function problem(t: Test, res: LightMyRequestResponse, status: number, code: string) {
  t.equal(res.statusCode, status, `${status}: ${res.body.slice(0, 300)}`)
  t.ok(
    res.json().errors.some((e: { path: string; code: string }) => e.path === '/from' && e.code === code),
    `names /from ${code}`
  )
}

/** A pupil referred on 2025-10-20, placed from 2025-11-03 and activated, all entered on 2026-01-12. */
async function placed() {
  now = at('2025-10-20')
  const pupil = await newPupil(w)
  const referral = await acceptedReferral(w, pupil.id, { receivedOn: '2025-10-20' })
  now = at('2026-01-12')
  const active = await activePlacement(w, referral.id, { startDate: '2025-11-03' })
  return { pupilId: pupil.id, ...active }
}
const pause = (p: { id: string; etag: string }, payload: Record<string, unknown>) =>
  app.inject({
    method: 'POST',
    url: `/v1/placements/${p.id}/pause`,
    headers: { ...coordinator, 'if-match': p.etag },
    payload
  })
const resume = (p: { id: string; etag: string }, payload: Record<string, unknown>) =>
  app.inject({
    method: 'POST',
    url: `/v1/placements/${p.id}/resumption`,
    headers: { ...coordinator, 'if-match': p.etag },
    payload
  })

t.test('a pause entered later stops the review clock over its own dates', async (t) => {
  const p = await placed()
  const paused = await pause(p, { reason: 'Hospital stay', from: '2025-11-10' })
  t.equal(paused.statusCode, 200, paused.body)
  t.match(paused.json(), { status: 'PAUSED', nextReviewDueOn: null })
  const resumed = await resume({ id: p.id, etag: paused.headers.etag as string }, { from: '2025-11-17' })
  t.equal(resumed.statusCode, 200, resumed.body)
  t.equal(
    resumed.json().nextReviewDueOn,
    '2025-12-08',
    'five paused school days push the first review (due 2025-12-01) back a week'
  )
  const events = await db
    .selectFrom('placement_event')
    .select(['event', 'on_date'])
    .where('placement_id', '=', p.id)
    .where('event', 'in', ['PAUSED', 'RESUMED'])
    .orderBy('id')
    .execute()
  t.same(
    events,
    [
      { event: 'PAUSED', on_date: '2025-11-10' },
      { event: 'RESUMED', on_date: '2025-11-17' }
    ],
    'the events carry the effective dates'
  )
  const journey = await app.inject({ method: 'GET', url: `/v1/pupils/${p.pupilId}/journey`, headers: coordinator })
  t.equal(journey.statusCode, 200, journey.body)
  const kinds = journey
    .json()
    .events.filter((e: { kind: string }) => /PAUSED|RESUMED/.test(e.kind))
    .map((e: { kind: string; occurredOn: string }) => [e.kind, e.occurredOn])
  t.same(
    kinds,
    [
      ['PLACEMENT_PAUSED', '2025-11-10'],
      ['PLACEMENT_RESUMED', '2025-11-17']
    ],
    'the journey shows when they happened'
  )
})

t.test('without a date a pause and resumption are dated today', async (t) => {
  const p = await placed()
  const paused = await pause(p, { reason: 'Provider closed' })
  t.equal(paused.statusCode, 200, paused.body)
  const resumed = await resume({ id: p.id, etag: paused.headers.etag as string }, {})
  t.equal(resumed.statusCode, 200, resumed.body)
  const dates = await db
    .selectFrom('placement_event')
    .select('on_date')
    .where('placement_id', '=', p.id)
    .where('event', 'in', ['PAUSED', 'RESUMED'])
    .execute()
  t.same(
    dates.map((d) => d.on_date),
    ['2026-01-12', '2026-01-12']
  )
})

t.test('refusals name /from and write nothing', async (t) => {
  const p = await placed()
  t.equal(
    (
      await app.inject({
        method: 'POST',
        url: `/v1/placements/${p.id}/reviews`,
        headers: coordinator,
        payload: review({ heldOn: '2025-11-20', nextReviewOn: '2025-12-12' })
      })
    ).statusCode,
    201
  )
  const { etag } = {
    etag: (await app.inject({ method: 'GET', url: `/v1/placements/${p.id}`, headers: coordinator })).headers
      .etag as string
  }
  const q = { id: p.id, etag }
  const before = await counts()
  const bad = await pause(q, { reason: 'x', from: '10/11/2025' })
  t.equal(bad.statusCode, 400, 'not a date')
  t.ok(bad.json().errors.some((e: { path: string }) => e.path === '/from'))
  problem(t, await pause(q, { reason: 'x', from: '2026-01-13' }), 400, 'date_in_future')
  problem(t, await pause(q, { reason: 'x', from: '2025-11-01' }), 422, 'before_placement_start')
  problem(t, await pause(q, { reason: 'x', from: '2025-11-19' }), 422, 'before_last_review')
  t.same(await counts(), before, 'nothing written')
  const paused = await pause(q, { reason: 'Hospital stay', from: '2025-11-24' })
  t.equal(paused.statusCode, 200, paused.body)
  const r = { id: p.id, etag: paused.headers.etag as string }
  const mid = await counts()
  problem(t, await resume(r, { from: '2025-11-21' }), 422, 'before_pause')
  problem(t, await resume(r, { from: '2026-02-01' }), 400, 'date_in_future')
  t.same(await counts(), mid, 'nothing written')
  const resumed = await resume(r, { from: '2025-12-01' })
  t.equal(resumed.statusCode, 200, resumed.body)
  problem(
    t,
    await pause({ id: p.id, etag: resumed.headers.etag as string }, { reason: 'x', from: '2025-11-28' }),
    422,
    'before_last_resumption'
  )
})
