import { describe, it, expect, beforeEach } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import ProjectPage from '../src/features/projects/ProjectPage.vue'
import Overview from '../src/features/statistics/Overview.vue'
import MyProjects from '../src/features/projects/MyProjects.vue'
import projects from './fixtures/projects.json'
import { session } from '../src/stores/session'
import { catalogueRef } from '../src/stores/catalogue'
import { preview } from '../src/stores/preview'
import { fakeIpc, mountWith, tid, typeInto, pickOption } from './helpers'
import catalogue from './fixtures/catalogue.json'
import projectView from './fixtures/project-view.json'
import actResult from './fixtures/act-result.json'
import overview from './fixtures/overview.json'
import type { Catalogue } from '../src/api/types'

const PID = projectView.project.id
/** The domain's answer (`Project::available_actions`) as the client sends it: these allowed. */
const allowing = (...allowed: string[]) =>
  ['edit', 'submit', 'request_correction', 'choose_flow', 'add_works', 'close'].map((action) => ({ action, label: action, refusal: allowed.includes(action) ? null : '不能' }))
// At the window's desk: the window may complete, send back, choose the flow, add works, close.
const submitted = {
  ...projectView,
  project: { ...projectView.project, state: 'submitted_to_window', flow: null },
  available_actions: allowing('edit', 'request_correction', 'choose_flow', 'add_works', 'close'),
}

describe('project page', () => {
  beforeEach(() => {
    catalogueRef.value = catalogue as unknown as Catalogue
    preview.open = false
    preview.source = null
  })

  it('the window chooses the flow (its category first) and the one-time notice opens', async () => {
    session.user = { id: 'window', name: '王窗口', role: 'window_operator', department: null, organisation: null, levels: [] }
    const ipc = fakeIpc({ project: () => submitted, catalogue: () => catalogue, choose_flow: () => actResult })
    const { w } = await mountWith(ProjectPage, { props: { id: PID } })
    expect(w.get(tid('project-state')).attributes('data-state')).toBe('submitted_to_window')
    const options = [...document.querySelectorAll('[data-testid^="project-flow-"]')].map((o) => o.getAttribute('data-testid'))
    expect(options[0]).toBe('project-flow-LC-SH-CF')
    await pickOption('project-flow-LC-SH-CF')
    await w.get(tid('project-choose-flow')).trigger('click')
    await flushPromises()
    expect(ipc.callsOf('choose_flow')).toEqual([{ project: PID, flow: 'LC-SH-CF' }])
    expect(preview.source).toEqual({ type: 'document', kind: 'one_time_notice', id: PID })
    w.unmount()
  })

  it('the window sends the registration back with one list of problems; a refusal shows next to it', async () => {
    session.user = { id: 'window', name: '王窗口', role: 'window_operator', department: null, organisation: null, levels: [] }
    const ipc = fakeIpc({
      project: () => submitted,
      catalogue: () => catalogue,
      request_project_correction: () => {
        throw { code: 'refused', message: '项目当前状态为“已选择审批流程”，不能退回修正' }
      },
    })
    const { w } = await mountWith(ProjectPage, { props: { id: PID } })
    await typeInto(w.element, 'project-problems', '建设地点不详\n联系人电话有误\n')
    await w.get(tid('project-request-correction')).trigger('click')
    await flushPromises()
    expect(ipc.callsOf('request_project_correction')).toEqual([{ project: PID, problems: ['建设地点不详', '联系人电话有误'] }])
    expect(w.get(tid('project-act-error')).text()).toBe('操作被拒绝：项目当前状态为“已选择审批流程”，不能退回修正')
    w.unmount()
  })

  it('shows the project, its cases and its trail to the applicant', async () => {
    session.user = { id: 'applicant', name: '张建设', role: 'applicant', department: null, organisation: '91230102MA1C4K7P5Y', levels: [] }
    fakeIpc({ project: () => projectView, catalogue: () => catalogue })
    const { w } = await mountWith(ProjectPage, { props: { id: PID } })
    expect(w.get(tid('project-code')).text()).toBe(projectView.project.details.code)
    expect(w.findAll(tid('project-case-row')).map((r) => r.attributes('data-case')).sort()).toEqual(projectView.cases.map((c) => c.id).sort())
    expect(w.findAll(tid('trail-event')).map((e) => e.attributes('data-change'))).toEqual(['registered', 'works_added', 'submitted', 'flow_chosen', 'one_time_notice_issued'])
    expect(w.find(tid('project-new-application')).exists()).toBe(true)
    w.unmount()
  })
})

describe('reform office overview', () => {
  it('shows cases by stage and department with overdue counts', async () => {
    session.user = { id: 'reform', name: '市工改办', role: 'reform_office', department: null, organisation: null, levels: [] }
    fakeIpc({ overview: () => overview })
    const { w } = await mountWith(Overview)
    expect(w.get(tid('overview-total-overdue')).text()).toBe('1')
    expect(w.findAll(tid('overview-stage-overdue')).map((e) => e.text())).toEqual(['1', '0'])
    expect(w.get(tid('overview-stages')).text()).toContain('立项用地规划许可')
    expect(w.findAll(tid('overview-department-overdue')).map((e) => e.text())).toEqual(['1', '0', '0'])
    expect(w.get(tid('overview-departments')).text()).toContain('哈尔滨市发展和改革委员会')
    w.unmount()
  })
})

describe('project lists', () => {
  it('name the approval flow instead of its code, in the list and on the project page', async () => {
    catalogueRef.value = catalogue as unknown as Catalogue
    session.user = { id: 'applicant', name: '张建设', role: 'applicant', department: null, organisation: '91230102MA1C4K7P5Y', levels: [] }
    fakeIpc({ projects: () => projects, catalogue: () => catalogue, project: () => projectView, material_library: () => [] })
    const list = (await mountWith(MyProjects)).w
    const table = list.get(tid('projects-table')).text()
    expect(table).toContain('社会投资厂房项目审批流程')
    expect(table).not.toContain('LC-SH-CF')
    list.unmount()
    const page = (await mountWith(ProjectPage, { props: { id: PID } })).w
    expect(page.get(tid('project-page')).text()).toContain('社会投资厂房项目审批流程')
    page.unmount()
  })

  it('offers exactly what the domain allows: the applicant adds works, the window closes and edits', async () => {
    session.user = { id: 'applicant', name: '张建设', role: 'applicant', department: null, organisation: '91230102MA1C4K7P5Y', levels: [] }
    const ipc = fakeIpc({ project: () => projectView, catalogue: () => catalogue, add_works: () => actResult })
    const { w } = await mountWith(ProjectPage, { props: { id: PID } })
    // The fixture's answer for the applicant: only 添加工程 is allowed.
    expect(['project-submit', 'project-edit', 'project-close', 'project-choose-flow'].map((id) => w.find(tid(id)).exists())).toEqual([false, false, false, false])
    await w.get(tid('project-add-works')).trigger('click')
    await flushPromises()
    ;(document.querySelector(tid('works-confirm')) as HTMLElement).click()
    await flushPromises()
    expect(document.querySelector(tid('works-error'))?.textContent?.trim()).toBe('请填写单项工程名称')
    await typeInto(document.body, 'works-name', '2 号厂房')
    await typeInto(document.body, 'works-area', '8000')
    ;(document.querySelector(tid('works-confirm')) as HTMLElement).click()
    await flushPromises()
    const taken = new Set(projectView.project.works.map((x) => x.id))
    const sent = ipc.callsOf('add_works')[0] as { works_id: string; name: string; area: string }
    expect(sent.name).toBe('2 号厂房')
    expect(sent.area).toBe('8000')
    expect(sent.works_id).toMatch(/^W-\d+$/)
    expect(taken.has(sent.works_id)).toBe(false)
    w.unmount()

    session.user = { id: 'window', name: '王窗口', role: 'window_operator', department: null, organisation: null, levels: [] }
    const ipc2 = fakeIpc({ project: () => submitted, catalogue: () => catalogue, close_project: () => actResult })
    const { w: w2, router } = await mountWith(ProjectPage, { props: { id: PID } })
    await w2.get(tid('project-close')).trigger('click')
    await flushPromises()
    await typeInto(document.body, 'close-reason', '建设单位申请终止')
    ;(document.querySelector(tid('close-confirm')) as HTMLElement).click()
    await flushPromises()
    expect(ipc2.callsOf('close_project')).toEqual([{ project: PID, reason: '建设单位申请终止' }])
    await w2.get(tid('project-edit')).trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.path).toBe(`/projects/${PID}/edit`)
    w2.unmount()
  })
})
