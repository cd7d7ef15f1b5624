import { type Kysely, sql } from 'kysely'

// Outcomes that close placements (corrections kept as new rows), follow-ups that test whether an outcome
// held, session attendance marks with their corrections, and English and maths attainment.
// Frozen in time: never import application code.
const UP: string[] = [
  `alter table la_policy add column sustained_attendance_pct numeric(5, 2) not null default 90
    check (sustained_attendance_pct between 0 and 100)`,
  `alter table la_policy add column follow_up_response_school_days smallint not null default 10 check
    (follow_up_response_school_days between 1 and 65)`,
  `
    create table placement_outcome (
      id bigint generated always as identity primary key,
      placement_id bigint not null references placement (id),
      code text not null check (code in ('RETURNED_TO_HOME_SCHOOL_FULL_TIME', 'RETURNED_TO_HOME_SCHOOL_PHASED',
        'MOVED_TO_NEW_MAINSTREAM', 'MOVED_TO_SPECIAL_SCHOOL', 'MOVED_TO_AP_SCHOOL_LONG_TERM', 'ESCALATED_TIER_2_TO_3',
        'EHCP_PLACEMENT_NAMED', 'PERMANENTLY_EXCLUDED', 'POST16_TRANSITION', 'ELECTIVE_HOME_EDUCATION',
        'CHILD_MISSING_EDUCATION', 'LEFT_LA_AREA', 'MEDICAL_OR_HOSPITAL_EDUCATION', 'PLACEMENT_BROKE_DOWN', 'OTHER')),
      effective_date date not null,
      receiving_school_id bigint references school (id),
      receiving_provider_id bigint references provider (id),
      receiving_name text,
      receiving_identifier text,
      final_review_id bigint references review (id),
      final_review_missing_reason text,
      reasons text,
      other_text text,
      phased_plan_end_date date,
      phased_plan_details text,
      destination text check (destination in ('FE_COLLEGE', 'SCHOOL_SIXTH_FORM', 'SIXTH_FORM_COLLEGE',
        'SPECIALIST_POST16_INSTITUTION', 'SPECIAL_SCHOOL_POST16', 'AP_POST16', 'INDEPENDENT_SCHOOL',
        'APPRENTICESHIP_L2', 'APPRENTICESHIP_L3_PLUS', 'SUPPORTED_INTERNSHIP', 'EMPLOYMENT_WITH_TRAINING',
        'EMPLOYMENT_WITHOUT_TRAINING', 'TRAINEESHIP_LEGACY', 'OTHER_TRAINING', 'PART_TIME_EDUCATION', 'NEET_SEEKING',
        'NEET_NOT_AVAILABLE', 'NOT_KNOWN', 'MOVED_AWAY')),
      destination_source text check (destination_source in ('SELF_REPORTED', 'PROVIDER_CONFIRMED', 'NCCIS')),
      destination_provider_name text,
      destination_provider_identifier text,
      september_guarantee text check (september_guarantee in ('OFFER_MADE', 'NO_OFFER', 'OFFER_NOT_APPROPRIATE',
        'NOT_RECORDED')),
      corrects_id bigint references placement_outcome (id),
      correction_reason text,
      recorded_by text not null,
      created_at timestamptz not null default now(),
      constraint placement_outcome_other_check check (code <> 'OTHER' or other_text is not null),
      constraint placement_outcome_phased_check check ((code = 'RETURNED_TO_HOME_SCHOOL_PHASED')
        = (phased_plan_end_date is not null)),
      constraint placement_outcome_post16_check check ((code = 'POST16_TRANSITION') = (destination is not null)),
      constraint placement_outcome_correction_check check ((corrects_id is null) = (correction_reason is null))
    )
  `,
  // The current outcome is the one no later row corrects.
  `create unique index placement_outcome_corrects_uq on placement_outcome (corrects_id)`,
  `create index placement_outcome_placement_id_idx on placement_outcome (placement_id, id)`,
  `alter table placement add column outcome_id bigint references placement_outcome (id)`,
  // Placements ended before outcomes existed were escalations or step-downs: they get the matching outcome.
  `
    insert into placement_outcome (placement_id, code, effective_date, final_review_missing_reason, recorded_by)
    select id, case ended_reason when 'ESCALATED_TIER_2_TO_3' then 'ESCALATED_TIER_2_TO_3' else
      'RETURNED_TO_HOME_SCHOOL_FULL_TIME' end,
      end_date + 1, 'Ended before outcomes were recorded', 'migration'
    from placement where status = 'ENDED'
  `,
  `update placement set outcome_id = o.id from placement_outcome o where o.placement_id = placement.id and
    placement.status = 'ENDED'`,
  `alter table placement add constraint placement_ended_outcome_check check
    (status <> 'ENDED' or outcome_id is not null)`,
  `alter table placement_event drop constraint placement_event_event_check`,
  `alter table placement_event add constraint placement_event_event_check check (event in ('PLANNED', 'ACTIVATED',
    'PAUSED', 'RESUMED', 'CANCELLED', 'ENDED', 'ESCALATED', 'STEPPED_DOWN', 'OUTCOME_CORRECTED'))`,
  `
    create table outcome_follow_up (
      id bigint generated always as identity primary key,
      placement_id bigint not null references placement (id),
      checkpoint text not null check (checkpoint in ('SIX_SCHOOL_WEEKS', 'ONE_TERM', 'TWO_TERMS', 'POST16_OCTOBER',
        'POST16_MARCH')),
      opens_on date not null,
      due_on date not null,
      status text not null default 'PENDING' check (status in ('PENDING', 'RECORDED', 'SUPERSEDED')),
      on_roll boolean,
      roll_school_id bigint references school (id),
      attendance_pct numeric(5, 2) check (attendance_pct between 0 and 100),
      permanently_excluded boolean,
      suspension_days numeric(5, 1) check (suspension_days >= 0),
      new_placement boolean,
      new_placement_id bigint references placement (id),
      participating boolean,
      destination text,
      months_in_education smallint check (months_in_education between 0 and 6),
      months_in_employment smallint check (months_in_employment between 0 and 6),
      met boolean,
      not_met_reasons jsonb not null default '[]',
      notes text,
      recorded_on date,
      recorded_by text,
      recorded_role text,
      created_at timestamptz not null default now(),
      constraint outcome_follow_up_window_check check (opens_on <= due_on),
      -- A recorded result stays when a corrected outcome no longer needs its check (status SUPERSEDED).
      constraint outcome_follow_up_recorded_check check ((status <> 'RECORDED' or recorded_on is not null)
        and (status <> 'PENDING' or recorded_on is null))
    )
  `,
  `create unique index outcome_follow_up_live_uq on outcome_follow_up (placement_id, checkpoint)
    where status <> 'SUPERSEDED'`,
  `create index outcome_follow_up_pending_idx on outcome_follow_up (due_on) where status = 'PENDING'`,
  `
    create table attendance_mark (
      placement_id bigint not null references placement (id),
      on_date date not null,
      session text not null check (session in ('AM', 'PM')),
      code text not null check (code in ('PRESENT', 'LATE', 'ABSENT_AUTH', 'ABSENT_UNAUTH', 'NOT_SCHEDULED')),
      reason text,
      recorded_by text not null,
      updated_at timestamptz not null default now(),
      primary key (placement_id, on_date, session),
      constraint attendance_mark_reason_check check (code <> 'ABSENT_AUTH' or reason is not null)
    )
  `,
  `create index attendance_mark_unexplained_idx on attendance_mark (on_date) where code = 'ABSENT_UNAUTH'`,
  `
    create table attendance_correction (
      id bigint generated always as identity primary key,
      placement_id bigint not null references placement (id),
      on_date date not null,
      session text not null,
      old_code text not null,
      old_reason text,
      new_code text not null,
      new_reason text,
      corrected_by text not null,
      request_id text not null,
      at timestamptz not null default now()
    )
  `,
  `create index attendance_correction_placement_idx on attendance_correction (placement_id, on_date)`,
  `
    create table assessment (
      id bigint generated always as identity primary key,
      placement_id bigint not null references placement (id),
      subject text not null check (subject in ('ENGLISH', 'MATHS')),
      stage text not null check (stage in ('BASELINE', 'REVIEW', 'EXIT')),
      assessed_on date not null,
      scale text not null check (scale in ('GCSE_9_1', 'STANDARDISED_SCORE', 'READING_AGE_MONTHS', 'PROVIDER_SCALE')),
      scale_name text,
      scale_min numeric(7, 2) not null,
      scale_max numeric(7, 2) not null,
      score numeric(7, 2) not null,
      review_id bigint references review (id),
      recorded_by text not null,
      created_at timestamptz not null default now(),
      constraint assessment_range_check check (scale_min < scale_max and score between scale_min and scale_max),
      constraint assessment_provider_scale_check check ((scale = 'PROVIDER_SCALE') = (scale_name is not null))
    )
  `,
  `create index assessment_placement_idx on assessment (placement_id, subject, assessed_on)`,
  `create unique index assessment_baseline_exit_uq on assessment (placement_id, subject, stage)
    where stage in ('BASELINE', 'EXIT')`,
  `
    create table qualification_result (
      id bigint generated always as identity primary key,
      placement_id bigint not null references placement (id),
      subject text not null check (subject in ('ENGLISH', 'MATHS')),
      qualification text not null check (qualification in ('GCSE', 'FUNCTIONAL_SKILLS', 'ENTRY_LEVEL_CERTIFICATE')),
      level text,
      grade text not null,
      awarded_on date not null,
      recorded_by text not null,
      created_at timestamptz not null default now()
    )
  `,
  `create index qualification_result_placement_idx on qualification_result (placement_id)`
]

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of UP) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of [
    'drop table qualification_result',
    'drop table assessment',
    'drop table attendance_correction',
    'drop table attendance_mark',
    'drop table outcome_follow_up',
    'alter table placement_event drop constraint placement_event_event_check',
    `alter table placement_event add constraint placement_event_event_check check (event in ('PLANNED', 'ACTIVATED',
      'PAUSED', 'RESUMED', 'CANCELLED', 'ENDED', 'ESCALATED', 'STEPPED_DOWN'))`,
    'alter table placement drop constraint placement_ended_outcome_check',
    'alter table placement drop column outcome_id',
    'drop table placement_outcome',
    'alter table la_policy drop column follow_up_response_school_days',
    'alter table la_policy drop column sustained_attendance_pct'
  ])
    await sql.raw(statement).execute(db)
}
