//! The Tauri commands: thin adapters over `permitdesk-client`. Each takes at most one argument,
//! `req`, runs its blocking work off the UI thread, and answers JSON or a [`UiError`].
//! No business rule lives here: the domain decides, `client::ops` builds commands, `client::reads`
//! and `client::papers` read.

use crate::error::UiError;
use crate::state::{AppState, lock};
use crate::sync_loop;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use permitdesk_client::credentials::Secret;
use permitdesk_client::engine::{SyncOptions, SyncReport};
use permitdesk_client::ops::{self, ActOutcome, ApplyRequest, CaseAction, RegisterRequest};
use permitdesk_client::papers::{self, PaperKind};
use permitdesk_client::profile::{LoginOutcome, new_id};
use permitdesk_client::reads::{self, QueueEntry, Status, TrailView};
use permitdesk_client::reference::{ImportOutcome, ImportRequest, ReferenceView};
use permitdesk_client::store::RefusalEntry;
use permitdesk_client::transport::pin::ServerTrust;
use permitdesk_client::{ClientError, Profile};
use permitdesk_domain::calendar::WorkingCalendar;
use permitdesk_domain::case::{Case, CaseState};
use permitdesk_domain::catalogue::Catalogue;
use permitdesk_domain::clock::{ClockReading, LegalClock, OfficeHours, WarningLevel};
use permitdesk_domain::codes::{CreditCode, PhoneNumber, ProjectCode};
use permitdesk_domain::ids::{AttachmentId, CaseId, FlowCode, ProjectId, WorksId};
use permitdesk_domain::project::{Area, Project, ProjectCommand as PCmd, Works};
use permitdesk_domain::time::to_local;
use permitdesk_protocol::{DomainCommand, EntityRef, UserInfo};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;
use tauri::{AppHandle, State};

type Answer<T> = Result<T, UiError>;

/// Run `f` with the profile on a blocking thread (the UI thread never waits on the disk or the
/// network).
async fn with_profile<T, F>(state: &State<'_, AppState>, f: F) -> Answer<T>
where
    T: Send + 'static,
    F: FnOnce(&mut Profile) -> Answer<T> + Send + 'static,
{
    let profile = state.profile.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let mut p = lock(&profile)?;
        f(&mut p)
    })
    .await
    .map_err(|e| UiError::internal(format!("后台任务失败：{e}")))?
}

// ------------------------------------------------------------------------------------------
// Session

#[derive(Debug, Serialize)]
pub struct SessionInfo {
    pub logged_in: bool,
    pub user: Option<UserInfo>,
    pub server_url: Option<String>,
    pub fingerprint: Option<String>,
    pub remembered_user: Option<String>,
}

#[tauri::command]
pub async fn session_info(state: State<'_, AppState>) -> Answer<SessionInfo> {
    let defaults = state.login_defaults.clone();
    with_profile(&state, move |p| {
        let s = p.store().sync_state()?;
        let has_token = p.credentials().get(p.id(), Secret::Token)?.is_some();
        let expired = s.token_expires_at.is_some_and(|at| at <= p.clock().now());
        Ok(SessionInfo {
            logged_in: has_token && s.user.is_some() && !expired,
            remembered_user: s.user.as_ref().map(|u| u.id.to_string()),
            user: s.user,
            server_url: s.server_url.or(defaults.server),
            fingerprint: s.fingerprint.or(defaults.fingerprint),
        })
    })
    .await
}

#[derive(Debug, Deserialize)]
pub struct LoginRequest {
    pub server: String,
    pub fingerprint: String,
    pub user: String,
    pub password: String,
    #[serde(default)]
    pub remember: bool,
}

#[tauri::command]
pub async fn login(
    app: AppHandle,
    state: State<'_, AppState>,
    req: LoginRequest,
) -> Answer<LoginOutcome> {
    if !req.server.trim().starts_with("https://") {
        return Err(UiError::invalid("服务器地址应以 https:// 开头").on("server"));
    }
    let fp = req.fingerprint.trim().to_ascii_lowercase().replace(':', "");
    if fp.len() != 64 || !fp.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(
            UiError::invalid("证书指纹应为 64 位十六进制（服务器初始化时打印的 SHA-256）")
                .on("fingerprint"),
        );
    }
    if req.user.trim().is_empty() {
        return Err(UiError::invalid("请输入用户名").on("user"));
    }
    if req.password.is_empty() {
        return Err(UiError::invalid("请输入密码").on("password"));
    }
    let outcome = with_profile(&state, move |p| {
        let out = p
            .login(
                req.server.trim(),
                &ServerTrust::Pinned(fp),
                req.user.trim(),
                &req.password,
            )
            .map_err(|e| {
                let field = match &e {
                    ClientError::Pinning(_) => "fingerprint",
                    ClientError::Offline(_) => "server",
                    _ => "password",
                };
                UiError::from(e).on(field)
            })?;
        let creds = p.credentials();
        if req.remember {
            creds.set(p.id(), Secret::Password, &req.password)?;
        } else {
            creds.delete(p.id(), Secret::Password)?;
        }
        Ok(out)
    })
    .await?;
    state.wake_sync();
    sync_loop::publish(&app, &state);
    Ok(outcome)
}

#[tauri::command]
pub async fn remembered_password(state: State<'_, AppState>) -> Answer<Option<String>> {
    with_profile(&state, |p| {
        Ok(p.credentials().get(p.id(), Secret::Password)?)
    })
    .await
}

#[tauri::command]
pub async fn logout(state: State<'_, AppState>) -> Answer<()> {
    with_profile(&state, |p| Ok(p.logout()?)).await
}

#[derive(Debug, Serialize)]
pub struct AppInfo {
    pub version: &'static str,
    pub profile_dir: String,
}

#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> Answer<AppInfo> {
    with_profile(&state, |p| {
        Ok(AppInfo {
            version: env!("CARGO_PKG_VERSION"),
            profile_dir: p.dir().display().to_string(),
        })
    })
    .await
}

// ------------------------------------------------------------------------------------------
// Sync and status

#[derive(Debug, Serialize)]
pub struct StatusView {
    #[serde(flatten)]
    pub status: Status,
    pub online: bool,
    pub syncing: bool,
    pub offline_mode: bool,
}

#[tauri::command]
pub async fn status(state: State<'_, AppState>) -> Answer<StatusView> {
    let s = lock(&state.sync)?.clone();
    let status = with_profile(&state, |p| {
        let now = p.corrected_now()?;
        Ok(reads::status_at(p.store(), now)?)
    })
    .await?;
    Ok(StatusView {
        status,
        online: s.online,
        syncing: s.syncing,
        offline_mode: s.offline_mode,
    })
}

#[tauri::command]
pub async fn sync_now(app: AppHandle, state: State<'_, AppState>) -> Answer<SyncReport> {
    let report = sync_loop::sync_once(&app, &state).await?;
    Ok(report)
}

/// 离线工作: stop syncing until `go_online`.
#[tauri::command]
pub async fn go_offline(app: AppHandle, state: State<'_, AppState>) -> Answer<()> {
    {
        let mut s = lock(&state.sync)?;
        s.offline_mode = true;
        s.online = false;
        s.message = Some("已切换为离线工作，操作保存在本地".to_owned());
    }
    sync_loop::publish(&app, &state);
    Ok(())
}

#[tauri::command]
pub async fn go_online(app: AppHandle, state: State<'_, AppState>) -> Answer<()> {
    lock(&state.sync)?.offline_mode = false;
    state.wake_sync();
    sync_loop::publish(&app, &state);
    Ok(())
}

#[tauri::command]
pub async fn refusals(state: State<'_, AppState>) -> Answer<Vec<RefusalEntry>> {
    with_profile(&state, |p| Ok(p.store().refusals()?)).await
}

#[derive(Debug, Deserialize)]
pub struct MutationRef {
    pub mutation_id: u64,
}

#[tauri::command]
pub async fn dismiss_refusal(
    app: AppHandle,
    state: State<'_, AppState>,
    req: MutationRef,
) -> Answer<bool> {
    let done = with_profile(&state, move |p| {
        Ok(p.store().dismiss_refusal(req.mutation_id)?)
    })
    .await?;
    sync_loop::publish(&app, &state);
    Ok(done)
}

// ------------------------------------------------------------------------------------------
// Validation as the user types: the domain's own parsers and messages

#[derive(Debug, Deserialize)]
pub struct ValidateRequest {
    pub kind: String,
    pub value: String,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Validation {
    pub ok: bool,
    pub message: Option<String>,
    pub normalized: Option<String>,
}

pub fn validate_value(kind: &str, value: &str) -> Answer<Validation> {
    fn answer<T, E: std::fmt::Display>(r: Result<T, E>, show: impl Fn(&T) -> String) -> Validation {
        match r {
            Ok(v) => Validation {
                ok: true,
                message: None,
                normalized: Some(show(&v)),
            },
            Err(e) => Validation {
                ok: false,
                message: Some(e.to_string()),
                normalized: None,
            },
        }
    }
    Ok(match kind {
        "project_code" => answer(ProjectCode::parse(value), |c| c.as_str().to_owned()),
        "credit_code" => answer(CreditCode::parse(value), |c| c.as_str().to_owned()),
        "phone" => answer(PhoneNumber::parse(value), |c| c.as_str().to_owned()),
        "area" => answer(Area::parse(value.trim()), |a| a.to_string()),
        other => return Err(UiError::invalid(format!("未知的校验类型“{other}”"))),
    })
}

#[tauri::command]
pub async fn validate(req: ValidateRequest) -> Answer<Validation> {
    validate_value(&req.kind, &req.value)
}

// ------------------------------------------------------------------------------------------
// Catalogue, projects

/// The catalogue this profile decides with (synced from the server).
#[tauri::command]
pub async fn catalogue(state: State<'_, AppState>) -> Answer<Catalogue> {
    with_profile(&state, |p| Ok(ops::catalogue(p)?.as_ref().clone())).await
}

/// The profile's catalogue, read on a blocking thread.
async fn profile_catalogue(state: &State<'_, AppState>) -> Answer<Arc<Catalogue>> {
    with_profile(state, |p| Ok(ops::catalogue(p)?)).await
}

#[tauri::command]
pub async fn projects(state: State<'_, AppState>) -> Answer<Vec<Project>> {
    with_profile(&state, |p| Ok(p.store().projects()?)).await
}

#[derive(Debug, Deserialize)]
pub struct IdRequest {
    pub id: String,
}

#[tauri::command]
pub async fn project(state: State<'_, AppState>, req: IdRequest) -> Answer<reads::ProjectView> {
    with_profile(&state, move |p| {
        Ok(reads::project(p.store(), &ProjectId::new(req.id.trim()))?)
    })
    .await
}

#[tauri::command]
pub async fn cases(state: State<'_, AppState>) -> Answer<Vec<Case>> {
    with_profile(&state, |p| Ok(p.store().cases()?)).await
}

/// Queue the commands of one user action and sync right away unless working offline.
async fn act(
    app: &AppHandle,
    state: &State<'_, AppState>,
    commands: Vec<(DomainCommand, Vec<AttachmentId>)>,
    opinion: Option<String>,
    created: Vec<String>,
) -> Answer<ActOutcome> {
    // Queued first (a refusal by the domain changes nothing); then pushed at once unless the
    // user works offline. No network: the work stays in the outbox and the answer says so.
    let offline = state.offline_mode();
    let outcome = with_profile(state, move |p| {
        Ok(ops::act_all(p, commands, opinion, offline, created)?)
    })
    .await?;
    if !offline && let Ok(mut s) = state.sync.lock() {
        s.online = outcome.offline.is_none();
        s.message = outcome.offline.clone().or(outcome.sync_error.clone());
    }
    state.wake_sync();
    sync_loop::publish(app, state);
    Ok(outcome)
}

#[tauri::command]
pub async fn register_project(
    app: AppHandle,
    state: State<'_, AppState>,
    req: RegisterRequest,
) -> Answer<ActOutcome> {
    let cat = profile_catalogue(&state).await?;
    let (id, command) = ops::register_command(&req, &cat, || new_id("P")).map_err(|e| UiError {
        code: "invalid",
        message: e.message,
        field: Some(e.field.to_owned()),
    })?;
    act(
        &app,
        &state,
        vec![(command, vec![])],
        None,
        vec![id.to_string()],
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct ProjectAction {
    pub project: String,
    #[serde(default)]
    pub flow: Option<String>,
    #[serde(default)]
    pub problems: Vec<String>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub works_id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub area: Option<String>,
    #[serde(default)]
    pub opinion: Option<String>,
}

async fn project_act(
    app: AppHandle,
    state: State<'_, AppState>,
    req: ProjectAction,
    command: impl FnOnce(&ProjectAction) -> Answer<PCmd>,
) -> Answer<ActOutcome> {
    let cmd = command(&req)?;
    let project = ProjectId::new(req.project.trim());
    act(
        &app,
        &state,
        vec![(
            DomainCommand::Project {
                project,
                command: cmd,
            },
            vec![],
        )],
        req.opinion.clone(),
        vec![],
    )
    .await
}

#[tauri::command]
pub async fn submit_project(
    app: AppHandle,
    state: State<'_, AppState>,
    req: ProjectAction,
) -> Answer<ActOutcome> {
    project_act(app, state, req, |_| Ok(PCmd::Submit)).await
}

#[tauri::command]
pub async fn choose_flow(
    app: AppHandle,
    state: State<'_, AppState>,
    req: ProjectAction,
) -> Answer<ActOutcome> {
    let cat = profile_catalogue(&state).await?;
    project_act(app, state, req, |r| {
        let code = FlowCode::new(r.flow.as_deref().unwrap_or_default().trim());
        let flow = cat.flow(&code).ok_or_else(|| {
            UiError::invalid(format!("事项目录中没有审批流程“{code}”")).on("flow")
        })?;
        Ok(PCmd::ChooseFlow {
            flow: code.clone(),
            category: flow.category.clone(),
        })
    })
    .await
}

#[tauri::command]
pub async fn request_project_correction(
    app: AppHandle,
    state: State<'_, AppState>,
    req: ProjectAction,
) -> Answer<ActOutcome> {
    project_act(app, state, req, |r| {
        Ok(PCmd::RequestCorrection {
            problems: r.problems.clone(),
        })
    })
    .await
}

#[tauri::command]
pub async fn add_works(
    app: AppHandle,
    state: State<'_, AppState>,
    req: ProjectAction,
) -> Answer<ActOutcome> {
    project_act(app, state, req, |r| {
        let area = r.area.as_deref().map(str::trim).filter(|a| !a.is_empty());
        Ok(PCmd::AddWorks {
            works: Works {
                id: WorksId::new(r.works_id.as_deref().unwrap_or_default().trim()),
                name: r.name.clone().unwrap_or_default(),
                description: r.description.clone().unwrap_or_default(),
                building_area: Area::parse(area.unwrap_or("0"))
                    .map_err(|e| UiError::invalid(e.to_string()).on("area"))?,
            },
        })
    })
    .await
}

#[tauri::command]
pub async fn close_project(
    app: AppHandle,
    state: State<'_, AppState>,
    req: ProjectAction,
) -> Answer<ActOutcome> {
    project_act(app, state, req, |r| {
        Ok(PCmd::Close {
            reason: r.reason.clone().unwrap_or_default(),
        })
    })
    .await
}

// ------------------------------------------------------------------------------------------
// Applications and cases

#[tauri::command]
pub async fn apply(
    app: AppHandle,
    state: State<'_, AppState>,
    req: ApplyRequest,
) -> Answer<ActOutcome> {
    let (application, cases, commands) = {
        let profile = state.profile.clone();
        tauri::async_runtime::spawn_blocking(move || {
            let p = lock(&profile)?;
            Ok::<_, UiError>(ops::apply_commands(&p, &req)?)
        })
        .await
        .map_err(|e| UiError::internal(e.to_string()))??
    };
    let mut created = vec![application.to_string()];
    created.extend(cases.iter().map(ToString::to_string));
    act(&app, &state, commands, None, created).await
}

#[derive(Debug, Deserialize)]
pub struct CaseActRequest {
    pub case: String,
    pub action: CaseAction,
    #[serde(default)]
    pub opinion: Option<String>,
}

#[tauri::command]
pub async fn case_act(
    app: AppHandle,
    state: State<'_, AppState>,
    req: CaseActRequest,
) -> Answer<ActOutcome> {
    let case = CaseId::new(req.case.trim());
    let action = req.action;
    let command = {
        let profile = state.profile.clone();
        tauri::async_runtime::spawn_blocking(move || {
            let p = lock(&profile)?;
            Ok::<_, UiError>(ops::case_command(&p, &case, action)?)
        })
        .await
        .map_err(|e| UiError::internal(e.to_string()))??
    };
    let opinion = req.opinion.filter(|o| !o.trim().is_empty());
    act(&app, &state, vec![command], opinion, vec![]).await
}

/// How a case's deadline is reckoned (期限如何计算), read now.
#[derive(Debug, Serialize)]
pub struct ClockView {
    pub reading: Option<ClockReading>,
    pub used_working_days: Option<f64>,
    pub remaining_working_days: Option<f64>,
    /// 暂定：缺少 2027 年节假日安排 while the deadline is counted Monday to Friday for want of a
    /// holiday table (also in `reading.provisional`); None when final.
    pub provisional: Option<String>,
    /// Why there is no reading (not accepted yet, a date outside any calendar).
    pub note: Option<String>,
}

fn clock_view(p: &Profile, case: &Case) -> Answer<ClockView> {
    let Some(input) = case.clock_input() else {
        return Ok(ClockView {
            reading: None,
            used_working_days: None,
            remaining_working_days: None,
            provisional: None,
            note: Some("办件尚未受理，法定时限自受理之日的次日起计算".to_owned()),
        });
    };
    let calendar = p.reference()?.calendar;
    let clock = LegalClock::new(&calendar, OfficeHours::default());
    Ok(match clock.evaluate(&input, to_local(p.corrected_now()?)) {
        Ok(r) => ClockView {
            used_working_days: Some(r.used_working_days()),
            remaining_working_days: Some(r.remaining_working_days()),
            provisional: r.provisional_note(),
            reading: Some(r),
            note: None,
        },
        Err(e) => ClockView {
            reading: None,
            used_working_days: None,
            remaining_working_days: None,
            provisional: None,
            note: Some(e.to_string()),
        },
    })
}

#[derive(Debug, Serialize)]
pub struct CaseDetail {
    pub case: Case,
    pub trail: TrailView,
    pub clock: ClockView,
    pub item_name: String,
    pub department_name: String,
    pub project_name: Option<String>,
    /// What this user can do next, as the queue says.
    pub next_action: Option<String>,
    /// 可办理的操作: the domain's answer for this user (`reads::available_actions`); the case
    /// page offers exactly the allowed ones.
    pub available_actions: Vec<permitdesk_domain::case::ActionAvailability>,
}

#[tauri::command]
pub async fn case_detail(state: State<'_, AppState>, req: IdRequest) -> Answer<CaseDetail> {
    with_profile(&state, move |p| {
        let id = CaseId::new(req.id.trim());
        let case = p.store().case(&id)?.ok_or_else(|| ClientError::NotFound {
            what: "办件",
            id: id.to_string(),
        })?;
        let cat = ops::catalogue(p)?;
        let trail = reads::trail(p.store(), &EntityRef::Case(id.clone()))?;
        let clock = clock_view(p, &case)?;
        let user = p.store().sync_state()?.user;
        let now = p.corrected_now()?;
        let next_action = match user {
            Some(u) => reads::queue(p.store(), &u, now)?
                .into_iter()
                .find(|q| q.case == id)
                .map(|q| q.next_action),
            None => None,
        };
        let available_actions = reads::available_actions(p.store(), &case)?;
        Ok(CaseDetail {
            available_actions,
            item_name: cat
                .item(&case.item)
                .map_or_else(|| case.item.to_string(), |i| i.name.clone()),
            department_name: cat
                .department(&case.department)
                .map_or_else(|| case.department.to_string(), |d| d.name.clone()),
            project_name: p.store().project(&case.project)?.map(|pr| pr.details.name),
            case,
            trail,
            clock,
            next_action,
        })
    })
    .await
}

#[tauri::command]
pub async fn clock_explanation(state: State<'_, AppState>, req: IdRequest) -> Answer<ClockView> {
    with_profile(&state, move |p| {
        let id = CaseId::new(req.id.trim());
        let case = p.store().case(&id)?.ok_or_else(|| ClientError::NotFound {
            what: "办件",
            id: id.to_string(),
        })?;
        clock_view(p, &case)
    })
    .await
}

#[derive(Debug, Deserialize)]
pub struct TrailRequest {
    /// `case`, `project` or `consultation`.
    pub entity: String,
    pub id: String,
}

#[tauri::command]
pub async fn trail(state: State<'_, AppState>, req: TrailRequest) -> Answer<TrailView> {
    with_profile(&state, move |p| {
        let id = req.id.trim();
        let entity = match req.entity.as_str() {
            "case" => EntityRef::Case(CaseId::new(id)),
            "project" => EntityRef::Project(ProjectId::new(id)),
            "consultation" => {
                EntityRef::Consultation(permitdesk_domain::consultation::ConsultationId::new(id))
            }
            other => return Err(UiError::invalid(format!("未知的记录类型“{other}”"))),
        };
        Ok(reads::trail(p.store(), &entity)?)
    })
    .await
}

#[tauri::command]
pub async fn consultations(
    state: State<'_, AppState>,
) -> Answer<Vec<permitdesk_domain::consultation::Consultation>> {
    with_profile(&state, |p| {
        let mut out = Vec::new();
        for e in p.store().entities()? {
            if let EntityRef::Consultation(id) = e
                && let Some(c) = p.store().consultation(&id)?
            {
                out.push(c);
            }
        }
        Ok(out)
    })
    .await
}

#[tauri::command]
pub async fn queue(state: State<'_, AppState>) -> Answer<Vec<QueueEntry>> {
    with_profile(&state, |p| {
        let user = p
            .store()
            .sync_state()?
            .user
            .ok_or(ClientError::NotLoggedIn)?;
        let now = p.corrected_now()?;
        Ok(reads::queue(p.store(), &user, now)?)
    })
    .await
}

/// One line of the reform office's overview.
#[derive(Debug, Default, Clone, Serialize, PartialEq)]
pub struct OverviewLine {
    pub key: String,
    pub name: String,
    pub cases: u64,
    pub in_review: u64,
    pub paused: u64,
    pub completed: u64,
    pub due_soon: u64,
    pub overdue: u64,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct Overview {
    pub total: OverviewLine,
    pub by_stage: Vec<OverviewLine>,
    pub by_department: Vec<OverviewLine>,
}

/// Every local case by stage and department, with the legal clock's warning level read now.
pub fn overview_of(
    cases: &[Case],
    cat: &Catalogue,
    calendar: &WorkingCalendar,
    now: chrono::DateTime<chrono::Utc>,
) -> Overview {
    let clock = LegalClock::new(calendar, OfficeHours::default());
    let mut stages: BTreeMap<String, OverviewLine> = BTreeMap::new();
    let mut depts: BTreeMap<String, OverviewLine> = BTreeMap::new();
    let mut total = OverviewLine {
        key: "total".into(),
        name: "合计".into(),
        ..Default::default()
    };
    for c in cases {
        let level = c
            .clock_input()
            .and_then(|i| clock.evaluate(&i, to_local(now)).ok())
            .map(|r| r.level);
        let open = matches!(c.state, CaseState::InReview | CaseState::Paused);
        let item = cat.item(&c.item);
        let (stage_key, stage_name) = item.map_or(("9".to_owned(), "其他".to_owned()), |i| {
            (i.stage.number().to_string(), i.stage.label().to_owned())
        });
        let dept_name = cat
            .department(&c.department)
            .map_or_else(|| c.department.to_string(), |d| d.name.clone());
        let bump = |l: &mut OverviewLine| {
            l.cases += 1;
            match c.state {
                CaseState::InReview => l.in_review += 1,
                CaseState::Paused => l.paused += 1,
                CaseState::Granted | CaseState::Denied => l.completed += 1,
                _ => {}
            }
            if open {
                match level {
                    Some(WarningLevel::Overdue) => l.overdue += 1,
                    Some(WarningLevel::DueSoon) => l.due_soon += 1,
                    _ => {}
                }
            }
        };
        bump(
            stages
                .entry(stage_key.clone())
                .or_insert_with(|| OverviewLine {
                    key: stage_key,
                    name: stage_name,
                    ..Default::default()
                }),
        );
        bump(
            depts
                .entry(c.department.to_string())
                .or_insert_with(|| OverviewLine {
                    key: c.department.to_string(),
                    name: dept_name,
                    ..Default::default()
                }),
        );
        bump(&mut total);
    }
    let mut by_department: Vec<OverviewLine> = depts.into_values().collect();
    by_department.sort_by(|a, b| b.overdue.cmp(&a.overdue).then(a.key.cmp(&b.key)));
    Overview {
        total,
        by_stage: stages.into_values().collect(),
        by_department,
    }
}

#[tauri::command]
pub async fn overview(state: State<'_, AppState>) -> Answer<Overview> {
    with_profile(&state, |p| {
        let refs = p.reference()?;
        Ok(overview_of(
            &p.store().cases()?,
            &refs.catalogue,
            &refs.calendar,
            p.corrected_now()?,
        ))
    })
    .await
}

// ------------------------------------------------------------------------------------------
// Materials

#[derive(Debug, Deserialize)]
pub struct AddAttachment {
    pub name: String,
    pub bytes_base64: String,
}

#[derive(Debug, Serialize)]
pub struct AttachmentInfo {
    pub id: AttachmentId,
    pub name: Option<String>,
    pub size: u64,
    pub mime: Option<String>,
}

/// Largest file accepted from the page (a scanned drawing set fits; a video does not).
const MAX_ATTACHMENT: usize = 64 * 1024 * 1024;

#[tauri::command]
pub async fn add_attachment(
    state: State<'_, AppState>,
    req: AddAttachment,
) -> Answer<AttachmentInfo> {
    let bytes = B64
        .decode(req.bytes_base64.as_bytes())
        .map_err(|e| UiError::invalid(format!("文件内容无法解码：{e}")))?;
    if bytes.is_empty() {
        return Err(UiError::invalid("文件为空"));
    }
    if bytes.len() > MAX_ATTACHMENT {
        return Err(UiError::invalid(format!(
            "文件过大（{} MB），单个文件不超过 64 MB",
            bytes.len() / 1024 / 1024
        )));
    }
    with_profile(&state, move |p| {
        let size = bytes.len() as u64;
        let mime = permitdesk_client::store::sniff_type(&bytes).map(str::to_owned);
        let name = req.name.trim().to_owned();
        let now = p.clock().now();
        let id = p.store_mut().add_attachment(
            &bytes,
            Some(name.as_str()).filter(|n| !n.is_empty()),
            now,
        )?;
        Ok(AttachmentInfo {
            id,
            name: Some(name),
            size,
            mime,
        })
    })
    .await
}

#[derive(Debug, Deserialize)]
pub struct PathRequest {
    pub path: String,
}

#[tauri::command]
pub async fn add_attachment_path(
    state: State<'_, AppState>,
    req: PathRequest,
) -> Answer<AttachmentInfo> {
    with_profile(&state, move |p| {
        let path = std::path::PathBuf::from(req.path.trim());
        let id = p.attach_file(&path)?;
        let cached = p.store().attachment(&id)?;
        Ok(AttachmentInfo {
            id,
            name: path.file_name().map(|n| n.to_string_lossy().into_owned()),
            size: cached.as_ref().map_or(0, |c| c.size),
            mime: cached.and_then(|c| c.content_type),
        })
    })
    .await
}

/// 材料库: every file this profile has, with the material names it was given as.
#[derive(Debug, Serialize)]
pub struct LibraryEntry {
    pub id: AttachmentId,
    pub name: Option<String>,
    pub size: u64,
    pub mime: Option<String>,
    pub added_at: Option<String>,
    pub used_as: Vec<String>,
}

#[tauri::command]
pub async fn material_library(state: State<'_, AppState>) -> Answer<Vec<LibraryEntry>> {
    with_profile(&state, |p| {
        let mut used: BTreeMap<AttachmentId, Vec<String>> = BTreeMap::new();
        for c in p.store().cases()? {
            for (name, att) in &c.materials {
                let names = used.entry(att.clone()).or_default();
                if !names.contains(name) {
                    names.push(name.clone());
                }
            }
        }
        let mut out = Vec::new();
        for up in p.store().uploads(true)? {
            let cached = p.store().attachment(&up.id)?;
            out.push(LibraryEntry {
                used_as: used.remove(&up.id).unwrap_or_default(),
                name: cached.as_ref().and_then(|c| c.name.clone()),
                size: cached.as_ref().map_or(0, |c| c.size),
                mime: cached.as_ref().and_then(|c| c.content_type.clone()),
                added_at: Some(up.queued_at.to_rfc3339()),
                id: up.id,
            });
        }
        Ok(out)
    })
    .await
}

#[derive(Debug, Serialize)]
pub struct AttachmentBytes {
    pub name: Option<String>,
    pub mime: Option<String>,
    pub bytes_base64: String,
}

#[tauri::command]
pub async fn attachment(state: State<'_, AppState>, req: IdRequest) -> Answer<AttachmentBytes> {
    with_profile(&state, move |p| {
        let id = AttachmentId::new(req.id.trim());
        let cached = p.store().attachment(&id)?;
        let bytes = p.fetch_attachment(&id)?;
        Ok(AttachmentBytes {
            name: cached.as_ref().and_then(|c| c.name.clone()),
            mime: cached
                .and_then(|c| c.content_type)
                .or_else(|| permitdesk_client::store::sniff_type(&bytes).map(str::to_owned)),
            bytes_base64: B64.encode(bytes),
        })
    })
    .await
}

// ------------------------------------------------------------------------------------------
// Documents

#[derive(Debug, Deserialize)]
pub struct DocumentRequest {
    pub kind: String,
    pub id: String,
    #[serde(default)]
    pub path: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct DocumentAnswer {
    pub title: String,
    pub file_name: String,
    pub verification_code: String,
    pub pdf_base64: String,
}

fn paper_kind(kind: &str) -> Answer<PaperKind> {
    PaperKind::parse(kind).ok_or_else(|| UiError::invalid(format!("未知的文书类型“{kind}”")))
}

#[tauri::command]
pub async fn document(state: State<'_, AppState>, req: DocumentRequest) -> Answer<DocumentAnswer> {
    let kind = paper_kind(&req.kind)?;
    with_profile(&state, move |p| {
        let paper = papers::render(p, kind, &req.id)?;
        Ok(DocumentAnswer {
            title: paper.title,
            file_name: paper.file_name,
            verification_code: paper.verification_code,
            pdf_base64: B64.encode(&paper.pdf),
        })
    })
    .await
}

#[derive(Debug, Serialize)]
pub struct Saved {
    pub path: String,
}

#[tauri::command]
pub async fn save_document(state: State<'_, AppState>, req: DocumentRequest) -> Answer<Saved> {
    let kind = paper_kind(&req.kind)?;
    let target = req
        .path
        .clone()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| UiError::invalid("请填写保存位置").on("path"))?;
    with_profile(&state, move |p| {
        let paper = papers::render(p, kind, &req.id)?;
        let mut path = std::path::PathBuf::from(&target);
        if path.is_dir() {
            path = path.join(&paper.file_name);
        }
        std::fs::write(&path, &paper.pdf).map_err(|e| ClientError::io(&path, e))?;
        Ok(Saved {
            path: path.display().to_string(),
        })
    })
    .await
}

// ------------------------------------------------------------------------------------------
// Drafts: saved on every change, on their own connection (never behind a running sync)

#[derive(Debug, Deserialize)]
pub struct DraftRequest {
    pub key: String,
    #[serde(default)]
    pub data: Option<serde_json::Value>,
}

async fn with_drafts<T, F>(state: &State<'_, AppState>, f: F) -> Answer<T>
where
    T: Send + 'static,
    F: FnOnce(&permitdesk_client::drafts::Drafts) -> Answer<T> + Send + 'static,
{
    let drafts = state.drafts.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let d = lock(&drafts)?;
        f(&d)
    })
    .await
    .map_err(|e| UiError::internal(e.to_string()))?
}

#[tauri::command]
pub async fn save_draft(state: State<'_, AppState>, req: DraftRequest) -> Answer<()> {
    let now = chrono::Utc::now();
    with_drafts(&state, move |d| {
        Ok(d.save(&req.key, &req.data.unwrap_or(serde_json::Value::Null), now)?)
    })
    .await
}

#[tauri::command]
pub async fn load_draft(
    state: State<'_, AppState>,
    req: DraftRequest,
) -> Answer<Option<serde_json::Value>> {
    with_drafts(&state, move |d| Ok(d.load(&req.key)?)).await
}

#[tauri::command]
pub async fn delete_draft(state: State<'_, AppState>, req: DraftRequest) -> Answer<bool> {
    with_drafts(&state, move |d| Ok(d.delete(&req.key)?)).await
}

#[tauri::command]
pub async fn drafts(
    state: State<'_, AppState>,
) -> Answer<Vec<permitdesk_client::drafts::DraftEntry>> {
    with_drafts(&state, |d| Ok(d.list()?)).await
}

/// The sync loop's options (defaults); kept here so `sync_now` and the loop agree.
pub fn sync_options() -> SyncOptions {
    SyncOptions::default()
}

// ------------------------------------------------------------------------------------------
// Other entities (好差评, 建议投诉, 联合会商): the command as the domain defines it

#[derive(Debug, Deserialize)]
pub struct CommandRequest {
    pub command: DomainCommand,
    #[serde(default)]
    pub opinion: Option<String>,
    #[serde(default)]
    pub attachments: Vec<AttachmentId>,
}

/// Any domain command the user may take (decided locally by the domain first, like every
/// action): ratings, rectifications, complaints, consultation opinions.
#[tauri::command]
pub async fn act_command(
    app: AppHandle,
    state: State<'_, AppState>,
    req: CommandRequest,
) -> Answer<ActOutcome> {
    let opinion = req.opinion.filter(|o| !o.trim().is_empty());
    act(
        &app,
        &state,
        vec![(req.command, req.attachments)],
        opinion,
        vec![],
    )
    .await
}

#[tauri::command]
pub async fn evaluations(
    state: State<'_, AppState>,
) -> Answer<Vec<permitdesk_domain::evaluation::Evaluation>> {
    with_profile(&state, |p| Ok(p.store().evaluations()?)).await
}

#[tauri::command]
pub async fn complaints(
    state: State<'_, AppState>,
) -> Answer<Vec<permitdesk_domain::evaluation::Complaint>> {
    with_profile(&state, |p| Ok(p.store().complaints()?)).await
}

// ------------------------------------------------------------------------------------------
// Statistics (computed by the server: a department sees its own, the reform office all)

#[derive(Debug, Deserialize)]
pub struct StatisticsRequest {
    #[serde(flatten)]
    pub query: permitdesk_protocol::statistics::StatisticsQuery,
    /// Where to save xlsx/csv/pdf (a file or a directory); JSON is answered, not saved.
    #[serde(default)]
    pub path: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct StatisticsAnswer {
    /// The tables as JSON (format `json`).
    pub json: Option<serde_json::Value>,
    /// The file's bytes (other formats), and where it was saved if a path was given.
    pub bytes_base64: Option<String>,
    pub saved: Option<String>,
}

#[tauri::command]
pub async fn statistics(
    state: State<'_, AppState>,
    req: StatisticsRequest,
) -> Answer<StatisticsAnswer> {
    use permitdesk_protocol::statistics::StatisticsFormat;
    with_profile(&state, move |p| {
        let bytes = p.statistics(&req.query)?;
        if req.query.format == StatisticsFormat::Json {
            let json = serde_json::from_slice(&bytes)
                .map_err(|e| UiError::internal(format!("统计结果无法解析：{e}")))?;
            return Ok(StatisticsAnswer {
                json: Some(json),
                bytes_base64: None,
                saved: None,
            });
        }
        let saved = match req.path.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(target) => {
                let mut path = std::path::PathBuf::from(target);
                if path.is_dir() {
                    path = path.join(format!(
                        "{}.{}",
                        req.query.report.as_str(),
                        req.query.format.as_str()
                    ));
                }
                std::fs::write(&path, &bytes).map_err(|e| ClientError::io(&path, e))?;
                Some(path.display().to_string())
            }
            None => None,
        };
        Ok(StatisticsAnswer {
            json: None,
            bytes_base64: Some(B64.encode(&bytes)),
            saved,
        })
    })
    .await
}

/// 中介服务超市: agencies and services, browsable offline (the version this profile holds).
#[tauri::command]
pub async fn market(
    state: State<'_, AppState>,
) -> Answer<permitdesk_domain::intermediary::market::MarketCatalogue> {
    with_profile(&state, |p| {
        Ok(permitdesk_client::market::market(p)?.as_ref().clone())
    })
    .await
}

/// 中介服务委托: the commissions this user may see (an agency: only its own and the requests it
/// may quote on).
#[tauri::command]
pub async fn commissions(
    state: State<'_, AppState>,
) -> Answer<Vec<permitdesk_domain::intermediary::Commission>> {
    with_profile(&state, |p| Ok(p.store().commissions()?)).await
}

/// 规划分区: the planning zones the compliance review checks a site against (the version this
/// profile holds).
#[tauri::command]
pub async fn planning_zones(
    state: State<'_, AppState>,
) -> Answer<Vec<permitdesk_domain::consultation::compliance::PlanningZone>> {
    with_profile(&state, |p| Ok(p.reference()?.zones.as_ref().clone())).await
}

// ------------------------------------------------------------------------------------------
// 参考数据 (issue 11): the versions this profile decides with, and the reform office's import

/// The reference data this profile holds: versions, who changed them when, the calendar's
/// years, the catalogue's version, and the warning that next year's holiday table is missing.
#[tauri::command]
pub async fn reference_show(state: State<'_, AppState>) -> Answer<ReferenceView> {
    with_profile(&state, |p| Ok(permitdesk_client::reference::show(p)?)).await
}

/// Import a new version on the server (市工改办); `dry_run` shows what would change. After an
/// applied import this profile syncs its reference data, and the UI is told data changed.
#[tauri::command]
pub async fn reference_import(
    app: AppHandle,
    state: State<'_, AppState>,
    req: ImportRequest,
) -> Answer<ImportOutcome> {
    if req.content.trim().is_empty() {
        return Err(UiError::invalid("请选择要导入的文件").on("content"));
    }
    let outcome = with_profile(&state, move |p| {
        permitdesk_client::reference::import(p, &req).map_err(|e| match e {
            ClientError::Invalid(_) => UiError::from(e).on("content"),
            other => UiError::from(other),
        })
    })
    .await?;
    if outcome.report.applied {
        use tauri::Emitter as _;
        sync_loop::publish(&app, &state);
        // Deadlines, items and agencies may read differently with the new version.
        let _ = app.emit("data-changed", serde_json::json!({}));
    }
    Ok(outcome)
}

#[derive(Debug, Deserialize)]
pub struct NotificationsRequest {
    #[serde(default)]
    pub after: u64,
}

#[derive(Debug, Serialize)]
pub struct NotificationsAnswer {
    pub notifications: Vec<permitdesk_client::notifications::NotificationView>,
    pub cursor: u64,
}

/// 系统通知 for this user (online): deadline warnings, deadlines moved by a new holiday table,
/// deemed consent; the same sentences `permitdesk notifications` prints.
#[tauri::command]
pub async fn notifications(
    state: State<'_, AppState>,
    req: NotificationsRequest,
) -> Answer<NotificationsAnswer> {
    with_profile(&state, move |p| {
        let (notifications, cursor) =
            permitdesk_client::notifications::notifications(p, req.after)?;
        Ok(NotificationsAnswer {
            notifications,
            cursor,
        })
    })
    .await
}
