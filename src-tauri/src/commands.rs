//! The Tauri commands: thin adapters over `permitdesk-client`. Each takes at most one argument,
//! `req`, runs its blocking work off the UI thread, and answers JSON or a [`UiError`].
//! No business rule lives here: the domain decides, `client::ops` builds commands and acts,
//! `client::reads` and `client::papers` read; the CLI calls the same functions.
//!
//! The profile is a [`Session`]: a command holds its lock only while it touches the store, and
//! nothing holds it while a request is on the network, so no read waits for a sync.

use crate::error::UiError;
use crate::state::{AppState, lock};
use crate::sync_loop;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use permitdesk_client::credentials::Secret;
use permitdesk_client::engine::{SyncOptions, SyncReport};
use permitdesk_client::expired::{self, ExpiredAction, ReconfirmOutcome, Selection};
use permitdesk_client::ops::{
    self, ActOutcome, ApplyRequest, AttachmentInfo, CaseAction, Commands, ProjectAction as PA,
    RegisterRequest, Validation,
};
use permitdesk_client::papers::{self, PaperKind};
use permitdesk_client::profile::{LoginOutcome, Removed, new_id};
use permitdesk_client::reads::{
    self, CaseDetail, ClockView, LibraryEntry, Overview, QueueEntry, Status, TrailView,
};
use permitdesk_client::reference::{DistrictsView, ImportOutcome, ImportRequest, ReferenceView};
use permitdesk_client::store::RefusalEntry;
use permitdesk_client::transport::pin::ServerTrust;
use permitdesk_client::{ClientError, Profile, Session};
use permitdesk_domain::case::Case;
use permitdesk_domain::catalogue::Catalogue;
use permitdesk_domain::ids::{AttachmentId, CaseId, ProjectId};
use permitdesk_domain::project::Project;
use permitdesk_protocol::{DomainCommand, UserInfo};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use tauri::{AppHandle, State};

type Answer<T> = Result<T, UiError>;

/// Run `f` with the session on a blocking thread (the UI thread never waits on the disk or the
/// network).
async fn blocking<T, F>(state: &State<'_, AppState>, f: F) -> Answer<T>
where
    T: Send + 'static,
    F: FnOnce(&Session) -> Answer<T> + Send + 'static,
{
    let session = state.session.clone();
    tauri::async_runtime::spawn_blocking(move || f(&session))
        .await
        .map_err(|e| UiError::internal(format!("后台任务失败：{e}")))?
}

/// Local work on the profile (a read, a file kept), on a blocking thread.
async fn with_profile<T, F>(state: &State<'_, AppState>, f: F) -> Answer<T>
where
    T: Send + 'static,
    F: FnOnce(&mut Profile) -> Answer<T> + Send + 'static,
{
    blocking(state, move |s| s.with(f)).await
}

// ------------------------------------------------------------------------------------------
// Session

#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
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
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct LoginRequest {
    pub server: String,
    pub fingerprint: String,
    pub user: String,
    pub password: String,
    #[cfg_attr(test, ts(optional, as = "Option<_>"))]
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
    let outcome = blocking(&state, move |s| {
        let trust = ServerTrust::Pinned(fp);
        let out = s
            .login(req.server.trim(), &trust, req.user.trim(), &req.password)
            .map_err(|e| {
                let field = match &e {
                    ClientError::Pinning(_) => "fingerprint",
                    ClientError::Offline(_) => "server",
                    _ => "password",
                };
                UiError::from(e).on(field)
            })?;
        s.with(|p| {
            let creds = p.credentials();
            if req.remember {
                creds.set(p.id(), Secret::Password, &req.password)
            } else {
                creds.delete(p.id(), Secret::Password)
            }
        })?;
        Ok(out)
    })
    .await?;
    if let Ok(mut s) = state.sync.lock() {
        s.login_expired = false;
        s.message = None;
    }
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
#[cfg_attr(test, derive(ts_rs::TS))]
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
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StatusView {
    #[serde(flatten)]
    pub status: Status,
    pub online: bool,
    pub syncing: bool,
    pub offline_mode: bool,
    /// The server no longer accepts the login: log in again (the queue is kept).
    pub login_expired: bool,
    /// What the last sync said (offline, login expired ...), if anything.
    pub sync_message: Option<String>,
}

#[tauri::command]
pub async fn status(state: State<'_, AppState>) -> Answer<StatusView> {
    let s = lock(&state.sync)?.clone();
    let status = with_profile(&state, |p| {
        Ok(reads::status_at(p.store(), p.corrected_now()?)?)
    })
    .await?;
    Ok(StatusView {
        status,
        online: s.online,
        syncing: s.syncing,
        offline_mode: s.offline_mode,
        login_expired: s.login_expired,
        sync_message: s.message,
    })
}

#[tauri::command]
pub async fn sync_now(app: AppHandle, state: State<'_, AppState>) -> Answer<SyncReport> {
    sync_loop::sync_once(&app, &state).await
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
#[cfg_attr(test, derive(ts_rs::TS))]
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

/// 超过离线时限的操作: what the server refused as older than the offline limit, in one list
/// (the CLI's `refusals expired`).
#[tauri::command]
pub async fn expired_actions(state: State<'_, AppState>) -> Answer<Vec<ExpiredAction>> {
    with_profile(&state, |p| Ok(expired::expired(p)?)).await
}

#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ReconfirmRequest {
    /// The ones the user ticked (mutation ids); absent: all of the list.
    #[cfg_attr(test, ts(optional, as = "Option<_>"))]
    #[serde(default)]
    pub mutation_ids: Option<Vec<u64>>,
}

/// 重新确认并提交: queue them again at the current time, each decided again by the domain, then
/// sync unless working offline (the CLI's `refusals reconfirm`).
#[tauri::command]
pub async fn reconfirm_expired(
    app: AppHandle,
    state: State<'_, AppState>,
    req: ReconfirmRequest,
) -> Answer<ReconfirmOutcome> {
    let offline = state.offline_mode();
    let selection = match req.mutation_ids {
        Some(ids) => Selection::Only(ids),
        None => Selection::All,
    };
    let outcome = blocking(&state, move |s| Ok(s.reconfirm(&selection, offline)?)).await?;
    let o = &outcome.outcome;
    if !offline
        && !outcome.reconfirmed.is_empty()
        && let Ok(mut s) = state.sync.lock()
    {
        s.online = o.offline.is_none();
        s.message = o.offline.clone().or(o.sync_error.clone());
    }
    if !outcome.reconfirmed.is_empty() {
        // The views behind the dialog show the actions again (and their new state).
        use tauri::Emitter as _;
        let _ = app.emit("data-changed", serde_json::json!({}));
    }
    state.wake_sync();
    sync_loop::publish(&app, &state);
    Ok(outcome)
}

#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct RemoveProfileRequest {
    /// Throw away the commands not yet synced (the user was told how many).
    #[serde(default)]
    pub discard_unsent: bool,
}

/// 删除本机数据: this profile's secrets in the keyring (token, database key, remembered
/// password) and its files are deleted; the app goes on with a fresh, empty profile (the CLI's
/// `profile remove`).
#[tauri::command]
pub async fn remove_profile(
    app: AppHandle,
    state: State<'_, AppState>,
    req: RemoveProfileRequest,
) -> Answer<Removed> {
    let drafts = state.drafts.clone();
    let removed = blocking(&state, move |s| {
        let mut d = lock(&drafts)?;
        d.close()?;
        let removed = s.remove_profile(req.discard_unsent);
        // The drafts of the profile now open: the fresh one's, or the old one's if it was kept.
        *d = s.with(|p| p.open_drafts())?;
        Ok(removed?)
    })
    .await?;
    if let Ok(mut s) = state.sync.lock() {
        s.login_expired = false;
        s.message = None;
    }
    {
        use tauri::Emitter as _;
        let _ = app.emit("data-changed", serde_json::json!({}));
    }
    sync_loop::publish(&app, &state);
    Ok(removed)
}

// ------------------------------------------------------------------------------------------
// Validation as the user types: the domain's own parsers and messages

#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ValidateRequest {
    pub kind: String,
    pub value: String,
}

#[tauri::command]
pub async fn validate(req: ValidateRequest) -> Answer<Validation> {
    Ok(ops::validate(&req.kind, &req.value)?)
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
#[cfg_attr(test, derive(ts_rs::TS))]
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

/// Queue the commands of one user action and sync right away unless working offline: queued
/// first (a refusal by the domain changes nothing); no network: the work stays in the outbox
/// and the answer says so.
async fn act(
    app: &AppHandle,
    state: &State<'_, AppState>,
    commands: Commands,
    opinion: Option<String>,
    created: Vec<String>,
) -> Answer<ActOutcome> {
    let offline = state.offline_mode();
    let outcome = blocking(state, move |s| {
        Ok(s.act(commands, opinion, offline, created)?)
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

/// The domain actions a typed shell command issues, for the reachability table
/// (`src-tauri/src/reachability.rs`); `case_act` and `act_command` carry theirs in the request.
pub enum Issued {
    Case(&'static [permitdesk_domain::case::CaseAction]),
    Project(&'static [permitdesk_domain::project::ProjectAction]),
}

/// Each shell command that issues domain commands of its own, and which.
pub const ISSUES: &[(&str, Issued)] = {
    use permitdesk_domain::case::CaseAction as C;
    use permitdesk_domain::project::ProjectAction as P;
    &[
        // One case per item, with the materials attached (`ops::apply_commands`).
        ("apply", Issued::Case(&[C::Create, C::AttachMaterial])),
        // 网上登记 by an applicant, 现场登记 at the window (`ops::register_command`).
        (
            "register_project",
            Issued::Project(&[P::RegisterOnline, P::RegisterOnSite]),
        ),
        ("edit_project", Issued::Project(&[P::Edit])),
        ("submit_project", Issued::Project(&[P::Submit])),
        ("choose_flow", Issued::Project(&[P::ChooseFlow])),
        (
            "request_project_correction",
            Issued::Project(&[P::RequestCorrection]),
        ),
        ("add_works", Issued::Project(&[P::AddWorks])),
        ("close_project", Issued::Project(&[P::Close])),
    ]
};

#[tauri::command]
pub async fn register_project(
    app: AppHandle,
    state: State<'_, AppState>,
    req: RegisterRequest,
) -> Answer<ActOutcome> {
    let cat = profile_catalogue(&state).await?;
    let (id, command) = ops::register_command(&req, &cat, || new_id("P"))?;
    let created = vec![id.to_string()];
    act(&app, &state, vec![(command, vec![])], None, created).await
}

/// 修改项目登记信息: the project and its whole registration form again.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct EditProjectRequest {
    pub project: String,
    pub details: RegisterRequest,
}

#[tauri::command]
pub async fn edit_project(
    app: AppHandle,
    state: State<'_, AppState>,
    req: EditProjectRequest,
) -> Answer<ActOutcome> {
    let cat = profile_catalogue(&state).await?;
    let project = ProjectId::new(req.project.trim());
    let command = ops::edit_command(&project, &req.details, &cat)?;
    act(&app, &state, vec![(command, vec![])], None, vec![]).await
}

/// The request of every project action (the command says which); unused fields are ignored.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ProjectAction {
    pub project: String,
    #[cfg_attr(test, ts(optional))]
    #[serde(default)]
    pub flow: Option<String>,
    #[cfg_attr(test, ts(optional, as = "Option<_>"))]
    #[serde(default)]
    pub problems: Vec<String>,
    #[cfg_attr(test, ts(optional))]
    #[serde(default)]
    pub reason: Option<String>,
    #[cfg_attr(test, ts(optional))]
    #[serde(default)]
    pub works_id: Option<String>,
    #[cfg_attr(test, ts(optional))]
    #[serde(default)]
    pub name: Option<String>,
    #[cfg_attr(test, ts(optional))]
    #[serde(default)]
    pub description: Option<String>,
    #[cfg_attr(test, ts(optional))]
    #[serde(default)]
    pub area: Option<String>,
    #[cfg_attr(test, ts(optional))]
    #[serde(default)]
    pub opinion: Option<String>,
}

async fn project_act(
    app: AppHandle,
    state: State<'_, AppState>,
    req: ProjectAction,
    action: impl FnOnce(ProjectAction) -> PA,
) -> Answer<ActOutcome> {
    let (project, opinion) = (req.project.clone(), req.opinion.clone());
    let cat = profile_catalogue(&state).await?;
    let command = ops::project_command(&cat, &project, action(req))?;
    act(&app, &state, vec![(command, vec![])], opinion, vec![]).await
}

#[tauri::command]
pub async fn submit_project(
    app: AppHandle,
    state: State<'_, AppState>,
    req: ProjectAction,
) -> Answer<ActOutcome> {
    project_act(app, state, req, |_| PA::Submit).await
}

#[tauri::command]
pub async fn choose_flow(
    app: AppHandle,
    state: State<'_, AppState>,
    req: ProjectAction,
) -> Answer<ActOutcome> {
    project_act(app, state, req, |r| PA::ChooseFlow {
        flow: r.flow.unwrap_or_default(),
    })
    .await
}

#[tauri::command]
pub async fn request_project_correction(
    app: AppHandle,
    state: State<'_, AppState>,
    req: ProjectAction,
) -> Answer<ActOutcome> {
    project_act(app, state, req, |r| PA::RequestCorrection {
        problems: r.problems,
    })
    .await
}

#[tauri::command]
pub async fn add_works(
    app: AppHandle,
    state: State<'_, AppState>,
    req: ProjectAction,
) -> Answer<ActOutcome> {
    project_act(app, state, req, |r| PA::AddWorks {
        works_id: r.works_id.unwrap_or_default(),
        name: r.name.unwrap_or_default(),
        description: r.description.unwrap_or_default(),
        area: r.area.unwrap_or_default(),
    })
    .await
}

#[tauri::command]
pub async fn close_project(
    app: AppHandle,
    state: State<'_, AppState>,
    req: ProjectAction,
) -> Answer<ActOutcome> {
    project_act(app, state, req, |r| PA::Close {
        reason: r.reason.unwrap_or_default(),
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
    let (application, cases, commands) =
        with_profile(&state, move |p| Ok(ops::apply_commands(p, &req)?)).await?;
    let mut created = vec![application.to_string()];
    created.extend(cases.iter().map(ToString::to_string));
    act(&app, &state, commands, None, created).await
}

#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CaseActRequest {
    pub case: String,
    pub action: CaseAction,
    #[cfg_attr(test, ts(optional))]
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
    let command = with_profile(&state, move |p| Ok(ops::case_command(p, &case, action)?)).await?;
    let opinion = req.opinion.filter(|o| !o.trim().is_empty());
    act(&app, &state, vec![command], opinion, vec![]).await
}

#[tauri::command]
pub async fn case_detail(state: State<'_, AppState>, req: IdRequest) -> Answer<CaseDetail> {
    with_profile(&state, move |p| {
        Ok(reads::case_detail(p, &CaseId::new(req.id.trim()))?)
    })
    .await
}

/// How a case's deadline is reckoned (期限如何计算), read now.
#[tauri::command]
pub async fn clock_explanation(state: State<'_, AppState>, req: IdRequest) -> Answer<ClockView> {
    with_profile(&state, move |p| {
        Ok(reads::case_clock(p, &CaseId::new(req.id.trim()))?)
    })
    .await
}

#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct TrailRequest {
    /// `case`, `project` or `consultation`.
    pub entity: String,
    pub id: String,
}

#[tauri::command]
pub async fn trail(state: State<'_, AppState>, req: TrailRequest) -> Answer<TrailView> {
    with_profile(&state, move |p| {
        let entity = reads::entity_ref(&req.entity, &req.id)?;
        Ok(reads::trail(p.store(), &entity)?)
    })
    .await
}

#[tauri::command]
pub async fn consultations(state: State<'_, AppState>) -> Answer<Vec<reads::ConsultationView>> {
    with_profile(&state, |p| Ok(reads::consultation_views(p.store())?)).await
}

/// 合规性审查 measured by the system for a consultation (shown before the reviewer concludes).
#[tauri::command]
pub async fn compliance_findings(
    state: State<'_, AppState>,
    req: IdRequest,
) -> Answer<Vec<permitdesk_domain::consultation::ZoneFinding>> {
    let id = permitdesk_domain::consultation::ConsultationId::new(req.id.trim());
    with_profile(&state, move |p| {
        Ok(reads::compliance_findings(p.store(), &id)?)
    })
    .await
}

/// Which desk list `queue` answers (待办 when absent).
#[derive(Debug, Default, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct QueueRequest {
    #[serde(default)]
    #[cfg_attr(test, ts(optional))]
    pub list: Option<reads::DeskList>,
}

/// One of the desk's lists: 待办 (default), 已办, 全部.
#[tauri::command]
pub async fn queue(
    state: State<'_, AppState>,
    req: Option<QueueRequest>,
) -> Answer<Vec<QueueEntry>> {
    let list = req.and_then(|r| r.list).unwrap_or_default();
    with_profile(&state, move |p| Ok(reads::my_desk(p, None, list)?)).await
}

/// Every local case by stage and department (the reform office's overview).
#[tauri::command]
pub async fn overview(state: State<'_, AppState>) -> Answer<Overview> {
    with_profile(&state, |p| Ok(reads::overview(p)?)).await
}

// ------------------------------------------------------------------------------------------
// Materials

#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AddAttachment {
    pub name: String,
    pub bytes_base64: String,
}

#[tauri::command]
pub async fn add_attachment(
    state: State<'_, AppState>,
    req: AddAttachment,
) -> Answer<AttachmentInfo> {
    let bytes = B64
        .decode(req.bytes_base64.as_bytes())
        .map_err(|e| UiError::invalid(format!("文件内容无法解码：{e}")))?;
    with_profile(&state, move |p| {
        Ok(ops::attach_bytes(p, &req.name, &bytes)?)
    })
    .await
}

#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PathRequest {
    pub path: String,
}

#[tauri::command]
pub async fn add_attachment_path(
    state: State<'_, AppState>,
    req: PathRequest,
) -> Answer<AttachmentInfo> {
    with_profile(&state, move |p| {
        Ok(ops::attach_path(p, std::path::Path::new(req.path.trim()))?)
    })
    .await
}

/// 材料库: every file this profile has, with the material names it was given as.
#[tauri::command]
pub async fn material_library(state: State<'_, AppState>) -> Answer<Vec<LibraryEntry>> {
    with_profile(&state, |p| Ok(reads::material_library(p.store())?)).await
}

#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AttachmentBytes {
    pub name: Option<String>,
    pub mime: Option<String>,
    pub bytes_base64: String,
}

#[tauri::command]
pub async fn attachment(state: State<'_, AppState>, req: IdRequest) -> Answer<AttachmentBytes> {
    blocking(&state, move |s| {
        let id = AttachmentId::new(req.id.trim());
        let bytes = s.fetch_attachment(&id)?;
        let cached = s.with(|p| p.store().attachment(&id))?;
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
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct DocumentRequest {
    pub kind: String,
    pub id: String,
    #[cfg_attr(test, ts(optional))]
    #[serde(default)]
    pub path: Option<String>,
}

#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
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

#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PdfPagesRequest {
    pub pdf_base64: String,
}

/// One page of a previewed PDF, a PNG image.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PageImageAnswer {
    pub width: u32,
    pub height: u32,
    pub png_base64: String,
}

/// 预览页面: the pages of a PDF (a paper, a downloaded certificate, an uploaded material) as
/// images, drawn here rather than by PDF.js in the web page (documents::raster; issue 13,
/// "Memory").
#[tauri::command]
pub async fn pdf_pages(req: PdfPagesRequest) -> Answer<Vec<PageImageAnswer>> {
    use permitdesk_documents::raster::{MAX_PDF_BYTES, pdf_page_images};
    if req.pdf_base64.len() > MAX_PDF_BYTES / 3 * 4 + 4 {
        return Err(UiError::invalid(format!(
            "文件过大，预览上限 {} MB，请另存后用其他软件打开",
            MAX_PDF_BYTES / (1024 * 1024)
        )));
    }
    tauri::async_runtime::spawn_blocking(move || {
        let bytes = B64
            .decode(req.pdf_base64.as_bytes())
            .map_err(|_| UiError::invalid("文件内容不是有效的 PDF 数据"))?;
        let pages = pdf_page_images(bytes, 1.5).map_err(|e| UiError::invalid(e.to_string()))?;
        Ok(pages
            .into_iter()
            .map(|p| PageImageAnswer {
                width: p.width,
                height: p.height,
                png_base64: B64.encode(&p.png),
            })
            .collect())
    })
    .await
    .map_err(|e| UiError::internal(e.to_string()))?
}

#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Saved {
    pub path: String,
}

/// A path the user typed, if any.
fn target_path(path: Option<&str>) -> Option<std::path::PathBuf> {
    path.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(std::path::PathBuf::from)
}

#[tauri::command]
pub async fn save_document(state: State<'_, AppState>, req: DocumentRequest) -> Answer<Saved> {
    let kind = paper_kind(&req.kind)?;
    let target = target_path(req.path.as_deref())
        .ok_or_else(|| UiError::invalid("请填写保存位置").on("path"))?;
    with_profile(&state, move |p| {
        let paper = papers::render(p, kind, &req.id)?;
        let path = ops::save_file(&target, &paper.file_name, &paper.pdf)?;
        Ok(Saved {
            path: path.display().to_string(),
        })
    })
    .await
}

// ------------------------------------------------------------------------------------------
// Drafts: saved on every change, on their own connection (never behind a running sync)

#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct DraftRequest {
    pub key: String,
    #[cfg_attr(test, ts(optional))]
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
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CommandRequest {
    pub command: DomainCommand,
    #[cfg_attr(test, ts(optional))]
    #[serde(default)]
    pub opinion: Option<String>,
    #[cfg_attr(test, ts(optional, as = "Option<_>"))]
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
    let commands = vec![(req.command, req.attachments)];
    act(&app, &state, commands, opinion, vec![]).await
}

#[tauri::command]
pub async fn evaluations(state: State<'_, AppState>) -> Answer<Vec<reads::EvaluationView>> {
    with_profile(&state, |p| Ok(reads::evaluation_views(p.store())?)).await
}

#[tauri::command]
pub async fn complaints(state: State<'_, AppState>) -> Answer<Vec<reads::ComplaintView>> {
    with_profile(&state, |p| Ok(reads::complaint_views(p.store())?)).await
}

// ------------------------------------------------------------------------------------------
// Statistics (computed by the server: a department sees its own, the reform office all)

#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StatisticsRequest {
    #[serde(flatten)]
    pub query: permitdesk_protocol::statistics::StatisticsQuery,
    /// Where to save xlsx/csv/pdf (a file or a directory); JSON is answered, not saved.
    #[cfg_attr(test, ts(optional))]
    #[serde(default)]
    pub path: Option<String>,
}

#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
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
    blocking(&state, move |s| {
        let bytes = s.online(|t, token| Ok(t.statistics(token, &req.query)?))?;
        if req.query.format == StatisticsFormat::Json {
            let json = serde_json::from_slice(&bytes)
                .map_err(|e| UiError::internal(format!("统计结果无法解析：{e}")))?;
            return Ok(StatisticsAnswer {
                json: Some(json),
                bytes_base64: None,
                saved: None,
            });
        }
        let name = format!(
            "{}.{}",
            req.query.report.as_str(),
            req.query.format.as_str()
        );
        let saved = match target_path(req.path.as_deref()) {
            Some(target) => Some(
                ops::save_file(&target, &name, &bytes)?
                    .display()
                    .to_string(),
            ),
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
pub async fn commissions(state: State<'_, AppState>) -> Answer<Vec<reads::CommissionView>> {
    with_profile(&state, |p| {
        let now = p.corrected_now()?;
        Ok(reads::commissions(p.store(), now)?)
    })
    .await
}

/// 规划分区: the planning zones the compliance review checks a site against (the version this
/// profile holds).
#[tauri::command]
pub async fn planning_zones(
    state: State<'_, AppState>,
) -> Answer<Vec<permitdesk_domain::consultation::compliance::PlanningZone>> {
    with_profile(&state, |p| Ok(p.reference()?.zones.as_ref().clone())).await
}

/// 行政区划: the divisions the hall serves for project locations, grouped under their city
/// (the version this profile holds): what the registration form offers.
#[tauri::command]
pub async fn districts(state: State<'_, AppState>) -> Answer<DistrictsView> {
    with_profile(&state, |p| Ok(permitdesk_client::reference::districts(p)?)).await
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
    let outcome = blocking(&state, move |s| {
        permitdesk_client::reference::import_shared(s, &req).map_err(|e| match e {
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
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct NotificationsRequest {
    #[cfg_attr(test, ts(optional, as = "Option<_>"))]
    #[serde(default)]
    pub after: u64,
}

#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
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
    blocking(&state, move |s| {
        let (raw, cursor) =
            s.online(|t, token| permitdesk_client::notifications::fetch(t, token, req.after))?;
        let notifications = s.with(|p| permitdesk_client::notifications::name(p.store(), &raw));
        Ok(NotificationsAnswer {
            notifications,
            cursor,
        })
    })
    .await
}

// ------------------------------------------------------------------------------------------
// 证照核验 (issue 14): a certificate PDF the user picked: its PAdES signature checked here, its
// status asked from the server (the same check as `permitdesk certificate verify`).

/// A picked file, as the UI read it.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct VerifyCertificateRequest {
    pub pdf_base64: String,
}

#[tauri::command]
pub async fn verify_certificate(
    state: State<'_, AppState>,
    req: VerifyCertificateRequest,
) -> Answer<permitdesk_client::certificates::CertificateVerdict> {
    let pdf = B64
        .decode(req.pdf_base64.trim())
        .map_err(|_| UiError::invalid("所选文件无法读取，请重新选择 PDF 文件"))?;
    if !pdf.starts_with(b"%PDF") {
        return Err(UiError::invalid("所选文件不是 PDF 文件"));
    }
    with_profile(&state, move |p| Ok(p.verify_certificate(&pdf)?)).await
}
