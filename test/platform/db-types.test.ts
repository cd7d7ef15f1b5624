import t from 'tap'
// The drift check itself (the committed src/db/types.ts against the migrations) is .ci/run's db:types:check.
import { allowedValues } from '../../src/bin/db-types.js'

void t.test('a CHECK constraint limiting a column to a list gives its values', async (t) => {
  t.same(allowedValues("CHECK ((status = ANY (ARRAY['OPEN'::text, 'DECLINED'::text, 'MET'::text])))", 'status'), [
    'OPEN',
    'DECLINED',
    'MET'
  ])
  t.same(allowedValues("CHECK ((sex = ANY (ARRAY['F'::bpchar, 'M'::bpchar, 'U'::bpchar])))", 'sex'), ['F', 'M', 'U'])
  t.same(allowedValues("CHECK ((kind = 'INSET'::text))", 'kind'), ['INSET'])
  t.same(allowedValues("CHECK (((code)::text = 'X'::text))", 'code'), ['X'])
  t.same(
    allowedValues(
      "CHECK (((code)::text = ANY ((ARRAY['A'::character varying, 'B''s'::character varying])::text[])))",
      'code'
    ),
    ['A', "B's"]
  )
})

void t.test('any other CHECK constraint narrows nothing', async (t) => {
  for (const definition of [
    "CHECK ((code ~ '^[0-9]{3}$'::text))",
    'CHECK (((tier >= 1) AND (tier <= 3)))',
    "CHECK (((status <> 'DECLINED'::text) OR (decision_reason IS NOT NULL)))",
    "CHECK (((qa_status = 'NOT_ASSESSED'::text) = (qa_date IS NULL)))",
    "CHECK ((status = ANY (ARRAY['A'::text, upper(other)])))"
  ]) {
    t.equal(allowedValues(definition, definition.includes('tier') ? 'tier' : 'status'), null, definition)
  }
  t.equal(allowedValues("CHECK ((status = ANY (ARRAY['A'::text])))", 'other_column'), null, 'only for its own column')
})
