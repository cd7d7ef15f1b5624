/**
 * Server-rendered SVG charts for the report screens: pure functions from figures to markup, no script and no
 * `style` attributes (the CSP forbids them), colours as SVG presentation attributes. Every chart is an image with
 * a text alternative (`role="img"`, `aria-label` and `<title>`), and the page shows the same figures in a table
 * beside it, so nothing is said by the chart alone.
 */

export interface Bar {
  /** The group the bar stands for (`Tier 2`, a provider's name). */
  label: string
  /** The figure to draw, from 0 to `max`; null draws no bar. */
  value: number | null
  /** Withheld by small-number suppression: no bar, the word "suppressed" instead. */
  suppressed?: boolean
  /** What to write after the bar; the value with the unit when not given. */
  text?: string
  /** Drawn in the darker colour, for a total beside its groups. */
  emphasis?: boolean
}

export interface BarChartOptions {
  /** The chart's title: its `<title>` and the start of its text alternative. */
  title: string
  bars: Bar[]
  /** The value of a full-width bar (100 for a percentage). */
  max?: number
  /** Written after each value: `%`. */
  unit?: string
  /** Written when a bar has no value and is not suppressed. */
  emptyText?: string
  /** An id for the SVG element. */
  id?: string
}

/** Layout, in SVG user units. */
export const CHART = {
  width: 640,
  labelWidth: 200,
  barArea: 340,
  rowHeight: 32,
  barHeight: 20,
  top: 8,
  bottom: 28,
  maxLabelChars: 26
} as const

const BLUE = '#1d70b8'
const DARK_BLUE = '#003078'
const GRID = '#b1b4b6'

/** Escapes text for SVG (XML) content and attribute values. */
export function escapeXml(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

const round = (n: number) => Math.round(n * 10) / 10

/** A label shortened to fit the label column; the table beside the chart has it whole. */
export function shortLabel(label: string, max: number = CHART.maxLabelChars): string {
  const chars = [...label]
  return chars.length <= max ? label : `${chars.slice(0, max - 1).join('')}…`
}

/** The width of a bar for `value`, clamped to the bar area. */
export function barWidth(value: number, max: number): number {
  if (!(max > 0) || !Number.isFinite(value)) return 0
  return round((Math.min(Math.max(value, 0), max) / max) * CHART.barArea)
}

/** The words a bar ends with, and the text alternative says. */
export function barText(bar: Bar, unit: string, emptyText: string): string {
  if (bar.suppressed) return 'suppressed'
  if (bar.text !== undefined) return bar.text
  if (bar.value === null) return emptyText
  return `${round(bar.value)}${unit}`
}

/**
 * A horizontal bar chart: one row a bar, its label on the left, its figure (or "suppressed") after it, an axis
 * at 0, half and `max`. The text alternative lists every bar's label and figure.
 */
export function barChart(options: BarChartOptions): string {
  const { title, bars, max = 100, unit = '%', emptyText = 'no cases', id } = options
  const height = CHART.top + Math.max(bars.length, 1) * CHART.rowHeight + CHART.bottom
  const x0 = CHART.labelWidth
  const described = bars.map((b) => `${b.label}: ${barText(b, unit, emptyText)}`).join('; ')
  const label = bars.length ? `${title}. ${described}.` : `${title}. No figures.`
  const parts: string[] = []
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="app-chart"${id ? ` id="${escapeXml(id)}"` : ''} ` +
      `viewBox="0 0 ${CHART.width} ${height}" width="${CHART.width}" height="${height}" role="img" ` +
      `aria-label="${escapeXml(label)}">`
  )
  parts.push(`<title>${escapeXml(label)}</title>`)
  const axisBottom = CHART.top + Math.max(bars.length, 1) * CHART.rowHeight
  for (const fraction of [0, 0.5, 1]) {
    const x = round(x0 + fraction * CHART.barArea)
    parts.push(
      `<line x1="${x}" y1="${CHART.top}" x2="${x}" y2="${axisBottom}" stroke="${GRID}" stroke-width="1" ` +
        'aria-hidden="true"/>'
    )
    parts.push(
      `<text x="${x}" y="${axisBottom + 18}" text-anchor="middle" aria-hidden="true">${escapeXml(
        `${round(max * fraction)}${unit}`
      )}</text>`
    )
  }
  bars.forEach((bar, i) => {
    const y = CHART.top + i * CHART.rowHeight
    const barY = y + (CHART.rowHeight - CHART.barHeight) / 2
    const textY = y + CHART.rowHeight / 2 + 5
    parts.push(`<g class="app-chart__bar${bar.suppressed ? ' app-chart__bar--suppressed' : ''}">`)
    parts.push(`<text x="${x0 - 8}" y="${textY}" text-anchor="end">${escapeXml(shortLabel(bar.label))}</text>`)
    const words = barText(bar, unit, emptyText)
    if (!bar.suppressed && bar.value !== null) {
      const w = barWidth(bar.value, max)
      const fill = bar.emphasis ? DARK_BLUE : BLUE
      parts.push(`<rect x="${x0}" y="${barY}" width="${w}" height="${CHART.barHeight}" fill="${fill}"/>`)
      parts.push(`<text x="${round(x0 + w + 6)}" y="${textY}">${escapeXml(words)}</text>`)
    } else {
      parts.push(`<text x="${x0 + 6}" y="${textY}" font-style="italic">${escapeXml(words)}</text>`)
    }
    parts.push('</g>')
  })
  parts.push('</svg>')
  return parts.join('')
}
