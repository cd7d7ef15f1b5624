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

/**
 * Exported functions of a repository that send no SQL, so have nothing to snapshot: `file: { name: reason }`.
 * Anything else a src/**\/*.repository.ts exports as a function needs a case in test/sql/queries.ts.
 */
const SENDS_NO_SQL: Record<string, Record<string, string>> = {
  'src/modules/attendance/attendance.repository.ts': {
    noMarks: 'builds an empty mark tally in memory'
  },
  'src/views/worklist/worklist.repository.ts': {
    referralsInScope: 'decides from the principal and filters whether the worklist holds referrals; takes no db'
  }
}

/** The name of a repository's block in test/sql/queries.ts: the file's name without `.repository.ts`. */
const blockName = (file: string) => file.replace(/^.*\//, '').replace(/\.repository\.ts$/, '')

t.test('every exported function of every src/**/*.repository.ts has a snapshot case', async (t) => {
  const { readdir } = await import('node:fs/promises')
  const { repositories } = await import('./queries.js')
  const root = new URL('../../', import.meta.url)
  const files = (await readdir(new URL('src/', root), { recursive: true }))
    .map((f) => `src/${f.split('\\').join('/')}`)
    .filter((f) => f.endsWith('.repository.ts'))
    .sort()
  t.ok(files.length > 0, 'finds the repositories')
  const names = files.map(blockName)
  t.same(
    names.filter((n, i) => names.indexOf(n) !== i),
    [],
    'no two repository files share a block name'
  )
  const missing: string[] = []
  for (const file of files) {
    const module = (await import(new URL(file, root).href)) as Record<string, unknown>
    const functions = Object.keys(module).filter((k) => typeof module[k] === 'function')
    const skip = SENDS_NO_SQL[file] ?? {}
    for (const name of Object.keys(skip)) {
      if (!functions.includes(name)) missing.push(`${file}: allow-listed ${name} is not an exported function`)
    }
    const block = repositories.find((r) => r.name === blockName(file))
    const covered = new Set(block?.cases.map((c) => c.method))
    for (const name of functions.sort()) {
      if (!(name in skip) && !covered.has(name)) missing.push(`${blockName(file)}.${name} (${file})`)
    }
    for (const name of covered) {
      if (!functions.includes(name)) missing.push(`${blockName(file)}.${name}: ${file} exports no such function`)
    }
  }
  for (const { name } of repositories) {
    if (!names.includes(name)) missing.push(`${name}: no src/**/${name}.repository.ts`)
  }
  t.same(missing, [], missing.length > 0 ? `no case in test/sql/queries.ts for:\n${missing.join('\n')}` : 'all covered')
})
