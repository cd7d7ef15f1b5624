import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t from 'tap'
import { acquirePgliteLock, LOCK_FILE, PgliteLockError } from '../../src/db/pglite-lock.js'
import { hintBase } from '../../src/platform/listen-address.js'

/* A newcomer's first hour: every script answers --help without touching data, npm start holds the PGlite
 * folder's lock (db:migrate refuses it and leaves it), SIGTERM to npm stops the server, hints name the real port. */

const root = path.resolve(import.meta.dirname, '../..')
const baseEnv = () => {
  const env: Record<string, string> = { ...(process.env as Record<string, string>), LOG_LEVEL: 'info' }
  delete env.DATABASE_URL
  return env
}

interface Run {
  code: number | null
  out: string
}
function run(command: string, args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (c) => {
      out += String(c)
    })
    child.stderr.on('data', (c) => {
      out += String(c)
    })
    child.on('exit', (code) => resolve({ code, out }))
  })
}
const script = (file: string, args: string[], env: Record<string, string>) =>
  run(process.execPath, ['--import', 'tsx', file, ...args], env)

function startNpm(env: Record<string, string>) {
  const child = spawn('npm', ['start'], { cwd: root, env: { ...baseEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (c) => {
    out += String(c)
  })
  child.stderr.on('data', (c) => {
    out += String(c)
  })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const listening = new Promise<string>((resolve, reject) => {
    const poll = setInterval(() => {
      const m = /Swagger UI at (http:\/\/[^/"\s]+)\/docs/.exec(out)
      if (m) {
        clearInterval(poll)
        resolve(m[1]!)
      }
    }, 50)
    void exited.then(() => {
      clearInterval(poll)
      reject(new Error(`npm start exited: ${out}`))
    })
  })
  listening.catch(() => undefined)
  return { child, exited, listening, output: () => out }
}

const portClosed = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(false)
    })
    socket.once('error', () => resolve(true))
  })

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

t.test('every script answers --help with its usage, exits 0 and opens no database', async (t) => {
  const scratch = await mkdtemp(path.join(tmpdir(), 'apt-help-'))
  t.teardown(() => rm(scratch, { recursive: true, force: true }))
  const cases: [string, string[], RegExp][] = [
    ['src/bin/seed.ts', ['--help'], /Usage: npm run seed/],
    ['src/bin/seed-scale.ts', ['--help'], /Usage: npm run seed:scale -- --yes/],
    ['src/bin/migrate.ts', ['--help'], /Usage: npm run db:migrate/],
    ['src/bin/token.ts', ['--help'], /Usage: npm run token -- <command>/],
    ['src/bin/openapi.ts', ['--help'], /Usage: npm run openapi:write/],
    ['src/bin/db-types.ts', ['--help'], /Usage: npm run db:types/],
    ['bench/run.ts', ['--help'], /Usage: npm run bench/]
  ]
  const openapiBefore = readFileSync(path.join(root, 'openapi/openapi.json'), 'utf8')
  await Promise.all(
    cases.map(async ([file, args, usage]) => {
      const dataDir = path.join(scratch, path.basename(file, '.ts'))
      // A PostgreSQL URL nobody listens on: a script that tried to connect would fail, not pass.
      const r = await script(file, args, {
        ...baseEnv(),
        DATA_DIR: dataDir,
        ...(file.includes('seed-scale') ? { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' } : {})
      })
      t.equal(r.code, 0, `${file} --help exits 0`)
      t.match(r.out, usage, `${file} prints its usage`)
      t.notOk(existsSync(dataDir), `${file} --help created no data folder`)
    })
  )
  t.equal(readFileSync(path.join(root, 'openapi/openapi.json'), 'utf8'), openapiBefore, 'openapi --help wrote nothing')
})

t.test("the PGlite lock: atomic, names its live holder, a dead holder's lock is taken over", async (t) => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'apt-lock-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const file = path.join(dataDir, LOCK_FILE)
  // A live holder (this test's parent, which is certainly running) is refused and its lock left alone.
  const { writeFileSync } = await import('node:fs')
  writeFileSync(file, JSON.stringify({ pid: process.ppid, command: 'npm start', since: 'now' }))
  t.throws(() => acquirePgliteLock(dataDir, 'test'), PgliteLockError)
  t.equal(JSON.parse(readFileSync(file, 'utf8')).pid, process.ppid, 'the live holder keeps its lock')
  // A dead holder's lock is stale.
  writeFileSync(file, JSON.stringify({ pid: 2 ** 22 + 17, command: 'npm start', since: 'long ago' }))
  const release = acquirePgliteLock(dataDir, 'test')
  t.equal(JSON.parse(readFileSync(file, 'utf8')).pid, process.pid, 'taken over')
  release()
  t.notOk(existsSync(file), 'released')
  t.doesNotThrow(() => acquirePgliteLock('memory://', 'test')(), 'memory:// needs no lock')
})

t.test('hint URLs use the bound address and port', async (t) => {
  t.equal(hintBase({ address: '127.0.0.1', family: 'IPv4', port: 41234 }), 'http://127.0.0.1:41234')
  t.equal(hintBase({ address: '0.0.0.0', family: 'IPv4', port: 8080 }), 'http://127.0.0.1:8080')
  t.equal(hintBase({ address: '::', family: 'IPv6', port: 8080 }), 'http://localhost:8080')
  t.equal(hintBase({ address: '::1', family: 'IPv6', port: 3001 }), 'http://[::1]:3001')
})

t.test('npm start holds the lock: db:migrate, seed and token refuse it; SIGTERM to npm stops the server', async (t) => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'apt-npm-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const server = startNpm({ PORT: '0', DATA_DIR: dataDir })
  t.teardown(() => {
    if (server.child.exitCode === null) server.child.kill('SIGKILL')
  })
  const base = await server.listening
  const port = Number(new URL(base).port)
  t.not(port, 3000, 'PORT=0: a real, picked port')
  t.match(
    server.output(),
    new RegExp(`curl -H "Authorization: Bearer apt_[^"]+" ${base.replace(/[.]/g, '\\.')}/v1/pupils`),
    'the printed curl uses the real port'
  )
  const lock = JSON.parse(readFileSync(path.join(dataDir, LOCK_FILE), 'utf8')) as { pid: number }
  t.not(lock.pid, server.child.pid, 'the lock names the server process, not npm')
  t.ok(alive(lock.pid))

  const env = { ...baseEnv(), DATA_DIR: dataDir }
  const migrate = await script('src/bin/migrate.ts', [], env)
  t.equal(migrate.code, 3, 'db:migrate refuses')
  t.match(migrate.out, new RegExp(`in use by process ${lock.pid}`))
  const seed = await script('src/bin/seed.ts', [], env)
  t.not(seed.code, 0, 'seed refuses')
  t.match(seed.out, /in use by process/)
  const token = await script('src/bin/token.ts', ['list', '--la', '919'], env)
  t.not(token.code, 0, 'token refuses')
  t.equal(JSON.parse(readFileSync(path.join(dataDir, LOCK_FILE), 'utf8')).pid, lock.pid, 'the server keeps its lock')
  const ready = await fetch(`${base}/health/ready`)
  t.equal(ready.status, 200, 'and still serves')

  const started = Date.now()
  server.child.kill('SIGTERM') // to npm, as a process manager would
  t.equal(await server.exited, 0, 'npm exits 0')
  for (let i = 0; i < 100 && alive(lock.pid); i++) await new Promise((resolve) => setTimeout(resolve, 50))
  t.notOk(alive(lock.pid), 'the server process is gone too')
  t.ok(Date.now() - started < 8000, `within a few seconds (${Date.now() - started} ms)`)
  t.ok(await portClosed(port), 'the port is closed')
  t.match(server.output(), /draining requests and closing/, 'it drained gracefully')
  t.notOk(existsSync(path.join(dataDir, LOCK_FILE)), 'and released its lock')

  const after = await script('src/bin/migrate.ts', [], env)
  t.equal(after.code, 0, 'db:migrate runs once the server has stopped')
  t.match(after.out, /up to date/)
})
