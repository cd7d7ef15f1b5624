import type { SchoolRow } from '../../db/schema.js'
import { toIso } from '../../platform/time.js'
import { type School, type SchoolType, setsOwnTermDates } from './schools.schemas.js'

export const toSchool = (row: SchoolRow): School => ({
  id: row.id,
  urn: row.urn,
  laestab: row.laestab,
  name: row.name,
  laCode: row.la_code,
  phase: row.phase as School['phase'],
  type: row.type as SchoolType,
  setsOwnTermDates: setsOwnTermDates(row.type as SchoolType),
  createdAt: toIso(row.created_at),
  updatedAt: toIso(row.updated_at)
})
