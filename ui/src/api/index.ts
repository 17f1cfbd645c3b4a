// Every call to the desktop shell goes through this module: one typed function per Tauri
// command of notes/DESKTOP-CONTRACT.md. Each command takes at most one argument named `req`.
import { invoke } from '@tauri-apps/api/core'
import { listen, type UnlistenFn } from '@tauri-apps/api/event'
import type * as T from './types'
import { t } from '../i18n'

export type * from './types'

/** Turn whatever a command rejected with into an `UiError` (the shell sends one already). */
export function toApiError(e: unknown): T.UiError {
  if (e && typeof e === 'object' && 'code' in e && 'message' in e) {
    const o = e as { code: T.ErrorCode; message: unknown; field?: unknown }
    return {
      code: o.code,
      message: String(o.message),
      field: typeof o.field === 'string' ? o.field : null,
    }
  }
  if (typeof e === 'string') return { code: 'internal', message: e, field: null }
  if (e instanceof Error) return { code: 'internal', message: e.message, field: null }
  return { code: 'internal', message: t().errors.unknown, field: null }
}

export function isApiError(e: unknown): e is T.UiError {
  return !!e && typeof e === 'object' && 'code' in e && 'message' in e
}

async function call<R>(cmd: string, req?: object): Promise<R> {
  try {
    return await invoke<R>(cmd, req === undefined ? {} : { req })
  } catch (e) {
    throw toApiError(e)
  }
}

// ---------------------------------------------------------------- session
export const sessionInfo = () => call<T.SessionInfo>('session_info')
export const login = (req: T.LoginRequest) => call<T.LoginOutcome>('login', req)
export const rememberedPassword = () => call<string | null>('remembered_password')
export const logout = () => call<null>('logout')

// ---------------------------------------------------------------- sync / status
export const status = () => call<T.StatusView>('status')
export const syncNow = () => call<T.SyncReport>('sync_now')
/** Work offline on purpose (the background sync pauses), and back. */
export const goOffline = () => call<null>('go_offline')
export const goOnline = () => call<null>('go_online')
export const refusals = () => call<T.RefusalEntry[]>('refusals')
export const dismissRefusal = (mutation_id: number) =>
  call<boolean>('dismiss_refusal', { mutation_id })
/** 超过离线时限的操作, in one list. */
export const expiredActions = () => call<T.ExpiredAction[]>('expired_actions')
/** 重新确认并提交 the ticked ones (by mutation id), each decided again at the current time. */
export const reconfirmExpired = (mutation_ids: number[]) =>
  call<T.ReconfirmOutcome>('reconfirm_expired', { mutation_ids } satisfies T.ReconfirmRequest)
/** 删除本机数据: this profile's files and its secrets in the keyring; a fresh profile follows. */
export const removeProfile = (discard_unsent: boolean) =>
  call<T.Removed>('remove_profile', { discard_unsent } satisfies T.RemoveProfileRequest)

export const EVENTS = {
  syncState: 'sync-state',
  syncProgress: 'sync-progress',
  dataChanged: 'data-changed',
  deskAlert: 'desk-alert',
} as const

export const onSyncState = (f: (p: T.SyncState) => void): Promise<UnlistenFn> =>
  listen<T.SyncState>(EVENTS.syncState, (e) => f(e.payload))
export const onSyncProgress = (f: (p: T.SyncProgress) => void): Promise<UnlistenFn> =>
  listen<T.SyncProgress>(EVENTS.syncProgress, (e) => f(e.payload))
export const onDataChanged = (f: () => void): Promise<UnlistenFn> =>
  listen<Record<string, never>>(EVENTS.dataChanged, () => f())
/** 桌面提醒: new work in 待办, a case sent back, a deadline turning yellow or red (client::alerts). */
export const onDeskAlert = (f: (a: T.Alert) => void): Promise<UnlistenFn> =>
  listen<T.Alert>(EVENTS.deskAlert, (e) => f(e.payload))

// ---------------------------------------------------------------- validation
export const validate = (kind: T.ValidateKind, value: string) =>
  call<T.Validation>('validate', { kind, value })

// ---------------------------------------------------------------- catalogue
export const catalogue = () => call<T.Catalogue>('catalogue')

// ---------------------------------------------------------------- projects
export const projects = () => call<T.Project[]>('projects')
export const project = (id: string) => call<T.ProjectView>('project', { id })
/** Registers a project; the new project's id is `created[0]`. */
export const registerProject = (req: T.RegisterRequest) =>
  call<T.ActOutcome>('register_project', req)
/** 修改项目登记信息: the whole registration form again. */
export const editProject = (project: string, details: T.RegisterRequest) =>
  call<T.ActOutcome>('edit_project', { project, details } satisfies T.EditProjectRequest)
export const submitProject = (project: string) =>
  call<T.ActOutcome>('submit_project', { project })
export const chooseFlow = (project: string, flow: string) =>
  call<T.ActOutcome>('choose_flow', { project, flow })
export const requestProjectCorrection = (project: string, problems: string[]) =>
  call<T.ActOutcome>('request_project_correction', { project, problems })
export const addWorks = (req: {
  project: string
  works_id: string
  name: string
  description: string
  area: string
}) => call<T.ActOutcome>('add_works', req)
export const closeProject = (project: string, reason: string) =>
  call<T.ActOutcome>('close_project', { project, reason })

// ---------------------------------------------------------------- applications and cases
/** Creates the cases of an application; `created` = [application, ...cases]. */
export const apply = (req: T.ApplyRequest) => call<T.ActOutcome>('apply', req)
export const caseDetail = (id: string) => call<T.CaseDetail>('case_detail', { id })
export const cases = () => call<T.Case[]>('cases')
export const trail = (entity: 'case' | 'project' | 'consultation', id: string) =>
  call<T.TrailView>('trail', { entity, id })
export const clockExplanation = (id: string) => call<T.ClockView>('clock_explanation', { id })
export const caseAct = (id: string, action: T.CaseAction, opinion?: string) =>
  call<T.ActOutcome>('case_act', opinion ? { case: id, action, opinion } : { case: id, action })
/** One of the desk's lists: 待办 (default), 已办 (cases I acted on), 全部. */
export const queue = (list: T.DeskList = 'todo') =>
  call<T.QueueEntry[]>('queue', { list } satisfies T.QueueRequest)
export const overview = () => call<T.Overview>('overview')

// ---------------------------------------------------------------- materials
export const addAttachment = (name: string, bytes_base64: string) =>
  call<T.AttachmentInfo>('add_attachment', { name, bytes_base64 })
export const addAttachmentPath = (path: string) =>
  call<T.AttachmentInfo>('add_attachment_path', { path })
export const materialLibrary = () => call<T.LibraryEntry[]>('material_library')
export const attachment = (id: string) => call<T.AttachmentBytes>('attachment', { id })

// ---------------------------------------------------------------- documents
/** 证照核验: a picked certificate PDF checked here (signature) and against the server (status). */
export const verifyCertificate = (pdf_base64: string) =>
  call<T.CertificateVerdict>('verify_certificate', { pdf_base64 })
export const documentPdf = (kind: T.PaperKind, id: string) =>
  call<T.DocumentAnswer>('document', { kind, id })
export const pdfPages = (pdf_base64: string) =>
  call<T.PageImageAnswer[]>('pdf_pages', { pdf_base64 } satisfies T.PdfPagesRequest)
export const saveDocument = (kind: T.PaperKind, id: string, path: string) =>
  call<{ path: string }>('save_document', { kind, id, path })

// ---------------------------------------------------------------- drafts
export const saveDraft = (key: string, data: unknown) => call<null>('save_draft', { key, data })
export const loadDraft = <D = unknown>(key: string) => call<D | null>('load_draft', { key })
export const drafts = () => call<T.DraftEntry[]>('drafts')
export const deleteDraft = (key: string) => call<boolean>('delete_draft', { key })

// ---------------------------------------------------------------- other entities
/** The domain commands the UI sends as they are (好差评, 整改, 建议投诉, 会商, 中介服务委托),
 * decided locally first like every action. Cases and projects have one way only: their typed
 * actions above (`caseAct`, `submitProject`, ...), which the client turns into commands. */
export const actCommand = (req: Omit<T.CommandRequest, 'command'> & { command: T.EntityCommand }) =>
  call<T.ActOutcome>('act_command', req)
export const evaluations = () => call<T.EvaluationView[]>('evaluations')
export const complaints = () => call<T.ComplaintView[]>('complaints')
export const consultations = () => call<T.ConsultationView[]>('consultations')
export const complianceFindings = (id: string) => call<T.ZoneFinding[]>('compliance_findings', { id })

// ---------------------------------------------------------------- statistics (needs the server)
export const statistics = <J = unknown>(req: T.StatisticsRequest) =>
  call<T.StatisticsAnswerOf<J>>('statistics', req)

// ---------------------------------------------------------------- 中介服务超市 (offline)
export const market = () => call<T.MarketCatalogue>('market')
/** 中介服务委托 visible to this user. */
export const commissions = () => call<T.CommissionView[]>('commissions')
/** 规划分区 (shipped data). */
export const planningZones = () => call<T.PlanningZone[]>('planning_zones')
/** 行政区划 the hall serves (synced reference data), grouped under their city. */
export const districts = () => call<T.DistrictsView>('districts')

// ---------------------------------------------------------------- 参考数据 (reform office; needs the server)
/** The reference data in force: a version per kind, the calendar years covered, the warning. */
export const referenceShow = () => call<T.ReferenceView>('reference_show')
/** 系统通知 for this user (online): `after` is the cursor of the previous answer. */
export const notifications = (after = 0) => call<T.NotificationsAnswer>('notifications', { after })
/** Import a new version of one kind; `dry_run` shows what would change and changes nothing. */
export const referenceImport = (req: T.ImportRequest) =>
  call<T.ImportOutcome>('reference_import', req)

// ---------------------------------------------------------------- helpers

/** Read a browser File as base64 (for `add_attachment`). */
export async function fileToBase64(file: Blob): Promise<string> {
  const buf = new Uint8Array(await file.arrayBuffer())
  let bin = ''
  const chunk = 0x8000
  for (let i = 0; i < buf.length; i += chunk) {
    bin += String.fromCharCode(...buf.subarray(i, i + chunk))
  }
  return btoa(bin)
}

export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64)
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}
