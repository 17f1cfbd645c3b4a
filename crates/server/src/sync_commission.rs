//! 中介服务超市 on the server (issue 6, seed 9): the push rules of commissions 服务委托, beside
//! [`crate::sync`] and in its style: pure functions that replay the commission with the domain,
//! check scope and time, decide against the market catalogue, and seal.
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

use crate::scope::{CommandKind, EntityKind, EntityScope, Target, Viewer, may_push};
use crate::sync::{
    Decided, Head, Loaded, LoadedEntity, check_common, corrupt, events_of, invalid, seal, snake,
};
use permitdesk_domain::actor::Actor;
use permitdesk_domain::case::Acting;
use permitdesk_domain::ids::{DepartmentCode, ProjectId};
use permitdesk_domain::intermediary::{
    Commission, CommissionCommand, CommissionId, CommissionState, MarketCatalogue, SelectionRule,
};
use permitdesk_domain::time::to_local;
use permitdesk_protocol::{CommandEnvelope, DomainEvent, Refusal};

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

/// Replays a stored commission (None if it has no events).
pub fn replay_commission(
    key: &str,
    loaded: Option<&LoadedEntity>,
) -> Result<Option<Commission>, Refusal> {
    let Some(l) = loaded.filter(|l| !l.events.is_empty()) else {
        return Ok(None);
    };
    let events = events_of(key, &l.events, |e| match e {
        DomainEvent::Commission(s) => Some(s),
        _ => None,
    })?;
    Commission::replay(events.iter())
        .map(Some)
        .map_err(|_| corrupt(key))
}

fn forbidden(d: crate::scope::PushDenied) -> Refusal {
    Refusal::Forbidden {
        message: d.to_string(),
    }
}

/// The case a result is shared with must be one the server has, of the commission's project,
/// visible to the user; returns its department.
fn shared_case_department(
    viewer: &Viewer<'_>,
    loaded: &Loaded,
    commission: &Commission,
    case: &permitdesk_domain::ids::CaseId,
) -> Result<DepartmentCode, Refusal> {
    let key = format!("case:{case}");
    let found = crate::sync::replay_case(&key, loaded.project.as_ref())?;
    let Some((c, events)) = found else {
        return Err(invalid(format!("办件 {case} 不存在或不在您的权限范围内")));
    };
    let scope = crate::sync::case_scope(
        &c,
        events.first(),
        loaded
            .project
            .as_ref()
            .map(|l| l.project_departments.clone())
            .unwrap_or_default(),
    );
    if !crate::scope::may_see(viewer, &scope) {
        return Err(invalid(format!("办件 {case} 不存在或不在您的权限范围内")));
    }
    if c.project != commission.project {
        return Err(invalid(format!(
            "办件 {case} 属于项目 {}，不是本委托的项目 {}",
            c.project, commission.project
        )));
    }
    Ok(c.department)
}

/// Decides one 中介服务委托 command (see the module documentation).
#[allow(clippy::too_many_arguments)]
pub(crate) fn decide_commission(
    viewer: &Viewer<'_>,
    actor: &Actor,
    env: &CommandEnvelope,
    loaded: &Loaded,
    market: &MarketCatalogue,
    id: &CommissionId,
    command: &CommissionCommand,
    kind: CommandKind,
    head: Option<(u64, String)>,
) -> Result<Decided, Refusal> {
    let key = format!("commission:{id}");
    let current = replay_commission(&key, loaded.entity.as_ref())?;
    let stored_audience = loaded
        .entity
        .as_ref()
        .map(|l| l.project_departments.clone())
        .unwrap_or_default();
    let scope = current
        .as_ref()
        .map(|c| commission_scope(c, stored_audience.clone()));
    let target = match &scope {
        Some(s) => Target::Existing(s),
        None => Target::New { owner: None },
    };
    may_push(viewer, kind, target).map_err(forbidden)?;
    check_common(
        env,
        current.as_ref().map(|c| (c.version, c.last_event_at)),
        &loaded.attachments,
    )?;
    let mut command = command.clone();
    let mut shared = Vec::new();
    match (&mut command, current.as_ref()) {
        (
            CommissionCommand::Select {
                rule: SelectionRule::RandomDraw { draw },
            },
            Some(c),
        ) => {
            // The server's draw, derived from what is stored: the client's number is ignored.
            *draw = permitdesk_protocol::commission::draw_for(c);
        }
        (CommissionCommand::ShareResult { case, .. }, Some(c)) => {
            shared.push(shared_case_department(viewer, loaded, c, case)?);
        }
        _ => {}
    }
    let acting = Acting {
        actor: actor.clone(),
        at: env.acted_at,
        opinion: env.opinion.clone(),
        attachments: env.attachments.clone(),
    };
    let (new, events) =
        Commission::execute(current, id, &command, &acting, market).map_err(|e| {
            Refusal::Commission {
                message: e.to_string(),
                error: e,
            }
        })?;
    let links = events
        .iter()
        .flat_map(|e| e.attachments.iter().cloned())
        .collect();
    let sealed = seal(&key, head.as_ref(), events, DomainEvent::Commission, |e| {
        e.at
    })?;
    let last = sealed.last().map(|e| e.hash.clone()).unwrap_or_default();
    let fresh = commission_audience(&new, market, &shared);
    let mut audience = stored_audience;
    for d in fresh {
        if !audience.contains(&d) {
            audience.push(d);
        }
    }
    let scope = commission_scope(&new, audience);
    let see = scope
        .project_departments
        .iter()
        .map(|d| (scope.project.clone(), d.clone()))
        .collect();
    Ok(Decided {
        head: Head {
            entity_key: key,
            kind: EntityKind::Commission,
            entity_id: new.id.to_string(),
            version: new.version,
            hash: last,
            state: snake(&new.state),
            last_event_at: new.last_event_at,
            scope,
        },
        events: sealed,
        links,
        share: None,
        see,
    })
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
    use permitdesk_domain::actor::Role;
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
