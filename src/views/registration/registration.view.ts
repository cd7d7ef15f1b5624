import type { Kysely } from 'kysely'
import type { Principal } from '../../platform/auth/principal.js'
import { registrationCheck } from '../../domain/registration.js'
import type { DB } from '../../db/schema.js'
import { notFound } from '../../platform/errors.js'
import { placementsRepository } from '../../modules/placements/index.js'
import { type LaPolicyRow, policyFor } from '../../modules/local-authorities/index.js'

/**
 * The unregistered-provider registration threshold for providers: one, all in the caller's scope, or all of
 * an LA's (for the LA's compliance report). One query for the providers, one for their running placements,
 * one per LA for its policy.
 */
export async function registrationChecks(
  db: Kysely<DB>,
  scope: { principal: Principal; providerId?: string | undefined } | { laCode: string },
  today: string
) {
  const providers =
    'laCode' in scope
      ? await placementsRepository.providersOfLa(db, scope.laCode)
      : await placementsRepository.providersInScope(db, scope.principal, scope.providerId)
  if ('principal' in scope && scope.providerId !== undefined && providers.length === 0) throw notFound('provider')
  const policies = new Map<string, LaPolicyRow>()
  for (const la of new Set(providers.map((pr) => pr.la_code))) policies.set(la, await policyFor(db, la))
  const running = await placementsRepository.runningAt(
    db,
    providers.map((pr) => pr.id),
    today
  )
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
