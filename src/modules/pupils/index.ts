export { pupilRoutes } from './pupils.routes.js'
export * as pupilsRepository from './pupils.repository.js'
export { calendarForPupil, coordinatingLa } from './pupils.repository.js'
