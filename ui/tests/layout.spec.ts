import { describe, it, expect, beforeEach } from 'vitest'
import Layout from '../src/shell/Layout.vue'
import { session } from '../src/stores/session'
import { resetCatalogue } from '../src/stores/catalogue'
import type { UserInfo } from '../src/api/types'
import { fakeIpc, mountWith, tid } from './helpers'
import catalogue from './fixtures/catalogue.json'
import status from './fixtures/status.json'

const REVIEWER: UserInfo = { id: 'reviewer-zgj-1', name: '受理员（市资规局）', role: 'department_reviewer', department: 'ZGJ', organisation: null, levels: [] }

describe('header', () => {
  beforeEach(() => {
    resetCatalogue()
  })

  it("names the reviewer's department (loaded from the catalogue), the code only as a tooltip", async () => {
    session.user = REVIEWER
    const ipc = fakeIpc({ status: () => status, catalogue: () => catalogue })
    const { w } = await mountWith(Layout)
    expect(ipc.callsOf('catalogue')).toHaveLength(1)
    expect(w.get(tid('header-user-role')).text()).toBe('审批部门')
    const dept = w.get(tid('header-user-department'))
    expect(dept.text()).toBe('哈尔滨市自然资源和规划局')
    expect(dept.attributes('title')).toBe('ZGJ')
    expect(w.get(tid('header-user')).text()).not.toMatch(/\bZGJ\b/)
    w.unmount()
  })

  it('falls back to the code when the catalogue cannot be read', async () => {
    session.user = REVIEWER
    const ipc = fakeIpc({
      status: () => status,
      catalogue: () => {
        throw { code: 'io', message: '目录读取失败' }
      },
    })
    const { w } = await mountWith(Layout)
    expect(ipc.callsOf('catalogue')).toHaveLength(1)
    expect(w.get(tid('header-user-department')).text()).toBe('ZGJ')
    w.unmount()
  })

  it('shows no department for a role without one', async () => {
    session.user = { id: 'applicant', name: '张建设', role: 'applicant', department: null, organisation: '91230102MA1C4K7P5Y', levels: [] }
    fakeIpc({ status: () => status, catalogue: () => catalogue })
    const { w } = await mountWith(Layout)
    expect(w.find(tid('header-user-department')).exists()).toBe(false)
    w.unmount()
  })
})
