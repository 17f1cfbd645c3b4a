import { describe, it, expect, beforeEach } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import CasePage from '../src/features/cases/CasePage.vue'
import { session } from '../src/stores/session'
import { catalogueRef } from '../src/stores/catalogue'
import { preview } from '../src/stores/preview'
import { installShortcutHandler } from '../src/shortcuts'
import { availableActions } from '../src/features/cases/caseActions'
import { fakeIpc, mountWith, tid, typeInto, inputOf } from './helpers'
import catalogue from './fixtures/catalogue.json'
import caseShow from './fixtures/case-show.json'
import caseGranted from './fixtures/case-granted.json'
import trail from './fixtures/trail.json'
import clock from './fixtures/clock.json'
import actResult from './fixtures/act-result.json'
import library from './fixtures/material-library.json'
import projectView from './fixtures/project-view.json'
// The domain's own answer (crates/domain/tests/case_workflow.rs writes it; a stale copy fails there).
import offeredByDomain from './fixtures/available-actions.json'
import type { ActionAvailability, Case, CaseDetail, Catalogue, ClockPhase, UserInfo } from '../src/api/types'

const inReview = caseShow as unknown as Case
const submitted: Case = { ...inReview, state: 'submitted', accepted_at: null, terms: null, sign_offs: [], pauses: [], procedures: [] }
const received: Case = { ...submitted, state: 'received' }

/** The domain's available actions for a case in this state, as the logged-in user. */
function offered(c: Case, role = session.user?.role): ActionAvailability[] {
  const commitment =
    c.commitment === 'requested'
      ? '_commitment_requested'
      : c.commitment === 'confirmed'
        ? '_commitment_confirmed'
        : c.state === 'received' && c.commitment_allowed
          ? '_commitment_allowed'
          : ''
  const table = offeredByDomain as unknown as Record<string, ActionAvailability[]>
  return table[`${c.state}${commitment}/${role}`] ?? []
}

// What the shell's ClockView.phase says in each state of an accepted case (the domain's
// CaseState::clock_phase; crates/domain/tests/case_workflow.rs holds the table).
const PHASE: Record<Case['state'], ClockPhase> = {
  draft: 'not_accepted',
  submitted: 'not_accepted',
  received: 'not_accepted',
  correction_requested: 'not_accepted',
  in_review: 'running',
  paused: 'paused',
  returned: 'terminated',
  not_accepted: 'terminated',
  withdrawn: 'terminated',
  granted: 'completed',
  denied: 'completed',
}

function detail(c: Case, withClock = true): CaseDetail {
  return {
    available_actions: offered(c),
    case: c,
    trail: trail as unknown as CaseDetail['trail'],
    clock: withClock ? { ...(clock as unknown as CaseDetail['clock']), phase: PHASE[c.state] } : { phase: 'not_accepted', reading: null, used_working_days: null, remaining_working_days: null, provisional: null, note: '办件尚未受理，法定时限自受理之日的次日起计算' },
    item_name: '企业投资项目备案',
    department_name: '哈尔滨市发展和改革委员会',
    project_name: '哈尔滨新区智能制造厂房',
    next_action: null,
    // reads::case_detail: the item's materials in the catalogue's order, then others attached.
    materials_to_correct: ['企业投资项目备案申请表', '项目单位营业执照', '建设项目用地勘测定界图'],
    // reads::special_procedures (the domain's SpecialProcedureKind::is_timed, seed 3).
    special_procedures: [
      { kind: 'public_notice', label: '公示', timed: false },
      { kind: 'expert_review', label: '专家审查', timed: true },
    ],
    // The shell's RatingSubject::of_case(..).form(): set once the case is finished.
    rating: ['granted', 'denied', 'returned', 'not_accepted', 'withdrawn'].includes(c.state)
      ? {
          subject: { subject: 'case', case: c.id, item: c.item, department: c.department, applicant: c.applicant },
          evaluation: `case/${c.id}`,
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
      : null,
  }
}

const WINDOW: UserInfo = { id: 'window', name: '王窗口', role: 'window_operator', department: null, organisation: null, levels: [] }
const REVIEWER: UserInfo = { id: 'reviewer-fgw-3', name: '复核员（市发改委）', role: 'department_reviewer', department: 'FGW', organisation: null, levels: [] }
const APPLICANT: UserInfo = { id: 'applicant', name: '张建设', role: 'applicant', department: null, organisation: '91230102MA1C4K7P5Y', levels: [] }

function common(c: Case, extra: Record<string, (req: Record<string, unknown>) => unknown> = {}, withClock = true) {
  return fakeIpc({
    case_detail: () => detail(c, withClock),
    material_library: () => [],
    catalogue: () => catalogue,
    ...extra,
  })
}

function altKey(n: number) {
  window.dispatchEvent(new KeyboardEvent('keydown', { altKey: true, code: `Digit${n}`, key: String(n), bubbles: true }))
}

describe('case page', () => {
  beforeEach(() => {
    catalogueRef.value = catalogue as unknown as Catalogue
    preview.open = false
    preview.source = null
    installShortcutHandler()
  })

  it('offers the window its actions with visible Alt+N shortcuts, and Alt+1 receives', async () => {
    session.user = WINDOW
    const ipc = common(submitted, { case_act: () => actResult })
    const { w } = await mountWith(CasePage, { props: { id: inReview.id } })
    const btn = w.get(tid('case-action-receive'))
    expect(btn.text()).toContain('Alt+1')
    expect(btn.text()).toContain('接件')
    altKey(1)
    await flushPromises()
    expect(ipc.callsOf('case_act')).toEqual([{ case: inReview.id, action: { type: 'receive' } }])
    expect(w.get(tid('case-act-info')).text()).toBe('操作已提交')
    w.unmount()
  })

  it('accepting opens the acceptance receipt preview', async () => {
    session.user = WINDOW
    const ipc = common(received, { case_act: () => actResult })
    const { w } = await mountWith(CasePage, { props: { id: inReview.id } })
    const keys = w.findAll('[data-testid^="case-action-"]').map((b) => [b.attributes('data-testid'), b.attributes('data-shortcut')])
    // FGW-01 does not allow commitment-based handling, so no 申请告知承诺确认.
    expect(inReview.commitment_allowed).toBe(false)
    expect(keys).toEqual([
      ['case-action-accept', 'Alt+1'],
      ['case-action-request_correction', 'Alt+2'],
      ['case-action-refuse', 'Alt+3'],
    ])
    await typeInto(w.element, 'case-opinion', '材料齐全')
    await w.get(tid('case-action-accept')).trigger('click')
    await flushPromises()
    expect(ipc.callsOf('case_act')).toEqual([{ case: inReview.id, action: { type: 'accept', commitment: false }, opinion: '材料齐全' }])
    expect(preview.open).toBe(true)
    expect(preview.source).toEqual({ type: 'document', kind: 'acceptance_receipt', id: inReview.id })
    w.unmount()
  })

  it('one-time correction: one list of material = reason rows, then the correction notice', async () => {
    session.user = WINDOW
    const ipc = common(received, { case_act: () => actResult })
    const { w } = await mountWith(CasePage, { props: { id: inReview.id } })
    await w.get(tid('case-action-request_correction')).trigger('click')
    await flushPromises()
    // Confirm with no rows: told what is missing, nothing sent.
    ;(document.querySelector(tid('act-confirm')) as HTMLElement).click()
    await flushPromises()
    expect(document.querySelector(tid('act-dialog-error'))?.textContent?.trim()).toBe('请至少填写一条材料与原因')
    expect(ipc.callsOf('case_act')).toHaveLength(0)

    const dlg = document.body
    await typeInto(dlg, 'act-point-material-0', '建设项目用地勘测定界图')
    await typeInto(dlg, 'act-point-reason-0', '图纸比例不符合要求')
    ;(document.querySelector(tid('act-add-row')) as HTMLElement).click()
    await flushPromises()
    await typeInto(dlg, 'act-point-material-1', '建设用地规划许可申请表')
    await typeInto(dlg, 'act-point-reason-1', '缺少建设单位盖章')
    ;(document.querySelector(tid('act-confirm')) as HTMLElement).click()
    await flushPromises()
    expect(ipc.callsOf('case_act')[0].action).toEqual({
      type: 'request_correction',
      points: [
        { material: '建设项目用地勘测定界图', reason: '图纸比例不符合要求' },
        { material: '建设用地规划许可申请表', reason: '缺少建设单位盖章' },
      ],
    })
    expect(preview.source).toEqual({ type: 'document', kind: 'correction_notice', id: inReview.id })
    w.unmount()
  })

  it('one-time correction by ticking the case materials, each with its reason', async () => {
    session.user = WINDOW
    const ipc = common(received, { case_act: () => actResult })
    const { w } = await mountWith(CasePage, { props: { id: inReview.id } })
    await w.get(tid('case-action-request_correction')).trigger('click')
    await flushPromises()
    const ticks = [...document.querySelectorAll('[data-testid^="act-tick-"][data-material]')].map((e) => e.getAttribute('data-material'))
    expect(ticks).toEqual(['企业投资项目备案申请表', '项目单位营业执照', '建设项目用地勘测定界图'])
    // Tick the second material: without a reason, the dialog names it and sends nothing.
    ;(document.querySelector(`${tid('act-tick-1')} input`) as HTMLInputElement).click()
    await flushPromises()
    ;(document.querySelector(tid('act-confirm')) as HTMLElement).click()
    await flushPromises()
    expect(document.querySelector(tid('act-dialog-error'))?.textContent?.trim()).toBe('请填写“项目单位营业执照”需要补正的原因')
    expect(ipc.callsOf('case_act')).toHaveLength(0)
    await typeInto(document.body, 'act-tick-reason-1', '已超过有效期')
    // And one material outside the list, in the free rows.
    await typeInto(document.body, 'act-point-material-0', '授权委托书')
    await typeInto(document.body, 'act-point-reason-0', '缺少签字或盖章')
    ;(document.querySelector(tid('act-confirm')) as HTMLElement).click()
    await flushPromises()
    expect(ipc.callsOf('case_act')[0].action).toEqual({
      type: 'request_correction',
      points: [
        { material: '项目单位营业执照', reason: '已超过有效期' },
        { material: '授权委托书', reason: '缺少签字或盖章' },
      ],
    })
    w.unmount()
  })

  it('shows the 办件编号, or 待编号 before the server has numbered the case', async () => {
    session.user = WINDOW
    common(received)
    const { w } = await mountWith(CasePage, { props: { id: inReview.id } })
    expect(w.get(tid('case-number')).text()).toBe(received.number as string)
    w.unmount()
    common({ ...received, number: null })
    const { w: w2 } = await mountWith(CasePage, { props: { id: inReview.id } })
    expect(w2.get(tid('case-number')).text()).toBe('待编号')
    w2.unmount()
  })

  it('the applicant on 待补正 sees exactly what to correct', async () => {
    session.user = APPLICANT
    const asked: Case = {
      ...inReview,
      state: 'correction_requested',
      corrections: [
        ['2026-11-20T02:00:00Z', [{ material: '旧材料', reason: '已处理' }]],
        ['2026-11-24T03:30:00Z', [{ material: '项目单位营业执照', reason: '已超过有效期' }, { material: '授权委托书', reason: '缺少签字或盖章' }]],
      ],
    }
    common(asked)
    const { w } = await mountWith(CasePage, { props: { id: inReview.id } })
    const panel = w.get(tid('case-to-correct'))
    expect(panel.text()).toContain('需要补正的材料')
    expect(panel.text()).toContain('2026-11-24 11:30 告知，共 2 项')
    expect(w.findAll(tid('case-to-correct-point')).map((p) => p.text())).toEqual(['项目单位营业执照：已超过有效期', '授权委托书：缺少签字或盖章'])
    w.unmount()
  })

  it('a special procedure is started without a timed choice: the law says, and the dialog shows it', async () => {
    session.user = REVIEWER
    const ipc = common(inReview, { case_act: () => actResult })
    const { w } = await mountWith(CasePage, { props: { id: inReview.id } })
    await w.get(tid('case-action-start_special')).trigger('click')
    await flushPromises()
    expect(document.querySelector(tid('act-timed'))?.textContent?.trim()).toBe('计入办理时限（依细则第三条）')
    ;(document.querySelector(tid('act-confirm')) as HTMLElement).click()
    await flushPromises()
    expect(ipc.callsOf('case_act')[0].action).toEqual({ type: 'start_special', kind: 'expert_review' })
    w.unmount()
  })

  it('an extension names no approver: the head who grants it is the signed-in user', async () => {
    session.user = REVIEWER
    const ipc = common(inReview, { case_act: () => actResult })
    const { w } = await mountWith(CasePage, { props: { id: inReview.id } })
    await w.get(tid('case-action-extend')).trigger('click')
    await flushPromises()
    expect(document.querySelector(tid('act-approved-by'))?.textContent?.trim()).toBe('本人（部门负责人，每件限延期一次）')
    await typeInto(document.body, 'act-reason', '需组织专家论证')
    ;(document.querySelector(tid('act-confirm')) as HTMLElement).click()
    await flushPromises()
    expect(ipc.callsOf('case_act')[0].action).toEqual({ type: 'extend', days: 10, reason: '需组织专家论证' })
    w.unmount()
  })

  it('a refusal appears next to the action box and the opinion stays', async () => {
    session.user = REVIEWER
    const message = '层级审批应由“复核”签署，实际为“受理”'
    common(inReview, {
      case_act: () => {
        throw { code: 'refused', message, field: null }
      },
    })
    const { w } = await mountWith(CasePage, { props: { id: inReview.id } })
    expect(w.get(tid('case-action-sign_off')).text()).toContain('层级审批签署（复核）')
    await typeInto(w.element, 'case-opinion', '复核通过，同意')
    await w.get(tid('case-action-sign_off')).trigger('click')
    await flushPromises()
    expect(w.get(tid('case-act-error')).text()).toBe(`操作被拒绝：${message}`)
    expect(inputOf(w.element, 'case-opinion').value).toBe('复核通过，同意')
    w.unmount()
  })

  it('the reviewer signs the next level with an opinion, and sees how the deadline was reckoned', async () => {
    session.user = REVIEWER
    const ipc = common(inReview, { case_act: () => actResult })
    const { w } = await mountWith(CasePage, { props: { id: inReview.id } })
    expect(w.get(tid('case-levels')).text()).toContain('受理 → 审核 → 复核 → 签批')
    const spans = w.findAll(tid('clock-span'))
    const explain = clock.reading.explain
    expect(spans).toHaveLength(explain.length)
    expect(spans.map((s) => s.attributes('data-kind'))).toEqual(explain.map((e) => e.kind))
    expect(spans.map((s) => s.attributes('data-counted'))).toEqual(explain.map((e) => String(e.counted_minutes > 0)))
    expect(w.get(tid('case-clock')).text()).toContain('暂停整改，不计时')
    expect(w.get(tid('case-clock')).text()).toContain('特别程序（公示），不计时')
    expect(w.get(tid('case-level')).attributes('data-level')).toBe('normal')
    expect(w.get(tid('case-remaining')).text()).toBe('6.9')
    expect(w.findAll(tid('trail-event')).map((e) => e.attributes('data-change'))).toContain('special_procedure_ended')

    await typeInto(w.element, 'case-opinion', '复核通过')
    altKey(1)
    await flushPromises()
    expect(ipc.callsOf('case_act')).toEqual([{ case: inReview.id, action: { type: 'sign_off', level: '复核' }, opinion: '复核通过' }])
    w.unmount()
  })

  it('the applicant sees the e-certificate of a granted case and opens it', async () => {
    session.user = APPLICANT
    common(caseGranted as unknown as Case)
    const { w } = await mountWith(CasePage, { props: { id: inReview.id } })
    expect(w.get(tid('case-state')).attributes('data-state')).toBe('granted')
    expect(w.get(tid('case-certificate')).text()).toContain('企业投资项目备案证明')
    expect(w.get(tid('case-certificate')).text()).toContain('哈发改备〔2026〕001号')
    await w.get(tid('case-download-cert')).trigger('click')
    expect(preview.source).toEqual({ type: 'document', kind: 'certificate', id: inReview.id })
    w.unmount()
  })
})

describe('case facts in words', () => {
  beforeEach(() => {
    catalogueRef.value = catalogue as unknown as Catalogue
    installShortcutHandler()
  })

  it('a paused case says the clock is stopped, with the days used and the paused level', async () => {
    session.user = REVIEWER
    const paused: Case = { ...inReview, state: 'paused' }
    const pausedClock = {
      ...(clock as unknown as CaseDetail['clock']),
      phase: 'paused' as const,
      reading: { ...(clock.reading as unknown as NonNullable<CaseDetail['clock']['reading']>), deadline: null, level: 'paused' as const },
      note: '尚未受理，未开始计时',
    }
    fakeIpc({
      case_detail: () => ({ ...detail(paused), clock: pausedClock }),
      material_library: () => [],
      catalogue: () => catalogue,
    })
    const { w } = await mountWith(CasePage, { props: { id: inReview.id } })
    const deadline = w.get(tid('case-deadline'))
    expect(deadline.text()).toBe('暂停中，恢复后顺延')
    expect(deadline.attributes('data-phase')).toBe('paused')
    expect(w.get(tid('case-facts')).text()).not.toContain('尚未受理')
    expect(w.get(tid('case-used')).text()).toBe('13.1')
    expect(w.get(tid('case-level')).attributes('data-level')).toBe('paused')
    expect(w.get(tid('case-clock-summary')).text()).toContain('办理期限：暂停中，恢复后顺延')
    w.unmount()
  })

  it('before acceptance it says 尚未受理 and shows no level', async () => {
    session.user = WINDOW
    common(submitted, {}, false)
    const { w } = await mountWith(CasePage, { props: { id: inReview.id } })
    expect(w.get(tid('case-deadline')).text()).toBe('尚未受理，未开始计时')
    expect(w.find(tid('case-level')).exists()).toBe(false)
    w.unmount()
  })

  it('a granted case shows when it ended and the days used instead of a deadline', async () => {
    session.user = REVIEWER
    common(caseGranted as unknown as Case)
    const { w } = await mountWith(CasePage, { props: { id: inReview.id } })
    const facts = w.get(tid('case-facts'))
    expect(facts.text()).toContain('办结时间')
    expect(w.get(tid('case-deadline')).text()).toBe('2026-11-26 18:44')
    expect(w.get(tid('case-deadline')).attributes('data-phase')).toBe('completed')
    expect(w.get(tid('case-used')).text()).toBe('13.1')
    expect(facts.text()).toContain('已用时限')
    expect(w.find(tid('case-remaining')).exists()).toBe(false)
    expect(w.find(tid('case-level')).exists()).toBe(false)
    expect(facts.text()).not.toContain('2026-12-04 17:00')
    const summary = w.get(tid('case-clock-summary')).text()
    expect(summary).toContain('办结时间：2026-11-26 18:44')
    expect(summary).not.toContain('剩余')
    w.unmount()
  })

  it('a returned case is 终止 with its end time', async () => {
    session.user = REVIEWER
    common({ ...inReview, state: 'returned', ended_at: '2026-11-27T01:30:00Z' })
    const { w } = await mountWith(CasePage, { props: { id: inReview.id } })
    expect(w.get(tid('case-facts')).text()).toContain('终止时间')
    expect(w.get(tid('case-deadline')).text()).toBe('2026-11-27 09:30')
    w.unmount()
  })

  it('names the applicant (the builder, credit code beside) and the files of the materials', async () => {
    session.user = REVIEWER
    const ipc = common(inReview, {
      project: () => projectView,
      material_library: () => library,
    })
    const { w } = await mountWith(CasePage, { props: { id: inReview.id } })
    expect(ipc.callsOf('project')).toEqual([{ id: inReview.project }])
    const applicant = w.get(tid('case-applicant'))
    expect(applicant.text()).toContain(projectView.project.details.builder.name)
    expect(applicant.get('.code-aside').text()).toBe('91230102MA1C4K7P5Y')

    const files = w.findAll(tid('case-material-file'))
    expect(files).toHaveLength(inReview.materials.length)
    const byHash = Object.fromEntries(files.map((f) => [f.attributes('data-attachment'), f.text()]))
    expect(byHash[library[0].id]).toBe('application-form.pdf')
    expect(byHash[library[1].id]).toBe('site.png')
    // No full 64-character hash as text in the materials table; unknown files get a short id.
    expect(w.get(tid('case-materials')).text()).not.toMatch(/[0-9a-f]{64}/)
    for (const f of files) expect(f.text().length).toBeLessThan(40)
    w.unmount()
  })

  it('without the project it still shows the credit code', async () => {
    session.user = REVIEWER
    common(inReview)
    const { w } = await mountWith(CasePage, { props: { id: inReview.id } })
    expect(w.get(tid('case-applicant')).text()).toBe('91230102MA1C4K7P5Y')
    w.unmount()
  })
})

describe('available actions', () => {
  it('are the domain\'s answer, turned into buttons in its order', () => {
    const keys = (u: UserInfo, c: Case) => availableActions(offered(c, u.role), c).map((a) => a.key)
    expect(keys(WINDOW, { ...received, commitment_allowed: true })).toEqual([
      'request_commitment', 'accept', 'request_correction', 'refuse',
    ])
    expect(keys(WINDOW, inReview)).toEqual([])
    expect(keys(REVIEWER, submitted)).toEqual([])
    // Paused: resume, and the extension and return the domain allows while paused.
    expect(keys(REVIEWER, { ...inReview, state: 'paused' })).toEqual(['resume', 'extend', 'return'])
    expect(keys(REVIEWER, { ...received, commitment: 'requested' })).toEqual(['confirm_commitment', 'decline_commitment'])
    expect(keys(APPLICANT, { ...inReview, state: 'correction_requested' })).toEqual(['attach_material', 'detach_material', 'submit', 'withdraw'])
    expect(keys(WINDOW, { ...received, commitment: 'confirmed', commitment_allowed: true })).toEqual(['accept', 'accept_commitment', 'request_correction', 'refuse'])
    // Nothing is offered without the domain's answer.
    expect(availableActions(undefined, received)).toEqual([])
  })
})
