/**
 * Small-number suppression for figures that leave the LA (domain.md §8; DfE and GSS practice): a count from 1 up
 * to below the threshold is withheld, and so is every rate built on a withheld count. Secondary suppression: when
 * a column's total is shown, one withheld group could be recovered by subtracting the others, so the next
 * smallest shown group is withheld too. Pure functions.
 */

/** One figure of a report: a count, or null when withheld. */
export interface Cell {
  value: number | null
  suppressed: boolean
}

/** Primary rule: a count of at least 1 and below the threshold is withheld (0 tells nothing about a person). */
export const primarySuppressed = (value: number, threshold: number): boolean => value > 0 && value < threshold

/**
 * Suppresses one additive column: the group counts and their total. Returns the indices withheld among the
 * groups (primary and secondary) and whether the total is withheld.
 */
export function suppressColumn(
  groups: number[],
  total: number,
  threshold: number,
  forced: ReadonlySet<number> = new Set()
): { withheld: Set<number>; totalWithheld: boolean } {
  const withheld = new Set<number>(forced)
  groups.forEach((v, i) => {
    if (primarySuppressed(v, threshold)) withheld.add(i)
  })
  const totalWithheld = primarySuppressed(total, threshold)
  // A lone withheld non-zero group under a shown total is recoverable: withhold the smallest other non-zero group
  // as well. A withheld zero is no cover (it adds nothing to the sum being hidden).
  if (!totalWithheld && [...withheld].filter((i) => groups[i]! > 0).length === 1) {
    const candidates = groups
      .map((v, i) => ({ v, i }))
      .filter(({ v, i }) => !withheld.has(i) && v > 0)
      .sort((a, b) => a.v - b.v || a.i - b.i)
    if (candidates[0]) withheld.add(candidates[0].i)
  }
  return { withheld, totalWithheld }
}

export interface Measure {
  numerator: number
  denominator: number
}
export interface ShownMeasure {
  numerator: number | null
  denominator: number | null
  rate: number | null
  suppressed: boolean
}

const rateOf = (m: Measure) => (m.denominator === 0 ? null : Math.round((m.numerator / m.denominator) * 1000) / 10)

/** A measure as published without suppression (the LA's internal view). */
export const shown = (m: Measure): ShownMeasure => ({
  numerator: m.numerator,
  denominator: m.denominator,
  rate: rateOf(m),
  suppressed: false
})

/**
 * Suppresses a measure across groups and its total. Numerators, denominators and their complements
 * (denominator − numerator, e.g. "not sustained") are each an additive column: a group whose count in any of
 * them is small is withheld whole (counts and rate), and secondary suppression keeps each column safe.
 */
export function suppressMeasure(
  groups: Measure[],
  total: Measure,
  threshold: number,
  forced: ReadonlySet<number> = new Set(),
  forceTotal = false
): { groups: ShownMeasure[]; total: ShownMeasure } {
  const nums = groups.map((g) => g.numerator)
  const dens = groups.map((g) => g.denominator)
  const rests = groups.map((g) => g.denominator - g.numerator)
  // A group's cell is withheld whole; repeat until no column has a lone withheld group under a shown total.
  let hidden = new Set<number>(forced)
  let totals = { num: false, den: false, rest: false }
  for (let round = 0; round < groups.length + 1; round++) {
    const n = suppressColumn(nums, total.numerator, threshold, hidden)
    const d = suppressColumn(dens, total.denominator, threshold, hidden)
    const r = suppressColumn(rests, total.denominator - total.numerator, threshold, hidden)
    const next = new Set([...n.withheld, ...d.withheld, ...r.withheld])
    totals = { num: n.totalWithheld, den: d.totalWithheld, rest: r.totalWithheld }
    if (next.size === hidden.size) break
    hidden = next
  }
  const cell = (m: Measure, hide: boolean): ShownMeasure =>
    hide
      ? { numerator: null, denominator: null, rate: null, suppressed: true }
      : { numerator: m.numerator, denominator: m.denominator, rate: rateOf(m), suppressed: false }
  return {
    groups: groups.map((g, i) => cell(g, hidden.has(i))),
    total: cell(total, forceTotal || totals.num || totals.den || totals.rest)
  }
}

/**
 * Suppresses measures that share a denominator and partition it (post-16: in a destination, NEET, not known), so
 * one withheld cell cannot be recovered as the denominator minus its siblings: a group withheld in one is
 * withheld in all, and each is re-suppressed with that until nothing changes.
 */
export function suppressFamily(
  measures: { groups: Measure[]; total: Measure }[],
  threshold: number
): { groups: ShownMeasure[]; total: ShownMeasure }[] {
  let forced = new Set<number>()
  let forceTotal = false
  for (let round = 0; ; round++) {
    const results = measures.map((m) => suppressMeasure(m.groups, m.total, threshold, forced, forceTotal))
    const next = new Set<number>()
    for (const r of results)
      r.groups.forEach((g, i) => {
        if (g.suppressed) next.add(i)
      })
    const nextTotal = results.some((r) => r.total.suppressed)
    if ((next.size === forced.size && nextTotal === forceTotal) || round > measures[0]!.groups.length + 1)
      return results
    forced = next
    forceTotal = nextTotal
  }
}
