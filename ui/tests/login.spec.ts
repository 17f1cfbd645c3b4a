import { describe, it, expect, beforeEach } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import Login from '../src/features/session/Login.vue'
import { session } from '../src/stores/session'
import { comboOf, handleKeydown, registerShortcuts } from '../src/shortcuts'
import { fakeIpc, mountWith, tid, typeInto, inputOf } from './helpers'
import status from './fixtures/status.json'

const FP = '989759edfd1e3d9518ca7a733aa2310aa956879d8983be2a6979dbe510ddad92'

describe('login', () => {
  beforeEach(() => {
    Object.assign(session, { user: null, serverUrl: 'https://127.0.0.1:8443', fingerprint: FP, rememberedUser: 'window' })
  })

  it('offers the remembered user and password from the keyring', async () => {
    const ipc = fakeIpc({ remembered_password: () => 't6gpz4EdQznfZzxQ' })
    const { w } = await mountWith(Login)
    expect(ipc.callsOf('remembered_password')).toHaveLength(1)
    expect(inputOf(w.element, 'login-server').value).toBe('https://127.0.0.1:8443')
    expect(inputOf(w.element, 'login-fingerprint').value).toBe(FP)
    expect(inputOf(w.element, 'login-user').value).toBe('window')
    expect(inputOf(w.element, 'login-password').value).toBe('t6gpz4EdQznfZzxQ')
    w.unmount()
  })

  it('validates as typed, shows a shell error next to its field, keeps the input, then logs in', async () => {
    let fail = true
    const ipc = fakeIpc({
      remembered_password: () => null,
      login: () => {
        if (fail) throw { code: 'pinning', message: '服务器证书指纹与设置的不符，连接已中止', field: 'fingerprint' }
        return { user: status.user, expires_at: '2026-11-27T06:41:00Z', clock_offset_ms: -391 }
      },
    })
    const { w, router } = await mountWith(Login)
    await typeInto(w.element, 'login-fingerprint', 'abc')
    expect(w.get(tid('login-fingerprint-error')).text()).toBe('指纹应为 64 位十六进制字符（SHA-256）')
    await typeInto(w.element, 'login-fingerprint', FP)
    expect(w.find(tid('login-fingerprint-error')).exists()).toBe(false)
    await typeInto(w.element, 'login-password', 'secret')
    await w.get(tid('login-remember')).trigger('click')
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(w.get(tid('login-fingerprint-error')).text()).toBe('服务器证书指纹与设置的不符，连接已中止')
    expect(inputOf(w.element, 'login-password').value).toBe('secret')

    fail = false
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(ipc.callsOf('login').at(-1)).toEqual({ server: 'https://127.0.0.1:8443', fingerprint: FP, user: 'window', password: 'secret', remember: true })
    expect(session.user?.role).toBe('window_operator')
    expect(router.currentRoute.value.path).toBe('/intake')
    w.unmount()
  })
})

describe('keyboard shortcuts', () => {
  it('reads combos by physical key and lets the newest group win', () => {
    expect(comboOf(new KeyboardEvent('keydown', { altKey: true, code: 'Digit3', key: '£' }))).toBe('Alt+3')
    expect(comboOf(new KeyboardEvent('keydown', { ctrlKey: true, code: 'Enter', key: 'Enter' }))).toBe('Ctrl+Enter')
    expect(comboOf(new KeyboardEvent('keydown', { altKey: true, code: 'KeyQ', key: 'œ' }))).toBe('Alt+Q')
    const hits: string[] = []
    const offPage = registerShortcuts([{ combo: 'Alt+1', run: () => hits.push('page') }])
    const offDialog = registerShortcuts([{ combo: 'Alt+1', run: () => hits.push('dialog'), enabled: () => hits.length < 1 }])
    const ev = () => new KeyboardEvent('keydown', { altKey: true, code: 'Digit1', key: '1', cancelable: true })
    expect(handleKeydown(ev())).toBe(true)
    expect(handleKeydown(ev())).toBe(true)
    expect(hits).toEqual(['dialog', 'page'])
    offDialog()
    offPage()
    expect(handleKeydown(ev())).toBe(false)
  })
})
