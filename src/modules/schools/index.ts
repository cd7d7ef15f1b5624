/** The schools module's door for other modules and views. Routes are registered by the app. */
export * as schoolsRepository from './schools.repository.js'
export { type SchoolType, setsOwnTermDates } from './schools.schemas.js'
