//! The provincial investment platform (投资项目在线审批监管平台) adapter: look up a project's
//! registration by its project code and prefill the project registration form (项目登记表).

use crate::codes::ProjectCode;
use crate::ids::CategoryCode;
use crate::project::{Area, Builder, Contact, InvestmentType, Location, Money, ProjectDetails};
use serde::{Deserialize, Serialize};

/// What the provincial platform knows of a project (赋码信息), as it returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProjectRegistration {
    /// 项目代码.
    pub code: ProjectCode,
    /// 项目名称.
    pub name: String,
    /// 建设单位 with its 统一社会信用代码.
    pub builder: Builder,
    pub investment: InvestmentType,
    pub location: Location,
    pub investment_amount: Money,
    pub land_area: Area,
    pub building_area: Area,
}

impl ProjectRegistration {
    /// The registration form prefilled from the platform; the window still picks the catalogue's
    /// 项目分类 and the contacts, which the platform does not know.
    pub fn prefill(&self, category: CategoryCode, contacts: Vec<Contact>) -> ProjectDetails {
        ProjectDetails {
            code: self.code.clone(),
            name: self.name.clone(),
            builder: self.builder.clone(),
            investment: self.investment,
            category,
            location: self.location.clone(),
            investment_amount: self.investment_amount,
            land_area: self.land_area,
            building_area: self.building_area,
            contacts,
        }
    }
}

/// Why the platform could not answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlatformError {
    #[error("投资项目平台数据文件格式有误，请检查文件：{0}")]
    BadFile(String),
    #[error("投资项目平台暂时无法访问，请稍后重试：{0}")]
    Unavailable(String),
}

/// The provincial investment platform, by project code.
pub trait InvestmentPlatform {
    /// The registration of `code`, or `None` when the platform has no such project.
    fn lookup(&self, code: &ProjectCode) -> Result<Option<ProjectRegistration>, PlatformError>;
}

/// The platform as a JSON file of registrations (a JSON array), for tests and offline use. The
/// caller reads the file: the domain does no IO.
#[derive(Debug, Clone, Default)]
pub struct FilePlatform {
    registrations: Vec<ProjectRegistration>,
}

impl FilePlatform {
    /// Parse the file's text.
    pub fn from_json_str(text: &str) -> Result<FilePlatform, PlatformError> {
        let registrations =
            serde_json::from_str(text).map_err(|e| PlatformError::BadFile(e.to_string()))?;
        Ok(FilePlatform { registrations })
    }

    pub fn new(registrations: Vec<ProjectRegistration>) -> FilePlatform {
        FilePlatform { registrations }
    }

    /// The file's text for these registrations.
    pub fn to_json_string(&self) -> Result<String, PlatformError> {
        serde_json::to_string_pretty(&self.registrations)
            .map_err(|e| PlatformError::BadFile(e.to_string()))
    }
}

impl InvestmentPlatform for FilePlatform {
    fn lookup(&self, code: &ProjectCode) -> Result<Option<ProjectRegistration>, PlatformError> {
        Ok(self.registrations.iter().find(|r| &r.code == code).cloned())
    }
}
