//! Reading the catalogue file: TOML with spans -> plain data plus the line of every entry, and
//! back to TOML. Keywords are checked here so that every bad value is reported with its line.

use super::error::{CatalogueError, CatalogueErrorKind, CatalogueErrors};
use super::{
    ApprovalFlow, Catalogue, CatalogueData, Department, DepartmentKind, Fee, FlowItem, FlowStage,
    Investment, Item, ItemKind, MaterialForm, MaterialRequirement, Medium, Necessity,
    ProjectCategory, Stage, UtilityKind, UtilityPhase, UtilityService,
};
use crate::ids::{CategoryCode, DepartmentCode, FlowCode, ItemCode};
use serde::{Deserialize, Serialize};
use toml::Spanned;

type Found = Vec<(Option<usize>, CatalogueErrorKind)>;

// ---------------------------------------------------------------------------------------------
// The file's shape. Fields that validation points at are spanned; numbers are i64 so that a
// negative value becomes a semantic error with its line instead of a type error.

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalogue {
    version: Spanned<String>,
    province_code: Spanned<String>,
    city: Spanned<String>,
    #[serde(default)]
    departments: Vec<RawDepartment>,
    #[serde(default)]
    items: Vec<RawItem>,
    #[serde(default)]
    categories: Vec<RawCategory>,
    #[serde(default)]
    flows: Vec<RawFlow>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDepartment {
    code: Spanned<String>,
    name: Spanned<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    short_name: Option<String>,
    kind: Spanned<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    review_levels: Option<Spanned<Vec<String>>>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    code: Spanned<String>,
    name: Spanned<String>,
    department: Spanned<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    competent_department: Option<Spanned<String>>,
    kind: Spanned<String>,
    stage: Spanned<i64>,
    time_limit_working_days: Spanned<i64>,
    #[serde(default)]
    commitment_allowed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    legal_basis: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fee: Option<Spanned<RawFee>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    utility: Option<Spanned<RawUtility>>,
    #[serde(default)]
    materials: Vec<RawMaterial>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFee {
    #[serde(rename = "type")]
    kind: Spanned<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    amount_fen: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    standard: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUtility {
    service: Spanned<String>,
    phase: Spanned<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMaterial {
    name: Spanned<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    condition: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    form: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    copies: Option<Spanned<i64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    medium: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    template: Option<String>,
    #[serde(default)]
    commitment_waivable: bool,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCategory {
    code: Spanned<String>,
    name: Spanned<String>,
    investment: Spanned<String>,
    #[serde(default)]
    low_risk: bool,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFlow {
    code: Spanned<String>,
    name: Spanned<String>,
    category: Spanned<String>,
    #[serde(default)]
    stages: Vec<RawFlowStage>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFlowStage {
    stage: Spanned<i64>,
    #[serde(default)]
    items: Vec<RawFlowItem>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFlowItem {
    item: Spanned<String>,
    #[serde(default = "yes")]
    required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    condition: Option<Spanned<String>>,
}

fn yes() -> bool {
    true
}

// ---------------------------------------------------------------------------------------------
// Where each entry sits in the file (1-based lines), index-aligned with the plain data. Empty
// when the data did not come from a file, and every lookup then answers None.

#[derive(Debug, Default)]
pub(super) struct Lines {
    pub version: Option<usize>,
    pub province_code: Option<usize>,
    pub city: Option<usize>,
    pub departments: Vec<DepartmentLines>,
    pub items: Vec<ItemLines>,
    pub categories: Vec<CategoryLines>,
    pub flows: Vec<FlowLines>,
}

#[derive(Debug)]
pub(super) struct DepartmentLines {
    pub code: usize,
    pub name: usize,
    pub review_levels: Option<usize>,
}

#[derive(Debug)]
pub(super) struct ItemLines {
    pub code: usize,
    pub name: usize,
    pub department: usize,
    pub competent_department: Option<usize>,
    pub time_limit: usize,
    pub fee: Option<usize>,
    pub utility: Option<usize>,
    pub materials: Vec<MaterialLines>,
}

#[derive(Debug)]
pub(super) struct MaterialLines {
    pub name: usize,
    pub condition: Option<usize>,
    pub copies: Option<usize>,
}

#[derive(Debug)]
pub(super) struct CategoryLines {
    pub code: usize,
    pub name: usize,
}

#[derive(Debug)]
pub(super) struct FlowLines {
    pub code: usize,
    pub name: usize,
    pub category: usize,
    pub stages: Vec<FlowStageLines>,
}

#[derive(Debug)]
pub(super) struct FlowStageLines {
    pub stage: usize,
    /// False when the stage number was invalid (already reported; later checks skip it).
    pub valid: bool,
    pub items: Vec<FlowItemLines>,
}

#[derive(Debug)]
pub(super) struct FlowItemLines {
    pub item: usize,
    pub condition: Option<usize>,
}

/// Byte offset -> 1-based line and column.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset)
    }

    fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let line = self.line(offset);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        let column = text
            .get(start..offset.min(text.len()))
            .map_or(1, |s| s.chars().count() + 1);
        (line, column)
    }

    fn of<T>(&self, s: &Spanned<T>) -> usize {
        self.line(s.span().start)
    }
}

// ---------------------------------------------------------------------------------------------
// Keywords: each accepted as its English key (what `to_toml` writes) or its Chinese label.

type Keywords<T> = &'static [(&'static str, &'static str, T)];

const DEPARTMENT_KINDS: Keywords<DepartmentKind> = &[
    ("government", "政府部门", DepartmentKind::Government),
    (
        "utility_unit",
        "市政公用服务单位",
        DepartmentKind::UtilityUnit,
    ),
    (
        "intermediary_market",
        "中介服务超市",
        DepartmentKind::IntermediaryMarket,
    ),
];
const ITEM_KINDS: Keywords<ItemKind> = &[
    (
        "administrative_approval",
        "行政审批",
        ItemKind::AdministrativeApproval,
    ),
    ("filing", "备案", ItemKind::Filing),
    ("technical_review", "技术审查", ItemKind::TechnicalReview),
    (
        "intermediary_service",
        "中介服务",
        ItemKind::IntermediaryService,
    ),
    (
        "municipal_utility",
        "市政公用服务",
        ItemKind::MunicipalUtility,
    ),
];
const FORMS: Keywords<MaterialForm> = &[
    ("original", "原件", MaterialForm::Original),
    ("copy", "复印件", MaterialForm::Copy),
    (
        "original_and_copy",
        "原件及复印件",
        MaterialForm::OriginalAndCopy,
    ),
];
const MEDIA: Keywords<Medium> = &[
    ("electronic", "电子", Medium::Electronic),
    ("paper", "纸质", Medium::Paper),
    ("both", "电子及纸质", Medium::Both),
];
const UTILITY_KINDS: Keywords<UtilityKind> = &[
    ("water", "供水", UtilityKind::Water),
    ("drainage", "排水", UtilityKind::Drainage),
    ("power", "供电", UtilityKind::Power),
    ("gas", "燃气", UtilityKind::Gas),
    ("heating", "供热", UtilityKind::Heating),
    ("broadcast_tv", "广播电视", UtilityKind::BroadcastTv),
    ("telecom", "通信", UtilityKind::Telecom),
];
const PHASES: Keywords<UtilityPhase> = &[
    ("application", "报装受理", UtilityPhase::Application),
    ("connection", "验收接入", UtilityPhase::Connection),
];
const INVESTMENTS: Keywords<Investment> = &[
    ("government", "政府投资", Investment::Government),
    ("social", "社会投资", Investment::Social),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FeeType {
    Free,
    Standard,
    Market,
}
const FEE_TYPES: Keywords<FeeType> = &[
    ("free", "不收费", FeeType::Free),
    ("standard", "按标准收费", FeeType::Standard),
    ("market", "市场调节价", FeeType::Market),
];

fn key_of<T: PartialEq + Copy>(table: Keywords<T>, value: T) -> &'static str {
    table
        .iter()
        .find(|(_, _, v)| *v == value)
        .map_or("", |(k, _, _)| k)
}

struct Lowering<'a> {
    li: &'a LineIndex,
    found: Found,
}

impl Lowering<'_> {
    fn keyword<T: Copy>(
        &mut self,
        table: Keywords<T>,
        value: &Spanned<String>,
        owner: impl FnOnce() -> String,
        field: &'static str,
    ) -> Option<T> {
        let v = value.get_ref().trim();
        if let Some((_, _, t)) = table.iter().find(|(k, l, _)| *k == v || *l == v) {
            return Some(*t);
        }
        let expected = table
            .iter()
            .map(|(k, l, _)| format!("{k}（{l}）"))
            .collect::<Vec<_>>()
            .join("、");
        self.found.push((
            Some(self.li.of(value)),
            CatalogueErrorKind::UnknownValue {
                owner: owner(),
                field,
                value: value.get_ref().clone(),
                expected,
            },
        ));
        None
    }

    fn stage(&mut self, value: &Spanned<i64>, owner: impl FnOnce() -> String) -> Option<Stage> {
        let stage = Stage::from_number(*value.get_ref());
        if stage.is_none() {
            self.found.push((
                Some(self.li.of(value)),
                CatalogueErrorKind::UnknownStage {
                    owner: owner(),
                    value: *value.get_ref(),
                },
            ));
        }
        stage
    }

    fn department(&mut self, raw: RawDepartment) -> (Department, DepartmentLines) {
        let code = raw.code.get_ref().clone();
        let owner = || format!("部门 \"{code}\"");
        let kind = self
            .keyword(DEPARTMENT_KINDS, &raw.kind, owner, "kind")
            .unwrap_or(DepartmentKind::Government);
        let lines = DepartmentLines {
            code: self.li.of(&raw.code),
            name: self.li.of(&raw.name),
            review_levels: raw.review_levels.as_ref().map(|r| self.li.of(r)),
        };
        let department = Department {
            code: DepartmentCode(raw.code.into_inner()),
            name: raw.name.into_inner(),
            short_name: raw.short_name,
            kind,
            review_levels: raw
                .review_levels
                .map(Spanned::into_inner)
                .unwrap_or_default(),
        };
        (department, lines)
    }

    fn item(&mut self, raw: RawItem) -> (Item, ItemLines) {
        let code = raw.code.get_ref().clone();
        let owner = || format!("事项 \"{code}\"");
        let utility = raw.utility.as_ref().and_then(|u| {
            let service = self.keyword(
                UTILITY_KINDS,
                &u.get_ref().service,
                owner,
                "utility.service",
            );
            let phase = self.keyword(PHASES, &u.get_ref().phase, owner, "utility.phase");
            Some(UtilityService {
                service: service?,
                phase: phase?,
            })
        });
        // A bad kind is reported once; the fallback must not cause follow-up errors.
        let kind = self
            .keyword(ITEM_KINDS, &raw.kind, owner, "kind")
            .unwrap_or(if utility.is_some() {
                ItemKind::MunicipalUtility
            } else {
                ItemKind::AdministrativeApproval
            });
        // Parallel is exempt from the flow stage check, so it is the quiet fallback.
        let stage = self.stage(&raw.stage, owner).unwrap_or(Stage::Parallel);
        let days = *raw.time_limit_working_days.get_ref();
        let time_limit_working_days = if days < 0 {
            self.found.push((
                Some(self.li.of(&raw.time_limit_working_days)),
                CatalogueErrorKind::NegativeTimeLimit {
                    item: code.clone(),
                    days,
                },
            ));
            0
        } else {
            u32::try_from(days).unwrap_or(u32::MAX)
        };
        let fee = match &raw.fee {
            None => Fee::Free,
            Some(f) => self.fee(&code, f),
        };
        let mut materials = Vec::with_capacity(raw.materials.len());
        let mut material_lines = Vec::with_capacity(raw.materials.len());
        for m in raw.materials {
            let (material, lines) = self.material(&code, m);
            materials.push(material);
            material_lines.push(lines);
        }
        let lines = ItemLines {
            code: self.li.of(&raw.code),
            name: self.li.of(&raw.name),
            department: self.li.of(&raw.department),
            competent_department: raw.competent_department.as_ref().map(|c| self.li.of(c)),
            time_limit: self.li.of(&raw.time_limit_working_days),
            fee: raw.fee.as_ref().map(|f| self.li.of(f)),
            utility: raw.utility.as_ref().map(|u| self.li.of(u)),
            materials: material_lines,
        };
        let item = Item {
            code: ItemCode(raw.code.into_inner()),
            name: raw.name.into_inner(),
            department: DepartmentCode(raw.department.into_inner()),
            competent_department: raw
                .competent_department
                .map(|c| DepartmentCode(c.into_inner())),
            kind,
            stage,
            time_limit_working_days,
            materials,
            fee,
            commitment_allowed: raw.commitment_allowed,
            legal_basis: raw.legal_basis,
            utility,
        };
        (item, lines)
    }

    fn fee(&mut self, item: &str, raw: &Spanned<RawFee>) -> Fee {
        let line = Some(self.li.of(raw));
        let f = raw.get_ref();
        let standard = f.standard.clone().unwrap_or_default();
        let owner = || format!("事项 \"{item}\"");
        match self.keyword(FEE_TYPES, &f.kind, owner, "fee.type") {
            None | Some(FeeType::Free) => Fee::Free,
            Some(FeeType::Market) => Fee::Market { standard },
            Some(FeeType::Standard) => {
                let amount_fen = match f.amount_fen {
                    Some(a) if a >= 0 => a.unsigned_abs(),
                    Some(a) => {
                        let e = CatalogueErrorKind::NegativeFee {
                            item: item.to_owned(),
                            amount_fen: a,
                        };
                        self.found.push((line, e));
                        0
                    }
                    None => {
                        let e = CatalogueErrorKind::FeeWithoutAmount {
                            item: item.to_owned(),
                        };
                        self.found.push((line, e));
                        0
                    }
                };
                Fee::Standard {
                    amount_fen,
                    standard,
                }
            }
        }
    }

    fn material(&mut self, item: &str, raw: RawMaterial) -> (MaterialRequirement, MaterialLines) {
        let name = raw.name.get_ref().clone();
        let owner = || format!("事项 \"{item}\" 的材料 \"{name}\"");
        let form = raw
            .form
            .as_ref()
            .and_then(|f| self.keyword(FORMS, f, owner, "form"))
            .unwrap_or(MaterialForm::Original);
        let medium = raw
            .medium
            .as_ref()
            .and_then(|m| self.keyword(MEDIA, m, owner, "medium"))
            .unwrap_or(Medium::Electronic);
        let copies = match &raw.copies {
            None => 1,
            Some(c) if *c.get_ref() < 0 => {
                let e = CatalogueErrorKind::BadCopies {
                    item: item.to_owned(),
                    material: name.clone(),
                    copies: *c.get_ref(),
                };
                self.found.push((Some(self.li.of(c)), e));
                1
            }
            Some(c) => u32::try_from(*c.get_ref()).unwrap_or(u32::MAX),
        };
        let lines = MaterialLines {
            name: self.li.of(&raw.name),
            condition: raw.condition.as_ref().map(|c| self.li.of(c)),
            copies: raw.copies.as_ref().map(|c| self.li.of(c)),
        };
        let material = MaterialRequirement {
            name: raw.name.into_inner(),
            necessity: match raw.condition {
                Some(c) => Necessity::Conditional {
                    condition: c.into_inner(),
                },
                None => Necessity::Required,
            },
            form,
            copies,
            medium,
            template: raw.template,
            commitment_waivable: raw.commitment_waivable,
        };
        (material, lines)
    }

    fn category(&mut self, raw: RawCategory) -> (ProjectCategory, CategoryLines) {
        let code = raw.code.get_ref().clone();
        let owner = || format!("项目分类 \"{code}\"");
        let investment = self
            .keyword(INVESTMENTS, &raw.investment, owner, "investment")
            .unwrap_or(Investment::Social);
        let lines = CategoryLines {
            code: self.li.of(&raw.code),
            name: self.li.of(&raw.name),
        };
        let category = ProjectCategory {
            code: CategoryCode(raw.code.into_inner()),
            name: raw.name.into_inner(),
            investment,
            low_risk: raw.low_risk,
        };
        (category, lines)
    }

    fn flow(&mut self, raw: RawFlow) -> (ApprovalFlow, FlowLines) {
        let code = raw.code.get_ref().clone();
        let mut stages = Vec::with_capacity(raw.stages.len());
        let mut stage_lines = Vec::with_capacity(raw.stages.len());
        for s in raw.stages {
            let found = self.stage(&s.stage, || format!("审批流程 \"{code}\""));
            let lines = FlowStageLines {
                stage: self.li.of(&s.stage),
                valid: found.is_some(),
                items: s
                    .items
                    .iter()
                    .map(|i| FlowItemLines {
                        item: self.li.of(&i.item),
                        condition: i.condition.as_ref().map(|c| self.li.of(c)),
                    })
                    .collect(),
            };
            stages.push(FlowStage {
                stage: found.unwrap_or(Stage::Parallel),
                items: s
                    .items
                    .into_iter()
                    .map(|i| FlowItem {
                        item: ItemCode(i.item.into_inner()),
                        required: i.required,
                        condition: i.condition.map(Spanned::into_inner),
                    })
                    .collect(),
            });
            stage_lines.push(lines);
        }
        let lines = FlowLines {
            code: self.li.of(&raw.code),
            name: self.li.of(&raw.name),
            category: self.li.of(&raw.category),
            stages: stage_lines,
        };
        let flow = ApprovalFlow {
            code: FlowCode(raw.code.into_inner()),
            name: raw.name.into_inner(),
            category: CategoryCode(raw.category.into_inner()),
            stages,
        };
        (flow, lines)
    }
}

/// Parses the file. A TOML or type error stops here (the file cannot be read further); bad
/// keyword and number values are returned with the data so that validation adds its errors.
pub(super) fn parse(
    file: &str,
    text: &str,
) -> Result<(CatalogueData, Lines, Found), CatalogueErrors> {
    let li = LineIndex::new(text);
    let raw: RawCatalogue = toml::from_str(text).map_err(|e| {
        let (line, column) = match e.span() {
            Some(span) => {
                let (l, c) = li.line_col(text, span.start);
                (Some(l), Some(c))
            }
            None => (None, None),
        };
        CatalogueErrors(vec![CatalogueError {
            file: file.to_owned(),
            line,
            column,
            kind: CatalogueErrorKind::Syntax {
                message: translate(e.message()),
            },
        }])
    })?;
    let mut lowering = Lowering {
        li: &li,
        found: Vec::new(),
    };
    let mut lines = Lines {
        version: Some(li.of(&raw.version)),
        province_code: Some(li.of(&raw.province_code)),
        city: Some(li.of(&raw.city)),
        ..Lines::default()
    };
    let mut data = CatalogueData {
        version: raw.version.into_inner(),
        province_code: raw.province_code.into_inner(),
        city: raw.city.into_inner(),
        departments: Vec::with_capacity(raw.departments.len()),
        items: Vec::with_capacity(raw.items.len()),
        categories: Vec::with_capacity(raw.categories.len()),
        flows: Vec::with_capacity(raw.flows.len()),
    };
    for d in raw.departments {
        let (d, l) = lowering.department(d);
        data.departments.push(d);
        lines.departments.push(l);
    }
    for i in raw.items {
        let (i, l) = lowering.item(i);
        data.items.push(i);
        lines.items.push(l);
    }
    for c in raw.categories {
        let (c, l) = lowering.category(c);
        data.categories.push(c);
        lines.categories.push(l);
    }
    for f in raw.flows {
        let (f, l) = lowering.flow(f);
        data.flows.push(f);
        lines.flows.push(l);
    }
    Ok((data, lines, lowering.found))
}

/// The toml crate's messages are English; the common ones are put in Chinese for editors.
fn translate(message: &str) -> String {
    let message = message.trim();
    let quoted = |rest: &str| rest.split('`').nth(1).map(str::to_owned);
    if let Some(field) = message.strip_prefix("missing field").and_then(quoted) {
        return format!("缺少必填字段 {field}");
    }
    if let Some(rest) = message.strip_prefix("unknown field") {
        let field = quoted(rest).unwrap_or_default();
        let expected = rest.split_once("expected").map_or("", |(_, e)| e.trim());
        return format!("未知字段 {field}（是否拼写错误？可用字段：{expected}）");
    }
    if let Some(rest) = message.strip_prefix("invalid type:") {
        let (got, expected) = rest.split_once(", expected").unwrap_or((rest, ""));
        return format!(
            "类型错误：写的是{}，应为{}",
            type_words(got.trim()),
            type_words(expected.trim())
        );
    }
    message.to_owned()
}

/// serde's type names in Chinese, keeping the quoted value that may follow.
fn type_words(s: &str) -> String {
    const WORDS: &[(&str, &str)] = &[
        ("a string", "字符串"),
        ("string", "字符串"),
        ("integer", "整数"),
        ("i64", "整数"),
        ("u32", "非负整数"),
        ("u64", "非负整数"),
        ("a boolean", "布尔值（true/false）"),
        ("boolean", "布尔值（true/false）"),
        ("bool", "布尔值（true/false）"),
        ("a sequence", "数组 [...]"),
        ("sequence", "数组 [...]"),
        ("a map", "表 {...}"),
        ("map", "表 {...}"),
        ("float", "小数"),
    ];
    for (en, zh) in WORDS {
        if let Some(rest) = s.strip_prefix(en)
            && (rest.is_empty() || rest.starts_with(' '))
        {
            return format!("{zh}{rest}");
        }
    }
    s.to_owned()
}

// ---------------------------------------------------------------------------------------------
// Back to TOML.

fn sp<T>(value: T) -> Spanned<T> {
    Spanned::new(0..0, value)
}

pub(super) fn to_toml(catalogue: &Catalogue) -> Result<String, toml::ser::Error> {
    let raw = RawCatalogue {
        version: sp(catalogue.version.clone()),
        province_code: sp(catalogue.province_code.clone()),
        city: sp(catalogue.city.clone()),
        departments: catalogue
            .departments
            .iter()
            .map(|d| RawDepartment {
                code: sp(d.code.0.clone()),
                name: sp(d.name.clone()),
                short_name: d.short_name.clone(),
                kind: sp(key_of(DEPARTMENT_KINDS, d.kind).to_owned()),
                review_levels: Some(sp(d.review_levels.clone())),
            })
            .collect(),
        items: catalogue.items.iter().map(raw_item).collect(),
        categories: catalogue
            .categories
            .iter()
            .map(|c| RawCategory {
                code: sp(c.code.0.clone()),
                name: sp(c.name.clone()),
                investment: sp(key_of(INVESTMENTS, c.investment).to_owned()),
                low_risk: c.low_risk,
            })
            .collect(),
        flows: catalogue
            .flows
            .iter()
            .map(|f| RawFlow {
                code: sp(f.code.0.clone()),
                name: sp(f.name.clone()),
                category: sp(f.category.0.clone()),
                stages: f
                    .stages
                    .iter()
                    .map(|s| RawFlowStage {
                        stage: sp(i64::from(s.stage.number())),
                        items: s
                            .items
                            .iter()
                            .map(|i| RawFlowItem {
                                item: sp(i.item.0.clone()),
                                required: i.required,
                                condition: i.condition.clone().map(sp),
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect(),
    };
    toml::to_string_pretty(&raw)
}

fn raw_item(i: &Item) -> RawItem {
    RawItem {
        code: sp(i.code.0.clone()),
        name: sp(i.name.clone()),
        department: sp(i.department.0.clone()),
        competent_department: i.competent_department.as_ref().map(|c| sp(c.0.clone())),
        kind: sp(key_of(ITEM_KINDS, i.kind).to_owned()),
        stage: sp(i64::from(i.stage.number())),
        time_limit_working_days: sp(i64::from(i.time_limit_working_days)),
        commitment_allowed: i.commitment_allowed,
        legal_basis: i.legal_basis.clone(),
        fee: match &i.fee {
            Fee::Free => None,
            Fee::Standard {
                amount_fen,
                standard,
            } => Some(sp(RawFee {
                kind: sp("standard".to_owned()),
                amount_fen: Some(i64::try_from(*amount_fen).unwrap_or(i64::MAX)),
                standard: Some(standard.clone()),
            })),
            Fee::Market { standard } => Some(sp(RawFee {
                kind: sp("market".to_owned()),
                amount_fen: None,
                standard: Some(standard.clone()),
            })),
        },
        utility: i.utility.map(|u| {
            sp(RawUtility {
                service: sp(key_of(UTILITY_KINDS, u.service).to_owned()),
                phase: sp(key_of(PHASES, u.phase).to_owned()),
            })
        }),
        materials: i
            .materials
            .iter()
            .map(|m| RawMaterial {
                name: sp(m.name.clone()),
                condition: match &m.necessity {
                    Necessity::Required => None,
                    Necessity::Conditional { condition } => Some(sp(condition.clone())),
                },
                form: Some(sp(key_of(FORMS, m.form).to_owned())),
                copies: Some(sp(i64::from(m.copies))),
                medium: Some(sp(key_of(MEDIA, m.medium).to_owned())),
                template: m.template.clone(),
                commitment_waivable: m.commitment_waivable,
            })
            .collect(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_to_lines_and_character_columns() {
        let text = "a = 1\n城市 = \"哈\"\n\nz";
        let li = LineIndex::new(text);
        let cases = [
            (0, (1, 1)),
            (4, (1, 5)),
            (6, (2, 1)),
            // "城市 = " is 3 bytes per Chinese character: column counts characters.
            (text.find('"').unwrap(), (2, 6)),
            (text.len() - 1, (4, 1)),
        ];
        for (offset, expected) in cases {
            assert_eq!(li.line_col(text, offset), expected, "offset {offset}");
        }
    }

    #[test]
    fn common_toml_messages_are_put_in_chinese() {
        let cases = [
            ("missing field `kind`", "缺少必填字段 kind"),
            (
                "invalid type: integer `1`, expected a string",
                "类型错误：写的是整数 `1`，应为字符串",
            ),
            (
                "invalid type: string \"x\", expected i64",
                "类型错误：写的是字符串 \"x\"，应为整数",
            ),
            ("invalid basic string", "invalid basic string"),
        ];
        for (en, zh) in cases {
            assert_eq!(translate(en), zh);
        }
        assert!(translate("unknown field `reviw`, expected `code`").starts_with("未知字段 reviw"));
    }

    #[test]
    fn keywords_accept_the_key_and_the_chinese_label_and_write_the_key() {
        for (key, label, kind) in ITEM_KINDS {
            assert_eq!(key_of(ITEM_KINDS, *kind), *key);
            assert_eq!(kind.label(), *label);
        }
        for (key, label, service) in UTILITY_KINDS {
            assert_eq!(key_of(UTILITY_KINDS, *service), *key);
            assert_eq!(service.label(), *label);
        }
    }
}
