import { performance } from 'node:perf_hooks'
import { pipeline } from 'node:stream/promises'
import { Readable } from 'node:stream'
import { DateTime } from 'luxon'
import type { Kysely } from 'kysely'
import pg from 'pg'
import copyStreams from 'pg-copy-streams'
import type { DB } from '../src/db/schema.js'
import { upnCheckLetter } from '../src/domain/identifiers.js'
import { calendarForPupil } from '../src/modules/pupils/index.js'
import { issueToken } from '../src/modules/tokens/tokens.service.js'

/**
 * Attendance ingest: marks per second through POST /v1/attendance/marks (batches of 10,000: validation, placement
 * and calendar checks, upsert with corrections, weekly session check, audit, one transaction) against PostgreSQL
 * COPY of the same rows into the same table. Each batch is new marks (later school days), so both sides insert.
 * One warm-up batch on each side goes first and is not counted.
 */

const PUPILS = 100
const DAYS_PER_BATCH = 50 // 100 pupils × 50 school days × AM and PM = 10,000 marks
const CODES = ['PRESENT', 'PRESENT', 'PRESENT', 'PRESENT', 'PRESENT', 'PRESENT', 'LATE', 'ABSENT_UNAUTH'] as const

async function placedPupils(
  db: Kysely<DB>,
  laCode: string,
  schoolId: string,
  tag: string
): Promise<{ providerId: string; pupilIds: string[]; placementIds: string[] }> {
  const provider = await db
    .insertInto('provider')
    .values({
      name: `Benchmark attendance ${tag}`,
      la_code: laCode,
      setting_type: 'OTH',
      registration_status: 'UNREGISTERED',
      safeguarding_confirmed_on: '2025-09-01'
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db.insertInto('provider_tier').values({ provider_id: provider.id, tier: 2, places: 100_000 }).execute()
  const pupils = await db
    .insertInto('pupil')
    .values(
      Array.from({ length: PUPILS }, (_, i) => {
        const body = `${laCode}${tag}${String(i).padStart(9 - tag.length, '0')}`
        return {
          upn: upnCheckLetter(body) + body,
          legal_forename: 'Bench',
          legal_surname: `Attendance ${tag}${i}`,
          date_of_birth: '2012-05-01',
          sex: 'U',
          home_school_id: schoolId,
          home_la_code: laCode
        }
      })
    )
    .returning('id')
    .execute()
  const placements = await db
    .insertInto('placement')
    .values(
      pupils.map((p) => ({
        pupil_id: p.id,
        pupil_home_la_code: laCode,
        la_code: laCode,
        tier: 2,
        provider_id: provider.id,
        commissioner_type: 'SCHOOL',
        commissioner_school_id: schoolId,
        legal_basis: 'SCHOOL_COMMISSIONED',
        reason_code: 'BEH',
        start_date: '2024-09-02',
        planned_end_date: '2027-07-16',
        status: 'ACTIVE',
        sessions_at_provider: 10,
        sessions_at_home_school: 0,
        registration: 'ON_HOME_ROLL',
        home_attendance_code: 'B',
        first_review_due_on: '2025-10-01',
        plan: JSON.stringify({
          objectives: [{ description: 'Attend', baseline: '60%', target: '90%' }],
          reintegrationPlan: 'Return',
          transitionPlan: null,
          intendedPost16Route: null,
          readinessCriteria: null
        })
      }))
    )
    .returning('id')
    .execute()
  return { providerId: provider.id, pupilIds: pupils.map((p) => p.id), placementIds: placements.map((p) => p.id) }
}

export interface IngestResult {
  batches: number
  marksPerBatch: number
  apiMarksPerSecond: number
  copyMarksPerSecond: number
  ratio: number
  apiMsPerBatch: number[]
  copyMsPerBatch: number[]
}

export async function benchAttendanceIngest(opts: {
  db: Kysely<DB>
  apiBase: string
  laCode: string
  schoolId: string
  databaseUrl: string
  batches: number
}): Promise<IngestResult> {
  const { db, laCode, schoolId } = opts
  const tag = String((Date.now() % 89) + 10)
  const api = await placedPupils(db, laCode, schoolId, `${tag}5`)
  const copy = await placedPupils(db, laCode, schoolId, `${tag}6`)
  const { token } = await issueToken(db, {
    role: 'provider',
    laCode,
    providerId: api.providerId,
    label: 'npm run bench (attendance)',
    createdBy: 'bench',
    expiresAt: DateTime.utc().plus({ hours: 6 }).toJSDate()
  })
  const calendar = await calendarForPupil(db, { home_school_id: schoolId, home_la_code: laCode })
  const yesterday = DateTime.now().setZone('Europe/London').minus({ days: 1 }).toISODate()!
  const days = calendar.schoolDaysBetween('2024-09-02', yesterday)
  if (days.length < (opts.batches + 1) * DAYS_PER_BATCH)
    throw new Error(
      `attendance-ingest needs ${(opts.batches + 1) * DAYS_PER_BATCH} past school days; found ${days.length}`
    )

  const client = new pg.Client({ connectionString: opts.databaseUrl })
  await client.connect()
  const apiMs: number[] = []
  const copyMs: number[] = []
  try {
    // Batch 0 warms up both sides (JIT, plans, caches) and is not counted.
    for (let b = 0; b <= opts.batches; b++) {
      const window = days.slice(b * DAYS_PER_BATCH, (b + 1) * DAYS_PER_BATCH)
      const marks: { pupilId: string; date: string; session: 'AM' | 'PM'; code: string }[] = []
      const lines: string[] = []
      api.pupilIds.forEach((pupilId, i) => {
        window.forEach((date, d) => {
          for (const session of ['AM', 'PM'] as const) {
            const code = CODES[(i + d + (session === 'PM' ? 3 : 0)) % CODES.length]!
            marks.push({ pupilId, date, session, code })
            lines.push(`${copy.placementIds[i]},${date},${session},${code},,bench\n`)
          }
        })
      })
      const body = JSON.stringify({ marks })
      let started = performance.now()
      const res = await fetch(`${opts.apiBase}/v1/attendance/marks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body
      })
      const answer = (await res.json()) as { created?: number }
      if (b > 0) apiMs.push(performance.now() - started)
      if (res.status !== 200 || answer.created !== marks.length)
        throw new Error(`attendance batch ${b} answered ${res.status}: ${JSON.stringify(answer).slice(0, 300)}`)

      started = performance.now()
      await pipeline(
        Readable.from([lines.join('')]),
        client.query(
          copyStreams.from(
            'copy attendance_mark (placement_id, on_date, session, code, reason, recorded_by) from stdin (format csv)'
          )
        )
      )
      if (b > 0) copyMs.push(performance.now() - started)
    }
  } finally {
    await client.end()
  }
  const marksPerBatch = PUPILS * DAYS_PER_BATCH * 2
  const total = marksPerBatch * opts.batches
  const apiRate = total / (apiMs.reduce((a, b) => a + b, 0) / 1000)
  const copyRate = total / (copyMs.reduce((a, b) => a + b, 0) / 1000)
  return {
    batches: opts.batches,
    marksPerBatch,
    apiMarksPerSecond: apiRate,
    copyMarksPerSecond: copyRate,
    ratio: apiRate / copyRate,
    apiMsPerBatch: apiMs,
    copyMsPerBatch: copyMs
  }
}
