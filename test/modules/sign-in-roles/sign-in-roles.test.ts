import t from 'tap'
import { bearer, buildTestApp, countRows, insertPupil, makeWorld } from '../../helper.js'

t.test('an LA administrator keeps the sign-in role mappings of its own LA', async (t) => {
  const { app, db } = await buildTestApp(t)
  const world = await makeWorld(db)
  const admin = bearer(world.own.tokens.la_admin)
  const created = await app.inject({
    method: 'POST',
    url: '/v1/sign-in-roles',
    headers: admin,
    payload: {
      orgType: 'local_authority',
      orgId: world.own.laCode,
      email: 'A.Coordinator@Herts.gov.uk',
      role: 'coordinator'
    }
  })
  t.equal(created.statusCode, 201)
  t.match(created.json(), { orgType: 'local_authority', orgName: 'Hertfordshire', email: 'a.coordinator@herts.gov.uk' })
  const school = await app.inject({
    method: 'POST',
    url: '/v1/sign-in-roles',
    headers: admin,
    payload: { orgType: 'school', orgId: world.own.schoolId, role: 'school' }
  })
  t.equal(school.statusCode, 201)
  t.match(school.json(), { orgName: 'Hertfordshire High School', email: null })
  const list = await app.inject({ url: '/v1/sign-in-roles', headers: admin })
  t.equal(list.json().results.length, 2)
  const other = await app.inject({ url: '/v1/sign-in-roles', headers: bearer(world.other.tokens.la_admin) })
  t.same(other.json().results, [], "another LA's administrator sees none of them")

  const before = await countRows(db, 'sign_in_role')
  const refusals = [
    [{ orgType: 'school', orgId: world.own.schoolId, role: 'coordinator' }, 422, '/role'],
    [{ orgType: 'school', orgId: world.other.schoolId, role: 'school' }, 422, '/orgId'],
    [{ orgType: 'local_authority', orgId: world.other.laCode, role: 'analyst' }, 422, '/orgId'],
    [{ orgType: 'school', orgId: world.own.schoolId, role: 'school' }, 409, '/orgId'],
    [{ orgType: 'school', orgId: world.own.schoolId, role: 'school', email: 'not-an-email' }, 400, '/email']
  ] as const
  for (const [payload, status, path] of refusals) {
    const res = await app.inject({ method: 'POST', url: '/v1/sign-in-roles', headers: admin, payload })
    t.equal(res.statusCode, status, JSON.stringify(payload))
    t.equal(res.json().errors[0].path, path)
  }
  t.equal(await countRows(db, 'sign_in_role'), before, 'nothing written by a refusal')

  const id = created.json().id as string
  t.equal(
    (
      await app.inject({
        method: 'DELETE',
        url: `/v1/sign-in-roles/${id}`,
        headers: bearer(world.other.tokens.la_admin)
      })
    ).statusCode,
    404
  )
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/sign-in-roles/${id}`, headers: admin })).statusCode, 204)
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/sign-in-roles/${id}`, headers: admin })).statusCode, 404)
  const audit = await db
    .selectFrom('audit_event')
    .select(['action', 'entity_id'])
    .where('entity', '=', 'sign_in_role')
    .execute()
  t.same(audit.map((a) => a.action).sort(), ['create', 'create', 'revoke'])
})

t.test("opening a pupil's SEND and health detail needs a reason, kept on the audit row", async (t) => {
  const { app, db } = await buildTestApp(t)
  const world = await makeWorld(db)
  const pupil = await insertPupil(db, world.own, 1, { sen_provision: 'E' } as never)
  const school = bearer(world.own.tokens.school)
  const url = `/v1/pupils/${pupil.id}/sensitive-views`
  const noReason = await app.inject({ method: 'POST', url, headers: school, payload: { reason: 'x' } })
  t.equal(noReason.statusCode, 400)
  t.equal(noReason.json().errors[0].path, '/reason')
  const opened = await app.inject({
    method: 'POST',
    url,
    headers: school,
    payload: { reason: 'Preparing the EHC review' }
  })
  t.equal(opened.statusCode, 200)
  t.same(opened.json(), { pupilId: pupil.id, senProvision: 'E', needs: [] })
  const rows = await db
    .selectFrom('audit_event')
    .select(['reason', 'pupil_id', 'action'])
    .where('entity', '=', 'pupil_send_health')
    .execute()
  t.same(rows, [{ reason: 'Preparing the EHC review', pupil_id: pupil.id, action: 'read' }])
  const other = await app.inject({
    method: 'POST',
    url,
    headers: bearer(world.other.tokens.school),
    payload: { reason: 'Curious about it' }
  })
  t.equal(other.statusCode, 404, "another LA's school cannot open it")
})
