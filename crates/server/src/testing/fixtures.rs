//! Ready-made commands for tests: a project that reaches "flow chosen" with one works, and a
//! case of item ZGJ-04 (市资规局, 4 review levels) that reaches "in review".

use crate::demo;
use crate::store::{PushEnv, Store, UserRecord};
use chrono::{DateTime, Utc};
use permitdesk_domain::case::{AcceptanceTerms, CaseCommand};
use permitdesk_domain::codes::{PhoneNumber, ProjectCode, RegionCode};
use permitdesk_domain::ids::{
    ApplicationId, AttachmentId, CaseId, CategoryCode, DepartmentCode, FlowCode, ItemCode,
    OrganisationId, ProjectId, WorksId,
};
use permitdesk_domain::project::{
    Area, Builder, Contact, ContactRole, InvestmentType, Location, Money, ProjectCommand,
    ProjectDetails, Works,
};
use permitdesk_protocol::{CommandEnvelope, CommandOutcome, DomainCommand};

/// Why a fixture could not be built (a demo value no longer parses).
#[derive(Debug, thiserror::Error)]
#[error("fixture: {0}")]
pub struct FixtureError(pub String);

fn fx<E: std::fmt::Display>(e: E) -> FixtureError {
    FixtureError(e.to_string())
}

/// The demo builder's organisation id (credit code).
pub fn builder_org() -> Result<OrganisationId, FixtureError> {
    Ok(OrganisationId::new(
        demo::credit_code(demo::BUILDER_ORG8).map_err(fx)?.as_str(),
    ))
}

/// The other demo builder's organisation id.
pub fn other_builder_org() -> Result<OrganisationId, FixtureError> {
    Ok(OrganisationId::new(
        demo::credit_code(demo::OTHER_BUILDER_ORG8)
            .map_err(fx)?
            .as_str(),
    ))
}

pub const CATEGORY: &str = "SH-CF";
pub const FLOW: &str = "LC-SH-CF";
pub const ITEM: &str = "ZGJ-04";
pub const DEPARTMENT: &str = "ZGJ";
pub const WORKS: &str = "W-1";

/// A valid 工程建设项目登记表 of a social-investment factory in 道里区.
pub fn project_details(name: &str, builder_org8: &str) -> Result<ProjectDetails, FixtureError> {
    let code = demo::credit_code(builder_org8).map_err(fx)?;
    Ok(ProjectDetails {
        code: ProjectCode::parse("2024-230102-48-01-123456").map_err(fx)?,
        name: name.to_owned(),
        builder: Builder {
            name: demo::BUILDER_NAME.to_owned(),
            credit_code: code,
        },
        investment: InvestmentType::Social,
        category: CategoryCode::new(CATEGORY),
        location: Location {
            address: "哈尔滨市道里区示范路 1 号".to_owned(),
            district: RegionCode::parse("230102").map_err(fx)?,
        },
        investment_amount: Money::from_wan(5000).ok_or_else(|| FixtureError("money".into()))?,
        land_area: Area::from_square_metres(20_000).ok_or_else(|| FixtureError("area".into()))?,
        building_area: Area::from_square_metres(12_000)
            .ok_or_else(|| FixtureError("area".into()))?,
        contacts: vec![Contact {
            name: "张建设".to_owned(),
            phone: PhoneNumber::parse("13812345678").map_err(fx)?,
            role: ContactRole::Liaison,
        }],
    })
}

pub fn works() -> Result<Works, FixtureError> {
    Ok(Works {
        id: WorksId::new(WORKS),
        name: "1 号厂房".to_owned(),
        description: "单层钢结构厂房".to_owned(),
        building_area: Area::from_square_metres(12_000)
            .ok_or_else(|| FixtureError("area".into()))?,
    })
}

pub fn project_cmd(project: &str, command: ProjectCommand) -> DomainCommand {
    DomainCommand::Project {
        project: ProjectId::new(project),
        command,
    }
}

pub fn case_cmd(case: &str, command: CaseCommand) -> DomainCommand {
    DomainCommand::Case {
        case: CaseId::new(case),
        command,
    }
}

pub fn envelope(
    mutation_id: u64,
    command: DomainCommand,
    acted_at: DateTime<Utc>,
) -> CommandEnvelope {
    CommandEnvelope {
        mutation_id,
        command,
        acted_at,
        opinion: None,
        attachments: vec![],
        base_version: 0,
    }
}

pub fn create_case(case_project: &str, applicant: OrganisationId) -> CaseCommand {
    CaseCommand::Create {
        application: ApplicationId::new(format!("A-{case_project}")),
        project: ProjectId::new(case_project),
        works: WorksId::new(WORKS),
        item: ItemCode::new(ITEM),
        department: DepartmentCode::new(DEPARTMENT),
        applicant,
        commitment_allowed: true,
        number: None,
    }
}

/// Terms the server fills from the catalogue.
pub fn empty_terms() -> AcceptanceTerms {
    AcceptanceTerms {
        catalogue_version: String::new(),
        time_limit_working_days: 0,
        review_levels: vec![],
    }
}

/// Pushes commands one by one through a store as `user` with consecutive mutation ids of
/// `client`, all at `at`; returns the outcomes.
pub struct Driver<'a> {
    pub store: &'a dyn Store,
    pub env: PushEnv,
    /// Distinguishes the client ids of several drivers on one store.
    pub instance: String,
    next_mutation: std::collections::HashMap<String, u64>,
}

static DRIVERS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

impl<'a> Driver<'a> {
    pub fn new(store: &'a dyn Store, env: PushEnv) -> Self {
        let n = DRIVERS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Driver {
            store,
            env,
            instance: format!("{}-{n}", std::process::id()),
            next_mutation: Default::default(),
        }
    }

    pub async fn push(
        &mut self,
        user: &UserRecord,
        command: DomainCommand,
        at: DateTime<Utc>,
    ) -> Result<CommandOutcome, FixtureError> {
        self.push_env(user, command, at, vec![]).await
    }

    pub async fn push_env(
        &mut self,
        user: &UserRecord,
        command: DomainCommand,
        at: DateTime<Utc>,
        attachments: Vec<AttachmentId>,
    ) -> Result<CommandOutcome, FixtureError> {
        let client = format!("driver-{}-{}", self.instance, user.id);
        let m = self.next_mutation.entry(client.clone()).or_insert(0);
        *m += 1;
        let mut env = envelope(*m, command, at);
        env.attachments = attachments;
        let r = self
            .store
            .push(&self.env, user, &client, &[env])
            .await
            .map_err(fx)?;
        r.results
            .into_iter()
            .next()
            .map(|r| r.outcome)
            .ok_or_else(|| FixtureError("no result".into()))
    }

    /// Like [`Driver::push`], failing unless the command was applied.
    pub async fn apply(
        &mut self,
        user: &UserRecord,
        command: DomainCommand,
        at: DateTime<Utc>,
    ) -> Result<Vec<u64>, FixtureError> {
        match self.push(user, command, at).await? {
            CommandOutcome::Applied { server_seqs } => Ok(server_seqs),
            other => Err(FixtureError(format!("not applied: {other:?}"))),
        }
    }

    /// Registers project `id` online as `applicant`, submits it, and lets `window` choose the
    /// flow and add works W-1.
    pub async fn project_ready(
        &mut self,
        id: &str,
        applicant: &UserRecord,
        window: &UserRecord,
        at: DateTime<Utc>,
    ) -> Result<(), FixtureError> {
        let details = project_details(&format!("示范厂房 {id}"), demo::BUILDER_ORG8)?;
        self.apply(
            applicant,
            project_cmd(
                id,
                ProjectCommand::RegisterOnline {
                    id: ProjectId::new(id),
                    details,
                },
            ),
            at,
        )
        .await?;
        self.apply(applicant, project_cmd(id, ProjectCommand::Submit), at)
            .await?;
        self.apply(
            window,
            project_cmd(
                id,
                ProjectCommand::ChooseFlow {
                    flow: FlowCode::new(FLOW),
                    category: CategoryCode::new(CATEGORY),
                },
            ),
            at,
        )
        .await?;
        self.apply(
            window,
            project_cmd(id, ProjectCommand::AddWorks { works: works()? }),
            at,
        )
        .await?;
        Ok(())
    }

    /// Creates case `case` on a ready project, submits it with `stamped_form` (an uploaded
    /// attachment of the applicant), and has the window receive and accept it.
    pub async fn case_in_review(
        &mut self,
        case: &str,
        project: &str,
        applicant: &UserRecord,
        window: &UserRecord,
        stamped_form: &AttachmentId,
        at: DateTime<Utc>,
    ) -> Result<(), FixtureError> {
        let org = applicant
            .organisation
            .clone()
            .ok_or_else(|| FixtureError("applicant without organisation".into()))?;
        self.apply(applicant, case_cmd(case, create_case(project, org)), at)
            .await?;
        self.apply(
            applicant,
            case_cmd(
                case,
                CaseCommand::Submit {
                    stamped_form: stamped_form.clone(),
                },
            ),
            at,
        )
        .await?;
        self.apply(window, case_cmd(case, CaseCommand::Receive), at)
            .await?;
        self.apply(
            window,
            case_cmd(
                case,
                CaseCommand::Accept {
                    terms: empty_terms(),
                    commitment_based: false,
                },
            ),
            at,
        )
        .await?;
        Ok(())
    }
}

/// A tiny valid PDF (content-checked type), distinct per `tag`.
pub fn pdf(tag: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% PermitDesk test file {tag}\n%%EOF\n").into_bytes()
}
