/** The local-authorities module's door for other modules and views. Routes are registered by the app. */
export * as localAuthoritiesRepository from './local-authorities.repository.js'
export { type LaPolicyRow, policyFor } from './local-authorities.repository.js'
