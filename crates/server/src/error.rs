//! Errors of the server: storage failures, and the mapping of every failure to a typed
//! [`ApiError`] body with its HTTP status, so that no client ever sees a plain-text error.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use permitdesk_protocol::{ApiError, ErrorCode};

/// A storage backend failed. The message is for logs; users get a generic Chinese message.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("PostgreSQL: {0}")]
    Postgres(#[from] tokio_postgres::Error),
    #[error("PostgreSQL pool: {0}")]
    Pool(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("a background task failed: {0}")]
    Task(String),
    #[error("{0}")]
    Conflict(String),
    #[error("not found: {0}")]
    NotFound(String),
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Corrupt(e.to_string())
    }
}

impl From<deadpool_postgres::PoolError> for StoreError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        StoreError::Pool(e.to_string())
    }
}

impl From<tokio::task::JoinError> for StoreError {
    fn from(e: tokio::task::JoinError) -> Self {
        StoreError::Task(e.to_string())
    }
}

/// A failed API call: a code, a Chinese message, and the status that goes with the code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiFailure(pub ApiError);

impl ApiFailure {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiFailure(ApiError::new(code, message))
    }

    pub fn malformed(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::MalformedRequest, message)
    }

    pub fn unauthenticated() -> Self {
        Self::new(ErrorCode::Unauthenticated, "未登录或登录已过期，请重新登录")
    }

    pub fn forbidden() -> Self {
        Self::new(ErrorCode::Forbidden, "不在您的权限范围内")
    }

    pub fn not_found() -> Self {
        Self::new(ErrorCode::NotFound, "请求的资源不存在")
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Invalid, message)
    }

    pub fn internal() -> Self {
        Self::new(
            ErrorCode::Internal,
            "服务器内部错误，本次操作未生效，请稍后重试",
        )
    }
}

impl From<StoreError> for ApiFailure {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(m) => ApiFailure::new(ErrorCode::Conflict, m),
            StoreError::NotFound(_) => ApiFailure::not_found(),
            other => {
                tracing::error!(error = %other, "storage failure");
                ApiFailure::internal()
            }
        }
    }
}

impl IntoResponse for ApiFailure {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.0.code.http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, Json(self.0)).into_response()
    }
}
