//! 文书文字 (issue 13, item 8 "The papers"): every paper rendered from the demo month prints each
//! entered value exactly once. A demo month is seeded through the server's own rules, a real
//! `permitdesk server run` process serves it, and a window operator's headless profile (the
//! window sees every case that is not a draft) syncs it and prints, with `permitdesk document`,
//! every kind of paper the client renders, for a case in the state where that paper exists. The
//! text of each PDF (`pdftotext -raw`, whitespace squeezed: the layout breaks lines inside
//! values) is compared with the values of the same case and project as `case show`,
//! `project show` and `catalogue show` give them as JSON, in the table `PAPERS`: each value must
//! be printed exactly the number of times the table says (once, unless a comment says why not),
//! and no paper may print a unit or an administrative division twice in a row (平方米平方米,
//! 哈尔滨市道里区哈尔滨市道里区).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use permitdesk_client::papers::PaperKind;
use permitdesk_domain::codes::RegionCode;
use serde_json::Value;
use std::collections::BTreeMap;

/// The last day of the seeded month: fixed, so the story (and the papers) do not depend on the
/// day the test runs.
const END: &str = "2026-03-31";

/// An entered value (or the list of them) that papers print, looked up in the JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum V {
    // The project registration (项目登记).
    ProjectName,
    ProjectCode,
    /// 项目分类, by its catalogue name.
    Category,
    /// 建设单位.
    Builder,
    /// 统一社会信用代码 of the builder.
    CreditCode,
    /// 详细地址 as typed (the papers put the district's full name before it, never twice).
    Address,
    /// 所在行政区划: the district's full name (黑龙江省哈尔滨市道里区).
    District,
    /// 总投资 in 万元, 2 decimals.
    Investment,
    /// 用地面积 in ㎡, 2 decimals.
    LandArea,
    /// 总建筑面积 in ㎡, 2 decimals.
    FloorArea,
    /// Every contact's name (the legal representative's too).
    ContactNames,
    ContactPhones,
    // The works (工程) of the case.
    WorksName,
    WorksCode,
    /// 建筑面积 of the works in ㎡, 2 decimals.
    WorksArea,
    /// 建设内容 of the works.
    WorksContent,
    // The items of the case's application (申请表: one row per item).
    ApplicationItemNames,
    ApplicationItemCodes,
    /// The department of each item of the application.
    ApplicationDepartments,
    /// 审批流程 of the project.
    FlowName,
    // The case.
    /// 办件编号 (the server's number).
    CaseNumber,
    ItemName,
    ItemCode,
    /// 审批部门 of the case.
    Department,
    /// Names of the materials received with the case.
    Materials,
    /// Materials and reasons of the latest correction notice (window) or pause (department).
    PointMaterials,
    PointReasons,
    /// Reasons of a refusal or return (typed by the window or the reviewer).
    EndReasons,
    /// Reasons of a denial (typed by the reviewer).
    DenialReasons,
    CertificateName,
    CertificateNumber,
}

use V::*;

/// A paper, the case it is printed for (by its state), and how many times each value is printed.
struct Paper {
    /// The `permitdesk document` kind.
    kind: &'static str,
    /// The state of the case the paper is printed for (its project's, for the one-time notice).
    state: &'static str,
    values: &'static [(V, usize)],
}

/// The case block of every notice: 办件编号, the project and the item. The builder is the
/// addressee (“XX公司：”) and the 申请人 row of the table; the item is named in the opening
/// sentence (贵单位申请的“…”) and in the 申请事项 row: twice each, by design.
const CASE_BLOCK: [(V, usize); 7] = [
    (CaseNumber, 1),
    (ProjectName, 1),
    (ProjectCode, 1),
    (Builder, 2),
    (WorksName, 1),
    (ItemName, 2),
    (ItemCode, 1),
];

const PAPERS: &[Paper] = &[
    Paper {
        kind: "application_form",
        state: "granted",
        values: &[
            (ProjectName, 1),
            (ProjectCode, 1),
            (Category, 1),
            (Builder, 1),
            (CreditCode, 1),
            (Address, 1),
            (District, 1),
            (Investment, 1),
            (LandArea, 1),
            (FloorArea, 1),
            (ContactNames, 1),
            (ContactPhones, 1),
            (WorksName, 1),
            (WorksCode, 1),
            (WorksArea, 1),
            (WorksContent, 1),
            (ApplicationItemNames, 1),
            (ApplicationItemCodes, 1),
            (ApplicationDepartments, 1),
        ],
    },
    Paper {
        kind: "one_time_notice",
        state: "granted",
        values: &[
            (ProjectName, 1),
            (ProjectCode, 1),
            (Category, 1),
            // The 建设单位 row, and the addressee of the notice (“XX公司：根据…”).
            (Builder, 2),
            (FlowName, 1),
        ],
    },
    Paper {
        kind: "acceptance_receipt",
        state: "in_review",
        values: &[
            // Issued by the window: the department only in the case table.
            (Department, 1),
            (Materials, 1),
        ],
    },
    Paper {
        kind: "correction_notice",
        state: "correction_requested",
        values: &[(Department, 1), (PointMaterials, 1), (PointReasons, 1)],
    },
    Paper {
        kind: "correction_notice",
        state: "paused",
        values: &[
            // The case table, and the issuing department above its stamp.
            (Department, 2),
            (PointMaterials, 1),
            (PointReasons, 1),
        ],
    },
    Paper {
        kind: "refusal_notice",
        state: "not_accepted",
        values: &[(Department, 1), (EndReasons, 1)],
    },
    Paper {
        kind: "return_notice",
        state: "returned",
        values: &[
            // The opening (经…实质审查), the case table and the issuing department.
            (Department, 3),
            (EndReasons, 1),
        ],
    },
    Paper {
        kind: "completion_notice",
        state: "granted",
        values: &[
            // The case table, and the issuing department above its stamp.
            (Department, 2),
            (CertificateName, 1),
            (CertificateNumber, 1),
        ],
    },
    Paper {
        kind: "completion_notice",
        state: "denied",
        values: &[(Department, 2), (DenialReasons, 1)],
    },
    Paper {
        kind: "certificate",
        state: "granted",
        values: &[
            (CertificateName, 1),
            // The page header (电子证照　编号) and the 编号 line under the title.
            (CertificateNumber, 2),
            (Builder, 1),
            (CreditCode, 1),
            (ProjectName, 1),
            (ProjectCode, 1),
            // 建设地址: the district's full name, then the address typed, as on every paper.
            (District, 1),
            (Address, 1),
            (WorksName, 1),
            (WorksArea, 1),
            // 发证机关.
            (Department, 1),
        ],
    },
];

/// Wording a paper prints a given number of times for its case: a denial uploads no certificate
/// and tells the applicant how to contest it.
const WORDING: &[(&str, &str, &str, usize)] = &[
    ("completion_notice", "granted", "电子证照已上传", 1),
    ("completion_notice", "denied", "电子证照已上传", 0),
    ("completion_notice", "denied", "申请行政复议", 1),
];

/// The values a paper prints: its own row, after the case block for a notice.
fn expected(paper: &Paper) -> Vec<(V, usize)> {
    let notice = !matches!(
        paper.kind,
        "application_form" | "one_time_notice" | "certificate"
    );
    let mut all: Vec<(V, usize)> = if notice {
        CASE_BLOCK.to_vec()
    } else {
        Vec::new()
    };
    for (v, n) in paper.values {
        all.retain(|(w, _)| w != v);
        all.push((*v, *n));
    }
    all
}

/// What a case and its project hold, as JSON, and the catalogue to name their codes.
struct Record<'a> {
    case: &'a Value,
    project: &'a Value,
    /// The cases of the same application (the application form prints all their items).
    application: Vec<&'a Value>,
    catalogue: &'a Value,
}

fn text(v: &Value) -> String {
    v.as_str()
        .unwrap_or_else(|| panic!("not a string: {v}"))
        .to_owned()
}

/// An amount in `per_unit` parts of its unit (an area in hundredths of ㎡: 100, money in fen
/// per 万元: 1,000,000) as the papers print it: 2 decimals, e.g. `12800.50`.
fn decimals(value: &Value, per_unit: i64) -> String {
    let v = value
        .as_i64()
        .unwrap_or_else(|| panic!("not a number: {value}"));
    let cents = per_unit / 100;
    assert_eq!(
        v % cents,
        0,
        "{v} has more than 2 decimals: a paper could not print it exactly"
    );
    format!("{}.{:02}", v / per_unit, (v % per_unit) / cents)
}

fn named(catalogue: &Value, list: &str, code: &Value) -> String {
    let found = catalogue[list]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| &e["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in the catalogue's {list}"));
    text(&found["name"])
}

impl Record<'_> {
    fn details(&self) -> &Value {
        &self.project["details"]
    }

    fn works(&self) -> &Value {
        self.project["works"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["id"] == self.case["works"])
            .unwrap_or_else(|| panic!("no works {} in the project", self.case["works"]))
    }

    fn item_name(&self, case: &Value) -> String {
        named(self.catalogue, "items", &case["item"])
    }

    fn department(&self, case: &Value) -> String {
        named(self.catalogue, "departments", &case["department"])
    }

    /// The latest correction points: the window's (待补正) or the department's (暂停整改).
    fn points(&self) -> Vec<&Value> {
        let last = match self.case["state"].as_str() {
            Some("correction_requested") => {
                &self.case["corrections"].as_array().unwrap().last().unwrap()[1]
            }
            Some("paused") => &self.case["pauses"].as_array().unwrap().last().unwrap()["points"],
            other => panic!("no correction points in state {other:?}"),
        };
        last.as_array().unwrap().iter().collect()
    }

    /// The value(s) of `v`, as the papers print them.
    fn values(&self, v: V) -> Vec<String> {
        let d = self.details();
        let strings = |list: &Value, field: &str| -> Vec<String> {
            list.as_array()
                .unwrap()
                .iter()
                .map(|e| text(&e[field]))
                .collect()
        };
        match v {
            ProjectName => vec![text(&d["name"])],
            ProjectCode => vec![text(&d["code"])],
            Category => vec![named(self.catalogue, "categories", &d["category"])],
            Builder => vec![text(&d["builder"]["name"])],
            CreditCode => vec![text(&d["builder"]["credit_code"])],
            Address => vec![text(&d["location"]["address"])],
            District => vec![region(&d["location"]["district"]).full_name()],
            Investment => vec![decimals(&d["investment_amount"], 1_000_000)],
            LandArea => vec![decimals(&d["land_area"], 100)],
            FloorArea => vec![decimals(&d["building_area"], 100)],
            ContactNames => strings(&d["contacts"], "name"),
            ContactPhones => strings(&d["contacts"], "phone"),
            WorksName => vec![text(&self.works()["name"])],
            WorksCode => vec![text(&self.works()["id"])],
            WorksArea => vec![decimals(&self.works()["building_area"], 100)],
            WorksContent => vec![text(&self.works()["description"])],
            ApplicationItemNames => self.application.iter().map(|c| self.item_name(c)).collect(),
            ApplicationItemCodes => self.application.iter().map(|c| text(&c["item"])).collect(),
            ApplicationDepartments => self
                .application
                .iter()
                .map(|c| self.department(c))
                .collect(),
            FlowName => vec![named(self.catalogue, "flows", &self.project["flow"])],
            CaseNumber => vec![text(&self.case["number"])],
            ItemName => vec![self.item_name(self.case)],
            ItemCode => vec![text(&self.case["item"])],
            Department => vec![self.department(self.case)],
            Materials => self.case["materials"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| text(&m[0]))
                .collect(),
            PointMaterials => self.points().iter().map(|p| text(&p["material"])).collect(),
            PointReasons => self.points().iter().map(|p| text(&p["reason"])).collect(),
            EndReasons => self.case["end_reasons"]
                .as_array()
                .unwrap()
                .iter()
                .map(text)
                .collect(),
            DenialReasons => self.case["decision"]["reasons"]
                .as_array()
                .unwrap()
                .iter()
                .map(text)
                .collect(),
            CertificateName => vec![text(&self.case["decision"]["certificate"]["name"])],
            CertificateNumber => vec![text(&self.case["decision"]["certificate"]["number"])],
        }
    }
}

fn region(code: &Value) -> &'static permitdesk_domain::codes::Division {
    RegionCode::parse(code.as_str().unwrap())
        .unwrap_or_else(|e| panic!("{code}: {e}"))
        .division()
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The PDF's text in content order (`pdftotext -raw`, as the documents crate's own tests read
/// it), whitespace squeezed: a value the layout wrapped over two lines reads as one. (`-layout`
/// puts a table's columns side by side line by line, so a cell wrapped over two lines comes out
/// interleaved with its neighbours: 哈尔滨市自然资源和1ZGJ-02建设用地…规划局.)
fn pdf_text(path: &str) -> String {
    let out = std::process::Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8", path, "-"])
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(out.status.success(), "pdftotext {path}: {out:?}");
    squeeze(&String::from_utf8(out.stdout).unwrap())
}

/// Where `needle` occurs in `hay` (byte offsets, overlapping occurrences included).
fn occurrences(hay: &str, needle: &str) -> Vec<usize> {
    assert!(!needle.is_empty(), "an empty value would match anywhere");
    hay.match_indices(needle).map(|(i, _)| i).collect()
}

/// Whether the occurrence at `i` is inside the paper's own number (`SL-2026-ZGJ-000001`,
/// `GZD-2026-230109-…` in every page's header): the number names the paper by the case's
/// 办件编号 or the project's 项目代码, it does not print the value again.
fn in_paper_number(text: &str, i: usize) -> bool {
    let before = &text.as_bytes()[..i];
    before.len() >= 2
        && before[before.len() - 1] == b'-'
        && before[before.len() - 2].is_ascii_uppercase()
}

/// How many times each expected value is printed on its own: an occurrence inside a printed
/// longer value of the same paper does not count (a material named 设计文件 inside its reason
/// “设计文件缺少总平面图…”, an item name inside the certificate's name), nor one inside the
/// paper's own number.
fn own_counts(text: &str, values: &[String]) -> BTreeMap<String, usize> {
    let spans: Vec<(usize, usize, &str)> = values
        .iter()
        .flat_map(|v| {
            occurrences(text, v)
                .into_iter()
                .map(move |i| (i, i + v.len(), v.as_str()))
        })
        .collect();
    values
        .iter()
        .map(|v| {
            let own = occurrences(text, v)
                .into_iter()
                .filter(|&i| !in_paper_number(text, i))
                .filter(|&i| {
                    let end = i + v.len();
                    !spans
                        .iter()
                        .any(|&(s, e, w)| w.len() > v.len() && s <= i && end <= e)
                })
                .count();
            (v.clone(), own)
        })
        .collect()
}

/// Units and division names that must never follow themselves (or a division follow one below
/// it: 道里区哈尔滨市 starts the address again).
fn doubled(text: &str, divisions: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    for unit in ["平方米", "㎡", "万元", "个工作日"] {
        let twice = format!("{unit}{unit}");
        if text.contains(&twice) {
            found.push(twice);
        }
    }
    // `divisions` run from the province down: a name may not be followed by itself or by a
    // name above it.
    for (i, lower) in divisions.iter().enumerate() {
        for upper in &divisions[..=i] {
            let pair = format!("{lower}{upper}");
            if text.contains(&pair) {
                found.push(pair);
            }
        }
    }
    found
}

/// The first case (by id) of the synced data in `state`.
fn case_in<'a>(queue: &'a [Value], state: &str) -> &'a str {
    let mut ids: Vec<&str> = queue
        .iter()
        .filter(|e| e["state"] == state)
        .map(|e| e["case"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    ids.first()
        .copied()
        .unwrap_or_else(|| panic!("the demo month has no case in state {state}"))
}

#[test]
fn every_paper_of_the_demo_month_prints_each_entered_value_once() {
    // Every paper kind the client renders has a row.
    for kind in PaperKind::ALL {
        let name = serde_json::to_value(kind).unwrap();
        assert!(
            PAPERS.iter().any(|p| name == p.kind),
            "{kind:?} has no row in PAPERS"
        );
    }

    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("server");
    let passwords = init_and_seed(&data);
    let d = data.to_str().unwrap();
    let month = run_ok(&["--json", "demo", "month", "--data", d, "--end", END]);
    assert_eq!(month["to"], END, "{month}");
    let (server, fp) = Server::start(&data, "127.0.0.1:0");
    let [window] = logins(tmp.path(), &server.url, &fp, &passwords, ["window"]);
    window.ok(&["sync"]);
    let catalogue = run_ok(&["--json", "catalogue", "show"]);
    let queue = window.ok(&["queue", "--list", "all"]);
    let queue = queue.as_array().unwrap();

    let out = tmp.path().join("papers");
    std::fs::create_dir_all(&out).unwrap();
    let mut failures = Vec::new();
    let mut checked = 0;
    for paper in PAPERS {
        let case_id = case_in(queue, paper.state);
        let case = window.ok(&["case", "show", case_id]);
        let project_id = text(&case["project"]);
        let project = window.ok(&["project", "show", &project_id]);
        let application: Vec<&Value> = project["cases"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["application"] == case["application"])
            .collect();
        let record = Record {
            case: &case,
            project: &project["project"],
            application,
            catalogue: &catalogue,
        };
        let id = if paper.kind == "one_time_notice" {
            project_id.clone()
        } else {
            case_id.to_owned()
        };
        let written = window.ok(&["document", paper.kind, &id, "--out", out.to_str().unwrap()]);
        let path = text(&written["path"]);
        let pdf_text = pdf_text(&path);
        let what = format!("{} of {id} ({})", paper.kind, paper.state);
        // No internal id or hash on paper: the paper's number is the case's 办件编号 or the
        // project's 项目代码, never a record's hash. (The server's certificate prints its
        // 核验码, 16 hexadecimal digits, under the QR code by design.)
        let hashes: Vec<&str> = pdf_text
            .split(|c: char| !c.is_ascii_hexdigit() || c.is_ascii_uppercase())
            .filter(|run| run.len() >= 12 && run.chars().any(|c| c.is_ascii_lowercase()))
            .collect();
        assert!(
            hashes.is_empty() || (paper.kind == "certificate" && hashes.len() == 1),
            "{what} prints a hash: {hashes:?}\n{pdf_text}"
        );

        // Expected counts per printed string: equal values of two fields add up (a works as
        // large as the whole project prints the same number twice).
        let mut want: BTreeMap<String, (usize, Vec<V>)> = BTreeMap::new();
        for (v, n) in expected(paper) {
            let values = record.values(v);
            assert!(!values.is_empty(), "{what}: {v:?} has no value to look for");
            for value in values {
                let value = squeeze(&value);
                assert!(!value.is_empty(), "{what}: {v:?} is empty");
                let e = want.entry(value).or_default();
                e.0 += n;
                e.1.push(v);
            }
        }
        let strings: Vec<String> = want.keys().cloned().collect();
        let own = own_counts(&pdf_text, &strings);
        let mut wrong = Vec::new();
        for (value, (n, fields)) in &want {
            checked += 1;
            if own[value] != *n {
                wrong.push(format!(
                    "  {fields:?} “{value}” printed {} times, expected {n}",
                    own[value]
                ));
            }
        }
        for (_, _, words, n) in WORDING
            .iter()
            .filter(|(k, s, _, _)| *k == paper.kind && *s == paper.state)
        {
            checked += 1;
            let got = occurrences(&pdf_text, words).len();
            if got != *n {
                wrong.push(format!("  “{words}” printed {got} times, expected {n}"));
            }
        }
        let project_district = region(&record.details()["location"]["district"]);
        let mut divisions = vec!["黑龙江省".to_owned()];
        if let Some(city) = project_district.prefecture() {
            divisions.push(city.name.to_owned());
        }
        divisions.push(project_district.name.to_owned());
        divisions.dedup();
        for twice in doubled(&pdf_text, &divisions) {
            wrong.push(format!("  “{twice}” printed"));
        }
        if !wrong.is_empty() {
            failures.push(format!("{what}:\n{}\n  text: {pdf_text}", wrong.join("\n")));
        }
    }
    drop(server);
    assert!(
        failures.is_empty(),
        "{} of {} papers wrong ({checked} values checked):\n{}",
        failures.len(),
        PAPERS.len(),
        failures.join("\n")
    );
}
