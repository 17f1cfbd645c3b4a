import { describe, it, expect, beforeEach } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import Layout from '../src/shell/Layout.vue'
import DeskAlerts from '../src/shell/DeskAlerts.vue'
import { session } from '../src/stores/session'
import { resetCatalogue } from '../src/stores/catalogue'
import type { NotificationsAnswer } from '../src/api/types'
import { emit } from '@tauri-apps/api/event'
import { fakeIpc, mountWith, tid } from './helpers'
import catalogue from './fixtures/catalogue.json'
import status from './fixtures/status.json'

const moved: NotificationsAnswer = {
  notifications: [
    {
      id: 3,
      entity: 'case:C-ref',
      kind: 'deadline_moved',
      message: '办件 C-ref：办理期限由 2027-01-01T17:00（暂定） 调整为 2027-01-04T17:00（节假日安排更新）',
      at: '2026-12-07T09:30',
      payload: {},
    },
  ],
  cursor: 3,
}

describe('系统通知', () => {
  beforeEach(() => {
    resetCatalogue()
    session.user = { id: 'window', name: '王窗口', role: 'window_operator', department: null, organisation: null, levels: [] }
  })

  it('counts what arrived and lists it, newest first, with the sentence the shell gives', async () => {
    const ipc = fakeIpc({ status: () => status, catalogue: () => catalogue, notifications: (req) => (req.after === 0 ? moved : { notifications: [], cursor: 3 }) })
    const { w } = await mountWith(Layout)
    await flushPromises()
    expect(ipc.callsOf('notifications')[0]).toEqual({ after: 0 })
    expect(w.get('.notifications-bell').text()).toContain('1')
    await w.get(tid('notifications-open')).trigger('click')
    await flushPromises()
    const items = document.querySelectorAll('[data-testid="notification"]')
    expect(items).toHaveLength(1)
    expect(items[0].textContent).toContain('调整为 2027-01-04T17:00')
    expect(items[0].getAttribute('data-kind')).toBe('deadline_moved')
    // Opening reads on from the cursor and clears the count.
    expect(ipc.callsOf('notifications').at(-1)).toEqual({ after: 3 })
    w.unmount()
  })

  it('says so when offline, and nothing breaks', async () => {
    fakeIpc({
      status: () => status,
      catalogue: () => catalogue,
      notifications: () => {
        throw { code: 'offline', message: 'x' }
      },
    })
    const { w } = await mountWith(Layout)
    await w.get(tid('notifications-open')).trigger('click')
    await flushPromises()
    expect(document.querySelector('[data-testid="notifications-error"]')?.textContent).toContain('离线时无法获取通知')
    w.unmount()
  })
})

describe('桌面提醒 in the window', () => {
  beforeEach(() => {
    resetCatalogue()
    session.user = { id: 'reviewer-zgj-2', name: '李审核', role: 'department_reviewer', department: 'ZGJ', organisation: null, levels: [] }
  })

  it('shows each desk-alert of the shell and opens its case on a click', async () => {
    fakeIpc({})
    // Mounted by App.vue, before any login: the first notice follows the login's sync.
    const { w, router } = await mountWith(DeskAlerts)
    await flushPromises()
    await emit('desk-alert', {
      title: '新的待办',
      body: '办件 2026-ZGJ-000001（松北区示范学校教学楼 · 建设工程规划许可证核发）：层级审批：科长',
      case: 'C-7',
    })
    await flushPromises()
    const shown = document.querySelector('.desk-alert') as HTMLElement
    expect(shown).not.toBeNull()
    expect(shown.textContent).toContain('新的待办')
    expect(shown.textContent).toContain('办件 2026-ZGJ-000001')
    shown.click()
    await flushPromises()
    expect(router.currentRoute.value.path).toBe('/cases/C-7')
    w.unmount()
  })
})
