//! The red round seal (电子印章) of a signed e-certificate, drawn by our code: a ring, a
//! five-pointed star in the middle and the legend (the issuing department's name) along the
//! upper arc, each character upright towards the ring. The characters are drawn as filled
//! outlines taken from the embedded font, so the seal needs no image file and no font subset
//! of its own; it is added to the last page of a rendered PDF as one more content stream.

use crate::error::RenderError;

/// Seal red (a vermilion close to 印泥).
const RED: (f32, f32, f32) = (0.86, 0.08, 0.10);

/// Where the seal goes: its centre in points from the top-left corner of the page, and its
/// radius.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct SealPlace {
    pub cx: f32,
    pub cy: f32,
    pub r: f32,
}

/// `pdf` with the seal drawn on its last page.
pub(crate) fn stamp(pdf: &[u8], place: SealPlace, legend: &str) -> Result<Vec<u8>, RenderError> {
    let fail = |e: lopdf::Error| RenderError::View(format!("电子印章无法加盖：{e}"));
    let mut doc = lopdf::Document::load_mem(pdf).map_err(fail)?;
    let Some((_, &page)) = doc.get_pages().iter().next_back() else {
        return Err(RenderError::View("电子印章无法加盖：文书没有页面".into()));
    };
    let height = page_height(&doc, page).unwrap_or(841.89);
    // The seal's legend is drawn as outlines read in place from the bold face.
    let face = ttf_parser::Face::parse(crate::fonts::BOLD_TTF, 0)
        .map_err(|e| RenderError::Font(e.to_string()))?;
    let ops = seal_ops(&face, place, height, legend)?;
    doc.add_page_contents(page, ops.into_bytes())
        .map_err(fail)?;
    let mut out = Vec::with_capacity(pdf.len() + 64 * 1024);
    doc.save_to(&mut out)
        .map_err(|e| RenderError::View(format!("电子印章无法加盖：{e}")))?;
    Ok(out)
}

fn page_height(doc: &lopdf::Document, page: lopdf::ObjectId) -> Option<f32> {
    let dict = doc.get_dictionary(page).ok()?;
    let media = dict.get(b"MediaBox").ok()?.as_array().ok()?;
    let y1 = media.get(3)?.as_float().ok()?;
    let y0 = media.get(1)?.as_float().ok()?;
    Some(y1 - y0)
}

/// The content stream of the seal (PDF coordinates: origin at the bottom left).
fn seal_ops(
    face: &ttf_parser::Face<'_>,
    place: SealPlace,
    page_height: f32,
    legend: &str,
) -> Result<String, RenderError> {
    use std::fmt::Write;
    let (cx, cy, r) = (place.cx, page_height - place.cy, place.r);
    let (red, green, blue) = RED;
    let mut s = String::new();
    let _ = writeln!(s, "q {red} {green} {blue} RG {red} {green} {blue} rg");
    // The ring.
    let ring = r * 0.075;
    let _ = writeln!(s, "{ring:.2} w");
    circle(&mut s, cx, cy, r - ring / 2.0);
    s.push_str("S\n");
    // The star.
    let outer = r * 0.30;
    let inner = outer * 0.382;
    for k in 0..10 {
        let radius = [outer, inner][k % 2];
        let a = (90.0 + 36.0 * k as f32).to_radians();
        let (x, y) = (cx + radius * a.cos(), cy + radius * a.sin());
        let _ = writeln!(s, "{x:.2} {y:.2} {}", if k == 0 { "m" } else { "l" });
    }
    s.push_str("h f\n");
    // The legend along the upper arc, 240 degrees wide at most.
    let chars: Vec<char> = legend.chars().filter(|c| !c.is_whitespace()).collect();
    let n = chars.len();
    if n > 0 {
        let size = (r * 0.23).min(r * 4.2 / n as f32 + r * 0.06);
        let rho = r - ring * 1.6 - size * 0.62;
        let span: f32 = if n == 1 {
            0.0
        } else {
            (20.0 * (n as f32 - 1.0)).min(240.0)
        };
        let upem = f32::from(face.units_per_em());
        let scale = size / upem;
        for (i, ch) in chars.iter().enumerate() {
            let theta = if n == 1 {
                90.0f32
            } else {
                90.0 + span / 2.0 - span * i as f32 / (n as f32 - 1.0)
            };
            let Some(gid) = face.glyph_index(*ch) else {
                return Err(RenderError::MissingGlyph {
                    ch: *ch,
                    codepoint: *ch as u32,
                    field: "电子印章".into(),
                });
            };
            let advance = f32::from(face.glyph_hor_advance(gid).unwrap_or(face.units_per_em()));
            let t = theta.to_radians();
            let phi = (theta - 90.0).to_radians();
            let (px, py) = (cx + rho * t.cos(), cy + rho * t.sin());
            let (c, si) = (phi.cos() * scale, phi.sin() * scale);
            let _ = writeln!(s, "q {c:.5} {si:.5} {:.5} {c:.5} {px:.2} {py:.2} cm", -si);
            let mut path = Outline {
                out: String::new(),
                dx: -advance / 2.0,
                dy: -0.38 * upem,
                last: (0.0, 0.0),
            };
            if face.outline_glyph(gid, &mut path).is_some() {
                s.push_str(&path.out);
                s.push_str("f\n");
            }
            s.push_str("Q\n");
        }
    }
    s.push_str("Q\n");
    Ok(s)
}

/// A circle as four Bézier arcs.
fn circle(s: &mut String, cx: f32, cy: f32, r: f32) {
    use std::fmt::Write;
    let k = 0.552_284_8 * r;
    let _ = writeln!(s, "{:.2} {:.2} m", cx + r, cy);
    let _ = writeln!(
        s,
        "{:.2} {:.2} {:.2} {:.2} {:.2} {:.2} c",
        cx + r,
        cy + k,
        cx + k,
        cy + r,
        cx,
        cy + r
    );
    let _ = writeln!(
        s,
        "{:.2} {:.2} {:.2} {:.2} {:.2} {:.2} c",
        cx - k,
        cy + r,
        cx - r,
        cy + k,
        cx - r,
        cy
    );
    let _ = writeln!(
        s,
        "{:.2} {:.2} {:.2} {:.2} {:.2} {:.2} c",
        cx - r,
        cy - k,
        cx - k,
        cy - r,
        cx,
        cy - r
    );
    let _ = writeln!(
        s,
        "{:.2} {:.2} {:.2} {:.2} {:.2} {:.2} c",
        cx + k,
        cy - r,
        cx + r,
        cy - k,
        cx + r,
        cy
    );
    s.push_str("h\n");
}

/// A glyph's outline as PDF path operators in font units, shifted by (dx, dy).
struct Outline {
    out: String,
    dx: f32,
    dy: f32,
    last: (f32, f32),
}

impl ttf_parser::OutlineBuilder for Outline {
    fn move_to(&mut self, x: f32, y: f32) {
        use std::fmt::Write;
        let (x, y) = (x + self.dx, y + self.dy);
        let _ = writeln!(self.out, "{x:.1} {y:.1} m");
        self.last = (x, y);
    }

    fn line_to(&mut self, x: f32, y: f32) {
        use std::fmt::Write;
        let (x, y) = (x + self.dx, y + self.dy);
        let _ = writeln!(self.out, "{x:.1} {y:.1} l");
        self.last = (x, y);
    }

    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        use std::fmt::Write;
        let (x1, y1) = (x1 + self.dx, y1 + self.dy);
        let (x, y) = (x + self.dx, y + self.dy);
        let (x0, y0) = self.last;
        let c1 = (x0 + 2.0 / 3.0 * (x1 - x0), y0 + 2.0 / 3.0 * (y1 - y0));
        let c2 = (x + 2.0 / 3.0 * (x1 - x), y + 2.0 / 3.0 * (y1 - y));
        let _ = writeln!(
            self.out,
            "{:.1} {:.1} {:.1} {:.1} {x:.1} {y:.1} c",
            c1.0, c1.1, c2.0, c2.1
        );
        self.last = (x, y);
    }

    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        use std::fmt::Write;
        let (x1, y1) = (x1 + self.dx, y1 + self.dy);
        let (x2, y2) = (x2 + self.dx, y2 + self.dy);
        let (x, y) = (x + self.dx, y + self.dy);
        let _ = writeln!(self.out, "{x1:.1} {y1:.1} {x2:.1} {y2:.1} {x:.1} {y:.1} c");
        self.last = (x, y);
    }

    fn close(&mut self) {
        self.out.push_str("h\n");
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    /// The sealed certificate is the printout plus one red drawing on its page: the ring, the
    /// star and the legend's characters as red paths.
    #[test]
    fn the_sealed_certificate_carries_a_red_seal() {
        let view = crate::demo::certificate();
        let plain = crate::render_certificate(&view).unwrap();
        let sealed = crate::render_sealed_certificate(&view, "哈尔滨市自然资源和规划局").unwrap();
        let doc = lopdf::Document::load_mem(&sealed).unwrap();
        let (_, &page) = doc.get_pages().iter().next_back().unwrap();
        let content = String::from_utf8_lossy(&doc.get_page_content(page)).into_owned();
        assert!(content.contains("0.86 0.08 0.1 rg"), "red fill");
        // Twelve characters along the arc, each its own transformed outline.
        assert!(content.matches(" cm\n").count() >= 12);
        let plain_doc = lopdf::Document::load_mem(&plain).unwrap();
        let (_, &plain_page) = plain_doc.get_pages().iter().next_back().unwrap();
        let plain_content =
            String::from_utf8_lossy(&plain_doc.get_page_content(plain_page)).into_owned();
        assert!(!plain_content.contains("0.86 0.08 0.1 rg"));
        // The seal is drawn on top of the printout's own content.
        assert!(content.len() > plain_content.len() + 10_000);
    }
}
