import { type Kysely, sql } from 'kysely'

// The day Year 11's public examinations end, an LA policy setting read by the sixth-day clocks (domain.md §2.4,
// §9.5: no duty once no further public examinations are due), and the longest unbroken run of months in an
// apprenticeship in the destination year, read by the March post-16 check (§5.3: an apprenticeship is sustained
// after 6 months at any time in August–July). Frozen in time: never import application code.
const UP: string[] = [
  `alter table la_policy add column year11_exams_end char(5) check (year11_exams_end ~
    '^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$')`,
  `alter table outcome_follow_up add column apprenticeship_months smallint
    check (apprenticeship_months between 0 and 12)`
]

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of UP) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of [
    'alter table outcome_follow_up drop column apprenticeship_months',
    'alter table la_policy drop column year11_exams_end'
  ])
    await sql.raw(statement).execute(db)
}
