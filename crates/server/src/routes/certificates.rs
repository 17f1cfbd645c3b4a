//! 电子证照 routes (issue 14): the public verification page the QR code opens
//! (`GET /verify/{number}?h=CODE`, Chinese HTML), the same facts as JSON
//! (`GET /api/v1/certificates/{number}/status?h=CODE`), and the signed file for those who may
//! see the case (`GET /api/v1/certificates/{number}/file`). No login for the first two; an
//! unknown number or a wrong code is a 404 with a Chinese sentence, and says nothing more.
//! An address that misses [`VERIFY_MAX_MISSES`] times within the login limiter's window is
//! answered 429 until the window has passed (the counts live beside the failed logins', under
//! their own keys, so the two budgets never mix); genuine certificates cost nothing, so a hall
//! checking a pile of them is never stopped.

use crate::certificates::{CertificateQuery, CertificateRow, CertificateStatus, SealKey};
use crate::error::ApiFailure;
use crate::extract::{ApiQuery, Authed};
use crate::state::AppState;
use crate::tls::PeerAddr;
use axum::Extension;
use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use permitdesk_protocol::ErrorCode;
use permitdesk_protocol::certificates::{CertificateState, CertificateStatusAnswer};
use serde::Deserialize;

/// The verification code printed under the QR code (`h`).
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub(crate) struct VerifyQuery {
    /// 核验码: 16 hexadecimal digits.
    #[serde(default)]
    h: Option<String>,
}

const NOT_FOUND: &str =
    "未查到该电子证照：编号或核验码不正确。请核对证照上的编号与核验码，或扫描证照上的二维码。";

fn valid_number(n: &str) -> bool {
    !n.is_empty() && n.len() <= 40 && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Wrong numbers or codes one address may try within the window before it is answered 429.
pub const VERIFY_MAX_MISSES: u32 = 30;

/// The name the misses of an address are counted under (never a user's: user names have no
/// `#`).
const VERIFY_COUNTER: &str = "#证照核验";

/// The certificate whose number and code match, or None (both answers look the same); a miss
/// is counted against the address, and an address past [`VERIFY_MAX_MISSES`] is refused.
async fn lookup(
    s: &AppState,
    peer: Option<Extension<PeerAddr>>,
    number: &str,
    code: Option<&str>,
) -> Result<Option<(CertificateRow, std::sync::Arc<SealKey>)>, ApiFailure> {
    let address = format!(
        "verify:{}",
        crate::auth::address_key(peer.map(|Extension(PeerAddr(a))| a.ip()))
    );
    let now = s.clock.now();
    let window = s.limiter.window;
    let counts = s.store.login_failures(VERIFY_COUNTER, &address).await?;
    if let Some((misses, first)) = counts.by_name
        && misses >= VERIFY_MAX_MISSES
        && now < first + window
    {
        let minutes = (first + window - now).num_minutes().max(1);
        return Err(ApiFailure::new(
            ErrorCode::RateLimited,
            format!("核验失败次数过多，请在 {minutes} 分钟后重试"),
        ));
    }
    let found = match (code, s.config.seal.clone()) {
        (Some(code), Some(seal)) if valid_number(number) => s
            .store
            .certificates(CertificateQuery::Number(number.to_owned()))
            .await?
            .into_iter()
            .next()
            .filter(|r| seal.code_matches(r, code))
            .map(|r| (r, seal)),
        _ => None,
    };
    if found.is_none() {
        s.store
            .record_login_failure(VERIFY_COUNTER, &address, now, window)
            .await?;
    }
    Ok(found)
}

fn state_of(s: CertificateStatus) -> CertificateState {
    match s {
        CertificateStatus::Valid => CertificateState::Valid,
        CertificateStatus::Revoked => CertificateState::Revoked,
        CertificateStatus::Superseded => CertificateState::Superseded,
    }
}

fn answer(s: &AppState, row: &CertificateRow, seal: &SealKey) -> CertificateStatusAnswer {
    let reference = s.reference();
    let issuer = reference
        .catalogue
        .department(&permitdesk_domain::ids::DepartmentCode::new(
            row.department.clone(),
        ))
        .map_or_else(|| row.department.clone(), |d| d.name.clone());
    CertificateStatusAnswer {
        number: row.number.clone(),
        name: row.name.clone(),
        issuer,
        issued_on: row.issued_on.to_string(),
        status: state_of(row.status),
        status_label: row.status.label().to_owned(),
        revocation_reason: row.revocation_reason.clone(),
        code_matches: true,
        file_issued: row.file_state == crate::certificates::FileState::Issued,
        sha256: row.sha256.clone(),
        seal_fingerprint: seal.fingerprint(),
    }
}

/// The `{number}` of the path; one that is not text (`%FF`) is no certificate's.
fn number_of(p: Result<Path<String>, PathRejection>) -> String {
    p.map(|Path(n)| n).unwrap_or_default()
}

/// `GET /api/v1/certificates/{number}/status?h=CODE`.
pub(crate) async fn certificate_status(
    State(s): State<AppState>,
    peer: Option<Extension<PeerAddr>>,
    number: Result<Path<String>, PathRejection>,
    ApiQuery(q): ApiQuery<VerifyQuery>,
) -> Result<Json<CertificateStatusAnswer>, ApiFailure> {
    let number = number_of(number);
    match lookup(&s, peer, &number, q.h.as_deref()).await? {
        Some((row, seal)) => Ok(Json(answer(&s, &row, &seal))),
        None => Err(ApiFailure::new(ErrorCode::NotFound, NOT_FOUND)),
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title><style>body{{font-family:sans-serif;max-width:40em;margin:2em auto;padding:0 1em;color:#222}}table{{border-collapse:collapse;width:100%}}th,td{{border:1px solid #ccc;padding:.5em;text-align:left}}th{{width:8em;background:#f5f5f5}}.ok{{color:#0a6b2d}}.bad{{color:#b00020}}</style></head><body><h1>{title}</h1>{body}<p>哈尔滨市工程建设项目审批管理系统</p></body></html>\n"
    )
}

/// `GET /verify/{number}?h=CODE`: the page the QR code opens.
pub(crate) async fn verify_page(
    State(s): State<AppState>,
    peer: Option<Extension<PeerAddr>>,
    number: Result<Path<String>, PathRejection>,
    ApiQuery(q): ApiQuery<VerifyQuery>,
) -> Result<Response, ApiFailure> {
    let number = number_of(number);
    let found = match lookup(&s, peer, &number, q.h.as_deref()).await {
        Ok(found) => found,
        Err(e) if e.0.code == ErrorCode::RateLimited => {
            let body = format!("<p class=\"bad\">{}</p>", escape(&e.0.message));
            return Ok((
                StatusCode::TOO_MANY_REQUESTS,
                Html(page("电子证照核验", &body)),
            )
                .into_response());
        }
        Err(e) => return Err(e),
    };
    let Some((row, seal)) = found else {
        let body = format!("<p class=\"bad\">{}</p>", escape(NOT_FOUND));
        return Ok((StatusCode::NOT_FOUND, Html(page("电子证照核验", &body))).into_response());
    };
    let a = answer(&s, &row, &seal);
    let class = if a.status == CertificateState::Valid {
        "ok"
    } else {
        "bad"
    };
    let mut rows = vec![
        ("证照名称", escape(&a.name)),
        ("编号", escape(&a.number)),
        ("发证部门", escape(&a.issuer)),
        ("发证日期", escape(&a.issued_on)),
        (
            "状态",
            format!("<span class=\"{class}\">{}</span>", escape(&a.status_label)),
        ),
        (
            "核验码",
            "<span class=\"ok\">与本证照相符</span>".to_owned(),
        ),
    ];
    if let Some(reason) = &a.revocation_reason {
        rows.push(("撤销原因", escape(reason)));
    }
    let table: String = rows
        .iter()
        .map(|(k, v)| format!("<tr><th>{k}</th><td>{v}</td></tr>"))
        .collect();
    let note = match a.status {
        CertificateState::Valid => {
            "本证照由发证部门签发，目前有效。持有的电子文件是否未被改动，请用 PermitDesk 的“证照核验”功能或 PDF 阅读器查看其电子签章。"
        }
        CertificateState::Revoked => "本证照已被撤销，不再具有效力。",
        CertificateState::Superseded => "本证照已被新证照替换，不再具有效力。",
    };
    let body = format!("<table>{table}</table><p>{note}</p>");
    let mut response = Html(page("电子证照核验", &body)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// `GET /api/v1/certificates/{number}/file`: the signed PDF, for whoever may see the case;
/// a certificate still pending is issued here first.
pub(crate) async fn certificate_file(
    State(s): State<AppState>,
    a: Authed,
    number: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiFailure> {
    let number = number_of(number);
    let missing = || ApiFailure::new(ErrorCode::NotFound, "电子证照不存在或不在您的权限范围内");
    if !valid_number(&number) {
        return Err(missing());
    }
    let row = s
        .store
        .certificates(CertificateQuery::Number(number.clone()))
        .await?
        .into_iter()
        .next()
        .ok_or_else(missing)?;
    let scope = s
        .store
        .entity_scope(&row.entity_key)
        .await?
        .ok_or_else(missing)?;
    if !crate::scope::may_see(&a.user.viewer(), &scope) {
        return Err(missing());
    }
    if row.file_state == crate::certificates::FileState::Pending {
        crate::certificates::issue_one(&s, &row).await?;
    }
    let content =
        s.store.certificate_file(&number).await?.ok_or_else(|| {
            ApiFailure::new(ErrorCode::NotFound, "电子证照正在签发，请稍后再下载")
        })?;
    let mut response = content.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment"),
    );
    Ok(response)
}
