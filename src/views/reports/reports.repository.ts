import { type Kysely, sql } from 'kysely'
import type { DB } from '../../db/schema.js'

/** All SQL of the LA reports: read-only aggregates over the LA's placements. */

/**
 * The rows of the LA's placements running at some point in the academic year: the pupils and outcomes,
 * recorded follow-ups, the year's marks, assessments and GCSE results. Read-only: the reads run side by side.
 */
export async function yearRows(
  trx: Kysely<DB>,
  code: string,
  { start, from, to }: { start: number; from: string; to: string }
) {
  const inYear = () =>
    trx
      .selectFrom('placement')
      .select('placement.id')
      .where('placement.la_code', '=', code)
      .where('placement.status', '<>', 'CANCELLED')
      // A placement ending on 31 August has its outcome effective on 1 September: it belongs to the year.
      .where('placement.start_date', '<=', to)
      .where((eb) =>
        eb.or([eb('placement.end_date', 'is', null), eb('placement.end_date', '>=', `${start - 1}-08-31`)])
      )
  const [placements, followUps, marks, assessments, results] = await Promise.all([
    trx
      .selectFrom('placement')
      .innerJoin('pupil', 'pupil.id', 'placement.pupil_id')
      .leftJoin('placement_outcome', 'placement_outcome.id', 'placement.outcome_id')
      .select([
        'placement.id',
        'placement.tier',
        'placement.provider_id',
        'placement.commissioner_school_id',
        'pupil.home_school_id',
        'pupil.sen_provision',
        'pupil.fsm_eligible',
        'pupil.looked_after',
        'pupil.sex',
        'pupil.ethnicity',
        'pupil.date_of_birth',
        'pupil.nc_year_override',
        'placement.baseline_attendance_pct',
        'placement_outcome.code as outcome',
        'placement_outcome.effective_date',
        'placement_outcome.destination'
      ])
      .where('placement.id', 'in', inYear())
      .execute(),
    trx
      .selectFrom('outcome_follow_up')
      .select(['placement_id', 'checkpoint', 'met'])
      .where('status', '=', 'RECORDED')
      .where('placement_id', 'in', inYear())
      .execute(),
    trx
      .selectFrom('attendance_mark')
      .select((eb) => ['placement_id', 'code', eb.fn.countAll<string>().as('n')])
      .where('placement_id', 'in', inYear())
      .where('on_date', '>=', from)
      .where('on_date', '<=', to)
      .groupBy(['placement_id', 'code'])
      .execute(),
    trx
      .selectFrom('assessment')
      .select([
        'placement_id',
        'subject',
        'stage',
        'assessed_on',
        'scale',
        'scale_name',
        'scale_min',
        'scale_max',
        'score'
      ])
      .where('placement_id', 'in', inYear())
      .execute(),
    trx
      .selectFrom('qualification_result')
      .select(['placement_id', 'subject', 'qualification', 'grade'])
      .where('qualification', '=', 'GCSE')
      .where('awarded_on', '>=', from)
      .where('awarded_on', '<=', to)
      .where('placement_id', 'in', inYear())
      .execute()
  ])
  return { placements, followUps, marks, assessments, results }
}

/** The rows behind each of the LA's compliance checks as of `today`, read side by side. */
export async function complianceRows(trx: Kysely<DB>, code: string, today: string) {
  const noObjectives = sql`jsonb_array_length(placement.plan->'objectives') = 0`
  const noReintegrationPlan = sql`(placement.tier = 2 and placement.plan->>'reintegrationPlan' is null)`
  const noTransitionPlan = sql`(placement.tier = 3 and placement.plan->>'transitionPlan' is null)`
  const open = ['PLANNED', 'ACTIVE', 'PAUSED'] as const
  const base = () => trx.selectFrom('placement').where('placement.la_code', '=', code)
  const cols = ['placement.id', 'placement.provider_id', 'placement.commissioner_school_id'] as const
  const [overdue, noPlan, noBaseline, partTime, notNotified, missing, followUps, providers] = await Promise.all([
    base()
      .select([...cols, 'placement.next_review_due_on'])
      .where('placement.status', '=', 'ACTIVE')
      .where('placement.next_review_due_on', '<', today)
      .orderBy('placement.next_review_due_on')
      .execute(),
    base()
      .select([...cols, 'placement.tier'])
      .where('placement.status', 'in', open)
      .where(sql<boolean>`(${noObjectives} or ${noReintegrationPlan} or ${noTransitionPlan})`)
      .orderBy('placement.id')
      .execute(),
    // The placement's own baseline, which escalations and step-downs carry along the chain.
    base()
      .select([...cols, 'placement.start_date'])
      .where('placement.status', 'in', open)
      .where('placement.tier', '>=', 2)
      .where('placement.baseline_attendance_pct', 'is', null)
      .orderBy('placement.id')
      .execute(),
    base()
      .select([
        ...cols,
        'placement.part_time_plan_end_date',
        'placement.sessions_at_provider',
        'placement.sessions_at_home_school'
      ])
      .where('placement.status', 'in', open)
      .where(sql<boolean>`placement.sessions_at_provider + placement.sessions_at_home_school < 10`)
      .orderBy('placement.id')
      .execute(),
    base()
      .select([...cols, 'placement.start_date'])
      .where('placement.status', '<>', 'CANCELLED')
      .where('placement.commissioner_type', '=', 'SCHOOL')
      .where('placement.la_notified_on', 'is', null)
      .orderBy('placement.id')
      .execute(),
    base()
      .select([...cols, 'placement.planned_end_date'])
      .where('placement.status', 'in', ['ACTIVE', 'PAUSED'])
      .where('placement.planned_end_date', '<', today)
      .orderBy('placement.planned_end_date')
      .execute(),
    base()
      .innerJoin('outcome_follow_up', 'outcome_follow_up.placement_id', 'placement.id')
      .select([...cols, 'outcome_follow_up.checkpoint', 'outcome_follow_up.due_on'])
      .where('outcome_follow_up.status', '=', 'PENDING')
      .where('outcome_follow_up.due_on', '<', today)
      .orderBy('outcome_follow_up.due_on')
      .execute(),
    trx
      .selectFrom('provider')
      .select(['id', 'name', 'registration_status', 'safeguarding_confirmed_on'])
      .where('la_code', '=', code)
      .orderBy('id')
      .execute()
  ])
  return { overdue, noPlan, noBaseline, partTime, notNotified, missing, followUps, providers }
}
