//! The UI's TypeScript types, generated from the Rust types that cross the Tauri boundary (the
//! arguments and answers of the commands, the events), with ts-rs. The UI imports them from
//! `ui/src/api/generated/bindings.ts`; nothing there is written by hand.
//!
//! `cargo test -p permitdesk-desktop --lib ts_bindings` fails when the checked-in file differs
//! from what the Rust types give (a stale binding); `UPDATE_BINDINGS=1` with the same command
//! writes it instead.

use std::any::TypeId;
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use ts_rs::{Config, TS, TypeVisitor};

/// Where the bindings live, from the repository root.
pub const BINDINGS: &str = "ui/src/api/generated/bindings.ts";

const HEADER: &str = "\
// The TypeScript types of the desktop shell's commands and events, generated from the Rust types
// (ts-rs) by src-tauri/src/ts_bindings.rs. Do not edit: change the Rust type, then run
//   UPDATE_BINDINGS=1 cargo test -p permitdesk-desktop --lib ts_bindings
// (without UPDATE_BINDINGS the same test fails while this file is stale).
/* eslint-disable */
";

/// Every type declared, by TypeScript name: the declaration and the Rust type it came from.
#[derive(Default)]
struct Collector {
    seen: HashSet<TypeId>,
    decls: BTreeMap<String, (String, &'static str)>,
    clashes: Vec<String>,
}

impl Collector {
    fn cfg() -> Config {
        // u64/i64 are JSON numbers on this boundary (ids, counts, minutes), never above 2^53.
        Config::new().with_large_int("number")
    }

    fn root<T: TS + 'static + ?Sized>(&mut self) {
        self.visit::<T>();
        T::visit_generics(self);
    }
}

impl TypeVisitor for Collector {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        if T::output_path().is_none() || !self.seen.insert(TypeId::of::<T>()) {
            // Not a declared type (a primitive, Vec, Option...): its parameters are visited by
            // the type that holds it.
            T::visit_generics(self);
            return;
        }
        let cfg = Self::cfg();
        let name = T::ident(&cfg);
        let mut decl = String::new();
        if let Some(docs) = T::docs() {
            decl.push_str(&docs);
        }
        decl.push_str("export ");
        decl.push_str(&T::decl(&cfg));
        let rust = std::any::type_name::<T>();
        match self.decls.get(&name) {
            Some((other, other_rust)) if *other != decl => self.clashes.push(format!(
                "{name}: {other_rust} and {rust} (give one #[ts(rename = \"...\")])"
            )),
            Some(_) => {}
            None => {
                self.decls.insert(name, (decl, rust));
            }
        }
        T::visit_dependencies(self);
        T::visit_generics(self);
    }
}

/// The types the UI sees: the commands' arguments and answers, the events, and the domain's
/// statistics reports (the `statistics` command answers them as JSON). Their dependencies come
/// along.
fn collect() -> Collector {
    use crate::commands as c;
    use permitdesk_client as client;
    use permitdesk_domain as domain;
    use permitdesk_protocol as protocol;

    let mut k = Collector::default();
    // The shell's own types.
    k.root::<crate::error::UiError>();
    k.root::<crate::state::SyncState>();
    k.root::<crate::sync_loop::Progress>();
    k.root::<permitdesk_client::alerts::Alert>();
    k.root::<c::SessionInfo>();
    k.root::<c::VerifyCertificateRequest>();
    k.root::<permitdesk_client::certificates::CertificateVerdict>();
    k.root::<c::LoginRequest>();
    k.root::<c::AppInfo>();
    k.root::<c::StatusView>();
    k.root::<c::MutationRef>();
    k.root::<c::ValidateRequest>();
    k.root::<c::IdRequest>();
    k.root::<c::QueueRequest>();
    k.root::<c::EditProjectRequest>();
    k.root::<c::ProjectAction>();
    k.root::<c::CaseActRequest>();
    k.root::<c::TrailRequest>();
    k.root::<c::AddAttachment>();
    k.root::<c::PathRequest>();
    k.root::<c::AttachmentBytes>();
    k.root::<c::DocumentRequest>();
    k.root::<c::DocumentAnswer>();
    k.root::<c::PdfPagesRequest>();
    k.root::<c::PageImageAnswer>();
    k.root::<c::Saved>();
    k.root::<c::DraftRequest>();
    k.root::<c::CommandRequest>();
    k.root::<c::StatisticsRequest>();
    k.root::<c::StatisticsAnswer>();
    k.root::<c::NotificationsRequest>();
    k.root::<c::NotificationsAnswer>();
    k.root::<c::ReconfirmRequest>();
    k.root::<c::RemoveProfileRequest>();
    // What the commands answer straight from the client, the protocol and the domain.
    k.root::<client::profile::LoginOutcome>();
    k.root::<client::engine::SyncReport>();
    k.root::<client::store::RefusalEntry>();
    k.root::<client::expired::ExpiredAction>();
    k.root::<client::expired::ReconfirmOutcome>();
    k.root::<client::profile::Removed>();
    k.root::<client::ops::Validation>();
    k.root::<client::reads::ClockView>();
    k.root::<client::reads::CaseDetail>();
    k.root::<client::reads::Overview>();
    k.root::<client::ops::AttachmentInfo>();
    k.root::<client::reads::LibraryEntry>();
    k.root::<client::reads::ProjectView>();
    k.root::<client::reads::CommissionView>();
    k.root::<client::reads::QueueEntry>();
    k.root::<client::reads::DeskList>();
    k.root::<client::ops::ActOutcome>();
    k.root::<client::ops::RegisterRequest>();
    k.root::<client::ops::ApplyRequest>();
    k.root::<client::reference::ReferenceView>();
    k.root::<client::reference::DistrictsView>();
    k.root::<client::reference::ImportRequest>();
    k.root::<client::reference::ImportOutcome>();
    k.root::<client::drafts::DraftEntry>();
    k.root::<client::papers::PaperKind>();
    k.root::<domain::catalogue::Catalogue>();
    k.root::<domain::project::Project>();
    k.root::<domain::case::Case>();
    k.root::<domain::consultation::Consultation>();
    k.root::<client::reads::ConsultationView>();
    k.root::<domain::evaluation::Evaluation>();
    k.root::<domain::evaluation::Complaint>();
    k.root::<permitdesk_client::reads::EvaluationView>();
    k.root::<permitdesk_client::reads::ComplaintView>();
    k.root::<domain::intermediary::market::MarketCatalogue>();
    k.root::<domain::intermediary::Commission>();
    k.root::<domain::consultation::compliance::PlanningZone>();
    k.root::<protocol::DomainCommand>();
    // The statistics reports (JSON of the `statistics` command).
    k.root::<domain::statistics::TableRows>();
    k.root::<domain::statistics::MonthlyReport>();
    k.root::<domain::statistics::QuarterlySummary>();
    k
}

/// The file's text: the header, then every declaration sorted by name.
pub fn render() -> Result<String, String> {
    let k = collect();
    if !k.clashes.is_empty() {
        return Err(format!(
            "two Rust types have the same TypeScript name:\n{}",
            k.clashes.join("\n")
        ));
    }
    let mut out = String::from(HEADER);
    for (decl, _) in k.decls.values() {
        out.push('\n');
        out.push_str(decl);
        out.push('\n');
    }
    Ok(out)
}

fn path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(BINDINGS)
}

#[test]
fn ts_bindings_are_up_to_date() -> Result<(), String> {
    let fresh = render()?;
    let path = path();
    if std::env::var_os("UPDATE_BINDINGS").is_some_and(|v| !v.is_empty() && v != "0") {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        }
        std::fs::write(&path, &fresh).map_err(|e| format!("{}: {e}", path.display()))?;
        return Ok(());
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    if checked_in == fresh {
        return Ok(());
    }
    let line = checked_in
        .lines()
        .zip(fresh.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| checked_in.lines().count().min(fresh.lines().count()));
    Err(format!(
        "{BINDINGS} is stale (first difference at line {}): a Rust type the UI reads changed. \
         Regenerate it with `UPDATE_BINDINGS=1 cargo test -p permitdesk-desktop --lib \
         ts_bindings` and commit the result.",
        line + 1
    ))
}
