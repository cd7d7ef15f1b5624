export { fullTimeSql, reasonCodeKnown } from './referrals.service.js'
export { ClockSchema, LegalBasis, ObjectiveSchema, ReasonCodeRef } from './referrals.schemas.js'
