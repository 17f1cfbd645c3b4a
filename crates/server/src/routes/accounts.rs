//! `/api/v1/login`, `/api/v1/logout`, `/api/v1/me`.

use crate::auth::{self};
use crate::error::{ApiFailure, StoreError};
use crate::metrics::Metrics;
use crate::tls::PeerAddr;
use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use permitdesk_domain::ids::UserId;
use permitdesk_protocol::{ErrorCode, LoginRequest, LoginResponse};

use crate::extract::*;
use crate::state::AppState;

pub(crate) async fn login(
    State(s): State<AppState>,
    peer: Option<Extension<PeerAddr>>,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Json<LoginResponse>, ApiFailure> {
    let ip = peer.map(|Extension(PeerAddr(a))| a.ip());
    let now = s.clock.now();
    let name = req.user.trim().to_owned();
    // Bounded before any work: no lookup, hashing or limiter entry for an oversized name.
    if name.chars().count() > auth::MAX_USER_NAME_CHARS {
        return Err(ApiFailure::new(
            ErrorCode::Invalid,
            format!("用户名不能超过 {} 个字符", auth::MAX_USER_NAME_CHARS),
        ));
    }
    if req.password.chars().count() > auth::MAX_PASSWORD_CHARS {
        return Err(ApiFailure::new(
            ErrorCode::Invalid,
            format!("密码不能超过 {} 个字符", auth::MAX_PASSWORD_CHARS),
        ));
    }
    // The failed-login counts of this name and address, shared by every server process on
    // the database (one indexed read).
    let counts = s.limiter.counts(s.store.as_ref(), &name, ip).await?;
    if let Some(until) = s.limiter.blocked_until(&counts, now) {
        let minutes = (until - now).num_minutes().max(1);
        return Err(ApiFailure::new(
            ErrorCode::RateLimited,
            format!("登录失败次数过多，请在 {minutes} 分钟后重试"),
        ));
    }
    let user = if name.is_empty() {
        None
    } else {
        s.store.user(&UserId::new(name.clone())).await?
    };
    // An unknown or disabled user is checked against the decoy hash, so that every failed
    // login takes the time of a known user's (no enumeration of accounts by timing).
    let (candidate, phc) = match user {
        Some(u) if !u.disabled => {
            let phc = u.password_hash.clone();
            (Some(u), Some(phc))
        }
        _ => (None, None),
    };
    let password = req.password;
    let req_client_id = req.client_id;
    let state = s.clone();
    let ok = tokio::task::spawn_blocking(move || {
        let phc = phc.unwrap_or_else(|| state.decoy_hash().to_owned());
        auth::verify_password(&password, &phc)
    })
    .await
    .map_err(StoreError::from)?;
    let verified = candidate.filter(|_| ok);
    let Some(user) = verified else {
        s.limiter
            .record_failure(s.store.as_ref(), &name, ip, now)
            .await?;
        Metrics::add(&s.metrics.logins_failed, 1);
        tracing::info!(target: "permitdesk::auth", "login failed");
        return Err(ApiFailure::new(
            ErrorCode::BadCredentials,
            "用户名或密码错误，或账号已停用",
        ));
    };
    s.limiter
        .record_success(s.store.as_ref(), &name, ip, &counts)
        .await?;
    let (token, hash) = auth::new_token().map_err(|_| ApiFailure::internal())?;
    let expires_at = now + s.config.token_ttl;
    s.store
        .insert_token(&hash, &user.id, now, expires_at)
        .await?;
    // 同步身份: the installation's own id if no other account holds it, else a fresh one; the
    // token is bound to it when the client offered one (every PermitDesk client does). A
    // login that offers none (a script, a test tool) gets a fresh id but an unbound token: its
    // pushes and pulls are still held to ids its own account holds.
    let offered = req_client_id.filter(|c| crate::routes::sync::valid_client_id(c));
    let bind = offered.is_some();
    let client_id = match offered {
        Some(c) if s.store.claim_client(&c, &user.id, now).await? == user.id => c,
        _ => loop {
            let (fresh, _) = auth::new_token().map_err(|_| ApiFailure::internal())?;
            let fresh = format!("c-{}", &fresh[..32]);
            if s.store.claim_client(&fresh, &user.id, now).await? == user.id {
                break fresh;
            }
        },
    };
    if bind {
        s.store.bind_token_client(&hash, &client_id).await?;
    }
    tracing::info!(target: "permitdesk::auth", user = %user.id, "login");
    Ok(Json(LoginResponse {
        token,
        expires_at,
        user: user.info(),
        server_time: now,
        client_id,
    }))
}

pub(crate) async fn logout(State(s): State<AppState>, a: Authed) -> Result<StatusCode, ApiFailure> {
    s.store.revoke_token(&a.token_hash).await?;
    s.tokens.evict(&a.token_hash);
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn me(a: Authed) -> Json<permitdesk_protocol::UserInfo> {
    Json(a.user.info())
}
