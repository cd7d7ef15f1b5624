import { DateTime } from 'luxon'
import t from 'tap'
import { bearer, buildTestApp, countRows, makeWorld } from '../../helper.js'
import { problem } from '../../fixtures/problem.js'

// AP providers: exactly one of URN, UKPRN or AP setting type; registration, QA, safeguarding and tiers.

interface TierPlaces {
  tier: number
  places: number
}
interface ProviderJson {
  id: string
  name: string
  laCode: string
  urn: string | null
  ukprn: string | null
  settingType: string | null
  registrationStatus: string
  qaStatus: string
  qaDate: string | null
  safeguardingConfirmedOn: string | null
  tiers: TierPlaces[]
}

// A fixed "today" so the "not in the future" rules do not depend on when the suite runs.
const clock = () => DateTime.fromISO('2026-01-15T10:00:00', { zone: 'Europe/London' })
const { app, db } = await buildTestApp(t, { clock })
const { own, other } = await makeWorld(db)
const admin = bearer(own.tokens.la_admin)

const tiersInDb = async (id: string) =>
  (
    await db
      .selectFrom('provider_tier')
      .select(['tier', 'places'])
      .where('provider_id', '=', id)
      .orderBy('tier')
      .execute()
  ).map((r) => ({ tier: Number(r.tier), places: Number(r.places) }))

const created: Record<string, ProviderJson> = {}

t.test('create: exactly one identifier, in each of its three forms', async (t) => {
  const cases = [
    {
      key: 'urn',
      body: {
        name: 'Hillside Academy (AP)',
        laCode: own.laCode,
        urn: '650001',
        registrationStatus: 'STATE_FUNDED_AP_SCHOOL',
        qaStatus: 'APPROVED',
        qaDate: '2025-11-03',
        safeguardingConfirmedOn: '2025-12-01',
        tiers: [
          { tier: 3, places: 12 },
          { tier: 2, places: 30 }
        ]
      }
    },
    {
      key: 'independent',
      body: {
        name: 'Meadow Independent School',
        laCode: own.laCode,
        urn: '650002',
        registrationStatus: 'REGISTERED_INDEPENDENT_SCHOOL',
        tiers: [{ tier: 2, places: 8 }]
      }
    },
    {
      key: 'ukprn',
      body: {
        name: 'Northgate College',
        laCode: own.laCode,
        ukprn: '10054321',
        registrationStatus: 'UNREGISTERED',
        tiers: [{ tier: 1, places: 15 }]
      }
    },
    {
      key: 'setting',
      body: {
        name: 'Bright Futures Tuition',
        laCode: own.laCode,
        settingType: 'OOT',
        registrationStatus: 'UNREGISTERED',
        qaStatus: 'APPROVED_WITH_CONDITIONS',
        qaDate: '2026-01-15',
        tiers: []
      }
    }
  ]
  for (const c of cases) {
    await t.test(c.key, async (t) => {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/providers',
        headers: { ...admin, 'x-request-id': `provider-create-${c.key}` },
        payload: c.body
      })
      t.equal(res.statusCode, 201)
      const body = res.json() as ProviderJson
      const { tiers, ...rest } = c.body
      t.match(body, {
        urn: null,
        ukprn: null,
        settingType: null,
        qaStatus: 'NOT_ASSESSED',
        qaDate: null,
        safeguardingConfirmedOn: null,
        ...rest
      })
      const sorted = [...tiers].sort((a, b) => a.tier - b.tier)
      t.same(body.tiers, sorted, 'tiers returned in tier order')
      t.same(await tiersInDb(body.id), sorted, 'tiers stored')
      t.equal(res.headers.location, `/v1/providers/${body.id}`)
      t.equal(res.headers.etag, '"1"')
      const audit = await db
        .selectFrom('audit_event')
        .selectAll()
        .where('request_id', '=', `provider-create-${c.key}`)
        .execute()
      t.equal(audit.length, 1)
      t.match(audit[0], {
        action: 'create',
        entity: 'provider',
        entity_id: body.id,
        role: 'la_admin',
        org_id: own.laCode
      })
      created[c.key] = body
      const read = await app.inject({
        method: 'GET',
        url: `/v1/providers/${body.id}`,
        headers: bearer(own.tokens.coordinator)
      })
      t.equal(read.statusCode, 200)
      t.same(read.json(), body, 'GET returns what POST did')
      t.equal(read.headers.etag, '"1"')
    })
  }

  await t.test('la_admin cannot create in another LA → 403 /laCode', async (t) => {
    const before = [
      await countRows(db, 'provider'),
      await countRows(db, 'provider_tier'),
      await countRows(db, 'audit_event')
    ]
    problem(
      t,
      await app.inject({
        method: 'POST',
        url: '/v1/providers',
        headers: admin,
        payload: {
          name: 'Elsewhere Tuition',
          laCode: other.laCode,
          settingType: 'OTH',
          registrationStatus: 'UNREGISTERED',
          tiers: [{ tier: 1, places: 1 }]
        }
      }),
      403,
      '/laCode',
      'outside_scope'
    )
    t.same(
      [await countRows(db, 'provider'), await countRows(db, 'provider_tier'), await countRows(db, 'audit_event')],
      before,
      'nothing written'
    )
  })

  await t.test('duplicate URN → 409 /urn; duplicate UKPRN → 409 /ukprn', async (t) => {
    const before = [
      await countRows(db, 'provider'),
      await countRows(db, 'provider_tier'),
      await countRows(db, 'audit_event')
    ]
    problem(
      t,
      await app.inject({
        method: 'POST',
        url: '/v1/providers',
        headers: admin,
        payload: {
          name: 'Copy',
          laCode: own.laCode,
          urn: '650001',
          registrationStatus: 'STATE_FUNDED_AP_SCHOOL',
          tiers: [{ tier: 2, places: 1 }]
        }
      }),
      409,
      '/urn',
      'unique'
    )
    problem(
      t,
      await app.inject({
        method: 'POST',
        url: '/v1/providers',
        headers: admin,
        payload: {
          name: 'Copy',
          laCode: own.laCode,
          ukprn: '10054321',
          registrationStatus: 'UNREGISTERED',
          tiers: [{ tier: 2, places: 1 }]
        }
      }),
      409,
      '/ukprn',
      'unique'
    )
    t.same(
      [await countRows(db, 'provider'), await countRows(db, 'provider_tier'), await countRows(db, 'audit_event')],
      before,
      'nothing written, tiers included'
    )
  })

  await t.test('identifier and rule failures', async (t) => {
    const before = await countRows(db, 'provider')
    const base = { name: 'Rules Test', laCode: own.laCode, tiers: [] }
    problem(
      t,
      await app.inject({
        method: 'POST',
        url: '/v1/providers',
        headers: admin,
        payload: { ...base, ukprn: '10099999', settingType: 'WBP', registrationStatus: 'UNREGISTERED' }
      }),
      400,
      '/',
      'provider_identifier'
    )
    problem(
      t,
      await app.inject({
        method: 'POST',
        url: '/v1/providers',
        headers: admin,
        payload: { ...base, ukprn: '10099999', registrationStatus: 'STATE_FUNDED_AP_SCHOOL' }
      }),
      400,
      '/urn',
      'registered_needs_urn'
    )
    problem(
      t,
      await app.inject({
        method: 'POST',
        url: '/v1/providers',
        headers: admin,
        payload: { ...base, ukprn: '20099999', registrationStatus: 'UNREGISTERED' }
      }),
      400,
      '/ukprn',
      'pattern'
    )
    problem(
      t,
      await app.inject({
        method: 'POST',
        url: '/v1/providers',
        headers: admin,
        payload: { ...base, settingType: 'XYZ', registrationStatus: 'UNREGISTERED' }
      }),
      400,
      '/settingType'
    )
    problem(
      t,
      await app.inject({
        method: 'POST',
        url: '/v1/providers',
        headers: admin,
        payload: { ...base, settingType: 'NFE', registrationStatus: 'UNREGISTERED', qaDate: '2025-01-01' }
      }),
      400,
      '/qaDate',
      'qa_date_not_allowed'
    )
    problem(
      t,
      await app.inject({
        method: 'POST',
        url: '/v1/providers',
        headers: admin,
        payload: {
          ...base,
          settingType: 'NFE',
          registrationStatus: 'UNREGISTERED',
          safeguardingConfirmedOn: '2026-01-16'
        }
      }),
      400,
      '/safeguardingConfirmedOn',
      'date_in_future'
    )
    problem(
      t,
      await app.inject({
        method: 'POST',
        url: '/v1/providers',
        headers: admin,
        payload: {
          ...base,
          settingType: 'NFE',
          registrationStatus: 'UNREGISTERED',
          tiers: [
            { tier: 2, places: 1 },
            { tier: 2, places: 3 }
          ]
        }
      }),
      400,
      '/tiers/1/tier',
      'duplicate_tier'
    )
    problem(
      t,
      await app.inject({
        method: 'POST',
        url: '/v1/providers',
        headers: admin,
        payload: { ...base, settingType: 'NFE', registrationStatus: 'UNREGISTERED', tiers: [{ tier: 4, places: 1 }] }
      }),
      400,
      '/tiers/0/tier'
    )
    t.equal(await countRows(db, 'provider'), before, 'nothing written')
  })

  await t.test('only la_admin creates providers', async (t) => {
    for (const role of ['coordinator', 'analyst', 'school', 'provider'] as const) {
      problem(
        t,
        await app.inject({
          method: 'POST',
          url: '/v1/providers',
          headers: bearer(own.tokens[role]),
          payload: {
            name: 'Nope',
            laCode: own.laCode,
            settingType: 'OTH',
            registrationStatus: 'UNREGISTERED',
            tiers: []
          }
        }),
        403
      )
    }
  })
})

t.test('get is scoped', async (t) => {
  const urnProvider = created.urn!
  for (const role of ['la_admin', 'coordinator', 'analyst', 'school'] as const) {
    t.equal(
      (await app.inject({ method: 'GET', url: `/v1/providers/${urnProvider.id}`, headers: bearer(own.tokens[role]) }))
        .statusCode,
      200,
      role
    )
  }
  problem(
    t,
    await app.inject({ method: 'GET', url: `/v1/providers/${urnProvider.id}`, headers: bearer(own.tokens.provider) }),
    404
  )
  t.equal(
    (await app.inject({ method: 'GET', url: `/v1/providers/${own.providerId}`, headers: bearer(own.tokens.provider) }))
      .statusCode,
    200,
    'a provider reads itself'
  )
  problem(
    t,
    await app.inject({ method: 'GET', url: `/v1/providers/${urnProvider.id}`, headers: bearer(other.tokens.la_admin) }),
    404
  )
})

t.test('list and the tier filter', async (t) => {
  const ids = async (url: string, token = own.tokens.coordinator) => {
    const res = await app.inject({ method: 'GET', url, headers: bearer(token) })
    t.equal(res.statusCode, 200, url)
    return (res.json().results as ProviderJson[]).map((p) => p.id).sort()
  }
  const set = (...list: string[]) => [...list].sort()
  const { urn, independent, ukprn, setting } = created as Record<string, ProviderJson>
  t.same(
    await ids('/v1/providers'),
    set(own.providerId, urn!.id, independent!.id, ukprn!.id, setting!.id),
    "the LA's providers only"
  )
  t.same(await ids('/v1/providers?tier=1'), set(own.providerId, ukprn!.id))
  t.same(await ids('/v1/providers?tier=2'), set(own.providerId, urn!.id, independent!.id))
  t.same(await ids('/v1/providers?tier=3'), set(own.providerId, urn!.id))
  problem(t, await app.inject({ method: 'GET', url: '/v1/providers?tier=4', headers: admin }), 400)
  t.same(await ids('/v1/providers', own.tokens.provider), [own.providerId], 'a provider sees itself only')
  t.same(await ids('/v1/providers?tier=2', other.tokens.coordinator), [other.providerId], 'the other LA sees its own')
  const listed = (await app.inject({ method: 'GET', url: '/v1/providers?tier=3', headers: admin })).json()
    .results as ProviderJson[]
  const listedUrn = listed.find((p) => p.id === urn!.id)
  t.same(
    listedUrn?.tiers,
    [
      { tier: 2, places: 30 },
      { tier: 3, places: 12 }
    ],
    'a filtered list still shows every tier a provider offers'
  )
})

t.test('patch', async (t) => {
  await t.test('tiers are replaced, not merged', async (t) => {
    const p = created.urn!
    const res = await app.inject({
      method: 'PATCH',
      url: `/v1/providers/${p.id}`,
      headers: { ...admin, 'if-match': '"1"', 'x-request-id': 'provider-patch-tiers' },
      payload: { tiers: [{ tier: 1, places: 4 }] }
    })
    t.equal(res.statusCode, 200)
    t.equal(res.headers.etag, '"2"')
    t.same(res.json().tiers, [{ tier: 1, places: 4 }])
    t.same(await tiersInDb(p.id), [{ tier: 1, places: 4 }], 'the old tiers are gone')
    t.match(res.json(), { urn: p.urn, qaStatus: 'APPROVED', qaDate: '2025-11-03' }, 'other fields kept')
    const audit = await db
      .selectFrom('audit_event')
      .selectAll()
      .where('request_id', '=', 'provider-patch-tiers')
      .execute()
    t.equal(audit.length, 1)
    t.match(audit[0], { action: 'update', entity: 'provider', entity_id: p.id })
    t.same(audit[0]?.changed_fields, ['tiers'])
    const tier3 = (await app.inject({ method: 'GET', url: '/v1/providers?tier=3', headers: admin })).json()
      .results as ProviderJson[]
    t.notOk(
      tier3.some((x) => x.id === p.id),
      'no longer listed for tier 3'
    )
    const emptied = await app.inject({
      method: 'PATCH',
      url: `/v1/providers/${p.id}`,
      headers: { ...admin, 'if-match': '"2"' },
      payload: { tiers: [] }
    })
    t.equal(emptied.statusCode, 200)
    t.same(await tiersInDb(p.id), [])
  })

  await t.test('switch identifier from setting type to UKPRN, set QA and safeguarding', async (t) => {
    const p = created.setting!
    const res = await app.inject({
      method: 'PATCH',
      url: `/v1/providers/${p.id}`,
      headers: { ...admin, 'if-match': '"1"' },
      payload: {
        settingType: null,
        ukprn: '10077777',
        qaStatus: 'SUSPENDED',
        qaDate: '2026-01-10',
        safeguardingConfirmedOn: '2026-01-12',
        name: 'Bright Futures Ltd'
      }
    })
    t.equal(res.statusCode, 200)
    t.match(res.json(), {
      settingType: null,
      ukprn: '10077777',
      urn: null,
      qaStatus: 'SUSPENDED',
      qaDate: '2026-01-10',
      safeguardingConfirmedOn: '2026-01-12',
      name: 'Bright Futures Ltd'
    })
    t.match(await db.selectFrom('provider').selectAll().where('id', '=', p.id).executeTakeFirstOrThrow(), {
      setting_type: null,
      ukprn: '10077777',
      version: 2
    })
  })

  await t.test('register an unregistered provider: UKPRN out, URN in', async (t) => {
    const p = created.ukprn!
    const res = await app.inject({
      method: 'PATCH',
      url: `/v1/providers/${p.id}`,
      headers: { ...admin, 'if-match': '"1"' },
      payload: { ukprn: null, urn: '650009', registrationStatus: 'REGISTERED_INDEPENDENT_SCHOOL' }
    })
    t.equal(res.statusCode, 200)
    t.match(res.json(), { ukprn: null, urn: '650009', registrationStatus: 'REGISTERED_INDEPENDENT_SCHOOL' })
  })

  await t.test('a change that leaves two identifiers or none is refused and changes nothing', async (t) => {
    const p = created.independent!
    const before = await db.selectFrom('provider').selectAll().where('id', '=', p.id).executeTakeFirstOrThrow()
    problem(
      t,
      await app.inject({
        method: 'PATCH',
        url: `/v1/providers/${p.id}`,
        headers: { ...admin, 'if-match': '"1"' },
        payload: { ukprn: '10088888' }
      }),
      400,
      '/',
      'provider_identifier'
    )
    problem(
      t,
      await app.inject({
        method: 'PATCH',
        url: `/v1/providers/${p.id}`,
        headers: { ...admin, 'if-match': '"1"' },
        payload: { urn: null, registrationStatus: 'UNREGISTERED' }
      }),
      400,
      '/',
      'provider_identifier'
    )
    problem(
      t,
      await app.inject({
        method: 'PATCH',
        url: `/v1/providers/${p.id}`,
        headers: { ...admin, 'if-match': '"1"' },
        payload: { registrationStatus: 'UNREGISTERED', tiers: [{ tier: 3, places: 2 }] }
      }),
      400,
      '/urn',
      'unregistered_has_urn'
    )
    t.same(
      await db.selectFrom('provider').selectAll().where('id', '=', p.id).executeTakeFirstOrThrow(),
      before,
      'row unchanged'
    )
    t.same(await tiersInDb(p.id), [{ tier: 2, places: 8 }], 'tiers unchanged')
  })

  await t.test('PATCH needs If-Match and la_admin', async (t) => {
    const p = created.independent!
    problem(
      t,
      await app.inject({ method: 'PATCH', url: `/v1/providers/${p.id}`, headers: admin, payload: { name: 'X' } }),
      428
    )
    problem(
      t,
      await app.inject({
        method: 'PATCH',
        url: `/v1/providers/${p.id}`,
        headers: { ...admin, 'if-match': '"7"' },
        payload: { name: 'X' }
      }),
      412
    )
    problem(
      t,
      await app.inject({
        method: 'PATCH',
        url: `/v1/providers/${p.id}`,
        headers: { ...bearer(own.tokens.coordinator), 'if-match': '"1"' },
        payload: { name: 'X' }
      }),
      403
    )
    problem(
      t,
      await app.inject({
        method: 'PATCH',
        url: `/v1/providers/${p.id}`,
        headers: { ...admin, 'if-match': '"1"' },
        payload: { laCode: other.laCode }
      }),
      400,
      '/laCode',
      'additionalProperties'
    )
    t.equal(
      (await db.selectFrom('provider').select('version').where('id', '=', p.id).executeTakeFirstOrThrow()).version,
      1
    )
  })
})
