import { type Kysely, sql } from 'kysely'

// Term calendars: an LA's half-term dates per academic year, a school's own dates when it sets them,
// and each school's INSET and closure days. Frozen in time: never import application code.
const UP: string[] = [
  `
    create table term_calendar (
      id bigint generated always as identity primary key,
      la_code char(3) references local_authority (code) on delete cascade,
      school_id bigint references school (id) on delete cascade,
      academic_year char(7) not null check (academic_year ~ '^[0-9]{4}/[0-9]{2}$'),
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint term_calendar_owner_check check (num_nonnulls(la_code, school_id) = 1),
      constraint term_calendar_la_year_uq unique (la_code, academic_year),
      constraint term_calendar_school_year_uq unique (school_id, academic_year)
    )
  `,
  `
    create table half_term (
      calendar_id bigint not null references term_calendar (id) on delete cascade,
      number smallint not null check (number between 1 and 6),
      first_day date not null,
      last_day date not null,
      primary key (calendar_id, number),
      constraint half_term_order_check check (first_day <= last_day)
    )
  `,
  `
    create table calendar_closure (
      calendar_id bigint not null references term_calendar (id) on delete cascade,
      day date not null,
      kind text not null check (kind in ('INSET', 'CLOSURE')),
      reason text check (length(reason) <= 200),
      primary key (calendar_id, day)
    )
  `
]

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of UP) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['calendar_closure', 'half_term', 'term_calendar'])
    await sql.raw(`drop table ${table}`).execute(db)
}
