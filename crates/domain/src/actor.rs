//! Who acts: roles (角色) and the actor recorded on every event.

use crate::ids::{DepartmentCode, OrganisationId, UserId};
use serde::{Deserialize, Serialize};

/// 角色: what a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 申请人 / 建设单位
    Applicant,
    /// 综合窗口 (综合受理窗口)
    WindowOperator,
    /// 审批部门 reviewer
    DepartmentReviewer,
    /// 市政公用服务单位
    UtilityUnit,
    /// 中介服务机构
    IntermediaryAgency,
    /// 市工改办
    ReformOffice,
    /// 系统: deadline-driven actions taken by the server.
    System,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Applicant,
        Role::WindowOperator,
        Role::DepartmentReviewer,
        Role::UtilityUnit,
        Role::IntermediaryAgency,
        Role::ReformOffice,
        Role::System,
    ];

    /// The role's name as users see it.
    pub fn label(self) -> &'static str {
        match self {
            Role::Applicant => "申请人",
            Role::WindowOperator => "综合窗口",
            Role::DepartmentReviewer => "审批部门",
            Role::UtilityUnit => "市政公用服务单位",
            Role::IntermediaryAgency => "中介服务机构",
            Role::ReformOffice => "市工改办",
            Role::System => "系统",
        }
    }
}

/// The person (or the system) behind a command, as recorded on its events.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Actor {
    pub user: UserId,
    /// Display name (姓名), recorded for the trail (seed 7.4: 审批人姓名).
    pub name: String,
    pub role: Role,
    /// The department a reviewer, utility unit or window belongs to.
    pub department: Option<DepartmentCode>,
    /// The organisation an applicant or agency acts for.
    pub organisation: Option<OrganisationId>,
    /// 层级权限: the review levels (e.g. 审核, 复核) the user directory grants this reviewer in
    /// its department; a sign-off at any other level is refused. Empty for every other role,
    /// and then not written, so events recorded before levels existed hash as they did.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub levels: Vec<String>,
}

impl Actor {
    /// The server acting on a deadline (e.g. deemed consent).
    pub fn system() -> Self {
        Actor {
            user: UserId::new("system"),
            name: "系统".to_owned(),
            role: Role::System,
            department: None,
            organisation: None,
            levels: vec![],
        }
    }

    /// The same actor holding `levels` (层级权限).
    pub fn with_levels<S: Into<String>>(mut self, levels: impl IntoIterator<Item = S>) -> Self {
        self.levels = levels.into_iter().map(Into::into).collect();
        self
    }

    /// Whether the directory grants this actor the review level `level`.
    pub fn holds_level(&self, level: &str) -> bool {
        self.levels.iter().any(|l| l == level)
    }
}
