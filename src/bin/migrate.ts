import { loadConfig } from '../config.js'
import { createDb } from '../db/database.js'
import { ensureRole, grantServiceRole, migrateToLatest, roleOfUrl } from '../db/migrate.js'

// Applies pending migrations to MIGRATION_DATABASE_URL (the schema owner), else DATABASE_URL, or to the PGlite
// data folder when neither is set. With both URLs it then grants the DATABASE_URL role (the service) what the
// API needs and nothing that could rewrite the audit trail, creating that role if it is missing.
const config = loadConfig()
const ownerUrl = config.MIGRATION_DATABASE_URL ?? config.DATABASE_URL
const db = createDb({ databaseUrl: ownerUrl, dataDir: config.DATA_DIR })
try {
  const results = await migrateToLatest(db)
  if (results.length === 0) console.log('Database is up to date.')
  for (const r of results) console.log(`${r.status}: ${r.migrationName}`)
  if (config.MIGRATION_DATABASE_URL && config.DATABASE_URL && roleOfUrl(config.DATABASE_URL) !== roleOfUrl(config.MIGRATION_DATABASE_URL)) {
    const role = await ensureRole(db, config.DATABASE_URL)
    await grantServiceRole(db, role)
    console.log(`Service role ${role}: may read and write the records, only read and append the audit trail.`)
  }
} catch (err) {
  console.error((err as Error).message)
  process.exitCode = 1
} finally {
  await db.destroy()
}
