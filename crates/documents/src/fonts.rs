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
    /// Advances of the Basic Multilingual Plane, in font units, regular then bold; 0 = no glyph.
    /// The font's cmap lookup is a search; layout asks for every character many times.
    bmp: Vec<[u16; 2]>,
}

static FONTS: LazyLock<Result<Fonts, String>> = LazyLock::new(|| {
    let regular = parse(REGULAR_TTF, "NotoSansSC-Regular")?;
    let bold = parse(BOLD_TTF, "NotoSansSC-Bold")?;
    let units_per_em = f32::from(regular.font_metrics.units_per_em.max(1));
    let advance = |f: &ParsedFont, cp: u32| {
        f.lookup_glyph_index(cp)
            .map_or(0, |g| f.get_horizontal_advance(g).max(1))
    };
    let bmp = (0..=0xFFFFu32)
        .map(|cp| [advance(&regular, cp), advance(&bold, cp)])
        .collect();
    Ok(Fonts {
        regular,
        bold,
        units_per_em,
        bmp,
    })
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

    /// Advance in font units, or None when the face has no glyph.
    fn units(&self, ch: char, bold: bool) -> Option<u16> {
        match self.bmp.get(ch as usize) {
            Some(pair) => Some(pair[usize::from(bold)]).filter(|&a| a > 0),
            None => {
                let face = self.face(bold);
                face.lookup_glyph_index(u32::from(ch))
                    .map(|g| face.get_horizontal_advance(g).max(1))
            }
        }
    }

    /// Every character of `text` has a glyph (line breaks and tabs excepted).
    pub fn check(&self, field: &str, text: &str) -> Result<(), RenderError> {
        for ch in text.chars() {
            if ch == '\n' || ch == '\t' {
                continue;
            }
            // Both faces come from one family; a glyph missing in either would print as a box.
            if self.units(ch, false).is_none() || self.units(ch, true).is_none() {
                return Err(RenderError::MissingGlyph {
                    ch,
                    codepoint: u32::from(ch),
                    field: field.to_string(),
                });
            }
        }
        Ok(())
    }
}

impl Measure for Fonts {
    fn advance(&self, ch: char, bold: bool) -> f32 {
        match self.units(ch, bold) {
            Some(a) => f32::from(a) / self.units_per_em,
            // Unknown characters are refused by `check` before drawing; measure them as a full
            // square so a layout computed before the check never overflows.
            None => 1.0,
        }
    }
}
