import { describe, it, expect, beforeEach } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import Layout from '../src/shell/Layout.vue'
import { session } from '../src/stores/session'
import { resetCatalogue } from '../src/stores/catalogue'
import type { NotificationsAnswer } from '../src/api/types'
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
