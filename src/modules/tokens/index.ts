/** The tokens module's door for other modules and views. Routes are registered by the app. */
export * as tokensRepository from './tokens.repository.js'
