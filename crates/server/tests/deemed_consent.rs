//! 逾期未回复视为同意 on the server: a joint consultation started on the eve of 国庆 2025, the
//! server down at the deadline, one or two scheduler instances on one database (SQLite or PostgreSQL).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Utc};
use permitdesk_domain::actor::{Actor, Role};
use permitdesk_domain::catalogue::Catalogue;
use permitdesk_domain::consultation::*;
use permitdesk_domain::ids::{DepartmentCode, OrganisationId, UserId};
use permitdesk_domain::time::{from_local, parse_local};
use permitdesk_domain::trail::{self, Sealed};
use permitdesk_protocol::{CommandEnvelope, CommandOutcome, DomainCommand, DomainEvent};
use permitdesk_server::clock::ManualClock;
use permitdesk_server::config::ServerConfig;
use permitdesk_server::http::AppState;
use permitdesk_server::scheduler::tick;
use permitdesk_server::store::{PushEnv, UserRecord};
use permitdesk_server::testing::{Backend, TestDatabase};
use std::sync::Arc;

const ID: &str = "PC-2025-001";

fn t(s: &str) -> DateTime<Utc> {
    from_local(parse_local(s).unwrap())
}

fn user(id: &str, role: Role, department: Option<&str>, org: Option<&str>) -> UserRecord {
    UserRecord {
        id: UserId::new(id),
        name: format!("{id}用户"),
        role,
        department: department.map(DepartmentCode::new),
        organisation: org.map(OrganisationId::new),
        password_hash: String::new(),
        disabled: false,
        levels: vec![],
    }
}

fn reviewer(dept: &str) -> UserRecord {
    user(
        &format!("reviewer-{dept}"),
        Role::DepartmentReviewer,
        Some(dept),
        None,
    )
}

fn cmd(command: ConsultationCommand) -> DomainCommand {
    DomainCommand::Consultation {
        consultation: ConsultationId::new(ID),
        command,
    }
}

struct World {
    db: Arc<TestDatabase>,
    clock: Arc<ManualClock>,
    state: AppState,
    leads: PlanningLeads,
    mutation: u64,
}

fn config(name: &str) -> ServerConfig {
    ServerConfig {
        instance: name.to_owned(),
        ..ServerConfig::default()
    }
}

impl World {
    async fn new() -> World {
        let db = Arc::new(TestDatabase::create(&Backend::from_env()).await.unwrap());
        let clock = Arc::new(ManualClock::new(t("2025-09-30T09:00")));
        let state = AppState::new(db.store.clone(), config("a"), clock.clone())
            .await
            .unwrap();
        let leads = PlanningLeads::from_catalogue(&Catalogue::demo().unwrap()).unwrap();
        World {
            db,
            clock,
            state,
            leads,
            mutation: 0,
        }
    }

    fn env(&self) -> PushEnv {
        PushEnv {
            reference: self.state.reference(),
            rules: self.state.config.push_rules,
            clock: self.state.clock.clone(),
        }
    }

    async fn push(&mut self, who: &UserRecord, at: &str, c: ConsultationCommand) -> CommandOutcome {
        self.clock.set(t(at));
        self.mutation += 1;
        let env = CommandEnvelope {
            mutation_id: self.mutation,
            command: cmd(c),
            acted_at: t(at),
            opinion: None,
            attachments: vec![],
            base_version: 0,
        };
        let r = self
            .state
            .store
            .push(&self.env(), who, "test-client", &[env])
            .await
            .unwrap();
        r.results[0].outcome.clone()
    }

    async fn ok(&mut self, who: &UserRecord, at: &str, c: ConsultationCommand) {
        let o = self.push(who, at, c).await;
        assert!(
            matches!(o, CommandOutcome::Applied { .. }),
            "{at}: refused {o:?}"
        );
    }

    /// Registered by 发改委, placed and reviewed by 市资规局, consultation started on the eve
    /// of 国庆 2025 with 3 working days for ZJJ, STHJ, YJJ (deadline Sat 2025-10-11 17:00).
    async fn consulting(&mut self) {
        let (fgw, zgj) = (
            reviewer(self.leads.development.as_str()),
            reviewer(self.leads.natural_resources.as_str()),
        );
        let leads = self.leads.clone();
        self.ok(
            &fgw,
            "2025-09-30T09:50",
            ConsultationCommand::Register {
                channel: PlanningChannel::ImplementationLibrary,
                leads,
                name: "哈尔滨市群力新区第二中学新建工程".into(),
                description: "新建教学楼、体育馆，总建筑面积 3.2 万平方米".into(),
            },
        )
        .await;
        let ring: Vec<Position> = [
            (126.550, 45.720),
            (126.554, 45.720),
            (126.554, 45.723),
            (126.550, 45.723),
            (126.550, 45.720),
        ]
        .iter()
        .map(|&(lon, lat)| Position::from_degrees(lon, lat).unwrap())
        .collect();
        self.ok(
            &zgj,
            "2025-09-30T09:51",
            ConsultationCommand::PlaceSite {
                site: Site {
                    datum: Datum::Cgcs2000,
                    polygon: Polygon { rings: vec![ring] },
                },
            },
        )
        .await;
        self.ok(
            &zgj,
            "2025-09-30T09:52",
            ConsultationCommand::RecordCompliance {
                findings: vec![],
                conclusion: ComplianceConclusion::Compliant,
            },
        )
        .await;
        self.ok(
            &zgj,
            "2025-09-30T10:00",
            ConsultationCommand::StartConsultation {
                departments: ["ZJJ", "STHJ", "YJJ"].map(DepartmentCode::new).to_vec(),
                deadline_working_days: 3,
            },
        )
        .await;
    }

    async fn trail(&self) -> Vec<Sealed<ConsultationEvent>> {
        self.state
            .store
            .entity_events(&format!("consultation:{ID}"))
            .await
            .unwrap()
            .into_iter()
            .map(|e| match serde_json::from_str(&e.json).unwrap() {
                DomainEvent::Consultation(s) => s,
                other => panic!("not a consultation event: {other:?}"),
            })
            .collect()
    }
}

fn deemed(trail: &[Sealed<ConsultationEvent>]) -> Vec<(String, DateTime<Utc>, Actor)> {
    trail
        .iter()
        .filter_map(|s| match &s.event.change {
            ConsultationChange::ConsentDeemed { department } => {
                Some((department.to_string(), s.event.at, s.event.actor.clone()))
            }
            _ => None,
        })
        .collect()
}

fn deadline() -> DateTime<Utc> {
    t("2025-10-11T17:00")
}

#[tokio::test]
async fn server_down_at_the_deadline_applies_consent_once_at_the_deadline() {
    let mut w = World::new().await;
    w.consulting().await;
    // ZJJ answers in time (Thu 9 October, after the holiday).
    w.ok(
        &reviewer("ZJJ"),
        "2025-10-09T10:00",
        ConsultationCommand::Answer {
            department: DepartmentCode::new("ZJJ"),
            answer: Answer::NotInvolved,
        },
    )
    .await;
    // Before the deadline the scheduler does nothing.
    w.clock.set(t("2025-10-11T16:59"));
    assert_eq!(tick(&w.state).await.unwrap(), 0);
    assert!(deemed(&w.trail().await).is_empty());

    // The server was down from before the deadline until months later.
    w.clock.set(t("2026-02-01T09:00"));
    assert_eq!(tick(&w.state).await.unwrap(), 2);
    assert_eq!(
        tick(&w.state).await.unwrap(),
        0,
        "second run applies nothing"
    );

    let trail = w.trail().await;
    assert!(trail::verify(&format!("consultation:{ID}"), &trail).is_ok());
    let d = deemed(&trail);
    let mut departments: Vec<&str> = d.iter().map(|(dep, _, _)| dep.as_str()).collect();
    departments.sort();
    assert_eq!(departments, ["STHJ", "YJJ"], "one per silent department");
    for (dep, at, actor) in &d {
        assert_eq!(*at, deadline(), "{dep}: the deadline is the event's time");
        assert_eq!(actor.role, Role::System);
        assert_eq!(*actor, Actor::system());
    }
    assert_eq!(
        trail
            .iter()
            .filter(|s| s.event.actor.role == Role::System)
            .map(|s| s.event.opinion.as_deref())
            .collect::<Vec<_>>(),
        [Some(DEEMED_CONSENT_OPINION); 2]
    );
    // The department that answered is not overridden.
    let c = Consultation::replay(trail.iter().map(|s| &s.event)).unwrap();
    let zjj = c
        .invitations
        .iter()
        .find(|i| i.department.as_str() == "ZJJ")
        .unwrap();
    assert_eq!(
        zjj.reply.as_ref().map(|r| r.kind.clone()),
        Some(ReplyKind::Answered {
            answer: Answer::NotInvolved
        })
    );
    assert_eq!(c.opinion_summary().deemed.len(), 2);
    assert_eq!(
        c.next_system_action_at(&permitdesk_server::sync::legal_clock())
            .unwrap(),
        None
    );

    // Pull delivers the record to the invited departments and the window, not to others.
    for (who, sees) in [
        (reviewer("YJJ"), true),
        (reviewer(w.leads.development.as_str()), true),
        (user("window", Role::WindowOperator, None, None), true),
        (reviewer("GSJT"), false),
        (
            user(
                "applicant",
                Role::Applicant,
                None,
                Some("91230102MA1C4K7P00"),
            ),
            false,
        ),
        (
            user("agency", Role::IntermediaryAgency, None, Some("AG")),
            false,
        ),
    ] {
        let page = w
            .state
            .store
            .pull(&who, &format!("pull-{}", who.id), 0, 1000)
            .await
            .unwrap();
        let n = page
            .events
            .iter()
            .filter(|e| e.entity_key == format!("consultation:{ID}"))
            .count();
        assert_eq!(n, if sees { trail.len() } else { 0 }, "{}", who.id);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_scheduler_instances_on_one_database_apply_consent_once() {
    let mut w = World::new().await;
    w.consulting().await;
    let second = w.db.second_store().await.unwrap();
    let b = AppState::new(second, config("b"), w.clock.clone())
        .await
        .unwrap();
    w.clock.set(t("2025-10-20T09:00"));
    let mut ran = 0;
    for _ in 0..3 {
        let (ra, rb) = tokio::join!(tick(&w.state), tick(&b));
        ran += ra.unwrap() + rb.unwrap();
    }
    assert_eq!(
        ran, 3,
        "one consent per silent department, whichever instance ran it"
    );
    let d = deemed(&w.trail().await);
    assert_eq!(d.len(), 3);
    assert!(d.iter().all(|(_, at, _)| *at == deadline()));
    // One exactly-once key (and its notification) per department, with the deadline in it.
    let n = w.state.store.notifications(0, 100).await.unwrap();
    let mut keys: Vec<(String, String)> = n
        .iter()
        .map(|r| {
            assert_eq!(r.kind, "deemed_consent");
            assert_eq!(r.entity_key, format!("consultation:{ID}"));
            assert_eq!(r.payload["deadline"], "2025-10-11T17:00");
            (
                r.payload["department"].as_str().unwrap().to_owned(),
                r.payload["consultation"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        ["STHJ", "YJJ", "ZJJ"].map(|d| (d.to_owned(), ID.to_owned()))
    );
}

#[tokio::test]
async fn only_the_system_may_deem_consent_and_answers_after_the_deadline_are_refused() {
    let mut w = World::new().await;
    w.consulting().await;
    // A reviewer cannot record a deemed consent for another department.
    let o = w
        .push(
            &reviewer("ZGJ"),
            "2025-10-11T17:00",
            ConsultationCommand::DeemConsent {
                department: DepartmentCode::new("YJJ"),
            },
        )
        .await;
    assert!(
        matches!(
            o,
            CommandOutcome::Refused {
                refusal: permitdesk_protocol::Refusal::Forbidden { .. }
            }
        ),
        "{o:?}"
    );
    // A late answer is refused by the domain; the system's consent then stands.
    let o = w
        .push(
            &reviewer("YJJ"),
            "2025-10-13T09:00",
            ConsultationCommand::Answer {
                department: DepartmentCode::new("YJJ"),
                answer: Answer::NotInvolved,
            },
        )
        .await;
    assert!(
        matches!(
            o,
            CommandOutcome::Refused {
                refusal: permitdesk_protocol::Refusal::Consultation {
                    error: ConsultationError::AnswerAfterDeadline { .. },
                    ..
                }
            }
        ),
        "{o:?}"
    );
    assert_eq!(tick(&w.state).await.unwrap(), 3);
    assert_eq!(tick(&w.state).await.unwrap(), 0);
}
