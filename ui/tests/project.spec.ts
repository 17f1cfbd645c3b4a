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
const submitted = { ...projectView, project: { ...projectView.project, state: 'submitted_to_window', flow: null } }

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
})
