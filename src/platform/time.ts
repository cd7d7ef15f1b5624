import { DateTime, Settings } from 'luxon'

// All calendar logic runs in England's time zone; a luxon DateTime is never silently invalid.
Settings.defaultZone = 'Europe/London'
Settings.throwOnInvalid = true
declare module 'luxon' {
  interface TSSettings {
    throwOnInvalid: true
  }
}

export const ZONE = 'Europe/London'
export type Clock = () => DateTime
export const systemClock: Clock = () => DateTime.now().setZone(ZONE)

export const toIso = (d: Date): string => DateTime.fromJSDate(d, { zone: 'utc' }).toISO()
/** Today's date in England as YYYY-MM-DD. */
export const todayIn = (clock: Clock): string => clock().setZone(ZONE).toISODate()
export const parseDate = (iso: string): DateTime => DateTime.fromISO(iso, { zone: ZONE })
