import t from 'tap'
import { barChart, barWidth, CHART, escapeXml, shortLabel } from '../../src/web/charts.js'

const rects = (svg: string) => [...svg.matchAll(/<rect x="([0-9.]+)" y="([0-9.]+)" width="([0-9.]+)"/g)]

t.test('bars scale to the maximum, and a full bar fills the bar area', async (t) => {
  const svg = barChart({
    title: 'Rates',
    bars: [
      { label: 'Tier 1', value: 25 },
      { label: 'Tier 2', value: 100 },
      { label: 'Tier 3', value: 0 }
    ]
  })
  t.same(
    rects(svg).map((r) => Number(r[3])),
    [CHART.barArea / 4, CHART.barArea, 0]
  )
  t.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" class="app-chart"'))
  t.match(svg, /role="img"/)
  t.match(svg, /aria-label="Rates\. Tier 1: 25%; Tier 2: 100%; Tier 3: 0%\."/)
  t.match(svg, /<title>Rates\. Tier 1: 25%; Tier 2: 100%; Tier 3: 0%\.<\/title>/)
  t.notMatch(svg, /\sstyle=/, 'presentation attributes only')
  t.equal(barWidth(150, 100), CHART.barArea, 'clamped above')
  t.equal(barWidth(-5, 100), 0, 'and below')
  t.equal(barWidth(5, 0), 0, 'no scale, no bar')
  t.equal(barWidth(5, 10), CHART.barArea / 2, 'to any maximum')
})

t.test('a suppressed figure has no bar and says so; a missing one says there are no cases', async (t) => {
  const svg = barChart({
    title: 'Attendance',
    bars: [
      { label: 'Tier 2', value: null, suppressed: true },
      { label: 'Tier 3', value: 40, suppressed: true },
      { label: 'Tier 1', value: null },
      { label: 'All', value: 62.46, emphasis: true }
    ]
  })
  t.equal(rects(svg).length, 1, 'only the figure shown has a bar, even when a withheld one carries a value')
  t.match(
    svg,
    /<g class="app-chart__bar app-chart__bar--suppressed"><text[^>]*>Tier 2<\/text><text[^>]*>suppressed<\/text><\/g>/
  )
  t.notMatch(svg, /40%/, 'a withheld value is never written')
  t.match(svg, />no cases</)
  t.match(svg, /fill="#003078"/, 'the total in the darker blue')
  t.match(svg, />62\.5%</, 'rounded to one decimal place')
  t.match(barChart({ title: 'None', bars: [] }), /aria-label="None\. No figures\."/)
  t.match(
    barChart({ title: 'Counts', bars: [{ label: 'A', value: 3, text: '3 pupils' }], max: 10, unit: '' }),
    />3 pupils</
  )
})

t.test('labels and titles are escaped, and long labels shortened', async (t) => {
  const svg = barChart({
    title: 'Rates for <script>alert(1)</script> & "friends"',
    id: 'x"y',
    bars: [{ label: `St Mary's <b>School</b> & Sixth Form College`, value: 50 }]
  })
  t.notMatch(svg, /<script>|<b>/)
  t.match(svg, /Rates for &lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; &quot;friends&quot;/)
  t.match(svg, /id="x&quot;y"/)
  t.match(
    svg,
    /St Mary&#39;s &lt;b&gt;School&lt;\/b&gt; &amp; Sixth Form College: 50%/,
    'the whole label in the text alternative'
  )
  t.match(svg, />St Mary&#39;s &lt;b&gt;School&lt;\/b&gt; &amp;…</, 'shortened on the chart')
  t.equal(escapeXml(`<&>"'`), '&lt;&amp;&gt;&quot;&#39;')
  t.equal(shortLabel('short'), 'short')
  t.equal([...shortLabel('x'.repeat(40))].length, CHART.maxLabelChars)
})
