//! 参考数据 in the local store: the versions of the holiday calendar, the catalogue, the market,
//! the planning zones and the 行政区划 that the server sent, each verified (SHA-256) and parsed
//! by the domain before it is kept. The set in force ([`Store::reference_set`]) is the bootstrap
//! data shipped with the program (version 0) with every stored kind installed over it; it is
//! built once and kept in the store until a new version is stored, so reading it is a clone of
//! five `Arc`s.

use super::entities::{self, EntityState};
use super::{Store, opt_ts, parse_ts, sha256_hex, to_i64, to_u64, ts};
use crate::error::{ClientError, Result};
use chrono::{DateTime, Utc};
use permitdesk_domain::case::{AcceptanceTerms, CaseCommand};
use permitdesk_domain::catalogue::Catalogue;
use permitdesk_domain::project::ProjectCommand;
use permitdesk_domain::reference::{ReferenceData, ReferenceKind, ReferenceSet};
use permitdesk_protocol::reference::ReferenceDoc;
use permitdesk_protocol::{CommandEnvelope, DomainCommand, EntityRef};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

/// The shipped reference data (version 0 of every kind), parsed once per process.
pub fn bootstrap_reference() -> Result<ReferenceSet> {
    static BOOTSTRAP: std::sync::OnceLock<std::result::Result<ReferenceSet, String>> =
        std::sync::OnceLock::new();
    BOOTSTRAP
        .get_or_init(|| ReferenceSet::bootstrap().map_err(|e| e.to_string()))
        .clone()
        .map_err(|e| ClientError::Corrupt(format!("内置参考数据无法加载：{e}")))
}

/// What the store holds of one kind of reference data (without its text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StoredReference {
    pub kind: ReferenceKind,
    /// The name a user reads (工作日历, 审批事项目录, ...).
    pub label: &'static str,
    /// 0: the bootstrap data shipped with the program (never synced).
    pub version: u64,
    pub sha256: Option<String>,
    pub changed_at: Option<DateTime<Utc>>,
    /// Who imported it on the server.
    pub changed_by: Option<String>,
    /// What changed against the version before (as the server described it).
    pub changes: Vec<String>,
}

impl Store {
    /// The reference data this profile decides with: the bootstrap set with every synced kind
    /// installed over it.
    pub fn reference_set(&self) -> Result<ReferenceSet> {
        if let Some(set) = self.reference.borrow().as_ref() {
            return Ok(set.clone());
        }
        let mut set = bootstrap_reference()?;
        {
            let mut stmt = self
                .conn
                .prepare_cached("SELECT kind, version, content FROM reference_data")?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?;
            for row in rows {
                let (kind, version, content) = row?;
                // A kind this build does not know (written by a newer one) is left alone.
                let Some(kind) = ReferenceKind::parse(&kind) else {
                    continue;
                };
                let data = ReferenceData::parse(kind, &content).map_err(|e| {
                    ClientError::corrupt(format!(
                        "本地保存的{}（版本 {version}）无法读取：{}",
                        kind.label(),
                        e.message
                    ))
                })?;
                set.install(to_u64(version), data);
            }
        }
        *self.reference.borrow_mut() = Some(set.clone());
        Ok(set)
    }

    /// Keep one version of one kind, as the server sent it: its text must match its SHA-256
    /// and parse with the domain; otherwise nothing is stored and the reason is returned.
    pub fn put_reference(&mut self, doc: &ReferenceDoc) -> Result<()> {
        let bad = |message: String| ClientError::BadReference {
            label: doc.kind.label(),
            version: doc.version,
            message,
        };
        let actual = sha256_hex(doc.content.as_bytes());
        if !actual.eq_ignore_ascii_case(doc.sha256.trim()) {
            return Err(bad(format!(
                "内容的 SHA-256 为 {actual}，与服务器给出的 {} 不符",
                doc.sha256.trim()
            )));
        }
        let data = ReferenceData::parse(doc.kind, &doc.content).map_err(|e| bad(e.message))?;
        self.conn.execute(
            "INSERT INTO reference_data (kind, version, content, sha256, changed_at, changed_by, changes)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (kind) DO UPDATE SET version = ?2, content = ?3, sha256 = ?4, changed_at = ?5,
                 changed_by = ?6, changes = ?7",
            params![
                doc.kind.as_str(),
                to_i64(doc.version),
                doc.content,
                actual,
                ts(doc.changed_at),
                doc.changed_by,
                serde_json::to_string(&doc.changes)?
            ],
        )?;
        if let Some(set) = self.reference.get_mut() {
            set.install(doc.version, data);
        }
        Ok(())
    }

    /// Every kind with the version this profile holds, who changed it and when.
    pub fn reference_docs(&self) -> Result<Vec<StoredReference>> {
        let mut out = Vec::new();
        for kind in ReferenceKind::ALL {
            let row = self
                .conn
                .prepare_cached(
                    "SELECT version, sha256, changed_at, changed_by, changes FROM reference_data WHERE kind = ?1",
                )?
                .query_row(params![kind.as_str()], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                    ))
                })
                .optional()?;
            out.push(match row {
                Some((version, sha, at, by, changes)) => StoredReference {
                    kind,
                    label: kind.label(),
                    version: to_u64(version),
                    sha256: Some(sha),
                    changed_at: Some(parse_ts(&at)?),
                    changed_by: Some(by),
                    changes: serde_json::from_str(&changes)?,
                },
                None => StoredReference {
                    kind,
                    label: kind.label(),
                    version: 0,
                    sha256: None,
                    changed_at: opt_ts(None)?,
                    changed_by: None,
                    changes: Vec::new(),
                },
            });
        }
        Ok(out)
    }

    /// Re-decide the queued commands with the reference data in force (after a sync brought a
    /// new version): what a command took from the catalogue (acceptance terms, a case's
    /// department, a flow's category) is taken again from the new one, and every entity with
    /// queued commands is rebased. Nothing is dropped: a command the new data would refuse stays
    /// queued with the local reason, and the server decides. Returns how many commands changed.
    pub fn redecide_pending(&mut self) -> Result<u64> {
        self.flush_projections()?;
        let refs = self.reference_set()?;
        let tx = self.conn.transaction()?;
        let rows: Vec<(i64, String, String)> = {
            let mut stmt = tx.prepare(
                "SELECT mutation_id, entity, envelope FROM outbox WHERE status = 'pending' ORDER BY mutation_id",
            )?;
            let mapped = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            mapped.collect::<std::result::Result<_, _>>()?
        };
        let mut changed = 0;
        let mut entities_live: Vec<EntityRef> = Vec::new();
        for (id, entity, json) in rows {
            let mut env: CommandEnvelope = serde_json::from_str(&json)?;
            let case_item = match &env.command {
                DomainCommand::Case { case, .. } => {
                    let state = tx
                        .query_row(
                            "SELECT coalesce(view, confirmed) FROM cases WHERE id = ?1",
                            params![case.as_str()],
                            |r| r.get::<_, Option<String>>(0),
                        )
                        .optional()?
                        .flatten();
                    match entities::decode_state(&env.command.entity(), state)? {
                        EntityState::Case(Some(c)) => Some(c.item),
                        _ => None,
                    }
                }
                _ => None,
            };
            if rederive(&mut env.command, &refs.catalogue, case_item.as_ref()) {
                tx.execute(
                    "UPDATE outbox SET envelope = ?1 WHERE mutation_id = ?2",
                    params![serde_json::to_string(&env)?, id],
                )?;
                changed += 1;
            }
            if let Some(e) = entities::entity_of_key(&entity) {
                entities_live.push(e);
            }
        }
        entities::recompute_views(&tx, &refs, entities_live)?;
        tx.commit()?;
        Ok(changed)
    }
}

/// Take again from `cat` what a command took from the catalogue; false when nothing changes
/// (or the catalogue no longer has the item or flow: the command is kept as it was).
fn rederive(
    command: &mut DomainCommand,
    cat: &Catalogue,
    case_item: Option<&permitdesk_domain::ids::ItemCode>,
) -> bool {
    match command {
        DomainCommand::Case { command, .. } => match command {
            CaseCommand::Accept { terms, .. } => {
                let Some(code) = case_item else {
                    return false;
                };
                let Some(new) = acceptance_terms(cat, code) else {
                    return false;
                };
                if *terms == new {
                    return false;
                }
                *terms = new;
                true
            }
            CaseCommand::Create {
                item,
                department,
                commitment_allowed,
                ..
            } => {
                let Some(i) = cat.item(item) else {
                    return false;
                };
                if *department == i.department && *commitment_allowed == i.commitment_allowed {
                    return false;
                }
                *department = i.department.clone();
                *commitment_allowed = i.commitment_allowed;
                true
            }
            _ => false,
        },
        DomainCommand::Project {
            command: ProjectCommand::ChooseFlow { flow, category },
            ..
        } => match cat.flow(flow) {
            Some(f) if f.category != *category => {
                *category = f.category.clone();
                true
            }
            _ => false,
        },
        _ => false,
    }
}

/// The acceptance terms 受理 takes from the catalogue for an item: the catalogue's version, the
/// item's time limit and its department's review levels.
pub fn acceptance_terms(
    cat: &Catalogue,
    item: &permitdesk_domain::ids::ItemCode,
) -> Option<AcceptanceTerms> {
    let i = cat.item(item)?;
    Some(AcceptanceTerms {
        catalogue_version: cat.version.clone(),
        time_limit_working_days: i.time_limit_working_days,
        review_levels: cat
            .review_levels_for_item(item)
            .map(<[String]>::to_vec)
            .unwrap_or_default(),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
pub(crate) mod tests {
    use super::*;
    use crate::store::tests::{KEY, temp_store};
    use std::sync::Arc;

    /// A 2027 holiday table for tests (one file, `tests/fixtures/holidays-2027.toml`).
    pub(crate) const HOLIDAYS_2027: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/holidays-2027.toml"
    ));

    /// The shipped tables with 2027 added, as the server sends a merged calendar.
    pub(crate) fn calendar_with_2027() -> String {
        format!(
            "{}\n{HOLIDAYS_2027}",
            permitdesk_domain::SHIPPED_HOLIDAYS_TOML
        )
    }

    pub(crate) fn doc(kind: ReferenceKind, version: u64, content: &str) -> ReferenceDoc {
        ReferenceDoc {
            kind,
            version,
            content: content.to_owned(),
            sha256: sha256_hex(content.as_bytes()),
            changed_at: "2026-12-05T02:00:00Z".parse().unwrap(),
            changed_by: "市工改办".into(),
            changes: vec!["新增 2027 年节假日安排".into()],
        }
    }

    #[test]
    fn a_fresh_store_decides_with_the_bootstrap_set_at_version_zero() {
        let (_dir, store) = temp_store();
        let set = store.reference_set().unwrap();
        assert!(ReferenceKind::ALL.iter().all(|k| set.version(*k) == 0));
        assert_eq!(set.calendar.years(), [2022, 2023, 2024, 2025, 2026]);
        let docs = store.reference_docs().unwrap();
        assert_eq!(docs.len(), ReferenceKind::ALL.len());
        assert_eq!(set.districts.groups()[0].name, "哈尔滨市");
        assert!(
            docs.iter()
                .all(|d| d.version == 0 && d.changed_at.is_none())
        );
    }

    #[test]
    fn a_verified_version_is_stored_put_in_force_and_kept_across_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("local.db");
        let mut store = Store::open(&path, KEY).unwrap();
        let before = store.reference_set().unwrap();
        store
            .put_reference(&doc(ReferenceKind::Calendar, 3, &calendar_with_2027()))
            .unwrap();
        let after = store.reference_set().unwrap();
        assert_eq!(after.version(ReferenceKind::Calendar), 3);
        assert!(after.calendar.years().contains(&2027));
        // The other kinds are untouched (the very same data).
        assert!(Arc::ptr_eq(&before.catalogue, &after.catalogue));
        let shown = store.reference_docs().unwrap();
        let cal = shown
            .iter()
            .find(|d| d.kind == ReferenceKind::Calendar)
            .unwrap();
        assert_eq!(
            (cal.version, cal.changed_by.as_deref()),
            (3, Some("市工改办"))
        );
        assert_eq!(cal.changes, ["新增 2027 年节假日安排"]);
        drop(store);
        let store = Store::open(&path, KEY).unwrap();
        let reopened = store.reference_set().unwrap();
        assert_eq!(reopened.version(ReferenceKind::Calendar), 3);
        assert!(reopened.calendar.years().contains(&2027));
    }

    #[test]
    fn the_set_is_built_once_and_replaced_only_by_a_write() {
        let (_dir, mut store) = temp_store();
        let a = store.reference_set().unwrap();
        let b = store.reference_set().unwrap();
        assert!(Arc::ptr_eq(&a.calendar, &b.calendar), "read from the cache");
        assert!(Arc::ptr_eq(&a.zones, &b.zones));
        store
            .put_reference(&doc(ReferenceKind::Calendar, 1, &calendar_with_2027()))
            .unwrap();
        let c = store.reference_set().unwrap();
        assert!(
            !Arc::ptr_eq(&a.calendar, &c.calendar),
            "a write replaces it"
        );
        assert_eq!(c.version(ReferenceKind::Calendar), 1);
        let d = store.reference_set().unwrap();
        assert!(Arc::ptr_eq(&c.calendar, &d.calendar));
    }

    #[test]
    fn a_text_that_does_not_match_its_sha256_is_refused_and_nothing_changes() {
        let (_dir, mut store) = temp_store();
        let mut bad = doc(ReferenceKind::Calendar, 2, &calendar_with_2027());
        bad.content.push_str("\n# 传输中被改动\n");
        let e = store.put_reference(&bad).unwrap_err();
        assert!(
            matches!(&e, ClientError::BadReference { version: 2, .. }),
            "{e:?}"
        );
        assert!(e.to_string().contains("SHA-256"), "{e}");
        assert!(e.to_string().contains("工作日历"), "{e}");
        let set = store.reference_set().unwrap();
        assert_eq!(set.version(ReferenceKind::Calendar), 0);
        assert!(!set.calendar.years().contains(&2027));
        assert_eq!(store.reference_docs().unwrap()[0].version, 0);
    }

    #[test]
    fn a_text_the_domain_refuses_is_not_stored_and_the_reason_names_the_line() {
        let (_dir, mut store) = temp_store();
        let text = "[[year]]\nyear = 2027\nholidays = [{ name = \"元旦\", from = 2027-13-01 }]\n";
        let e = store
            .put_reference(&doc(ReferenceKind::Calendar, 1, text))
            .unwrap_err();
        assert!(matches!(e, ClientError::BadReference { .. }), "{e:?}");
        assert!(
            e.to_string().contains('3') || e.to_string().contains("行"),
            "{e}"
        );
        let e = store
            .put_reference(&doc(ReferenceKind::Catalogue, 1, "version = 1\n[[items]]"))
            .unwrap_err();
        assert!(e.to_string().contains("审批事项目录"), "{e}");
        let set = store.reference_set().unwrap();
        assert!(ReferenceKind::ALL.iter().all(|k| set.version(*k) == 0));
        assert!(
            store
                .reference_docs()
                .unwrap()
                .iter()
                .all(|d| d.sha256.is_none())
        );
    }

    #[test]
    fn a_new_catalogue_rebuilds_the_terms_of_a_queued_acceptance() {
        let cat = Catalogue::demo().unwrap();
        let code = permitdesk_domain::ids::ItemCode::new("ZGJ-04");
        let old = acceptance_terms(&cat, &code).unwrap();
        let text = permitdesk_domain::DEMO_CATALOGUE_TOML;
        let at = text.find("code = \"ZGJ-04\"").unwrap();
        let (head, tail) = text.split_at(at);
        let changed = format!(
            "{head}{}",
            tail.replacen(
                &format!("time_limit_working_days = {}", old.time_limit_working_days),
                "time_limit_working_days = 20",
                1
            )
        )
        .replacen(
            &format!("version = \"{}\"", cat.version),
            "version = \"2026.9\"",
            1,
        );
        let new_cat = Catalogue::from_toml_str(&changed).unwrap();
        let mut cmd = DomainCommand::Case {
            case: permitdesk_domain::ids::CaseId::new("C-1"),
            command: CaseCommand::Accept {
                terms: old.clone(),
                commitment_based: false,
            },
        };
        assert!(!rederive(&mut cmd, &cat, Some(&code)), "same catalogue");
        assert!(rederive(&mut cmd, &new_cat, Some(&code)));
        let DomainCommand::Case {
            command: CaseCommand::Accept { terms, .. },
            ..
        } = &cmd
        else {
            panic!()
        };
        assert_eq!(terms.time_limit_working_days, 20);
        assert_eq!(terms.catalogue_version, "2026.9");
        // Without the item (unknown case) the command is kept as it was.
        assert!(!rederive(&mut cmd, &cat, None));
    }
}
