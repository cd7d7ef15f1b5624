export { providerRoutes } from './providers.routes.js'
export * as providersRepository from './providers.repository.js'
