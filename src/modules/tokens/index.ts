export { tokenRoutes } from './tokens.routes.js'
export * as tokensRepository from './tokens.repository.js'
