// Helpers of the statistics screens: cells as the documents crate prints them, the seed's
// grouped column headers, periods, working time in words.
import type { Cell, Cost, WorkingTime, StatisticsReport } from '../../api/types'
import { fmt, t } from '../../i18n'
export { TABLE_COLUMNS } from './statsColumns'

/** statistics::Cell::display. */
export function cellText(c: Cell | null | undefined): string {
  if (!c) return ''
  switch (c.type) {
    case 'empty':
      return ''
    case 'text':
      return c.value
    case 'int':
      return String(c.value)
    case 'date':
      return c.value
    case 'date_time':
      // NaiveDateTime "2024-10-08T09:30:00" -> "2024-10-08 09:30"
      return c.value.replace('T', ' ').slice(0, 16)
    case 'yes_no':
      return c.value ? t().app.yes : t().app.no
  }
}

/** A header column: a leaf with its index into the row, or a group of leaves (`组-子列`). */
export interface HeaderColumn {
  label: string
  index?: number
  children?: HeaderColumn[]
}

/** Group the leaf columns named `组-子列` under their group, in order (the seed's two-row header). */
export function headerColumns(leaves: readonly string[]): HeaderColumn[] {
  const out: HeaderColumn[] = []
  leaves.forEach((name, index) => {
    const dash = name.indexOf('-')
    if (dash <= 0) {
      out.push({ label: name, index })
      return
    }
    const group = name.slice(0, dash)
    const leaf = name.slice(dash + 1)
    const last = out[out.length - 1]
    if (last && last.children && last.label === group) last.children.push({ label: leaf, index })
    else out.push({ label: group, children: [{ label: leaf, index }] })
  })
  return out
}

export const TABLE_REPORTS: StatisticsReport[] = ['table1', 'table2', 'table3', 'table4']

const p2 = (n: number) => String(n).padStart(2, '0')
export function isoDate(y: number, m: number, d: number): string {
  return `${y}-${p2(m)}-${p2(d)}`
}

/** The first and last day of a month (month 1-12). */
export function monthRange(year: number, month: number): { from: string; to: string } {
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate()
  return { from: isoDate(year, month, 1), to: isoDate(year, month, last) }
}

/** Today's date in Beijing. */
export function beijingToday(now: Date = new Date()): { year: number; month: number; day: number } {
  const bj = new Date(now.getTime() + 8 * 3600_000)
  return { year: bj.getUTCFullYear(), month: bj.getUTCMonth() + 1, day: bj.getUTCDate() }
}

/** The `n` months up to and including the given one, oldest first, as {label, from, to}. */
export function lastMonths(year: number, month: number, n: number): { label: string; from: string; to: string }[] {
  const out = []
  for (let i = n - 1; i >= 0; i--) {
    let m = month - i
    let y = year
    while (m <= 0) {
      m += 12
      y -= 1
    }
    out.push({ label: `${y}-${p2(m)}`, ...monthRange(y, m) })
  }
  return out
}

/** WorkingTime::hundredths as a number of working days (2 decimals). */
export function workingDays(w: WorkingTime | null | undefined): number {
  if (!w || w.minutes_per_day <= 0) return 0
  const scaled = w.minutes * 200
  const per = w.minutes_per_day
  const h = scaled >= 0 ? Math.floor((scaled + per) / (2 * per)) : -Math.floor((-scaled + per) / (2 * per))
  return h / 100
}

/** "4.38个工作日". */
export function workingTimeText(w: WorkingTime | null | undefined): string {
  return fmt(t().statistics.workingTime, { days: workingDays(w).toFixed(2) })
}

/** Cost's Display: "300.00元（另有1项市场调节价）". */
export function costText(c: Cost | null | undefined): string {
  if (!c) return ''
  const s = fmt(t().statistics.yuan, { yuan: `${Math.floor(c.fen / 100)}.${p2(c.fen % 100)}` })
  return c.market_priced > 0 ? fmt(t().statistics.marketPriced, { cost: s, count: c.market_priced }) : s
}

/** "37.5%". */
export function permilleText(p: number): string {
  return `${Math.floor(p / 10)}.${p % 10}%`
}
