import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { ROLES } from '../../platform/auth/principal.js'
import { principalOf } from '../../platform/plugins/auth.js'
import { IfMatchHeaders, ifMatchVersion, sendWithEtag } from '../../platform/http.js'
import { Problem, ref } from '../../platform/schemas.js'
import { actorOf } from '../../db/audit.js'
import {
  Closure,
  HalfTerm,
  LaCalendar,
  LaCalendarList,
  LaCalendarParams,
  LaCodeParams,
  PutLaCalendar,
  PutSchoolCalendar,
  SchoolCalendarParams,
  SchoolCalendarView,
  SchoolDayOffset,
  SchoolDayOffsetQuery,
  SchoolDays,
  SchoolDaysQuery,
  SchoolIdParams
} from './calendars.schemas.js'
import { CalendarsService } from './calendars.service.js'

const tags = ['calendars']
const SCHOOL_READERS = ['la_admin', 'coordinator', 'analyst', 'school', 'provider'] as const

/** If-Match when given; a PUT that creates needs none, one that replaces does (428 otherwise). */
const optionalIfMatch = (request: FastifyRequest): number | undefined =>
  request.headers['if-match'] === undefined ? undefined : ifMatchVersion(request)

export const calendarRoutes: FastifyPluginAsyncTypebox = async (app) => {
  for (const schema of [HalfTerm, Closure, LaCalendar, LaCalendarList, SchoolCalendarView, SchoolDays, SchoolDayOffset])
    app.addSchema(schema)
  const service = new CalendarsService(app.db)

  app.get(
    '/local-authorities/:code/calendars',
    {
      config: { access: ROLES },
      schema: {
        tags,
        operationId: 'listLaCalendars',
        summary: "The LA's loaded term calendars by academic year",
        params: LaCodeParams,
        response: { 200: ref(LaCalendarList) }
      }
    },
    async (request) => service.listLaCalendars(principalOf(request), request.params.code)
  )

  app.get(
    '/local-authorities/:code/calendars/:academicYear',
    {
      config: { access: ROLES },
      schema: {
        tags,
        operationId: 'getLaCalendar',
        summary: "The LA's half-term dates for an academic year",
        params: LaCalendarParams,
        response: { 200: ref(LaCalendar) }
      }
    },
    async (request, reply) => {
      const { body, version } = await service.getLaCalendar(
        principalOf(request),
        request.params.code,
        request.params.academicYear
      )
      return sendWithEtag(reply, version, body)
    }
  )

  app.put(
    '/local-authorities/:code/calendars/:academicYear',
    {
      config: { access: ['la_admin'] },
      schema: {
        tags,
        operationId: 'putLaCalendar',
        summary: "Load or replace the LA's half-term dates for an academic year",
        description:
          'Six half-terms, in order, not overlapping, inside 1 September – 31 August, each starting and ending ' +
          'on a weekday. Creating needs no If-Match; replacing needs the current ETag.',
        params: LaCalendarParams,
        headers: IfMatchHeaders,
        body: PutLaCalendar,
        response: { 200: ref(LaCalendar), 201: ref(LaCalendar), 412: ref(Problem), 428: ref(Problem) }
      }
    },
    async (request, reply) => {
      const { body, version, created } = await service.putLaCalendar(
        actorOf(request),
        request.params.code,
        request.params.academicYear,
        optionalIfMatch(request),
        request.body
      )
      return sendWithEtag(reply, version, body, created ? 201 : 200)
    }
  )

  app.get(
    '/schools/:id/calendars/:academicYear',
    {
      config: { access: SCHOOL_READERS },
      schema: {
        tags,
        operationId: 'getSchoolCalendar',
        summary: "The calendar a school's clocks run on for an academic year",
        description:
          "The school's own half-terms if it sets and has loaded them, else its LA's, else the estimated pattern " +
          "(`estimated: true`), with the school's INSET and closure days.",
        params: SchoolCalendarParams,
        response: { 200: ref(SchoolCalendarView) }
      }
    },
    async (request, reply) => {
      const { body, version } = await service.getSchoolCalendar(
        principalOf(request),
        request.params.id,
        request.params.academicYear
      )
      return sendWithEtag(reply, version, body)
    }
  )

  app.put(
    '/schools/:id/calendars/:academicYear',
    {
      config: { access: ['la_admin', 'school'] },
      schema: {
        tags,
        operationId: 'putSchoolCalendar',
        summary: "Set a school's INSET and closure days, and its own half-terms if it sets its own dates",
        description:
          'Academies, free, foundation and voluntary-aided schools may give their own six half-terms; other ' +
          'schools follow their LA and send closures only (422 otherwise). Closures must be weekdays inside a ' +
          'half-term; INSET days may also sit on the weekdays just before or after one (the day before term ' +
          'starts, the day after it ends), as published calendars put them, and stay non-teaching days.',
        params: SchoolCalendarParams,
        headers: IfMatchHeaders,
        body: PutSchoolCalendar,
        response: {
          200: ref(SchoolCalendarView),
          201: ref(SchoolCalendarView),
          412: ref(Problem),
          422: ref(Problem),
          428: ref(Problem)
        }
      }
    },
    async (request, reply) => {
      const { body, version, created } = await service.putSchoolCalendar(
        actorOf(request),
        request.params.id,
        request.params.academicYear,
        optionalIfMatch(request),
        request.body
      )
      return sendWithEtag(reply, version, body, created ? 201 : 200)
    }
  )

  app.get(
    '/schools/:id/school-days',
    {
      config: { access: SCHOOL_READERS },
      schema: {
        tags,
        operationId: 'listSchoolDays',
        summary: 'The school days of a school between two dates (inclusive)',
        params: SchoolIdParams,
        querystring: SchoolDaysQuery,
        response: { 200: ref(SchoolDays) }
      }
    },
    async (request) => service.schoolDays(principalOf(request), request.params.id, request.query.from, request.query.to)
  )

  app.get(
    '/schools/:id/school-days/offset',
    {
      config: { access: SCHOOL_READERS },
      schema: {
        tags,
        operationId: 'addSchoolDays',
        summary: "The date a number of school days after a date, on a school's calendar",
        description:
          'For checking a deadline: `days` school days after `from` (not counting `from`), skipping weekends, ' +
          "holidays, bank holidays and the school's closures.",
        params: SchoolIdParams,
        querystring: SchoolDayOffsetQuery,
        response: { 200: ref(SchoolDayOffset) }
      }
    },
    async (request) => service.offset(principalOf(request), request.params.id, request.query.from, request.query.days)
  )
}
