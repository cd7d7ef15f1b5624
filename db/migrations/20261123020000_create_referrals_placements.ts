import { type Kysely, sql } from 'kysely'

// Referrals, placements and provider waiting lists. Frozen in time: never import application code.
const UP: string[] = [
  `create extension if not exists btree_gist`,
  `
    create table reason_code (
      code text primary key check (code ~ '^[A-Z0-9_]{2,12}$'),
      label text not null check (length(label) between 1 and 200),
      la_code char(3) references local_authority (code) on delete cascade,
      created_at timestamptz not null default now()
    )
  `,
  // Census "primary reason for placement" codes (why the placement was commissioned, not the pupil's
  // needs). The DfE list lives in the CBDS; these are the starting set, and an LA may add its own.
  `
    insert into reason_code (code, label) values
      ('PEX', 'Permanently excluded'),
      ('SUS', 'Suspended (sixth-day provision)'),
      ('OSD', 'Off-site direction to improve behaviour'),
      ('BEH', 'Behaviour support / early intervention'),
      ('HEALTH', 'Health needs (physical or mental)'),
      ('SEN', 'Special educational needs: awaiting or named in an EHC plan'),
      ('NOPLACE', 'No school place (e.g. in-year arrival)'),
      ('MMT', 'Managed move'),
      ('PREG', 'Pregnancy or young parent'),
      ('OTHER', 'Other reason')
  `,
  `
    create table referral (
      id bigint generated always as identity primary key,
      pupil_id bigint not null references pupil (id),
      la_code char(3) not null references local_authority (code),
      referring_school_id bigint references school (id),
      requested_tier smallint not null check (requested_tier between 1 and 3),
      legal_basis text not null check (legal_basis in ('SCHOOL_COMMISSIONED', 'OFF_SITE_DIRECTION_S29A',
        'SUSPENSION_SIXTH_DAY', 'LA_S19_PERMANENT_EXCLUSION', 'LA_S19_HEALTH', 'LA_S19_OTHER', 'EHCP')),
      reason_code text references reason_code (code),
      needs_summary text,
      interventions_tried text,
      proposed_objectives jsonb not null default '[]',
      baseline_attendance_pct numeric(5, 2) check (baseline_attendance_pct between 0 and 100),
      baseline_from date,
      baseline_to date,
      parent_consulted_on date,
      pupil_views text,
      send_caseworker_told_on date,
      virtual_school_told_on date,
      exclusions jsonb not null default '[]',
      preferred_provider_id bigint references provider (id),
      status text not null default 'SUBMITTED' check (status in ('SUBMITTED', 'ACCEPTED', 'DECLINED', 'WITHDRAWN')),
      submitted_on date not null,
      decision_due_on date not null,
      decided_at timestamptz,
      decided_by text,
      decision_reason text,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint referral_baseline_period_check check (baseline_from is null or baseline_to is null
        or baseline_from <= baseline_to),
      constraint referral_decline_reason_check check (status <> 'DECLINED' or decision_reason is not null)
    )
  `,
  `create index referral_la_code_status_idx on referral (la_code, status)`,
  `create index referral_pupil_id_idx on referral (pupil_id)`,
  `create index referral_referring_school_id_idx on referral (referring_school_id)`,
  `
    create table placement (
      id bigint generated always as identity primary key,
      referral_id bigint references referral (id),
      previous_placement_id bigint references placement (id),
      pupil_id bigint not null references pupil (id),
      pupil_home_la_code char(3) not null,
      la_code char(3) not null references local_authority (code),
      tier smallint not null check (tier between 1 and 3),
      provider_id bigint not null references provider (id),
      commissioner_type text not null check (commissioner_type in ('SCHOOL', 'LA')),
      commissioner_school_id bigint references school (id),
      legal_basis text not null,
      reason_code text references reason_code (code),
      start_date date not null,
      planned_end_date date,
      end_date date,
      status text not null default 'PLANNED' check (status in ('PLANNED', 'ACTIVE', 'PAUSED', 'ENDED', 'CANCELLED')),
      sessions_at_provider smallint not null check (sessions_at_provider between 0 and 10),
      sessions_at_home_school smallint not null check (sessions_at_home_school between 0 and 10),
      part_time_plan_end_date date,
      part_time_plan_details text,
      registration text not null check (registration in ('ON_HOME_ROLL', 'DUAL_REGISTERED')),
      home_attendance_code text check (home_attendance_code in ('B', 'D', 'K')),
      plan jsonb not null,
      first_review_due_on date not null,
      la_notified_on date,
      parent_notice_given_on date,
      la_notice_given_on date,
      pause_reason text,
      ended_reason text,
      activated_at timestamptz,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint placement_dates_check check (planned_end_date is null or planned_end_date >= start_date),
      constraint placement_end_check check (end_date is null or end_date >= start_date),
      constraint placement_commissioner_check check ((commissioner_type = 'SCHOOL')
        = (commissioner_school_id is not null)),
      constraint placement_sessions_check check (sessions_at_provider + sessions_at_home_school <= 10),
      -- Tier 1 support happens in the pupil's own school, which marks them present: no AP code.
      constraint placement_attendance_code_check check ((tier = 1) = (home_attendance_code is null)),
      -- A pupil's placements never overlap in time (cancelled ones aside). Open-ended: to infinity.
      constraint placement_no_overlap exclude using gist (
        pupil_id with =,
        daterange(start_date, coalesce(end_date, planned_end_date), '[]') with &&
      ) where (status <> 'CANCELLED')
    )
  `,
  `create index placement_la_code_status_idx on placement (la_code, status)`,
  `create index placement_pupil_home_la_code_idx on placement (pupil_home_la_code)`,
  `create index placement_provider_id_status_idx on placement (provider_id, status)`,
  `create index placement_commissioner_school_id_idx on placement (commissioner_school_id)`,
  `create index placement_pupil_id_idx on placement (pupil_id)`,
  `create unique index placement_referral_id_uq on placement (referral_id) where status <> 'CANCELLED'`,
  `
    create table placement_event (
      id bigint generated always as identity primary key,
      placement_id bigint not null references placement (id),
      event text not null check (event in ('PLANNED', 'ACTIVATED', 'PAUSED', 'RESUMED', 'CANCELLED', 'ENDED',
        'ESCALATED', 'STEPPED_DOWN')),
      on_date date not null,
      reason text,
      actor text not null,
      at timestamptz not null default now()
    )
  `,
  `create index placement_event_placement_id_idx on placement_event (placement_id, id)`,
  `
    create table waiting_list_entry (
      referral_id bigint primary key references referral (id),
      provider_id bigint not null references provider (id),
      tier smallint not null check (tier between 1 and 3),
      added_at timestamptz not null default now()
    )
  `,
  `create index waiting_list_entry_provider_idx on waiting_list_entry (provider_id, tier, added_at)`
]

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of UP) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['waiting_list_entry', 'placement_event', 'placement', 'referral', 'reason_code'])
    await sql.raw(`drop table ${table}`).execute(db)
}
