// PDF rendering with pdfjs-dist, fully offline: the worker is bundled by Vite (`?url`), no
// CDN. The legacy build runs on the WebKitGTK of Debian-based desktops (UOS, Kylin).
// Loaded lazily so that views (and unit tests in jsdom) do not pay for it until a preview opens.

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs')
let lib: Promise<PdfJs> | null = null

async function load(): Promise<PdfJs> {
  if (!lib) {
    lib = (async () => {
      const [pdfjs, worker] = await Promise.all([
        import('pdfjs-dist/legacy/build/pdf.mjs'),
        import('pdfjs-dist/legacy/build/pdf.worker.min.mjs?url'),
      ])
      pdfjs.GlobalWorkerOptions.workerSrc = worker.default
      return pdfjs
    })()
  }
  return lib
}

/**
 * Render every page of a PDF to a PNG data URL (printable as plain images).
 *
 * One canvas draws every page in turn and is shrunk to nothing at the end: a canvas's pixels
 * (4.5 MB for an A4 page at 1.5) otherwise stay in the web process until a garbage collection
 * happens to take the element, which WebKitGTK may put off for many previews (issue 13,
 * "Memory": ten renders grew the web process by about 40 MB with a canvas per page, 13-23 MB
 * with this; BENCHMARKS.md, "Desktop app memory (issue 13)").
 */
export async function renderPdfPages(bytes: Uint8Array, scale = 1.5): Promise<string[]> {
  const pdfjs = await load()
  const doc = await pdfjs.getDocument({ data: bytes, isEvalSupported: false }).promise
  const pages: string[] = []
  const canvas = document.createElement('canvas')
  try {
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n)
      const viewport = page.getViewport({ scale })
      canvas.width = Math.ceil(viewport.width)
      canvas.height = Math.ceil(viewport.height)
      const ctx = canvas.getContext('2d')
      if (!ctx) throw new Error('canvas 2d context unavailable')
      await page.render({ canvasContext: ctx, viewport, canvas }).promise
      pages.push(canvas.toDataURL('image/png'))
      page.cleanup()
    }
  } finally {
    canvas.width = 0
    canvas.height = 0
    await doc.destroy()
  }
  return pages
}
