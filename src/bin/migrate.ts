import { loadConfig } from '../config.js'
import { createDb } from '../db/database.js'
import { migrateToLatest } from '../db/migrate.js'
import { acquirePgliteLock, PgliteLockError } from '../db/pglite-lock.js'

const USAGE = `Usage: npm run db:migrate

Applies pending migrations (db/migrations/) to DATABASE_URL, or else to the PGlite folder DATA_DIR
(default ./data). Takes no arguments. On PGlite it refuses a folder that a running process (npm start)
holds, and never removes that process's lock.`

const args = process.argv.slice(2)
if (args.includes('--help') || args.includes('-h')) {
  console.log(USAGE)
  process.exit(0)
}
if (args.length > 0) {
  console.error(`Unknown argument(s): ${args.join(' ')}\n${USAGE}`)
  process.exit(2)
}

// Applies pending migrations to DATABASE_URL, or to the PGlite data folder when it is not set.
let config
try {
  config = loadConfig()
  if (!config.DATABASE_URL) acquirePgliteLock(config.DATA_DIR, 'db:migrate')
} catch (err) {
  console.error((err as Error).message)
  process.exit(err instanceof PgliteLockError ? 3 : 1)
}
const db = createDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR })
try {
  const results = await migrateToLatest(db)
  if (results.length === 0) console.log('Database is up to date.')
  for (const r of results) console.log(`${r.status}: ${r.migrationName}`)
} catch (err) {
  console.error((err as Error).message)
  process.exitCode = 1
} finally {
  await db.destroy()
}
