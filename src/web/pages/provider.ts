import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { DateTime } from 'luxon'
import { Type } from 'typebox'
import { ZONE } from '../../platform/time.js'
import { PageError, type PageApi } from '../api.js'
import { errorsFromProblem, noErrors, text, type FieldSpec, type FormErrors } from '../forms.js'
import { displayName, type PupilRecord } from '../lookups.js'
import { apiOf, page, renderPage } from '../page.js'

/** The marks a provider may record for a half-day, in the order the register offers them. */
export const MARK_CODES = ['PRESENT', 'LATE', 'ABSENT_AUTH', 'ABSENT_UNAUTH', 'NOT_SCHEDULED'] as const
const MARK_TEXT: Record<string, string> = {
  PRESENT: 'Present',
  LATE: 'Late',
  ABSENT_AUTH: 'Absent, authorised',
  ABSENT_UNAUTH: 'Absent, unauthorised',
  NOT_SCHEDULED: 'Not scheduled'
}
const SESSIONS = ['AM', 'PM'] as const
/** Placements whose days may carry marks (the API's rule); PLANNED and CANCELLED never do. */
const MARKABLE = new Set(['ACTIVE', 'PAUSED', 'ENDED'])

const WeekQuery = Type.Object(
  {
    week: Type.Optional(Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' })),
    done: Type.Optional(Type.Literal('saved'))
  },
  { additionalProperties: false }
)

interface PlacementJson {
  id: string
  pupilId: string
  status: string
  tier: number
  startDate: string
  endDate: string | null
  sessionsAtProvider: number
}
interface MarkJson {
  date: string
  session: 'AM' | 'PM'
  code: string
  reason: string | null
}
interface Cell {
  date: string
  session: string
  /** `m_<pupilId>_<date>_<session>`: the select's id and name; the reason input is `r_…`. */
  id: string
  reasonId: string
  /** `Jo Bloggs, Monday 19 January AM`: the hidden label, and the name errors give the cell. */
  label: string
  state: 'open' | 'not-placed' | 'not-school-day' | 'future'
  recorded: MarkJson | undefined
  items: { value: string; text: string; selected: boolean }[]
  reason: string
  error: { text: string } | undefined
  reasonError: { text: string } | undefined
}
interface Row {
  pupilId: string
  name: string
  placements: PlacementJson[]
  cells: Cell[]
}

const cellId = (pupilId: string, date: string, session: string) => `m_${pupilId}_${date}_${session}`
const reasonIdOf = (pupilId: string, date: string, session: string) => `r_${pupilId}_${date}_${session}`
const dayText = (date: string) => DateTime.fromISO(date, { zone: ZONE }).toFormat('cccc d MMMM')

/** The Monday of the week holding `week` (default: today by the app clock). */
function mondayOf(app: FastifyInstance, week: string | undefined): DateTime {
  const base = week ? DateTime.fromISO(week, { zone: ZONE }) : app.clock().setZone(ZONE)
  if (!base.isValid)
    throw new PageError(400, { status: 400, title: 'Not a date', detail: `${week} is not a real date` })
  return base.startOf('day').minus({ days: base.weekday - 1 })
}

/** Every page of a list the API pages (at most 20 pages of 100). */
async function allPages<T>(api: PageApi, url: string): Promise<T[]> {
  const out: T[] = []
  for (let pageNo = 1; pageNo <= 20; pageNo++) {
    const answer = await api.get<{ results: T[]; paging: { totalPages: number } }>(
      `${url}${url.includes('?') ? '&' : '?'}pageSize=100&page=${pageNo}`
    )
    out.push(...answer.results)
    if (pageNo >= answer.paging.totalPages) break
  }
  return out
}

/**
 * The week's register: the provider's placements running on any of its weekdays (`activeOn` each day), their
 * pupils, the marks already recorded, and which days are school days on each pupil's home school calendar.
 */
async function loadWeek(api: PageApi, days: string[], today: string) {
  const lists = await Promise.all(days.map((d) => allPages<PlacementJson>(api, `/v1/placements?activeOn=${d}`)))
  const placements = new Map<string, PlacementJson>()
  for (const p of lists.flat()) if (MARKABLE.has(p.status)) placements.set(p.id, p)
  const pupilIds = [...new Set([...placements.values()].map((p) => p.pupilId))]
  const pupils = new Map<string, PupilRecord>()
  for (let i = 0; i < pupilIds.length; i += 100) {
    const ids = pupilIds.slice(i, i + 100)
    const answer = await api.get<{ results: PupilRecord[] }>(
      `/v1/pupils?pageSize=100&${ids.map((id) => `id=${id}`).join('&')}`
    )
    for (const p of answer.results) pupils.set(p.id, p)
  }
  const [attendance, schoolDays] = await Promise.all([
    Promise.all(
      [...placements.values()].map(async (p) => {
        const a = await api.get<{ marks: MarkJson[] }>(
          `/v1/placements/${p.id}/attendance?from=${days[0]}&to=${days.at(-1)}`
        )
        return [p.id, a.marks] as const
      })
    ),
    Promise.all(
      [...new Set([...pupils.values()].map((p) => p.homeSchoolId as string | null).filter(Boolean))].map(
        async (schoolId) => {
          // A calendar the provider cannot read leaves every weekday open: the API still refuses a non-school day.
          const answer = await api.call<{ days: string[] }>(
            'GET',
            `/v1/schools/${schoolId}/school-days?from=${days[0]}&to=${days.at(-1)}`
          )
          return [schoolId as string, answer.status === 200 ? new Set(answer.body.days) : undefined] as const
        }
      )
    )
  ])
  const marks = new Map<string, MarkJson>()
  for (const [placementId, list] of attendance) {
    const pupilId = placements.get(placementId)!.pupilId
    for (const m of list) marks.set(cellId(pupilId, m.date, m.session), m)
  }
  const calendars = new Map(schoolDays)
  const rows: Row[] = pupilIds.map((pupilId) => {
    const pupil = pupils.get(pupilId)
    const name = pupil ? displayName(pupil) : `Pupil ${pupilId}`
    const spans = [...placements.values()]
      .filter((p) => p.pupilId === pupilId)
      .sort((a, b) => a.startDate.localeCompare(b.startDate))
    const calendar = pupil?.homeSchoolId ? calendars.get(pupil.homeSchoolId as string) : undefined
    const cells = days.flatMap((date) =>
      SESSIONS.map((session): Cell => {
        const id = cellId(pupilId, date, session)
        const placed = spans.some((s) => date >= s.startDate && (s.endDate === null || date <= s.endDate))
        const state = !placed
          ? 'not-placed'
          : date > today
            ? 'future'
            : calendar && !calendar.has(date)
              ? 'not-school-day'
              : 'open'
        return {
          date,
          session,
          id,
          reasonId: reasonIdOf(pupilId, date, session),
          label: `${name}, ${dayText(date)} ${session}`,
          state,
          recorded: marks.get(id),
          items: [],
          reason: '',
          error: undefined,
          reasonError: undefined
        }
      })
    )
    return { pupilId, name, placements: spans, cells }
  })
  rows.sort((a, b) => a.name.localeCompare(b.name, 'en') || a.pupilId.localeCompare(b.pupilId))
  return rows
}

/** Fills each open cell's select and reason from what was typed (a refused form) or what is recorded. */
function fillCells(rows: Row[], typed: Record<string, unknown> | undefined, errors: FormErrors) {
  for (const row of rows)
    for (const cell of row.cells) {
      const value = typed ? (text(typed, cell.id) ?? '') : (cell.recorded?.code ?? '')
      cell.reason = typed ? (text(typed, cell.reasonId) ?? '') : (cell.recorded?.reason ?? '')
      cell.items = [
        // A recorded mark can be corrected but not taken back, so "not recorded" is offered only until then.
        ...(cell.recorded ? [] : [{ value: '', text: 'Not recorded', selected: value === '' }]),
        ...MARK_CODES.map((c) => ({ value: c, text: MARK_TEXT[c]!, selected: c === value }))
      ]
      cell.error = errors.byId[cell.id]
      cell.reasonError = errors.byId[cell.reasonId]
    }
}

/** The AP provider's weekly attendance register: AM and PM marks for all its placed pupils, saved together. */
export async function providerPages(app: FastifyInstance) {
  const weekOf = (week: string | undefined) => {
    const monday = mondayOf(app, week)
    return { monday, days: [0, 1, 2, 3, 4].map((n) => monday.plus({ days: n }).toISODate()!) }
  }
  const load = (request: FastifyRequest, days: string[]) =>
    loadWeek(apiOf(app, request), days, app.clock().setZone(ZONE).toISODate()!)
  const render = async (
    request: FastifyRequest,
    reply: FastifyReply,
    { monday, days }: { monday: DateTime; days: string[] },
    rows: Row[],
    form: { typed?: Record<string, unknown>; errors?: FormErrors; flash?: string } = {}
  ) => {
    const errors = form.errors ?? noErrors()
    fillCells(rows, form.typed, errors)
    const thisMonday = mondayOf(app, undefined).toISODate()!
    const previous = monday.minus({ weeks: 1 }).toISODate()!
    const next = monday.plus({ weeks: 1 }).toISODate()!
    const weekText = `${monday.toFormat('d MMMM yyyy')}`
    return renderPage(request, reply, 'attendance/register.njk', {
      title: `Attendance register: week beginning ${weekText}`,
      weekText,
      monday: days[0],
      days: days.map((d) => ({ date: d, text: dayText(d) })),
      rows,
      openCells: rows.reduce((n, r) => n + r.cells.filter((c) => c.state === 'open').length, 0),
      markText: MARK_TEXT,
      errors,
      flash: form.flash,
      action: `/attendance?week=${days[0]}`,
      previous: `/attendance?week=${previous}`,
      next: next <= thisMonday ? `/attendance?week=${next}` : null,
      current: days[0] !== thisMonday ? '/attendance' : null
    })
  }

  app.get('/attendance', { config: page(['provider']), schema: { querystring: WeekQuery } }, async (request, reply) => {
    const q = request.query as { week?: string; done?: string }
    const week = weekOf(q.week)
    return render(request, reply, week, await load(request, week.days), {
      flash: q.done === 'saved' ? 'The marks for this week were saved.' : undefined
    })
  })

  app.post(
    '/attendance',
    { config: page(['provider']), schema: { querystring: WeekQuery } },
    async (request, reply) => {
      const q = request.query as { week?: string }
      const week = weekOf(q.week)
      const days = new Set(week.days)
      const form = (request.body ?? {}) as Record<string, unknown>
      const marks: { pupilId: string; date: string; session: string; code: string; reason?: string }[] = []
      for (const name of Object.keys(form).sort()) {
        const m = /^m_([1-9][0-9]{0,17})_([0-9]{4}-[0-9]{2}-[0-9]{2})_(AM|PM)$/.exec(name)
        if (!m || !days.has(m[2]!)) continue
        const code = text(form, name)
        if (code === undefined) continue
        const reason = code === 'ABSENT_AUTH' ? text(form, reasonIdOf(m[1]!, m[2]!, m[3]!)) : undefined
        marks.push({ pupilId: m[1]!, date: m[2]!, session: m[3]!, code, ...(reason === undefined ? {} : { reason }) })
      }
      if (marks.length === 0) {
        const errors = noErrors()
        errors.list.push({ text: 'Choose a mark for at least one session', href: '#register' })
        return render(request, reply.code(400), week, await load(request, week.days), { typed: form, errors })
      }
      const result = await apiOf(app, request).send('POST', '/v1/attendance/marks', { marks })
      if (result.ok) return reply.redirect(`/attendance?week=${week.days[0]}&done=saved`, 303)
      // Each error names a mark by its index in the batch: map it back to the cell it came from.
      const rows = await load(request, week.days)
      const labels = new Map(rows.flatMap((r) => r.cells.map((c) => [c.id, c.label] as const)))
      const fields: FieldSpec[] = marks.flatMap((mark, i) => {
        const id = cellId(mark.pupilId, mark.date, mark.session)
        const label = labels.get(id) ?? `Pupil ${mark.pupilId}, ${dayText(mark.date)} ${mark.session}`
        return [
          { path: `/marks/${i}`, id, label },
          {
            path: `/marks/${i}/reason`,
            id: reasonIdOf(mark.pupilId, mark.date, mark.session),
            label: `Reason for the authorised absence, ${label}`
          }
        ]
      })
      const errors = errorsFromProblem(result.problem, fields, 'register')
      return render(request, reply.code(result.problem.status), week, rows, { typed: form, errors })
    }
  )
}
