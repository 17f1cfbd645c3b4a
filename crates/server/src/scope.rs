//! 权限范围: who may see and who may act on which project or case. One pure function for
//! reading ([`may_see`]) and one for writing ([`may_push`]), used by push, pull and downloads.
//!
//! The rules (DESIGN.md "Security"):
//! - 申请人 sees its own organisation's projects and cases, drafts included;
//! - 审批部门 and 市政公用服务单位 see the non-draft cases of their department, and what is
//!   shared with them: the projects on which their department has a case, and the granted
//!   cases (e-certificates, 电子证照) of those projects;
//! - 综合窗口 sees everything it must receive: every project and case not in draft, plus the
//!   drafts a window registered on site;
//! - 市工改办 sees everything; 中介服务机构 only commissions: its own, the ones it quoted on, and
//!   open requests it is qualified to quote on (see [`EntityKind::Commission`]).
//!
//! Acting is narrower than seeing: an applicant acts on its own organisation's entities, a
//! department on its own department's cases, the window on whatever it sees.

use permitdesk_domain::actor::Role;
use permitdesk_domain::case::CaseAction;
use permitdesk_domain::consultation::ConsultationAction;
use permitdesk_domain::evaluation::{ComplaintAction, EvaluationAction};
use permitdesk_domain::ids::{DepartmentCode, OrganisationId, ProjectId};
use permitdesk_domain::intermediary::CommissionAction;
use permitdesk_domain::project::ProjectAction;
use serde::{Deserialize, Serialize};

/// What kind of entity a scope describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Case,
    Project,
    /// A planning record (策划生成, 联合会商): its `project_departments` are the departments
    /// that see it (the two leads and the invited ones), as `Consultation::visible_to` says.
    Consultation,
    /// A rating (好差评): `owner` is the rating organisation, `department` the rated one.
    Evaluation,
    /// A suggestion or complaint: `owner` is the submitter, `department` the assigned one.
    Complaint,
    /// 中介服务委托: `owner` is the applicant, `department` the service's competent department,
    /// `draft` means "request open for quotes", and `project_departments` (stored under the
    /// pseudo project `commission:ID`) hold the audience as tagged entries: `agency:ORG` (the
    /// chosen agency and those that quoted), `open:ORG` (agencies qualified to quote, counted
    /// only while the request is open) and `dept:CODE` (departments of the approval cases the
    /// result was shared with). See [`crate::sync_commission`].
    Commission,
}

impl EntityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Case => "case",
            EntityKind::Project => "project",
            EntityKind::Consultation => "consultation",
            EntityKind::Evaluation => "evaluation",
            EntityKind::Complaint => "complaint",
            EntityKind::Commission => "commission",
        }
    }

    pub fn parse(s: &str) -> Option<EntityKind> {
        match s {
            "case" => Some(EntityKind::Case),
            "project" => Some(EntityKind::Project),
            "consultation" => Some(EntityKind::Consultation),
            "evaluation" => Some(EntityKind::Evaluation),
            "complaint" => Some(EntityKind::Complaint),
            "commission" => Some(EntityKind::Commission),
            _ => None,
        }
    }
}

/// Everything the access rules need to know about one entity (kept in `entity_heads`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityScope {
    pub kind: EntityKind,
    /// The case's applicant organisation or the project's owner.
    pub owner: OrganisationId,
    /// The department handling a case (None for a project).
    pub department: Option<DepartmentCode>,
    /// The case's project, or the project itself.
    pub project: ProjectId,
    /// 草稿: not yet submitted to the window.
    pub draft: bool,
    /// A case granted with an e-certificate (shared with the project's other departments).
    pub granted: bool,
    /// Registered or created by a window operator on site (the window sees its own drafts).
    pub created_by_window: bool,
    /// Departments with a submitted case on the same project.
    pub project_departments: Vec<DepartmentCode>,
}

/// The parts of a user the rules look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer<'a> {
    pub role: Role,
    pub department: Option<&'a DepartmentCode>,
    pub organisation: Option<&'a OrganisationId>,
}

/// What a pushed command is, for the role and scope check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CommandKind {
    Case(CaseAction),
    Project(ProjectAction),
    Consultation(ConsultationAction),
    Evaluation(EvaluationAction),
    Complaint(ComplaintAction),
    Commission(CommissionAction),
}

impl CommandKind {
    /// Every command kind, for the authorization matrix.
    pub fn all() -> Vec<CommandKind> {
        CaseAction::ALL
            .iter()
            .map(|a| CommandKind::Case(*a))
            .chain(ProjectAction::ALL.iter().map(|a| CommandKind::Project(*a)))
            .collect()
    }

    pub fn label(self) -> &'static str {
        match self {
            CommandKind::Case(a) => a.label(),
            CommandKind::Project(a) => a.label(),
            CommandKind::Consultation(a) => a.label(),
            CommandKind::Evaluation(a) => a.label(),
            CommandKind::Complaint(a) => a.label(),
            CommandKind::Commission(a) => a.label(),
        }
    }

    pub fn is_consultation(self) -> bool {
        matches!(self, CommandKind::Consultation(_))
    }

    /// A 中介服务委托 command.
    pub fn is_commission(self) -> bool {
        matches!(self, CommandKind::Commission(_))
    }

    /// A 好差评 or 建议投诉 command (网上互动).
    pub fn is_interaction(self) -> bool {
        matches!(self, CommandKind::Evaluation(_) | CommandKind::Complaint(_))
    }

    /// Whether the command brings a new entity into being.
    pub fn creates(self) -> bool {
        matches!(
            self,
            CommandKind::Case(CaseAction::Create)
                | CommandKind::Project(
                    ProjectAction::RegisterOnline | ProjectAction::RegisterOnSite
                )
                | CommandKind::Consultation(ConsultationAction::Register)
                | CommandKind::Evaluation(EvaluationAction::Rate)
                | CommandKind::Complaint(ComplaintAction::Submit)
                | CommandKind::Commission(
                    CommissionAction::CommissionByDepartment
                        | CommissionAction::CommissionDirect
                        | CommissionAction::PublishRequest
                )
        )
    }

    /// The roles that may ever take the action. Mirrors the domain's own role lists (the
    /// domain checks them again): the server refuses early with a scope message, before any
    /// state is loaded.
    pub fn allowed_roles(self) -> &'static [Role] {
        match self {
            CommandKind::Case(a) => a.allowed_roles(),
            CommandKind::Consultation(a) => a.allowed_roles(),
            CommandKind::Evaluation(a) => a.allowed_roles(),
            CommandKind::Complaint(a) => a.allowed_roles(),
            CommandKind::Commission(a) => a.allowed_roles(),
            CommandKind::Project(a) => match a {
                ProjectAction::RegisterOnline | ProjectAction::Submit => &[Role::Applicant],
                ProjectAction::RegisterOnSite
                | ProjectAction::RequestCorrection
                | ProjectAction::ChooseFlow => &[Role::WindowOperator],
                ProjectAction::Edit | ProjectAction::AddWorks => {
                    &[Role::Applicant, Role::WindowOperator]
                }
                ProjectAction::Close => {
                    &[Role::Applicant, Role::WindowOperator, Role::ReformOffice]
                }
            },
        }
    }
}

/// Whether `viewer` may read an entity (pull, downloads of its attachments).
pub fn may_see(viewer: &Viewer<'_>, scope: &EntityScope) -> bool {
    if scope.kind == EntityKind::Commission {
        return commission_visible(viewer, scope);
    }
    if matches!(scope.kind, EntityKind::Evaluation | EntityKind::Complaint) {
        // Mirrors `Complaint::is_visible_to`: the rating or submitting organisation, the rated
        // or assigned department (its reviewers, utility staff or window staff), the office.
        return match viewer.role {
            Role::ReformOffice | Role::System => true,
            Role::Applicant => viewer.organisation == Some(&scope.owner),
            Role::DepartmentReviewer | Role::UtilityUnit | Role::WindowOperator => {
                viewer.department.is_some() && viewer.department == scope.department.as_ref()
            }
            Role::IntermediaryAgency => false,
        };
    }
    if scope.kind == EntityKind::Consultation {
        // Mirrors `Consultation::visible_to`: planning is internal to the government.
        return match viewer.role {
            Role::ReformOffice | Role::WindowOperator | Role::System => true,
            Role::DepartmentReviewer | Role::UtilityUnit => viewer
                .department
                .is_some_and(|d| scope.project_departments.contains(d)),
            Role::Applicant | Role::IntermediaryAgency => false,
        };
    }
    match viewer.role {
        Role::ReformOffice => true,
        Role::Applicant => viewer.organisation == Some(&scope.owner),
        Role::WindowOperator => !scope.draft || scope.created_by_window,
        Role::DepartmentReviewer | Role::UtilityUnit => {
            let Some(dept) = viewer.department else {
                return false;
            };
            let shared = scope.project_departments.contains(dept);
            match scope.kind {
                EntityKind::Case => {
                    (scope.department.as_ref() == Some(dept) && !scope.draft)
                        || (scope.granted && shared)
                }
                EntityKind::Project => shared,
                // Handled above.
                EntityKind::Consultation
                | EntityKind::Evaluation
                | EntityKind::Complaint
                | EntityKind::Commission => false,
            }
        }
        Role::IntermediaryAgency | Role::System => false,
    }
}

/// Mirrors `Commission::visible_to`, from the stored audience: the applicant's users; an
/// agency chosen or quoting, or qualified while the request is open (and no other agency);
/// the competent department and the departments the result was shared with; the window,
/// the office and the system.
fn commission_visible(viewer: &Viewer<'_>, scope: &EntityScope) -> bool {
    let tagged = |tag: &str, id: &str| {
        scope
            .project_departments
            .iter()
            .any(|d| d.as_str().strip_prefix(tag) == Some(id))
    };
    match viewer.role {
        Role::ReformOffice | Role::WindowOperator | Role::System => true,
        Role::Applicant => viewer.organisation == Some(&scope.owner),
        Role::IntermediaryAgency => viewer.organisation.is_some_and(|org| {
            tagged("agency:", org.as_str()) || (scope.draft && tagged("open:", org.as_str()))
        }),
        Role::DepartmentReviewer | Role::UtilityUnit => viewer
            .department
            .is_some_and(|d| scope.department.as_ref() == Some(d) || tagged("dept:", d.as_str())),
    }
}

/// The entity a command is aimed at, as far as the access rules are concerned.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    /// The entity exists.
    Existing(&'a EntityScope),
    /// The command creates it; `owner` is the organisation it will belong to (a case's
    /// applicant, an on-site project's owner; None when the server assigns it).
    New { owner: Option<&'a OrganisationId> },
}

/// Why a command is outside the user's rights.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PushDenied {
    #[error("角色“{role}”不能{action}", role = .role.label())]
    Role { role: Role, action: &'static str },
    /// Deliberately the same message whether the entity exists or not, so that forged ids
    /// learn nothing.
    #[error("对象不存在或不在您的权限范围内，不能{action}")]
    OutOfScope { action: &'static str },
    #[error("只能为本单位办理，不能{action}")]
    OtherOrganisation { action: &'static str },
}

/// Whether `viewer` may push a command of this kind on this target.
pub fn may_push(
    viewer: &Viewer<'_>,
    kind: CommandKind,
    target: Target<'_>,
) -> Result<(), PushDenied> {
    let action = kind.label();
    if !kind.allowed_roles().contains(&viewer.role) {
        return Err(PushDenied::Role {
            role: viewer.role,
            action,
        });
    }
    match target {
        Target::New { owner } => {
            if !kind.creates() {
                return Err(PushDenied::OutOfScope { action });
            }
            match viewer.role {
                Role::Applicant => match (viewer.organisation, owner) {
                    (None, _) => Err(PushDenied::OtherOrganisation { action }),
                    (Some(own), Some(o)) if own != o => {
                        Err(PushDenied::OtherOrganisation { action })
                    }
                    _ => Ok(()),
                },
                Role::WindowOperator => Ok(()),
                // Which lead department may register is the domain's rule.
                Role::DepartmentReviewer if kind.is_consultation() => Ok(()),
                // Which department may commission (the competent one) is the domain's rule.
                Role::DepartmentReviewer if kind.is_commission() => Ok(()),
                _ => Err(PushDenied::Role {
                    role: viewer.role,
                    action,
                }),
            }
        }
        Target::Existing(scope) => {
            if !may_see(viewer, scope) {
                return Err(PushDenied::OutOfScope { action });
            }
            // On a planning record, whoever sees it and holds the role may try: the domain
            // checks the department (lead, invited) itself.
            let acts = match viewer.role {
                _ if scope.kind == EntityKind::Consultation => kind.is_consultation(),
                // On a commission, whoever sees it and holds the role may try: the domain checks
                // whose it is (applicant, chosen agency, competent department).
                _ if scope.kind == EntityKind::Commission => kind.is_commission(),
                // Whoever sees a rating or complaint and holds the role may try: the domain
                // checks the department (rated, assigned) itself.
                _ if matches!(scope.kind, EntityKind::Evaluation | EntityKind::Complaint) => {
                    kind.is_interaction()
                }
                Role::Applicant => viewer.organisation == Some(&scope.owner),
                Role::WindowOperator | Role::ReformOffice => true,
                Role::DepartmentReviewer | Role::UtilityUnit => {
                    scope.kind == EntityKind::Case && scope.department.as_ref() == viewer.department
                }
                Role::IntermediaryAgency | Role::System => false,
            };
            if acts {
                Ok(())
            } else {
                Err(PushDenied::OutOfScope { action })
            }
        }
    }
}

/// Whether `viewer` may use (attach to a command) or download an attachment: it uploaded the
/// file itself, or the file is linked to an entity it may see.
pub fn may_use_attachment(
    viewer: &Viewer<'_>,
    uploaded_by_viewer: bool,
    linked: &[EntityScope],
) -> bool {
    uploaded_by_viewer || linked.iter().any(|s| may_see(viewer, s))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn scope(
        kind: EntityKind,
        owner: &str,
        dept: Option<&str>,
        draft: bool,
        granted: bool,
        shared: &[&str],
    ) -> EntityScope {
        EntityScope {
            kind,
            owner: OrganisationId::new(owner),
            department: dept.map(DepartmentCode::new),
            project: ProjectId::new("P"),
            draft,
            granted,
            created_by_window: false,
            project_departments: shared.iter().map(|d| DepartmentCode::new(*d)).collect(),
        }
    }

    fn v<'a>(
        role: Role,
        department: Option<&'a DepartmentCode>,
        organisation: Option<&'a OrganisationId>,
    ) -> Viewer<'a> {
        Viewer {
            role,
            department,
            organisation,
        }
    }

    #[test]
    fn who_sees_what_table() {
        let (o1, d1, d2) = (
            OrganisationId::new("O1"),
            DepartmentCode::new("D1"),
            DepartmentCode::new("D2"),
        );
        let case_d1 = scope(
            EntityKind::Case,
            "O1",
            Some("D1"),
            false,
            false,
            &["D1", "D2"],
        );
        let draft_d1 = scope(EntityKind::Case, "O1", Some("D1"), true, false, &[]);
        let granted_d1 = scope(
            EntityKind::Case,
            "O1",
            Some("D1"),
            false,
            true,
            &["D1", "D2"],
        );
        let project = scope(EntityKind::Project, "O1", None, false, false, &["D1"]);
        let rows: &[(Viewer<'_>, &EntityScope, bool)] = &[
            (v(Role::Applicant, None, Some(&o1)), &draft_d1, true),
            (v(Role::Applicant, None, None), &case_d1, false),
            (v(Role::WindowOperator, None, None), &case_d1, true),
            (v(Role::WindowOperator, None, None), &draft_d1, false),
            (v(Role::DepartmentReviewer, Some(&d1), None), &case_d1, true),
            (
                v(Role::DepartmentReviewer, Some(&d1), None),
                &draft_d1,
                false,
            ),
            (
                v(Role::DepartmentReviewer, Some(&d2), None),
                &case_d1,
                false,
            ),
            (
                v(Role::DepartmentReviewer, Some(&d2), None),
                &granted_d1,
                true,
            ),
            (v(Role::UtilityUnit, Some(&d1), None), &project, true),
            (v(Role::UtilityUnit, Some(&d2), None), &project, false),
            (
                v(Role::IntermediaryAgency, None, Some(&o1)),
                &case_d1,
                false,
            ),
            (v(Role::ReformOffice, None, None), &draft_d1, true),
        ];
        for (i, (viewer, s, expected)) in rows.iter().enumerate() {
            assert_eq!(may_see(viewer, s), *expected, "row {i}: {viewer:?}");
        }
    }

    #[test]
    fn ratings_and_complaints_are_seen_by_owner_department_and_office() {
        let (o1, o2, d1, d2) = (
            OrganisationId::new("O1"),
            OrganisationId::new("O2"),
            DepartmentCode::new("D1"),
            DepartmentCode::new("D2"),
        );
        let rating = scope(EntityKind::Evaluation, "O1", Some("D1"), false, false, &[]);
        let unassigned = scope(EntityKind::Complaint, "O1", None, false, false, &[]);
        let assigned = scope(EntityKind::Complaint, "O1", Some("D1"), false, false, &[]);
        let rows: &[(Viewer<'_>, &EntityScope, bool)] = &[
            (v(Role::Applicant, None, Some(&o1)), &rating, true),
            (v(Role::Applicant, None, Some(&o2)), &rating, false),
            (v(Role::DepartmentReviewer, Some(&d1), None), &rating, true),
            (v(Role::DepartmentReviewer, Some(&d2), None), &rating, false),
            (v(Role::WindowOperator, Some(&d1), None), &rating, true),
            (v(Role::WindowOperator, None, None), &rating, false),
            (v(Role::UtilityUnit, Some(&d1), None), &unassigned, false),
            (
                v(Role::DepartmentReviewer, Some(&d1), None),
                &assigned,
                true,
            ),
            (
                v(Role::DepartmentReviewer, Some(&d2), None),
                &assigned,
                false,
            ),
            (v(Role::ReformOffice, None, None), &unassigned, true),
            (v(Role::Applicant, None, Some(&o1)), &unassigned, true),
            (
                v(Role::IntermediaryAgency, None, Some(&o1)),
                &assigned,
                false,
            ),
        ];
        for (i, (viewer, s, expected)) in rows.iter().enumerate() {
            assert_eq!(may_see(viewer, s), *expected, "row {i}: {viewer:?}");
        }
        // Only the office assigns; only the department it sees answers; applicants create.
        let assign = CommandKind::Complaint(ComplaintAction::Assign);
        assert!(
            may_push(
                &v(Role::ReformOffice, None, None),
                assign,
                Target::Existing(&unassigned)
            )
            .is_ok()
        );
        let answer = CommandKind::Complaint(ComplaintAction::Answer);
        assert!(
            may_push(
                &v(Role::DepartmentReviewer, Some(&d1), None),
                answer,
                Target::Existing(&assigned)
            )
            .is_ok()
        );
        assert!(
            may_push(
                &v(Role::DepartmentReviewer, Some(&d2), None),
                answer,
                Target::Existing(&assigned)
            )
            .is_err()
        );
        let rate = CommandKind::Evaluation(EvaluationAction::Rate);
        assert!(
            may_push(
                &v(Role::Applicant, None, Some(&o1)),
                rate,
                Target::New { owner: Some(&o1) }
            )
            .is_ok()
        );
        assert!(
            may_push(
                &v(Role::Applicant, None, Some(&o2)),
                rate,
                Target::New { owner: Some(&o1) }
            )
            .is_err()
        );
        assert!(
            may_push(
                &v(Role::WindowOperator, Some(&d1), None),
                rate,
                Target::New { owner: Some(&o1) }
            )
            .is_err()
        );
    }

    fn role() -> impl Strategy<Value = Role> {
        prop::sample::select(Role::ALL.to_vec())
    }

    proptest! {
        /// Acting on an entity is never wider than seeing it, and the reform office and
        /// agencies are the two fixed ends of seeing.
        #[test]
        fn acting_implies_seeing(
            r in role(), vd in 0..3usize, vo in 0..3usize, is_case in any::<bool>(), so in 0..3usize, sd in 0..3usize,
            draft in any::<bool>(), granted in any::<bool>(), by_window in any::<bool>(), shared in prop::collection::vec(0..3usize, 0..3),
            k in 0..29usize,
        ) {
            let names = ["A", "B", "C"];
            let depts: Vec<DepartmentCode> = names.iter().map(|n| DepartmentCode::new(*n)).collect();
            let orgs: Vec<OrganisationId> = names.iter().map(|n| OrganisationId::new(*n)).collect();
            let viewer = Viewer { role: r, department: depts.get(vd), organisation: orgs.get(vo) };
            let s = EntityScope {
                kind: if is_case { EntityKind::Case } else { EntityKind::Project },
                owner: orgs[so].clone(),
                department: is_case.then(|| depts[sd].clone()),
                project: ProjectId::new("P"),
                draft, granted, created_by_window: by_window,
                project_departments: shared.iter().map(|i| depts[*i].clone()).collect(),
            };
            let kind = CommandKind::all()[k];
            if may_push(&viewer, kind, Target::Existing(&s)).is_ok() {
                prop_assert!(may_see(&viewer, &s));
                prop_assert!(kind.allowed_roles().contains(&r));
            }
            prop_assert_eq!(may_see(&Viewer { role: Role::ReformOffice, department: None, organisation: None }, &s), true);
            prop_assert_eq!(may_see(&Viewer { role: Role::IntermediaryAgency, department: None, organisation: orgs.get(so) }, &s), false);
        }
    }
}
