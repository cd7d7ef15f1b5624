import { type Kysely, sql } from 'kysely'

// Frozen in time: a migration never imports application code. It runs unchanged on
// embedded PGlite (PostgreSQL 18) and on a PostgreSQL 15+ server.
// Statements run one at a time: PGlite's extended-protocol query() takes a single statement.
const UP: string[] = [
  `
    create table local_authority (
      code char(3) primary key check (code ~ '^[0-9]{3}$'),
      name text not null check (length(name) between 1 and 200),
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )
  `,
  `
    create table la_policy (
      la_code char(3) primary key references local_authority (code) on delete cascade,
      review_interval_school_weeks smallint not null default 6 check (review_interval_school_weeks between 1 and 13),
      first_review_school_days smallint not null default 20 check (first_review_school_days between 1 and 65),
      referral_decision_school_days smallint not null default 10 check (referral_decision_school_days between 1 and 65),
      tier1_max_school_weeks smallint not null default 26 check (tier1_max_school_weeks between 1 and 78),
      tier2_max_school_weeks smallint not null default 26 check (tier2_max_school_weeks between 1 and 78),
      tier3_max_school_weeks smallint check (tier3_max_school_weeks between 1 and 156),
      small_number_threshold smallint not null default 5 check (small_number_threshold between 1 and 20),
      full_time_threshold_hours smallint not null default 18 check (full_time_threshold_hours between 1 and 40),
      version integer not null default 1,
      updated_at timestamptz not null default now()
    )
  `,
  `
    create table school (
      id bigint generated always as identity primary key,
      urn char(6) not null check (urn ~ '^[0-9]{6}$'),
      laestab char(7) not null check (laestab ~ '^[0-9]{7}$'),
      name text not null check (length(name) between 1 and 200),
      la_code char(3) not null references local_authority (code),
      phase text not null check (phase in ('NURSERY', 'PRIMARY', 'MIDDLE', 'SECONDARY', 'ALL_THROUGH', 'SIXTEEN_PLUS',
        'NOT_APPLICABLE')),
      type text not null check (type in ('COMMUNITY', 'VOLUNTARY_CONTROLLED', 'VOLUNTARY_AIDED', 'FOUNDATION',
        'ACADEMY', 'FREE_SCHOOL', 'COMMUNITY_SPECIAL', 'FOUNDATION_SPECIAL', 'ACADEMY_SPECIAL', 'PRU', 'AP_ACADEMY',
        'AP_FREE_SCHOOL', 'INDEPENDENT')),
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint school_urn_uq unique (urn),
      constraint school_laestab_uq unique (laestab),
      constraint school_laestab_la_check check (substr(laestab, 1, 3) = la_code)
    )
  `,
  `
    create index school_la_code_idx on school (la_code)
  `,
  `
    create table provider (
      id bigint generated always as identity primary key,
      name text not null check (length(name) between 1 and 200),
      la_code char(3) not null references local_authority (code),
      urn char(6) check (urn ~ '^[0-9]{6}$'),
      ukprn char(8) check (ukprn ~ '^1[0-9]{7}$'),
      setting_type text check (setting_type in ('NFE', 'OOT', 'OTH', 'WBP')),
      registration_status text not null check (registration_status in ('STATE_FUNDED_AP_SCHOOL',
        'REGISTERED_INDEPENDENT_SCHOOL', 'UNREGISTERED')),
      qa_status text not null default 'NOT_ASSESSED' check (qa_status in ('NOT_ASSESSED', 'APPROVED',
        'APPROVED_WITH_CONDITIONS', 'NOT_APPROVED', 'SUSPENDED')),
      qa_date date,
      safeguarding_confirmed_on date,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint provider_one_identifier_check check (num_nonnulls(urn, ukprn, setting_type) = 1),
      constraint provider_registered_urn_check check ((registration_status = 'UNREGISTERED') = (urn is null)),
      constraint provider_qa_date_check check ((qa_status = 'NOT_ASSESSED') = (qa_date is null)),
      constraint provider_urn_uq unique (urn),
      constraint provider_ukprn_uq unique (ukprn)
    )
  `,
  `
    create index provider_la_code_idx on provider (la_code)
  `,
  `
    create table provider_tier (
      provider_id bigint not null references provider (id) on delete cascade,
      tier smallint not null check (tier between 1 and 3),
      places integer not null check (places between 0 and 100000),
      primary key (provider_id, tier)
    )
  `,
  `
    create table pupil (
      id bigint generated always as identity primary key,
      upn char(13) not null,
      uln char(10),
      legal_forename text not null,
      legal_surname text not null,
      preferred_forename text,
      preferred_surname text,
      date_of_birth date not null,
      sex char(1) not null check (sex in ('F', 'M', 'U')),
      sen_provision char(1) not null default 'N' check (sen_provision in ('N', 'K', 'E')),
      fsm_eligible boolean not null default false,
      looked_after boolean not null default false,
      child_in_need boolean not null default false,
      ethnicity text not null default 'NOBT' check (ethnicity in ('WHIT', 'MIXD', 'ASIA', 'BLAC', 'CHNE', 'AOEG',
        'REFU', 'NOBT')),
      home_school_id bigint references school (id),
      home_la_code char(3) not null check (home_la_code ~ '^[0-9]{3}$'),
      nc_year_override smallint check (nc_year_override between 0 and 14),
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint pupil_upn_uq unique (upn)
    )
  `,
  `
    create index pupil_home_school_id_idx on pupil (home_school_id)
  `,
  `
    create index pupil_home_la_code_idx on pupil (home_la_code)
  `,
  `
    create table api_token (
      id bigint generated always as identity primary key,
      token_hash char(64) not null,
      label text not null check (length(label) between 1 and 200),
      role text not null check (role in ('la_admin', 'coordinator', 'school', 'provider', 'analyst')),
      la_code char(3) not null references local_authority (code),
      school_id bigint references school (id),
      provider_id bigint references provider (id),
      created_by text not null,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      revoked_at timestamptz,
      constraint api_token_token_hash_uq unique (token_hash),
      constraint api_token_org_check check (
        (role = 'school' and school_id is not null and provider_id is null) or
        (role = 'provider' and provider_id is not null and school_id is null) or
        (role in ('la_admin', 'coordinator', 'analyst') and school_id is null and provider_id is null))
    )
  `,
  `
    create index api_token_la_code_idx on api_token (la_code)
  `,
  `
    create table audit_event (
      id bigint generated always as identity primary key,
      at timestamptz not null default clock_timestamp(),
      request_id text,
      actor text not null,
      role text not null,
      org_type text not null,
      org_id text not null,
      actor_la_code char(3),
      action text not null check (action in ('read', 'list', 'create', 'update', 'delete', 'search', 'revoke',
        'export')),
      entity text not null,
      entity_id text,
      pupil_id bigint,
      pupil_la_code char(3),
      changed_fields text[]
    )
  `,
  `
    create index audit_event_pupil_id_idx on audit_event (pupil_id, at)
  `,
  `
    create index audit_event_actor_la_code_idx on audit_event (actor_la_code, at)
  `,
  `
    create index audit_event_pupil_la_code_idx on audit_event (pupil_la_code, at)
  `,
  `
    -- The audit trail is append-only: the database itself refuses to change or remove it.
    create function audit_event_immutable() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_event is append-only' using errcode = 'P0001';
    end $$
  `,
  `
    create trigger audit_event_no_update before update or delete on audit_event
      for each row execute function audit_event_immutable()
  `,
  `
    create trigger audit_event_no_truncate before truncate on audit_event
      for each statement execute function audit_event_immutable()
  `,
  `
    create table idempotency_key (
      principal text not null,
      key text not null check (length(key) between 1 and 200),
      method text not null,
      path text not null,
      request_hash char(64) not null,
      status_code smallint,
      response_headers jsonb,
      response_body text,
      created_at timestamptz not null default now(),
      primary key (principal, key)
    )
  `,
  `
    create index idempotency_key_created_at_idx on idempotency_key (created_at)
  `
]

const DOWN: string[] = [
  `
    drop table idempotency_key
  `,
  `
    drop trigger audit_event_no_truncate on audit_event
  `,
  `
    drop trigger audit_event_no_update on audit_event
  `,
  `
    drop table audit_event
  `,
  `
    drop function audit_event_immutable()
  `,
  `
    drop table api_token
  `,
  `
    drop table pupil
  `,
  `
    drop table provider_tier
  `,
  `
    drop table provider
  `,
  `
    drop table school
  `,
  `
    drop table la_policy
  `,
  `
    drop table local_authority
  `
]

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of UP) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of DOWN) await sql.raw(statement).execute(db)
}
