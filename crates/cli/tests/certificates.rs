//! 电子证照 end to end with real processes (issue 14, item 3): a `permitdesk server run`
//! process, headless clients carry a case to a granted completion without typing a number; the
//! server numbers it in its scheme, the applicant downloads the server's signed file
//! (`document certificate`), `pdfsig` says the signature is valid and `certificate verify` says
//! 有效; one changed byte fails verification; `server certificate revoke` makes the status
//! 已撤销 on the JSON, the page and in `certificate verify`. SQLite (the server process's data
//! directory); the PostgreSQL side of the same rules is `crates/server/tests/certificates.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::Datelike;
use common::*;
use serde_json::Value;

fn pdfsig(path: &str) -> String {
    let out = std::process::Command::new("pdfsig")
        .arg(path)
        .output()
        .expect("pdfsig (poppler-utils) is installed");
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

fn get(url: &str) -> (u16, String) {
    let out = std::process::Command::new("curl")
        .args(["-sk", "-w", "\n%{http_code}", url])
        .output()
        .expect("curl is installed");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (body, code) = text.rsplit_once('\n').unwrap();
    (code.trim().parse().unwrap(), body.to_owned())
}

#[test]
fn a_granted_case_gets_a_server_number_and_a_signed_certificate_anyone_can_verify() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("server");
    let passwords = init_and_seed(&data);
    // A rerun of init keeps the seal key.
    let again = run_ok(&["--json", "server", "init", "--data", data.to_str().unwrap()]);
    assert_eq!(again["seal_created"], false, "{again}");
    let (server, fp) = Server::start(&data, "127.0.0.1:0");
    let url = server.url.clone();
    let users = [
        "applicant",
        "window",
        "reviewer-zgj-1",
        "reviewer-zgj-2",
        "reviewer-zgj-3",
        "reviewer-zgj-4",
    ];
    let [applicant, window, r1, r2, r3, r4] = logins(tmp.path(), &url, &fp, &passwords, users);

    let org = applicant.ok(&["status"])["user"]["organisation"]
        .as_str()
        .unwrap()
        .to_owned();
    let reg = applicant.online(&[
        "project",
        "register",
        "--code",
        "2024-230102-48-01-654321",
        "--name",
        "示范厂房（证照测试）",
        "--builder",
        "哈尔滨示范建设有限公司",
        "--credit-code",
        &org,
        "--category",
        "SH-CF",
        "--address",
        "哈尔滨市道里区示范路 2 号",
        "--district",
        "230102",
        "--investment-wan",
        "5000",
        "--land-area",
        "20000",
        "--building-area",
        "12000",
        "--contact",
        "张建设,13812345678,liaison",
    ]);
    let project = reg["created"][0].as_str().unwrap().to_owned();
    applicant.online(&["project", "submit", &project]);
    window.ok(&["sync"]);
    window.online(&["project", "choose-flow", &project, "--flow", "LC-SH-CF"]);
    window.online(&[
        "project",
        "add-works",
        &project,
        "--works-id",
        "W-1",
        "--name",
        "1 号厂房",
        "--area",
        "12000",
    ]);
    applicant.ok(&["sync"]);
    let form = write_pdf(tmp.path(), "stamped-form.pdf");
    let material = write_pdf(tmp.path(), "plan.pdf");
    let applied = applicant.online(&[
        "apply",
        "--project",
        &project,
        "--works",
        "W-1",
        "--item",
        "ZGJ-04",
        "--material",
        &format!("建设工程规划许可申请表={material}"),
        "--form",
        &form,
    ]);
    let case = applied["created"][0].as_str().unwrap().to_owned();
    window.ok(&["sync"]);
    window.online(&["case", "receive", &case]);
    window.online(&["case", "accept", &case]);
    for r in [&r1, &r2, &r3, &r4] {
        r.ok(&["sync"]);
        r.online(&["case", "sign-off", &case]);
    }
    // Offline, the completion shows a provisional 待分配; no number is typed.
    r4.ok(&["sync"]);
    server.kill();
    r4.offline(&[
        "case",
        "complete",
        &case,
        "--grant",
        "--certificate-name",
        "建设工程规划许可证",
    ]);
    let local = r4.ok(&["case", "show", &case]);
    assert_eq!(local["state"], "granted", "{local}");
    assert_eq!(local["decision"]["certificate"]["number"], "", "{local}");
    let listen = url.trim_start_matches("https://").to_owned();
    let (server, _) = Server::start(&data, &listen);
    r4.ok(&["sync"]);

    // The server's number, in its scheme (department, year, 6-digit sequence).
    let year = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .year();
    let number = format!("ZGJ-{year}-000001");
    applicant.ok(&["sync"]);
    let shown = applicant.ok(&["case", "show", &case]);
    assert_eq!(
        shown["decision"]["certificate"]["number"],
        number.as_str(),
        "{shown}"
    );

    // The applicant downloads the server's signed file.
    let papers = tmp.path().join("papers");
    std::fs::create_dir_all(&papers).unwrap();
    let written = applicant.ok(&[
        "document",
        "certificate",
        &case,
        "--out",
        papers.to_str().unwrap(),
    ]);
    let path = written["path"].as_str().unwrap().to_owned();
    let said = pdfsig(&path);
    assert!(
        said.contains("Signature Validation: Signature is Valid"),
        "{said}"
    );
    let text = std::process::Command::new("pdftotext")
        .args([path.as_str(), "-"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout).replace(char::is_whitespace, "");
    assert!(
        text.contains(&number) && text.contains("建设工程规划许可证"),
        "{text}"
    );

    // certificate verify: valid, 有效 (with the profile, and with --server/--fingerprint).
    let v = applicant.ok(&["certificate", "verify", &path]);
    assert_eq!(v["valid"], true, "{v}");
    assert_eq!(v["status"]["status_label"], "有效", "{v}");
    assert_eq!(v["local"]["number"], number.as_str());
    let anyone = run(
        &[
            "certificate",
            "verify",
            &path,
            "--server",
            &url,
            "--fingerprint",
            &fp,
        ],
        None,
    );
    assert_eq!(anyone.status.code(), Some(0), "{anyone:?}");
    let words = String::from_utf8_lossy(&anyone.stdout).to_string();
    assert!(
        words.contains("核验通过") && words.contains("状态：有效"),
        "{words}"
    );

    // The public page and JSON the QR code leads to.
    let code = v["local"]["code"].as_str().unwrap().to_owned();
    let (status, page) = get(&format!("{url}/verify/{number}?h={code}"));
    assert_eq!(status, 200);
    assert!(page.contains("有效") && page.contains(&number), "{page}");

    // One changed byte: verification fails (exit 1).
    let mut bytes = std::fs::read(&path).unwrap();
    let at = bytes
        .windows(8)
        .position(|w| w == b"/Creator")
        .unwrap_or(300);
    bytes[at + 3] ^= 0x20;
    let tampered = tmp.path().join("tampered.pdf");
    std::fs::write(&tampered, &bytes).unwrap();
    let out = applicant.cmd(&["certificate", "verify", tampered.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let v: Value = json(&out);
    assert_eq!(v["valid"], false, "{v}");
    assert!(v["summary"].as_str().unwrap().contains("核验未通过"), "{v}");

    // Revoked by the administrator: 已撤销 everywhere.
    let admin = Admin {
        data: data.to_str().unwrap().to_owned(),
        database: None,
    };
    let (code_rc, list) = admin.json(&["server", "certificate", "list"]);
    assert_eq!(code_rc, Some(0));
    assert_eq!(list[0]["number"], number.as_str(), "{list}");
    assert_eq!(list[0]["status"], "valid");
    let (rc, revoked) = admin.json(&[
        "server",
        "certificate",
        "revoke",
        &number,
        "--reason",
        "申请材料弄虚作假",
    ]);
    assert_eq!(rc, Some(0), "{revoked}");
    let out = applicant.cmd(&["certificate", "verify", &path]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let v: Value = json(&out);
    assert_eq!(v["status"]["status_label"], "已撤销", "{v}");
    assert!(v["summary"].as_str().unwrap().contains("已撤销"), "{v}");
    let (status, body) = get(&format!(
        "{url}/api/v1/certificates/{number}/status?h={code}"
    ));
    assert_eq!(status, 426, "the API wants its protocol header: {body}");
    let (status, page) = get(&format!("{url}/verify/{number}?h={code}"));
    assert_eq!(status, 200);
    assert!(
        page.contains("已撤销") && page.contains("申请材料弄虚作假"),
        "{page}"
    );
    let (status, page) = get(&format!("{url}/verify/{number}?h=0000000000000000"));
    assert_eq!(status, 404);
    assert!(page.contains("未查到该电子证照"), "{page}");
    drop(server);
}
