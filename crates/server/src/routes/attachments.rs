//! `/api/v1/attachments/{sha256}`: chunked, resumable uploads, status and download.

use crate::error::ApiFailure;
use crate::metrics::Metrics;
use crate::scope::may_use_attachment;
use crate::store::UploadError;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use permitdesk_protocol::ErrorCode;
use serde::Deserialize;

use crate::extract::*;
use crate::state::AppState;

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub(crate) struct ChunkQuery {
    offset: u64,
    size: u64,
}

pub(crate) async fn upload_chunk(
    State(s): State<AppState>,
    a: Authed,
    Sha256Param(sha): Sha256Param,
    ApiQuery(q): ApiQuery<ChunkQuery>,
    ApiBytes(body): ApiBytes,
) -> Result<Json<permitdesk_protocol::UploadStatus>, ApiFailure> {
    Metrics::add(&s.metrics.upload_bytes, body.len() as u64);
    let result = s
        .store
        .put_chunk(
            &sha,
            q.offset,
            q.size,
            &body,
            &a.user,
            s.config.upload,
            s.clock.now(),
        )
        .await?;
    result.map(Json).map_err(|e| {
        let code = match e {
            // 413 either way: the file, or the user's uploads with it, too large.
            UploadError::TooLarge { .. } | UploadError::QuotaExceeded { .. } => ErrorCode::TooLarge,
            UploadError::SizeMismatch { .. } | UploadError::WrongOffset { .. } => {
                ErrorCode::Conflict
            }
            UploadError::BeyondEnd | UploadError::HashMismatch => ErrorCode::Invalid,
            UploadError::UnsupportedType => ErrorCode::UnsupportedType,
        };
        ApiFailure::new(code, e.to_string())
    })
}

pub(crate) fn attachment_not_found() -> ApiFailure {
    ApiFailure::new(ErrorCode::NotFound, "文件不存在或不在您的权限范围内")
}

pub(crate) async fn upload_status(
    State(s): State<AppState>,
    a: Authed,
    Sha256Param(sha): Sha256Param,
) -> Result<Json<permitdesk_protocol::UploadStatus>, ApiFailure> {
    let info = s
        .store
        .attachment_info(&sha, &a.user)
        .await?
        .ok_or_else(attachment_not_found)?;
    let allowed = may_use_attachment(&a.user.viewer(), info.uploaded_by_user, &info.linked);
    match (info.stored, info.upload) {
        (Some(stored), _) if allowed => Ok(Json(stored)),
        (_, Some(upload)) => Ok(Json(upload)),
        _ => Err(attachment_not_found()),
    }
}

pub(crate) async fn download(
    State(s): State<AppState>,
    a: Authed,
    Sha256Param(sha): Sha256Param,
) -> Result<Response, ApiFailure> {
    let info = s
        .store
        .attachment_info(&sha, &a.user)
        .await?
        .ok_or_else(attachment_not_found)?;
    let stored = info.stored.ok_or_else(attachment_not_found)?;
    if !may_use_attachment(&a.user.viewer(), info.uploaded_by_user, &info.linked) {
        return Err(attachment_not_found());
    }
    let content = s
        .store
        .attachment_content(&sha)
        .await?
        .ok_or_else(attachment_not_found)?;
    let mime = match stored.content_type.as_deref() {
        Some("pdf") => "application/pdf",
        Some("ofd") => "application/ofd",
        Some("jpeg") => "image/jpeg",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    };
    let mut response = content.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
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
