//! The papers of a local case or project (申请表, 一次性告知单, 受理通知书, 补正告知书, 不予受理通知书,
//! 退件通知书, 办结通知书, 电子证照) as PDF, rendered by `permitdesk-documents` from the local
//! store, offline. The desktop app previews them; `permitdesk document` writes them.
//!
//! Paper numbers and verification codes are derived from the record (kind + id + version), so
//! printing the same paper twice gives the same bytes and the code can be checked against the
//! record later.

use crate::error::{ClientError, Result};
use crate::profile::Profile;
use permitdesk_documents as docs;
use permitdesk_documents::from_domain::{self, FormPaper, NoticePaper};
use permitdesk_documents::views::{IssuerView, WindowView};
use permitdesk_domain::calendar::WorkingCalendar;
use permitdesk_domain::case::{Case, CaseChange, CaseEvent, CaseState, Decision};
use permitdesk_domain::catalogue::Catalogue;
use permitdesk_domain::clock::{ClockReading, LegalClock, OfficeHours};
use permitdesk_domain::ids::{ApplicationId, CaseId, ProjectId};
use permitdesk_domain::project::Project;
use permitdesk_domain::time::{Timestamp, to_local};
use permitdesk_protocol::{DomainEvent, EntityRef};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Which paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum PaperKind {
    /// 工程建设项目审批事项申请表 (id: an application or one of its cases).
    ApplicationForm,
    /// 一次性告知单 (id: a project with a chosen flow).
    OneTimeNotice,
    /// 受理通知书 (id: a case).
    AcceptanceReceipt,
    /// 补正告知书.
    CorrectionNotice,
    /// 不予受理通知书.
    RefusalNotice,
    /// 退件通知书.
    ReturnNotice,
    /// 办结通知书.
    CompletionNotice,
    /// 电子证照.
    Certificate,
}

impl PaperKind {
    pub const ALL: [PaperKind; 8] = [
        PaperKind::ApplicationForm,
        PaperKind::OneTimeNotice,
        PaperKind::AcceptanceReceipt,
        PaperKind::CorrectionNotice,
        PaperKind::RefusalNotice,
        PaperKind::ReturnNotice,
        PaperKind::CompletionNotice,
        PaperKind::Certificate,
    ];

    pub fn title(self) -> &'static str {
        match self {
            PaperKind::ApplicationForm => "工程建设项目审批事项申请表",
            PaperKind::OneTimeNotice => "一次性告知单",
            PaperKind::AcceptanceReceipt => "受理通知书",
            PaperKind::CorrectionNotice => "补正告知书",
            PaperKind::RefusalNotice => "不予受理通知书",
            PaperKind::ReturnNotice => "退件通知书",
            PaperKind::CompletionNotice => "办结通知书",
            PaperKind::Certificate => "电子证照",
        }
    }

    fn prefix(self) -> &'static str {
        match self {
            PaperKind::ApplicationForm => "SQB",
            PaperKind::OneTimeNotice => "GZD",
            PaperKind::AcceptanceReceipt => "SL",
            PaperKind::CorrectionNotice => "BZ",
            PaperKind::RefusalNotice => "BYSL",
            PaperKind::ReturnNotice => "TJ",
            PaperKind::CompletionNotice => "BJ",
            PaperKind::Certificate => "ZZ",
        }
    }

    /// Parse the snake_case name or the Chinese title.
    pub fn parse(s: &str) -> Option<PaperKind> {
        let s = s.trim();
        PaperKind::ALL.into_iter().find(|k| {
            k.title() == s
                || serde_json::to_value(k)
                    .ok()
                    .and_then(|v| v.as_str().map(|n| n == s.replace('-', "_")))
                    .unwrap_or(false)
        })
    }
}

/// A rendered paper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Paper {
    pub kind: PaperKind,
    pub title: String,
    pub file_name: String,
    /// 核验码.
    pub verification_code: String,
    #[serde(skip)]
    pub pdf: Vec<u8>,
}

const VERIFY_URL: &str = "https://gcjs.harbin.gov.cn/verify/";
const WINDOW_ORG: &str = "哈尔滨市工程建设项目综合受理窗口";
const WINDOW_PHONE: &str = "0451-12345678";

/// `7KQ2-M9XD`: 8 characters of an unambiguous alphabet from the record's hash.
fn verification_code(kind: PaperKind, id: &str, version: u64) -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let digest = Sha256::digest(format!("{kind:?}|{id}|{version}").as_bytes());
    let chars: String = digest
        .iter()
        .take(8)
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect();
    format!("{}-{}", &chars[..4], &chars[4..])
}

/// The paper's number as people read it: its kind's prefix and the human number of what it is
/// about (a case's 办件编号 `2026-ZGJ-000001`, a project's 项目代码); `待编号` while the server
/// has not numbered the case. Never an internal id or hash.
fn paper_number(kind: PaperKind, number: &str) -> String {
    format!("{}-{number}", kind.prefix())
}

fn view_err(e: impl std::fmt::Display) -> ClientError {
    ClientError::Invalid(e.to_string())
}

fn window_view() -> WindowView {
    WindowView {
        name: "哈尔滨市工程建设项目综合受理窗口（市民大厦行政服务大厅）".into(),
        address: "哈尔滨市松北区世纪大道1号市民大厦一楼行政服务大厅".into(),
        phone: WINDOW_PHONE.into(),
        hours: "工作日 9:00—17:00".into(),
    }
}

fn case_events(p: &Profile, id: &CaseId) -> Result<Vec<CaseEvent>> {
    Ok(p.store()
        .trail(&EntityRef::Case(id.clone()))?
        .into_iter()
        .filter_map(|e| match e.event {
            DomainEvent::Case(s) => Some(s.event),
            _ => None,
        })
        .collect())
}

/// Who did the last action matching `pick`, and when.
fn last_by(events: &[CaseEvent], pick: impl Fn(&CaseChange) -> bool) -> Option<&CaseEvent> {
    events.iter().rev().find(|e| pick(&e.change))
}

fn issuer(
    organisation: String,
    event: Option<&CaseEvent>,
    at: Timestamp,
    code: &str,
) -> IssuerView {
    IssuerView {
        organisation,
        operator: event.map(|e| e.actor.name.clone()).unwrap_or_default(),
        phone: WINDOW_PHONE.into(),
        issued_on: to_local(event.map_or(at, |e| e.at)).date(),
        verification_code: code.to_owned(),
        qr_payload: format!("{VERIFY_URL}{code}"),
    }
}

fn department_name(cat: &Catalogue, case: &Case) -> String {
    cat.department(&case.department)
        .map_or_else(|| case.department.to_string(), |d| d.name.clone())
}

fn project_of(p: &Profile, id: &ProjectId) -> Result<Project> {
    p.store().project(id)?.ok_or_else(|| ClientError::NotFound {
        what: "项目（请先同步）",
        id: id.to_string(),
    })
}

fn case_of(p: &Profile, id: &CaseId) -> Result<Case> {
    p.store().case(id)?.ok_or_else(|| ClientError::NotFound {
        what: "办件（请先同步）",
        id: id.to_string(),
    })
}

/// The legal clock read at `at` (the paper's moment), with the profile's calendar.
fn read_clock(calendar: &WorkingCalendar, case: &Case, at: Timestamp) -> Result<ClockReading> {
    let clock = LegalClock::new(calendar, OfficeHours::default());
    let input = case
        .clock_input()
        .ok_or_else(|| ClientError::Invalid("办件尚未受理，没有办理期限".to_owned()))?;
    clock.evaluate(&input, to_local(at)).map_err(view_err)
}

/// Render the paper `kind` of the record `id`.
pub fn render(p: &Profile, kind: PaperKind, id: &str) -> Result<Paper> {
    let refs = p.reference()?;
    let cat = refs.catalogue.clone();
    let id = id.trim();
    let (pdf, code, number_id) = match kind {
        PaperKind::OneTimeNotice => {
            let project = project_of(p, &ProjectId::new(id))?;
            let flow = project
                .flow
                .as_ref()
                .and_then(|f| cat.flow(f))
                .ok_or_else(|| {
                    ClientError::Invalid("项目尚未选择审批流程，不能出具一次性告知单".into())
                })?;
            let at = project.notice_issued_at.unwrap_or(project.last_event_at);
            let code = verification_code(kind, id, project.version);
            let view = from_domain::one_time_notice(
                &project,
                &cat,
                flow,
                NoticePaper {
                    notice_number: paper_number(kind, project.details.code.as_str()),
                    window: window_view(),
                    operator: String::new(),
                    issued_on: to_local(at).date(),
                    verification_code: code.clone(),
                    qr_payload: format!("{VERIFY_URL}{code}"),
                },
            )
            .map_err(view_err)?;
            (docs::render_one_time_notice(&view), code, id.to_owned())
        }
        PaperKind::ApplicationForm => {
            // An application id, or any case of it.
            let cases = match p.store().case(&CaseId::new(id))? {
                Some(c) => {
                    let app = c.application.clone();
                    application_cases(p, &c.project, &app)?
                }
                None => {
                    let all = p.store().cases()?;
                    let app = ApplicationId::new(id);
                    all.into_iter().filter(|c| c.application == app).collect()
                }
            };
            let first = cases.first().ok_or_else(|| ClientError::NotFound {
                what: "申报",
                id: id.to_owned(),
            })?;
            let project = project_of(p, &first.project)?;
            let items: Vec<_> = cases
                .iter()
                .map(|c| (c.item.clone(), c.commitment_based))
                .collect();
            let app_id = first.application.to_string();
            let version = cases.iter().map(|c| c.version).sum();
            let code = verification_code(kind, &app_id, version);
            let view = from_domain::application_form(
                &project,
                &first.works,
                &items,
                &cat,
                FormPaper {
                    form_number: paper_number(kind, first.number_label()),
                    verification_code: code.clone(),
                    qr_payload: format!("{VERIFY_URL}{code}"),
                    applied_on: to_local(first.created_at).date(),
                },
            )
            .map_err(view_err)?;
            (docs::render_application_form(&view), code, app_id)
        }
        _ => {
            let case_id = CaseId::new(id);
            let case = case_of(p, &case_id)?;
            let project = project_of(p, &case.project)?;
            let events = case_events(p, &case_id)?;
            let code = verification_code(kind, id, case.version);
            let dept = department_name(&cat, &case);
            let pdf = match kind {
                PaperKind::AcceptanceReceipt => {
                    let accepted_at = case
                        .accepted_at
                        .ok_or_else(|| ClientError::Invalid("办件尚未受理".into()))?;
                    let reading = read_clock(&refs.calendar, &case, accepted_at)?;
                    let ev = last_by(&events, |c| matches!(c, CaseChange::Accepted { .. }));
                    let view = from_domain::acceptance_receipt(
                        &case,
                        &project,
                        &cat,
                        &reading,
                        paper_number(kind, case.number_label()),
                        issuer(WINDOW_ORG.into(), ev, accepted_at, &code),
                    )
                    .map_err(view_err)?;
                    docs::render_acceptance_receipt(&view)
                }
                PaperKind::CorrectionNotice => {
                    let (org, ev) = if case.state == CaseState::Paused {
                        (
                            dept,
                            last_by(&events, |c| matches!(c, CaseChange::Paused { .. })),
                        )
                    } else {
                        (
                            WINDOW_ORG.to_owned(),
                            last_by(&events, |c| {
                                matches!(c, CaseChange::CorrectionRequested { .. })
                            }),
                        )
                    };
                    let at = ev.map_or(case.last_event_at, |e| e.at);
                    let due = to_local(at) + chrono::Duration::days(20);
                    let view = from_domain::correction_notice(
                        &case,
                        &project,
                        &cat,
                        format!(
                            "请于{}前通过工程审批系统一次性补正",
                            due.format("%Y年%m月%d日")
                        ),
                        paper_number(kind, case.number_label()),
                        issuer(org, ev, at, &code),
                    )
                    .map_err(view_err)?;
                    docs::render_correction_notice(&view)
                }
                PaperKind::RefusalNotice => {
                    let ev = last_by(&events, |c| {
                        matches!(c, CaseChange::AcceptanceRefused { .. })
                    });
                    let at = case.last_event_at;
                    let view = from_domain::not_accepted_notice(
                        &case,
                        &project,
                        &cat,
                        "《中华人民共和国行政许可法》第三十二条第一款。".into(),
                        paper_number(kind, case.number_label()),
                        issuer(WINDOW_ORG.into(), ev, at, &code),
                    )
                    .map_err(view_err)?;
                    docs::render_not_accepted_notice(&view)
                }
                PaperKind::ReturnNotice => {
                    let at = case.ended_at.unwrap_or(case.last_event_at);
                    let ev = events.last();
                    let view = from_domain::return_notice(
                        &case,
                        &project,
                        &cat,
                        paper_number(kind, case.number_label()),
                        issuer(dept, ev, at, &code),
                    )
                    .map_err(view_err)?;
                    docs::render_return_notice(&view)
                }
                PaperKind::CompletionNotice => {
                    let at = case.ended_at.unwrap_or(case.last_event_at);
                    let reading = read_clock(&refs.calendar, &case, at)?;
                    let view = from_domain::completion_notice(
                        &case,
                        &project,
                        &cat,
                        &reading,
                        paper_number(kind, case.number_label()),
                        issuer(dept, events.last(), at, &code),
                    )
                    .map_err(view_err)?;
                    docs::render_completion_notice(&view)
                }
                PaperKind::Certificate => {
                    // The server's signed file (issue 14), never a local re-render.
                    let Some(Decision::Granted { certificate }) = &case.decision else {
                        return Err(ClientError::Invalid("办件未准予许可，没有电子证照".into()));
                    };
                    if certificate.is_provisional() {
                        return Err(ClientError::Invalid(
                            "证照编号待分配：电子证照由服务器编号并签章，请联网同步后再下载".into(),
                        ));
                    }
                    let number = certificate.number.as_str().to_owned();
                    let pdf = p.certificate_file(&number)?;
                    let code = crate::certificates::check_file(&pdf)
                        .code
                        .unwrap_or_default();
                    return Ok(Paper {
                        kind,
                        title: kind.title().to_owned(),
                        file_name: format!("{}-{number}.pdf", kind.title()),
                        verification_code: code,
                        pdf,
                    });
                }
                PaperKind::ApplicationForm | PaperKind::OneTimeNotice => {
                    return Err(ClientError::Invalid("内部错误：文书类型".into()));
                }
            };
            (pdf, code, id.to_owned())
        }
    };
    let pdf = pdf.map_err(view_err)?;
    Ok(Paper {
        kind,
        title: kind.title().to_owned(),
        file_name: format!("{}-{}.pdf", kind.title(), number_id),
        verification_code: code,
        pdf,
    })
}

fn application_cases(p: &Profile, project: &ProjectId, app: &ApplicationId) -> Result<Vec<Case>> {
    Ok(p.store()
        .cases_of_project(project)?
        .into_iter()
        .filter(|c| &c.application == app)
        .collect())
}
