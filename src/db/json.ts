import type { ColumnType } from 'kysely'

/**
 * Shapes of the jsonb columns, which the database does not describe: the generated table types (types.ts) name
 * them through the overrides in src/bin/db-types.ts. Written as JSON text (`JSON.stringify`), read back parsed.
 */

export interface ObjectiveJson {
  description: string
  baseline: string
  target: string
}
export interface ExclusionJson {
  kind: 'SUSPENSION' | 'PERMANENT'
  firstDay: string
  lengthSchoolDays: number | null
}
export interface PlanJson {
  objectives: ObjectiveJson[]
  reintegrationPlan: string | null
  transitionPlan: string | null
  intendedPost16Route: string | null
  readinessCriteria: string | null
}

export interface ReviewObjectiveJson {
  objective: number
  progress: 'MET' | 'PARTLY' | 'NOT_MET'
  evidence: string
}
export interface AttendeesJson {
  school: boolean
  provider: boolean
  la: boolean
  parent: boolean
  pupil: boolean
  others: string[]
}

/** A jsonb column: read as the parsed `T`, written as its JSON text. */
export type JsonText<T> = ColumnType<T, string, string>
