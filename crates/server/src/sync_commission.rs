//! 中介服务超市 on the server (issue 6, seed 9): what the push pipeline of [`crate::sync`]
//! needs of commissions 服务委托 ([`crate::sync::Pushed`]): their scope and audience, decided
//! against the market catalogue in force, and the server's own rules below.
//!
//! Who does what is the domain's (`CommissionAction::allowed_roles`, `Commission::decide`): the
//! applicant publishes a request or chooses from the menu, the competent department commissions
//! when the government pays and records expert reviews, qualified agencies quote, the applicant
//! selects (direct, lowest price, random draw), the agency accepts (the service clock starts),
//! declines or delivers, the applicant confirms or sends back, and the applicant or the window
//! shares the result with an approval case of the same project.
//!
//! Two rules are the server's own:
//! - the random draw (随机抽取) is never the client's number: the server replaces it with
//!   [`permitdesk_protocol::commission::draw_for`] over the stored request and its open quotes,
//!   so the recorded number is reproducible by anyone holding the trail;
//! - sharing a result names a case the server has, of the commission's project, that the user
//!   may see; the case's department then sees the commission (its `dept:` audience entry).
//!
//! The market catalogue is the one in force in the server's reference data (issue 11: version 0
//! is the shipped demo market, [`shipped_market`]; the reform office imports newer ones), the
//! same data every synced client holds, so a client decides offline exactly as the server does.
//! Scope: see [`crate::scope::EntityKind::Commission`] and [`commission_audience`].

use crate::scope::{CommandKind, EntityKind, EntityScope};
use crate::sync::{Cx, Pushed, head_fields, invalid, snake, visible};
use chrono::{DateTime, Utc};
use permitdesk_domain::case::Case;
use permitdesk_domain::ids::{AttachmentId, DepartmentCode, ProjectId};
use permitdesk_domain::intermediary::{
    Commission, CommissionCommand, CommissionError, CommissionEvent, CommissionId, CommissionState,
    MarketCatalogue, SelectionRule,
};
use permitdesk_domain::reference::ReferenceSet;
use permitdesk_domain::time::to_local;
use permitdesk_protocol::Refusal;

/// The market the server decides with: the domain crate's shipped demo market, parsed once
/// (None only if the shipped file were broken, which the domain's tests rule out).
pub fn shipped_market() -> Option<&'static MarketCatalogue> {
    static MARKET: std::sync::OnceLock<Option<MarketCatalogue>> = std::sync::OnceLock::new();
    MARKET
        .get_or_init(|| match MarketCatalogue::demo() {
            Ok(m) => Some(m),
            Err(e) => {
                tracing::error!(error = %e, "the shipped intermediary market does not load");
                None
            }
        })
        .as_ref()
}

/// Heads states the overdue scheduler looks at (the service clock runs).
pub const RUNNING_STATES: &[&str] = &["in_service", "in_revision"];

/// The audience entries of a commission (see [`EntityKind::Commission`]): the chosen agency
/// and every agency that quoted (`agency:`), the agencies qualified to quote on the day of the
/// last event while the request is open (`open:`), and the departments of the cases the
/// result is shared with (`dept:`, given by the caller).
pub fn commission_audience(
    c: &Commission,
    market: &MarketCatalogue,
    shared_departments: &[DepartmentCode],
) -> Vec<DepartmentCode> {
    let mut out: Vec<DepartmentCode> = Vec::new();
    let mut add = |s: String| {
        let d = DepartmentCode::new(s);
        if !out.contains(&d) {
            out.push(d);
        }
    };
    if let Some(a) = &c.agency {
        add(format!("agency:{a}"));
    }
    for q in &c.quotes {
        add(format!("agency:{}", q.agency));
    }
    if c.state == CommissionState::Requested {
        for a in market.agencies_for(&c.terms.item, to_local(c.last_event_at).date()) {
            add(format!("open:{}", a.id()));
        }
    }
    for d in shared_departments {
        add(format!("dept:{d}"));
    }
    out
}

/// The scope of a commission; `audience` as stored (or just computed).
pub fn commission_scope(c: &Commission, audience: Vec<DepartmentCode>) -> EntityScope {
    EntityScope {
        kind: EntityKind::Commission,
        owner: c.applicant.clone(),
        department: Some(c.terms.competent_department.clone()),
        project: commission_scope_project(&c.id),
        draft: c.state == CommissionState::Requested,
        granted: false,
        created_by_window: false,
        project_departments: audience,
    }
}

/// The pseudo project a commission's audience is stored under.
pub fn commission_scope_project(id: &CommissionId) -> ProjectId {
    ProjectId::new(format!("commission:{id}"))
}

/// The case a result is shared with must be one the server has, of the commission's project,
/// visible to the user; returns its department.
fn shared_case_department(
    cx: &Cx<'_>,
    commission: &Commission,
    case: &permitdesk_domain::ids::CaseId,
) -> Result<DepartmentCode, Refusal> {
    let key = format!("case:{case}");
    let Some(c) = visible::<Case>(cx, &key, cx.loaded.project.as_ref())? else {
        return Err(invalid(format!("办件 {case} 不存在或不在您的权限范围内")));
    };
    if c.project != commission.project {
        return Err(invalid(format!(
            "办件 {case} 属于项目 {}，不是本委托的项目 {}",
            c.project, commission.project
        )));
    }
    Ok(c.department)
}

/// 中介服务委托 (see the module documentation).
impl Pushed for Commission {
    const SCOPE_KIND: EntityKind = EntityKind::Commission;

    fn event_at(e: &CommissionEvent) -> DateTime<Utc> {
        e.at
    }
    fn event_attachments(e: &CommissionEvent) -> Vec<AttachmentId> {
        e.attachments.clone()
    }
    fn command_kind(cmd: &CommissionCommand) -> CommandKind {
        CommandKind::Commission(cmd.action())
    }
    fn refused(e: CommissionError) -> Refusal {
        Refusal::Commission {
            message: e.to_string(),
            error: e,
        }
    }
    /// The market in force.
    fn with_context<R>(reference: &ReferenceSet, f: impl FnOnce(&MarketCatalogue) -> R) -> R {
        f(&reference.market)
    }
    head_fields!();
    fn state_name(&self) -> String {
        snake(&self.state)
    }
    fn scope(&self, _: Option<&CommissionEvent>, audience: Vec<DepartmentCode>) -> EntityScope {
        commission_scope(self, audience)
    }
    /// The server's draw replaces the client's number; a shared result names its case.
    fn prepare(
        cx: &Cx<'_>,
        current: Option<&Commission>,
        command: &mut CommissionCommand,
    ) -> Result<Vec<DepartmentCode>, Refusal> {
        match (command, current) {
            (
                CommissionCommand::Select {
                    rule: SelectionRule::RandomDraw { draw },
                },
                Some(c),
            ) => {
                // The server's draw, derived from what is stored: the client's number is ignored.
                *draw = permitdesk_protocol::commission::draw_for(c);
                Ok(vec![])
            }
            (CommissionCommand::ShareResult { case, .. }, Some(c)) => {
                Ok(vec![shared_case_department(cx, c, case)?])
            }
            _ => Ok(vec![]),
        }
    }
    fn audience(
        &self,
        shared: Vec<DepartmentCode>,
        reference: &ReferenceSet,
    ) -> Vec<DepartmentCode> {
        commission_audience(self, &reference.market, &shared)
    }
}

/// `GET /api/v1/market`: the market catalogue, for every logged-in user (it is public).
pub async fn get_market(
    axum::extract::State(s): axum::extract::State<crate::state::AppState>,
    _a: crate::extract::Authed,
) -> Result<axum::Json<permitdesk_protocol::commission::MarketResponse>, crate::error::ApiFailure> {
    let reference = s.refreshed_reference().await?;
    Ok(axum::Json(
        permitdesk_protocol::commission::MarketResponse {
            market: reference.market.as_ref().clone(),
        },
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::scope::Viewer;
    use permitdesk_domain::actor::{Actor, Role};
    use permitdesk_domain::case::Acting;
    use permitdesk_domain::ids::{ItemCode, OrganisationId};

    #[test]
    fn an_open_request_is_seen_by_qualified_agencies_only_and_the_draw_is_reproducible() {
        let market = shipped_market().unwrap();
        let applicant = Actor {
            user: permitdesk_domain::ids::UserId::new("a"),
            name: "申请人".into(),
            role: Role::Applicant,
            department: None,
            organisation: Some(OrganisationId::new("APPLICANT")),
            levels: vec![],
        };
        let at = permitdesk_domain::time::from_local(
            permitdesk_domain::time::parse_local("2026-03-02T10:00").unwrap(),
        );
        let id = CommissionId::new("W-1");
        let (c, _) = Commission::execute(
            None,
            &id,
            &CommissionCommand::PublishRequest {
                service: ItemCode::new("ZJ-01"),
                project: ProjectId::new("P-1"),
                requirements: "环评报告表".into(),
            },
            &Acting {
                actor: applicant,
                at,
                opinion: None,
                attachments: vec![],
            },
            market,
        )
        .unwrap();
        let scope = commission_scope(&c, commission_audience(&c, market, &[]));
        let sees = |org: &str| {
            let org = OrganisationId::new(org);
            crate::scope::may_see(
                &Viewer {
                    role: Role::IntermediaryAgency,
                    department: None,
                    organisation: Some(&org),
                },
                &scope,
            )
        };
        assert!(sees("91230100MA1AHJ7K0N"));
        assert!(sees("91230100MA1K5P7QX4"));
        // Qualified for other services only.
        assert!(!sees("91230100MA18Y2QW4Q"));
        let mut closed = scope.clone();
        closed.draft = false;
        let org = OrganisationId::new("91230100MA1AHJ7K0N");
        let viewer = Viewer {
            role: Role::IntermediaryAgency,
            department: None,
            organisation: Some(&org),
        };
        assert!(!crate::scope::may_see(&viewer, &closed));
        assert_eq!(
            permitdesk_protocol::commission::draw_for(&c),
            permitdesk_protocol::commission::draw_for(&c.clone())
        );
    }
}
