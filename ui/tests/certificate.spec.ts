// 证照核验 (issue 14): the dialog reads the picked PDF, sends it to `verify_certificate` and
// shows the verdict in words; a failed check says why.
import { describe, it, expect } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import CertificateVerify from '../src/features/cases/CertificateVerify.vue'
import { fakeIpc, mountWith, tid } from './helpers'
import type { CertificateVerdict } from '../src/api/types'

function verdict(valid: boolean): CertificateVerdict {
  return {
    valid,
    summary: valid ? '核验通过：电子证照 ZGJ-2026-000001 真实有效。' : '核验未通过：电子证照 ZGJ-2026-000001 已撤销（原因：申请材料弄虚作假）。',
    checks: ['✓ 文件带有电子签章', '✓ 电子签章有效', '✓ 签章后文件未被改动', valid ? '✓ 证照状态：有效' : '✗ 证照状态：已撤销'],
    local: {
      signed: true,
      signature_valid: true,
      intact: true,
      signer_fingerprint: 'ab'.repeat(32),
      number: 'ZGJ-2026-000001',
      code: '0123456789abcdef',
      sha256: 'cd'.repeat(32),
    },
  }
}

async function pick(w: Awaited<ReturnType<typeof mountWith>>['w'], content: string) {
  const input = document.querySelector(tid('cert-verify-file')) as HTMLInputElement
  const file = new File([content], '电子证照.pdf', { type: 'application/pdf' })
  Object.defineProperty(input, 'files', { value: [file] })
  input.dispatchEvent(new Event('change'))
  await flushPromises()
  await new Promise((r) => setTimeout(r, 0))
  await flushPromises()
  void w
}

describe('证照核验', () => {
  it('sends the picked PDF and shows a valid verdict', async () => {
    const ipc = fakeIpc({ verify_certificate: () => verdict(true) })
    const { w } = await mountWith(CertificateVerify)
    await w.get(tid('cert-verify-open')).trigger('click')
    await flushPromises()
    await pick(w, '%PDF-1.7 test')
    expect(ipc.callsOf('verify_certificate')).toEqual([{ pdf_base64: btoa('%PDF-1.7 test') }])
    const shown = document.querySelector(tid('cert-verify-verdict')) as HTMLElement
    expect(shown.dataset.valid).toBe('true')
    expect(shown.textContent).toContain('核验通过')
    expect(shown.textContent).toContain('证照状态：有效')
    w.unmount()
  })

  it('shows why a certificate does not pass', async () => {
    fakeIpc({ verify_certificate: () => verdict(false) })
    const { w } = await mountWith(CertificateVerify)
    await w.get(tid('cert-verify-open')).trigger('click')
    await flushPromises()
    await pick(w, '%PDF-1.7 revoked')
    const shown = document.querySelector(tid('cert-verify-verdict')) as HTMLElement
    expect(shown.dataset.valid).toBe('false')
    expect(shown.textContent).toContain('已撤销')
    w.unmount()
  })
})
