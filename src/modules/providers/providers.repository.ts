import type { Insertable, Kysely, Updateable } from 'kysely'
import type { Principal } from '../../platform/auth/principal.js'
import { providerScope } from '../../db/scope.js'
import type { DB, ProviderRow, ProviderTable } from '../../db/schema.js'

/** All SQL on providers and their tier places; every read is scoped to the principal or an LA. */

export type TierPlaces = { tier: number; places: number }

/** Each provider's tiers and places, by tier; an empty list for a provider with none. */
export async function tiersOf(db: Kysely<DB>, ids: string[]): Promise<Map<string, TierPlaces[]>> {
  const map = new Map<string, TierPlaces[]>(ids.map((id) => [id, []]))
  if (ids.length === 0) return map
  const rows = await db
    .selectFrom('provider_tier')
    .select(['provider_id', 'tier', 'places'])
    .where('provider_id', 'in', ids)
    .orderBy('tier')
    .execute()
  for (const r of rows) map.get(r.provider_id)?.push({ tier: r.tier, places: r.places })
  return map
}

/**
 * The providers the registration threshold counts: those in the caller's scope (one, or all it may see), or all
 * of an LA's (for its compliance report).
 */
export function registrationFacts(
  db: Kysely<DB>,
  scope: { principal: Principal; providerId?: string | undefined } | { laCode: string }
) {
  const providerId = 'principal' in scope ? scope.providerId : undefined
  return db
    .selectFrom('provider')
    .select(['id', 'registration_status', 'la_code'])
    .where((eb) => ('laCode' in scope ? eb('la_code', '=', scope.laCode) : providerScope(scope.principal)(eb)))
    .$if(providerId !== undefined, (qb) => qb.where('id', '=', providerId!))
    .orderBy('id')
    .execute()
}

/** One page of the providers the principal may see, optionally offering one tier, with the total. */
export async function page(
  db: Kysely<DB>,
  p: Principal,
  query: { page: number; pageSize: number; tier?: number | undefined }
): Promise<{ rows: ProviderRow[]; total: number }> {
  const base = db
    .selectFrom('provider')
    .where(providerScope(p))
    .$if(query.tier !== undefined, (qb) =>
      qb.where((eb) =>
        eb.exists(
          eb
            .selectFrom('provider_tier')
            .select('provider_tier.tier')
            .whereRef('provider_tier.provider_id', '=', 'provider.id')
            .where('provider_tier.tier', '=', query.tier!)
        )
      )
    )
  const { total } = await base.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow()
  const rows = await base
    .selectAll('provider')
    .orderBy('name')
    .orderBy('id')
    .limit(query.pageSize)
    .offset((query.page - 1) * query.pageSize)
    .execute()
  return { rows, total: Number(total) }
}

/** One provider by id within the principal's scope, locked for update when asked. */
export async function findInScope(
  db: Kysely<DB>,
  p: Principal,
  id: string,
  opts: { lock?: boolean } = {}
): Promise<ProviderRow | undefined> {
  return db
    .selectFrom('provider')
    .selectAll()
    .where(providerScope(p))
    .where('id', '=', id)
    .$if(opts.lock === true, (qb) => qb.forUpdate())
    .executeTakeFirst()
}

/** The provider's id when it is a provider of the LA. */
export async function findInLa(db: Kysely<DB>, id: string, laCode: string): Promise<{ id: string } | undefined> {
  return db.selectFrom('provider').select('id').where('id', '=', id).where('la_code', '=', laCode).executeTakeFirst()
}

export async function insert(db: Kysely<DB>, values: Insertable<ProviderTable>): Promise<ProviderRow> {
  return db.insertInto('provider').values(values).returningAll().executeTakeFirstOrThrow()
}

/** Applies the changes to a provider the caller has already found and locked, bumping its version. */
export async function update(db: Kysely<DB>, id: string, changes: Updateable<ProviderTable>): Promise<ProviderRow> {
  return db
    .updateTable('provider')
    .set((eb) => ({ ...changes, version: eb('version', '+', 1), updated_at: new Date() }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function insertTiers(db: Kysely<DB>, providerId: string, tiers: TierPlaces[]): Promise<void> {
  await db
    .insertInto('provider_tier')
    .values(tiers.map((t) => ({ provider_id: providerId, tier: t.tier, places: t.places })))
    .execute()
}

export async function deleteTiers(db: Kysely<DB>, providerId: string): Promise<void> {
  await db.deleteFrom('provider_tier').where('provider_id', '=', providerId).execute()
}
