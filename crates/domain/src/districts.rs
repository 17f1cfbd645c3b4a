//! 行政区划 as reference data: the divisions this hall serves for project locations (建设地点
//! 所在行政区划), a list the server owns and every client receives by sync.
//!
//! The file lists prefecture-level cities (地级, e.g. 哈尔滨市) and the county-level divisions
//! under them (区, 县, 县级市); only a county-level division can be a project's location, the
//! prefecture groups them in the registration form. Every code must be a current division of
//! GB/T 2260 in Heilongjiang ([`crate::codes::heilongjiang_division`]) with exactly its name there: the
//! compiled table says what a code is, this list says which of them the hall serves.

use crate::codes::{DivisionLevel, RegionCode, RegionCodeError};
use serde::{Deserialize, Serialize};
use toml::Spanned;

/// The shipped list: 哈尔滨市 and its current county-level divisions.
pub const HARBIN_DISTRICTS_TOML: &str = include_str!("../data/districts/harbin.toml");

/// 行政区划目录: one version of the divisions the hall serves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Districts {
    pub version: String,
    /// In the file's order.
    pub divisions: Vec<ServedDivision>,
}

/// One division of the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ServedDivision {
    /// 6-digit GB/T 2260 code, e.g. `230102`.
    pub code: RegionCode,
    /// The name in GB/T 2260, e.g. `道里区`.
    pub name: String,
    pub level: DivisionLevel,
}

/// A prefecture-level city with the county-level divisions the hall serves under it, in the
/// file's order: what the registration form offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DistrictGroup {
    pub code: RegionCode,
    /// e.g. `哈尔滨市`.
    pub name: String,
    /// The divisions a project may be located in.
    pub districts: Vec<ServedDivision>,
}

/// Why a districts file was refused; each names the line of the entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DistrictsError {
    #[error("第 {line} 行有误：{message}")]
    Syntax { line: usize, message: String },
    #[error("版本号（version）不能为空")]
    EmptyVersion,
    #[error("第 {line} 行：{source}")]
    Code {
        line: usize,
        source: RegionCodeError,
    },
    #[error("第 {line} 行：行政区划 {code}（{name}）已撤销，不能作为项目所在地")]
    Abolished {
        line: usize,
        code: String,
        name: &'static str,
    },
    #[error("第 {line} 行：行政区划 {code} 的名称应为“{expected}”，实际为“{found}”")]
    WrongName {
        line: usize,
        code: String,
        expected: &'static str,
        found: String,
    },
    #[error("第 {line} 行：行政区划 {code} 重复（第 {first_line} 行已列出）")]
    Duplicate {
        line: usize,
        code: String,
        first_line: usize,
    },
    #[error("第 {line} 行：{code}（{name}）是省级行政区划，只能列出地级和县级行政区划")]
    Province {
        line: usize,
        code: String,
        name: &'static str,
    },
    #[error(
        "第 {line} 行：{name}（{code}）所属的{prefecture}（{prefecture_code}）未列出，请一并列出"
    )]
    PrefectureMissing {
        line: usize,
        code: String,
        name: &'static str,
        prefecture: &'static str,
        prefecture_code: &'static str,
    },
    #[error("第 {line} 行：{name}（{code}）下没有列出任何区、县或县级市")]
    EmptyPrefecture {
        line: usize,
        code: String,
        name: &'static str,
    },
    #[error("至少要列出一个县级行政区划（区、县或县级市）")]
    NoCounty,
}

// The file's shape; codes and names are spanned so that every refusal names its line.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDistricts {
    version: String,
    #[serde(default)]
    division: Vec<RawDivision>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDivision {
    code: Spanned<String>,
    name: Spanned<String>,
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset.min(text.len()))
        .map_or(1, |s| s.matches('\n').count() + 1)
}

impl Districts {
    /// The shipped list (哈尔滨市), the bootstrap version.
    pub fn shipped() -> Result<Districts, DistrictsError> {
        Self::from_toml(HARBIN_DISTRICTS_TOML)
    }

    /// Parse and check a districts file (the shape of `data/districts/harbin.toml`): nothing
    /// half-valid is returned.
    pub fn from_toml(text: &str) -> Result<Districts, DistrictsError> {
        let raw: RawDistricts = toml::from_str(text).map_err(|e| DistrictsError::Syntax {
            line: e.span().map_or(1, |s| line_of(text, s.start)),
            message: e.message().trim().to_owned(),
        })?;
        if raw.version.trim().is_empty() {
            return Err(DistrictsError::EmptyVersion);
        }
        let mut divisions: Vec<(usize, ServedDivision)> = Vec::with_capacity(raw.division.len());
        for entry in &raw.division {
            let line = line_of(text, entry.code.span().start);
            let code = RegionCode::parse(entry.code.get_ref())
                .map_err(|source| DistrictsError::Code { line, source })?;
            let table = code.division();
            let code_text = table.code.to_owned();
            if !table.is_current() {
                return Err(DistrictsError::Abolished {
                    line,
                    code: code_text,
                    name: table.name,
                });
            }
            let found = entry.name.get_ref().trim();
            if found != table.name {
                return Err(DistrictsError::WrongName {
                    line: line_of(text, entry.name.span().start),
                    code: code_text,
                    expected: table.name,
                    found: found.to_owned(),
                });
            }
            if let Some((first_line, _)) = divisions.iter().find(|(_, d)| d.code == code) {
                return Err(DistrictsError::Duplicate {
                    line,
                    code: code_text,
                    first_line: *first_line,
                });
            }
            let level = table.level();
            if level == DivisionLevel::Province {
                return Err(DistrictsError::Province {
                    line,
                    code: code_text,
                    name: table.name,
                });
            }
            divisions.push((
                line,
                ServedDivision {
                    code,
                    name: table.name.to_owned(),
                    level,
                },
            ));
        }
        for (line, d) in &divisions {
            let table = d.code.division();
            match d.level {
                DivisionLevel::County => {
                    let prefecture = table.prefecture();
                    let listed = prefecture
                        .is_some_and(|p| divisions.iter().any(|(_, o)| o.code.as_str() == p.code));
                    if let (Some(p), false) = (prefecture, listed) {
                        return Err(DistrictsError::PrefectureMissing {
                            line: *line,
                            code: table.code.to_owned(),
                            name: table.name,
                            prefecture: p.name,
                            prefecture_code: p.code,
                        });
                    }
                }
                DivisionLevel::Prefecture => {
                    let has_county = divisions.iter().any(|(_, o)| {
                        o.level == DivisionLevel::County
                            && o.code.division().prefecture().map(|p| p.code) == Some(table.code)
                    });
                    if !has_county {
                        return Err(DistrictsError::EmptyPrefecture {
                            line: *line,
                            code: table.code.to_owned(),
                            name: table.name,
                        });
                    }
                }
                DivisionLevel::Province => {}
            }
        }
        if !divisions
            .iter()
            .any(|(_, d)| d.level == DivisionLevel::County)
        {
            return Err(DistrictsError::NoCounty);
        }
        Ok(Districts {
            version: raw.version.trim().to_owned(),
            divisions: divisions.into_iter().map(|(_, d)| d).collect(),
        })
    }

    /// The entry of `code`, if listed.
    pub fn get(&self, code: &RegionCode) -> Option<&ServedDivision> {
        self.divisions.iter().find(|d| d.code == *code)
    }

    /// Whether a project may be located in `code`: a county-level division of the list.
    pub fn serves(&self, code: &RegionCode) -> bool {
        self.get(code)
            .is_some_and(|d| d.level == DivisionLevel::County)
    }

    /// The county-level divisions grouped under their prefecture-level city, in the file's
    /// order: what the registration form offers.
    pub fn groups(&self) -> Vec<DistrictGroup> {
        self.divisions
            .iter()
            .filter(|d| d.level == DivisionLevel::Prefecture)
            .map(|p| DistrictGroup {
                code: p.code,
                name: p.name.clone(),
                districts: self
                    .divisions
                    .iter()
                    .filter(|d| {
                        d.level == DivisionLevel::County
                            && d.code.division().prefecture().map(|x| x.code)
                                == Some(p.code.as_str())
                    })
                    .cloned()
                    .collect(),
            })
            .collect()
    }

    /// What changed from `self` to `new`, one Chinese line per difference.
    pub fn diff(&self, new: &Districts) -> Vec<String> {
        let mut out = vec![];
        if self.version != new.version {
            out.push(format!("版本 {} 改为 {}", self.version, new.version));
        }
        for d in &self.divisions {
            if new.get(&d.code).is_none() {
                out.push(format!("删除行政区划 {}（{}）", d.name, d.code));
            }
        }
        for d in &new.divisions {
            if self.get(&d.code).is_none() {
                out.push(format!("新增行政区划 {}（{}）", d.name, d.code));
            }
        }
        out
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    const HEAD: &str = "version = \"t\"\n";

    fn entry(code: &str, name: &str) -> String {
        format!("[[division]]\ncode = \"{code}\"\nname = \"{name}\"\n")
    }

    fn file(entries: &[(&str, &str)]) -> String {
        let mut s = HEAD.to_owned();
        for (c, n) in entries {
            s.push_str(&entry(c, n));
        }
        s
    }

    #[test]
    fn the_shipped_list_is_harbin_and_its_current_county_level_divisions() {
        let d = Districts::shipped().unwrap();
        let groups = d.groups();
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].name, "哈尔滨市");
        let harbin_now: Vec<&str> = crate::codes::HEILONGJIANG
            .iter()
            .filter(|x| x.code.starts_with("2301") && x.code != "230100" && x.is_current())
            .map(|x| x.code)
            .collect();
        let listed: Vec<&str> = groups[0]
            .districts
            .iter()
            .map(|x| x.code.as_str())
            .collect();
        assert_eq!(listed, harbin_now);
        assert!(d.serves(&RegionCode::parse("230102").unwrap()));
        assert!(
            !d.serves(&RegionCode::parse("230100").unwrap()),
            "a group, not a location"
        );
        assert!(!d.serves(&RegionCode::parse("230202").unwrap()));
    }

    /// Valid, unknown code, abolished code, wrong name, duplicate, and the other refusals,
    /// each with the line of its entry.
    #[test]
    fn every_refusal_names_the_entry_and_its_line() {
        let ok = [("230100", "哈尔滨市"), ("230102", "道里区")];
        let cases: Vec<(String, Result<usize, &str>)> = vec![
            (file(&ok), Ok(1)),
            (
                file(&[("230100", "哈尔滨市"), ("230199", "某区")]),
                Err("第 6 行：行政区划代码230199不是黑龙江省已知的行政区划"),
            ),
            (
                file(&[("230100", "哈尔滨市"), ("110101", "东城区")]),
                Err("第 6 行：行政区划代码110101不属于黑龙江省"),
            ),
            (
                file(&[
                    ("230100", "哈尔滨市"),
                    ("230102", "道里区"),
                    ("230182", "双城市"),
                ]),
                Err("第 9 行：行政区划 230182（双城市）已撤销，不能作为项目所在地"),
            ),
            (
                file(&[("230100", "哈尔滨市"), ("230102", "道里县")]),
                Err("第 7 行：行政区划 230102 的名称应为“道里区”，实际为“道里县”"),
            ),
            (
                file(&[
                    ("230100", "哈尔滨市"),
                    ("230102", "道里区"),
                    ("230102", "道里区"),
                ]),
                Err("第 9 行：行政区划 230102 重复（第 6 行已列出）"),
            ),
            (
                file(&[
                    ("230000", "黑龙江省"),
                    ("230100", "哈尔滨市"),
                    ("230102", "道里区"),
                ]),
                Err("第 3 行：230000（黑龙江省）是省级行政区划"),
            ),
            (
                file(&[("230102", "道里区")]),
                Err("第 3 行：道里区（230102）所属的哈尔滨市（230100）未列出"),
            ),
            (
                file(&[
                    ("230100", "哈尔滨市"),
                    ("230102", "道里区"),
                    ("230200", "齐齐哈尔市"),
                ]),
                Err("第 9 行：齐齐哈尔市（230200）下没有列出任何区、县或县级市"),
            ),
            (HEAD.to_owned(), Err("至少要列出一个县级行政区划")),
            (
                format!("version = \"\"\n{}", entry("230102", "道里区")),
                Err("版本号（version）不能为空"),
            ),
            (
                format!("{HEAD}[[division]]\ncode = \"230102\"\n"),
                Err("第 2 行有误：missing field `name`"),
            ),
        ];
        for (text, expected) in cases {
            match (Districts::from_toml(&text), expected) {
                (Ok(d), Ok(n)) => assert_eq!(d.groups()[0].districts.len(), n, "{text}"),
                (Err(e), Err(msg)) => {
                    assert!(
                        e.to_string().starts_with(msg),
                        "{text}\ngot: {e}\nwant: {msg}"
                    )
                }
                (got, want) => panic!("{text}\ngot {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn a_change_lists_what_was_added_and_removed() {
        let a =
            Districts::from_toml(&file(&[("230100", "哈尔滨市"), ("230102", "道里区")])).unwrap();
        let b =
            Districts::from_toml(&file(&[("230100", "哈尔滨市"), ("230103", "南岗区")])).unwrap();
        assert_eq!(
            a.diff(&b),
            [
                "删除行政区划 道里区（230102）",
                "新增行政区划 南岗区（230103）"
            ]
        );
        assert!(a.diff(&a).is_empty());
    }
}
