/** The calendars module's door for other modules and views. Routes are registered by the app. */
export * as calendarsRepository from './calendars.repository.js'
export { loadLaCalendar, loadSchoolCalendar } from './calendars.repository.js'
