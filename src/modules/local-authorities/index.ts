export { localAuthorityRoutes } from './local-authorities.routes.js'
export * as localAuthoritiesRepository from './local-authorities.repository.js'
export { type LaPolicyRow, policyFor } from './local-authorities.repository.js'
