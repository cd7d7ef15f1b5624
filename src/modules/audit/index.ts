export { auditRoutes } from './audit.routes.js'
export * as auditRepository from './audit.repository.js'
