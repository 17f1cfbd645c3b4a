//! 联系电话: mainland Chinese mobile numbers and landlines with their area code, parsed from
//! the many ways people write them and kept in one normalised form.

use serde::{Deserialize, Serialize};
use std::fmt;
use thiserror::Error;

/// 哈尔滨 area code; its numbers have had 8 digits since 2008.
pub const HARBIN_AREA_CODE: &str = "0451";
const MAX_EXTENSION: usize = 6;

/// Why a text is not a usable phone number. Positions count from 1.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PhoneNumberError {
    #[error("电话号码为空")]
    Empty,
    #[error("电话号码第{position}位“{found}”不是有效字符（请使用半角数字，可用空格或“-”分隔）")]
    InvalidCharacter { position: usize, found: char },
    #[error("只受理中国大陆电话号码（国家代码+86），“{found}”不是")]
    UnsupportedCountryCode { found: String },
    #[error("手机号码应为11位，实际为{actual}位")]
    MobileWrongLength { actual: usize },
    #[error("手机号码应以13至19开头，实际以{prefix}开头")]
    MobileBadPrefix { prefix: String },
    #[error("手机号码不能带分机号")]
    MobileWithExtension,
    #[error("区号{area}无效")]
    UnknownAreaCode { area: String },
    #[error("区号{area}之后的电话号码应为{expected}位，实际为{actual}位")]
    SubscriberWrongLength {
        area: String,
        expected: &'static str,
        actual: usize,
    },
    #[error("区号之后的电话号码不能以“{found}”开头")]
    SubscriberBadStart { found: char },
    #[error("固定电话应带区号，例如0451-12345678")]
    MissingAreaCode,
    #[error("分机号应为1至{MAX_EXTENSION}位数字，实际为“{extension}”")]
    BadExtension { extension: String },
}

/// 电话号码: a mobile number (`13812345678`) or a landline with its area code
/// (`0451-12345678`, optionally `0451-12345678-801` with an extension).
///
/// Accepted input: spaces, hyphens and parentheses as separators, a `+86`/`0086` prefix, and
/// an extension after `转`, `ext`, `#` or a third hyphen group.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn parse(s: &str) -> Result<Self, PhoneNumberError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(PhoneNumberError::Empty);
        }
        let (main, extension) = split_extension(s);
        for (i, c) in main.chars().enumerate() {
            let allowed =
                c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')') || (c == '+' && i == 0);
            if !allowed {
                return Err(PhoneNumberError::InvalidCharacter {
                    position: i + 1,
                    found: c,
                });
            }
        }
        // A third hyphen group after an area code and a whole number is an extension
        // (0451-86331234-801); after a split number it is not (0451-8633-1234).
        let groups: Vec<&str> = main.split('-').map(str::trim).collect();
        let (main, extension) = match (extension, groups.as_slice()) {
            (None, [area, number, ext])
                if is_area_code(area)
                    && matches!(number.len(), 7 | 8)
                    && number.bytes().all(|b| b.is_ascii_digit()) =>
            {
                (format!("{area}{number}"), Some((*ext).to_owned()))
            }
            (ext, _) => (main.to_owned(), ext),
        };
        let mut digits: String = main.chars().filter(char::is_ascii_digit).collect();
        if let Some(rest) = international(&main, &digits)? {
            digits = rest;
        }
        let bad = |e: &&String| {
            e.is_empty() || e.len() > MAX_EXTENSION || !e.bytes().all(|b| b.is_ascii_digit())
        };
        if let Some(ext) = extension.as_ref().filter(bad) {
            return Err(PhoneNumberError::BadExtension {
                extension: ext.clone(),
            });
        }
        match digits.as_bytes().first() {
            None => Err(PhoneNumberError::Empty),
            Some(b'1') => {
                if extension.is_some() {
                    return Err(PhoneNumberError::MobileWithExtension);
                }
                if digits.len() != 11 {
                    return Err(PhoneNumberError::MobileWrongLength {
                        actual: digits.len(),
                    });
                }
                if !matches!(digits.as_bytes().get(1), Some(b'3'..=b'9')) {
                    return Err(PhoneNumberError::MobileBadPrefix {
                        prefix: digits.get(..2).unwrap_or("").to_owned(),
                    });
                }
                Ok(PhoneNumber(digits))
            }
            Some(b'0') => landline(&digits, extension.as_deref()),
            Some(_) => Err(PhoneNumberError::MissingAreaCode),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// 手机号码 (as opposed to 固定电话).
    pub fn is_mobile(&self) -> bool {
        self.0.starts_with('1')
    }

    /// 区号 of a landline, e.g. `0451`.
    pub fn area_code(&self) -> Option<&str> {
        if self.is_mobile() {
            None
        } else {
            self.0.split('-').next()
        }
    }

    /// 分机号 of a landline.
    pub fn extension(&self) -> Option<&str> {
        self.0.split('-').nth(2)
    }

    /// For logs: all but the last four digits of the subscriber number hidden, e.g.
    /// `138****5678` or `0451-****5678`.
    pub fn masked(&self) -> String {
        if self.is_mobile() {
            let head = self.0.get(..3).unwrap_or("");
            let tail = self.0.get(7..).unwrap_or("");
            return format!("{head}****{tail}");
        }
        let mut parts = self.0.split('-');
        let area = parts.next().unwrap_or("");
        let number = parts.next().unwrap_or("");
        let tail = number.get(number.len().saturating_sub(4)..).unwrap_or("");
        let stars = "*".repeat(number.len().saturating_sub(4));
        match parts.next() {
            Some(ext) => format!("{area}-{stars}{tail}-{ext}"),
            None => format!("{area}-{stars}{tail}"),
        }
    }
}

fn is_area_code(group: &str) -> bool {
    let g = group.trim_start_matches('(').trim_end_matches(')');
    matches!(g.len(), 3 | 4)
        && g.starts_with('0')
        && !g.starts_with("00")
        && g.bytes().all(|b| b.is_ascii_digit())
}

/// Split off an extension written with an explicit marker.
fn split_extension(s: &str) -> (&str, Option<String>) {
    let lower = s.to_ascii_lowercase();
    let marker = ["转", "ext.", "ext", "#"]
        .iter()
        .find_map(|m| lower.find(m).map(|i| (i, m.len())));
    match marker {
        Some((i, len)) => {
            let ext = s
                .get(i + len..)
                .unwrap_or("")
                .trim()
                .trim_start_matches([':', '：'])
                .trim();
            (
                s.get(..i).unwrap_or("").trim_end().trim_end_matches('-'),
                Some(ext.to_owned()),
            )
        }
        None => (s, None),
    }
}

/// Strip `+86`, `0086` or a bare `86` before a mobile number; an area code written after the
/// country code loses its leading 0, which is restored.
fn international(main: &str, digits: &str) -> Result<Option<String>, PhoneNumberError> {
    let rest = if main.starts_with('+') {
        match digits.strip_prefix("86") {
            Some(rest) => rest,
            None => {
                return Err(PhoneNumberError::UnsupportedCountryCode {
                    found: main.to_owned(),
                });
            }
        }
    } else if let Some(rest) = digits.strip_prefix("0086") {
        rest
    } else if digits.len() == 13 && digits.starts_with("861") {
        &digits[2..]
    } else if digits.starts_with("00") {
        return Err(PhoneNumberError::UnsupportedCountryCode {
            found: main.to_owned(),
        });
    } else {
        return Ok(None);
    };
    Ok(Some(match rest.as_bytes().first() {
        Some(b'1') | Some(b'0') | None => rest.to_owned(),
        Some(_) => format!("0{rest}"),
    }))
}

fn landline(digits: &str, extension: Option<&str>) -> Result<PhoneNumber, PhoneNumberError> {
    let b = digits.as_bytes();
    // 010 and 02X are the only 3-digit area codes; every other one has 4 digits (0[3-9]XX).
    let area_len = match b.get(1) {
        Some(b'1') if b.get(2) == Some(&b'0') => 3,
        Some(b'2') => 3,
        Some(b'3'..=b'9') => 4,
        _ => {
            return Err(PhoneNumberError::UnknownAreaCode {
                area: digits.get(..3.min(digits.len())).unwrap_or("").to_owned(),
            });
        }
    };
    if digits.len() < area_len {
        return Err(PhoneNumberError::UnknownAreaCode {
            area: digits.to_owned(),
        });
    }
    let (area, number) = digits.split_at(area_len);
    let (expected, ok) = if area_len == 3 || area == HARBIN_AREA_CODE {
        ("8", number.len() == 8)
    } else {
        ("7或8", matches!(number.len(), 7 | 8))
    };
    if !ok {
        return Err(PhoneNumberError::SubscriberWrongLength {
            area: area.to_owned(),
            expected,
            actual: number.len(),
        });
    }
    if let Some(first @ (b'0' | b'1')) = number.as_bytes().first() {
        return Err(PhoneNumberError::SubscriberBadStart {
            found: char::from(*first),
        });
    }
    Ok(PhoneNumber(match extension {
        Some(ext) => format!("{area}-{number}-{ext}"),
        None => format!("{area}-{number}"),
    }))
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = PhoneNumberError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<PhoneNumber> for String {
    fn from(p: PhoneNumber) -> String {
        p.0
    }
}

impl std::str::FromStr for PhoneNumber {
    type Err = PhoneNumberError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}
