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
