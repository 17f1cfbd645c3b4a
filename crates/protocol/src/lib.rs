//! PermitDesk's wire protocol: every JSON shape that crosses the network is decided here, and
//! nowhere else. Commands go up (push), sealed events come down (pull).
//!
//! Every request carries [`PROTOCOL_HEADER`]; a server answers a different version with
//! HTTP 426 and [`ErrorCode::ProtocolVersion`], so an old client says "please update" instead of
//! misreading a newer shape.

pub mod certificates;
pub mod clock;
pub mod commission;
pub mod reference;
pub mod statistics;

use chrono::{DateTime, Utc};
use permitdesk_domain::actor::Role;
use permitdesk_domain::case::Case;
use permitdesk_domain::case::CaseError;
use permitdesk_domain::consultation::Consultation;
use permitdesk_domain::consultation::ConsultationError;
use permitdesk_domain::entity::Entity;
use permitdesk_domain::evaluation::{Complaint, Evaluation};
use permitdesk_domain::evaluation::{
    ComplaintError, ComplaintStatistics, EvaluationError, EvaluationStatistics,
};
use permitdesk_domain::ids::{AttachmentId, DepartmentCode, OrganisationId, UserId};
use permitdesk_domain::intermediary::Commission;
use permitdesk_domain::intermediary::CommissionError;
use permitdesk_domain::project::{Project, ProjectCommand};
use permitdesk_domain::trail::Sealed;
use serde::{Deserialize, Serialize};

/// The protocol version this build speaks.
pub const PROTOCOL_VERSION: u32 = 1;
/// The request header that carries it.
pub const PROTOCOL_HEADER: &str = "x-permitdesk-protocol";
/// The prefix of every API path of this version.
pub const API_PREFIX: &str = "/api/v1";

/// Paths of the API (relative to the server's base URL).
pub mod paths {
    pub const LOGIN: &str = "/api/v1/login";
    pub const LOGOUT: &str = "/api/v1/logout";
    pub const ME: &str = "/api/v1/me";
    pub const PUSH: &str = "/api/v1/push";
    pub const PULL: &str = "/api/v1/pull";
    /// `/api/v1/attachments/{sha256}`: PUT chunks (`?offset=N`), GET status or content.
    pub const ATTACHMENTS: &str = "/api/v1/attachments";
    pub const HEALTH: &str = "/api/health";
    pub const METRICS: &str = "/api/metrics";
    pub const OPENAPI: &str = "/api/openapi.json";
    /// `GET /api/v1/refusals?client_id=ID&after=MUTATION_ID`: refusals recorded for a client
    /// (so that a refusal whose push answer was lost is still seen).
    pub const REFUSALS: &str = "/api/v1/refusals";
    /// `GET /api/v1/notifications?after=ID&limit=N`: system notifications (warning levels).
    pub const NOTIFICATIONS: &str = "/api/v1/notifications";
    /// `GET /api/v1/evaluation-statistics?from=YYYY-MM-DD&to=YYYY-MM-DD&department=CODE`:
    /// 好差评 and 建议投诉 statistics (a department always gets its own).
    pub const EVALUATION_STATISTICS: &str = "/api/v1/evaluation-statistics";
    /// `GET /api/v1/statistics?report=table1|table2|table3|table4|monthly|quarterly&from=&to=
    /// &department=&project=&category=&format=json|xlsx|csv|pdf` (see [`crate::statistics`]).
    pub const STATISTICS: &str = "/api/v1/statistics";
    /// `GET /api/v1/market`: the 中介服务超市 catalogue the server decides commissions with
    /// (agencies and services; see [`crate::commission::MarketResponse`]).
    pub const MARKET: &str = "/api/v1/market";
    /// `GET /api/v1/reference?have=calendar:3,...` and `POST /api/v1/reference/{kind}`: the
    /// reference data the server decides with (see [`crate::reference`]).
    pub const REFERENCE: &str = "/api/v1/reference";
}

// ---------------------------------------------------------------------------------------------
// Accounts

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LoginRequest {
    pub user: String,
    pub password: String,
    /// 同步身份: the installation's client id, to be bound to this account and token. The
    /// server keeps it if no other account holds it, else issues another
    /// ([`LoginResponse::client_id`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
}

/// Who is logged in, and what the server knows of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UserInfo {
    pub id: UserId,
    /// 姓名.
    pub name: String,
    pub role: Role,
    pub department: Option<DepartmentCode>,
    pub organisation: Option<OrganisationId>,
    /// 层级权限: the review levels the directory grants this reviewer (the client decides
    /// sign-offs offline with them, as the server does). Absent from older servers: none.
    #[serde(default)]
    pub levels: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LoginResponse {
    /// Opaque bearer token; the server keeps only its hash.
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub user: UserInfo,
    /// The server's clock when it answered, so the client can measure its offset.
    pub server_time: DateTime<Utc>,
    /// The client id this token is bound to: pushes and pulls under any other are refused.
    #[serde(default)]
    pub client_id: String,
}

// ---------------------------------------------------------------------------------------------
// Push: commands up

/// The entities on the wire, listed once: each line names the variant, the field that carries
/// its id in a command, and the domain type (whose [`Entity`] gives the id, command and event
/// types and the key prefix). [`DomainCommand`], [`EntityRef`] and [`DomainEvent`] with their
/// key and sequence helpers are generated from this list, so adding an entity is one line here.
macro_rules! wire_entities {
    ($( $(#[$doc:meta])* $variant:ident { $field:ident: $entity:ty } ),* $(,)?) => {
        /// A command on one entity of the domain.
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
        #[serde(tag = "entity", rename_all = "snake_case")]
        pub enum DomainCommand {
            $( $(#[$doc])* $variant {
                $field: <$entity as Entity>::Id,
                command: <$entity as Entity>::Command,
            }, )*
        }

        /// Which entity an event or command is about.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
        #[serde(tag = "kind", content = "id", rename_all = "snake_case")]
        pub enum EntityRef {
            $( $(#[$doc])* $variant(<$entity as Entity>::Id), )*
        }

        impl EntityRef {
            /// The key the entity's trail is sealed under, e.g. `case:C-1`.
            pub fn key(&self) -> String {
                match self {
                    $( EntityRef::$variant(id) => format!("{}:{id}", <$entity as Entity>::KIND), )*
                }
            }

            /// `case:C-1` back to the reference; None for an unknown kind.
            pub fn from_key(key: &str) -> Option<EntityRef> {
                let (kind, id) = key.split_once(':')?;
                $( if kind == <$entity as Entity>::KIND {
                    return Some(EntityRef::$variant(<$entity as Entity>::Id::new(id)));
                } )*
                None
            }

            /// The kind prefix of the key: `case`, `project`...
            pub fn kind(&self) -> &'static str {
                match self {
                    $( EntityRef::$variant(_) => <$entity as Entity>::KIND, )*
                }
            }
        }

        impl DomainCommand {
            /// The entity the command names in its id field.
            fn named_entity(&self) -> EntityRef {
                match self {
                    $( DomainCommand::$variant { $field, .. } => EntityRef::$variant($field.clone()), )*
                }
            }
        }

        /// An event of one entity, as sealed in its hash chain.
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
        #[serde(tag = "entity", content = "sealed", rename_all = "snake_case")]
        pub enum DomainEvent {
            $( $(#[$doc])* $variant(Sealed<<$entity as Entity>::Event>), )*
        }

        impl DomainEvent {
            pub fn entity_key(&self) -> &str {
                match self {
                    $( DomainEvent::$variant(s) => &s.entity, )*
                }
            }

            pub fn entity_seq(&self) -> u64 {
                match self {
                    $( DomainEvent::$variant(s) => s.seq, )*
                }
            }
        }

        $( impl WireEntity for $entity {
            fn sealed(e: &DomainEvent) -> Option<&Sealed<<$entity as Entity>::Event>> {
                match e {
                    DomainEvent::$variant(s) => Some(s),
                    #[allow(unreachable_patterns)]
                    _ => None,
                }
            }

            fn wrap(s: Sealed<<$entity as Entity>::Event>) -> DomainEvent {
                DomainEvent::$variant(s)
            }
        } )*
    };
}

/// An entity on the wire: its sealed events in and out of [`DomainEvent`] (implemented for
/// every entity by `wire_entities!`), so code generic over [`Entity`] reads and writes trails.
pub trait WireEntity: Entity {
    /// The event, if it is one of this entity's.
    fn sealed(e: &DomainEvent) -> Option<&Sealed<Self::Event>>;
    fn wrap(s: Sealed<Self::Event>) -> DomainEvent;
}

wire_entities! {
    /// 办件.
    Case { case: Case },
    /// 工程建设项目 and its registration.
    Project { project: Project },
    /// 策划生成 and 联合会商 (issue 6).
    Consultation { consultation: Consultation },
    /// 好差评 with its rectification, callback and appeal (issue 7); id `case/C-1` or `visit/V-1`.
    Evaluation { evaluation: Evaluation },
    /// 建议投诉 (issue 7).
    Complaint { complaint: Complaint },
    /// 中介服务委托 (issue 6, seed 9), e.g. `commission:W-1`.
    Commission { commission: Commission },
}

impl DomainCommand {
    /// The entity the command acts on (a project's registration names its new id inside).
    pub fn entity(&self) -> EntityRef {
        match self {
            DomainCommand::Project {
                command:
                    ProjectCommand::RegisterOnline { id, .. }
                    | ProjectCommand::RegisterOnSite { id, .. },
                ..
            } => EntityRef::Project(id.clone()),
            other => other.named_entity(),
        }
    }
}

/// One command as the client queued it in its outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CommandEnvelope {
    /// Per client, ever increasing; the server skips ids it has already processed.
    #[cfg_attr(
        feature = "schema",
        schemars(range(min = 1, max = 9_223_372_036_854_775_807u64))
    )]
    pub mutation_id: u64,
    pub command: DomainCommand,
    /// When the user acted, by the client's clock corrected with its measured offset.
    pub acted_at: DateTime<Utc>,
    /// 意见 entered with the action.
    pub opinion: Option<String>,
    pub attachments: Vec<AttachmentId>,
    /// The entity version (number of events) the client saw when the user acted.
    pub base_version: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PushRequest {
    /// A stable id of this installation (not secret).
    #[cfg_attr(feature = "schema", schemars(regex(pattern = r"^[!-~]{1,128}$")))]
    pub client_id: String,
    pub commands: Vec<CommandEnvelope>,
    /// The reference versions the client decided these commands with (see [`reference`]);
    /// absent = the bootstrap data (version 0 of every kind).
    #[serde(default)]
    pub reference: reference::ReferenceVersions,
}

/// What became of one pushed command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum CommandOutcome {
    /// Applied: these events were appended, with these server sequence numbers.
    Applied { server_seqs: Vec<u64> },
    /// Refused, with the reason the user sees. The mutation id still counts as processed.
    Refused { refusal: Refusal },
    /// Already processed earlier (a retry); nothing was done again.
    Duplicate,
}

/// Why the server refused a command: the domain's own reason, or an access or time rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Refusal {
    /// The case workflow refused it (wrong state, wrong level, ...).
    Case { error: CaseError, message: String },
    /// The project workflow refused it.
    Project { message: String },
    /// The planning / joint-consultation workflow refused it.
    Consultation {
        error: ConsultationError,
        message: String,
    },
    /// The 好差评 / rectification workflow refused it.
    Evaluation {
        error: EvaluationError,
        message: String,
    },
    /// The 建议投诉 workflow refused it.
    Complaint {
        error: ComplaintError,
        message: String,
    },
    /// The 中介服务委托 workflow refused it.
    Commission {
        error: CommissionError,
        message: String,
    },
    /// Outside the user's scope (another organisation's project, another department's case).
    Forbidden { message: String },
    /// The action's time is in the future or before the entity's last event.
    Time { message: String },
    /// The action is older than the longest allowed offline period. Nothing is wrong with the
    /// action itself: the user may review it and submit it again at the current time.
    Expired { message: String },
    /// The command refers to something the server does not have (unknown item, attachment).
    Invalid { message: String },
}

impl Refusal {
    pub fn message(&self) -> &str {
        match self {
            Refusal::Case { message, .. }
            | Refusal::Consultation { message, .. }
            | Refusal::Evaluation { message, .. }
            | Refusal::Complaint { message, .. }
            | Refusal::Commission { message, .. }
            | Refusal::Project { message }
            | Refusal::Forbidden { message }
            | Refusal::Time { message }
            | Refusal::Expired { message }
            | Refusal::Invalid { message } => message,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CommandResult {
    pub mutation_id: u64,
    #[serde(flatten)]
    pub outcome: CommandOutcome,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PushResponse {
    pub results: Vec<CommandResult>,
    /// The highest mutation id of this client the server has processed.
    pub last_mutation_id: u64,
    pub server_time: DateTime<Utc>,
}

// ---------------------------------------------------------------------------------------------
// Pull: events down

/// An event with its place in the server's global order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncEvent {
    /// Server sequence number: a pull cursor never skips a committed one.
    pub server_seq: u64,
    /// When the server stored it (beside the time the action happened, inside the event).
    pub received_at: DateTime<Utc>,
    pub event: DomainEvent,
}

/// `GET /api/v1/pull?after=CURSOR&limit=N&client_id=ID`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PullQuery {
    pub after: u64,
    pub limit: Option<u32>,
    #[cfg_attr(feature = "schema", schemars(regex(pattern = r"^[!-~]{1,128}$")))]
    pub client_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PullResponse {
    pub events: Vec<SyncEvent>,
    /// Entities the user may no longer see: the client deletes its local copies.
    pub removals: Vec<EntityRef>,
    /// Pass as `after` next time.
    pub cursor: u64,
    /// More events wait beyond `limit`.
    pub has_more: bool,
    /// The highest processed mutation id of `client_id`.
    pub last_mutation_id: u64,
    pub server_time: DateTime<Utc>,
}

// ---------------------------------------------------------------------------------------------
// Attachments

/// `GET /api/v1/attachments/{sha256}/status`: how much of an upload the server already has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UploadStatus {
    pub id: AttachmentId,
    pub size: u64,
    /// Bytes received so far; resume from here.
    pub received: u64,
    pub complete: bool,
    /// The detected type once complete: pdf, ofd, jpeg, png.
    pub content_type: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Refusals and notifications (added with the server)

/// A refusal as the server recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RefusalRecord {
    pub mutation_id: u64,
    pub refusal: Refusal,
    pub refused_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RefusalsResponse {
    pub refusals: Vec<RefusalRecord>,
}

/// A notification the server's scheduler recorded once (e.g. a case became due soon).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Notification {
    pub id: u64,
    pub entity: EntityRef,
    /// e.g. `warning`.
    pub kind: String,
    /// Kind-specific details, e.g. `{"level": "due_soon", "deadline": "..."}`.
    pub payload: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NotificationsResponse {
    pub notifications: Vec<Notification>,
    /// Pass as `after` next time.
    pub cursor: u64,
}

// ---------------------------------------------------------------------------------------------
// 好差评 and 建议投诉 statistics (issue 7)

/// `GET /api/v1/evaluation-statistics`: the domain's own tables, computed on the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EvaluationStatisticsResponse {
    /// The department the figures were limited to (always the caller's own for a department).
    pub department: Option<DepartmentCode>,
    pub evaluations: EvaluationStatistics,
    pub complaints: ComplaintStatistics,
    /// The as-of time of the overdue counts.
    pub as_of: DateTime<Utc>,
}

// ---------------------------------------------------------------------------------------------
// Errors

/// Every error answer has this body; `code` is stable, `message` is for people (Chinese).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[error("{message}")]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// 426: the client speaks another protocol version: update it.
    ProtocolVersion,
    /// 400: the body is not valid JSON, or has wrong types.
    MalformedRequest,
    /// 413: the body or file is too large.
    TooLarge,
    /// 401: no token, or it is expired or revoked.
    Unauthenticated,
    /// 401: wrong user or password.
    BadCredentials,
    /// 429: too many failed logins; wait.
    RateLimited,
    /// 403: outside the user's scope.
    Forbidden,
    /// 404.
    NotFound,
    /// 405: the address exists but not for this method.
    MethodNotAllowed,
    /// 408: the request was not received in time (a slow or stalled client).
    RequestTimeout,
    /// 409: e.g. an upload chunk at the wrong offset.
    Conflict,
    /// 415: a file type that is not allowed.
    UnsupportedType,
    /// 422: a value that is well formed but wrong (bad id, hash mismatch).
    Invalid,
    /// 500: the server failed; nothing was changed.
    Internal,
    /// 409: the client decided with older reference data (catalogue, calendar, market) than
    /// the server holds: it syncs them, re-decides its queued commands and pushes again.
    StaleReference,
}

impl ErrorCode {
    /// The HTTP status that goes with the code.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::ProtocolVersion => 426,
            ErrorCode::MalformedRequest => 400,
            ErrorCode::TooLarge => 413,
            ErrorCode::Unauthenticated | ErrorCode::BadCredentials => 401,
            ErrorCode::RateLimited => 429,
            ErrorCode::Forbidden => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::RequestTimeout => 408,
            ErrorCode::Conflict | ErrorCode::StaleReference => 409,
            ErrorCode::UnsupportedType => 415,
            ErrorCode::Invalid => 422,
            ErrorCode::Internal => 500,
        }
    }
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
        }
    }

    pub fn protocol_version(found: Option<&str>) -> Self {
        ApiError::new(
            ErrorCode::ProtocolVersion,
            format!(
                "客户端协议版本（{}）与服务器（{PROTOCOL_VERSION}）不一致，请更新 PermitDesk 客户端",
                found.unwrap_or("未提供")
            ),
        )
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use permitdesk_domain::case::CaseCommand;
    use permitdesk_domain::ids::CaseId;

    #[test]
    fn a_command_envelope_has_a_stable_json_shape() {
        let env = CommandEnvelope {
            mutation_id: 7,
            command: DomainCommand::Case {
                case: CaseId::new("C-1"),
                command: CaseCommand::Receive,
            },
            acted_at: "2024-09-27T02:00:00Z".parse().unwrap(),
            opinion: Some("材料齐全".into()),
            attachments: vec![],
            base_version: 3,
        };
        let json = serde_json::to_value(&env).unwrap();
        assert_eq!(json["command"]["entity"], "case");
        assert_eq!(json["command"]["command"]["command"], "receive");
        let back: CommandEnvelope = serde_json::from_value(json).unwrap();
        assert_eq!(back, env);
    }

    #[test]
    fn error_codes_map_to_http_statuses() {
        assert_eq!(ErrorCode::ProtocolVersion.http_status(), 426);
        assert_eq!(ErrorCode::Forbidden.http_status(), 403);
        let e = ApiError::protocol_version(Some("0"));
        assert!(e.message.contains("请更新"));
        let json = serde_json::to_string(&e).unwrap();
        assert!(json.contains("\"protocol_version\""));
    }

    #[test]
    fn command_results_flatten_their_outcome() {
        let r = CommandResult {
            mutation_id: 3,
            outcome: CommandOutcome::Duplicate,
        };
        assert_eq!(
            serde_json::to_value(&r).unwrap(),
            serde_json::json!({"mutation_id": 3, "outcome": "duplicate"})
        );
    }

    /// Every entity's key reads back to its reference, and the wire shapes the list generates
    /// are the ones clients of protocol version 1 speak.
    #[test]
    fn entity_keys_round_trip_and_shapes_are_stable() {
        use permitdesk_domain::consultation::ConsultationId;
        use permitdesk_domain::evaluation::{ComplaintId, EvaluationId};
        use permitdesk_domain::ids::ProjectId;
        use permitdesk_domain::intermediary::CommissionId;
        let refs = [
            EntityRef::Case(CaseId::new("C-1")),
            EntityRef::Project(ProjectId::new("P-1")),
            EntityRef::Consultation(ConsultationId::new("K-1")),
            EntityRef::Evaluation(EvaluationId::new("case/C-1")),
            EntityRef::Complaint(ComplaintId::new("T-1")),
            EntityRef::Commission(CommissionId::new("W-1")),
        ];
        let keys: Vec<String> = refs.iter().map(EntityRef::key).collect();
        assert_eq!(
            keys,
            [
                "case:C-1",
                "project:P-1",
                "consultation:K-1",
                "evaluation:case/C-1",
                "complaint:T-1",
                "commission:W-1"
            ]
        );
        for (r, k) in refs.iter().zip(&keys) {
            assert_eq!(EntityRef::from_key(k).as_ref(), Some(r));
        }
        assert_eq!(EntityRef::from_key("nothing:X"), None);
        assert_eq!(
            serde_json::to_value(&refs[5]).unwrap(),
            serde_json::json!({"kind": "commission", "id": "W-1"})
        );
    }
}
