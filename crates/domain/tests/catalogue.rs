//! The catalogue: the shipped Harbin demo loads and covers what issue 2 asks for, and broken
//! catalogues are refused with every error at the line of the offending entry.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use permitdesk_domain::catalogue::{
    Catalogue, CatalogueData, CatalogueErrorKind as K, CatalogueErrors, DepartmentKind, Entity,
    Fee, Investment, ItemKind, Necessity, Stage, UtilityKind, UtilityPhase,
};
use permitdesk_domain::ids::{CategoryCode, DepartmentCode, FlowCode, ItemCode};
use proptest::prelude::*;
use std::collections::{BTreeSet, HashSet};

fn demo() -> Catalogue {
    Catalogue::demo().unwrap_or_else(|e| panic!("the demo catalogue must load:\n{e}"))
}

// ---------------------------------------------------------------------------------------------
// The demo catalogue

#[test]
fn demo_has_version_province_and_city() {
    let c = demo();
    assert_eq!(c.version, "2026.1");
    assert_eq!(c.province_code, "23");
    assert_eq!(c.city, "哈尔滨市");
}

#[test]
fn demo_has_twelve_government_departments_and_the_seven_utility_units() {
    let c = demo();
    assert!(
        c.departments.len() >= 12,
        "{} departments",
        c.departments.len()
    );
    let government = c
        .departments
        .iter()
        .filter(|d| d.kind == DepartmentKind::Government)
        .count();
    assert!(government >= 12, "{government} government departments");
    for short in [
        "市发改委",
        "市资规局",
        "市住建局",
        "市生态环境局",
        "市人防办",
        "市城管局",
    ] {
        assert!(
            c.departments
                .iter()
                .any(|d| d.short_name.as_deref() == Some(short)),
            "missing {short}"
        );
    }
    assert!(
        c.departments
            .iter()
            .any(|d| d.kind == DepartmentKind::UtilityUnit)
    );
    assert!(
        c.departments
            .iter()
            .any(|d| d.kind == DepartmentKind::IntermediaryMarket)
    );
}

#[test]
fn demo_departments_have_ordered_review_levels_configured_per_department() {
    let c = demo();
    let levels: HashSet<&[String]> = c
        .departments
        .iter()
        .map(|d| d.review_levels.as_slice())
        .collect();
    assert!(
        levels.len() >= 3,
        "review levels should differ between departments"
    );
    let zjj = c.department(&DepartmentCode::from("ZJJ")).unwrap();
    assert_eq!(zjj.review_levels, ["受理", "审核", "复核", "签批"]);
    assert!(c.departments.iter().all(|d| !d.review_levels.is_empty()));
}

#[test]
fn demo_has_forty_items_of_every_kind() {
    let c = demo();
    assert!(c.items.len() >= 40, "{} items", c.items.len());
    for kind in ItemKind::ALL {
        let n = c.items_of_kind(kind).count();
        assert!(n >= 3, "only {n} items of kind {}", kind.label());
    }
}

#[test]
fn demo_has_application_and_connection_for_each_of_the_seven_utility_services() {
    let c = demo();
    for service in UtilityKind::ALL {
        for phase in [UtilityPhase::Application, UtilityPhase::Connection] {
            let found: Vec<_> = c
                .items
                .iter()
                .filter(|i| {
                    i.utility
                        .is_some_and(|u| u.service == service && u.phase == phase)
                })
                .collect();
            assert_eq!(found.len(), 1, "{} {}", service.label(), phase.label());
            let dept = c.department(&found[0].department).unwrap();
            assert_eq!(dept.kind, DepartmentKind::UtilityUnit);
        }
    }
}

#[test]
fn demo_has_the_five_categories_of_seed_12_and_small_low_risk_projects() {
    let c = demo();
    let names: BTreeSet<&str> = c.categories.iter().map(|c| c.name.as_str()).collect();
    for name in [
        "社会投资仓储项目",
        "社会投资厂房项目",
        "社会投资房地产项目",
        "政府投资房屋建筑项目",
        "政府投资路桥工程",
        "社会投资小型低风险项目",
    ] {
        assert!(names.contains(name), "missing category {name}");
    }
    let low_risk: Vec<_> = c.categories.iter().filter(|c| c.low_risk).collect();
    assert_eq!(low_risk.len(), 1);
    assert_eq!(low_risk[0].investment, Investment::Social);
    for cat in &c.categories {
        assert!(
            !c.flows_for_category(&cat.code).is_empty(),
            "{} has no flow",
            cat.name
        );
    }
}

#[test]
fn demo_items_and_flows_cover_stages_0_to_4_and_parallel() {
    let c = demo();
    for stage in Stage::ALL {
        assert!(
            c.items.iter().any(|i| i.stage == stage),
            "no item in {stage}"
        );
        assert!(
            c.flows
                .iter()
                .any(|f| f.stages.iter().any(|s| s.stage == stage)),
            "no flow has {stage}"
        );
    }
    for f in &c.flows {
        let stages: BTreeSet<Stage> = f.stages.iter().map(|s| s.stage).collect();
        for s in [
            Stage::ProjectApproval,
            Stage::EngineeringPermit,
            Stage::ConstructionPermit,
            Stage::CompletionAcceptance,
            Stage::Parallel,
        ] {
            assert!(stages.contains(&s), "flow {} lacks {s}", f.code);
        }
        assert!(
            f.stages.iter().flat_map(|s| &s.items).any(|i| !i.required),
            "flow {} has no conditional item",
            f.code
        );
    }
}

#[test]
fn every_demo_item_is_in_some_flow() {
    let c = demo();
    let used: HashSet<&ItemCode> = c
        .flows
        .iter()
        .flat_map(|f| &f.stages)
        .flat_map(|s| &s.items)
        .map(|i| &i.item)
        .collect();
    for item in &c.items {
        assert!(
            used.contains(&item.code),
            "{} {} is in no flow",
            item.code,
            item.name
        );
    }
}

#[test]
fn demo_items_read_like_a_guide() {
    let c = demo();
    for item in &c.items {
        let n = item.materials.len();
        assert!((3..=8).contains(&n), "{} has {n} materials", item.code);
        assert!(item.time_limit_working_days <= 30, "{}", item.code);
    }
    let conditional = c
        .items
        .iter()
        .flat_map(|i| &i.materials)
        .filter(|m| matches!(m.necessity, Necessity::Conditional { .. }))
        .count();
    assert!(conditional >= 20);
    assert!(
        c.items
            .iter()
            .flat_map(|i| &i.materials)
            .any(|m| m.template.is_some())
    );
    assert!(
        c.items
            .iter()
            .flat_map(|i| &i.materials)
            .any(|m| m.copies > 1)
    );
    assert!(c.items.iter().any(|i| i.commitment_allowed));
    assert!(
        c.items
            .iter()
            .any(|i| matches!(i.fee, Fee::Standard { .. }))
    );
    assert!(c.items.iter().any(|i| matches!(i.fee, Fee::Market { .. })));
    assert!(
        c.items.iter().any(|i| i.time_limit_working_days == 0),
        "an 即办 item"
    );
    let permit = c.item(&ItemCode::from("ZJJ-03")).unwrap();
    assert_eq!(permit.name, "建筑工程施工许可证核发");
    assert_eq!(permit.time_limit_working_days, 3);
    assert!(permit.commitment_allowed);
}

#[test]
fn lookups_find_by_code_and_miss_unknown_codes() {
    let c = demo();
    assert_eq!(
        c.item(&ItemCode::from("FGW-01")).unwrap().name,
        "企业投资项目备案"
    );
    assert!(c.item(&ItemCode::from("NOPE")).is_none());
    assert_eq!(
        c.department(&DepartmentCode::from("ZGJ"))
            .unwrap()
            .short_name
            .as_deref(),
        Some("市资规局")
    );
    assert!(c.department(&DepartmentCode::from("SJW")).is_none());
    assert_eq!(
        c.category(&CategoryCode::from("ZF-LQ")).unwrap().name,
        "政府投资路桥工程"
    );
    assert_eq!(
        c.flow(&FlowCode::from("LC-SH-FDC")).unwrap().category,
        CategoryCode::from("SH-FDC")
    );
    let flows = c.flows_for_category(&CategoryCode::from("SH-XWFX"));
    assert_eq!(flows.len(), 1);
    assert!(c.flows_for_category(&CategoryCode::from("NOPE")).is_empty());
    assert_eq!(
        c.review_levels_for_item(&ItemCode::from("STHJ-01"))
            .unwrap(),
        ["受理", "技术审查", "审核", "签批"]
    );
    assert!(c.review_levels_for_item(&ItemCode::from("NOPE")).is_none());
}

#[test]
fn stage_leads_follow_seed_12() {
    let c = demo();
    let short = |s: Stage| -> Vec<String> {
        c.stage_leads(s)
            .iter()
            .filter_map(|d| d.short_name.clone())
            .collect()
    };
    assert_eq!(short(Stage::Planning), ["市发改委", "市资规局"]);
    assert_eq!(short(Stage::ProjectApproval), ["市资规局"]);
    assert_eq!(short(Stage::EngineeringPermit), ["市资规局"]);
    assert_eq!(short(Stage::ConstructionPermit), ["市住建局"]);
    assert_eq!(short(Stage::CompletionAcceptance), ["市住建局"]);
    assert!(short(Stage::Parallel).is_empty());
}

#[test]
fn lookups_stay_correct_after_the_vectors_are_edited() {
    let mut c = demo();
    let first = c.items.remove(0);
    assert!(c.item(&first.code).is_none());
    let second = c.items[0].code.clone();
    assert_eq!(c.item(&second).unwrap().code, second);
    c.items.push(first.clone());
    assert_eq!(c.item(&first.code).unwrap(), &first);
}

#[test]
fn demo_round_trips_through_to_toml() {
    let c = demo();
    let text = c.to_toml().unwrap();
    let back = Catalogue::from_toml_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(back, c);
}

#[test]
fn demo_round_trips_through_json_and_json_is_validated() {
    let c = demo();
    let json = serde_json::to_string(&c).unwrap();
    let back: Catalogue = serde_json::from_str(&json).unwrap();
    assert_eq!(back, c);
    assert_eq!(
        back.item(&ItemCode::from("ZGJ-04")).unwrap().stage,
        Stage::EngineeringPermit
    );

    let mut data = c.data();
    data.items[0].department = DepartmentCode::from("SJW");
    let bad = serde_json::to_string(&data).unwrap();
    let err = serde_json::from_str::<Catalogue>(&bad)
        .unwrap_err()
        .to_string();
    assert!(err.contains("未知部门 \"SJW\""), "{err}");
}

#[test]
fn stage_numbers_and_labels() {
    let labels: Vec<_> = Stage::ALL.iter().map(|s| (s.number(), s.label())).collect();
    assert_eq!(
        labels,
        [
            (0, "策划生成"),
            (1, "立项用地规划许可"),
            (2, "工程建设许可"),
            (3, "施工许可"),
            (4, "竣工验收"),
            (5, "并行推进")
        ]
    );
    for s in Stage::ALL {
        assert_eq!(Stage::from_number(i64::from(s.number())), Some(s));
    }
    assert_eq!(Stage::from_number(6), None);
    assert_eq!(Stage::from_number(-1), None);
}

// ---------------------------------------------------------------------------------------------
// Broken catalogues. Each case edits a small valid catalogue; `# <-` marks the line where the
// error must be reported.

const BASE: &str = r#"version = "1"
province_code = "23"
city = "哈尔滨市"

[[departments]]
code = "D1"
name = "部门一"
kind = "government"
review_levels = ["受理", "签批"]

[[departments]]
code = "U1"
name = "供水单位"
kind = "utility_unit"
review_levels = ["受理", "办结"]

[[items]]
code = "I1"
name = "事项一"
department = "D1"
kind = "administrative_approval"
stage = 1
time_limit_working_days = 5
materials = [
  { name = "申请表", form = "original", copies = 1, medium = "electronic" },
  { name = "委托书", condition = "委托代办的" },
]

[[categories]]
code = "C1"
name = "分类一"
investment = "social"

[[flows]]
code = "F1"
name = "流程一"
category = "C1"

[[flows.stages]]
stage = 1
items = [
  { item = "I1" },
]
"#;

/// An extra item, used by cases that need a second one.
const ITEM2: &str = r#"
[[items]]
code = "I2"
name = "事项二"
department = "D1"
kind = "filing"
stage = 1
time_limit_working_days = 0
materials = [{ name = "备案表" }]
"#;

/// The first material line of BASE.
const M1: &str = r#"  { name = "申请表", form = "original", copies = 1, medium = "electronic" },"#;

const FLOW_I2: &str = r#"  { item = "I1" },
  { item = "I2" },"#;

struct Case {
    name: &'static str,
    text: String,
    expect: fn(&K) -> bool,
    /// How many errors in all (some edits break two things at once).
    count: usize,
}

fn edit(name: &'static str, from: &str, to: &str, expect: fn(&K) -> bool, count: usize) -> Case {
    assert!(BASE.contains(from), "{name}: {from:?} not in BASE");
    Case {
        name,
        text: BASE.replacen(from, to, 1),
        expect,
        count,
    }
}

fn append(name: &'static str, extra: &str, expect: fn(&K) -> bool, count: usize) -> Case {
    Case {
        name,
        text: format!("{BASE}{extra}"),
        expect,
        count,
    }
}

fn marker_line(text: &str) -> usize {
    let lines: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains("# <-"))
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(lines.len(), 1, "one marker per case");
    lines[0]
}

fn broken_cases() -> Vec<Case> {
    vec![
        // Syntax and types: the toml parser's span gives the line.
        edit(
            "unterminated string",
            "city = \"哈尔滨市\"",
            "city = \"哈尔滨市 # <-",
            |k| matches!(k, K::Syntax { .. }),
            1,
        ),
        edit(
            "string where a number goes",
            M1,
            &M1.replace("copies = 1", "copies = \"一\"")
                .replace("},", "}, # <-"),
            |k| matches!(k, K::Syntax { .. }),
            1,
        ),
        edit(
            "misspelt key",
            "review_levels = [\"受理\", \"签批\"]",
            "reviw_levels = [\"受理\"] # <-",
            |k| matches!(k, K::Syntax { message } if message.contains("reviw_levels")),
            1,
        ),
        edit(
            "missing field points at the table",
            "[[categories]]\ncode = \"C1\"\nname = \"分类一\"\n",
            "[[categories]] # <-\ncode = \"C1\"\n",
            |k| matches!(k, K::Syntax { message } if message.contains("name")),
            1,
        ),
        // Header.
        edit(
            "empty version",
            "version = \"1\"",
            "version = \"\" # <-",
            |k| matches!(k, K::EmptyVersion),
            1,
        ),
        edit(
            "province code of three digits",
            "province_code = \"23\"",
            "province_code = \"230\" # <-",
            |k| matches!(k, K::BadProvinceCode { .. }),
            1,
        ),
        // Departments.
        edit(
            "department without review levels",
            "review_levels = [\"受理\", \"签批\"]",
            "review_levels = [] # <-",
            |k| matches!(k, K::NoReviewLevels { department } if department == "D1"),
            1,
        ),
        edit(
            "department with review levels omitted",
            "code = \"D1\"\nname = \"部门一\"\nkind = \"government\"\nreview_levels = [\"受理\", \"签批\"]",
            "code = \"D1\" # <-\nname = \"部门一\"\nkind = \"government\"",
            |k| matches!(k, K::NoReviewLevels { .. }),
            1,
        ),
        edit(
            "blank review level",
            "review_levels = [\"受理\", \"签批\"]",
            "review_levels = [\"受理\", \" \"] # <-",
            |k| matches!(k, K::EmptyReviewLevel { .. }),
            1,
        ),
        edit(
            "repeated review level",
            "review_levels = [\"受理\", \"签批\"]",
            "review_levels = [\"受理\", \"受理\"] # <-",
            |k| matches!(k, K::DuplicateReviewLevel { level, .. } if level == "受理"),
            1,
        ),
        edit(
            "unknown department kind",
            "kind = \"government\"",
            "kind = \"ministry\" # <-",
            |k| matches!(k, K::UnknownValue { field: "kind", value, .. } if value == "ministry"),
            1,
        ),
        edit(
            "empty department name",
            "name = \"部门一\"",
            "name = \"\" # <-",
            |k| {
                matches!(
                    k,
                    K::EmptyName {
                        entity: Entity::Department,
                        ..
                    }
                )
            },
            1,
        ),
        append(
            "duplicate department code",
            "\n[[departments]]\ncode = \"D1\" # <-\nname = \"又一个\"\nkind = \"government\"\nreview_levels = [\"受理\"]\n",
            |k| matches!(k, K::DuplicateCode { entity: Entity::Department, code, first_line: Some(6) } if code == "D1"),
            1,
        ),
        // Items.
        edit(
            "unknown department",
            "department = \"D1\"",
            "department = \"SJW\" # <-",
            |k| matches!(k, K::UnknownDepartment { department, item } if department == "SJW" && item == "I1"),
            1,
        ),
        edit(
            "unknown competent department",
            "department = \"D1\"",
            "department = \"D1\"\ncompetent_department = \"XX\" # <-",
            |k| matches!(k, K::UnknownCompetentDepartment { .. }),
            1,
        ),
        edit(
            "negative time limit",
            "time_limit_working_days = 5",
            "time_limit_working_days = -3 # <-",
            |k| matches!(k, K::NegativeTimeLimit { days: -3, .. }),
            1,
        ),
        edit(
            "absurd time limit",
            "time_limit_working_days = 5",
            "time_limit_working_days = 400 # <-",
            |k| matches!(k, K::AbsurdTimeLimit { days: 400, .. }),
            1,
        ),
        edit(
            "time limit beyond u32",
            "time_limit_working_days = 5",
            "time_limit_working_days = 9999999999 # <-",
            |k| matches!(k, K::AbsurdTimeLimit { .. }),
            1,
        ),
        edit(
            "unknown stage number",
            "stage = 1\ntime_limit",
            "stage = 7 # <-\ntime_limit",
            |k| matches!(k, K::UnknownStage { value: 7, .. }),
            1,
        ),
        edit(
            "unknown item kind",
            "kind = \"administrative_approval\"",
            "kind = \"approval\" # <-",
            |k| matches!(k, K::UnknownValue { field: "kind", .. }),
            1,
        ),
        edit(
            "empty item name",
            "name = \"事项一\"",
            "name = \" \" # <-",
            |k| {
                matches!(
                    k,
                    K::EmptyName {
                        entity: Entity::Item,
                        ..
                    }
                )
            },
            1,
        ),
        append(
            "duplicate item code",
            "\n[[items]]\ncode = \"I1\" # <-\nname = \"重复\"\ndepartment = \"D1\"\nkind = \"filing\"\nstage = 1\ntime_limit_working_days = 1\n",
            |k| {
                matches!(
                    k,
                    K::DuplicateCode {
                        entity: Entity::Item,
                        ..
                    }
                )
            },
            1,
        ),
        // Materials.
        edit(
            "empty material name",
            M1,
            &M1.replace("申请表", "").replace("},", "}, # <-"),
            |k| matches!(k, K::EmptyMaterialName { index: 1, .. }),
            1,
        ),
        edit(
            "empty material condition",
            "condition = \"委托代办的\" }",
            "condition = \"\" } # <-",
            |k| matches!(k, K::EmptyMaterialCondition { .. }),
            1,
        ),
        edit(
            "zero copies",
            M1,
            &M1.replace("copies = 1", "copies = 0")
                .replace("},", "}, # <-"),
            |k| matches!(k, K::BadCopies { copies: 0, .. }),
            1,
        ),
        edit(
            "negative copies",
            M1,
            &M1.replace("copies = 1", "copies = -2")
                .replace("},", "}, # <-"),
            |k| matches!(k, K::BadCopies { copies: -2, .. }),
            1,
        ),
        edit(
            "unknown material form",
            M1,
            &M1.replace("original", "scan").replace("},", "}, # <-"),
            |k| matches!(k, K::UnknownValue { field: "form", .. }),
            1,
        ),
        edit(
            "unknown medium",
            M1,
            &M1.replace("electronic", "fax").replace("},", "}, # <-"),
            |k| {
                matches!(
                    k,
                    K::UnknownValue {
                        field: "medium",
                        ..
                    }
                )
            },
            1,
        ),
        // Fees.
        edit(
            "negative fee",
            "time_limit_working_days = 5",
            "time_limit_working_days = 5\nfee = { type = \"standard\", amount_fen = -100, standard = \"按面积\" } # <-",
            |k| {
                matches!(
                    k,
                    K::NegativeFee {
                        amount_fen: -100,
                        ..
                    }
                )
            },
            1,
        ),
        edit(
            "fee without its standard",
            "time_limit_working_days = 5",
            "time_limit_working_days = 5\nfee = { type = \"standard\", amount_fen = 100 } # <-",
            |k| matches!(k, K::FeeWithoutStandard { .. }),
            1,
        ),
        edit(
            "standard fee without amount",
            "time_limit_working_days = 5",
            "time_limit_working_days = 5\nfee = { type = \"standard\", standard = \"按面积\" } # <-",
            |k| matches!(k, K::FeeWithoutAmount { .. }),
            1,
        ),
        edit(
            "unknown fee type",
            "time_limit_working_days = 5",
            "time_limit_working_days = 5\nfee = { type = \"gratis\" } # <-",
            |k| {
                matches!(
                    k,
                    K::UnknownValue {
                        field: "fee.type",
                        ..
                    }
                )
            },
            1,
        ),
        // Utilities.
        edit(
            "utility item without its service",
            "kind = \"administrative_approval\"",
            "kind = \"municipal_utility\"",
            |k| matches!(k, K::UtilityMissing { .. }),
            2,
        ),
        edit(
            "utility on a non-utility item",
            "time_limit_working_days = 5",
            "time_limit_working_days = 5\nutility = { service = \"water\", phase = \"application\" } # <-",
            |k| matches!(k, K::UtilityOnNonUtilityItem { .. }),
            1,
        ),
        edit(
            "utility item at a government department",
            "kind = \"administrative_approval\"",
            "kind = \"municipal_utility\"\nutility = { service = \"water\", phase = \"application\" }",
            |k| matches!(k, K::UtilityOutsideUtilityUnit { .. }),
            1,
        ),
        edit(
            "unknown utility service",
            "department = \"D1\"\nkind = \"administrative_approval\"",
            "department = \"U1\"\nkind = \"municipal_utility\"\nutility = { service = \"steam\", phase = \"application\" } # <-",
            |k| {
                matches!(
                    k,
                    K::UnknownValue {
                        field: "utility.service",
                        ..
                    }
                )
            },
            1,
        ),
        // Categories.
        edit(
            "unknown investment",
            "investment = \"social\"",
            "investment = \"private\" # <-",
            |k| {
                matches!(
                    k,
                    K::UnknownValue {
                        field: "investment",
                        ..
                    }
                )
            },
            1,
        ),
        append(
            "duplicate category",
            "\n[[categories]]\ncode = \"C1\" # <-\nname = \"分类一\"\ninvestment = \"social\"\n",
            |k| {
                matches!(
                    k,
                    K::DuplicateCode {
                        entity: Entity::Category,
                        ..
                    }
                )
            },
            1,
        ),
        append(
            "category without a flow",
            "\n[[categories]]\ncode = \"C2\" # <-\nname = \"分类二\"\ninvestment = \"government\"\n",
            |k| matches!(k, K::CategoryWithoutFlow { category } if category == "C2"),
            1,
        ),
        // Flows.
        edit(
            "unknown category in a flow",
            "category = \"C1\"",
            "category = \"C9\" # <-",
            |k| matches!(k, K::UnknownCategory { category, .. } if category == "C9"),
            2,
        ),
        edit(
            "unknown item in a flow",
            "  { item = \"I1\" },",
            "  { item = \"I1\" },\n  { item = \"I9\" }, # <-",
            |k| matches!(k, K::UnknownItemInFlow { item, flow } if item == "I9" && flow == "F1"),
            1,
        ),
        edit(
            "item in a flow stage not its own",
            "stage = 1\ntime_limit",
            "stage = 3\ntime_limit",
            |k| {
                matches!(
                    k,
                    K::StageMismatch {
                        flow_stage: Stage::ProjectApproval,
                        item_stage: Stage::ConstructionPermit,
                        ..
                    }
                )
            },
            1,
        ),
        edit(
            "conditional flow item without condition",
            "  { item = \"I1\" },",
            "  { item = \"I1\", required = false }, # <-",
            |k| matches!(k, K::ConditionMissing { .. }),
            1,
        ),
        edit(
            "conditional flow item with a blank condition",
            "  { item = \"I1\" },",
            "  { item = \"I1\", required = false, condition = \" \" }, # <-",
            |k| matches!(k, K::ConditionMissing { .. }),
            1,
        ),
        edit(
            "required flow item with a condition",
            "  { item = \"I1\" },",
            "  { item = \"I1\", condition = \"涉及占用城市道路的\" }, # <-",
            |k| matches!(k, K::RequiredWithCondition { .. }),
            1,
        ),
        edit(
            "item twice in a flow",
            "  { item = \"I1\" },",
            "  { item = \"I1\" },\n  { item = \"I1\" }, # <-",
            |k| matches!(k, K::DuplicateFlowItem { .. }),
            1,
        ),
        edit(
            "flow stage without items",
            "items = [\n  { item = \"I1\" },\n]",
            "items = [\n  { item = \"I1\" },\n]\n\n[[flows.stages]]\nstage = 2 # <-\nitems = []",
            |k| {
                matches!(
                    k,
                    K::EmptyFlowStage {
                        stage: Stage::EngineeringPermit,
                        ..
                    }
                )
            },
            1,
        ),
        edit(
            "flow stage given twice",
            "items = [\n  { item = \"I1\" },\n]",
            "items = [\n  { item = \"I1\" },\n]\n\n[[flows.stages]]\nstage = 1 # <-\nitems = [{ item = \"I2\" }]",
            |k| matches!(k, K::DuplicateFlowStage { .. }),
            2,
        ),
        edit(
            "unknown flow stage number",
            "[[flows.stages]]\nstage = 1",
            "[[flows.stages]]\nstage = 9 # <-",
            |k| matches!(k, K::UnknownStage { value: 9, .. }),
            1,
        ),
        append(
            "flow without stages",
            "\n[[flows]]\ncode = \"F2\" # <-\nname = \"空流程\"\ncategory = \"C1\"\n",
            |k| matches!(k, K::FlowWithoutStages { .. }),
            1,
        ),
        append(
            "duplicate flow code",
            "\n[[flows]]\ncode = \"F1\" # <-\nname = \"重复\"\ncategory = \"C1\"\n\n[[flows.stages]]\nstage = 1\nitems = [{ item = \"I1\" }]\n",
            |k| {
                matches!(
                    k,
                    K::DuplicateCode {
                        entity: Entity::Flow,
                        ..
                    }
                )
            },
            1,
        ),
        // Coverage: every item in some flow, whatever its kind or stage.
        append(
            "item in no flow",
            &ITEM2.replace("code = \"I2\"", "code = \"I2\" # <-"),
            |k| matches!(k, K::ItemInNoFlow { item } if item == "I2"),
            1,
        ),
        append(
            "planning item in no flow",
            &ITEM2
                .replace("code = \"I2\"", "code = \"I2\" # <-")
                .replace("stage = 1", "stage = 0"),
            |k| matches!(k, K::ItemInNoFlow { .. }),
            1,
        ),
        append(
            "utility item in no flow",
            "\n[[items]]\ncode = \"W1\" # <-\nname = \"供水报装\"\ndepartment = \"U1\"\nkind = \"municipal_utility\"\nstage = 5\ntime_limit_working_days = 4\nutility = { service = \"water\", phase = \"application\" }\n",
            |k| matches!(k, K::ItemInNoFlow { item } if item == "W1"),
            1,
        ),
        append(
            "intermediary item in no flow",
            "\n[[items]]\ncode = \"Z1\" # <-\nname = \"环评编制\"\ndepartment = \"D1\"\nkind = \"intermediary_service\"\nstage = 5\ntime_limit_working_days = 30\nfee = { type = \"market\", standard = \"市场调节价\" }\n",
            |k| matches!(k, K::ItemInNoFlow { item } if item == "Z1"),
            1,
        ),
    ]
}

#[test]
fn each_broken_catalogue_reports_its_error_at_its_line() {
    for case in broken_cases() {
        let errors = match Catalogue::from_toml_str(&case.text) {
            Ok(_) => panic!("{}: accepted\n{}", case.name, case.text),
            Err(e) => e,
        };
        assert_eq!(errors.len(), case.count, "{}: {errors}", case.name);
        let hit = errors.iter().find(|e| (case.expect)(&e.kind));
        let hit =
            hit.unwrap_or_else(|| panic!("{}: expected error missing in\n{errors}", case.name));
        // Cases without a marker have their error on a line the edit did not touch; those
        // still prove the kind. The line is checked wherever the case marks one.
        if case.text.contains("# <-") {
            assert_eq!(
                hit.line,
                Some(marker_line(&case.text)),
                "{}: {hit}",
                case.name
            );
        }
        assert!(hit.line.is_some(), "{}: {hit}", case.name);
    }
}

#[test]
fn unmarked_cases_point_at_the_right_line_too() {
    // The stage mismatch is reported at the flow's entry for the item, not at the item.
    let text = BASE.replacen("stage = 1\ntime_limit", "stage = 3\ntime_limit", 1);
    let errors = Catalogue::from_toml_str(&text).unwrap_err();
    let line = text
        .lines()
        .position(|l| l == "  { item = \"I1\" },")
        .unwrap()
        + 1;
    assert_eq!(errors.0[0].line, Some(line), "{errors}");

    // A utility item at a government department: the line of its `department`.
    let text = BASE.replacen(
        "kind = \"administrative_approval\"",
        "kind = \"municipal_utility\"\nutility = { service = \"water\", phase = \"application\" }",
        1,
    );
    let errors = Catalogue::from_toml_str(&text).unwrap_err();
    let line = text
        .lines()
        .position(|l| l == "department = \"D1\"")
        .unwrap()
        + 1;
    assert_eq!(errors.0[0].line, Some(line), "{errors}");
}

#[test]
fn the_base_catalogue_and_its_valid_variants_load() {
    let valid = [
        BASE.to_owned(),
        // Keywords may be written in Chinese.
        BASE.replacen(
            "kind = \"administrative_approval\"",
            "kind = \"行政审批\"",
            1,
        )
        .replacen("form = \"original\"", "form = \"原件\"", 1)
        .replacen("investment = \"social\"", "investment = \"社会投资\"", 1),
        // A parallel item may sit in any stage of a flow.
        BASE.replacen("stage = 1\ntime_limit", "stage = 5\ntime_limit", 1),
        // A conditional item with its condition.
        BASE.replacen(
            "  { item = \"I1\" },",
            "  { item = \"I1\", required = false, condition = \"涉及占用城市道路的\" },",
            1,
        ),
        // A second item in the flow.
        format!(
            "{}{ITEM2}",
            BASE.replacen("  { item = \"I1\" },", FLOW_I2, 1)
        ),
    ];
    for (i, text) in valid.iter().enumerate() {
        if let Err(e) = Catalogue::from_toml_str(text) {
            panic!("variant {i} refused:\n{e}\n{text}");
        }
    }
}

#[test]
fn all_errors_are_reported_at_once_sorted_by_line_one_per_line() {
    let text = BASE
        .replacen("department = \"D1\"", "department = \"SJW\"", 1)
        .replacen(
            "time_limit_working_days = 5",
            "time_limit_working_days = -3",
            1,
        )
        .replacen(
            "review_levels = [\"受理\", \"签批\"]",
            "review_levels = []",
            1,
        )
        .replacen("category = \"C1\"", "category = \"C9\"", 1)
        .replacen("{ name = \"申请表\",", "{ name = \"\",", 1);
    let errors = Catalogue::from_toml_named("harbin-demo.toml", &text).unwrap_err();
    let kinds: Vec<&K> = errors.iter().map(|e| &e.kind).collect();
    assert!(matches!(kinds[0], K::NoReviewLevels { .. }), "{errors}");
    assert!(
        kinds
            .iter()
            .any(|k| matches!(k, K::UnknownDepartment { .. }))
    );
    assert!(
        kinds
            .iter()
            .any(|k| matches!(k, K::NegativeTimeLimit { .. }))
    );
    assert!(
        kinds
            .iter()
            .any(|k| matches!(k, K::EmptyMaterialName { .. }))
    );
    assert!(kinds.iter().any(|k| matches!(k, K::UnknownCategory { .. })));
    assert!(
        kinds
            .iter()
            .any(|k| matches!(k, K::CategoryWithoutFlow { .. }))
    );
    assert_eq!(errors.len(), 6, "{errors}");
    let lines: Vec<usize> = errors.iter().map(|e| e.line.unwrap()).collect();
    assert!(lines.windows(2).all(|w| w[0] <= w[1]), "{lines:?}");

    let shown = errors.to_string();
    assert_eq!(shown.lines().count(), 6);
    let dept_line = text
        .lines()
        .position(|l| l == "department = \"SJW\"")
        .unwrap()
        + 1;
    assert!(
        shown.contains(&format!(
            "harbin-demo.toml:{dept_line}: 未知部门 \"SJW\"（事项 I1）"
        )),
        "{shown}"
    );
    assert!(
        shown.lines().all(|l| l.starts_with("harbin-demo.toml:")),
        "{shown}"
    );
}

#[test]
fn a_syntax_error_gives_line_and_column() {
    let text = BASE.replacen("stage = 1\ntime", "stage = = 1\ntime", 1);
    let errors = Catalogue::from_toml_named("x.toml", &text).unwrap_err();
    assert_eq!(errors.len(), 1);
    let e = &errors.0[0];
    let line = text.lines().position(|l| l == "stage = = 1").unwrap() + 1;
    assert_eq!((e.line, e.column), (Some(line), Some(9)), "{e}");
    assert!(
        e.to_string()
            .starts_with(&format!("x.toml:{line}:9: TOML 格式错误")),
        "{e}"
    );
}

#[test]
fn the_demo_file_reports_errors_with_its_own_line_numbers() {
    // Break one reference deep inside the shipped file and find it at the right line.
    let text = permitdesk_domain::DEMO_CATALOGUE_TOML;
    let target = "department = \"QXJ\"";
    let at = text.lines().position(|l| l == target).unwrap() + 1;
    let broken = text.replacen(target, "department = \"QXX\"", 1);
    let errors = Catalogue::from_toml_named("harbin-demo.toml", &broken).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors}");
    assert_eq!(errors.0[0].line, Some(at));
    assert!(
        errors
            .to_string()
            .starts_with(&format!("harbin-demo.toml:{at}: 未知部门 \"QXX\""))
    );
}

#[test]
fn data_without_a_file_is_validated_without_lines() {
    let mut data: CatalogueData = demo().data();
    data.departments[0].review_levels.clear();
    let errors: CatalogueErrors = Catalogue::from_data(data).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors.0[0].line, None);
    assert!(
        errors
            .to_string()
            .starts_with("catalogue: 部门 \"FGW\" 未配置审批层级"),
        "{errors}"
    );
}

// ---------------------------------------------------------------------------------------------
// Property: removing items from the demo yields exactly one "unknown item" error per flow entry
// that named them, and nothing else (the simple model: count the references).

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn removed_items_are_reported_once_per_flow_reference(mask in proptest::collection::vec(any::<bool>(), 80)) {
        let mut data = demo().data();
        let removed: HashSet<ItemCode> = data
            .items
            .iter()
            .zip(mask.iter().chain(std::iter::repeat(&false)))
            .filter(|(_, m)| **m)
            .map(|(i, _)| i.code.clone())
            .collect();
        data.items.retain(|i| !removed.contains(&i.code));
        let references = data
            .flows
            .iter()
            .flat_map(|f| &f.stages)
            .flat_map(|s| &s.items)
            .filter(|i| removed.contains(&i.item))
            .count();
        match Catalogue::from_data(data) {
            Ok(_) => prop_assert_eq!(references, 0),
            Err(errors) => {
                prop_assert_eq!(errors.len(), references, "{}", errors);
                let only_unknown_removed = errors.iter().all(|e| {
                    matches!(&e.kind, K::UnknownItemInFlow { item, .. }
                        if removed.contains(&ItemCode::from(item.as_str())))
                });
                prop_assert!(only_unknown_removed, "{}", errors);
            }
        }
    }
}
