//! The embedded fonts (Noto Sans SC Regular and Bold, SIL OFL 1.1, see fonts/OFL.txt), parsed
//! once per process, and the character coverage check that keeps boxes off the paper.

use crate::error::RenderError;
use crate::layout::Measure;
use printpdf::ParsedFont;
use std::sync::LazyLock;

const REGULAR_TTF: &[u8] = include_bytes!("../fonts/NotoSansSC-Regular.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../fonts/NotoSansSC-Bold.ttf");

/// The two faces every document uses.
pub(crate) struct Fonts {
    pub regular: ParsedFont,
    pub bold: ParsedFont,
    units_per_em: f32,
}

static FONTS: LazyLock<Result<Fonts, String>> = LazyLock::new(|| {
    let regular = parse(REGULAR_TTF, "NotoSansSC-Regular")?;
    let bold = parse(BOLD_TTF, "NotoSansSC-Bold")?;
    let units_per_em = f32::from(regular.font_metrics.units_per_em.max(1));
    Ok(Fonts { regular, bold, units_per_em })
});

fn parse(bytes: &[u8], name: &str) -> Result<ParsedFont, String> {
    ParsedFont::from_bytes(bytes, 0, &mut Vec::new()).ok_or_else(|| format!("{name} 解析失败"))
}

/// The shared fonts; parsing 20 MB of TrueType happens on first use only.
pub(crate) fn fonts() -> Result<&'static Fonts, RenderError> {
    FONTS.as_ref().map_err(|e| RenderError::Font(e.clone()))
}

impl Fonts {
    fn face(&self, bold: bool) -> &ParsedFont {
        if bold { &self.bold } else { &self.regular }
    }

    /// Every character of `text` has a glyph (line breaks and tabs excepted).
    pub fn check(&self, field: &str, text: &str) -> Result<(), RenderError> {
        for ch in text.chars() {
            if ch == '\n' || ch == '\t' {
                continue;
            }
            // Both faces come from one family; a glyph missing in either would print as a box.
            if self.regular.lookup_glyph_index(u32::from(ch)).is_none()
                || self.bold.lookup_glyph_index(u32::from(ch)).is_none()
            {
                return Err(RenderError::MissingGlyph { ch, codepoint: u32::from(ch), field: field.to_string() });
            }
        }
        Ok(())
    }
}

impl Measure for Fonts {
    fn advance(&self, ch: char, bold: bool) -> f32 {
        let face = self.face(bold);
        match face.lookup_glyph_index(u32::from(ch)) {
            Some(gid) => f32::from(face.get_horizontal_advance(gid)) / self.units_per_em,
            // Unknown characters are refused by `check` before drawing; measure them as a full
            // square so a layout computed before the check never overflows.
            None => 1.0,
        }
    }
}
