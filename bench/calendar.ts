import { DateTime } from 'luxon'
import { estimatedYear, SchoolCalendar } from '../src/domain/calendar.js'
import { ZONE } from '../src/platform/time.js'

/**
 * Adding 190 school days to a date on a school calendar, per call, against luxon's plain
 * `plus({ days: 190 })` on the same ISO dates (parse, add, format), as a ratio. The calendar is built
 * once, as a request does after loading it; the timed loop is the arithmetic alone.
 */
export function benchAddSchoolDays(iterations = 200_000) {
  const calendar = new SchoolCalendar((y) => estimatedYear(y))
  const starts: string[] = []
  for (let d = DateTime.fromISO('2024-09-01', { zone: ZONE }); starts.length < 365; d = d.plus({ days: 1 }))
    starts.push(d.toISODate()!)
  for (const s of starts) calendar.addSchoolDays(s, 190) // build the years' indexes outside the timing

  const time = (fn: (s: string) => string) => {
    let sink = 0
    for (let i = 0; i < 20_000; i++) sink += fn(starts[i % starts.length]!).length // warm-up
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < iterations; i++) sink += fn(starts[i % starts.length]!).length
    const ns = Number(process.hrtime.bigint() - t0) / iterations
    if (sink === 0) throw new Error('unreachable')
    return ns
  }
  const schoolDays = time((s) => calendar.addSchoolDays(s, 190))
  const luxon = time((s) => DateTime.fromISO(s, { zone: ZONE }).plus({ days: 190 }).toISODate()!)
  // The same in UTC, where luxon needs no time-zone look-ups: the harder baseline.
  const luxonUtc = time((s) => DateTime.fromISO(s, { zone: 'utc' }).plus({ days: 190 }).toISODate()!)
  return {
    schoolDaysNs: schoolDays,
    luxonNs: luxon,
    luxonUtcNs: luxonUtc,
    ratio: schoolDays / luxon,
    ratioUtc: schoolDays / luxonUtc
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = benchAddSchoolDays()
  console.log(`add 190 school days: ${r.schoolDaysNs.toFixed(0)} ns/call`)
  console.log(
    `luxon plus({ days: 190 }) Europe/London: ${r.luxonNs.toFixed(0)} ns/call ` +
      `→ ratio ${r.ratio.toFixed(2)}× (aim < 20×)`
  )
  console.log(`luxon plus({ days: 190 }) UTC: ${r.luxonUtcNs.toFixed(0)} ns/call → ratio ${r.ratioUtc.toFixed(2)}×`)
}
