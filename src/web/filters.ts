import { DateTime } from 'luxon'
import type nunjucks from 'nunjucks'
import { ZONE } from '../platform/time.js'
import { ROLE_NAMES } from './navigation.js'

/** `2026-12-08` as `8 December 2026`, the GOV.UK style; a timestamp as `8 December 2026 at 9:05am`. */
export function govukDate(value: unknown): string {
  if (typeof value !== 'string' || value === '') return ''
  if (/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(value)) return DateTime.fromISO(value, { zone: ZONE }).toFormat('d MMMM yyyy')
  const dt = DateTime.fromISO(value, { zone: 'utc' }).setZone(ZONE)
  return dt.isValid ? `${dt.toFormat('d MMMM yyyy')} at ${dt.toFormat('h:mma').toLowerCase()}` : value
}

const STATUS_COLOURS: Record<string, string> = {
  PLANNED: 'blue',
  ACTIVE: 'green',
  PAUSED: 'yellow',
  ENDED: 'grey',
  CANCELLED: 'grey',
  RECEIVED: 'blue',
  ACCEPTED: 'green',
  DECLINED: 'red',
  WITHDRAWN: 'grey',
  overdue: 'red',
  breached: 'red',
  due: 'yellow',
  pending: 'yellow',
  met: 'green',
  not_applicable: 'grey',
  SUSTAINED: 'green',
  NOT_SUSTAINED: 'red',
  PENDING: 'yellow'
}

/** The GOV.UK tag class for a status. */
export const tagClass = (status: unknown): string =>
  STATUS_COLOURS[String(status)] ? `govuk-tag--${STATUS_COLOURS[String(status)]}` : 'govuk-tag--grey'

/** `REVIEW_OVERDUE` or `review_overdue` as `Review overdue`. */
export const words = (value: unknown): string => {
  const s = String(value ?? '')
    .replace(/[_-]+/g, ' ')
    .toLowerCase()
    .trim()
  return s.charAt(0).toUpperCase() + s.slice(1)
}

export function configureNunjucks(env: nunjucks.Environment): nunjucks.Environment {
  env.addFilter('govukDate', govukDate)
  env.addFilter('tagClass', tagClass)
  env.addFilter('words', words)
  env.addFilter('roleName', (role: unknown) => ROLE_NAMES[role as keyof typeof ROLE_NAMES] ?? String(role))
  env.addFilter('pct', (v: unknown) => (typeof v === 'number' ? `${Math.round(v * 10) / 10}%` : '–'))
  env.addFilter('orDash', (v: unknown) => (v === null || v === undefined || v === '' ? '–' : v))
  return env
}
