// @vitest-environment node
// The PDF documents of crates/documents load in the pdfjs-dist build the preview bundles
// (the legacy build, for WebKitGTK): pages, text with Chinese characters.
import { describe, it, expect } from 'vitest'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import * as pdfjs from 'pdfjs-dist/legacy/build/pdf.mjs'

describe('pdfjs-dist (legacy build) reads the generated documents', () => {
  it('opens the e-certificate and finds its Chinese text', async () => {
    const bytes = new Uint8Array(readFileSync(resolve(__dirname, 'fixtures/certificate.pdf')))
    const doc = await pdfjs.getDocument({ data: bytes, isEvalSupported: false }).promise
    expect(doc.numPages).toBeGreaterThanOrEqual(1)
    const page = await doc.getPage(1)
    const vp = page.getViewport({ scale: 1 })
    // A4 portrait in points.
    expect(Math.round(vp.width)).toBe(595)
    expect(Math.round(vp.height)).toBe(842)
    const text = (await page.getTextContent()).items.map((i) => ('str' in i ? i.str : '')).join('')
    expect(text).toMatch(/[\u4e00-\u9fff]/)
    expect(text).toContain('证')
    await doc.destroy()
  })
})
