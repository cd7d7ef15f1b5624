/**
 * Run after tap (`npm test`): fails when line coverage falls below the thresholds the project keeps. tap 21 only
 * knows "100% or allow incomplete", so the thresholds live here, read from the json-summary report tap writes to
 * .tap/report/coverage-summary.json (package.json `tap.coverage-report`). Each threshold is the floor the suite
 * has reached: raise it when coverage rises, never lower it to let a change in.
 *
 *   node --import tsx test/coverage-check.ts
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'

const root = path.resolve(import.meta.dirname, '..')
const summaryFile = path.join(root, '.tap/report/coverage-summary.json')

/** Minimum % of lines covered: everything tap measured, and each folder under it (paths from the project root). */
const THRESHOLDS: { scope: string; prefix: string; lines: number }[] = [
  { scope: 'overall', prefix: '', lines: 93 },
  { scope: 'src/domain', prefix: 'src/domain/', lines: 99 }
]

interface Counts {
  total: number
  covered: number
}
type Summary = Record<string, { lines: Counts }>

if (!existsSync(summaryFile)) {
  console.error(`coverage-check: no ${path.relative(root, summaryFile)}; run tap with coverage on first`)
  process.exit(1)
}
const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as Summary
const files = Object.entries(summary).filter(([file]) => file !== 'total')

let failed = false
for (const { scope, prefix, lines } of THRESHOLDS) {
  const inScope = files.filter(([file]) => path.relative(root, path.resolve(root, file)).startsWith(prefix))
  const total = inScope.reduce((n, [, s]) => n + s.lines.total, 0)
  const covered = inScope.reduce((n, [, s]) => n + s.lines.covered, 0)
  const pct = total === 0 ? 0 : (100 * covered) / total
  const ok = total > 0 && pct >= lines
  if (!ok) failed = true
  console.log(
    `# coverage ${ok ? 'ok' : 'BELOW THRESHOLD'}: ${scope} lines ${pct.toFixed(2)}% (${covered}/${total}, ` +
      `${inScope.length} files), at least ${lines}%`
  )
}
process.exit(failed ? 1 : 0)
