/** The attainment module's door: its repository, mapper and schemas. Routes are registered by the app. */
export * as attainmentRepository from './attainment.repository.js'
export { attainmentByPlacement } from './attainment.mapper.js'
export { Attainment, QualificationResult } from './attainment.schemas.js'
