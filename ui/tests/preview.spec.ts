import { describe, it, expect, vi, beforeEach } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import PreviewDialog from '../src/components/PreviewDialog.vue'
import { openDocument, openAttachment, preview } from '../src/stores/preview'
import { fakeIpc, mountWith, saveDialogAnswers, tid } from './helpers'

// The shell draws the pages (`pdf_pages`, tested in Rust); here it answers two, and is checked
// to receive the real bytes.
const rendered: Buffer[] = []
const pdfPages = (req: Record<string, unknown>) => {
  rendered.push(Buffer.from(String(req.pdf_base64), 'base64'))
  return [
    { width: 893, height: 1263, png_base64: 'AAAA' },
    { width: 893, height: 1263, png_base64: 'BBBB' },
  ]
}

const pdf = readFileSync(resolve(__dirname, 'fixtures/certificate.pdf'))
const pdfB64 = pdf.toString('base64')

describe('document preview', () => {
  beforeEach(() => {
    rendered.length = 0
    preview.open = false
    preview.source = null
  })

  it('renders document(...) PDF bytes as pages, prints them, and saves where the save dialog says', async () => {
    const ipc = fakeIpc({
      ...saveDialogAnswers('/home/u/文书/证照'),
      pdf_pages: pdfPages,
      document: (req) => ({ title: '电子证照', file_name: '电子证照-C-1.pdf', verification_code: 'X', pdf_base64: pdfB64, ...req }),
      save_document: (req) => ({ path: String(req.path) }),
    })
    const { w } = await mountWith(PreviewDialog)
    openDocument('certificate', 'C-1')
    await flushPromises()
    await flushPromises()
    expect(ipc.callsOf('document')).toEqual([{ kind: 'certificate', id: 'C-1' }])
    expect(rendered).toHaveLength(1)
    expect(rendered[0].equals(pdf)).toBe(true)
    expect((document.querySelector(tid('doc-page-2')) as HTMLImageElement).getAttribute('src')).toBe('data:image/png;base64,BBBB')
    const box = document.querySelector(tid('doc-preview')) as HTMLElement
    expect(box.dataset.state).toBe('ready')
    expect(box.dataset.pages).toBe('2')
    expect(document.querySelector(tid('doc-page-2'))).not.toBeNull()

    const print = vi.fn()
    window.print = print
    ;(document.querySelector(tid('doc-print')) as HTMLElement).click()
    expect(print).toHaveBeenCalledOnce()

    ;(document.querySelector(tid('doc-save')) as HTMLElement).click()
    await flushPromises()
    // The dialog proposes the document's own name in the 下载 folder, filtered to PDF files...
    const asked = ipc.callsOf('plugin:dialog|save')[0].options as { defaultPath: string; filters: { name: string; extensions: string[] }[] }
    expect(asked.defaultPath).toBe('/home/u/下载/电子证照-C-1.pdf')
    expect(asked.filters).toEqual([{ name: 'PDF 文件', extensions: ['pdf'] }])
    // ...and a name typed without its extension gets it.
    expect(ipc.callsOf('save_document')).toEqual([{ kind: 'certificate', id: 'C-1', path: '/home/u/文书/证照.pdf' }])
    expect(document.querySelector(tid('doc-save-info'))?.textContent).toContain('/home/u/文书/证照.pdf')

    w.unmount()
  })

  it('writes nothing when the save dialog is cancelled, and lets the pages go when closed', async () => {
    const ipc = fakeIpc({
      ...saveDialogAnswers(null),
      pdf_pages: pdfPages,
      document: (req) => ({ title: '电子证照', file_name: '电子证照-C-1.pdf', verification_code: 'X', pdf_base64: pdfB64, ...req }),
      save_document: (req) => ({ path: String(req.path) }),
    })
    const { w } = await mountWith(PreviewDialog)
    openDocument('certificate', 'C-1')
    await flushPromises()
    await flushPromises()
    ;(document.querySelector(tid('doc-save')) as HTMLElement).click()
    await flushPromises()
    expect(ipc.callsOf('plugin:dialog|save')).toHaveLength(1)
    expect(ipc.callsOf('save_document')).toHaveLength(0)
    expect(document.querySelector(tid('doc-save-info'))).toBeNull()
    preview.open = false
    await flushPromises()
    expect(document.querySelector(tid('doc-page-1'))).toBeNull()
    w.unmount()
  })

  it('shows an image attachment as an <img>, and an error when the file is missing', async () => {
    let missing = false
    fakeIpc({
      attachment: () => {
        if (missing) throw { code: 'not_found', message: '附件不存在' }
        return { name: 'site.png', mime: 'png', bytes_base64: 'iVBORw0KGgo=' }
      },
    })
    const { w } = await mountWith(PreviewDialog)
    openAttachment('att-1', '建设项目用地勘测定界图')
    await flushPromises()
    const img = document.querySelector(`${tid('doc-preview')} img`) as HTMLImageElement
    expect(img.getAttribute('src')).toBe('data:image/png;base64,iVBORw0KGgo=')
    expect(rendered).toHaveLength(0)

    missing = true
    openAttachment('att-2')
    await flushPromises()
    expect(document.querySelector(tid('doc-preview-error'))?.textContent).toBe('附件不存在')
    w.unmount()
  })

  it('shows the shell\'s sentence when a PDF attachment cannot be drawn', async () => {
    fakeIpc({
      attachment: () => ({ name: '扫描件.pdf', mime: 'application/pdf', bytes_base64: 'JVBERi0=' }),
      pdf_pages: () => {
        throw { code: 'invalid', message: '无法预览：文件内容无法解析，可能已损坏，请另存后用其他软件打开' }
      },
    })
    const { w } = await mountWith(PreviewDialog)
    openAttachment('att-3', '扫描件')
    await flushPromises()
    await flushPromises()
    expect(document.querySelector(tid('doc-preview-error'))?.textContent).toContain('无法预览')
    expect((document.querySelector(tid('doc-preview')) as HTMLElement).dataset.state).toBe('error')
    w.unmount()
  })
})
