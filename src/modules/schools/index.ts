export { schoolRoutes } from './schools.routes.js'
export * as schoolsRepository from './schools.repository.js'
export { type SchoolType, setsOwnTermDates } from './schools.schemas.js'
