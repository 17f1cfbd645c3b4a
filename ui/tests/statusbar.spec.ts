import { describe, it, expect, beforeEach } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { emit } from '@tauri-apps/api/event'
import StatusBar from '../src/shell/StatusBar.vue'
import { syncState } from '../src/stores/sync'
import { fakeIpc, mountWith, tid } from './helpers'
import status from './fixtures/status.json'
import refusalsFixture from './fixtures/refusals.json'

function resetSync() {
  Object.assign(syncState, { online: false, syncing: false, pending: 0, refusals: 0, lastSyncAt: null, message: null, progress: null, dataVersion: 0 })
}

describe('status bar', () => {
  beforeEach(resetSync)

  it('starts from status() and then follows sync-state, sync-progress and data-changed', async () => {
    const ipc = fakeIpc({
      status: () => ({ ...status, online: false, syncing: false, pending: 2, refusals: [] }),
    })
    const { w } = await mountWith(StatusBar)
    expect(ipc.callsOf('status')).toHaveLength(1)
    const online = w.get(tid('status-online'))
    expect(online.text()).toBe('离线')
    expect(online.attributes('data-online')).toBe('false')
    expect(w.get(tid('status-pending')).text()).toBe('待发送 2')

    await emit('sync-state', { online: true, syncing: true, pending: 5, refusals: 1, last_sync_at: '2026-11-26T02:30:00Z', message: null })
    await flushPromises()
    expect(online.text()).toBe('在线')
    expect(w.get(tid('status-pending')).attributes('data-count')).toBe('5')
    expect(w.get(tid('status-refusals')).text()).toBe('被拒绝的操作 1')
    // Beijing time (UTC+8).
    expect(w.get(tid('status-last-sync')).text()).toContain('2026-11-26 10:30')

    await emit('sync-progress', { phase: 'upload', done: 3, total: 4 })
    await flushPromises()
    const bar = w.get(tid('status-progress'))
    expect(bar.attributes('data-phase')).toBe('upload')
    expect(bar.text()).toContain('上传材料')
    expect(bar.text()).toContain('75%')

    const before = syncState.dataVersion
    await emit('data-changed', {})
    await flushPromises()
    expect(syncState.dataVersion).toBe(before + 1)

    // Sync finished: the progress bar goes away, the counters follow.
    await emit('sync-state', { online: true, syncing: false, pending: 0, refusals: 1, last_sync_at: '2026-11-26T02:31:00Z', message: null })
    await flushPromises()
    expect(w.find(tid('status-progress')).exists()).toBe(false)
    expect(w.get(tid('status-pending')).text()).toBe('待发送 0')
    w.unmount()
  })

  it('says a transport failure in Chinese on one line, the raw text in the tooltip', async () => {
    const raw =
      'error sending request for url (https://127.0.0.1:43393/api/v1/attachments/f955/status?size=55): client error (Connect): tcp connect error: Connection refused (os error 111)'
    fakeIpc({
      status: () => ({ ...status, online: false, syncing: false, pending: 6, refusals: [] }),
      sync_now: () => {
        throw { code: 'offline', message: raw }
      },
    })
    const { w } = await mountWith(StatusBar)
    await emit('sync-state', { online: false, syncing: false, pending: 6, refusals: 0, last_sync_at: null, message: raw })
    await flushPromises()
    const msg = w.get(tid('status-message'))
    expect(msg.text()).toBe('无法连接服务器，操作已保存在本机，联网后自动发送')
    expect(msg.attributes('title')).toBe(raw)
    expect(msg.classes()).toContain('status-text')
    await w.get(tid('status-sync')).trigger('click')
    await flushPromises()
    const err = w.get(tid('status-sync-error'))
    expect(err.text()).toBe('无法连接服务器，操作已保存在本机，联网后自动发送')
    expect(err.attributes('title')).toBe(raw)
    expect(w.get(tid('status-bar')).text()).not.toContain('error sending request')
    w.unmount()
  })

  it('the sync button calls sync_now and refreshes; a failure is shown in the bar', async () => {
    let fail = true
    const ipc = fakeIpc({
      status: () => ({ ...status, online: true, syncing: false, pending: 0, refusals: [] }),
      sync_now: () => {
        if (fail) throw { code: 'offline', message: '无法连接服务器' }
        return {}
      },
    })
    const { w } = await mountWith(StatusBar)
    await w.get(tid('status-sync')).trigger('click')
    await flushPromises()
    expect(ipc.callsOf('sync_now')).toHaveLength(1)
    expect(w.get(tid('status-sync-error')).text()).toBe('无法连接服务器')
    fail = false
    await w.get(tid('status-sync')).trigger('click')
    await flushPromises()
    expect(w.find(tid('status-sync-error')).exists()).toBe(false)
    expect(ipc.callsOf('status').length).toBeGreaterThanOrEqual(2)
    w.unmount()
  })

  it('lists refusals with their reason and dismisses them', async () => {
    const rows = refusalsFixture as { mutation_id: number; message: string }[]
    expect(rows.length).toBeGreaterThan(0)
    let current = [...rows]
    const ipc = fakeIpc({
      status: () => ({ ...status, online: true, syncing: false, pending: 0, refusals: current }),
      refusals: () => current,
      expired_actions: () => [],
      dismiss_refusal: (req) => {
        current = current.filter((r) => r.mutation_id !== req.mutation_id)
        return true
      },
    })
    const { w } = await mountWith(StatusBar)
    expect(w.get(tid('status-refusals')).attributes('data-count')).toBe(String(rows.length))
    await w.get(tid('status-refusals')).trigger('click')
    await flushPromises()
    const list = document.querySelector(tid('refusal-list')) as HTMLElement
    expect(list).not.toBeNull()
    const shown = list.querySelectorAll(tid('refusal-row'))
    expect(shown).toHaveLength(rows.length)
    expect(list.querySelector(tid('refusal-message'))?.textContent).toContain(rows[0].message)
    ;(document.querySelector(tid(`refusal-dismiss-${rows[0].mutation_id}`)) as HTMLElement).click()
    await flushPromises()
    expect(ipc.callsOf('dismiss_refusal')).toEqual([{ mutation_id: rows[0].mutation_id }])
    expect(document.querySelectorAll(tid('refusal-row'))).toHaveLength(rows.length - 1)
    expect(w.get(tid('status-refusals')).attributes('data-count')).toBe(String(rows.length - 1))
    w.unmount()
  })
})
