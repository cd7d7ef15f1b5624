/** The placements module's door: its repository, mapper and schemas. Routes are registered by the app. */
export * as placementsRepository from './placements.repository.js'
export {
  baselineOf,
  blockersOf,
  placementClocks,
  type PlacementRelated,
  type ProviderFacts,
  type PupilFacts,
  toPlacement
} from './placements.mapper.js'
export { Placement } from './placements.schemas.js'
