// Display rules that turn raw ids and states into what a service-hall user reads: the clock
// line of a case by state, attachment names instead of hashes, the builder instead of the
// credit code, and network failures in plain Chinese.
import type { Case, ClockPhase, ClockView, LibraryEntry, Project } from '../../api/types'
import { t, fmt } from '../../i18n'
import { formatTime, isNetworkError } from '../../util'

/** Where the legal clock stands: the domain's answer (`ClockView.phase`), never derived here. */
export type DeadlinePhase = ClockPhase

/** What the 办理期限 cell of a case says: its label, its text and the phase of the clock. */
export interface DeadlineFact {
  phase: DeadlinePhase
  label: string
  text: string
  /** Whether the remaining days and the warning level mean anything (the clock runs or is paused). */
  live: boolean
  /** Set when the deadline shown is provisional: the clock's note, "暂定：缺少 2027 年节假日安排"
   * (a year without a holiday table, counted Monday to Friday). Absent when final. */
  provisional?: string
}

export function deadlineFact(
  c: Pick<Case, 'ended_at' | 'last_event_at'>,
  clock: ClockView | null | undefined,
): DeadlineFact {
  const m = t().caseView
  const phase: DeadlinePhase = clock?.phase ?? 'not_accepted'
  switch (phase) {
    case 'not_accepted':
      return { phase, label: m.deadline, text: m.noClock, live: false }
    case 'paused':
      return { phase, label: m.deadline, text: m.pausedClock, live: true }
    case 'running': {
      const deadline = clock?.reading?.deadline
      const text = deadline ? formatTime(deadline) : (clock?.note ?? '—')
      const note = deadline ? provisionalNote(clock) : null
      return note ? { phase, label: m.deadline, text, live: true, provisional: note } : { phase, label: m.deadline, text, live: true }
    }
    case 'completed':
    case 'terminated': {
      const at = formatTime(c.ended_at ?? c.last_event_at)
      const label = phase === 'completed' ? m.completedAt : m.terminatedAt
      return { phase, label, text: at || '—', live: false }
    }
  }
}

/** The clock's provisional note ("暂定：缺少 2027 年节假日安排"), or null when the reading is final.
 * A reading with provisional years but no note still counts as provisional. */
export function provisionalNote(clock: ClockView | null | undefined): string | null {
  const r = clock?.reading
  if (!r) return null
  if (typeof r.provisional === 'string' && r.provisional) return r.provisional
  if (clock?.provisional) return clock.provisional
  const years = r.provisional_years ?? []
  return years.length ? fmt(t().caseView.provisionalMissing, { years: years.join(t().app.listSep) }) : null
}

/** "f9553178…453d0": a hash shortened for a narrow cell (the full id goes in a tooltip). */
export function shortId(id: string): string {
  return id.length > 16 ? `${id.slice(0, 8)}…${id.slice(-5)}` : id
}

/** The file name of an attachment from the material library, else its shortened id. */
export function attachmentLabel(id: string, library: readonly LibraryEntry[]): string {
  const name = library.find((l) => l.id === id)?.name
  // A file someone else uploaded: its content is the evidence (预览), never its hash.
  return name ?? t().caseView.electronicFile
}

/** Network failures of the shell ("error sending request for url …") in words a user can act on. */
export function friendlyError(message: string | null | undefined): string {
  if (!message) return ''
  return isNetworkError(message) ? t().status.unreachable : message
}

/** The applicant of a case: the project's builder (建设单位) when its credit code is the applicant's. */
export function applicantName(
  applicant: string,
  project: Pick<Project, 'details'> | null | undefined,
): string | null {
  const b = project?.details?.builder
  if (!b?.name) return null
  return !b.credit_code || b.credit_code === applicant ? b.name : null
}
