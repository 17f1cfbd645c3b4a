// Types of the desktop shell <-> UI contract (notes/DESKTOP-CONTRACT.md).
// Domain objects are serialised exactly as `permitdesk --json` prints them (snake_case fields);
// the fixtures in tests/fixtures are real samples of those shapes.

export type Role =
  | 'applicant'
  | 'window_operator'
  | 'department_reviewer'
  | 'utility_unit'
  | 'intermediary_agency'
  | 'reform_office'
  | 'system'

export interface UserInfo {
  id: string
  name: string
  role: Role
  department: string | null
  organisation: string | null
}

/** A failed command rejects with this object. */
export type ErrorCode =
  | 'offline'
  | 'refused'
  | 'invalid'
  | 'not_logged_in'
  | 'not_found'
  | 'io'
  | 'credentials'
  | 'pinning'
  | 'server'
  | 'internal'

export interface ApiError {
  code: ErrorCode
  message: string
  field?: string | null
}

// ---------------------------------------------------------------- session

export interface SessionInfo {
  logged_in: boolean
  user: UserInfo | null
  server_url: string | null
  fingerprint: string | null
  remembered_user: string | null
}

export interface LoginRequest {
  server: string
  fingerprint: string
  user: string
  password: string
  remember: boolean
}

export interface LoginResult {
  user: UserInfo
  expires_at: string
  clock_offset_ms: number
}

// ---------------------------------------------------------------- sync / status

export interface RefusalEntry {
  mutation_id: number
  entity: string
  envelope: unknown
  refusal: unknown
  message: string
  refused_at: string
}

export interface OutboxEntry {
  envelope: unknown
  entity: string
  status: unknown
  local_conflict: string | null
  queued_at: string
}

export interface UploadEntry {
  id: string
  size: number
  uploaded: number
  state: string
  error: string | null
  queued_at: string
}

export interface Status {
  server_url: string | null
  user: UserInfo | null
  pending: number
  outbox: OutboxEntry[]
  refusals: RefusalEntry[]
  uploads: UploadEntry[]
  cursor: number
  last_mutation_acked: number
  clock_offset_ms: number
  last_contact_at: string | null
  last_sync_at: string | null
  events: number
  online: boolean
  syncing: boolean
  offline_mode?: boolean
}

/** `permitdesk sync --json`; kept open since only the UI's summary uses it. */
export type SyncReport = Record<string, unknown>

export interface SyncStateEvent {
  online: boolean
  syncing: boolean
  offline_mode?: boolean
  pending: number
  refusals: number
  last_sync_at: string | null
  message: string | null
}

export type SyncPhase = 'upload' | 'push' | 'pull'

export interface SyncProgressEvent {
  phase: SyncPhase
  done: number
  total: number
}

// ---------------------------------------------------------------- validation

export type ValidateKind = 'project_code' | 'credit_code' | 'phone' | 'area'

export interface ValidateResult {
  ok: boolean
  message: string | null
  normalized: string | null
}

// ---------------------------------------------------------------- catalogue
// The domain's catalogue as the shell serialises it (same as `permitdesk --json catalogue show`).

export type StageKey =
  | 'planning'
  | 'project_approval'
  | 'engineering_permit'
  | 'construction_permit'
  | 'completion_acceptance'
  | 'parallel'

export interface Department {
  code: string
  name: string
  short_name?: string
  kind: string
  review_levels: string[]
}

export interface MaterialRequirement {
  name: string
  necessity: { type: 'required' | 'conditional' | string; condition?: string | null }
  form: string
  copies: number
  medium: 'electronic' | 'paper' | 'both' | string
  template: string | null
  commitment_waivable: boolean
}

export interface Fee {
  type: 'free' | 'standard' | 'market' | string
  amount_fen?: number
  standard?: string
}

export interface CatalogueItem {
  code: string
  name: string
  department: string
  competent_department?: string | null
  kind: string
  stage: StageKey | string
  time_limit_working_days: number
  materials: MaterialRequirement[]
  fee: Fee
  commitment_allowed: boolean
  legal_basis?: string
}

export interface Category {
  code: string
  name: string
  investment: 'social' | 'government' | string
  low_risk?: boolean
}

export interface FlowStage {
  stage: StageKey | string
  items: { item: string; required: boolean; condition: string | null }[]
}

export interface Flow {
  code: string
  name: string
  category: string
  stages: FlowStage[]
}

export interface Catalogue {
  version: string
  province_code?: string
  city?: string
  departments: Department[]
  items: CatalogueItem[]
  categories: Category[]
  flows: Flow[]
}

// ---------------------------------------------------------------- projects

export type Investment = 'social' | 'government'

export interface Contact {
  name: string
  phone: string
  role: string
}

export interface Works {
  id: string
  name: string
  description: string
  building_area: unknown
}

export interface ProjectDetails {
  code: string
  name: string
  builder: { name: string; credit_code: string }
  investment: Investment
  category: string
  location: { address: string; district: string }
  investment_amount: unknown
  land_area: unknown
  building_area: unknown
  contacts: Contact[]
}

export type RegistrationState =
  | 'draft'
  | 'submitted_to_window'
  | 'correction_requested'
  | 'flow_chosen'
  | 'closed'

export interface Project {
  id: string
  owner: string
  channel: string
  details: ProjectDetails
  works: Works[]
  flow: string | null
  state: RegistrationState
  corrections: string[]
  notice_issued_at: string | null
  closed_reason: string | null
  registered_at: string
  last_event_at: string
  version: number
}

export interface StoredEvent {
  server_seq: number
  received_at: string
  /** The domain event (sealed: actor, time, payload, hashes). */
  event: Record<string, unknown>
}

export interface TrailView {
  entity: string
  events: StoredEvent[]
  broken: string | null
}

export interface ProjectView {
  project: Project
  cases: Case[]
  trail: TrailView
}

export type ContactRole = 'legal_representative' | 'project_lead' | 'liaison' | 'agent'

export interface ContactInput {
  name: string
  phone: string
  role?: ContactRole
}

/** `register_project` (client::ops::RegisterRequest); numbers as typed, parsed by the domain. */
export interface RegisterProjectRequest {
  id?: string
  code: string
  name: string
  builder: string
  credit_code: string
  investment: Investment
  category: string
  address: string
  /** 行政区划代码 (6 digits). */
  district: string
  investment_wan?: string
  land_area?: string
  building_area?: string
  contacts: ContactInput[]
  /** 现场登记 by the window for this organisation. */
  owner?: string
}

/** What became of a user's action (client::ops::ActOutcome). */
export interface ActResult {
  commands: { mutation_id: number; entity: string; action: string }[]
  /** Ids of what the action created (application then cases; a project). */
  created: string[]
  synced: boolean
  /** Why it stays in the outbox (no network), if so. */
  offline: string | null
  sync_error: string | null
  pending: number
  /** The server's refusals of these commands. */
  refused: RefusalEntry[]
}

// ---------------------------------------------------------------- cases

export type CaseState =
  | 'draft'
  | 'submitted'
  | 'received'
  | 'correction_requested'
  | 'in_review'
  | 'paused'
  | 'returned'
  | 'not_accepted'
  | 'withdrawn'
  | 'granted'
  | 'denied'

export type WarningLevel = 'normal' | 'due_soon' | 'overdue' | 'paused'

export interface CorrectionPoint {
  material: string
  reason: string
}

export interface Case {
  id: string
  application: string
  project: string
  works: string
  item: string
  department: string
  applicant: string
  commitment_allowed: boolean
  state: CaseState
  commitment: string
  materials: [string, string][]
  stamped_form: string | null
  created_at: string
  submitted_at: string | null
  received_at: string | null
  accepted_at: string | null
  terms: unknown
  commitment_based: boolean
  corrections: [string, CorrectionPoint[]][]
  sign_offs: Record<string, unknown>[]
  pauses: Record<string, unknown>[]
  procedures: Record<string, unknown>[]
  extensions: Record<string, unknown>[]
  ended_at: string | null
  decision: unknown
  end_reasons: string[]
  last_event_at: string
  version: number
}

/** One span of the clock's explanation (domain ClockReading.explain). */
export interface ClockSpan {
  from: string
  to: string
  kind: string
  counted_minutes: number
  label: string
  name?: string
  procedure?: string
}

export interface ClockReading {
  deadline: string | null
  used_working_days?: number
  remaining_working_days?: number
  level: WarningLevel
  used_minutes: number
  limit_minutes: number
  explain: ClockSpan[]
  [k: string]: unknown
}

/** 期限如何计算: the reading now, or a note why there is none. */
export interface ClockView {
  reading: ClockReading | null
  used_working_days: number | null
  remaining_working_days: number | null
  note: string | null
}

export interface CaseDetail {
  case: Case
  trail: TrailView
  clock: ClockView
  item_name: string
  department_name: string
  project_name: string | null
  /** What this user is expected to do next, as the queue says. */
  next_action: string | null
}

export type CaseAction =
  | { type: 'receive' }
  | { type: 'request_commitment' }
  | { type: 'confirm_commitment' }
  | { type: 'decline_commitment'; reason: string }
  | { type: 'accept'; commitment: boolean }
  | { type: 'request_correction'; points: CorrectionPoint[] }
  | { type: 'refuse'; reasons: string[] }
  | { type: 'sign_off'; level?: string }
  | { type: 'pause'; points: CorrectionPoint[] }
  | { type: 'submit_rectification'; note: string; files?: string[] }
  | { type: 'resume' }
  | { type: 'start_special'; kind: string; timed?: boolean; procedure?: number }
  | { type: 'end_special'; procedure: number; summary: string; result?: string[] }
  | { type: 'extend'; days: number; reason: string; approved_by: string }
  | { type: 'return'; reasons: string[] }
  | { type: 'withdraw'; reason: string }
  | { type: 'attach_material'; material: string; attachment: string }
  | { type: 'submit'; stamped_form: string }
  | {
      type: 'complete_granted'
      certificate_number: string
      certificate_name: string
      valid_until?: string
      file?: string
    }
  | { type: 'complete_denied'; reasons: string[] }

export type CaseActionType = CaseAction['type']

export interface QueueEntry {
  case: string
  project: string
  item: string
  department: string
  state: CaseState
  state_label: string
  next_action: string
  deadline: string | null
  level: WarningLevel | null
  remaining_working_days: number | null
  clock_error: string | null
  pending_local: boolean
}

export interface OverviewLine {
  key: string
  name: string
  cases: number
  in_review: number
  paused: number
  completed: number
  due_soon: number
  overdue: number
}

export interface Overview {
  total: OverviewLine
  by_stage: OverviewLine[]
  by_department: OverviewLine[]
}

// ---------------------------------------------------------------- applications

export interface MaterialRef {
  name: string
  attachment: string
}

/** `apply` (client::ops::ApplyRequest): the cases are submitted when `stamped_form` is given. */
export interface ApplyRequest {
  project: string
  works: string
  items: string[]
  materials: MaterialRef[]
  applicant?: string
  stamped_form?: string
}

// ---------------------------------------------------------------- materials

export interface AttachmentInfo {
  id: string
  name: string | null
  size: number
  mime: string | null
}

export interface LibraryEntry extends AttachmentInfo {
  added_at: string | null
  used_as: string[]
}

export interface AttachmentBytes {
  name: string | null
  mime: string | null
  bytes_base64: string
}

// ---------------------------------------------------------------- documents

export type DocumentKind =
  | 'application_form'
  | 'one_time_notice'
  | 'acceptance_receipt'
  | 'correction_notice'
  | 'refusal_notice'
  | 'return_notice'
  | 'completion_notice'
  | 'certificate'

export interface DocumentPdf {
  title: string
  file_name: string
  verification_code?: string
  pdf_base64: string
}

export interface DraftInfo {
  key: string
  updated_at: string
}
