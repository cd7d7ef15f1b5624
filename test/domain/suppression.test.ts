import t from 'tap'
import {
  type Measure,
  primarySuppressed,
  shown,
  type ShownMeasure,
  suppressColumn,
  suppressFamily,
  suppressMeasure
} from '../../src/domain/suppression.js'

/**
 * Small-number suppression for figures that leave the LA (domain.md §8): counts from 1 to below the threshold are
 * withheld, and secondary suppression stops a lone withheld group being recovered from a shown total. Most cases use
 * a threshold of 10; a few use others to show the threshold is honoured.
 */

const T = 10
const sorted = (s: ReadonlySet<number>) => [...s].sort((a, b) => a - b)
const WITHHELD: ShownMeasure = { numerator: null, denominator: null, rate: null, suppressed: true }
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0)
const totalOf = (groups: Measure[]): Measure => ({
  numerator: sum(groups.map((g) => g.numerator)),
  denominator: sum(groups.map((g) => g.denominator))
})

t.test('primarySuppressed: 0 is shown, 1 to threshold − 1 withheld, the threshold and above shown', async (t) => {
  t.equal(primarySuppressed(0, T), false, '0 tells nothing about a person')
  for (let v = 1; v < T; v++) t.equal(primarySuppressed(v, T), true, `${v} is withheld`)
  t.equal(primarySuppressed(T, T), false, 'the threshold itself is shown')
  t.equal(primarySuppressed(T + 1, T), false)
  t.equal(primarySuppressed(1000, T), false)
})

t.test('primarySuppressed honours a custom threshold', async (t) => {
  t.equal(primarySuppressed(4, 5), true)
  t.equal(primarySuppressed(5, 5), false)
  t.equal(primarySuppressed(2, 3), true)
  t.equal(primarySuppressed(3, 3), false)
  t.equal(primarySuppressed(9, 3), false, '9 is small under 10 but not under 3')
  t.equal(primarySuppressed(0, 3), false)
  t.equal(primarySuppressed(1, 1), false, 'a threshold of 1 withholds nothing')
  t.equal(primarySuppressed(1, 2), true, 'a threshold of 2 withholds only 1')
})

t.test('suppressColumn', async (t) => {
  t.test('nothing small: nothing withheld', async (t) => {
    const r = suppressColumn([20, 0, 35, 10], 65, T)
    t.same(sorted(r.withheld), [])
    t.equal(r.totalWithheld, false)
  })

  t.test('a lone withheld group under a shown total forces the smallest other non-zero group', async (t) => {
    // 3 is primary; the zero is skipped; 12 is the smallest non-zero other.
    const r = suppressColumn([3, 0, 40, 12, 25], 80, T)
    t.same(sorted(r.withheld), [0, 3])
    t.equal(r.totalWithheld, false)
  })

  t.test('the secondary pick may itself be small-looking but is never a zero', async (t) => {
    const r = suppressColumn([0, 0, 7, 30, 11], 48, T)
    t.same(sorted(r.withheld), [2, 4], '11 is the smallest non-zero other; the zeros are skipped')
  })

  t.test('ties for the secondary are broken by the lower index', async (t) => {
    t.same(sorted(suppressColumn([15, 4, 15, 20], 54, T).withheld), [0, 1])
    t.same(sorted(suppressColumn([20, 15, 4, 15], 54, T).withheld), [1, 2])
    t.same(sorted(suppressColumn([30, 12, 12, 12, 5], 71, T).withheld), [1, 4])
  })

  t.test('two withheld groups need no secondary', async (t) => {
    const r = suppressColumn([3, 40, 6, 12], 61, T)
    t.same(sorted(r.withheld), [0, 2])
    t.equal(r.totalWithheld, false)
  })

  t.test('three withheld groups need no secondary', async (t) => {
    t.same(sorted(suppressColumn([1, 2, 3, 50], 56, T).withheld), [0, 1, 2])
  })

  t.test('a withheld total needs no secondary', async (t) => {
    const r = suppressColumn([4, 0, 0], 4, T)
    t.same(sorted(r.withheld), [0])
    t.equal(r.totalWithheld, true)
    // Inconsistent but possible input: a small total still means no secondary.
    const r2 = suppressColumn([3, 20], 5, T)
    t.same(sorted(r2.withheld), [0])
    t.equal(r2.totalWithheld, true)
  })

  t.test('a zero total is shown', async (t) => {
    const r = suppressColumn([0, 0], 0, T)
    t.same(sorted(r.withheld), [])
    t.equal(r.totalWithheld, false)
  })

  t.test('a total of exactly the threshold is shown and forces a secondary', async (t) => {
    const r = suppressColumn([9, 1], 10, T)
    t.same(sorted(r.withheld), [0, 1], 'both are primary')
    const r2 = suppressColumn([5, 0, 5, 0], 10, T)
    t.same(sorted(r2.withheld), [0, 2])
    t.equal(r2.totalWithheld, false)
  })

  t.test('a lone withheld group with no non-zero other stays alone', async (t) => {
    // Only possible when the total disagrees with the groups; the function adds nothing it cannot.
    const r = suppressColumn([5, 0, 0], 20, T)
    t.same(sorted(r.withheld), [0])
    t.equal(r.totalWithheld, false)
  })

  t.test('a custom threshold', async (t) => {
    t.same(
      sorted(suppressColumn([20, 4, 5], 29, 5).withheld),
      [1, 2],
      '5 is shown under 5; 4 is primary; 5 the secondary'
    )
    t.same(sorted(suppressColumn([20, 4, 5], 29, 6).withheld), [1, 2], 'both primary under 6')
    t.same(sorted(suppressColumn([20, 4, 50], 74, 4).withheld), [], 'nothing small under 4')
    t.same(sorted(suppressColumn([3, 4, 20], 27, 3).withheld), [], 'nothing is small under 3')
    t.same(sorted(suppressColumn([2, 4, 20], 26, 3).withheld), [0, 1], '2 primary, 4 the smallest other')
  })

  t.test('forced indices are kept', async (t) => {
    const r = suppressColumn([20, 30, 40], 90, T, new Set([1, 2]))
    t.same(sorted(r.withheld), [1, 2], 'two forced: no secondary')
    t.equal(r.totalWithheld, false)

    const r2 = suppressColumn([20, 30, 40], 90, T, new Set([2]))
    t.same(sorted(r2.withheld), [0, 2], 'one forced under a shown total is lone: the smallest other is added')

    const r3 = suppressColumn([3, 30, 40, 50], 123, T, new Set([3]))
    t.same(sorted(r3.withheld), [0, 3], 'a forced index and a primary make two: no secondary')

    const forced = new Set([1])
    suppressColumn([20, 30, 40], 90, T, forced)
    t.same(sorted(forced), [1], "the caller's set is not changed")
  })
})

t.test('shown: the unsuppressed view', async (t) => {
  t.same(
    shown({ numerator: 1, denominator: 3 }),
    { numerator: 1, denominator: 3, rate: 33.3, suppressed: false },
    'small counts are shown internally'
  )
  t.same(shown({ numerator: 2, denominator: 3 }), { numerator: 2, denominator: 3, rate: 66.7, suppressed: false })
  t.same(shown({ numerator: 48, denominator: 50 }), { numerator: 48, denominator: 50, rate: 96, suppressed: false })
  t.same(shown({ numerator: 0, denominator: 20 }), { numerator: 0, denominator: 20, rate: 0, suppressed: false })
  t.same(shown({ numerator: 20, denominator: 20 }), { numerator: 20, denominator: 20, rate: 100, suppressed: false })
  t.same(
    shown({ numerator: 0, denominator: 0 }),
    { numerator: 0, denominator: 0, rate: null, suppressed: false },
    'no denominator: no rate'
  )
  t.equal(shown({ numerator: 1, denominator: 7 }).rate, 14.3)
  t.equal(shown({ numerator: 123, denominator: 457 }).rate, 26.9)
})

t.test('suppressMeasure', async (t) => {
  t.test('nothing small: everything shown, rates to one decimal place', async (t) => {
    const groups = [
      { numerator: 10, denominator: 30 },
      { numerator: 20, denominator: 30 },
      { numerator: 37, denominator: 57 }
    ]
    const r = suppressMeasure(groups, totalOf(groups), T)
    t.same(r.groups, [
      { numerator: 10, denominator: 30, rate: 33.3, suppressed: false },
      { numerator: 20, denominator: 30, rate: 66.7, suppressed: false },
      { numerator: 37, denominator: 57, rate: 64.9, suppressed: false }
    ])
    t.same(r.total, { numerator: 67, denominator: 117, rate: 57.3, suppressed: false })
  })

  t.test('a zero numerator or zero complement is shown', async (t) => {
    const groups = [
      { numerator: 0, denominator: 20 },
      { numerator: 25, denominator: 25 },
      { numerator: 15, denominator: 30 }
    ]
    const r = suppressMeasure(groups, totalOf(groups), T)
    t.same(
      r.groups.map((g) => g.rate),
      [0, 100, 50]
    )
    t.notOk(r.groups.some((g) => g.suppressed))
    t.same(r.total, { numerator: 40, denominator: 75, rate: 53.3, suppressed: false })
  })

  t.test('denominator 0 gives rate null, and is not itself suppressed', async (t) => {
    const groups = [
      { numerator: 0, denominator: 0 },
      { numerator: 12, denominator: 24 },
      { numerator: 20, denominator: 40 }
    ]
    const r = suppressMeasure(groups, totalOf(groups), T)
    t.same(r.groups[0], { numerator: 0, denominator: 0, rate: null, suppressed: false })
    t.same(r.groups[1], { numerator: 12, denominator: 24, rate: 50, suppressed: false })
    t.same(r.total, { numerator: 32, denominator: 64, rate: 50, suppressed: false })
    const empty = suppressMeasure([], { numerator: 0, denominator: 0 }, T)
    t.same(empty, { groups: [], total: { numerator: 0, denominator: 0, rate: null, suppressed: false } })
  })

  t.test('a small numerator withholds the group whole, with a secondary in every column', async (t) => {
    // nums [4, 20, 30, 40]: 4 primary, secondary 20 (index 1). dens and complements then have 0 and 1 withheld.
    const groups = [
      { numerator: 4, denominator: 30 },
      { numerator: 20, denominator: 40 },
      { numerator: 30, denominator: 50 },
      { numerator: 40, denominator: 60 }
    ]
    const r = suppressMeasure(groups, totalOf(groups), T)
    t.same(r.groups, [
      WITHHELD,
      WITHHELD,
      { numerator: 30, denominator: 50, rate: 60, suppressed: false },
      { numerator: 40, denominator: 60, rate: 66.7, suppressed: false }
    ])
    t.same(r.total, { numerator: 94, denominator: 180, rate: 52.2, suppressed: false })
  })

  t.test('a small denominator withholds the group whole', async (t) => {
    const groups = [
      { numerator: 30, denominator: 60 },
      { numerator: 0, denominator: 6 },
      { numerator: 25, denominator: 50 },
      { numerator: 40, denominator: 80 }
    ]
    const r = suppressMeasure(groups, totalOf(groups), T)
    t.same(r.groups[1], WITHHELD, 'denominator 6 is small')
    t.same(r.groups[2], WITHHELD, 'the smallest other denominator (50) and complement (25) are both index 2')
    t.same(r.total, { numerator: 95, denominator: 196, rate: 48.5, suppressed: false })
  })

  t.test('a small complement withholds the group whole: 48 of 50', async (t) => {
    const groups = [
      { numerator: 48, denominator: 50 },
      { numerator: 20, denominator: 40 },
      { numerator: 30, denominator: 60 }
    ]
    const r = suppressMeasure(groups, totalOf(groups), T)
    t.same(r.groups[0], WITHHELD, '2 "not sustained" would be disclosed by 48 of 50')
    t.same(r.groups[1], WITHHELD, 'the secondary: the smallest other complement, 20')
    t.same(r.groups[2], { numerator: 30, denominator: 60, rate: 50, suppressed: false })
    t.same(r.total, { numerator: 98, denominator: 150, rate: 65.3, suppressed: false })
  })

  t.test('a small total withholds the total whole', async (t) => {
    const groups = [
      { numerator: 3, denominator: 20 },
      { numerator: 0, denominator: 25 }
    ]
    const r = suppressMeasure(groups, totalOf(groups), T)
    t.same(r.total, WITHHELD, 'numerator total 3')
    t.same(r.groups[0], WITHHELD)

    const groups2 = [
      { numerator: 48, denominator: 50 },
      { numerator: 50, denominator: 50 }
    ]
    const r2 = suppressMeasure(groups2, totalOf(groups2), T)
    t.same(r2.total, WITHHELD, 'complement total 2')
    t.same(r2.groups[0], WITHHELD)
  })

  t.test('a custom threshold', async (t) => {
    const groups = [
      { numerator: 4, denominator: 20 },
      { numerator: 10, denominator: 20 },
      { numerator: 10, denominator: 20 }
    ]
    const r3 = suppressMeasure(groups, totalOf(groups), 3)
    t.notOk(
      r3.groups.some((g) => g.suppressed),
      'nothing below 3'
    )
    const r5 = suppressMeasure(groups, totalOf(groups), 5)
    t.same(
      r5.groups.map((g) => g.suppressed),
      [true, true, false],
      '4 is small under 5; ties broken by index'
    )
  })

  t.test('the secondary is chosen in the column that needs it', async (t) => {
    // nums [3, 0, 20, 40] (total 63): 3 primary, secondary 20 at index 2, not the zero at index 1.
    // Then denominators [30, 30, 40, 60] and complements [27, 30, 20, 20] each have two withheld, both non-zero.
    const groups = [
      { numerator: 3, denominator: 30 },
      { numerator: 0, denominator: 30 },
      { numerator: 20, denominator: 40 },
      { numerator: 40, denominator: 60 }
    ]
    const r = suppressMeasure(groups, totalOf(groups), T)
    t.same(
      r.groups.map((g) => g.suppressed),
      [true, false, true, false]
    )
    t.same(r.total, { numerator: 63, denominator: 160, rate: 39.4, suppressed: false })
  })

  t.test(
    'a group withheld only for another column is not left alone in a column where it is the only non-zero ' +
      'withheld value',
    async (t) => {
      // Group 0 has denominator 5 (small) and numerator 0. Denominators [5, 40, 60, 80] and complements [5, 20, 30, 40]
      // both pick group 1 as the secondary. In the numerator column [0, 20, 30, 40] (total 90, shown) the withheld
      // groups are 0 and 1, but only group 1 is non-zero there: 90 − 30 − 40 = 20 is the numerators of groups 0 and 1
      // together. The domain test below treats a withheld zero as no cover, so a further group must be withheld.
      const groups = [
        { numerator: 0, denominator: 5 },
        { numerator: 20, denominator: 40 },
        { numerator: 30, denominator: 60 },
        { numerator: 40, denominator: 80 }
      ]
      const r = suppressMeasure(groups, totalOf(groups), T)
      t.same(r.groups[0], WITHHELD)
      t.same(r.groups[1], WITHHELD)
      t.equal(r.total.suppressed, false)
      t.same(columnProblems(groups, r, T), [], 'every column safe')
    }
  )
})

/** mulberry32: a small seeded PRNG, so the random tables are the same on every run. */
function mulberry32(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let x = a
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * The safety rules broken by one suppressed table: for each column (numerators, denominators, complements) the total
 * is withheld, or no group with a non-zero value there is withheld, or at least two are; no shown count (group or
 * total, including the complement) is small; shown figures match the input.
 */
function columnProblems(
  groups: Measure[],
  r: { groups: ShownMeasure[]; total: ShownMeasure },
  threshold: number
): string[] {
  const problems: string[] = []
  const columns: Array<[string, (m: Measure) => number]> = [
    ['numerator', (m) => m.numerator],
    ['denominator', (m) => m.denominator],
    ['complement', (m) => m.denominator - m.numerator]
  ]
  const total = totalOf(groups)
  if (!r.total.suppressed) {
    for (const [name, of] of columns) {
      const v = of(total)
      if (v > 0 && v < threshold) problems.push(`total ${name} ${v} shown`)
    }
    const { numerator: n, denominator: d } = r.total
    if (n !== total.numerator || d !== total.denominator)
      problems.push(`total shown as ${n}/${d}, sums are ${total.numerator}/${total.denominator}`)
    for (const [name, of] of columns) {
      const hiddenNonZero = groups
        .map((g, i) => ({ v: of(g), i }))
        .filter(({ v, i }) => v !== 0 && r.groups[i]!.suppressed)
      // A lone withheld non-zero group is a problem when another shown non-zero group could have covered it;
      // when none exists, the withheld zeros are the only cover there is (a reader cannot tell they are zero).
      const coverable = groups.some((g, i) => of(g) !== 0 && !r.groups[i]!.suppressed)
      if (hiddenNonZero.length === 1 && coverable)
        problems.push(`${name} column: lone withheld non-zero group ${hiddenNonZero[0]!.i} under a shown total`)
    }
  } else if (r.total.numerator !== null || r.total.denominator !== null || r.total.rate !== null) {
    problems.push('withheld total carries figures')
  }
  groups.forEach((g, i) => {
    const s = r.groups[i]!
    if (s.suppressed) {
      if (s.numerator !== null || s.denominator !== null || s.rate !== null)
        problems.push(`group ${i} withheld but carries figures`)
      return
    }
    for (const [name, of] of columns) {
      const v = of(g)
      if (v > 0 && v < threshold) problems.push(`group ${i} ${name} ${v} shown`)
    }
    if (s.numerator !== g.numerator || s.denominator !== g.denominator)
      problems.push(`group ${i} shown as ${s.numerator}/${s.denominator}, input ${g.numerator}/${g.denominator}`)
    if (s.rate !== shown(g).rate) problems.push(`group ${i} rate ${s.rate}, expected ${shown(g).rate}`)
  })
  return problems
}

t.test('property: random tables are safe after suppression', async (t) => {
  const random = mulberry32(20260720)
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1))
  const failures: Array<{ groups: Measure[]; threshold: number; problems: string[] }> = []
  const RUNS = 5000
  for (let run = 0; run < RUNS; run++) {
    const threshold = [3, 5, 10][int(0, 2)]!
    const n = int(1, 8)
    const groups: Measure[] = []
    for (let i = 0; i < n; i++) {
      // Mix small, zero and large figures so every rule is exercised.
      const kind = int(0, 4)
      const denominator = kind === 0 ? 0 : kind === 1 ? int(1, threshold + 2) : int(0, 80)
      const shape = int(0, 3)
      const numerator =
        shape === 0
          ? 0
          : shape === 1
            ? denominator
            : shape === 2
              ? Math.max(0, denominator - int(0, threshold))
              : int(0, denominator)
      groups.push({ numerator, denominator })
    }
    const r = suppressMeasure(groups, totalOf(groups), threshold)
    const problems =
      r.groups.length === groups.length ? columnProblems(groups, r, threshold) : [`${r.groups.length} groups out`]
    if (problems.length > 0) failures.push({ groups, threshold, problems })
  }
  t.same(failures.slice(0, 3), [], `no unsafe tables among ${RUNS} (found ${failures.length})`)
})

t.test('property: suppressColumn alone leaves no lone withheld group under a shown total', async (t) => {
  const random = mulberry32(42)
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1))
  let bad = 0
  for (let run = 0; run < 5000; run++) {
    const threshold = int(2, 12)
    const groups = Array.from({ length: int(1, 8) }, () =>
      int(0, 3) === 0 ? 0 : int(0, 2) === 0 ? int(1, threshold - 1) : int(threshold, 60)
    )
    const total = sum(groups)
    const { withheld, totalWithheld } = suppressColumn(groups, total, threshold)
    const ok =
      groups.every((v, i) => withheld.has(i) === primarySuppressed(v, threshold) || (withheld.has(i) && v > 0)) &&
      (totalWithheld || withheld.size === 0 || withheld.size >= 2) &&
      totalWithheld === primarySuppressed(total, threshold) &&
      [...withheld].every((i) => (groups[i] ?? 0) > 0)
    if (!ok) {
      bad++
      if (bad <= 3) t.fail('unsafe column', { groups, total, threshold, withheld: sorted(withheld), totalWithheld })
    }
  }
  t.equal(bad, 0)
})

t.test('suppressFamily: measures partitioning one denominator are withheld together', async (t) => {
  // 20 post-16 transitions: 10 in a destination, 2 NEET, 8 not known. NEET (2) is small; shown alone, the other
  // two would give it away as 20 − 10 − 8, so all three totals are withheld.
  const [dest, neet, unknown] = suppressFamily(
    [
      { groups: [], total: { numerator: 10, denominator: 20 } },
      { groups: [], total: { numerator: 2, denominator: 20 } },
      { groups: [], total: { numerator: 8, denominator: 20 } }
    ],
    5
  )
  t.same([dest!.total.suppressed, neet!.total.suppressed, unknown!.total.suppressed], [true, true, true])
  // By group: group 0's NEET count is small, so group 0 is withheld in all three, and secondary suppression
  // withholds another group in each so the totals cannot give group 0 away.
  const groups = [
    { d: 20, n: [10, 2, 8] },
    { d: 30, n: [20, 5, 5] },
    { d: 40, n: [30, 5, 5] }
  ]
  const results = suppressFamily(
    [0, 1, 2].map((k) => ({
      groups: groups.map((g) => ({ numerator: g.n[k]!, denominator: g.d })),
      total: { numerator: groups.reduce((s, g) => s + g.n[k]!, 0), denominator: 90 }
    })),
    5
  )
  for (const r of results) {
    t.equal(r.groups[0]!.suppressed, true, 'group 0 withheld in every measure of the family')
    t.ok(
      r.groups.filter((g) => g.suppressed).length >= 2 || r.total.suppressed,
      'never a lone withheld group under a shown total'
    )
  }
  const none = suppressFamily(
    [{ groups: [{ numerator: 10, denominator: 20 }], total: { numerator: 10, denominator: 20 } }],
    5
  )
  t.same(
    none[0]!.total,
    { numerator: 10, denominator: 20, rate: 50, suppressed: false },
    'nothing small, nothing withheld'
  )
})
