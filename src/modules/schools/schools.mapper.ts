import type { SchoolRow } from '../../db/schema.js'
import { toIso } from '../../platform/time.js'
import { type School, setsOwnTermDates } from './schools.schemas.js'

export const toSchool = (row: SchoolRow): School => ({
  id: row.id,
  urn: row.urn,
  laestab: row.laestab,
  name: row.name,
  laCode: row.la_code,
  phase: row.phase,
  type: row.type,
  setsOwnTermDates: setsOwnTermDates(row.type),
  createdAt: toIso(row.created_at),
  updatedAt: toIso(row.updated_at)
})
