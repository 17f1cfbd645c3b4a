//! The state every request shares ([`AppState`]): the store, the configuration, the clock,
//! the login limiter, the token cache, the reference data in force and the statistics cache.
//! Handlers and the router depend on it; it depends on none of them.

use crate::auth::{self, LoginLimiter};
use crate::clock::Clock;
use crate::config::ServerConfig;
use crate::error::{ApiFailure, StoreError};
use crate::metrics::Metrics;
use crate::store::{PushEnv, Store};
use permitdesk_domain::reference::{ReferenceKind, ReferenceSet};
use std::sync::Arc;

/// Everything a handler needs, shared by all requests of one server process.
#[derive(Debug, Clone)]
pub struct AppState(pub Arc<Inner>);

#[derive(Debug)]
pub struct Inner {
    pub store: Arc<dyn Store>,
    pub config: ServerConfig,
    pub clock: Arc<dyn Clock>,
    pub metrics: Metrics,
    pub limiter: LoginLimiter,
    /// A hash of the configured cost for no one: verified when a login names an unknown or
    /// disabled user, so every failed login costs the same time ([`auth::decoy_hash`]); made
    /// at the first such login.
    decoy_hash: std::sync::OnceLock<String>,
    pub tokens: auth::TokenCache,
    /// The reference data in force (calendar, catalogue, market, zones, districts, each at a
    /// version): swapped whole when an import is noticed, never held across an await
    /// ([`AppState::reference`], [`AppState::refreshed_reference`]).
    reference: std::sync::RwLock<Arc<ReferenceSet>>,
    /// The replayed projects and cases the statistics are computed over (`crate::statistics`).
    pub statistics: crate::statistics::StatisticsCache,
    /// The day this process last ran the daily SPGL export (`crate::exchange`).
    pub exchange: crate::exchange::DailyRun,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

/// The settings key of the catalogue TOML loaded by `demo seed` before issue 11 (adopted as
/// a catalogue version at start, see [`crate::reference::adopt_legacy_catalogue`]).
pub const CATALOGUE_SETTING: &str = crate::reference::LEGACY_CATALOGUE_SETTING;

/// Why a server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("存储不可用：{0}")]
    Store(#[from] StoreError),
    #[error("事项目录无效：{0}")]
    Catalogue(String),
    #[error("参考数据无法载入：{0}")]
    Reference(#[from] crate::reference::ImportError),
    #[error("{0}")]
    Tls(#[from] crate::tls::TlsError),
    #[error("无法监听地址：{0}")]
    Io(#[from] std::io::Error),
}

impl AppState {
    /// The state of a server on `store`: the reference data is the latest stored version of
    /// each kind, the bootstrap data for kinds never imported.
    pub async fn new(
        store: Arc<dyn Store>,
        config: ServerConfig,
        clock: Arc<dyn Clock>,
    ) -> Result<AppState, StartError> {
        crate::reference::adopt_legacy_catalogue(store.as_ref(), clock.now()).await?;
        let reference = crate::reference::load(store.as_ref()).await?;
        let limiter = LoginLimiter::new(config.login_max_failures, config.login_window);
        let tokens = auth::TokenCache::new(config.token_cache_ttl);
        Ok(AppState(Arc::new(Inner {
            store,
            config,
            clock,
            metrics: Metrics::default(),
            limiter,
            decoy_hash: std::sync::OnceLock::new(),
            tokens,
            reference: std::sync::RwLock::new(Arc::new(reference)),
            statistics: Default::default(),
            exchange: Default::default(),
        })))
    }

    /// The decoy password hash (made on first use; blocking: call from a blocking thread). If
    /// it cannot be made (no randomness), an empty string, which verifies nothing.
    pub fn decoy_hash(&self) -> &str {
        self.decoy_hash
            .get_or_init(|| auth::decoy_hash(self.config.password_cost).unwrap_or_default())
    }

    /// The reference set in force, as this process last loaded it.
    pub fn reference(&self) -> Arc<ReferenceSet> {
        self.reference
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The reference set in force after checking the store's versions (an import by the CLI
    /// or another server process is noticed here): the changed kinds are reloaded and swapped in.
    pub async fn refreshed_reference(&self) -> Result<Arc<ReferenceSet>, ApiFailure> {
        Ok(self.reference_in_force().await?)
    }

    /// [`AppState::refreshed_reference`] for the scheduler and other storage-level callers.
    pub async fn reference_in_force(&self) -> Result<Arc<ReferenceSet>, StoreError> {
        let current = self.reference();
        match crate::reference::refresh(self.store.as_ref(), &current).await {
            Ok(None) => Ok(current),
            Ok(Some(set)) => Ok(self.install_reference(set)),
            Err(crate::reference::ImportError::Store(e)) => Err(e),
            Err(e) => {
                tracing::error!(error = %e, "stored reference data does not load; the set in force is kept");
                Ok(current)
            }
        }
    }

    /// Puts `set` in force unless a newer one already is (per kind); returns the set in force.
    fn install_reference(&self, set: ReferenceSet) -> Arc<ReferenceSet> {
        let mut slot = self.reference.write().unwrap_or_else(|e| e.into_inner());
        let newer = ReferenceKind::ALL
            .into_iter()
            .any(|k| set.version(k) > slot.version(k));
        let older = ReferenceKind::ALL
            .into_iter()
            .any(|k| set.version(k) < slot.version(k));
        if newer && !older {
            *slot = Arc::new(set);
        }
        slot.clone()
    }

    /// What push decides with: the reference set in force, the rules, the clock.
    pub fn push_env(&self) -> PushEnv {
        self.push_env_with(self.reference())
    }

    pub fn push_env_with(&self, reference: Arc<ReferenceSet>) -> PushEnv {
        PushEnv {
            reference,
            rules: self.config.push_rules,
            clock: self.clock.clone(),
        }
    }
}
