// 策划生成 (seed 5), the planning lead's side: the ConsultationCommand builders in their serde
// form (crates/domain/src/consultation/mod.rs, `tag = "command"`, snake_case), the lead's steps
// the domain allows the user now (its `available_actions`, read, never re-derived), and the
// GeoJSON import of a site (site.rs `Polygon::from_geojson`).
import type { ComplianceConclusion, ConsultationCommand, ConsultationView, PlanningOutcome, EntityCommand, Site, UserInfo, ZoneFinding } from '../../api/types'
import { fmt, t } from '../../i18n'

export type PlanningChannel = 'reserve_library' | 'implementation_library' | 'multi_plan_platform'
export type Datum = 'wgs84' | 'cgcs2000'
export interface PlanningLeads {
  development: string
  natural_resources: string
}
/** The two stage-0 leads of seed 5.1: 市发改委 and 市资规局 (catalogue codes). */
export const DEFAULT_LEADS: PlanningLeads = { development: 'FGW', natural_resources: 'ZGJ' }
/** mod.rs MAX_CONSULTATION_DAYS. */
export const MAX_CONSULTATION_DAYS = 30

export type LeadAction =
  | 'attach_material'
  | 'detach_material'
  | 'place_site'
  | 'record_compliance'
  | 'start_consultation'
  | 'summarise'
  | 'conclude'
  | 'link_project'
  | 'close'

const cmd = (id: string, command: ConsultationCommand): EntityCommand => ({
  entity: 'consultation',
  consultation: id,
  command,
})

export function registerCommand(
  id: string,
  f: { channel: PlanningChannel; leads: PlanningLeads; name: string; description: string },
): EntityCommand {
  return cmd(id, {
    command: 'register',
    channel: f.channel,
    leads: { development: f.leads.development, natural_resources: f.leads.natural_resources },
    name: f.name.trim(),
    description: f.description.trim(),
  })
}

export function placeSiteCommand(id: string, site: Site): EntityCommand {
  return cmd(id, { command: 'place_site', site: { datum: site.datum, polygon: { rings: site.polygon.rings } } })
}

/** 合规性审查: no problems = 符合规划; problems (one per entry) = 不符合规划. The findings are
 * not the reviewer's: the client and the server measure them from the site and the zones
 * (`consultation::measure_compliance`), so none are sent. */
export function recordComplianceCommand(id: string, problems: string[] | null): EntityCommand {
  const conclusion: ComplianceConclusion = problems === null ? { conclusion: 'compliant' } : { conclusion: 'non_compliant', problems }
  return cmd(id, { command: 'record_compliance', findings: [], conclusion })
}

export function startConsultationCommand(id: string, departments: string[], days: number): EntityCommand {
  return cmd(id, { command: 'start_consultation', departments: [...departments], deadline_working_days: days })
}

export function summariseCommand(id: string, summary: string): EntityCommand {
  return cmd(id, { command: 'summarise', summary: summary.trim() })
}

/** 策划结论: reasons null = 策划生成完成; reasons = 不予生成. */
export function concludeCommand(id: string, reasons: string[] | null): EntityCommand {
  const outcome: PlanningOutcome = reasons === null ? { outcome: 'generated' } : { outcome: 'not_generated', reasons }
  return cmd(id, { command: 'conclude', outcome })
}

export function linkProjectCommand(id: string, project: string): EntityCommand {
  return cmd(id, { command: 'link_project', project: project.trim() })
}

export function closeCommand(id: string, reason: string): EntityCommand {
  return cmd(id, { command: 'close', reason: reason.trim() })
}

/** Lines of a textarea, trimmed, empty ones dropped. */
export const lines = (s: string): string[] => s.split('\n').map((x) => x.trim()).filter(Boolean)

/** The channels a department may register into (decide: Register's registrar). */
export function registerChannels(user: UserInfo | null, leads: PlanningLeads = DEFAULT_LEADS): PlanningChannel[] {
  if (!user || user.role !== 'department_reviewer' || !user.department) return []
  const out: PlanningChannel[] = []
  if (user.department === leads.development) out.push('reserve_library', 'implementation_library')
  if (user.department === leads.natural_resources) out.push('multi_plan_platform')
  return out
}

const LEAD_ACTIONS: readonly LeadAction[] = [
  'attach_material',
  'detach_material',
  'place_site',
  'record_compliance',
  'start_consultation',
  'summarise',
  'conclude',
  'link_project',
  'close',
]

/**
 * The lead's steps this user may take on the record now: the allowed ones of the domain's
 * answer (`available_actions` of the client's ConsultationView, `Consultation::available_actions`);
 * nothing about roles, departments or states is decided here.
 */
export function leadActions(c: Pick<ConsultationView, 'available_actions'>): LeadAction[] {
  const allowed = new Set(c.available_actions.filter((a) => a.refusal === null).map((a) => a.action as string))
  return LEAD_ACTIONS.filter((a) => allowed.has(a))
}

/** 上传材料 to the record (策划方案, 图纸…), the file uploaded first. */
export function attachMaterialCommand(id: string, material: string, attachment: string): EntityCommand {
  return cmd(id, { command: 'attach_material', material: material.trim(), attachment })
}

/** 移除材料 from the record. */
export function detachMaterialCommand(id: string, material: string): EntityCommand {
  return cmd(id, { command: 'detach_material', material: material.trim() })
}

export class GeoJsonError extends Error {}

const geoMsg = () => t().consultation.geojson
const malformed = (detail: string) => new GeoJsonError(fmt(geoMsg().malformed, { detail }))

function position(p: unknown): { lon_e7: number; lat_e7: number } {
  const bad = () => new GeoJsonError(fmt(geoMsg().badPosition, { position: JSON.stringify(p) }))
  if (!Array.isArray(p) || p.length < 2) throw bad()
  const [lon, lat] = p
  if (typeof lon !== 'number' || typeof lat !== 'number' || !isFinite(lon) || !isFinite(lat)) throw bad()
  if (Math.abs(lon) > 180 || Math.abs(lat) > 90) throw bad()
  return { lon_e7: Math.round(lon * 1e7), lat_e7: Math.round(lat * 1e7) }
}

function geometryOf(v: Record<string, unknown>): Record<string, unknown> {
  const type = v.type
  if (type === 'FeatureCollection') {
    const features = Array.isArray(v.features) ? (v.features as Record<string, unknown>[]) : []
    if (features.length !== 1) throw malformed(fmt(geoMsg().oneFeature, { count: features.length }))
    return geometryOf(features[0] ?? {})
  }
  if (type === 'Feature') {
    const g = v.geometry
    if (!g || typeof g !== 'object') throw malformed(geoMsg().noGeometry)
    return geometryOf(g as Record<string, unknown>)
  }
  if (type === 'Polygon') return v
  if (typeof type !== 'string') throw malformed(geoMsg().noType)
  throw malformed(fmt(geoMsg().notPolygon, { type }))
}

/**
 * A site from GeoJSON text: a `Polygon`, a `Feature` of one, or a `FeatureCollection` with one
 * such feature; positions rounded to 1e-7 degree as `Position::from_degrees` does. Rings must be
 * closed with at least 4 positions; the rest (inside Heilongjiang, self-intersection) the domain
 * checks. Throws GeoJsonError with a Chinese message.
 */
export function siteFromGeoJson(text: string, datum: Datum): Site {
  let v: unknown
  try {
    v = JSON.parse(text)
  } catch (e) {
    throw malformed((e as Error).message)
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw malformed(geoMsg().notObject)
  const g = geometryOf(v as Record<string, unknown>)
  if (!Array.isArray(g.coordinates)) throw malformed(geoMsg().noCoordinates)
  const rings = (g.coordinates as unknown[]).map((ring, r) => {
    if (!Array.isArray(ring)) throw malformed(geoMsg().ringNotArray)
    const ps = ring.map(position)
    if (ps.length < 4) throw new GeoJsonError(fmt(geoMsg().ringTooShort, { ring: r + 1, count: ps.length }))
    const [a, b] = [ps[0]!, ps[ps.length - 1]!]
    if (a.lon_e7 !== b.lon_e7 || a.lat_e7 !== b.lat_e7) throw new GeoJsonError(fmt(geoMsg().ringNotClosed, { ring: r + 1 }))
    return ps
  })
  if (!rings.length) throw new GeoJsonError(geoMsg().noRings)
  return { datum, polygon: { rings } }
}
