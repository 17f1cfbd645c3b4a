//! Catalogue load errors: each names the file, the line of the offending entry and what to fix,
//! in Chinese, one per line, so an administrator can correct the whole file in one pass.

use super::Stage;
use std::fmt;

/// What kind of entry a code belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Entity {
    Department,
    Item,
    Category,
    Flow,
}

impl fmt::Display for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Entity::Department => "部门",
            Entity::Item => "事项",
            Entity::Category => "项目分类",
            Entity::Flow => "审批流程",
        })
    }
}

fn first_seen(line: &Option<usize>) -> String {
    match line {
        Some(l) => format!("（首次出现在第 {l} 行）"),
        None => String::new(),
    }
}

/// One thing wrong with a catalogue.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueErrorKind {
    /// The file is not valid TOML, or a value has the wrong type or an unknown key.
    #[error("TOML 格式错误：{message}")]
    Syntax { message: String },
    #[error("目录版本号 version 为空，请填写如 \"2026.1\"")]
    EmptyVersion,
    #[error("省级行政区划代码 province_code \"{code}\" 应为两位数字（黑龙江省为 \"23\"）")]
    BadProvinceCode { code: String },
    #[error("城市名称 city 为空")]
    EmptyCity,
    #[error("{entity}编码为空")]
    EmptyCode { entity: Entity },
    #[error("{entity} \"{code}\" 的名称为空")]
    EmptyName { entity: Entity, code: String },
    #[error("重复的{entity}编码 \"{code}\"{}", first_seen(.first_line))]
    DuplicateCode {
        entity: Entity,
        code: String,
        first_line: Option<usize>,
    },
    /// A keyword field (kind, form, medium, ...) holds a value outside its list.
    #[error("{owner} 的 {field} 取值 \"{value}\" 无效，可选：{expected}")]
    UnknownValue {
        owner: String,
        field: &'static str,
        value: String,
        expected: String,
    },
    #[error(
        "部门 \"{department}\" 未配置审批层级 review_levels（至少一级，如 [\"受理\", \"审核\", \"签批\"]）"
    )]
    NoReviewLevels { department: String },
    #[error("部门 \"{department}\" 的审批层级中有空名称")]
    EmptyReviewLevel { department: String },
    #[error("部门 \"{department}\" 的审批层级 \"{level}\" 重复")]
    DuplicateReviewLevel { department: String, level: String },
    #[error("未知部门 \"{department}\"（事项 {item}）")]
    UnknownDepartment { department: String, item: String },
    #[error("未知主管部门 \"{department}\"（事项 {item}）")]
    UnknownCompetentDepartment { department: String, item: String },
    #[error(
        "{owner} 的阶段编号 {value} 无效，应为 0-5（0 策划生成、1 立项用地规划许可、2 工程建设许可、3 施工许可、4 竣工验收、5 并行推进）"
    )]
    UnknownStage { owner: String, value: i64 },
    #[error("事项 {item} 的办理时限为负数（{days} 个工作日），即办事项请填 0")]
    NegativeTimeLimit { item: String, days: i64 },
    #[error("事项 {item} 的办理时限 {days} 个工作日超过 365，请核对（时限以工作日计）")]
    AbsurdTimeLimit { item: String, days: u64 },
    #[error("事项 {item} 的第 {index} 项材料名称为空")]
    EmptyMaterialName { item: String, index: usize },
    #[error(
        "事项 {item} 的材料 \"{material}\" 设置了 condition 但内容为空（情形要件须写明适用情形）"
    )]
    EmptyMaterialCondition { item: String, material: String },
    #[error("事项 {item} 的材料 \"{material}\" 份数 {copies} 无效，应为 1-99")]
    BadCopies {
        item: String,
        material: String,
        copies: i64,
    },
    #[error("事项 {item} 的收费金额为负数（{amount_fen} 分）")]
    NegativeFee { item: String, amount_fen: i64 },
    #[error("事项 {item} 的收费缺少收费标准说明 standard")]
    FeeWithoutStandard { item: String },
    #[error("事项 {item} 按标准收费但未填写金额 amount_fen（单位：分）")]
    FeeWithoutAmount { item: String },
    #[error("市政公用服务事项 {item} 未填写 utility（服务种类 service 与环节 phase）")]
    UtilityMissing { item: String },
    #[error("事项 {item} 不是市政公用服务事项，不应填写 utility")]
    UtilityOnNonUtilityItem { item: String },
    #[error("市政公用服务事项 {item} 的办理单位 \"{department}\" 不是市政公用服务单位")]
    UtilityOutsideUtilityUnit { item: String, department: String },
    #[error("未知项目分类 \"{category}\"（审批流程 {flow}）")]
    UnknownCategory { category: String, flow: String },
    #[error("审批流程 {flow} 引用了未知事项 \"{item}\"")]
    UnknownItemInFlow { item: String, flow: String },
    #[error("审批流程 {flow} 没有任何阶段")]
    FlowWithoutStages { flow: String },
    #[error("审批流程 {flow} 的阶段「{stage}」没有事项")]
    EmptyFlowStage { flow: String, stage: Stage },
    #[error("审批流程 {flow} 的阶段「{stage}」重复出现")]
    DuplicateFlowStage { flow: String, stage: Stage },
    #[error("审批流程 {flow} 中事项 {item} 出现多次")]
    DuplicateFlowItem { flow: String, item: String },
    #[error("审批流程 {flow} 把事项 {item}（属「{item_stage}」阶段）放在了「{flow_stage}」阶段")]
    StageMismatch {
        flow: String,
        item: String,
        flow_stage: Stage,
        item_stage: Stage,
    },
    #[error(
        "审批流程 {flow} 中的情形办理事项 {item} 未写明办理条件 condition（如 \"涉及占用城市道路的\"）"
    )]
    ConditionMissing { flow: String, item: String },
    #[error(
        "审批流程 {flow} 中的必办事项 {item} 设置了办理条件；有条件的事项请写 required = false"
    )]
    RequiredWithCondition { flow: String, item: String },
    #[error("事项 {item} 不在任何审批流程中")]
    ItemInNoFlow { item: String },
    #[error("项目分类 {category} 没有审批流程")]
    CategoryWithoutFlow { category: String },
}

/// A [`CatalogueErrorKind`] located in its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogueError {
    /// The file name the caller gave (e.g. "harbin-demo.toml").
    pub file: String,
    /// 1-based line of the offending entry; `None` when the data did not come from a file.
    pub line: Option<usize>,
    /// 1-based column, known for syntax errors only.
    pub column: Option<usize>,
    pub kind: CatalogueErrorKind,
}

impl fmt::Display for CatalogueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{}:{l}:{c}: {}", self.file, self.kind),
            (Some(l), None) => write!(f, "{}:{l}: {}", self.file, self.kind),
            _ => write!(f, "{}: {}", self.file, self.kind),
        }
    }
}

impl std::error::Error for CatalogueError {}

/// Every error found in a catalogue, sorted by line. Display: one per line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogueErrors(pub Vec<CatalogueError>);

impl CatalogueErrors {
    pub(super) fn collect(file: &str, mut found: Vec<(Option<usize>, CatalogueErrorKind)>) -> Self {
        // Unlocated errors (whole-file ones) go last; the sort is stable, so errors on one line
        // keep the order the checks found them in.
        found.sort_by_key(|(line, _)| line.unwrap_or(usize::MAX));
        CatalogueErrors(
            found
                .into_iter()
                .map(|(line, kind)| CatalogueError {
                    file: file.to_owned(),
                    line,
                    column: None,
                    kind,
                })
                .collect(),
        )
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, CatalogueError> {
        self.0.iter()
    }
}

impl fmt::Display for CatalogueErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for CatalogueErrors {}

impl<'a> IntoIterator for &'a CatalogueErrors {
    type Item = &'a CatalogueError;
    type IntoIter = std::slice::Iter<'a, CatalogueError>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}
