import { mkdirSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { PGlite, type PGliteOptions, types as pgliteTypes } from '@electric-sql/pglite'
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist'
import { Kysely, PGliteDialect, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import type { DB } from './schema.js'

const keepAsString = (value: string): string => value

// One type policy for both drivers: int8 (ids, count(*)) and date stay strings, so ids never
// lose precision and a calendar date is never shifted by a time zone. Timestamps parse to Date.
const pgTypes = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.DATE || oid === pg.types.builtins.INT8
      ? keepAsString
      : pg.types.getTypeParser(oid, format as 'text')
}
export const pgliteParsers = { [pgliteTypes.INT8]: keepAsString, [pgliteTypes.DATE]: keepAsString }

export interface DatabaseOptions {
  /** A PostgreSQL URL. Without it the embedded PGlite is used. */
  databaseUrl?: string | undefined
  /** PGlite data folder; `memory://` keeps it in memory. */
  dataDir?: string
  /** PGlite only: start from this dump of a data folder (`dumpPgliteDataDir`) instead of an empty cluster. */
  loadDataDir?: Blob
  poolMax?: number
  /** Told about errors on pooled connections, idle or checked out (a server restart, failover, killed backend). */
  onPoolError?: (err: Error) => void
  /** How long a query waits for a connection before it fails (and the request answers 503). */
  connectTimeoutMs?: number
}

export type Database = Kysely<DB>

export function createDb(options: DatabaseOptions): Kysely<DB> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      types: pgTypes,
      max: options.poolMax ?? 10,
      // During an outage a request fails fast (503) instead of queueing for a connection that never comes.
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
      keepAlive: true
    })
    const onError =
      options.onPoolError ??
      ((err: Error) => {
        process.emitWarning(`PostgreSQL connection lost (${err.message})`)
      })
    // A connection can die while idle in the pool (the pool's 'error') or while checked out between two
    // queries of a transaction (the client's own 'error', which pg-pool does not listen to while the client
    // is out). Unheard, either would crash the process. The failing query rejects on its own; the pool drops
    // the broken client when it is released and the next query opens a fresh one.
    pool.on('error', onError)
    pool.on('connect', (client) => {
      client.on('error', onError)
    })
    return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) })
  }
  const dataDir = options.dataDir ?? 'memory://'
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true })
  // btree_gist backs the constraint that a pupil's placements never overlap (the same contrib module a
  // PostgreSQL server provides). Factory form: PGlite opens on the first query and Kysely's destroy() closes it.
  // PGlite has one connection: inside a transaction, query through `trx` only — a query on the outer
  // `db` waits for the transaction to end and never runs.
  const db: Kysely<DB> = new Kysely<DB>({
    dialect: new PGliteDialect({
      pglite: async () => {
        const { wasmModule, fsBundle } = await pgliteArtifacts()
        const pglite = await PGlite.create(dataDir, {
          parsers: pgliteParsers,
          extensions: { btree_gist },
          pgliteWasmModule: wasmModule,
          fsBundle,
          ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {})
        })
        PGLITE_OF.set(db, pglite)
        return pglite
      }
    })
  })
  return db
}

const PGLITE_OF = new WeakMap<Kysely<DB>, PGlite>()

type WasmModule = NonNullable<PGliteOptions['pgliteWasmModule']>
// The WebAssembly global, which the @types/node release in use does not declare.
const wasm = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<WasmModule> } }).WebAssembly
let artifacts: Promise<{ wasmModule: WasmModule; fsBundle: Blob }> | undefined
/**
 * PGlite's WebAssembly, compiled once per process, and its file-system bundle, read once: every embedded
 * database the process opens shares them. Left to itself PGlite compiles its 9 MB module for each database,
 * and V8 then frees that code when the database closes; on Node 24.22 freeing it can crash the process
 * (`Check failed: jit_page_->allocations_.erase(addr) == 1` in `UnregisterWasmAllocation`, seen in a test
 * process that opened and closed several databases). One module for the process is compiled once and never
 * freed.
 */
function pgliteArtifacts() {
  artifacts ??= (async () => {
    const dist = new URL('.', import.meta.resolve('@electric-sql/pglite'))
    const [code, data] = await Promise.all([
      readFile(new URL('pglite.wasm', dist)),
      readFile(new URL('pglite.data', dist))
    ])
    return { wasmModule: await wasm.compile(code), fsBundle: new Blob([data]) }
  })()
  return artifacts
}

/** A gzipped tarball of an embedded database's data folder, to load into a new one (`loadDataDir`). */
export async function dumpPgliteDataDir(db: Kysely<DB>): Promise<Blob> {
  await sql`select 1`.execute(db) // opens PGlite if no query has yet
  const pglite = PGLITE_OF.get(db)
  if (!pglite) throw new Error('dumpPgliteDataDir: not an embedded PGlite database')
  return pglite.dumpDataDir('gzip')
}

// SQLSTATE classes and codes that mean the database went away or cannot take the query now, not that the
// request was wrong: connection exceptions (08), operator intervention (57P01 admin shutdown, 57P02 crash
// shutdown, 57P03 cannot connect now), insufficient resources (53: too many connections, out of memory or
// disk), and a serialization failure or deadlock (40001, 40P01), which a retry resolves.
const UNAVAILABLE_SQLSTATE = /^(08|53|57P0[123]|40001|40P01)/
const UNAVAILABLE_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED'
])
// node-postgres reports a lost socket or a pool timeout as a plain Error with one of these messages.
const UNAVAILABLE_MESSAGE =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable|Connection terminated due to connection timeout|Query read timeout)/

/**
 * True when an error means the database is unreachable or restarting (answer 503 and retry), rather than a
 * fault in the request or the code.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false
  const code = (err as { code?: unknown }).code
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_ERRNO.has(code))) return true
  if (err instanceof AggregateError && err.errors.some(isDatabaseUnavailable)) return true
  return (
    UNAVAILABLE_MESSAGE.test(err.message) ||
    (err.cause !== undefined && err.cause !== err && isDatabaseUnavailable(err.cause))
  )
}

/** `host:port/database` of a PostgreSQL URL, without the user or password, for messages. */
export function describeDatabaseUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl)
    return `${url.hostname || 'localhost'}:${url.port || '5432'}${url.pathname}`
  } catch {
    return '(unparseable URL)'
  }
}

/** True when the database answers a trivial query. */
export async function isReady(db: Kysely<DB>): Promise<boolean> {
  try {
    await db.selectNoFrom((eb) => eb.lit(1).as('one')).execute()
    return true
  } catch {
    return false
  }
}
