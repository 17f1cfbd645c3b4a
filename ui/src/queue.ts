// Queue ordering and display rules, shared by the reviewer's and the window's queues.
import type { QueueEntry, WarningLevel } from './api/types'
import { t } from './i18n'
import { itemName, departmentName, departmentShortName } from './stores/catalogue'

const RANK: Record<WarningLevel, number> = { overdue: 0, due_soon: 1, normal: 2, paused: 3 }

/** Most urgent first: overdue, due soon, normal (each by deadline), paused, then unclocked. */
export function sortQueue(rows: QueueEntry[]): QueueEntry[] {
  const rank = (r: QueueEntry) => (r.level ? RANK[r.level] : 4)
  return [...rows].sort((a, b) => {
    const d = rank(a) - rank(b)
    if (d !== 0) return d
    if (a.deadline !== b.deadline) {
      if (a.deadline === null) return 1
      if (b.deadline === null) return -1
      return a.deadline < b.deadline ? -1 : 1
    }
    return a.case < b.case ? -1 : a.case > b.case ? 1 : 0
  })
}

/** The colour of a warning level: normal green, due soon orange, overdue red, paused grey. */
export const LEVEL_COLOURS: Record<WarningLevel | 'none', string> = {
  normal: '#2e7d32',
  due_soon: '#e67e22',
  overdue: '#c62828',
  paused: '#8c8c8c',
  none: '#b0b0b0',
}

export function levelColour(level: WarningLevel | null): string {
  return LEVEL_COLOURS[level ?? 'none']
}

export function levelLabel(level: WarningLevel | null): string {
  return level ? t().levels[level] : t().levels.none
}

/** Working days used, when the item's time limit is known. */
export function daysUsed(r: QueueEntry, limit: number | undefined): number | null {
  if (limit === undefined || r.remaining_working_days === null) return null
  return Math.max(0, Math.round((limit - r.remaining_working_days) * 10) / 10)
}

export function filterQueue(rows: QueueEntry[], text: string): QueueEntry[] {
  const q = text.trim().toLowerCase()
  if (!q) return rows
  return rows.filter((r) =>
    [
      r.case,
      r.project,
      r.item,
      r.department,
      itemName(r.item),
      departmentName(r.department),
      departmentShortName(r.department),
      r.state_label,
      r.next_action,
    ].some((s) =>
      s.toLowerCase().includes(q),
    ),
  )
}
