import { loadConfig } from '../config.js'
import { createDb } from '../db/database.js'
import { migrateToLatest } from '../db/migrate.js'

// Applies pending migrations to DATABASE_URL, or to the PGlite data folder when it is not set.
const config = loadConfig()
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
