import { mkdirSync } from 'node:fs'
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite'
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist'
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely'
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
  poolMax?: number
  /** Told about errors on idle pooled connections (a server restart, failover or terminated backend). */
  onPoolError?: (err: Error) => void
}

export type Database = Kysely<DB>

export function createDb (options: DatabaseOptions): Kysely<DB> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, types: pgTypes, max: options.poolMax ?? 10 })
    // Without a listener, an idle client's error (the server cut the connection) would crash the process;
    // the pool drops that client and the next query opens a fresh one.
    pool.on('error', options.onPoolError ?? ((err) => { process.emitWarning(`PostgreSQL pool: idle connection lost (${err.message})`) }))
    return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) })
  }
  const dataDir = options.dataDir ?? 'memory://'
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true })
  // btree_gist backs the constraint that a pupil's placements never overlap (the same contrib module a
  // PostgreSQL server provides). Factory form: PGlite opens on the first query and Kysely's destroy() closes it.
  // PGlite has one connection: inside a transaction, query through `trx` only — a query on the outer
  // `db` waits for the transaction to end and never runs.
  return new Kysely<DB>({
    dialect: new PGliteDialect({ pglite: () => PGlite.create(dataDir, { parsers: pgliteParsers, extensions: { btree_gist } }) })
  })
}

/** True when the database answers a trivial query. */
export async function isReady (db: Kysely<DB>): Promise<boolean> {
  try {
    await db.selectNoFrom((eb) => eb.lit(1).as('one')).execute()
    return true
  } catch {
    return false
  }
}
