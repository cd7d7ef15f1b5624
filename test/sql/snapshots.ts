/**
 * SQL snapshots: every repository method's SQL, compiled by Kysely without a database and committed as
 * test/sql/<repository>.sql, so a change to a query shows in the diff. The methods and their parameters are
 * listed in test/sql/queries.ts; this file records, formats, writes and checks.
 *
 *   npm run sql:write   regenerate test/sql/*.sql
 *   npm run sql:check   exit 1 when a committed snapshot differs from what the code compiles now
 */
import { readdir, readFile, rm, writeFile } from 'node:fs/promises'
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult
} from 'kysely'
import type { DB } from '../../src/db/schema.js'
import { repositories } from './queries.js'

/** Rows the fake database answers a query with; `index` counts the call's queries from 0. */
export type FakeRows = (query: { sql: string; index: number }) => Record<string, unknown>[]

/** One call of one repository method; `variant` tells apart calls of the same method that send other SQL. */
export interface QueryCase {
  method: string
  variant?: string
  /** Rows for the queries the call sends; by default every query answers no rows. */
  rows?: FakeRows
  run: (db: Kysely<DB>) => Promise<unknown>
}

/** One repository: its snapshot is test/sql/<name>.sql. */
export interface RepositoryQueries {
  name: string
  cases: QueryCase[]
}

export const snapshotDir = new URL('./', import.meta.url)

/** What a fake connection saw: compiled statements and transaction boundaries, in order. */
class Recorder {
  readonly statements: string[] = []
  private index = 0
  constructor(private readonly rows: FakeRows | undefined) {}

  answer(query: CompiledQuery): QueryResult<unknown> {
    this.statements.push(query.sql)
    return { rows: this.rows?.({ sql: query.sql, index: this.index++ }) ?? [] }
  }
}

/** A Kysely driver whose connection records each compiled query and answers it, never opening a database. */
class RecordingDriver implements Driver {
  constructor(private readonly recorder: Recorder) {}
  async init() {}
  async acquireConnection(): Promise<DatabaseConnection> {
    const recorder = this.recorder
    return {
      executeQuery: async <R>(query: CompiledQuery) => recorder.answer(query) as QueryResult<R>,
      async *streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
        yield recorder.answer(query) as QueryResult<R>
      }
    }
  }
  async beginTransaction() {
    this.recorder.statements.push('begin')
  }
  async commitTransaction() {
    this.recorder.statements.push('commit')
  }
  async rollbackTransaction() {
    this.recorder.statements.push('rollback')
  }
  async savepoint(_connection: DatabaseConnection, name: string) {
    this.recorder.statements.push(`savepoint ${name}`)
  }
  async rollbackToSavepoint(_connection: DatabaseConnection, name: string) {
    this.recorder.statements.push(`rollback to savepoint ${name}`)
  }
  async releaseSavepoint(_connection: DatabaseConnection, name: string) {
    this.recorder.statements.push(`release savepoint ${name}`)
  }
  async releaseConnection() {}
  async destroy() {}
}

/** Runs one case against a compile-only PostgreSQL Kysely and returns the statements it sent. */
export async function recordCase(c: QueryCase): Promise<string[]> {
  const recorder = new Recorder(c.rows)
  const db = new Kysely<DB>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new RecordingDriver(recorder),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler()
    }
  })
  try {
    await c.run(db)
  } finally {
    await db.destroy()
  }
  return recorder.statements
}

/** Clauses that start a line of their own, longest first where one begins another. */
const CLAUSES = [
  'with recursive',
  'with',
  'select',
  'from',
  'inner join',
  'left join',
  'right join',
  'full join',
  'cross join',
  'join',
  'where',
  'group by',
  'having',
  'window',
  'order by',
  'limit',
  'offset',
  'for update',
  'for no key update',
  'for share',
  'insert into',
  'values',
  'update',
  'set',
  'delete from',
  'using',
  'on conflict',
  'do update set',
  'do nothing',
  'returning',
  'union all',
  'union',
  'intersect',
  'except'
].map((c) => c.split(' '))

interface Token {
  text: string
  /** Whether Kysely wrote a space before it. */
  space: boolean
}

/** Words, quoted identifiers, string literals, parameters and punctuation of one statement. */
function tokens(text: string): Token[] {
  const out: Token[] = []
  const re =
    /(\s*)('(?:[^']|'')*'|"(?:[^"]|"")*"|\$\d+|[A-Za-z_][A-Za-z0-9_$]*|\d+(?:\.\d+)?|[(),;]|[^\sA-Za-z0-9_'"(),;]+)/y
  let at = 0
  while (at < text.length) {
    re.lastIndex = at
    const m = re.exec(text)
    if (m === null) {
      if (/^\s*$/.test(text.slice(at))) break
      throw new Error(`cannot tokenise SQL at: ${text.slice(at)}`)
    }
    out.push({ text: m[2]!, space: m[1] !== '' })
    at = re.lastIndex
  }
  return out
}

/**
 * Formats one statement as Kysely compiled it (on one line): each clause on a line of its own, a subquery
 * indented inside its parentheses, a clause's top-level `and` and `or` on lines of their own, and a line still
 * over 120 characters one list item a line. Deterministic and without options: the same SQL always formats
 * the same.
 */
export function formatSql(text: string): string {
  const t = tokens(text)
  const word = (i: number) => t[i]?.text.toLowerCase()
  const lines: string[] = []
  let line = ''
  let level = 0
  // One frame per open parenthesis: whether it holds a query (then its clauses break and indent), and the level
  // and depth to return to when it closes. `depth` counts the other parentheses open inside the innermost query.
  const frames: { query: boolean; level: number; depth: number }[] = []
  let depth = 0
  let between = false
  const newline = (indent: number) => {
    if (line.trim() !== '') lines.push(line)
    line = '  '.repeat(indent)
  }
  // Spaces as Kysely wrote them, except at the start of a line.
  const push = (tok: string, space: boolean) => {
    line += (line.trim() === '' || !space ? '' : ' ') + tok
  }
  for (let i = 0; i < t.length; i++) {
    const { text: tok, space } = t[i]!
    const lower = tok.toLowerCase()
    if (tok === '(') {
      const next = word(i + 1)
      const query = next === 'select' || next === 'with' || next === 'insert' || next === 'update' || next === 'delete'
      push(tok, space)
      frames.push({ query, level, depth })
      if (query) {
        level += 1
        depth = 0
        newline(level)
      } else depth += 1
      continue
    }
    if (tok === ')') {
      const frame = frames.pop()
      if (frame?.query) {
        level = frame.level
        depth = frame.depth
        newline(level)
      } else depth -= 1
      push(tok, space)
      continue
    }
    if (depth === 0) {
      const clause = CLAUSES.find((words) => words.every((w, k) => word(i + k) === w))
      if (clause) {
        newline(level)
        push(clause.join(' '), space)
        i += clause.length - 1
        continue
      }
      if (lower === 'between') between = true
      else if (lower === 'and' && between) between = false
      else if (lower === 'and' || lower === 'or') {
        newline(level + 1)
        push(lower, space)
        continue
      }
    }
    push(tok, space)
  }
  newline(0)
  return lines.flatMap(wrapLong).join('\n')
}

/**
 * A line over 120 characters breaks after each comma of its shallowest list: a clause's own list keeps its
 * first item on the clause's line; a list in parentheses opens and closes on lines of its own. A comma that ends
 * the line (an item of a list already broken) is no place to break: such a line stays as it is.
 */
function wrapLong(line: string): string[] {
  if (line.length <= 120) return [line]
  const commas: { at: number; depth: number }[] = []
  let depth = 0
  let quote: string | null = null
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!
    if (quote) {
      if (ch === quote) quote = null
    } else if (ch === "'" || ch === '"') quote = ch
    else if (ch === '(') depth += 1
    else if (ch === ')') depth -= 1
    else if (ch === ',' && line.slice(i + 1).trim() !== '') commas.push({ at: i, depth })
  }
  if (commas.length === 0) return [line]
  const shallowest = Math.min(...commas.map((c) => c.depth))
  const cuts = commas.filter((c) => c.depth === shallowest).map((c) => c.at)
  const base = ' '.repeat(line.length - line.trimStart().length)
  let open = -1
  let close = line.length
  if (shallowest > 0) {
    for (let i = cuts[0]!, d = 0; i >= 0; i--) {
      if (line[i] === ')') d += 1
      else if (line[i] === '(' && d-- === 0) {
        open = i
        break
      }
    }
    for (let i = cuts.at(-1)!, d = 0; i < line.length; i++) {
      if (line[i] === '(') d += 1
      else if (line[i] === ')' && d-- === 0) {
        close = i
        break
      }
    }
  }
  const starts = [open + 1, ...cuts.map((c) => c + 1)]
  const out: string[] = open >= 0 ? [line.slice(0, open + 1)] : []
  starts.forEach((from, k) => {
    const item = line.slice(from, starts[k + 1] ?? close).trim()
    out.push(open < 0 && k === 0 ? base + item : `${base}  ${item}`)
  })
  if (open >= 0) out.push(base + line.slice(close))
  return out.flatMap(wrapLong)
}

export const NOTE = '-- Generated by npm run sql:write (test/sql/snapshots.ts) from test/sql/queries.ts: do not edit.'

/** The text of one repository's snapshot. */
export async function snapshot(repo: RepositoryQueries): Promise<string> {
  const seen = new Set<string>()
  const parts: string[] = [NOTE]
  for (const c of repo.cases) {
    const header = `-- ${repo.name}.${c.method}${c.variant ? ` (${c.variant})` : ''}`
    if (seen.has(header)) throw new Error(`test/sql/queries.ts: ${header.slice(3)} is listed twice`)
    seen.add(header)
    const statements = await recordCase(c)
    const body = statements.length === 0 ? '-- (sends no SQL)' : statements.map((s) => formatSql(s) + ';').join('\n\n')
    parts.push(`${header}\n${body}`)
  }
  return parts.join('\n\n') + '\n'
}

/** Every snapshot the listed repositories produce, by file name. */
export async function generateSnapshots(): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  for (const repo of repositories) {
    if (!/^[a-z0-9-]+$/.test(repo.name)) throw new Error(`test/sql/queries.ts: bad repository name ${repo.name}`)
    if (out.has(`${repo.name}.sql`)) throw new Error(`test/sql/queries.ts: ${repo.name} is listed twice`)
    out.set(`${repo.name}.sql`, await snapshot(repo))
  }
  return out
}

async function committedSnapshots(): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  for (const file of (await readdir(snapshotDir)).filter((f) => f.endsWith('.sql')).sort()) {
    out.set(file, await readFile(new URL(file, snapshotDir), 'utf8'))
  }
  return out
}

/** A snapshot's sections by their `repository.method (variant)` header. */
function sections(text: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const part of text.split(/\n\n(?=-- [a-z0-9-]+\.)/)) {
    const [header, ...rest] = part.split('\n')
    if (header?.startsWith('-- ') && header !== NOTE) out.set(header.slice(3), rest.join('\n'))
  }
  return out
}

/** What is stale, one line per snapshot file naming the methods whose SQL changed; empty when all is current. */
export async function staleSnapshots(): Promise<string[]> {
  const [generated, committed] = await Promise.all([generateSnapshots(), committedSnapshots()])
  const problems: string[] = []
  for (const [file, text] of generated) {
    const old = committed.get(file)
    if (old === undefined) {
      problems.push(`test/sql/${file} is missing`)
      continue
    }
    if (old === text) continue
    const before = sections(old)
    const after = sections(text)
    const detail = [
      ...[...after].filter(([k, v]) => before.has(k) && before.get(k) !== v).map(([k]) => `changed ${k}`),
      ...[...after.keys()].filter((k) => !before.has(k)).map((k) => `new ${k}`),
      ...[...before.keys()].filter((k) => !after.has(k)).map((k) => `gone ${k}`)
    ]
    problems.push(`test/sql/${file} is stale${detail.length > 0 ? `: ${detail.join('; ')}` : ''}`)
  }
  for (const file of committed.keys()) {
    if (!generated.has(file)) problems.push(`test/sql/${file} belongs to no repository in test/sql/queries.ts`)
  }
  return problems
}

/** Writes the snapshots that changed and removes those of repositories no longer listed; returns what it did. */
export async function writeSnapshots(): Promise<string[]> {
  const generated = await generateSnapshots()
  const done: string[] = []
  for (const [file, text] of generated) {
    const old = await readFile(new URL(file, snapshotDir), 'utf8').catch(() => undefined)
    if (old === text) continue
    await writeFile(new URL(file, snapshotDir), text)
    done.push(`wrote test/sql/${file}`)
  }
  for (const file of (await readdir(snapshotDir)).filter((f) => f.endsWith('.sql') && !generated.has(f))) {
    await rm(new URL(file, snapshotDir))
    done.push(`removed test/sql/${file}`)
  }
  return done
}

export const STALE_HINT = 'run npm run sql:write, review the change with git diff test/sql, and commit it'

const USAGE = `Usage: npm run sql:write   (node --import tsx test/sql/snapshots.ts)
       npm run sql:check   (node --import tsx test/sql/snapshots.ts --check)

Compiles every repository method listed in test/sql/queries.ts with Kysely, without a database, and writes
test/sql/<repository>.sql, or with --check fails (exit 1) when a committed snapshot differs.`

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2)
  const unknown = args.filter((a) => a !== '--check' && a !== '--help' && a !== '-h')
  if (args.includes('--help') || args.includes('-h')) console.log(USAGE)
  else if (unknown.length > 0) {
    console.error(`Unknown argument(s): ${unknown.join(' ')}\n${USAGE}`)
    process.exitCode = 2
  } else if (args.includes('--check')) {
    const problems = await staleSnapshots()
    for (const p of problems) console.error(p)
    if (problems.length > 0) {
      console.error(STALE_HINT)
      process.exitCode = 1
    } else console.log('test/sql/*.sql are up to date')
  } else {
    const done = await writeSnapshots()
    console.log(done.length > 0 ? done.join('\n') : 'test/sql/*.sql are up to date')
  }
}
