//! `permitdesk admin user add --levels` and `permitdesk admin user levels` (层级权限, issue 14)
//! as processes on a server data directory (PERMITDESK_TEST_DATABASE=postgres://... runs them
//! on PostgreSQL): levels are checked against the department's review levels in the catalogue
//! in force, a refusal changes nothing and says what would be accepted, and the demo seed gives
//! each demo reviewer exactly one level.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use permitdesk_domain::ids::UserId;
use permitdesk_server::admin::{DataDir, open_store};

mod common;
use common::{Admin, test_database};

/// What the store holds for a user: their review levels.
trait Levels {
    async fn levels_of(&self, id: &str) -> Option<Vec<String>>;
}

impl Levels for Admin {
    async fn levels_of(&self, id: &str) -> Option<Vec<String>> {
        let store = open_store(&DataDir(self.data.clone().into()), self.database.as_deref())
            .await
            .unwrap();
        store
            .user(&UserId::new(id))
            .await
            .unwrap()
            .map(|u| u.levels)
    }
}

#[tokio::test]
async fn admin_sets_review_levels_checked_against_the_catalogue_in_force() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("server");
    let (pg, database) = test_database().await;
    let admin = Admin::init(&data, database);
    let (code, seeded) = admin.json(&["demo", "seed"]);
    assert_eq!(code, Some(0), "{seeded}");

    // The demo seed: each demo reviewer holds exactly one level, in the department's order.
    for (id, level) in [
        ("reviewer-zgj-1", "受理"),
        ("reviewer-zgj-2", "审核"),
        ("reviewer-zgj-3", "复核"),
        ("reviewer-zgj-4", "签批"),
    ] {
        assert_eq!(admin.levels_of(id).await.unwrap(), [level], "{id}");
    }
    assert!(admin.levels_of("window").await.unwrap().is_empty());

    // add --levels: checked, put in the department's order.
    let (code, v) = admin.json(&[
        "admin",
        "user",
        "add",
        "--id",
        "zgj-wang",
        "--name",
        "王复核",
        "--role",
        "department_reviewer",
        "--department",
        "ZGJ",
        "--levels",
        "复核，审核",
    ]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(admin.levels_of("zgj-wang").await.unwrap(), ["审核", "复核"]);

    // A level the department does not have: refused with the allowed ones, nothing created.
    let (code, v) = admin.json(&[
        "admin",
        "user",
        "add",
        "--id",
        "zgj-li",
        "--name",
        "李某",
        "--role",
        "department_reviewer",
        "--department",
        "ZGJ",
        "--levels",
        "技术审查",
    ]);
    assert_eq!(code, Some(1), "{v}");
    assert_eq!(
        v["message"],
        "部门 ZGJ 的层级审批节点中没有“技术审查”：应为 受理、审核、复核、签批"
    );
    assert_eq!(admin.levels_of("zgj-li").await, None, "not created");

    // user levels USER LEVELS: replaces them.
    let (code, v) = admin.json(&["admin", "user", "levels", "zgj-wang", "签批"]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(v["levels"], serde_json::json!(["签批"]));
    assert_eq!(admin.levels_of("zgj-wang").await.unwrap(), ["签批"]);

    // Refusals change nothing.
    for (args, says) in [
        (
            ["admin", "user", "levels", "zgj-wang", "签批,办结"],
            "部门 ZGJ 的层级审批节点中没有“办结”",
        ),
        (
            ["admin", "user", "levels", "window", "受理"],
            "角色“综合窗口”不签署层级审批",
        ),
        (
            ["admin", "user", "levels", "nobody", "受理"],
            "没有用户 nobody",
        ),
    ] {
        let (code, v) = admin.json(&args);
        assert_eq!(code, Some(1), "{args:?}: {v}");
        assert!(
            v["message"].as_str().unwrap().contains(says),
            "{args:?}: {v}"
        );
    }
    assert_eq!(admin.levels_of("zgj-wang").await.unwrap(), ["签批"]);
    assert!(admin.levels_of("window").await.unwrap().is_empty());

    // "" takes every level away: the user signs nothing.
    let (code, v) = admin.json(&["admin", "user", "levels", "zgj-wang", ""]);
    assert_eq!(code, Some(0), "{v}");
    assert!(admin.levels_of("zgj-wang").await.unwrap().is_empty());
    drop(pg);
}

/// Every user's stored mobile number.
async fn phones(admin: &Admin) -> Vec<(String, String)> {
    let store = open_store(
        &DataDir(admin.data.clone().into()),
        admin.database.as_deref(),
    )
    .await
    .unwrap();
    store
        .user_phones()
        .await
        .unwrap()
        .into_iter()
        .map(|(id, p)| (id.to_string(), p.as_str().to_owned()))
        .collect()
}

/// 短信提醒 (issue 14, item 5): the administrator gives a reviewer the mobile number the SMS
/// notices go to (`user add --phone`, `user phone`); only a mainland mobile number is taken,
/// the answer shows it masked; `server sms list` is the admin view of what was sent.
#[tokio::test]
async fn admin_sets_a_reviewers_mobile_number_shown_masked() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("server");
    let (pg, database) = test_database().await;
    let admin = Admin::init(&data, database);
    let (code, seeded) = admin.json(&["demo", "seed"]);
    assert_eq!(code, Some(0), "{seeded}");
    assert!(phones(&admin).await.is_empty(), "demo users have none");

    let (code, v) = admin.json(&[
        "admin",
        "user",
        "add",
        "--id",
        "zgj-zhao",
        "--name",
        "赵审核",
        "--role",
        "department_reviewer",
        "--department",
        "ZGJ",
        "--levels",
        "审核",
        "--phone",
        "139-0000-0002",
    ]);
    assert_eq!(code, Some(0), "{v}");
    let (code, v) = admin.json(&[
        "admin",
        "user",
        "phone",
        "reviewer-zgj-1",
        "+86 139 0000 0001",
    ]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(v["phone"], "139****0001", "masked in the answer");
    assert_eq!(
        phones(&admin).await,
        [
            ("reviewer-zgj-1".to_owned(), "13900000001".to_owned()),
            ("zgj-zhao".to_owned(), "13900000002".to_owned())
        ]
    );

    // Refused, nothing changed: a landline, a malformed number (bad input), an unknown user.
    for (args, code_wanted, says) in [
        (
            ["admin", "user", "phone", "reviewer-zgj-1", "0451-86331234"],
            2,
            "短信提醒只能发往手机号码",
        ),
        (
            ["admin", "user", "phone", "reviewer-zgj-1", "1390000"],
            2,
            "手机号码无效：手机号码应为11位，实际为7位",
        ),
        (
            ["admin", "user", "phone", "nobody", "13900000003"],
            1,
            "没有用户 nobody",
        ),
    ] {
        let (code, v) = admin.json(&args);
        assert_eq!(code, Some(code_wanted), "{args:?}: {v}");
        assert!(
            v["message"].as_str().unwrap().contains(says),
            "{args:?}: {v}"
        );
        assert!(!v.to_string().contains("86331234"), "{v}");
    }
    let (code, v) = admin.json(&[
        "admin",
        "user",
        "add",
        "--id",
        "zgj-sun",
        "--name",
        "孙某",
        "--role",
        "department_reviewer",
        "--department",
        "ZGJ",
        "--phone",
        "0451-86331234",
    ]);
    assert_eq!(code, Some(2), "{v}");
    assert_eq!(phones(&admin).await.len(), 2);

    // "" removes it.
    let (code, v) = admin.json(&["admin", "user", "phone", "reviewer-zgj-1", ""]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(v["phone"], serde_json::Value::Null);
    assert_eq!(
        phones(&admin).await,
        [("zgj-zhao".to_owned(), "13900000002".to_owned())]
    );

    // The admin view before any server ran: no channel, no delivery.
    let (code, v) = admin.json(&["server", "sms", "list"]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(v["channel"], serde_json::Value::Null);
    assert_eq!(v["deliveries"], serde_json::json!([]));
    drop(pg);
}
