//! 策划生成: site validation and compliance areas, the planning workflow end to end, the
//! deemed-consent rule across holidays (server down at the deadline, applied twice), and random
//! command sequences against a small model.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;

use chrono::{Duration, TimeZone, Utc};
use permitdesk_domain::actor::{Actor, Role};
use permitdesk_domain::calendar::WorkingCalendar;
use permitdesk_domain::case::Acting;
use permitdesk_domain::catalogue::Catalogue;
use permitdesk_domain::clock::{ClockError, LegalClock, OfficeHours};
use permitdesk_domain::consultation::*;
use permitdesk_domain::ids::*;
use permitdesk_domain::time::{Timestamp, from_local, parse_local};
use permitdesk_domain::trail;
use proptest::prelude::*;

/// `r.refused(args)` (which checks that the refusal changed nothing) gives an error matching
/// `pattern`.
macro_rules! assert_refused {
    ($r:expr, $actor:expr, $at:expr, $cmd:expr, $($pattern:tt)+) => {
        let e = $r.refused($actor, $at, $cmd);
        assert!(matches!(e, $($pattern)+), "{e:?}");
    };
}

fn t(s: &str) -> Timestamp {
    from_local(parse_local(s).unwrap())
}

fn leads() -> PlanningLeads {
    PlanningLeads {
        development: DepartmentCode::new("FGW"),
        natural_resources: DepartmentCode::new("ZGJ"),
    }
}

fn reviewer(department: &str) -> Actor {
    new_actor(
        &format!("r-{department}"),
        &format!("{department}审批人"),
        Role::DepartmentReviewer,
        Some(department),
        None,
    )
}

fn window() -> Actor {
    new_actor("w", "综合录入窗口", Role::WindowOperator, None, None)
}

/// A rectangle in degrees as a closed ring.
fn rect(lon0: f64, lat0: f64, lon1: f64, lat1: f64) -> Vec<Position> {
    [
        (lon0, lat0),
        (lon1, lat0),
        (lon1, lat1),
        (lon0, lat1),
        (lon0, lat0),
    ]
    .iter()
    .map(|&(lon, lat)| Position::from_degrees(lon, lat).unwrap())
    .collect()
}

fn site(rings: Vec<Vec<Position>>) -> Site {
    Site {
        datum: Datum::Cgcs2000,
        polygon: Polygon { rings },
    }
}

fn zone(code: &str, land_use: &str, rings: Vec<Vec<Position>>) -> PlanningZone {
    PlanningZone {
        code: code.into(),
        name: format!("{code}地块"),
        land_use: land_use.into(),
        datum: Datum::Cgcs2000,
        polygons: vec![Polygon { rings }],
    }
}

/// 群力新区 demo site: 0.004° x 0.003° (about 311 m x 333 m).
fn demo_site() -> Site {
    site(vec![rect(126.550, 45.720, 126.554, 45.723)])
}

// ---------------------------------------------------------------------------------------------
// Map placement and compliance review.

#[test]
fn malformed_sites_are_refused_with_the_ring_and_point() {
    let p = |lon, lat| Position::from_degrees(lon, lat).unwrap();
    let square = rect(126.55, 45.72, 126.56, 45.73);
    let cases: Vec<(&str, Vec<Vec<Position>>, SiteError)> = vec![
        ("no ring", vec![], SiteError::NoRing),
        (
            "three points",
            vec![vec![p(126.55, 45.72), p(126.56, 45.72), p(126.55, 45.72)]],
            SiteError::TooFewPositions { ring: 1, count: 3 },
        ),
        (
            "open ring",
            vec![
                square[..4]
                    .iter()
                    .copied()
                    .chain([p(126.551, 45.72)])
                    .collect(),
            ],
            SiteError::NotClosed { ring: 1 },
        ),
        (
            "Beijing",
            vec![rect(116.39, 39.90, 116.40, 39.91)],
            SiteError::OutsideHeilongjiang {
                ring: 1,
                position: 1,
                lon: "116.3900000".into(),
                lat: "39.9000000".into(),
            },
        ),
        (
            "repeated point",
            vec![vec![
                p(126.55, 45.72),
                p(126.56, 45.72),
                p(126.56, 45.72),
                p(126.56, 45.73),
                p(126.55, 45.72),
            ]],
            SiteError::RepeatedPosition {
                ring: 1,
                position: 3,
            },
        ),
        (
            "bow tie",
            vec![vec![
                p(126.55, 45.72),
                p(126.56, 45.73),
                p(126.56, 45.72),
                p(126.55, 45.73),
                p(126.55, 45.72),
            ]],
            SiteError::SelfIntersection {
                ring: 1,
                first: 1,
                second: 3,
            },
        ),
        (
            "hole outside",
            vec![square.clone(), rect(126.57, 45.72, 126.58, 45.73)],
            SiteError::HoleOutside { ring: 2 },
        ),
    ];
    for (name, rings, expected) in cases {
        assert_eq!(site(rings).validate(), Err(expected), "{name}");
    }
    // Swapped axes: 126.55 is no latitude.
    assert!(matches!(
        Position::from_degrees(45.72, 126.55),
        Err(SiteError::NotACoordinate { .. })
    ));
    assert!(
        site(vec![square, rect(126.552, 45.722, 126.553, 45.723)])
            .validate()
            .is_ok()
    );
}

#[test]
fn a_site_round_trips_through_geojson() {
    let text = r#"{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":
        [[[126.55,45.72],[126.554,45.72],[126.554,45.723],[126.55,45.723],[126.55,45.72]]]}}"#;
    let s = Site::from_geojson_str(text, Datum::Cgcs2000).unwrap();
    assert_eq!(s, demo_site());
    let back = Site::from_geojson_str(&s.to_geojson().to_string(), Datum::Cgcs2000).unwrap();
    assert_eq!(back, s);
    assert!(matches!(
        Site::from_geojson_str(
            r#"{"type":"Point","coordinates":[126.5,45.7]}"#,
            Datum::Wgs84
        ),
        Err(SiteError::GeoJson { .. })
    ));
    assert!(matches!(
        Site::from_geojson_str(
            r#"{"type":"Polygon","coordinates":[[[126.5,"north"]]]}"#,
            Datum::Wgs84
        ),
        Err(SiteError::NotACoordinate { .. })
    ));
}

#[test]
fn compliance_review_finds_the_zones_the_site_overlaps_with_their_areas() {
    let s = demo_site();
    let total = s.area_m2();
    let zones = vec![
        // The west half of the site, and beyond.
        zone(
            "HL-R2-01",
            "R2 二类居住用地",
            vec![rect(126.548, 45.719, 126.552, 45.724)],
        ),
        // A concave (L-shaped) green belt: the site's north-east quarter inside its corner.
        zone(
            "HL-G1-02",
            "G1 公园绿地",
            vec![
                [
                    (126.552, 45.7215),
                    (126.556, 45.7215),
                    (126.556, 45.725),
                    (126.5535, 45.725),
                    (126.5535, 45.723),
                    (126.552, 45.723),
                    (126.552, 45.7215),
                ]
                .iter()
                .map(|&(lon, lat)| Position::from_degrees(lon, lat).unwrap())
                .collect(),
            ],
        ),
        // Far away.
        zone(
            "HL-M1-03",
            "M1 一类工业用地",
            vec![rect(126.60, 45.70, 126.61, 45.71)],
        ),
        // Touching the east edge only.
        zone(
            "HL-S1-04",
            "S1 城市道路用地",
            vec![rect(126.554, 45.720, 126.556, 45.723)],
        ),
    ];
    let findings = compliance_findings(&s, &zones).unwrap();
    let codes: Vec<&str> = findings.iter().map(|f| f.zone.as_str()).collect();
    assert_eq!(codes, ["HL-R2-01", "HL-G1-02"]);
    // West half: half the site. Green belt: 0.002° x 0.0015° = 3/8 of the site's east half.
    let half = site(vec![rect(126.550, 45.720, 126.552, 45.723)]).area_m2();
    let green = site(vec![rect(126.552, 45.7215, 126.554, 45.723)]).area_m2();
    assert!(
        (findings[0].area_m2 as f64 - half).abs() <= 1.0,
        "{findings:?}"
    );
    assert!(
        (findings[1].area_m2 as f64 - green).abs() <= 1.0,
        "{findings:?}"
    );
    assert_eq!(findings[0].share_bp, 5000);
    assert_eq!(findings[1].share_bp, 2500);
    assert!((total - 2.0 * half).abs() < 1.0);
}

#[test]
fn zones_load_from_a_geojson_feature_collection() {
    let text = r#"{"type":"FeatureCollection","features":[
      {"type":"Feature","properties":{"code":"A","name":"甲地块","land_use":"R2"},
       "geometry":{"type":"MultiPolygon","coordinates":[
         [[[126.55,45.72],[126.56,45.72],[126.56,45.73],[126.55,45.72]]],
         [[[126.57,45.72],[126.58,45.72],[126.58,45.73],[126.57,45.72]]]]}},
      {"type":"Feature","properties":{"code":"B","name":"乙地块","land_use":"G1"},
       "geometry":{"type":"Polygon","coordinates":[[[126.55,45.72],[126.56,45.72],[126.56,45.73],[126.55,45.72]]]}}
    ]}"#;
    let zones = PlanningZone::from_geojson_collection(text, Datum::Cgcs2000).unwrap();
    assert_eq!(zones.len(), 2);
    assert_eq!(zones[0].polygons.len(), 2);
    let missing = text.replace(r#""land_use":"G1""#, r#""landuse":"G1""#);
    assert_eq!(
        PlanningZone::from_geojson_collection(&missing, Datum::Cgcs2000),
        Err(ZoneError::MissingProperty {
            index: 2,
            property: "land_use"
        })
    );
    let duplicate = text.replace(r#""code":"B""#, r#""code":"A""#);
    assert_eq!(
        PlanningZone::from_geojson_collection(&duplicate, Datum::Cgcs2000),
        Err(ZoneError::DuplicateCode { code: "A".into() })
    );
}

proptest! {
    /// Two lon/lat rectangles overlap in a lon/lat rectangle: the clipped area must be that
    /// rectangle's area, whichever is the site.
    #[test]
    fn rectangle_overlaps_match_the_overlap_rectangle(
        a in (0i32..2000, 0i32..2000, 1i32..1500, 1i32..1500),
        b in (0i32..2000, 0i32..2000, 1i32..1500, 1i32..1500),
    ) {
        let r = |(x, y, w, h): (i32, i32, i32, i32)| {
            let d = |v: i32| f64::from(v) * 1e-5;
            (126.5 + d(x), 45.7 + d(y), 126.5 + d(x + w), 45.7 + d(y + h))
        };
        let (ra, rb) = (r(a), r(b));
        let sa = site(vec![rect(ra.0, ra.1, ra.2, ra.3)]);
        let zb = zone("B", "R2", vec![rect(rb.0, rb.1, rb.2, rb.3)]);
        let found: f64 = compliance_findings(&sa, &[zb]).unwrap().iter().map(|f| f.area_m2 as f64).sum();
        let (x0, y0, x1, y1) = (ra.0.max(rb.0), ra.1.max(rb.1), ra.2.min(rb.2), ra.3.min(rb.3));
        let expected = if x1 > x0 && y1 > y0 {
            // Measured in the overlap's own projection, hence a metre or so of difference.
            site(vec![rect(x0, y0, x1, y1)]).area_m2()
        } else {
            0.0
        };
        if expected >= MIN_FINDING_M2 + 2.0 {
            prop_assert!((found - expected).abs() <= 1.0 + expected * 1e-5, "{found} vs {expected}");
        } else if expected < MIN_FINDING_M2 - 1.0 {
            prop_assert_eq!(found, 0.0);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The workflow.

struct Run<'a> {
    id: ConsultationId,
    clock: &'a LegalClock<'a>,
    state: Option<Consultation>,
    events: Vec<ConsultationEvent>,
}

impl<'a> Run<'a> {
    fn new(clock: &'a LegalClock<'a>) -> Self {
        Run {
            id: ConsultationId::new("CH-2025-001"),
            clock,
            state: None,
            events: vec![],
        }
    }

    fn try_do(
        &mut self,
        acting: Acting,
        cmd: &ConsultationCommand,
    ) -> Result<(), ConsultationError> {
        let (next, events) =
            Consultation::execute(self.state.clone(), &self.id, cmd, &acting, self.clock)?;
        self.events.extend(events);
        self.state = Some(next);
        Ok(())
    }

    fn ok(&mut self, actor: &Actor, at: &str, cmd: ConsultationCommand) {
        self.try_do(Acting::new(actor.clone(), t(at)), &cmd)
            .unwrap_or_else(|e| panic!("{cmd:?} refused: {e}"));
    }

    fn refused(&mut self, actor: &Actor, at: &str, cmd: ConsultationCommand) -> ConsultationError {
        let before = self.state.clone();
        let e = self
            .try_do(Acting::new(actor.clone(), t(at)), &cmd)
            .expect_err("should be refused");
        assert_eq!(self.state, before, "a refusal changed the record");
        e
    }

    fn c(&self) -> &Consultation {
        self.state.as_ref().unwrap()
    }

    /// Registered, placed and reviewed by `start`, ready to consult.
    fn reviewed(clock: &'a LegalClock<'a>, start: Timestamp) -> Self {
        let mut r = Run::new(clock);
        let at = |m: i64| Acting::new(reviewer("ZGJ"), start - Duration::minutes(m));
        r.try_do(
            Acting::new(reviewer("FGW"), start - Duration::minutes(10)),
            &ConsultationCommand::Register {
                channel: PlanningChannel::ImplementationLibrary,
                leads: leads(),
                name: "哈尔滨市群力新区第二中学新建工程".into(),
                description: "新建教学楼、体育馆，总建筑面积 3.2 万平方米，估算投资 2.1 亿元"
                    .into(),
            },
        )
        .unwrap();
        r.try_do(at(9), &ConsultationCommand::PlaceSite { site: demo_site() })
            .unwrap();
        r.try_do(
            at(8),
            &ConsultationCommand::RecordCompliance {
                findings: vec![],
                conclusion: ComplianceConclusion::Compliant,
            },
        )
        .unwrap();
        r
    }
}

fn answer_consent(department: &str, conditions: &[&str], work: &[&str]) -> ConsultationCommand {
    ConsultationCommand::Answer {
        department: DepartmentCode::new(department),
        answer: Answer::Consent {
            conditions: conditions.iter().map(|s| s.to_string()).collect(),
            required_work: work.iter().map(|s| ItemCode::new(*s)).collect(),
        },
    }
}

#[test]
fn planning_runs_from_registration_to_a_linked_approval_project() {
    let calendar = WorkingCalendar::shipped();
    let clock = LegalClock::new(&calendar, OfficeHours::default());
    let mut r = Run::new(&clock);
    let fgw = reviewer("FGW");
    let zgj = reviewer("ZGJ");
    // The leads come from the catalogue by their short names.
    assert_eq!(
        PlanningLeads::from_catalogue(&Catalogue::demo().unwrap()),
        Some(leads())
    );
    let register = |channel| ConsultationCommand::Register {
        channel,
        leads: leads(),
        name: "哈尔滨市群力新区第二中学新建工程".into(),
        description: "新建教学楼、体育馆".into(),
    };
    // Reserve/implementation libraries belong to 市发改委, the 多规合一 platform to 市资规局.
    assert_refused!(
        r,
        &zgj,
        "2025-03-03T09:00",
        register(PlanningChannel::ReserveLibrary),
        ConsultationError::NotLeadDepartment { .. }
    );
    assert_refused!(
        r,
        &window(),
        "2025-03-03T09:00",
        register(PlanningChannel::ReserveLibrary),
        ConsultationError::RoleNotAllowed { .. }
    );
    r.ok(
        &fgw,
        "2025-03-03T09:00",
        register(PlanningChannel::ReserveLibrary),
    );
    r.ok(
        &fgw,
        "2025-03-03T09:05",
        ConsultationCommand::AttachMaterial {
            material: "项目概况说明".into(),
            attachment: AttachmentId::new("m-1"),
        },
    );
    // Placement, review and consultation are 市资规局's.
    assert_refused!(
        r,
        &fgw,
        "2025-03-04T09:00",
        ConsultationCommand::PlaceSite { site: demo_site() },
        ConsultationError::NotLeadDepartment { .. }
    );
    assert_refused!(
        r,
        &zgj,
        "2025-03-04T09:00",
        ConsultationCommand::PlaceSite {
            site: site(vec![rect(116.39, 39.90, 116.40, 39.91)])
        },
        ConsultationError::Site(SiteError::OutsideHeilongjiang { .. })
    );
    r.ok(
        &zgj,
        "2025-03-04T09:00",
        ConsultationCommand::PlaceSite { site: demo_site() },
    );
    r.ok(
        &zgj,
        "2025-03-04T10:00",
        ConsultationCommand::RecordCompliance {
            findings: vec![],
            conclusion: ComplianceConclusion::NonCompliant {
                problems: vec!["红线压占规划道路".into()],
            },
        },
    );
    assert_eq!(r.c().state, ConsultationState::NonCompliant);
    r.ok(
        &zgj,
        "2025-03-05T09:00",
        ConsultationCommand::PlaceSite { site: demo_site() },
    );
    assert!(
        r.c().compliance.is_none(),
        "a new placement voids the review"
    );
    let findings = compliance_findings(
        &demo_site(),
        &[zone(
            "HL-A-01",
            "A33 中小学用地",
            vec![rect(126.54, 45.71, 126.56, 45.73)],
        )],
    )
    .unwrap();
    r.try_do(
        Acting::new(zgj.clone(), t("2025-03-05T10:00"))
            .with_opinion("符合控规")
            .with_attachments(vec![AttachmentId::new("review-1")]),
        &ConsultationCommand::RecordCompliance {
            findings,
            conclusion: ComplianceConclusion::Compliant,
        },
    )
    .unwrap();
    assert_eq!(r.c().state, ConsultationState::Reviewed);
    assert_eq!(
        r.c().compliance.as_ref().unwrap().findings[0].share_bp,
        10_000
    );
    let start = |departments: &[&str], days| ConsultationCommand::StartConsultation {
        departments: departments
            .iter()
            .map(|d| DepartmentCode::new(*d))
            .collect(),
        deadline_working_days: days,
    };
    assert_eq!(
        r.refused(&zgj, "2025-03-05T11:00", start(&[], 5)),
        ConsultationError::NoDepartments
    );
    assert_refused!(
        r,
        &zgj,
        "2025-03-05T11:00",
        start(&["STHJ", "STHJ"], 5),
        ConsultationError::DuplicateDepartment { .. }
    );
    assert_refused!(
        r,
        &zgj,
        "2025-03-05T11:00",
        start(&["STHJ"], 0),
        ConsultationError::DeadlineOutOfRange { .. }
    );
    // Wednesday 11:00 + 5 working days: Thursday to the next Wednesday, 17:00.
    r.ok(
        &zgj,
        "2025-03-05T11:00",
        start(&["STHJ", "RFB", "SWJ", "GSJT"], 5),
    );
    assert_eq!(r.c().deadline(&clock).unwrap(), Some(t("2025-03-12T17:00")));
    assert_eq!(
        r.refused(
            &fgw,
            "2025-03-05T11:30",
            ConsultationCommand::AttachMaterial {
                material: "补充".into(),
                attachment: AttachmentId::new("m-2")
            }
        ),
        ConsultationError::MaterialsLocked
    );
    // A department answers for itself only, once.
    assert_refused!(
        r,
        &reviewer("RFB"),
        "2025-03-06T09:00",
        answer_consent("STHJ", &[], &[]),
        ConsultationError::OtherDepartment { .. }
    );
    assert_refused!(
        r,
        &reviewer("JTJ"),
        "2025-03-06T09:00",
        answer_consent("JTJ", &[], &[]),
        ConsultationError::NotInvited { .. }
    );
    r.ok(
        &reviewer("STHJ"),
        "2025-03-06T09:00",
        answer_consent("STHJ", &["施工期落实扬尘防治措施"], &["ZJ-01", "ZJ-01"]),
    );
    assert_refused!(
        r,
        &reviewer("STHJ"),
        "2025-03-06T10:00",
        answer_consent("STHJ", &[], &[]),
        ConsultationError::AlreadyAnswered { .. }
    );
    r.ok(
        &reviewer("RFB"),
        "2025-03-07T09:00",
        ConsultationCommand::Answer {
            department: DepartmentCode::new("RFB"),
            answer: Answer::NotInvolved,
        },
    );
    let utility = Actor {
        role: Role::UtilityUnit,
        ..reviewer("GSJT")
    };
    r.ok(
        &utility,
        "2025-03-10T09:00",
        answer_consent("GSJT", &["从群力大道 DN600 管接入"], &["ZJ-03"]),
    );
    assert_refused!(
        r,
        &zgj,
        "2025-03-10T10:00",
        ConsultationCommand::Summarise {
            summary: "汇总".into()
        },
        ConsultationError::RepliesMissing { .. }
    );
    // SWJ stays silent. The scheduler acts at the deadline, with the deadline as the time.
    let due = due_system_actions(r.c(), &clock, t("2025-03-12T16:59")).unwrap();
    assert!(due.is_empty());
    let due = due_system_actions(r.c(), &clock, t("2025-03-13T08:00")).unwrap();
    assert_eq!(due.len(), 1);
    for action in due {
        r.try_do(action.acting, &action.command).unwrap();
    }
    let summary = r.c().opinion_summary();
    assert_eq!(summary.deemed, vec![DepartmentCode::new("SWJ")]);
    assert_eq!(summary.not_involved, vec![DepartmentCode::new("RFB")]);
    assert_eq!(
        summary.required_work,
        vec![ItemCode::new("ZJ-01"), ItemCode::new("ZJ-03")]
    );
    assert_eq!(summary.conditions.len(), 2);
    assert_eq!(
        r.c().clock_input().unwrap().ended_at,
        parse_local("2025-03-12T17:00")
    );
    r.ok(
        &zgj,
        "2025-03-13T09:00",
        ConsultationCommand::Summarise {
            summary: "各部门意见已汇总，同意项目策划生成".into(),
        },
    );
    r.try_do(
        Acting::new(zgj.clone(), t("2025-03-13T10:00"))
            .with_attachments(vec![AttachmentId::new("result-1")]),
        &ConsultationCommand::Conclude {
            outcome: PlanningOutcome::Generated,
        },
    )
    .unwrap();
    assert_eq!(r.c().state, ConsultationState::Generated);
    // Seed 5.7: the window links the result into the approval project, once.
    let link = ConsultationCommand::LinkProject {
        project: ProjectId::new("P-2025-0001"),
    };
    assert_refused!(
        r,
        &zgj,
        "2025-04-01T09:00",
        link.clone(),
        ConsultationError::RoleNotAllowed { .. }
    );
    r.ok(&window(), "2025-04-01T09:00", link.clone());
    assert_refused!(
        r,
        &window(),
        "2025-04-01T09:10",
        link,
        ConsultationError::AlreadyLinked { .. }
    );
    let reused: Vec<AttachmentId> = r
        .c()
        .reusable_materials()
        .into_iter()
        .map(|(_, a)| a)
        .collect();
    assert_eq!(
        reused,
        ["m-1", "review-1", "result-1"]
            .map(AttachmentId::new)
            .to_vec()
    );
    assert_eq!(Consultation::replay(&r.events).unwrap(), *r.c());
    let applicant = Actor {
        role: Role::Applicant,
        organisation: Some(OrganisationId::new("91230100MA1B2C3D4E")),
        ..window()
    };
    for (actor, sees) in [
        (fgw, true),
        (zgj, true),
        (reviewer("SWJ"), true),
        (utility, true),
        (reviewer("JTJ"), false),
        (window(), true),
        (applicant, false),
    ] {
        assert_eq!(r.c().visible_to(&actor), sees, "{actor:?}");
    }
}

/// (started, working days, deadline): consultations opened on the eve of holidays.
const HOLIDAY_DEADLINES: [(&str, u32, &str); 5] = [
    // 国庆节、中秋节 2025 (Oct 1-8), then Thu 9, Fri 10 and the adjusted working Saturday 11.
    ("2025-09-30T10:00", 3, "2025-10-11T17:00"),
    // 春节 2025 (Jan 28 - Feb 4) from the Monday before: Feb 5, 6, 7.
    ("2025-01-27T09:00", 3, "2025-02-07T17:00"),
    // 春节 2026 (Feb 15-23) from Friday 13th: the adjusted working Saturday 14, then Feb 24, 25.
    ("2026-02-13T16:00", 3, "2026-02-25T17:00"),
    // 国庆节 2026 (Oct 1-7): Thu 8, Fri 9, adjusted working Saturday 10.
    ("2026-09-30T10:00", 3, "2026-10-10T17:00"),
    // Started after office hours on the last day before 国庆 2025: the same three days.
    ("2025-09-30T20:00", 3, "2025-10-11T17:00"),
];

#[test]
fn silence_at_the_deadline_is_consent_recorded_once_by_the_system_at_the_deadline() {
    let calendar = WorkingCalendar::shipped();
    let clock = LegalClock::new(&calendar, OfficeHours::default());
    for (started, days, expected) in HOLIDAY_DEADLINES {
        let deadline = t(expected);
        let mut r = Run::reviewed(&clock, t(started));
        r.ok(
            &reviewer("ZGJ"),
            started,
            ConsultationCommand::StartConsultation {
                departments: ["STHJ", "YJJ"].map(DepartmentCode::new).to_vec(),
                deadline_working_days: days,
            },
        );
        assert_eq!(r.c().deadline(&clock).unwrap(), Some(deadline), "{started}");
        assert_eq!(r.c().next_system_action_at(&clock).unwrap(), Some(deadline));
        // One department answers a minute before the deadline: in time.
        let last_minute = deadline - Duration::minutes(1);
        r.try_do(
            Acting::new(reviewer("STHJ"), last_minute),
            &answer_consent("STHJ", &[], &[]),
        )
        .unwrap();
        assert!(
            due_system_actions(r.c(), &clock, last_minute)
                .unwrap()
                .is_empty()
        );
        // The other is silent; a minute after the deadline it is too late, even though the
        // system has not acted yet.
        let late = r
            .try_do(
                Acting::new(reviewer("YJJ"), deadline + Duration::minutes(1)),
                &answer_consent("YJJ", &[], &[]),
            )
            .unwrap_err();
        assert_eq!(late, ConsultationError::AnswerAfterDeadline { deadline });
        // The server was down: it comes back 200 days later and applies the rule with the
        // deadline as the time.
        let now = deadline + Duration::days(200);
        let due = due_system_actions(r.c(), &clock, now).unwrap();
        assert_eq!(due.len(), 1, "{started}");
        let action = due[0].clone();
        assert_eq!(
            action.command,
            ConsultationCommand::DeemConsent {
                department: DepartmentCode::new("YJJ")
            }
        );
        assert_eq!(action.acting.at, deadline);
        assert_eq!(action.acting.actor, Actor::system());
        // Not at `now`, not by anyone but the system.
        assert_eq!(
            r.try_do(Acting::new(Actor::system(), now), &action.command),
            Err(ConsultationError::NotAtDeadline { deadline, at: now })
        );
        assert!(matches!(
            r.try_do(Acting::new(reviewer("ZGJ"), deadline), &action.command),
            Err(ConsultationError::RoleNotAllowed { .. })
        ));
        r.try_do(action.acting.clone(), &action.command).unwrap();
        // A second server process that computed the same action applies it against the new
        // state: refused, so it happens exactly once.
        assert_eq!(
            r.try_do(action.acting.clone(), &action.command),
            Err(ConsultationError::AlreadyAnswered {
                department: DepartmentCode::new("YJJ")
            })
        );
        assert!(due_system_actions(r.c(), &clock, now).unwrap().is_empty());
        assert_eq!(r.c().next_system_action_at(&clock).unwrap(), None);
        let deemed = r.events.last().unwrap();
        assert_eq!(deemed.at, deadline);
        assert_eq!(deemed.actor.role, Role::System);
        assert_eq!(deemed.opinion.as_deref(), Some(DEEMED_CONSENT_OPINION));
        let reply = r.c().invitations[1].reply.as_ref().unwrap();
        assert_eq!(
            (reply.kind.label(), reply.at),
            ("逾期未回复，视为同意", deadline)
        );
        let sealed = trail::seal_all(r.id.as_str(), None, r.events.clone()).unwrap();
        assert!(trail::verify(r.id.as_str(), &sealed).is_ok());
    }
}

#[test]
fn no_deemed_consent_before_the_deadline_or_when_the_year_has_no_holiday_table() {
    let calendar = WorkingCalendar::shipped();
    let clock = LegalClock::new(&calendar, OfficeHours::default());
    // 2026-12-28 + 10 working days runs into 2027, which has no table yet: the consultation
    // starts (its deadline is provisional, counted Monday to Friday), but the system never
    // deems consent on a provisional deadline; once the table arrives, it does.
    let mut r = Run::reviewed(&clock, t("2026-12-28T10:00"));
    r.ok(
        &reviewer("ZGJ"),
        "2026-12-28T10:00",
        ConsultationCommand::StartConsultation {
            departments: vec![DepartmentCode::new("STHJ")],
            deadline_working_days: 10,
        },
    );
    // 12/29-12/31 (3), 1/1 1/4-1/8 (4-9), 1/11 (10), Monday to Friday.
    assert_eq!(r.c().deadline(&clock).unwrap(), Some(t("2027-01-11T17:00")));
    assert_eq!(
        r.c().final_deadline(&clock),
        Err(ClockError::NoDataForYear(2027))
    );
    assert!(
        due_system_actions(r.c(), &clock, t("2027-03-01T09:00"))
            .unwrap()
            .is_empty()
    );
    assert_refused!(
        r,
        &Actor::system(),
        "2027-03-01T09:00",
        ConsultationCommand::DeemConsent {
            department: DepartmentCode::new("STHJ")
        },
        ConsultationError::DeadlineUnknown { .. }
    );
    let mut with_2027 = calendar.clone();
    with_2027.import(
        WorkingCalendar::from_toml(
            "[[year]]\nyear = 2027\nholidays = [ { name = \"元旦\", from = 2027-01-01 } ]\n",
        )
        .unwrap(),
    );
    let clock_2027 = LegalClock::new(&with_2027, OfficeHours::default());
    // 元旦 on 1/1: the 10th working day is 1/12.
    assert_eq!(
        r.c().final_deadline(&clock_2027),
        Ok(Some(t("2027-01-12T17:00")))
    );
    assert_eq!(
        due_system_actions(r.c(), &clock_2027, t("2027-03-01T09:00"))
            .unwrap()
            .len(),
        1
    );

    let mut r = Run::reviewed(&clock, t("2026-12-28T10:00"));
    r.ok(
        &reviewer("ZGJ"),
        "2026-12-28T10:00",
        ConsultationCommand::StartConsultation {
            departments: vec![DepartmentCode::new("STHJ")],
            deadline_working_days: 2,
        },
    );
    let deadline = r.c().deadline(&clock).unwrap().unwrap();
    assert_eq!(deadline, t("2026-12-30T17:00"));
    assert!(
        r.try_do(
            Acting::new(Actor::system(), t("2026-12-29T17:00")),
            &ConsultationCommand::DeemConsent {
                department: DepartmentCode::new("STHJ")
            }
        )
        .is_err()
    );
    assert!(
        due_system_actions(r.c(), &clock, t("2026-12-30T16:59"))
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        due_system_actions(r.c(), &clock, deadline).unwrap().len(),
        1
    );
}

// ---------------------------------------------------------------------------------------------
// Model-based property test.

#[derive(Debug, Clone, Copy)]
enum Step {
    Register(bool),
    Attach,
    Place,
    Review(bool),
    Start,
    Answer(usize, bool),
    Deem(usize),
    Summarise,
    Conclude(bool),
    Link,
    Close,
}

#[derive(Debug, Clone, Copy)]
enum Who {
    Fgw,
    Zgj,
    Dept(usize),
    Window,
    System,
}

const INVITED: [&str; 3] = ["STHJ", "RFB", "JTJ"];

fn step_strategy() -> impl Strategy<Value = Step> {
    prop_oneof![
        any::<bool>().prop_map(Step::Register),
        Just(Step::Attach),
        Just(Step::Place),
        any::<bool>().prop_map(Step::Review),
        Just(Step::Start),
        (0usize..3, any::<bool>()).prop_map(|(d, late)| Step::Answer(d, late)),
        (0usize..3).prop_map(Step::Deem),
        Just(Step::Summarise),
        any::<bool>().prop_map(Step::Conclude),
        Just(Step::Link),
        Just(Step::Close),
    ]
}

fn who_strategy() -> impl Strategy<Value = Who> {
    prop_oneof![
        Just(Who::Fgw),
        Just(Who::Zgj),
        (0usize..3).prop_map(Who::Dept),
        Just(Who::Window),
        Just(Who::System),
    ]
}

#[derive(Debug, Clone, PartialEq)]
struct Model {
    state: ConsultationState,
    replies: [bool; 3],
    linked: bool,
}

/// What seed 5 allows. Steps come a minute apart, so the consultation's deadline (three working
/// days on) is reached only when the driver jumps there: to the deadline for a deemed consent,
/// a minute past it for a late answer; time never goes back.
fn model_step(
    m: Option<&Model>,
    step: Step,
    who: Who,
    deadline_passed: bool,
    at_deadline: bool,
) -> Option<Model> {
    use ConsultationState as S;
    let Some(m) = m else {
        return match (step, who) {
            (Step::Register(true), Who::Fgw) | (Step::Register(false), Who::Zgj) => Some(Model {
                state: S::Registered,
                replies: [false; 3],
                linked: false,
            }),
            _ => None,
        };
    };
    let mut n = m.clone();
    let s = m.state;
    let editable = matches!(s, S::Registered | S::Placed | S::NonCompliant | S::Reviewed);
    let lead = matches!(who, Who::Fgw | Who::Zgj);
    let bureau = matches!(who, Who::Zgj);
    let ok = match step {
        Step::Register(_) => false,
        Step::Attach => lead && editable,
        Step::Place => {
            n.state = S::Placed;
            bureau && editable
        }
        Step::Review(compliant) => {
            n.state = if compliant {
                S::Reviewed
            } else {
                S::NonCompliant
            };
            bureau && s == S::Placed
        }
        Step::Start => {
            n.state = S::Consulting;
            bureau && s == S::Reviewed
        }
        Step::Answer(d, late) => {
            n.replies[d] = true;
            matches!(who, Who::Dept(x) if x == d)
                && s == S::Consulting
                && !m.replies[d]
                && !late
                && !deadline_passed
        }
        Step::Deem(d) => {
            n.replies[d] = true;
            matches!(who, Who::System) && s == S::Consulting && !m.replies[d] && at_deadline
        }
        Step::Summarise => {
            n.state = S::Summarised;
            bureau && s == S::Consulting && m.replies.iter().all(|r| *r)
        }
        Step::Conclude(generated) => {
            n.state = if generated {
                S::Generated
            } else {
                S::NotGenerated
            };
            bureau && s == S::Summarised
        }
        Step::Link => {
            n.linked = true;
            matches!(who, Who::Window) && s == S::Generated && !m.linked
        }
        Step::Close => {
            n.state = S::Closed;
            lead && !matches!(s, S::Generated | S::NotGenerated | S::Closed)
        }
    };
    ok.then_some(n)
}

fn actor_of(who: Who) -> Actor {
    match who {
        Who::Fgw => reviewer("FGW"),
        Who::Zgj => reviewer("ZGJ"),
        Who::Dept(d) => reviewer(INVITED[d]),
        Who::Window => window(),
        Who::System => Actor::system(),
    }
}

fn command_of(step: Step) -> ConsultationCommand {
    use ConsultationCommand as C;
    match step {
        Step::Register(fgw) => C::Register {
            channel: if fgw {
                PlanningChannel::ReserveLibrary
            } else {
                PlanningChannel::MultiPlanPlatform
            },
            leads: leads(),
            name: "项目".into(),
            description: "概况".into(),
        },
        Step::Attach => C::AttachMaterial {
            material: "材料".into(),
            attachment: AttachmentId::new("a"),
        },
        Step::Place => C::PlaceSite { site: demo_site() },
        Step::Review(compliant) => C::RecordCompliance {
            findings: vec![],
            conclusion: if compliant {
                ComplianceConclusion::Compliant
            } else {
                ComplianceConclusion::NonCompliant {
                    problems: vec!["压占道路".into()],
                }
            },
        },
        Step::Start => C::StartConsultation {
            departments: INVITED.map(DepartmentCode::new).to_vec(),
            deadline_working_days: 3,
        },
        Step::Answer(d, _) => answer_consent(INVITED[d], &[], &[]),
        Step::Deem(d) => C::DeemConsent {
            department: DepartmentCode::new(INVITED[d]),
        },
        Step::Summarise => C::Summarise {
            summary: "汇总".into(),
        },
        Step::Conclude(generated) => C::Conclude {
            outcome: if generated {
                PlanningOutcome::Generated
            } else {
                PlanningOutcome::NotGenerated {
                    reasons: vec!["不符合".into()],
                }
            },
        },
        Step::Link => C::LinkProject {
            project: ProjectId::new("P"),
        },
        Step::Close => C::Close {
            reason: "撤销".into(),
        },
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn the_planning_machine_agrees_with_the_model(
        prefix in any::<bool>(),
        script in prop::collection::vec((step_strategy(), who_strategy()), 1..60),
    ) {
        // Half the scripts start from an open consultation, so its rules get exercised.
        let opening = [
            (Step::Register(true), Who::Fgw),
            (Step::Place, Who::Zgj),
            (Step::Review(true), Who::Zgj),
            (Step::Start, Who::Zgj),
        ];
        let script: Vec<(Step, Who)> = if prefix {
            opening.into_iter().chain(script).collect()
        } else {
            script
        };
        let calendar = WorkingCalendar::shipped();
        let clock = LegalClock::new(&calendar, OfficeHours::default());
        let id = ConsultationId::new("CH");
        let mut now = Utc.with_ymd_and_hms(2025, 3, 3, 1, 0, 0).unwrap();
        let mut run: ModelRun<Consultation, Model> = ModelRun::new();
        for (step, who) in script {
            // Ordinary steps come a minute apart; a deemed consent comes at the deadline and a
            // late answer a minute after it (the time then stays there).
            let deadline = run.live.as_ref().and_then(|c| c.deadline(&clock).unwrap());
            now = match (step, deadline) {
                (Step::Deem(_), Some(d)) if d >= now => d,
                (Step::Answer(_, true), Some(d)) if d >= now => d + Duration::minutes(1),
                _ => now + Duration::minutes(1),
            };
            let passed = deadline.is_some_and(|d| now > d);
            let expected = model_step(run.model.as_ref(), step, who, passed, deadline == Some(now));
            let acting = Acting::new(actor_of(who), now);
            let outcome = Consultation::execute(run.live.clone(), &id, &command_of(step), &acting, &clock);
            run.take(outcome, expected, &format!("{step:?} by {who:?} at {now}"), |after, e, _, _| {
                prop_assert_eq!(after.state, e.state);
                let replies: Vec<bool> = after.invitations.iter().map(|i| i.reply.is_some()).collect();
                if !replies.is_empty() {
                    prop_assert_eq!(replies, e.replies.to_vec());
                }
                prop_assert_eq!(after.linked_project.is_some(), e.linked);
                Ok(())
            })?;
        }
        if let Some(c) = &run.live {
            prop_assert_eq!(&Consultation::replay(&run.events).unwrap(), c);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Available actions: what each user may do with a planning record now, and why not the rest.

/// The record after `path` (steps with their actors, a minute apart from 2025-03-03 09:00).
fn consultation_after(clock: &LegalClock, path: &[(Step, Who)]) -> Consultation {
    let id = ConsultationId::new("CH");
    let mut now = t("2025-03-03T09:00");
    let mut state = None;
    for (step, who) in path {
        now += Duration::minutes(1);
        let acting = Acting::new(actor_of(*who), now);
        let (next, _) = Consultation::execute(state, &id, &command_of(*step), &acting, clock)
            .unwrap_or_else(|e| panic!("{step:?} by {who:?}: {e}"));
        state = Some(next);
    }
    state.unwrap()
}

/// Named paths through the planning workflow.
fn consultation_path(name: &str) -> Vec<(Step, Who)> {
    let registered = vec![(Step::Register(true), Who::Fgw)];
    let placed = [registered.clone(), vec![(Step::Place, Who::Zgj)]].concat();
    let reviewed = [placed.clone(), vec![(Step::Review(true), Who::Zgj)]].concat();
    let consulting = [reviewed.clone(), vec![(Step::Start, Who::Zgj)]].concat();
    let one = [
        consulting.clone(),
        vec![(Step::Answer(0, false), Who::Dept(0))],
    ]
    .concat();
    let all = [
        one.clone(),
        vec![
            (Step::Answer(1, false), Who::Dept(1)),
            (Step::Answer(2, false), Who::Dept(2)),
        ],
    ]
    .concat();
    let summarised = [all.clone(), vec![(Step::Summarise, Who::Zgj)]].concat();
    let generated = [summarised.clone(), vec![(Step::Conclude(true), Who::Zgj)]].concat();
    match name {
        "registered" => registered,
        "placed" => placed,
        "non_compliant" => [placed, vec![(Step::Review(false), Who::Zgj)]].concat(),
        "reviewed" => reviewed,
        "consulting" => consulting,
        "one_answered" => one,
        "all_answered" => all,
        "summarised" => summarised,
        "generated" => generated,
        "linked" => [generated, vec![(Step::Link, Who::Window)]].concat(),
        "not_generated" => [summarised, vec![(Step::Conclude(false), Who::Zgj)]].concat(),
        "closed" => [registered, vec![(Step::Close, Who::Fgw)]].concat(),
        other => panic!("unknown path {other}"),
    }
}

const CONSULTATION_PATHS: [&str; 12] = [
    "registered",
    "placed",
    "non_compliant",
    "reviewed",
    "consulting",
    "one_answered",
    "all_answered",
    "summarised",
    "generated",
    "linked",
    "not_generated",
    "closed",
];

const EVERYONE: [Who; 7] = [
    Who::Fgw,
    Who::Zgj,
    Who::Dept(0),
    Who::Dept(1),
    Who::Dept(2),
    Who::Window,
    Who::System,
];

#[test]
fn available_actions_per_state_and_role() {
    use ConsultationAction as A;
    let calendar = WorkingCalendar::shipped();
    let clock = LegalClock::new(&calendar, OfficeHours::default());
    let table: Vec<(&str, Who, Vec<ConsultationAction>)> = vec![
        (
            "registered",
            Who::Fgw,
            vec![A::AttachMaterial, A::DetachMaterial, A::Close],
        ),
        (
            "registered",
            Who::Zgj,
            vec![A::AttachMaterial, A::DetachMaterial, A::PlaceSite, A::Close],
        ),
        ("registered", Who::Dept(0), vec![]),
        ("registered", Who::Window, vec![]),
        ("registered", Who::System, vec![]),
        (
            "placed",
            Who::Zgj,
            vec![
                A::AttachMaterial,
                A::DetachMaterial,
                A::PlaceSite,
                A::RecordCompliance,
                A::Close,
            ],
        ),
        (
            "non_compliant",
            Who::Zgj,
            vec![A::AttachMaterial, A::DetachMaterial, A::PlaceSite, A::Close],
        ),
        (
            "reviewed",
            Who::Zgj,
            vec![
                A::AttachMaterial,
                A::DetachMaterial,
                A::PlaceSite,
                A::StartConsultation,
                A::Close,
            ],
        ),
        (
            "reviewed",
            Who::Fgw,
            vec![A::AttachMaterial, A::DetachMaterial, A::Close],
        ),
        // The materials are locked; the summary waits for every reply.
        ("consulting", Who::Zgj, vec![A::Close]),
        ("consulting", Who::Fgw, vec![A::Close]),
        ("consulting", Who::Dept(0), vec![A::Answer]),
        ("consulting", Who::Dept(2), vec![A::Answer]),
        ("consulting", Who::Window, vec![]),
        ("consulting", Who::System, vec![A::DeemConsent]),
        // A department answers its own invitation, once.
        ("one_answered", Who::Dept(0), vec![]),
        ("one_answered", Who::Dept(1), vec![A::Answer]),
        ("one_answered", Who::System, vec![A::DeemConsent]),
        ("all_answered", Who::Zgj, vec![A::Summarise, A::Close]),
        ("all_answered", Who::Dept(1), vec![]),
        ("all_answered", Who::System, vec![]),
        ("summarised", Who::Zgj, vec![A::Conclude, A::Close]),
        ("summarised", Who::Fgw, vec![A::Close]),
        ("generated", Who::Window, vec![A::LinkProject]),
        ("generated", Who::Zgj, vec![]),
        ("linked", Who::Window, vec![]),
        ("not_generated", Who::Zgj, vec![]),
        ("not_generated", Who::Window, vec![]),
        ("closed", Who::Fgw, vec![]),
        ("closed", Who::Zgj, vec![]),
    ];
    for (path, who, expected) in table {
        let c = consultation_after(&clock, &consultation_path(path));
        let actor = actor_of(who);
        let answer = c.available_actions(&actor);
        assert_eq!(allowed_now(&answer), expected, "{path} as {who:?}");
        assert_eq!(
            answer.len(),
            ConsultationAction::ALL.len() - 1,
            "all but 登记"
        );
        assert!(answer.iter().all(|a| a.action != A::Register));
        assert_answer_agrees(&c, &actor, &answer, &format!("{path} as {who:?}"));
    }
    let refusal = |path: &str, actor: &Actor, action: ConsultationAction| {
        refusal_of(
            consultation_after(&clock, &consultation_path(path)).available_actions(actor),
            action,
        )
    };
    assert_eq!(
        refusal("consulting", &reviewer("ZGJ"), A::AttachMaterial),
        "联合会商已发起，不能再修改策划材料"
    );
    assert_eq!(
        refusal("consulting", &reviewer("ZGJ"), A::Summarise),
        "以下部门尚未回复，不能汇总意见：STHJ、RFB、JTJ"
    );
    assert_eq!(
        refusal("consulting", &reviewer("FGW"), A::PlaceSite),
        "只有牵头部门（ZGJ）能地图落位，本部门为 FGW"
    );
    assert_eq!(
        refusal("consulting", &reviewer("WSJ"), A::Answer),
        "WSJ 未被邀请参加本次联合会商"
    );
    assert_eq!(
        refusal("one_answered", &reviewer("STHJ"), A::Answer),
        "STHJ 已有会商意见，不能重复提交"
    );
    let no_department = Actor {
        department: None,
        ..reviewer("STHJ")
    };
    assert_eq!(
        refusal("consulting", &no_department, A::Answer),
        "账号所属部门不能为空"
    );
    assert_eq!(
        refusal("all_answered", &Actor::system(), A::DeemConsent),
        "JTJ 已有会商意见，不能重复提交"
    );
    assert_eq!(
        refusal("linked", &window(), A::LinkProject),
        "策划成果已关联审批项目 P"
    );
    assert_eq!(
        refusal("generated", &reviewer("ZGJ"), A::Close),
        "策划项目处于“策划生成完成”状态，不能撤销策划项目"
    );
}

/// Along every path, for every step and every user: what `decide` accepts is offered; what
/// is offered is refused by `decide` only for the content of the command, its time against
/// the consultation's deadline, or the department it names when that is not the actor's own;
/// and when the command is the actor's own, a gate refusal is `decide`'s refusal.
#[test]
fn available_actions_agree_with_decide() {
    use ConsultationError as E;
    let calendar = WorkingCalendar::shipped();
    let clock = LegalClock::new(&calendar, OfficeHours::default());
    let mut steps = vec![
        Step::Register(true),
        Step::Attach,
        Step::Place,
        Step::Review(true),
        Step::Review(false),
        Step::Start,
        Step::Summarise,
        Step::Conclude(true),
        Step::Conclude(false),
        Step::Link,
        Step::Close,
    ];
    for d in 0..3 {
        steps.extend([Step::Answer(d, false), Step::Deem(d)]);
    }
    let id = ConsultationId::new("CH");
    let mut accepted = 0;
    for path in CONSULTATION_PATHS {
        let c = consultation_after(&clock, &consultation_path(path));
        for step in &steps {
            for who in EVERYONE {
                // A deemed consent comes at the deadline, anything else a minute later.
                let at = match (step, c.deadline(&clock).unwrap()) {
                    (Step::Deem(_), Some(d)) if d >= c.last_event_at => d,
                    _ => c.last_event_at + Duration::minutes(1),
                };
                let cmd = command_of(*step);
                let actor = actor_of(who);
                let decided = Consultation::decide(
                    Some(&c),
                    &id,
                    &cmd,
                    &Acting::new(actor.clone(), at),
                    &clock,
                );
                let offered = c.may(cmd.action(), &actor);
                // The command names the actor's own department, or names none.
                let own = match step {
                    Step::Answer(d, _) => matches!(who, Who::Dept(x) if x == *d),
                    Step::Deem(_) => false,
                    _ => true,
                };
                match (&offered, &decided) {
                    (Ok(()), Ok(_)) => accepted += 1,
                    (Err(gate), Ok(_)) => {
                        panic!("{path} + {step:?} by {who:?}: decided but not offered: {gate}")
                    }
                    (Err(gate), Err(e)) => {
                        if own {
                            assert_eq!(gate, e, "{path} + {step:?} by {who:?}");
                        }
                    }
                    (Ok(()), Err(e)) => {
                        let gate_refusal = matches!(
                            e,
                            E::RoleNotAllowed { .. }
                                | E::InvalidTransition { .. }
                                | E::NotLeadDepartment { .. }
                                | E::MaterialsLocked
                                | E::RepliesMissing { .. }
                                | E::AlreadyLinked { .. }
                                | E::AlreadyRegistered
                                | E::NotRegistered
                        ) || (own
                            && matches!(
                                e,
                                E::OtherDepartment { .. }
                                    | E::NotInvited { .. }
                                    | E::AlreadyAnswered { .. }
                            ));
                        assert!(
                            !gate_refusal,
                            "{path} + {step:?} by {who:?}: offered but refused by the gate: {e}"
                        );
                    }
                }
            }
        }
    }
    assert!(accepted > 30, "too few accepted commands: {accepted}");
}
