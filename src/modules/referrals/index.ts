/** The referrals module's door for other modules and views. Routes are registered by the app. */
export * as referralsRepository from './referrals.repository.js'
export { fullTimeSql, reasonCodeKnown } from './referrals.repository.js'
export { ClockSchema, LegalBasis, ObjectiveSchema, ReasonCodeRef } from './referrals.schemas.js'
