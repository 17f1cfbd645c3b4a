//! 行政区划: Heilongjiang's administrative divisions (GB/T 2260 codes), the province whose
//! project codes and project locations PermitDesk accepts, with the dates of recent changes.

use serde::{Deserialize, Serialize};
use std::fmt;
use thiserror::Error;

/// The province every project of the catalogue lies in: 黑龙江省.
pub const PROVINCE_PREFIX: &str = "23";

/// 行政区划: one division of Heilongjiang.
///
/// Project codes are permanent, so a code assigned before a division was abolished keeps the
/// old region code for the project's whole life: former divisions stay in the table, with the
/// years in which they could appear in a newly assigned code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Division {
    /// 6-digit GB/T 2260 code, e.g. `230102`.
    pub code: &'static str,
    /// Name without its parents, e.g. `道里区`.
    pub name: &'static str,
    /// First year codes could be assigned under it, for divisions created since 2014.
    pub since: Option<u16>,
    /// Last year codes could be assigned under it, for divisions abolished since 2014.
    pub until: Option<u16>,
}

/// The three levels of GB/T 2260.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum DivisionLevel {
    /// 省级
    Province,
    /// 地级 (地级市, 地区)
    Prefecture,
    /// 县级 (市辖区, 县, 县级市)
    County,
}

impl Division {
    pub fn level(&self) -> DivisionLevel {
        if self.code.ends_with("0000") {
            DivisionLevel::Province
        } else if self.code.ends_with("00") {
            DivisionLevel::Prefecture
        } else {
            DivisionLevel::County
        }
    }

    /// The prefecture-level division a county-level one belongs to (itself for a prefecture).
    pub fn prefecture(&self) -> Option<&'static Division> {
        match self.level() {
            DivisionLevel::Province => None,
            _ => self
                .code
                .get(..4)
                .and_then(|p| heilongjiang_division(&format!("{p}00"))),
        }
    }

    /// Whether a project code assigned in `year` may carry this division.
    pub fn in_force_in(&self, year: u16) -> bool {
        self.since.is_none_or(|s| year >= s) && self.until.is_none_or(|u| year <= u)
    }

    /// Whether the division still exists.
    pub fn is_current(&self) -> bool {
        self.until.is_none()
    }

    /// The name as written on documents, e.g. `黑龙江省哈尔滨市道里区`.
    pub fn full_name(&self) -> String {
        let mut name = String::from("黑龙江省");
        if self.level() == DivisionLevel::Province {
            return name;
        }
        if let Some(p) = self.prefecture().filter(|p| p.code != self.code) {
            name.push_str(p.name);
        }
        name.push_str(self.name);
        name
    }
}

const fn d(code: &'static str, name: &'static str) -> Division {
    Division {
        code,
        name,
        since: None,
        until: None,
    }
}

const fn created(code: &'static str, name: &'static str, since: u16) -> Division {
    Division {
        code,
        name,
        since: Some(since),
        until: None,
    }
}

const fn abolished(code: &'static str, name: &'static str, until: u16) -> Division {
    Division {
        code,
        name,
        since: None,
        until: Some(until),
    }
}

/// Every division of Heilongjiang, sorted by code.
///
/// Change years are taken leniently (the year of the State Council's approval and the year the
/// change took effect are both accepted) so that no genuine code is refused at a boundary.
pub static HEILONGJIANG: &[Division] = &[
    d("230000", "黑龙江省"),
    d("230100", "哈尔滨市"),
    d("230102", "道里区"),
    d("230103", "南岗区"),
    d("230104", "道外区"),
    d("230108", "平房区"),
    d("230109", "松北区"),
    d("230110", "香坊区"),
    d("230111", "呼兰区"),
    d("230112", "阿城区"),
    created("230113", "双城区", 2014),
    d("230123", "依兰县"),
    d("230124", "方正县"),
    d("230125", "宾县"),
    d("230126", "巴彦县"),
    d("230127", "木兰县"),
    d("230128", "通河县"),
    d("230129", "延寿县"),
    abolished("230182", "双城市", 2014),
    d("230183", "尚志市"),
    d("230184", "五常市"),
    d("230200", "齐齐哈尔市"),
    d("230202", "龙沙区"),
    d("230203", "建华区"),
    d("230204", "铁锋区"),
    d("230205", "昂昂溪区"),
    d("230206", "富拉尔基区"),
    d("230207", "碾子山区"),
    d("230208", "梅里斯达斡尔族区"),
    d("230221", "龙江县"),
    d("230223", "依安县"),
    d("230224", "泰来县"),
    d("230225", "甘南县"),
    d("230227", "富裕县"),
    d("230229", "克山县"),
    d("230230", "克东县"),
    d("230231", "拜泉县"),
    d("230281", "讷河市"),
    d("230300", "鸡西市"),
    d("230302", "鸡冠区"),
    d("230303", "恒山区"),
    d("230304", "滴道区"),
    d("230305", "梨树区"),
    d("230306", "城子河区"),
    d("230307", "麻山区"),
    d("230321", "鸡东县"),
    d("230381", "虎林市"),
    d("230382", "密山市"),
    d("230400", "鹤岗市"),
    d("230402", "向阳区"),
    d("230403", "工农区"),
    d("230404", "南山区"),
    d("230405", "兴安区"),
    d("230406", "东山区"),
    d("230407", "兴山区"),
    d("230421", "萝北县"),
    d("230422", "绥滨县"),
    d("230500", "双鸭山市"),
    d("230502", "尖山区"),
    d("230503", "岭东区"),
    d("230505", "四方台区"),
    d("230506", "宝山区"),
    d("230521", "集贤县"),
    d("230522", "友谊县"),
    d("230523", "宝清县"),
    d("230524", "饶河县"),
    d("230600", "大庆市"),
    d("230602", "萨尔图区"),
    d("230603", "龙凤区"),
    d("230604", "让胡路区"),
    d("230605", "红岗区"),
    d("230606", "大同区"),
    d("230621", "肇州县"),
    d("230622", "肇源县"),
    d("230623", "林甸县"),
    d("230624", "杜尔伯特蒙古族自治县"),
    d("230700", "伊春市"),
    // Yichun's 2019 reform replaced fifteen forestry districts with four districts and four
    // counties.
    abolished("230702", "伊春区", 2019),
    abolished("230703", "南岔区", 2019),
    abolished("230704", "友好区", 2019),
    abolished("230705", "西林区", 2019),
    abolished("230706", "翠峦区", 2019),
    abolished("230707", "新青区", 2019),
    abolished("230708", "美溪区", 2019),
    abolished("230709", "金山屯区", 2019),
    abolished("230710", "五营区", 2019),
    abolished("230711", "乌马河区", 2019),
    abolished("230712", "汤旺河区", 2019),
    abolished("230713", "带岭区", 2019),
    abolished("230714", "乌伊岭区", 2019),
    abolished("230715", "红星区", 2019),
    abolished("230716", "上甘岭区", 2019),
    created("230717", "伊美区", 2019),
    created("230718", "乌翠区", 2019),
    created("230719", "友好区", 2019),
    d("230722", "嘉荫县"),
    created("230723", "汤旺县", 2019),
    created("230724", "丰林县", 2019),
    created("230725", "大箐山县", 2019),
    created("230726", "南岔县", 2019),
    created("230751", "金林区", 2019),
    d("230781", "铁力市"),
    d("230800", "佳木斯市"),
    d("230803", "向阳区"),
    d("230804", "前进区"),
    d("230805", "东风区"),
    d("230811", "郊区"),
    d("230822", "桦南县"),
    d("230826", "桦川县"),
    d("230828", "汤原县"),
    abolished("230833", "抚远县", 2016),
    d("230881", "同江市"),
    d("230882", "富锦市"),
    created("230883", "抚远市", 2015),
    d("230900", "七台河市"),
    d("230902", "新兴区"),
    d("230903", "桃山区"),
    d("230904", "茄子河区"),
    d("230921", "勃利县"),
    d("231000", "牡丹江市"),
    d("231002", "东安区"),
    d("231003", "阳明区"),
    d("231004", "爱民区"),
    d("231005", "西安区"),
    abolished("231024", "东宁县", 2016),
    d("231025", "林口县"),
    d("231081", "绥芬河市"),
    d("231083", "海林市"),
    d("231084", "宁安市"),
    d("231085", "穆棱市"),
    created("231086", "东宁市", 2015),
    d("231100", "黑河市"),
    d("231102", "爱辉区"),
    abolished("231121", "嫩江县", 2020),
    d("231123", "逊克县"),
    d("231124", "孙吴县"),
    d("231181", "北安市"),
    d("231182", "五大连池市"),
    created("231183", "嫩江市", 2019),
    d("231200", "绥化市"),
    d("231202", "北林区"),
    d("231221", "望奎县"),
    d("231222", "兰西县"),
    d("231223", "青冈县"),
    d("231224", "庆安县"),
    d("231225", "明水县"),
    d("231226", "绥棱县"),
    d("231281", "安达市"),
    d("231282", "肇东市"),
    d("231283", "海伦市"),
    d("232700", "大兴安岭地区"),
    created("232701", "漠河市", 2018),
    d("232721", "呼玛县"),
    d("232722", "塔河县"),
    abolished("232723", "漠河县", 2018),
];

/// The division with this code, if Heilongjiang has (or had) it.
pub fn heilongjiang_division(code: &str) -> Option<&'static Division> {
    HEILONGJIANG
        .binary_search_by(|d| d.code.cmp(code))
        .ok()
        .and_then(|i| HEILONGJIANG.get(i))
}

/// Why a text is not a Heilongjiang region code.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RegionCodeError {
    #[error("行政区划代码为空")]
    Empty,
    #[error("行政区划代码应为6位数字，实际为{actual}位")]
    WrongLength { actual: usize },
    #[error("行政区划代码第{position}位“{found}”不是半角数字")]
    NotDigit { position: usize, found: char },
    #[error("行政区划代码{code}不属于黑龙江省（黑龙江省的代码以23开头）")]
    NotInHeilongjiang { code: String },
    #[error("行政区划代码{code}不是黑龙江省已知的行政区划")]
    UnknownDivision { code: String },
}

/// 行政区划代码: a known division of Heilongjiang, e.g. a project's district.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
#[serde(try_from = "String", into = "String")]
pub struct RegionCode(&'static Division);

impl RegionCode {
    /// Parse a 6-digit code (surrounding whitespace is ignored).
    pub fn parse(s: &str) -> Result<Self, RegionCodeError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(RegionCodeError::Empty);
        }
        if let Some((i, c)) = s.chars().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
            return Err(RegionCodeError::NotDigit {
                position: i + 1,
                found: c,
            });
        }
        if s.len() != 6 {
            return Err(RegionCodeError::WrongLength { actual: s.len() });
        }
        Self::lookup(s).map(RegionCode)
    }

    /// Look up six ASCII digits in the table, saying whether they are foreign or unknown.
    pub(crate) fn lookup(digits: &str) -> Result<&'static Division, RegionCodeError> {
        if !digits.starts_with(PROVINCE_PREFIX) {
            return Err(RegionCodeError::NotInHeilongjiang {
                code: digits.to_owned(),
            });
        }
        heilongjiang_division(digits).ok_or_else(|| RegionCodeError::UnknownDivision {
            code: digits.to_owned(),
        })
    }

    pub(crate) fn from_division(d: &'static Division) -> Self {
        RegionCode(d)
    }

    pub fn as_str(&self) -> &'static str {
        self.0.code
    }

    pub fn division(&self) -> &'static Division {
        self.0
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.code)
    }
}

impl TryFrom<String> for RegionCode {
    type Error = RegionCodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<RegionCode> for String {
    fn from(r: RegionCode) -> String {
        r.0.code.to_owned()
    }
}

impl std::str::FromStr for RegionCode {
    type Err = RegionCodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_unique_and_well_formed() {
        for w in HEILONGJIANG.windows(2) {
            assert!(w[0].code < w[1].code, "{} before {}", w[0].code, w[1].code);
        }
        for d in HEILONGJIANG {
            assert!(d.code.len() == 6 && d.code.bytes().all(|b| b.is_ascii_digit()));
            assert!(d.code.starts_with(PROVINCE_PREFIX));
            assert!(!d.name.is_empty());
            if d.level() == DivisionLevel::County {
                assert!(d.prefecture().is_some(), "{} has no prefecture", d.code);
            }
        }
    }

    #[test]
    fn full_names_read_as_on_documents() {
        let name = |c| heilongjiang_division(c).map(Division::full_name);
        assert_eq!(name("230102").as_deref(), Some("黑龙江省哈尔滨市道里区"));
        assert_eq!(name("230100").as_deref(), Some("黑龙江省哈尔滨市"));
        assert_eq!(name("230000").as_deref(), Some("黑龙江省"));
        assert_eq!(
            name("232701").as_deref(),
            Some("黑龙江省大兴安岭地区漠河市")
        );
    }
}
