/** The pupils module's door for other modules and views. Routes are registered by the app. */
export * as pupilsRepository from './pupils.repository.js'
export { calendarForPupil, calendarKey, calendarLoader, coordinatingLa } from './pupils.repository.js'
