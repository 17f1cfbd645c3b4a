//! The login path under the production password cost, over real TLS: how long a login takes
//! for a known user (right and wrong password) and for an unknown one (the decoy hash makes
//! them alike), and how the server's memory behaves under a flood of failed logins with huge
//! and with many names (the failed-login counts live in the database, shared by every server
//! process). A measurement program (`cargo bench -p permitdesk-server --bench
//! login`); its figures go to BENCHMARKS.md.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use permitdesk_protocol::{LoginRequest, paths};
use permitdesk_server::auth::PasswordCost;
use permitdesk_server::testing::{ApiClient, Backend, DEMO_PASSWORD, TestOptions, TestServer};
use std::time::Instant;

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

async fn login_ms(c: &ApiClient, user: &str, password: &str) -> (u16, f64) {
    let body = LoginRequest {
        user: user.to_owned(),
        password: password.to_owned(),
        client_id: None,
    };
    let start = Instant::now();
    let (status, _) = c
        .raw(c.request(reqwest::Method::POST, paths::LOGIN).json(&body))
        .await
        .unwrap();
    (status, start.elapsed().as_secs_f64() * 1000.0)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[tokio::main]
async fn main() {
    let mut options = TestOptions::default();
    options.config.password_cost = PasswordCost::PRODUCTION;
    // Room for the timing rounds below before the per-address budget stops them.
    options.config.login_max_failures = 1000;
    let server = TestServer::start_with(Backend::from_env(), options)
        .await
        .unwrap();
    // The demo users were seeded with the cheap test cost; give one a production hash.
    let c = server.client().unwrap();
    let rounds = 15;
    // Warm up (the decoy hash is made at the first unknown login).
    login_ms(&c, "nobody-warmup", "wrong-password").await;
    let store = server.state.store.clone();
    let hash =
        permitdesk_server::auth::hash_password(DEMO_PASSWORD, PasswordCost::PRODUCTION).unwrap();
    store
        .set_password_hash(&permitdesk_domain::ids::UserId::new("window"), &hash)
        .await
        .unwrap();
    let (mut known_ok, mut known_bad, mut unknown) = (vec![], vec![], vec![]);
    for i in 0..rounds {
        known_ok.push(login_ms(&c, "window", DEMO_PASSWORD).await.1);
        known_bad.push(login_ms(&c, "window", "wrong-password").await.1);
        unknown.push(
            login_ms(&c, &format!("nobody{i}"), "wrong-password")
                .await
                .1,
        );
    }
    println!(
        "login (production argon2id, median of {rounds}, {}): known user right password {:.1} ms, known user wrong password {:.1} ms, unknown user {:.1} ms",
        store.backend(),
        median(known_ok),
        median(known_bad),
        median(unknown)
    );
    // What the limiter adds to every login: one read of the counts (and, for a name with
    // failures, one delete at success; a failure is one upsert of two rows).
    let ip = Some(std::net::IpAddr::from([127, 0, 0, 1]));
    let limiter = &server.state.limiter;
    let (mut read, mut write) = (vec![], vec![]);
    for i in 0..200 {
        let t = Instant::now();
        limiter.counts(store.as_ref(), "window", ip).await.unwrap();
        read.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        limiter
            .record_failure(
                store.as_ref(),
                &format!("timing{i}"),
                ip,
                server.state.clock.now(),
            )
            .await
            .unwrap();
        write.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    println!(
        "limiter in the database ({}, median of 200): read of the counts {:.3} ms, a failure recorded {:.3} ms",
        store.backend(),
        median(read),
        median(write)
    );

    // A flood: 30 logins with 7 MB names (refused by the body limit), then 20,000 failed
    // logins with distinct 64-character names through the limiter directly (as from 20,000
    // addresses), then 2,000 over HTTP from this one address (the per-address budget answers
    // 429 without hashing).
    // A server with the production limits for the flood.
    let mut options = TestOptions::default();
    options.config.password_cost = PasswordCost::PRODUCTION;
    let server = TestServer::start_with(Backend::from_env(), options)
        .await
        .unwrap();
    let c = server.client().unwrap();
    let before = rss_kib();
    let huge = "x".repeat(7 * 1024 * 1024);
    for _ in 0..30 {
        // 413, or the connection closed while the client still sends (refused either way).
        let body = LoginRequest {
            user: huge.clone(),
            password: "wrong-password".to_owned(),
            client_id: None,
        };
        if let Ok((status, _)) = c
            .raw(c.request(reqwest::Method::POST, paths::LOGIN).json(&body))
            .await
        {
            assert_eq!(status, 413);
        }
    }
    let after_huge = rss_kib();
    let now = server.state.clock.now();
    let store = server.state.store.clone();
    let start = Instant::now();
    for i in 0..20_000u32 {
        let ip = Some(std::net::IpAddr::from(i.to_be_bytes()));
        server
            .state
            .limiter
            .record_failure(store.as_ref(), &format!("{i:0>64}"), ip, now)
            .await
            .unwrap();
    }
    let names_s = start.elapsed().as_secs_f64();
    let after_names = rss_kib();
    let rows_after_names = store.login_failure_rows().await.unwrap();
    let start = Instant::now();
    let mut limited = 0;
    // The RSS when the first 429 comes: what the hashed failures before it left behind.
    let mut at_first_429 = 0;
    for i in 0..2_000 {
        let (status, _) = login_ms(&c, &format!("spray{i:0>59}"), "wrong-password").await;
        if status == 429 {
            if limited == 0 {
                at_first_429 = rss_kib();
            }
            limited += 1;
        }
    }
    let spray_s = start.elapsed().as_secs_f64();
    let after_spray = rss_kib();
    // The housekeeping pass an hour later: every count has expired.
    let later = now + chrono::Duration::hours(1);
    let start = Instant::now();
    let deleted = store
        .expire_login_failures(
            later,
            server.state.limiter.window,
            permitdesk_server::auth::LIMITER_MAX_ENTRIES,
        )
        .await
        .unwrap();
    let expire_ms = start.elapsed().as_secs_f64() * 1000.0;
    println!(
        "flood ({}): RSS {before} KiB at start; {after_huge} KiB after 30 logins with 7 MB names; {after_names} KiB after 20,000 distinct names from 20,000 addresses recorded in the database ({rows_after_names} rows, {:.0} failures/s); {after_spray} KiB after 2,000 sprayed logins from one address ({at_first_429} KiB at the first 429, after the hashed ones; {limited} answered 429, {:.0} logins/s); the expiry pass an hour later deleted {deleted} rows in {expire_ms:.0} ms, {} left",
        store.backend(),
        20_000.0 / names_s,
        2_000.0 / spray_s,
        store.login_failure_rows().await.unwrap()
    );
}
