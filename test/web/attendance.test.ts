import t from 'tap'
import { DateTime } from 'luxon'
import { ZONE } from '../../src/platform/time.js'
import { bearer } from '../helper.js'
import { signedIn, textOf } from '../fixtures/pages.js'
import { acceptedReferral, activePlacement, newPupil, staffordshireWorld, type TestWorld } from '../fixtures/world.js'

const clock = () => DateTime.fromISO('2026-01-20T10:00:00', { zone: ZONE })

/** Two pupils placed with the own LA's provider from 3 November 2025, and the provider signed in. */
async function register(t: Parameters<typeof staffordshireWorld>[0]) {
  const w = await staffordshireWorld(t, clock)
  const placed = []
  for (const forename of ['Jo', 'Sam']) {
    const pupil = await newPupil(w, w.world.own, { preferred_forename: forename })
    const placement = await activePlacement(w, (await acceptedReferral(w, pupil.id, { receivedOn: '2025-10-20' })).id)
    placed.push({ pupil, placement })
  }
  const own = w.world.own
  const provider = await signedIn(w.app, w.db, { role: 'provider', laCode: own.laCode, providerId: own.providerId })
  return { w, placed, provider }
}

const marksOf = async (w: TestWorld, placementId: string) => {
  const res = await w.app.inject({
    url: `/v1/placements/${placementId}/attendance?from=2026-01-19&to=2026-01-23`,
    headers: bearer(w.world.own.tokens.provider)
  })
  return res.json().marks as { date: string; session: string; code: string; reason: string | null }[]
}

t.test(
  'the register: a refused batch stores nothing and says why; a good one saves the week in one request',
  async (t) => {
    const { w, placed, provider } = await register(t)
    const [jo, sam] = placed as [(typeof placed)[0], (typeof placed)[0]]
    // The CSRF token from a light page (a week with no pupils): any page of the session gives a valid one.
    const post = (url: string, form: Record<string, string>) => provider.post(url, form, '/attendance?week=2025-10-20')

    // A refused batch: the error summary at the cell, and nothing stored.
    const reasonId = `r_${sam.pupil.id}_2026-01-20_PM`
    const refused = await post('/attendance?week=2026-01-19', {
      [`m_${jo.pupil.id}_2026-01-19_AM`]: 'PRESENT',
      [`m_${sam.pupil.id}_2026-01-20_PM`]: 'ABSENT_AUTH',
      [reasonId]: '  '
    })
    t.equal(refused.statusCode, 422)
    const problem = textOf(refused.body)
    t.match(problem, 'There is a problem')
    t.match(problem, /Enter reason for the authorised absence, Sam Pupil\d+, Tuesday 20 January PM/)
    t.ok(refused.body.includes(`href="#${reasonId}"`), 'the summary links to the reason box')
    t.match(refused.body, /<title>Error: /)
    t.match(
      refused.body,
      new RegExp(`id="m_${jo.pupil.id}_2026-01-19_AM"[^>]*>[\\s\\S]*?<option value="PRESENT" selected>`),
      'what was typed is shown again'
    )
    t.same(await marksOf(w, jo.placement.id), [], 'nothing stored, not even the good mark')

    const outside = await post('/attendance?week=2025-10-20', {
      [`m_${jo.pupil.id}_2025-10-20_AM`]: 'PRESENT'
    })
    t.equal(outside.statusCode, 422)
    t.match(textOf(outside.body), /Monday 20 October AM: 2025-10-20 is outside the pupil's placement/)
    t.match(textOf(outside.body), 'No pupils were placed with you in the week beginning 20 October 2025')

    const empty = await post('/attendance', {})
    t.equal(empty.statusCode, 400)
    t.match(textOf(empty.body), 'Choose a mark for at least one session')

    const forged = await provider.postWithoutToken('/attendance', { [`m_${jo.pupil.id}_2026-01-19_AM`]: 'PRESENT' })
    t.equal(forged.statusCode, 403)
    t.same(await marksOf(w, jo.placement.id), [], 'still nothing stored')

    const coordinator = await signedIn(w.app, w.db, { role: 'coordinator', laCode: w.world.own.laCode })
    t.equal((await coordinator.get('/attendance')).statusCode, 403, 'the register is the provider’s')

    // The week as the provider sees it, saved in one request.
    const page = await provider.get('/attendance')
    t.equal(page.statusCode, 200)
    const text = textOf(page.body)
    t.match(text, 'Attendance register: week beginning 19 January 2026')
    t.equal((page.body.match(/<h1/g) ?? []).length, 1, 'one h1')
    t.match(text, `Jo Pupil`)
    t.match(text, `Sam Pupil`)
    const mon = `m_${jo.pupil.id}_2026-01-19_AM`
    t.ok(page.body.includes(`id="${mon}"`), 'a select for Monday AM')
    t.match(
      page.body,
      new RegExp(`<label class="govuk-label govuk-visually-hidden" for="${mon}">\\s*Jo Pupil\\d+, Monday 19 January AM`)
    )
    t.notOk(page.body.includes(`id="m_${jo.pupil.id}_2026-01-21_AM"`), 'no select for Wednesday, still to come')
    t.match(text, 'Not yet')
    t.ok(page.body.includes('href="/attendance?week=2026-01-12"'), 'a link to the previous week')
    const holiday = await provider.get('/attendance?week=2025-12-24')
    t.match(textOf(holiday.body), 'Attendance register: week beginning 22 December 2025')
    t.match(textOf(holiday.body), 'Not a school day')
    t.notMatch(holiday.body, /id="m_/, 'no select in the Christmas holiday')
    t.match(textOf(holiday.body), 'There are no sessions to mark in this week.')
    t.notOk(page.body.includes('href="/attendance?week=2026-01-26"'), 'none to a week still to come')

    const saved = await post('/attendance?week=2026-01-21', {
      [mon]: 'PRESENT',
      [`m_${jo.pupil.id}_2026-01-19_PM`]: 'ABSENT_AUTH',
      [`r_${jo.pupil.id}_2026-01-19_PM`]: 'Medical appointment',
      [`r_${jo.pupil.id}_2026-01-19_AM`]: 'ignored: only an authorised absence carries a reason',
      [`m_${sam.pupil.id}_2026-01-20_AM`]: 'LATE',
      [`m_${sam.pupil.id}_2026-01-20_PM`]: ''
    })
    t.equal(saved.statusCode, 303)
    t.equal(saved.headers.location, '/attendance?week=2026-01-19&done=saved')
    t.same(
      (await marksOf(w, jo.placement.id)).map((m) => [m.date, m.session, m.code, m.reason]),
      [
        ['2026-01-19', 'AM', 'PRESENT', null],
        ['2026-01-19', 'PM', 'ABSENT_AUTH', 'Medical appointment']
      ]
    )
    t.same(
      (await marksOf(w, sam.placement.id)).map((m) => [m.date, m.session, m.code]),
      [['2026-01-20', 'AM', 'LATE']]
    )
    const batches = await w.db
      .selectFrom('audit_event')
      .select(['entity_id', 'request_id'])
      .where('actor', '=', 'test:provider')
      .where('entity', '=', 'attendance')
      .where('action', '=', 'update')
      .execute()
    t.same(
      batches.map((b) => b.entity_id).sort(),
      [jo.placement.id, sam.placement.id].sort(),
      'one batch: each placement audited once under the provider'
    )
    t.equal(new Set(batches.map((b) => b.request_id)).size, 1, 'under the page request')

    const again = await provider.get(saved.headers.location as string)
    t.match(textOf(again.body), 'The marks for this week were saved.')
    t.match(again.body, new RegExp(`id="${mon}"[^>]*>[\\s\\S]*?<option value="PRESENT" selected>Present</option>`))
    t.notMatch(
      again.body.slice(again.body.indexOf(`id="${mon}"`), again.body.indexOf(`id="${mon}"`) + 200),
      /Not recorded/,
      'a recorded mark cannot be blanked'
    )
    t.ok(again.body.includes('value="Medical appointment"'), 'the reason is shown again')
  }
)
