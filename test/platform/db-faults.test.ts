import { sql } from 'kysely'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { defaultConfig } from '../../src/platform/config.js'
import { createDb, isDatabaseUnavailable } from '../../src/db/database.js'
import { startServer } from '../fixtures/spawn-server.js'
import { freshDb, makeWorld, ownerUrlOf, TEST_DATABASE_URL, TEST_SERVICE_ROLE, upnFor } from '../helper.js'

// Database faults never stop the service (issue 11 §1): a lost database answers 503 with Retry-After, never
// 500; the process stays up and serves again by itself; no acknowledged write is lost.

const CLOSED = 'postgres://nobody@127.0.0.1:1/nowhere' // nothing listens on port 1

t.test('which errors mean the database is away', async (t) => {
  const sqlState = (code: string) => Object.assign(new Error('x'), { code })
  for (const code of [
    '57P01',
    '57P02',
    '57P03',
    '08006',
    '08001',
    '53300',
    '40001',
    '40P01',
    'ECONNREFUSED',
    'ECONNRESET',
    'ETIMEDOUT'
  ]) {
    t.ok(isDatabaseUnavailable(sqlState(code)), code)
  }
  t.ok(isDatabaseUnavailable(new Error('Connection terminated unexpectedly')))
  t.ok(isDatabaseUnavailable(new Error('timeout exceeded when trying to connect')))
  t.ok(
    isDatabaseUnavailable(new AggregateError([sqlState('ECONNREFUSED')], '')),
    'an AggregateError of refused connections (IPv4 and IPv6)'
  )
  for (const code of ['23505', '23514', '22003', '42501', 'P0001'])
    t.notOk(isDatabaseUnavailable(sqlState(code)), `${code} is the request's or the code's fault`)
  t.notOk(isDatabaseUnavailable('not an error'))
})

t.test('an unreachable database at start: one line naming the host of DATABASE_URL, exit non-zero', async (t) => {
  const server = startServer({ DATABASE_URL: CLOSED, PORT: '0' })
  t.equal(await server.exited, 1)
  t.match(server.output(), /^Cannot reach the database at 127\.0\.0\.1:1\/nowhere \(DATABASE_URL\): ECONNREFUSED\n$/)
})

t.test(
  'while the database is away every request answers 503 problem+json with Retry-After; health says not ready',
  async (t) => {
    const db = createDb({ databaseUrl: CLOSED, connectTimeoutMs: 1000 })
    const app = await buildApp({ db, config: defaultConfig({ MAX_EVENT_LOOP_DELAY_MS: 0 }) })
    t.teardown(async () => {
      await app.close()
      await db.destroy()
    })
    const token = `apt_${'a'.repeat(43)}`
    for (const [method, url] of [
      ['GET', '/v1/me'],
      ['GET', '/v1/pupils'],
      ['POST', '/v1/pupils'],
      ['GET', '/health/ready']
    ] as const) {
      const res = await app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${token}` },
        ...(method === 'POST' ? { payload: {} } : {})
      })
      t.equal(res.statusCode, 503, `${method} ${url}: 503`)
      t.match(String(res.headers['content-type']), /^application\/problem\+json/)
      t.equal(res.json().code, 'database_unavailable')
      t.ok(Number(res.headers['retry-after']) >= 1, 'Retry-After')
    }
    t.equal((await app.inject({ method: 'GET', url: '/health/live' })).statusCode, 200, 'the process is alive')
  }
)

if (TEST_DATABASE_URL) {
  const dbName = (url: string) => new URL(url).pathname.slice(1)

  t.test(
    'backends terminated in flight and idle, repeatedly, under concurrent writes: no 500, no exit, nothing lost',
    async (t) => {
      const db = await freshDb(t)
      const world = await makeWorld(db)
      const serviceUrl = new URL(ownerUrlOf(db)!)
      serviceUrl.username = TEST_SERVICE_ROLE
      const server = startServer({
        DATABASE_URL: serviceUrl.toString(),
        PORT: '0',
        DB_POOL_MAX: '6',
        MAX_EVENT_LOOP_DELAY_MS: '0',
        RATE_LIMIT_MAX: '100000'
      })
      t.teardown(() => {
        server.child.kill('SIGKILL')
      })
      const base = await server.listening
      const admin = createDb({ databaseUrl: ownerUrlOf(db), poolMax: 1 })
      t.teardown(() => admin.destroy())
      const terminate = async (state: 'any' | 'idle') => {
        const { rows } = await sql<{
          n: number
        }>`select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
        where datname = ${dbName(serviceUrl.toString())} and usename = ${TEST_SERVICE_ROLE}
          and (${state} = 'any' or state = 'idle')`.execute(admin)
        return rows[0]?.n ?? 0
      }
      const auth = { authorization: `Bearer ${world.own.tokens.coordinator}`, 'content-type': 'application/json' }
      const statuses = new Map<number, number>()
      const acknowledged: string[] = []
      let serial = 5000
      let stop = false
      // A client as real ones behave: on 503 it waits and repeats the same request with the same key.
      const client = async (n: number) => {
        while (!stop) {
          const mine = ++serial
          const upn = upnFor(mine)
          const key = `fault-${n}-${mine}`
          for (let tries = 0; tries < 50; tries++) {
            const res = await fetch(`${base}/v1/pupils`, {
              method: 'POST',
              headers: { ...auth, 'idempotency-key': key },
              body: JSON.stringify({
                upn,
                legalForename: 'Fault',
                legalSurname: `Tolerant${mine}`,
                dateOfBirth: '2012-02-02',
                sex: 'M',
                homeLaCode: '919'
              })
            })
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
            await res.arrayBuffer()
            if (res.status === 201) {
              acknowledged.push(upn)
              break
            }
            if (res.status !== 503 && res.status !== 409) break
            await new Promise((resolve) => setTimeout(resolve, 50))
          }
        }
      }
      let terminated = 0
      const killer = (async () => {
        while (!stop) {
          await new Promise((resolve) => setTimeout(resolve, 120))
          terminated += await terminate('any')
        }
      })()
      const clients = Array.from({ length: 6 }, (_, n) => client(n))
      await new Promise((resolve) => setTimeout(resolve, 6000))
      stop = true
      await Promise.all([killer, ...clients])
      const summary = JSON.stringify(Object.fromEntries(statuses))
      t.ok(terminated >= 10, `backends terminated while serving: ${terminated}`)
      t.ok(server.running(), 'the process is still up')
      t.same(
        [...statuses.keys()].filter((s) => ![201, 409, 503].includes(s)),
        [],
        `only 201, 503 and 409 in progress (statuses: ${summary})`
      )
      t.ok((statuses.get(201) ?? 0) > 0, 'writes went through between the faults')
      const stored = await db.selectFrom('pupil').select('upn').where('upn', 'in', acknowledged).execute()
      t.equal(stored.length, acknowledged.length, `every acknowledged write is stored (${acknowledged.length})`)
      t.equal(new Set(acknowledged).size, acknowledged.length, 'and none twice')

      // Idle: every pooled connection is cut while nothing runs; the next requests must not fail with a 500.
      t.ok((await terminate('idle')) >= 0)
      await new Promise((resolve) => setTimeout(resolve, 100))
      const afterIdle = await fetch(`${base}/v1/pupils`, { headers: auth })
      t.equal(afterIdle.status, 200, 'serves at once after its idle connections were cut')
      const ready = await fetch(`${base}/health/ready`)
      t.equal(ready.status, 200, 'ready again')
      t.ok(server.running(), 'still up')
    }
  )

  t.test(
    'kill -9 in the middle of a creation: a retry with the same key completes or replays, exactly once',
    async (t) => {
      const db = await freshDb(t)
      const world = await makeWorld(db)
      const serviceUrl = new URL(ownerUrlOf(db)!)
      serviceUrl.username = TEST_SERVICE_ROLE
      const env = {
        DATABASE_URL: serviceUrl.toString(),
        PORT: '0',
        IDEMPOTENCY_LEASE_MS: '1000',
        MAX_EVENT_LOOP_DELAY_MS: '0'
      }
      const auth = { authorization: `Bearer ${world.own.tokens.coordinator}`, 'content-type': 'application/json' }
      let server = startServer(env)
      t.teardown(() => {
        server.child.kill('SIGKILL')
      })
      // Killed once the key is reserved (the write may or may not have run), and once the pupil is stored.
      for (const [i, killWhen] of (['key reserved', 'pupil stored'] as const).entries()) {
        const upn = upnFor(7000 + i)
        const body = JSON.stringify({
          upn,
          legalForename: 'Killed',
          legalSurname: `Midway${i}`,
          dateOfBirth: '2012-02-02',
          sex: 'F',
          homeLaCode: '919'
        })
        const headers = { ...auth, 'idempotency-key': `kill-${i}` }
        const base = await server.listening
        const inFlight = fetch(`${base}/v1/pupils`, { method: 'POST', headers, body }).then(
          (r) => r.status,
          () => 'cut off'
        )
        for (let polls = 0; polls < 500; polls++) {
          const seen =
            killWhen === 'key reserved'
              ? await db.selectFrom('idempotency_key').select('key').where('key', '=', `kill-${i}`).executeTakeFirst()
              : await db.selectFrom('pupil').select('id').where('upn', '=', upn).executeTakeFirst()
          if (seen) break
          await new Promise((resolve) => setTimeout(resolve, 2))
        }
        server.child.kill('SIGKILL')
        await server.exited
        const first = await inFlight
        server = startServer(env)
        const again = await server.listening
        let status = 0
        for (let tries = 0; tries < 40 && status !== 201; tries++) {
          const res = await fetch(`${again}/v1/pupils`, { method: 'POST', headers, body })
          status = res.status
          await res.arrayBuffer()
          if (status === 409) await new Promise((resolve) => setTimeout(resolve, 100))
          else
            t.equal(status, 201, `killed with the ${killWhen} (first answer: ${String(first)}): the retry answers 201`)
        }
        const n = await db
          .selectFrom('pupil')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('upn', '=', upn)
          .executeTakeFirstOrThrow()
        t.equal(Number(n.n), 1, `exactly one pupil after kill -9 with the ${killWhen}`)
      }
    }
  )
}
