//! 文字长度上限: every string a user can put into a command is bounded, by ONE rule checked
//! where a command is queued (the client's outbox) and where it arrives (the server's push),
//! before any other work: a refused command changes nothing.
//!
//! The rule walks the command as serialised (its JSON shape, which is also what is stored and
//! sent to every client that sees the entity) and checks every string against the limit of
//! its field. Fields fall in three classes:
//!
//! | class | limit | fields |
//! |---|---|---|
//! | 长文字 free text | [`MAX_TEXT_CHARS`] = 2000 (as [`crate::case::MAX_OPINION_CHARS`]) | reasons, notes, summaries, descriptions, contents, answers, plans, results, conclusions, problems, points, conditions, requirements, comments |
//! | 短文字 short text | [`MAX_SHORT_CHARS`] = 200 | names (project, builder, contact, works, certificate, zone), titles, material names, addresses, review levels, land uses |
//! | 编号与代码 ids and codes | [`MAX_CODE_CHARS`] = 128 | entity ids, item, department, organisation, category and flow codes, 项目代码, credit codes, phone numbers, attachment hashes, dates, the tags of enums |
//!
//! A key the table does not name is short text (200): a new free-text field must be added to
//! [`LONG_TEXT_KEYS`], or its long values are refused (never silently accepted). The opinion
//! (意见) travels beside the command and keeps its own limit ([`crate::case::opinion_too_long`]),
//! checked by the same call. Counted in characters (`chars`), as a user counts 字.

use serde::Serialize;
use serde_json::Value;

/// Free text (理由、说明、摘要、内容...): a few paragraphs; a longer text belongs in a file.
pub const MAX_TEXT_CHARS: usize = crate::case::MAX_OPINION_CHARS;
/// Names, titles and other short text, and any field the table does not name.
pub const MAX_SHORT_CHARS: usize = 200;
/// Ids, codes, dates and enum tags.
pub const MAX_CODE_CHARS: usize = 128;

/// The JSON keys of free-text fields (an array's items count one by one).
pub const LONG_TEXT_KEYS: &[&str] = &[
    "opinion",
    "reason",
    "reasons",
    "note",
    "summary",
    "description",
    "requirements",
    "comment",
    "plan",
    "result",
    "conclusion",
    "content",
    "answer",
    "problems",
    "points",
    "conditions",
];

/// The JSON keys of ids, codes, dates and tags.
pub const CODE_KEYS: &[&str] = &[
    // Tags of the enums (the command's kind and the like).
    "entity",
    "command",
    "type",
    "decision",
    "outcome",
    "rule",
    "subject",
    "kind",
    "role",
    "investment",
    "channel",
    "datum",
    "dimension",
    // Ids and codes.
    "id",
    "case",
    "project",
    "consultation",
    "evaluation",
    "complaint",
    "commission",
    "application",
    "works",
    "item",
    "department",
    "departments",
    "applicant",
    "owner",
    "agency",
    "service",
    "visit",
    "attachment",
    "stamped_form",
    "report",
    "file",
    "number",
    "code",
    "credit_code",
    "phone",
    "district",
    "category",
    "flow",
    "zone",
    "catalogue_version",
    "development",
    "natural_resources",
    "required_work",
    "issued_on",
    "valid_until",
];

/// A string over its field's limit, or a command that cannot be read as JSON.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextLimitError {
    /// `field` is the Chinese label of the field (or 某一文字字段 with its key), `key` where it
    /// is in the command's JSON (`details.builder.name`, `reasons[2]`).
    #[error("{field}不得超过 {max} 字（现为 {found} 字）")]
    TooLong {
        field: String,
        key: String,
        max: usize,
        found: usize,
    },
    #[error("命令无法检查：{0}")]
    Unreadable(String),
}

/// The limit and the Chinese label of the string at `key` inside an object found under
/// `parent` (the nearest enclosing key; an array's items are under the array's key).
pub fn field_limit(parent: Option<&str>, key: &str) -> (usize, String) {
    let label = label(parent, key);
    let max = if LONG_TEXT_KEYS.contains(&key) {
        MAX_TEXT_CHARS
    } else if CODE_KEYS.contains(&key) {
        MAX_CODE_CHARS
    } else {
        MAX_SHORT_CHARS
    };
    let label = label.unwrap_or_else(|| {
        if max == MAX_CODE_CHARS {
            format!("编号或代码“{key}”")
        } else {
            format!("某一文字字段（{key}）")
        }
    });
    (max, label)
}

fn label(parent: Option<&str>, key: &str) -> Option<String> {
    let by_parent = match (parent, key) {
        (Some("details"), "name") => Some("项目名称"),
        (Some("builder"), "name") => Some("建设单位名称"),
        (Some("contacts"), "name") => Some("联系人姓名"),
        (Some("works"), "name") => Some("工程名称"),
        (Some("works"), "description") => Some("工程内容"),
        (Some("certificate"), "name") => Some("证照名称"),
        (Some("findings"), "name") => Some("规划分区名称"),
        (Some("command"), "name") => Some("策划项目名称"),
        (Some("command"), "description") => Some("建设内容"),
        (Some("points"), "material") => Some("补正材料名称"),
        (Some("points"), "reason") => Some("补正原因"),
        (Some("location"), "address") => Some("项目地址"),
        _ => None,
    };
    let by_key = match key {
        "opinion" => Some("意见"),
        "reason" | "reasons" => Some("理由"),
        "note" => Some("说明"),
        "summary" => Some("摘要"),
        "description" => Some("描述"),
        "requirements" => Some("服务需求"),
        "comment" => Some("评价内容"),
        "plan" => Some("整改方案"),
        "result" => Some("整改结果"),
        "conclusion" => Some("结论"),
        "content" => Some("内容"),
        "answer" => Some("答复"),
        "problems" => Some("问题"),
        "points" => Some("修改要点"),
        "conditions" => Some("会商条件"),
        "name" => Some("名称"),
        "title" => Some("标题"),
        "material" => Some("材料名称"),
        "address" => Some("地址"),
        "level" | "review_levels" => Some("审批层级"),
        "land_use" => Some("用地性质"),
        "project" => Some("项目编号"),
        "case" => Some("办件编号"),
        "code" => Some("项目代码"),
        "credit_code" => Some("统一社会信用代码"),
        "phone" => Some("联系电话"),
        "number" => Some("证照编号"),
        _ => None,
    };
    by_parent.or(by_key).map(str::to_owned)
}

/// Checks every string of `command` (any serialisable command: the protocol's
/// `DomainCommand` or one entity's command) against its field's limit, and the opinion
/// beside it: the first string over its limit, in the order of the JSON, is the answer.
pub fn check_command_text(
    command: &impl Serialize,
    opinion: Option<&str>,
) -> Result<(), TextLimitError> {
    check_opinion(opinion)?;
    let value =
        serde_json::to_value(command).map_err(|e| TextLimitError::Unreadable(e.to_string()))?;
    check_value(&value, None, "")
}

/// The opinion (意见) beside a command: at most [`crate::case::MAX_OPINION_CHARS`].
pub fn check_opinion(opinion: Option<&str>) -> Result<(), TextLimitError> {
    match opinion {
        Some(o) => check_string(o, None, "opinion", "opinion"),
        None => Ok(()),
    }
}

/// [`check_command_text`] over an already serialised command.
pub fn check_value(value: &Value, parent: Option<&str>, path: &str) -> Result<(), TextLimitError> {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                let here = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                check_field(v, parent, key, &here)?;
            }
            Ok(())
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                check_value(v, parent, &format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// The value of `key` (an object's field at `path`, in an object found under `parent`).
fn check_field(
    value: &Value,
    parent: Option<&str>,
    key: &str,
    path: &str,
) -> Result<(), TextLimitError> {
    match value {
        Value::String(s) => check_string(s, parent, key, path),
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let here = format!("{path}[{i}]");
                match v {
                    Value::String(s) => check_string(s, parent, key, &here)?,
                    other => check_value(other, Some(key), &here)?,
                }
            }
            Ok(())
        }
        Value::Object(_) => check_value(value, Some(key), path),
        _ => Ok(()),
    }
}

fn check_string(
    s: &str,
    parent: Option<&str>,
    key: &str,
    path: &str,
) -> Result<(), TextLimitError> {
    // Cheap first: a string of at most `max` bytes has at most `max` characters.
    let (max, field) = field_limit(parent, key);
    if s.len() <= max {
        return Ok(());
    }
    let found = s.chars().count();
    if found <= max {
        return Ok(());
    }
    Err(TextLimitError::TooLong {
        field,
        key: path.to_owned(),
        max,
        found,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::case::{CaseCommand, CorrectionPoint};
    use crate::project::ProjectCommand;
    use serde_json::json;

    fn long(n: usize) -> String {
        "字".repeat(n)
    }

    /// A command's JSON as the protocol wraps it (`DomainCommand` adds the entity tag and id).
    fn wrapped(entity: &str, id: &str, command: Value) -> Value {
        json!({ "entity": entity, entity: id, "command": command })
    }

    fn project_details(name: &str, builder: &str, address: &str, contact: &str) -> Value {
        json!({
            "code": "2024-230102-47-01-000001",
            "name": name,
            "builder": { "name": builder, "credit_code": "91230102MA1A2B3C4X" },
            "investment": "social",
            "category": "GY",
            "location": { "address": address, "district": "230102" },
            "investment_amount": 1000000,
            "land_area": 100,
            "building_area": 100,
            "contacts": [{ "name": contact, "phone": "13800000000", "role": "liaison" }],
        })
    }

    fn register(details: Value) -> Value {
        wrapped(
            "project",
            "P-1",
            json!({ "type": "register_online", "id": "P-1", "details": details }),
        )
    }

    /// Real fields over and under their limits: (what, command JSON, the refusal's field and
    /// limit, or None if accepted).
    #[test]
    fn every_real_text_field_is_bounded_by_its_class() {
        let ok = || long(10);
        type Row = (&'static str, Value, Option<(&'static str, usize)>);
        let table: Vec<Row> = vec![
            (
                "a project within every limit",
                register(project_details(&long(200), &ok(), &ok(), &ok())),
                None,
            ),
            (
                "a project name of 201",
                register(project_details(&long(201), &ok(), &ok(), &ok())),
                Some(("项目名称", 200)),
            ),
            (
                "a builder name of 300",
                register(project_details(&ok(), &long(300), &ok(), &ok())),
                Some(("建设单位名称", 200)),
            ),
            (
                "an address of 201",
                register(project_details(&ok(), &ok(), &long(201), &ok())),
                Some(("项目地址", 200)),
            ),
            (
                "a contact name of 5000",
                register(project_details(&ok(), &ok(), &ok(), &long(5000))),
                Some(("联系人姓名", 200)),
            ),
            (
                "a withdrawal reason of 2000",
                wrapped(
                    "case",
                    "C-1",
                    json!({ "command": "withdraw", "reason": long(2000) }),
                ),
                None,
            ),
            (
                "a withdrawal reason of 2001",
                wrapped(
                    "case",
                    "C-1",
                    json!({ "command": "withdraw", "reason": long(2001) }),
                ),
                Some(("理由", 2000)),
            ),
            (
                "the third of a refusal's reasons",
                wrapped(
                    "case",
                    "C-1",
                    json!({ "command": "refuse_acceptance", "reasons": [ok(), ok(), long(2001)] }),
                ),
                Some(("理由", 2000)),
            ),
            (
                "a correction point's material",
                wrapped(
                    "case",
                    "C-1",
                    json!({ "command": "request_correction", "points": [{ "material": long(201), "reason": ok() }] }),
                ),
                Some(("补正材料名称", 200)),
            ),
            (
                "a correction point's reason of 2000",
                wrapped(
                    "case",
                    "C-1",
                    json!({ "command": "request_correction", "points": [{ "material": ok(), "reason": long(2000) }] }),
                ),
                None,
            ),
            (
                "a sign-off level",
                wrapped(
                    "case",
                    "C-1",
                    json!({ "command": "sign_off", "level": long(201) }),
                ),
                Some(("审批层级", 200)),
            ),
            (
                "a special procedure's summary",
                wrapped(
                    "case",
                    "C-1",
                    json!({ "command": "end_special_procedure", "procedure": 1, "summary": long(2001) }),
                ),
                Some(("摘要", 2000)),
            ),
            (
                "a planning record's description of 2000",
                wrapped(
                    "consultation",
                    "Q-1",
                    json!({ "command": "register", "channel": "reserve_library", "leads": { "development": "FGW", "natural_resources": "ZRZY" }, "name": ok(), "description": long(2000) }),
                ),
                None,
            ),
            (
                "a planning record's name",
                wrapped(
                    "consultation",
                    "Q-1",
                    json!({ "command": "register", "channel": "reserve_library", "leads": { "development": "FGW", "natural_resources": "ZRZY" }, "name": long(201), "description": ok() }),
                ),
                Some(("策划项目名称", 200)),
            ),
            (
                "a consultation condition",
                wrapped(
                    "consultation",
                    "Q-1",
                    json!({ "command": "answer", "department": "ZGJ", "answer": { "answer": "consent", "conditions": [long(2001)], "required_work": [] } }),
                ),
                Some(("会商条件", 2000)),
            ),
            (
                "a complaint's title",
                wrapped(
                    "complaint",
                    "K-1",
                    json!({ "command": "submit", "kind": "complaint", "title": long(201), "content": ok(), "project": null, "department": null }),
                ),
                Some(("标题", 200)),
            ),
            (
                "a complaint's content of 2001",
                wrapped(
                    "complaint",
                    "K-1",
                    json!({ "command": "submit", "kind": "complaint", "title": ok(), "content": long(2001), "project": null, "department": null }),
                ),
                Some(("内容", 2000)),
            ),
            (
                "a rating's comment",
                wrapped(
                    "evaluation",
                    "case/C-1",
                    json!({ "command": "rate", "subject": { "subject": "case", "case": "C-1", "item": "ZGJ-01", "department": "ZGJ", "applicant": "91230102MA1A2B3C4X" }, "level": "satisfied", "dimensions": [{ "dimension": "efficiency", "level": "satisfied" }], "comment": long(2001) }),
                ),
                Some(("评价内容", 2000)),
            ),
            (
                "a commission's requirements",
                wrapped(
                    "commission",
                    "W-1",
                    json!({ "command": "publish_request", "service": "ZJ-01", "project": "P-1", "requirements": long(2001) }),
                ),
                Some(("服务需求", 2000)),
            ),
            (
                "an entity id of 129",
                wrapped("case", &"C".repeat(129), json!({ "command": "receive" })),
                Some(("办件编号", 128)),
            ),
            (
                "a field the table does not name",
                wrapped(
                    "case",
                    "C-1",
                    json!({ "command": "withdraw", "reason": ok(), "future_field": long(201) }),
                ),
                Some(("某一文字字段（future_field）", 200)),
            ),
        ];
        for (what, command, expected) in table {
            let got = check_value(&command, None, "");
            match (got, expected) {
                (Ok(()), None) => {}
                (Err(TextLimitError::TooLong { field, max, .. }), Some((f, m))) => {
                    assert_eq!((field.as_str(), max), (f, m), "{what}");
                }
                (got, expected) => panic!("{what}: got {got:?}, expected {expected:?}"),
            }
        }
    }

    #[test]
    fn the_refusal_names_the_field_its_limit_and_what_was_sent() {
        let cmd = CaseCommand::RequestCorrection {
            points: vec![CorrectionPoint {
                material: "规划许可证".to_owned(),
                reason: long(2500),
            }],
        };
        let e = check_command_text(&cmd, None).unwrap_err();
        assert_eq!(e.to_string(), "补正原因不得超过 2000 字（现为 2500 字）");
        match e {
            TextLimitError::TooLong { key, .. } => assert_eq!(key, "points[0].reason"),
            other => panic!("{other:?}"),
        }
        // The opinion beside the command: the same rule, the same sentence as before.
        let ok = ProjectCommand::Close {
            reason: "项目取消".to_owned(),
        };
        assert_eq!(check_command_text(&ok, Some(&long(2000))), Ok(()));
        assert_eq!(
            check_command_text(&ok, Some(&long(2001)))
                .unwrap_err()
                .to_string(),
            "意见不得超过 2000 字（现为 2001 字）"
        );
    }

    #[test]
    fn characters_not_bytes_are_counted() {
        // 200 Chinese characters are 600 bytes: within the 200-character limit of a name.
        let cmd = wrapped(
            "case",
            "C-1",
            json!({ "command": "sign_off", "level": long(200) }),
        );
        assert_eq!(check_value(&cmd, None, ""), Ok(()));
        let cmd = wrapped(
            "case",
            "C-1",
            json!({ "command": "sign_off", "level": "x".repeat(201) }),
        );
        assert!(check_value(&cmd, None, "").is_err());
    }
}
