// 中介服务委托 (seed 9): the CommissionCommand the UI sends with `act_command` (typed by the
// generated bindings), prices in yuan <-> fen, and the UI's names for the actions the domain
// allows (`available_actions` of the client's CommissionView). Pure, tested.
import type { CommissionAction, CommissionCommand, CommissionView, EntityCommand, SelectionRule } from '../../api/types'
import { t } from '../../i18n'

export function commissionCommand(id: string, command: CommissionCommand): EntityCommand {
  return { entity: 'commission', commission: id.trim(), command }
}

export const commissionByDepartment = (id: string, service: string, project: string, applicant: string, agency: string) =>
  commissionCommand(id, { command: 'commission_by_department', service: service.trim(), project: project.trim(), applicant: applicant.trim(), agency: agency.trim() })
export const commissionDirect = (id: string, service: string, project: string, agency: string) =>
  commissionCommand(id, { command: 'commission_direct', service: service.trim(), project: project.trim(), agency: agency.trim() })
export const publishRequest = (id: string, service: string, project: string, requirements: string) =>
  commissionCommand(id, { command: 'publish_request', service: service.trim(), project: project.trim(), requirements: requirements.trim() })
export const submitQuote = (id: string, priceFen: number, note: string) =>
  commissionCommand(id, { command: 'submit_quote', price_fen: priceFen, note: note.trim() })
export const selectAgency = (id: string, rule: SelectionRule) => commissionCommand(id, { command: 'select', rule })
export const acceptCommission = (id: string) => commissionCommand(id, { command: 'accept' })
export const declineCommission = (id: string, reason: string) => commissionCommand(id, { command: 'decline', reason: reason.trim() })
export const deliverReport = (id: string, report: string, summary: string) =>
  commissionCommand(id, { command: 'deliver', report, summary: summary.trim() })
export const confirmReport = (id: string) => commissionCommand(id, { command: 'confirm' })
export const recordExpertReview = (id: string, passed: boolean, conclusion: string) =>
  commissionCommand(id, { command: 'record_expert_review', passed, conclusion: conclusion.trim() })
/** 退回修改: one point per line, blank lines dropped. */
export const requestRevision = (id: string, points: string) =>
  commissionCommand(id, {
    command: 'request_revision',
    points: points
      .split('\n')
      .map((p) => p.trim())
      .filter(Boolean),
  })
export const shareResult = (id: string, caseId: string, item: string) =>
  commissionCommand(id, { command: 'share_result', case: caseId.trim(), item: item.trim() })
export const cancelCommission = (id: string, reason: string) => commissionCommand(id, { command: 'cancel', reason: reason.trim() })

export type RuleKind = SelectionRule['rule']

export function selectionRule(kind: RuleKind, draw: number, agency: string): SelectionRule {
  switch (kind) {
    case 'lowest_price':
      return { rule: 'lowest_price' }
    case 'random_draw':
      return { rule: 'random_draw', draw }
    case 'direct':
      return { rule: 'direct', agency: agency.trim() }
  }
}

/** Yuan with up to two decimals into fen, like the CLI's `fen`; null when invalid or not positive. */
export function yuanToFen(s: string): number | null {
  const t = s.trim()
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(t)
  if (!m) return null
  const fen = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0') || '0')
  return Number.isSafeInteger(fen) && fen > 0 ? fen : null
}

/** Fen as yuan with two decimals (the CLI's `yuan`). */
export function fenToYuan(fen: number): string {
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`
}

/** The announced 选取方式 line of a competitive request (written into 服务需求 when published). */
export function ruleLine(rule: 'lowest_price' | 'random_draw'): string {
  return t().commission.ruleLine[rule]
}

export function announcedRule(requirements: string | null): 'lowest_price' | 'random_draw' | null {
  if (!requirements) return null
  if (requirements.includes(ruleLine('random_draw'))) return 'random_draw'
  if (requirements.includes(ruleLine('lowest_price'))) return 'lowest_price'
  return null
}

export type CommissionUiAction =
  | 'quote'
  | 'select'
  | 'accept'
  | 'decline'
  | 'deliver'
  | 'confirm'
  | 'revise'
  | 'review'
  | 'cancel'
  | 'share'

/** The domain's commission actions each UI action stands for. */
const UI_ACTION: Partial<Record<CommissionAction, CommissionUiAction>> = {
  submit_quote: 'quote',
  select: 'select',
  accept: 'accept',
  decline: 'decline',
  deliver: 'deliver',
  confirm: 'confirm',
  request_revision: 'revise',
  record_expert_review: 'review',
  cancel: 'cancel',
  share_result: 'share',
}

/** The actions this user may take on `c` now: the allowed ones of the domain's answer
 * (`available_actions`: Commission::available_actions_in_market for the logged-in user); nothing
 * about roles, ownership or states is decided here. */
export function actionsFor(c: Pick<CommissionView, 'available_actions'>): CommissionUiAction[] {
  return c.available_actions.flatMap((a) => (a.refusal === null && UI_ACTION[a.action] ? [UI_ACTION[a.action]!] : []))
}

/** Whether the agency sees the quote form: the domain allows it to quote (an open request it is
 * qualified for and has not quoted on). */
export const canQuote = (c: Pick<CommissionView, 'available_actions'>) => actionsFor(c).includes('quote')
