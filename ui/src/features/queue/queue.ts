// Queue display rules, shared by the reviewer's and the window's queues.
import type { QueueEntry, WarningLevel } from '../../api/types'
import { t } from '../../i18n'
import { itemName, departmentName, departmentShortName } from '../../stores/catalogue'

// The order is the client's (`reads::queue`: overdue, due soon, normal by deadline, paused,
// then unclocked); the UI keeps it.

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

export function filterQueue(rows: QueueEntry[], text: string): QueueEntry[] {
  const q = text.trim().toLowerCase()
  if (!q) return rows
  return rows.filter((r) =>
    [
      r.case,
      r.number,
      r.project,
      r.project_name,
      r.applicant_name,
      r.item,
      r.department,
      itemName(r.item),
      departmentName(r.department),
      departmentShortName(r.department),
      r.state_label,
      r.next_action ?? '',
    ].some((s) =>
      s.toLowerCase().includes(q),
    ),
  )
}
