import { stringify } from 'csv-stringify'
import type { Kysely } from 'kysely'
import * as repo from './exports.repository.js'
import { Readable } from 'node:stream'
import { isCensusPlacement, isFullTime } from '../../domain/placements.js'
import { academicYearOf, ncYearOn } from '../../domain/school-year.js'
import { sustainedStatus } from '../../domain/outcomes.js'
import { isValidUln, upnProblem } from '../../domain/identifiers.js'
import type { DB } from '../../db/schema.js'
import { notFound } from '../../platform/errors.js'
import { type Actor, writeAudit } from '../../db/audit.js'
import { reportYear } from '../reports/reports.view.js'

export const EXPORT_KINDS = ['placements', 'outcomes', 'census'] as const
export type ExportKind = (typeof EXPORT_KINDS)[number]
type Value = string | number | boolean | null
type Row = Record<string, Value>

/** Rows are read and audited this many placements at a time, so an export of any size streams in bounded memory. */
export const EXPORT_CHUNK = 2000

export const COLUMNS: Record<ExportKind, string[]> = {
  placements: [
    'placementId',
    'pupilId',
    'upn',
    'tier',
    'status',
    'legalBasis',
    'reasonCode',
    'providerId',
    'providerName',
    'commissionerType',
    'commissioningSchoolUrn',
    'startDate',
    'plannedEndDate',
    'endDate',
    'sessionsAtProvider',
    'sessionsAtHomeSchool',
    'homeAttendanceCode',
    'outcome',
    'ncYearAtStart'
  ],
  outcomes: [
    'placementId',
    'pupilId',
    'upn',
    'tier',
    'outcome',
    'effectiveDate',
    'receivingSchoolUrn',
    'receivingName',
    'destination',
    'destinationProvider',
    'septemberGuarantee',
    'sustained',
    'checksRecorded',
    'checksMet'
  ],
  // School census "AP placements arranged by schools" and AP census items (domain.md §4.1, §4.2, §9.8).
  census: [
    'placementId',
    'upn',
    'uln',
    'upnValid',
    'ulnValid',
    'providerUrn',
    'providerUkprn',
    'settingType',
    'reasonCode',
    'entryDate',
    'leavingDate',
    'sessionsPerWeek',
    'association',
    'attendancePattern',
    'previousSchoolUrn',
    'ncYearAtStart',
    'censusYear',
    'ncYearInCensusYear'
  ]
}

/** A spreadsheet must not run a cell as a formula: text starting =, +, -, @, tab or CR gets a leading apostrophe. */
export const safeCell = (v: Value): Value => (typeof v === 'string' && /^[=+\-@\t\r]/.test(v) ? `'${v}` : v)

export interface ExportQuery {
  academicYear?: string | undefined
}

/**
 * The LA's export rows, a chunk at a time (keyset on the placement id), each chunk read and audited (one
 * `export` row per pupil) in its own transaction. Placements, outcomes and census rows are the LA's own
 * (the LA arranged them); with an academic year, those running in it (outcomes: effective in it).
 */
/** Checks an export request before anything is sent: the caller's own LA, a well-formed past or current year. */
export function exportYear(
  actor: Actor,
  code: string,
  q: ExportQuery,
  today: string
): { from: string; to: string } | undefined {
  if (code !== actor.principal.laCode) throw notFound('local_authority')
  return q.academicYear ? reportYear(q.academicYear, today) : undefined
}

export async function* exportRows(
  db: Kysely<DB>,
  actor: Actor,
  code: string,
  kind: ExportKind,
  year: { from: string; to: string } | undefined,
  today: string
): AsyncGenerator<Row[]> {
  let after = '0'
  // The census year: the academic year asked for, else the current one.
  const censusYearStart = year?.from ?? `${academicYearOf(today).slice(0, 4)}-09-01`
  for (;;) {
    const chunk = await db.transaction().execute(async (trx) => {
      const rows = await repo.chunk(trx, code, kind, year, after, EXPORT_CHUNK)
      if (rows.length === 0) return { rows, out: [] as Row[] }
      // Census rows are AP placements that ran in the period (not Tier 1 support, not PLANNED ones); the keyset
      // still moves past every row read.
      const exported =
        kind === 'census'
          ? rows.filter((r) =>
              isCensusPlacement(
                { tier: r.tier, status: r.status, startDate: r.start_date, endDate: r.end_date },
                year,
                today
              )
            )
          : rows
      const followUps =
        kind === 'outcomes'
          ? await repo.liveFollowUps(
              trx,
              rows.map((r) => r.id)
            )
          : []
      const followUpsOf = new Map<string, typeof followUps>()
      for (const f of followUps) followUpsOf.set(f.placement_id, [...(followUpsOf.get(f.placement_id) ?? []), f])
      await writeAudit(
        trx,
        actor,
        exported.map((r) => ({
          action: 'export' as const,
          entity: `export_${kind}`,
          entityId: r.id,
          pupilId: r.pupil_id,
          pupilLaCode: r.home_la_code
        }))
      )
      const ncYearAt = (r: (typeof rows)[number], on: string) =>
        ncYearOn(r.date_of_birth, r.nc_year_override, on, today)
      const out = exported.map((r): Row => {
        switch (kind) {
          case 'placements':
            return {
              placementId: r.id,
              pupilId: r.pupil_id,
              upn: r.upn,
              tier: r.tier,
              status: r.status,
              legalBasis: r.legal_basis,
              reasonCode: r.reason_code,
              providerId: r.provider_id,
              providerName: r.provider_name,
              commissionerType: r.commissioner_type,
              commissioningSchoolUrn: r.commissioning_urn,
              startDate: r.start_date,
              plannedEndDate: r.planned_end_date,
              endDate: r.end_date,
              sessionsAtProvider: r.sessions_at_provider,
              sessionsAtHomeSchool: r.sessions_at_home_school,
              homeAttendanceCode: r.home_attendance_code,
              outcome: r.outcome,
              ncYearAtStart: ncYearAt(r, r.start_date)
            }
          case 'outcomes': {
            const mine = followUpsOf.get(r.id) ?? []
            return {
              placementId: r.id,
              pupilId: r.pupil_id,
              upn: r.upn,
              tier: r.tier,
              outcome: r.outcome,
              effectiveDate: r.effective_date,
              receivingSchoolUrn: r.receiving_urn,
              receivingName: r.receiving_name,
              destination: r.destination,
              destinationProvider: r.destination_provider_name,
              septemberGuarantee: r.september_guarantee,
              sustained: sustainedStatus(r.outcome!, mine),
              checksRecorded: mine.filter((f) => f.status === 'RECORDED').length,
              checksMet: mine.filter((f) => f.met === true).length
            }
          }
          case 'census': {
            // Exactly one of URN, UKPRN or setting type identifies the provider:
            // the URN, else the UKPRN, else the type.
            const urn = r.provider_urn
            const ukprn = urn ? null : r.provider_ukprn
            return {
              placementId: r.id,
              upn: r.upn,
              uln: r.uln,
              upnValid: upnProblem(r.upn) === undefined,
              ulnValid: r.uln === null ? null : isValidUln(r.uln),
              providerUrn: urn,
              providerUkprn: ukprn,
              settingType: urn || ukprn ? null : r.setting_type,
              reasonCode: r.reason_code,
              entryDate: r.start_date,
              leavingDate: r.end_date,
              sessionsPerWeek: r.sessions_at_provider,
              association: r.commissioner_type === 'SCHOOL' ? 'SCHOOL_ARRANGED' : 'LA_ARRANGED',
              attendancePattern: isFullTime(r) ? 'FULL_TIME' : 'PART_TIME',
              previousSchoolUrn: r.home_urn,
              ncYearAtStart: ncYearAt(r, r.start_date),
              censusYear: academicYearOf(censusYearStart),
              ncYearInCensusYear: ncYearAt(r, censusYearStart)
            }
          }
        }
      })
      return { rows, out }
    })
    if (chunk.rows.length === 0) return
    yield chunk.out
    after = chunk.rows.at(-1)!.id
    if (chunk.rows.length < EXPORT_CHUNK) return
  }
}

/** A CSV stream for spreadsheets: UTF-8 with a byte-order mark, CRLF line ends, a header row, every cell safe. */
export function csvStream(kind: ExportKind, chunks: AsyncGenerator<Row[]>): Readable {
  const columns = COLUMNS[kind]
  const csv = stringify({
    header: true,
    columns,
    bom: true,
    record_delimiter: 'windows',
    cast: { boolean: (v) => (v ? 'true' : 'false') }
  })
  const source = Readable.from(
    (async function* () {
      for await (const rows of chunks) for (const row of rows) yield columns.map((c) => safeCell(row[c] ?? null))
    })()
  )
  source.on('error', (err) => csv.destroy(err))
  return source.pipe(csv)
}
