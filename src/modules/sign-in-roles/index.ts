/** The sign-in roles module's door for other modules and views. Routes are registered by the app. */
export * as signInRolesRepository from './sign-in-roles.repository.js'
