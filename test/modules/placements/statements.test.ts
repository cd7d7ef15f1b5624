import type { LightMyRequestResponse } from 'fastify'
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, UnknownRow } from 'kysely'
import t from 'tap'
import { STAFFORDSHIRE_2025_26 } from '../../fixtures/calendars.js'
import { at, completeReferral, placementBody } from '../../fixtures/bodies.js'
import { bearer, buildTestApp, freshDb, insertPupil, makeWorld } from '../../helper.js'

/**
 * How many SQL statements a placement request sends (BEGIN and COMMIT not counted): creating one holds at
 * most 12, and its response is built from what the transaction already has (issue 12 §6).
 */

const describe = (node: PluginTransformQueryArgs['node']): string => {
  const n = node as unknown as Record<string, any>
  const table =
    n.from?.froms?.[0]?.table?.identifier?.name ?? n.into?.table?.identifier?.name ?? n.table?.table?.identifier?.name
  return `${node.kind}:${table ?? '?'}`
}

/**
 * Counts the statements a request executes. Kysely also runs `transformQuery` for a subquery built from `db`, so
 * a statement is counted when its result comes back (`transformResult`), described by the node of its query id.
 */
class StatementCounter implements KyselyPlugin {
  statements: string[] = []
  readonly #nodes = new WeakMap<object, string>()
  transformQuery(args: PluginTransformQueryArgs) {
    this.#nodes.set(args.queryId, describe(args.node))
    return args.node
  }

  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    this.statements.push(this.#nodes.get(args.queryId) ?? '?')
    return Promise.resolve(args.result)
  }
}

t.test('statements sent per placement request', async (t) => {
  const now = at('2025-10-20')
  const counter = new StatementCounter()
  const db = (await freshDb(t)).withPlugin(counter)
  const { app } = await buildTestApp(t, { db, clock: () => now })
  const world = await makeWorld(db)
  const coordinator = bearer(world.own.tokens.coordinator)
  const school = bearer(world.own.tokens.school)
  await app.inject({
    method: 'PUT',
    url: '/v1/local-authorities/919/calendars/2025-26',
    headers: bearer(world.own.tokens.la_admin),
    payload: { halfTerms: STAFFORDSHIRE_2025_26 }
  })
  const counted = async (what: string, send: () => Promise<LightMyRequestResponse>) => {
    counter.statements = []
    const res = await send()
    t.ok(res.statusCode < 300, `${what}: ${res.statusCode} ${res.body.slice(0, 200)}`)
    t.comment(`${what}: ${counter.statements.length} statements: ${counter.statements.join(' ')}`)
    return { res, count: counter.statements.length }
  }
  const accepted = async (serial: number) => {
    const pupil = await insertPupil(db, world.own, serial)
    const referral = await app.inject({
      method: 'POST',
      url: '/v1/referrals',
      headers: school,
      payload: completeReferral(pupil.id)
    })
    const decided = await app.inject({
      method: 'POST',
      url: `/v1/referrals/${referral.json<{ id: string }>().id}/decision`,
      headers: coordinator,
      payload: { decision: 'ACCEPT' }
    })
    return decided.json<{ id: string }>().id
  }
  const referralId = await accepted(901)
  const created = await counted('create placement', () =>
    app.inject({
      method: 'POST',
      url: '/v1/placements',
      headers: coordinator,
      payload: placementBody(referralId, world.own.providerId)
    })
  )
  // The transaction adds BEGIN and COMMIT to what the plugin sees.
  t.ok(created.count + 2 <= 12, `create placement sends at most 12 statements (sent ${created.count} + BEGIN, COMMIT)`)
  const id = created.res.json<{ id: string }>().id
  await counted('get placement', () => app.inject({ method: 'GET', url: `/v1/placements/${id}`, headers: coordinator }))
  for (const serial of [902, 903, 904, 905]) {
    const more = await accepted(serial)
    await app.inject({
      method: 'POST',
      url: '/v1/placements',
      headers: coordinator,
      payload: placementBody(more, world.own.providerId)
    })
  }
  await counted('list 5 placements', () =>
    app.inject({ method: 'GET', url: '/v1/placements?pageSize=50', headers: coordinator })
  )
})
