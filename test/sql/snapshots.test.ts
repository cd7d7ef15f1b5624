import t from 'tap'
import { sql } from 'kysely'
import { formatSql, recordCase, STALE_HINT, staleSnapshots } from './snapshots.js'

t.test('the committed SQL snapshots match what the repositories compile', async (t) => {
  const problems = await staleSnapshots()
  t.same(problems, [], problems.length > 0 ? `${problems.join('\n')}\n${STALE_HINT}` : 'test/sql/*.sql are current')
})

t.test('the recorder sees every statement and transaction boundary, and answers the rows a case gives', async (t) => {
  const statements = await recordCase({
    method: 'example',
    rows: ({ index }) => (index === 0 ? [{ id: '7' }] : []),
    run: (db) =>
      db.transaction().execute(async (trx) => {
        const row = await trx.selectFrom('school').select('id').executeTakeFirstOrThrow()
        await sql`select ${row.id}`.execute(trx)
        t.same(await trx.selectFrom('pupil').selectAll().execute(), [], 'no rows by default')
      })
  })
  t.same(statements, ['begin', 'select "id" from "school"', 'select $1', 'select * from "pupil"', 'commit'])
})

t.test('the formatter', async (t) => {
  t.equal(
    formatSql('select "a" from "t" where "b" between $1 and $2 and ("c" = $3 or "d" = \'x and from y\') order by "a"'),
    [
      'select "a"',
      'from "t"',
      'where "b" between $1 and $2',
      '  and ("c" = $3 or "d" = \'x and from y\')',
      'order by "a"'
    ].join('\n'),
    'between keeps its and; keywords inside a string or non-query parentheses stay put'
  )
  t.equal(
    formatSql('select count(*) as "n" from "t" where "id" in (select "t_id" from "u" where "x" = $1)'),
    [
      'select count(*) as "n"',
      'from "t"',
      'where "id" in (',
      '  select "t_id"',
      '  from "u"',
      '  where "x" = $1',
      ')'
    ].join('\n'),
    'a subquery indents inside its parentheses'
  )
  const columns = Array.from({ length: 12 }, (_, i) => `"column_number_${i}"`)
  t.equal(
    formatSql(`insert into "t" (${columns.join(', ')}) values (${columns.map((_, i) => `$${i + 1}`).join(', ')})`),
    [
      'insert into "t" (',
      ...columns.map((c, i) => `  ${c}${i < columns.length - 1 ? ',' : ''}`),
      ')',
      `values (${columns.map((_, i) => `$${i + 1}`).join(', ')})`
    ].join('\n'),
    'a line over 120 characters takes one item a line'
  )
  const long = `case ${Array.from({ length: 8 }, (_, i) => `when "t"."c" = $${i + 1} then 'VALUE_${i}'`).join(' ')} end`
  t.equal(
    formatSql(`select "a", ${long} as "k", "b" from "t"`),
    ['select "a",', `  ${long} as "k",`, '  "b"', 'from "t"'].join('\n'),
    'an item over 120 characters that ends in its comma stays on one line'
  )
})
