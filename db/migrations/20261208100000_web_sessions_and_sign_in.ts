import { type Kysely, sql } from 'kysely'

// The screens: sessions kept in the database (they survive a restart and are shared by every instance; the
// cookie holds a random id, the table only its SHA-256), the LA administrator's table that maps an identity
// provider's organisation (and optionally one user's email) to a role, and the reason a user gives for opening
// SEND or health detail, kept on that read's audit row (domain.md §9.9).
// Frozen in time: never import application code.
const UP: string[] = [
  `
    create table sign_in_role (
      id bigint generated always as identity primary key,
      la_code char(3) not null references local_authority (code),
      org_type text not null check (org_type in ('local_authority', 'school', 'provider')),
      org_id text not null check (org_id ~ '^[0-9]{1,19}$'),
      email text check (email is null or (email = lower(email) and email ~ '^[^@\\s]+@[^@\\s]+$')),
      role text not null check (role in ('la_admin', 'coordinator', 'school', 'provider', 'analyst')),
      created_at timestamptz not null default now(),
      check ((org_type = 'school') = (role = 'school') and (org_type = 'provider') = (role = 'provider'))
    )
  `,
  `create unique index sign_in_role_org_email_idx on sign_in_role (org_type, org_id, coalesce(email, ''))`,
  `create index sign_in_role_la_code_idx on sign_in_role (la_code)`,
  `
    create table web_session (
      id_hash text primary key check (id_hash ~ '^[0-9a-f]{64}$'),
      principal jsonb not null,
      sign_in_role_id bigint references sign_in_role (id) on delete cascade,
      display_name text not null,
      id_token text,
      created_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now(),
      expires_at timestamptz not null
    )
  `,
  `create index web_session_expires_at_idx on web_session (expires_at)`,
  `alter table audit_event add column reason text check (reason is null or length(reason) between 1 and 500)`
]

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of UP) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of [
    'alter table audit_event drop column reason',
    'drop table web_session',
    'drop table sign_in_role'
  ])
    await sql.raw(statement).execute(db)
}
