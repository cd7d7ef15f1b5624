import t from 'tap'
import { buildTestApp, makeWorld } from '../helper.js'
import { signedIn, textOf } from '../fixtures/pages.js'
import { loadLaCalendar } from '../fixtures/world.js'

t.test("the LA administrator's pages, through the API as the signed-in user", async (t) => {
  const { app, db } = await buildTestApp(t)
  const world = await makeWorld(db)
  const own = world.own
  const admin = await signedIn(app, db, { role: 'la_admin', laCode: own.laCode })
  const count = async (table: 'school' | 'api_token' | 'sign_in_role' | 'provider') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n
    )

  await t.test('organisations lists the LA’s school and provider, not the other LA’s', async (t) => {
    const res = await admin.get('/admin/organisations')
    t.equal(res.statusCode, 200)
    const text = textOf(res.body)
    t.match(text, 'Hertfordshire High School')
    t.match(text, 'Hertfordshire Pupil Referral Unit')
    t.match(text, 'Tier 2: 10 places')
    t.notMatch(text, 'Camden')
    t.ok(res.body.includes('href="/admin/calendars"') && res.body.includes('href="/admin/policy"'))
  })

  await t.test('a school with an invalid URN is refused with the error summary, and nothing is written', async (t) => {
    const before = await count('school')
    const res = await admin.post(
      '/admin/schools/new',
      { name: 'New School', urn: '12345', laestab: '9194999', phase: 'PRIMARY', type: 'COMMUNITY' },
      '/admin/schools/new'
    )
    t.equal(res.statusCode, 400)
    t.match(res.body, 'govuk-error-summary')
    t.match(res.body, 'href="#urn"')
    t.match(textOf(res.body), /Error: Add a school/)
    t.ok(res.body.includes('value="New School"'), 'what was typed is shown again')
    t.equal(await count('school'), before)

    const ok = await admin.post(
      '/admin/schools/new',
      { name: 'New School', urn: '654321', laestab: '9194999', phase: 'PRIMARY', type: 'COMMUNITY' },
      '/admin/schools/new'
    )
    t.equal(ok.statusCode, 303)
    t.equal(ok.headers.location, '/admin/organisations?done=school')
    t.equal(await count('school'), before + 1)
    t.match(textOf((await admin.get('/admin/organisations?done=school')).body), 'School added')
  })

  await t.test('a provider refused for its identifier names the field', async (t) => {
    const before = await count('provider')
    const res = await admin.post(
      '/admin/providers/new',
      { name: 'Tuition Ltd', registrationStatus: 'UNREGISTERED', urn: '', ukprn: '', settingType: '', tier1: '4' },
      '/admin/providers/new'
    )
    t.equal(res.statusCode, 400)
    t.match(res.body, 'href="#identifier"')
    t.equal(await count('provider'), before)
    const ok = await admin.post(
      '/admin/providers/new',
      {
        name: 'Tuition Ltd',
        registrationStatus: 'UNREGISTERED',
        settingType: 'OOT',
        qaStatus: 'NOT_ASSESSED',
        tier2: '3'
      },
      '/admin/providers/new'
    )
    t.equal(ok.statusCode, 303, ok.body)
    t.equal(await count('provider'), before + 1)
  })

  await t.test('issuing a token shows it once; revoking it', async (t) => {
    const res = await admin.post('/admin/tokens', { label: 'MIS export', role: 'school', schoolId: own.schoolId })
    t.equal(res.statusCode, 201)
    const token =
      /id="token"[^>]*value="([^"]+)"/.exec(res.body)?.[1] ?? /value="([^"]+)"[^>]*id="token"/.exec(res.body)?.[1]
    t.ok(token && token.length > 20, 'the token is on the page')
    t.match(textOf(res.body), 'will not be shown again')
    const me = await app.inject({ url: '/v1/me', headers: { authorization: `Bearer ${token}` } })
    t.equal(me.statusCode, 200, 'the token works')
    const list = await admin.get('/admin/tokens')
    t.equal(list.statusCode, 200)
    t.match(textOf(list.body), 'MIS export')
    t.notOk(list.body.includes(token!), 'the list never shows the secret')
    const row = await db
      .selectFrom('api_token')
      .select('id')
      .where('label', '=', 'MIS export')
      .executeTakeFirstOrThrow()
    const revoked = await admin.post(`/admin/tokens/${row.id}/revoke`, {}, '/admin/tokens')
    t.equal(revoked.statusCode, 303)
    t.equal(revoked.headers.location, '/admin/tokens?done=revoked')
    const after = await app.inject({ url: '/v1/me', headers: { authorization: `Bearer ${token}` } })
    t.equal(after.statusCode, 401, 'the revoked token no longer works')
    t.match(textOf((await admin.get('/admin/tokens?done=revoked')).body), 'Token revoked')

    const refused = await admin.post('/admin/tokens', { label: '', role: 'provider' })
    t.equal(refused.statusCode, 400)
    t.match(refused.body, 'govuk-error-summary')
  })

  await t.test('CSRF token missing: 403 and nothing written', async (t) => {
    const before = await count('api_token')
    const res = await admin.postWithoutToken('/admin/tokens', { label: 'No token', role: 'analyst' })
    t.equal(res.statusCode, 403)
    t.equal(await count('api_token'), before)
  })

  await t.test('the audit search renders the trail', async (t) => {
    const res = await admin.get(`/admin/audit?actor=${encodeURIComponent('test:la_admin')}`)
    t.equal(res.statusCode, 200)
    t.match(res.body, 'id="audit"')
    t.match(textOf(res.body), /Create\s+api_token/)
    const bad = await admin.get('/admin/audit?from=yesterday')
    t.equal(bad.statusCode, 400)
    t.match(bad.body, 'href="#from"')
    t.match(textOf(bad.body), 'From must be a real date')
  })

  await t.test('calendar (none loaded) and policy, and a policy change', async (t) => {
    const cal = await admin.get('/admin/calendars?academicYear=2025-26')
    t.equal(cal.statusCode, 200)
    t.match(textOf(cal.body), 'No term calendar is loaded for 2025/26')
    const policy = await admin.get('/admin/policy')
    t.equal(policy.statusCode, 200)
    const version = (/name="version" value="([^"]*)"/.exec(policy.body)?.[1] ?? '').replace(/&quot;/g, '"')
    const fields = {
      version,
      reviewIntervalSchoolWeeks: '5',
      firstReviewSchoolDays: '20',
      referralDecisionSchoolDays: '10',
      tier1MaxSchoolWeeks: '26',
      tier2MaxSchoolWeeks: '26',
      tier3MaxSchoolWeeks: '',
      smallNumberThreshold: '5',
      fullTimeThresholdHours: '18',
      sustainedAttendancePct: '90',
      followUpResponseSchoolDays: '10',
      year11ExamsEnd: '08-01'
    }
    const refused = await admin.post('/admin/policy', fields)
    t.equal(refused.statusCode, 400)
    t.match(refused.body, 'href="#year11ExamsEnd"')
    t.match(textOf(refused.body), 'must be a month and day from May to July')
    const stale = await admin.post('/admin/policy', { ...fields, year11ExamsEnd: '06-24', version: '"999"' })
    t.equal(stale.statusCode, 412)
    t.match(textOf(stale.body), 'Someone else changed the policy')
    const saved = await admin.post('/admin/policy', { ...fields, year11ExamsEnd: '06-24' })
    t.equal(saved.statusCode, 303)
    t.match(textOf((await admin.get('/admin/policy')).body), /Longest gap between reviews 5 school weeks/)

    await loadLaCalendar({ app, db, world, serial: { next: 1 } }, own)
    const loaded = await admin.get('/admin/calendars?academicYear=2025-26')
    t.match(textOf(loaded.body), /Autumn 1 \d+ September 2025 to/)
    t.match(textOf(loaded.body), 'Calendars loaded for: 2025/26')
  })

  await t.test('sign-in roles: add and remove', async (t) => {
    const before = await count('sign_in_role')
    const mismatch = await admin.post('/admin/sign-in-roles', {
      organisation: `school:${own.schoolId}`,
      email: '',
      role: 'coordinator'
    })
    t.equal(mismatch.statusCode, 422)
    t.match(mismatch.body, 'href="#role"')
    t.equal(await count('sign_in_role'), before)
    const added = await admin.post('/admin/sign-in-roles', {
      organisation: `school:${own.schoolId}`,
      email: 'head@school.example',
      role: 'school'
    })
    t.equal(added.statusCode, 303)
    t.equal(await count('sign_in_role'), before + 1)
    const page = await admin.get('/admin/sign-in-roles?done=added')
    t.match(textOf(page.body), 'head@school.example')
    const row = await db
      .selectFrom('sign_in_role')
      .select('id')
      .where('email', '=', 'head@school.example')
      .executeTakeFirstOrThrow()
    const removed = await admin.post(`/admin/sign-in-roles/${row.id}/remove`, {}, '/admin/sign-in-roles')
    t.equal(removed.statusCode, 303)
    t.equal(await count('sign_in_role'), before)
  })

  await t.test('a coordinator gets 403 on the admin pages', async (t) => {
    const coordinator = await signedIn(app, db, { role: 'coordinator', laCode: own.laCode })
    t.equal((await coordinator.get('/admin/tokens')).statusCode, 403)
  })
})
