// Reading trail events generically: a case event is {at, actor, opinion, change: {change}},
// a project event is {type, actor, at, ...}; both are sealed in {entity, sealed: {seq, event}}.
import type { StoredEvent } from '../../api/types'
import { fmt, t } from '../../i18n'
import { itemName, departmentName, flowName, catalogueRef } from '../../stores/catalogue'

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
  const details = detailsText(rest)
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

/** Ids that say nothing to a user (the case page shows the case, project and works already). */
const SILENT = new Set(['application', 'project', 'works_id', 'id', 'procedure', 'channel', 'catalogue_version'])

const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v))

/** "名称：值". */
const kv = (label: string, value: string): string => fmt(t().app.labelled, { label, value })
const sep = (): string => t().app.semicolon

/** One field of an event as "名称：值" in Chinese; null when it is not worth showing. */
function field(key: string, v: unknown): string | null {
  const m = t().trailFields
  const o = obj(v)
  switch (key) {
    case 'item':
      return kv(m.item, itemName(str(v)))
    case 'department':
      return kv(m.department, departmentName(str(v)))
    case 'applicant':
      return kv(m.applicant, str(v))
    case 'owner':
      return kv(m.owner, str(v))
    case 'material':
      return kv(m.material, str(v))
    case 'attachment':
    case 'stamped_form':
    case 'file':
      // A file is its content (previewed on the case page), never its hash.
      return kv(m.file, m.fileGiven)
    case 'number':
      return kv(m.number, str(v))
    case 'level':
      return kv(m.level, str(v))
    case 'kind':
      return kv(m.kind, t().specialKinds[str(v)] ?? str(v))
    case 'summary':
      return kv(m.summary, str(v))
    case 'reason':
    case 'note':
      return kv(m.reason, str(v))
    case 'reasons':
    case 'problems':
      return kv(m.reason, (Array.isArray(v) ? v : [v]).map(str).join(sep()))
    case 'points':
      return kv(m.points, (Array.isArray(v) ? v : []).map((p) => fmt(t().app.aside, { text: str(obj(p).material), aside: str(obj(p).reason) })).join(sep()))
    case 'days':
      return kv(m.days, `${str(v)} ${t().application.workingDays}`)
    case 'approved_by':
      return kv(m.approvedBy, str(v))
    case 'flow':
      return kv(m.flow, flowName(str(v)))
    case 'category':
      return kv(m.category, catalogueRef.value?.categories.find((c) => c.code === str(v))?.name ?? str(v))
    case 'terms': {
      const levels = Array.isArray(o.review_levels) ? (o.review_levels as unknown[]).map(str) : []
      const days = Number(o.time_limit_working_days)
      const parts = [days > 0 ? `${m.timeLimit} ${days} ${t().application.workingDays}` : '', levels.length ? kv(m.levels, levels.join(' → ')) : '']
      return parts.filter(Boolean).join(sep()) || null
    }
    case 'decision': {
      const d = str(o.decision)
      const cert = obj(o.certificate)
      const head = d === 'granted' ? m.granted : d === 'denied' ? m.denied : d
      const validUntil = cert.valid_until ? `${t().app.comma}${m.validUntil} ${str(cert.valid_until)}` : ''
      const c = cert.name ? sep() + kv(m.certificate, fmt(t().app.aside, { text: str(cert.name), aside: str(cert.number) })) + validUntil : ''
      return `${head}${c}`
    }
    case 'details':
      return o.name ? kv(m.project, fmt(t().app.aside, { text: str(o.name), aside: str(o.code) })) : null
    case 'works':
      return typeof v === 'object' && o.name ? kv(m.works, str(o.name)) : null
    case 'commitment_allowed':
    case 'commitment_based':
      return v === true ? m.commitment : null
    case 'resubmission':
      return v === true ? m.resubmission : null
    case 'timed':
      return v === false ? m.untimed : m.timed
    default:
      if (SILENT.has(key)) return null
      return kv(key, typeof v === 'object' ? JSON.stringify(v) : str(v))
  }
}

/** The fields of an event in words, ids left out. */
export function detailsText(rest: Record<string, unknown>): string {
  return Object.entries(rest)
    .filter(([, v]) => v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) => field(k, v))
    .filter((x): x is string => !!x)
    .join(sep())
}
