export { calendarRoutes } from './calendars.routes.js'
export * as calendarsRepository from './calendars.repository.js'
export { loadLaCalendar, loadSchoolCalendar } from './calendars.repository.js'
