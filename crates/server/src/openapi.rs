//! The route table: every endpoint once, with what the OpenAPI document says about it. The
//! router ([`crate::http::app`]) is built from this same table, so the document cannot miss a
//! route. The document is OpenAPI 3.1: its schemas (JSON Schema 2020-12, under
//! `components/schemas`) are generated from the Rust types that cross the wire (schemars, the
//! `schema` feature of the protocol and domain crates), following their serde attributes, with
//! the deserialising side's contract: a body or answer conforms when the other side can read
//! it. Query parameters come from the handlers' own query types; the examples are serialised
//! from the protocol's types.

use chrono::{TimeZone, Utc};
use permitdesk_domain::actor::Role;
use permitdesk_domain::case::CaseCommand;
use permitdesk_domain::ids::{AttachmentId, CaseId, DepartmentCode, UserId};
use permitdesk_domain::reference::ReferenceKind;
use permitdesk_protocol::{
    ApiError, CommandEnvelope, CommandOutcome, CommandResult, DomainCommand, ErrorCode,
    LoginRequest, LoginResponse, PROTOCOL_HEADER, PROTOCOL_VERSION, PushRequest, PushResponse,
    Refusal, UploadStatus, UserInfo, paths,
};
use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Which handler serves a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RouteId {
    Health,
    Metrics,
    OpenApi,
    Login,
    Logout,
    Me,
    Push,
    Pull,
    Refusals,
    Notifications,
    UploadChunk,
    UploadStatus,
    Download,
    /// 好差评 and 建议投诉 statistics (issue 7, `crate::evaluation_stats`).
    EvaluationStatistics,
    /// Seed 11 tables, seed 12 monthly report, seed 13 quarterly summary (`crate::statistics`).
    Statistics,
    /// 中介服务超市 catalogue (issue 6, `crate::sync_commission::get_market`).
    Market,
    /// 参考数据: versions and the kinds newer than the client's (issue 11).
    Reference,
    /// 参考数据导入 by 市工改办 (issue 11, `crate::reference::import`).
    ReferenceImport,
    /// 电子证照状态 (public, issue 14, `crate::routes::certificates`).
    CertificateStatus,
    /// 电子证照文件 (signed PDF, scope-checked).
    CertificateFile,
    /// 电子证照核验页 (public HTML, the QR code's address).
    VerifyPage,
}

/// A schema of a Rust type, generated into the document's generator.
pub type SchemaFn = fn(&mut SchemaGenerator) -> Schema;

/// `$ref` to the type's schema under `components/schemas`.
fn named<T: JsonSchema>(g: &mut SchemaGenerator) -> Schema {
    g.subschema_for::<T>()
}

/// The type's own schema, inline (a query string's properties are its parameters).
fn inline<T: JsonSchema>(g: &mut SchemaGenerator) -> Schema {
    T::json_schema(g)
}

/// Any JSON object (the OpenAPI document itself).
fn any_object(_: &mut SchemaGenerator) -> Schema {
    schemars::json_schema!({"type": "object"})
}

/// The JSON answers of `GET /api/v1/statistics?format=json`, by report.
fn statistics_json(g: &mut SchemaGenerator) -> Schema {
    use permitdesk_domain::statistics::{MonthlyReport, QuarterlySummary, TableRows};
    let any: Vec<Value> = [
        g.subschema_for::<TableRows>(),
        g.subschema_for::<MonthlyReport>(),
        g.subschema_for::<QuarterlySummary>(),
    ]
    .into_iter()
    .map(Schema::to_value)
    .collect();
    schemars::json_schema!({
        "description": "report=table1…table4：TableRows；monthly：MonthlyReport；quarterly：QuarterlySummary",
        "anyOf": any,
    })
}

/// What a route takes as its body.
#[derive(Debug, Clone, Copy)]
pub enum Body {
    None,
    /// `application/json` of this type.
    Json(SchemaFn),
    /// Raw bytes (`application/octet-stream`): an upload chunk.
    Bytes,
}

/// What a route answers when it succeeds.
#[derive(Debug, Clone, Copy)]
pub enum Answer {
    /// 200 `application/json` of this type.
    Json(SchemaFn),
    /// 204, no body.
    NoContent,
    /// 200 `text/plain` (Prometheus text).
    Text,
    /// 200, the stored file under its detected type.
    File,
    /// 200, JSON or the xlsx, CSV or PDF of `format=`.
    Statistics,
    /// 200 `text/html` (a page for people; its 404 is HTML too).
    Html,
}

/// One endpoint.
#[derive(Debug, Clone, Copy)]
pub struct Route {
    pub id: RouteId,
    pub method: &'static str,
    /// In axum's and OpenAPI's common `{param}` syntax.
    pub path: &'static str,
    pub summary: &'static str,
    pub auth: bool,
    /// The type the handler reads its query string into: each property is a parameter.
    pub query: Option<SchemaFn>,
    /// What each query parameter means: (name, description), one per property of `query`.
    pub params: &'static [(&'static str, &'static str)],
    pub body: Body,
    pub answer: Answer,
    /// The status codes of failures this route answers, besides those every route of its kind
    /// answers (401 with a token, 426 under `/api/v1`, 408 and 500 everywhere).
    pub errors: &'static [u16],
}

pub const ATTACHMENT: &str = "/api/v1/attachments/{sha256}";
pub const ATTACHMENT_STATUS: &str = "/api/v1/attachments/{sha256}/status";
pub const REFERENCE_IMPORT: &str = "/api/v1/reference/{kind}";
pub const CERTIFICATE_STATUS: &str = "/api/v1/certificates/{number}/status";
pub const CERTIFICATE_FILE: &str = "/api/v1/certificates/{number}/file";
pub const VERIFY_PAGE: &str = "/verify/{number}";

/// The media types of a downloaded file (`crate::routes::attachments::download`).
pub const FILE_TYPES: [&str; 5] = [
    "application/pdf",
    "application/ofd",
    "image/jpeg",
    "image/png",
    "application/octet-stream",
];

/// Every route of the server.
pub const ROUTES: &[Route] = &[
    Route {
        id: RouteId::Health,
        method: "get",
        path: paths::HEALTH,
        summary: "健康检查",
        auth: false,
        query: None,
        params: &[],
        body: Body::None,
        answer: Answer::Json(named::<crate::routes::system::Health>),
        errors: &[],
    },
    Route {
        id: RouteId::Metrics,
        method: "get",
        path: paths::METRICS,
        summary: "Prometheus 指标（仅市工改办）",
        auth: true,
        query: None,
        params: &[],
        body: Body::None,
        answer: Answer::Text,
        errors: &[403],
    },
    Route {
        id: RouteId::OpenApi,
        method: "get",
        path: paths::OPENAPI,
        summary: "本文档",
        auth: false,
        query: None,
        params: &[],
        body: Body::None,
        answer: Answer::Json(any_object),
        errors: &[],
    },
    Route {
        id: RouteId::Login,
        method: "post",
        path: paths::LOGIN,
        summary: "登录，取得令牌（同一用户名与地址失败 5 次、或同一地址失败 30 次后锁定 15 分钟：429）",
        auth: false,
        query: None,
        params: &[],
        body: Body::Json(named::<LoginRequest>),
        answer: Answer::Json(named::<LoginResponse>),
        errors: &[400, 401, 413, 422, 429],
    },
    Route {
        id: RouteId::Logout,
        method: "post",
        path: paths::LOGOUT,
        summary: "注销当前令牌",
        auth: true,
        query: None,
        params: &[],
        body: Body::None,
        answer: Answer::NoContent,
        errors: &[],
    },
    Route {
        id: RouteId::Me,
        method: "get",
        path: paths::ME,
        summary: "当前用户",
        auth: true,
        query: None,
        params: &[],
        body: Body::None,
        answer: Answer::Json(named::<UserInfo>),
        errors: &[],
    },
    Route {
        id: RouteId::Push,
        method: "post",
        path: paths::PUSH,
        summary: "上传命令（每条命令一个事务，按客户端变更号幂等；参考数据版本落后时 409 stale_reference，不作任何处理）",
        auth: true,
        query: None,
        params: &[],
        body: Body::Json(named::<PushRequest>),
        answer: Answer::Json(named::<PushResponse>),
        errors: &[400, 403, 409, 413, 422],
    },
    Route {
        id: RouteId::Pull,
        method: "get",
        path: paths::PULL,
        summary: "拉取游标之后本用户可见的事件",
        auth: true,
        query: Some(inline::<permitdesk_protocol::PullQuery>),
        params: &[
            ("after", "上次返回的 cursor（首次为 0）"),
            ("limit", "最多返回的事件数（默认 1000，上限 10000）"),
            ("client_id", "客户端安装编号（缺省为登录时绑定的编号）"),
        ],
        body: Body::None,
        answer: Answer::Json(named::<permitdesk_protocol::PullResponse>),
        errors: &[400, 403, 422],
    },
    Route {
        id: RouteId::Refusals,
        method: "get",
        path: paths::REFUSALS,
        summary: "本客户端被拒绝的命令及原因",
        auth: true,
        query: Some(inline::<crate::routes::sync::RefusalsQuery>),
        params: &[("client_id", "客户端安装编号"), ("after", "变更号（不含）")],
        body: Body::None,
        answer: Answer::Json(named::<permitdesk_protocol::RefusalsResponse>),
        errors: &[400, 403, 422],
    },
    Route {
        id: RouteId::Notifications,
        method: "get",
        path: paths::NOTIFICATIONS,
        summary: "系统通知（预警等级变化）",
        auth: true,
        query: Some(inline::<crate::routes::sync::NotificationsQuery>),
        params: &[
            ("after", "通知编号（不含）"),
            ("limit", "最多条数（默认 500，上限 5000）"),
        ],
        body: Body::None,
        answer: Answer::Json(named::<permitdesk_protocol::NotificationsResponse>),
        errors: &[400],
    },
    Route {
        id: RouteId::EvaluationStatistics,
        method: "get",
        path: paths::EVALUATION_STATISTICS,
        summary: "好差评与建议投诉统计（按部门、等级、指标、期间；部门只能看本部门）",
        auth: true,
        query: Some(inline::<crate::evaluation_stats::StatisticsQuery>),
        params: &[
            ("from", "统计期间起（YYYY-MM-DD，含）"),
            ("to", "统计期间止（YYYY-MM-DD，含）"),
            ("department", "部门代码（市工改办可选；部门用户总是本部门）"),
        ],
        body: Body::None,
        answer: Answer::Json(named::<permitdesk_protocol::EvaluationStatisticsResponse>),
        errors: &[400, 403, 422],
    },
    Route {
        id: RouteId::Statistics,
        method: "get",
        path: paths::STATISTICS,
        summary: "审批统计：表一至表四、月度阶段统计、季度报告（JSON 或 xlsx/CSV/PDF；部门只能看本部门，申请人不可用）",
        auth: true,
        query: Some(inline::<permitdesk_protocol::statistics::StatisticsQuery>),
        params: &[
            (
                "report",
                "table1、table2、table3、table4、monthly 或 quarterly",
            ),
            (
                "from",
                "统计期间起（YYYY-MM-DD，含；表格按受理日期，季度报告取其所在季度）",
            ),
            ("to", "统计期间止（YYYY-MM-DD，含）"),
            (
                "department",
                "部门代码（市工改办可选；部门用户总是本部门，指定其他部门返回 403）",
            ),
            ("project", "项目编号（系统内项目标识）"),
            ("category", "项目分类代码，如 SH-FDC"),
            ("format", "json（默认）、xlsx、csv 或 pdf"),
            (
                "offset",
                "分页：从第几行起（从 0 数；仅 JSON 格式的表一至表四）",
            ),
            (
                "limit",
                "分页：每页至多多少行（1 至 10000；不给则全部行；仅 JSON 格式的表一至表四）",
            ),
        ],
        body: Body::None,
        answer: Answer::Statistics,
        errors: &[400, 403, 422],
    },
    Route {
        id: RouteId::Market,
        method: "get",
        path: paths::MARKET,
        summary: "中介服务超市目录（中介机构及其资质、服务事项、收费标准、服务时限）",
        auth: true,
        query: None,
        params: &[],
        body: Body::None,
        answer: Answer::Json(named::<permitdesk_protocol::commission::MarketResponse>),
        errors: &[],
    },
    Route {
        id: RouteId::Reference,
        method: "get",
        path: paths::REFERENCE,
        summary: "参考数据（工作日历、事项目录、中介服务超市目录、规划分区）：各类当前版本，及比客户端新的各类全文",
        auth: true,
        query: Some(inline::<permitdesk_protocol::reference::ReferenceQuery>),
        params: &[(
            "have",
            "客户端持有的版本，如 calendar:3,catalogue:1（缺省的种类按第 0 版）",
        )],
        body: Body::None,
        answer: Answer::Json(named::<permitdesk_protocol::reference::ReferenceResponse>),
        errors: &[400],
    },
    Route {
        id: RouteId::ReferenceImport,
        method: "post",
        path: REFERENCE_IMPORT,
        summary: "导入参考数据的新版本（仅市工改办；dry_run 只显示将发生的变化；改动已有年份的节假日安排需 replace）",
        auth: true,
        query: None,
        params: &[],
        body: Body::Json(named::<permitdesk_protocol::reference::ReferenceImportRequest>),
        answer: Answer::Json(named::<permitdesk_protocol::reference::ReferenceImportReport>),
        errors: &[400, 403, 404, 409, 413, 422],
    },
    Route {
        id: RouteId::UploadChunk,
        method: "put",
        path: ATTACHMENT,
        summary: "分块上传材料文件（可断点续传）",
        auth: true,
        query: Some(inline::<crate::routes::attachments::ChunkQuery>),
        params: &[
            ("offset", "本块在文件中的起始字节"),
            ("size", "文件总字节数"),
        ],
        body: Body::Bytes,
        answer: Answer::Json(named::<UploadStatus>),
        errors: &[400, 409, 413, 415, 422],
    },
    Route {
        id: RouteId::UploadStatus,
        method: "get",
        path: ATTACHMENT_STATUS,
        summary: "上传进度",
        auth: true,
        query: None,
        params: &[],
        body: Body::None,
        answer: Answer::Json(named::<UploadStatus>),
        errors: &[400, 404, 422],
    },
    Route {
        id: RouteId::Download,
        method: "get",
        path: ATTACHMENT,
        summary: "下载材料文件（按权限范围；类型为检测到的 PDF、OFD、JPEG、PNG）",
        auth: true,
        query: None,
        params: &[],
        body: Body::None,
        answer: Answer::File,
        errors: &[400, 404, 422],
    },
    Route {
        id: RouteId::CertificateStatus,
        method: "get",
        path: CERTIFICATE_STATUS,
        summary: "电子证照状态（公开，无需登录；编号与核验码 h 相符时答复名称、发证部门、日期、状态；否则 404；同一地址不符 30 次后锁定至窗口期满：429）",
        auth: false,
        query: Some(inline::<crate::routes::certificates::VerifyQuery>),
        params: &[("h", "核验码（证照二维码与核验码处所印，16 位十六进制）")],
        body: Body::None,
        answer: Answer::Json(named::<permitdesk_protocol::certificates::CertificateStatusAnswer>),
        errors: &[400, 404, 429],
    },
    Route {
        id: RouteId::CertificateFile,
        method: "get",
        path: CERTIFICATE_FILE,
        summary: "下载服务器签章的电子证照（PDF，PAdES 签名；按办件的权限范围）",
        auth: true,
        query: None,
        params: &[],
        body: Body::None,
        answer: Answer::File,
        errors: &[404],
    },
    Route {
        id: RouteId::VerifyPage,
        method: "get",
        path: VERIFY_PAGE,
        summary: "电子证照核验页（公开，证照二维码所指的地址；中文网页；编号或核验码不符时 404 网页）",
        auth: false,
        query: Some(inline::<crate::routes::certificates::VerifyQuery>),
        params: &[("h", "核验码（证照二维码与核验码处所印，16 位十六进制）")],
        body: Body::None,
        answer: Answer::Html,
        errors: &[400],
    },
];

fn example_time() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 1, 30, 0)
        .single()
        .unwrap_or_default()
}

fn to_json<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// The request and answer examples of a route (None where the document has none).
pub fn examples(id: RouteId) -> (Option<Value>, Option<Value>) {
    let user = UserInfo {
        id: UserId::new("reviewer-zgj-2"),
        name: "审核员（市资规局）".to_owned(),
        role: Role::DepartmentReviewer,
        department: Some(DepartmentCode::new("ZGJ")),
        organisation: None,
        levels: vec!["审核".to_owned()],
    };
    let envelope = CommandEnvelope {
        mutation_id: 42,
        command: DomainCommand::Case {
            case: CaseId::new("C-2026-0001"),
            command: CaseCommand::SignOff {
                level: "审核".to_owned(),
            },
        },
        acted_at: example_time(),
        opinion: Some("同意".to_owned()),
        attachments: vec![],
        base_version: 7,
    };
    let (request, answer) = match id {
        RouteId::Login => (
            Some(to_json(&LoginRequest {
                user: "reviewer-zgj-2".to_owned(),
                password: "********".to_owned(),
                client_id: None,
            })),
            to_json(&LoginResponse {
                token: "<64 hex>".to_owned(),
                expires_at: example_time(),
                user,
                server_time: example_time(),
                client_id: "c-5d41402abc4b2a76b9719d911017c592".to_owned(),
            }),
        ),
        RouteId::Me => (None, to_json(&user)),
        RouteId::Push => (
            Some(to_json(&PushRequest {
                reference: Default::default(),
                client_id: "pc-7f3a".to_owned(),
                commands: vec![envelope],
            })),
            to_json(&PushResponse {
                results: vec![
                    CommandResult {
                        mutation_id: 42,
                        outcome: CommandOutcome::Applied {
                            server_seqs: vec![1001],
                        },
                    },
                    CommandResult {
                        mutation_id: 43,
                        outcome: CommandOutcome::Refused {
                            refusal: Refusal::Time {
                                message: "操作时间晚于服务器时间".to_owned(),
                            },
                        },
                    },
                ],
                last_mutation_id: 43,
                server_time: example_time(),
            }),
        ),
        RouteId::UploadChunk | RouteId::UploadStatus => (
            None,
            to_json(&UploadStatus {
                id: AttachmentId::new("<sha256>"),
                size: 1_048_576,
                received: 524_288,
                complete: false,
                content_type: None,
            }),
        ),
        RouteId::Reference => (
            None,
            to_json(&permitdesk_protocol::reference::ReferenceResponse {
                versions: [
                    (ReferenceKind::Calendar, 2),
                    (ReferenceKind::Catalogue, 1),
                    (ReferenceKind::Market, 0),
                    (ReferenceKind::Zones, 0),
                    (ReferenceKind::Districts, 0),
                ]
                .into_iter()
                .collect(),
                changed: vec![permitdesk_protocol::reference::ReferenceDoc {
                    kind: ReferenceKind::Calendar,
                    version: 2,
                    content: "[[year]]\nyear = 2027\n…".to_owned(),
                    sha256: "<64 hex>".to_owned(),
                    changed_at: example_time(),
                    changed_by: "市工改办".to_owned(),
                    changes: vec![
                        "新增 2027 年节假日安排：假期 7 个（…），调休上班日 6 天".to_owned(),
                    ],
                }],
                calendar_warning: None,
            }),
        ),
        RouteId::ReferenceImport => (
            Some(to_json(
                &permitdesk_protocol::reference::ReferenceImportRequest {
                    // A real (dry-run) import: the fuzzer's first case of this route.
                    content: "[[year]]\nyear = 2030\nholidays = [{ name = \"元旦\", from = 2030-01-01 }]\n"
                        .to_owned(),
                    dry_run: true,
                    replace: false,
                },
            )),
            to_json(&permitdesk_protocol::reference::ReferenceImportReport {
                kind: ReferenceKind::Calendar,
                from_version: 1,
                to_version: 1,
                dry_run: true,
                applied: false,
                changes: vec!["新增 2027 年节假日安排：假期 7 个（…），调休上班日 6 天".to_owned()],
                deadlines_moved: vec![permitdesk_protocol::reference::DeadlineMove {
                    case: "C-2026-0001".to_owned(),
                    from: Some("2027-01-04 17:00".to_owned()),
                    to: Some("2027-01-05 17:00".to_owned()),
                    was_provisional: true,
                    now_provisional: false,
                }],
                still_used: vec![],
                needs_replace: vec![],
                notified: 0,
            }),
        ),
        RouteId::Health => (
            None,
            to_json(&crate::routes::system::Health {
                status: "ok".to_owned(),
                backend: "sqlite".to_owned(),
                protocol_version: PROTOCOL_VERSION,
                server_seq: 1001,
                server_time: example_time(),
            }),
        ),
        RouteId::CertificateStatus => (
            None,
            to_json(&permitdesk_protocol::certificates::CertificateStatusAnswer {
                number: "ZJJ-2026-000001".to_owned(),
                name: "建筑工程施工许可证".to_owned(),
                issuer: "哈尔滨市住房和城乡建设局".to_owned(),
                issued_on: "2026-03-02".to_owned(),
                status: permitdesk_protocol::certificates::CertificateState::Valid,
                status_label: "有效".to_owned(),
                revocation_reason: None,
                code_matches: true,
                file_issued: true,
                sha256: Some("9f2c".repeat(16)),
                seal_fingerprint: "3a7e".repeat(16),
            }),
        ),
        _ => return (None, None),
    };
    (request, Some(answer))
}

/// The generator of the document's schemas: JSON Schema 2020-12 (OpenAPI 3.1's dialect) with
/// the named ones under `#/components/schemas/`.
pub fn generator() -> SchemaGenerator {
    SchemaSettings::draft2020_12()
        .with(|s| {
            s.definitions_path = "/components/schemas".into();
            s.meta_schema = None;
            s.transforms.push(Box::new(bounded_integers));
        })
        .into_generator()
}

/// Unsigned integers with their upper bound too (schemars gives `u32` and `u64` only a
/// minimum): a number the server cannot read is not a valid value.
fn bounded_integers(schema: &mut Schema) {
    if let Some(obj) = schema.as_object_mut() {
        let max = match obj.get("format").and_then(Value::as_str) {
            Some("uint32") => Some(json!(u32::MAX)),
            Some("uint64" | "uint") => Some(json!(u64::MAX)),
            _ => None,
        };
        if let Some(max) = max {
            obj.entry("maximum").or_insert(max);
        }
    }
    schemars::transform::transform_subschemas(&mut bounded_integers, schema);
}

/// A query parameter's schema: an `Option` is a parameter that may be left out, never a null.
fn without_null(mut schema: Value) -> Value {
    if let Some(obj) = schema.as_object_mut() {
        if obj.get("default") == Some(&Value::Null) {
            obj.remove("default");
        }
        if let Some(Value::Array(types)) = obj.get_mut("type") {
            types.retain(|t| t != "null");
            if types.len() == 1 {
                let only = types.remove(0);
                obj.insert("type".to_owned(), only);
            }
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(Value::Array(branches)) = obj.get_mut(key) {
                branches.retain(|b| b.get("type") != Some(&Value::String("null".to_owned())));
                if branches.len() == 1 {
                    let only = branches.remove(0);
                    obj.remove(key);
                    if let Value::Object(only) = only {
                        obj.extend(only);
                    }
                }
            }
        }
    }
    schema
}

/// Examples of query parameters: the fuzzer's first cases (a whole pull from the start: every
/// stored event the user may see, checked against its schema).
fn parameter_example(id: RouteId, name: &str) -> Option<Value> {
    match (id, name) {
        (RouteId::Pull, "after") => Some(json!(0)),
        (RouteId::Pull, "limit") => Some(json!(10_000)),
        (RouteId::Notifications, "limit") => Some(json!(5_000)),
        (RouteId::Statistics, "report") => Some(json!("monthly")),
        _ => None,
    }
}

fn query_parameters(g: &mut SchemaGenerator, r: &Route) -> Vec<Value> {
    let Some(query) = r.query else {
        return Vec::new();
    };
    let mut schema = query(g);
    bounded_integers(&mut schema);
    let schema = schema.to_value();
    let required: Vec<&str> = schema["required"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let Some(properties) = schema["properties"].as_object() else {
        return Vec::new();
    };
    properties
        .iter()
        .map(|(name, prop)| {
            let description = r
                .params
                .iter()
                .find(|(n, _)| n == name)
                .map_or("", |(_, d)| d);
            let mut prop = without_null(prop.clone());
            if let Some(obj) = prop.as_object_mut() {
                obj.remove("description");
            }
            let mut param = json!({
                "name": name,
                "in": "query",
                "required": required.contains(&name.as_str()),
                "description": description,
                "schema": prop,
            });
            if let Some(example) = parameter_example(r.id, name) {
                param["example"] = example;
            }
            param
        })
        .collect()
}

/// The failures every route of this kind may answer, with the route's own.
pub fn error_statuses(r: &Route) -> Vec<u16> {
    let mut codes: Vec<u16> = r.errors.to_vec();
    if r.auth {
        codes.push(401);
    }
    if r.path.starts_with(permitdesk_protocol::API_PREFIX) {
        codes.push(426);
    }
    codes.extend([408, 500]);
    codes.sort_unstable();
    codes.dedup();
    codes
}

fn status_description(status: u16) -> &'static str {
    match status {
        400 => "请求格式错误（JSON 或查询参数无效）",
        401 => "未登录、令牌失效，或用户名、密码错误",
        403 => "不在权限范围内",
        404 => "不存在",
        405 => "该地址不支持此请求方法",
        408 => "请求未在规定时间内传完",
        409 => "冲突（如上传偏移不符、参考数据版本落后）",
        413 => "请求内容或文件过大",
        415 => "不允许的文件类型",
        422 => "值格式正确但无效",
        426 => "协议版本不符，请更新客户端",
        429 => "尝试次数过多（登录失败或证照核验不符），请稍后重试",
        _ => "服务器内部错误，本次操作未生效",
    }
}

/// The error codes of [`ErrorCode`] that go with an HTTP status (read from the generated
/// schema, so a new code is listed without touching this file).
fn codes_of_status(error_code_schema: &Value, status: u16) -> Vec<Value> {
    let all: Vec<Value> = match error_code_schema.get("enum") {
        Some(Value::Array(values)) => values.clone(),
        _ => error_code_schema["oneOf"]
            .as_array()
            .map(|branches| {
                branches
                    .iter()
                    .flat_map(|b| match (b.get("const"), b.get("enum")) {
                        (Some(c), _) => vec![c.clone()],
                        (None, Some(Value::Array(e))) => e.clone(),
                        _ => vec![],
                    })
                    .collect()
            })
            .unwrap_or_default(),
    };
    all.into_iter()
        .filter(|v| {
            serde_json::from_value::<ErrorCode>(v.clone()).is_ok_and(|c| c.http_status() == status)
        })
        .collect()
}

fn success(g: &mut SchemaGenerator, r: &Route, example: Option<Value>) -> (String, Value) {
    let with_example = |mut media: Value| {
        if let Some(e) = &example {
            media["example"] = e.clone();
        }
        media
    };
    match r.answer {
        Answer::Json(schema) => (
            "200".to_owned(),
            json!({"description": "成功", "content": {
                "application/json": with_example(json!({"schema": schema(g).to_value()})),
            }}),
        ),
        Answer::NoContent => ("204".to_owned(), json!({"description": "成功，无内容"})),
        Answer::Text => (
            "200".to_owned(),
            json!({"description": "Prometheus 文本格式（version=0.0.4）", "content": {
                "text/plain": {"schema": {"type": "string"}},
            }}),
        ),
        Answer::File => {
            let content: serde_json::Map<String, Value> = FILE_TYPES
                .iter()
                .map(|t| {
                    (
                        (*t).to_owned(),
                        json!({"schema": {"type": "string", "contentMediaType": t}}),
                    )
                })
                .collect();
            (
                "200".to_owned(),
                json!({"description": "文件内容（Content-Disposition: attachment）", "content": content}),
            )
        }
        Answer::Html => (
            "200".to_owned(),
            json!({"description": "中文网页", "content": {
                "text/html": {"schema": {"type": "string"}},
            }}),
        ),
        Answer::Statistics => {
            let mut content = serde_json::Map::new();
            content.insert(
                "application/json".to_owned(),
                json!({"schema": statistics_json(g).to_value()}),
            );
            for format in [
                permitdesk_protocol::statistics::StatisticsFormat::Xlsx,
                permitdesk_protocol::statistics::StatisticsFormat::Csv,
                permitdesk_protocol::statistics::StatisticsFormat::Pdf,
            ] {
                let media = format
                    .content_type()
                    .split(';')
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                let schema = json!({"type": "string", "contentMediaType": media});
                content.insert(media, json!({"schema": schema}));
            }
            (
                "200".to_owned(),
                json!({"description": "统计结果：format=json（默认）为 JSON，xlsx、csv、pdf 为文件（Content-Disposition: attachment）", "content": content}),
            )
        }
    }
}

/// The OpenAPI 3.1 document of every route.
pub fn document() -> Value {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    DOCUMENT.get_or_init(build).clone()
}

fn build() -> Value {
    let mut g = generator();
    let api_error = g.subschema_for::<ApiError>().to_value();
    let mut used_statuses = std::collections::BTreeSet::new();
    let mut paths_obj: BTreeMap<String, serde_json::Map<String, Value>> = BTreeMap::new();
    for r in ROUTES {
        let mut params = query_parameters(&mut g, r);
        if r.path.contains("{kind}") {
            let kind = g.subschema_for::<ReferenceKind>().to_value();
            params.push(json!({"name": "kind", "in": "path", "required": true, "description": "参考数据种类（其他值 404）", "schema": kind}));
        }
        if r.path.contains("{number}") {
            params.push(json!({"name": "number", "in": "path", "required": true, "description": "电子证照编号（如 ZJJ-2026-000001）", "schema": {"type": "string"}}));
        }
        if r.path.contains("{sha256}") {
            params.push(json!({"name": "sha256", "in": "path", "required": true, "description": "文件内容的 SHA-256（64 位小写十六进制；其他值 422）", "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"}}));
        }
        if r.path.starts_with(permitdesk_protocol::API_PREFIX) {
            params.push(json!({"name": PROTOCOL_HEADER, "in": "header", "required": true, "description": "协议版本（其他值 426）", "schema": {"type": "string", "enum": [PROTOCOL_VERSION.to_string()]}}));
        }
        let (request_example, answer_example) = examples(r.id);
        let mut responses = serde_json::Map::new();
        let (status, ok) = success(&mut g, r, answer_example);
        responses.insert(status, ok);
        for code in error_statuses(r) {
            used_statuses.insert(code);
            responses.insert(
                code.to_string(),
                json!({"$ref": format!("#/components/responses/Error{code}")}),
            );
        }
        if matches!(r.answer, Answer::Html) {
            responses.insert(
                "404".to_owned(),
                json!({"description": "未查到（编号或核验码不符）：中文网页", "content": {"text/html": {"schema": {"type": "string"}}}}),
            );
            responses.insert(
                "429".to_owned(),
                json!({"description": "同一地址核验失败次数过多：中文网页，稍后重试", "content": {"text/html": {"schema": {"type": "string"}}}}),
            );
        }
        let mut op = json!({
            "operationId": format!("{:?}", r.id),
            "summary": r.summary,
            "parameters": params,
            "responses": responses,
        });
        if r.auth {
            op["security"] = json!([{"bearer": []}]);
        }
        match r.body {
            Body::None => {}
            Body::Json(schema) => {
                let mut media = json!({"schema": schema(&mut g).to_value()});
                if let Some(e) = request_example {
                    media["example"] = e;
                }
                op["requestBody"] =
                    json!({"required": true, "content": {"application/json": media}});
            }
            Body::Bytes => {
                op["requestBody"] = json!({"required": true, "content": {"application/octet-stream": {"schema": {"type": "string", "contentMediaType": "application/octet-stream"}}}});
            }
        }
        paths_obj
            .entry(r.path.to_owned())
            .or_default()
            .insert(r.method.to_owned(), op);
    }
    let schemas = g.take_definitions(true);
    let error_code_schema = schemas.get("ErrorCode").cloned().unwrap_or(Value::Null);
    let responses: serde_json::Map<String, Value> = used_statuses
        .iter()
        .map(|&status| {
            let schema = json!({
                "allOf": [api_error],
                "properties": {"code": {"enum": codes_of_status(&error_code_schema, status)}},
            });
            (
                format!("Error{status}"),
                json!({"description": status_description(status), "content": {"application/json": {"schema": schema}}}),
            )
        })
        .collect();
    json!({
        "openapi": "3.1.0",
        "info": {"title": "PermitDesk API", "version": PROTOCOL_VERSION.to_string(), "description": "工程建设项目全流程在线审批：同步协议（命令上行，事件下行）。错误答复均为 ApiError（code 稳定，message 为中文说明）。"},
        "paths": paths_obj,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas,
            "responses": responses,
        },
    })
}
