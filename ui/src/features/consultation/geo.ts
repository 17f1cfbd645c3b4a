// The site polygon on a plain offline map: an equirectangular projection around the polygon's
// centroid (x east, y north, metres), fitted into an SVG viewport; a scale bar of a round length.
import type { Position } from '../../api/types'
import { fmt, t } from '../../i18n'

export const EARTH_RADIUS_M = 6_371_008.8

export interface LonLat {
  lon: number
  lat: number
}

export const toLonLat = (p: Position): LonLat => ({ lon: p.lon_e7 / 1e7, lat: p.lat_e7 / 1e7 })

/** The centroid of a ring's vertices (closing vertex counted once). */
export function centroid(ring: LonLat[]): LonLat {
  const pts = ring.length > 1 && ring[0].lon === ring[ring.length - 1].lon && ring[0].lat === ring[ring.length - 1].lat ? ring.slice(0, -1) : ring
  const n = pts.length || 1
  return {
    lon: pts.reduce((a, p) => a + p.lon, 0) / n,
    lat: pts.reduce((a, p) => a + p.lat, 0) / n,
  }
}

/** Equirectangular: metres east and north of `origin`, x scaled by cos(origin latitude). */
export function project(p: LonLat, origin: LonLat): { x: number; y: number } {
  const rad = Math.PI / 180
  return {
    x: EARTH_RADIUS_M * (p.lon - origin.lon) * rad * Math.cos(origin.lat * rad),
    y: EARTH_RADIUS_M * (p.lat - origin.lat) * rad,
  }
}

export interface MapLayout {
  /** SVG points per ring ("x,y x,y ..."), y down. */
  rings: { x: number; y: number }[][]
  /** Metres per SVG unit. */
  metresPerUnit: number
  scaleBar: { metres: number; length: number; label: string }
  origin: LonLat
}

/** Largest 1/2/5 × 10^n not above `x`. */
export function niceLength(x: number): number {
  if (x <= 0) return 0
  const e = Math.pow(10, Math.floor(Math.log10(x)))
  for (const m of [5, 2, 1]) if (m * e <= x) return m * e
  return e
}

/**
 * Fit the rings into a `width` × `height` viewport with `margin` on every side, keeping the
 * aspect ratio (north up); the centroid of the outer ring sits at the centre.
 */
export function layout(rings: Position[][], width: number, height: number, margin: number): MapLayout | null {
  const outer = rings[0]
  if (!outer || outer.length < 3) return null
  const origin = centroid(outer.map(toLonLat))
  const projected = rings.map((r) => r.map((p) => project(toLonLat(p), origin)))
  const all = projected.flat()
  const maxX = Math.max(...all.map((p) => Math.abs(p.x)), 1e-9)
  const maxY = Math.max(...all.map((p) => Math.abs(p.y)), 1e-9)
  const unitsPerMetre = Math.min((width / 2 - margin) / maxX, (height / 2 - margin) / maxY)
  const cx = width / 2
  const cy = height / 2
  const metresPerUnit = 1 / unitsPerMetre
  const metres = niceLength((width / 4) * metresPerUnit)
  return {
    rings: projected.map((r) => r.map((p) => ({ x: cx + p.x * unitsPerMetre, y: cy - p.y * unitsPerMetre }))),
    metresPerUnit,
    scaleBar: { metres, length: metres * unitsPerMetre, label: metres >= 1000 ? fmt(t().consultation.scaleKm, { n: metres / 1000 }) : fmt(t().consultation.scaleM, { n: metres }) },
    origin,
  }
}

export const pointsAttr = (ring: { x: number; y: number }[]) => ring.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ')

/** Other rings (planning zones) in the same projection and scale as a layout of `width` × `height`. */
export function placeRings(l: MapLayout, rings: Position[][], width: number, height: number): { x: number; y: number }[][] {
  const unitsPerMetre = 1 / l.metresPerUnit
  return rings.map((r) =>
    r.map((p) => {
      const q = project(toLonLat(p), l.origin)
      return { x: width / 2 + q.x * unitsPerMetre, y: height / 2 - q.y * unitsPerMetre }
    }),
  )
}

export type ZoneKind = 'residential' | 'commercial' | 'industrial' | 'ecological' | 'farmland' | 'education' | 'other'

/** The kinds told by keywords, in the order they are tried. */
const ZONE_ORDER = ['ecological', 'farmland', 'residential', 'commercial', 'industrial', 'education'] as const

/** The kind of a planning zone from its 用地性质 / 管控类型 (land_use), for the fill colour. */
export function zoneKind(landUse: string): ZoneKind {
  const words = t().consultation.zoneKeywords
  return ZONE_ORDER.find((k) => new RegExp(words[k]).test(landUse)) ?? 'other'
}

/** Light fills by zone kind (the site stays on top in blue). */
export const ZONE_FILL: Record<ZoneKind, string> = {
  residential: '#fff3c4',
  commercial: '#fbd5d5',
  industrial: '#e3d7f2',
  ecological: '#d3efd3',
  farmland: '#eef2c8',
  education: '#d6ecf7',
  other: '#ebebeb',
}
