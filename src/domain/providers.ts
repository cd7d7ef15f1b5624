import type { FieldError } from '../platform/errors.js'

/** The AP census's setting types, for a provider with neither URN nor UKPRN (domain.md §4.2). */
export const SETTING_TYPES = ['NFE', 'OOT', 'OTH', 'WBP'] as const
export const REGISTRATION_STATUSES = [
  'STATE_FUNDED_AP_SCHOOL',
  'REGISTERED_INDEPENDENT_SCHOOL',
  'UNREGISTERED'
] as const
export const QA_STATUSES = [
  'NOT_ASSESSED',
  'APPROVED',
  'APPROVED_WITH_CONDITIONS',
  'NOT_APPROVED',
  'SUSPENDED'
] as const

export interface ProviderIdentity {
  urn: string | null
  ukprn: string | null
  settingType: (typeof SETTING_TYPES)[number] | null
  registrationStatus: (typeof REGISTRATION_STATUSES)[number]
  qaStatus: (typeof QA_STATUSES)[number]
  qaDate: string | null
  safeguardingConfirmedOn: string | null
  tiers: { tier: number; places: number }[]
}

/**
 * Provider rules (domain.md §4.2, §9.10): exactly one of URN, UKPRN or setting type, as in the AP census;
 * registered schools have a URN and unregistered settings do not; a QA status other than NOT_ASSESSED
 * carries its date; dates are not in the future; each tier is listed once.
 */
export function providerFieldErrors(p: ProviderIdentity, today: string): FieldError[] {
  const errors: FieldError[] = []
  const given = [p.urn, p.ukprn, p.settingType].filter((v) => v !== null).length
  if (given !== 1) {
    errors.push({
      path: '/',
      code: 'provider_identifier',
      message: `give exactly one of urn, ukprn or settingType (${given} given)`
    })
  }
  if (p.registrationStatus === 'UNREGISTERED' && p.urn !== null) {
    errors.push({
      path: '/urn',
      code: 'unregistered_has_urn',
      message: '/urn is not allowed for an unregistered provider'
    })
  }
  if (p.registrationStatus !== 'UNREGISTERED' && p.urn === null) {
    errors.push({
      path: '/urn',
      code: 'registered_needs_urn',
      message: `/urn is required for a ${p.registrationStatus} provider`
    })
  }
  if (p.qaStatus !== 'NOT_ASSESSED' && p.qaDate === null) {
    errors.push({
      path: '/qaDate',
      code: 'qa_date_required',
      message: `/qaDate is required when qaStatus is ${p.qaStatus}`
    })
  }
  if (p.qaStatus === 'NOT_ASSESSED' && p.qaDate !== null) {
    errors.push({
      path: '/qaDate',
      code: 'qa_date_not_allowed',
      message: '/qaDate is not allowed when qaStatus is NOT_ASSESSED'
    })
  }
  for (const [field, value] of [
    ['qaDate', p.qaDate],
    ['safeguardingConfirmedOn', p.safeguardingConfirmedOn]
  ] as const) {
    if (value !== null && value > today)
      errors.push({ path: `/${field}`, code: 'date_in_future', message: `/${field} cannot be in the future` })
  }
  const seen = new Set<number>()
  p.tiers.forEach((t, i) => {
    if (seen.has(t.tier))
      errors.push({
        path: `/tiers/${i}/tier`,
        code: 'duplicate_tier',
        message: `/tiers/${i}/tier repeats tier ${t.tier}`
      })
    seen.add(t.tier)
  })
  return errors
}
