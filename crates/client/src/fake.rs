//! An in-test fake of the server, only for unit tests of the engine's retry and rebase logic:
//! it decides commands with the domain code, seals events, answers pulls, and can lose the
//! answer of the next call. The integration tests use the real server.

use crate::transport::{Transport, TransportError};
use chrono::{DateTime, Utc};
use permitdesk_domain::actor::Actor;
use permitdesk_domain::case::{Acting, Case, CaseEvent};
use permitdesk_domain::ids::AttachmentId;
use permitdesk_domain::trail::{Sealed, seal_all};
use permitdesk_protocol::reference::{
    ReferenceDoc, ReferenceImportReport, ReferenceImportRequest, ReferenceKind, ReferenceResponse,
    ReferenceVersions,
};
use permitdesk_protocol::{ApiError, ErrorCode};
use permitdesk_protocol::{
    CommandEnvelope, CommandOutcome, CommandResult, DomainCommand, DomainEvent, EntityRef,
    LoginRequest, LoginResponse, PullQuery, PullResponse, PushRequest, PushResponse, Refusal,
    RefusalRecord, RefusalsResponse, SyncEvent, UploadStatus, UserInfo,
};
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, Sender};

#[derive(Default)]
pub struct Inner {
    pub events: Vec<SyncEvent>,
    pub cases: HashMap<String, (Case, Sealed<CaseEvent>)>,
    pub outcomes: HashMap<(String, u64), CommandOutcome>,
    pub last_mid: HashMap<String, u64>,
    pub users: HashMap<String, UserInfo>,
    pub tokens: HashMap<String, String>,
    /// The next push is applied but its answer is lost.
    pub lose_next_push_answer: bool,
    /// The server is down.
    pub down: bool,
    pub removals: Vec<EntityRef>,
    pub applied: u64,
    /// The reference data in force (latest version of each kind imported; none: bootstrap).
    pub reference: Vec<ReferenceDoc>,
    /// Pushes refused with 409 stale_reference.
    pub stale_refusals: u64,
    /// The reference versions each push carried.
    pub pushed_with: Vec<ReferenceVersions>,
    /// An import that happens just before the next push arrives (after the client fetched the
    /// reference data).
    pub import_before_next_push: Option<(ReferenceKind, String)>,
    /// How far the server's clock has moved on since `FakeServer::now`.
    pub elapsed: chrono::Duration,
    /// Like the real server's `PushRules::max_offline` (None: no limit in the fake).
    pub max_offline: Option<chrono::Duration>,
}

impl Inner {
    pub fn reference_versions(&self) -> ReferenceVersions {
        ReferenceKind::ALL
            .into_iter()
            .map(|k| {
                let v = self
                    .reference
                    .iter()
                    .filter(|d| d.kind == k)
                    .map(|d| d.version)
                    .max()
                    .unwrap_or(0);
                (k, v)
            })
            .collect()
    }

    /// Put a new version of `kind` in force, as an import on the server would.
    pub fn import(&mut self, kind: ReferenceKind, content: &str, now: DateTime<Utc>) -> u64 {
        let version = self.reference_versions().get(&kind).copied().unwrap_or(0) + 1;
        self.reference.retain(|d| d.kind != kind);
        self.reference.push(ReferenceDoc {
            kind,
            version,
            content: content.to_owned(),
            sha256: crate::store::sha256_hex(content.as_bytes()),
            changed_at: now,
            changed_by: "市工改办".into(),
            changes: vec![format!("{} 更新为版本 {version}", kind.label())],
        });
        version
    }
}

pub struct FakeServer {
    pub inner: Mutex<Inner>,
    pub now: DateTime<Utc>,
    /// The next push says so on the first channel, then waits for the second (a request stuck
    /// on a slow network).
    pub hold_next_push: Mutex<Option<(Sender<()>, Receiver<()>)>>,
}

impl FakeServer {
    pub fn new(now: DateTime<Utc>, users: Vec<UserInfo>) -> Self {
        let inner = Inner {
            users: users.into_iter().map(|u| (u.id.to_string(), u)).collect(),
            ..Inner::default()
        };
        FakeServer {
            inner: Mutex::new(inner),
            now,
            hold_next_push: Mutex::new(None),
        }
    }

    /// The server's time now.
    pub fn current(&self, inner: &Inner) -> DateTime<Utc> {
        self.now + inner.elapsed
    }

    /// Like the real server: a token it does not know (expired, revoked) gets 401.
    fn unauthenticated() -> TransportError {
        TransportError::Api {
            status: 401,
            error: ApiError::new(ErrorCode::Unauthenticated, "登录已过期，请重新登录"),
        }
    }

    fn check_token(inner: &Inner, token: &str) -> Result<(), TransportError> {
        if inner.tokens.contains_key(token) {
            Ok(())
        } else {
            Err(Self::unauthenticated())
        }
    }

    fn actor(inner: &Inner, token: &str) -> Result<Actor, TransportError> {
        let user = inner
            .tokens
            .get(token)
            .and_then(|u| inner.users.get(u))
            .ok_or_else(Self::unauthenticated)?;
        Ok(Actor {
            user: user.id.clone(),
            name: user.name.clone(),
            role: user.role,
            department: user.department.clone(),
            organisation: user.organisation.clone(),
            levels: user.levels.clone(),
        })
    }

    /// Apply a command directly (as another client would).
    pub fn apply(
        inner: &mut Inner,
        actor: &Actor,
        env: &CommandEnvelope,
        now: DateTime<Utc>,
    ) -> CommandOutcome {
        let DomainCommand::Case { case, command } = &env.command else {
            return CommandOutcome::Refused {
                refusal: Refusal::Invalid {
                    message: "fake: cases only".into(),
                },
            };
        };
        let key = EntityRef::Case(case.clone()).key();
        let current = inner.cases.get(&key).cloned();
        let acting = Acting {
            actor: actor.clone(),
            at: env.acted_at,
            opinion: env.opinion.clone(),
            attachments: env.attachments.clone(),
        };
        match Case::execute(
            current.as_ref().map(|c| c.0.clone()),
            case,
            command,
            &acting,
        ) {
            Err(error) => CommandOutcome::Refused {
                refusal: Refusal::Case {
                    message: error.to_string(),
                    error,
                },
            },
            Ok((state, events)) => {
                let head = current.as_ref().map(|(_, s)| (s.seq, s.hash.as_str()));
                let sealed = seal_all(&key, head, events).unwrap_or_default();
                let mut seqs = Vec::new();
                for s in &sealed {
                    let server_seq = inner.events.len() as u64 + 1;
                    seqs.push(server_seq);
                    inner.events.push(SyncEvent {
                        server_seq,
                        received_at: now,
                        event: DomainEvent::Case(s.clone()),
                    });
                }
                if let Some(last) = sealed.last() {
                    inner.cases.insert(key, (state, last.clone()));
                }
                inner.applied += 1;
                CommandOutcome::Applied { server_seqs: seqs }
            }
        }
    }
}

impl Transport for FakeServer {
    fn login(&self, req: &LoginRequest) -> Result<LoginResponse, TransportError> {
        let mut inner = self
            .inner
            .lock()
            .map_err(|e| TransportError::Protocol(e.to_string()))?;
        if inner.down {
            return Err(TransportError::Unreachable("down".into()));
        }
        let user = inner
            .users
            .get(&req.user)
            .cloned()
            .ok_or_else(|| TransportError::Protocol("no user".into()))?;
        let token = format!("tok-{}", req.user);
        inner.tokens.insert(token.clone(), req.user.clone());
        let now = self.current(&inner);
        Ok(LoginResponse {
            token,
            expires_at: now + chrono::Duration::days(1),
            user,
            server_time: now,
            client_id: req
                .client_id
                .clone()
                .unwrap_or_else(|| format!("c-{}", req.user)),
        })
    }

    fn push(&self, token: &str, req: &PushRequest) -> Result<PushResponse, TransportError> {
        let hold = self.hold_next_push.lock().ok().and_then(|mut h| h.take());
        if let Some((entered, release)) = hold {
            let _ = entered.send(());
            let _ = release.recv();
        }
        let mut inner = self
            .inner
            .lock()
            .map_err(|e| TransportError::Protocol(e.to_string()))?;
        if inner.down {
            return Err(TransportError::Unreachable("down".into()));
        }
        let actor = Self::actor(&inner, token)?;
        inner.pushed_with.push(req.reference.clone());
        if let Some((kind, content)) = inner.import_before_next_push.take() {
            inner.import(kind, &content, self.now);
        }
        // Like the real server: a push decided with older reference data is refused whole.
        let server = inner.reference_versions();
        if server
            .iter()
            .any(|(k, v)| *v > req.reference.get(k).copied().unwrap_or(0))
        {
            inner.stale_refusals += 1;
            return Err(TransportError::Api {
                status: 409,
                error: ApiError::new(
                    ErrorCode::StaleReference,
                    "参考数据已更新，请先同步参考数据后重新提交",
                ),
            });
        }
        let now = self.current(&inner);
        let mut results = Vec::new();
        for env in &req.commands {
            let k = (req.client_id.clone(), env.mutation_id);
            let last = inner.last_mid.get(&req.client_id).copied().unwrap_or(0);
            let outcome = if env.mutation_id <= last {
                // Like the real server: a retry gets a bare `duplicate`.
                CommandOutcome::Duplicate
            } else {
                let o = match inner.max_offline {
                    Some(limit) if env.acted_at < now - limit => CommandOutcome::Refused {
                        refusal: Refusal::Expired {
                            message: "操作时间距今超过允许的离线时长".into(),
                        },
                    },
                    _ => Self::apply(&mut inner, &actor, env, now),
                };
                inner.outcomes.insert(k, o.clone());
                inner
                    .last_mid
                    .insert(req.client_id.clone(), env.mutation_id);
                o
            };
            results.push(CommandResult {
                mutation_id: env.mutation_id,
                outcome,
            });
        }
        if inner.lose_next_push_answer {
            inner.lose_next_push_answer = false;
            return Err(TransportError::Unreachable("answer lost".into()));
        }
        let last_mutation_id = inner.last_mid.get(&req.client_id).copied().unwrap_or(0);
        Ok(PushResponse {
            results,
            last_mutation_id,
            server_time: now,
        })
    }

    fn pull(&self, token: &str, q: &PullQuery) -> Result<PullResponse, TransportError> {
        let inner = self
            .inner
            .lock()
            .map_err(|e| TransportError::Protocol(e.to_string()))?;
        if inner.down {
            return Err(TransportError::Unreachable("down".into()));
        }
        Self::check_token(&inner, token)?;
        let limit = q.limit.unwrap_or(1000) as usize;
        let events: Vec<SyncEvent> = inner
            .events
            .iter()
            .filter(|e| e.server_seq > q.after)
            .take(limit)
            .cloned()
            .collect();
        let head = inner.events.len() as u64;
        let cursor = events.last().map_or(head.max(q.after), |e| e.server_seq);
        let last_mutation_id = q
            .client_id
            .as_ref()
            .and_then(|c| inner.last_mid.get(c))
            .copied()
            .unwrap_or(0);
        Ok(PullResponse {
            has_more: cursor < head,
            events,
            removals: inner.removals.clone(),
            cursor,
            last_mutation_id,
            server_time: self.current(&inner),
        })
    }

    fn refusals(
        &self,
        _token: &str,
        client_id: &str,
        after: u64,
    ) -> Result<RefusalsResponse, TransportError> {
        let inner = self
            .inner
            .lock()
            .map_err(|e| TransportError::Protocol(e.to_string()))?;
        let mut refusals: Vec<RefusalRecord> = inner
            .outcomes
            .iter()
            .filter(|((c, m), _)| c == client_id && *m > after)
            .filter_map(|((_, m), o)| match o {
                CommandOutcome::Refused { refusal } => Some(RefusalRecord {
                    mutation_id: *m,
                    refusal: refusal.clone(),
                    refused_at: self.now,
                }),
                _ => None,
            })
            .collect();
        refusals.sort_by_key(|r| r.mutation_id);
        Ok(RefusalsResponse { refusals })
    }

    fn upload_status(
        &self,
        _: &str,
        id: &AttachmentId,
        size: u64,
    ) -> Result<UploadStatus, TransportError> {
        Ok(UploadStatus {
            id: id.clone(),
            size,
            received: size,
            complete: true,
            content_type: Some("pdf".into()),
        })
    }

    fn upload_chunk(
        &self,
        _: &str,
        id: &AttachmentId,
        _: u64,
        size: u64,
        _: &[u8],
    ) -> Result<UploadStatus, TransportError> {
        Ok(UploadStatus {
            id: id.clone(),
            size,
            received: size,
            complete: true,
            content_type: Some("pdf".into()),
        })
    }

    fn download(&self, _: &str, _: &AttachmentId) -> Result<Vec<u8>, TransportError> {
        Err(TransportError::Unreachable("not in the fake".into()))
    }

    fn reference(
        &self,
        token: &str,
        have: &ReferenceVersions,
    ) -> Result<ReferenceResponse, TransportError> {
        let inner = self
            .inner
            .lock()
            .map_err(|e| TransportError::Protocol(e.to_string()))?;
        if inner.down {
            return Err(TransportError::Unreachable("down".into()));
        }
        Self::check_token(&inner, token)?;
        Ok(ReferenceResponse {
            versions: inner.reference_versions(),
            changed: inner
                .reference
                .iter()
                .filter(|d| d.version > have.get(&d.kind).copied().unwrap_or(0))
                .cloned()
                .collect(),
            calendar_warning: None,
        })
    }

    fn import_reference(
        &self,
        _token: &str,
        kind: ReferenceKind,
        req: &ReferenceImportRequest,
    ) -> Result<ReferenceImportReport, TransportError> {
        let mut inner = self
            .inner
            .lock()
            .map_err(|e| TransportError::Protocol(e.to_string()))?;
        let from = inner.reference_versions().get(&kind).copied().unwrap_or(0);
        let to = if req.dry_run {
            from
        } else {
            inner.import(kind, &req.content, self.now)
        };
        Ok(ReferenceImportReport {
            kind,
            from_version: from,
            to_version: to,
            dry_run: req.dry_run,
            applied: !req.dry_run,
            changes: vec![],
            deadlines_moved: vec![],
            still_used: vec![],
            needs_replace: vec![],
            notified: 0,
        })
    }
}
