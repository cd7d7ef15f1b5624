/**
 * Run once by tap before the test files (package.json `tap.before`): builds the migrated template database the
 * files copy (test/fixtures/template.ts). Templates of older migrations are removed.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { sql } from 'kysely'
import { createDb, dumpPgliteDataDir } from '../src/db/database.js'
import { migrateToLatest } from '../src/db/migrate.js'
import { adminDb, migrateAsOwner, TEST_DATABASE_URL } from './helper.js'
import { pgliteTemplateFile, pgTemplateExists, pgTemplateName, templateKey } from './fixtures/template.js'

const key = templateKey()

async function buildPglite() {
  const file = pgliteTemplateFile(key)
  mkdirSync(path.dirname(file), { recursive: true })
  for (const old of readdirSync(path.dirname(file))) {
    if (old.startsWith('pglite-') && path.join(path.dirname(file), old) !== file) {
      rmSync(path.join(path.dirname(file), old), { force: true })
    }
  }
  if (existsSync(file)) return // built by an earlier run of the same migrations
  const db = createDb({ dataDir: 'memory://' })
  await migrateToLatest(db)
  const dump = await dumpPgliteDataDir(db)
  await db.destroy()
  const tmp = `${file}.${process.pid}`
  writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()))
  renameSync(tmp, file)
}

async function buildPostgres(url: string) {
  const admin = adminDb(url)
  try {
    const name = pgTemplateName(key)
    const stale = await sql<{ datname: string }>`
      select datname from pg_database where datname like 'apt\_tpl\_%' and datname <> ${name}`.execute(admin)
    for (const { datname } of stale.rows) {
      await sql`drop database if exists ${sql.id(datname)} with (force)`.execute(admin).catch(() => undefined)
    }
    if (await pgTemplateExists(admin)) return
    const building = `${name}_${process.pid}`
    await sql`create database ${sql.id(building)}`.execute(admin)
    const target = new URL(url)
    target.pathname = `/${building}`
    await migrateAsOwner(admin, target.toString())
    // Renamed into place only once migrated, so a file never copies a half-built template.
    await sql`alter database ${sql.id(building)} rename to ${sql.id(name)}`.execute(admin)
  } finally {
    await admin.destroy()
  }
}

const started = Date.now()
if (TEST_DATABASE_URL) await buildPostgres(TEST_DATABASE_URL)
else await buildPglite()
console.log(`# template database ${key} ready in ${Date.now() - started} ms`)
