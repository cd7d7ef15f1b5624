import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { LaCode, ref, StringEnum } from '../../platform/schemas.js'
import { todayIn } from '../../platform/time.js'
import { actorOf } from '../../db/audit.js'
import { COLUMNS, csvStream, EXPORT_KINDS, exportRows, exportYear } from './exports.view.js'

const ExportRows = Type.Object(
  {
    kind: StringEnum(EXPORT_KINDS),
    columns: Type.Array(Type.String()),
    results: Type.Array(
      Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]))
    )
  },
  { $id: 'ExportRows', additionalProperties: false }
)

export const exportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(ExportRows)
  app.get(
    '/local-authorities/:code/exports/:kind',
    {
      config: { access: ['coordinator'] },
      schema: {
        tags: ['reports'],
        operationId: 'exportRecords',
        summary: "Export the LA's placements, outcomes and destinations, or the census helper rows, as CSV or JSON",
        description:
          'CSV (format=csv, the default) streams UTF-8 with a byte-order mark and CRLF line ends, ' +
          'so it opens cleanly in Excel and LibreOffice; cells that would start a formula are prefixed with an ' +
          'apostrophe. Every exported row is audited. ' +
          `Columns — placements: ${COLUMNS.placements.join(', ')}. outcomes: ${COLUMNS.outcomes.join(', ')}. ` +
          'census (school census AP placement module and AP census: Tier 2 and 3 placements that ran in the year, ' +
          'ACTIVE, PAUSED or ENDED, never PLANNED or cancelled ones nor Tier 1 in-school support, which stays in ' +
          'the placements export; exactly one of providerUrn, providerUkprn, settingType; UPN and ULN validated): ' +
          `${COLUMNS.census.join(', ')}. ncYearAtStart is the pupil's NC year on the placement's start date; ` +
          'censusYear is academicYear (else the current year) written YYYY/YY, and ncYearInCensusYear the NC year ' +
          "in it. An NC-year override (the pupil's year group today) shifts both by the same number of years.",
        params: Type.Object({ code: LaCode, kind: StringEnum(EXPORT_KINDS) }),
        querystring: Type.Object(
          {
            format: StringEnum(['csv', 'json'] as const, { default: 'csv' }),
            academicYear: Type.Optional(
              Type.String({
                pattern: '^(19|20)[0-9]{2}-[0-9]{2}$',
                description: 'Only placements running in this academic year (outcomes: effective in it), as YYYY-YY.'
              })
            )
          },
          { additionalProperties: false }
        ),
        produces: ['text/csv', 'application/json'],
        response: { 200: ref(ExportRows) }
      }
    },
    async (request, reply) => {
      const actor = actorOf(request)
      const { code, kind } = request.params
      const today = todayIn(app.clock)
      const year = exportYear(actor, code, request.query, today)
      const chunks = exportRows(app.db, actor, code, kind, year, today)
      if (request.query.format === 'json') {
        const results = []
        for await (const rows of chunks) results.push(...rows)
        return { kind, columns: COLUMNS[kind], results }
      }
      const name = `${code}-${kind}${request.query.academicYear ? `-${request.query.academicYear}` : ''}.csv`
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}"`)
        .send(csvStream(kind, chunks) as never) // a stream is sent as it is, not serialised
    }
  )
}
