// The types of the desktop shell <-> UI contract. Every type a command takes or answers, and
// every event's payload, is generated from the Rust types by ts-rs into ./generated/bindings.ts
// (src-tauri/src/ts_bindings.rs; `UPDATE_BINDINGS=1 cargo test -p permitdesk-desktop --lib
// ts_bindings` regenerates it, and the same test fails while it is stale). Only the few
// UI-local types without a Rust counterpart are written here.
import type { Availability, CaseAction, DomainCaseAction, DomainCommand, StatisticsAnswer, SyncProgress } from './generated/bindings'

export type * from './generated/bindings'

/** domain::case::ActionAvailability (a Rust type alias, which ts-rs inlines). */
export type ActionAvailability = Availability<DomainCaseAction>

/** The kinds `validate` knows (client::ops::validate matches on these names). */
export type ValidateKind = 'project_code' | 'credit_code' | 'phone' | 'area'

/** The `type` of a case action (client::ops::CaseAction's serde tag). */
export type CaseActionType = CaseAction['type']

/** The phases of `sync-progress`. */
export type SyncPhase = SyncProgress['phase']

/** `statistics` with its JSON typed as the report asked for (TableRows, MonthlyReport,
 * QuarterlySummary): the shell answers it as a JSON value. */
export type StatisticsAnswerOf<J> = Omit<StatisticsAnswer, 'json'> & { json: J | null }

/** The domain commands `act_command` takes from the UI: every entity's but a case's and a
 * project's, which are acted on only through their typed actions (`case_act`, `submit_project`,
 * ...), so there is one way to act on each. */
export type EntityCommand = Exclude<DomainCommand, { entity: 'case' | 'project' }>
