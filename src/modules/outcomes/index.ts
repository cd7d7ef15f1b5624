/** The outcomes module's door: its repository, mapper and schemas. Routes are registered by the app. */
export * as outcomesRepository from './outcomes.repository.js'
export { lastDayBefore, type OutcomeInput } from './outcomes.mapper.js'
export { FollowUp, Outcome, OutcomeOrNull } from './outcomes.schemas.js'
