import { loadConfig } from '../platform/config.js'
import { createDb } from '../db/database.js'
import { ensureRole, grantServiceRole, migrateToLatest, roleOfUrl } from '../db/migrate.js'
import { acquirePgliteLock, PgliteLockError } from '../db/pglite-lock.js'

const USAGE = `Usage: npm run db:migrate

Applies pending migrations (db/migrations/) to MIGRATION_DATABASE_URL (the role that owns the schema), else
DATABASE_URL, or else to the PGlite folder DATA_DIR (default ./data). Takes no arguments.
With both MIGRATION_DATABASE_URL and DATABASE_URL it then grants the DATABASE_URL role (the service) what the
API needs and nothing that could rewrite the audit trail, creating that role if it is missing.
On PGlite it refuses a folder that a running process (npm start) holds, and never removes that process's lock.`

const args = process.argv.slice(2)
if (args.includes('--help') || args.includes('-h')) {
  console.log(USAGE)
  process.exit(0)
}
if (args.length > 0) {
  console.error(`Unknown argument(s): ${args.join(' ')}\n${USAGE}`)
  process.exit(2)
}

let config
try {
  config = loadConfig()
  if (!config.DATABASE_URL && !config.MIGRATION_DATABASE_URL) acquirePgliteLock(config.DATA_DIR, 'db:migrate')
} catch (err) {
  console.error((err as Error).message)
  process.exit(err instanceof PgliteLockError ? 3 : 1)
}
const ownerUrl = config.MIGRATION_DATABASE_URL ?? config.DATABASE_URL
const db = createDb({ databaseUrl: ownerUrl, dataDir: config.DATA_DIR })
try {
  const results = await migrateToLatest(db)
  if (results.length === 0) console.log('Database is up to date.')
  for (const r of results) console.log(`${r.status}: ${r.migrationName}`)
  if (
    config.MIGRATION_DATABASE_URL &&
    config.DATABASE_URL &&
    roleOfUrl(config.DATABASE_URL) !== roleOfUrl(config.MIGRATION_DATABASE_URL)
  ) {
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
