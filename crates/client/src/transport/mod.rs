//! How the sync engine talks to the server: one trait with the calls of the protocol, so that
//! the engine runs the same over HTTPS ([`http::HttpTransport`]) and over a fault-injecting
//! wrapper in the simulation.

pub mod http;
pub mod pin;

use crate::error::ClientError;
use permitdesk_domain::ids::AttachmentId;
use permitdesk_protocol::reference::{
    ReferenceImportReport, ReferenceImportRequest, ReferenceKind, ReferenceResponse,
    ReferenceVersions,
};
use permitdesk_protocol::{
    ApiError, ErrorCode, LoginRequest, LoginResponse, PullQuery, PullResponse, PushRequest,
    PushResponse, RefusalsResponse, UploadStatus,
};

/// Why a call did not get an answer that the engine can use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// No answer (no route, refused, reset, timed out): the call may or may not have arrived.
    #[error("{0}")]
    Unreachable(String),
    /// The server's certificate is not the pinned one: the handshake was stopped before any
    /// request was sent.
    #[error("{0}")]
    Pinning(String),
    /// The server answered with a typed error.
    #[error("HTTP {status}：{error}")]
    Api { status: u16, error: ApiError },
    /// The server answered something the protocol does not allow.
    #[error("{0}")]
    Protocol(String),
}

impl TransportError {
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            TransportError::Api { error, .. } => Some(error.code),
            _ => None,
        }
    }
}

impl From<TransportError> for ClientError {
    fn from(e: TransportError) -> Self {
        match e {
            TransportError::Unreachable(m) => ClientError::Offline(m),
            TransportError::Pinning(m) => ClientError::Pinning(m),
            TransportError::Api { error, .. } if error.code == ErrorCode::Unauthenticated => {
                ClientError::NotLoggedIn
            }
            TransportError::Api { error, .. } => ClientError::Api(error),
            TransportError::Protocol(m) => ClientError::Protocol(m),
        }
    }
}

/// The calls of the PermitDesk protocol (see `permitdesk_protocol::paths`).
pub trait Transport {
    fn login(&self, req: &LoginRequest) -> Result<LoginResponse, TransportError>;
    fn push(&self, token: &str, req: &PushRequest) -> Result<PushResponse, TransportError>;
    fn pull(&self, token: &str, query: &PullQuery) -> Result<PullResponse, TransportError>;
    /// Refusals the server recorded for this client after a mutation id (for retried commands
    /// the push answers only `duplicate`).
    fn refusals(
        &self,
        token: &str,
        client_id: &str,
        after: u64,
    ) -> Result<RefusalsResponse, TransportError>;
    /// How much of an upload the server already has.
    fn upload_status(
        &self,
        token: &str,
        id: &AttachmentId,
        size: u64,
    ) -> Result<UploadStatus, TransportError>;
    /// Send the bytes of an upload starting at `offset`.
    fn upload_chunk(
        &self,
        token: &str,
        id: &AttachmentId,
        offset: u64,
        size: u64,
        chunk: &[u8],
    ) -> Result<UploadStatus, TransportError>;
    fn download(&self, token: &str, id: &AttachmentId) -> Result<Vec<u8>, TransportError>;
    /// `GET /api/v1/reference`: the server's reference versions, and in full every kind newer
    /// than `have`.
    fn reference(
        &self,
        token: &str,
        have: &ReferenceVersions,
    ) -> Result<ReferenceResponse, TransportError>;
    /// `POST /api/v1/reference/{kind}`: import a new version (市工改办 only; `dry_run` changes
    /// nothing).
    fn import_reference(
        &self,
        token: &str,
        kind: ReferenceKind,
        req: &ReferenceImportRequest,
    ) -> Result<ReferenceImportReport, TransportError>;

    /// This transport, if it may be used from a second thread: the engine then fetches the
    /// next pull page while it stores the current one.
    fn concurrent(&self) -> Option<&(dyn Transport + Sync)> {
        None
    }
}

impl<T: Transport + ?Sized> Transport for &T {
    fn login(&self, req: &LoginRequest) -> Result<LoginResponse, TransportError> {
        (**self).login(req)
    }
    fn push(&self, token: &str, req: &PushRequest) -> Result<PushResponse, TransportError> {
        (**self).push(token, req)
    }
    fn pull(&self, token: &str, query: &PullQuery) -> Result<PullResponse, TransportError> {
        (**self).pull(token, query)
    }
    fn refusals(
        &self,
        token: &str,
        client_id: &str,
        after: u64,
    ) -> Result<RefusalsResponse, TransportError> {
        (**self).refusals(token, client_id, after)
    }
    fn upload_status(
        &self,
        token: &str,
        id: &AttachmentId,
        size: u64,
    ) -> Result<UploadStatus, TransportError> {
        (**self).upload_status(token, id, size)
    }
    fn upload_chunk(
        &self,
        token: &str,
        id: &AttachmentId,
        offset: u64,
        size: u64,
        chunk: &[u8],
    ) -> Result<UploadStatus, TransportError> {
        (**self).upload_chunk(token, id, offset, size, chunk)
    }
    fn download(&self, token: &str, id: &AttachmentId) -> Result<Vec<u8>, TransportError> {
        (**self).download(token, id)
    }
    fn reference(
        &self,
        token: &str,
        have: &ReferenceVersions,
    ) -> Result<ReferenceResponse, TransportError> {
        (**self).reference(token, have)
    }
    fn import_reference(
        &self,
        token: &str,
        kind: ReferenceKind,
        req: &ReferenceImportRequest,
    ) -> Result<ReferenceImportReport, TransportError> {
        (**self).import_reference(token, kind, req)
    }
    fn concurrent(&self) -> Option<&(dyn Transport + Sync)> {
        (**self).concurrent()
    }
}
