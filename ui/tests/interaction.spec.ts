// 好差评, 差评整改 and 建议投诉: the exact domain commands the UI sends with act_command.
import { describe, it, expect, beforeEach } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import RatingBox from '../src/features/evaluation/RatingBox.vue'
import CasePage from '../src/features/cases/CasePage.vue'
import Rectifications from '../src/features/evaluation/Rectifications.vue'
import Complaints from '../src/features/evaluation/Complaints.vue'
import { session } from '../src/stores/session'
import { catalogueRef } from '../src/stores/catalogue'
import {
  assignComplaintCommand,
  consultationAnswerCommand,
  rateCommand,
  rectificationCommand,
  submitComplaintCommand,
} from '../src/features/evaluation/commands'
import { fakeIpc, mountWith, tid, typeInto, pickOption } from './helpers'
import catalogue from './fixtures/catalogue.json'
import commands from './fixtures/commands.json'
import caseGranted from './fixtures/case-granted.json'
import trail from './fixtures/trail.json'
import actResult from './fixtures/act-result.json'
import type { Case, Catalogue, ComplaintView as Complaint, ComplaintAction, EvaluationAction, EvaluationView as Evaluation, RatingForm, RatingSubject, UserInfo } from '../src/api/types'

const granted = caseGranted as unknown as Case
/** The shell's `rating` of the granted case (RatingSubject::of_case(..).form(): the domain's
 * levels best first, the two lowest 差评, and the online channel's indicators; the same values
 * as crates/domain/tests/evaluation.rs `only_finished_cases_can_be_rated`). */
function formOf(subject: RatingSubject, evaluation: string): RatingForm {
  return {
    subject,
    evaluation,
    channel: 'online',
    levels: [
      { level: 'very_satisfied', bad: false },
      { level: 'satisfied', bad: false },
      { level: 'basically_satisfied', bad: false },
      { level: 'dissatisfied', bad: true },
      { level: 'very_dissatisfied', bad: true },
    ],
    dimensions: ['efficiency', 'guide_accuracy', 'convenience', 'platform_usability'],
  }
}
const grantedSubject: RatingSubject = { subject: 'case', case: granted.id, item: granted.item, department: granted.department, applicant: granted.applicant }
const grantedForm = formOf(grantedSubject, `case/${granted.id}`)
const APPLICANT: UserInfo = { id: 'applicant', name: '张建设', role: 'applicant', department: null, organisation: '91230102MA1C4K7P5Y', levels: [] }
const REVIEWER: UserInfo = { id: 'r', name: '审查员', role: 'department_reviewer', department: 'FGW', organisation: null, levels: [] }
const OFFICE: UserInfo = { id: 'office', name: '李工改', role: 'reform_office', department: null, organisation: null, levels: [] }
const synced = { ...actResult, refused: [], synced: true, offline: null }

const click = async (id: string) => {
  const el = document.querySelector(tid(id)) as HTMLElement | null
  if (!el) throw new Error(`no ${id}`)
  el.click()
  await flushPromises()
}

describe('command builders match the serde form of the Rust types', () => {
  it('rate', () => {
    const subject = { subject: 'case' as const, case: 'C-1', item: 'ZGJ-01', department: 'ZGJ', applicant: '91230100MA1B2C3D4E' }
    // Dimensions go in the channel's order whatever order they were picked in; unrated ones are left out.
    const cmd = rateCommand(formOf(subject, 'case/C-1'), 'dissatisfied', { platform_usability: 'satisfied', convenience: '', efficiency: 'dissatisfied' }, ' 审批时间太长 ')
    expect(cmd).toEqual(commands.rate)
  })
  it('rectification, complaint and consultation commands', () => {
    expect(rectificationCommand('case/C-1', 'callback', '已回访', true)).toEqual(commands.callback)
    expect(
      submitComplaintCommand('K-0011223344556677', { kind: 'complaint', title: '窗口排队', content: '排队时间过长', project: '', department: 'ZJJ' }),
    ).toEqual(commands.complaint_submit)
    expect(assignComplaintCommand('K-1', 'ZJJ', 10)).toEqual(commands.complaint_assign)
    expect(consultationAnswerCommand('Q-1', 'STHJ', false, ['开展环评'])).toEqual(commands.consultation_consent)
    expect(consultationAnswerCommand('Q-1', 'STHJ', true, ['ignored'])).toEqual(commands.consultation_not_involved)
  })
})

describe('rating a finished case', () => {
  beforeEach(() => {
    catalogueRef.value = catalogue as unknown as Catalogue
  })

  it('the applicant sees the rating box on a granted case and sends the exact Rate command', async () => {
    session.user = APPLICANT
    const evaluations: Evaluation[] = []
    const calls = fakeIpc({
      case_detail: () => ({ case: granted, trail, clock: { reading: null, used_working_days: 3, remaining_working_days: null, note: null }, item_name: '企业投资项目备案', department_name: '市发改委', project_name: 'X', next_action: null, available_actions: [], rating: grantedForm }),
      material_library: () => [],
      catalogue: () => catalogue,
      project: () => ({ project: null }),
      evaluations: () => evaluations,
      // The shell decides with the domain: a 差评 without a reason is refused with its sentence.
      act_command: (req) => {
        const rate = (req.command as { command: { comment: string; dimensions: unknown[] } }).command
        return rate.comment || rate.dimensions.length
          ? synced
          : { ...synced, synced: false, refused: [{ mutation_id: 1, entity: 'evaluation', envelope: null, refusal: null, message: '差评须说明原因：请选择不满意的评价指标或填写评价内容', refused_at: '' }] }
      },
    })
    const { w } = await mountWith(CasePage, { props: { id: granted.id } })
    expect(document.querySelector(tid('rating-box'))?.getAttribute('data-rated')).toBe('false')
    // The form is the domain's: its levels (the two lowest marked 差评) and indicators.
    expect(document.querySelector(tid('rating-level-dissatisfied'))?.getAttribute('data-bad')).toBe('true')
    expect(document.querySelector(tid('rating-level-satisfied'))?.getAttribute('data-bad')).toBe('false')
    expect(document.querySelectorAll('[data-testid^="rating-dim-select-"]')).toHaveLength(4)
    await click('rating-submit')
    expect(document.querySelector(tid('rating-error'))?.textContent).toContain('请选择总体评价')
    await click('rating-level-very_dissatisfied')
    await click('rating-submit')
    // A bad rating without a reason: the domain's refusal, shown beside the form.
    expect(document.querySelector(tid('rating-error'))?.textContent).toContain('差评须说明原因')
    ;(document.querySelector(tid('rating-dim-select-efficiency')) as HTMLElement).click()
    await flushPromises()
    await pickOption('rating-dim-efficiency-very_dissatisfied')
    await typeInto(document, 'rating-comment', '等了很久')
    await click('rating-submit')
    expect(calls.callsOf('act_command').slice(1)).toEqual([
      {
        command: {
          entity: 'evaluation',
          evaluation: `case/${granted.id}`,
          command: {
            command: 'rate',
            subject: { subject: 'case', case: granted.id, item: 'FGW-01', department: 'FGW', applicant: '91230102MA1C4K7P5Y' },
            level: 'very_dissatisfied',
            dimensions: [{ dimension: 'efficiency', level: 'very_dissatisfied' }],
            comment: '等了很久',
          },
        },
      },
    ])
    expect(document.querySelector(tid('rating-info'))).not.toBeNull()
    w.unmount()
  })

  it('shows the rating instead of the form once rated; a refusal stays next to the form', async () => {
    session.user = APPLICANT
    const rated: Evaluation = {
      available_actions: [],
      id: `case/${granted.id}`,
      subject: { subject: 'case', case: granted.id, item: 'FGW-01', department: 'FGW', applicant: '91230102MA1C4K7P5Y' },
      level: 'satisfied',
      dimensions: [],
      comment: '',
      rated_at: '2026-11-26T02:00:00Z',
      rater: { user: 'applicant', name: '张建设', role: 'applicant', department: null, organisation: '91230102MA1C4K7P5Y', levels: [] },
      rectification: null,
      appeal: null,
      last_event_at: '2026-11-26T02:00:00Z',
      version: 1,
    }
    fakeIpc({ evaluations: () => [rated] })
    const { w } = await mountWith(RatingBox, { props: { form: grantedForm } })
    expect(w.find(tid('rating-existing')).attributes('data-level')).toBe('satisfied')
    expect(w.find(tid('rating-submit')).exists()).toBe(false)
    w.unmount()

    fakeIpc({
      evaluations: () => [],
      act_command: () => ({ ...synced, synced: false, refused: [{ mutation_id: 1, entity: 'evaluation', envelope: null, refusal: null, message: '已经评价过，每件办件、每次窗口服务只能评价一次', refused_at: '' }] }),
    })
    const m2 = await mountWith(RatingBox, { props: { form: grantedForm } })
    await click('rating-level-satisfied')
    await typeInto(document, 'rating-comment', '好')
    await click('rating-submit')
    expect(document.querySelector(tid('rating-error'))?.textContent).toContain('已经评价过')
    expect((document.querySelector(tid('rating-comment')) as HTMLTextAreaElement).value).toBe('好')
    m2.w.unmount()
  })
})

/** The domain's `available_actions` answer as the shell sends it: `allowed` with no refusal,
 * every other action refused (the screens show only the allowed ones). */
function answer<A extends string>(all: readonly A[], allowed: readonly NoInfer<A>[]) {
  return all.map((action) => ({ action, label: action, refusal: allowed.includes(action) ? null : '不能办理' }))
}
const EVALUATION_ACTIONS: EvaluationAction[] = ['start_rectification', 'complete_rectification', 'declare_cannot_rectify', 'record_callback', 'appeal', 'decide_appeal']
const COMPLAINT_ACTIONS: ComplaintAction[] = ['assign', 'answer', 'dismiss']

function badRating(status: 'pending' | 'rectifying' | 'done', department = 'FGW', allowed: EvaluationAction[] = []): Evaluation {
  return {
    available_actions: answer(EVALUATION_ACTIONS, allowed),
    id: 'case/C-9',
    subject: { subject: 'case', case: 'C-9', item: 'FGW-01', department, applicant: '91230102MA1C4K7P5Y' },
    level: 'very_dissatisfied',
    dimensions: [{ dimension: 'efficiency', level: 'very_dissatisfied' }],
    comment: '太慢',
    rated_at: '2026-11-20T02:00:00Z',
    rater: { user: 'applicant', name: '张建设', role: 'applicant', department: null, organisation: '91230102MA1C4K7P5Y', levels: [] },
    rectification: {
      department,
      limit_working_days: 15,
      status,
      opened_at: '2026-11-20T02:00:00Z',
      plan: null,
      started_at: null,
      outcome: null,
      closed_at: null,
      callback: null,
    },
    appeal: null,
    last_event_at: '2026-11-20T02:00:00Z',
    version: 2,
  }
}

describe('差评整改', () => {
  beforeEach(() => {
    catalogueRef.value = catalogue as unknown as Catalogue
  })

  it('the department sees its own rectifications with state and deadline, and starts one', async () => {
    session.user = REVIEWER
    const calls = fakeIpc({
      catalogue: () => catalogue,
      // The domain's answer for a FGW reviewer on a pending rectification of FGW.
      evaluations: () => [badRating('pending', 'FGW', ['start_rectification', 'declare_cannot_rectify', 'appeal']), { ...badRating('pending', 'ZGJ'), id: 'case/C-10' }],
      act_command: () => synced,
    })
    const { w } = await mountWith(Rectifications)
    const rows = document.querySelectorAll(tid('rectification-row'))
    expect(rows).toHaveLength(1)
    expect(rows[0].getAttribute('data-status')).toBe('pending')
    expect(document.querySelector(tid('rectification-deadline'))?.textContent).toContain('15 个工作日')
    expect(document.querySelector(tid('rectification-complete'))).toBeNull()
    await click('rectification-start')
    await click('rectification-confirm')
    expect(document.querySelector(tid('rectification-dialog-error'))).not.toBeNull()
    await typeInto(document, 'rectification-text', '压缩审查环节')
    await click('rectification-confirm')
    expect(calls.callsOf('act_command')).toEqual([
      { command: { entity: 'evaluation', evaluation: 'case/C-9', command: { command: 'start_rectification', plan: '压缩审查环节' } } },
    ])
    w.unmount()
  })

  it('the reform office decides an appeal', async () => {
    session.user = OFFICE
    const appealed: Evaluation = {
      ...badRating('pending', 'FGW', ['decide_appeal']),
      appeal: { reason: '申请人材料不全', at: '2026-11-21T02:00:00Z', by: { user: 'r', name: '审查员', role: 'department_reviewer', department: 'FGW', organisation: null, levels: [] }, decision: null },
    }
    const calls = fakeIpc({ catalogue: () => catalogue, evaluations: () => [appealed], act_command: () => synced })
    const { w } = await mountWith(Rectifications)
    expect(document.querySelector(tid('rectification-start'))).toBeNull()
    await click('rectification-decide')
    await typeInto(document, 'rectification-text', '经核实，差评不实')
    await click('rectification-upheld')
    await click('rectification-confirm')
    expect(calls.callsOf('act_command')[0]).toEqual({
      command: { entity: 'evaluation', evaluation: 'case/C-9', command: { command: 'decide_appeal', upheld: true, reason: '经核实，差评不实' } },
    })
    w.unmount()
  })
})

describe('建议投诉', () => {
  beforeEach(() => {
    catalogueRef.value = catalogue as unknown as Catalogue
  })

  const base: Complaint = {
    available_actions: answer(COMPLAINT_ACTIONS, []),
    id: 'K-1',
    kind: 'complaint',
    title: '窗口排队',
    content: '排队时间过长',
    project: null,
    suggested_department: 'FGW',
    submitter: '91230102MA1C4K7P5Y',
    submitted_at: '2026-11-20T02:00:00Z',
    state: 'submitted',
    assignments: [],
    answer: null,
    dismissal: null,
    last_event_at: '2026-11-20T02:00:00Z',
    version: 1,
  }
  const office = { user: 'office', name: '李工改', role: 'reform_office' as const, department: null, organisation: null, levels: [] }

  it('the applicant submits and sees the answer', async () => {
    session.user = APPLICANT
    const answered: Complaint = {
      ...base,
      id: 'K-2',
      state: 'answered',
      assignments: [{ department: 'FGW', limit_working_days: 10, at: '2026-11-20T03:00:00Z', by: office }],
      answer: { text: '已增设窗口', at: '2026-11-21T03:00:00Z', by: office },
    }
    const calls = fakeIpc({ catalogue: () => catalogue, complaints: () => [answered], projects: () => [], act_command: () => synced })
    const { w } = await mountWith(Complaints)
    expect(document.querySelector(tid('complaint-answer'))?.textContent).toContain('已增设窗口')
    await click('complaint-submit')
    expect(document.querySelector(tid('complaint-submit-error'))).not.toBeNull()
    await click('complaint-kind-complaint')
    await typeInto(document, 'complaint-title', '窗口排队')
    await typeInto(document, 'complaint-content', '排队时间过长')
    ;(document.querySelector(tid('complaint-department')) as HTMLElement).click()
    await flushPromises()
    await pickOption('complaint-department-FGW')
    await click('complaint-submit')
    const sent = calls.callsOf('act_command')[0] as { command: { complaint: string } }
    expect(sent.command.complaint).toMatch(/^K-[0-9a-f]{16}$/)
    expect(sent).toEqual({
      command: {
        entity: 'complaint',
        complaint: sent.command.complaint,
        command: { command: 'submit', kind: 'complaint', title: '窗口排队', content: '排队时间过长', project: null, department: 'FGW' },
      },
    })
    expect(document.querySelector(tid('complaint-submit-info'))).not.toBeNull()
    w.unmount()
  })

  it('the reform office assigns with a deadline or dismisses; the department answers', async () => {
    session.user = OFFICE
    // The domain's answer for the reform office on a submitted complaint.
    const calls = fakeIpc({ catalogue: () => catalogue, complaints: () => [{ ...base, available_actions: answer(COMPLAINT_ACTIONS, ['assign', 'dismiss']) }], act_command: () => synced })
    const { w } = await mountWith(Complaints)
    expect(document.querySelector(tid('complaint-form'))).toBeNull()
    expect(document.querySelector(tid('complaint-answer-open'))).toBeNull()
    await click('complaint-assign')
    // The submitter's suggested department is offered first.
    await click('complaint-dialog-confirm')
    expect(calls.callsOf('act_command')[0]).toEqual({
      command: { entity: 'complaint', complaint: 'K-1', command: { command: 'assign', department: 'FGW', limit_working_days: 10 } },
    })
    await click('complaint-dismiss')
    await typeInto(document, 'complaint-dialog-text', '不属于受理范围')
    await click('complaint-dialog-confirm')
    expect(calls.callsOf('act_command')[1]).toEqual({
      command: { entity: 'complaint', complaint: 'K-1', command: { command: 'dismiss', reason: '不属于受理范围' } },
    })
    w.unmount()

    session.user = REVIEWER
    // Answerable by this FGW reviewer: the one assigned to FGW (the domain's answer).
    const assigned: Complaint = { ...base, state: 'assigned', assignments: [{ department: 'FGW', limit_working_days: 10, at: '2026-11-20T03:00:00Z', by: office }], available_actions: answer(COMPLAINT_ACTIONS, ['answer']) }
    const other: Complaint = { ...assigned, id: 'K-3', assignments: [{ ...assigned.assignments[0], department: 'ZGJ' }], available_actions: answer(COMPLAINT_ACTIONS, []) }
    const calls2 = fakeIpc({ catalogue: () => catalogue, complaints: () => [assigned, other], act_command: () => synced })
    const m2 = await mountWith(Complaints)
    expect(document.querySelectorAll(tid('complaint-row'))).toHaveLength(1)
    await click('complaint-answer-open')
    await typeInto(document, 'complaint-dialog-text', '已增设窗口')
    await click('complaint-dialog-confirm')
    expect(calls2.callsOf('act_command')[0]).toEqual({
      command: { entity: 'complaint', complaint: 'K-1', command: { command: 'answer', answer: '已增设窗口' } },
    })
    m2.w.unmount()
  })
})
