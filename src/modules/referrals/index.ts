export { referralRoutes } from './referrals.routes.js'
export * as referralsRepository from './referrals.repository.js'
export { fullTimeSql, reasonCodeKnown } from './referrals.repository.js'
export { ClockSchema, LegalBasis, ObjectiveSchema, ReasonCodeRef } from './referrals.schemas.js'
