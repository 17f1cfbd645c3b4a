// Reading trail events generically: a case event is {at, actor, opinion, change: {change}},
// a project event is {type, actor, at, ...}; both are sealed in {entity, sealed: {seq, event}}.
import type { StoredEvent } from './api/types'
import { t } from './i18n'

export interface TrailLine {
  seq: number
  at: string
  what: string
  tag: string
  actor: string
  role: string
  opinion: string | null
  details: string
}

type Obj = Record<string, unknown>
const obj = (v: unknown): Obj => (v && typeof v === 'object' ? (v as Obj) : {})

export function trailLine(e: StoredEvent): TrailLine {
  const sealed = obj(obj(e.event).sealed)
  const ev = obj(sealed.event)
  const change = obj(ev.change)
  const tag = String(change.change ?? ev.type ?? ev.kind ?? '')
  const actor = obj(ev.actor)
  const role = String(actor.role ?? '')
  const rest: Obj = { ...(Object.keys(change).length ? change : ev) }
  for (const k of ['change', 'type', 'actor', 'at', 'case']) delete rest[k]
  const details = Object.entries(rest)
    .filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join('；')
  const labels = t().trailChanges as Record<string, string>
  return {
    seq: Number(sealed.seq ?? e.server_seq),
    at: String(ev.at ?? e.received_at),
    what: labels[tag] ?? tag,
    tag,
    actor: String(actor.name ?? ''),
    role: (t().roles as Record<string, string>)[role] ?? role,
    opinion: typeof ev.opinion === 'string' ? ev.opinion : null,
    details,
  }
}
