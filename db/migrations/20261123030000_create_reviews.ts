import { type Kysely, sql } from 'kysely'

// Placement reviews, review requests under an off-site direction, and LA approvals of extensions past the
// tier limit. The placement keeps its computed next-review date so worklists are plain indexed SQL.
// Frozen in time: never import application code.
const UP: string[] = [
  `alter table placement add column next_review_due_on date`,
  `alter table placement add column next_review_rule text`,
  `alter table placement add column extension_count integer not null default 0`,
  `update placement set next_review_due_on = first_review_due_on, next_review_rule = 'FIRST_REVIEW' where status in
    ('PLANNED', 'ACTIVE')`,
  `create index placement_la_code_next_review_idx on placement (la_code, next_review_due_on) where status in ('ACTIVE',
    'PLANNED')`,
  `
    create table review (
      id bigint generated always as identity primary key,
      placement_id bigint not null references placement (id),
      held_on date not null,
      attendees jsonb not null,
      parent_views text,
      parent_views_missing_reason text,
      pupil_views text,
      pupil_views_missing_reason text,
      attendance_since_last_pct numeric(5, 2) check (attendance_since_last_pct between 0 and 100),
      attendance_source text not null check (attendance_source in ('RECORDED', 'ENTERED', 'NONE')),
      objectives jsonb not null,
      decision text not null check (decision in ('CONTINUE', 'EXTEND', 'BEGIN_REINTEGRATION', 'ESCALATE_TIER', 'END')),
      extension_new_end date,
      extension_reasons text,
      next_review_on date,
      school_view text,
      school_view_at timestamptz,
      recorded_by text not null,
      created_at timestamptz not null default now(),
      constraint review_parent_views_check check (parent_views is not null or parent_views_missing_reason is not null),
      constraint review_pupil_views_check check (pupil_views is not null or pupil_views_missing_reason is not null),
      constraint review_extension_check check ((decision = 'EXTEND') = (extension_new_end is not null))
    )
  `,
  `create index review_placement_id_idx on review (placement_id, held_on)`,
  `
    create table review_request (
      id bigint generated always as identity primary key,
      placement_id bigint not null references placement (id),
      requested_by text not null check (requested_by in ('PARENT', 'LA')),
      received_on date not null,
      status text not null check (status in ('OPEN', 'DECLINED', 'MET')),
      due_on date,
      declined_reason text,
      met_by_review_id bigint references review (id),
      recorded_by text not null,
      created_at timestamptz not null default now()
    )
  `,
  `create index review_request_placement_id_idx on review_request (placement_id, status)`,
  `
    create table extension_approval (
      id bigint generated always as identity primary key,
      placement_id bigint not null references placement (id),
      up_to date not null,
      reason text not null,
      approved_by text not null,
      approved_at timestamptz not null default now()
    )
  `,
  `create index extension_approval_placement_id_idx on extension_approval (placement_id)`
]

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of UP) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of [
    'drop table extension_approval',
    'drop table review_request',
    'drop table review',
    'drop index placement_la_code_next_review_idx',
    'alter table placement drop column extension_count',
    'alter table placement drop column next_review_rule',
    'alter table placement drop column next_review_due_on'
  ])
    await sql.raw(statement).execute(db)
}
