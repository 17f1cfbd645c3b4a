//! Identifiers. Ids are made outside the domain (by the server or a client) and passed in;
//! the domain only checks that they are well formed.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! string_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            pub fn new(s: impl Into<String>) -> Self {
                Self(s.into())
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_owned())
            }
        }
    };
}

string_id!(
    /// 办件编号: one item of one application.
    CaseId
);
string_id!(
    /// 申请编号: one submission of several items for one works.
    ApplicationId
);
string_id!(
    /// PermitDesk's internal project id (the 项目代码 is a separate, validated code).
    ProjectId
);
string_id!(
    /// 工程编号 (GCDM): one works (building, section) of a project.
    WorksId
);
string_id!(
    /// 用户: an account.
    UserId
);
string_id!(
    /// 单位: an organisation (builder, agency, utility unit), usually keyed by its credit code.
    OrganisationId
);
string_id!(
    /// 部门编码: a department of the catalogue.
    DepartmentCode
);
string_id!(
    /// 事项编码: an item of the catalogue.
    ItemCode
);
string_id!(
    /// 项目分类编码: a project category of the catalogue.
    CategoryCode
);
string_id!(
    /// 审批流程编码: an approval flow of the catalogue.
    FlowCode
);
string_id!(
    /// 材料: an uploaded file, by the hex SHA-256 of its content (stored once, seed 4.6).
    AttachmentId
);
string_id!(
    /// 电子证照编号.
    CertificateNumber
);
