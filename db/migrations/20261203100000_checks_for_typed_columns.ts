import { type Kysely, sql } from 'kysely'

// Columns the code treats as closed sets get the CHECK their siblings have, so the database refuses a value
// the API never writes and the generated table types (npm run db:types) carry the union: a placement's legal
// basis (as its referral's), the rule that set its next review, and a corrected mark's session.
// Frozen in time: never import application code.
const UP: string[] = [
  `alter table placement add constraint placement_legal_basis_check check (legal_basis in ('SCHOOL_COMMISSIONED',
    'OFF_SITE_DIRECTION_S29A', 'SUSPENSION_SIXTH_DAY', 'LA_S19_PERMANENT_EXCLUSION', 'LA_S19_HEALTH', 'LA_S19_OTHER',
    'EHCP'))`,
  `alter table placement add constraint placement_next_review_rule_check
    check (next_review_rule in ('FIRST_REVIEW', 'MAX_GAP', 'HALF_TERM', 'SET_AT_REVIEW'))`,
  `alter table attendance_correction add constraint attendance_correction_session_check
    check (session in ('AM', 'PM'))`
]

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of UP) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of [
    'alter table attendance_correction drop constraint attendance_correction_session_check',
    'alter table placement drop constraint placement_next_review_rule_check',
    'alter table placement drop constraint placement_legal_basis_check'
  ])
    await sql.raw(statement).execute(db)
}
