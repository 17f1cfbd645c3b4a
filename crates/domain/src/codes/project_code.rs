//! 项目代码: the 24-character code the investment platform (黑龙江省投资项目在线审批监管平台)
//! assigns to every fixed-asset investment project, GB/T 40058-2021.

use super::region::{Division, PROVINCE_PREFIX, RegionCode, heilongjiang_division};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::fmt;
use thiserror::Error;

/// First year the national platform assigned codes (2014-2015); earlier years cannot occur.
pub const FIRST_CODE_YEAR: u16 = 2014;
/// Upper bound for a plausible assignment year.
pub const LAST_CODE_YEAR: u16 = 2100;

const LEN: usize = 24;
const HYPHENS: [usize; 4] = [5, 12, 15, 18];

/// The segments of `YYYY-AAAAAA-II-TT-RRRRRC`, as named in refusals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ProjectCodeSegment {
    /// 时间代码 (positions 1-4)
    Year,
    /// 地区代码 (positions 6-11)
    Region,
    /// 中央业务指导部门代码 (positions 13-14)
    Department,
    /// 项目类型代码 (positions 16-17)
    ProjectType,
    /// 随机码 and 校验码 (positions 19-24)
    Serial,
}

impl ProjectCodeSegment {
    pub fn label(self) -> &'static str {
        match self {
            Self::Year => "赋码年份",
            Self::Region => "行政区划代码",
            Self::Department => "部门代码",
            Self::ProjectType => "项目类型代码",
            Self::Serial => "随机码和校验码",
        }
    }
}

impl fmt::Display for ProjectCodeSegment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Why a text is not a valid Heilongjiang project code. Positions count from 1.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProjectCodeError {
    #[error("项目代码为空")]
    Empty,
    #[error("项目代码第{position}位“{found}”不是半角字符，请使用半角数字、大写字母和连字符“-”")]
    NotHalfWidth { position: usize, found: char },
    #[error("项目代码应为24位，实际为{actual}位")]
    WrongLength { actual: usize },
    #[error("项目代码第{position}位应为连字符“-”，实际为“{found}”")]
    MissingHyphen { position: usize, found: char },
    #[error("项目代码第{position}位“{found}”不是数字（{segment}应为数字）")]
    NotDigit {
        segment: ProjectCodeSegment,
        position: usize,
        found: char,
    },
    #[error("项目代码的赋码年份{year}不在{FIRST_CODE_YEAR}至{LAST_CODE_YEAR}年之间")]
    YearOutOfRange { year: u16 },
    #[error("项目代码的行政区划代码{region}不属于黑龙江省（黑龙江省的代码以23开头）")]
    NotInHeilongjiang { region: String },
    #[error("项目代码的行政区划代码{region}不是黑龙江省已知的行政区划")]
    UnknownDivision { region: String },
    #[error("项目代码的行政区划代码{region}（{name}）在{year}年不能用于赋码（{validity}）")]
    DivisionNotInForce {
        region: String,
        name: String,
        year: u16,
        validity: String,
    },
    #[error("项目代码第{position}位“{found}”是小写字母，随机码和校验码只用大写字母和数字")]
    LowercaseLetter { position: usize, found: char },
    #[error("项目代码第{position}位“{found}”不是字母或数字（随机码和校验码只用大写字母和数字）")]
    InvalidSerialCharacter { position: usize, found: char },
}

/// 项目代码 (GB/T 40058-2021), `YYYY-AAAAAA-II-TT-RRRRRC`: year assigned, region, the
/// central guiding department, project type, five random characters and a check character.
///
/// The check algorithm is not public, so the check character is not verified; everything
/// else is, and the region must be a division of Heilongjiang in force in the year assigned.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
#[serde(try_from = "String", into = "String")]
pub struct ProjectCode {
    text: String,
    year: u16,
    region: RegionCode,
}

impl ProjectCode {
    /// Parse a code; surrounding whitespace is ignored, nothing else is forgiven (a full-width
    /// hyphen or a lower-case letter is refused, saying where it is).
    pub fn parse(s: &str) -> Result<Self, ProjectCodeError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(ProjectCodeError::Empty);
        }
        if let Some((i, c)) = s.chars().enumerate().find(|(_, c)| !c.is_ascii()) {
            return Err(ProjectCodeError::NotHalfWidth {
                position: i + 1,
                found: c,
            });
        }
        // ASCII from here on: byte index = character index.
        let b = s.as_bytes();
        if b.len() != LEN {
            return Err(ProjectCodeError::WrongLength { actual: b.len() });
        }
        let at = |pos: usize| char::from(b.get(pos - 1).copied().unwrap_or(b' '));
        for pos in HYPHENS {
            if at(pos) != '-' {
                return Err(ProjectCodeError::MissingHyphen {
                    position: pos,
                    found: at(pos),
                });
            }
        }
        let digits = |segment, range: std::ops::RangeInclusive<usize>| {
            range
                .map(|pos| (pos, at(pos)))
                .find(|(_, c)| !c.is_ascii_digit())
                .map_or(Ok(()), |(position, found)| {
                    Err(ProjectCodeError::NotDigit {
                        segment,
                        position,
                        found,
                    })
                })
        };
        digits(ProjectCodeSegment::Year, 1..=4)?;
        digits(ProjectCodeSegment::Region, 6..=11)?;
        digits(ProjectCodeSegment::Department, 13..=14)?;
        digits(ProjectCodeSegment::ProjectType, 16..=17)?;
        for pos in 19..=24 {
            let c = at(pos);
            if c.is_ascii_lowercase() {
                return Err(ProjectCodeError::LowercaseLetter {
                    position: pos,
                    found: c,
                });
            }
            if !c.is_ascii_alphanumeric() {
                return Err(ProjectCodeError::InvalidSerialCharacter {
                    position: pos,
                    found: c,
                });
            }
        }
        let year: u16 = s.get(0..4).and_then(|y| y.parse().ok()).unwrap_or(0);
        if !(FIRST_CODE_YEAR..=LAST_CODE_YEAR).contains(&year) {
            return Err(ProjectCodeError::YearOutOfRange { year });
        }
        let region = s.get(5..11).unwrap_or("");
        if !region.starts_with(PROVINCE_PREFIX) {
            return Err(ProjectCodeError::NotInHeilongjiang {
                region: region.to_owned(),
            });
        }
        let division =
            heilongjiang_division(region).ok_or_else(|| ProjectCodeError::UnknownDivision {
                region: region.to_owned(),
            })?;
        if !division.in_force_in(year) {
            return Err(ProjectCodeError::DivisionNotInForce {
                region: division.code.to_owned(),
                name: division.name.to_owned(),
                year,
                validity: validity(division),
            });
        }
        Ok(ProjectCode {
            text: s.to_owned(),
            year,
            region: RegionCode::from_division(division),
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// 赋码年份.
    pub fn year(&self) -> u16 {
        self.year
    }

    /// 地区代码: the Heilongjiang division the code was assigned in.
    pub fn region(&self) -> RegionCode {
        self.region
    }

    /// 中央业务指导部门代码 (2 digits).
    pub fn department(&self) -> &str {
        self.text.get(12..14).unwrap_or("")
    }

    /// 项目类型代码 (2 digits).
    pub fn project_type(&self) -> &str {
        self.text.get(15..17).unwrap_or("")
    }

    /// 随机码 (5 characters) followed by the unverified 校验码.
    pub fn serial(&self) -> &str {
        self.text.get(18..24).unwrap_or("")
    }
}

fn validity(d: &Division) -> String {
    match (d.since, d.until) {
        (Some(s), Some(u)) => format!("{s}年至{u}年有效"),
        (Some(s), None) => format!("{s}年设立"),
        (None, Some(u)) => format!("{u}年后已撤销"),
        (None, None) => "一直有效".to_owned(),
    }
}

impl fmt::Display for ProjectCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl PartialOrd for ProjectCode {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ProjectCode {
    fn cmp(&self, other: &Self) -> Ordering {
        self.text.cmp(&other.text)
    }
}

impl TryFrom<String> for ProjectCode {
    type Error = ProjectCodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<ProjectCode> for String {
    fn from(c: ProjectCode) -> String {
        c.text
    }
}

impl std::str::FromStr for ProjectCode {
    type Err = ProjectCodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}
