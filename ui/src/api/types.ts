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
  /** "暂定：缺少 2027 年节假日安排" when a year of the reckoning had no holiday table (counted
   * Monday to Friday); null when the deadline is final. */
  provisional?: string | null
  /** The years counted Monday to Friday for want of a table. */
  provisional_years?: number[]
  [k: string]: unknown
}

/** 期限如何计算: the reading now, or a note why there is none. */
export interface ClockView {
  reading: ClockReading | null
  used_working_days: number | null
  remaining_working_days: number | null
  /** 暂定：缺少 2027 年节假日安排 while the deadline is provisional (also in `reading.provisional`). */
  provisional?: string | null
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
  /** 可办理的操作: every action of the workflow, with the domain's reason where this user may not take it now. */
  available_actions: Availability[]
}

/** The actions of the domain's case workflow (`CaseAction` in crates/domain/src/case.rs). */
export type DomainCaseAction =
  | 'create'
  | 'attach_material'
  | 'detach_material'
  | 'submit'
  | 'receive'
  | 'request_commitment_confirmation'
  | 'confirm_commitment'
  | 'decline_commitment'
  | 'accept'
  | 'request_correction'
  | 'refuse_acceptance'
  | 'sign_off'
  | 'pause'
  | 'submit_rectification'
  | 'resume'
  | 'start_special_procedure'
  | 'end_special_procedure'
  | 'extend'
  | 'return'
  | 'withdraw'
  | 'complete'

/** One action and whether this user may take it now (the domain's `Availability`). */
export interface Availability {
  action: DomainCaseAction
  /** Its Chinese name, e.g. 受理. */
  label: string
  /** null: allowed now; otherwise the sentence the domain would refuse it with. */
  refusal: string | null
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
  /** "暂定：缺少 2027 年节假日安排" when the deadline is provisional; null (or absent) when final. */
  provisional?: string | null
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

// ---------------------------------------------------------------- domain commands (act_command)
// The protocol's DomainCommand: `#[serde(tag = "entity", rename_all = "snake_case")]`, each
// variant with its id field and `command`, itself tagged `command` (snake_case variant names).

/** crates/domain actor::Actor. */
export interface Actor {
  user: string
  name: string
  role: Role
  department: string | null
  organisation: string | null
}

// 好差评 (crates/domain/src/evaluation/mod.rs)
export type RatingLevel =
  | 'very_satisfied'
  | 'satisfied'
  | 'basically_satisfied'
  | 'dissatisfied'
  | 'very_dissatisfied'

export type Dimension =
  | 'efficiency'
  | 'guide_accuracy'
  | 'convenience'
  | 'platform_usability'
  | 'service_efficiency'
  | 'service_level'
  | 'service_attitude'

export interface DimensionScore {
  dimension: Dimension
  level: RatingLevel
}

export type RatingSubject =
  | { subject: 'case'; case: string; item: string; department: string; applicant: string }
  | { subject: 'window_visit'; visit: string; department: string; applicant: string }

export type EvaluationCommand =
  | { command: 'rate'; subject: RatingSubject; level: RatingLevel; dimensions: DimensionScore[]; comment: string }
  | { command: 'start_rectification'; plan: string }
  | { command: 'complete_rectification'; result: string }
  | { command: 'declare_cannot_rectify'; reason: string }
  | { command: 'record_callback'; applicant_satisfied: boolean; note: string }
  | { command: 'appeal'; reason: string }
  | { command: 'decide_appeal'; upheld: boolean; reason: string }

export type RectificationStatus = 'pending' | 'rectifying' | 'done' | 'cannot_rectify' | 'annulled'

export interface Rectification {
  department: string
  limit_working_days: number
  status: RectificationStatus
  opened_at: string
  plan: string | null
  started_at: string | null
  outcome: string | null
  closed_at: string | null
  callback: { at: string; by: Actor; applicant_satisfied: boolean; note: string } | null
}

export interface Appeal {
  reason: string
  at: string
  by: Actor
  decision: { upheld: boolean; reason: string; at: string; by: Actor } | null
}

export interface Evaluation {
  id: string
  subject: RatingSubject
  level: RatingLevel
  dimensions: DimensionScore[]
  comment: string
  rated_at: string
  rater: Actor
  rectification: Rectification | null
  appeal: Appeal | null
  last_event_at: string
  version: number
}

// 建议投诉 (crates/domain/src/evaluation/complaint.rs)
export type ComplaintKind = 'suggestion' | 'complaint'
export type ComplaintState = 'submitted' | 'assigned' | 'answered' | 'dismissed'

export type ComplaintCommand =
  | { command: 'submit'; kind: ComplaintKind; title: string; content: string; project: string | null; department: string | null }
  | { command: 'assign'; department: string; limit_working_days: number }
  | { command: 'answer'; answer: string }
  | { command: 'dismiss'; reason: string }

export interface Complaint {
  id: string
  kind: ComplaintKind
  title: string
  content: string
  project: string | null
  suggested_department: string | null
  submitter: string
  submitted_at: string
  state: ComplaintState
  assignments: { department: string; limit_working_days: number; at: string; by: Actor }[]
  answer: { text: string; at: string; by: Actor } | null
  dismissal: string | null
  last_event_at: string
  version: number
}

// 策划生成 / 联合会商 (crates/domain/src/consultation)
export interface Position {
  lon_e7: number
  lat_e7: number
}

export interface Site {
  datum: 'wgs84' | 'cgcs2000'
  polygon: { rings: Position[][] }
}

export type ConsultationAnswer =
  | { answer: 'consent'; conditions: string[]; required_work: string[] }
  | { answer: 'not_involved' }

export interface Reply {
  kind: { kind: 'answered'; answer: ConsultationAnswer } | { kind: 'deemed_consent' }
  by: Actor
  at: string
  opinion: string | null
  attachments: string[]
}

export interface ZoneFinding {
  zone: string
  name: string
  land_use: string
  area_m2: number
  share_bp: number
}

export type ConsultationState =
  | 'registered'
  | 'placed'
  | 'non_compliant'
  | 'reviewed'
  | 'consulting'
  | 'summarised'
  | 'generated'
  | 'not_generated'
  | 'closed'

export interface Consultation {
  id: string
  channel: string
  leads: { development: string; natural_resources: string }
  name: string
  description: string
  registered_by: string | null
  state: ConsultationState
  materials: [string, string][]
  site: Site | null
  placed_at: string | null
  compliance: {
    findings: ZoneFinding[]
    conclusion: { conclusion: 'compliant' } | { conclusion: 'non_compliant'; problems: string[] }
    by: Actor
    at: string
    opinion: string | null
    attachments: string[]
  } | null
  consultation_started_at: string | null
  deadline_working_days: number | null
  invitations: { department: string; reply: Reply | null }[]
  summary: string | null
  summarised_at: string | null
  outcome: { outcome: 'generated' } | { outcome: 'not_generated'; reasons: string[] } | null
  result_documents: string[]
  concluded_at: string | null
  linked_project: string | null
  closed_reason: string | null
  registered_at: string
  last_event_at: string
  version: number
}

export type ConsultationCommand =
  | { command: 'answer'; department: string; answer: ConsultationAnswer }
  | { command: string; [k: string]: unknown }

export type DomainCommand =
  | { entity: 'evaluation'; evaluation: string; command: EvaluationCommand }
  | { entity: 'complaint'; complaint: string; command: ComplaintCommand }
  | { entity: 'consultation'; consultation: string; command: ConsultationCommand }
  | { entity: 'case'; case: string; command: Record<string, unknown> }
  | { entity: 'project'; project: string; command: Record<string, unknown> }
  | { entity: 'commission'; commission: string; command: CommissionCommand }

export interface CommandRequest {
  command: DomainCommand
  opinion?: string
  attachments?: string[]
}

// ---------------------------------------------------------------- statistics
// The server's JSON is the domain's serialisation (crates/domain/src/statistics).

export type StatisticsReport = 'table1' | 'table2' | 'table3' | 'table4' | 'monthly' | 'quarterly'
export type StatisticsFormat = 'json' | 'xlsx' | 'csv' | 'pdf'

export interface StatisticsRequest {
  report: StatisticsReport
  from?: string
  to?: string
  department?: string
  project?: string
  category?: string
  format: StatisticsFormat
  path?: string
}

export interface StatisticsAnswer<J = unknown> {
  json: J | null
  bytes_base64: string | null
  saved: string | null
}

/** statistics::Cell: `#[serde(tag = "type", content = "value")]`. */
export type Cell =
  | { type: 'empty' }
  | { type: 'text'; value: string }
  | { type: 'int'; value: number }
  | { type: 'date'; value: string }
  | { type: 'date_time'; value: string }
  | { type: 'yes_no'; value: boolean }

export interface TableRows {
  table: 'one' | 'two' | 'three' | 'four'
  scope: string
  rows: Cell[][]
  notes: string[]
}

export interface WorkingTime {
  minutes: number
  minutes_per_day: number
}

export interface Cost {
  fen: number
  market_priced: number
}

export interface Extreme<T> {
  value: T
  project: string
  project_code: string
  project_name: string
}

export type StageGroup = 'project_and_planning' | 'construction' | 'completion'

export interface StageFigures {
  category: string
  category_name: string
  group: StageGroup
  projects: number
  fewest_items: Extreme<number> | null
  most_items: Extreme<number> | null
  shortest_timed: Extreme<WorkingTime> | null
  longest_timed: Extreme<WorkingTime> | null
  shortest_natural: Extreme<number> | null
  longest_natural: Extreme<number> | null
  lowest_cost: Extreme<Cost> | null
  highest_cost: Extreme<Cost> | null
  fewest_materials: Extreme<number> | null
  most_materials: Extreme<number> | null
}

export interface StageTime {
  timed: WorkingTime
  natural_days: number
  items: number
  cases: number
  cost: Cost
  materials: number
  finished_at: string | null
}

export interface ProjectTime {
  project: string
  project_code: string
  project_name: string
  category: string
  stages: [StageGroup, StageTime][]
  whole: StageTime
}

export interface DepartmentOverdue {
  department: string
  name: string
  cases: number
  overdue: number
}

export interface TimeShare {
  code: string
  name: string
  cases: number
  timed: WorkingTime
  permille: number
}

export interface ProcedureTime {
  kind: string
  count: number
  minutes: number
}

export interface RecurringStops {
  item: string
  item_name: string
  department_name: string
  cases: number
  stopped_cases: number
  pauses: number
  corrections: number
}

export type StatSuggestion =
  | ({ kind: 'recurring_stops' } & RecurringStops)
  | ({ kind: 'overdue_department' } & DepartmentOverdue)
  | ({ kind: 'item_hotspot' } & TimeShare)
  | ({ kind: 'department_hotspot' } & TimeShare)

export interface MonthlyReport {
  period: { from: string; to: string }
  as_of: string
  stages: StageFigures[]
  projects: ProjectTime[]
  overdue_by_department: DepartmentOverdue[]
  time_by_item: TimeShare[]
  time_by_department: TimeShare[]
  stopped: { pauses: number; pause_minutes: number; procedures: ProcedureTime[] }
  recurring: RecurringStops[]
  suggestions: StatSuggestion[]
  notes: string[]
}

export interface CaseCounts {
  accepted: number
  completed: number
  ended_otherwise: number
  overdue: number
}

export interface QuarterFigures {
  quarter: { year: number; quarter: number }
  period: { from: string; to: string }
  total: CaseCounts
  categories: { category: string; category_name: string; total: CaseCounts; stages: [StageGroup, CaseCounts][] }[]
  handled: number
  whole_process: {
    projects: number
    average_timed: WorkingTime
    average_natural_hundredths: number
    shortest: Extreme<WorkingTime>
    longest: Extreme<WorkingTime>
  } | null
  overdue_by_department: DepartmentOverdue[]
  procedures: ProcedureTime[]
  cases_with_procedures: number
  pauses: number
  corrections: number
  top_stop_items: RecurringStops[]
}

export interface QuarterlySummary {
  as_of: string
  current: QuarterFigures
  previous: QuarterFigures
  changes: { label: string; unit: 'cases' | 'working_day_hundredths'; current: number | null; previous: number | null }[]
  suggestions: StatSuggestion[]
  notes: string[]
}

// ---------------------------------------------------------------- 中介服务超市

export interface ServiceListing {
  item: string
  name: string
  competent_department: string
  time_limit_working_days: number
  fee_standard: string
  service_standard: string
  materials: string[]
}

export interface Qualification {
  name: string
  level?: string
  certificate: string
  valid_until?: string
  services: string[]
}

export interface Agency {
  credit_code: string
  name: string
  address: string
  contact: { person: string; phone: string }
  qualifications: Qualification[]
}

export interface MarketCatalogue {
  version: string
  services: ServiceListing[]
  agencies: Agency[]
}

// ---------------------------------------------------------------- 中介服务委托 (crates/domain/src/intermediary)
export type CommissionState =
  | 'requested'
  | 'awaiting_acceptance'
  | 'in_service'
  | 'delivered'
  | 'in_revision'
  | 'completed'
  | 'declined'
  | 'cancelled'

/** SelectionRule: `#[serde(rename_all = "snake_case", tag = "rule")]`. */
export type SelectionRule = { rule: 'lowest_price' } | { rule: 'random_draw'; draw: number } | { rule: 'direct'; agency: string }

/** DeliveryOutcome: `tag = "outcome"`. */
export type DeliveryOutcome =
  | { outcome: 'confirmed' }
  | { outcome: 'expert_review_passed'; conclusion: string }
  | { outcome: 'expert_review_failed'; conclusion: string }
  | { outcome: 'revision_requested'; points: string[] }

export interface Quote {
  agency: string
  price_fen: number
  note: string
  at: string
  declined: boolean
}

export interface Delivery {
  report: string
  summary: string
  at: string
  /** A Rust tuple `(DeliveryOutcome, Timestamp)`: a two-element array. */
  outcome: [DeliveryOutcome, string] | null
}

export interface Commission {
  id: string
  mode: 'by_department' | 'direct_choice' | 'competitive'
  payer: 'government' | 'applicant'
  terms: {
    market_version: string
    item: string
    name: string
    competent_department: string
    time_limit_working_days: number
    fee_standard: string
    service_standard: string
  }
  project: string
  applicant: string
  requirements: string | null
  agency: string | null
  price_fen: number | null
  quotes: Quote[]
  selection: SelectionRule | null
  state: CommissionState
  created_at: string
  accepted_at: string | null
  deliveries: Delivery[]
  completed_at: string | null
  shares: { case: string; item: string; by: Actor; at: string }[]
  end_reason: string | null
  last_event_at: string
  version: number
}

/** CommissionCommand: `#[serde(rename_all = "snake_case", tag = "command")]`. */
export type CommissionCommand =
  | { command: 'commission_by_department'; service: string; project: string; applicant: string; agency: string }
  | { command: 'commission_direct'; service: string; project: string; agency: string }
  | { command: 'publish_request'; service: string; project: string; requirements: string }
  | { command: 'submit_quote'; price_fen: number; note: string }
  | { command: 'select'; rule: SelectionRule }
  | { command: 'accept' }
  | { command: 'decline'; reason: string }
  | { command: 'deliver'; report: string; summary: string }
  | { command: 'confirm' }
  | { command: 'record_expert_review'; passed: boolean; conclusion: string }
  | { command: 'request_revision'; points: string[] }
  | { command: 'share_result'; case: string; item: string }
  | { command: 'cancel'; reason: string }

/** 规划分区 (crates/domain/src/consultation/compliance.rs PlanningZone). */
export interface PlanningZone {
  code: string
  name: string
  land_use: string
  datum: 'wgs84' | 'cgcs2000'
  polygons: { rings: Position[][] }[]
}

// ---------------------------------------------------------------- 参考数据 (issue 11)

/** The kinds of reference data the server owns (domain `ReferenceKind`). */
export type ReferenceKind = 'calendar' | 'catalogue' | 'market' | 'zones'

/** One kind's version in force, with who changed it, when, and what changed. */
export interface ReferenceKindInfo {
  kind: ReferenceKind
  /** The name a user reads (工作日历, ...). */
  label?: string
  /** 0: the bootstrap data shipped with the program (never synced). */
  version: number
  sha256?: string | null
  changed_at?: string | null
  /** Who imported it on the server. */
  changed_by?: string | null
  /** What changed against the version before. */
  changes?: string[]
}

/** `reference_show` (client::reference::ReferenceView): the versions this profile decides with,
 * the calendar years covered, the November warning. */
export interface ReferenceShow {
  versions: Partial<Record<ReferenceKind, number>>
  calendar_years: number[]
  catalogue_version?: string
  catalogue_items?: number
  market_version?: string
  /** Number of planning zones. */
  zones?: number
  last_sync_at?: string | null
  /** From 1 November while next year's holiday table is missing. */
  warning: string | null
  /** The protocol's name for the same sentence (ReferenceResponse.calendar_warning). */
  calendar_warning?: string | null
  /** Per kind: who changed it, when, and what changed (when the shell knows it). */
  kinds?: ReferenceKindInfo[]
  /** The protocol's ReferenceDoc list (kind, version, changed_at, changed_by, changes). */
  changed?: ReferenceKindInfo[]
  [k: string]: unknown
}

/** `reference_import` (protocol ReferenceImportRequest + its kind). */
export interface ReferenceImportRequest {
  kind: ReferenceKind
  content: string
  dry_run: boolean
  replace: boolean
}

/** A deadline that moves because the calendar changes (protocol DeadlineMove). */
export interface DeadlineMove {
  case: string
  from: string | null
  to: string | null
  was_provisional: boolean
  now_provisional: boolean
}

/** What an import did or, on a dry run, would do (protocol ReferenceImportReport). */
export interface ReferenceImportReport {
  kind: ReferenceKind
  from_version: number
  to_version: number
  dry_run: boolean
  applied: boolean
  changes: string[]
  deadlines_moved: DeadlineMove[]
  still_used: string[]
  needs_replace: number[]
  notified: number
}

/** `reference_import` answers the report (flattened) and, after an applied import, the
 * profile's reference sync (client::reference::ImportOutcome). */
export type ReferenceImportOutcome = ReferenceImportReport & { synced?: unknown }

/** One 系统通知 as the shell words it (`permitdesk_client::notifications::NotificationView`). */
export interface NotificationView {
  id: number
  /** `case:C-1`, `consultation:K-1`... */
  entity: string
  /** `deadline_moved`, `warning`, `deemed_consent`... */
  kind: string
  message: string
  /** Beijing time, `YYYY-MM-DDTHH:MM`. */
  at: string
  payload: unknown
}

export interface NotificationsAnswer {
  notifications: NotificationView[]
  cursor: number
}
