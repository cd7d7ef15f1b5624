/** The providers module's door for other modules and views. Routes are registered by the app. */
export * as providersRepository from './providers.repository.js'
