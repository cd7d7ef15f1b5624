import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t from 'tap'
import { loadConfig } from '../../src/platform/config.js'
import { startServer } from '../fixtures/spawn-server.js'

t.test('configuration is validated with the variable named', async (t) => {
  t.throws(() => loadConfig({ PORT: 'eighty' }), /PORT/)
  t.throws(() => loadConfig({ DATABASE_URL: 'mysql://x' }), /DATABASE_URL/)
  t.throws(() => loadConfig({ LOG_LEVEL: 'loud' }), /LOG_LEVEL/)
  t.equal(loadConfig({}).PORT, 3000)
  t.equal(loadConfig({ PORT: '8080' }).PORT, 8080)
})

t.test('a bad value stops the server at start with a clear message', async (t) => {
  const server = startServer({ PORT: 'eighty' })
  t.equal(await server.exited, 1)
  t.match(server.output(), /Invalid configuration: .*PORT/)
})

t.test('npm start path: embedded PGlite in DATA_DIR, health, then SIGTERM drains and exits cleanly', async (t) => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'apt-server-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const env: Record<string, string> = { PORT: '0', DATA_DIR: dataDir }
  delete process.env.DATABASE_URL
  const server = startServer(env)
  const base = await server.listening
  const live = await fetch(`${base}/health/live`)
  t.equal(live.status, 200)
  const ready = await fetch(`${base}/health/ready`)
  t.equal(ready.status, 200)
  t.same(await ready.json(), { status: 'ok' })
  t.match(
    server.output(),
    /New demo tokens for LA 919/,
    'first start on an empty data folder seeds demo data and prints tokens'
  )
  const token = /coordinator\s+\d+\s+.*?(apt_[A-Za-z0-9_-]{43})/.exec(server.output())?.[1]
  t.ok(token, 'a coordinator token was printed')
  const pupils = await fetch(`${base}/v1/pupils`, { headers: { authorization: `Bearer ${token}` } })
  t.equal(pupils.status, 200, 'and it works')
  server.child.kill('SIGTERM')
  t.equal(await server.exited, 0, 'exits 0 after draining')
  t.match(server.output(), /draining requests and closing/)
})
