//! The protocol over HTTPS: reqwest (blocking) on a rustls configuration that pins the
//! server's key or trusts a given CA; every request carries the protocol header.

use super::pin::{ServerTrust, TlsSetupError, client_config};
use super::{Transport, TransportError};
use permitdesk_domain::ids::AttachmentId;
use permitdesk_protocol::reference::{
    ReferenceImportReport, ReferenceImportRequest, ReferenceKind, ReferenceResponse,
    ReferenceVersions, encode_have,
};
use permitdesk_protocol::{
    ApiError, LoginRequest, LoginResponse, PROTOCOL_HEADER, PROTOCOL_VERSION, PullQuery,
    PullResponse, PushRequest, PushResponse, RefusalsResponse, UploadStatus, paths,
};
use reqwest::blocking::{Client, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A connection to one server.
#[derive(Debug, Clone)]
pub struct HttpTransport {
    base: String,
    client: Client,
    refused: Arc<Mutex<Option<String>>>,
}

impl HttpTransport {
    /// `base` is the server's URL, e.g. `https://127.0.0.1:8443`. Only `https` is accepted.
    pub fn new(base: &str, trust: &ServerTrust) -> Result<Self, TlsSetupError> {
        let base = base.trim_end_matches('/').to_owned();
        if !base.starts_with("https://") {
            return Err(TlsSetupError::Rustls(format!(
                "服务器地址必须以 https:// 开头：{base}"
            )));
        }
        let (config, refused) = client_config(trust)?;
        let client = Client::builder()
            .tls_backend_preconfigured(config)
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(120))
            .no_proxy()
            .build()
            .map_err(|e| TlsSetupError::Rustls(e.to_string()))?;
        Ok(HttpTransport {
            base,
            client,
            refused,
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn send(&self, req: RequestBuilder) -> Result<Response, TransportError> {
        if let Ok(mut r) = self.refused.lock() {
            *r = None;
        }
        req.header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
            .send()
            .map_err(|e| {
                if let Some(seen) = self.refused.lock().ok().and_then(|r| r.clone()) {
                    return TransportError::Pinning(format!(
                        "服务器公钥指纹为 {seen}，与固定的指纹不符"
                    ));
                }
                TransportError::Unreachable(describe(&e))
            })
    }

    fn json<T: DeserializeOwned>(&self, resp: Response) -> Result<T, TransportError> {
        let status = resp.status();
        let body = resp
            .bytes()
            .map_err(|e| TransportError::Unreachable(describe(&e)))?;
        if !status.is_success() {
            return Err(api_error(status.as_u16(), &body));
        }
        serde_json::from_slice(&body)
            .map_err(|e| TransportError::Protocol(format!("HTTP {status}：{e}")))
    }
}

/// Why the server could not be reached, in words a person at a desk understands (never the
/// transport's own error text, which is only classified here).
fn describe(e: &reqwest::Error) -> String {
    use std::error::Error as _;
    let mut detail = e.to_string();
    let mut source = e.source();
    while let Some(inner) = source {
        detail.push_str(": ");
        detail.push_str(&inner.to_string());
        source = inner.source();
    }
    let lower = detail.to_lowercase();
    if e.is_timeout() || lower.contains("timed out") {
        "服务器响应超时".to_owned()
    } else if lower.contains("dns")
        || lower.contains("resolve")
        || lower.contains("name or service")
    {
        "找不到服务器地址，请检查服务器地址或网络".to_owned()
    } else if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake")
    {
        "与服务器建立安全连接失败".to_owned()
    } else if lower.contains("refused") {
        "服务器未在运行或拒绝连接".to_owned()
    } else {
        "网络连接中断".to_owned()
    }
}

fn api_error(status: u16, body: &[u8]) -> TransportError {
    match serde_json::from_slice::<ApiError>(body) {
        Ok(error) => TransportError::Api { status, error },
        Err(_) => TransportError::Protocol(format!(
            "HTTP {status}，响应不是约定的错误格式：{}",
            String::from_utf8_lossy(&body[..body.len().min(200)])
        )),
    }
}

impl HttpTransport {
    /// `GET /api/v1/notifications?after=ID`: what the server announced about entities this
    /// user may see (deadline warnings, deadlines moved by a new holiday table, deemed consent).
    pub fn notifications(
        &self,
        token: &str,
        after: u64,
    ) -> Result<permitdesk_protocol::NotificationsResponse, TransportError> {
        let q = [("after", after.to_string())];
        let resp = self.send(
            self.client
                .get(self.url(paths::NOTIFICATIONS))
                .bearer_auth(token)
                .query(&q),
        )?;
        self.json(resp)
    }

    /// `GET /api/v1/statistics`: the answer's bytes (the domain's JSON, or xlsx/CSV/PDF).
    pub fn statistics(
        &self,
        token: &str,
        query: &permitdesk_protocol::statistics::StatisticsQuery,
    ) -> Result<Vec<u8>, TransportError> {
        let req = self
            .client
            .get(self.url(paths::STATISTICS))
            .bearer_auth(token)
            .query(query);
        let resp = self.send(req)?;
        let status = resp.status();
        let body = resp
            .bytes()
            .map_err(|e| TransportError::Unreachable(describe(&e)))?;
        if !status.is_success() {
            return Err(api_error(status.as_u16(), &body));
        }
        Ok(body.to_vec())
    }
}

impl HttpTransport {
    /// `GET /api/v1/certificates/{number}/status?h=CODE` (public): what the server says about
    /// an e-certificate.
    pub fn certificate_status(
        &self,
        number: &str,
        code: &str,
    ) -> Result<permitdesk_protocol::certificates::CertificateStatusAnswer, TransportError> {
        let url = self.url(&format!(
            "{}/{number}/status",
            permitdesk_protocol::certificates::CERTIFICATES
        ));
        let resp = self.send(self.client.get(url).query(&[("h", code)]))?;
        self.json(resp)
    }

    /// `GET /api/v1/certificates/{number}/file`: the server's signed PDF.
    pub fn certificate_file(&self, token: &str, number: &str) -> Result<Vec<u8>, TransportError> {
        let url = self.url(&format!(
            "{}/{number}/file",
            permitdesk_protocol::certificates::CERTIFICATES
        ));
        let resp = self.send(self.client.get(url).bearer_auth(token))?;
        let status = resp.status();
        let body = resp
            .bytes()
            .map_err(|e| TransportError::Unreachable(describe(&e)))?;
        if !status.is_success() {
            return Err(api_error(status.as_u16(), &body));
        }
        Ok(body.to_vec())
    }
}

impl Transport for HttpTransport {
    fn login(&self, req: &LoginRequest) -> Result<LoginResponse, TransportError> {
        let resp = self.send(self.client.post(self.url(paths::LOGIN)).json(req))?;
        self.json(resp)
    }

    fn push(&self, token: &str, req: &PushRequest) -> Result<PushResponse, TransportError> {
        let resp = self.send(
            self.client
                .post(self.url(paths::PUSH))
                .bearer_auth(token)
                .json(req),
        )?;
        self.json(resp)
    }

    fn pull(&self, token: &str, query: &PullQuery) -> Result<PullResponse, TransportError> {
        let mut q: Vec<(&str, String)> = vec![("after", query.after.to_string())];
        if let Some(l) = query.limit {
            q.push(("limit", l.to_string()));
        }
        if let Some(c) = &query.client_id {
            q.push(("client_id", c.clone()));
        }
        let resp = self.send(
            self.client
                .get(self.url(paths::PULL))
                .bearer_auth(token)
                .query(&q),
        )?;
        self.json(resp)
    }

    fn refusals(
        &self,
        token: &str,
        client_id: &str,
        after: u64,
    ) -> Result<RefusalsResponse, TransportError> {
        let q = [
            ("client_id", client_id.to_owned()),
            ("after", after.to_string()),
        ];
        let resp = self.send(
            self.client
                .get(self.url(paths::REFUSALS))
                .bearer_auth(token)
                .query(&q),
        )?;
        self.json(resp)
    }

    fn upload_status(
        &self,
        token: &str,
        id: &AttachmentId,
        size: u64,
    ) -> Result<UploadStatus, TransportError> {
        let url = self.url(&format!("{}/{id}/status", paths::ATTACHMENTS));
        let resp = self.send(
            self.client
                .get(url)
                .bearer_auth(token)
                .query(&[("size", size.to_string())]),
        )?;
        self.json(resp)
    }

    fn upload_chunk(
        &self,
        token: &str,
        id: &AttachmentId,
        offset: u64,
        size: u64,
        chunk: &[u8],
    ) -> Result<UploadStatus, TransportError> {
        let url = self.url(&format!("{}/{id}", paths::ATTACHMENTS));
        let req = self
            .client
            .put(url)
            .bearer_auth(token)
            .query(&[("offset", offset.to_string()), ("size", size.to_string())])
            .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
            .body(chunk.to_vec());
        let resp = self.send(req)?;
        self.json(resp)
    }

    fn concurrent(&self) -> Option<&(dyn Transport + Sync)> {
        Some(self)
    }

    fn reference(
        &self,
        token: &str,
        have: &ReferenceVersions,
    ) -> Result<ReferenceResponse, TransportError> {
        let resp = self.send(
            self.client
                .get(self.url(paths::REFERENCE))
                .bearer_auth(token)
                .query(&[("have", encode_have(have))]),
        )?;
        self.json(resp)
    }

    fn import_reference(
        &self,
        token: &str,
        kind: ReferenceKind,
        req: &ReferenceImportRequest,
    ) -> Result<ReferenceImportReport, TransportError> {
        let url = self.url(&format!("{}/{}", paths::REFERENCE, kind.as_str()));
        let resp = self.send(self.client.post(url).bearer_auth(token).json(req))?;
        self.json(resp)
    }

    fn download(&self, token: &str, id: &AttachmentId) -> Result<Vec<u8>, TransportError> {
        let url = self.url(&format!("{}/{id}", paths::ATTACHMENTS));
        let resp = self.send(self.client.get(url).bearer_auth(token))?;
        let status = resp.status();
        let body = resp
            .bytes()
            .map_err(|e| TransportError::Unreachable(describe(&e)))?;
        if !status.is_success() {
            return Err(api_error(status.as_u16(), &body));
        }
        Ok(body.to_vec())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    /// A server that is not running: the user reads a Chinese sentence, never the transport's
    /// English error text.
    #[test]
    fn an_unreachable_server_is_described_in_chinese_without_transport_text() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let t = HttpTransport::new(
            &format!("https://127.0.0.1:{port}"),
            &ServerTrust::Pinned("00".repeat(32)),
        )
        .unwrap();
        let err = t
            .login(&LoginRequest {
                user: "window".into(),
                password: "password".into(),
                client_id: None,
            })
            .unwrap_err();
        let TransportError::Unreachable(m) = &err else {
            panic!("{err:?}")
        };
        assert!(!m.chars().any(|c| c.is_ascii_alphabetic()), "{m}");
        let shown = crate::ClientError::from(err).to_string();
        assert!(shown.starts_with("无法连接服务器，已离线保存"), "{shown}");
        assert!(!shown.chars().any(|c| c.is_ascii_alphabetic()), "{shown}");
    }
}
