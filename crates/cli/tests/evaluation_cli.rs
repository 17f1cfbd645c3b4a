//! 网上互动 headless (issue 7): a `permitdesk server run` process and three headless clients
//! (`permitdesk --profile DIR --json rate|rectification|complaint ...`): the applicant rates a
//! window visit 不满意 and complains, partly offline; the office assigns the complaint; 市资规局
//! rectifies, calls back and answers; the applicant lists the answer and the finished
//! rectification; refusals exit 1 and change nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;

/// `rate --visit V-1 --department ZGJ --level LEVEL MORE...`.
fn rate<'a>(level: &'a str, more: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "rate",
        "--visit",
        "V-1",
        "--department",
        "ZGJ",
        "--level",
        level,
    ];
    args.extend_from_slice(more);
    args
}

#[test]
fn rate_rectify_and_complain_headless_with_json() {
    let tmp = tempfile::tempdir().unwrap();
    let (server, [applicant, reform, zgj]) =
        seeded_server(tmp.path(), ["applicant", "reform", "reviewer-zgj-1"]);

    // Bad input is a usage error (exit 2); a bad rating without a reason is refused locally (1).
    let out = applicant.cmd(&rate("一般", &[]));
    assert_eq!(out.status.code(), Some(2));
    let out = applicant.cmd(&rate("不满意", &[]));
    assert_eq!(out.status.code(), Some(1));

    let v = applicant.queue_only(&rate(
        "不满意",
        &[
            "--dimension",
            "服务态度=非常不满意",
            "--comment",
            "窗口解释不清",
        ],
    ));
    assert_eq!(v["created"][0], "visit/V-1");
    let v = applicant.online(&[
        "complaint",
        "submit",
        "--title",
        "规划窗口解释不清",
        "--content",
        "三次得到不同答复",
        "--department",
        "ZGJ",
    ]);
    let k = v["created"][0].as_str().unwrap().to_owned();

    // The department cannot assign; the office can.
    let out = zgj.cmd(&["complaint", "assign", &k, "--department", "ZGJ"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    reform.ok(&["sync"]);
    // Each list says what this user may do now: the domain's answer, the same the app shows.
    let list = reform.ok(&["complaint", "list"]);
    assert_eq!(list[0]["actions"], serde_json::json!(["分办", "不予受理"]));
    reform.online(&[
        "complaint",
        "assign",
        &k,
        "--department",
        "ZGJ",
        "--days",
        "5",
    ]);

    zgj.ok(&["sync"]);
    let list = zgj.ok(&["complaint", "list"]);
    assert_eq!(list[0]["actions"], serde_json::json!(["答复"]));
    let list = zgj.ok(&["rectification", "list"]);
    assert_eq!(
        list[0]["actions"],
        serde_json::json!(["开始整改", "说明无法整改", "申诉"])
    );
    zgj.online(&[
        "rectification",
        "start",
        "visit/V-1",
        "--plan",
        "统一答复口径",
    ]);
    zgj.online(&[
        "rectification",
        "complete",
        "visit/V-1",
        "--result",
        "编制答复手册",
    ]);
    zgj.online(&[
        "rectification",
        "callback",
        "visit/V-1",
        "--satisfied",
        "--note",
        "回访满意",
    ]);
    zgj.online(&["complaint", "answer", &k, "--answer", "已统一答复口径"]);

    applicant.ok(&["sync"]);
    let list = applicant.ok(&["complaint", "list"]);
    assert_eq!(list[0]["id"], k.as_str());
    assert_eq!(list[0]["state"], "已答复");
    assert_eq!(list[0]["answer"], "已统一答复口径");
    assert_eq!(list[0]["actions"], serde_json::json!([]));
    let list = applicant.ok(&["rectification", "list"]);
    assert_eq!(list[0]["id"], "visit/V-1");
    assert_eq!(list[0]["rectification"], "已整改");
    assert_eq!(list[0]["callback"], true);
    let shown = applicant.ok(&["rectification", "show", "visit/V-1"]);
    assert_eq!(shown["rectification"]["status"], "done");
    drop(server);
}
