import type { AddressInfo } from 'node:net'

/**
 * A base URL a person on this machine can open for the address a server is bound to: the real port (PORT=0
 * picks one), and loopback for a wildcard host (0.0.0.0 or ::), which no browser can open itself.
 */
export function hintBase(address: AddressInfo | string | null): string {
  if (address === null || typeof address === 'string') return 'http://localhost:3000'
  let host = address.address
  if (host === '0.0.0.0' || host === '') host = '127.0.0.1'
  else if (host === '::' || host === '::0') host = 'localhost'
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`
}
