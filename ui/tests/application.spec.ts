import { describe, it, expect, beforeEach, afterEach, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import NewApplication from '../src/features/projects/NewApplication.vue'
import { session } from '../src/stores/session'
import { catalogueRef } from '../src/stores/catalogue'
import { fakeIpc, mountWith, tid, typeInto, inputOf, pickOption } from './helpers'
import catalogue from './fixtures/catalogue.json'
import projects from './fixtures/projects.json'
import library from './fixtures/material-library.json'
import actResult from './fixtures/act-result.json'
import refusals from './fixtures/refusals.json'
import validateFixture from './fixtures/validate.json'
import type { Catalogue } from '../src/api/types'

const PROJECT = projects[0].id
const KEY = `application:${PROJECT}`

function ipc(extra: Record<string, (req: Record<string, unknown>) => unknown> = {}, draft: unknown = null) {
  return fakeIpc({
    catalogue: () => catalogue,
    projects: () => projects,
    material_library: () => library,
    load_draft: () => draft,
    save_draft: () => null,
    delete_draft: () => true,
    validate: (req) =>
      (validateFixture.phone as Record<string, unknown>)[String(req.value)] ?? { ok: false, message: '格式不正确', normalized: null },
    ...extra,
  })
}

async function check(root: ParentNode, item: string) {
  const box = root.querySelector(tid(`apply-item-${item}`)) as HTMLElement
  const input = (box.matches('input') ? box : box.querySelector('input')) as HTMLInputElement
  input.click()
  await flushPromises()
}

describe('new application form', () => {
  beforeEach(() => {
    session.user = { id: 'applicant', name: '张建设', role: 'applicant', department: null, organisation: '91230102MA1C4K7P5Y', levels: [] }
    catalogueRef.value = catalogue as unknown as Catalogue
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('offers the items of the project flow grouped by stage', async () => {
    ipc()
    const { w } = await mountWithProject()
    const flow = catalogue.flows.find((f) => f.code === projects[0].flow)!
    const groups = w.findAll('[data-stage]')
    expect(groups.map((g) => g.attributes('data-stage'))).toEqual(flow.stages.map((s) => s.stage))
    expect(groups[0].find('h4').text()).toBe('立项用地规划许可')
    for (const [i, stage] of flow.stages.entries()) {
      const shown = groups[i].findAll('[data-testid^="apply-item-"]').map((e) => e.attributes('data-testid'))
      expect(shown).toEqual(stage.items.map((x) => `apply-item-${x.item}`))
    }
    // Department, time limit and fee are shown beside the item.
    expect(groups[0].text()).toContain('企业投资项目备案')
    expect(groups[0].text()).toContain('不收费')
    w.unmount()
  })

  it('saves the draft locally ~300 ms after the last change, never per keystroke', async () => {
    const calls = ipc()
    const { w } = await mountWithProject()
    await typeInto(w.element, 'apply-form-contact', '张')
    await typeInto(w.element, 'apply-form-contact', '张建')
    await typeInto(w.element, 'apply-form-contact', '张建设')
    await vi.advanceTimersByTimeAsync(200)
    expect(calls.callsOf('save_draft')).toHaveLength(0)
    await vi.advanceTimersByTimeAsync(150)
    await flushPromises()
    const saved = calls.callsOf('save_draft')
    expect(saved).toHaveLength(1)
    expect(saved[0].key).toBe(KEY)
    expect((saved[0].data as { form: { contact: string } }).form.contact).toBe('张建设')

    await check(w.element, 'FGW-01')
    await check(w.element, 'ZGJ-02')
    await vi.advanceTimersByTimeAsync(350)
    const last = calls.callsOf('save_draft').at(-1)?.data as { items: string[]; project: string }
    expect(last.items).toEqual(['FGW-01', 'ZGJ-02'])
    expect(last.project).toBe(PROJECT)
    w.unmount()
  })

  it('restores a saved draft', async () => {
    const draft = {
      project: PROJECT,
      works: 'W1',
      items: ['ZGJ-02'],
      form: { applicant_name: '哈尔滨建设有限公司', contact: '张建设', phone: '13804511234', description: '1号厂房' },
      materials: {},
      applicant: '',
      application: null,
      cases: [],
      stamped_form: null,
    }
    const calls = ipc({}, draft)
    const { w } = await mountWithProject()
    expect(calls.callsOf('load_draft')).toEqual([{ key: KEY }])
    expect(w.find(tid('apply-restored')).exists()).toBe(true)
    expect(inputOf(w.element, 'apply-form-contact').value).toBe('张建设')
    expect(inputOf(w.element, 'apply-form-description').value).toBe('1号厂房')
    const box = w.element.querySelector(tid('apply-item-ZGJ-02')) as HTMLElement
    expect((box.querySelector('input') as HTMLInputElement).checked).toBe(true)
    // Kept before works were per draft: it moves under its works' own key.
    expect(calls.callsOf('save_draft')[0].key).toBe(`${KEY}:W1`)
    expect(calls.callsOf('delete_draft')).toEqual([{ key: KEY }])
    w.unmount()
  })

  it('lists the materials of the picked items and offers the files given before (material library)', async () => {
    ipc()
    const { w } = await mountWithProject()
    await check(w.element, 'FGW-01')
    await check(w.element, 'ZGJ-02')
    const rows = w.findAll(tid('apply-material'))
    const names = rows.map((r) => r.attributes('data-material'))
    const fgw = catalogue.items.find((i) => i.code === 'FGW-01')!
    const zgj = catalogue.items.find((i) => i.code === 'ZGJ-02')!
    expect(names).toEqual([...fgw.materials, ...zgj.materials].map((m) => m.name))
    // Every required material was given before: it is preselected from the library.
    expect(w.find(tid('apply-problems')).text()).not.toContain('缺少必要材料')
    const survey = rows.findIndex((r) => r.attributes('data-material') === '建设项目用地勘测定界图')
    const picker = w.get(tid(`apply-material-select-${survey}`))
    expect(picker.text() + (picker.find('input').exists() ? (picker.find('input').element as HTMLInputElement).value : '')).toContain('site.png')
    w.unmount()
  })

  it('submits items, works and reused materials with the stamped form; offline it says queued', async () => {
    const calls = ipc({
      apply: () => ({ ...actResult, created: ['A-1', 'C-1', 'C-2'], synced: false, offline: '无法连接服务器' }),
      add_attachment: (req) => ({ id: 'stamped-1', name: req.name, size: 10, mime: 'pdf' }),
    })
    const { w } = await mountWithProject()
    await pickOption('apply-works-W1')
    await check(w.element, 'FGW-01')
    await check(w.element, 'ZGJ-02')
    await typeInto(w.element, 'apply-form-phone', '13804511234')
    // The stamped form: a new file read as base64.
    const file = new File([new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d])], '盖章申请表.pdf', { type: 'application/pdf' })
    const input = w.get(tid('apply-stamped-file')).element as HTMLInputElement
    Object.defineProperty(input, 'files', { value: [file] })
    input.dispatchEvent(new Event('change'))
    await flushPromises()
    await vi.advanceTimersByTimeAsync(10)
    expect(calls.callsOf('add_attachment')).toEqual([{ name: '盖章申请表.pdf', bytes_base64: 'JVBERi0=' }])

    await w.get(tid('apply-submit')).trigger('click')
    await flushPromises()
    const [req] = calls.callsOf('apply')
    expect(req.project).toBe(PROJECT)
    expect(req.works).toBe('W1')
    expect(req.items).toEqual(['FGW-01', 'ZGJ-02'])
    expect(req.stamped_form).toBe('stamped-1')
    const mats = req.materials as { name: string; attachment: string }[]
    expect(mats.find((m) => m.name === '建设项目用地勘测定界图')?.attachment).toBe(library[1].id)
    expect(mats.find((m) => m.name === '项目符合国家产业政策的声明')?.attachment).toBe(library[0].id)
    expect(w.get(tid('apply-result-info')).text()).toBe('当前离线，申报已保存，联网后自动提交')
    expect(calls.callsOf('delete_draft')).toEqual([{ key: `${KEY}:W1` }])
    w.unmount()
  })

  it('keeps one draft per project and works: switching never overwrites another works draft', async () => {
    // A drafts store the fake shell keeps, as the real one does in its own file.
    const store = new Map<string, unknown>()
    const twoWorks = [{ ...projects[0], works: [...projects[0].works, { ...projects[0].works[0], id: 'W2', name: '2 号厂房' }] }]
    const calls = ipc({
      projects: () => twoWorks,
      load_draft: (req) => store.get(String(req.key)) ?? null,
      save_draft: (req) => {
        store.set(String(req.key), req.data)
        return null
      },
      delete_draft: (req) => store.delete(String(req.key)),
    })
    const { w } = await mountWithProject()
    expect(w.find(tid('apply-restored')).exists()).toBe(false)
    await pickOption('apply-works-W1')
    await check(w.element, 'FGW-01')
    await typeInto(w.element, 'apply-form-contact', '张建设')
    await vi.advanceTimersByTimeAsync(350)
    expect((store.get(`${KEY}:W1`) as { items: string[] }).items).toEqual(['FGW-01'])

    // Another works right after a change (within the 300 ms): the first works' draft is
    // written at once, the second starts without its items and says nothing about 已恢复.
    await check(w.element, 'ZGJ-02')
    await pickOption('apply-works-W2')
    await flushPromises()
    expect((store.get(`${KEY}:W1`) as { items: string[] }).items).toEqual(['FGW-01', 'ZGJ-02'])
    expect(calls.callsOf('load_draft').at(-1)).toEqual({ key: `${KEY}:W2` })
    expect(w.find(tid('apply-restored')).exists()).toBe(false)
    const fgw = w.element.querySelector(tid('apply-item-FGW-01')) as HTMLElement
    expect((fgw.querySelector('input') as HTMLInputElement).checked).toBe(false)
    expect(inputOf(w.element, 'apply-form-contact').value).toBe('张建设')
    await check(w.element, 'ZGJ-03')
    await vi.advanceTimersByTimeAsync(350)
    expect((store.get(`${KEY}:W2`) as { items: string[] }).items).toEqual(['ZGJ-03'])
    expect((store.get(`${KEY}:W1`) as { items: string[] }).items).toEqual(['FGW-01', 'ZGJ-02'])

    // Back to the first works: its own draft comes back, with the banner.
    await pickOption('apply-works-W1')
    await flushPromises()
    expect(w.find(tid('apply-restored')).exists()).toBe(true)
    const zgj = w.element.querySelector(tid('apply-item-ZGJ-02')) as HTMLElement
    expect((zgj.querySelector('input') as HTMLInputElement).checked).toBe(true)
    w.unmount()
  })

  it('shows a refusal next to the form and keeps everything typed', async () => {
    ipc({ apply: () => ({ ...actResult, created: [], refused: refusals }), add_attachment: () => ({ id: 's', name: 's', size: 1, mime: 'pdf' }) })
    const { w } = await mountWithProject()
    await pickOption('apply-works-W1')
    await check(w.element, 'FGW-01')
    await typeInto(w.element, 'apply-form-contact', '张建设')
    await pickOption('apply-stamped-option-' + library[0].id)
    await w.get(tid('apply-submit')).trigger('click')
    await flushPromises()
    expect(w.get(tid('apply-result-error')).text()).toContain('操作被拒绝')
    expect(w.get(tid('apply-result-error')).text()).toContain((refusals as { message: string }[])[0].message)
    expect(inputOf(w.element, 'apply-form-contact').value).toBe('张建设')
    expect(((w.element.querySelector(tid('apply-item-FGW-01')) as HTMLElement).querySelector('input') as HTMLInputElement).checked).toBe(true)
    w.unmount()
  })
})

async function mountWithProject() {
  // NewApplication reads ?project= at setup: start the router on that route before mounting.
  const { testRouter } = await import('./helpers')
  const router = testRouter()
  await router.push({ path: '/apply', query: { project: PROJECT } })
  await router.isReady()
  const { mount } = await import('@vue/test-utils')
  const ElementPlus = (await import('element-plus')).default
  const w = mount(NewApplication, { attachTo: document.body, global: { plugins: [ElementPlus, router] } })
  await flushPromises()
  return { w, router }
}
