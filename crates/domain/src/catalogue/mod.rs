//! 审批事项目录: the catalogue of departments, items, project categories and approval flows,
//! loaded from a human-edited TOML file and validated on load with line-precise errors.
//!
//! The catalogue is data, never code: administrators edit the file, bump `version`, and a case
//! keeps the version it was accepted under. Lookups go through index maps built on load.

mod error;
mod load;
mod validate;

pub use error::{CatalogueError, CatalogueErrorKind, CatalogueErrors, Entity};

use crate::ids::{CategoryCode, DepartmentCode, FlowCode, ItemCode};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;

/// The longest time limit the catalogue accepts, in working days. Longer limits are almost
/// certainly typing mistakes (natural days, or an extra digit).
pub const MAX_TIME_LIMIT_WORKING_DAYS: u32 = 365;

/// 审批事项目录: one version of the catalogue.
///
/// Treat a loaded catalogue as read-only: lookups use indexes built on load (a lookup still
/// answers correctly if the vectors were changed, only more slowly).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(try_from = "CatalogueData")]
pub struct Catalogue {
    /// 目录版本号, e.g. "2026.1". A case records it at acceptance 受理.
    pub version: String,
    /// 省级行政区划代码: "23" = 黑龙江省. Project codes must come from this province.
    pub province_code: String,
    /// 城市, e.g. "哈尔滨市".
    pub city: String,
    /// 审批部门 and 市政公用服务单位.
    pub departments: Vec<Department>,
    /// 审批服务事项.
    pub items: Vec<Item>,
    /// 项目分类.
    pub categories: Vec<ProjectCategory>,
    /// 审批流程, one or more per category.
    pub flows: Vec<ApprovalFlow>,
    #[serde(skip)]
    index: Index,
}

/// The plain data of a catalogue, without indexes. [`Catalogue::from_data`] validates it; this is
/// also the shape of a catalogue in JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CatalogueData {
    pub version: String,
    pub province_code: String,
    pub city: String,
    pub departments: Vec<Department>,
    pub items: Vec<Item>,
    pub categories: Vec<ProjectCategory>,
    pub flows: Vec<ApprovalFlow>,
}

/// 审批部门 / 市政公用服务单位 / 中介服务超市: whoever handles items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Department {
    /// 部门编码.
    pub code: DepartmentCode,
    /// Full name, e.g. "哈尔滨市自然资源和规划局".
    pub name: String,
    /// 简称 as applicants say it, e.g. "市资规局"; the stage leads of seed 12 are named this way.
    pub short_name: Option<String>,
    pub kind: DepartmentKind,
    /// 审批层级, in sign-off order (seed 7.4: 受理、审核、复核、签批, configured per department).
    /// Never empty.
    pub review_levels: Vec<String>,
}

/// 部门类型.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum DepartmentKind {
    /// 政府部门 (审批部门).
    Government,
    /// 市政公用服务单位: water, drainage, power, gas, heating, broadcast TV, telecom (seed 8).
    UtilityUnit,
    /// 中介服务管理: the intermediary-service market 中介服务超市 (seed 9).
    IntermediaryMarket,
}

/// 审批服务事项: one entry of the catalogue, as its 办事指南 describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "CatalogueItem")
)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "CatalogueItem"))]
pub struct Item {
    /// 事项编码.
    pub code: ItemCode,
    /// 事项名称.
    pub name: String,
    /// 办理部门 (for intermediary services: the market that hosts the commission).
    pub department: DepartmentCode,
    /// 主管部门 of an intermediary service or technical review (statistics table 4).
    pub competent_department: Option<DepartmentCode>,
    pub kind: ItemKind,
    pub stage: Stage,
    /// 法定/承诺办理时限 in working days; 0 = 即办.
    pub time_limit_working_days: u32,
    /// 申请材料.
    pub materials: Vec<MaterialRequirement>,
    /// 收费标准.
    pub fee: Fee,
    /// 告知承诺制: the item may be handled on the applicant's written commitment.
    pub commitment_allowed: bool,
    /// 设定依据.
    pub legal_basis: Option<String>,
    /// For 市政公用服务 items: which service and which phase.
    pub utility: Option<UtilityService>,
}

/// 事项类型 (seed 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// 行政审批 (行政许可).
    AdministrativeApproval,
    /// 备案.
    Filing,
    /// 技术审查.
    TechnicalReview,
    /// 中介服务.
    IntermediaryService,
    /// 市政公用服务.
    MunicipalUtility,
}

impl ItemKind {
    pub const ALL: [ItemKind; 5] = [
        ItemKind::AdministrativeApproval,
        ItemKind::Filing,
        ItemKind::TechnicalReview,
        ItemKind::IntermediaryService,
        ItemKind::MunicipalUtility,
    ];

    /// The Chinese name, as the statistics tables print it.
    pub fn label(self) -> &'static str {
        match self {
            ItemKind::AdministrativeApproval => "行政审批",
            ItemKind::Filing => "备案",
            ItemKind::TechnicalReview => "技术审查",
            ItemKind::IntermediaryService => "中介服务",
            ItemKind::MunicipalUtility => "市政公用服务",
        }
    }
}

/// 审批阶段. Numbers 0-4 and 5 (并行推进) follow the national SPGL tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// 0 策划生成 (seed 5).
    Planning,
    /// 1 立项用地规划许可.
    ProjectApproval,
    /// 2 工程建设许可.
    EngineeringPermit,
    /// 3 施工许可.
    ConstructionPermit,
    /// 4 竣工验收.
    CompletionAcceptance,
    /// 5 并行推进: items that run alongside the main line (utilities, intermediaries...).
    Parallel,
}

impl Stage {
    pub const ALL: [Stage; 6] = [
        Stage::Planning,
        Stage::ProjectApproval,
        Stage::EngineeringPermit,
        Stage::ConstructionPermit,
        Stage::CompletionAcceptance,
        Stage::Parallel,
    ];

    /// The stage number of the SPGL tables (0-5).
    pub fn number(self) -> u8 {
        match self {
            Stage::Planning => 0,
            Stage::ProjectApproval => 1,
            Stage::EngineeringPermit => 2,
            Stage::ConstructionPermit => 3,
            Stage::CompletionAcceptance => 4,
            Stage::Parallel => 5,
        }
    }

    pub fn from_number(n: i64) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| i64::from(s.number()) == n)
    }

    /// 阶段名称.
    pub fn label(self) -> &'static str {
        match self {
            Stage::Planning => "策划生成",
            Stage::ProjectApproval => "立项用地规划许可",
            Stage::EngineeringPermit => "工程建设许可",
            Stage::ConstructionPermit => "施工许可",
            Stage::CompletionAcceptance => "竣工验收",
            Stage::Parallel => "并行推进",
        }
    }

    /// 牵头单位 (seed 5.1 and 12), by short name: 策划生成 市发改委 and 市资规局, stages 1-2
    /// 市资规局, stages 3-4 市住建局. Parallel items have no lead of their own.
    pub fn lead_short_names(self) -> &'static [&'static str] {
        match self {
            Stage::Planning => &["市发改委", "市资规局"],
            Stage::ProjectApproval | Stage::EngineeringPermit => &["市资规局"],
            Stage::ConstructionPermit | Stage::CompletionAcceptance => &["市住建局"],
            Stage::Parallel => &[],
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.number(), self.label())
    }
}

/// 申请材料 as the 办事指南 lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MaterialRequirement {
    /// 材料名称.
    pub name: String,
    pub necessity: Necessity,
    /// 材料形式: 原件 / 复印件.
    pub form: MaterialForm,
    /// 份数.
    pub copies: u32,
    /// 载体: 电子 / 纸质.
    pub medium: Medium,
    /// 样表/模板 (name or address of the blank form).
    pub template: Option<String>,
    /// Under 告知承诺制 the applicant may give a written commitment instead (承诺后补).
    pub commitment_waivable: bool,
}

/// 必要性: 必要 or 情形要件.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum Necessity {
    /// 必要.
    Required,
    /// 情形要件: needed only when the condition holds, e.g. "涉及占用城市道路的".
    Conditional { condition: String },
}

/// 材料形式.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum MaterialForm {
    /// 原件.
    Original,
    /// 复印件.
    Copy,
    /// 原件及复印件.
    OriginalAndCopy,
}

/// 材料载体.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Medium {
    /// 电子.
    Electronic,
    /// 纸质.
    Paper,
    /// 电子及纸质.
    Both,
}

/// 收费标准.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum Fee {
    /// 不收费.
    Free,
    /// 按标准收费: the amount in fen (分) per the unit that `standard` states, and the standard.
    Standard { amount_fen: u64, standard: String },
    /// 市场调节价 (intermediary services): agreed with the agency; `standard` says how.
    Market { standard: String },
}

/// 市政公用服务 (seed 8): which service, which phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UtilityService {
    pub service: UtilityKind,
    pub phase: UtilityPhase,
}

/// The seven 市政公用服务 of seed 8.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum UtilityKind {
    /// 供水.
    Water,
    /// 排水.
    Drainage,
    /// 供电.
    Power,
    /// 燃气.
    Gas,
    /// 供热.
    Heating,
    /// 广播电视.
    BroadcastTv,
    /// 通信.
    Telecom,
}

impl UtilityKind {
    pub const ALL: [UtilityKind; 7] = [
        UtilityKind::Water,
        UtilityKind::Drainage,
        UtilityKind::Power,
        UtilityKind::Gas,
        UtilityKind::Heating,
        UtilityKind::BroadcastTv,
        UtilityKind::Telecom,
    ];

    pub fn label(self) -> &'static str {
        match self {
            UtilityKind::Water => "供水",
            UtilityKind::Drainage => "排水",
            UtilityKind::Power => "供电",
            UtilityKind::Gas => "燃气",
            UtilityKind::Heating => "供热",
            UtilityKind::BroadcastTv => "广播电视",
            UtilityKind::Telecom => "通信",
        }
    }
}

/// 市政公用服务的办理环节 (seed 8.1, 8.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum UtilityPhase {
    /// 报装受理.
    Application,
    /// 验收接入.
    Connection,
}

impl UtilityPhase {
    pub fn label(self) -> &'static str {
        match self {
            UtilityPhase::Application => "报装受理",
            UtilityPhase::Connection => "验收接入",
        }
    }
}

/// 项目分类 (seed 12 lists five; the sixth is 社会投资小型低风险项目).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProjectCategory {
    /// 项目分类编码.
    pub code: CategoryCode,
    pub name: String,
    pub investment: Investment,
    /// 小型低风险: simplified flow, merged stages.
    pub low_risk: bool,
}

/// 投资类型.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Investment {
    /// 政府投资.
    Government,
    /// 社会投资.
    Social,
}

/// 审批流程: the items of each stage for a project category. The window operator picks one
/// when registering a project, and the one-time notice 一次性告知单 is printed from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ApprovalFlow {
    /// 审批流程编码.
    pub code: FlowCode,
    pub name: String,
    pub category: CategoryCode,
    /// In stage order as written in the file.
    pub stages: Vec<FlowStage>,
}

impl ApprovalFlow {
    /// Whether `item` is one of the flow's items (at any stage, required or conditional): a
    /// project's applications are for its flow's items only.
    pub fn has_item(&self, item: &ItemCode) -> bool {
        self.stages
            .iter()
            .any(|s| s.items.iter().any(|i| &i.item == item))
    }
}

/// 流程阶段: the items of one stage of a flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FlowStage {
    pub stage: Stage,
    pub items: Vec<FlowItem>,
}

/// 流程事项: an item in a flow, required (必办) or conditional (情形办理).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FlowItem {
    pub item: ItemCode,
    pub required: bool,
    /// When a conditional item applies, e.g. "涉及占用城市道路的". Set exactly when not required.
    pub condition: Option<String>,
}

#[derive(Debug, Clone, Default)]
struct Index {
    departments: HashMap<DepartmentCode, usize>,
    items: HashMap<ItemCode, usize>,
    categories: HashMap<CategoryCode, usize>,
    flows: HashMap<FlowCode, usize>,
    flows_by_category: HashMap<CategoryCode, Vec<usize>>,
}

impl Index {
    fn build(data: &CatalogueData) -> Index {
        let mut flows_by_category: HashMap<CategoryCode, Vec<usize>> = HashMap::new();
        for (i, f) in data.flows.iter().enumerate() {
            flows_by_category
                .entry(f.category.clone())
                .or_default()
                .push(i);
        }
        Index {
            departments: positions(&data.departments, |d| &d.code),
            items: positions(&data.items, |i| &i.code),
            categories: positions(&data.categories, |c| &c.code),
            flows: positions(&data.flows, |f| &f.code),
            flows_by_category,
        }
    }
}

fn positions<T, K: Clone + Eq + std::hash::Hash>(
    v: &[T],
    key: impl Fn(&T) -> &K,
) -> HashMap<K, usize> {
    let mut map = HashMap::with_capacity(v.len());
    for (i, x) in v.iter().enumerate() {
        // First occurrence wins, as validation reports later ones as duplicates.
        map.entry(key(x).clone()).or_insert(i);
    }
    map
}

/// Indexed lookup that stays correct if the public vectors were edited after load: the indexed
/// entry is checked, and a miss falls back to a scan.
fn lookup<'a, T, K: Eq + std::hash::Hash>(
    map: &HashMap<K, usize>,
    v: &'a [T],
    code: &K,
    key: impl Fn(&T) -> &K,
) -> Option<&'a T> {
    map.get(code)
        .and_then(|&i| v.get(i))
        .filter(|x| key(x) == code)
        .or_else(|| v.iter().find(|x| key(x) == code))
}

impl Catalogue {
    /// The shipped Harbin demo catalogue ([`crate::DEMO_CATALOGUE_TOML`]).
    pub fn demo() -> Result<Catalogue, CatalogueErrors> {
        Catalogue::from_toml_named("harbin-demo.toml", crate::DEMO_CATALOGUE_TOML)
    }

    /// Parses and validates a catalogue; errors name the file as `catalogue.toml`.
    pub fn from_toml_str(text: &str) -> Result<Catalogue, CatalogueErrors> {
        Catalogue::from_toml_named("catalogue.toml", text)
    }

    /// Parses and validates a catalogue; `file_name` prefixes every error line
    /// (`harbin-demo.toml:123: ...`). All errors are collected, sorted by line.
    pub fn from_toml_named(file_name: &str, text: &str) -> Result<Catalogue, CatalogueErrors> {
        let (data, lines, mut errors) = load::parse(file_name, text)?;
        errors.extend(validate::validate(&data, &lines));
        finish(file_name, data, errors)
    }

    /// Validates plain data (e.g. received as JSON); errors carry no line numbers.
    pub fn from_data(data: CatalogueData) -> Result<Catalogue, CatalogueErrors> {
        let errors = validate::validate(&data, &load::Lines::default());
        finish("catalogue", data, errors)
    }

    /// The catalogue as TOML in the file's format; [`Catalogue::from_toml_str`] reads it back
    /// to an equal catalogue (comments are not kept).
    pub fn to_toml(&self) -> Result<String, toml::ser::Error> {
        load::to_toml(self)
    }

    /// The plain data, without indexes.
    pub fn data(&self) -> CatalogueData {
        CatalogueData {
            version: self.version.clone(),
            province_code: self.province_code.clone(),
            city: self.city.clone(),
            departments: self.departments.clone(),
            items: self.items.clone(),
            categories: self.categories.clone(),
            flows: self.flows.clone(),
        }
    }

    pub fn item(&self, code: &ItemCode) -> Option<&Item> {
        lookup(&self.index.items, &self.items, code, |i| &i.code)
    }

    pub fn department(&self, code: &DepartmentCode) -> Option<&Department> {
        lookup(&self.index.departments, &self.departments, code, |d| {
            &d.code
        })
    }

    pub fn category(&self, code: &CategoryCode) -> Option<&ProjectCategory> {
        lookup(&self.index.categories, &self.categories, code, |c| &c.code)
    }

    pub fn flow(&self, code: &FlowCode) -> Option<&ApprovalFlow> {
        lookup(&self.index.flows, &self.flows, code, |f| &f.code)
    }

    /// The flows a window operator may pick for a project of this category, in file order.
    pub fn flows_for_category(&self, code: &CategoryCode) -> Vec<&ApprovalFlow> {
        let indexed: Vec<&ApprovalFlow> = self
            .index
            .flows_by_category
            .get(code)
            .map(|is| is.iter().filter_map(|&i| self.flows.get(i)).collect())
            .unwrap_or_default();
        if indexed.iter().all(|f| &f.category == code)
            && indexed.len() == self.flows.iter().filter(|f| &f.category == code).count()
        {
            indexed
        } else {
            self.flows.iter().filter(|f| &f.category == code).collect()
        }
    }

    /// The department that handles an item.
    pub fn department_of(&self, item: &ItemCode) -> Option<&Department> {
        self.item(item).and_then(|i| self.department(&i.department))
    }

    /// The sign-off levels a case of this item goes through, in order (its department's).
    pub fn review_levels_for_item(&self, item: &ItemCode) -> Option<&[String]> {
        self.department_of(item).map(|d| d.review_levels.as_slice())
    }

    /// The lead departments of a stage (seed 5.1, 12), found by their short names.
    pub fn stage_leads(&self, stage: Stage) -> Vec<&Department> {
        let names = stage.lead_short_names();
        self.departments
            .iter()
            .filter(|d| d.short_name.as_deref().is_some_and(|s| names.contains(&s)))
            .collect()
    }

    /// The items of a kind, in file order.
    pub fn items_of_kind(&self, kind: ItemKind) -> impl Iterator<Item = &Item> {
        self.items.iter().filter(move |i| i.kind == kind)
    }
}

fn finish(
    file_name: &str,
    data: CatalogueData,
    errors: Vec<(Option<usize>, CatalogueErrorKind)>,
) -> Result<Catalogue, CatalogueErrors> {
    if errors.is_empty() {
        let index = Index::build(&data);
        let CatalogueData {
            version,
            province_code,
            city,
            departments,
            items,
            categories,
            flows,
        } = data;
        Ok(Catalogue {
            version,
            province_code,
            city,
            departments,
            items,
            categories,
            flows,
            index,
        })
    } else {
        Err(CatalogueErrors::collect(file_name, errors))
    }
}

impl PartialEq for Catalogue {
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version
            && self.province_code == other.province_code
            && self.city == other.city
            && self.departments == other.departments
            && self.items == other.items
            && self.categories == other.categories
            && self.flows == other.flows
    }
}

impl Eq for Catalogue {}

impl TryFrom<CatalogueData> for Catalogue {
    type Error = CatalogueErrors;

    fn try_from(data: CatalogueData) -> Result<Self, Self::Error> {
        Catalogue::from_data(data)
    }
}
