import { mkdirSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import t, { type Test } from 'tap'
import { at } from '../fixtures/bodies.js'
import { launchChromium, seriousViolations, shootOnFailure } from '../fixtures/browser.js'
import { TEST_ROOT } from '../fixtures/groups.js'
import { freePort, startIssuer } from '../fixtures/oidc.js'
import { loadLaCalendar, type TestWorld } from '../fixtures/world.js'
import { buildApp } from '../../src/app.js'
import { seedDemo } from '../../src/bin/seed.js'
import { systemClock } from '../../src/platform/time.js'
import { buildTestApp, freshDb, insertPupil, makeWorld } from '../helper.js'

/**
 * Each user's journey in a real browser (Debian's Chromium driven by playwright-core), signing in through a real
 * OpenID Connect issuer: a school refers, the coordinator decides, places and activates, the provider records a
 * week of marks, the coordinator holds a review and closes with an outcome, and the analyst sees it in the
 * dashboard. axe-core checks every page on the way (no serious or critical WCAG 2.2 A/AA violation), and no page
 * breaks its Content-Security-Policy. A failing step leaves a screenshot in .tap/screenshots/.
 * With SCREENSHOTS=docs it also writes the README's pictures (docs/screenshots/).
 */

// Thursday 22 January 2026, in Staffordshire's spring term (the LA's calendar loaded below).
const clock = () => at('2026-01-22')
const DOCS = process.env.SCREENSHOTS === 'docs' ? path.join(TEST_ROOT, '..', 'docs', 'screenshots') : undefined

t.test("each user's journey in a real browser, accessible on every page", async (t) => {
  const db = await freshDb(t)
  const world = await makeWorld(db)
  const own = world.own
  const urnOf = async (table: 'school' | 'provider', id: string) =>
    (await db.selectFrom(table).select('urn').where('id', '=', id).executeTakeFirstOrThrow()).urn!
  const laOrg = {
    name: 'Hertfordshire',
    category: { id: '002', name: 'Local Authority' },
    establishmentNumber: own.laCode
  }
  const port = await freePort()
  const appUrl = `http://127.0.0.1:${port}`
  const idp = await startIssuer({
    redirectUri: `${appUrl}/auth/callback`,
    postLogoutRedirectUri: `${appUrl}/signed-out`,
    accounts: {
      'jo.coordinator': {
        email: 'jo.coordinator@herts.gov.uk',
        given_name: 'Jo',
        family_name: 'Coordinator',
        organisation: laOrg
      },
      'sam.analyst': {
        email: 'sam.analyst@herts.gov.uk',
        given_name: 'Sam',
        family_name: 'Analyst',
        organisation: laOrg
      },
      'pat.head': {
        email: 'pat.head@school.sch.uk',
        given_name: 'Pat',
        family_name: 'Head',
        organisation: {
          name: 'Hertfordshire High School',
          category: { id: '001' },
          urn: await urnOf('school', own.schoolId)
        }
      },
      'lee.provider': {
        email: 'lee@pru.sch.uk',
        given_name: 'Lee',
        family_name: 'Manager',
        organisation: {
          name: 'Hertfordshire PRU',
          category: { id: '001' },
          urn: await urnOf('provider', own.providerId)
        }
      }
    }
  })
  t.teardown(idp.close)
  const { app } = await buildTestApp(t, {
    db,
    clock,
    config: {
      PUBLIC_URL: appUrl,
      OIDC_ISSUER: idp.issuer,
      OIDC_CLIENT_ID: idp.clientId,
      OIDC_CLIENT_SECRET: idp.clientSecret,
      SESSION_SECRET: 'a-session-secret-for-the-browser-test-0123456789'
    }
  })
  await app.listen({ host: '127.0.0.1', port })
  const w: TestWorld = { app, db, world, serial: { next: 1 } }
  await loadLaCalendar(w, own)
  const pupil = await insertPupil(db, own, 1, { legal_forename: 'Alex', legal_surname: 'Morgan' })
  await db
    .insertInto('sign_in_role')
    .values([
      {
        la_code: own.laCode,
        org_type: 'local_authority',
        org_id: own.laCode,
        email: 'jo.coordinator@herts.gov.uk',
        role: 'coordinator'
      },
      {
        la_code: own.laCode,
        org_type: 'local_authority',
        org_id: own.laCode,
        email: 'sam.analyst@herts.gov.uk',
        role: 'analyst'
      },
      { la_code: own.laCode, org_type: 'school', org_id: own.schoolId, email: null, role: 'school' },
      { la_code: own.laCode, org_type: 'provider', org_id: own.providerId, email: null, role: 'provider' }
    ])
    .execute()

  const browser = await launchChromium()
  t.teardown(() => browser.close())
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  const page = await context.newPage()
  const cspErrors: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content.Security.Policy|Refused to/i.test(m.text())) cspErrors.push(m.text())
  })
  let step = 'start'
  const checked = new Set<string>()
  /** axe on the page as it is now, once per page path. */
  const audit = async (t: Test) => {
    const key = new URL(page.url()).pathname.replace(/[0-9]+/g, ':id')
    if (checked.has(key)) return
    checked.add(key)
    const violations = await seriousViolations(page)
    t.same(
      violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
      [],
      `axe: no serious or critical violation on ${key}`
    )
  }
  const go = async (t: Test, url: string) => {
    step = url
    await page.goto(new URL(url, appUrl).href)
    await audit(t)
  }
  const submit = async (t: Test, button: string) => {
    step = `${new URL(page.url()).pathname} ${button}`
    await Promise.all([page.waitForURL(() => true), page.getByRole('button', { name: button, exact: true }).click()])
    await page.waitForLoadState()
    await audit(t)
  }
  const signIn = async (t: Test, login: string) => {
    await context.clearCookies()
    await go(t, '/')
    t.match(page.url(), /\/sign-in\?returnTo=/, 'a signed-out visit goes to sign-in')
    await page.getByRole('button', { name: 'Sign in with your organisation' }).click()
    await page.locator('input[name="login"]').fill(login)
    await page.locator('input[name="password"]').fill('any')
    await page.locator('button[type="submit"]').click()
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.waitForURL((url) => url.origin === appUrl)
    await audit(t)
  }
  const date = async (name: string, iso: string) => {
    const [y, m, d] = iso.split('-')
    await page.locator(`[name="${name}-day"]`).fill(String(Number(d)))
    await page.locator(`[name="${name}-month"]`).fill(String(Number(m)))
    await page.locator(`[name="${name}-year"]`).fill(y!)
  }
  const fill = (name: string, value: string) => page.locator(`[name="${name}"]`).fill(value)
  const heading = () => page.locator('h1').first().innerText()
  /** A step of the journey: on a thrown error or a failed assertion, a screenshot of the page it was on. */
  const journeyStep = (name: string, fn: (t: Test) => Promise<void>) =>
    t.test(name, async (t) => {
      try {
        await fn(t)
      } catch (err) {
        t.fail(`${(err as Error).message} (at ${step})`)
      }
      if (!t.passing()) t.comment(`screenshot: ${await shootOnFailure(page, `${name} ${step}`)}`)
    })

  {
    await journeyStep('a school refers its pupil', async (t) => {
      await signIn(t, 'pat.head')
      await go(t, '/referrals/new')
      await submit(t, 'Send referral')
      t.match(
        await page.locator('.govuk-error-summary').innerText(),
        'There is a problem',
        'an empty referral: the summary'
      )
      await page.locator('[name="pupilId"]').selectOption(pupil.id)
      await page.check('input[name="requestedTier"][value="2"]')
      await page.check('input[name="legalBasis"][value="SCHOOL_COMMISSIONED"]')
      await page.locator('[name="reasonCode"]').selectOption('BEH')
      await fill('needsSummary', 'Escalating dysregulation in lessons')
      await fill('interventionsTried', 'Mentoring, reduced timetable, EP assessment')
      await fill('pupilViews', 'Wants a fresh start and smaller classes')
      await fill('objectives-0-description', 'Attend all timetabled sessions')
      await fill('objectives-0-baseline', '62% attendance')
      await fill('objectives-0-target', '90% attendance')
      await date('receivedOn', '2026-01-19')
      await date('parentConsultedOn', '2026-01-15')
      await fill('baselineAttendancePct', '62.5')
      await date('baselineFrom', '2025-09-01')
      await date('baselineTo', '2025-12-19')
      await submit(t, 'Send referral')
      t.match(await page.locator('.govuk-notification-banner').innerText(), /.+/, 'the referral is made')
    })

    const referralUrl = new URL(page.url()).pathname
    await journeyStep('the coordinator accepts it, places the pupil and activates the placement', async (t) => {
      await signIn(t, 'jo.coordinator')
      t.equal(await heading(), 'Worklist', "the coordinator's home is the worklist")
      await go(t, '/referrals')
      await go(t, referralUrl)
      await page.check('input[name="decision"][value="ACCEPT"]')
      await submit(t, 'Record decision')
      await page.getByRole('button', { name: 'Place this pupil' }).click()
      await page.waitForURL(/\/placements\/new/)
      await audit(t)
      await page.locator('[name="providerId"]').selectOption(own.providerId)
      await date('startDate', '2026-01-20')
      await date('plannedEndDate', '2026-03-27')
      await fill('sessionsAtProvider', '8')
      await fill('sessionsAtHomeSchool', '2')
      await page.check('input[name="registration"][value="DUAL_REGISTERED"]')
      await fill('reintegrationPlan', 'Phased return from week 6')
      await fill('readinessCriteria', 'Four weeks at 90% or more')
      await date('laNotifiedOn', '2026-01-20')
      await submit(t, 'Place the pupil')
      t.match(page.url(), /\/placements\/[0-9]+\?done=created/, 'the placement page')
      const placementUrl = new URL(page.url()).pathname
      await go(t, `${placementUrl}/activate`)
      await submit(t, 'Activate the placement')
      t.match(page.url(), /done=activated/)
      t.match(await page.locator('main').innerText(), /active/i)
    })

    const placementUrl = new URL(page.url()).pathname
    await journeyStep('the provider records a week of marks on one page, saved as one request', async (t) => {
      await signIn(t, 'lee.provider')
      await go(t, '/attendance?week=2026-01-19')
      // Up to yesterday: the pupil returns to school today, and a mark on the day of return would block the outcome.
      const selects = page.locator('form select:enabled:not([name*="2026-01-22"])')
      const count = await selects.count()
      t.ok(count >= 1, 'a session to mark')
      for (let i = 0; i < count; i++) await selects.nth(i).selectOption('PRESENT')
      await submit(t, 'Save marks')
      t.match(page.url(), /done=saved/)
      const marks = await db.selectFrom('attendance_mark').select('on_date').execute()
      t.equal(marks.length, count, 'every session marked was stored')
    })

    await journeyStep('the coordinator holds a review and closes the placement with a coded outcome', async (t) => {
      await signIn(t, 'jo.coordinator')
      await go(t, placementUrl)
      await go(t, `${placementUrl}/reviews/new`)
      await date('heldOn', '2026-01-21')
      for (const who of ['school', 'provider', 'la', 'parent', 'pupil'])
        await page.locator(`input[name="attendees"][value="${who}"]`).check()
      await fill('parentViews', 'Pleased with the start')
      await fill('pupilViews', 'Likes the smaller groups')
      await page.locator('input[name="objectives-0-progress"]').first().check()
      await fill('objectives-0-evidence', 'Attended every session this week')
      await page.check('input[name="decision"][value="CONTINUE"]')
      await date('nextReviewOn', '2026-02-04')
      await submit(t, 'Record the review')
      t.match(page.url(), /done=review/)
      await go(t, `${placementUrl}/outcome`)
      await page.check('input[name="code"][value="RETURNED_TO_HOME_SCHOOL_FULL_TIME"]')
      await date('effectiveDate', '2026-01-22')
      await page.locator('[name="receivingSchoolId"]').selectOption(own.schoolId)
      await page.locator('[name="finalReviewId"]').selectOption({ index: 1 })
      await submit(t, 'Close the placement')
      t.match(page.url(), /done=outcome/, await page.locator('.govuk-error-summary, main').first().innerText())
      t.match(await page.locator('main').innerText(), /ended/i)
    })

    await journeyStep('the analyst sees it in the outcomes dashboard, charts with their tables', async (t) => {
      await signIn(t, 'sam.analyst')
      await go(t, '/dashboard?academicYear=2025-26&groupBy=tier')
      t.ok((await page.locator('svg[role="img"]').count()) >= 5, 'a chart for each outcome')
      t.ok((await page.locator('table').count()) >= 5, 'each with its table')
      await go(t, '/compliance')
      await page.getByRole('button', { name: 'Sign out' }).click()
      // The issuer asks whether to end its own session too, then comes back.
      await page.getByRole('button', { name: 'Yes, sign me out' }).click()
      await page.waitForURL(/signed-out/)
      t.equal(await heading(), 'You have signed out')
    })
    t.same(cspErrors, [], 'no page broke its Content-Security-Policy')
  }
})

t.test('the demo: sign in as a demo user of each role; the living LA on its pages', async (t) => {
  const db = await freshDb(t)
  await seedDemo(db, { tokenDays: 1 })
  const { app } = await buildTestApp(t, { db, clock: systemClock })
  const demo = await buildDemoApp(app)
  t.teardown(demo.close)
  const browser = await launchChromium()
  t.teardown(() => browser.close())
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage()
  const signInAs = async (role: string) => {
    await page.context().clearCookies()
    await page.goto(`${demo.url}/sign-in`)
    await page.check(`input[name="role"][value="${role}"]`)
    await page.getByRole('button', { name: 'Sign in', exact: true }).click()
    await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'))
  }
  try {
    await signInAs('coordinator')
    t.equal(new URL(page.url()).pathname, '/worklist')
    t.ok((await page.locator('#worklist tbody tr').count()) > 0, "the living LA's worklist has work in it")
    t.same(await seriousViolations(page), [], 'axe: the worklist with items')
    if (DOCS) {
      mkdirSync(DOCS, { recursive: true })
      await page.screenshot({ path: path.join(DOCS, 'worklist.png'), fullPage: true })
    }
    await page.locator('#worklist tbody a').first().click()
    await page.waitForLoadState()
    t.same(await seriousViolations(page), [], `axe: ${new URL(page.url()).pathname}`)
    for (const url of ['/pupils', '/providers', '/placements']) {
      await page.goto(`${demo.url}${url}`)
      t.same(await seriousViolations(page), [], `axe: ${url}`)
    }
    await page.goto(`${demo.url}/pupils`)
    await page.locator('main table a').first().click()
    await page.waitForLoadState()
    t.same(await seriousViolations(page), [], 'axe: a pupil page with its journey')
    await signInAs('analyst')
    t.equal(new URL(page.url()).pathname, '/dashboard')
    t.same(await seriousViolations(page), [], 'axe: the dashboard')
    // The top of the dashboard: the year, the grouping and the first outcome's chart with its table.
    if (DOCS) {
      const table = await page.locator('main table').first().boundingBox()
      await page.screenshot({
        path: path.join(DOCS, 'dashboard.png'),
        fullPage: true,
        clip: { x: 0, y: 0, width: 1280, height: Math.ceil((table?.y ?? 1200) + (table?.height ?? 200) + 30) }
      })
    }
    await signInAs('la_admin')
    for (const url of [
      '/admin/organisations',
      '/admin/sign-in-roles',
      '/admin/tokens',
      '/admin/audit',
      '/admin/policy'
    ]) {
      await page.goto(`${demo.url}${url}`)
      t.same(await seriousViolations(page), [], `axe: ${url}`)
    }
    await signInAs('provider')
    await page.goto(`${demo.url}/attendance`)
    t.same(await seriousViolations(page), [], 'axe: the register')
  } finally {
    if (!t.passing()) t.comment(`screenshot: ${await shootOnFailure(page, `demo ${new URL(page.url()).pathname}`)}`)
  }
})

/** The same database served with the demo sign-in page, as `npm start` serves the embedded demo. */
async function buildDemoApp(app: {
  db: Parameters<typeof buildApp>[0]['db']
  config: Parameters<typeof buildApp>[0]['config']
}) {
  const demo = await buildApp({ db: app.db, config: app.config, clock: systemClock, demoSignIn: true })
  await demo.listen({ host: '127.0.0.1', port: 0 })
  const { port } = demo.server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, close: () => demo.close() }
}
