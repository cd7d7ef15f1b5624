import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { isReady } from '../../db/database.js'
import { DATABASE_RETRY_AFTER_S } from '../../platform/plugins/errors.js'
import { AppError } from '../../platform/errors.js'
import { Problem, ref } from '../../platform/schemas.js'

const Health = Type.Object({ status: Type.Literal('ok') }, { additionalProperties: false })
const tags = ['health']

export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/health/live',
    {
      config: { access: 'public', rateLimit: false },
      schema: { tags, operationId: 'getLiveness', summary: 'The process is up', response: { 200: Health } }
    },
    async () => ({ status: 'ok' as const })
  )

  app.get(
    '/health/ready',
    {
      config: { access: 'public', rateLimit: false },
      schema: {
        tags,
        operationId: 'getReadiness',
        summary: 'The database answers',
        response: { 200: Health, 503: ref(Problem) }
      }
    },
    async () => {
      if (!(await isReady(app.db)))
        throw new AppError(503, 'database_unavailable', 'The database is not answering', [], {
          'retry-after': DATABASE_RETRY_AFTER_S
        })
      return { status: 'ok' as const }
    }
  )
}
