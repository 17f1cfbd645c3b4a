//! Extractors: every rejection is a typed `ApiError` body, never axum's plain text; and
//! [`Authed`], the authenticated user of a request.

use crate::auth::{self};
use crate::error::ApiFailure;
use crate::store::UserRecord;
use crate::sync::valid_sha256;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use permitdesk_protocol::ErrorCode;
use serde::de::DeserializeOwned;

use crate::state::AppState;

// ---------------------------------------------------------------------------------------------
// Extractors: every rejection is a typed ApiError, never axum's plain text.

/// JSON body; malformed JSON or wrong types give 400 `malformed_request`, a body over the
/// limit 413 `too_large`.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiFailure;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = body_bytes(req, state).await?;
        serde_json::from_slice(&bytes).map(ApiJson).map_err(|e| {
            ApiFailure::malformed(format!("请求内容不是有效的 JSON 或字段类型不符：{e}"))
        })
    }
}

async fn body_bytes<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, ApiFailure> {
    Bytes::from_request(req, state).await.map_err(|rej| {
        if rej.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiFailure::new(ErrorCode::TooLarge, "请求内容过大")
        } else {
            ApiFailure::malformed("无法读取请求内容")
        }
    })
}

/// Raw body bytes with the same typed rejections.
#[derive(Debug)]
pub struct ApiBytes(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for ApiBytes {
    type Rejection = ApiFailure;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        body_bytes(req, state).await.map(ApiBytes)
    }
}

/// Query string; a missing or mistyped parameter gives 400 `malformed_request`.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiFailure;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(q)| ApiQuery(q))
            .map_err(|e| ApiFailure::malformed(format!("查询参数无效：{}", e.body_text())))
    }
}

/// A path parameter; one that does not decode (e.g. `%FF`, not UTF-8) gives 400
/// `malformed_request`.
#[derive(Debug)]
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiFailure;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(p)| ApiPath(p))
            .map_err(|_| ApiFailure::malformed("路径参数无效"))
    }
}

/// The `{sha256}` path parameter, checked to be 64 lower-case hex characters.
#[derive(Debug)]
pub struct Sha256Param(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Sha256Param {
    type Rejection = ApiFailure;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(sha) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiFailure::malformed("路径参数无效"))?;
        if valid_sha256(&sha) {
            Ok(Sha256Param(sha))
        } else {
            Err(ApiFailure::invalid(
                "文件编号应为 64 位小写十六进制的 SHA-256",
            ))
        }
    }
}

/// The logged-in user of a bearer token.
#[derive(Debug, Clone)]
pub struct Authed {
    pub user: UserRecord,
    pub token_hash: String,
}

impl FromRequestParts<AppState> for Authed {
    type Rejection = ApiFailure;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| t.len() == 64 && t.chars().all(|c| c.is_ascii_hexdigit()))
            .ok_or_else(ApiFailure::unauthenticated)?;
        let hash = auth::token_hash(token);
        let now = s.clock.now();
        if let Some(user) = s.tokens.get(&hash, now) {
            return Ok(Authed {
                user,
                token_hash: hash,
            });
        }
        match s.store.token_user(&hash, now).await? {
            Some(user) => {
                s.tokens.put(&hash, &user, now);
                Ok(Authed {
                    user,
                    token_hash: hash,
                })
            }
            None => Err(ApiFailure::unauthenticated()),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Handlers
