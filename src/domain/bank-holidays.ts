import Holidays from 'date-holidays'

/**
 * Bank holidays in England from the maintained date-holidays data (region GB-ENG): substitute days and
 * one-off holidays included. Computed once per calendar year and cached; no network at run time.
 */
const england = new Holidays('GB', 'ENG')
const cache = new Map<number, ReadonlySet<string>>()

export function bankHolidays(year: number): ReadonlySet<string> {
  let days = cache.get(year)
  if (!days) {
    days = new Set(
      england
        .getHolidays(year)
        .filter((h) => h.type === 'public')
        .map((h) => h.date.slice(0, 10))
    )
    cache.set(year, days)
  }
  return days
}

export const isBankHoliday = (iso: string): boolean => bankHolidays(Number(iso.slice(0, 4))).has(iso)
