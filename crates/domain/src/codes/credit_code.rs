//! 统一社会信用代码: the 18-character code of every organisation (GB 32100-2015), with its
//! check character and the embedded organisation code's own check (GB 11714-1997).

use serde::{Deserialize, Serialize};
use std::fmt;
use thiserror::Error;

/// The 31 characters of GB 32100-2015 in value order (I, O, Z, S and V are never used).
pub const ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
const LEN: usize = 18;

/// 登记管理部门 (position 1) with the 机构类别 (position 2) each may issue, as assigned under
/// GB 32100-2015 (1, 5, 9, Y in the standard; the others by later assignment).
const AUTHORITIES: [(u8, &str, &str); 12] = [
    (b'1', "机构编制", "1239"),
    (b'2', "外交", "19"),
    (b'3', "司法行政", "123459"),
    (b'4', "文化", "19"),
    (b'5', "民政", "1239"),
    (b'6', "旅游", "129"),
    (b'7', "宗教", "129"),
    (b'8', "工会", "19"),
    (b'9', "工商（市场监管）", "123"),
    (b'A', "中央军委改革和编制办公室", "19"),
    (b'N', "农业", "1239"),
    (b'Y', "其他", "1"),
];

/// Why a text is not a valid unified social credit code. Positions count from 1.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CreditCodeError {
    #[error("统一社会信用代码为空")]
    Empty,
    #[error("统一社会信用代码应为18位，实际为{actual}位")]
    WrongLength { actual: usize },
    #[error(
        "统一社会信用代码第{position}位“{found}”不是有效字符（只用数字和除I、O、Z、S、V以外的大写字母）"
    )]
    InvalidCharacter { position: usize, found: char },
    #[error("统一社会信用代码第1位“{found}”不是已知的登记管理部门代码")]
    UnknownRegistrationAuthority { found: char },
    #[error("统一社会信用代码第2位“{found}”不是登记管理部门“{authority}”的机构类别代码")]
    UnknownOrganisationType { authority: String, found: char },
    #[error("统一社会信用代码第{position}位“{found}”不是数字（第3至8位是行政区划代码）")]
    RegionNotDigits { position: usize, found: char },
    #[error("统一社会信用代码校验码错误：第18位应为“{expected}”，实际为“{found}”，请核对代码")]
    WrongCheckCharacter { expected: char, found: char },
    #[error(
        "统一社会信用代码中的组织机构代码（第9至17位）校验不通过：第17位应为“{expected}”，实际为“{found}”"
    )]
    WrongOrganisationCodeCheck { expected: char, found: char },
}

/// 统一社会信用代码 (GB 32100-2015): 登记管理部门 (1), 机构类别 (1), 登记管理机关行政区划码 (6),
/// 主体标识码/组织机构代码 (9, with its own GB 11714 check), 校验码 (1).
///
/// Lower-case input is accepted and stored upper-case, since people copy codes from documents
/// in either case and the standard's alphabet has no case distinction.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
#[serde(try_from = "String", into = "String")]
pub struct CreditCode(String);

fn value(c: u8) -> Option<u32> {
    ALPHABET
        .bytes()
        .position(|a| a == c)
        .and_then(|v| u32::try_from(v).ok())
}

fn alphabet_char(v: u32) -> char {
    ALPHABET
        .as_bytes()
        .get(v as usize)
        .map_or('0', |b| char::from(*b))
}

/// GB 11714 values: digits as themselves, letters A-Z as 10-35.
fn org_value(c: u8) -> u32 {
    match c {
        b'0'..=b'9' => u32::from(c - b'0'),
        b'A'..=b'Z' => u32::from(c - b'A') + 10,
        _ => 0,
    }
}

impl CreditCode {
    /// Parse a code: surrounding whitespace is ignored and lower case is upper-cased; both
    /// check characters are verified.
    pub fn parse(s: &str) -> Result<Self, CreditCodeError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(CreditCodeError::Empty);
        }
        let count = s.chars().count();
        if count != LEN {
            return Err(CreditCodeError::WrongLength { actual: count });
        }
        if let Some((i, c)) = s
            .chars()
            .enumerate()
            .find(|(_, c)| !c.is_ascii() || value(c.to_ascii_uppercase() as u8).is_none())
        {
            return Err(CreditCodeError::InvalidCharacter {
                position: i + 1,
                found: c,
            });
        }
        let upper = s.to_ascii_uppercase();
        let b = upper.as_bytes();
        let at = |i: usize| b.get(i).copied().unwrap_or(b'0');
        let (_, authority, types) = AUTHORITIES
            .iter()
            .find(|(code, _, _)| *code == at(0))
            .ok_or(CreditCodeError::UnknownRegistrationAuthority {
                found: char::from(at(0)),
            })?;
        if !types.as_bytes().contains(&at(1)) {
            return Err(CreditCodeError::UnknownOrganisationType {
                authority: (*authority).to_owned(),
                found: char::from(at(1)),
            });
        }
        if let Some(i) = (2..8).find(|&i| !at(i).is_ascii_digit()) {
            return Err(CreditCodeError::RegionNotDigits {
                position: i + 1,
                found: char::from(at(i)),
            });
        }
        let expected = Self::check_character(upper.get(..17).unwrap_or(""));
        if char::from(at(17)) != expected {
            return Err(CreditCodeError::WrongCheckCharacter {
                expected,
                found: char::from(at(17)),
            });
        }
        let expected = organisation_check(b.get(8..16).unwrap_or(&[]));
        if char::from(at(16)) != expected {
            return Err(CreditCodeError::WrongOrganisationCodeCheck {
                expected,
                found: char::from(at(16)),
            });
        }
        Ok(CreditCode(upper))
    }

    /// The check character (position 18) of the first 17 characters.
    ///
    /// Characters outside the alphabet count as 0 and a short prefix is padded with zeros, so
    /// this never fails; `parse` refuses such input before it gets here.
    pub fn check_character(first17: &str) -> char {
        let sum: u32 = first17
            .bytes()
            .map(|c| c.to_ascii_uppercase())
            .zip(WEIGHTS)
            .map(|(c, w)| value(c).unwrap_or(0) * w)
            .sum();
        alphabet_char((31 - sum % 31) % 31)
    }

    /// The check character (position 17) of an organisation code's first 8 characters
    /// (GB 11714: weights 3,7,9,10,5,8,4,2; 10 is written X, 11 is written 0).
    pub fn organisation_check_character(first8: &str) -> char {
        organisation_check(&first8.to_ascii_uppercase().into_bytes())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// 登记管理部门代码 (position 1).
    pub fn registration_authority(&self) -> char {
        self.char_at(0)
    }

    /// 机构类别代码 (position 2), e.g. `1` 企业 under authority `9`.
    pub fn organisation_type(&self) -> char {
        self.char_at(1)
    }

    /// 登记管理机关行政区划码 (positions 3-8); any province, builders come from anywhere.
    pub fn region(&self) -> &str {
        self.0.get(2..8).unwrap_or("")
    }

    /// 主体标识码 (组织机构代码, positions 9-17).
    pub fn organisation_code(&self) -> &str {
        self.0.get(8..17).unwrap_or("")
    }

    /// For logs: the first four and last two characters, e.g. `9123************5X`.
    pub fn masked(&self) -> String {
        let head = self.0.get(..4).unwrap_or("");
        let tail = self.0.get(16..).unwrap_or("");
        format!("{head}{}{tail}", "*".repeat(12))
    }

    fn char_at(&self, i: usize) -> char {
        self.0.as_bytes().get(i).map_or('0', |b| char::from(*b))
    }
}

fn organisation_check(first8: &[u8]) -> char {
    let sum: u32 = first8
        .iter()
        .zip(ORG_WEIGHTS)
        .map(|(c, w)| org_value(*c) * w)
        .sum();
    match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        d => char::from_digit(d, 10).unwrap_or('0'),
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for CreditCode {
    type Error = CreditCodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<CreditCode> for String {
    fn from(c: CreditCode) -> String {
        c.0
    }
}

impl std::str::FromStr for CreditCode {
    type Err = CreditCodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}
