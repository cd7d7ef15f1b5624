import t from 'tap'
import { ContractChecker } from '../fixtures/contract.js'
import { buildTestApp } from '../helper.js'

// Issue 11 §5: the OpenAPI document says what the server does. test/helper.ts installs the checker on every app
// the suite builds, so each request any test sends is checked; this file shows the checker catches a disagreement.

const { app } = await buildTestApp(t)
const checker = new ContractChecker(app.swagger())
const route = '/v1/placements/:id/reviews'
const review = {
  heldOn: '2026-10-15',
  attendees: { school: true, provider: true, la: true, parent: true, pupil: true, others: [] },
  parentViews: 'Pleased',
  pupilViews: 'Happier',
  objectives: [{ objective: 0, progress: 'MET', evidence: 'Attendance 95%' }],
  decision: 'CONTINUE',
  nextReviewOn: '2026-11-26'
}
const exchange = (body: unknown, status: number, errorCodes?: string[]) => ({
  method: 'POST',
  route,
  body,
  params: { id: '7' },
  headers: {},
  query: {},
  status,
  code: status === 400 ? 'validation_failed' : undefined,
  errorCodes
})

t.test('a request the server accepted and the document refuses is a mismatch', async (t) => {
  t.equal(checker.mismatch(exchange(review, 201)), null, 'agreement: accepted and valid')
  const { nextReviewOn: _, ...withoutNext } = review
  const found = checker.mismatch(exchange(withoutNext, 201))
  t.match(
    found,
    /accepted \(201\) a request the OpenAPI document refuses: body must have required property 'nextReviewOn'/
  )
  t.match(checker.mismatch(exchange({ ...review, unknownField: 1 }, 201)), /must NOT have additional properties/)
  t.match(
    checker.mismatch({ ...exchange(review, 200), params: { id: 'abc' } }),
    /params\/id must match pattern/,
    'path parameters are checked too'
  )
})

t.test('a request refused for a schema rule that the document accepts is a mismatch', async (t) => {
  t.match(
    checker.mismatch(exchange(review, 400, ['required'])),
    /refused \(400 validation_failed: required\) a request the OpenAPI document accepts/
  )
  t.equal(
    checker.mismatch(exchange({ ...review, decision: 'SOMETIMES' }, 400, ['enum'])),
    null,
    'agreement: both refuse'
  )
  t.equal(
    checker.mismatch(exchange(review, 400, ['upn_check_letter'])),
    null,
    "a rule no schema states is not the document's to refuse"
  )
  t.equal(checker.mismatch(exchange(review, 422, ['objective_missing'])), null, '422 is a domain rule: not checked')
})

t.test('nextReviewOn: required unless the decision is END, in the document as in the server', async (t) => {
  const { nextReviewOn: _, ...withoutNext } = review
  t.ok(
    checker.refusals(exchange(withoutNext, 0), ['body'])!.length > 0,
    'CONTINUE without nextReviewOn: the document refuses'
  )
  t.same(
    checker.refusals(exchange({ ...withoutNext, decision: 'END' }, 0), ['body']),
    [],
    'END without nextReviewOn: the document accepts'
  )
  const res = await app.inject({
    method: 'POST',
    url: '/v1/placements/7/reviews',
    headers: { authorization: 'Bearer x' },
    payload: withoutNext
  })
  t.equal(
    res.statusCode,
    401,
    'an unauthenticated request is refused before validation (the review rules test covers the 400)'
  )
})
