import closeWithGrace from 'close-with-grace'
import { buildApp, logRedactPaths } from './app.js'
import { loadConfig } from './platform/config.js'
import { createDb, describeDatabaseUrl } from './db/database.js'
import { migrateToLatest, pendingMigrations, privilegesOverAudit } from './db/migrate.js'
import { acquirePgliteLock, PgliteLockError } from './db/pglite-lock.js'
import { hintBase } from './platform/listen-address.js'

let config
try {
  config = loadConfig()
} catch (err) {
  console.error((err as Error).message)
  process.exit(1)
}

// Embedded PGlite runs queries on the event loop itself, so a long query looks like overload: the lag
// check is off there unless set explicitly.
if (!config.DATABASE_URL && process.env.MAX_EVENT_LOOP_DELAY_MS === undefined) config.MAX_EVENT_LOOP_DELAY_MS = 0

// PGlite is single-process: hold its folder's lock while serving, so db:migrate, seed and token refuse it.
if (!config.DATABASE_URL) {
  try {
    acquirePgliteLock(config.DATA_DIR, 'npm start (src/server.ts)')
  } catch (err) {
    console.error((err as Error).message)
    process.exit(err instanceof PgliteLockError ? 3 : 1)
  }
}

const db = createDb({
  databaseUrl: config.DATABASE_URL,
  dataDir: config.DATA_DIR,
  poolMax: config.DB_POOL_MAX,
  onPoolError: (err) =>
    console.error(
      JSON.stringify({
        level: 40,
        msg: 'PostgreSQL connection lost',
        code: (err as { code?: string }).code,
        message: err.message
      })
    )
})
let printSeed: ((base: string) => void) | undefined
if (config.DATABASE_URL) {
  // One clear line, not a stack trace, when the database cannot be reached at start.
  try {
    await db.selectNoFrom((eb) => eb.lit(1).as('one')).execute()
  } catch (err) {
    const e = err as Error & { code?: string }
    console.error(
      `Cannot reach the database at ${describeDatabaseUrl(config.DATABASE_URL)} (DATABASE_URL): ${e.code ?? e.message}`
    )
    await db.destroy().catch(() => {})
    process.exit(1)
  }
  // The service's own role must not be able to rewrite the audit trail (owner, superuser or trigger rights).
  const privileges = await privilegesOverAudit(db)
  if (privileges.length > 0 && !config.ALLOW_PRIVILEGED_DATABASE_ROLE) {
    console.error(
      `The DATABASE_URL role ${privileges.join(', ')}; it could rewrite the audit trail. Connect as the service role ` +
        '(npm run db:migrate with MIGRATION_DATABASE_URL as the owner grants it), ' +
        'or set ALLOW_PRIVILEGED_DATABASE_ROLE=true for a throwaway database.'
    )
    await db.destroy()
    process.exit(1)
  }
  // On a server, migrations are a deliberate step (`npm run db:migrate`, or the compose migrate service).
  const pending = await pendingMigrations(db)
  if (pending.length > 0) {
    console.error(
      `The database has ${pending.length} pending migration(s) (${pending.join(', ')}); run npm run db:migrate first.`
    )
    await db.destroy()
    process.exit(1)
  }
} else {
  await migrateToLatest(db)
  // First start on a bare machine: demo data and tokens, so the API can be tried at once.
  const empty = (await db.selectFrom('local_authority').select('code').limit(1).execute()).length === 0
  if (empty && config.DEMO_SEED) {
    const { printSeedResult, seedDemo } = await import('./bin/seed.js')
    const seeded = await seedDemo(db, { tokenDays: config.TOKEN_TTL_DAYS })
    printSeed = (base) => printSeedResult(seeded, `embedded database in ${config!.DATA_DIR}`, base)
  }
}

const app = await buildApp({
  db,
  config,
  demoSignIn: !config.DATABASE_URL && config.DEMO_SEED,
  logger: { level: config.LOG_LEVEL, redact: { paths: logRedactPaths, censor: '[redacted]' } }
})

closeWithGrace({ delay: config.SHUTDOWN_GRACE_MS }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, 'closing after an error')
  else app.log.info({ signal }, 'draining requests and closing')
  await app.close()
  await db.destroy()
})

await app.listen({ host: config.HOST, port: config.PORT })
// Hints name the address actually bound (PORT=0 picks one; HOST=0.0.0.0 is reached through loopback).
const base = hintBase(app.server.address())
printSeed?.(base)
app.log.info(`Screens at ${base}/ and Swagger UI at ${base}/docs`)
if (!config.DATABASE_URL)
  app.log.info(
    { dataDir: config.DATA_DIR },
    'embedded PGlite database; stop the server and run `npm run seed` for fresh demo tokens'
  )
