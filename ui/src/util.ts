// Small helpers shared by views: result messages, formatting.
import type { ActOutcome, UiError } from './api/types'
import { t, fmt } from './i18n'

/** What to tell the user about an ActOutcome; a refusal is an error shown next to the form. */
export function actOutcome(r: ActOutcome): { ok: boolean; message: string } {
  const refused = r.refused ?? []
  if (refused.length) {
    return { ok: false, message: t().errors.refusedPrefix + refused.map((x) => x.message).join(t().app.semicolon) }
  }
  if (r.offline) return { ok: true, message: t().errors.offlineQueued }
  if (r.synced) return { ok: true, message: t().errors.synced }
  if (r.sync_error) {
    // A network failure is said in words; another sync error is shown as the shell gave it.
    const message = isNetworkError(r.sync_error) ? t().errors.offlineQueued : fmt(t().app.aside, { text: t().errors.queued, aside: r.sync_error })
    return { ok: true, message }
  }
  return { ok: true, message: t().errors.queued }
}

/** Whether a message of the shell is a failure to reach the server (reqwest's English text). */
export function isNetworkError(message: string): boolean {
  return /error sending request|connection refused|tcp connect|dns error|timed out|connect error|network is unreachable/i.test(
    message,
  )
}

/** An UiError as a line of text (refusals say so). */
export function errorText(e: UiError): string {
  return e.code === 'refused' ? t().errors.refusedPrefix + e.message : e.message
}

/** "2026-11-26T10:33:07Z" -> "2026-11-26 18:33" (Beijing time, which all users share). */
export function formatTime(s: string | null | undefined): string {
  if (!s) return ''
  // Already a Beijing minute (queue deadlines): "YYYY-MM-DDTHH:MM".
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(s)) return s.replace('T', ' ')
  const d = new Date(s)
  if (Number.isNaN(d.getTime())) return s
  const bj = new Date(d.getTime() + 8 * 3600_000)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${bj.getUTCFullYear()}-${p(bj.getUTCMonth() + 1)}-${p(bj.getUTCDate())} ${p(bj.getUTCHours())}:${p(bj.getUTCMinutes())}`
}

export function formatDays(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—'
  return (Math.round(n * 10) / 10).toString()
}

export function stageName(stage: number | string): string {
  return t().stages[String(stage)] ?? String(stage)
}

/** Fee of a catalogue item in words. */
export function feeText(fee: { type: string; amount_fen?: number; standard?: string } | null | undefined): string {
  if (!fee || fee.type === 'free') return t().application.feeFree
  if (fee.standard) return fee.standard
  if (fee.amount_fen !== undefined) return `${(fee.amount_fen / 100).toFixed(2)} ${t().application.yuan}`
  return ''
}

export function countText(n: number): string {
  return fmt(t().queue.count, { n })
}

export function levelClass(level: string | null | undefined): string {
  return `level-${level ?? 'none'}`
}

/** Debounce: the last call within `ms` wins. */
export function debounce<A extends unknown[]>(f: (...a: A) => void, ms: number) {
  let timer: ReturnType<typeof setTimeout> | null = null
  const d = (...a: A) => {
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => {
      timer = null
      f(...a)
    }, ms)
  }
  d.flush = () => {
    if (timer) {
      clearTimeout(timer)
      timer = null
    }
  }
  return d
}
