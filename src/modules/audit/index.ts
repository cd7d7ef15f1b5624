/** The audit module's door for other modules and views. Routes are registered by the app. */
export * as auditRepository from './audit.repository.js'
