import type { Kysely } from 'kysely'
import type { Principal } from '../../platform/auth/principal.js'
import { registrationCheck } from '../../domain/registration.js'
import type { DB } from '../../db/schema.js'
import { notFound } from '../../platform/errors.js'
import { placementsRepository } from '../../modules/placements/index.js'
import { policyFor } from '../../modules/local-authorities/index.js'
import { providersRepository } from '../../modules/providers/index.js'

/**
 * The unregistered-provider registration threshold for providers: one, all in the caller's scope, or all of
 * an LA's (for the LA's compliance report). One query for the providers, one for their running placements,
 * one per LA for its policy (the last two at once).
 */
export async function registrationChecks(
  db: Kysely<DB>,
  scope: { principal: Principal; providerId?: string | undefined } | { laCode: string },
  today: string
) {
  const providers = await providersRepository.registrationFacts(db, scope)
  if ('principal' in scope && scope.providerId !== undefined && providers.length === 0) throw notFound('provider')
  const [policyRows, running] = await Promise.all([
    Promise.all([...new Set(providers.map((pr) => pr.la_code))].map((la) => policyFor(db, la))),
    placementsRepository.runningAt(
      db,
      providers.map((pr) => pr.id),
      today
    )
  ])
  const policies = new Map(policyRows.map((policy) => [policy.la_code, policy]))
  return providers.map((provider) => ({
    providerId: provider.id,
    ...registrationCheck(
      provider.registration_status === 'UNREGISTERED',
      running
        .filter((r) => r.provider_id === provider.id)
        .map((r) => ({
          sessionsAtProvider: r.sessions_at_provider,
          lookedAfter: r.looked_after,
          senProvision: r.sen_provision,
          dateOfBirth: r.date_of_birth
        })),
      policies.get(provider.la_code)!.full_time_threshold_hours,
      today
    )
  }))
}
