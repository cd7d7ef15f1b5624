import { DateTime } from 'luxon'
import type { Kysely } from 'kysely'
import t, { type Test } from 'tap'
import type { DB } from '../../src/db/schema.js'
import { issueToken } from '../../src/modules/tokens/tokens.service.js'
import { bearer, buildTestApp, countRows, insertPupil, makeWorld, upnFor } from '../helper.js'

// Bad input (issue 2): every case answers an RFC 9457 problem naming the field, and writes nothing.

interface Problem {
  status: number
  code: string
  detail: string
  instance?: string
  errors: { path: string; code: string; message: string }[]
}
interface InjectResult {
  statusCode: number
  headers: Record<string, unknown>
  json: () => any
}

/** Asserts a problem response and returns its body. */
function problem(t: Test, res: InjectResult, status: number, code?: string): Problem {
  t.equal(res.statusCode, status, `status ${status}`)
  t.match(String(res.headers['content-type']), /^application\/problem\+json/, 'problem content type')
  const body = res.json() as Problem
  t.equal(body.status, status, 'problem status')
  if (code !== undefined) t.equal(body.code, code, `problem code ${code}`)
  t.ok(Array.isArray(body.errors), 'errors array')
  return body
}

/** Asserts that the problem names `path` with the given rule `code`. */
function namesField(t: Test, body: Problem, path: string, code?: string): void {
  const hit = body.errors.find((e) => e.path === path)
  t.ok(hit, `errors names ${path} (got ${body.errors.map((e) => e.path).join(', ') || 'none'})`)
  if (hit && code !== undefined) t.equal(hit.code, code, `${path} broke rule ${code}`)
}

/** Runs `fn` and asserts that no row was added to or removed from `tables` (audit_event always included). */
async function writesNothing(t: Test, db: Kysely<DB>, tables: (keyof DB)[], fn: () => Promise<void>): Promise<void> {
  const all = [...new Set<keyof DB>([...tables, 'audit_event'])]
  const counts = async () => {
    const n: number[] = []
    for (const table of all) n.push(await countRows(db, table))
    return n
  }
  const before = await counts()
  await fn()
  const after = await counts()
  all.forEach((table, i) => t.equal(after[i], before[i], `no row written to ${table}`))
}

// A fixed "today" so that date rules do not depend on when the suite runs.
const TODAY = '2026-01-15'
const clock = () => DateTime.fromISO(`${TODAY}T10:00:00`, { zone: 'Europe/London' })

const { app, db } = await buildTestApp(t, { clock })
// Apps with other settings over the same database.
const small = await buildTestApp(t, { config: { BODY_LIMIT_BYTES: 2048 }, db, clock })
const cached = await buildTestApp(t, { config: { TOKEN_CACHE_MS: 60_000 }, db, clock })
const world = await makeWorld(db)
const { own, other } = world

const pupilBody = (overrides: Record<string, unknown> = {}) => ({
  upn: upnFor(500),
  legalForename: 'Sam',
  legalSurname: 'Rivers',
  dateOfBirth: '2012-03-14',
  sex: 'M',
  homeLaCode: own.laCode,
  homeSchoolId: own.schoolId,
  ...overrides
})
const postPupil = (payload: unknown, token = own.tokens.coordinator) =>
  app.inject({ method: 'POST', url: '/v1/pupils', headers: bearer(token), payload: payload as Record<string, unknown> })

const providerBody = (overrides: Record<string, unknown> = {}) => ({
  name: 'Riverside Tuition',
  laCode: own.laCode,
  registrationStatus: 'UNREGISTERED',
  settingType: 'OOT',
  tiers: [{ tier: 2, places: 5 }],
  ...overrides
})
const postProvider = (payload: unknown) =>
  app.inject({
    method: 'POST',
    url: '/v1/providers',
    headers: bearer(own.tokens.la_admin),
    payload: payload as Record<string, unknown>
  })

t.test('UPN with a wrong check letter → 400 naming /upn (upn_check_letter)', async (t) => {
  await writesNothing(t, db, ['pupil'], async () => {
    const body = problem(t, await postPupil(pupilBody({ upn: 'A801200005001' })), 400, 'validation_failed')
    namesField(t, body, '/upn', 'upn_check_letter')
  })
})

t.test('the same UPN with its right check letter is accepted (control for the case above)', async (t) => {
  const res = await postPupil(pupilBody({ upn: 'B801200005001' }))
  t.equal(res.statusCode, 201)
})

t.test('UPN with a forbidden letter I, O or S → 400 naming /upn', async (t) => {
  for (const upn of ['I801200005001', 'O801200005001', 'S801200005001', 'B80120000500S']) {
    await t.test(upn, async (t) => {
      await writesNothing(t, db, ['pupil'], async () => {
        const body = problem(t, await postPupil(pupilBody({ upn })), 400, 'validation_failed')
        namesField(t, body, '/upn')
      })
    })
  }
})

t.test('ULN with a wrong check digit → 400 naming /uln', async (t) => {
  await writesNothing(t, db, ['pupil'], async () => {
    const body = problem(
      t,
      await postPupil(pupilBody({ upn: upnFor(501), uln: '1000000042' })),
      400,
      'validation_failed'
    )
    namesField(t, body, '/uln', 'uln_check_digit')
  })
})

t.test('provider with two identifiers (urn and ukprn) → 400', async (t) => {
  await writesNothing(t, db, ['provider', 'provider_tier'], async () => {
    const body = problem(
      t,
      await postProvider(
        providerBody({
          registrationStatus: 'STATE_FUNDED_AP_SCHOOL',
          settingType: undefined,
          urn: '700001',
          ukprn: '10012345'
        })
      ),
      400,
      'validation_failed'
    )
    namesField(t, body, '/', 'provider_identifier')
  })
})

t.test('provider with no identifier → 400', async (t) => {
  await writesNothing(t, db, ['provider', 'provider_tier'], async () => {
    const body = problem(t, await postProvider(providerBody({ settingType: undefined })), 400, 'validation_failed')
    namesField(t, body, '/', 'provider_identifier')
  })
})

t.test('unknown field in a body → 400 naming /thatField (additionalProperties)', async (t) => {
  await writesNothing(t, db, ['pupil'], async () => {
    const body = problem(t, await postPupil(pupilBody({ upn: upnFor(502), thatField: 'x' })), 400, 'validation_failed')
    namesField(t, body, '/thatField', 'additionalProperties')
  })
  await writesNothing(t, db, ['provider'], async () => {
    const body = problem(t, await postProvider(providerBody({ thatField: 1 })), 400)
    namesField(t, body, '/thatField', 'additionalProperties')
  })
})

t.test('a body field of the wrong JSON type → 400: bodies are not coerced', async (t) => {
  await writesNothing(t, db, ['pupil'], async () => {
    namesField(
      t,
      problem(t, await postPupil(pupilBody({ upn: upnFor(503), legalForename: 5 })), 400, 'validation_failed'),
      '/legalForename',
      'type'
    )
    namesField(
      t,
      problem(t, await postPupil(pupilBody({ upn: upnFor(504), fsmEligible: 'true' })), 400, 'validation_failed'),
      '/fsmEligible',
      'type'
    )
  })
  const paged = await app.inject({
    method: 'GET',
    url: '/v1/pupils?page=1&pageSize=2',
    headers: bearer(own.tokens.coordinator)
  })
  t.equal(paged.statusCode, 200, 'query strings are still read as numbers')
  t.equal(paged.json().paging.pageSize, 2)
})

t.test('malformed JSON → 400 malformed_json', async (t) => {
  await writesNothing(t, db, ['pupil'], async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/pupils',
      headers: { ...bearer(own.tokens.coordinator), 'content-type': 'application/json' },
      payload: `{"upn": "${upnFor(503)}", "legalForename": `
    })
    const body = problem(t, res, 400, 'malformed_json')
    t.equal(body.errors[0]?.code, 'malformed_json')
  })
})

t.test('body over the limit → 413', async (t) => {
  const big = pupilBody({ upn: upnFor(504), legalForename: 'x'.repeat(3000) })
  await writesNothing(t, db, ['pupil'], async () => {
    problem(
      t,
      await small.app.inject({
        method: 'POST',
        url: '/v1/pupils',
        headers: bearer(own.tokens.coordinator),
        payload: big
      }),
      413,
      'payload_too_large'
    )
  })
  // the same app accepts a body under the limit, so the 413 is about size alone
  const ok = await small.app.inject({
    method: 'POST',
    url: '/v1/pupils',
    headers: bearer(own.tokens.coordinator),
    payload: pupilBody({ upn: upnFor(504) })
  })
  t.equal(ok.statusCode, 201)
})

t.test('wrong content type (text/plain) → 415', async (t) => {
  await writesNothing(t, db, ['pupil'], async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/pupils',
      headers: { ...bearer(own.tokens.coordinator), 'content-type': 'text/plain' },
      payload: JSON.stringify(pupilBody({ upn: upnFor(505) }))
    })
    problem(t, res, 415, 'unsupported_media_type')
  })
})

t.test('missing, revoked and expired tokens → 401 with WWW-Authenticate', async (t) => {
  const pupilCount = await countRows(db, 'pupil')
  await t.test('missing token', async (t) => {
    await writesNothing(t, db, ['pupil'], async () => {
      const res = await app.inject({ method: 'POST', url: '/v1/pupils', payload: pupilBody({ upn: upnFor(506) }) })
      problem(t, res, 401, 'unauthorized')
      t.match(String(res.headers['www-authenticate']), /^Bearer/)
    })
    const res = await app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: 'Basic dXNlcjpwYXNz' } })
    problem(t, res, 401, 'unauthorized')
    t.match(String(res.headers['www-authenticate']), /^Bearer/)
  })

  await t.test('revoked token', async (t) => {
    const issued = await app.inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: bearer(own.tokens.la_admin),
      payload: { label: 'soon revoked', role: 'coordinator' }
    })
    t.equal(issued.statusCode, 201)
    const { id, token } = issued.json() as { id: string; token: string }
    t.equal(
      (await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(token) })).statusCode,
      200,
      'works before revocation'
    )
    const revoked = await app.inject({
      method: 'DELETE',
      url: `/v1/tokens/${id}`,
      headers: bearer(own.tokens.la_admin)
    })
    t.equal(revoked.statusCode, 200)
    t.equal(revoked.json().status, 'revoked')
    await writesNothing(t, db, ['pupil'], async () => {
      const res = await postPupil(pupilBody({ upn: upnFor(507) }), token)
      problem(t, res, 401, 'unauthorized')
      t.match(String(res.headers['www-authenticate']), /^Bearer/)
    })
  })

  await t.test('revoked token with a verifier cache (revocation clears it at once)', async (t) => {
    const issued = await cached.app.inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: bearer(own.tokens.la_admin),
      payload: { label: 'cached then revoked', role: 'coordinator' }
    })
    const { id, token } = issued.json() as { id: string; token: string }
    t.equal(
      (await cached.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(token) })).statusCode,
      200,
      'verified and cached'
    )
    t.equal(
      (await cached.app.inject({ method: 'DELETE', url: `/v1/tokens/${id}`, headers: bearer(own.tokens.la_admin) }))
        .statusCode,
      200
    )
    problem(t, await cached.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(token) }), 401, 'unauthorized')
  })

  await t.test('expired token (issued with a past expiry)', async (t) => {
    const { token } = await issueToken(db, {
      role: 'coordinator',
      laCode: own.laCode,
      label: 'expired',
      createdBy: 'test',
      expiresAt: DateTime.utc().minus({ days: 1 }).toJSDate()
    })
    await writesNothing(t, db, ['pupil'], async () => {
      const res = await postPupil(pupilBody({ upn: upnFor(508) }), token)
      problem(t, res, 401, 'unauthorized')
      t.match(String(res.headers['www-authenticate']), /^Bearer/)
    })
  })

  await t.test('token expired after issue (expires_at moved into the past)', async (t) => {
    const { token, row } = await issueToken(db, {
      role: 'school',
      laCode: own.laCode,
      schoolId: own.schoolId,
      label: 'expiring',
      createdBy: 'test',
      expiresAt: DateTime.utc().plus({ days: 1 }).toJSDate()
    })
    t.equal(
      (await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(token) })).statusCode,
      200,
      'works while valid'
    )
    await db
      .updateTable('api_token')
      .set({ expires_at: DateTime.utc().minus({ minutes: 1 }).toJSDate() })
      .where('id', '=', row.id)
      .execute()
    await writesNothing(t, db, ['pupil'], async () => {
      const res = await app.inject({ method: 'GET', url: '/v1/pupils', headers: bearer(token) })
      problem(t, res, 401, 'unauthorized')
      t.match(String(res.headers['www-authenticate']), /^Bearer/)
    })
  })

  await t.test('a token that is not one of ours', async (t) => {
    const res = await app.inject({ method: 'GET', url: '/v1/pupils', headers: bearer(`apt_${'A'.repeat(43)}`) })
    problem(t, res, 401, 'unauthorized')
  })

  t.equal(await countRows(db, 'pupil'), pupilCount, 'no pupil written by any unauthenticated request')
})

t.test("another organisation's record → 404, as if it did not exist", async (t) => {
  const theirs = await insertPupil(db, other, 600)
  const mine = await insertPupil(db, own, 601)

  await t.test('pupil of the other LA: coordinator, school and provider', async (t) => {
    for (const role of ['coordinator', 'school', 'provider'] as const) {
      await writesNothing(t, db, ['pupil'], async () => {
        const res = await app.inject({
          method: 'GET',
          url: `/v1/pupils/${theirs.id}`,
          headers: bearer(own.tokens[role])
        })
        problem(t, res, 404, 'pupil_not_found')
      })
    }
    // the other LA's own coordinator does see it, so the 404 above is about scope
    t.equal(
      (await app.inject({ method: 'GET', url: `/v1/pupils/${theirs.id}`, headers: bearer(other.tokens.coordinator) }))
        .statusCode,
      200
    )
  })

  await t.test('a pupil that does not exist answers the same as one out of scope', async (t) => {
    const missing = await app.inject({
      method: 'GET',
      url: '/v1/pupils/987654321',
      headers: bearer(own.tokens.coordinator)
    })
    const outOfScope = await app.inject({
      method: 'GET',
      url: `/v1/pupils/${theirs.id}`,
      headers: bearer(own.tokens.coordinator)
    })
    t.equal(missing.statusCode, 404)
    t.equal(outOfScope.statusCode, 404)
    t.equal(missing.json().code, outOfScope.json().code)
    t.equal(missing.json().detail, outOfScope.json().detail)
  })

  await t.test("PATCH of the other LA's pupil → 404, nothing changed", async (t) => {
    await writesNothing(t, db, ['pupil'], async () => {
      const res = await app.inject({
        method: 'PATCH',
        url: `/v1/pupils/${theirs.id}`,
        headers: { ...bearer(own.tokens.coordinator), 'if-match': '"1"' },
        payload: { legalForename: 'Hijack' }
      })
      problem(t, res, 404, 'pupil_not_found')
    })
    const row = await db
      .selectFrom('pupil')
      .select(['legal_forename', 'version'])
      .where('id', '=', theirs.id)
      .executeTakeFirstOrThrow()
    t.same(row, { legal_forename: theirs.legal_forename, version: 1 })
  })

  await t.test('a pupil of another school in the same LA is not visible to a school', async (t) => {
    const school2 = await db
      .insertInto('school')
      .values({
        urn: '710001',
        laestab: `${own.laCode}7101`,
        name: 'Second School',
        la_code: own.laCode,
        phase: 'PRIMARY',
        type: 'ACADEMY'
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const elsewhere = await insertPupil(db, { ...own, schoolId: school2.id }, 602)
    await writesNothing(t, db, ['pupil'], async () => {
      problem(
        t,
        await app.inject({ method: 'GET', url: `/v1/pupils/${elsewhere.id}`, headers: bearer(own.tokens.school) }),
        404,
        'pupil_not_found'
      )
    })
    t.equal(
      (await app.inject({ method: 'GET', url: `/v1/pupils/${mine.id}`, headers: bearer(own.tokens.school) }))
        .statusCode,
      200,
      'its own pupil is visible'
    )
  })

  await t.test('school and provider of the other LA', async (t) => {
    for (const role of ['la_admin', 'coordinator', 'analyst', 'school', 'provider'] as const) {
      problem(
        t,
        await app.inject({ method: 'GET', url: `/v1/schools/${other.schoolId}`, headers: bearer(own.tokens[role]) }),
        404,
        'school_not_found'
      )
      problem(
        t,
        await app.inject({
          method: 'GET',
          url: `/v1/providers/${other.providerId}`,
          headers: bearer(own.tokens[role])
        }),
        404,
        'provider_not_found'
      )
    }
    await writesNothing(t, db, ['school', 'provider'], async () => {
      problem(
        t,
        await app.inject({
          method: 'PATCH',
          url: `/v1/schools/${other.schoolId}`,
          headers: { ...bearer(own.tokens.la_admin), 'if-match': '"1"' },
          payload: { name: 'Renamed' }
        }),
        404,
        'school_not_found'
      )
      problem(
        t,
        await app.inject({
          method: 'PATCH',
          url: `/v1/providers/${other.providerId}`,
          headers: { ...bearer(own.tokens.la_admin), 'if-match': '"1"' },
          payload: { name: 'Renamed' }
        }),
        404,
        'provider_not_found'
      )
    })
    const school = await db
      .selectFrom('school')
      .select(['name', 'version'])
      .where('id', '=', other.schoolId)
      .executeTakeFirstOrThrow()
    t.equal(school.version, 1, "the other LA's school is unchanged")
  })
})

t.test('PATCH without If-Match → 428, with a stale one → 412; nothing changed', async (t) => {
  const pupil = await insertPupil(db, own, 610)
  const url = `/v1/pupils/${pupil.id}`
  await writesNothing(t, db, ['pupil'], async () => {
    problem(
      t,
      await app.inject({
        method: 'PATCH',
        url,
        headers: bearer(own.tokens.coordinator),
        payload: { legalForename: 'Changed' }
      }),
      428,
      'precondition_required'
    )
  })
  // move the pupil on to version 2, so "1" is stale
  const ok = await app.inject({
    method: 'PATCH',
    url,
    headers: { ...bearer(own.tokens.coordinator), 'if-match': '"1"' },
    payload: { preferredForename: 'Jo' }
  })
  t.equal(ok.statusCode, 200)
  t.equal(ok.headers.etag, '"2"')
  await writesNothing(t, db, ['pupil'], async () => {
    problem(
      t,
      await app.inject({
        method: 'PATCH',
        url,
        headers: { ...bearer(own.tokens.coordinator), 'if-match': '"1"' },
        payload: { legalForename: 'Changed' }
      }),
      412,
      'precondition_failed'
    )
    problem(
      t,
      await app.inject({
        method: 'PATCH',
        url,
        headers: { ...bearer(own.tokens.coordinator), 'if-match': 'not-an-etag' },
        payload: { legalForename: 'Changed' }
      }),
      412,
      'precondition_failed'
    )
  })
  const row = await db
    .selectFrom('pupil')
    .select(['legal_forename', 'preferred_forename', 'version'])
    .where('id', '=', pupil.id)
    .executeTakeFirstOrThrow()
  t.same(row, { legal_forename: pupil.legal_forename, preferred_forename: 'Jo', version: 2 })

  await t.test('the same on schools, providers and the LA policy', async (t) => {
    const h = bearer(own.tokens.la_admin)
    await writesNothing(t, db, ['school', 'provider', 'la_policy'], async () => {
      problem(
        t,
        await app.inject({ method: 'PATCH', url: `/v1/schools/${own.schoolId}`, headers: h, payload: { name: 'X' } }),
        428
      )
      problem(
        t,
        await app.inject({
          method: 'PATCH',
          url: `/v1/schools/${own.schoolId}`,
          headers: { ...h, 'if-match': '"9"' },
          payload: { name: 'X' }
        }),
        412
      )
      problem(
        t,
        await app.inject({
          method: 'PATCH',
          url: `/v1/providers/${own.providerId}`,
          headers: h,
          payload: { name: 'X' }
        }),
        428
      )
      problem(
        t,
        await app.inject({
          method: 'PATCH',
          url: `/v1/providers/${own.providerId}`,
          headers: { ...h, 'if-match': '"9"' },
          payload: { name: 'X' }
        }),
        412
      )
    })
    const school = await db
      .selectFrom('school')
      .select(['name', 'version'])
      .where('id', '=', own.schoolId)
      .executeTakeFirstOrThrow()
    t.equal(school.version, 1)
    t.not(school.name, 'X')
  })
})

t.test('duplicate UPN → 409 naming /upn', async (t) => {
  const existing = await insertPupil(db, own, 620)
  await writesNothing(t, db, ['pupil'], async () => {
    const body = problem(t, await postPupil(pupilBody({ upn: existing.upn })), 409, 'already_exists')
    namesField(t, body, '/upn', 'unique')
  })
  // also when the duplicate belongs to another LA (the UPN is national), without revealing the record
  const theirs = await insertPupil(db, other, 621)
  await writesNothing(t, db, ['pupil'], async () => {
    const body = problem(t, await postPupil(pupilBody({ upn: theirs.upn })), 409, 'already_exists')
    namesField(t, body, '/upn')
    t.notMatch(JSON.stringify(body), theirs.legal_surname, 'the other record is not disclosed')
  })
  // and on update: changing a pupil's UPN to one already taken
  const mine = await insertPupil(db, own, 622)
  await writesNothing(t, db, ['pupil'], async () => {
    const body = problem(
      t,
      await app.inject({
        method: 'PATCH',
        url: `/v1/pupils/${mine.id}`,
        headers: { ...bearer(own.tokens.coordinator), 'if-match': '"1"' },
        payload: { upn: existing.upn }
      }),
      409,
      'already_exists'
    )
    namesField(t, body, '/upn')
  })
  t.equal(
    (await db.selectFrom('pupil').select('upn').where('id', '=', mine.id).executeTakeFirstOrThrow()).upn,
    mine.upn
  )
})

t.test('dateOfBirth in the future → 400 naming /dateOfBirth', async (t) => {
  await writesNothing(t, db, ['pupil'], async () => {
    const body = problem(
      t,
      await postPupil(pupilBody({ upn: upnFor(630), dateOfBirth: '2026-01-16' })),
      400,
      'validation_failed'
    )
    namesField(t, body, '/dateOfBirth', 'date_in_future')
  })
  await writesNothing(t, db, ['pupil'], async () => {
    const body = problem(
      t,
      await postPupil(pupilBody({ upn: upnFor(631), dateOfBirth: '2012-02-30' })),
      400,
      'validation_failed'
    )
    namesField(t, body, '/dateOfBirth')
  })
})

t.test("LAESTAB not starting with the school's LA code → 400 naming /laestab", async (t) => {
  await writesNothing(t, db, ['school'], async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/schools',
      headers: bearer(own.tokens.la_admin),
      payload: {
        urn: '720001',
        laestab: `${other.laCode}4321`,
        name: 'Misfiled School',
        laCode: own.laCode,
        phase: 'PRIMARY',
        type: 'COMMUNITY'
      }
    })
    namesField(t, problem(t, res, 400, 'validation_failed'), '/laestab', 'laestab_la_mismatch')
  })
})

t.test('provider UNREGISTERED with a URN → 400 naming /urn', async (t) => {
  await writesNothing(t, db, ['provider', 'provider_tier'], async () => {
    const body = problem(
      t,
      await postProvider(providerBody({ settingType: undefined, urn: '730001' })),
      400,
      'validation_failed'
    )
    namesField(t, body, '/urn', 'unregistered_has_urn')
  })
})

t.test('provider QA status without its date → 400 naming /qaDate', async (t) => {
  await writesNothing(t, db, ['provider', 'provider_tier'], async () => {
    const body = problem(t, await postProvider(providerBody({ qaStatus: 'APPROVED' })), 400, 'validation_failed')
    namesField(t, body, '/qaDate', 'qa_date_required')
  })
  // and on PATCH: setting a QA status on a provider that has no QA date
  await writesNothing(t, db, ['provider', 'provider_tier'], async () => {
    const res = await app.inject({
      method: 'PATCH',
      url: `/v1/providers/${own.providerId}`,
      headers: { ...bearer(own.tokens.la_admin), 'if-match': '"1"' },
      payload: { qaStatus: 'APPROVED' }
    })
    namesField(t, problem(t, res, 400, 'validation_failed'), '/qaDate', 'qa_date_required')
  })
  const row = await db
    .selectFrom('provider')
    .select(['qa_status', 'version'])
    .where('id', '=', own.providerId)
    .executeTakeFirstOrThrow()
  t.same(row, { qa_status: 'NOT_ASSESSED', version: 1 })
})

// Issue 11 §2: no input gives a 5xx, and nothing malformed is stored. The generated walker over every operation
// is test/platform/bad-input-generated.test.ts; these are the reported cases, each with a control where it matters.

t.test(
  'NUL or an unpaired surrogate in a string field → 400 naming it, never stored (not even as U+FFFD)',
  async (t) => {
    // JSON text with a `\u0000` or `\ud800` escape parses in JavaScript to exactly those characters.
    const raw = (body: Record<string, unknown>, field: string, escape: string) =>
      JSON.stringify(body).replace(`"${field}":"`, `"${field}":"${escape}`)
    for (const escape of ['\\u0000', '\\ud800', '\\udfff']) {
      await writesNothing(t, db, ['pupil'], async () => {
        const res = await app.inject({
          method: 'POST',
          url: '/v1/pupils',
          headers: { ...bearer(own.tokens.coordinator), 'content-type': 'application/json' },
          payload: raw(pupilBody({ upn: upnFor(700) }), 'legalForename', escape)
        })
        namesField(t, problem(t, res, 400, 'validation_failed'), '/legalForename', 'format')
      })
    }
    t.equal(
      (await postPupil(pupilBody({ upn: upnFor(700), legalForename: 'Zoë 😀' }))).statusCode,
      201,
      'control: accented letters and paired surrogates (emoji) are text'
    )

    await t.test("in objectives stored as JSON (a referral's proposed objectives)", async (t) => {
      const pupil = await insertPupil(db, own, 701)
      const referral = {
        pupilId: pupil.id,
        requestedTier: 2,
        legalBasis: 'SCHOOL_COMMISSIONED',
        reasonCode: 'BEH',
        needsSummary: 'Needs',
        interventionsTried: 'Mentoring',
        proposedObjectives: [{ description: 'Attend every session', baseline: '60%', target: '90%' }],
        baselineAttendancePct: 60,
        baselineFrom: '2025-09-01',
        baselineTo: '2025-10-17',
        parentConsultedOn: '2025-10-15',
        pupilViews: 'Willing'
      }
      const post = (payload: string) =>
        app.inject({
          method: 'POST',
          url: '/v1/referrals',
          headers: { ...bearer(own.tokens.school), 'content-type': 'application/json' },
          payload
        })
      for (const escape of ['\\u0000', '\\ud800']) {
        await writesNothing(t, db, ['referral'], async () => {
          const body = problem(t, await post(raw(referral, 'description', escape)), 400, 'validation_failed')
          namesField(t, body, '/proposedObjectives/0/description', 'format')
          t.equal(body.errors.length, 1, 'the only fault in the body')
        })
      }
    })
  }
)

t.test('numbers beyond their range or not in decimal, in query strings → 400 naming the parameter', async (t) => {
  const h = bearer(own.tokens.coordinator)
  const cases: [string, string][] = [
    ['/v1/pupils?page=Infinity', 'page'],
    [`/v1/pupils?pageSize=${'9'.repeat(8000)}`, 'pageSize'],
    ['/v1/pupils?pageSize=0x10', 'pageSize'],
    ['/v1/pupils?pageSize=1e1', 'pageSize'],
    ['/v1/providers?tier=Infinity', 'tier'],
    ['/v1/worklist?withinSchoolDays=Infinity', 'withinSchoolDays'],
    [`/v1/schools/${own.schoolId}/school-days/offset?from=2025-10-17&days=Infinity`, 'days']
  ]
  for (const [url, name] of cases) {
    await writesNothing(t, db, ['pupil'], async () => {
      namesField(
        t,
        problem(t, await app.inject({ method: 'GET', url, headers: h }), 400, 'validation_failed'),
        `/querystring/${name}`
      )
    })
  }
  t.equal(
    (await app.inject({ method: 'GET', url: '/v1/pupils?pageSize=016', headers: h })).json().paging.pageSize,
    16,
    'control: decimal digits, even with a leading zero'
  )
})

t.test('If-Match beyond the version range → 412 naming the header; nothing changed', async (t) => {
  const pupil = await insertPupil(db, own, 702)
  for (const etag of ['"2147483648"', '"9999999999"']) {
    await writesNothing(t, db, ['pupil', 'term_calendar'], async () => {
      const res = await app.inject({
        method: 'PATCH',
        url: `/v1/pupils/${pupil.id}`,
        headers: { ...bearer(own.tokens.coordinator), 'if-match': etag },
        payload: { legalForename: 'Changed' }
      })
      namesField(t, problem(t, res, 412, 'precondition_failed'), '/headers/if-match', 'etag')
      const calendar = await app.inject({
        method: 'PUT',
        url: `/v1/schools/${own.schoolId}/calendars/2025-26`,
        headers: { ...bearer(own.tokens.la_admin), 'if-match': etag },
        payload: { closures: [] }
      })
      namesField(t, problem(t, calendar, 412, 'precondition_failed'), '/headers/if-match', 'etag')
    })
  }
  t.equal(
    (await db.selectFrom('pupil').select('version').where('id', '=', pupil.id).executeTakeFirstOrThrow()).version,
    1
  )
})

t.test('a malformed academic year in a path (0000-01) → 400 naming /params/academicYear', async (t) => {
  for (const year of ['0000-01', '1899-00', '2025-27']) {
    namesField(
      t,
      problem(
        t,
        await app.inject({
          method: 'GET',
          url: `/v1/schools/${own.schoolId}/calendars/${year}`,
          headers: bearer(own.tokens.coordinator)
        }),
        400
      ),
      '/params/academicYear'
    )
  }
  t.equal(
    (
      await app.inject({
        method: 'GET',
        url: `/v1/schools/${own.schoolId}/calendars/2025-26`,
        headers: bearer(own.tokens.coordinator)
      })
    ).statusCode,
    200,
    'control'
  )
})

t.test('unknown query parameters → 400 naming /querystring/<name>, with or without a query schema', async (t) => {
  const h = bearer(own.tokens.coordinator)
  for (const url of ['/v1/pupils?thatParam=1', '/v1/me?thatParam=1', `/v1/pupils/${own.schoolId}?thatParam=1`]) {
    namesField(
      t,
      problem(t, await app.inject({ method: 'GET', url, headers: h }), 400, 'validation_failed'),
      '/querystring/thatParam',
      'additionalProperties'
    )
  }
  await writesNothing(t, db, ['pupil'], async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/pupils?dryRun=true',
      headers: bearer(own.tokens.coordinator),
      payload: pupilBody({ upn: upnFor(703) })
    })
    namesField(t, problem(t, res, 400, 'validation_failed'), '/querystring/dryRun')
  })
})

t.test('router-level errors → problem+json with the security headers, never echoing the URL', async (t) => {
  const h = { ...bearer(own.tokens.coordinator), 'x-request-id': 'router-check-1' }
  const cases: [string, number, string][] = [
    ['/v1/pupils/%zz', 400, 'bad_url'],
    ['/v1/pupils/%E0%A4%A', 400, 'bad_url'],
    [`/v1/pupils/${'7'.repeat(3000)}`, 414, 'uri_too_long'],
    ['/v1/no-such-thing-here', 404, 'route_not_found']
  ]
  for (const [url, status, code] of cases) {
    const res = await app.inject({ method: 'GET', url, headers: h })
    const body = problem(t, res, status, code)
    t.equal(res.headers['x-content-type-options'], 'nosniff', `${code}: helmet headers`)
    t.ok(res.headers['content-security-policy'], `${code}: content-security-policy`)
    t.equal(res.headers['x-request-id'], 'router-check-1', `${code}: the request id`)
    t.equal(body.instance, 'router-check-1')
    for (const part of ['%zz', '%E0', '7777777777', 'no-such-thing', '/v1/'])
      t.notOk(res.body.includes(part), `${code}: ${part} not echoed`)
  }
})

t.test('an oversize attendance body over a real socket → a complete, readable 413', async (t) => {
  const { default: http } = await import('node:http')
  const { app: served } = await buildTestApp(t, { db, clock })
  const address = await served.listen({ port: 0, host: '127.0.0.1' })
  const size = 9 * 1024 * 1024 // the route takes 8 MB
  const send = (headers: Record<string, string>) =>
    new Promise<{ status?: number; type?: string; body: string; error?: string }>((resolve) => {
      const req = http.request(
        new URL('/v1/attendance/marks', address),
        {
          method: 'POST',
          agent: false,
          headers: { ...bearer(own.tokens.provider), 'content-type': 'application/json', ...headers }
        },
        (res) => {
          let body = ''
          res.setEncoding('utf8')
          res.on('data', (c: string) => {
            body += c
          })
          res.on('end', () => resolve({ status: res.statusCode, type: res.headers['content-type'], body }))
        }
      )
      req.on('error', (err) => resolve({ body: '', error: String(err) }))
      const chunk = Buffer.alloc(256 * 1024, 0x20)
      let written = 0
      const pump = () => {
        while (written < size) {
          written += chunk.length
          if (!req.write(chunk)) {
            req.once('drain', pump)
            return
          }
        }
        req.end()
      }
      req.write('{"marks":[')
      pump()
    })
  await writesNothing(t, db, ['attendance_mark'], async () => {
    for (const headers of [{ 'content-length': String(size + 10) }, { 'transfer-encoding': 'chunked' }] as Record<
      string,
      string
    >[]) {
      const res = await send(headers)
      t.equal(res.error, undefined, `${Object.keys(headers)[0]}: no broken pipe or reset`)
      t.equal(res.status, 413, `${Object.keys(headers)[0]}: 413`)
      t.match(String(res.type), /^application\/problem\+json/)
      t.match(JSON.parse(res.body || '{}'), { code: 'payload_too_large', detail: /8 MB/ })
    }
  })
  await served.close()
})

t.test("errors of Node's HTTP parser → problem+json on the socket, then the connection closes", async (t) => {
  const { connect } = await import('node:net')
  const { app: served } = await buildTestApp(t, { db, clock })
  const address = new URL(await served.listen({ port: 0, host: '127.0.0.1' }))
  const raw = (request: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = connect(Number(address.port), address.hostname)
      let answer = ''
      socket.setEncoding('utf8')
      socket.on('data', (c: string) => {
        answer += c
      })
      socket.on('close', () => resolve(answer))
      socket.on('error', reject)
      socket.write(request)
    })
  const cases: [string, string, number, string][] = [
    [
      'headers over the size limit',
      `GET /v1/pupils HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      431,
      'header_fields_too_large'
    ],
    ['a request that is not HTTP', 'NOT HTTP AT ALL\r\n\r\n', 400, 'bad_request']
  ]
  for (const [what, request, status, code] of cases) {
    const answer = await raw(request)
    const [head = '', body = ''] = answer.split('\r\n\r\n')
    t.match(head, new RegExp(`^HTTP/1\\.1 ${status} `), `${what}: ${status}`)
    t.match(head, /content-type: application\/problem\+json/i, `${what}: problem+json`)
    t.match(head, /cache-control: no-store/i, `${what}: no-store`)
    t.match(head, /x-content-type-options: nosniff/i, `${what}: nosniff`)
    t.match(head, /connection: close/i, `${what}: closes`)
    t.match(JSON.parse(body), { status, code, errors: [] }, `${what}: the problem document`)
    t.notMatch(body, /aaaa/, `${what}: nothing of the request echoed`)
  }
})
