import t from 'tap'
import { type ProviderIdentity, providerFieldErrors } from '../../src/domain/providers.js'

const TODAY = '2026-03-02'
const school: ProviderIdentity = {
  urn: '140001',
  ukprn: null,
  settingType: null,
  registrationStatus: 'STATE_FUNDED_AP_SCHOOL',
  qaStatus: 'NOT_ASSESSED',
  qaDate: null,
  safeguardingConfirmedOn: null,
  tiers: [{ tier: 2, places: 10 }]
}
const tuition: ProviderIdentity = { ...school, urn: null, settingType: 'OOT', registrationStatus: 'UNREGISTERED' }
const codes = (p: ProviderIdentity) => providerFieldErrors(p, TODAY).map((e) => `${e.path} ${e.code}`)

t.test('a registered school with a URN and an unregistered setting with a setting type pass', async (t) => {
  t.same(codes(school), [])
  t.same(codes(tuition), [])
  t.same(codes({ ...tuition, settingType: null, ukprn: '10012345' }), [], 'or a UKPRN')
})

t.test('exactly one of URN, UKPRN or setting type, as the AP census', async (t) => {
  t.same(codes({ ...school, ukprn: '10012345' }), ['/ provider_identifier'])
  t.same(codes({ ...tuition, settingType: null }), ['/ provider_identifier'])
  t.match(providerFieldErrors({ ...school, ukprn: '10012345', settingType: 'NFE' }, TODAY)[0]!.message, /3 given/)
})

t.test('a registered school needs a URN; an unregistered setting has none', async (t) => {
  t.same(codes({ ...school, urn: null, ukprn: '10012345' }), ['/urn registered_needs_urn'])
  t.same(codes({ ...tuition, urn: '140001', settingType: null }), ['/urn unregistered_has_urn'])
})

t.test('a QA status other than NOT_ASSESSED carries its date, and NOT_ASSESSED none', async (t) => {
  t.same(codes({ ...school, qaStatus: 'APPROVED' }), ['/qaDate qa_date_required'])
  t.same(codes({ ...school, qaStatus: 'APPROVED', qaDate: '2025-11-01' }), [])
  t.same(codes({ ...school, qaDate: '2025-11-01' }), ['/qaDate qa_date_not_allowed'])
})

t.test('QA and safeguarding dates are not in the future; today is allowed', async (t) => {
  t.same(codes({ ...school, qaStatus: 'APPROVED', qaDate: '2026-03-03' }), ['/qaDate date_in_future'])
  t.same(codes({ ...school, safeguardingConfirmedOn: '2026-03-03' }), ['/safeguardingConfirmedOn date_in_future'])
  t.same(codes({ ...school, safeguardingConfirmedOn: TODAY }), [])
})

t.test('each tier is listed once; the repeat is named by its index', async (t) => {
  const tiers = [
    { tier: 2, places: 4 },
    { tier: 3, places: 2 },
    { tier: 2, places: 1 }
  ]
  t.same(codes({ ...school, tiers }), ['/tiers/2/tier duplicate_tier'])
})

t.test('every broken rule is reported at once', async (t) => {
  t.same(codes({ ...tuition, urn: '140001', qaStatus: 'SUSPENDED', safeguardingConfirmedOn: '2027-01-01' }), [
    '/ provider_identifier',
    '/urn unregistered_has_urn',
    '/qaDate qa_date_required',
    '/safeguardingConfirmedOn date_in_future'
  ])
})
