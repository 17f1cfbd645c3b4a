//! 网上互动 end to end over real TLS (issue 7): a finished case rated 不满意 opens a
//! rectification for the case's department with the legal clock's deadline; the department
//! rectifies and calls back; a window-visit 差评 is appealed and annulled by the reform office;
//! a complaint is assigned and answered and only the submitter, the assigned department and the
//! office see it; refusals change nothing; statistics are scoped by role; the scheduler records
//! overdue warnings once. Runs on the backend PERMITDESK_TEST_DATABASE selects.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use permitdesk_domain::case::{CaseCommand, Decision};
use permitdesk_domain::evaluation::*;
use permitdesk_domain::ids::{CaseId, DepartmentCode, ItemCode};
use permitdesk_domain::time::{parse_local, to_local};
use permitdesk_protocol::{
    DomainCommand, DomainEvent, EvaluationStatisticsResponse, Refusal, paths,
};
use permitdesk_server::testing::fixtures::*;

mod http_world;

use http_world::{World, t};

impl World {
    /// The entity keys `who` pulls (from the start).
    async fn sees(&mut self, who: &str) -> Vec<String> {
        self.sees_prefixed(who, &["evaluation:", "complaint:"])
            .await
    }

    async fn evaluation(&self, id: &str) -> Evaluation {
        let events: Vec<EvaluationEvent> = self
            .stored(&format!("evaluation:{id}"), |e| match e {
                DomainEvent::Evaluation(s) => Some(s.event),
                _ => None,
            })
            .await;
        Evaluation::replay(events.iter()).unwrap()
    }

    async fn complaint_seen_by(&mut self, who: &str, id: &str) -> Option<Complaint> {
        let (c, _) = self.client(who).await;
        let p = c.pull(0, None, None).await.unwrap();
        let events: Vec<ComplaintEvent> = p
            .events
            .into_iter()
            .filter_map(|e| match e.event {
                DomainEvent::Complaint(s) if s.entity == format!("complaint:{id}") => Some(s.event),
                _ => None,
            })
            .collect();
        (!events.is_empty()).then(|| Complaint::replay(events.iter()).unwrap())
    }

    async fn stats(&mut self, who: &str, query: &str) -> (u16, Vec<u8>) {
        let (c, _) = self.client(who).await;
        let path = format!("{}{query}", paths::EVALUATION_STATISTICS);
        c.raw(c.request(reqwest::Method::GET, &path)).await.unwrap()
    }

    /// Case C-1 of 市资规局 (ZGJ), accepted, signed at every level and completed (denied).
    async fn finished_case(&mut self) {
        self.project_with_case().await;
        let at = self.now();
        let mut d = self.driver();
        let levels = permitdesk_server::sync::catalogue_terms(
            &self.server.state.reference().catalogue,
            &ItemCode::new(ITEM),
        )
        .unwrap()
        .review_levels;
        for (i, level) in levels.iter().enumerate() {
            let r = self.user(&format!("reviewer-zgj-{}", i + 1)).await;
            d.apply(
                &r,
                case_cmd(
                    "C-1",
                    CaseCommand::SignOff {
                        level: level.clone(),
                    },
                ),
                at,
            )
            .await
            .unwrap();
        }
        let last = self.user(&format!("reviewer-zgj-{}", levels.len())).await;
        d.apply(
            &last,
            case_cmd(
                "C-1",
                CaseCommand::Complete {
                    decision: Decision::Denied {
                        reasons: vec!["不符合控制性详细规划".into()],
                    },
                },
            ),
            at,
        )
        .await
        .unwrap();
    }
}

fn ev(id: &str, command: EvaluationCommand) -> DomainCommand {
    DomainCommand::Evaluation {
        evaluation: EvaluationId::new(id),
        command,
    }
}

fn kc(id: &str, command: ComplaintCommand) -> DomainCommand {
    DomainCommand::Complaint {
        complaint: ComplaintId::new(id),
        command,
    }
}

fn case_subject(
    department: &str,
    applicant: permitdesk_domain::ids::OrganisationId,
) -> RatingSubject {
    RatingSubject::Case {
        case: CaseId::new("C-1"),
        item: ItemCode::new(ITEM),
        department: DepartmentCode::new(department),
        applicant,
    }
}

/// A rating of window visit `visit` at `department` by `applicant`.
fn visit_rating(
    visit: &str,
    department: &str,
    applicant: permitdesk_domain::ids::OrganisationId,
    level: Level,
    comment: &str,
) -> EvaluationCommand {
    let subject = RatingSubject::WindowVisit {
        visit: VisitId::new(visit),
        department: DepartmentCode::new(department),
        applicant,
    };
    EvaluationCommand::Rate {
        subject,
        level,
        dimensions: vec![],
        comment: comment.into(),
    }
}

/// What a refusal must be.
type IsRefusal = fn(&Refusal) -> bool;

fn forbidden(r: &Refusal) -> bool {
    matches!(r, Refusal::Forbidden { .. })
}

fn invalid(r: &Refusal) -> bool {
    matches!(r, Refusal::Invalid { .. })
}

fn bad(subject: RatingSubject) -> EvaluationCommand {
    EvaluationCommand::Rate {
        subject,
        level: Level::Dissatisfied,
        dimensions: vec![DimensionScore {
            dimension: Dimension::Efficiency,
            level: Level::VeryDissatisfied,
        }],
        comment: "补正材料来回三次，办理时间过长".into(),
    }
}

#[tokio::test]
async fn ratings_rectifications_appeals_and_complaints_run_end_to_end() {
    let mut w = World::start().await;
    let org = builder_org().unwrap();
    let other = other_builder_org().unwrap();
    const RATING: &str = "case/C-1";

    // Not yet finished: the case cannot be rated.
    w.finished_case().await;

    // Refusals, each changing nothing: another builder, the wrong department, a reviewer.
    let unknown_case = RatingSubject::Case {
        case: CaseId::new("C-404"),
        item: ItemCode::new(ITEM),
        department: DepartmentCode::new("ZGJ"),
        applicant: org.clone(),
    };
    let refusals: [(&str, &str, RatingSubject, IsRefusal); 4] = [
        (
            "applicant2",
            RATING,
            case_subject("ZGJ", org.clone()),
            forbidden,
        ),
        (
            "applicant",
            RATING,
            case_subject("ZJJ", org.clone()),
            invalid,
        ),
        (
            "reviewer-zgj-1",
            RATING,
            case_subject("ZGJ", org.clone()),
            forbidden,
        ),
        ("applicant", "case/C-404", unknown_case, invalid),
    ];
    for (who, id, subject, expected) in refusals {
        let r = w.refused(who, ev(id, bad(subject))).await;
        assert!(expected(&r), "{who} on {id}: {r:?}");
    }

    // The bad rating opens the rectification for ZGJ, 15 working days by the legal clock.
    let seqs = w
        .ok(
            "applicant",
            ev(RATING, bad(case_subject("ZGJ", org.clone()))),
        )
        .await;
    assert_eq!(seqs.len(), 2, "rated and rectification opened");
    let e = w.evaluation(RATING).await;
    let rect = e.rectification.clone().unwrap();
    assert_eq!(rect.department, DepartmentCode::new("ZGJ"));
    assert_eq!(rect.status, RectificationStatus::Pending);
    let deadline = rect
        .deadline(&permitdesk_server::sync::legal_clock())
        .unwrap();
    // 15 working days after Mon 2 March 2026 (no holiday in between): Mon 23 March, 17:00.
    assert_eq!(deadline, parse_local("2026-03-23T17:00").unwrap());
    let r = w
        .refused(
            "applicant",
            ev(RATING, bad(case_subject("ZGJ", org.clone()))),
        )
        .await;
    assert!(
        matches!(r, Refusal::Forbidden { .. } | Refusal::Evaluation { .. }),
        "{r:?}"
    );

    // Who sees it: the applicant, ZGJ, the office; not ZJJ, not the other builder.
    assert_eq!(
        w.sees("applicant").await,
        vec![format!("evaluation:{RATING}")]
    );
    assert_eq!(
        w.sees("reviewer-zgj-2").await,
        vec![format!("evaluation:{RATING}")]
    );
    assert_eq!(w.sees("reform").await, vec![format!("evaluation:{RATING}")]);
    assert!(w.sees("reviewer-zjj-1").await.is_empty());
    assert!(w.sees("applicant2").await.is_empty());

    // ZJJ cannot touch it; ZGJ cannot complete before starting.
    let start = EvaluationCommand::StartRectification { plan: "x".into() };
    let r = w.refused("reviewer-zjj-1", ev(RATING, start)).await;
    assert!(forbidden(&r), "{r:?}");
    let complete = EvaluationCommand::CompleteRectification { result: "x".into() };
    let r = w.refused("reviewer-zgj-1", ev(RATING, complete)).await;
    assert!(
        matches!(
            r,
            Refusal::Evaluation {
                error: EvaluationError::WrongStatus { .. },
                ..
            }
        ),
        "{r:?}"
    );
    let plan = "补正告知一次讲清，专人跟踪".into();
    let result = "修订一次性告知单，增加材料示例".into();
    let note = "电话回访，申请人表示满意".into();
    for (who, command) in [
        (
            "reviewer-zgj-1",
            EvaluationCommand::StartRectification { plan },
        ),
        (
            "reviewer-zgj-1",
            EvaluationCommand::CompleteRectification { result },
        ),
        (
            "reviewer-zgj-2",
            EvaluationCommand::RecordCallback {
                applicant_satisfied: true,
                note,
            },
        ),
    ] {
        w.ok(who, ev(RATING, command)).await;
    }
    let e = w.evaluation(RATING).await;
    let rect = e.rectification.unwrap();
    assert_eq!(rect.status, RectificationStatus::Done);
    assert!(rect.callback.unwrap().applicant_satisfied);

    // A window-visit 差评 for ZJJ, appealed by ZJJ, decided by the office only.
    const VISIT: &str = "visit/V-20260302-007";
    w.ok(
        "applicant",
        ev(
            VISIT,
            visit_rating(
                "V-20260302-007",
                "ZJJ",
                org.clone(),
                Level::VeryDissatisfied,
                "窗口人员态度差",
            ),
        ),
    )
    .await;
    w.ok(
        "reviewer-zjj-1",
        ev(
            VISIT,
            EvaluationCommand::Appeal {
                reason: "监控显示当日该窗口未接待该单位，系误评".into(),
            },
        ),
    )
    .await;
    let r = w
        .refused(
            "reviewer-zjj-1",
            ev(
                VISIT,
                EvaluationCommand::DecideAppeal {
                    upheld: true,
                    reason: "x".into(),
                },
            ),
        )
        .await;
    assert!(matches!(r, Refusal::Forbidden { .. }), "{r:?}");
    w.ok(
        "reform",
        ev(
            VISIT,
            EvaluationCommand::DecideAppeal {
                upheld: true,
                reason: "经核实为误评".into(),
            },
        ),
    )
    .await;
    let v = w.evaluation(VISIT).await;
    assert!(v.is_annulled());
    assert_eq!(
        v.rectification.unwrap().status,
        RectificationStatus::Annulled
    );
    assert!(w.sees("reviewer-zgj-1").await == vec![format!("evaluation:{RATING}")]);

    // A complaint: submitted, seen by nobody but the office until assigned, answered by ZGJ.
    const K: &str = "K-1";
    let submit = ComplaintCommand::Submit {
        kind: ComplaintKind::Complaint,
        title: "规划许可办理超时".into(),
        content: "C-1 办理超过承诺时限".into(),
        project: None,
        department: Some(DepartmentCode::new("ZGJ")),
    };
    let r = w.refused("reviewer-zgj-1", kc(K, submit.clone())).await;
    assert!(matches!(r, Refusal::Forbidden { .. }), "{r:?}");
    w.ok("applicant", kc(K, submit)).await;
    assert!(w.complaint_seen_by("reviewer-zgj-1", K).await.is_none());
    let assign = |d: &str, days| ComplaintCommand::Assign {
        department: DepartmentCode::new(d),
        limit_working_days: days,
    };
    let r = w.refused("reviewer-zgj-1", kc(K, assign("ZGJ", 5))).await;
    assert!(matches!(r, Refusal::Forbidden { .. }), "{r:?}");
    let r = w.refused("reform", kc(K, assign("NO-SUCH", 5))).await;
    assert!(matches!(r, Refusal::Invalid { .. }), "{r:?}");
    let r = w.refused("reform", kc(K, assign("ZGJ", 0))).await;
    assert!(
        matches!(
            r,
            Refusal::Complaint {
                error: ComplaintError::LimitOutOfRange { .. },
                ..
            }
        ),
        "{r:?}"
    );
    w.ok("reform", kc(K, assign("ZGJ", 5))).await;
    let answer = ComplaintCommand::Answer {
        answer: "已约谈承办人，C-1 超时原因为专家评审，今后提前告知".into(),
    };
    let r = w.refused("reviewer-zjj-1", kc(K, answer.clone())).await;
    assert!(matches!(r, Refusal::Forbidden { .. }), "{r:?}");
    w.ok("reviewer-zgj-3", kc(K, answer)).await;
    let seen = w.complaint_seen_by("applicant", K).await.unwrap();
    assert_eq!(seen.state, ComplaintState::Answered);
    assert!(seen.answer.unwrap().text.contains("专家评审"));
    assert!(w.complaint_seen_by("applicant2", K).await.is_none());
    assert!(w.complaint_seen_by("reviewer-zjj-1", K).await.is_none());
    assert!(w.complaint_seen_by("reform", K).await.is_some());
    let _ = &other;

    // Statistics: the office sees both departments; ZGJ only its own; applicants nothing.
    let (status, body) = w.stats("reform", "?from=2026-03-01&to=2026-03-31").await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let s: EvaluationStatisticsResponse = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        s.evaluations.total.total(),
        1,
        "the annulled rating does not count"
    );
    assert_eq!(s.evaluations.annulled, 1);
    assert_eq!(s.complaints.complaints, 1);
    let (status, body) = w.stats("reviewer-zgj-1", "").await;
    assert_eq!(status, 200);
    let s: EvaluationStatisticsResponse = serde_json::from_slice(&body).unwrap();
    assert_eq!(s.department, Some(DepartmentCode::new("ZGJ")));
    assert!(
        s.evaluations
            .by_department
            .iter()
            .all(|d| d.department.as_str() == "ZGJ")
    );
    assert_eq!(w.stats("reviewer-zgj-1", "?department=ZJJ").await.0, 403);
    assert_eq!(w.stats("applicant", "").await.0, 403);
    assert_eq!(w.stats("reform", "?from=2026-03-01").await.0, 400);
}

#[tokio::test]
async fn overdue_rectifications_and_answers_are_warned_once() {
    let mut w = World::start().await;
    let org = builder_org().unwrap();
    const VISIT: &str = "visit/V-9";
    w.ok(
        "applicant",
        ev(
            VISIT,
            visit_rating("V-9", "ZGJ", org, Level::Dissatisfied, "排队时间过长"),
        ),
    )
    .await;
    w.ok(
        "applicant",
        kc(
            "K-9",
            ComplaintCommand::Submit {
                kind: ComplaintKind::Suggestion,
                title: "建议增加周末窗口".into(),
                content: "周末无法办理".into(),
                project: None,
                department: None,
            },
        ),
    )
    .await;
    w.ok(
        "reform",
        kc(
            "K-9",
            ComplaintCommand::Assign {
                department: DepartmentCode::new("ZJJ"),
                limit_working_days: 3,
            },
        ),
    )
    .await;
    let state = w.server.state.clone();
    let notes = |state: permitdesk_server::AppState| async move {
        state
            .store
            .notifications(0, 100)
            .await
            .unwrap()
            .into_iter()
            .map(|n| {
                (
                    n.entity_key,
                    n.payload["level"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(permitdesk_server::scheduler::tick(&state).await.unwrap(), 0);
    // Thu 5 March 10:00: the complaint's last working day has begun (deadline Thu 17:00).
    w.clock.set(t("2026-03-05T10:00"));
    assert_eq!(permitdesk_server::scheduler::tick(&state).await.unwrap(), 1);
    assert_eq!(
        notes(state.clone()).await,
        vec![("complaint:K-9".to_owned(), "due_soon".to_owned())]
    );
    // Three weeks later both are overdue, each warned once however often the scheduler runs.
    w.clock.set(t("2026-03-26T10:00"));
    assert_eq!(permitdesk_server::scheduler::tick(&state).await.unwrap(), 2);
    assert_eq!(permitdesk_server::scheduler::tick(&state).await.unwrap(), 0);
    let mut n = notes(state.clone()).await;
    n.sort();
    assert_eq!(
        n,
        vec![
            ("complaint:K-9".to_owned(), "due_soon".to_owned()),
            ("complaint:K-9".to_owned(), "overdue".to_owned()),
            (format!("evaluation:{VISIT}"), "overdue".to_owned()),
        ]
    );
    let _ = to_local(t("2026-03-26T10:00"));
}
