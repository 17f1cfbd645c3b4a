//! 合规性审查: which planning zones (“多规合一” land-use zones, red lines, ...) a site intersects
//! and by how many square metres; a pure function over zones given as data.
//!
//! Clipping: neither polygon need be convex. The site's rings are cut into a fan of triangles
//! from their first vertex, each with the sign of its orientation; by winding numbers, the
//! signed triangles add up to the ring exactly. Each zone ring is then clipped against each
//! (convex) triangle with Sutherland–Hodgman, which is exact in area for a concave subject
//! against a convex window: its degenerate connecting edges enclose nothing. So
//! area(site ∩ zone) = Σ rings Σ triangles sign · area(clip(zone ring, triangle)), with holes
//! oriented clockwise so that they subtract. No intersection graph is built, hence none of the
//! degenerate cases (shared edges, touching vertices) of Greiner–Hormann or Weiler–Atherton.
//! We chose this over the `geo` crate: `geo` would bring a dozen crates (i_overlay, rstar,
//! spade, robust, earcutr, geographiclib...) into the pure domain that every binary links, for
//! one area function; and it works on floats, while positions here are integers for the trail.

use super::site::{Datum, Polygon, Projection, Site, SiteError};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Intersections smaller than this (m²) are touching boundaries and rounding, not overlaps: a
/// 1 cm position precision along a 100 m shared edge makes slivers of about 1 m².
pub const MIN_FINDING_M2: f64 = 1.0;

/// 规划分区: one zone of the planning data (控规地块, 生态保护红线, 永久基本农田 ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PlanningZone {
    /// 分区编码 / 地块编码.
    pub code: String,
    pub name: String,
    /// 用地性质 / 管控类型, e.g. "R2 二类居住用地", "生态保护红线".
    pub land_use: String,
    pub datum: Datum,
    /// One or more polygons (a GeoJSON MultiPolygon).
    pub polygons: Vec<Polygon>,
}

/// What the review found for one zone, as recorded in the trail (integers only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ZoneFinding {
    pub zone: String,
    pub name: String,
    pub land_use: String,
    /// 相交面积, square metres, rounded.
    pub area_m2: u64,
    /// Share of the site inside the zone, in basis points (1/100 of a percent).
    pub share_bp: u32,
}

/// Why zone data was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum ZoneError {
    #[error("规划分区数据格式有误：{message}")]
    Format { message: String },
    #[error("第 {index} 个规划分区缺少属性“{property}”")]
    MissingProperty {
        index: usize,
        property: &'static str,
    },
    #[error("规划分区编码“{code}”重复")]
    DuplicateCode { code: String },
    #[error("规划分区“{code}”的图形有误：{error}")]
    Geometry { code: String, error: SiteError },
}

/// The demo planning zones of Harbin, as shipped (a GeoJSON `FeatureCollection` in CGCS2000:
/// 居住用地, 商业用地 and a 生态保护红线 in 松北区, 工业用地 in 平房区, 永久基本农田 in 呼兰区 with
/// a village left out as a hole). Fictitious plots, for demonstration and tests.
pub const DEMO_ZONES_GEOJSON: &str = include_str!("../../data/zones/harbin-demo.geojson");

impl PlanningZone {
    /// The shipped demo zones, validated (codes unique, every polygon sane).
    pub fn demo() -> Result<Vec<PlanningZone>, ZoneError> {
        Self::from_geojson_collection(DEMO_ZONES_GEOJSON, Datum::Cgcs2000)
    }

    pub fn validate(&self) -> Result<(), ZoneError> {
        let wrap = |error| ZoneError::Geometry {
            code: self.code.clone(),
            error,
        };
        if self.polygons.is_empty() {
            return Err(wrap(SiteError::NoRing));
        }
        self.polygons
            .iter()
            .try_for_each(|p| p.validate())
            .map_err(wrap)
    }

    /// Zones from a GeoJSON `FeatureCollection` whose features carry the properties `code`,
    /// `name` and `land_use` (the shape a 多规合一 export takes once its fields are mapped).
    pub fn from_geojson_collection(
        text: &str,
        datum: Datum,
    ) -> Result<Vec<PlanningZone>, ZoneError> {
        let format = |message: String| ZoneError::Format { message };
        let value: Value = serde_json::from_str(text).map_err(|e| format(e.to_string()))?;
        let features = value
            .get("features")
            .and_then(Value::as_array)
            .ok_or_else(|| format("应为含 features 的 FeatureCollection".to_owned()))?;
        let mut zones: Vec<PlanningZone> = Vec::with_capacity(features.len());
        for (i, feature) in features.iter().enumerate() {
            let property = |name: &'static str| {
                feature
                    .get("properties")
                    .and_then(|p| p.get(name))
                    .and_then(Value::as_str)
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .ok_or(ZoneError::MissingProperty {
                        index: i + 1,
                        property: name,
                    })
            };
            let code = property("code")?;
            let geometry = feature.get("geometry").ok_or(ZoneError::MissingProperty {
                index: i + 1,
                property: "geometry",
            })?;
            let zone = PlanningZone {
                name: property("name")?,
                land_use: property("land_use")?,
                datum,
                polygons: Polygon::many_from_geojson(geometry).map_err(|error| {
                    ZoneError::Geometry {
                        code: code.clone(),
                        error,
                    }
                })?,
                code,
            };
            zone.validate()?;
            if zones.iter().any(|z| z.code == zone.code) {
                return Err(ZoneError::DuplicateCode { code: zone.code });
            }
            zones.push(zone);
        }
        Ok(zones)
    }
}

/// 合规性审查: every zone the site overlaps by at least [`MIN_FINDING_M2`], with the area,
/// largest first (then by zone code). Zones are measured in the site's projection; a zone in
/// the other datum is taken as is (see [`Datum`]).
pub fn compliance_findings(
    site: &Site,
    zones: &[PlanningZone],
) -> Result<Vec<ZoneFinding>, SiteError> {
    site.validate()?;
    let projection = Projection::centred_on(site.datum, &site.polygon);
    let site_rings = projection.polygon(&site.polygon);
    let site_area = polygon_area(&site_rings);
    let site_bounds = site.polygon.bounds();
    let mut findings = Vec::new();
    for zone in zones {
        let area: f64 = zone
            .polygons
            .iter()
            .filter(|p| match (p.bounds(), site_bounds) {
                (Some(z), Some(s)) => z.overlaps(&s),
                _ => false,
            })
            .map(|p| intersection_area(&site_rings, &projection.polygon(p)))
            .sum();
        if area >= MIN_FINDING_M2 {
            let share = if site_area > 0.0 {
                (area / site_area * 10_000.0).round().min(10_000.0)
            } else {
                0.0
            };
            findings.push(ZoneFinding {
                zone: zone.code.clone(),
                name: zone.name.clone(),
                land_use: zone.land_use.clone(),
                area_m2: area.round() as u64,
                share_bp: share as u32,
            });
        }
    }
    findings.sort_by(|a, b| b.area_m2.cmp(&a.area_m2).then_with(|| a.zone.cmp(&b.zone)));
    Ok(findings)
}

type Xy = (f64, f64);

/// Signed area of an open ring (no closing point): positive when counter-clockwise.
pub(crate) fn ring_area(ring: &[Xy]) -> f64 {
    let n = ring.len();
    (0..n)
        .map(|i| {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            a.0 * b.1 - b.0 * a.1
        })
        .sum::<f64>()
        / 2.0
}

/// Area of oriented rings (exterior counter-clockwise, holes clockwise).
pub(crate) fn polygon_area(rings: &[Vec<Xy>]) -> f64 {
    rings.iter().map(|r| ring_area(r)).sum()
}

/// Area of the intersection of two oriented polygons: the integral of the product of their
/// winding numbers, ring by ring.
pub(crate) fn intersection_area(a: &[Vec<Xy>], b: &[Vec<Xy>]) -> f64 {
    a.iter()
        .flat_map(|r| b.iter().map(move |s| ring_intersection(r, s)))
        .sum()
}

fn ring_intersection(r: &[Xy], s: &[Xy]) -> f64 {
    let Some(&p0) = r.first() else { return 0.0 };
    let s_box = bbox(s);
    let mut total = 0.0;
    for w in r.windows(2).skip(1) {
        let (p1, p2) = (w[0], w[1]);
        let twice = (p1.0 - p0.0) * (p2.1 - p0.1) - (p1.1 - p0.1) * (p2.0 - p0.0);
        if twice == 0.0 {
            continue;
        }
        let triangle = if twice > 0.0 {
            [p0, p1, p2]
        } else {
            [p0, p2, p1]
        };
        if !boxes_overlap(bbox(&triangle), s_box) {
            continue;
        }
        total += twice.signum() * ring_area(&clip_to_convex(s, &triangle));
    }
    total
}

/// Sutherland–Hodgman: `subject` clipped to a counter-clockwise convex polygon.
fn clip_to_convex(subject: &[Xy], window: &[Xy]) -> Vec<Xy> {
    let mut output = subject.to_vec();
    for i in 0..window.len() {
        if output.is_empty() {
            break;
        }
        let (c1, c2) = (window[i], window[(i + 1) % window.len()]);
        let side = |p: Xy| (c2.0 - c1.0) * (p.1 - c1.1) - (c2.1 - c1.1) * (p.0 - c1.0);
        let input = std::mem::take(&mut output);
        let mut prev = input[input.len() - 1];
        for &cur in &input {
            let (sp, sc) = (side(prev), side(cur));
            if sc >= 0.0 {
                if sp < 0.0 {
                    output.push(crossing(prev, cur, sp, sc));
                }
                output.push(cur);
            } else if sp >= 0.0 {
                output.push(crossing(prev, cur, sp, sc));
            }
            prev = cur;
        }
    }
    output
}

/// Where segment p→q crosses the clip line, given their signed distances (of opposite signs).
fn crossing(p: Xy, q: Xy, sp: f64, sq: f64) -> Xy {
    let t = sp / (sp - sq);
    (p.0 + t * (q.0 - p.0), p.1 + t * (q.1 - p.1))
}

fn bbox(points: &[Xy]) -> (Xy, Xy) {
    points.iter().fold(
        (
            (f64::INFINITY, f64::INFINITY),
            (f64::NEG_INFINITY, f64::NEG_INFINITY),
        ),
        |(lo, hi), p| {
            (
                (lo.0.min(p.0), lo.1.min(p.1)),
                (hi.0.max(p.0), hi.1.max(p.1)),
            )
        },
    )
}

fn boxes_overlap(a: (Xy, Xy), b: (Xy, Xy)) -> bool {
    a.0.0 <= b.1.0 && b.0.0 <= a.1.0 && a.0.1 <= b.1.1 && b.0.1 <= a.1.1
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn square(x: f64, y: f64, side: f64) -> Vec<Xy> {
        vec![(x, y), (x + side, y), (x + side, y + side), (x, y + side)]
    }

    #[test]
    fn planar_cases_match_hand_computed_areas() {
        // An L (concave) made of a 2x1 bar and a 1x1 block on its left end, against a unit
        // square over the notch corner: only the L's cells count.
        let l_shape = vec![
            (0.0, 0.0),
            (2.0, 0.0),
            (2.0, 1.0),
            (1.0, 1.0),
            (1.0, 2.0),
            (0.0, 2.0),
        ];
        type Row = (&'static str, Vec<Vec<Xy>>, Vec<Vec<Xy>>, f64);
        let cases: [Row; 5] = [
            (
                "disjoint",
                vec![square(0.0, 0.0, 1.0)],
                vec![square(5.0, 5.0, 1.0)],
                0.0,
            ),
            (
                "inside",
                vec![square(0.0, 0.0, 4.0)],
                vec![square(1.0, 1.0, 1.0)],
                1.0,
            ),
            (
                "corner overlap",
                vec![square(0.0, 0.0, 2.0)],
                vec![square(1.0, 1.0, 2.0)],
                1.0,
            ),
            (
                "concave vs square",
                vec![l_shape.clone()],
                vec![square(0.5, 0.5, 1.0)],
                0.75,
            ),
            (
                "hole subtracts",
                vec![square(0.0, 0.0, 4.0), {
                    let mut h = square(1.0, 1.0, 2.0);
                    h.reverse();
                    h
                }],
                vec![square(0.0, 0.0, 4.0)],
                12.0,
            ),
        ];
        for (name, a, b, expected) in cases {
            let ab = intersection_area(&a, &b);
            let ba = intersection_area(&b, &a);
            assert!((ab - expected).abs() < 1e-9, "{name}: {ab}");
            assert!((ba - expected).abs() < 1e-9, "{name} (swapped): {ba}");
        }
    }

    #[test]
    fn shared_edges_and_touching_corners_count_nothing() {
        let a = vec![square(0.0, 0.0, 1.0)];
        for b in [
            square(1.0, 0.0, 1.0),
            square(1.0, 1.0, 1.0),
            square(0.0, 1.0, 1.0),
        ] {
            assert!(intersection_area(&a, &[b]).abs() < 1e-12);
        }
    }
}
