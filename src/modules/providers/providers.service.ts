import type { Kysely } from 'kysely'
import type { Principal } from '../../platform/auth/principal.js'
import { providerScope } from '../../db/scope.js'
import type { DB, ProviderRow } from '../../db/schema.js'
import { forbidden, invalid, notFound, preconditionFailed } from '../../platform/errors.js'
import { paging } from '../../platform/schemas.js'
import { type Clock, systemClock, toIso, todayIn } from '../../platform/time.js'
import { type Actor, writeAudit } from '../../db/audit.js'
import { type ProviderIdentity, providerFieldErrors } from './providers.rules.js'
import type { CreateProvider, Provider, UpdateProvider } from './providers.schemas.js'

type TierPlaces = { tier: number; places: number }

const toProvider = (row: ProviderRow, tiers: TierPlaces[]): Provider => ({
  id: row.id,
  name: row.name,
  laCode: row.la_code,
  urn: row.urn,
  ukprn: row.ukprn,
  settingType: row.setting_type,
  registrationStatus: row.registration_status,
  qaStatus: row.qa_status,
  qaDate: row.qa_date,
  safeguardingConfirmedOn: row.safeguarding_confirmed_on,
  tiers,
  createdAt: toIso(row.created_at),
  updatedAt: toIso(row.updated_at)
})

const identityOf = (row: ProviderRow, tiers: TierPlaces[]): ProviderIdentity => ({
  urn: row.urn,
  ukprn: row.ukprn,
  settingType: row.setting_type,
  registrationStatus: row.registration_status,
  qaStatus: row.qa_status,
  qaDate: row.qa_date,
  safeguardingConfirmedOn: row.safeguarding_confirmed_on,
  tiers
})

export class ProvidersService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock = systemClock
  ) {}

  async #tiers(db: Kysely<DB>, ids: string[]): Promise<Map<string, TierPlaces[]>> {
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

  #check(identity: ProviderIdentity): void {
    const errors = providerFieldErrors(identity, todayIn(this.clock))
    if (errors.length > 0) invalid(errors)
  }

  async list(p: Principal, query: { page: number; pageSize: number; tier?: number | undefined }) {
    const base = this.db
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
    const tiers = await this.#tiers(
      this.db,
      rows.map((r) => r.id)
    )
    return {
      results: rows.map((r) => toProvider(r, tiers.get(r.id) ?? [])),
      paging: paging(query.page, query.pageSize, Number(total))
    }
  }

  async get(p: Principal, id: string) {
    const row = await this.db
      .selectFrom('provider')
      .selectAll()
      .where(providerScope(p))
      .where('id', '=', id)
      .executeTakeFirst()
    if (!row) throw notFound('provider')
    const tiers = await this.#tiers(this.db, [row.id])
    return { body: toProvider(row, tiers.get(row.id) ?? []), version: row.version }
  }

  async create(actor: Actor, input: CreateProvider) {
    if (input.laCode !== actor.principal.laCode) {
      throw forbidden('outside_scope', `You may add providers only in LA ${actor.principal.laCode}`, [
        { path: '/laCode', code: 'outside_scope', message: '/laCode must be your own LA' }
      ])
    }
    const identity: ProviderIdentity = {
      urn: input.urn ?? null,
      ukprn: input.ukprn ?? null,
      settingType: input.settingType ?? null,
      registrationStatus: input.registrationStatus,
      qaStatus: input.qaStatus ?? 'NOT_ASSESSED',
      qaDate: input.qaDate ?? null,
      safeguardingConfirmedOn: input.safeguardingConfirmedOn ?? null,
      tiers: input.tiers
    }
    this.#check(identity)
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('provider')
        .values({
          name: input.name,
          la_code: input.laCode,
          urn: identity.urn,
          ukprn: identity.ukprn,
          setting_type: identity.settingType,
          registration_status: identity.registrationStatus,
          qa_status: identity.qaStatus,
          qa_date: identity.qaDate,
          safeguarding_confirmed_on: identity.safeguardingConfirmedOn
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      if (input.tiers.length > 0) {
        await trx
          .insertInto('provider_tier')
          .values(input.tiers.map((t) => ({ provider_id: row.id, tier: t.tier, places: t.places })))
          .execute()
      }
      await writeAudit(trx, actor, [
        { action: 'create', entity: 'provider', entityId: row.id, changedFields: Object.keys(input) }
      ])
      return {
        body: toProvider(
          row,
          [...input.tiers].sort((a, b) => a.tier - b.tier)
        ),
        version: row.version
      }
    })
  }

  async update(actor: Actor, id: string, version: number, input: UpdateProvider) {
    return this.db.transaction().execute(async (trx) => {
      const current = await trx
        .selectFrom('provider')
        .selectAll()
        .where(providerScope(actor.principal))
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst()
      if (!current) throw notFound('provider')
      if (current.version !== version) throw preconditionFailed()
      const currentTiers = (await this.#tiers(trx, [id])).get(id) ?? []
      const before = identityOf(current, currentTiers)
      const after: ProviderIdentity = {
        urn: input.urn !== undefined ? input.urn : before.urn,
        ukprn: input.ukprn !== undefined ? input.ukprn : before.ukprn,
        settingType: input.settingType !== undefined ? input.settingType : before.settingType,
        registrationStatus: input.registrationStatus ?? before.registrationStatus,
        qaStatus: input.qaStatus ?? before.qaStatus,
        qaDate: input.qaDate !== undefined ? input.qaDate : before.qaDate,
        safeguardingConfirmedOn:
          input.safeguardingConfirmedOn !== undefined ? input.safeguardingConfirmedOn : before.safeguardingConfirmedOn,
        tiers: input.tiers ?? before.tiers
      }
      this.#check(after)
      const row = await trx
        .updateTable('provider')
        .set((eb) => ({
          name: input.name ?? current.name,
          urn: after.urn,
          ukprn: after.ukprn,
          setting_type: after.settingType,
          registration_status: after.registrationStatus,
          qa_status: after.qaStatus,
          qa_date: after.qaDate,
          safeguarding_confirmed_on: after.safeguardingConfirmedOn,
          version: eb('version', '+', 1),
          updated_at: new Date()
        }))
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow()
      if (input.tiers) {
        await trx.deleteFrom('provider_tier').where('provider_id', '=', id).execute()
        if (input.tiers.length > 0)
          await trx
            .insertInto('provider_tier')
            .values(input.tiers.map((t) => ({ provider_id: id, tier: t.tier, places: t.places })))
            .execute()
      }
      await writeAudit(trx, actor, [
        { action: 'update', entity: 'provider', entityId: id, changedFields: Object.keys(input) }
      ])
      return {
        body: toProvider(
          row,
          [...after.tiers].sort((a, b) => a.tier - b.tier)
        ),
        version: row.version
      }
    })
  }
}
