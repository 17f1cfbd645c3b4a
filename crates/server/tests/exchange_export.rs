//! 数据共享导出 (issue 14, item 4): the server exports the national SPGL tables incrementally
//! from its own events. The demo month is seeded through the server's rules, exported, and
//! every file is checked against the table definitions (read back by the domain's import, each
//! table's codes within their enumerations, codes and dates well-formed, CSV and JSON alike);
//! one handling row per reported case; a rerun exports nothing; one more command exports
//! exactly that case's rows; a crash between the record and the rename is finished by the
//! next export; the daily run exports once across two server processes and once a day.
//! Runs on the backend PERMITDESK_TEST_DATABASE selects.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Duration, NaiveDate, Utc};
use permitdesk_domain::case::{Case, CaseCommand, CaseEvent, CaseState};
use permitdesk_domain::catalogue::Catalogue;
use permitdesk_domain::codes::{CreditCode, ProjectCode, RegionCode};
use permitdesk_domain::exchange::{
    Batch, CaseSummary, TABLE_NAMES, handling_code, import_batch, steps_from_events, summarize,
};
use permitdesk_domain::project::{Project, ProjectEvent};
use permitdesk_protocol::{CommandOutcome, DomainEvent};
use permitdesk_server::config::ServerConfig;
use permitdesk_server::demo_month::{DEFAULT_SEED, seed_month};
use permitdesk_server::exchange::{self, ExportError, ExportReport, ExportRequest, Origin};
use permitdesk_server::state::AppState;
use permitdesk_server::testing::TestServer;
use permitdesk_server::testing::fixtures::{case_cmd, empty_terms, envelope};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[path = "common/shared.rs"]
mod shared;
use shared::{clocked_server, stored_user};

/// Tuesday 31 March 2026, 18:00 in Beijing: the month's office hours are all over.
fn end() -> DateTime<Utc> {
    "2026-03-31T10:00:00Z".parse().unwrap()
}

/// A directory of its own under the system's temporary directory, removed at the end.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Scratch {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let dir = std::env::temp_dir().join(format!(
            "permitdesk-exchange-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Every stored project and case, replayed, with each case's events.
struct Stored {
    projects: Vec<Project>,
    cases: Vec<(Case, Vec<CaseEvent>)>,
}

async fn stored(server: &TestServer) -> Stored {
    let store = server.state.store.clone();
    let mut projects: BTreeMap<String, Vec<ProjectEvent>> = BTreeMap::new();
    let mut cases: BTreeMap<String, Vec<CaseEvent>> = BTreeMap::new();
    let mut after = 0;
    loop {
        let page = store.events_after(after, 5000).await.unwrap();
        let Some(last) = page.last() else { break };
        after = last.server_seq;
        for e in page {
            match serde_json::from_str(&e.json).unwrap() {
                DomainEvent::Case(s) => cases.entry(e.entity_key).or_default().push(s.event),
                DomainEvent::Project(s) => projects.entry(e.entity_key).or_default().push(s.event),
                _ => {}
            }
        }
    }
    Stored {
        projects: projects
            .values()
            .map(|es| Project::replay(es.iter()).unwrap().unwrap())
            .collect(),
        cases: cases
            .into_values()
            .map(|es| (Case::replay(es.iter()).unwrap(), es))
            .collect(),
    }
}

async fn export(server: &TestServer, out: &Path) -> Result<ExportReport, ExportError> {
    exchange::export(
        server.state.store.as_ref(),
        ExportRequest {
            out: out.to_owned(),
            reference: server.state.reference_in_force().await.unwrap(),
            now: server.state.clock.now(),
            by: "test-admin".to_owned(),
            origin: Origin::Admin,
            claim: None,
        },
    )
    .await
}

/// The files of a batch directory by name.
fn files_of(dir: &Path) -> BTreeMap<String, String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read_to_string(e.path()).unwrap(),
            )
        })
        .collect()
}

/// The records of a CSV text (a quoted cell may hold a line break).
fn csv_records(text: &str) -> Vec<Vec<String>> {
    let (mut records, mut record, mut cell) = (Vec::new(), Vec::new(), String::new());
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => record.push(std::mem::take(&mut cell)),
            ('\r', false) => {}
            ('\n', false) => {
                record.push(std::mem::take(&mut cell));
                records.push(std::mem::take(&mut record));
            }
            (c, _) => cell.push(c),
        }
    }
    assert!(
        !quoted && cell.is_empty() && record.is_empty(),
        "CSV ends mid-record"
    );
    records
}

fn date(s: &str) -> bool {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
}

/// Reads a batch directory back and checks every file against the table definitions; returns
/// the batch. `known_cases` are the case ids of earlier batches (a detail row may belong to a
/// case whose handling row came earlier).
fn validate(dir: &Path, catalogue: &Catalogue, known_cases: &BTreeSet<String>) -> Batch {
    let files = files_of(dir);
    assert_eq!(files.len(), TABLE_NAMES.len() * 2 + 1, "{:?}", files.keys());
    let batch = Batch::from_files(|name| files.get(name).cloned()).unwrap();

    // JSON and CSV tell the same rows with the standard's field names.
    for (table, rows) in batch.table_rows() {
        let json: Vec<Value> = serde_json::from_str(&files[&format!("{table}.json")]).unwrap();
        assert_eq!(json.len(), rows, "{table}");
        let csv = csv_records(&files[&format!("{table}.csv")]);
        assert_eq!(csv.len(), rows + 1, "{table}: header and one line per row");
        let header = &csv[0];
        assert!(header.contains(&"DFSJZJ".to_owned()), "{table}: {header:?}");
        for (n, row) in json.iter().enumerate() {
            let keys: Vec<&String> = row.as_object().unwrap().keys().collect();
            assert_eq!(
                keys.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
                header.iter().map(String::as_str).collect::<Vec<_>>(),
                "{table}"
            );
            assert!(
                keys.iter()
                    .all(|k| k.chars().all(|c| c.is_ascii_uppercase() || c == '_')),
                "{table}: {keys:?}"
            );
            assert_eq!(row["SJYXBS"], 1, "{table}: 数据有效标识");
            assert_eq!(row["SJSCZT"], 0, "{table}: 数据上传状态");
            assert!(!row["DFSJZJ"].as_str().unwrap().is_empty(), "{table}");
            for (h, cell) in header.iter().zip(&csv[n + 1]) {
                let expected = match &row[h] {
                    Value::Null => String::new(),
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                assert_eq!(cell, &expected, "{table} row {n} {h}");
            }
        }
        let keys: BTreeSet<&str> = json.iter().map(|r| r["DFSJZJ"].as_str().unwrap()).collect();
        assert_eq!(keys.len(), rows, "{table}: DFSJZJ is unique");
    }

    let t = &batch.tables;
    let item = |code: &str| {
        catalogue
            .items
            .iter()
            .find(|i| i.code.as_str() == code)
            .unwrap_or_else(|| panic!("item {code} is not in the catalogue"))
    };
    for p in &t.projects {
        ProjectCode::parse(&p.xmdm).unwrap();
        RegionCode::parse(&p.xzqhdm).unwrap();
        assert!([1, 2].contains(&p.xmtzly), "项目投资来源 {}", p.xmtzly);
        // 工程代码 is empty while the window has not added the works yet.
        assert!(!p.xmmc.is_empty() && !p.jsdw.is_empty());
        assert!(p.ztze_fen >= 0 && p.ydmj >= 0 && p.jzmj >= 0);
    }
    for u in &t.units {
        ProjectCode::parse(&u.xmdm).unwrap();
        CreditCode::parse(&u.dwtyshxydm).unwrap();
        assert_eq!(u.dwlx, 1, "单位类型");
        assert!(!u.dwmc.is_empty());
    }
    for f in &t.flows {
        assert!(!f.splcbm.is_empty() && !f.splcmc.is_empty() && !f.splcbbh.is_empty());
    }
    for s in &t.stages {
        assert!(s.spjdxh <= 5 && !s.spjdmc.is_empty());
    }
    for s in &t.stage_items {
        assert!(s.spjdxh <= 5 && [0, 1].contains(&s.sfbb));
        assert_eq!(item(&s.spsxbm).department.as_str(), s.spbmbm);
    }
    let mut cases: BTreeSet<String> = known_cases.clone();
    for h in &t.handling {
        ProjectCode::parse(&h.xmdm).unwrap();
        RegionCode::parse(&h.xzqhdm).unwrap();
        assert!(
            (1..=14).contains(&h.blzt) && h.blzt != 12,
            "办理状态 {}",
            h.blzt
        );
        assert!(h.spjdxh <= 5);
        let i = item(&h.spsxbm);
        assert_eq!(i.name, h.spsxmc);
        assert_eq!(i.department.as_str(), h.spbmbm);
        assert!(!h.spbmmc.is_empty() && !h.gcdm.is_empty());
        if h.blzt != 2 {
            assert!(h.jjsj.is_some(), "{}: 接件时间", h.spsxslbm);
        }
        if [3, 8, 9, 11, 13].contains(&h.blzt) {
            assert!(h.slsj.is_some(), "{}: 受理时间", h.spsxslbm);
        }
        if [11, 13].contains(&h.blzt) {
            assert!(h.bjsj.is_some(), "{}: 办结时间", h.spsxslbm);
        }
        let times: Vec<_> = [h.jjsj, h.slsj, h.bjsj].into_iter().flatten().collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "{}", h.spsxslbm);
        assert!(times.iter().all(|t| *t <= h.blsj), "{}", h.spsxslbm);
        cases.insert(h.spsxslbm.clone());
    }
    for d in &t.handling_details {
        assert!((1..=14).contains(&d.blzt) && d.blzt != 12, "{}", d.dfsjzj);
        assert!(
            cases.contains(&d.spsxslbm),
            "{} has no handling row",
            d.dfsjzj
        );
        assert!(d.dfsjzj.starts_with(&format!("{}-", d.spsxslbm)));
    }
    for a in &t.approval_documents {
        assert!(date(&a.pfrq), "批复日期 {}", a.pfrq);
        assert!(a.yxqx.is_empty() || date(&a.yxqx), "有效期限 {}", a.yxqx);
        assert!(!a.pfwh.is_empty() && !a.pfwjbt.is_empty());
        let h = t
            .handling
            .iter()
            .find(|h| h.spsxslbm == a.spsxslbm)
            .unwrap();
        assert_eq!(h.blzt, 11, "{}", a.dfsjzj);
    }
    for p in &t.special_procedures {
        assert!([0, 1].contains(&p.sfjs) && !p.tbcxzl.is_empty());
        assert!(p.tbcxjssj.is_none_or(|e| e >= p.tbcxkssj), "{}", p.dfsjzj);
        assert!(cases.contains(&p.spsxslbm), "{}", p.dfsjzj);
    }
    assert_eq!(import_batch(&batch).unwrap().len(), t.handling.len());
    batch
}

/// The SPGL_* entries of a directory (batch directories, and anything left over).
fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Pushes `command` on case `case` as `user`, at the clock's time; it must be applied.
async fn act(server: &TestServer, user: &str, case: &Case, command: CaseCommand, n: u64) {
    let store = server.state.store.as_ref();
    let user = stored_user(store, user).await;
    let env = server
        .state
        .push_env_with(server.state.reference_in_force().await.unwrap());
    let at = server.state.clock.now();
    let result = store
        .push(
            &env,
            &user,
            "test-exchange",
            &[envelope(n, case_cmd(case.id.as_str(), command), at)],
        )
        .await
        .unwrap();
    assert!(
        matches!(result.results[0].outcome, CommandOutcome::Applied { .. }),
        "{:?}",
        result.results[0].outcome
    );
}

/// A server process with the daily run on, on `store`.
async fn daily(
    server: &TestServer,
    store: Arc<dyn permitdesk_server::store::Store>,
    name: &str,
    dir: &Path,
) -> AppState {
    let config = ServerConfig {
        instance: name.to_owned(),
        exchange_dir: Some(dir.to_owned()),
        ..ServerConfig::default()
    };
    AppState::new(store, config, server.state.clock.clone())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_month_exports_validly_once_then_only_what_is_new() {
    let (server, clock) = clocked_server(end()).await;
    let store = server.state.store.clone();
    seed_month(store.as_ref(), end(), DEFAULT_SEED)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let tmp = Scratch::new();
    let out = tmp.0.join("spgl");
    let reference = server.state.reference_in_force().await.unwrap();
    let catalogue = &reference.catalogue;

    // Nothing recorded yet: the listing says so, and the daily run is 未配置.
    let list = exchange::list(store.as_ref()).await.unwrap();
    assert!(list.batches.is_empty() && list.cursor == 0);
    assert!(list.text().contains("未配置"), "{}", list.text());

    // The first batch: everything, valid, one handling row per reported case.
    clock.set(end() + Duration::minutes(30));
    let first = export(&server, &out).await.unwrap();
    eprintln!("{}", first.text());
    let b1 = first.batch.clone().expect("a first batch");
    assert_eq!((b1.number, b1.from_seq), (1, 0));
    assert_eq!(b1.to_seq, store.max_server_seq().await.unwrap());
    assert_eq!(b1.origin, Origin::Admin);
    let dir1 = PathBuf::from(&b1.directory);
    assert_eq!(dir1.file_name().unwrap(), "SPGL-000001-20260331");
    assert_eq!(entries(&out), ["SPGL-000001-20260331"]);
    let batch = validate(&dir1, catalogue, &BTreeSet::new());
    let data = stored(&server).await;
    let reported: Vec<&Case> = data
        .cases
        .iter()
        .map(|(c, _)| c)
        .filter(|c| handling_code(c).is_some())
        .collect();
    assert!(
        reported.len() < data.cases.len(),
        "drafts and submitted cases exist"
    );
    assert_eq!(batch.tables.handling.len(), reported.len());
    assert_eq!(b1.cases as usize, reported.len());
    assert_eq!(b1.rows as usize, batch.row_count());
    assert_eq!(batch.tables.projects.len(), data.projects.len());
    assert_eq!(batch.tables.flows.len(), catalogue.flows.len());
    // Each case reads back as the server holds it, and every step of it is a detail row.
    let mut imported: Vec<CaseSummary> = import_batch(&batch).unwrap();
    imported.sort_by(|a, b| a.case.cmp(&b.case));
    let mut expected: Vec<CaseSummary> = reported
        .iter()
        .filter_map(|c| summarize(c, &data.projects, catalogue))
        .collect();
    expected.sort_by(|a, b| a.case.cmp(&b.case));
    assert_eq!(imported, expected);
    let steps: usize = data
        .cases
        .iter()
        .filter(|(c, _)| handling_code(c).is_some())
        .map(|(_, es)| steps_from_events(es).len())
        .sum();
    assert_eq!(batch.tables.handling_details.len(), steps);
    assert!(!batch.tables.approval_documents.is_empty());
    assert!(!batch.tables.special_procedures.is_empty());

    // A rerun: nothing new, nothing written, nothing recorded.
    let again = export(&server, &out).await.unwrap();
    assert!(again.batch.is_none() && again.ran, "{again:?}");
    assert_eq!((again.previous, again.cursor), (Some(1), b1.to_seq));
    assert!(
        again.text().contains("没有新的数据需要导出"),
        "{}",
        again.text()
    );
    assert_eq!(entries(&out).len(), 1);
    assert_eq!(store.exchange_batches().await.unwrap().len(), 1);

    // One more command: the window accepts a received case. The rerun holds exactly that
    // case's rows: its handling row (已受理) and the one new detail row.
    let (received, events) = data
        .cases
        .iter()
        .find(|(c, _)| c.state == CaseState::Received)
        .expect("a received case");
    clock.set(end() + Duration::hours(1));
    let accept = CaseCommand::Accept {
        terms: empty_terms(),
        commitment_based: false,
    };
    act(&server, "window", received, accept, 1).await;
    let second = export(&server, &out).await.unwrap();
    let b2 = second.batch.clone().expect("a second batch");
    assert_eq!((b2.number, b2.from_seq), (2, b1.to_seq));
    assert_eq!(b2.to_seq, store.max_server_seq().await.unwrap());
    assert_eq!((b2.cases, b2.rows), (1, 2));
    let known: BTreeSet<String> = batch
        .tables
        .handling
        .iter()
        .map(|h| h.spsxslbm.clone())
        .collect();
    let inc = validate(&PathBuf::from(&b2.directory), catalogue, &known);
    let t = &inc.tables;
    assert_eq!(t.handling.len(), 1);
    assert_eq!(t.handling[0].spsxslbm, received.id.as_str());
    assert_eq!(t.handling[0].blzt, 3, "已受理");
    assert_eq!(t.handling_details.len(), 1);
    assert_eq!(t.handling_details[0].blzt, 3);
    assert_eq!(
        t.handling_details[0].dfsjzj,
        format!("{}-{:03}", received.id, steps_from_events(events).len() + 1)
    );
    assert!(t.projects.is_empty() && t.units.is_empty() && t.flows.is_empty());
    assert!(t.approval_documents.is_empty() && t.special_procedures.is_empty());
    assert_eq!(inc.since, batch.up_to);
    // Both batches together are what the receiving side holds: the case is accepted there.
    let merged = import_batch(&batch.clone().merge(inc)).unwrap();
    let case = merged.iter().find(|c| c.case == received.id).unwrap();
    assert_eq!(case.state, CaseState::InReview);
    assert_eq!(merged.len(), reported.len());

    // Another process recorded this number first: refused, nothing recorded.
    let stale = store
        .record_exchange(Some(&b2), None, server.state.clock.now(), "test")
        .await;
    let err = stale.expect_err("a batch number is recorded once");
    assert!(err.to_string().contains("已由其他进程导出"), "{err}");

    // A crash after the record, before the rename: the next export finishes it.
    let dir2 = PathBuf::from(&b2.directory);
    std::fs::rename(&dir2, b2.staging()).unwrap();
    let recovered = export(&server, &out).await.unwrap();
    assert!(recovered.batch.is_none());
    assert_eq!(recovered.recovered, std::slice::from_ref(&b2.directory));
    assert!(dir2.is_dir() && !b2.staging().exists());
    assert_eq!(
        entries(&out),
        ["SPGL-000001-20260331", "SPGL-000002-20260331"]
    );

    // The daily run, in two server processes on one database: one more command, then both
    // passes at once export it exactly once.
    let daily_dir = tmp.0.join("daily");
    std::fs::create_dir_all(&daily_dir).unwrap();
    let a = daily(&server, store.clone(), "server-a", &daily_dir).await;
    let b = daily(
        &server,
        server.db.second_store().await.unwrap(),
        "server-b",
        &daily_dir,
    )
    .await;
    clock.set(end() + Duration::hours(2));
    let submitted = data
        .cases
        .iter()
        .map(|(c, _)| c)
        .find(|c| c.state == CaseState::Submitted)
        .expect("a submitted case");
    act(&server, "window", submitted, CaseCommand::Receive, 2).await;
    let (ra, rb) = tokio::join!(exchange::scheduled_pass(&a), exchange::scheduled_pass(&b));
    let (ra, rb) = (ra.unwrap().unwrap(), rb.unwrap().unwrap());
    let (won, lost) = if ra.batch.is_some() {
        (ra, rb)
    } else {
        (rb, ra)
    };
    let b3 = won.batch.clone().unwrap();
    assert_eq!((b3.number, b3.from_seq, b3.cases), (3, b2.to_seq, 1));
    assert_eq!(b3.origin, Origin::Scheduled);
    assert!(lost.batch.is_none() && !lost.ran, "{lost:?}");
    assert!(lost.text().contains("已由其他服务器进程完成"));
    let inc3 = validate(&PathBuf::from(&b3.directory), catalogue, &known);
    assert_eq!(inc3.tables.handling[0].spsxslbm, submitted.id.as_str());
    assert_eq!(inc3.tables.handling[0].blzt, 1, "已接件");
    assert_eq!(
        entries(&daily_dir),
        ["SPGL-000003-20260331"],
        "no staging left"
    );
    // Later the same day: nothing more from either process.
    clock.set(end() + Duration::hours(3));
    assert!(exchange::scheduled_pass(&a).await.unwrap().is_none());
    assert!(exchange::scheduled_pass(&b).await.unwrap().is_none());
    // The next day: the run again, once; nothing new, nothing written.
    clock.set(end() + Duration::days(1));
    let (na, nb) = tokio::join!(exchange::scheduled_pass(&a), exchange::scheduled_pass(&b));
    let (na, nb) = (na.unwrap().unwrap(), nb.unwrap().unwrap());
    assert!(na.batch.is_none() && nb.batch.is_none());
    assert_eq!(
        [na.ran, nb.ran].iter().filter(|r| **r).count(),
        1,
        "the day is claimed once"
    );
    assert_eq!(entries(&daily_dir).len(), 1);

    // The listing: three batches, each starting where the last ended.
    exchange::announce(a.store.as_ref(), &a.config, server.state.clock.now()).await;
    let list = exchange::list(store.as_ref()).await.unwrap();
    assert_eq!(list.batches.len(), 3);
    assert!(list.batches.iter().all(|l| l.present));
    assert!(
        list.batches
            .windows(2)
            .all(|w| w[1].batch.from_seq == w[0].batch.to_seq)
    );
    assert_eq!(list.cursor, b3.to_seq);
    let text = list.text();
    assert!(
        text.contains("每日一次") && text.contains("每日定时导出"),
        "{text}"
    );
}
