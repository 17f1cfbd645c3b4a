//! 地图落位: a project's site (项目红线) as a polygon of longitude/latitude rings, validated, read
//! from and written to GeoJSON, and measured in square metres on an equal-area projection.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// Positions are stored in units of 1e-7 degree (about 1 cm on the ground), the precision of a
/// surveyed red line. Integers, not floats, so that an event's canonical encoding (the trail's
/// hash) is exact on every machine and after every JSON round trip.
pub const UNITS_PER_DEGREE: f64 = 1e7;

/// The most positions one ring may have: red lines have tens to hundreds; the limit keeps the
/// quadratic self-intersection check well under a millisecond-scale budget.
pub const MAX_RING_POSITIONS: usize = 4096;

/// Heilongjiang's bounding box, roughly (121°E-135.1°E, 43.4°N-53.6°N): a site outside it was
/// drawn in the wrong place or with swapped axes.
pub const HEILONGJIANG_BOUNDS: Bounds = Bounds {
    min_lon_e7: 1_210_000_000,
    max_lon_e7: 1_351_000_000,
    min_lat_e7: 434_000_000,
    max_lat_e7: 536_000_000,
};

/// 坐标系. Both are geocentric and agree to a few centimetres in Harbin, below the precision
/// of a red line, so no transformation is applied between them; the datum is recorded so a
/// reader knows what the surveyor delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Datum {
    /// WGS-84 (GeoJSON's own, RFC 7946).
    Wgs84,
    /// 2000国家大地坐标系 CGCS2000 (what 多规合一 and surveyors deliver).
    Cgcs2000,
}

impl Datum {
    pub fn label(self) -> &'static str {
        match self {
            Datum::Wgs84 => "WGS-84",
            Datum::Cgcs2000 => "2000国家大地坐标系（CGCS2000）",
        }
    }

    /// (semi-major axis in metres, flattening) of the datum's ellipsoid.
    fn ellipsoid(self) -> (f64, f64) {
        match self {
            Datum::Wgs84 => (6_378_137.0, 1.0 / 298.257_223_563),
            Datum::Cgcs2000 => (6_378_137.0, 1.0 / 298.257_222_101),
        }
    }
}

/// One position: longitude and latitude in 1e-7 degree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Position {
    pub lon_e7: i32,
    pub lat_e7: i32,
}

impl Position {
    /// From degrees, rounded to 1e-7 degree; refuses values that are not longitudes/latitudes.
    pub fn from_degrees(lon: f64, lat: f64) -> Result<Position, SiteError> {
        let scaled = |v: f64, limit: f64| {
            (v.is_finite() && v.abs() <= limit).then(|| (v * UNITS_PER_DEGREE).round() as i32)
        };
        match (scaled(lon, 180.0), scaled(lat, 90.0)) {
            (Some(lon_e7), Some(lat_e7)) => Ok(Position { lon_e7, lat_e7 }),
            _ => Err(SiteError::NotACoordinate {
                value: format!("[{lon}, {lat}]"),
            }),
        }
    }

    pub fn lon(self) -> f64 {
        f64::from(self.lon_e7) / UNITS_PER_DEGREE
    }

    pub fn lat(self) -> f64 {
        f64::from(self.lat_e7) / UNITS_PER_DEGREE
    }
}

/// A bounding box in 1e-7 degree, edges included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Bounds {
    pub min_lon_e7: i32,
    pub max_lon_e7: i32,
    pub min_lat_e7: i32,
    pub max_lat_e7: i32,
}

impl Bounds {
    pub fn contains(&self, p: Position) -> bool {
        (self.min_lon_e7..=self.max_lon_e7).contains(&p.lon_e7)
            && (self.min_lat_e7..=self.max_lat_e7).contains(&p.lat_e7)
    }

    pub fn overlaps(&self, other: &Bounds) -> bool {
        self.min_lon_e7 <= other.max_lon_e7
            && other.min_lon_e7 <= self.max_lon_e7
            && self.min_lat_e7 <= other.max_lat_e7
            && other.min_lat_e7 <= self.max_lat_e7
    }

    fn of(positions: impl IntoIterator<Item = Position>) -> Option<Bounds> {
        positions.into_iter().fold(None, |b, p| {
            Some(match b {
                None => Bounds {
                    min_lon_e7: p.lon_e7,
                    max_lon_e7: p.lon_e7,
                    min_lat_e7: p.lat_e7,
                    max_lat_e7: p.lat_e7,
                },
                Some(b) => Bounds {
                    min_lon_e7: b.min_lon_e7.min(p.lon_e7),
                    max_lon_e7: b.max_lon_e7.max(p.lon_e7),
                    min_lat_e7: b.min_lat_e7.min(p.lat_e7),
                    max_lat_e7: b.max_lat_e7.max(p.lat_e7),
                },
            })
        })
    }
}

/// A polygon as GeoJSON has it: the exterior ring first, then holes (内环, e.g. land left out
/// of the site). Each ring is closed: its last position repeats the first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Polygon {
    pub rings: Vec<Vec<Position>>,
}

/// 项目红线: the site of a project placed on the map (地图落位).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Site {
    pub datum: Datum,
    pub polygon: Polygon,
}

/// Why a site or a zone polygon was refused. Rings and positions count from 1, as a user reads
/// them in a coordinate table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum SiteError {
    #[error("图形没有任何坐标环")]
    NoRing,
    #[error("第 {ring} 个坐标环只有 {count} 个点，至少需要 4 个点（首尾相同）")]
    TooFewPositions { ring: usize, count: usize },
    #[error("第 {ring} 个坐标环有 {count} 个点，超过上限 {max}")]
    TooManyPositions {
        ring: usize,
        count: usize,
        max: usize,
    },
    #[error("第 {ring} 个坐标环未闭合：最后一个点应与第一个点相同")]
    NotClosed { ring: usize },
    #[error(
        "第 {ring} 个坐标环的第 {position} 个点 ({lon}, {lat}) 不在黑龙江省范围内（东经121°-135.1°，北纬43.4°-53.6°），请检查坐标系或经纬度是否颠倒"
    )]
    OutsideHeilongjiang {
        ring: usize,
        position: usize,
        lon: String,
        lat: String,
    },
    #[error("第 {ring} 个坐标环的第 {position} 个点与前一个点重复")]
    RepeatedPosition { ring: usize, position: usize },
    #[error("第 {ring} 个坐标环的面积为零（所有点在一条直线上）")]
    ZeroArea { ring: usize },
    #[error("第 {ring} 个坐标环自相交：第 {first} 条边与第 {second} 条边相交")]
    SelfIntersection {
        ring: usize,
        first: usize,
        second: usize,
    },
    #[error("第 {ring} 个坐标环（内环）不在外环之内")]
    HoleOutside { ring: usize },
    #[error("“{value}”不是有效的经纬度坐标")]
    NotACoordinate { value: String },
    #[error("GeoJSON 格式有误：{message}")]
    GeoJson { message: String },
}

impl Polygon {
    /// Basic sanity of a surveyed polygon: rings closed, at least 4 positions, inside
    /// Heilongjiang, no repeated positions, no zero area, no self-intersection, holes inside the
    /// exterior. Overlaps between holes are not checked.
    pub fn validate(&self) -> Result<(), SiteError> {
        if self.rings.is_empty() {
            return Err(SiteError::NoRing);
        }
        for (r, ring) in self.rings.iter().enumerate() {
            validate_ring(r + 1, ring)?;
        }
        if let Some(exterior) = self.rings.first() {
            for (r, hole) in self.rings.iter().enumerate().skip(1) {
                if hole.iter().any(|p| !inside_or_on(exterior, *p)) {
                    return Err(SiteError::HoleOutside { ring: r + 1 });
                }
            }
        }
        Ok(())
    }

    pub fn bounds(&self) -> Option<Bounds> {
        Bounds::of(self.rings.iter().flatten().copied())
    }

    /// Read a GeoJSON `Polygon` geometry, or a `Feature` whose geometry is one.
    pub fn from_geojson(value: &Value) -> Result<Polygon, SiteError> {
        let geometry = match value.get("type").and_then(Value::as_str) {
            Some("Feature") => value
                .get("geometry")
                .ok_or_else(|| geojson("Feature 缺少 geometry"))?,
            Some("Polygon") => value,
            Some(other) => return Err(geojson(&format!("应为 Polygon，实际为 {other}"))),
            None => return Err(geojson("缺少 type")),
        };
        if geometry.get("type").and_then(Value::as_str) != Some("Polygon") {
            return Err(geojson("geometry 应为 Polygon"));
        }
        let rings = geometry
            .get("coordinates")
            .and_then(Value::as_array)
            .ok_or_else(|| geojson("缺少 coordinates"))?;
        Ok(Polygon {
            rings: rings.iter().map(ring_from_json).collect::<Result<_, _>>()?,
        })
    }

    /// Read a GeoJSON `MultiPolygon` (or a `Polygon`) geometry as polygons.
    pub fn many_from_geojson(geometry: &Value) -> Result<Vec<Polygon>, SiteError> {
        match geometry.get("type").and_then(Value::as_str) {
            Some("MultiPolygon") => geometry
                .get("coordinates")
                .and_then(Value::as_array)
                .ok_or_else(|| geojson("缺少 coordinates"))?
                .iter()
                .map(|rings| {
                    let rings = rings
                        .as_array()
                        .ok_or_else(|| geojson("多边形应为坐标环数组"))?;
                    Ok(Polygon {
                        rings: rings.iter().map(ring_from_json).collect::<Result<_, _>>()?,
                    })
                })
                .collect(),
            _ => Ok(vec![Polygon::from_geojson(geometry)?]),
        }
    }

    /// The polygon as a GeoJSON `Polygon` geometry, in degrees.
    pub fn to_geojson(&self) -> Value {
        let rings: Vec<Vec<[f64; 2]>> = self
            .rings
            .iter()
            .map(|ring| ring.iter().map(|p| [p.lon(), p.lat()]).collect())
            .collect();
        json!({ "type": "Polygon", "coordinates": rings })
    }
}

impl Site {
    pub fn validate(&self) -> Result<(), SiteError> {
        self.polygon.validate()
    }

    /// Read a site drawn or imported as GeoJSON (text), in the given datum.
    pub fn from_geojson_str(text: &str, datum: Datum) -> Result<Site, SiteError> {
        let value: Value = serde_json::from_str(text).map_err(|e| geojson(&e.to_string()))?;
        Ok(Site {
            datum,
            polygon: Polygon::from_geojson(&value)?,
        })
    }

    /// The site as a GeoJSON `Feature`, its datum noted in the properties.
    pub fn to_geojson(&self) -> Value {
        json!({
            "type": "Feature",
            "properties": { "datum": self.datum, "datum_label": self.datum.label() },
            "geometry": self.polygon.to_geojson(),
        })
    }

    /// 用地面积: the site's area in square metres on the datum's ellipsoid.
    pub fn area_m2(&self) -> f64 {
        let projection = Projection::centred_on(self.datum, &self.polygon);
        crate::consultation::compliance::polygon_area(&projection.polygon(&self.polygon))
    }
}

fn geojson(message: &str) -> SiteError {
    SiteError::GeoJson {
        message: message.to_owned(),
    }
}

fn ring_from_json(ring: &Value) -> Result<Vec<Position>, SiteError> {
    ring.as_array()
        .ok_or_else(|| geojson("坐标环应为坐标数组"))?
        .iter()
        .map(|p| match p.as_array().map(Vec::as_slice) {
            Some([lon, lat, ..]) => match (lon.as_f64(), lat.as_f64()) {
                (Some(lon), Some(lat)) => Position::from_degrees(lon, lat),
                _ => Err(SiteError::NotACoordinate {
                    value: p.to_string(),
                }),
            },
            _ => Err(SiteError::NotACoordinate {
                value: p.to_string(),
            }),
        })
        .collect()
}

fn validate_ring(ring: usize, positions: &[Position]) -> Result<(), SiteError> {
    let count = positions.len();
    if count < 4 {
        return Err(SiteError::TooFewPositions { ring, count });
    }
    if count > MAX_RING_POSITIONS {
        return Err(SiteError::TooManyPositions {
            ring,
            count,
            max: MAX_RING_POSITIONS,
        });
    }
    if positions.first() != positions.last() {
        return Err(SiteError::NotClosed { ring });
    }
    for (i, p) in positions.iter().enumerate() {
        if !HEILONGJIANG_BOUNDS.contains(*p) {
            return Err(SiteError::OutsideHeilongjiang {
                ring,
                position: i + 1,
                lon: format!("{:.7}", p.lon()),
                lat: format!("{:.7}", p.lat()),
            });
        }
    }
    if let Some(i) = positions.windows(2).position(|w| w[0] == w[1]) {
        return Err(SiteError::RepeatedPosition {
            ring,
            position: i + 2,
        });
    }
    if let Some((first, second)) = self_intersection(positions) {
        return Err(SiteError::SelfIntersection {
            ring,
            first: first + 1,
            second: second + 1,
        });
    }
    if twice_signed_area(positions) == 0 {
        return Err(SiteError::ZeroArea { ring });
    }
    Ok(())
}

// Exact integer predicates: positions are integers, so orientation tests never round.

type Point = (i128, i128);

fn point(p: Position) -> Point {
    (i128::from(p.lon_e7), i128::from(p.lat_e7))
}

fn cross(o: Point, a: Point, b: Point) -> i128 {
    (a.0 - o.0) * (b.1 - o.1) - (a.1 - o.1) * (b.0 - o.0)
}

fn twice_signed_area(ring: &[Position]) -> i128 {
    ring.windows(2)
        .map(|w| {
            let (a, b) = (point(w[0]), point(w[1]));
            a.0 * b.1 - b.0 * a.1
        })
        .sum()
}

fn on_segment(a: Point, b: Point, p: Point) -> bool {
    cross(a, b, p) == 0
        && a.0.min(b.0) <= p.0
        && p.0 <= a.0.max(b.0)
        && a.1.min(b.1) <= p.1
        && p.1 <= a.1.max(b.1)
}

fn segments_touch(a: Point, b: Point, c: Point, d: Point) -> bool {
    let (d1, d2) = (cross(a, b, c), cross(a, b, d));
    let (d3, d4) = (cross(c, d, a), cross(c, d, b));
    if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) {
        return true;
    }
    on_segment(a, b, c) || on_segment(a, b, d) || on_segment(c, d, a) || on_segment(c, d, b)
}

/// The first pair of edges (0-based) that cross or touch other than at their shared vertex.
fn self_intersection(ring: &[Position]) -> Option<(usize, usize)> {
    let edges: Vec<(Point, Point)> = ring
        .windows(2)
        .map(|w| (point(w[0]), point(w[1])))
        .collect();
    let n = edges.len();
    for i in 0..n {
        let (a, b) = edges[i];
        for (j, &(c, d)) in edges.iter().enumerate().skip(i + 1) {
            let adjacent = j == i + 1 || (i == 0 && j == n - 1);
            if adjacent {
                // Neighbours share one vertex; they are bad only if they fold back onto each other.
                let (shared, other_a, other_b) = if j == i + 1 { (b, a, d) } else { (a, b, c) };
                if cross(shared, other_a, other_b) == 0
                    && (other_a.0 - shared.0) * (other_b.0 - shared.0)
                        + (other_a.1 - shared.1) * (other_b.1 - shared.1)
                        > 0
                {
                    return Some((i, j));
                }
            } else if segments_touch(a, b, c, d) {
                return Some((i, j));
            }
        }
    }
    None
}

/// Whether `p` lies inside the closed ring or on its boundary (crossing-number test, exact).
pub(crate) fn inside_or_on(ring: &[Position], p: Position) -> bool {
    let q = point(p);
    let mut inside = false;
    for w in ring.windows(2) {
        let (a, b) = (point(w[0]), point(w[1]));
        if on_segment(a, b, q) {
            return true;
        }
        if (a.1 > q.1) != (b.1 > q.1) {
            // x of the edge at q's latitude, compared without division.
            let lhs = (q.0 - a.0) * (b.1 - a.1);
            let rhs = (b.0 - a.0) * (q.1 - a.1);
            if (b.1 > a.1 && lhs < rhs) || (b.1 < a.1 && lhs > rhs) {
                inside = !inside;
            }
        }
    }
    inside
}

/// Lambert cylindrical equal-area projection of the datum's ellipsoid, with its standard
/// parallel and central meridian at the middle of a site: areas are exact on the ellipsoid
/// whatever the distortion, and shapes are nearly true over a site's few kilometres.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Projection {
    a: f64,
    e: f64,
    k0: f64,
    lon0: f64,
    y0: f64,
}

impl Projection {
    pub(crate) fn centred_on(datum: Datum, polygon: &Polygon) -> Projection {
        let (a, f) = datum.ellipsoid();
        let e = (f * (2.0 - f)).sqrt();
        let (lon0, lat0) = match polygon.bounds() {
            Some(b) => (
                (f64::from(b.min_lon_e7) + f64::from(b.max_lon_e7)) / 2.0 / UNITS_PER_DEGREE,
                (f64::from(b.min_lat_e7) + f64::from(b.max_lat_e7)) / 2.0 / UNITS_PER_DEGREE,
            ),
            None => (0.0, 0.0),
        };
        let phi0 = lat0.to_radians();
        let k0 = phi0.cos() / (1.0 - (e * phi0.sin()).powi(2)).sqrt();
        let mut projection = Projection {
            a,
            e,
            k0,
            lon0,
            y0: 0.0,
        };
        projection.y0 = projection.raw_y(phi0);
        projection
    }

    /// q of the authalic latitude (Snyder, Map Projections: A Working Manual, eq. 3-12).
    fn q(&self, phi: f64) -> f64 {
        let (e, s) = (self.e, phi.sin());
        let es = e * s;
        (1.0 - e * e) * (s / (1.0 - es * es) - (1.0 / (2.0 * e)) * ((1.0 - es) / (1.0 + es)).ln())
    }

    fn raw_y(&self, phi: f64) -> f64 {
        self.a * self.q(phi) / (2.0 * self.k0)
    }

    /// Metres east and north of the projection's centre.
    pub(crate) fn project(&self, p: Position) -> (f64, f64) {
        let x = self.a * self.k0 * (p.lon() - self.lon0).to_radians();
        (x, self.raw_y(p.lat().to_radians()) - self.y0)
    }

    /// Rings in metres, closing positions dropped; exterior counter-clockwise, holes clockwise,
    /// so that the rings' winding numbers add up to the polygon's indicator function.
    pub(crate) fn polygon(&self, polygon: &Polygon) -> Vec<Vec<(f64, f64)>> {
        polygon
            .rings
            .iter()
            .enumerate()
            .map(|(i, ring)| {
                let mut points: Vec<(f64, f64)> = ring
                    .iter()
                    .take(ring.len().saturating_sub(1))
                    .map(|p| self.project(*p))
                    .collect();
                let ccw = crate::consultation::compliance::ring_area(&points) > 0.0;
                if ccw != (i == 0) {
                    points.reverse();
                }
                points
            })
            .collect()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn ring(points: &[(f64, f64)]) -> Vec<Position> {
        points
            .iter()
            .map(|&(lon, lat)| Position::from_degrees(lon, lat).unwrap())
            .collect()
    }

    #[test]
    fn the_projection_keeps_areas_of_the_ellipsoid() {
        // A 0.01° x 0.01° cell at 45.745°N on the GRS80 ellipsoid: a degree of longitude is
        // (π/180)·N·cosφ = 77,836 m and a degree of latitude (π/180)·M = 111,145 m, so the cell
        // is 778.36 m x 1,111.45 m = 865,100 m² (to 0.1 %).
        let site = Site {
            datum: Datum::Cgcs2000,
            polygon: Polygon {
                rings: vec![ring(&[
                    (126.60, 45.74),
                    (126.61, 45.74),
                    (126.61, 45.75),
                    (126.60, 45.75),
                    (126.60, 45.74),
                ])],
            },
        };
        let area = site.area_m2();
        assert!((area - 865_100.0).abs() / 865_100.0 < 0.001, "{area}");
    }

    #[test]
    fn a_bow_tie_is_a_self_intersection() {
        let bow = ring(&[
            (126.60, 45.74),
            (126.61, 45.75),
            (126.61, 45.74),
            (126.60, 45.75),
            (126.60, 45.74),
        ]);
        assert_eq!(
            validate_ring(1, &bow),
            Err(SiteError::SelfIntersection {
                ring: 1,
                first: 1,
                second: 3
            })
        );
    }
}
