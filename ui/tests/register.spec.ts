import { describe, it, expect, beforeEach } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import RegisterProject from '../src/features/projects/RegisterProject.vue'
import { session } from '../src/stores/session'
import { catalogueRef } from '../src/stores/catalogue'
import { fakeIpc, mountWith, tid, typeInto, inputOf, pickOption } from './helpers'
import validateFixture from './fixtures/validate.json'
import catalogue from './fixtures/catalogue.json'
import actResult from './fixtures/act-result.json'
import refusals from './fixtures/refusals.json'
import type { Catalogue } from '../src/api/types'
import projectView from './fixtures/project-view.json'
import districts from './fixtures/districts.json'

type Kind = keyof typeof validateFixture
const answers = validateFixture as Record<Kind, Record<string, { ok: boolean; message: string | null; normalized: string | null }>>

/** The shell's `validate`, answering from the real CLI's outputs. */
function validate(req: Record<string, unknown>) {
  const a = answers[req.kind as Kind]?.[String(req.value)]
  if (!a) return { ok: false, message: `未知：${String(req.value)}`, normalized: null }
  return a
}

function baseIpc(extra: Record<string, (req: Record<string, unknown>) => unknown> = {}) {
  return fakeIpc({
    validate,
    catalogue: () => catalogue,
    districts: () => districts,
    load_draft: () => null,
    save_draft: () => null,
    delete_draft: () => true,
    ...extra,
  })
}

async function fillValid(root: ParentNode) {
  await typeInto(root, 'register-code', '2022-230102-48-01-000001')
  await typeInto(root, 'register-name', '哈尔滨新区智能制造厂房')
  await typeInto(root, 'register-builder', '哈尔滨建设有限公司')
  await typeInto(root, 'register-credit-code', '91230102MA1C4K7P5Y')
  await pickOption('register-category-SH-CF')
  await pickOption('register-district-option-230102')
  await typeInto(root, 'register-address', '道里区新农镇工业园1号')
  await typeInto(root, 'register-contact-name-0', '张建设')
  await typeInto(root, 'register-contact-phone-0', '13804511234')
}

describe('project registration form', () => {
  beforeEach(() => {
    session.user = { id: 'applicant', name: '张建设', role: 'applicant', department: null, organisation: '91230102MA1C4K7P5Y', levels: [] }
    catalogueRef.value = catalogue as unknown as Catalogue
  })

  it('checks the project code as the user types and shows the domain message under the field', async () => {
    const ipc = baseIpc()
    const { w } = await mountWith(RegisterProject)
    const root = w.element

    await typeInto(root, 'register-code', '2022')
    expect(w.get(tid('register-code-error')).text()).toBe('项目代码应为24位，实际为4位')

    await typeInto(root, 'register-code', '2022-230102-48-01-00000')
    expect(w.get(tid('register-code-error')).text()).toBe('项目代码应为24位，实际为23位')

    await typeInto(root, 'register-code', '2022-999999-48-01-000001')
    expect(w.get(tid('register-code-error')).text()).toContain('不属于黑龙江省')

    await typeInto(root, 'register-code', '2022-230102-48-01-000001')
    expect(w.find(tid('register-code-error')).exists()).toBe(false)
    expect(w.get(tid('register-code-ok')).text()).toBe('格式正确')

    const asked = ipc.callsOf('validate').filter((r) => r.kind === 'project_code').map((r) => r.value)
    expect(asked).toEqual(['2022', '2022-230102-48-01-00000', '2022-999999-48-01-000001', '2022-230102-48-01-000001'])
    w.unmount()
  })

  it('checks the credit code (check character) and phone numbers too, and blocks submitting while wrong', async () => {
    baseIpc()
    const { w } = await mountWith(RegisterProject)
    const root = w.element
    await fillValid(root)
    const submit = () => w.get(tid('register-submit'))
    expect(submit().attributes('disabled')).toBeUndefined()

    await typeInto(root, 'register-credit-code', '91230102MA1C4K7P5X')
    expect(w.get(tid('register-credit-code-error')).text()).toBe('统一社会信用代码校验码错误：第18位应为“Y”，实际为“X”，请核对代码')
    expect(submit().attributes('disabled')).toBeDefined()
    await typeInto(root, 'register-credit-code', '91230102MA1C4K7P5Y')
    expect(submit().attributes('disabled')).toBeUndefined()

    await typeInto(root, 'register-contact-phone-0', '1380000')
    expect(w.get(tid('register-contact-phone-0-error')).text()).toBe('手机号码应为11位，实际为7位')
    expect(submit().attributes('disabled')).toBeDefined()
    w.unmount()
  })

  it('picks the district from the 行政区划 the hall serves, grouped under their city; no code is typed', async () => {
    const ipc = baseIpc()
    const { w } = await mountWith(RegisterProject)
    expect(ipc.callsOf('districts')).toHaveLength(1)
    const select = w.get(tid('register-district'))
    expect(select.classes().join(' ')).toContain('el-select')
    const group = document.querySelector(tid('register-district-group-230100')) as HTMLElement
    expect(group.textContent).toContain('哈尔滨市')
    const options = [...group.querySelectorAll('[data-testid^="register-district-option-"]')]
    expect(options.map((o) => o.textContent?.trim())).toEqual(districts.groups[0].districts.map((d) => d.name))
    expect(options[0].getAttribute('data-testid')).toBe('register-district-option-230102')
    await fillValid(w.element)
    expect(w.get(tid('register-submit')).attributes('disabled')).toBeUndefined()
    await pickOption('register-district-option-230113')
    expect(select.text()).toContain('双城区')
    w.unmount()
  })

  it('says so when the 行政区划 cannot be read', async () => {
    baseIpc({
      districts: () => {
        throw { code: 'internal', message: '本地数据损坏', field: null }
      },
    })
    const { w } = await mountWith(RegisterProject)
    await flushPromises()
    expect(w.get(tid('register-district-error')).text()).toBe('行政区划读取失败：本地数据损坏')
    w.unmount()
  })

  it('sends the registration with the typed values and opens the new project', async () => {
    const ipc = baseIpc({
      register_project: () => ({ ...actResult, created: ['P-95389ad102d40213'] }),
    })
    const { w, router } = await mountWith(RegisterProject)
    await fillValid(w.element)
    await w.get(tid('register-submit')).trigger('click')
    await flushPromises()
    const [req] = ipc.callsOf('register_project')
    expect(req).toMatchObject({
      code: '2022-230102-48-01-000001',
      name: '哈尔滨新区智能制造厂房',
      builder: '哈尔滨建设有限公司',
      credit_code: '91230102MA1C4K7P5Y',
      investment: 'social',
      district: '230102',
      address: '道里区新农镇工业园1号',
      contacts: [{ name: '张建设', phone: '13804511234', role: 'project_lead' }],
    })
    expect(req.owner).toBeUndefined()
    expect(router.currentRoute.value.fullPath).toBe('/projects/P-95389ad102d40213')
    w.unmount()
  })

  it('修改项目登记信息: starts from the registration, sends the whole form again, back to the project', async () => {
    const ipc = baseIpc({ project: () => projectView, edit_project: () => actResult })
    const id = projectView.project.id
    const { w, router } = await mountWith(RegisterProject, { props: { id } })
    await flushPromises()
    expect(w.get('h2').text()).toBe('修改项目登记信息')
    expect(inputOf(w.element, 'register-name').value).toBe('哈尔滨新区智能制造厂房')
    expect(inputOf(w.element, 'register-investment-wan').value).toBe('5000')
    expect(inputOf(w.element, 'register-building-area').value).toBe('12000')
    // The registered district is preselected, shown by its name.
    expect(w.get(tid('register-district')).text()).toContain('道里区')
    await typeInto(w.element, 'register-name', '哈尔滨新区智能制造厂房（二期）')
    await flushPromises()
    await w.get(tid('register-submit')).trigger('click')
    await flushPromises()
    const [req] = ipc.callsOf('edit_project') as { project: string; details: Record<string, unknown> }[]
    expect(req.project).toBe(id)
    expect(req.details).toMatchObject({ name: '哈尔滨新区智能制造厂房（二期）', credit_code: '91230102MA1C4K7P5Y', investment_wan: '5000', district: '230102' })
    expect(ipc.callsOf('register_project')).toEqual([])
    expect(router.currentRoute.value.fullPath).toBe(`/projects/${id}`)
    w.unmount()
  })

  it('shows a field error from the shell next to its field and a refusal next to the form, keeping what was typed', async () => {
    let answer: 'field' | 'refused' = 'field'
    baseIpc({
      register_project: () => {
        if (answer === 'field') throw { code: 'invalid', message: '建设单位名称不能为空白', field: 'builder' }
        return { ...actResult, created: [], refused: refusals }
      },
    })
    const { w } = await mountWith(RegisterProject)
    await fillValid(w.element)
    await w.get(tid('register-submit')).trigger('click')
    await flushPromises()
    expect(w.get(tid('register-builder-error')).text()).toBe('建设单位名称不能为空白')
    expect(w.get(tid('register-result-error')).text()).toBe('建设单位名称不能为空白')

    answer = 'refused'
    await w.get(tid('register-submit')).trigger('click')
    await flushPromises()
    expect(w.get(tid('register-result-error')).text()).toBe(`操作被拒绝：${(refusals as { message: string }[])[0].message}`)
    // Nothing typed is lost.
    expect(inputOf(w.element, 'register-code').value).toBe('2022-230102-48-01-000001')
    expect(inputOf(w.element, 'register-name').value).toBe('哈尔滨新区智能制造厂房')
    expect(inputOf(w.element, 'register-contact-phone-0').value).toBe('13804511234')
    w.unmount()
  })

  it('the window registers on site for an owner organisation', async () => {
    session.user = { id: 'window', name: '王窗口', role: 'window_operator', department: null, organisation: null, levels: [] }
    const ipc = baseIpc({ register_project: () => ({ ...actResult, created: ['P-1'] }) })
    const { w } = await mountWith(RegisterProject)
    await fillValid(w.element)
    expect(w.get(tid('register-submit')).attributes('disabled')).toBeDefined()
    await typeInto(w.element, 'register-owner', '91230102MA1C4K7P5Y')
    await w.get(tid('register-submit')).trigger('click')
    await flushPromises()
    expect(ipc.callsOf('register_project')[0].owner).toBe('91230102MA1C4K7P5Y')
    w.unmount()
  })
})
