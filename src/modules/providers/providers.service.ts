import type { Kysely } from 'kysely'
import type { Principal } from '../../platform/auth/principal.js'
import type { DB } from '../../db/schema.js'
import { forbidden, invalid, notFound, preconditionFailed } from '../../platform/errors.js'
import { paging } from '../../platform/schemas.js'
import { type Clock, systemClock, todayIn } from '../../platform/time.js'
import { type Actor, writeAudit } from '../../db/audit.js'
import { type ProviderIdentity, providerFieldErrors } from '../../domain/providers.js'
import { identityOf, toProvider } from './providers.mapper.js'
import * as providersRepository from './providers.repository.js'
import type { CreateProvider, UpdateProvider } from './providers.schemas.js'

export class ProvidersService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock = systemClock
  ) {}

  #check(identity: ProviderIdentity): void {
    const errors = providerFieldErrors(identity, todayIn(this.clock))
    if (errors.length > 0) invalid(errors)
  }

  async list(p: Principal, query: { page: number; pageSize: number; tier?: number | undefined }) {
    const { rows, total } = await providersRepository.page(this.db, p, query)
    const tiers = await providersRepository.tiersOf(
      this.db,
      rows.map((r) => r.id)
    )
    return {
      results: rows.map((r) => toProvider(r, tiers.get(r.id) ?? [])),
      paging: paging(query.page, query.pageSize, total)
    }
  }

  async get(p: Principal, id: string) {
    const row = await providersRepository.findInScope(this.db, p, id)
    if (!row) throw notFound('provider')
    const tiers = await providersRepository.tiersOf(this.db, [row.id])
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
      const row = await providersRepository.insert(trx, {
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
      if (input.tiers.length > 0) await providersRepository.insertTiers(trx, row.id, input.tiers)
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
      const current = await providersRepository.findInScope(trx, actor.principal, id, { lock: true })
      if (!current) throw notFound('provider')
      if (current.version !== version) throw preconditionFailed()
      const currentTiers = (await providersRepository.tiersOf(trx, [id])).get(id) ?? []
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
      const row = await providersRepository.update(trx, id, {
        name: input.name ?? current.name,
        urn: after.urn,
        ukprn: after.ukprn,
        setting_type: after.settingType,
        registration_status: after.registrationStatus,
        qa_status: after.qaStatus,
        qa_date: after.qaDate,
        safeguarding_confirmed_on: after.safeguardingConfirmedOn
      })
      if (input.tiers) {
        await providersRepository.deleteTiers(trx, id)
        if (input.tiers.length > 0) await providersRepository.insertTiers(trx, id, input.tiers)
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
