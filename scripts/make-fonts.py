#!/usr/bin/env python3
"""Generate the reduced primary faces of the documents crate (issue 16, item 4).

    python3 -m venv /tmp/fontvenv && /tmp/fontvenv/bin/pip install fonttools
    apt-get install unicode-data          # Debian: /usr/share/unicode/Unihan_*.txt.bz2
    /tmp/fontvenv/bin/python scripts/make-fonts.py

Run by hand; the output is committed. For each weight it reads
crates/documents/fonts/NotoSansSC-{Regular,Bold}.ttf (the full faces, kept as the fallback for
rare characters) and writes crates/documents/fonts/NotoSansSC-{Regular,Bold}-Common.ttf with
only the glyphs of a fixed, documented character set:

  * 通用规范汉字表 (2013): the 8,105 characters of the State Council's Table of General
    Standard Chinese Characters, taken from the kTGH field of the Unicode Han database
    (Unihan_OtherMappings.txt, shipped by Debian's unicode-data package; no download);
  * GB 2312: all of its 7,445 characters (6,763 hanzi plus the 682 symbols of rows 1-9:
    punctuation, ①⑴⒈, Ⅰ-Ⅻ, Greek, Cyrillic, kana, box drawing, pinyin), enumerated through
    Python's own gb2312 codec;
  * ASCII and Latin-1, General Punctuation, Letterlike Symbols (℃ №), Number Forms, Arrows,
    Mathematical Operators, Enclosed Alphanumerics, Geometric Shapes, Miscellaneous Symbols,
    CJK Symbols and Punctuation, Enclosed CJK Letters and Months, CJK Compatibility (the units
    ㎡ ㎥ of the forms), Halfwidth and Fullwidth Forms.

A character outside this set still prints: fonts.rs falls back to the full face for it. Glyph
outlines, advances and metrics are copied unchanged (no re-hinting, no outline optimisation),
so every glyph prints exactly as from the full face. Only what printpdf never reads is dropped:
the layout tables (printpdf maps characters through the cmap, it does not shape), vertical
metrics, and name records other than 0-6 and the licence (13, 14).

The fonts are under the SIL Open Font License 1.1 (fonts/OFL.txt), which allows modified
versions; the one Reserved Font Name ('Source', Adobe's) is not in the Noto names kept here.
The test `everyday_papers_embed_only_the_common_faces` (tests/fonts_pdf.rs) fails when a demo
paper needs a character outside the set.
"""

import bz2
import pathlib
import struct
import sys

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = pathlib.Path(__file__).resolve().parent.parent
FONTS = ROOT / "crates" / "documents" / "fonts"
UNIHAN = pathlib.Path("/usr/share/unicode/Unihan_OtherMappings.txt.bz2")

BLOCKS = [
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1 Supplement (· × ÷ ° ± §)
    (0x2000, 0x206F),  # General Punctuation (— … ‰ ※ “ ”)
    (0x2100, 0x214F),  # Letterlike Symbols (℃ №)
    (0x2150, 0x218F),  # Number Forms (Ⅰ-Ⅻ)
    (0x2190, 0x21FF),  # Arrows
    (0x2200, 0x22FF),  # Mathematical Operators (≤ ≥ ≠ ∶)
    (0x2460, 0x24FF),  # Enclosed Alphanumerics (① ⑴ ⒈)
    (0x25A0, 0x25FF),  # Geometric Shapes (□ ■ △ ○)
    (0x2600, 0x26FF),  # Miscellaneous Symbols (☐ ☑ ★)
    (0x3000, 0x303F),  # CJK Symbols and Punctuation (、。〈〉《》「」【】〔〕)
    (0x3200, 0x32FF),  # Enclosed CJK Letters and Months (㈠ ㊀)
    (0x3300, 0x33FF),  # CJK Compatibility: units on construction papers (㎡ ㎥ ㎏ ㎞)
    (0xFF00, 0xFFEF),  # Halfwidth and Fullwidth Forms
]


def general_standard_chinese_characters():
    """The 8,105 characters of 通用规范汉字表 (Unihan kTGH, 'YYYY:index')."""
    if not UNIHAN.exists():
        sys.exit(f"{UNIHAN} is missing: apt-get install unicode-data")
    chars = set()
    with bz2.open(UNIHAN, "rt", encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 3 and parts[1] == "kTGH" and parts[2].startswith("2013:"):
                chars.add(int(parts[0][2:], 16))
    if len(chars) != 8105:
        sys.exit(f"expected 8,105 kTGH characters in {UNIHAN}, found {len(chars)}")
    return chars


def gb2312():
    """Every character GB 2312 encodes (rows 1-9 symbols, rows 16-87 hanzi)."""
    chars = set()
    for row in range(0xA1, 0xFF):
        for cell in range(0xA1, 0xFF):
            try:
                s = bytes([row, cell]).decode("gb2312")
            except UnicodeDecodeError:
                continue
            chars.add(ord(s))
    if len(chars) != 7445:
        sys.exit(f"expected 7,445 GB 2312 characters, found {len(chars)}")
    return chars


def format4(mapping):
    """A cmap format 4 subtable with few segments: one per cluster of characters, its glyph ids
    in the glyphIdArray (0 for the characters left out). fontTools would write one segment per
    run of consecutive characters, about 4,000 here, and printpdf's cmap lookup (allsorts
    `CmapSubtable::map_glyph`, once per character drawn) walks the segments one by one."""
    cps = sorted(mapping)
    segments = []  # (start, end)
    start = prev = cps[0]
    for cp in cps[1:]:
        if cp - prev > 32:  # a gap this wide is cheaper as a segment break than as zeros
            segments.append((start, prev))
            start = cp
        prev = cp
    segments.append((start, prev))
    segments.append((0xFFFF, 0xFFFF))
    n = len(segments)
    ends, starts, deltas, offsets, glyphs = [], [], [], [], []
    for i, (a, b) in enumerate(segments):
        ends.append(b)
        starts.append(a)
        if a == 0xFFFF:
            deltas.append(1)
            offsets.append(0)
            continue
        deltas.append(0)
        offsets.append(2 * (n - i) + 2 * len(glyphs))
        glyphs.extend(mapping.get(cp, 0) for cp in range(a, b + 1))
    search = 2 ** (n.bit_length() - 1) * 2
    header_len = 16 + 8 * n
    length = header_len + 2 * len(glyphs)
    if length > 0xFFFF:
        sys.exit(f"cmap format 4 subtable too long: {length} bytes")
    body = struct.pack(
        ">HHHHHHH", 4, length, 0, 2 * n, search, (search // 2).bit_length() - 1, 2 * n - search
    )
    body += struct.pack(f">{n}H", *ends) + b"\0\0" + struct.pack(f">{n}H", *starts)
    body += struct.pack(f">{n}h", *deltas) + struct.pack(f">{n}H", *offsets)
    body += struct.pack(f">{len(glyphs)}H", *glyphs)
    return body


def replace_cmap(font, mapping):
    """The cmap of `font` as one format 4 subtable, for (0, 3) and (3, 1)."""
    from fontTools.ttLib.tables.DefaultTable import DefaultTable

    sub = format4(mapping)
    header = struct.pack(">HH", 0, 2)
    offset = 4 + 2 * 8
    header += struct.pack(">HHI", 0, 3, offset) + struct.pack(">HHI", 3, 1, offset)
    table = DefaultTable("cmap")
    table.data = header + sub
    font["cmap"] = table


def main():
    wanted = general_standard_chinese_characters() | gb2312()
    for lo, hi in BLOCKS:
        wanted.update(range(lo, hi + 1))
    for weight in ("Regular", "Bold"):
        src = FONTS / f"NotoSansSC-{weight}.ttf"
        dst = FONTS / f"NotoSansSC-{weight}-Common.ttf"
        # Keep head's bounding box and timestamp as in the full face: the PDF's FontBBox comes
        # from it, and poppler rasterises a large title a hair differently with a tighter box.
        font = TTFont(src, recalcBBoxes=False, recalcTimestamp=False)
        cmap = font.getBestCmap()
        # The common face is BMP-only (see `format4`); a supplementary character of the
        # tables (196 of 通用规范汉字表's, Extension B and later) prints from the full face.
        covered = sorted(cp for cp in wanted if cp in cmap and cp <= 0xFFFF)
        options = subset.Options()
        options.layout_features = []
        options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "vhea", "vmtx", "VORG", "STAT"]
        options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]
        options.name_languages = ["*"]
        options.notdef_outline = True
        options.glyph_names = False
        options.hinting = True
        options.recalc_bounds = False
        options.recalc_timestamp = False
        options.prune_unicode_ranges = False
        options.prune_codepage_ranges = False
        sub = subset.Subsetter(options)
        sub.populate(unicodes=covered)
        sub.subset(font)
        mapping = {cp: font.getGlyphID(name) for cp, name in font.getBestCmap().items()}
        replace_cmap(font, mapping)
        font.save(dst)
        check = TTFont(dst).getBestCmap()
        if {cp: name for cp, name in check.items() if name != ".notdef"}.keys() != mapping.keys():
            sys.exit(f"{dst}: the written cmap does not map the common set")
        print(
            f"{dst.relative_to(ROOT)}: {len(covered)} of {len(wanted)} characters, "
            f"{font['maxp'].numGlyphs} glyphs, {dst.stat().st_size:,} bytes"
        )


if __name__ == "__main__":
    main()
