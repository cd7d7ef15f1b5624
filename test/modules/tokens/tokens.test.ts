import t from 'tap'
import { hashToken, looksLikeToken, newToken, TokenVerifier } from '../../../src/platform/auth/tokens.js'
import { issueToken } from '../../../src/modules/tokens/tokens.service.js'
import { bearer, buildTestApp, freshDb, makeWorld } from '../../helper.js'

t.test('tokens are random, shaped, and stored only as hashes', async (t) => {
  const a = newToken()
  const b = newToken()
  t.not(a, b)
  t.ok(looksLikeToken(a))
  t.notOk(looksLikeToken('apt_short'))
  const db = await freshDb(t)
  await makeWorld(db)
  const { token, row } = await issueToken(db, {
    role: 'analyst',
    laCode: '919',
    label: 'x',
    createdBy: 'test',
    expiresAt: new Date(Date.now() + 60_000)
  })
  t.equal(row.token_hash, hashToken(token))
  const stored = await db.selectFrom('api_token').selectAll().execute()
  t.notOk(JSON.stringify(stored).includes(token), 'the token itself is nowhere in the table')
})

t.test('the verifier caches, forgets on revocation, and never outlives expiry', async (t) => {
  const db = await freshDb(t)
  await makeWorld(db)
  let now = Date.now()
  const verifier = new TokenVerifier(db, 60_000, () => now)
  const { token, row } = await issueToken(db, {
    role: 'coordinator',
    laCode: '919',
    label: 'x',
    createdBy: 'test',
    expiresAt: new Date(now + 10_000)
  })
  t.match(await verifier.verify(token), {
    role: 'coordinator',
    laCode: '919',
    orgType: 'local_authority',
    subject: `token:${row.id}`
  })
  await db.updateTable('api_token').set({ revoked_at: new Date() }).where('id', '=', row.id).execute()
  t.ok(await verifier.verify(token), 'still cached until forgotten')
  verifier.forget(row.id)
  t.equal(await verifier.verify(token), undefined, 'revoked once forgotten')

  const second = await issueToken(db, {
    role: 'coordinator',
    laCode: '919',
    label: 'y',
    createdBy: 'test',
    expiresAt: new Date(now + 10_000)
  })
  t.ok(await verifier.verify(second.token))
  now += 11_000
  t.equal(await verifier.verify(second.token), undefined, 'expired even though cached')
  t.equal(await verifier.verify('apt_' + 'x'.repeat(43)), undefined, 'unknown token')
})

t.test('issuing and revoking tokens through the API', async (t) => {
  const { app, db } = await buildTestApp(t)
  const world = await makeWorld(db)
  const admin = bearer(world.own.tokens.la_admin)
  const created = await app.inject({
    method: 'POST',
    url: '/v1/tokens',
    headers: admin,
    payload: { label: 'Head of Year 9', role: 'school', schoolId: world.own.schoolId, expiresInDays: 30 }
  })
  t.equal(created.statusCode, 201)
  t.equal(created.headers['cache-control'], 'no-store')
  const issued = created.json()
  t.ok(looksLikeToken(issued.token))
  t.equal(issued.status, 'active')
  const me = await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(issued.token) })
  t.match(me.json(), { role: 'school', organisation: { type: 'school', id: world.own.schoolId, laCode: '919' } })
  const listed = await app.inject({ method: 'GET', url: '/v1/tokens?role=school', headers: admin })
  t.notOk(listed.body.includes(issued.token), 'list never shows secrets')
  t.ok(listed.json().results.some((k: { id: string }) => k.id === issued.id))

  for (const [payload, path] of [
    [{ label: 'x', role: 'school' }, '/schoolId'],
    [{ label: 'x', role: 'provider' }, '/providerId'],
    [{ label: 'x', role: 'analyst', schoolId: world.own.schoolId }, '/schoolId'],
    [{ label: 'x', role: 'provider', providerId: world.other.providerId }, '/providerId']
  ] as const) {
    const bad = await app.inject({ method: 'POST', url: '/v1/tokens', headers: admin, payload })
    t.equal(bad.statusCode, 422, `${JSON.stringify(payload)} refused`)
    t.equal(bad.json().errors[0].path, path)
  }

  const revoked = await app.inject({ method: 'DELETE', url: `/v1/tokens/${issued.id}`, headers: admin })
  t.equal(revoked.statusCode, 200)
  t.equal(revoked.json().status, 'revoked')
  const after = await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(issued.token) })
  t.equal(after.statusCode, 401, 'a revoked token is refused at once')
  const otherLa = await app.inject({
    method: 'DELETE',
    url: `/v1/tokens/${issued.id}`,
    headers: bearer(world.other.tokens.la_admin)
  })
  t.equal(otherLa.statusCode, 404)
})
