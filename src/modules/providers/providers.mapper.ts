import type { ProviderRow } from '../../db/schema.js'
import { toIso } from '../../platform/time.js'
import type { TierPlaces } from './providers.repository.js'
import type { ProviderIdentity } from '../../domain/providers.js'
import type { Provider } from './providers.schemas.js'

export const toProvider = (row: ProviderRow, tiers: TierPlaces[]): Provider => ({
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

export const identityOf = (row: ProviderRow, tiers: TierPlaces[]): ProviderIdentity => ({
  urn: row.urn,
  ukprn: row.ukprn,
  settingType: row.setting_type,
  registrationStatus: row.registration_status,
  qaStatus: row.qa_status,
  qaDate: row.qa_date,
  safeguardingConfirmedOn: row.safeguarding_confirmed_on,
  tiers
})
