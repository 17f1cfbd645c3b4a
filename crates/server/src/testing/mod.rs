//! Test support, public so that other crates' tests can use it: an in-process server with real
//! TLS on 127.0.0.1 and seeded demo users ([`TestServer`]), a throw-away database on either
//! backend ([`TestDatabase`]), and a small pinned-key HTTPS client ([`ApiClient`]).

use crate::auth::PasswordCost;
use crate::clock::{Clock, SystemClock};
use crate::config::ServerConfig;
use crate::demo;
use crate::error::StoreError;
use crate::http::{AppState, StartError, app};
use crate::store::{PostgresStore, SqliteStore, Store};
use permitdesk_protocol::{
    ApiError, LoginResponse, PROTOCOL_HEADER, PROTOCOL_VERSION, PullResponse, PushRequest,
    PushResponse, paths,
};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use std::path::PathBuf;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// The password of every demo user of a [`TestServer`].
pub const DEMO_PASSWORD: &str = "permitdesk-demo";
/// The environment variable that selects PostgreSQL for tests (`postgres://...`).
pub const TEST_DATABASE_ENV: &str = "PERMITDESK_TEST_DATABASE";

/// Which storage backend a test runs on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    /// The URL of a PostgreSQL server database to create test databases from.
    Postgres(String),
}

impl Backend {
    /// PostgreSQL if `PERMITDESK_TEST_DATABASE` is set, SQLite otherwise.
    pub fn from_env() -> Backend {
        match std::env::var(TEST_DATABASE_ENV) {
            Ok(url) if !url.trim().is_empty() => Backend::Postgres(url),
            _ => Backend::Sqlite,
        }
    }
}

fn random_suffix() -> String {
    let mut b = [0u8; 6];
    // Without randomness two tests could share a name; the time and pid still make it unlikely.
    if getrandom::fill(&mut b).is_err() {
        return format!(
            "{}{}",
            std::process::id(),
            chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0)
        );
    }
    hex::encode(b)
}

/// A database that exists for one test and is removed when dropped: a temporary SQLite file,
/// or a fresh PostgreSQL database `pd_test_<random>`.
#[derive(Debug)]
pub struct TestDatabase {
    pub store: Arc<dyn Store>,
    /// For PostgreSQL: the URL of the test database (open more stores on it).
    pub url: Option<String>,
    dir: Option<PathBuf>,
    pg_drop: Option<(String, String)>,
}

impl TestDatabase {
    pub async fn create(backend: &Backend) -> Result<TestDatabase, StoreError> {
        match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(format!("permitdesk-test-{}", random_suffix()));
                std::fs::create_dir_all(&dir).map_err(|e| StoreError::Task(e.to_string()))?;
                let store = SqliteStore::open(&dir.join("server.db"))?;
                Ok(TestDatabase {
                    store: Arc::new(store),
                    url: None,
                    dir: Some(dir),
                    pg_drop: None,
                })
            }
            Backend::Postgres(admin_url) => {
                let name = format!("pd_test_{}", random_suffix());
                let url = PostgresStore::create_database(admin_url, &name).await?;
                let store = PostgresStore::connect(&url).await?;
                Ok(TestDatabase {
                    store: Arc::new(store),
                    url: Some(url),
                    dir: None,
                    pg_drop: Some((admin_url.clone(), name)),
                })
            }
        }
    }

    /// Another store on the same database (a second server process).
    pub async fn second_store(&self) -> Result<Arc<dyn Store>, StoreError> {
        match (&self.url, &self.dir) {
            (Some(url), _) => Ok(Arc::new(PostgresStore::connect(url).await?)),
            (None, Some(dir)) => Ok(Arc::new(SqliteStore::open(&dir.join("server.db"))?)),
            (None, None) => Err(StoreError::NotFound("test database".to_owned())),
        }
    }

    /// Another store on the same database with group commit of up to `n` commands of a push
    /// per transaction, as `server run` opens it.
    pub async fn grouped_store(&self, n: usize) -> Result<Arc<dyn Store>, StoreError> {
        match (&self.url, &self.dir) {
            (Some(url), _) => Ok(Arc::new(
                PostgresStore::connect(url).await?.with_group_commit(n),
            )),
            (None, Some(dir)) => Ok(Arc::new(
                SqliteStore::open(&dir.join("server.db"))?.with_group_commit(n),
            )),
            (None, None) => Err(StoreError::NotFound("test database".to_owned())),
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some(dir) = self.dir.take()
            && let Err(e) = std::fs::remove_dir_all(&dir)
        {
            eprintln!("could not remove {}: {e}", dir.display());
        }
        if let Some((admin, name)) = self.pg_drop.take() {
            // Drop runs outside any runtime guarantee: use a thread with its own runtime.
            let joined = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(|e| e.to_string())?;
                rt.block_on(PostgresStore::drop_database(&admin, &name))
                    .map_err(|e| e.to_string())
            })
            .join();
            if let Ok(Err(e)) = joined {
                eprintln!("could not drop test database: {e}");
            }
        }
    }
}

/// Options of a [`TestServer`].
#[derive(Debug, Clone)]
pub struct TestOptions {
    pub clock: Arc<dyn Clock>,
    pub config: ServerConfig,
    /// Seed the demo catalogue and users (password [`DEMO_PASSWORD`]).
    pub seed: bool,
    /// Run the scheduler in the background.
    pub scheduler: bool,
}

impl Default for TestOptions {
    fn default() -> Self {
        TestOptions {
            clock: Arc::new(SystemClock),
            config: ServerConfig {
                password_cost: PasswordCost::TEST,
                instance: format!("test-{}", random_suffix()),
                // Tests disable and revoke accounts behind the server's back: no token cache.
                token_cache_ttl: chrono::Duration::zero(),
                ..ServerConfig::default()
            },
            seed: true,
            scheduler: false,
        }
    }
}

/// A server running in this process over real TLS on 127.0.0.1 (a random port).
#[derive(Debug)]
pub struct TestServer {
    /// e.g. `https://127.0.0.1:40123`
    pub base_url: String,
    /// SHA-256 of the certificate's SubjectPublicKeyInfo (hex): the client's pin.
    pub fingerprint: String,
    pub cert_pem: String,
    pub state: AppState,
    pub db: Arc<TestDatabase>,
    serve: JoinHandle<()>,
    scheduler: Option<JoinHandle<()>>,
}

impl TestServer {
    /// A seeded server on a fresh database of `backend`.
    pub async fn start(backend: Backend) -> Result<TestServer, StartError> {
        Self::start_with(backend, TestOptions::default()).await
    }

    pub async fn start_with(
        backend: Backend,
        options: TestOptions,
    ) -> Result<TestServer, StartError> {
        let db = Arc::new(TestDatabase::create(&backend).await?);
        Self::start_on(db, options).await
    }

    /// A server on an existing test database (e.g. a second server on the same PostgreSQL).
    pub async fn start_on(
        db: Arc<TestDatabase>,
        options: TestOptions,
    ) -> Result<TestServer, StartError> {
        let store = db.second_store().await?;
        if options.seed {
            demo::seed(
                store.as_ref(),
                options.config.password_cost,
                options.clock.now(),
                |_| Ok(DEMO_PASSWORD.to_owned()),
            )
            .await
            .map_err(|e| StartError::Catalogue(e.to_string()))?;
        }
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let mut config = options.config;
        // The e-certificates' seal and public address (issue 14): a key in memory, this address.
        if config.seal.is_none() {
            config.seal = crate::certificates::SealKey::ephemeral().ok().map(Arc::new);
        }
        if config.public_url.is_none() {
            config.public_url = Some(format!("https://127.0.0.1:{}", addr.port()));
        }
        let state = AppState::new(store, config, options.clock).await?;
        let (cert_pem, key_pem) = crate::tls::generate_self_signed(&[])?;
        let fingerprint = crate::tls::spki_fingerprint_pem(&cert_pem)?;
        let tls = crate::tls::server_config(&cert_pem, &key_pem)?;
        let router = app(state.clone());
        let limits = crate::tls::ConnectionLimits::of(&state.config);
        let serve = tokio::spawn(crate::tls::serve(
            listener,
            router,
            tls,
            limits,
            std::future::pending(),
        ));
        let scheduler = options
            .scheduler
            .then(|| crate::scheduler::spawn(state.clone()));
        Ok(TestServer {
            base_url: format!("https://127.0.0.1:{}", addr.port()),
            fingerprint,
            cert_pem,
            state,
            db,
            serve,
            scheduler,
        })
    }

    /// A client pinned to this server's key.
    pub fn client(&self) -> Result<ApiClient, ApiCallError> {
        ApiClient::new(&self.base_url, &self.fingerprint)
    }

    /// A client logged in as a demo user.
    pub async fn login(&self, user: &str) -> Result<ApiClient, ApiCallError> {
        let mut c = self.client()?;
        c.login(user, DEMO_PASSWORD).await?;
        Ok(c)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.serve.abort();
        if let Some(s) = &self.scheduler {
            s.abort();
        }
    }
}

/// Accepts exactly the server key with this fingerprint (a self-signed certificate has no
/// chain to check; the pin is the trust).
#[derive(Debug)]
pub struct PinnedKey {
    fingerprint: String,
    provider: Arc<rustls::crypto::CryptoProvider>,
}

impl ServerCertVerifier for PinnedKey {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match crate::tls::spki_fingerprint(end_entity.as_ref()) {
            Ok(fp) if fp.eq_ignore_ascii_case(&self.fingerprint) => {
                Ok(ServerCertVerified::assertion())
            }
            _ => Err(rustls::Error::General(
                "server public key does not match the pinned fingerprint".to_owned(),
            )),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// Why an API call failed.
#[derive(Debug, thiserror::Error)]
pub enum ApiCallError {
    #[error("HTTP: {0}")]
    Http(#[from] reqwest::Error),
    #[error("TLS: {0}")]
    Tls(#[from] rustls::Error),
    #[error("{status}: {error}")]
    Api { status: u16, error: ApiError },
    #[error("unexpected answer {status}: {body}")]
    Unexpected { status: u16, body: String },
}

/// A minimal HTTPS client of the API with a pinned server key (tests, load tools).
#[derive(Debug, Clone)]
pub struct ApiClient {
    pub http: reqwest::Client,
    pub base_url: String,
    pub token: Option<String>,
}

/// A rustls client configuration that trusts only the key with `fingerprint`.
pub fn pinned_client_config(
    fingerprint: &str,
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> Result<rustls::ClientConfig, rustls::Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = PinnedKey {
        fingerprint: fingerprint.to_owned(),
        provider: provider.clone(),
    };
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth())
}

impl ApiClient {
    pub fn new(base_url: &str, fingerprint: &str) -> Result<ApiClient, ApiCallError> {
        let config = pinned_client_config(
            fingerprint,
            &[&rustls::version::TLS13, &rustls::version::TLS12],
        )?;
        let http = reqwest::Client::builder()
            .use_preconfigured_tls(config)
            .timeout(std::time::Duration::from_secs(60))
            .pool_max_idle_per_host(4)
            .build()?;
        Ok(ApiClient {
            http,
            base_url: base_url.trim_end_matches('/').to_owned(),
            token: None,
        })
    }

    /// A request with the protocol header and, if logged in, the bearer token.
    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let mut rb = self
            .http
            .request(method, format!("{}{path}", self.base_url))
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string());
        if let Some(t) = &self.token {
            rb = rb.bearer_auth(t);
        }
        rb
    }

    /// Sends and decodes: the typed body on success, the typed [`ApiError`] otherwise.
    pub async fn send<T: serde::de::DeserializeOwned>(
        rb: reqwest::RequestBuilder,
    ) -> Result<T, ApiCallError> {
        let resp = rb.send().await?;
        let status = resp.status().as_u16();
        let bytes = resp.bytes().await?;
        if (200..300).contains(&status) {
            return serde_json::from_slice(&bytes).map_err(|_| ApiCallError::Unexpected {
                status,
                body: String::from_utf8_lossy(&bytes).into_owned(),
            });
        }
        match serde_json::from_slice::<ApiError>(&bytes) {
            Ok(error) => Err(ApiCallError::Api { status, error }),
            Err(_) => Err(ApiCallError::Unexpected {
                status,
                body: String::from_utf8_lossy(&bytes).into_owned(),
            }),
        }
    }

    pub async fn login(
        &mut self,
        user: &str,
        password: &str,
    ) -> Result<LoginResponse, ApiCallError> {
        let body = permitdesk_protocol::LoginRequest {
            user: user.to_owned(),
            password: password.to_owned(),
            client_id: None,
        };
        let r: LoginResponse = Self::send(
            self.request(reqwest::Method::POST, paths::LOGIN)
                .json(&body),
        )
        .await?;
        self.token = Some(r.token.clone());
        Ok(r)
    }

    pub async fn push(&self, req: &PushRequest) -> Result<PushResponse, ApiCallError> {
        Self::send(self.request(reqwest::Method::POST, paths::PUSH).json(req)).await
    }

    pub async fn pull(
        &self,
        after: u64,
        limit: Option<u32>,
        client_id: Option<&str>,
    ) -> Result<PullResponse, ApiCallError> {
        let mut q: Vec<(&str, String)> = vec![("after", after.to_string())];
        if let Some(l) = limit {
            q.push(("limit", l.to_string()));
        }
        if let Some(c) = client_id {
            q.push(("client_id", c.to_owned()));
        }
        Self::send(self.request(reqwest::Method::GET, paths::PULL).query(&q)).await
    }

    /// Raw status and body, for bad-input tests.
    pub async fn raw(&self, rb: reqwest::RequestBuilder) -> Result<(u16, Vec<u8>), ApiCallError> {
        let resp = rb.send().await?;
        let status = resp.status().as_u16();
        Ok((status, resp.bytes().await?.to_vec()))
    }
}

pub mod fixtures;
pub mod processes;
