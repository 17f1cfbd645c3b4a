// Which actions a user may take on a case, with their shortcuts and the document printed after.
// The domain decides in the end (a refusal comes back with its reason); this only offers the
// buttons that make sense for the role and state, narrowed by the shell's `next_actions`.
import type { Case, CaseActionType, DocumentKind, Role } from './api/types'

export interface ActionSpec {
  /** Key of the action (a CaseAction type, or 'accept_commitment' for accept with commitment). */
  key: CaseActionType | 'accept_commitment'
  type: CaseActionType
  /** Needs more input than the opinion: opens the action dialog. */
  dialog: boolean
  /** Document to preview once done. */
  doc?: DocumentKind
  shortcut: string
}

/** Untimed special procedures (seed 3 and table 2): their time is not counted. */
export const UNTIMED_KINDS = ['public_notice', 'announcement', 'hearing', 'inspection', 'monitoring', 'investigation']

type Spec = Omit<ActionSpec, 'shortcut'>
const A = (key: ActionSpec['key'], dialog = false, doc?: DocumentKind): Spec => ({
  key,
  type: key === 'accept_commitment' ? 'accept' : key,
  dialog,
  doc,
})

function candidates(role: Role | undefined, c: Case): Spec[] {
  const s = c.state
  switch (role) {
    case 'window_operator':
      if (s === 'submitted') return [A('receive')]
      if (s === 'received') {
        const out: Spec[] = []
        if (c.commitment_allowed && c.commitment === 'not_requested') out.push(A('request_commitment'))
        out.push(A('accept', false, 'acceptance_receipt'))
        if (c.commitment === 'confirmed') out.push(A('accept_commitment', false, 'acceptance_receipt'))
        out.push(A('request_correction', true, 'correction_notice'))
        out.push(A('refuse', true, 'refusal_notice'))
        return out
      }
      return []
    case 'department_reviewer':
    case 'utility_unit':
      if (s === 'received' && c.commitment === 'requested')
        return [A('confirm_commitment'), A('decline_commitment', true)]
      if (s === 'in_review')
        return [
          A('sign_off'),
          A('pause', true),
          A('start_special', true),
          A('end_special', true),
          A('extend', true),
          A('return', true, 'return_notice'),
          A('complete_granted', true, 'certificate'),
          A('complete_denied', true, 'completion_notice'),
        ]
      if (s === 'paused') return [A('resume'), A('return', true, 'return_notice')]
      return []
    case 'applicant':
      if (s === 'draft') return [A('attach_material', true), A('submit', true), A('withdraw', true)]
      if (s === 'correction_requested') return [A('attach_material', true), A('submit', true), A('withdraw', true)]
      if (s === 'paused') return [A('attach_material', true), A('submit_rectification', true)]
      if (s === 'submitted' || s === 'received' || s === 'in_review') return [A('withdraw', true)]
      return []
    default:
      return []
  }
}

/** The actions to offer, numbered Alt+1..9 in order. */
export function availableActions(role: Role | undefined, c: Case, nextActions: string[] = []): ActionSpec[] {
  let list = candidates(role, c)
  // When the shell names the next actions by their type, keep only those.
  const known = nextActions.filter((n) => list.some((a) => a.type === n))
  if (known.length) list = list.filter((a) => known.includes(a.type))
  return list.map((a, i) => ({ ...a, shortcut: `Alt+${i + 1}` }))
}
