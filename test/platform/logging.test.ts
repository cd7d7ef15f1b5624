import { Writable } from 'node:stream'
import t from 'tap'
import { buildApp, logRedactPaths } from '../../src/app.js'
import { defaultConfig } from '../../src/platform/config.js'
import { bearer, freshDb, makeWorld, upnFor } from '../helper.js'

t.test('no UPN, ULN, name or date of birth reaches a log line', async (t) => {
  const lines: string[] = []
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk))
      done()
    }
  })
  const db = await freshDb(t)
  const world = await makeWorld(db)
  const app = await buildApp({
    db,
    config: defaultConfig({ RATE_LIMIT_MAX: 1000, TOKEN_CACHE_MS: 0, MAX_EVENT_LOOP_DELAY_MS: 0 }),
    logger: { level: 'trace', stream, redact: { paths: logRedactPaths, censor: '[redacted]' } }
  })
  t.teardown(() => app.close())

  const upn = upnFor(4242)
  const pupil = {
    upn,
    uln: '1000000043',
    legalForename: 'Zebedee',
    legalSurname: 'Quixotic',
    preferredForename: 'Zeb',
    dateOfBirth: '2011-07-19',
    sex: 'M',
    homeLaCode: '919'
  }
  const headers = bearer(world.own.tokens.school)
  const created = await app.inject({ method: 'POST', url: '/v1/pupils', headers, payload: pupil })
  t.equal(created.statusCode, 201)
  await app.inject({ method: 'POST', url: '/v1/pupils', headers, payload: pupil }) // 409 duplicate
  // A bad check letter:
  await app.inject({ method: 'POST', url: '/v1/pupils', headers, payload: { ...pupil, upn: 'A801200005001' } })
  await app.inject({ method: 'POST', url: '/v1/pupils/search', headers, payload: { upn } })
  await app.inject({ method: 'GET', url: `/v1/pupils/${created.json().id}`, headers })
  await app.inject({
    method: 'PATCH',
    url: `/v1/pupils/${created.json().id}`,
    headers: { ...headers, 'if-match': '"1"' },
    payload: { legalSurname: 'Quixotica' }
  })
  app.log.info(
    { pupil: { upn, dateOfBirth: pupil.dateOfBirth, legalSurname: pupil.legalSurname } },
    'an object carrying pupil fields'
  )

  const text = lines.join('')
  t.ok(lines.length > 10, `${lines.length} log lines captured`)
  t.match(text, /"reqId"/, 'lines carry the request id')
  for (const secret of [upn, 'A801200005001', 'Zebedee', 'Quixotic', '2011-07-19', world.own.tokens.school]) {
    t.notOk(text.includes(secret), `log does not contain ${secret.slice(0, 4)}…`)
  }
  // The ULN is all digits, so look for it as a value of its own, not inside a float such as a response time.
  t.notMatch(text, /(?<![\d.])1000000043(?!\d)/, 'log does not contain the ULN')
  t.match(text, /\[redacted\]/, 'fields on logged objects are censored')
})
