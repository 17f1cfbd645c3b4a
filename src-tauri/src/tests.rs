//! The shell's own rules: the command list, the permission set and the handler agree; inputs
//! are validated with the domain's messages; the reform office's overview counts right.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::error::UiError;
use permitdesk_client::ops::{Validation, validate};
use permitdesk_client::reads::overview_of;
use permitdesk_domain::actor::{Actor, Role};
use permitdesk_domain::case::{AcceptanceTerms, Acting, Case, CaseCommand, CorrectionPoint};
use permitdesk_domain::catalogue::Catalogue;
use permitdesk_domain::ids::*;
use permitdesk_domain::time::{from_local, parse_local};

#[test]
fn every_command_is_registered_permitted_and_granted_to_the_main_window() {
    let names = crate::command_names();
    let set = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src-tauri/permissions/app.toml"
    ))
    .unwrap();
    let granted: Vec<&str> = set
        .lines()
        .filter_map(|l| l.trim().strip_prefix("\"allow-"))
        .map(|l| l.trim_end_matches(['"', ',']))
        .collect();
    let expected: Vec<String> = names.iter().map(|n| n.replace('_', "-")).collect();
    assert_eq!(
        granted, expected,
        "permissions/app.toml lists every command, in order"
    );
    let lib = include_str!("lib.rs");
    for n in names {
        assert!(
            lib.contains(&format!("$crate::commands::{n},")),
            "{n} is in the invoke handler"
        );
        let commands = include_str!("commands.rs");
        assert!(
            commands.contains(&format!("pub async fn {n}(")),
            "{n} is a command"
        );
    }
    let caps = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src-tauri/capabilities/default.json"
    ))
    .unwrap();
    let caps: serde_json::Value = serde_json::from_str(&caps).unwrap();
    assert_eq!(caps["windows"], serde_json::json!(["main"]));
    let perms: Vec<&str> = caps["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    // The app's commands, its events, the native open/save dialogs (paths only), the 下载
    // folder's path and desktop notices: never the file system, a shell or HTTP.
    let granted = [
        "allow-app-commands",
        "core:path:default",
        "dialog:allow-open",
        "dialog:allow-save",
        "notification:default",
    ];
    assert!(
        perms
            .iter()
            .all(|p| granted.contains(p) || p.starts_with("core:event:")),
        "the window gets the app's commands, events, dialogs and notices only: {perms:?}"
    );
}

#[test]
fn values_are_validated_with_the_domains_rules_and_messages() {
    let cases = [
        ("project_code", "2024-230102-48-01-123456", true, None),
        (
            "project_code",
            "2024-110102-48-01-123456",
            false,
            Some("黑龙江"),
        ),
        ("project_code", "2024-2301", false, None),
        ("credit_code", "91230102MA1C4K7P5Y", true, None),
        ("credit_code", "91230102MA1C4K7P5X", false, Some("校验")),
        ("phone", "13812345678", true, None),
        ("phone", "1381234", false, None),
        ("area", "12000.5", true, None),
        ("area", "-3", false, None),
    ];
    let validate_value =
        |kind: &str, value: &str| -> Result<Validation, UiError> { Ok(validate(kind, value)?) };
    for (kind, value, ok, needle) in cases {
        let v = validate_value(kind, value).unwrap();
        assert_eq!(v.ok, ok, "{kind} {value}: {:?}", v.message);
        assert_eq!(v.message.is_none(), ok, "{kind} {value}");
        assert_eq!(v.normalized.is_some(), ok, "{kind} {value}");
        if let Some(n) = needle {
            let m = v.message.unwrap();
            assert!(m.contains(n), "{kind} {value}: {m}");
        }
    }
    assert_eq!(validate_value("nonsense", "x").unwrap_err().code, "invalid");
}

fn actor(role: Role, department: Option<&str>) -> Actor {
    Actor {
        user: UserId::new("u"),
        name: "测试".into(),
        role,
        department: department.map(DepartmentCode::new),
        organisation: (role == Role::Applicant).then(|| OrganisationId::new("91230102MA1C4K7P5Y")),
        levels: vec![],
    }
}

/// A case of `item` played to acceptance at `accepted` (Beijing time), then `more`.
fn case(cat: &Catalogue, id: &str, item: &str, accepted: &str, pause: bool) -> Case {
    let it = cat.item(&ItemCode::new(item)).unwrap();
    let applicant = actor(Role::Applicant, None);
    let window = actor(Role::WindowOperator, None);
    let reviewer = actor(Role::DepartmentReviewer, Some(it.department.as_str()));
    let at = from_local(parse_local(accepted).unwrap());
    let mut steps: Vec<(&Actor, CaseCommand)> = vec![
        (
            &applicant,
            CaseCommand::Create {
                application: ApplicationId::new("A-1"),
                project: ProjectId::new("P-1"),
                works: WorksId::new("W-1"),
                item: it.code.clone(),
                department: it.department.clone(),
                applicant: OrganisationId::new("91230102MA1C4K7P5Y"),
                commitment_allowed: it.commitment_allowed,
                number: None,
            },
        ),
        (
            &applicant,
            CaseCommand::Submit {
                stamped_form: AttachmentId::new("f".repeat(64)),
            },
        ),
        (&window, CaseCommand::Receive),
        (
            &window,
            CaseCommand::Accept {
                terms: AcceptanceTerms {
                    catalogue_version: cat.version.clone(),
                    time_limit_working_days: it.time_limit_working_days,
                    review_levels: cat
                        .review_levels_for_item(&it.code)
                        .map(<[String]>::to_vec)
                        .unwrap_or_default(),
                },
                commitment_based: false,
            },
        ),
    ];
    if pause {
        steps.push((
            &reviewer,
            CaseCommand::Pause {
                points: vec![CorrectionPoint {
                    material: "总平面图".into(),
                    reason: "比例不符".into(),
                }],
            },
        ));
    }
    let mut c: Option<Case> = None;
    for (who, cmd) in steps {
        let acting = Acting::new(who.clone(), at);
        c = Some(Case::execute(c, &CaseId::new(id), &cmd, &acting).unwrap().0);
    }
    c.unwrap()
}

#[test]
fn the_overview_counts_cases_by_stage_and_department_with_the_legal_clock() {
    let cat = Catalogue::demo().unwrap();
    let now = from_local(parse_local("2026-03-20T10:00").unwrap());
    let cases = vec![
        // Accepted long ago: overdue.
        case(&cat, "C-1", "ZGJ-04", "2026-01-05T09:30", false),
        // Accepted the day before: in time.
        case(&cat, "C-2", "ZGJ-04", "2026-03-19T09:30", false),
        // Paused: the clock stands still, never overdue.
        case(&cat, "C-3", "ZGJ-04", "2026-01-05T09:30", true),
        case(&cat, "C-4", "ZJJ-02", "2026-01-05T09:30", false),
    ];
    let calendar = permitdesk_domain::calendar::WorkingCalendar::shipped();
    let o = overview_of(&cases, &cat, &calendar, now);
    assert_eq!(
        (
            o.total.cases,
            o.total.in_review,
            o.total.paused,
            o.total.overdue
        ),
        (4, 3, 1, 2)
    );
    let zgj = o.by_department.iter().find(|l| l.key == "ZGJ").unwrap();
    assert_eq!((zgj.cases, zgj.overdue, zgj.paused), (3, 1, 1));
    assert_eq!(zgj.name, "哈尔滨市自然资源和规划局");
    let zjj = o.by_department.iter().find(|l| l.key == "ZJJ").unwrap();
    assert_eq!((zjj.cases, zjj.overdue), (1, 1));
    assert_eq!(
        o.by_stage.iter().map(|l| l.cases).sum::<u64>(),
        4,
        "every case in one stage"
    );
}
