//! 演示数据: the demo catalogue and one demo account for every role, so that a fresh server
//! can be tried (and tested) at once.

use crate::auth::{PasswordCost, PasswordError, hash_password};
use crate::error::StoreError;
use crate::state::CATALOGUE_SETTING;
use crate::store::{Organisation, Store, UserRecord};
use chrono::{DateTime, Utc};
use permitdesk_domain::actor::Role;
use permitdesk_domain::codes::CreditCode;
use permitdesk_domain::ids::{DepartmentCode, OrganisationId, UserId};

/// A 统一社会信用代码 with both check characters computed: registration authority 9 (market
/// regulation), type 1 (enterprise), region 230102 (哈尔滨市道里区), and an 8-character
/// organisation code.
pub fn credit_code(org8: &str) -> Result<CreditCode, permitdesk_domain::codes::CreditCodeError> {
    let first17 = format!(
        "91230102{org8}{}",
        CreditCode::organisation_check_character(org8)
    );
    CreditCode::parse(&format!(
        "{first17}{}",
        CreditCode::check_character(&first17)
    ))
}

/// The demo builder (建设单位) the demo applicant acts for.
pub const BUILDER_NAME: &str = "哈尔滨示范建设有限公司";
pub const BUILDER_ORG8: &str = "MA1C4K7P";
/// A second builder, for "other organisation" tests.
pub const OTHER_BUILDER_NAME: &str = "哈尔滨另一建设有限公司";
pub const OTHER_BUILDER_ORG8: &str = "MA2D5L8Q";
pub const AGENCY_NAME: &str = "哈尔滨示范工程咨询有限公司";
pub const AGENCY_ORG8: &str = "MA3E6M9R";

/// The departments whose reviewers are seeded, one account per review level: each holds
/// exactly that level, so a case is signed by as many people as its department has levels.
pub const REVIEW_DEPARTMENTS: [&str; 3] = ["ZGJ", "ZJJ", "FGW"];

/// One demo account (without its password).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoUser {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub department: Option<String>,
    pub organisation: Option<String>,
    /// For reviewers and utility units: the one level they hold (层级权限) and sign.
    pub level: Option<String>,
}

/// Why seeding failed.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Password(#[from] PasswordError),
    #[error("演示数据无效：{0}")]
    Data(String),
}

/// The organisations of the demo.
pub fn organisations() -> Result<Vec<Organisation>, SeedError> {
    [
        (BUILDER_ORG8, BUILDER_NAME),
        (OTHER_BUILDER_ORG8, OTHER_BUILDER_NAME),
        (AGENCY_ORG8, AGENCY_NAME),
    ]
    .iter()
    .map(|(org8, name)| {
        let code = credit_code(org8).map_err(|e| SeedError::Data(e.to_string()))?;
        Ok(Organisation {
            id: OrganisationId::new(code.as_str()),
            name: (*name).to_owned(),
        })
    })
    .collect()
}

/// The demo accounts: applicants of two builders, the window, reviewers of several
/// departments at every level of the demo catalogue, a utility unit, an agency, the reform office.
pub fn users(
    catalogue: &permitdesk_domain::catalogue::Catalogue,
) -> Result<Vec<DemoUser>, SeedError> {
    let orgs = organisations()?;
    let org = |i: usize| orgs.get(i).map(|o| o.id.to_string());
    let mut out = vec![
        DemoUser {
            id: "applicant".into(),
            name: "张建设".into(),
            role: Role::Applicant,
            department: None,
            organisation: org(0),
            level: None,
        },
        DemoUser {
            id: "applicant2".into(),
            name: "李另建".into(),
            role: Role::Applicant,
            department: None,
            organisation: org(1),
            level: None,
        },
        DemoUser {
            id: "window".into(),
            name: "王窗口".into(),
            role: Role::WindowOperator,
            department: None,
            organisation: None,
            level: None,
        },
    ];
    for dept in REVIEW_DEPARTMENTS {
        let d = catalogue
            .department(&DepartmentCode::new(dept))
            .ok_or_else(|| SeedError::Data(format!("目录中没有部门 {dept}")))?;
        let short = d.short_name.clone().unwrap_or_else(|| d.name.clone());
        for (i, level) in d.review_levels.iter().enumerate() {
            out.push(DemoUser {
                id: format!("reviewer-{}-{}", dept.to_lowercase(), i + 1),
                name: format!("{level}员（{short}）"),
                role: Role::DepartmentReviewer,
                department: Some(dept.to_owned()),
                organisation: None,
                level: Some(level.clone()),
            });
        }
    }
    // The water company's staff, one per level: `utility-gsjt` holds the first (受理),
    // `utility-gsjt-2`... the next ones.
    let gsjt = catalogue
        .department(&DepartmentCode::new("GSJT"))
        .ok_or_else(|| SeedError::Data("目录中没有部门 GSJT".to_owned()))?;
    for (i, level) in gsjt.review_levels.iter().enumerate() {
        out.push(DemoUser {
            id: if i == 0 {
                "utility-gsjt".into()
            } else {
                format!("utility-gsjt-{}", i + 1)
            },
            name: format!("供水{level}员"),
            role: Role::UtilityUnit,
            department: Some("GSJT".into()),
            organisation: None,
            level: Some(level.clone()),
        });
    }
    out.push(DemoUser {
        id: "agency".into(),
        name: "赵中介".into(),
        role: Role::IntermediaryAgency,
        department: None,
        organisation: org(2),
        level: None,
    });
    out.extend(market_agency_users()?);
    out.push(DemoUser {
        id: "reform".into(),
        name: "市工改办".into(),
        role: Role::ReformOffice,
        department: None,
        organisation: None,
        level: None,
    });
    Ok(out)
}

/// Accounts of agencies listed in the shipped 中介服务超市 demo market (issue 6): login name
/// and credit code. The `agency` account above is an agency outside the market (it may see
/// no commission at all).
pub const MARKET_AGENCY_USERS: [(&str, &str); 4] = [
    ("agency-longhuan", "91230100MA1AHJ7K0N"),
    ("agency-huaqing", "91230100MA1K5P7QX4"),
    ("agency-beifang", "91230100MA18Y2QW4Q"),
    ("agency-jieneng", "91230100MA1CDE3F05"),
];

/// The market agencies with a demo account, as organisations.
pub fn market_organisations() -> Result<Vec<Organisation>, SeedError> {
    let market = permitdesk_domain::intermediary::MarketCatalogue::demo()
        .map_err(|e| SeedError::Data(e.to_string()))?;
    MARKET_AGENCY_USERS
        .iter()
        .map(|(_, code)| {
            let id = OrganisationId::new(*code);
            let agency = market
                .agency(&id)
                .ok_or_else(|| SeedError::Data(format!("中介服务超市目录中没有机构 {code}")))?;
            Ok(Organisation {
                id,
                name: agency.name.clone(),
            })
        })
        .collect()
}

fn market_agency_users() -> Result<Vec<DemoUser>, SeedError> {
    let orgs = market_organisations()?;
    Ok(MARKET_AGENCY_USERS
        .iter()
        .zip(orgs)
        .map(|((user, _), org)| DemoUser {
            id: (*user).to_owned(),
            name: format!("中介受理员（{}）", org.name),
            role: Role::IntermediaryAgency,
            department: None,
            organisation: Some(org.id.to_string()),
            level: None,
        })
        .collect())
}

/// Loads the demo catalogue, the organisations and the accounts (skipping accounts that
/// exist). Returns each created account with its password.
pub async fn seed(
    store: &dyn Store,
    cost: PasswordCost,
    now: DateTime<Utc>,
    password_for: impl Fn(&DemoUser) -> Result<String, PasswordError>,
) -> Result<Vec<(DemoUser, String)>, SeedError> {
    let catalogue = permitdesk_domain::catalogue::Catalogue::demo()
        .map_err(|e| SeedError::Data(e.to_string()))?;
    if store.setting(CATALOGUE_SETTING).await?.is_none() {
        store
            .set_setting(CATALOGUE_SETTING, permitdesk_domain::DEMO_CATALOGUE_TOML)
            .await?;
    }
    for org in organisations()?.into_iter().chain(market_organisations()?) {
        store.upsert_organisation(&org).await?;
    }
    let mut created = Vec::new();
    for u in users(&catalogue)? {
        if store.user(&UserId::new(u.id.clone())).await?.is_some() {
            continue;
        }
        let password = password_for(&u)?;
        let record = UserRecord {
            id: UserId::new(u.id.clone()),
            name: u.name.clone(),
            role: u.role,
            department: u.department.clone().map(DepartmentCode::new),
            organisation: u.organisation.clone().map(OrganisationId::new),
            password_hash: hash_password(&password, cost)?,
            disabled: false,
            levels: u.level.iter().cloned().collect(),
        };
        store.create_user(&record, now).await?;
        created.push((u, password));
    }
    Ok(created)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn demo_credit_codes_are_valid_and_distinct() {
        let orgs = organisations().unwrap();
        assert_eq!(orgs.len(), 3);
        for o in &orgs {
            assert!(CreditCode::parse(o.id.as_str()).is_ok(), "{}", o.id);
        }
        assert_ne!(orgs[0].id, orgs[1].id);
    }

    #[test]
    fn every_role_but_the_system_has_a_demo_user_and_reviewers_cover_every_level() {
        let cat = permitdesk_domain::catalogue::Catalogue::demo().unwrap();
        let users = users(&cat).unwrap();
        for role in Role::ALL.iter().filter(|r| **r != Role::System) {
            assert!(users.iter().any(|u| u.role == *role), "{role:?}");
        }
        for dept in REVIEW_DEPARTMENTS {
            let levels = cat
                .department(&DepartmentCode::new(dept))
                .unwrap()
                .review_levels
                .clone();
            for l in levels {
                assert!(users.iter().any(
                    |u| u.department.as_deref() == Some(dept) && u.level.as_deref() == Some(&l)
                ));
            }
        }
    }
}
