import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { Id, ref } from '../../platform/schemas.js'
import { actorOf } from '../../db/audit.js'
import { Journey, JourneyEvent, pupilJourney } from './journey.view.js'

export const journeyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(JourneyEvent)
  app.addSchema(Journey)
  app.get(
    '/pupils/:id/journey',
    {
      config: { access: ['coordinator', 'school', 'provider'] },
      schema: {
        tags: ['pupils'],
        operationId: 'getPupilJourney',
        summary: "A pupil's chronology: referrals, placements, tier moves and statutory clocks",
        params: Type.Object({ id: Id }),
        response: { 200: ref(Journey) }
      }
    },
    async (request) => pupilJourney(app.db, actorOf(request), request.params.id, app.clock)
  )
}
