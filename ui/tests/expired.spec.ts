// A long time offline: the actions sent back for being older than the offline limit are listed
// together in the refusal dialog and confirmed again with one button; an expired login asks for a
// new one (the queue stays); the local data can be removed from the login page.
import { describe, it, expect, beforeEach } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { emit } from '@tauri-apps/api/event'
import RefusalList from '../src/shell/RefusalList.vue'
import StatusBar from '../src/shell/StatusBar.vue'
import Login from '../src/features/session/Login.vue'
import { syncState } from '../src/stores/sync'
import { session } from '../src/stores/session'
import { fakeIpc, mountWith, tid } from './helpers'
import status from './fixtures/status.json'
import type { ExpiredAction, RefusalEntry, ReconfirmOutcome } from '../src/api/types'

function refusal(mutation_id: number, kind: 'expired' | 'time', message: string): RefusalEntry {
  return {
    mutation_id,
    entity: 'case:C-1',
    envelope: {
      mutation_id,
      command: { entity: 'case', case: 'C-1', command: { command: 'sign_off', level: '受理' } },
      acted_at: '2026-03-02T01:30:00Z',
      opinion: '材料齐全，同意',
      attachments: [],
      base_version: 4,
    },
    refusal: { kind, message },
    message,
    refused_at: '2026-03-10T01:00:00Z',
  } as RefusalEntry
}

const EXPIRED_MSG = '操作时间 2026-03-02 09:30 距今超过允许的离线时长（168 小时），请核对后重新确认提交'

function expiredAction(mutation_id: number, target: string, local_refusal: string | null): ExpiredAction {
  return {
    mutation_id,
    action: '层级审批签署',
    target,
    acted_at: '2026-03-02T09:30',
    refused_at: '2026-03-10T09:00',
    opinion: '材料齐全，同意',
    message: EXPIRED_MSG,
    follows_expired: false,
    local_refusal,
  }
}

function resetSync() {
  Object.assign(syncState, { online: true, syncing: false, pending: 0, refusals: 0, lastSyncAt: null, message: null, progress: null, dataVersion: 0, loginExpired: false })
}

describe('actions past the offline limit', () => {
  beforeEach(resetSync)

  it('are listed together with what, where and when, and confirmed again with one button', async () => {
    const blocked = '“受理”已由李审核于 2026-03-09 10:00 签署，无需再签'
    let refusals = [refusal(2, 'time', '早于该对象上一条记录的时间'), refusal(4, 'expired', EXPIRED_MSG), refusal(5, 'expired', EXPIRED_MSG)]
    let expired = [
      expiredAction(4, '办件 C-1（建设工程规划许可证核发，项目“示范厂房”）', null),
      expiredAction(5, '办件 C-2（建设工程规划许可证核发，项目“示范厂房”）', blocked),
    ]
    const ipc = fakeIpc({
      refusals: () => refusals,
      expired_actions: () => expired,
      reconfirm_expired: (req) => {
        const ids = req.mutation_ids as number[]
        const done = expired.filter((e) => ids.includes(e.mutation_id) && e.local_refusal === null)
        const still = expired.filter((e) => ids.includes(e.mutation_id) && e.local_refusal !== null)
        expired = expired.filter((e) => !done.includes(e))
        refusals = refusals.filter((r) => !done.some((d) => d.mutation_id === r.mutation_id))
        const out: ReconfirmOutcome = {
          reconfirmed: done.map((d, i) => ({ mutation_id: d.mutation_id, new_mutation_id: 10 + i, action: d.action, target: d.target })),
          still_refused: still,
          outcome: { commands: [], created: [], synced: true, offline: null, sync_error: null, pending: 0, refused: [] },
        }
        return out
      },
    })
    const { w } = await mountWith(RefusalList, { props: { modelValue: true } })
    await flushPromises()

    const rows = () => Array.from(document.querySelectorAll(tid('expired-row'))) as HTMLElement[]
    expect(rows().map((r) => r.dataset.mutation)).toEqual(['4', '5'])
    const first = rows()[0]
    expect(first.querySelector(tid('expired-action'))?.textContent).toBe('层级审批签署')
    expect(first.querySelector(tid('expired-target'))?.textContent).toContain('办件 C-1')
    // Beijing time to the minute.
    expect(first.querySelector(tid('expired-acted-at'))?.textContent).toContain('2026-03-02 09:30')
    expect(rows()[1].dataset.blocked).toBe('true')
    expect(rows()[1].querySelector(tid('expired-blocked'))?.textContent).toContain(blocked)
    // The other refusal is listed once, below; the expired ones are not repeated there.
    expect(document.querySelectorAll(tid('refusal-row'))).toHaveLength(1)
    // Ticked: what the domain would take now.
    const tick = (id: number) => document.querySelector(`${tid(`expired-tick-${id}`)} input`) as HTMLInputElement
    expect(tick(4).checked).toBe(true)
    expect(tick(5).checked).toBe(false)

    ;(document.querySelector(tid('expired-reconfirm')) as HTMLElement).click()
    await flushPromises()
    expect(ipc.callsOf('reconfirm_expired')).toEqual([{ mutation_ids: [4] }])
    expect(document.querySelector(tid('expired-done'))?.textContent).toContain('已重新确认并提交 1 项')
    expect(rows().map((r) => r.dataset.mutation)).toEqual(['5'])
    expect(syncState.refusals).toBe(2)

    // Ticking everything and confirming again: the one the domain refuses stays, with why.
    ;(document.querySelector(`${tid('expired-all')} input`) as HTMLInputElement).click()
    await flushPromises()
    ;(document.querySelector(tid('expired-reconfirm')) as HTMLElement).click()
    await flushPromises()
    expect(ipc.callsOf('reconfirm_expired')[1]).toEqual({ mutation_ids: [5] })
    expect(document.querySelector(tid('expired-still'))?.textContent).toContain('1 项按当前数据仍无法办理')
    expect(rows().map((r) => r.dataset.mutation)).toEqual(['5'])
    w.unmount()
  })

  it('a list without expired actions shows no panel', async () => {
    fakeIpc({ refusals: () => [refusal(2, 'time', '早于该对象上一条记录的时间')], expired_actions: () => [] })
    const { w } = await mountWith(RefusalList, { props: { modelValue: true } })
    await flushPromises()
    expect(document.querySelector(tid('expired-panel'))).toBeNull()
    expect(document.querySelectorAll(tid('refusal-row'))).toHaveLength(1)
    w.unmount()
  })
})

describe('an expired login', () => {
  beforeEach(() => {
    resetSync()
    Object.assign(session, { user: status.user, serverUrl: 'https://127.0.0.1:8443', fingerprint: 'ab'.repeat(32), rememberedUser: 'window' })
  })

  it('asks for a new login from the status bar; the queue stays', async () => {
    fakeIpc({ status: () => ({ ...status, online: false, syncing: false, pending: 3, refusals: [] }) })
    const { w, router } = await mountWith(StatusBar)
    expect(w.find(tid('status-relogin')).exists()).toBe(false)
    const message = '登录已过期，请重新登录；本机 3 条待同步的操作已保留（未提交，也未被拒绝），重新登录后将自动继续提交'
    await emit('sync-state', { online: false, syncing: false, pending: 3, refusals: 0, last_sync_at: null, message, login_expired: true })
    await flushPromises()
    expect(w.get(tid('status-message')).text()).toBe(message)
    expect(w.get(tid('status-pending')).text()).toBe('待发送 3')
    await w.get(tid('status-relogin')).trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.path).toBe('/login')
    expect(session.user).toBeNull()
    w.unmount()
  })

  it('the login page says what waits, and can remove the local data after a confirmation', async () => {
    Object.assign(syncState, { loginExpired: true, pending: 3 })
    const ipc = fakeIpc({
      remembered_password: () => null,
      status: () => ({ ...status, pending: 3, refusals: [], login_expired: true }),
      remove_profile: () => ({ dir: '/home/u/.local/share/permitdesk/profile', discarded: 3 }),
    })
    const { w } = await mountWith(Login)
    expect(w.get(tid('login-expired-notice')).text()).toContain('本机待发送的 3 条操作已保留')
    await w.get(tid('login-remove-profile')).trigger('click')
    await flushPromises()
    const ask = w.get(tid('login-remove-ask'))
    expect(ask.text()).toContain('系统钥匙串中的登录令牌和数据库密钥')
    expect(ask.text()).toContain('3 条操作尚未同步')
    expect(ipc.callsOf('remove_profile')).toHaveLength(0)
    await w.get(tid('login-remove-confirm')).trigger('click')
    await flushPromises()
    expect(ipc.callsOf('remove_profile')).toEqual([{ discard_unsent: true }])
    expect(w.get(tid('login-removed')).text()).toBe('本机数据已删除')
    expect(w.find(tid('login-expired-notice')).exists()).toBe(false)
    expect(session.rememberedUser).toBeNull()
    w.unmount()
  })
})
