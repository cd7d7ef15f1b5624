import { type Kysely, sql } from 'kysely'

// Cases entered after the event (issue 11 §4): a referral keeps the date it was received, apart from the day
// it was recorded; a placement carries the pupil's attendance baseline along an escalation or step-down chain,
// and a coordinator may set one where there is no referral. Frozen in time: never import application code.
const UP: string[] = [
  `alter table referral add column received_on date`,
  `update referral set received_on = submitted_on`,
  // Rows written without a received date (bulk loads, older clients) were received when recorded.
  `
    create function referral_received_on_default() returns trigger language plpgsql as $$
    begin
      if new.received_on is null then new.received_on := new.submitted_on; end if;
      return new;
    end $$
  `,
  `create trigger referral_received_on_default before insert on referral for each row execute function
    referral_received_on_default()`,
  `alter table referral alter column received_on set not null`,
  `alter table referral add constraint referral_received_on_check check (received_on <= submitted_on)`,
  `alter table placement add column baseline_attendance_pct numeric(5, 2)
    check (baseline_attendance_pct between 0 and 100)`,
  // Each placement takes its referral's baseline; then each escalation or step-down its predecessor's.
  `update placement pl set baseline_attendance_pct = r.baseline_attendance_pct from referral r
    where r.id = pl.referral_id`,
  `
    with recursive chain as (
      select id, baseline_attendance_pct from placement where previous_placement_id is null
      union all
      select pl.id, coalesce(pl.baseline_attendance_pct, chain.baseline_attendance_pct)
      from placement pl join chain on pl.previous_placement_id = chain.id
    )
    update placement pl set baseline_attendance_pct = chain.baseline_attendance_pct from chain
    where chain.id = pl.id and pl.baseline_attendance_pct is null and chain.baseline_attendance_pct is not null
  `,
  // A placement inserted from a referral without a baseline of its own takes the referral's.
  `
    create function placement_baseline_default() returns trigger language plpgsql as $$
    begin
      if new.baseline_attendance_pct is null and new.referral_id is not null then
        select baseline_attendance_pct into new.baseline_attendance_pct from referral where id = new.referral_id;
      end if;
      return new;
    end $$
  `,
  `create trigger placement_baseline_default before insert on placement for each row execute function
    placement_baseline_default()`
]

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of UP) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of [
    'drop trigger placement_baseline_default on placement',
    'drop function placement_baseline_default()',
    'alter table placement drop column baseline_attendance_pct',
    'drop trigger referral_received_on_default on referral',
    'drop function referral_received_on_default()',
    'alter table referral drop column received_on'
  ])
    await sql.raw(statement).execute(db)
}
