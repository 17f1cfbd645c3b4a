// The buttons of the actions a user may take on a case, with their shortcuts and the document
// printed after. Which actions are offered is the domain's answer (`available_actions`), never
// decided here.
import type { ActionAvailability, Case, CaseActionType, PaperKind, DomainCaseAction } from '../../api/types'

export interface ActionSpec {
  /** Key of the action (a CaseAction type, or 'accept_commitment' for accept with commitment). */
  key: CaseActionType | 'accept_commitment'
  type: CaseActionType
  /** Needs more input than the opinion: opens the action dialog. */
  dialog: boolean
  /** Document to preview once done. */
  doc?: PaperKind
  shortcut: string
}

type Spec = Omit<ActionSpec, 'shortcut'>
const A = (key: ActionSpec['key'], dialog = false, doc?: PaperKind): Spec => ({
  key,
  type: key === 'accept_commitment' ? 'accept' : key,
  dialog,
  doc,
})

/** The buttons of each action of the domain's case workflow (`CaseAction`), in its order. */
const BUTTONS: Record<DomainCaseAction, Spec[]> = {
  create: [],
  attach_material: [A('attach_material', true)],
  detach_material: [A('detach_material', true)],
  submit: [A('submit', true)],
  receive: [A('receive')],
  request_commitment_confirmation: [A('request_commitment')],
  confirm_commitment: [A('confirm_commitment')],
  decline_commitment: [A('decline_commitment', true)],
  accept: [A('accept', false, 'acceptance_receipt'), A('accept_commitment', false, 'acceptance_receipt')],
  request_correction: [A('request_correction', true, 'correction_notice')],
  refuse_acceptance: [A('refuse', true, 'refusal_notice')],
  sign_off: [A('sign_off')],
  pause: [A('pause', true)],
  submit_rectification: [A('submit_rectification', true)],
  resume: [A('resume')],
  start_special_procedure: [A('start_special', true)],
  end_special_procedure: [A('end_special', true)],
  extend: [A('extend', true)],
  return: [A('return', true, 'return_notice')],
  withdraw: [A('withdraw', true)],
  complete: [A('complete_granted', true, 'certificate'), A('complete_denied', true, 'completion_notice')],
}

/**
 * The buttons to offer, numbered Alt+1..9 in order: exactly the actions the domain says this
 * user may take now (`available_actions` of the case detail, the same answer the CLI prints);
 * nothing about roles or states is decided here. 按告知承诺制受理 appears beside 受理 once the
 * department has confirmed the commitment (the case's own record says so).
 */
export function availableActions(offered: readonly ActionAvailability[] | undefined, c: Case): ActionSpec[] {
  const list = (offered ?? [])
    .filter((a) => a.refusal === null)
    .flatMap((a) => BUTTONS[a.action] ?? [])
    .filter((b) => b.key !== 'accept_commitment' || c.commitment === 'confirmed')
  return list.map((a, i) => ({ ...a, shortcut: `Alt+${i + 1}` }))
}
