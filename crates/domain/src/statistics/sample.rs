//! Sample data for the statistics, played through the real workflow (项目登记, 办件) with the
//! demo catalogue: a small fixed data set whose figures are checked by hand in the tests, and a
//! generated city-year of any size for benchmarks and demos. Deterministic: no clock, no RNG.

use crate::actor::{Actor, Role};
use crate::case::{
    AcceptanceTerms, Acting, Case, CaseCommand, CaseError, CaseEvent, CertificateRecord,
    CorrectionPoint, Decision,
};
use crate::catalogue::{Catalogue, ItemKind, Stage};
use crate::codes::{CreditCode, PhoneNumber, ProjectCode, RegionCode};
use crate::districts::Districts;
use crate::ids::{
    ApplicationId, AttachmentId, CaseId, CategoryCode, CertificateNumber, DepartmentCode, FlowCode,
    ItemCode, OrganisationId, ProjectId, UserId, WorksId,
};
use crate::procedure::SpecialProcedureKind;
use crate::project::{
    Area, Builder, Contact, ContactRole, InvestmentType, Location, Money, Project, ProjectCommand,
    ProjectDetails, ProjectError, ProjectEvent, Works,
};
use crate::time::{LocalTime, from_local, parse_local};
use chrono::Duration;

/// A catalogue, registered projects and replayed cases, with the time to read them at.
#[derive(Debug, Clone)]
pub struct SampleData {
    pub catalogue: Catalogue,
    pub projects: Vec<Project>,
    pub cases: Vec<Case>,
    /// 统计时点 (Beijing time).
    pub as_of: LocalTime,
    /// The events the projects and cases were played from, when asked for (to load the same
    /// data into a server store).
    pub trails: Option<SampleTrails>,
}

/// The event trails of [`SampleData`], in the order of its projects and cases.
#[derive(Debug, Clone, Default)]
pub struct SampleTrails {
    pub projects: Vec<Vec<ProjectEvent>>,
    pub cases: Vec<Vec<CaseEvent>>,
}

/// A bug in the sample data, named.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SampleError {
    #[error("示例数据有误：演示目录无法载入（{0}）")]
    Catalogue(String),
    #[error("示例数据有误：{0}")]
    Data(String),
    #[error("示例数据有误：项目 {project}：{error}")]
    Project {
        project: String,
        error: ProjectError,
    },
    #[error("示例数据有误：办件 {case}：{error}")]
    Case { case: String, error: CaseError },
}

/// The time `s` ("YYYY-MM-DD HH:MM", Beijing).
fn local(s: &str) -> Result<LocalTime, SampleError> {
    parse_local(s).ok_or_else(|| SampleError::Data(format!("时间“{s}”无效")))
}

const CREDIT_CODE: &str = "91230102MA1BC3D48E";

/// One project of the fixed data set.
struct ProjectSpec {
    n: usize,
    name: &'static str,
    builder: &'static str,
    category: &'static str,
    works: &'static str,
}

/// The six projects of the fixed data set, one per seed-12 category and two 房地产.
const PROJECTS: [ProjectSpec; 6] = [
    ProjectSpec {
        n: 1,
        name: "松北区利民住宅小区一期",
        builder: "哈尔滨滨江置业有限公司",
        category: "SH-FDC",
        works: "1#住宅楼",
    },
    ProjectSpec {
        n: 2,
        name: "道里区群力商业综合体",
        builder: "哈尔滨群力商业地产有限公司",
        category: "SH-FDC",
        works: "商业楼",
    },
    ProjectSpec {
        n: 3,
        name: "平房区精密机械厂房",
        builder: "哈尔滨精工机械有限公司",
        category: "SH-CF",
        works: "1号厂房",
    },
    ProjectSpec {
        n: 4,
        name: "香坊区第十二中学新建教学楼",
        builder: "哈尔滨市香坊区教育局",
        category: "ZF-FW",
        works: "教学楼",
    },
    ProjectSpec {
        n: 5,
        name: "呼兰河大桥改建工程",
        builder: "哈尔滨市城市建设投资集团有限公司",
        category: "ZF-LQ",
        works: "主桥",
    },
    ProjectSpec {
        n: 6,
        name: "双城区冷链物流仓储中心",
        builder: "哈尔滨冷链物流有限公司",
        category: "SH-CC",
        works: "1号冷库",
    },
];

/// `2024-230109-70-03-00000n`.
pub fn fixed_project_code(n: usize) -> String {
    format!("2024-230109-70-03-{n:06}")
}

fn org(n: usize) -> OrganisationId {
    OrganisationId::new(format!("ORG-P{n}"))
}

fn actor(
    role: Role,
    department: Option<&DepartmentCode>,
    organisation: Option<OrganisationId>,
) -> Actor {
    Actor {
        user: UserId::new(format!("sample-{role:?}")),
        name: "示例".to_owned(),
        role,
        department: department.cloned(),
        organisation,
        levels: vec![],
    }
}

/// The reviewer who holds `level` (one person per level, as the directory grants them).
fn signer(reviewer: &Actor, level: &str) -> Actor {
    let mut a = reviewer.clone().with_levels([level]);
    a.user = UserId::new(format!("{}-{level}", reviewer.user));
    a
}

fn window() -> Actor {
    actor(
        Role::WindowOperator,
        Some(&DepartmentCode::new("ZHCK")),
        None,
    )
}

#[allow(clippy::too_many_arguments)]
fn register_trail(
    id: &str,
    n: usize,
    code: &str,
    name: &str,
    builder: &str,
    category: &str,
    works_id: &str,
    works_name: &str,
    at: LocalTime,
) -> Result<(Project, Vec<ProjectEvent>), SampleError> {
    let bad = |e: String| SampleError::Data(format!("项目 {id}：{e}"));
    let details = ProjectDetails {
        code: ProjectCode::parse(code).map_err(|e| bad(e.to_string()))?,
        name: name.to_owned(),
        builder: Builder {
            name: builder.to_owned(),
            credit_code: CreditCode::parse(CREDIT_CODE).map_err(|e| bad(e.to_string()))?,
        },
        investment: if category.starts_with("ZF") {
            InvestmentType::Government
        } else {
            InvestmentType::Social
        },
        category: CategoryCode::new(category),
        location: Location {
            address: "哈尔滨市".to_owned(),
            district: RegionCode::parse("230109").map_err(|e| bad(e.to_string()))?,
        },
        investment_amount: Money::from_wan(10_000).unwrap_or_default(),
        land_area: Area::from_square_metres(20_000).unwrap_or_default(),
        building_area: Area::from_square_metres(30_000).unwrap_or_default(),
        contacts: vec![Contact {
            name: "联系人".to_owned(),
            phone: PhoneNumber::parse("13904510123").map_err(|e| bad(e.to_string()))?,
            role: ContactRole::ProjectLead,
        }],
    };
    let steps = [
        ProjectCommand::RegisterOnSite {
            id: ProjectId::new(id),
            owner: org(n),
            details,
        },
        ProjectCommand::AddWorks {
            works: Works {
                id: WorksId::new(works_id),
                name: works_name.to_owned(),
                description: works_name.to_owned(),
                building_area: Area::from_square_metres(10_000).unwrap_or_default(),
            },
        },
        ProjectCommand::ChooseFlow {
            flow: FlowCode::new(format!("LC-{category}")),
            category: CategoryCode::new(category),
        },
    ];
    let who = window();
    let districts = Districts::shipped().map_err(|e| bad(e.to_string()))?;
    let mut state: Option<Project> = None;
    let mut trail = Vec::new();
    for cmd in steps {
        let events = Project::decide(state.as_ref(), &cmd, &who, from_local(at), &districts)
            .map_err(|error| SampleError::Project {
                project: id.to_owned(),
                error,
            })?;
        for e in &events {
            state = Some(Project::apply(state, e).map_err(|e| bad(e.to_string()))?);
        }
        trail.extend(events);
    }
    state
        .map(|p| (p, trail))
        .ok_or_else(|| bad("未登记".to_owned()))
}

/// A case as a script of timed steps, played in time order through `Case::execute`.
struct Script<'c> {
    catalogue: &'c Catalogue,
    id: CaseId,
    item: ItemCode,
    applicant: Actor,
    reviewer: Actor,
    steps: Vec<(LocalTime, Actor, CaseCommand, Vec<AttachmentId>)>,
    create: CaseCommand,
    levels: Vec<String>,
    accepted: Option<LocalTime>,
}

fn point() -> Vec<CorrectionPoint> {
    vec![CorrectionPoint {
        material: "申请材料".to_owned(),
        reason: "内容不完整".to_owned(),
    }]
}

impl<'c> Script<'c> {
    fn new(
        catalogue: &'c Catalogue,
        id: &str,
        project: &str,
        project_n: usize,
        works: &str,
        item: &str,
    ) -> Result<Script<'c>, SampleError> {
        let code = ItemCode::new(item);
        let it = catalogue
            .item(&code)
            .ok_or_else(|| SampleError::Data(format!("目录中没有事项 {item}")))?;
        let department = it.department.clone();
        let role = if it.kind == ItemKind::MunicipalUtility {
            Role::UtilityUnit
        } else {
            Role::DepartmentReviewer
        };
        Ok(Script {
            catalogue,
            id: CaseId::new(id),
            item: code.clone(),
            applicant: actor(Role::Applicant, None, Some(org(project_n))),
            reviewer: actor(role, Some(&department), None),
            steps: Vec::new(),
            create: CaseCommand::Create {
                application: ApplicationId::new(format!("SQ-{id}")),
                project: ProjectId::new(project),
                works: WorksId::new(works),
                item: code,
                department,
                applicant: org(project_n),
                commitment_allowed: it.commitment_allowed,
                number: None,
            },
            levels: catalogue
                .review_levels_for_item(&it.code)
                .map(<[String]>::to_vec)
                .unwrap_or_default(),
            accepted: None,
        })
    }

    fn push(&mut self, at: LocalTime, who: Actor, cmd: CaseCommand) {
        self.steps.push((at, who, cmd, Vec::new()));
    }

    fn attach(&mut self, at: LocalTime, materials: &[(&str, &str)]) {
        for (name, file) in materials {
            let cmd = CaseCommand::AttachMaterial {
                material: (*name).to_owned(),
                attachment: AttachmentId::new(*file),
            };
            self.push(at, self.applicant.clone(), cmd);
        }
    }

    fn submit(&mut self, at: LocalTime) {
        let cmd = CaseCommand::Submit {
            stamped_form: AttachmentId::new(format!("form-{}", self.id)),
        };
        self.push(at, self.applicant.clone(), cmd);
    }

    /// The applicant creates the case, attaches `materials` and submits it, all at `at`.
    fn create_and_submit(&mut self, at: LocalTime, materials: &[(&str, &str)]) {
        self.push(at, self.applicant.clone(), self.create.clone());
        self.attach(at, materials);
        self.submit(at);
    }

    /// Apply and be accepted at `accepted`: submitted 60 minutes before, received 30 minutes
    /// before; the department's first level (its own 受理) signs 30 minutes after.
    fn apply(mut self, accepted: &str, materials: &[(&str, &str)]) -> Result<Self, SampleError> {
        let t = local(accepted)?;
        self.create_and_submit(t - Duration::minutes(60), materials);
        self.receive_and_accept(t, false)
    }

    /// Like [`Script::apply`], but the window first sends a one-time correction notice at
    /// `corrected` and the applicant replaces `replaced` before resubmitting.
    fn apply_after_correction(
        mut self,
        corrected: &str,
        accepted: &str,
        materials: &[(&str, &str)],
        replaced: &[(&str, &str)],
    ) -> Result<Self, SampleError> {
        let c = local(corrected)?;
        let t = local(accepted)?;
        self.create_and_submit(c - Duration::minutes(60), materials);
        self.push(c - Duration::minutes(30), window(), CaseCommand::Receive);
        self.push(
            c,
            window(),
            CaseCommand::RequestCorrection { points: point() },
        );
        self.attach(t - Duration::minutes(90), replaced);
        self.submit(t - Duration::minutes(60));
        self.receive_and_accept(t, false)
    }

    /// Apply, and be accepted on the applicant's written commitment (告知承诺制) after the
    /// department confirmed it.
    fn apply_with_commitment(
        mut self,
        accepted: &str,
        materials: &[(&str, &str)],
    ) -> Result<Self, SampleError> {
        let t = local(accepted)?;
        self.create_and_submit(t - Duration::minutes(60), materials);
        self.receive_and_accept(t, true)
    }

    fn receive_and_accept(mut self, t: LocalTime, commitment: bool) -> Result<Self, SampleError> {
        self.push(t - Duration::minutes(30), window(), CaseCommand::Receive);
        if commitment {
            self.push(
                t - Duration::minutes(20),
                window(),
                CaseCommand::RequestCommitmentConfirmation,
            );
            self.push(
                t - Duration::minutes(10),
                self.reviewer.clone(),
                CaseCommand::ConfirmCommitment,
            );
        }
        let it = self
            .catalogue
            .item(&self.item)
            .ok_or_else(|| SampleError::Data(format!("目录中没有事项 {}", self.item)))?;
        let terms = AcceptanceTerms {
            catalogue_version: self.catalogue.version.clone(),
            time_limit_working_days: it.time_limit_working_days,
            review_levels: self.levels.clone(),
        };
        self.push(
            t,
            window(),
            CaseCommand::Accept {
                terms,
                commitment_based: commitment,
            },
        );
        if let Some(first) = self.levels.first().cloned() {
            self.push(
                t + Duration::minutes(30),
                signer(&self.reviewer, &first),
                CaseCommand::SignOff { level: first },
            );
        }
        self.accepted = Some(t);
        Ok(self)
    }

    /// 暂停整改 from `from`; with `to`, the applicant rectifies and the department resumes then.
    fn pause(mut self, from: &str, to: Option<&str>) -> Result<Self, SampleError> {
        let f = local(from)?;
        self.push(
            f,
            self.reviewer.clone(),
            CaseCommand::Pause { points: point() },
        );
        if let Some(to) = to {
            let t = local(to)?;
            self.push(
                t,
                self.applicant.clone(),
                CaseCommand::SubmitRectification {
                    note: "已按要求整改".to_owned(),
                },
            );
            self.push(t, self.reviewer.clone(), CaseCommand::Resume);
        }
        Ok(self)
    }

    /// A special procedure (timed or not by its kind); with `to`, ended then, with result
    /// materials if `results`.
    fn procedure(
        mut self,
        n: u32,
        kind: SpecialProcedureKind,
        from: &str,
        to: Option<&str>,
        results: bool,
    ) -> Result<Self, SampleError> {
        let f = local(from)?;
        self.push(
            f,
            self.reviewer.clone(),
            CaseCommand::StartSpecialProcedure { procedure: n, kind },
        );
        if let Some(to) = to {
            let t = local(to)?;
            let files = if results {
                vec![AttachmentId::new(format!("result-{}-{n}", self.id))]
            } else {
                vec![]
            };
            self.steps.push((
                t,
                self.reviewer.clone(),
                CaseCommand::EndSpecialProcedure {
                    procedure: n,
                    summary: format!("{}完成", kind.label()),
                },
                files,
            ));
        }
        Ok(self)
    }

    /// Sign the remaining levels and complete at `at`.
    fn complete(mut self, at: &str, decision: Decision) -> Result<Self, SampleError> {
        let t = local(at)?;
        for level in self.levels.iter().skip(1).cloned().collect::<Vec<_>>() {
            self.push(
                t,
                signer(&self.reviewer, &level),
                CaseCommand::SignOff { level },
            );
        }
        self.push(t, self.reviewer.clone(), CaseCommand::Complete { decision });
        Ok(self)
    }

    /// 办结（准予）with e-certificate `ZS-<case>`, its file uploaded if `file`.
    fn grant(self, at: &str, file: bool) -> Result<Self, SampleError> {
        let t = local(at)?;
        let id = self.id.clone();
        self.complete(
            at,
            Decision::Granted {
                certificate: CertificateRecord {
                    number: CertificateNumber::new(format!("ZS-{id}")),
                    name: "批准文件".to_owned(),
                    issued_on: t.date(),
                    valid_until: None,
                    file: file.then(|| AttachmentId::new(format!("cert-{id}"))),
                },
            },
        )
    }

    fn deny(self, at: &str) -> Result<Self, SampleError> {
        self.complete(
            at,
            Decision::Denied {
                reasons: vec!["不符合规划条件".to_owned()],
            },
        )
    }

    /// 退件.
    fn return_at(mut self, at: &str) -> Result<Self, SampleError> {
        let t = local(at)?;
        self.push(
            t,
            self.reviewer.clone(),
            CaseCommand::Return {
                reasons: vec!["问题较多，请补充完善后重新申请".to_owned()],
            },
        );
        Ok(self)
    }

    fn play(mut self) -> Result<(Case, Vec<CaseEvent>), SampleError> {
        // Stable: steps given for the same minute keep their order.
        self.steps.sort_by_key(|s| s.0);
        let mut state: Option<Case> = None;
        let mut trail = Vec::new();
        for (at, who, cmd, files) in self.steps {
            let acting = Acting::new(who, from_local(at)).with_attachments(files);
            let (case, events) =
                Case::execute(state, &self.id, &cmd, &acting).map_err(|error| {
                    SampleError::Case {
                        case: self.id.to_string(),
                        error,
                    }
                })?;
            state = Some(case);
            trail.extend(events);
        }
        state
            .map(|c| (c, trail))
            .ok_or_else(|| SampleError::Data(format!("办件 {} 没有任何步骤", self.id)))
    }
}

/// The fixed data set: 6 projects and 17 cases in September and October 2024, across 国庆
/// (holidays 10-01 to 10-07, adjusted workdays 09-29 and 10-12), read at 2024-10-31 18:00.
///
/// | case | project | item | what happens |
/// |---|---|---|---|
/// | C01 | P1 | ZJJ-01 施工图审查 | 09-23 10:00 to 09-27 16:00, granted |
/// | C02 | P1 | ZJJ-02 消防设计审查 | 09-23 14:00, paused 09-25 10:00 to 09-26 10:00, granted 10-09 11:00 (no file) |
/// | C03 | P1 | RFB-02 防空地下室易地建设 | 10-08 09:30, 现场勘察 10-09 09:00 to 10-10 12:00, granted 10-14 15:00 |
/// | C04 | P1 | ZJJ-03 施工许可 | corrected 10-11, accepted 10-15 10:00, granted 10-22 16:00 (overdue) |
/// | C05 | P1 | ZJ-05 规划放线测量 | 09-24 09:00 to 09-26 17:00 |
/// | C06 | P2 | ZJJ-01 | 10-08 10:00 to 10-11 12:00 |
/// | C07 | P2 | ZJJ-03 | 10-14 09:00, 专家审查, 公示 (untimed), 会议审查, granted 10-18 10:00 |
/// | C08 | P1 | ZGJ-04 规划许可 | 09-02 09:00 to 09-06 17:00 |
/// | C09 | P3 | ZGJ-05 规划条件核实 | 10-21 09:00, 勘察 and 检验 (untimed), denied 10-28 12:00 |
/// | C10 | P3 | SZ-GD-2 供电验收接入 | 10-21 10:00 to 10-30 11:00 (overdue) |
/// | C11 | P4 | ZGJ-02 用地规划许可 | corrected, accepted 10-28 09:00, 现场核查 open, paused since 10-30 10:00 |
/// | C12 | P4 | SZ-GS-1 供水报装 | 10-14 09:00 to 10-17 16:00 (no file) |
/// | C13 | P5 | JTJ-01 涉路施工许可 | 10-09 09:00, 上级部门审批, paused 10-15, returned 10-16 12:00 |
/// | C14 | P5 | JTJ-01 again | 10-21 09:00, paused 10-22 09:00 to 13:00, granted 10-25 17:00 |
/// | C15 | P6 | ZGJ-03 设计方案审查 | 09-27 10:00 to 10-10 10:00 |
/// | C16 | P6 | ZGJ-04 | 10-10 14:00 on commitment (告知承诺制), granted 10-17 10:00 |
/// | C17 | P6 | ZGJ-05 | refused at the window (不予受理): never accepted |
pub fn fixed() -> Result<SampleData, SampleError> {
    let catalogue = Catalogue::demo().map_err(|e| SampleError::Catalogue(e.to_string()))?;
    let registered = local("2024-08-01 09:00")?;
    let registered_projects = PROJECTS
        .iter()
        .map(|p| {
            register_trail(
                &format!("P{}", p.n),
                p.n,
                &fixed_project_code(p.n),
                p.name,
                p.builder,
                p.category,
                "W1",
                p.works,
                registered,
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    let (projects, project_trails): (Vec<Project>, Vec<Vec<ProjectEvent>>) =
        registered_projects.into_iter().unzip();
    let c = |id: &str, p: usize, item: &str| {
        Script::new(&catalogue, id, &format!("P{p}"), p, "W1", item)
    };
    use SpecialProcedureKind as K;
    let lic1 = ("营业执照", "lic-P1");
    let cases = vec![
        c("C01", 1, "ZJJ-01")?
            .apply("2024-09-23 10:00", &[("施工图设计文件", "a-c01-1"), lic1])?
            .grant("2024-09-27 16:00", true)?,
        c("C02", 1, "ZJJ-02")?
            .apply("2024-09-23 14:00", &[("消防设计文件", "a-c02-1"), lic1])?
            .pause("2024-09-25 10:00", Some("2024-09-26 10:00"))?
            .grant("2024-10-09 11:00", false)?,
        c("C03", 1, "RFB-02")?
            .apply("2024-10-08 09:30", &[("易地建设申请", "a-c03-1")])?
            .procedure(
                1,
                K::SiteSurvey,
                "2024-10-09 09:00",
                Some("2024-10-10 12:00"),
                true,
            )?
            .grant("2024-10-14 15:00", true)?,
        c("C04", 1, "ZJJ-03")?
            .apply_after_correction(
                "2024-10-11 10:00",
                "2024-10-15 10:00",
                &[("施工合同", "a-c04-1"), ("中标通知书", "a-c04-0"), lic1],
                &[("中标通知书", "a-c04-2")],
            )?
            .grant("2024-10-22 16:00", true)?,
        c("C05", 1, "ZJ-05")?
            .apply("2024-09-24 09:00", &[("委托书", "a-c05-1")])?
            .grant("2024-09-26 17:00", true)?,
        c("C06", 2, "ZJJ-01")?
            .apply("2024-10-08 10:00", &[("施工图设计文件", "a-c06-1")])?
            .grant("2024-10-11 12:00", true)?,
        c("C07", 2, "ZJJ-03")?
            .apply(
                "2024-10-14 09:00",
                &[("施工合同", "a-c07-1"), ("营业执照", "lic-P2")],
            )?
            .procedure(
                1,
                K::ExpertReview,
                "2024-10-15 09:00",
                Some("2024-10-15 17:00"),
                true,
            )?
            .procedure(
                2,
                K::PublicNotice,
                "2024-10-16 09:00",
                Some("2024-10-17 09:00"),
                false,
            )?
            .procedure(
                3,
                K::MeetingReview,
                "2024-10-17 14:00",
                Some("2024-10-17 16:00"),
                false,
            )?
            .grant("2024-10-18 10:00", true)?,
        c("C08", 1, "ZGJ-04")?
            .apply("2024-09-02 09:00", &[("规划许可申请表", "a-c08-1"), lic1])?
            .grant("2024-09-06 17:00", true)?,
        c("C09", 3, "ZGJ-05")?
            .apply("2024-10-21 09:00", &[("竣工测量报告", "a-c09-1")])?
            .procedure(
                1,
                K::Investigation,
                "2024-10-22 09:00",
                Some("2024-10-23 17:00"),
                true,
            )?
            .procedure(
                2,
                K::Inspection,
                "2024-10-24 09:00",
                Some("2024-10-24 12:00"),
                false,
            )?
            .deny("2024-10-28 12:00")?,
        c("C10", 3, "SZ-GD-2")?
            .apply(
                "2024-10-21 10:00",
                &[("用电申请", "a-c10-1"), ("营业执照", "lic-P3")],
            )?
            .grant("2024-10-30 11:00", true)?,
        c("C11", 4, "ZGJ-02")?
            .apply_after_correction(
                "2024-10-24 10:00",
                "2024-10-28 09:00",
                &[("用地申请", "a-c11-1")],
                &[("用地申请", "a-c11-2")],
            )?
            .procedure(1, K::SiteVerification, "2024-10-29 14:00", None, false)?
            .pause("2024-10-30 10:00", None)?,
        c("C12", 4, "SZ-GS-1")?
            .apply("2024-10-14 09:00", &[("用水申请", "a-c12-1")])?
            .grant("2024-10-17 16:00", false)?,
        c("C13", 5, "JTJ-01")?
            .apply("2024-10-09 09:00", &[("涉路施工方案", "a-c13-1")])?
            .procedure(
                1,
                K::HigherAuthorityApproval,
                "2024-10-10 09:00",
                Some("2024-10-14 17:00"),
                true,
            )?
            .pause("2024-10-15 09:00", Some("2024-10-15 17:00"))?
            .return_at("2024-10-16 12:00")?,
        c("C14", 5, "JTJ-01")?
            .apply("2024-10-21 09:00", &[("涉路施工方案", "a-c14-1")])?
            .pause("2024-10-22 09:00", Some("2024-10-22 13:00"))?
            .grant("2024-10-25 17:00", true)?,
        c("C15", 6, "ZGJ-03")?
            .apply(
                "2024-09-27 10:00",
                &[("设计方案", "a-c15-1"), ("营业执照", "lic-P6")],
            )?
            .grant("2024-10-10 10:00", true)?,
        c("C16", 6, "ZGJ-04")?
            .apply_with_commitment(
                "2024-10-10 14:00",
                &[("规划许可申请表", "a-c16-1"), ("营业执照", "lic-P6")],
            )?
            .grant("2024-10-17 10:00", true)?,
    ];
    let mut played = cases
        .into_iter()
        .map(Script::play)
        .collect::<Result<Vec<_>, _>>()?;
    played.push(refused(&catalogue)?);
    let (cases, case_trails): (Vec<Case>, Vec<Vec<CaseEvent>>) = played.into_iter().unzip();
    Ok(SampleData {
        catalogue,
        projects,
        cases,
        as_of: local("2024-10-31 18:00")?,
        trails: Some(SampleTrails {
            projects: project_trails,
            cases: case_trails,
        }),
    })
}

/// C17: received and refused (不予受理), so it never reaches the tables.
fn refused(catalogue: &Catalogue) -> Result<(Case, Vec<CaseEvent>), SampleError> {
    let mut s = Script::new(catalogue, "C17", "P6", 6, "W1", "ZGJ-05")?;
    let t = local("2024-10-21 09:00")?;
    s.push(t, s.applicant.clone(), s.create.clone());
    s.submit(t);
    s.push(t + Duration::minutes(30), window(), CaseCommand::Receive);
    s.push(
        t + Duration::minutes(60),
        window(),
        CaseCommand::RefuseAcceptance {
            reasons: vec!["尚未完成竣工验收".to_owned()],
        },
    );
    s.play()
}

/// A deterministic pseudo-random sequence (xorshift64*), so generated data is the same on
/// every run without drawing real randomness.
struct Sequence(u64);

impl Sequence {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// In `0..n` (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// A generated year of approvals with about `cases` cases: one project per 10 cases, across
/// the five seed-12 categories, each applying for the items of its flow stage by stage
/// through 2024, with pauses, special procedures, returns and late completions in realistic
/// proportions; read at 2024-12-31 18:00 (so some cases are still open).
pub fn generated(cases: usize) -> Result<SampleData, SampleError> {
    generate(cases, false)
}

/// [`generated`] with the event trails kept (to load the same city-year into a server store).
pub fn generated_with_trails(cases: usize) -> Result<SampleData, SampleError> {
    generate(cases, true)
}

fn generate(cases: usize, keep_trails: bool) -> Result<SampleData, SampleError> {
    let mut trails = SampleTrails::default();
    let catalogue = Catalogue::demo().map_err(|e| SampleError::Catalogue(e.to_string()))?;
    let mut rng = Sequence(0x9E37_79B9_7F4A_7C15);
    let categories = ["SH-CC", "SH-CF", "SH-FDC", "ZF-FW", "ZF-LQ"];
    let kinds = [
        SpecialProcedureKind::SiteSurvey,
        SpecialProcedureKind::ExpertReview,
        SpecialProcedureKind::PublicNotice,
        SpecialProcedureKind::Investigation,
        SpecialProcedureKind::HigherAuthorityApproval,
    ];
    let year_start = local("2024-01-02 09:00")?;
    let as_of = local("2024-12-31 18:00")?;
    let n_projects = cases.div_ceil(10).max(1);
    let mut projects = Vec::with_capacity(n_projects);
    let mut out = Vec::with_capacity(cases);
    for p in 0..n_projects {
        let category = categories
            .get(p % categories.len())
            .copied()
            .unwrap_or("SH-CF");
        let id = format!("G{p}");
        let code = format!("2024-230102-48-01-{:05}{}", p % 100_000, p % 10);
        let (project, project_trail) = register_trail(
            &id,
            p,
            &code,
            &format!("生成项目{p}"),
            &format!("建设单位{p}"),
            category,
            "W1",
            "1号楼",
            year_start,
        )?;
        let flow = catalogue
            .flow(&FlowCode::new(format!("LC-{category}")))
            .ok_or_else(|| SampleError::Data(format!("目录中没有流程 LC-{category}")))?;
        let items: Vec<&ItemCode> = flow
            .stages
            .iter()
            .filter(|s| s.stage != Stage::Planning)
            .flat_map(|s| s.items.iter().map(|i| &i.item))
            .collect();
        // Start somewhere in the first ten months; cases follow one another with overlaps.
        let mut t = year_start + Duration::days(i64::try_from(rng.below(300)).unwrap_or(0));
        for k in 0..10 {
            if out.len() >= cases {
                break;
            }
            let Some(item) = items.get(usize::try_from(rng.below(items.len() as u64)).unwrap_or(0))
            else {
                continue;
            };
            let case_id = format!("G{p}-{k}");
            let mut s = Script::new(&catalogue, &case_id, &id, p, "W1", item.as_str())?;
            let accepted = t.format("%Y-%m-%d %H:%M").to_string();
            let a1 = format!("g-{p}-{k}");
            s = s.apply(
                &accepted,
                &[("申请书", &a1), ("营业执照", &format!("lic-G{p}"))],
            )?;
            let mut cursor = t + Duration::days(1);
            let fmt = |x: LocalTime| x.format("%Y-%m-%d %H:%M").to_string();
            if rng.below(4) == 0 {
                let to = cursor + Duration::hours(i64::try_from(4 + rng.below(60)).unwrap_or(4));
                s = s.pause(&fmt(cursor), Some(&fmt(to)))?;
                cursor = to + Duration::hours(1);
            }
            if rng.below(5) == 0 {
                let kind = kinds
                    .get(usize::try_from(rng.below(kinds.len() as u64)).unwrap_or(0))
                    .copied()
                    .unwrap_or(SpecialProcedureKind::SiteSurvey);
                let to = cursor + Duration::hours(i64::try_from(2 + rng.below(50)).unwrap_or(2));
                s = s.procedure(1, kind, &fmt(cursor), Some(&fmt(to)), rng.below(3) != 0)?;
                cursor = to + Duration::hours(1);
            }
            let end = cursor + Duration::hours(i64::try_from(2 + rng.below(24 * 14)).unwrap_or(2));
            // Cases that would end after as-of are still open.
            s = match rng.below(20) {
                _ if end > as_of => s,
                0 => s.return_at(&fmt(end))?,
                1 => s.deny(&fmt(end))?,
                _ => s.grant(&fmt(end), rng.below(10) != 0)?,
            };
            let (case, trail) = s.play()?;
            out.push(case);
            if keep_trails {
                trails.cases.push(trail);
            }
            // The next application: sometimes while this one runs (parallel), mostly after.
            t = if rng.below(3) == 0 {
                t + Duration::hours(i64::try_from(1 + rng.below(48)).unwrap_or(1))
            } else {
                end + Duration::days(i64::try_from(1 + rng.below(10)).unwrap_or(1))
            };
        }
        projects.push(project);
        if keep_trails {
            trails.projects.push(project_trail);
        }
    }
    Ok(SampleData {
        catalogue,
        projects,
        cases: out,
        as_of,
        trails: keep_trails.then_some(trails),
    })
}
