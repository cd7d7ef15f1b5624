/**
 * The reviews module's door: its repository (with the review schedule) and schemas. Routes are registered by the
 * app.
 */
export * as reviewsRepository from './reviews.repository.js'
