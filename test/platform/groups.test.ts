import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { allTestFiles, filesOf, GROUPS, TEST_ROOT } from '../fixtures/groups.js'

/** The suite's processes (test/fixtures/groups.ts) leave no test file out and run none twice. */

t.test('every test file belongs to exactly one group', async (t) => {
  const owners = new Map<string, string[]>()
  for (const group of Object.keys(GROUPS))
    for (const file of filesOf(group)) owners.set(file, [...(owners.get(file) ?? []), group])
  const files = allTestFiles()
  t.ok(files.length > 50, `finds the suite's files (${files.length})`)
  t.same(
    files.filter((f) => !owners.has(f)),
    [],
    'no file is left out'
  )
  t.same(
    [...owners].filter(([, groups]) => groups.length > 1).map(([f, groups]) => `${f}: ${groups.join(', ')}`),
    [],
    'no file runs twice'
  )
  t.same(
    [...owners.keys()].filter((f) => !files.includes(f)),
    [],
    'every listed file exists'
  )
})

t.test('each group has its runner in test/groups and each runner runs its own group', async (t) => {
  const runners = readdirSync(path.join(TEST_ROOT, 'groups')).filter((f) => f.endsWith('.test.ts'))
  t.same(runners.map((f) => f.replace(/\.test\.ts$/, '')).sort(), Object.keys(GROUPS).sort())
  for (const runner of runners) {
    const source = readFileSync(path.join(TEST_ROOT, 'groups', runner), 'utf8')
    t.match(source, `await runGroup('${runner.replace(/\.test\.ts$/, '')}')`, runner)
  }
})

t.test('tap runs the group runners only', async (t) => {
  const pkg = JSON.parse(readFileSync(path.join(TEST_ROOT, '../package.json'), 'utf8')) as {
    tap: { include: string[] }
  }
  t.same(pkg.tap.include, ['test/groups/*.test.ts'])
})
