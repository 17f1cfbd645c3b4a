//! `permitdesk code check`: check a 项目代码, 统一社会信用代码 or phone number and say exactly
//! what is wrong with it.

use crate::output::{CliError, Output};
use clap::{Subcommand, ValueEnum};
use permitdesk_domain::codes::{CreditCode, PhoneNumber, ProjectCode};
use serde::Serialize;

#[derive(Debug, Subcommand)]
pub enum CodeCommand {
    /// Check a code; exit 0 when valid, 1 with the reason when not.
    Check { kind: CodeKind, value: String },
}

#[derive(Debug, Clone, Copy, ValueEnum, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeKind {
    /// 项目代码 (GB/T 40058-2021)
    Project,
    /// 统一社会信用代码 (GB 32100-2015)
    Credit,
    /// 电话号码
    Phone,
}

#[derive(Serialize)]
struct Checked {
    kind: CodeKind,
    valid: bool,
    normalized: Option<String>,
    details: Vec<(String, String)>,
    error: Option<String>,
}

pub fn run(cmd: CodeCommand, out: &Output) -> Result<(), CliError> {
    let CodeCommand::Check { kind, value } = cmd;
    let result: Result<(String, Vec<(String, String)>), String> = match kind {
        CodeKind::Project => ProjectCode::parse(&value)
            .map(|c| {
                let region = c.region();
                (
                    c.as_str().to_owned(),
                    vec![
                        ("赋码年份".into(), c.year().to_string()),
                        (
                            "行政区划".into(),
                            format!("{} {}", region.as_str(), region.division().full_name()),
                        ),
                        ("部门代码".into(), c.department().to_owned()),
                        ("项目类型".into(), c.project_type().to_owned()),
                    ],
                )
            })
            .map_err(|e| e.to_string()),
        CodeKind::Credit => CreditCode::parse(&value)
            .map(|c| {
                (
                    c.as_str().to_owned(),
                    vec![
                        (
                            "登记管理部门代码".into(),
                            c.registration_authority().to_string(),
                        ),
                        ("机构类别代码".into(), c.organisation_type().to_string()),
                        ("登记管理机关行政区划码".into(), c.region().to_owned()),
                        (
                            "主体标识码（组织机构代码）".into(),
                            c.organisation_code().to_owned(),
                        ),
                    ],
                )
            })
            .map_err(|e| e.to_string()),
        CodeKind::Phone => PhoneNumber::parse(&value)
            .map(|p| {
                let kind = if p.is_mobile() {
                    "手机"
                } else {
                    "固定电话"
                };
                (
                    p.as_str().to_owned(),
                    vec![("类型".into(), kind.to_owned())],
                )
            })
            .map_err(|e| e.to_string()),
    };
    match result {
        Ok((normalized, details)) => {
            let checked = Checked {
                kind,
                valid: true,
                normalized: Some(normalized),
                details,
                error: None,
            };
            out.print(&checked, || {
                let mut s = format!(
                    "有效：{}\n",
                    checked.normalized.as_deref().unwrap_or_default()
                );
                for (k, v) in &checked.details {
                    s.push_str(&format!("  {k}：{v}\n"));
                }
                s
            })
        }
        Err(reason) => {
            if out.json {
                let checked = Checked {
                    kind,
                    valid: false,
                    normalized: None,
                    details: vec![],
                    error: Some(reason.clone()),
                };
                out.print(&checked, String::new)?;
            }
            eprintln!("无效：{reason}");
            Err(CliError::Checked)
        }
    }
}
