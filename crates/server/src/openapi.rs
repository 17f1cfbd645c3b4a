//! The route table: every endpoint once, with what the OpenAPI document says about it. The
//! router ([`crate::http::app`]) is built from this same table, so the document cannot miss a
//! route; request and response examples are serialised from the protocol's own types.

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
use serde_json::{Value, json};

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
    /// Query parameters: (name, description, required).
    pub query: &'static [(&'static str, &'static str, bool)],
    /// The status codes of failures this route answers, besides 401/426 where they apply.
    pub errors: &'static [u16],
}

pub const ATTACHMENT: &str = "/api/v1/attachments/{sha256}";
pub const ATTACHMENT_STATUS: &str = "/api/v1/attachments/{sha256}/status";
pub const REFERENCE_IMPORT: &str = "/api/v1/reference/{kind}";

/// Every route of the server.
pub const ROUTES: &[Route] = &[
    Route {
        id: RouteId::Health,
        method: "get",
        path: paths::HEALTH,
        summary: "健康检查",
        auth: false,
        query: &[],
        errors: &[],
    },
    Route {
        id: RouteId::Metrics,
        method: "get",
        path: paths::METRICS,
        summary: "Prometheus 指标（仅市工改办）",
        auth: true,
        query: &[],
        errors: &[403],
    },
    Route {
        id: RouteId::OpenApi,
        method: "get",
        path: paths::OPENAPI,
        summary: "本文档",
        auth: false,
        query: &[],
        errors: &[],
    },
    Route {
        id: RouteId::Login,
        method: "post",
        path: paths::LOGIN,
        summary: "登录，取得令牌",
        auth: false,
        query: &[],
        errors: &[400, 413, 429],
    },
    Route {
        id: RouteId::Logout,
        method: "post",
        path: paths::LOGOUT,
        summary: "注销当前令牌",
        auth: true,
        query: &[],
        errors: &[],
    },
    Route {
        id: RouteId::Me,
        method: "get",
        path: paths::ME,
        summary: "当前用户",
        auth: true,
        query: &[],
        errors: &[],
    },
    Route {
        id: RouteId::Push,
        method: "post",
        path: paths::PUSH,
        summary: "上传命令（每条命令一个事务，按客户端变更号幂等；参考数据版本落后时 409 stale_reference，不作任何处理）",
        auth: true,
        query: &[],
        errors: &[400, 409, 413, 422],
    },
    Route {
        id: RouteId::Pull,
        method: "get",
        path: paths::PULL,
        summary: "拉取游标之后本用户可见的事件",
        auth: true,
        query: &[
            ("after", "上次返回的 cursor（首次为 0）", true),
            ("limit", "最多返回的事件数（默认 1000，上限 10000）", false),
            ("client_id", "客户端安装编号", false),
        ],
        errors: &[400],
    },
    Route {
        id: RouteId::Refusals,
        method: "get",
        path: paths::REFUSALS,
        summary: "本客户端被拒绝的命令及原因",
        auth: true,
        query: &[
            ("client_id", "客户端安装编号", true),
            ("after", "变更号（不含）", false),
        ],
        errors: &[400],
    },
    Route {
        id: RouteId::Notifications,
        method: "get",
        path: paths::NOTIFICATIONS,
        summary: "系统通知（预警等级变化）",
        auth: true,
        query: &[
            ("after", "通知编号（不含）", false),
            ("limit", "最多条数", false),
        ],
        errors: &[400],
    },
    Route {
        id: RouteId::EvaluationStatistics,
        method: "get",
        path: paths::EVALUATION_STATISTICS,
        summary: "好差评与建议投诉统计（按部门、等级、指标、期间；部门只能看本部门）",
        auth: true,
        query: &[
            ("from", "统计期间起（YYYY-MM-DD，含）", false),
            ("to", "统计期间止（YYYY-MM-DD，含）", false),
            (
                "department",
                "部门代码（市工改办可选；部门用户总是本部门）",
                false,
            ),
        ],
        errors: &[400, 403, 422],
    },
    Route {
        id: RouteId::Statistics,
        method: "get",
        path: paths::STATISTICS,
        summary: "审批统计：表一至表四、月度阶段统计、季度报告（JSON 或 xlsx/CSV/PDF；部门只能看本部门，申请人不可用）",
        auth: true,
        query: &[
            (
                "report",
                "table1、table2、table3、table4、monthly 或 quarterly",
                true,
            ),
            (
                "from",
                "统计期间起（YYYY-MM-DD，含；表格按受理日期，季度报告取其所在季度）",
                false,
            ),
            ("to", "统计期间止（YYYY-MM-DD，含）", false),
            (
                "department",
                "部门代码（市工改办可选；部门用户总是本部门，指定其他部门返回 403）",
                false,
            ),
            ("project", "项目编号（系统内项目标识）", false),
            ("category", "项目分类代码，如 SH-FDC", false),
            ("format", "json（默认）、xlsx、csv 或 pdf", false),
        ],
        errors: &[400, 403, 422],
    },
    Route {
        id: RouteId::Market,
        method: "get",
        path: paths::MARKET,
        summary: "中介服务超市目录（中介机构及其资质、服务事项、收费标准、服务时限）",
        auth: true,
        query: &[],
        errors: &[],
    },
    Route {
        id: RouteId::Reference,
        method: "get",
        path: paths::REFERENCE,
        summary: "参考数据（工作日历、事项目录、中介服务超市目录、规划分区）：各类当前版本，及比客户端新的各类全文",
        auth: true,
        query: &[(
            "have",
            "客户端持有的版本，如 calendar:3,catalogue:1（缺省的种类按第 0 版）",
            false,
        )],
        errors: &[400],
    },
    Route {
        id: RouteId::ReferenceImport,
        method: "post",
        path: REFERENCE_IMPORT,
        summary: "导入参考数据的新版本（仅市工改办；dry_run 只显示将发生的变化；改动已有年份的节假日安排需 replace）",
        auth: true,
        query: &[],
        errors: &[400, 403, 404, 409, 413, 422],
    },
    Route {
        id: RouteId::UploadChunk,
        method: "put",
        path: ATTACHMENT,
        summary: "分块上传材料文件（可断点续传）",
        auth: true,
        query: &[
            ("offset", "本块在文件中的起始字节", true),
            ("size", "文件总字节数", true),
        ],
        errors: &[400, 409, 413, 415, 422],
    },
    Route {
        id: RouteId::UploadStatus,
        method: "get",
        path: ATTACHMENT_STATUS,
        summary: "上传进度",
        auth: true,
        query: &[],
        errors: &[404, 422],
    },
    Route {
        id: RouteId::Download,
        method: "get",
        path: ATTACHMENT,
        summary: "下载材料文件（按权限范围）",
        auth: true,
        query: &[],
        errors: &[404, 422],
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

fn examples(id: RouteId) -> (Option<Value>, Value) {
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
    match id {
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
                    content: "[[year]]\nyear = 2027\n…".to_owned(),
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
            json!({"status": "ok", "backend": "sqlite", "protocol_version": PROTOCOL_VERSION}),
        ),
        _ => (None, json!({})),
    }
}

/// The OpenAPI 3.0 document of every route.
pub fn document() -> Value {
    let mut paths_obj = serde_json::Map::new();
    for r in ROUTES {
        let mut params: Vec<Value> = r
            .query
            .iter()
            .map(|(name, desc, required)| json!({"name": name, "in": "query", "required": required, "description": desc, "schema": {"type": "string"}}))
            .collect();
        if r.path.contains("{kind}") {
            params.push(json!({"name": "kind", "in": "path", "required": true, "description": "参考数据种类", "schema": {"type": "string", "enum": ["calendar", "catalogue", "market", "zones"]}}));
        }
        if r.path.contains("{sha256}") {
            params.push(json!({"name": "sha256", "in": "path", "required": true, "description": "文件内容的 SHA-256（64 位小写十六进制）", "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"}}));
        }
        if r.path.starts_with(permitdesk_protocol::API_PREFIX) {
            params.push(json!({"name": PROTOCOL_HEADER, "in": "header", "required": true, "description": "协议版本", "schema": {"type": "string", "enum": [PROTOCOL_VERSION.to_string()]}}));
        }
        let (request, response) = examples(r.id);
        let mut responses = serde_json::Map::new();
        responses.insert(
            "200".to_owned(),
            json!({"description": "成功", "content": {"application/json": {"example": response}}}),
        );
        let mut codes: Vec<u16> = r.errors.to_vec();
        if r.auth {
            codes.push(401);
        }
        if r.path.starts_with(permitdesk_protocol::API_PREFIX) {
            codes.push(426);
        }
        codes.push(500);
        for code in codes {
            responses.insert(code.to_string(), json!({"description": "错误", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}}));
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
        if let Some(req) = request {
            op["requestBody"] =
                json!({"required": true, "content": {"application/json": {"example": req}}});
        }
        if r.id == RouteId::UploadChunk {
            op["requestBody"] = json!({"required": true, "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}});
        }
        let entry = paths_obj
            .entry(r.path.to_owned())
            .or_insert_with(|| json!({}));
        entry[r.method] = op;
    }
    let codes: Vec<Value> = [
        ErrorCode::ProtocolVersion,
        ErrorCode::MalformedRequest,
        ErrorCode::TooLarge,
        ErrorCode::Unauthenticated,
        ErrorCode::BadCredentials,
        ErrorCode::RateLimited,
        ErrorCode::Forbidden,
        ErrorCode::NotFound,
        ErrorCode::Conflict,
        ErrorCode::StaleReference,
        ErrorCode::UnsupportedType,
        ErrorCode::Invalid,
        ErrorCode::Internal,
    ]
    .iter()
    .map(to_json)
    .collect();
    json!({
        "openapi": "3.0.3",
        "info": {"title": "PermitDesk API", "version": PROTOCOL_VERSION.to_string(), "description": "工程建设项目全流程在线审批：同步协议（命令上行，事件下行）"},
        "paths": paths_obj,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"ApiError": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {"code": {"type": "string", "enum": codes}, "message": {"type": "string"}},
                "example": to_json(&ApiError::protocol_version(Some("0"))),
            }},
        },
    })
}
