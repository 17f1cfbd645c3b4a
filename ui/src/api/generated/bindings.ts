// The TypeScript types of the desktop shell's commands and events, generated from the Rust types
// (ts-rs) by src-tauri/src/ts_bindings.rs. Do not edit: change the Rust type, then run
//   UPDATE_BINDINGS=1 cargo test -p permitdesk-desktop --lib ts_bindings
// (without UPDATE_BINDINGS the same test fails while this file is stale).
/* eslint-disable */

/**
 * What the case was accepted under; fixed at 受理 so later catalogue edits do not change it.
 */
export type AcceptanceTerms = { 
/**
 * 目录版本.
 */
catalogue_version: string, 
/**
 * 法定办理时限 (working days; 0 = 即办).
 */
time_limit_working_days: number, 
/**
 * 层级审批: the department's levels in order, e.g. 受理 审核 复核 签批.
 */
review_levels: Array<string>, };

/**
 * What became of a user's action: queued locally, then synced or kept for later.
 */
export type ActOutcome = { commands: Array<Acted>, 
/**
 * Ids of what the action created (cases, projects).
 */
created: Array<string>, synced: boolean, 
/**
 * Why it stays in the outbox (no network), if so.
 */
offline: string | null, sync_error: string | null, pending: number, 
/**
 * The server's refusals of these commands.
 */
refused: Array<RefusalEntry>, };

/**
 * One queued command.
 */
export type Acted = { mutation_id: number, entity: string, action: string, };

/**
 * The person (or the system) behind a command, as recorded on its events.
 */
export type Actor = { user: UserId, 
/**
 * Display name (姓名), recorded for the trail (seed 7.4: 审批人姓名).
 */
name: string, role: Role, 
/**
 * The department a reviewer, utility unit or window belongs to.
 */
department: DepartmentCode | null, 
/**
 * The organisation an applicant or agency acts for.
 */
organisation: OrganisationId | null, 
/**
 * 层级权限: the review levels (e.g. 审核, 复核) the user directory grants this reviewer in
 * its department; a sign-off at any other level is refused. Empty for every other role,
 * and then not written, so events recorded before levels existed hash as they did.
 */
levels?: Array<string>, };

export type AddAttachment = { name: string, bytes_base64: string, };

/**
 * 中介服务机构.
 */
export type Agency = { 
/**
 * 统一社会信用代码; the agency's organisation id is this code.
 */
credit_code: CreditCode, name: string, address: string, contact: AgencyContact, qualifications: Array<Qualification>, };

export type AgencyContact = { person: string, phone: PhoneNumber, };

/**
 * One desktop notice.
 */
export type Alert = { 
/**
 * 新的待办, 待办提醒, 时限提醒, 期限调整, 视为同意, 系统通知.
 */
title: string, body: string, 
/**
 * The case the notice is about, when it is one (the app opens it on a click).
 */
case: string | null, };

export type AppInfo = { version: string, profile_dir: string, };

/**
 * 申诉.
 */
export type Appeal = { reason: string, at: string, by: Actor, decision: AppealDecision | null, };

/**
 * 申诉复核结果.
 */
export type AppealDecision = { upheld: boolean, reason: string, at: string, by: Actor, };

/**
 * 申请编号: one submission of several items for one works.
 */
export type ApplicationId = string;

/**
 * A new application 申报: several items of one works at once, with the materials given once
 * and shared by every item that asks for them.
 */
export type ApplyRequest = { project: ProjectId, works: WorksId, items: Array<ItemCode>, 
/**
 * (material name, attachment) pairs; each is attached to every item that lists it, or to
 * every item when no item of the catalogue names it.
 */
materials?: Array<MaterialGiven>, 
/**
 * The applicant organisation when the window applies on its behalf (代为申报).
 */
applicant?: OrganisationId, 
/**
 * The stamped application form (盖章申请表); the cases are submitted when it is given.
 */
stamped_form?: AttachmentId, };

/**
 * 审批流程: the items of each stage for a project category. The window operator picks one
 * when registering a project, and the one-time notice 一次性告知单 is printed from it.
 */
export type ApprovalFlow = { 
/**
 * 审批流程编码.
 */
code: FlowCode, name: string, category: CategoryCode, 
/**
 * In stage order as written in the file.
 */
stages: Array<FlowStage>, };

/**
 * An area in hundredths of a square metre (面积, 平方米 with 2 decimals).
 */
export type Area = number;

/**
 * 分办记录.
 */
export type Assignment = { department: DepartmentCode, limit_working_days: number, at: string, by: Actor, };

export type AttachmentBytes = { name: string | null, mime: string | null, bytes_base64: string, };

/**
 * 材料: an uploaded file, by the hex SHA-256 of its content (stored once, seed 4.6).
 */
export type AttachmentId = string;

/**
 * A file kept in the profile's encrypted cache (queued for upload).
 */
export type AttachmentInfo = { id: AttachmentId, name: string | null, size: number, mime: string | null, };

/**
 * 可办理的操作: one action of an entity's workflow, and whether a user may take it now.
 */
export type Availability<A> = { action: A, 
/**
 * The action's Chinese name, e.g. 受理.
 */
label: string, 
/**
 * None: allowed now. Otherwise the sentence the domain would refuse it with.
 */
refusal: string | null, };

/**
 * 建设单位.
 */
export type Builder = { name: string, credit_code: CreditCode, };

/**
 * 回访记录.
 */
export type Callback = { at: string, by: Actor, applicant_satisfied: boolean, note: string, };

/**
 * The current state of a case: the fold of its events.
 */
export type Case = { id: CaseId, 
/**
 * 办件编号 (`{year}-{department}-{sequence}`, assigned by the server); None until the
 * server has applied the creation (shown as 待编号).
 */
number: string | null, application: ApplicationId, project: ProjectId, works: WorksId, item: ItemCode, department: DepartmentCode, applicant: OrganisationId, commitment_allowed: boolean, state: CaseState, commitment: CommitmentStatus, 
/**
 * Materials by requirement name (in attach order; a re-attach replaces).
 */
materials: Array<[string, AttachmentId]>, stamped_form: AttachmentId | null, created_at: string, submitted_at: string | null, received_at: string | null, accepted_at: string | null, terms: AcceptanceTerms | null, commitment_based: boolean, corrections: Array<[string, Array<CorrectionPoint>]>, sign_offs: Array<SignOffRecord>, pauses: Array<PauseRecord>, procedures: Array<ProcedureRecord>, extensions: Array<ExtensionRecord>, ended_at: string | null, decision: Decision | null, 
/**
 * Reasons of a refusal, return or withdrawal.
 */
end_reasons: Array<string>, last_event_at: string, 
/**
 * Number of events folded in.
 */
version: number, };

export type CaseActRequest = { case: string, action: CaseAction, opinion?: string, };

/**
 * An action on one case (办件操作), as a user picks it.
 */
export type CaseAction = { "type": "receive" } | { "type": "request_commitment" } | { "type": "confirm_commitment" } | { "type": "decline_commitment", reason: string, } | { "type": "accept", commitment?: boolean, } | { "type": "request_correction", points: Array<CorrectionPoint>, } | { "type": "refuse", reasons: Array<string>, } | { "type": "sign_off", level?: string, } | { "type": "pause", points: Array<CorrectionPoint>, } | { "type": "submit_rectification", note: string, files?: Array<AttachmentId>, } | { "type": "resume" } | { "type": "start_special", kind: string, procedure?: number, } | { "type": "end_special", procedure: number, summary: string, result?: Array<AttachmentId>, } | { "type": "extend", days: number, reason: string, } | { "type": "return", reasons: Array<string>, } | { "type": "withdraw", reason: string, } | { "type": "attach_material", material: string, attachment: AttachmentId, } | { "type": "detach_material", material: string, } | { "type": "submit", stamped_form: AttachmentId, } | { "type": "complete_granted", certificate_name: string, 
/**
 * `YYYY-MM-DD`.
 */
valid_until?: string, file?: AttachmentId, } | { "type": "complete_denied", reasons: Array<string>, };

/**
 * What changed.
 */
export type CaseChange = { "change": "created", application: ApplicationId, project: ProjectId, works: WorksId, item: ItemCode, department: DepartmentCode, applicant: OrganisationId, commitment_allowed: boolean, 
/**
 * 办件编号 assigned by the server; absent from events recorded before numbering and
 * then not written, so they hash as they did.
 */
number?: string, } | { "change": "material_attached", material: string, attachment: AttachmentId, } | { "change": "material_detached", material: string, } | { "change": "submitted", stamped_form: AttachmentId, resubmission: boolean, } | { "change": "received" } | { "change": "commitment_confirmation_requested" } | { "change": "commitment_confirmed" } | { "change": "commitment_declined", reason: string, } | { "change": "accepted", terms: AcceptanceTerms, commitment_based: boolean, } | { "change": "correction_requested", points: Array<CorrectionPoint>, } | { "change": "acceptance_refused", reasons: Array<string>, } | { "change": "signed_off", level: string, } | { "change": "paused", points: Array<CorrectionPoint>, } | { "change": "rectification_submitted", note: string, } | { "change": "resumed" } | { "change": "special_procedure_started", procedure: number, kind: SpecialProcedureKind, timed: boolean, } | { "change": "special_procedure_ended", procedure: number, summary: string, } | { "change": "extended", days: number, reason: string, approved_by: string, } | { "change": "returned", reasons: Array<string>, } | { "change": "withdrawn", reason: string, } | { "change": "completed", decision: Decision, };

/**
 * A user's command on a case.
 */
export type CaseCommand = { "command": "create", application: ApplicationId, project: ProjectId, works: WorksId, item: ItemCode, department: DepartmentCode, applicant: OrganisationId, 
/**
 * Whether the catalogue allows 告知承诺制 for the item.
 */
commitment_allowed: boolean, 
/**
 * 办件编号: the server's to assign when it applies the creation (whatever a client
 * sends is replaced); none in a client's own, offline decision (待编号).
 */
number?: string, } | { "command": "attach_material", material: string, attachment: AttachmentId, } | { "command": "detach_material", material: string, } | { "command": "submit", stamped_form: AttachmentId, } | { "command": "receive" } | { "command": "request_commitment_confirmation" } | { "command": "confirm_commitment" } | { "command": "decline_commitment", reason: string, } | { "command": "accept", terms: AcceptanceTerms, commitment_based: boolean, } | { "command": "request_correction", points: Array<CorrectionPoint>, } | { "command": "refuse_acceptance", reasons: Array<string>, } | { "command": "sign_off", level: string, } | { "command": "pause", points: Array<CorrectionPoint>, } | { "command": "submit_rectification", note: string, } | { "command": "resume" } | { "command": "start_special_procedure", procedure: number, kind: SpecialProcedureKind, } | { "command": "end_special_procedure", procedure: number, summary: string, } | { "command": "extend", days: number, reason: string, } | { "command": "return", reasons: Array<string>, } | { "command": "withdraw", reason: string, } | { "command": "complete", decision: Decision, };

/**
 * Cases of one stage group (or of the whole category) in the quarter.
 */
export type CaseCounts = { 
/**
 * 受理: accepted in the quarter.
 */
accepted: number, 
/**
 * 办结: completed (granted or denied) in the quarter.
 */
completed: number, 
/**
 * 退件/撤回 in the quarter.
 */
ended_otherwise: number, 
/**
 * Overdue among the cases handled in the quarter.
 */
overdue: number, };

/**
 * A case page: the case, its trail and clock, names from the catalogue, and what this user
 * may do.
 */
export type CaseDetail = { case: Case, trail: TrailView, clock: ClockView, item_name: string, department_name: string, project_name: string | null, 
/**
 * What this user can do next, as the queue says.
 */
next_action: string | null, 
/**
 * 可办理的操作: the domain's answer for this user ([`available_actions`]); the case page
 * offers exactly the allowed ones.
 */
available_actions: Array<Availability<DomainCaseAction>>, 
/**
 * The rating form once the case is finished (`RatingSubject::of_case` and its `form`,
 * 一事一评: levels, indicators, evaluation id); None while it is in progress.
 */
rating: RatingForm | null, 
/**
 * 特别程序 a reviewer may start, with the law's answer to whether each is timed (seed 3):
 * the case page shows it, nobody chooses it.
 */
special_procedures: Array<SpecialProcedureOption>, 
/**
 * The materials a 一次性补正告知 or a 暂停整改 ticks: the item's materials in the
 * catalogue's order, then any other material attached to the case.
 */
materials_to_correct: Array<string>, };

/**
 * Why a command was refused. Nothing changes when a command is refused.
 */
export type CaseError = { "reason": "no_such_case" } | { "reason": "already_exists" } | { "reason": "invalid_transition", action: DomainCaseAction, state: CaseState, } | { "reason": "role_not_allowed", action: DomainCaseAction, role: Role, } | { "reason": "other_department", case_department: DepartmentCode, actor_department: string, } | { "reason": "other_applicant" } | { "reason": "commitment_not_allowed" } | { "reason": "commitment_not_confirmed", status: CommitmentStatus, } | { "reason": "commitment_not_requested" } | { "reason": "commitment_already_requested", status: CommitmentStatus, } | { "reason": "wrong_review_level", expected: string, requested: string, } | { "reason": "all_levels_signed" } | { "reason": "level_already_signed", level: string, by: string, 
/**
 * Beijing time to the minute.
 */
at: string, } | { "reason": "level_not_held", level: string, name: string, held: Array<string>, } | { "reason": "same_signer_twice", signed: string, name: string, level: string, } | { "reason": "levels_missing", missing: Array<string>, } | { "reason": "procedure_open", procedure: number, action: DomainCaseAction, } | { "reason": "procedure_exists", procedure: number, } | { "reason": "no_such_procedure", procedure: number, } | { "reason": "no_open_procedure" } | { "reason": "no_such_material", material: string, } | { "reason": "empty", field: string, } | { "reason": "extension_out_of_range", days: number, max: number, } | { "reason": "already_extended", days: number, by: string, at: string, } | { "reason": "extension_not_authorised", level: string, name: string, } | { "reason": "materials_locked" } | { "reason": "no_review_levels" } | { "reason": "time_before_last_event", at: string, last: string, };

/**
 * One recorded change of a case: who, when, what, with opinion and attachments (seed 7.4).
 */
export type CaseEvent = { case: CaseId, at: string, actor: Actor, 
/**
 * 意见: the opinion or remark the actor entered, if any.
 */
opinion: string | null, 
/**
 * Attachments (materials, results) that came with the action.
 */
attachments: Array<AttachmentId>, change: CaseChange, };

/**
 * 办件编号: one item of one application.
 */
export type CaseId = string;

/**
 * 办件状态.
 */
export type CaseState = "draft" | "submitted" | "received" | "correction_requested" | "in_review" | "paused" | "returned" | "not_accepted" | "withdrawn" | "granted" | "denied";

/**
 * 审批事项目录: one version of the catalogue.
 *
 * Treat a loaded catalogue as read-only: lookups use indexes built on load (a lookup still
 * answers correctly if the vectors were changed, only more slowly).
 */
export type Catalogue = { 
/**
 * 目录版本号, e.g. "2026.1". A case records it at acceptance 受理.
 */
version: string, 
/**
 * 省级行政区划代码: "23" = 黑龙江省. Project codes must come from this province.
 */
province_code: string, 
/**
 * 城市, e.g. "哈尔滨市".
 */
city: string, 
/**
 * 审批部门 and 市政公用服务单位.
 */
departments: Array<Department>, 
/**
 * 审批服务事项.
 */
items: Array<CatalogueItem>, 
/**
 * 项目分类.
 */
categories: Array<ProjectCategory>, 
/**
 * 审批流程, one or more per category.
 */
flows: Array<ApprovalFlow>, };

/**
 * 审批服务事项: one entry of the catalogue, as its 办事指南 describes it.
 */
export type CatalogueItem = { 
/**
 * 事项编码.
 */
code: ItemCode, 
/**
 * 事项名称.
 */
name: string, 
/**
 * 办理部门 (for intermediary services: the market that hosts the commission).
 */
department: DepartmentCode, 
/**
 * 主管部门 of an intermediary service or technical review (statistics table 4).
 */
competent_department: DepartmentCode | null, kind: ItemKind, stage: Stage, 
/**
 * 法定/承诺办理时限 in working days; 0 = 即办.
 */
time_limit_working_days: number, 
/**
 * 申请材料.
 */
materials: Array<MaterialRequirement>, 
/**
 * 收费标准.
 */
fee: Fee, 
/**
 * 告知承诺制: the item may be handled on the applicant's written commitment.
 */
commitment_allowed: boolean, 
/**
 * 设定依据.
 */
legal_basis: string | null, 
/**
 * For 市政公用服务 items: which service and which phase.
 */
utility: UtilityService | null, };

/**
 * 项目分类编码: a project category of the catalogue.
 */
export type CategoryCode = string;

/**
 * One project category: its totals and the same per stage group of seed 12 (parallel and
 * planning items count in the category's totals only).
 */
export type CategoryTotals = { category: CategoryCode, category_name: string, total: CaseCounts, 
/**
 * In [`StageGroup::ALL`] order.
 */
stages: Array<[StageGroup, CaseCounts]>, };

/**
 * One cell of a statistics table, typed so that a spreadsheet keeps dates as dates.
 */
export type Cell = { "type": "empty" } | { "type": "text", "value": string } | { "type": "int", "value": number } | { "type": "date", "value": string } | { "type": "date_time", "value": string } | { "type": "yes_no", "value": boolean };

/**
 * 电子证照编号.
 */
export type CertificateNumber = string;

/**
 * 电子证照 record issued at a granted completion.
 */
export type CertificateRecord = { number: CertificateNumber, 
/**
 * 证照名称, e.g. 建筑工程施工许可证.
 */
name: string, issued_on: string, valid_until: string | null, 
/**
 * The certificate file.
 */
file: AttachmentId | null, };

/**
 * 证照状态.
 */
export type CertificateState = "valid" | "revoked" | "superseded";

/**
 * What the server says about a certificate number with its verification code. Nothing
 * personal: the certificate's name, number, issuer, date and status.
 */
export type CertificateStatusAnswer = { 
/**
 * 编号.
 */
number: string, 
/**
 * 证照名称.
 */
name: string, 
/**
 * 发证部门.
 */
issuer: string, 
/**
 * 发证日期 (YYYY-MM-DD).
 */
issued_on: string, status: CertificateState, 
/**
 * 状态 in words: 有效, 已撤销 or 已被替换.
 */
status_label: string, 
/**
 * 撤销原因, when revoked.
 */
revocation_reason?: string, 
/**
 * Whether the code given (`h`) is this certificate's (always true in a 200 answer).
 */
code_matches: boolean, 
/**
 * Whether the signed file has been issued (false for a few seconds after the completion).
 */
file_issued: boolean, 
/**
 * SHA-256 (hex) of the signed file, once issued: a downloaded copy must hash to it.
 */
sha256?: string, 
/**
 * SHA-256 (hex) of the server's seal certificate (DER): the signer a file must carry.
 */
seal_fingerprint: string, };

/**
 * The verdict on a certificate file.
 */
export type CertificateVerdict = { 
/**
 * Signature valid, file intact, signed by the server's seal, and the certificate 有效.
 */
valid: boolean, 
/**
 * One Chinese sentence.
 */
summary: string, 
/**
 * Each check in Chinese (✓/✗ lines).
 */
checks: Array<string>, local: LocalCheck, 
/**
 * What the server said (None when it could not be asked or did not know the number).
 */
status?: CertificateStatusAnswer, };

/**
 * One line of the comparison with the previous quarter.
 */
export type Change = { label: string, unit: ChangeUnit, 
/**
 * None: no figure (no project finished).
 */
current: number | null, previous: number | null, };

export type ChangeUnit = "cases" | "working_day_hundredths";

/**
 * 评价渠道: 网上服务“一事一评” and 现场服务“一次一评” (GB/T 39734-2020).
 */
export type Channel = "online" | "window";

/**
 * Where the legal clock of a case stands (法定时限的阶段): what the 办理期限 line of every
 * screen says, decided here once.
 */
export type ClockPhase = "not_accepted" | "running" | "paused" | "completed" | "terminated";

/**
 * 计时结果: the clock of one case as it stood at as-of.
 */
export type ClockReading = { 
/**
 * 办理期限 in Beijing time (`YYYY-MM-DDTHH:MM`); null while paused.
 */
deadline: string | null, used_working_days: number, remaining_working_days: number, level: WarningLevel, used_minutes: number, limit_minutes: number, explain: Array<ExplainSpan>, 
/**
 * Years counted Monday to Friday for want of a holiday table.
 */
provisional_years: Array<number>, 
/**
 * "暂定：缺少 2027 年节假日安排", or null when final.
 */
provisional: string | null, };

/**
 * How a case's deadline is reckoned (期限如何计算), read now.
 */
export type ClockView = { 
/**
 * Where the clock stands (未受理, 计时中, 暂停, 已办结, 已终止): the domain's answer.
 */
phase: ClockPhase, reading: ClockReading | null, used_working_days: number | null, remaining_working_days: number | null, 
/**
 * 暂定：缺少 2027 年节假日安排 while the deadline is counted Monday to Friday for want of a
 * holiday table (also in `reading.provisional`); None when final.
 */
provisional: string | null, 
/**
 * Why there is no reading (not accepted yet, a date outside any calendar).
 */
note: string | null, };

/**
 * One command as the client queued it in its outbox.
 */
export type CommandEnvelope = { 
/**
 * Per client, ever increasing; the server skips ids it has already processed.
 */
mutation_id: number, command: DomainCommand, 
/**
 * When the user acted, by the client's clock corrected with its measured offset.
 */
acted_at: string, 
/**
 * 意见 entered with the action.
 */
opinion: string | null, attachments: Array<AttachmentId>, 
/**
 * The entity version (number of events) the client saw when the user acted.
 */
base_version: number, };

export type CommandRequest = { command: DomainCommand, opinion?: string, attachments?: Array<AttachmentId>, };

/**
 * A commission: the fold of its events.
 */
export type Commission = { id: CommissionId, mode: CommissionMode, payer: Payer, terms: ServiceTerms, project: ProjectId, applicant: OrganisationId, requirements: string | null, 
/**
 * The agency commissioned (chosen), once there is one.
 */
agency: OrganisationId | null, 
/**
 * 中标价 of a competitive selection.
 */
price_fen: number | null, quotes: Array<Quote>, selection: SelectionRule | null, state: CommissionState, created_at: string, accepted_at: string | null, deliveries: Array<Delivery>, completed_at: string | null, shares: Array<ResultShare>, 
/**
 * Reason of a decline or a cancellation.
 */
end_reason: string | null, last_event_at: string, version: number, };

/**
 * What a command is, for messages and role checks.
 */
export type CommissionAction = "commission_by_department" | "commission_direct" | "publish_request" | "submit_quote" | "select" | "accept" | "decline" | "deliver" | "confirm" | "record_expert_review" | "request_revision" | "share_result" | "cancel";

/**
 * What changed.
 */
export type CommissionChange = { "change": "commissioned", mode: CommissionMode, payer: Payer, terms: ServiceTerms, project: ProjectId, applicant: OrganisationId, 
/**
 * None for a competitive request (chosen later).
 */
agency: OrganisationId | null, requirements: string | null, } | { "change": "quoted", agency: OrganisationId, price_fen: number, note: string, } | { "change": "selected", rule: SelectionRule, agency: OrganisationId, price_fen: number, } | { "change": "accepted" } | { "change": "declined", reason: string, } | { "change": "delivered", report: AttachmentId, summary: string, } | { "change": "confirmed" } | { "change": "expert_reviewed", passed: boolean, conclusion: string, } | { "change": "revision_requested", points: Array<string>, } | { "change": "result_shared", case: CaseId, item: ItemCode, } | { "change": "cancelled", reason: string, };

/**
 * A command on a commission.
 */
export type CommissionCommand = { "command": "commission_by_department", service: ItemCode, project: ProjectId, applicant: OrganisationId, agency: OrganisationId, } | { "command": "commission_direct", service: ItemCode, project: ProjectId, agency: OrganisationId, } | { "command": "publish_request", service: ItemCode, project: ProjectId, 
/**
 * 服务需求 (scope, site, expected delivery).
 */
requirements: string, } | { "command": "submit_quote", price_fen: number, note: string, } | { "command": "select", rule: SelectionRule, } | { "command": "accept" } | { "command": "decline", reason: string, } | { "command": "deliver", report: AttachmentId, summary: string, } | { "command": "confirm" } | { "command": "record_expert_review", passed: boolean, conclusion: string, } | { "command": "request_revision", points: Array<string>, } | { "command": "share_result", case: CaseId, item: ItemCode, } | { "command": "cancel", reason: string, };

/**
 * Why a command was refused. Nothing changes when a command is refused.
 */
export type CommissionError = { "reason": "no_such_commission" } | { "reason": "already_exists" } | { "reason": "invalid_transition", action: CommissionAction, state: CommissionState, } | { "reason": "role_not_allowed", action: CommissionAction, role: Role, } | { "reason": "unknown_service", service: ItemCode, } | { "reason": "agency_not_eligible", agency: OrganisationId, service: ItemCode, } | { "reason": "not_competent_department", action: CommissionAction, competent: DepartmentCode, actor_department: string, } | { "reason": "other_applicant" } | { "reason": "no_organisation", action: CommissionAction, } | { "reason": "not_your_commission" } | { "reason": "already_quoted" } | { "reason": "zero_price" } | { "reason": "no_quotes" } | { "reason": "no_quote_from", agency: OrganisationId, } | { "reason": "government_paid" } | { "reason": "already_shared", case: CaseId, item: ItemCode, } | { "reason": "empty", field: string, } | { "reason": "time_before_last_event", at: string, last: string, };

/**
 * One recorded change of a commission.
 */
export type CommissionEvent = { commission: CommissionId, at: string, actor: Actor, opinion: string | null, attachments: Array<AttachmentId>, change: CommissionChange, };

/**
 * 委托编号.
 */
export type CommissionId = string;

/**
 * How the agency was found.
 */
export type CommissionMode = "by_department" | "direct_choice" | "competitive";

/**
 * 委托状态.
 */
export type CommissionState = "requested" | "awaiting_acceptance" | "in_service" | "delivered" | "in_revision" | "completed" | "declined" | "cancelled";

/**
 * 中介服务委托 as the user sees it: the fold plus its service clock read at a moment (the same
 * rules as a case's legal clock: working days, holidays, the provisional mark).
 */
export type CommissionView = { 
/**
 * 服务期限 (Beijing time, `YYYY-MM-DDTHH:MM`), once the agency has accepted and while no
 * report waits for the applicant.
 */
deadline: string | null, warning: WarningLevel | null, 
/**
 * 暂定：缺少 2027 年节假日安排 while the deadline is counted Monday to Friday.
 */
provisional: string | null, 
/**
 * Why the service clock cannot be read at all, if so.
 */
clock_error: string | null, 
/**
 * 可办理的操作: the domain's answer for the logged-in user, with the market's answer on
 * qualification (`Commission::available_actions_in_market`); empty when nobody is logged in.
 */
available_actions: Array<Availability<CommissionAction>>, id: CommissionId, mode: CommissionMode, payer: Payer, terms: ServiceTerms, project: ProjectId, applicant: OrganisationId, requirements: string | null, 
/**
 * The agency commissioned (chosen), once there is one.
 */
agency: OrganisationId | null, 
/**
 * 中标价 of a competitive selection.
 */
price_fen: number | null, quotes: Array<Quote>, selection: SelectionRule | null, state: CommissionState, created_at: string, accepted_at: string | null, deliveries: Array<Delivery>, completed_at: string | null, shares: Array<ResultShare>, 
/**
 * Reason of a decline or a cancellation.
 */
end_reason: string | null, last_event_at: string, version: number, };

/**
 * 告知承诺制 status of a case.
 */
export type CommitmentStatus = "not_requested" | "requested" | "confirmed" | "declined";

/**
 * A suggestion or complaint: the fold of its events.
 */
export type Complaint = { id: ComplaintId, kind: ComplaintKind, title: string, content: string, project: ProjectId | null, suggested_department: DepartmentCode | null, submitter: OrganisationId, submitted_at: string, state: ComplaintState, 
/**
 * Every assignment in order; the last is the current one.
 */
assignments: Array<Assignment>, answer: ComplaintAnswer | null, dismissal: string | null, last_event_at: string, version: number, };

export type ComplaintAction = "submit" | "assign" | "answer" | "dismiss";

/**
 * 答复.
 */
export type ComplaintAnswer = { text: string, at: string, by: Actor, };

export type ComplaintChange = { "change": "submitted", kind: ComplaintKind, title: string, content: string, project: ProjectId | null, department: DepartmentCode | null, submitter: OrganisationId, } | { "change": "assigned", department: DepartmentCode, limit_working_days: number, } | { "change": "answered", answer: string, } | { "change": "dismissed", reason: string, };

/**
 * What is asked of a suggestion or complaint.
 */
export type ComplaintCommand = { "command": "submit", kind: ComplaintKind, title: string, content: string, 
/**
 * The project it is about, if any.
 */
project: ProjectId | null, 
/**
 * The department the submitter thinks is responsible, if any.
 */
department: DepartmentCode | null, } | { "command": "assign", department: DepartmentCode, limit_working_days: number, } | { "command": "answer", answer: string, } | { "command": "dismiss", reason: string, };

/**
 * Why a complaint command was refused, or a read not allowed.
 */
export type ComplaintError = { "reason": "no_such_complaint" } | { "reason": "already_exists" } | { "reason": "role_not_allowed", action: ComplaintAction, role: Role, } | { "reason": "applicant_without_organisation" } | { "reason": "invalid_transition", action: ComplaintAction, state: ComplaintState, } | { "reason": "not_assigned_to_you", assigned: DepartmentCode, actor_department: string, } | { "reason": "empty", field: string, } | { "reason": "limit_out_of_range", days: number, max: number, } | { "reason": "time_before_last_event", at: string, last: string, } | { "reason": "not_visible" };

export type ComplaintEvent = { complaint: ComplaintId, at: string, actor: Actor, change: ComplaintChange, };

/**
 * 建议投诉编号.
 */
export type ComplaintId = string;

/**
 * 建议 or 投诉.
 */
export type ComplaintKind = "suggestion" | "complaint";

/**
 * 办理状态.
 */
export type ComplaintState = "submitted" | "assigned" | "answered" | "dismissed";

/**
 * A 建议投诉 with what this user may do with it now (分办, 答复, 不予受理).
 */
export type ComplaintView = { 
/**
 * 可办理的操作: the domain's answer (`Complaint::available_actions`).
 */
available_actions: Array<Availability<ComplaintAction>>, id: ComplaintId, kind: ComplaintKind, title: string, content: string, project: ProjectId | null, suggested_department: DepartmentCode | null, submitter: OrganisationId, submitted_at: string, state: ComplaintState, 
/**
 * Every assignment in order; the last is the current one.
 */
assignments: Array<Assignment>, answer: ComplaintAnswer | null, dismissal: string | null, last_event_at: string, version: number, };

/**
 * 合规性审查结论.
 */
export type ComplianceConclusion = { "conclusion": "compliant" } | { "conclusion": "non_compliant", problems: Array<string>, };

/**
 * The recorded compliance review.
 */
export type ComplianceRecord = { findings: Array<ZoneFinding>, conclusion: ComplianceConclusion, by: Actor, at: string, opinion: string | null, 
/**
 * 合规性审查意见 and map extracts.
 */
attachments: Array<AttachmentId>, };

/**
 * A planning record: the fold of its events.
 */
export type Consultation = { id: ConsultationId, channel: PlanningChannel, leads: PlanningLeads, name: string, description: string, 
/**
 * The department that registered it.
 */
registered_by: DepartmentCode | null, state: ConsultationState, 
/**
 * Materials by name (a re-attach replaces).
 */
materials: Array<[string, AttachmentId]>, site: Site | null, placed_at: string | null, 
/**
 * The review of the current site (cleared when the site is placed again).
 */
compliance: ComplianceRecord | null, consultation_started_at: string | null, deadline_working_days: number | null, invitations: Array<Invitation>, summary: string | null, summarised_at: string | null, outcome: PlanningOutcome | null, 
/**
 * 策划生成成果 documents that came with the conclusion.
 */
result_documents: Array<AttachmentId>, concluded_at: string | null, linked_project: ProjectId | null, closed_reason: string | null, registered_at: string, last_event_at: string, 
/**
 * Number of events folded in.
 */
version: number, };

/**
 * What a command is, for messages and role checks.
 */
export type ConsultationAction = "register" | "attach_material" | "detach_material" | "place_site" | "record_compliance" | "start_consultation" | "answer" | "deem_consent" | "summarise" | "conclude" | "link_project" | "close";

/**
 * A department's answer in the joint consultation (seed 5.5).
 */
export type ConsultationAnswer = { "answer": "consent", conditions: Array<string>, required_work: Array<ItemCode>, } | { "answer": "not_involved" };

/**
 * What changed.
 */
export type ConsultationChange = { "change": "registered", channel: PlanningChannel, leads: PlanningLeads, name: string, description: string, } | { "change": "material_attached", material: string, attachment: AttachmentId, } | { "change": "material_detached", material: string, } | { "change": "site_placed", site: Site, } | { "change": "compliance_recorded", findings: Array<ZoneFinding>, conclusion: ComplianceConclusion, } | { "change": "consultation_started", departments: Array<DepartmentCode>, deadline_working_days: number, } | { "change": "answered", department: DepartmentCode, answer: ConsultationAnswer, } | { "change": "consent_deemed", department: DepartmentCode, } | { "change": "summarised", summary: string, } | { "change": "concluded", outcome: PlanningOutcome, } | { "change": "project_linked", project: ProjectId, } | { "change": "closed", reason: string, };

/**
 * A command on a planning record.
 */
export type ConsultationCommand = { "command": "register", channel: PlanningChannel, leads: PlanningLeads, 
/**
 * 项目名称.
 */
name: string, 
/**
 * 建设内容、规模、投资估算.
 */
description: string, } | { "command": "attach_material", material: string, attachment: AttachmentId, } | { "command": "detach_material", material: string, } | { "command": "place_site", site: Site, } | { "command": "record_compliance", findings: Array<ZoneFinding>, conclusion: ComplianceConclusion, } | { "command": "start_consultation", departments: Array<DepartmentCode>, deadline_working_days: number, } | { "command": "answer", department: DepartmentCode, answer: ConsultationAnswer, } | { "command": "deem_consent", department: DepartmentCode, } | { "command": "summarise", summary: string, } | { "command": "conclude", outcome: PlanningOutcome, } | { "command": "link_project", project: ProjectId, } | { "command": "close", reason: string, };

/**
 * Why a command was refused. Nothing changes when a command is refused.
 */
export type ConsultationError = { "reason": "not_registered" } | { "reason": "already_registered" } | { "reason": "invalid_transition", action: ConsultationAction, state: ConsultationState, } | { "reason": "role_not_allowed", action: ConsultationAction, role: Role, } | { "reason": "not_lead_department", action: ConsultationAction, expected: DepartmentCode, actor_department: string, } | { "reason": "other_department", department: DepartmentCode, actor_department: string, } | { "reason": "not_invited", department: DepartmentCode, } | { "reason": "already_answered", department: DepartmentCode, } | { "reason": "answer_after_deadline", deadline: string, } | { "reason": "not_at_deadline", deadline: string, at: string, } | { "reason": "deadline_unknown", message: string, } | { "reason": "replies_missing", departments: Array<DepartmentCode>, } | { "reason": "no_departments" } | { "reason": "duplicate_department", department: DepartmentCode, } | { "reason": "deadline_out_of_range", days: number, max: number, } | { "reason": "site" } & SiteError | { "reason": "no_such_material", material: string, } | { "reason": "materials_locked" } | { "reason": "already_linked", project: ProjectId, } | { "reason": "empty", field: string, } | { "reason": "time_before_last_event", at: string, last: string, };

/**
 * One recorded change of a planning record: who, when, what, with opinion and attachments.
 */
export type ConsultationEvent = { consultation: ConsultationId, at: string, actor: Actor, opinion: string | null, attachments: Array<AttachmentId>, change: ConsultationChange, };

/**
 * 策划生成项目编号: the id of a planning record (made outside the domain, like every id).
 */
export type ConsultationId = string;

/**
 * 策划生成状态.
 */
export type ConsultationState = "registered" | "placed" | "non_compliant" | "reviewed" | "consulting" | "summarised" | "generated" | "not_generated" | "closed";

/**
 * A 策划生成 record with what the logged-in user may do with it now.
 */
export type ConsultationView = { 
/**
 * 可办理的操作: the domain's answer (`Consultation::available_actions`); the lead's panel
 * offers exactly the allowed ones.
 */
available_actions: Array<Availability<ConsultationAction>>, id: ConsultationId, channel: PlanningChannel, leads: PlanningLeads, name: string, description: string, 
/**
 * The department that registered it.
 */
registered_by: DepartmentCode | null, state: ConsultationState, 
/**
 * Materials by name (a re-attach replaces).
 */
materials: Array<[string, AttachmentId]>, site: Site | null, placed_at: string | null, 
/**
 * The review of the current site (cleared when the site is placed again).
 */
compliance: ComplianceRecord | null, consultation_started_at: string | null, deadline_working_days: number | null, invitations: Array<Invitation>, summary: string | null, summarised_at: string | null, outcome: PlanningOutcome | null, 
/**
 * 策划生成成果 documents that came with the conclusion.
 */
result_documents: Array<AttachmentId>, concluded_at: string | null, linked_project: ProjectId | null, closed_reason: string | null, registered_at: string, last_event_at: string, 
/**
 * Number of events folded in.
 */
version: number, };

/**
 * 联系人.
 */
export type Contact = { name: string, phone: PhoneNumber, role: ContactRole, };

/**
 * One contact person on a registration.
 */
export type ContactInput = { name: string, phone: string, 
/**
 * `legal_representative`, `project_lead`, `liaison` (default) or `agent`.
 */
role?: string, };

/**
 * What a contact person is to the project.
 */
export type ContactRole = "legal_representative" | "project_lead" | "liaison" | "agent";

/**
 * One point of a one-time correction notice (补正告知): which material, what is wrong.
 */
export type CorrectionPoint = { material: string, reason: string, };

/**
 * 费用成本: what the catalogue's fee standard says an item costs. Standard fees are counted
 * at the rate the catalogue states (the catalogue does not know the quantity, e.g. the m² of
 * a basement); market-priced intermediary services (市场调节价) have no figure and are counted.
 */
export type Cost = { 
/**
 * 分.
 */
fen: number, 
/**
 * Items priced by the market, not included in `fen`.
 */
market_priced: number, };

/**
 * 统一社会信用代码 (GB 32100-2015): 登记管理部门 (1), 机构类别 (1), 登记管理机关行政区划码 (6),
 * 主体标识码/组织机构代码 (9, with its own GB 11714 check), 校验码 (1).
 *
 * Lower-case input is accepted and stored upper-case, since people copy codes from documents
 * in either case and the standard's alphabet has no case distinction.
 */
export type CreditCode = string;

/**
 * 坐标系. Both are geocentric and agree to a few centimetres in Harbin, below the precision
 * of a red line, so no transformation is applied between them; the datum is recorded so a
 * reader knows what the surveyor delivered.
 */
export type Datum = "wgs84" | "cgcs2000";

/**
 * A deadline that moves because the calendar changes.
 */
export type DeadlineMove = { 
/**
 * 办件编号.
 */
case: string, 
/**
 * Beijing time, `YYYY-MM-DD HH:MM`; None while the case is paused.
 */
from: string | null, to: string | null, 
/**
 * The old deadline was provisional (its year had no table).
 */
was_provisional: boolean, now_provisional: boolean, };

/**
 * The result of a completed case.
 */
export type Decision = { "decision": "granted", certificate: CertificateRecord, } | { "decision": "denied", reasons: Array<string>, };

/**
 * 成果报告 as delivered, and what became of it.
 */
export type Delivery = { report: AttachmentId, summary: string, at: string, outcome: [DeliveryOutcome, string] | null, };

/**
 * How a delivered report was received.
 */
export type DeliveryOutcome = { "outcome": "confirmed" } | { "outcome": "expert_review_passed", conclusion: string, } | { "outcome": "expert_review_failed", conclusion: string, } | { "outcome": "revision_requested", points: Array<string>, };

/**
 * 审批部门 / 市政公用服务单位 / 中介服务超市: whoever handles items.
 */
export type Department = { 
/**
 * 部门编码.
 */
code: DepartmentCode, 
/**
 * Full name, e.g. "哈尔滨市自然资源和规划局".
 */
name: string, 
/**
 * 简称 as applicants say it, e.g. "市资规局"; the stage leads of seed 12 are named this way.
 */
short_name: string | null, kind: DepartmentKind, 
/**
 * 审批层级, in sign-off order (seed 7.4: 受理、审核、复核、签批, configured per department).
 * Never empty.
 */
review_levels: Array<string>, };

/**
 * 部门编码: a department of the catalogue.
 */
export type DepartmentCode = string;

/**
 * 部门类型.
 */
export type DepartmentKind = "government" | "utility_unit" | "intermediary_market";

/**
 * Overdue cases of a department among the cases handled in the period.
 */
export type DepartmentOverdue = { department: DepartmentCode, name: string, cases: number, overdue: number, };

/**
 * Which of the desk's lists: 待办, 已办 or 全部.
 */
export type DeskList = "todo" | "done" | "all";

/**
 * 评价指标: the national second-level indicators (线上: 办事效率, 办事指南精确度, 办事便捷度,
 * 平台操作性; 线下: 服务效率, 服务水平, 服务态度), each rated on the five levels.
 */
export type Dimension = "efficiency" | "guide_accuracy" | "convenience" | "platform_usability" | "service_efficiency" | "service_level" | "service_attitude";

/**
 * One indicator's level.
 */
export type DimensionScore = { dimension: Dimension, level: RatingLevel, };

/**
 * A prefecture-level city with the county-level divisions the hall serves under it, in the
 * file's order: what the registration form offers.
 */
export type DistrictGroup = { code: RegionCode, 
/**
 * e.g. `哈尔滨市`.
 */
name: string, 
/**
 * The divisions a project may be located in.
 */
districts: Array<ServedDivision>, };

/**
 * 行政区划: the divisions the hall serves, grouped under their city, as the registration
 * form offers them (`permitdesk reference show districts`, the shell's `districts`).
 */
export type DistrictsView = { 
/**
 * The reference version (0: the shipped list).
 */
version: number, 
/**
 * The list's own version string.
 */
districts_version: string, groups: Array<DistrictGroup>, changed_at: string | null, changed_by: string | null, };

/**
 * The three levels of GB/T 2260.
 */
export type DivisionLevel = "province" | "prefecture" | "county";

export type DocumentAnswer = { title: string, file_name: string, verification_code: string, pdf_base64: string, };

export type DocumentRequest = { kind: string, id: string, path?: string, };

/**
 * What a command is, for messages and for role checks.
 */
export type DomainCaseAction = "create" | "attach_material" | "detach_material" | "submit" | "receive" | "request_commitment_confirmation" | "confirm_commitment" | "decline_commitment" | "accept" | "request_correction" | "refuse_acceptance" | "sign_off" | "pause" | "submit_rectification" | "resume" | "start_special_procedure" | "end_special_procedure" | "extend" | "return" | "withdraw" | "complete";

/**
 * A command on one entity of the domain.
 */
export type DomainCommand = { "entity": "case", case: CaseId, command: CaseCommand, } | { "entity": "project", project: ProjectId, command: ProjectCommand, } | { "entity": "consultation", consultation: ConsultationId, command: ConsultationCommand, } | { "entity": "evaluation", evaluation: EvaluationId, command: EvaluationCommand, } | { "entity": "complaint", complaint: ComplaintId, command: ComplaintCommand, } | { "entity": "commission", commission: CommissionId, command: CommissionCommand, };

/**
 * An event of one entity, as sealed in its hash chain.
 */
export type DomainEvent = { "entity": "case", "sealed": Sealed<CaseEvent> } | { "entity": "project", "sealed": Sealed<ProjectEvent> } | { "entity": "consultation", "sealed": Sealed<ConsultationEvent> } | { "entity": "evaluation", "sealed": Sealed<EvaluationEvent> } | { "entity": "complaint", "sealed": Sealed<ComplaintEvent> } | { "entity": "commission", "sealed": Sealed<CommissionEvent> };

/**
 * The kind of a command, as named in refusals.
 */
export type DomainProjectAction = "register_online" | "register_on_site" | "edit" | "submit" | "request_correction" | "choose_flow" | "add_works" | "close";

/**
 * One saved draft.
 */
export type DraftEntry = { key: string, updated_at: string, };

export type DraftRequest = { key: string, data?: JsonValue, };

/**
 * 修改项目登记信息: the project and its whole registration form again.
 */
export type EditProjectRequest = { project: string, details: RegisterRequest, };

/**
 * The values of [`UiError::code`], for the UI's TypeScript (`ErrorCode`).
 */
export type ErrorCode = "offline" | "refused" | "invalid" | "not_logged_in" | "not_found" | "io" | "credentials" | "pinning" | "server" | "internal";

/**
 * A rating and what followed it: the fold of its events.
 */
export type Evaluation = { id: EvaluationId, subject: RatingSubject, level: RatingLevel, dimensions: Array<DimensionScore>, comment: string, rated_at: string, rater: Actor, 
/**
 * Opened by a bad rating.
 */
rectification: Rectification | null, appeal: Appeal | null, last_event_at: string, version: number, };

/**
 * The kind of an evaluation command, for messages and role checks.
 */
export type EvaluationAction = "rate" | "start_rectification" | "complete_rectification" | "declare_cannot_rectify" | "record_callback" | "appeal" | "decide_appeal";

/**
 * What changed.
 */
export type EvaluationChange = { "change": "rated", subject: RatingSubject, level: RatingLevel, dimensions: Array<DimensionScore>, comment: string, } | { "change": "rectification_opened", department: DepartmentCode, limit_working_days: number, } | { "change": "rectification_started", plan: string, } | { "change": "rectification_completed", result: string, } | { "change": "rectification_impossible", reason: string, } | { "change": "called_back", applicant_satisfied: boolean, note: string, } | { "change": "appealed", reason: string, } | { "change": "appeal_decided", upheld: boolean, reason: string, };

/**
 * What is asked of an evaluation.
 */
export type EvaluationCommand = { "command": "rate", subject: RatingSubject, level: RatingLevel, dimensions: Array<DimensionScore>, comment: string, } | { "command": "start_rectification", plan: string, } | { "command": "complete_rectification", result: string, } | { "command": "declare_cannot_rectify", reason: string, } | { "command": "record_callback", applicant_satisfied: boolean, note: string, } | { "command": "appeal", reason: string, } | { "command": "decide_appeal", upheld: boolean, reason: string, };

/**
 * Why an evaluation command was refused. Nothing changes when a command is refused.
 */
export type EvaluationError = { "reason": "no_such_evaluation" } | { "reason": "already_rated" } | { "reason": "subject_mismatch", id: EvaluationId, expected: EvaluationId, } | { "reason": "case_not_finished", state: CaseState, } | { "reason": "role_not_allowed", action: EvaluationAction, role: Role, } | { "reason": "other_applicant" } | { "reason": "other_department", rated: DepartmentCode, actor_department: string, } | { "reason": "not_bad" } | { "reason": "wrong_status", action: EvaluationAction, status: RectificationStatus, } | { "reason": "appeal_pending", action: EvaluationAction, } | { "reason": "already_appealed" } | { "reason": "no_pending_appeal" } | { "reason": "already_called_back" } | { "reason": "empty", field: string, } | { "reason": "dimension_not_for_channel", dimension: Dimension, channel: Channel, } | { "reason": "duplicate_dimension", dimension: Dimension, } | { "reason": "bad_rating_without_reason" } | { "reason": "time_before_last_event", at: string, last: string, };

/**
 * One recorded change of an evaluation.
 */
export type EvaluationEvent = { evaluation: EvaluationId, at: string, actor: Actor, change: EvaluationChange, };

/**
 * 评价编号, derived from what is rated so that each case and each visit has one rating.
 */
export type EvaluationId = string;

/**
 * A 好差评 record with what this user may do with it now (整改, 回访, 申诉, 复核).
 */
export type EvaluationView = { 
/**
 * 可办理的操作: the domain's answer (`Evaluation::available_actions`); the 差评整改
 * screen offers exactly the allowed ones.
 */
available_actions: Array<Availability<EvaluationAction>>, id: EvaluationId, subject: RatingSubject, level: RatingLevel, dimensions: Array<DimensionScore>, comment: string, rated_at: string, rater: Actor, 
/**
 * Opened by a bad rating.
 */
rectification: Rectification | null, appeal: Appeal | null, last_event_at: string, version: number, };

/**
 * One action that came back because it was older than the offline limit.
 */
export type ExpiredAction = { 
/**
 * The refused command (what `reconfirm` takes to choose it).
 */
mutation_id: number, 
/**
 * What was done, as the user names it (受理, 层级审批签署, 提交综合窗口 ...).
 */
action: string, 
/**
 * What it was done to, as the user knows it (办件 C-… with its item and project, a
 * project by its name and 项目代码).
 */
target: string, 
/**
 * When the user did it, Beijing time to the minute (`YYYY-MM-DDTHH:MM`).
 */
acted_at: string, 
/**
 * When the server refused it, Beijing time to the minute.
 */
refused_at: string, 
/**
 * The 意见 typed with it.
 */
opinion: string | null, 
/**
 * The server's reason.
 */
message: string, 
/**
 * Refused for another reason because an earlier action on the same object had come back
 * too old: it goes back together with that one.
 */
follows_expired: boolean, 
/**
 * Why the domain would refuse it now, against the current local state and after the
 * earlier ones of this list (None: it can be confirmed again).
 */
local_refusal: string | null, };

/**
 * One line of the explanation: `[from, to)` and the minutes it counted.
 */
export type ExplainSpan = { from: string, to: string, kind: SpanKindCode, name?: string, procedure?: SpecialProcedureKind, counted_minutes: number, label: string, };

/**
 * An approved extension (延期).
 */
export type ExtensionRecord = { days: number, reason: string, approved_by: string, at: string, };

/**
 * A figure and the project it comes from (ties: the smallest project code).
 */
export type Extreme<T> = { value: T, project: ProjectId, 
/**
 * 项目代码.
 */
project_code: string, project_name: string, };

/**
 * 收费标准.
 */
export type Fee = { "type": "free" } | { "type": "standard", amount_fen: number, standard: string, } | { "type": "market", standard: string, };

/**
 * 审批流程编码: an approval flow of the catalogue.
 */
export type FlowCode = string;

/**
 * 流程事项: an item in a flow, required (必办) or conditional (情形办理).
 */
export type FlowItem = { item: ItemCode, required: boolean, 
/**
 * When a conditional item applies, e.g. "涉及占用城市道路的". Set exactly when not required.
 */
condition: string | null, };

/**
 * 流程阶段: the items of one stage of a flow.
 */
export type FlowStage = { stage: Stage, items: Array<FlowItem>, };

export type IdRequest = { id: string, };

/**
 * What an import did, and the profile's reference data brought up to date after it.
 */
export type ImportOutcome = { 
/**
 * The reference sync after an applied import (None on a dry run, or when nothing changed).
 */
synced: SyncReport | null, kind: ReferenceKind, 
/**
 * The version before; the version after (equal when nothing changed or on a dry run).
 */
from_version: number, to_version: number, dry_run: boolean, 
/**
 * False on a dry run, or when the file holds exactly what is stored.
 */
applied: boolean, 
/**
 * What changes, one line each.
 */
changes: Array<string>, 
/**
 * Open cases whose deadline moves (calendar).
 */
deadlines_moved: Array<DeadlineMove>, 
/**
 * Items or flows the new catalogue drops that open cases still use: those cases keep the
 * catalogue version they were accepted under; only new cases use the new one.
 */
still_used: Array<string>, 
/**
 * Stored years the file changes (calendar): refused without `replace`.
 */
needs_replace: Array<number>, 
/**
 * Notifications recorded for the people whose deadlines moved.
 */
notified: number, };

/**
 * An import as the reform office asks for it (the file's text, not its path: the desktop app
 * reads the file the user picked).
 */
export type ImportRequest = { 
/**
 * `calendar`, `catalogue`, `market`, `zones` or `districts`.
 */
kind: string, content: string, dry_run: boolean, replace: boolean, };

/**
 * What one page of a pull changed.
 */
export type IngestReport = { 
/**
 * New events verified and stored.
 */
events: number, 
/**
 * Events already stored (a repeated page), skipped.
 */
duplicates: number, removed: number, 
/**
 * Entities whose state changed.
 */
touched: number, };

/**
 * 投资类型.
 */
export type Investment = "government" | "social";

/**
 * 投资类型.
 */
export type InvestmentType = "government" | "social";

/**
 * 征求意见: one invited department and its reply, if any.
 */
export type Invitation = { department: DepartmentCode, reply: Reply | null, };

/**
 * 事项编码: an item of the catalogue.
 */
export type ItemCode = string;

/**
 * 事项类型 (seed 3).
 */
export type ItemKind = "administrative_approval" | "filing" | "technical_review" | "intermediary_service" | "municipal_utility";

export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]: JsonValue } | null;

/**
 * 材料库: one file this profile has, with the material names it was given as.
 */
export type LibraryEntry = { id: AttachmentId, name: string | null, size: number, mime: string | null, added_at: string | null, used_as: Array<string>, };

/**
 * What the file itself shows, without asking anyone.
 */
export type LocalCheck = { 
/**
 * A PAdES (or PKCS#7) signature is present.
 */
signed: boolean, 
/**
 * The signature is cryptographically valid over the bytes it covers.
 */
signature_valid: boolean, 
/**
 * Nothing was changed or added after the signature (it covers the whole file).
 */
intact: boolean, 
/**
 * SHA-256 (hex) of the signer's certificate.
 */
signer_fingerprint?: string, 
/**
 * The certificate number and verification code, from the signature's verification address.
 */
number?: string, code?: string, 
/**
 * SHA-256 (hex) of the file.
 */
sha256: string, };

/**
 * 建设地点.
 */
export type Location = { 
/**
 * 详细地址
 */
address: string, 
/**
 * 所在行政区划: a Heilongjiang division (checked by its type) that the hall serves (checked
 * by [`Project::decide`] against the 行政区划 reference data in force).
 */
district: RegionCode, };

/**
 * The answer to a successful login.
 */
export type LoginOutcome = { user: UserInfo, expires_at: string, clock_offset_ms: number, };

export type LoginRequest = { server: string, fingerprint: string, user: string, password: string, remember?: boolean, };

/**
 * 中介服务超市目录: one version of the public catalogue.
 */
export type MarketCatalogue = { version: string, services: Array<ServiceListing>, agencies: Array<Agency>, };

/**
 * 材料形式.
 */
export type MaterialForm = "original" | "copy" | "original_and_copy";

export type MaterialGiven = { name: string, attachment: AttachmentId, };

/**
 * 申请材料 as the 办事指南 lists it.
 */
export type MaterialRequirement = { 
/**
 * 材料名称.
 */
name: string, necessity: Necessity, 
/**
 * 材料形式: 原件 / 复印件.
 */
form: MaterialForm, 
/**
 * 份数.
 */
copies: number, 
/**
 * 载体: 电子 / 纸质.
 */
medium: Medium, 
/**
 * 样表/模板 (name or address of the blank form).
 */
template: string | null, 
/**
 * Under 告知承诺制 the applicant may give a written commitment instead (承诺后补).
 */
commitment_waivable: boolean, };

/**
 * 材料载体.
 */
export type Medium = "electronic" | "paper" | "both";

/**
 * An amount of money in fen (分, 0.01 yuan). Investment is usually quoted in 万元.
 */
export type Money = number;

/**
 * 月度统计报告.
 */
export type MonthlyReport = { period: Period, as_of: string, 
/**
 * Five categories × three stage groups, in catalogue order.
 */
stages: Array<StageFigures>, 
/**
 * Projects with a case handled in the period, by project code.
 */
projects: Array<ProjectTime>, 
/**
 * Departments with cases handled in the period, most overdue first.
 */
overdue_by_department: Array<DepartmentOverdue>, 
/**
 * Where the time went, largest share first.
 */
time_by_item: Array<TimeShare>, time_by_department: Array<TimeShare>, stopped: StoppedTime, recurring: Array<RecurringStops>, suggestions: Array<Suggestion>, 
/**
 * Cases left out, and why.
 */
notes: Array<string>, };

export type MutationRef = { mutation_id: number, };

/**
 * 必要性: 必要 or 情形要件.
 */
export type Necessity = { "type": "required" } | { "type": "conditional", condition: string, };

/**
 * One notice as a user reads it.
 */
export type NotificationView = { id: number, 
/**
 * `case:C-1`, `consultation:K-1`...
 */
entity: string, 
/**
 * `deadline_moved`, `warning`, `deemed_consent`...
 */
kind: string, 
/**
 * The sentence shown, e.g. 办件 C-1：办理期限由 2027-01-01T17:00（暂定） 调整为 2027-01-04T17:00（节假日安排更新）.
 */
message: string, 
/**
 * Beijing time, `YYYY-MM-DDTHH:MM`.
 */
at: string, payload: JsonValue, };

export type NotificationsAnswer = { notifications: Array<NotificationView>, cursor: number, };

export type NotificationsRequest = { after?: number, };

/**
 * 单位: an organisation (builder, agency, utility unit), usually keyed by its credit code.
 */
export type OrganisationId = string;

/**
 * One row of the outbox.
 */
export type OutboxEntry = { envelope: CommandEnvelope, entity: string, status: OutboxStatus, 
/**
 * Why the current local state would refuse it (after a rebase); the server decides.
 */
local_conflict: string | null, queued_at: string, };

/**
 * Where a queued command stands.
 */
export type OutboxStatus = "pending" | "applied" | "processed";

export type Overview = { total: OverviewLine, by_stage: Array<OverviewLine>, by_department: Array<OverviewLine>, };

/**
 * One line of the reform office's overview.
 */
export type OverviewLine = { key: string, name: string, cases: number, in_review: number, paused: number, completed: number, due_soon: number, overdue: number, };

/**
 * One page of a previewed PDF, a PNG image.
 */
export type PageImageAnswer = { width: number, height: number, png_base64: string, };

/**
 * Which paper.
 */
export type PaperKind = "application_form" | "one_time_notice" | "acceptance_receipt" | "correction_notice" | "refusal_notice" | "return_notice" | "completion_notice" | "certificate";

export type PathRequest = { path: string, };

/**
 * A pause (暂停整改) span.
 */
export type PauseRecord = { from: string, to: string | null, points: Array<CorrectionPoint>, };

/**
 * Who pays, hence who commissions (seed 9.2).
 */
export type Payer = "government" | "applicant";

export type PdfPagesRequest = { pdf_base64: string, };

/**
 * 统计期间: whole days in Beijing time, both ends included.
 */
export type Period = { from: string, to: string, };

/**
 * 电话号码: a mobile number (`13812345678`) or a landline with its area code
 * (`0451-12345678`, optionally `0451-12345678-801` with an extension).
 *
 * Accepted input: spaces, hyphens and parentheses as separators, a `+86`/`0086` prefix, and
 * an extension after `转`, `ext`, `#` or a third hyphen group.
 */
export type PhoneNumber = string;

/**
 * Where the project was registered for planning (seed 5.2).
 */
export type PlanningChannel = "reserve_library" | "implementation_library" | "multi_plan_platform";

/**
 * The two lead departments of stage 0 (seed 5.1), by code.
 */
export type PlanningLeads = { 
/**
 * 市发改委: registers into the reserve and implementation libraries.
 */
development: DepartmentCode, 
/**
 * 市资规局: registers on the 多规合一 platform, places, reviews, consults, concludes.
 */
natural_resources: DepartmentCode, };

/**
 * 策划生成结果.
 */
export type PlanningOutcome = { "outcome": "generated" } | { "outcome": "not_generated", reasons: Array<string>, };

/**
 * 规划分区: one zone of the planning data (控规地块, 生态保护红线, 永久基本农田 ...).
 */
export type PlanningZone = { 
/**
 * 分区编码 / 地块编码.
 */
code: string, name: string, 
/**
 * 用地性质 / 管控类型, e.g. "R2 二类居住用地", "生态保护红线".
 */
land_use: string, datum: Datum, 
/**
 * One or more polygons (a GeoJSON MultiPolygon).
 */
polygons: Array<Polygon>, };

/**
 * A polygon as GeoJSON has it: the exterior ring first, then holes (内环, e.g. land left out
 * of the site). Each ring is closed: its last position repeats the first.
 */
export type Polygon = { rings: Array<Array<Position>>, };

/**
 * One position: longitude and latitude in 1e-7 degree.
 */
export type Position = { lon_e7: number, lat_e7: number, };

/**
 * A special procedure on the case (特别程序), open or closed.
 */
export type ProcedureRecord = { procedure: number, kind: SpecialProcedureKind, timed: boolean, started_at: string, ended_at: string | null, summary: string | null, 
/**
 * 成果材料.
 */
results: Array<AttachmentId>, };

/**
 * Time the clock did not run, or ran inside special procedures.
 */
export type ProcedureTime = { kind: SpecialProcedureKind, count: number, 
/**
 * Wall-clock minutes, cut at the end or at as-of.
 */
minutes: number, };

/**
 * 工程建设项目, as the projection of its events.
 */
export type Project = { id: ProjectId, 
/**
 * The organisation whose applicants may edit and submit it.
 */
owner: OrganisationId, channel: RegistrationChannel, details: ProjectDetails, works: Array<Works>, 
/**
 * 审批流程, once the window chose it.
 */
flow: FlowCode | null, state: RegistrationState, 
/**
 * The problems of the open correction request (empty when none is open).
 */
corrections: Array<string>, 
/**
 * When the one-time notice 一次性告知单 was issued.
 */
notice_issued_at: string | null, closed_reason: string | null, registered_at: string, last_event_at: string, 
/**
 * Number of events applied; the next event's sequence number within this project.
 */
version: number, };

/**
 * The request of every project action (the command says which); unused fields are ignored.
 */
export type ProjectAction = { project: string, flow?: string, problems?: Array<string>, reason?: string, works_id?: string, name?: string, description?: string, area?: string, opinion?: string, };

/**
 * 项目分类 (seed 12 lists five; the sixth is 社会投资小型低风险项目).
 */
export type ProjectCategory = { 
/**
 * 项目分类编码.
 */
code: CategoryCode, name: string, investment: Investment, 
/**
 * 小型低风险: simplified flow, merged stages.
 */
low_risk: boolean, };

/**
 * 项目代码 (GB/T 40058-2021), `YYYY-AAAAAA-II-TT-RRRRRC`: year assigned, region, the
 * central guiding department, project type, five random characters and a check character.
 *
 * The check algorithm is not public, so the check character is not verified; everything
 * else is, and the region must be a division of Heilongjiang in force in the year assigned.
 */
export type ProjectCode = string;

/**
 * What someone asks to do with a project.
 */
export type ProjectCommand = { "type": "register_online", id: ProjectId, details: ProjectDetails, } | { "type": "register_on_site", id: ProjectId, owner: OrganisationId, details: ProjectDetails, } | { "type": "edit", details: ProjectDetails, } | { "type": "submit" } | { "type": "request_correction", problems: Array<string>, } | { "type": "choose_flow", flow: FlowCode, category: CategoryCode, } | { "type": "add_works", works: Works, } | { "type": "close", reason: string, };

/**
 * 工程建设项目登记表: what the applicant (or the window) fills in.
 */
export type ProjectDetails = { 
/**
 * 项目代码 from the provincial investment platform.
 */
code: ProjectCode, 
/**
 * 项目名称
 */
name: string, builder: Builder, investment: InvestmentType, 
/**
 * 项目分类 of the catalogue (e.g. 社会投资厂房项目).
 */
category: CategoryCode, location: Location, 
/**
 * 总投资
 */
investment_amount: Money, 
/**
 * 用地面积
 */
land_area: Area, 
/**
 * 总建筑面积
 */
building_area: Area, contacts: Array<Contact>, };

/**
 * What happened to a project. Each event records who did it, in which role, and when.
 */
export type ProjectEvent = { "type": "registered", id: ProjectId, owner: OrganisationId, channel: RegistrationChannel, details: ProjectDetails, actor: Actor, at: string, } | { "type": "edited", details: ProjectDetails, actor: Actor, at: string, } | { "type": "submitted", actor: Actor, at: string, } | { "type": "correction_requested", problems: Array<string>, actor: Actor, at: string, } | { "type": "flow_chosen", flow: FlowCode, category: CategoryCode, actor: Actor, at: string, } | { "type": "one_time_notice_issued", flow: FlowCode, actor: Actor, at: string, } | { "type": "works_added", works: Works, actor: Actor, at: string, } | { "type": "closed", reason: string, actor: Actor, at: string, };

/**
 * PermitDesk's internal project id (the 项目代码 is a separate, validated code).
 */
export type ProjectId = string;

/**
 * 全流程用时 of a project: per stage group and for the whole process (every accepted case of
 * the project, parallel items included, counted once where they overlap).
 */
export type ProjectTime = { project: ProjectId, project_code: string, project_name: string, category: CategoryCode, stages: Array<[StageGroup, StageTime]>, whole: StageTime, };

/**
 * A project with its cases and its trail.
 */
export type ProjectView = { project: Project, cases: Array<Case>, trail: TrailView, 
/**
 * 可办理的操作: the domain's answer for the logged-in user (`Project::available_actions`);
 * the project page offers exactly the allowed ones.
 */
available_actions: Array<Availability<DomainProjectAction>>, };

/**
 * 资质: what it entitles the agency to take on, and until when.
 */
export type Qualification = { name: string, level?: string | null, 
/**
 * 证书编号.
 */
certificate: string, 
/**
 * None: no expiry (长期有效).
 */
valid_until?: string | null, services: Array<ItemCode>, };

/**
 * 季度: a calendar quarter.
 */
export type Quarter = { year: number, 
/**
 * 1 to 4.
 */
quarter: number, };

/**
 * The figures of one quarter.
 */
export type QuarterFigures = { quarter: Quarter, period: Period, 
/**
 * All categories together.
 */
total: CaseCounts, 
/**
 * Catalogue order.
 */
categories: Array<CategoryTotals>, 
/**
 * Cases handled in the quarter (accepted by its end, not ended before its start).
 */
handled: number, 
/**
 * None when no project finished in the quarter.
 */
whole_process: WholeProcessTimes | null, 
/**
 * Departments with overdue cases, most overdue first.
 */
overdue_by_department: Array<DepartmentOverdue>, 
/**
 * 特别程序 by kind among the handled cases, and how many cases had any.
 */
procedures: Array<ProcedureTime>, cases_with_procedures: number, 
/**
 * 暂停整改 and 一次性补正告知 among the handled cases.
 */
pauses: number, corrections: number, 
/**
 * The items most often paused or corrected (at most [`TOP_STOP_ITEMS`]): most stops
 * first, then most stopped cases, then item code.
 */
top_stop_items: Array<RecurringStops>, };

/**
 * 季度全流程在线审批情况报告.
 */
export type QuarterlySummary = { as_of: string, current: QuarterFigures, previous: QuarterFigures, 
/**
 * Accepted, completed, overdue, average whole-process time: this quarter against the last.
 */
changes: Array<Change>, 
/**
 * The quarter's optimisation suggestions (the monthly report's rules over the quarter).
 */
suggestions: Array<Suggestion>, 
/**
 * Cases left out, and why.
 */
notes: Array<string>, };

/**
 * One line of a work queue.
 */
export type QueueEntry = { case: CaseId, 
/**
 * 办件编号 as people read it: the server's number, or 待编号 before the server has it.
 */
number: string, project: ProjectId, 
/**
 * 项目名称 (empty while the project is not in the local store).
 */
project_name: string, 
/**
 * 申请人: the builder (建设单位) of the project.
 */
applicant_name: string, item: string, department: string, state: CaseState, state_label: string, 
/**
 * 收件时间 (Beijing time, `YYYY-MM-DDTHH:MM`): when the window received the case, or
 * else when it was submitted; None for a draft.
 */
received_at: string | null, 
/**
 * What this user is expected to do next; None when the case waits for nobody at this desk
 * (the 已办 and 全部 lists).
 */
next_action: string | null, 
/**
 * 办理期限 (Beijing time, `YYYY-MM-DDTHH:MM`); None before acceptance or while paused.
 */
deadline: string | null, level: WarningLevel | null, 
/**
 * Working days used and left (the legal clock's, to hundredths; negative once overdue).
 */
used_working_days: number | null, remaining_working_days: number | null, 
/**
 * 暂定：缺少 2027 年节假日安排 when the deadline falls in a year without a holiday table
 * (counted Monday to Friday until the table arrives); None when final.
 */
provisional: string | null, 
/**
 * Why the clock could not be read at all (a date outside any calendar), if so.
 */
clock_error: string | null, 
/**
 * Commands of this user on the case not yet synced.
 */
pending_local: boolean, };

/**
 * Which desk list `queue` answers (待办 when absent).
 */
export type QueueRequest = { list?: DeskList, };

/**
 * 报价.
 */
export type Quote = { agency: OrganisationId, 
/**
 * 报价, in fen.
 */
price_fen: number, note: string, at: string, 
/**
 * The agency was selected and then declined the commission.
 */
declined: boolean, };

/**
 * One level of the rating form and whether choosing it makes the rating a 差评 (which then
 * needs a reason: a bad indicator or a comment).
 */
export type RatingChoice = { level: RatingLevel, bad: boolean, };

/**
 * 评价表: what a rating of one subject offers ([`RatingSubject::form`]).
 */
export type RatingForm = { subject: RatingSubject, evaluation: EvaluationId, channel: Channel, 
/**
 * Best first.
 */
levels: Array<RatingChoice>, 
/**
 * The channel's second-level indicators, in the national order.
 */
dimensions: Array<Dimension>, };

/**
 * 评价等级 (国办发〔2019〕51号; GB/T 39734-2020 7.3): five levels, the last two are 差评.
 */
export type RatingLevel = "very_satisfied" | "satisfied" | "basically_satisfied" | "dissatisfied" | "very_dissatisfied";

/**
 * 评价对象: a case (online) or a window visit, with the department that answers for it.
 */
export type RatingSubject = { "subject": "case", case: CaseId, item: ItemCode, department: DepartmentCode, applicant: OrganisationId, } | { "subject": "window_visit", visit: VisitId, 
/**
 * The service hall (综合窗口) department whose window served the visit.
 */
department: DepartmentCode, applicant: OrganisationId, };

/**
 * What confirming again did: queued (then synced, as any action), or still refused by the
 * domain (those stay in the list, with the reason).
 */
export type ReconfirmOutcome = { reconfirmed: Array<Reconfirmed>, still_refused: Array<ExpiredAction>, 
/**
 * The queued commands and the sync that followed, as for any action.
 */
outcome: ActOutcome, };

export type ReconfirmRequest = { 
/**
 * The ones the user ticked (mutation ids); absent: all of the list.
 */
mutation_ids?: Array<number> | null, };

/**
 * One action confirmed again.
 */
export type Reconfirmed = { 
/**
 * The refused command it replaces.
 */
mutation_id: number, 
/**
 * The command queued in its place, at the current time.
 */
new_mutation_id: number, action: string, target: string, };

/**
 * 差评整改.
 */
export type Rectification = { department: DepartmentCode, limit_working_days: number, status: RectificationStatus, opened_at: string, plan: string | null, started_at: string | null, 
/**
 * The result, or why it cannot be rectified.
 */
outcome: string | null, 
/**
 * When it was done, declared impossible or annulled.
 */
closed_at: string | null, callback: Callback | null, };

/**
 * 整改状态: pending -> rectifying -> done | cannot_rectify; an upheld appeal annuls it.
 */
export type RectificationStatus = "pending" | "rectifying" | "done" | "cannot_rectify" | "annulled";

/**
 * An item whose cases keep being paused (暂停整改) or sent back (一次性补正告知).
 */
export type RecurringStops = { item: ItemCode, item_name: string, department_name: string, cases: number, 
/**
 * Cases with at least one pause or correction.
 */
stopped_cases: number, pauses: number, corrections: number, };

/**
 * One kind of reference data.
 */
export type ReferenceKind = "calendar" | "catalogue" | "market" | "zones" | "districts";

/**
 * The reference data a profile holds.
 */
export type ReferenceView = { 
/**
 * The version of each kind (0: the shipped data, never synced).
 */
versions: { [key in ReferenceKind]?: number }, 
/**
 * Each kind with who changed it on the server and when.
 */
kinds: Array<StoredReference>, 
/**
 * The years the holiday calendar covers.
 */
calendar_years: Array<number>, 
/**
 * The catalogue's own version string and its number of items.
 */
catalogue_version: string, catalogue_items: number, market_version: string, zones: number, 
/**
 * The 行政区划 list's own version string and the number of divisions a project may be
 * located in.
 */
districts_version: string, districts: number, 
/**
 * From 1 November while next year's holiday table is missing (or this year's is).
 */
warning: string | null, last_sync_at: string | null, };

/**
 * Why the server refused a command: the domain's own reason, or an access or time rule.
 */
export type Refusal = { "kind": "case", error: CaseError, message: string, } | { "kind": "project", message: string, } | { "kind": "consultation", error: ConsultationError, message: string, } | { "kind": "evaluation", error: EvaluationError, message: string, } | { "kind": "complaint", error: ComplaintError, message: string, } | { "kind": "commission", error: CommissionError, message: string, } | { "kind": "forbidden", message: string, } | { "kind": "time", message: string, } | { "kind": "expired", message: string, } | { "kind": "invalid", message: string, };

/**
 * A command the server refused, kept until the user dismisses it.
 */
export type RefusalEntry = { mutation_id: number, entity: string, 
/**
 * The command with everything the user typed (opinion, reasons, attachments).
 */
envelope: CommandEnvelope, refusal: Refusal, message: string, refused_at: string, };

/**
 * 行政区划代码: a known division of Heilongjiang, e.g. a project's district.
 */
export type RegionCode = string;

/**
 * 项目登记: online by the applicant, or on site by the window for `owner` (现场登记).
 */
export type RegisterRequest = { id?: string, 
/**
 * 项目代码.
 */
code: string, name: string, 
/**
 * 建设单位.
 */
builder: string, 
/**
 * 统一社会信用代码.
 */
credit_code: string, 
/**
 * `social` (社会投资) or `government` (政府投资).
 */
investment: string, 
/**
 * 项目分类, e.g. SH-CC.
 */
category: string, address: string, 
/**
 * 行政区划代码 (6 digits).
 */
district: string, 
/**
 * 总投资（万元）.
 */
investment_wan?: string, 
/**
 * 用地面积（平方米）.
 */
land_area?: string, 
/**
 * 建筑面积（平方米）.
 */
building_area?: string, contacts?: Array<ContactInput>, owner?: string, };

/**
 * How the project came to the window.
 */
export type RegistrationChannel = "online" | "on_site";

/**
 * 登记状态.
 */
export type RegistrationState = "draft" | "submitted_to_window" | "correction_requested" | "flow_chosen" | "closed";

export type RemoveProfileRequest = { 
/**
 * Throw away the commands not yet synced (the user was told how many).
 */
discard_unsent: boolean, };

/**
 * What removing a profile did.
 */
export type Removed = { 
/**
 * The profile directory (its PermitDesk files are gone; the directory too when empty).
 */
dir: string, 
/**
 * Commands never synced that were thrown away with it.
 */
discarded: number, };

/**
 * One department's reply, as recorded.
 */
export type Reply = { kind: ReplyKind, by: Actor, at: string, opinion: string | null, attachments: Array<AttachmentId>, };

/**
 * How an invited department's reply came about.
 */
export type ReplyKind = { "kind": "answered", answer: ConsultationAnswer, } | { "kind": "deemed_consent" };

/**
 * 成果应用: an approval case that uses the result.
 */
export type ResultShare = { case: CaseId, item: ItemCode, by: Actor, at: string, };

/**
 * 角色: what a user may do.
 */
export type Role = "applicant" | "window_operator" | "department_reviewer" | "utility_unit" | "intermediary_agency" | "reform_office" | "system";

export type Saved = { path: string, };

/**
 * One event of an entity's trail, with its place in the chain.
 */
export type Sealed<E> = { 
/**
 * The entity the event belongs to (e.g. a case id).
 */
entity: string, 
/**
 * 1-based position in the entity's trail.
 */
seq: number, prev_hash: string, hash: string, event: E, };

/**
 * One of the four tables of seed 11.
 */
export type SeedTable = "one" | "two" | "three" | "four";

/**
 * 选取规则 of a competitive selection.
 */
export type SelectionRule = { "rule": "lowest_price" } | { "rule": "random_draw", draw: number, } | { "rule": "direct", agency: OrganisationId, };

/**
 * One division of the list.
 */
export type ServedDivision = { 
/**
 * 6-digit GB/T 2260 code, e.g. `230102`.
 */
code: RegionCode, 
/**
 * The name in GB/T 2260, e.g. `道里区`.
 */
name: string, level: DivisionLevel, };

/**
 * One intermediary service or technical review offered in the market.
 */
export type ServiceListing = { 
/**
 * 事项编码, as in the approval catalogue.
 */
item: ItemCode, name: string, 
/**
 * 主管部门: commissions when the government pays, organises expert reviews.
 */
competent_department: DepartmentCode, 
/**
 * 服务时限, working days from the agency's acceptance.
 */
time_limit_working_days: number, 
/**
 * 收费标准.
 */
fee_standard: string, 
/**
 * 服务标准.
 */
service_standard: string, 
/**
 * 所需材料.
 */
materials: Array<string>, };

/**
 * The service's terms fixed at commissioning, so later market edits do not change them.
 */
export type ServiceTerms = { market_version: string, item: ItemCode, name: string, competent_department: DepartmentCode, time_limit_working_days: number, fee_standard: string, service_standard: string, };

export type SessionInfo = { logged_in: boolean, user: UserInfo | null, server_url: string | null, fingerprint: string | null, remembered_user: string | null, };

/**
 * A level sign-off (层级审批留痕, seed 7.4): the level, who signed it (`by.user` the signer's id,
 * `by.name` the 审批人姓名), when, and the content (意见).
 */
export type SignOffRecord = { level: string, by: Actor, at: string, opinion: string | null, };

/**
 * 项目红线: the site of a project placed on the map (地图落位).
 */
export type Site = { datum: Datum, polygon: Polygon, };

/**
 * Why a site or a zone polygon was refused. Rings and positions count from 1, as a user reads
 * them in a coordinate table.
 */
export type SiteError = { "reason": "no_ring" } | { "reason": "too_few_positions", ring: number, count: number, } | { "reason": "too_many_positions", ring: number, count: number, max: number, } | { "reason": "not_closed", ring: number, } | { "reason": "outside_heilongjiang", ring: number, position: number, lon: string, lat: string, } | { "reason": "repeated_position", ring: number, position: number, } | { "reason": "zero_area", ring: number, } | { "reason": "self_intersection", ring: number, first: number, second: number, } | { "reason": "hole_outside", ring: number, } | { "reason": "not_a_coordinate", value: string, } | { "reason": "geo_json", message: string, };

/**
 * The codes of [`SpanKind`] as the JSON says them (`SpanKind::code`).
 */
export type SpanKindCode = "counted" | "adjusted_workday" | "acceptance_day" | "weekend" | "holiday" | "pause" | "untimed_procedure" | "after_end";

/**
 * 特别程序种类.
 */
export type SpecialProcedureKind = "public_notice" | "announcement" | "site_survey" | "higher_authority_approval" | "expert_review" | "consultation" | "meeting_review" | "hearing" | "inspection" | "monitoring" | "professional_review" | "site_verification" | "investigation" | "acceptance_review";

/**
 * One kind of 特别程序 as the start dialog lists it.
 */
export type SpecialProcedureOption = { kind: SpecialProcedureKind, 
/**
 * 公示, 听证, …
 */
label: string, 
/**
 * 计时 (counts against the legal limit) or 不计时.
 */
timed: boolean, };

/**
 * 审批阶段. Numbers 0-4 and 5 (并行推进) follow the national SPGL tables.
 */
export type Stage = "planning" | "project_approval" | "engineering_permit" | "construction_permit" | "completion_acceptance" | "parallel";

/**
 * One line of the seed-12 report: a project category and a stage group.
 */
export type StageFigures = { category: CategoryCode, category_name: string, group: StageGroup, 
/**
 * Projects that finished this stage group in the period.
 */
projects: number, fewest_items: Extreme<number> | null, most_items: Extreme<number> | null, shortest_timed: Extreme<WorkingTime> | null, longest_timed: Extreme<WorkingTime> | null, shortest_natural: Extreme<number> | null, longest_natural: Extreme<number> | null, lowest_cost: Extreme<Cost> | null, highest_cost: Extreme<Cost> | null, fewest_materials: Extreme<number> | null, most_materials: Extreme<number> | null, };

/**
 * The stage groups of seed 12: 12.1 covers stages 1 and 2 (lead 市资规局), 12.2 stage 3 and
 * 12.3 stage 4 (lead 市住建局).
 */
export type StageGroup = "project_and_planning" | "construction" | "completion";

/**
 * The figures of a set of cases taken together (one stage of a project, or all of it).
 *
 * Time is the critical path: the union of the cases' spans, so cases handled in parallel
 * count once and cases handled one after another add up. Summing the cases would count
 * parallel work twice; taking the longest case would drop sequential work. Gaps in which no
 * case of the set was in review (the applicant preparing the next application) are the
 * applicant's time and are not counted.
 */
export type StageTime = { 
/**
 * 计时用时: office minutes in which at least one of the cases had its clock running.
 */
timed: WorkingTime, 
/**
 * 自然日: calendar days covered by the union of [acceptance, end) of the cases.
 */
natural_days: number, 
/**
 * 环节事项: distinct items (a re-application after a return is the same item).
 */
items: number, cases: number, 
/**
 * 费用成本: the fee of each distinct item, once.
 */
cost: Cost, 
/**
 * 申请材料: distinct files the applicant provided; a file given once and reused by
 * several cases counts once (seed 4.6).
 */
materials: number, 
/**
 * The last end, when every case has ended.
 */
finished_at: string | null, };

export type StatisticsAnswer = { 
/**
 * The tables as JSON (format `json`).
 */
json: JsonValue | null, 
/**
 * The file's bytes (other formats), and where it was saved if a path was given.
 */
bytes_base64: string | null, saved: string | null, };

/**
 * The answer's format.
 */
export type StatisticsFormat = "json" | "xlsx" | "csv" | "pdf";

/**
 * Which statistics (seed 11 tables, seed 12 monthly report, seed 13 quarterly summary).
 */
export type StatisticsReport = "table1" | "table2" | "table3" | "table4" | "monthly" | "quarterly";

export type StatisticsRequest = { 
/**
 * Where to save xlsx/csv/pdf (a file or a directory); JSON is answered, not saved.
 */
path?: string, report: StatisticsReport, from?: string | null, to?: string | null, department?: string | null, project?: string | null, category?: string | null, format: StatisticsFormat, 
/**
 * 分页 (tables as JSON only): the first row answered, 0-based (default 0).
 */
offset?: number, 
/**
 * 分页 (tables as JSON only): at most this many rows, 1 to [`MAX_PAGE_ROWS`] (default:
 * every row). The answer's `total` and `first` say where the page lies.
 */
limit?: number, };

export type StatusView = { online: boolean, syncing: boolean, offline_mode: boolean, 
/**
 * The server no longer accepts the login: log in again (the queue is kept).
 */
login_expired: boolean, 
/**
 * What the last sync said (offline, login expired ...), if anything.
 */
sync_message: string | null, server_url: string | null, user: UserInfo | null, pending: number, outbox: Array<OutboxEntry>, refusals: Array<RefusalEntry>, uploads: Array<UploadEntry>, cursor: number, last_mutation_acked: number, clock_offset_ms: number, last_contact_at: string | null, last_sync_at: string | null, events: number, 
/**
 * The version of each kind of reference data this profile decides with (0: shipped).
 */
reference: { [key in ReferenceKind]?: number }, 
/**
 * From 1 November while next year's holiday table is missing (or whenever this year's is).
 */
calendar_warning: string | null, };

export type StoppedTime = { pauses: number, 
/**
 * Wall-clock minutes paused.
 */
pause_minutes: number, 
/**
 * By kind, in the kinds' order.
 */
procedures: Array<ProcedureTime>, };

/**
 * One event of a trail as stored locally.
 */
export type StoredEvent = { server_seq: number, received_at: string, event: DomainEvent, };

/**
 * What the store holds of one kind of reference data (without its text).
 */
export type StoredReference = { kind: ReferenceKind, 
/**
 * The name a user reads (工作日历, 审批事项目录, ...).
 */
label: string, 
/**
 * 0: the bootstrap data shipped with the program (never synced).
 */
version: number, sha256: string | null, changed_at: string | null, 
/**
 * Who imported it on the server.
 */
changed_by: string | null, 
/**
 * What changed against the version before (as the server described it).
 */
changes: Array<string>, };

/**
 * 优化建议: something the reform office can act on.
 */
export type Suggestion = { "kind": "recurring_stops" } & RecurringStops | { "kind": "overdue_department" } & DepartmentOverdue | { "kind": "item_hotspot" } & TimeShare | { "kind": "department_hotspot" } & TimeShare;

export type SyncProgress = { 
/**
 * `upload`, `push` or `pull`.
 */
phase: "upload" | "push" | "pull", done: number, total: number, };

/**
 * What one sync did.
 */
export type SyncReport = { uploads_completed: number, uploads_failed: number, pushed: number, applied: number, refused: number, duplicates: number, pulled: IngestReport, pull_pages: number, 
/**
 * Commands still waiting after the sync.
 */
pending: number, 
/**
 * Everything was pushed and pulled.
 */
complete: boolean, 
/**
 * Set when the server could not be reached part way: what was done is kept.
 */
offline: string | null, 
/**
 * Kinds of reference data a newer version of which was received and put in force.
 */
reference_updated: Array<ReferenceKind>, 
/**
 * Reference data the server sent that did not verify or parse (not used; one sentence each).
 */
reference_errors: Array<string>, 
/**
 * Queued commands rebuilt with new reference data (e.g. acceptance terms from a new
 * catalogue).
 */
redecided: number, 
/**
 * Pushes the server refused as decided with older reference data (then pushed again).
 */
stale_reference: number, };

/**
 * What the status bar shows; sent as the `sync-state` event.
 */
export type SyncState = { online: boolean, syncing: boolean, 
/**
 * The user chose to work offline (离线工作): no automatic sync.
 */
offline_mode: boolean, pending: number, refusals: number, last_sync_at: string | null, message: string | null, 
/**
 * The server no longer accepts the login (token expired): no automatic sync until the
 * user logs in again; what is queued stays queued.
 */
login_expired: boolean, };

/**
 * A table's rows, in the seed's column order, and the notes printed under it.
 */
export type TableRows = { table: SeedTable, 
/**
 * 统计范围 as a reader sees it, e.g. "统计期间：2024-10-01 至 2024-10-31　部门：全部　…".
 */
scope: string, rows: Array<Array<Cell>>, notes: Array<string>, 
/**
 * 总行数: the rows of the whole table; `rows` is the page from row `first` (0-based) on
 * (the whole table unless a page was asked for, [`Statistics::table_page`]).
 */
total: number, first: number, };

/**
 * A share of the counted time of the period's cases.
 */
export type TimeShare = { 
/**
 * Item or department code.
 */
code: string, name: string, cases: number, timed: WorkingTime, 
/**
 * ‰ of all counted time, rounded.
 */
permille: number, };

export type TrailRequest = { 
/**
 * `case`, `project` or `consultation`.
 */
entity: string, id: string, };

/**
 * An entity's trail and whether its hash chain verifies.
 */
export type TrailView = { entity: string, events: Array<StoredEvent>, 
/**
 * None when it verifies; otherwise where it breaks.
 */
broken: string | null, };

export type UiError = { 
/**
 * `offline`, `refused`, `invalid`, `not_logged_in`, `not_found`, `io`, `credentials`,
 * `pinning`, `server`, `internal`.
 */
code: ErrorCode, message: string, field: string | null, };

/**
 * One file of the upload queue.
 */
export type UploadEntry = { id: AttachmentId, size: number, 
/**
 * Bytes the server is known to have.
 */
uploaded: number, state: UploadState, error: string | null, queued_at: string, };

/**
 * Where an upload stands.
 */
export type UploadState = "queued" | "partial" | "complete" | "failed";

/**
 * 用户: an account.
 */
export type UserId = string;

/**
 * Who is logged in, and what the server knows of them.
 */
export type UserInfo = { id: UserId, 
/**
 * 姓名.
 */
name: string, role: Role, department: DepartmentCode | null, organisation: OrganisationId | null, 
/**
 * 层级权限: the review levels the directory grants this reviewer (the client decides
 * sign-offs offline with them, as the server does). Absent from older servers: none.
 */
levels: Array<string>, };

/**
 * The seven 市政公用服务 of seed 8.
 */
export type UtilityKind = "water" | "drainage" | "power" | "gas" | "heating" | "broadcast_tv" | "telecom";

/**
 * 市政公用服务的办理环节 (seed 8.1, 8.2).
 */
export type UtilityPhase = "application" | "connection";

/**
 * 市政公用服务 (seed 8): which service, which phase.
 */
export type UtilityService = { service: UtilityKind, phase: UtilityPhase, };

export type ValidateRequest = { kind: string, value: string, };

/**
 * The answer to a value checked as the user types.
 */
export type Validation = { ok: boolean, message: string | null, normalized: string | null, };

/**
 * A picked file, as the UI read it.
 */
export type VerifyCertificateRequest = { pdf_base64: string, };

/**
 * 窗口服务编号: one visit at the window (取号 number or the window system's visit id).
 */
export type VisitId = string;

/**
 * 预警等级.
 */
export type WarningLevel = "normal" | "due_soon" | "overdue" | "paused";

/**
 * 全流程用时 of the projects that finished in the quarter (every accepted case ended, the
 * last one in the quarter).
 */
export type WholeProcessTimes = { projects: number, 
/**
 * Average counted time (minutes rounded half up).
 */
average_timed: WorkingTime, 
/**
 * Average natural days in hundredths, rounded half up.
 */
average_natural_hundredths: number, shortest: Extreme<WorkingTime>, longest: Extreme<WorkingTime>, };

/**
 * Time on the legal clock: counted office minutes, shown as working days.
 */
export type WorkingTime = { minutes: number, minutes_per_day: number, };

/**
 * 工程: one building or section of a project; items are applied for per works.
 */
export type Works = { id: WorksId, name: string, description: string, building_area: Area, };

/**
 * 工程编号 (GCDM): one works (building, section) of a project.
 */
export type WorksId = string;

/**
 * What the review found for one zone, as recorded in the trail (integers only).
 */
export type ZoneFinding = { zone: string, name: string, land_use: string, 
/**
 * 相交面积, square metres, rounded.
 */
area_m2: number, 
/**
 * Share of the site inside the zone, in basis points (1/100 of a percent).
 */
share_bp: number, };
