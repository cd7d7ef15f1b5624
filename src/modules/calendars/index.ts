export { loadLaCalendar, loadSchoolCalendar } from './calendars.repository.js'
