//! 中介服务超市公开目录 (seed 9.1): agencies with their qualifications and contacts, services
//! with materials, fee standard, service standard and time limit; loaded from TOML and checked.

use crate::catalogue::{Catalogue, ItemKind, MAX_TIME_LIMIT_WORKING_DAYS};
use crate::codes::{CreditCode, PhoneNumber};
use crate::ids::{DepartmentCode, ItemCode, OrganisationId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The demo market of Harbin, as shipped (fictitious agencies).
pub const DEMO_MARKET_TOML: &str = include_str!("../../data/intermediary/harbin-demo.toml");

/// 中介服务超市目录: one version of the public catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct MarketCatalogue {
    pub version: String,
    pub services: Vec<ServiceListing>,
    pub agencies: Vec<Agency>,
}

/// One intermediary service or technical review offered in the market.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct ServiceListing {
    /// 事项编码, as in the approval catalogue.
    pub item: ItemCode,
    pub name: String,
    /// 主管部门: commissions when the government pays, organises expert reviews.
    pub competent_department: DepartmentCode,
    /// 服务时限, working days from the agency's acceptance.
    pub time_limit_working_days: u32,
    /// 收费标准.
    pub fee_standard: String,
    /// 服务标准.
    pub service_standard: String,
    /// 所需材料.
    pub materials: Vec<String>,
}

/// 中介服务机构.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Agency {
    /// 统一社会信用代码; the agency's organisation id is this code.
    pub credit_code: CreditCode,
    pub name: String,
    pub address: String,
    pub contact: AgencyContact,
    pub qualifications: Vec<Qualification>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct AgencyContact {
    pub person: String,
    pub phone: PhoneNumber,
}

/// 资质: what it entitles the agency to take on, and until when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Qualification {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// 证书编号.
    pub certificate: String,
    /// None: no expiry (长期有效).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "date_or_toml_date"
    )]
    pub valid_until: Option<NaiveDate>,
    pub services: Vec<ItemCode>,
}

/// A date written as a TOML date (`2028-12-31`) or as text (JSON, or TOML written back).
fn date_or_toml_date<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<NaiveDate>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Toml(toml::value::Datetime),
        Text(String),
    }
    let text = match Raw::deserialize(d)? {
        Raw::Toml(t) => t.to_string(),
        Raw::Text(t) => t,
    };
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map(Some)
        .map_err(|_| {
            serde::de::Error::custom(format!("“{text}”不是日期，应写作 2028-12-31 的形式"))
        })
}

/// Why a market catalogue was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MarketError {
    #[error("中介服务超市目录第 {line} 行有误：{message}")]
    Syntax { line: usize, message: String },
    #[error("中介服务超市目录的版本号不能为空")]
    EmptyVersion,
    #[error("服务事项 {item} 重复")]
    DuplicateService { item: ItemCode },
    #[error("服务事项 {item} 的{field}不能为空")]
    EmptyServiceField { item: ItemCode, field: &'static str },
    #[error("服务事项 {item} 的时限应为 1 至 {max} 个工作日，实际为 {days}")]
    TimeLimitOutOfRange { item: ItemCode, days: u32, max: u32 },
    #[error("中介机构 {agency} 重复")]
    DuplicateAgency { agency: OrganisationId },
    #[error("中介机构 {agency} 的{field}不能为空")]
    EmptyAgencyField {
        agency: OrganisationId,
        field: &'static str,
    },
    #[error("中介机构 {agency} 没有任何资质")]
    NoQualification { agency: OrganisationId },
    #[error("中介机构 {agency} 的资质“{qualification}”所列服务事项 {item} 不在目录中")]
    UnknownService {
        agency: OrganisationId,
        qualification: String,
        item: ItemCode,
    },
}

/// A difference between the market and the approval catalogue.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MarketMismatch {
    #[error("服务事项 {item} 不在审批事项目录中")]
    UnknownItem { item: ItemCode },
    #[error("服务事项 {item} 在审批事项目录中不是中介服务或技术审查事项")]
    NotIntermediary { item: ItemCode },
    #[error("服务事项 {item} 的主管部门为 {market}，审批事项目录为 {catalogue}")]
    CompetentDepartment {
        item: ItemCode,
        market: DepartmentCode,
        catalogue: String,
    },
    #[error("服务事项 {item} 的时限为 {market} 个工作日，审批事项目录为 {catalogue} 个工作日")]
    TimeLimit {
        item: ItemCode,
        market: u32,
        catalogue: u32,
    },
}

impl Agency {
    /// The organisation id the agency's users act under.
    pub fn id(&self) -> OrganisationId {
        OrganisationId::new(self.credit_code.as_str())
    }

    /// Whether a qualification valid on `date` covers `item`.
    pub fn qualified_for(&self, item: &ItemCode, date: NaiveDate) -> bool {
        self.qualifications
            .iter()
            .any(|q| q.services.contains(item) && q.valid_until.is_none_or(|until| date <= until))
    }

    /// Every service some qualification covers (expired or not), in catalogue order of first
    /// mention.
    pub fn services(&self) -> Vec<&ItemCode> {
        let mut out: Vec<&ItemCode> = vec![];
        for item in self.qualifications.iter().flat_map(|q| &q.services) {
            if !out.contains(&item) {
                out.push(item);
            }
        }
        out
    }
}

impl MarketCatalogue {
    /// The shipped demo market.
    pub fn demo() -> Result<MarketCatalogue, MarketError> {
        Self::from_toml(DEMO_MARKET_TOML)
    }

    /// Parse and check a market file (the shape of `data/intermediary/harbin-demo.toml`).
    pub fn from_toml(text: &str) -> Result<MarketCatalogue, MarketError> {
        let market: MarketCatalogue = toml::from_str(text).map_err(|e| MarketError::Syntax {
            line: e.span().map_or(1, |s| {
                text[..s.start.min(text.len())].matches('\n').count() + 1
            }),
            message: e.message().trim().to_owned(),
        })?;
        market.check()?;
        Ok(market)
    }

    pub fn to_toml(&self) -> Result<String, toml::ser::Error> {
        toml::to_string(self)
    }

    /// The rules a loaded market keeps (also for a market built in code).
    pub fn check(&self) -> Result<(), MarketError> {
        if self.version.trim().is_empty() {
            return Err(MarketError::EmptyVersion);
        }
        for (i, s) in self.services.iter().enumerate() {
            let empty = |field| MarketError::EmptyServiceField {
                item: s.item.clone(),
                field,
            };
            if self.services[..i].iter().any(|o| o.item == s.item) {
                return Err(MarketError::DuplicateService {
                    item: s.item.clone(),
                });
            }
            for (value, field) in [
                (s.item.as_str(), "事项编码"),
                (s.name.as_str(), "名称"),
                (s.competent_department.as_str(), "主管部门"),
                (s.fee_standard.as_str(), "收费标准"),
                (s.service_standard.as_str(), "服务标准"),
            ] {
                if value.trim().is_empty() {
                    return Err(empty(field));
                }
            }
            if s.materials.iter().any(|m| m.trim().is_empty()) {
                return Err(empty("材料名称"));
            }
            if !(1..=MAX_TIME_LIMIT_WORKING_DAYS).contains(&s.time_limit_working_days) {
                return Err(MarketError::TimeLimitOutOfRange {
                    item: s.item.clone(),
                    days: s.time_limit_working_days,
                    max: MAX_TIME_LIMIT_WORKING_DAYS,
                });
            }
        }
        for (i, a) in self.agencies.iter().enumerate() {
            let id = a.id();
            if self.agencies[..i]
                .iter()
                .any(|o| o.credit_code == a.credit_code)
            {
                return Err(MarketError::DuplicateAgency { agency: id });
            }
            for (value, field) in [
                (a.name.as_str(), "名称"),
                (a.address.as_str(), "地址"),
                (a.contact.person.as_str(), "联系人"),
            ] {
                if value.trim().is_empty() {
                    return Err(MarketError::EmptyAgencyField { agency: id, field });
                }
            }
            if a.qualifications.is_empty() {
                return Err(MarketError::NoQualification { agency: id });
            }
            for q in &a.qualifications {
                if q.name.trim().is_empty() || q.certificate.trim().is_empty() {
                    return Err(MarketError::EmptyAgencyField {
                        agency: id,
                        field: "资质名称或证书编号",
                    });
                }
                if let Some(item) = q.services.iter().find(|s| self.service(s).is_none()) {
                    return Err(MarketError::UnknownService {
                        agency: id,
                        qualification: q.name.clone(),
                        item: item.clone(),
                    });
                }
            }
        }
        Ok(())
    }

    /// Every difference from the approval catalogue (empty when they agree): a service must be
    /// an intermediary or technical-review item there, with the same competent department and
    /// the same time limit.
    pub fn mismatches(&self, catalogue: &Catalogue) -> Vec<MarketMismatch> {
        let mut out = vec![];
        for s in &self.services {
            let Some(item) = catalogue.item(&s.item) else {
                out.push(MarketMismatch::UnknownItem {
                    item: s.item.clone(),
                });
                continue;
            };
            if !matches!(
                item.kind,
                ItemKind::IntermediaryService | ItemKind::TechnicalReview
            ) {
                out.push(MarketMismatch::NotIntermediary {
                    item: s.item.clone(),
                });
            }
            if let Some(c) = item
                .competent_department
                .as_ref()
                .filter(|c| **c != s.competent_department)
            {
                out.push(MarketMismatch::CompetentDepartment {
                    item: s.item.clone(),
                    market: s.competent_department.clone(),
                    catalogue: c.to_string(),
                });
            }
            if item.time_limit_working_days != s.time_limit_working_days {
                out.push(MarketMismatch::TimeLimit {
                    item: s.item.clone(),
                    market: s.time_limit_working_days,
                    catalogue: item.time_limit_working_days,
                });
            }
        }
        out
    }

    pub fn service(&self, item: &ItemCode) -> Option<&ServiceListing> {
        self.services.iter().find(|s| &s.item == item)
    }

    pub fn agency(&self, id: &OrganisationId) -> Option<&Agency> {
        self.agencies
            .iter()
            .find(|a| a.credit_code.as_str() == id.as_str())
    }

    /// 菜单: the agencies qualified on `date` for `item`, in catalogue order.
    pub fn agencies_for(&self, item: &ItemCode, date: NaiveDate) -> Vec<&Agency> {
        self.agencies
            .iter()
            .filter(|a| a.qualified_for(item, date))
            .collect()
    }

    /// Whether `agency` may take on `item` on `date`.
    pub fn eligible(&self, agency: &OrganisationId, item: &ItemCode, date: NaiveDate) -> bool {
        self.agency(agency)
            .is_some_and(|a| a.qualified_for(item, date))
    }
}
