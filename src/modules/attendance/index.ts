/** The attendance module's door: its repository, mapper and schemas. Routes are registered by the app. */
export * as attendanceRepository from './attendance.repository.js'
export type { PlacementMarks } from './attendance.repository.js'
export { summaryFor } from './attendance.mapper.js'
export { AttendanceSummary, type AttendanceSummaryView } from './attendance.schemas.js'
