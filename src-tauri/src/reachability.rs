//! The domain's side of the reachability table (command -> screen -> role): every action of
//! every entity with the roles that may take it (the domain's `allowed_roles`), the link from
//! each case action a screen picks (`ops::CaseAction`) to the domain action it issues, and the
//! typed shell commands with the domain actions each issues ([`crate::commands::ISSUES`]).
//!
//! `cargo test -p permitdesk-desktop --lib reachability` fails when the checked-in
//! `ui/src/api/generated/actions.json` is stale; `UPDATE_BINDINGS=1` writes it. The UI's test
//! (`ui/tests/reachability.spec.ts`) finds the screens that issue each action, writes
//! `ui/REACHABILITY.md`, and fails when an action some role may take has no screen.

use crate::commands::{ISSUES, Issued};
use permitdesk_client::ops::CaseAction as UiCase;
use permitdesk_domain::actor::Role;
use permitdesk_domain::ids::AttachmentId;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Where the table lives, from the repository root.
pub const ACTIONS: &str = "ui/src/api/generated/actions.json";

fn name<T: Serialize>(v: &T) -> Result<String, String> {
    match serde_json::to_value(v).map_err(|e| e.to_string())? {
        Value::String(s) => Ok(s),
        other => Err(format!("not a unit variant: {other}")),
    }
}

fn roles(rs: &[Role]) -> Result<Vec<String>, String> {
    rs.iter().map(name).collect()
}

/// One entity's actions: name, label, roles.
fn entity<A: Serialize + Copy>(
    all: &[A],
    label: impl Fn(A) -> &'static str,
    allowed: impl Fn(A) -> &'static [Role],
) -> Result<Value, String> {
    all.iter()
        .map(|&a| {
            Ok(json!({ "action": name(&a)?, "label": label(a), "roles": roles(allowed(a))? }))
        })
        .collect::<Result<Vec<_>, String>>()
        .map(Value::Array)
}

/// One sample of every case action a screen can pick; `domain_action` is exhaustive, so a new
/// variant without a sample here is missing from the link table and the UI test says so.
fn ui_case_actions() -> Vec<UiCase> {
    let file = AttachmentId::new("0".repeat(64));
    vec![
        UiCase::Receive,
        UiCase::RequestCommitment,
        UiCase::ConfirmCommitment,
        UiCase::DeclineCommitment {
            reason: String::new(),
        },
        UiCase::Accept { commitment: false },
        UiCase::RequestCorrection { points: vec![] },
        UiCase::Refuse { reasons: vec![] },
        UiCase::SignOff { level: None },
        UiCase::Pause { points: vec![] },
        UiCase::SubmitRectification {
            note: String::new(),
            files: vec![],
        },
        UiCase::Resume,
        UiCase::StartSpecial {
            kind: String::new(),
            procedure: None,
        },
        UiCase::EndSpecial {
            procedure: 1,
            summary: String::new(),
            result: vec![],
        },
        UiCase::Extend {
            days: 1,
            reason: String::new(),
        },
        UiCase::Return { reasons: vec![] },
        UiCase::Withdraw {
            reason: String::new(),
        },
        UiCase::AttachMaterial {
            material: String::new(),
            attachment: file.clone(),
        },
        UiCase::DetachMaterial {
            material: String::new(),
        },
        UiCase::Submit {
            stamped_form: file.clone(),
        },
        UiCase::CompleteGranted {
            certificate_name: String::new(),
            valid_until: None,
            file: None,
        },
        UiCase::CompleteDenied { reasons: vec![] },
    ]
}

fn render() -> Result<String, String> {
    use permitdesk_domain::case::CaseAction as C;
    use permitdesk_domain::consultation::ConsultationAction as K;
    use permitdesk_domain::evaluation::ComplaintAction as Q;
    use permitdesk_domain::evaluation::EvaluationAction as E;
    use permitdesk_domain::intermediary::CommissionAction as M;
    use permitdesk_domain::project::ProjectAction as P;
    let mut entities = BTreeMap::new();
    entities.insert("case", entity(&C::ALL, C::label, C::allowed_roles)?);
    entities.insert("project", entity(&P::ALL, P::label, P::allowed_roles)?);
    entities.insert("consultation", entity(&K::ALL, K::label, K::allowed_roles)?);
    entities.insert("evaluation", entity(&E::ALL, E::label, E::allowed_roles)?);
    entities.insert("complaint", entity(&Q::ALL, Q::label, Q::allowed_roles)?);
    entities.insert("commission", entity(&M::ALL, M::label, M::allowed_roles)?);
    let mut case_actions = BTreeMap::new();
    for a in ui_case_actions() {
        let tag = serde_json::to_value(&a).map_err(|e| e.to_string())?["type"]
            .as_str()
            .map(str::to_owned)
            .ok_or("a case action without its type")?;
        case_actions.insert(tag, name(&a.domain_action())?);
    }
    let mut shell = BTreeMap::new();
    for (command, issued) in ISSUES {
        let pairs: Vec<[String; 2]> = match issued {
            Issued::Case(xs) => xs
                .iter()
                .map(|a| Ok(["case".to_owned(), name(a)?]))
                .collect::<Result<_, String>>()?,
            Issued::Project(xs) => xs
                .iter()
                .map(|a| Ok(["project".to_owned(), name(a)?]))
                .collect::<Result<_, String>>()?,
        };
        shell.insert(*command, pairs);
    }
    let role_labels: BTreeMap<String, &str> = Role::ALL
        .iter()
        .map(|r| Ok((name(r)?, r.label())))
        .collect::<Result<_, String>>()?;
    let v = json!({
        "_comment": "Generated by src-tauri/src/reachability.rs (UPDATE_BINDINGS=1 cargo test -p permitdesk-desktop --lib reachability). Do not edit.",
        "entities": entities,
        "roles": role_labels,
        "case_actions": case_actions,
        "shell_commands": shell,
    });
    serde_json::to_string_pretty(&v)
        .map(|s| s + "\n")
        .map_err(|e| e.to_string())
}

fn path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(ACTIONS)
}

#[test]
fn reachability_actions_are_up_to_date() -> Result<(), String> {
    let fresh = render()?;
    let path = path();
    if std::env::var_os("UPDATE_BINDINGS").is_some_and(|v| !v.is_empty() && v != "0") {
        std::fs::write(&path, &fresh).map_err(|e| format!("{}: {e}", path.display()))?;
        return Ok(());
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    if checked_in == fresh {
        return Ok(());
    }
    Err(format!(
        "{ACTIONS} is stale: a domain action, its roles, or a shell command's issued actions \
         changed. Regenerate it with `UPDATE_BINDINGS=1 cargo test -p permitdesk-desktop --lib \
         reachability` and commit the result."
    ))
}
