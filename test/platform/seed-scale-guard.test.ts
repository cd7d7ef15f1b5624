import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import t from 'tap'
import { TEST_DATABASE_URL } from '../helper.js'

/* seed:scale writes a synthetic England: it must never start on a database holding anything else, and it
 * asks for --yes first. Guard only (and one run at the smallest scale); on PostgreSQL, as the script is. */

const root = path.resolve(import.meta.dirname, '../..')

function seedScale(url: string, args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/bin/seed-scale.ts', ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: url },
      stdio: ['ignore', 'pipe', 'pipe']
    })
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

t.test('seed:scale never starts on embedded PGlite: without DATABASE_URL it refuses and writes nothing', async (t) => {
  const dataDir = path.join(root, `.tap/no-scale-${process.pid}`)
  const res = await new Promise<{ code: number | null; out: string }>((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir }
    delete env.DATABASE_URL
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/bin/seed-scale.ts', '--yes'], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let out = ''
    child.stdout.on('data', (c) => {
      out += String(c)
    })
    child.stderr.on('data', (c) => {
      out += String(c)
    })
    child.on('exit', (code) => resolve({ code, out }))
  })
  t.not(res.code, 0, 'exits non-zero')
  t.match(res.out, /seed:scale needs DATABASE_URL/)
  t.notOk(existsSync(dataDir), 'no PGlite folder was created')
})

if (TEST_DATABASE_URL)
  t.test('seed:scale refuses a database with any other data and asks for --yes', async (t) => {
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL })
    await admin.connect()
    const made: string[] = []
    const throwaway = async () => {
      const name = `apt_scale_guard_${process.pid}_${randomBytes(3).toString('hex')}`
      await admin.query(`create database ${name}`)
      made.push(name)
      const url = new URL(TEST_DATABASE_URL!)
      url.pathname = `/${name}`
      const client = new pg.Client({ connectionString: url.toString() })
      await client.connect()
      t.teardown(() => client.end())
      return { url: url.toString(), client }
    }
    t.teardown(async () => {
      for (const name of made) await admin.query(`drop database if exists ${name} with (force)`)
      await admin.end()
    })
    const tables = async (client: pg.Client) =>
      Number(
        (await client.query(`select count(*) as n from information_schema.tables where table_schema = 'public'`))
          .rows[0].n
      )

    const empty = await throwaway()
    const dry = await seedScale(empty.url, ['--scale', '0.001'])
    t.equal(dry.code, 2, 'without --yes: exits 2')
    t.match(dry.out, /would migrate .* at scale 0\.001/)
    t.match(dry.out, /Nothing was written\. Run it again with --yes/)
    t.equal(await tables(empty.client), 0, 'and the database is untouched (not even migrated)')

    const demo = await throwaway()
    const migrate = await new Promise<number | null>((resolve) => {
      spawn(process.execPath, ['--import', 'tsx', 'src/bin/migrate.ts'], {
        cwd: root,
        env: { ...process.env, DATABASE_URL: demo.url },
        stdio: 'ignore'
      }).on('exit', resolve)
    })
    t.equal(migrate, 0)
    await demo.client.query(`insert into local_authority (code, name) values ('919', 'Hertfordshire')`)
    const refused = await seedScale(demo.url, ['--yes', '--scale', '0.001'])
    t.equal(refused.code, 1, 'a database with a real LA is refused, even with --yes')
    t.match(refused.out, /refusing .*real or demo data: 1 local authority of its own \(e\.g\. 919 Hertfordshire\)/)
    t.notMatch(refused.out, /password/)
    t.equal(
      Number((await demo.client.query(`select count(*) as n from local_authority`)).rows[0].n),
      1,
      'nothing added'
    )

    const foreign = await throwaway()
    await foreign.client.query('create table invoices (id int)')
    const other = await seedScale(foreign.url, ['--yes'])
    t.equal(other.code, 1, 'a database of another application is refused')
    t.match(other.out, /1 table\(s\) of something else \(invoices\)/)

    const bad = await seedScale(empty.url, ['--yes', '--scael', '1'])
    t.equal(bad.code, 2, 'an unknown option is a usage error')
    t.match(bad.out, /Usage: npm run seed:scale/)

    const started = Date.now()
    const ran = await seedScale(empty.url, ['--yes', '--scale', '0.001'])
    t.equal(ran.code, 0, `with --yes on an empty database it runs (smallest scale, ${Date.now() - started} ms)`)
    const again = await seedScale(empty.url, ['--yes', '--scale', '0.001'])
    t.equal(again.code, 1, 'and a second run is refused')
    t.match(again.out, /already holds the synthetic LAs 801-950/)
  })
