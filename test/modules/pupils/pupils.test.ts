import type { Kysely } from 'kysely'
import { DateTime } from 'luxon'
import t, { type Test } from 'tap'
import { ROLES, type Role } from '../../../src/platform/auth/principal.js'
import { hashToken } from '../../../src/platform/auth/tokens.js'
import type { DB } from '../../../src/db/schema.js'
import { upsertLocalAuthority } from '../../../src/modules/local-authorities/local-authorities.service.js'
import { issueToken } from '../../../src/modules/tokens/tokens.service.js'
import { bearer, buildTestApp, countRows, insertPupil, makeWorld, type Org, upnFor } from '../../helper.js'
import { problem } from '../../fixtures/problem.js'

// Pupils: create, read, list, search and update, each scoped to the caller and each audited.

interface PupilJson {
  id: string
  upn: string
  uln: string | null
  homeSchoolId: string | null
  homeLaCode: string
  dateOfBirth: string
  ncYear: number
  ncYearDerived: number
  ncYearOverride: number | null
  endOfCompulsorySchoolAge: string
  [k: string]: unknown
}

// A fixed "today" (spring term of 2025/26) so NC years and ages do not depend on when the suite runs.
const clock = () => DateTime.fromISO('2026-01-15T10:00:00', { zone: 'Europe/London' })

const { app, db } = await buildTestApp(t, { clock })
const { own, other } = await makeWorld(db)

let seq = 0
const rid = (label: string) => `pupils-${label}-${++seq}`
const withId = (token: string, requestId: string, extra: Record<string, string> = {}) => ({
  ...bearer(token),
  'x-request-id': requestId,
  ...extra
})

async function subjectOf(database: Kysely<DB>, token: string): Promise<string> {
  const row = await database
    .selectFrom('api_token')
    .select('id')
    .where('token_hash', '=', hashToken(token))
    .executeTakeFirstOrThrow()
  return `token:${row.id}`
}
const auditOf = (database: Kysely<DB>, requestId: string) =>
  database.selectFrom('audit_event').selectAll().where('request_id', '=', requestId).orderBy('id').execute()

async function secondSchool(database: Kysely<DB>, org: Org, urn: string) {
  const row = await database
    .insertInto('school')
    .values({
      urn,
      laestab: `${org.laCode}${urn.slice(0, 4)}`,
      name: `Second School ${urn}`,
      la_code: org.laCode,
      phase: 'PRIMARY',
      type: 'ACADEMY'
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

/** An LA with a school, a provider and a token for every role, like makeWorld's. */
async function makeLa(database: Kysely<DB>, laCode: string, name: string, urn: string): Promise<Org> {
  await upsertLocalAuthority(database, laCode, name)
  const school = await database
    .insertInto('school')
    .values({
      urn,
      laestab: `${laCode}${urn.slice(0, 4)}`,
      name: `${name} School`,
      la_code: laCode,
      phase: 'SECONDARY',
      type: 'COMMUNITY'
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const provider = await database
    .insertInto('provider')
    .values({
      name: `${name} Tuition`,
      la_code: laCode,
      setting_type: 'OOT',
      registration_status: 'UNREGISTERED'
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const tokens = {} as Record<Role, string>
  for (const role of ROLES) {
    tokens[role] = (
      await issueToken(database, {
        role,
        laCode,
        label: `${role} of ${name}`,
        createdBy: 'test',
        expiresAt: DateTime.utc().plus({ days: 1 }).toJSDate(),
        schoolId: role === 'school' ? school.id : null,
        providerId: role === 'provider' ? provider.id : null
      })
    ).token
  }
  return { laCode, schoolId: school.id, providerId: provider.id, tokens }
}

const newPupil = (serial: number, overrides: Record<string, unknown> = {}) => ({
  upn: upnFor(serial),
  legalForename: 'Jordan',
  legalSurname: `Smith${serial}`,
  dateOfBirth: '2012-05-20',
  sex: 'F',
  homeLaCode: own.laCode,
  ...overrides
})

t.test('create', async (t) => {
  await t.test('a school records a pupil on its own roll; homeSchoolId defaults to its school', async (t) => {
    const requestId = rid('create-school')
    const input = newPupil(1, {
      uln: '1000000043',
      preferredForename: 'Jo',
      senProvision: 'K',
      fsmEligible: true,
      ethnicity: 'WHIT'
    })
    const res = await app.inject({
      method: 'POST',
      url: '/v1/pupils',
      headers: withId(own.tokens.school, requestId),
      payload: input
    })
    t.equal(res.statusCode, 201)
    const body = res.json() as PupilJson
    t.equal(body.homeSchoolId, own.schoolId, 'defaults to the school')
    t.equal(res.headers.location, `/v1/pupils/${body.id}`)
    t.equal(res.headers.etag, '"1"')
    t.match(body, {
      upn: input.upn,
      uln: '1000000043',
      legalForename: 'Jordan',
      preferredForename: 'Jo',
      preferredSurname: null,
      dateOfBirth: '2012-05-20',
      sex: 'F',
      senProvision: 'K',
      fsmEligible: true,
      lookedAfter: false,
      childInNeed: false,
      ethnicity: 'WHIT',
      homeLaCode: own.laCode,
      ncYearOverride: null
    })
    const row = await db.selectFrom('pupil').selectAll().where('id', '=', body.id).executeTakeFirstOrThrow()
    t.match(row, {
      upn: input.upn,
      home_school_id: own.schoolId,
      home_la_code: own.laCode,
      date_of_birth: '2012-05-20',
      version: 1
    })

    const audit = await auditOf(db, requestId)
    t.equal(audit.length, 1, 'one audit row')
    t.match(audit[0], {
      action: 'create',
      entity: 'pupil',
      entity_id: body.id,
      pupil_id: body.id,
      pupil_la_code: own.laCode,
      actor: await subjectOf(db, own.tokens.school),
      role: 'school',
      org_type: 'school',
      org_id: own.schoolId,
      actor_la_code: own.laCode
    })
    t.ok(audit[0]?.changed_fields?.includes('upn'), 'changed fields listed')
  })

  await t.test('a coordinator records a pupil at a school of its LA', async (t) => {
    const requestId = rid('create-coordinator')
    const res = await app.inject({
      method: 'POST',
      url: '/v1/pupils',
      headers: withId(own.tokens.coordinator, requestId),
      payload: newPupil(2, { homeSchoolId: own.schoolId })
    })
    t.equal(res.statusCode, 201)
    const body = res.json() as PupilJson
    t.equal(body.homeSchoolId, own.schoolId)
    const audit = await auditOf(db, requestId)
    t.equal(audit.length, 1)
    t.match(audit[0], {
      action: 'create',
      pupil_id: body.id,
      actor: await subjectOf(db, own.tokens.coordinator),
      role: 'coordinator',
      org_type: 'local_authority',
      org_id: own.laCode
    })
  })

  await t.test('a coordinator records a pupil resident in its LA with no home school', async (t) => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/pupils',
      headers: bearer(own.tokens.coordinator),
      payload: newPupil(3)
    })
    t.equal(res.statusCode, 201)
    t.equal((res.json() as PupilJson).homeSchoolId, null)
  })

  await t.test('a school cannot record a pupil for another school → 403 /homeSchoolId', async (t) => {
    const sameLa = await secondSchool(db, own, '800001')
    for (const homeSchoolId of [sameLa, other.schoolId]) {
      const [pupils, audits] = [await countRows(db, 'pupil'), await countRows(db, 'audit_event')]
      const res = await app.inject({
        method: 'POST',
        url: '/v1/pupils',
        headers: bearer(own.tokens.school),
        payload: newPupil(4, { homeSchoolId })
      })
      problem(t, res, 403, '/homeSchoolId', 'outside_scope')
      t.equal(await countRows(db, 'pupil'), pupils, 'no pupil written')
      t.equal(await countRows(db, 'audit_event'), audits, 'no audit written')
    }
  })

  await t.test('a coordinator cannot set a home school in another LA → 422 /homeSchoolId', async (t) => {
    const [pupils, audits] = [await countRows(db, 'pupil'), await countRows(db, 'audit_event')]
    const res = await app.inject({
      method: 'POST',
      url: '/v1/pupils',
      headers: bearer(own.tokens.coordinator),
      payload: newPupil(5, { homeSchoolId: other.schoolId })
    })
    problem(t, res, 422, '/homeSchoolId')
    t.equal(await countRows(db, 'pupil'), pupils)
    t.equal(await countRows(db, 'audit_event'), audits)
  })

  await t.test('providers and analysts cannot create pupils → 403', async (t) => {
    for (const role of ['provider', 'analyst', 'la_admin'] as const) {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/pupils',
        headers: bearer(own.tokens[role]),
        payload: newPupil(6, { homeSchoolId: own.schoolId })
      })
      problem(t, res, 403)
    }
    t.equal((await db.selectFrom('pupil').select('id').where('upn', '=', upnFor(6)).execute()).length, 0)
  })
})

t.test('get', async (t) => {
  const pupil = await insertPupil(db, own, 20)

  await t.test('a coordinator and the home school read the pupil, each read audited', async (t) => {
    for (const role of ['coordinator', 'school'] as const) {
      const requestId = rid(`get-${role}`)
      const res = await app.inject({
        method: 'GET',
        url: `/v1/pupils/${pupil.id}`,
        headers: withId(own.tokens[role], requestId)
      })
      t.equal(res.statusCode, 200, role)
      t.equal(res.headers.etag, '"1"')
      const body = res.json() as PupilJson
      t.match(body, { id: pupil.id, upn: pupil.upn, legalSurname: pupil.legal_surname, homeSchoolId: own.schoolId })
      const audit = await auditOf(db, requestId)
      t.equal(audit.length, 1, 'one audit row')
      t.match(audit[0], {
        action: 'read',
        entity: 'pupil',
        entity_id: pupil.id,
        pupil_id: pupil.id,
        pupil_la_code: own.laCode,
        actor: await subjectOf(db, own.tokens[role]),
        role,
        request_id: requestId
      })
    }
  })

  await t.test('out of scope: 404 and no audit row', async (t) => {
    for (const token of [own.tokens.provider, other.tokens.coordinator, other.tokens.school]) {
      const requestId = rid('get-out-of-scope')
      problem(
        t,
        await app.inject({ method: 'GET', url: `/v1/pupils/${pupil.id}`, headers: withId(token, requestId) }),
        404
      )
      t.same(await auditOf(db, requestId), [], 'nothing audited for a read that found nothing')
    }
  })

  await t.test('analysts never read pupil rows → 403', async (t) => {
    problem(
      t,
      await app.inject({ method: 'GET', url: `/v1/pupils/${pupil.id}`, headers: bearer(own.tokens.analyst) }),
      403
    )
  })
})

t.test('list is scoped to the caller, and each pupil listed is audited', async (t) => {
  // Two further LAs in the same database, so that their lists hold exactly the pupils made here.
  const w = {
    own: await makeLa(db, '301', 'Northshire', '820001'),
    other: await makeLa(db, '302', 'Southshire', '830001')
  }
  const school2 = await secondSchool(db, w.own, '810001')
  const a = await insertPupil(db, w.own, 31)
  const b = await insertPupil(db, w.own, 32)
  const resident = await insertPupil(db, w.own, 33, { home_school_id: null })
  const elsewhere = await insertPupil(db, { ...w.own, schoolId: school2 }, 34)
  const theirs = await insertPupil(db, w.other, 35)

  const list = async (t: Test, token: string, query = '') => {
    const requestId = rid('list')
    const res = await app.inject({ method: 'GET', url: `/v1/pupils${query}`, headers: withId(token, requestId) })
    t.equal(res.statusCode, 200)
    const body = res.json() as { results: PupilJson[]; paging: { totalResults: number } }
    return {
      ids: body.results.map((p) => p.id).sort(),
      total: body.paging.totalResults,
      audit: await auditOf(db, requestId)
    }
  }
  const sorted = (...ids: string[]) => [...ids].sort()

  await t.test('a school sees only its roll', async (t) => {
    const r = await list(t, w.own.tokens.school)
    t.same(r.ids, sorted(a.id, b.id))
    t.equal(r.total, 2)
    t.same(r.audit.map((e) => e.pupil_id).sort(), sorted(a.id, b.id), 'one list row per pupil returned')
    const actor = await subjectOf(db, w.own.tokens.school)
    for (const e of r.audit)
      t.match(e, { action: 'list', entity: 'pupil', actor, role: 'school', org_id: w.own.schoolId })
  })

  await t.test('a coordinator sees pupils resident in the LA or at its schools', async (t) => {
    const r = await list(t, w.own.tokens.coordinator)
    t.same(r.ids, sorted(a.id, b.id, resident.id, elsewhere.id))
    t.equal(r.audit.length, 4)
    t.ok(r.audit.every((e) => e.action === 'list'))
    const filtered = await list(t, w.own.tokens.coordinator, `?homeSchoolId=${school2}`)
    t.same(filtered.ids, [elsewhere.id], 'homeSchoolId filter')
    t.same(
      filtered.audit.map((e) => e.pupil_id),
      [elsewhere.id]
    )
  })

  await t.test("the other LA's coordinator sees none of them", async (t) => {
    const r = await list(t, w.other.tokens.coordinator)
    t.same(r.ids, [theirs.id], 'only its own pupil')
    const mine = await list(t, w.other.tokens.coordinator, `?homeSchoolId=${w.own.schoolId}`)
    t.same(mine.ids, [], "filtering by another LA's school finds nothing")
    t.equal(mine.total, 0)
    t.same(mine.audit, [])
  })

  await t.test('a provider sees none yet (no placements)', async (t) => {
    const r = await list(t, w.own.tokens.provider)
    t.same(r.ids, [])
    t.equal(r.total, 0)
    t.same(r.audit, [], 'nothing listed, nothing audited')
  })
})

t.test('search by UPN (POST /v1/pupils/search)', async (t) => {
  const mine = await insertPupil(db, own, 40)
  const theirs = await insertPupil(db, other, 41)
  const search = async (token: string, upn: string) => {
    const requestId = rid('search')
    const res = await app.inject({
      method: 'POST',
      url: '/v1/pupils/search',
      headers: withId(token, requestId),
      payload: { upn }
    })
    return { res, audit: await auditOf(db, requestId) }
  }

  await t.test('found', async (t) => {
    const { res, audit } = await search(own.tokens.coordinator, mine.upn)
    t.equal(res.statusCode, 200)
    const body = res.json() as { results: PupilJson[]; paging: unknown }
    t.equal(body.results.length, 1)
    t.match(body.results[0], { id: mine.id, upn: mine.upn })
    t.equal(audit.length, 1)
    t.match(audit[0], {
      action: 'search',
      entity: 'pupil',
      pupil_id: mine.id,
      entity_id: mine.id,
      actor: await subjectOf(db, own.tokens.coordinator)
    })
  })

  await t.test('not found', async (t) => {
    const { res, audit } = await search(own.tokens.coordinator, upnFor(49))
    t.equal(res.statusCode, 200)
    t.same(res.json().results, [])
    t.equal(res.json().paging.totalResults, 0)
    t.equal(audit.length, 1, 'the search itself is audited')
    t.match(audit[0], { action: 'search', pupil_id: null })
  })

  await t.test("another LA's pupil is not found", async (t) => {
    const { res, audit } = await search(own.tokens.coordinator, theirs.upn)
    t.equal(res.statusCode, 200)
    t.same(res.json().results, [], 'as if it did not exist')
    t.match(audit[0], { action: 'search', pupil_id: null, entity_id: null })
    const { res: forThem } = await search(other.tokens.coordinator, theirs.upn)
    t.equal(forThem.json().results.length, 1, 'their own coordinator finds it')
  })

  await t.test('a provider finds nothing; a UPN with a wrong check letter → 400 /upn', async (t) => {
    t.same((await search(own.tokens.provider, mine.upn)).res.json().results, [])
    const { res, audit } = await search(own.tokens.coordinator, 'A801200005001')
    problem(t, res, 400, '/upn', 'upn_check_letter')
    t.same(audit, [])
  })
})

t.test('update', async (t) => {
  const pupil = await insertPupil(db, own, 50)
  const url = `/v1/pupils/${pupil.id}`

  await t.test('ETag flow and a change to a valid temporary UPN', async (t) => {
    const read = await app.inject({ method: 'GET', url, headers: bearer(own.tokens.school) })
    const etag = String(read.headers.etag)
    const requestId = rid('update')
    const res = await app.inject({
      method: 'PATCH',
      url,
      headers: withId(own.tokens.school, requestId, { 'if-match': etag }),
      payload: { upn: 'M80120000500A', lookedAfter: true }
    })
    t.equal(res.statusCode, 200)
    t.not(res.headers.etag, etag)
    t.equal(res.headers.etag, '"2"')
    t.match(res.json(), { id: pupil.id, upn: 'M80120000500A', lookedAfter: true })
    t.match(await db.selectFrom('pupil').selectAll().where('id', '=', pupil.id).executeTakeFirstOrThrow(), {
      upn: 'M80120000500A',
      looked_after: true,
      version: 2
    })
    const audit = await auditOf(db, requestId)
    t.equal(audit.length, 1)
    t.match(audit[0], {
      action: 'update',
      entity: 'pupil',
      entity_id: pupil.id,
      pupil_id: pupil.id,
      actor: await subjectOf(db, own.tokens.school),
      role: 'school'
    })
    t.same([...(audit[0]?.changed_fields ?? [])].sort(), ['lookedAfter', 'upn'])
    problem(
      t,
      await app.inject({
        method: 'PATCH',
        url,
        headers: { ...bearer(own.tokens.school), 'if-match': etag },
        payload: { childInNeed: true }
      }),
      412
    )
  })

  await t.test('an invalid UPN is rejected and nothing changes', async (t) => {
    for (const [upn, code] of [
      ['N80120000500A', 'upn_check_letter'],
      ['I80120000500A', undefined]
    ] as const) {
      const requestId = rid('update-bad')
      const res = await app.inject({
        method: 'PATCH',
        url,
        headers: withId(own.tokens.coordinator, requestId, { 'if-match': '"2"' }),
        payload: { upn }
      })
      problem(t, res, 400, '/upn', code)
      t.same(await auditOf(db, requestId), [])
    }
    t.match(await db.selectFrom('pupil').selectAll().where('id', '=', pupil.id).executeTakeFirstOrThrow(), {
      upn: 'M80120000500A',
      version: 2
    })
  })

  await t.test('a school cannot move its pupil to another school', async (t) => {
    const res = await app.inject({
      method: 'PATCH',
      url,
      headers: { ...bearer(own.tokens.school), 'if-match': '"2"' },
      payload: { homeSchoolId: other.schoolId }
    })
    problem(t, res, 403, '/homeSchoolId')
    const coordinator = await app.inject({
      method: 'PATCH',
      url,
      headers: { ...bearer(own.tokens.coordinator), 'if-match': '"2"' },
      payload: { homeSchoolId: other.schoolId }
    })
    problem(t, coordinator, 422, '/homeSchoolId')
    t.match(await db.selectFrom('pupil').selectAll().where('id', '=', pupil.id).executeTakeFirstOrThrow(), {
      home_school_id: own.schoolId,
      version: 2
    })
  })

  await t.test('an empty PATCH is refused', async (t) => {
    problem(
      t,
      await app.inject({
        method: 'PATCH',
        url,
        headers: { ...bearer(own.tokens.coordinator), 'if-match': '"2"' },
        payload: {}
      }),
      400
    )
  })
})

t.test('NC year is derived from date of birth (age on 31 August); an override wins', async (t) => {
  const create = async (serial: number, extra: Record<string, unknown>) => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/pupils',
      headers: bearer(own.tokens.school),
      payload: newPupil(serial, extra)
    })
    t.equal(res.statusCode, 201)
    return res.json() as PupilJson
  }
  const augustBorn = await create(60, { dateOfBirth: '2012-08-31' })
  const septemberBorn = await create(61, { dateOfBirth: '2012-09-01' })
  // 2025/26: born 31 Aug 2012 is 13 on 31 Aug 2025 → Year 9; born 1 Sep 2012 is 12 → Year 8
  t.equal(augustBorn.ncYearDerived, 9)
  t.equal(augustBorn.ncYear, 9)
  t.equal(septemberBorn.ncYearDerived, 8)
  t.equal(septemberBorn.ncYear, 8)
  t.equal(augustBorn.ncYearDerived - septemberBorn.ncYearDerived, 1, 'one day apart, one year group apart')
  t.equal(augustBorn.endOfCompulsorySchoolAge, '2028-06-30', 'last Friday of June of their Year 11')
  t.equal(septemberBorn.endOfCompulsorySchoolAge, '2029-06-29')

  const overridden = await create(62, { dateOfBirth: '2012-08-31', ncYearOverride: 8 })
  t.equal(overridden.ncYearDerived, 9)
  t.equal(overridden.ncYearOverride, 8)
  t.equal(overridden.ncYear, 8, 'the override wins')

  const cleared = await app.inject({
    method: 'PATCH',
    url: `/v1/pupils/${overridden.id}`,
    headers: { ...bearer(own.tokens.school), 'if-match': '"1"' },
    payload: { ncYearOverride: null }
  })
  t.equal(cleared.statusCode, 200)
  t.match(
    cleared.json(),
    { ncYear: 9, ncYearDerived: 9, ncYearOverride: null },
    'clearing the override falls back to the derived year'
  )

  const read = await app.inject({
    method: 'GET',
    url: `/v1/pupils/${septemberBorn.id}`,
    headers: bearer(own.tokens.coordinator)
  })
  t.match(read.json(), { ncYear: 8, ncYearDerived: 8 }, 'also on read')
})
