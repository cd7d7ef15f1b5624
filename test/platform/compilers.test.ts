import t from 'tap'
import { buildTestApp } from '../helper.js'
import { compiledCount, compiledOnce } from '../../src/platform/compilers.js'

type Route = { schema: unknown; httpPart?: string }

/** A factory that records what it compiles; each compiled function answers which compilation it came from. */
function recording() {
  const compiledSchemas: unknown[] = []
  const factory = (_external: unknown, _options: unknown) => (route: Route) => {
    compiledSchemas.push(route.schema)
    const n = compiledSchemas.length
    return () => n
  }
  return { compiledSchemas, factory }
}

t.test('a second app with the same schemas reuses the compiled functions', async (t) => {
  const { compiledSchemas, factory } = recording()
  const build = compiledOnce<Route>('t1', factory)
  const schema = { type: 'object', properties: { a: { type: 'string' } } }
  const first = build({ s: 1 }, { o: 1 })({ schema, httpPart: 'body' })
  const second = build({ s: 1 }, { o: 1 })({ schema: structuredClone(schema), httpPart: 'body' })
  t.equal(second, first, 'the same function, though the schema is a new object with the same content')
  t.equal(compiledSchemas.length, 1)
})

t.test('a different schema, part, kind, shared schemas or options compiles anew', async (t) => {
  const { compiledSchemas, factory } = recording()
  const schema = { type: 'string' }
  compiledOnce<Route>('t2', factory)({}, {})({ schema, httpPart: 'body' })
  compiledOnce<Route>('t2', factory)({}, {})({ schema: { type: 'integer' }, httpPart: 'body' })
  compiledOnce<Route>('t2', factory)({}, {})({ schema, httpPart: 'querystring' })
  compiledOnce<Route>('t2-other', factory)({}, {})({ schema, httpPart: 'body' })
  compiledOnce<Route>('t2', factory)({ shared: { $id: 'x' } }, {})({ schema, httpPart: 'body' })
  compiledOnce<Route>('t2', factory)({}, { coerceTypes: false })({ schema, httpPart: 'body' })
  t.equal(compiledSchemas.length, 6)
})

t.test('the factory is called only when something needs compiling', async (t) => {
  let factories = 0
  const factory = () => {
    factories++
    return () => () => 0
  }
  compiledOnce<Route>('t3', factory)({}, {})({ schema: true })
  const before = compiledCount()
  compiledOnce<Route>('t3', factory)({}, {})({ schema: true })
  t.equal(factories, 1)
  t.equal(compiledCount(), before)
})

t.test("the app's routes: a second app compiles nothing and still validates and serializes", async (t) => {
  const { app, db } = await buildTestApp(t)
  const after = compiledCount()
  t.ok(after > 50, `the first app compiled its routes' schemas (${after})`)
  const { app: again } = await buildTestApp(t, { db })
  t.equal(compiledCount(), after)
  const refused = await again.inject({ method: 'GET', url: '/health/live?unknown=1' })
  t.equal(refused.statusCode, 400, 'the reused validator refuses an unknown query parameter')
  t.match(refused.json(), { errors: [{ path: '/querystring/unknown', code: 'additionalProperties' }] })
  const health = await again.inject({ method: 'GET', url: '/health/live' })
  t.equal(health.statusCode, 200)
  t.same(Object.keys(health.json()).sort(), Object.keys((await app.inject('/health/live')).json()).sort())
})
