//! 层级权限: which review levels (受理, 审核, 复核, 签批...) a reviewer may sign, kept on the
//! user record (`users.levels`, migration 3) and set by the administrator
//! (`permitdesk admin user add --levels`, `permitdesk admin user levels`). The levels are
//! checked against the department's `review_levels` in the catalogue in force; the domain
//! then refuses a sign-off at a level the signer does not hold, or a second level of the same
//! case by the same person (`Case::may`).

use crate::error::StoreError;
use crate::reference::{self, ImportError};
use crate::store::{Store, UserRecord};
use permitdesk_domain::actor::Role;
use permitdesk_domain::catalogue::Catalogue;
use permitdesk_domain::ids::{DepartmentCode, UserId};

/// Why levels were not set.
#[derive(Debug, thiserror::Error)]
pub enum LevelsError {
    #[error("没有用户 {0}")]
    NoSuchUser(UserId),
    #[error(
        "角色“{}”不签署层级审批，不能设置审批层级：只有审批部门或市政公用服务单位的人员可以持有层级",
        role.label()
    )]
    RoleWithoutLevels { role: Role },
    #[error("用户没有所属部门，不能设置审批层级：请先为其设置部门")]
    NoDepartment,
    #[error("现行审批事项目录中没有部门 {0}，不能设置审批层级")]
    UnknownDepartment(DepartmentCode),
    #[error(
        "部门 {department} 的层级审批节点中没有“{level}”：应为 {}",
        allowed.join("、")
    )]
    UnknownLevel {
        department: DepartmentCode,
        level: String,
        allowed: Vec<String>,
    },
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Reference(#[from] ImportError),
}

/// The levels as the administrator types them: `审核,复核` (also `，` or `、`); blanks ignored.
pub fn parse(text: &str) -> Vec<String> {
    text.split([',', '，', '、'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `levels` checked against the department's review levels in `catalogue`: every level must be
/// one of them; duplicates are dropped and the result is in the department's order. No levels
/// is always valid (the user signs nothing).
pub fn validate(
    catalogue: &Catalogue,
    role: Role,
    department: Option<&DepartmentCode>,
    levels: &[String],
) -> Result<Vec<String>, LevelsError> {
    if levels.is_empty() {
        return Ok(vec![]);
    }
    if !matches!(role, Role::DepartmentReviewer | Role::UtilityUnit) {
        return Err(LevelsError::RoleWithoutLevels { role });
    }
    let code = department.ok_or(LevelsError::NoDepartment)?;
    let dept = catalogue
        .department(code)
        .ok_or_else(|| LevelsError::UnknownDepartment(code.clone()))?;
    if let Some(level) = levels.iter().find(|l| !dept.review_levels.contains(l)) {
        return Err(LevelsError::UnknownLevel {
            department: code.clone(),
            level: level.clone(),
            allowed: dept.review_levels.clone(),
        });
    }
    Ok(dept
        .review_levels
        .iter()
        .filter(|l| levels.contains(l))
        .cloned()
        .collect())
}

/// The catalogue in force (the stored version, or the shipped one if none was imported).
pub async fn catalogue_in_force(
    store: &dyn Store,
) -> Result<std::sync::Arc<Catalogue>, LevelsError> {
    Ok(reference::load(store).await?.catalogue)
}

/// Sets `id`'s levels after checking them against the catalogue in force; the user as stored.
pub async fn set(
    store: &dyn Store,
    id: &UserId,
    levels: &[String],
) -> Result<UserRecord, LevelsError> {
    let user = store
        .user(id)
        .await?
        .ok_or_else(|| LevelsError::NoSuchUser(id.clone()))?;
    let catalogue = catalogue_in_force(store).await?;
    let levels = validate(&catalogue, user.role, user.department.as_ref(), levels)?;
    if !store.set_user_levels(id, &levels).await? {
        return Err(LevelsError::NoSuchUser(id.clone()));
    }
    Ok(UserRecord { levels, ..user })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_checked_against_the_department_and_put_in_its_order() {
        let cat = Catalogue::demo().unwrap();
        let zgj = DepartmentCode::new("ZGJ");
        let r = Role::DepartmentReviewer;
        assert_eq!(parse(" 复核，审核、,"), ["复核", "审核"]);
        assert_eq!(
            validate(&cat, r, Some(&zgj), &parse("签批,审核,审核")).unwrap(),
            ["审核", "签批"]
        );
        let e = validate(&cat, r, Some(&zgj), &parse("技术审查")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "部门 ZGJ 的层级审批节点中没有“技术审查”：应为 受理、审核、复核、签批"
        );
        assert!(matches!(
            validate(&cat, Role::WindowOperator, None, &parse("受理")),
            Err(LevelsError::RoleWithoutLevels { .. })
        ));
        assert!(matches!(
            validate(&cat, r, Some(&DepartmentCode::new("NOPE")), &parse("受理")),
            Err(LevelsError::UnknownDepartment(_))
        ));
        assert!(
            validate(&cat, Role::Applicant, None, &[])
                .unwrap()
                .is_empty()
        );
    }
}
