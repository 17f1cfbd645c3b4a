// 参考数据 (issue 11): what the reform office's screen shows of the reference data the server
// owns, read from `reference_show` (a version per kind, who changed it, when, the
// change lines of the last version, the calendar years covered and the November warning).
import type { ReferenceKind, StoredReference, ReferenceView } from '../../api/types'
import { formatTime } from '../../util'

export const REFERENCE_KINDS: readonly ReferenceKind[] = ['calendar', 'catalogue', 'market', 'zones', 'districts']

export interface ReferenceRow {
  kind: ReferenceKind
  version: number
  changedBy: string | null
  changedAt: string | null
  changes: string[]
}

/** One row per kind, in the order calendar, catalogue, market, zones, districts. */
export function referenceRows(show: ReferenceView | null | undefined): ReferenceRow[] {
  const infos: StoredReference[] = show?.kinds ?? []
  return REFERENCE_KINDS.map((kind) => {
    const info = infos.find((i) => i.kind === kind)
    const version = show?.versions?.[kind] ?? info?.version ?? 0
    return {
      kind,
      version,
      changedBy: info?.changed_by ?? null,
      changedAt: info?.changed_at ?? null,
      changes: info?.changes ?? [],
    }
  })
}

/** The November warning (next year's holiday table missing). */
export function referenceWarning(show: ReferenceView | null | undefined): string | null {
  return show?.warning ?? null
}

/** A deadline of a move ("2027-01-04 17:00", Beijing time already) or an instant, as shown. */
export function minuteText(s: string | null | undefined): string {
  if (!s) return ''
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}$/.test(s)) return s.replace('T', ' ')
  return formatTime(s)
}
