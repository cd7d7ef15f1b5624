import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import t from 'tap'

// semver is not a direct dependency: it comes with the lockfile (through several packages), which is enough here.
const semver = createRequire(import.meta.url)('semver') as {
  subset: (sub: string, dom: string) => boolean
  satisfies: (v: string, r: string) => boolean
  validRange: (r: string) => string | null
}

const root = path.resolve(import.meta.dirname, '../..')
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { engines: { node: string } }
const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { engines?: { node?: string } | string[]; optional?: boolean }>
}
const range = pkg.engines.node

t.test("engines.node is a subset of every locked dependency's own engines.node", async (t) => {
  t.ok(semver.validRange(range), `valid range ${range}`)
  t.equal(
    (lock.packages[''] as { engines?: { node?: string } }).engines?.node,
    range,
    'the lockfile records the same range'
  )
  const wider: string[] = []
  let checked = 0
  for (const [name, entry] of Object.entries(lock.packages)) {
    if (name === '' || !entry.engines || Array.isArray(entry.engines) || !entry.engines.node) continue
    checked++
    if (!semver.subset(range, entry.engines.node))
      wider.push(`${name.replace(/^.*node_modules\//, '')} wants ${entry.engines.node}`)
  }
  t.ok(checked > 50, `${checked} packages declare engines.node`)
  t.same(wider, [], 'no dependency excludes a Node version the project claims')
})

t.test("the Dockerfile's Node and the README's list are within engines", async (t) => {
  const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8')
  const majors = [...dockerfile.matchAll(/^FROM node:(\d+)[-\w.]*/gm)].map((m) => m[1]!)
  t.ok(majors.length > 0)
  for (const major of majors)
    t.ok(
      (semver.satisfies(`${major}.99.0`, range) && semver.satisfies(`${major}.0.0`, range)) ||
        semver.subset(`^${major}.0.0`, range),
      `node:${major} is within ${range}`
    )
  t.same(new Set(majors).size, 1, 'one Node version for build and runtime')
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8')
  t.match(readme, new RegExp(`\`${range.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\``), 'README states the same range')
})
