import { type Static, Type } from 'typebox'
import {
  Id,
  IsoDate,
  LaCode,
  PageQuery,
  pageOf,
  Tier,
  Timestamp,
  Ukprn,
  Urn,
  StringEnum,
  Text
} from '../../platform/schemas.js'
import { QA_STATUSES, REGISTRATION_STATUSES, SETTING_TYPES } from '../../domain/providers.js'

const SettingType = StringEnum(SETTING_TYPES, {
  description:
    'AP census setting type, only for a provider with neither URN nor UKPRN: NFE non-maintained FE, OOT ' +
    'one-to-one tuition, OTH other unregistered provider, WBP work-based placement.'
})
const RegistrationStatus = StringEnum(REGISTRATION_STATUSES, {
  description:
    'State-funded AP school (PRU, AP academy or free school), registered independent school, or unregistered ' +
    'setting. Registered schools carry a URN; unregistered settings do not.'
})
const QaStatus = StringEnum(QA_STATUSES, { description: "The LA's quality-assurance status for the provider." })
const Name = Text({ minLength: 1, maxLength: 200 })

export const TierPlaces = Type.Object(
  {
    tier: Tier,
    places: Type.Integer({ minimum: 0, maximum: 100000, description: 'Commissioned places at this tier.' })
  },
  { additionalProperties: false }
)

const Tiers = Type.Array(TierPlaces, {
  maxItems: 3,
  description: 'Tiers offered, with places for each; each tier at most once.'
})

export const Provider = Type.Object(
  {
    id: Id,
    name: Name,
    laCode: LaCode,
    urn: Type.Union([Urn, Type.Null()]),
    ukprn: Type.Union([Ukprn, Type.Null()]),
    settingType: Type.Union([SettingType, Type.Null()]),
    registrationStatus: RegistrationStatus,
    qaStatus: QaStatus,
    qaDate: Type.Union([IsoDate, Type.Null()]),
    safeguardingConfirmedOn: Type.Union([IsoDate, Type.Null()], {
      description: "When the commissioner last had written confirmation of the provider's safeguarding checks."
    }),
    tiers: Tiers,
    createdAt: Timestamp,
    updatedAt: Timestamp
  },
  { $id: 'Provider', additionalProperties: false }
)
export type Provider = Static<typeof Provider>

export const CreateProvider = Type.Object(
  {
    name: Name,
    laCode: LaCode,
    urn: Type.Optional(Urn),
    ukprn: Type.Optional(Ukprn),
    settingType: Type.Optional(SettingType),
    registrationStatus: RegistrationStatus,
    qaStatus: Type.Optional(QaStatus),
    qaDate: Type.Optional(Type.Union([IsoDate, Type.Null()])),
    safeguardingConfirmedOn: Type.Optional(Type.Union([IsoDate, Type.Null()])),
    tiers: Tiers
  },
  { additionalProperties: false, description: 'Exactly one of urn, ukprn or settingType.' }
)
export type CreateProvider = Static<typeof CreateProvider>

export const UpdateProvider = Type.Object(
  {
    name: Type.Optional(Name),
    urn: Type.Optional(Type.Union([Urn, Type.Null()])),
    ukprn: Type.Optional(Type.Union([Ukprn, Type.Null()])),
    settingType: Type.Optional(Type.Union([SettingType, Type.Null()])),
    registrationStatus: Type.Optional(RegistrationStatus),
    qaStatus: Type.Optional(QaStatus),
    qaDate: Type.Optional(Type.Union([IsoDate, Type.Null()])),
    safeguardingConfirmedOn: Type.Optional(Type.Union([IsoDate, Type.Null()])),
    tiers: Type.Optional(Tiers)
  },
  {
    additionalProperties: false,
    minProperties: 1,
    description: 'After the change the provider must still have exactly one of urn, ukprn or settingType.'
  }
)
export type UpdateProvider = Static<typeof UpdateProvider>

export const ProviderPage = pageOf('ProviderPage', Provider)
export const ProviderListQuery = Type.Object(
  { ...PageQuery, tier: Type.Optional(Tier) },
  { additionalProperties: false }
)
export const ProviderParams = Type.Object({ id: Id })
