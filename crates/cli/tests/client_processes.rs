//! Real processes: a `permitdesk server run` process and headless clients (`permitdesk
//! --profile DIR ...`, each its own process, secrets in the OS keyring) carry a case from
//! registration to completion while the reviewer's PC and the applicant's PC are offline part
//! of the time (the server process is killed, then restarted on the same data and port); at
//! the end every client holds the same, verified trail.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use serde_json::Value;

#[test]
fn two_headless_clients_and_a_server_process_carry_a_case_to_completion_with_offline_spells() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("server");
    let passwords = init_and_seed(&data);
    let password = |id: &str| passwords.of(id);
    let (server, fp) = Server::start(&data, "127.0.0.1:0");
    let url = server.url.clone();
    let listen = url.trim_start_matches("https://").to_owned();

    let pc = |name: &str| Pc {
        dir: tmp.path().join(name),
    };
    let [applicant, window, reviewer] = logins(
        tmp.path(),
        &url,
        &fp,
        &passwords,
        ["applicant", "window", "reviewer-zgj-1"],
    );
    // One person per level (层级权限): reviewer-zgj-N holds the N-th level of 市资规局.
    let others: Vec<Pc> = (2..=4)
        .map(|i| {
            let r = pc(&format!("reviewer-pc-{i}"));
            let user = format!("reviewer-zgj-{i}");
            r.login(&url, &fp, &user, &password(&user));
            r
        })
        .collect();
    let (auditor, checker, signer) = (&others[0], &others[1], &others[2]);

    // A wrong fingerprint is refused (and nothing is stored in that profile).
    let bad = pc("bad-pc");
    let out = run(
        &[
            "--profile",
            bad.dir.to_str().unwrap(),
            "login",
            "--server",
            &url,
            "--fingerprint",
            &"ab".repeat(32),
            "--user",
            "applicant",
            "--password-stdin",
        ],
        Some(&format!("{}\n", password("applicant"))),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("指纹不符"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Registration online, the window chooses the flow and adds the works.
    let org = applicant.ok(&["status"])["user"]["organisation"]
        .as_str()
        .unwrap()
        .to_owned();
    let reg = applicant.online(&[
        "project",
        "register",
        "--code",
        "2024-230102-48-01-123456",
        "--name",
        "示范厂房（进程测试）",
        "--builder",
        "哈尔滨示范建设有限公司",
        "--credit-code",
        &org,
        "--category",
        "SH-CF",
        "--address",
        "哈尔滨市道里区示范路 1 号",
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
    // 修改项目登记信息 while it is a draft: the new name and investment are what the window sees.
    let edit = |name: &str, wan: &str| -> Vec<String> {
        [
            "project",
            "edit",
            &project,
            "--code",
            "2024-230102-48-01-123456",
            "--name",
            name,
            "--builder",
            "哈尔滨示范建设有限公司",
            "--credit-code",
            &org,
            "--category",
            "SH-CF",
            "--address",
            "哈尔滨市道里区示范路 1 号",
            "--district",
            "230102",
            "--investment-wan",
            wan,
            "--land-area",
            "20000",
            "--building-area",
            "12000",
            "--contact",
            "张建设,13812345678,liaison",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let args = edit("示范厂房（进程测试，已修改）", "6000");
    applicant.online(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let shown = applicant.ok(&["project", "show", &project]);
    assert_eq!(
        shown["project"]["details"]["name"], "示范厂房（进程测试，已修改）",
        "{shown}"
    );
    applicant.online(&["project", "submit", &project]);
    // Submitted: the applicant may no longer change it (the domain says so, nothing changes).
    let late = applicant.cmd(
        &edit("再改一次", "7000")
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert_ne!(late.status.code(), Some(0), "{late:?}");
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

    // The server goes down: the applicant applies offline (queued, and told so).
    server.kill();
    let form = write_pdf(tmp.path(), "stamped-form.pdf");
    let material = write_pdf(tmp.path(), "plan.pdf");
    let applied = applicant.offline(&[
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
    assert_eq!(applicant.ok(&["status"])["pending"], 3);
    let sync = applicant.cmd(&["sync"]);
    assert_eq!(sync.status.code(), Some(1), "an offline sync says so");
    assert!(json(&sync)["offline"].is_string());

    // Back online (same data, same port, same certificate): the queued work goes through.
    let (server, fp2) = Server::start(&data, &listen);
    assert_eq!(fp2, fp);
    let s = applicant.ok(&["sync"]);
    assert_eq!(
        (s["applied"].as_u64(), s["pending"].as_u64()),
        (Some(3), Some(0)),
        "{s}"
    );
    window.ok(&["sync"]);
    // 办件编号: numbered by the server in its scheme; the window names the case by it.
    let intake = window.ok(&["queue"]);
    let number = intake[0]["number"].as_str().unwrap().to_owned();
    let parts: Vec<&str> = number.split('-').collect();
    assert!(
        parts.len() == 3
            && parts[0].len() == 4
            && parts[2].len() == 6
            && intake[0]["case"] == case.as_str(),
        "{intake}"
    );
    window.online(&["case", "receive", &number]);
    window.online(&["case", "accept", &case]);

    // The first reviewer signs the first level online; the second signs the next level while
    // the server is down, and may not sign another one (same person, two levels).
    reviewer.ok(&["sync"]);
    let queue = reviewer.ok(&["queue"]);
    assert_eq!(queue.as_array().unwrap().len(), 1, "{queue}");
    assert!(queue[0]["deadline"].is_string(), "{queue}");
    // The desk's columns: applicant and project by name, when the window received it.
    assert!(
        queue[0]["applicant_name"]
            .as_str()
            .is_some_and(|s| !s.is_empty())
            && queue[0]["project_name"]
                .as_str()
                .is_some_and(|s| !s.is_empty())
            && queue[0]["received_at"].is_string(),
        "{queue}"
    );
    // 已办 of the window: the case it received and accepted; its 待办 is empty now.
    let done = window.ok(&["queue", "--list", "done"]);
    assert_eq!(done[0]["case"], case.as_str(), "{done}");
    assert!(done[0]["next_action"].is_null(), "{done}");
    assert_eq!(window.ok(&["queue"]).as_array().map(Vec::len), Some(0));
    reviewer.online(&["case", "sign-off", &case, "--opinion", "同意受理"]);
    // Signed: off the reviewer's 待办, on its 已办.
    assert_eq!(
        reviewer.ok(&["queue", "--list", "done"])[0]["case"],
        case.as_str()
    );
    auditor.ok(&["sync"]);
    server.kill();
    auditor.offline(&[
        "case",
        "sign-off",
        &case,
        "--opinion",
        "离线审核：符合规划条件",
    ]);
    let twice = auditor.cmd(&["case", "sign-off", &case]);
    assert_ne!(twice.status.code(), Some(0), "{twice:?}");
    let said = String::from_utf8_lossy(&twice.stdout).to_string()
        + &String::from_utf8_lossy(&twice.stderr);
    assert!(
        said.contains("同一人不能签署两个层级")
            && said.contains("“复核”应由持有该层级的其他审批人员签署"),
        "{said}"
    );
    let st = auditor.ok(&["status"]);
    assert_eq!(st["pending"], 1);
    // 可办理的操作: the domain's answer, offline, the same list the desktop app offers.
    let allowed = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .filter(|a| a["refusal"].is_null())
            .map(|a| a["action"].as_str().unwrap().to_owned())
            .collect()
    };
    // An action listed but not allowed: its entry (with the refusal).
    let refused = |actions: &Value, action: &str| -> Value {
        assert!(!allowed(actions).contains(&action.to_owned()), "{actions}");
        let found = actions
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["action"] == action);
        found.unwrap().clone()
    };
    let actions = auditor.ok(&["case", "actions", &case]);
    let sign_off = refused(&actions, "sign_off");
    assert!(
        sign_off["refusal"]
            .as_str()
            .unwrap()
            .starts_with("本办件的“审核”已由审核员（市资规局）签署"),
        "{sign_off}"
    );
    let accept = refused(&actions, "accept");
    assert_eq!(accept["refusal"], "角色“审批部门”不能受理", "{accept}");
    let window_view = window.ok(&["case", "actions", &case]);
    assert!(allowed(&window_view).is_empty(), "{window_view}");
    assert_eq!(
        auditor.ok(&["case", "show", &case])["sign_offs"]
            .as_array()
            .unwrap()
            .len(),
        2,
        "the local view shows the offline work"
    );
    auditor.ok(&["trail", &case, "--verify"]);

    let (_server, _) = Server::start(&data, &listen);
    auditor.ok(&["sync"]);
    checker.ok(&["sync"]);
    checker.online(&["case", "sign-off", &case]);
    signer.ok(&["sync"]);
    signer.online(&["case", "sign-off", &case]);
    signer.online(&[
        "case",
        "complete",
        &case,
        "--grant",
        "--certificate-name",
        "建设工程规划许可证",
    ]);

    // Everyone converges on the same verified trail.
    let mut heads = Vec::new();
    for c in [&applicant, &window, &reviewer, auditor, signer] {
        c.ok(&["sync"]);
        let shown = c.ok(&["case", "show", &case]);
        assert_eq!(shown["state"], "granted", "{}", c.dir.display());
        assert_eq!(shown["sign_offs"][1]["opinion"], "离线审核：符合规划条件");
        let trail = c.ok(&["trail", &case, "--verify"]);
        assert_eq!(trail["broken"], Value::Null);
        let events = trail["events"].as_array().unwrap();
        heads.push((
            events.len(),
            events.last().unwrap()["event"]["sealed"]["hash"].clone(),
        ));
        let st = c.ok(&["status"]);
        assert_eq!(st["pending"], 0);
        assert!(st["refusals"].as_array().unwrap().is_empty(), "{st}");
    }
    assert!(heads.windows(2).all(|w| w[0] == w[1]), "{heads:?}");
    assert_eq!(
        heads[0].0, 10,
        "create, material, submit, receive, accept, four sign-offs, complete"
    );

    // The server numbered the certificate (issue 14): department, Beijing year, sequence.
    let year = chrono::Datelike::year(
        &chrono::Utc::now().with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap()),
    );
    let number = format!("ZGJ-{year}-000001");
    // The papers of the case print from any local store, offline, and say what happened
    // (the e-certificate is the server's signed file).
    let papers = tempfile::tempdir().unwrap();
    let out = papers.path().to_str().unwrap();
    for (kind, who, expect) in [
        (
            "acceptance_receipt",
            &window,
            vec!["受理通知书", "建设工程规划许可", "王窗口"],
        ),
        (
            "completion_notice",
            &applicant,
            vec!["办结通知书", "准予许可", number.as_str()],
        ),
        (
            "certificate",
            &applicant,
            vec!["建设工程规划许可证", number.as_str()],
        ),
        (
            "application_form",
            &applicant,
            vec!["工程建设项目审批事项申请表", "ZGJ-04"],
        ),
    ] {
        let written = who.ok(&["document", kind, &case, "--out", out]);
        let path = written["path"].as_str().unwrap();
        let text = std::process::Command::new("pdftotext")
            .args([path, "-"])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&text.stdout).replace(char::is_whitespace, "");
        for e in expect {
            assert!(text.contains(e), "{kind}: {e} not in {text}");
        }
        // Every entered value once: no unit or district printed twice.
        for twice in [
            "平方米平方米",
            "哈尔滨市道里区哈尔滨市道里区",
            "道里区道里区",
        ] {
            assert!(!text.contains(twice), "{kind}: {twice} in {text}");
        }
        assert!(text.contains(written["verification_code"].as_str().unwrap()));
    }
    // A paper the case does not have is refused with a reason, and writes nothing.
    let refused = applicant.cmd(&["document", "refusal_notice", &case, "--out", out]);
    assert_eq!(refused.status.code(), Some(1), "{refused:?}");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("不能出具不予受理通知书"));
    assert_eq!(std::fs::read_dir(papers.path()).unwrap().count(), 4);
}
