//! Statistics on the server over a generated city-year (run: `cargo bench -p permitdesk-server
//! --bench statistics`; PERMITDESK_BENCH_CASES=20000 for a quick run). Prints a Markdown table.
//!
//! The domain's `statistics::sample::generated_with_trails` city-year (200,000 cases on 20,000
//! projects) is sealed onto hash chains and written straight into the `events` table of a
//! SQLite server store (what the statistics read; pushing 2 million events one command at a
//! time would take the load program's half hour), the demo users are seeded, and a server
//! serves it over TLS on 127.0.0.1 with its clock at the data's as-of time. Then
//! `GET /api/v1/statistics` is timed end to end through a pinned HTTPS client: the first
//! request (replaying every stored trail into the cache), then each report warm, for the reform
//! office and for one department; then the stored snapshot of the projections (投影快照) is
//! written, and a second server process started on the same store answers its first request
//! from it (what a restart pays).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use permitdesk_domain::statistics::sample;
use permitdesk_domain::time::from_local;
use permitdesk_domain::trail::seal_all;
use permitdesk_protocol::{DomainEvent, paths};
use permitdesk_server::auth::PasswordCost;
use permitdesk_server::clock::ManualClock;
use permitdesk_server::config::ServerConfig;
use permitdesk_server::store::{SqliteStore, Store};
use permitdesk_server::testing::{ApiClient, DEMO_PASSWORD};
use permitdesk_server::{AppState, app};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

async fn timed(c: &ApiClient, query: &[(&str, &str)]) -> (Duration, usize) {
    let start = Instant::now();
    let (status, body) = c
        .raw(
            c.request(reqwest::Method::GET, paths::STATISTICS)
                .query(query),
        )
        .await
        .unwrap();
    assert_eq!(
        status,
        200,
        "{query:?}: {}",
        String::from_utf8_lossy(&body[..body.len().min(300)])
    );
    (start.elapsed(), body.len())
}

fn main() {
    let cases: usize = std::env::var("PERMITDESK_BENCH_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200_000);
    let mut rows: Vec<(String, String, String)> = Vec::new();
    let mut add = |what: &str, figure: String, note: String| {
        eprintln!("{what}: {figure} {note}");
        rows.push((what.to_owned(), figure, note));
    };

    let start = Instant::now();
    let data = sample::generated_with_trails(cases).unwrap();
    let trails = data.trails.clone().unwrap();
    eprintln!(
        "generated {} cases in {:?}",
        data.cases.len(),
        start.elapsed()
    );

    // Seal and write the trails.
    let dir = std::env::temp_dir().join(format!("permitdesk-stats-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("server.db");
    let store = SqliteStore::open(&path).unwrap();
    let start = Instant::now();
    let mut conn = rusqlite::Connection::open(&path).unwrap();
    let tx = conn.transaction().unwrap();
    let mut seq: i64 = 0;
    {
        let mut insert = tx
            .prepare(
                "INSERT INTO events (server_seq, entity_key, entity_seq, event, hash, prev_hash, acted_at, received_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
            )
            .unwrap();
        let mut put =
            |key: &str, entity_seq: u64, json: String, hash: &str, prev: &str, at: String| {
                seq += 1;
                insert
                    .execute(rusqlite::params![
                        seq,
                        key,
                        entity_seq as i64,
                        json,
                        hash,
                        prev,
                        at
                    ])
                    .unwrap();
            };
        for (p, trail) in data.projects.iter().zip(&trails.projects) {
            let key = format!("project:{}", p.id);
            for s in seal_all(&key, None, trail.iter().cloned()).unwrap() {
                let at = s.event.at().format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
                let (n, h, prev) = (s.seq, s.hash.clone(), s.prev_hash.clone());
                put(
                    &key,
                    n,
                    serde_json::to_string(&DomainEvent::Project(s)).unwrap(),
                    &h,
                    &prev,
                    at,
                );
            }
        }
        for (c, trail) in data.cases.iter().zip(&trails.cases) {
            let key = format!("case:{}", c.id);
            for s in seal_all(&key, None, trail.iter().cloned()).unwrap() {
                let at = s.event.at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
                let (n, h, prev) = (s.seq, s.hash.clone(), s.prev_hash.clone());
                put(
                    &key,
                    n,
                    serde_json::to_string(&DomainEvent::Case(s)).unwrap(),
                    &h,
                    &prev,
                    at,
                );
            }
        }
    }
    tx.execute("UPDATE sync_counter SET value = ?1 WHERE id = 1", [seq])
        .unwrap();
    tx.commit().unwrap();
    drop(conn);
    let events = seq;
    eprintln!("stored {events} events in {:?}", start.elapsed());

    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let store: Arc<dyn Store> = Arc::new(store);
        let now = from_local(data.as_of);
        permitdesk_server::demo::seed(store.as_ref(), PasswordCost::TEST, now, |_| {
            Ok(DEMO_PASSWORD.to_owned())
        })
        .await
        .unwrap();
        let config = ServerConfig {
            password_cost: PasswordCost::TEST,
            ..ServerConfig::default()
        };
        let clock = Arc::new(ManualClock::new(now));
        let state = AppState::new(store.clone(), config.clone(), clock.clone())
            .await
            .unwrap();
        let (cert, key) = permitdesk_server::tls::generate_self_signed(&[]).unwrap();
        let fingerprint = permitdesk_server::tls::spki_fingerprint_pem(&cert).unwrap();
        let tls = permitdesk_server::tls::server_config(&cert, &key).unwrap();
        let serve = |state: AppState| {
            let tls = tls.clone();
            async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                let url = format!("https://127.0.0.1:{}", listener.local_addr().unwrap().port());
                let limits = permitdesk_server::tls::ConnectionLimits::of(&state.config);
                tokio::spawn(permitdesk_server::tls::serve(
                    listener,
                    app(state),
                    tls,
                    limits,
                    std::future::pending(),
                ));
                url
            }
        };
        let url = serve(state.clone()).await;
        let login = |url: String, user: &'static str| {
            let fingerprint = fingerprint.clone();
            async move {
                let mut c = ApiClient::new(&url, &fingerprint).unwrap();
                c.login(user, DEMO_PASSWORD).await.unwrap();
                c
            }
        };
        let reform = login(url.clone(), "reform").await;
        let zjj = login(url.clone(), "reviewer-zjj-1").await;
        let scale = format!(
            "{} projects, {} cases, {events} events",
            data.projects.len(),
            data.cases.len()
        );
        let october = [("from", "2024-10-01"), ("to", "2024-10-31")];
        let (cold, _) = timed(&reform, &[("report", "table4"), ("from", "2024-10-01"), ("to", "2024-10-31")]).await;
        add(
            "first request after start: replay every stored trail into the cache, then table 4 of October",
            ms(cold),
            scale.clone(),
        );
        let runs = 3;
        let measure = |label: String, query: Vec<(&'static str, &'static str)>, who: &'static str| {
            (label, query, who)
        };
        let mut plan = Vec::new();
        for t in ["table1", "table2", "table3", "table4"] {
            let mut q = vec![("report", t)];
            q.extend(october);
            plan.push(measure(format!("{t}, October, reform office, JSON"), q, "reform"));
            plan.push(measure(format!("{t}, whole year, reform office, JSON"), vec![("report", t)], "reform"));
            plan.push(measure(
                format!("{t}, whole year, reform office, JSON, first page of 200 rows"),
                vec![("report", t), ("offset", "0"), ("limit", "200")],
                "reform",
            ));
        }
        plan.push(measure(
            "table1, whole year, reform office, JSON, a page of 200 rows from row 100,000".into(),
            vec![("report", "table1"), ("offset", "100000"), ("limit", "200")],
            "reform",
        ));
        let mut q = vec![("report", "monthly")];
        q.extend(october);
        plan.push(measure("monthly stage report, October, reform office, JSON".into(), q.clone(), "reform"));
        plan.push(measure("monthly stage report, October, 市住建局 reviewer, JSON".into(), q, "zjj"));
        plan.push(measure("quarterly summary, Q4 2024 vs Q3, reform office, JSON".into(), vec![("report", "quarterly"), ("from", "2024-10-01")], "reform"));
        plan.push(measure("quarterly summary, Q4 2024, PDF".into(), vec![("report", "quarterly"), ("from", "2024-10-01"), ("format", "pdf")], "reform"));
        let mut q = vec![("report", "table1"), ("format", "xlsx")];
        q.extend(october);
        plan.push(measure("table1, October, xlsx".into(), q, "reform"));
        let mut q = vec![("report", "table1")];
        q.extend(october);
        plan.push(measure("table1, October, 市住建局 reviewer, JSON".into(), q, "zjj"));
        for (label, query, who) in plan {
            let c = if who == "zjj" { &zjj } else { &reform };
            let mut times = Vec::new();
            let mut bytes = 0;
            for _ in 0..runs {
                // A new minute: the figures are computed again, as for the first table asked
                // in a minute.
                clock.advance(chrono::Duration::minutes(1));
                let (t, b) = timed(c, &query).await;
                times.push(t);
                bytes = b;
            }
            add(&label, ms(median(times)), format!("median of {runs}, {bytes} bytes"));
        }
        // Paging through a table in one minute: the figures of the first page are reused.
        clock.advance(chrono::Duration::minutes(1));
        timed(&reform, &[("report", "table1"), ("offset", "0"), ("limit", "200")]).await;
        let mut times = Vec::new();
        for page in 1..=5 {
            let offset = (page * 200).to_string();
            let (t, _) = timed(
                &reform,
                &[("report", "table1"), ("offset", &offset), ("limit", "200")],
            )
            .await;
            times.push(t);
        }
        add(
            "table1, whole year, reform office, the next pages of 200 rows in the same minute",
            ms(median(times)),
            "median of 5 pages".into(),
        );

        // 投影快照: what storing the projections costs, and what a restarted process pays.
        let start = Instant::now();
        let folded = state.statistics.snapshot(&state.store).await.unwrap();
        let encoded = folded.encode().unwrap();
        let encode = start.elapsed();
        let size: usize = encoded.parts.iter().map(Vec::len).sum();
        let parts = encoded.parts.len();
        let start = Instant::now();
        assert!(
            state
                .store
                .put_projection_snapshot("statistics", &encoded)
                .await
                .unwrap()
                || state.statistics.stored_seq() >= encoded.seq
        );
        let put = start.elapsed();
        add(
            "store the projections' snapshot (encode / write)",
            format!("{} / {}", ms(encode), ms(put)),
            format!("{parts} parts, {:.1} MB deflated", size as f64 / 1e6),
        );
        let start = Instant::now();
        let decoded = permitdesk_server::statistics::StatisticsData::decode(&encoded).unwrap();
        add(
            "read the stored snapshot back (inflate and parse every part)",
            ms(start.elapsed()),
            format!("{} cases", decoded.cases.len()),
        );
        drop(decoded);
        let restarted = AppState::new(store.clone(), config.clone(), clock.clone())
            .await
            .unwrap();
        let second = serve(restarted).await;
        let reform2 = login(second, "reform").await;
        let (warm_start, _) = timed(&reform2, &[("report", "table4"), ("from", "2024-10-01"), ("to", "2024-10-31")]).await;
        add(
            "first request after a restart: read the stored snapshot, fold what came after it, then table 4 of October",
            ms(warm_start),
            scale.clone(),
        );
    });
    let _ = std::fs::remove_dir_all(&dir);
    println!("| measure | figure | notes |\n|---|---|---|");
    for (a, b, c) in &rows {
        println!("| {a} | {b} | {c} |");
    }
}
