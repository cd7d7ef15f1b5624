import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'

/*
 * Embedded PGlite is single-process and does not lock its data folder: two processes opening one folder
 * corrupt it, and the second one's exit removes the first one's postmaster.pid. So every process that opens a
 * PGlite folder (npm start, db:migrate, seed, token) first takes `apt.lock` in it: created atomically (O_EXCL)
 * with its PID, removed when the process exits. A lock whose PID is no longer running (a crash, kill -9, a
 * container restarted with the same PID 1) is stale and taken over; a live holder's lock is never removed.
 */

export const LOCK_FILE = 'apt.lock'

export class PgliteLockError extends Error {
  constructor(
    message: string,
    readonly holderPid: number
  ) {
    super(message)
    this.name = 'PgliteLockError'
  }
}

interface Holder {
  pid: number
  command: string
  since: string
}

const isMemory = (dataDir: string) => dataDir.startsWith('memory://')

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' // running, under another user
  }
}

function readHolder(file: string): Holder | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Holder
  } catch {
    return undefined // vanished meanwhile, or half-written by a process that died: stale either way
  }
}

/**
 * Takes the data folder's lock for this process, or throws PgliteLockError naming the live holder.
 * Returns a release function (also run on process exit). A `memory://` folder needs no lock.
 */
export function acquirePgliteLock(dataDir: string, command: string): () => void {
  if (isMemory(dataDir)) return () => {}
  mkdirSync(dataDir, { recursive: true })
  const file = path.join(dataDir, LOCK_FILE)
  const mine: Holder = { pid: process.pid, command, since: new Date().toISOString() }
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(file, JSON.stringify(mine) + '\n', { flag: 'wx' })
      break
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw err
    }
    const holder = readHolder(file)
    if (holder && alive(holder.pid)) {
      throw new PgliteLockError(
        `The PGlite data folder ${dataDir} is in use by process ${holder.pid} ` +
          `(${holder.command}, since ${holder.since}). ` +
          'Embedded PGlite serves one process at a time: stop that process (npm start) ' +
          'and run this again, or use the running API instead.',
        holder.pid
      )
    }
    try {
      unlinkSync(file)
    } catch {
      /* another process took it over first; the next attempt sees its lock */
    }
  }
  let held = true
  const release = () => {
    if (!held) return
    held = false
    process.off('exit', release)
    if (readHolder(file)?.pid === process.pid) {
      try {
        unlinkSync(file)
      } catch {
        /* already gone */
      }
    }
  }
  process.on('exit', release)
  return release
}
