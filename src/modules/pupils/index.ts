export { calendarForPupil, coordinatingLa, type LaPolicyRow, policyFor } from './pupil-context.js'
