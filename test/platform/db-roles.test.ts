import { spawn } from 'node:child_process'
import { type Kysely, sql } from 'kysely'
import t from 'tap'
import { createDb } from '../../src/db/database.js'
import type { DB } from '../../src/db/schema.js'
import { grantServiceRole, privilegesOverAudit } from '../../src/db/migrate.js'
import {
  countRows,
  freshDb,
  insertPupil,
  makeWorld,
  ownerUrlOf,
  TEST_DATABASE_URL,
  TEST_SERVICE_ROLE
} from '../helper.js'

/**
 * Runs `fn` as the service role. On PostgreSQL the test database already connects as it (test/helper.ts);
 * embedded PGlite has one superuser connection, so the role is created and taken with SET ROLE.
 */
async function asServiceRole(db: Kysely<DB>, fn: (db: Kysely<DB>) => Promise<void>) {
  if (TEST_DATABASE_URL) return fn(db)
  await sql`create role ${sql.id(TEST_SERVICE_ROLE)} login`.execute(db)
  await grantServiceRole(db, TEST_SERVICE_ROLE)
  await db.connection().execute(async (conn) => {
    await sql`set role ${sql.id(TEST_SERVICE_ROLE)}`.execute(conn)
    try {
      await fn(conn)
    } finally {
      await sql`reset role`.execute(conn)
    }
  })
}

t.test('the service role cannot rewrite the audit trail by any of the known bypasses', async (t) => {
  const db = await freshDb(t)
  const world = await makeWorld(db)
  await insertPupil(db, world.own, 1)
  await db
    .insertInto('audit_event')
    .values({
      actor: 'token:1',
      role: 'coordinator',
      org_type: 'local_authority',
      org_id: '919',
      action: 'read',
      entity: 'pupil'
    })
    .execute()
  const before = await countRows(db, 'audit_event')
  await asServiceRole(db, async (svc) => {
    t.same(await privilegesOverAudit(svc), [], 'neither superuser, owner nor holder of UPDATE/DELETE/TRUNCATE/TRIGGER')
    const owned = await sql<{
      n: string
    }>`select count(*)::text as n from pg_class where relowner = (select oid from pg_roles where rolname =
      current_user)`.execute(svc)
    t.equal(owned.rows[0]?.n, '0', 'owns no table, index or sequence')
    const attempts: Array<[string, ReturnType<typeof sql>]> = [
      ['SET session_replication_role = replica', sql`set session_replication_role = replica`],
      ['ALTER TABLE … DISABLE TRIGGER', sql`alter table audit_event disable trigger audit_event_no_update`],
      ['ALTER TABLE … DISABLE TRIGGER ALL', sql`alter table audit_event disable trigger all`],
      ['DROP TRIGGER', sql`drop trigger audit_event_no_update on audit_event`],
      ['DROP FUNCTION of the trigger', sql`drop function audit_event_immutable() cascade`],
      ['DELETE', sql`delete from audit_event`],
      ['UPDATE', sql`update audit_event set actor = 'someone else'`],
      ['TRUNCATE', sql`truncate audit_event`],
      [
        'CREATE TRIGGER',
        sql`create trigger t_bypass before insert on audit_event for each row execute function audit_event_immutable()`
      ],
      ['DROP TABLE', sql`drop table audit_event`]
    ]
    for (const [what, statement] of attempts) {
      const err = await statement.execute(svc).then(
        () => null,
        (e: { code?: string }) => e
      )
      t.equal(err?.code, '42501', `${what} refused: insufficient privilege`)
    }
    // A GRANT by a role without the grant option only warns ("no privileges were granted"): it gains nothing.
    await sql`grant update, delete, truncate on audit_event to current_user`.execute(svc).catch(() => {})
    t.same(await privilegesOverAudit(svc), [], 'granting itself UPDATE, DELETE or TRUNCATE gains nothing')
    // What the service does need still works: it reads the trail and appends to it.
    await svc
      .insertInto('audit_event')
      .values({
        actor: 'token:1',
        role: 'coordinator',
        org_type: 'local_authority',
        org_id: '919',
        action: 'read',
        entity: 'pupil'
      })
      .execute()
    t.equal(
      await countRows(svc, 'audit_event'),
      before + 1,
      'only the appended row is new; nothing was changed or removed'
    )
    await svc.updateTable('pupil').set({ preferred_forename: 'Al' }).execute()
  })
  if (!TEST_DATABASE_URL) {
    // The owner (PGlite's superuser) is still stopped by the table's own triggers.
    await t.rejects(
      db.deleteFrom('audit_event').execute(),
      /append-only/,
      'the trigger refuses DELETE even to the owner'
    )
  }
})

if (TEST_DATABASE_URL) {
  const start = (databaseUrl: string) =>
    new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
        env: { ...process.env, DATABASE_URL: databaseUrl, PORT: '0', LOG_LEVEL: 'silent' },
        stdio: ['ignore', 'ignore', 'pipe']
      })
      let stderr = ''
      child.stderr.on('data', (chunk) => {
        stderr += String(chunk)
      })
      const timer = setTimeout(() => child.kill('SIGTERM'), 20_000)
      child.on('exit', (code) => {
        clearTimeout(timer)
        resolve({ code, stderr })
      })
    })

  t.test('npm run db:migrate as the owner grants the service role, which the server then runs as', async (t) => {
    const db = await freshDb(t) // an empty database of its own, migrated again below by the script: a no-op
    const ownerUrl = ownerUrlOf(db)!
    const serviceUrl = new URL(ownerUrl)
    serviceUrl.username = 'apt_migrate_test_service'
    const migrate = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/bin/migrate.ts'], {
        env: { ...process.env, MIGRATION_DATABASE_URL: ownerUrl, DATABASE_URL: serviceUrl.toString() },
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
    t.equal(migrate.code, 0, migrate.out)
    t.match(
      migrate.out,
      /Service role apt_migrate_test_service: may read and write the records, only read and append the audit trail/
    )
    const svc = createDb({ databaseUrl: serviceUrl.toString(), poolMax: 1 })
    t.teardown(() => svc.destroy())
    t.same(await privilegesOverAudit(svc), [], 'the role it created holds nothing over the audit trail')
    const { rows } = await sql<{
      ok: boolean
    }>`select has_table_privilege('pupil', 'INSERT') and has_table_privilege('audit_event', 'INSERT') as ok`.execute(
      svc
    )
    t.equal(rows[0]?.ok, true, 'and may do its work')
  })

  t.test('the server refuses to start as a role that could rewrite the audit trail', async (t) => {
    const db = await freshDb(t)
    const owner = await start(ownerUrlOf(db)!)
    t.equal(owner.code, 1, 'exits non-zero')
    t.match(owner.stderr, /DATABASE_URL role is a superuser, owns audit_event; it could rewrite the audit trail/)
    t.notMatch(owner.stderr, /\n.+\n/, 'one line, no stack trace')
  })
}
