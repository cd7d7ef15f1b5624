import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Problem, ref } from '../../platform/schemas.js'
import { actorOf } from '../../db/audit.js'
import {
  Approval,
  CreateApproval,
  CreateReview,
  CreateReviewRequest,
  PlacementIdParams,
  Review,
  ReviewList,
  ReviewParams,
  ReviewRequest,
  SchoolView
} from './reviews.schemas.js'
import { ReviewsService } from './reviews.service.js'

const tags = ['reviews']

export const reviewRoutes: FastifyPluginAsyncTypebox = async (app) => {
  for (const s of [Review, ReviewList, Approval, ReviewRequest]) app.addSchema(s)
  const service = new ReviewsService(app.db, app.clock)

  app.get(
    '/placements/:id/reviews',
    {
      config: { access: ['coordinator', 'school', 'provider'] },
      schema: {
        tags,
        operationId: 'listReviews',
        summary: 'The reviews of a placement',
        params: PlacementIdParams,
        response: { 200: ref(ReviewList) }
      }
    },
    async (request) => service.list(actorOf(request), request.params.id)
  )

  app.post(
    '/placements/:id/reviews',
    {
      config: { access: ['coordinator', 'provider'], idempotent: 'review' },
      schema: {
        tags,
        operationId: 'holdReview',
        summary: 'Record a review held by commissioner and provider',
        description:
          'Not in the future, not before the placement started or after it ended, on an active or paused ' +
          "placement. Progress on every objective; parent's and pupil's views or why they were not captured. The " +
          'next review date may be earlier than the schedule allows, never later. EXTEND moves the planned end ' +
          "(counted); past the LA's tier limit it needs an LA approval (422 otherwise), and not after an overdue " +
          'review.',
        params: PlacementIdParams,
        body: CreateReview,
        response: { 201: ref(Review), 409: ref(Problem), 422: ref(Problem) }
      }
    },
    async (request, reply) => {
      const review = await service.hold(actorOf(request), request.params.id, request.body)
      return reply.code(201).header('location', `/v1/placements/${request.params.id}/reviews/${review.id}`).send(review)
    }
  )

  app.get(
    '/placements/:id/reviews/:reviewId',
    {
      config: { access: ['coordinator', 'school', 'provider'] },
      schema: {
        tags,
        operationId: 'getReview',
        summary: 'One review of a placement',
        params: ReviewParams,
        response: { 200: ref(Review) }
      }
    },
    async (request) => service.get(actorOf(request), request.params.id, request.params.reviewId)
  )

  app.put(
    '/placements/:id/reviews/:reviewId/school-view',
    {
      config: { access: ['school'] },
      schema: {
        tags,
        operationId: 'putSchoolView',
        summary: 'The home school adds its view to a review',
        params: ReviewParams,
        body: SchoolView,
        response: { 200: ref(Review) }
      }
    },
    async (request) =>
      service.addSchoolView(actorOf(request), request.params.id, request.params.reviewId, request.body.view)
  )

  app.post(
    '/placements/:id/extension-approvals',
    {
      config: { access: ['la_admin'] },
      schema: {
        tags,
        operationId: 'approveExtension',
        summary: 'LA approval to extend a placement past its tier limit, up to a date',
        params: PlacementIdParams,
        body: CreateApproval,
        response: { 201: ref(Approval) }
      }
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await service.approveExtension(actorOf(request), request.params.id, request.body.upTo, request.body.reason)
        )
  )

  app.post(
    '/placements/:id/review-requests',
    {
      config: { access: ['coordinator', 'school'] },
      schema: {
        tags,
        operationId: 'requestReview',
        summary: "Record a parent's or LA's written request for a review of an off-site direction",
        description:
          'Creates a review task due within 10 school days, or records it as declined when a review was held in ' +
          'the 10 weeks before the request.',
        params: PlacementIdParams,
        body: CreateReviewRequest,
        response: { 201: ref(ReviewRequest), 409: ref(Problem), 422: ref(Problem) }
      }
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await service.requestReview(
            actorOf(request),
            request.params.id,
            request.body.requestedBy,
            request.body.receivedOn
          )
        )
  )
}
