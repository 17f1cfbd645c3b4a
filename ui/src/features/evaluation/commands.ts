// Builders of the domain commands the UI sends with `act_command` (好差评, 整改, 建议投诉, 会商),
// typed by the generated `DomainCommand` (EntityCommand: all but cases and projects, which have
// their typed actions). Kept pure so the tests compare them with the fixtures of serde's output.
import type {
  ComplaintKind,
  ConsultationAnswer,
  Dimension,
  DimensionScore,
  EntityCommand,
  EvaluationCommand,
  RatingForm,
  RatingLevel,
} from '../../api/types'

export function evaluationCommand(id: string, command: EvaluationCommand): EntityCommand {
  return { entity: 'evaluation', evaluation: id, command }
}

/** 评价 on the domain's rating form: the indicators in the form's order, those left unrated
 * not sent; the evaluation id the form gives. */
export function rateCommand(
  form: RatingForm,
  level: RatingLevel,
  dimensions: Partial<Record<Dimension, RatingLevel | ''>>,
  comment: string,
): EntityCommand {
  const scores: DimensionScore[] = form.dimensions
    .filter((d) => !!dimensions[d])
    .map((d) => ({ dimension: d, level: dimensions[d] as RatingLevel }))
  return evaluationCommand(form.evaluation, {
    command: 'rate',
    subject: form.subject,
    level,
    dimensions: scores,
    comment: comment.trim(),
  })
}

export type RectificationAction = 'start' | 'complete' | 'cannot' | 'callback' | 'appeal' | 'decide'

/** 差评整改 actions: `text` is the plan / result / reason / note; `flag` the yes-no of callback and decision. */
export function rectificationCommand(id: string, action: RectificationAction, text: string, flag = false): EntityCommand {
  const t = text.trim()
  switch (action) {
    case 'start':
      return evaluationCommand(id, { command: 'start_rectification', plan: t })
    case 'complete':
      return evaluationCommand(id, { command: 'complete_rectification', result: t })
    case 'cannot':
      return evaluationCommand(id, { command: 'declare_cannot_rectify', reason: t })
    case 'callback':
      return evaluationCommand(id, { command: 'record_callback', applicant_satisfied: flag, note: t })
    case 'appeal':
      return evaluationCommand(id, { command: 'appeal', reason: t })
    case 'decide':
      return evaluationCommand(id, { command: 'decide_appeal', upheld: flag, reason: t })
  }
}

/** A new id for something created offline, like the client's `new_id` (`K-` + 16 hex). */
export function newId(prefix: string): string {
  const b = new Uint8Array(8)
  crypto.getRandomValues(b)
  return `${prefix}-${Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')}`
}

export function submitComplaintCommand(
  id: string,
  f: { kind: ComplaintKind; title: string; content: string; project?: string; department?: string },
): EntityCommand {
  const opt = (s: string | undefined) => (s && s.trim() ? s.trim() : null)
  return {
    entity: 'complaint',
    complaint: id,
    command: {
      command: 'submit',
      kind: f.kind,
      title: f.title.trim(),
      content: f.content.trim(),
      project: opt(f.project),
      department: opt(f.department),
    },
  }
}

export function assignComplaintCommand(id: string, department: string, days: number): EntityCommand {
  return { entity: 'complaint', complaint: id, command: { command: 'assign', department, limit_working_days: days } }
}

export function answerComplaintCommand(id: string, answer: string): EntityCommand {
  return { entity: 'complaint', complaint: id, command: { command: 'answer', answer: answer.trim() } }
}

export function dismissComplaintCommand(id: string, reason: string): EntityCommand {
  return { entity: 'complaint', complaint: id, command: { command: 'dismiss', reason: reason.trim() } }
}

/** 会商意见: conditions (one per line; none = consent without conditions), or 不涉及. */
export function consultationAnswerCommand(
  id: string,
  department: string,
  notInvolved: boolean,
  conditions: string[],
  requiredWork: string[] = [],
): EntityCommand {
  const answer: ConsultationAnswer = notInvolved
    ? { answer: 'not_involved' }
    : { answer: 'consent', conditions, required_work: requiredWork }
  return { entity: 'consultation', consultation: id, command: { command: 'answer', department, answer } }
}
