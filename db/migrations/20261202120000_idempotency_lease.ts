import { type Kysely, sql } from 'kysely'

// Idempotency keys become leases tied to the write: a request holds its key until `locked_until`, its own
// write transaction records the created resource (`entity_id`) under the `attempt` that holds the lease,
// and a retry replays by reading that resource again. Stored response bodies (which held pupil identity for
// 24 hours) go; keys stuck without a response from before this change are released.
// Frozen in time: never import application code.
const UP: string[] = [
  `delete from idempotency_key where status_code is null`,
  `alter table idempotency_key drop column response_body`,
  `alter table idempotency_key add column attempt text`,
  `alter table idempotency_key add column locked_until timestamptz`,
  `alter table idempotency_key add column entity_id text check (entity_id ~ '^[0-9]{1,19}$')`
]

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of UP) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of [
    'alter table idempotency_key drop column entity_id',
    'alter table idempotency_key drop column locked_until',
    'alter table idempotency_key drop column attempt',
    'alter table idempotency_key add column response_body text'
  ])
    await sql.raw(statement).execute(db)
}
