//! Text measurement and line breaking for Chinese documents (中文排版禁则): which characters
//! may not start or end a line, where Latin words may break, and how wide a run of text is.

/// Advance widths of a font, in ems (multiply by the font size in points).
pub trait Measure {
    fn advance(&self, ch: char, bold: bool) -> f32;
}

/// Width of `text` in points at `size`.
pub fn text_width(m: &impl Measure, text: &str, size: f32, bold: bool) -> f32 {
    text.chars().map(|c| m.advance(c, bold)).sum::<f32>() * size
}

/// Characters that may not begin a line (行首禁则): closing brackets and quotes, sentence
/// and clause punctuation, and marks that belong to what precedes them.
pub const NO_LINE_START: &str =
    "，。、；：！？）」』】》〉〕〗］｝”’…—·％‰,.;:!?)]}%－～〜ー々〆ゝゞ";

/// Characters that may not end a line (行尾禁则): opening brackets and quotes.
pub const NO_LINE_END: &str = "（「『【《〈〔〖［｛“‘([{￥$#";

fn is_cjk(c: char) -> bool {
    matches!(u32::from(c),
        0x2E80..=0x2FDF | 0x3000..=0x303F | 0x3040..=0x30FF | 0x3100..=0x312F | 0x31A0..=0x31FF
        | 0x3200..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF
        | 0x20000..=0x3FFFF)
}

#[derive(Debug)]
enum Token {
    Space,
    Newline,
    /// Text that is never split unless it alone is wider than a line.
    Word(String),
}

fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut Vec<Token>| {
        if !word.is_empty() {
            out.push(Token::Word(std::mem::take(word)));
        }
    };
    for c in text.chars() {
        if c == '\n' {
            flush(&mut word, &mut out);
            out.push(Token::Newline);
        } else if c == ' ' || c == '\t' {
            flush(&mut word, &mut out);
            out.push(Token::Space);
        } else if is_cjk(c) || NO_LINE_START.contains(c) || NO_LINE_END.contains(c) {
            // Every CJK character is a break opportunity; ASCII punctuation ends a Latin word
            // here too so the gluing below treats both scripts alike.
            flush(&mut word, &mut out);
            out.push(Token::Word(c.to_string()));
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// Unbreakable clusters: a Latin word or one CJK character, with any line-start-forbidden
/// characters after it and any line-end-forbidden characters before it glued on.
fn clusters(text: &str) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    for t in tokens(text) {
        match t {
            Token::Word(w) => {
                let first = w.chars().next().unwrap_or(' ');
                if let Some(Token::Word(prev)) = out.last_mut() {
                    let prev_last = prev.chars().last().unwrap_or(' ');
                    if NO_LINE_START.contains(first) || NO_LINE_END.contains(prev_last) {
                        prev.push_str(&w);
                        continue;
                    }
                }
                out.push(Token::Word(w));
            }
            other => out.push(other),
        }
    }
    out
}

/// Break `text` into lines no wider than `max_width` points. Always returns at least one line.
pub fn wrap(m: &impl Measure, text: &str, size: f32, bold: bool, max_width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut width = 0.0f32;
    let mut pending_space = false;
    let space = m.advance(' ', bold) * size;
    let eps = 0.01;
    for t in clusters(text) {
        match t {
            Token::Newline => {
                lines.push(std::mem::take(&mut line));
                width = 0.0;
                pending_space = false;
            }
            Token::Space => pending_space = !line.is_empty(),
            Token::Word(w) => {
                let ww = text_width(m, &w, size, bold);
                let lead = if pending_space { space } else { 0.0 };
                if width + lead + ww <= max_width + eps {
                    if pending_space {
                        line.push(' ');
                    }
                    line.push_str(&w);
                    width += lead + ww;
                } else {
                    if !line.is_empty() {
                        lines.push(std::mem::take(&mut line));
                        width = 0.0;
                    }
                    if ww <= max_width + eps {
                        line.push_str(&w);
                        width = ww;
                    } else {
                        // Wider than a whole line: split by characters, at least one per line.
                        for c in w.chars() {
                            let cw = m.advance(c, bold) * size;
                            if width + cw > max_width + eps && !line.is_empty() {
                                lines.push(std::mem::take(&mut line));
                                width = 0.0;
                            }
                            line.push(c);
                            width += cw;
                        }
                    }
                }
                pending_space = false;
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// A monospace model: CJK is 1 em, everything else half an em.
    struct Mono;
    impl Measure for Mono {
        fn advance(&self, ch: char, _bold: bool) -> f32 {
            if is_cjk(ch) { 1.0 } else { 0.5 }
        }
    }

    fn w(text: &str, ems: f32) -> Vec<String> {
        wrap(&Mono, text, 10.0, false, ems * 10.0)
    }

    #[test]
    fn breaks_follow_chinese_line_breaking_rules() {
        let cases: &[(&str, f32, &[&str])] = &[
            ("建设工程规划许可证", 4.0, &["建设工程", "规划许可", "证"]),
            // 。 may not start a line: the last character moves down with it.
            ("申请材料齐全。", 5.0, &["申请材料齐", "全。"]),
            ("受理，办结", 2.0, &["受", "理，", "办结"]),
            // （ may not end a line: it moves down with what it opens.
            ("材料（原件）一份", 3.0, &["材料", "（原", "件）一", "份"]),
            ("一二（三", 3.0, &["一二", "（三"]),
            ("甲》、乙", 3.0, &["甲》、", "乙"]),
            ("“批复”文件", 2.5, &["“批", "复”文", "件"]),
            ("", 5.0, &[""]),
            ("第一行\n第二行", 10.0, &["第一行", "第二行"]),
        ];
        for (text, ems, want) in cases {
            assert_eq!(w(text, *ems), *want, "{text} at {ems} em");
        }
    }

    #[test]
    fn latin_words_stay_whole_when_they_fit() {
        let cases: &[(&str, f32, &[&str])] = &[
            (
                "PermitDesk online approval",
                6.0,
                &["PermitDesk", "online", "approval"],
            ),
            (
                "编码2024-230102-48-01-123456",
                13.0,
                &["编码", "2024-230102-48-01-123456"],
            ),
            // A word wider than the line is split by characters, never dropped.
            ("ABCDEFGHIJ", 2.0, &["ABCD", "EFGH", "IJ"]),
            ("a b", 10.0, &["a b"]),
            ("资料 data", 3.0, &["资料", "data"]),
        ];
        for (text, ems, want) in cases {
            assert_eq!(w(text, *ems), *want, "{text} at {ems} em");
        }
    }

    #[test]
    fn no_line_breaks_a_rule_and_no_character_is_lost() {
        let text = "根据《哈尔滨市工程建设项目全流程在线审批管理规程（试行）》，申请人应当一次性提交：营业执照（副本）、项目代码、规划许可证。逾期未补正的，视为撤回申请！";
        // From 5 em on, every glued cluster (at most 4 em here) fits on a line.
        for ems in 5..30 {
            let lines = w(text, ems as f32);
            assert_eq!(lines.concat(), text, "at {ems} em");
            for (i, l) in lines.iter().enumerate() {
                let first = l.chars().next().unwrap();
                let last = l.chars().last().unwrap();
                assert!(
                    i == 0 || !NO_LINE_START.contains(first),
                    "line {l} starts with {first} at {ems} em"
                );
                assert!(
                    i + 1 == lines.len() || !NO_LINE_END.contains(last),
                    "line {l} ends with {last} at {ems} em"
                );
            }
        }
    }

    #[test]
    fn lines_never_exceed_the_width() {
        let text = "行政审批、备案事项办理情况统计表（2024年第三季度）共计128件";
        for ems in 3..20 {
            for l in w(text, ems as f32) {
                assert!(
                    text_width(&Mono, &l, 10.0, false) <= ems as f32 * 10.0 + 0.01,
                    "{l}"
                );
            }
        }
    }
}
