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

/** Render every page of a PDF to a PNG data URL (printable as plain images). */
export async function renderPdfPages(bytes: Uint8Array, scale = 1.5): Promise<string[]> {
  const pdfjs = await load()
  const doc = await pdfjs.getDocument({ data: bytes, isEvalSupported: false }).promise
  const pages: string[] = []
  try {
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n)
      const viewport = page.getViewport({ scale })
      const canvas = document.createElement('canvas')
      canvas.width = Math.ceil(viewport.width)
      canvas.height = Math.ceil(viewport.height)
      const ctx = canvas.getContext('2d')
      if (!ctx) throw new Error('canvas 2d context unavailable')
      await page.render({ canvasContext: ctx, viewport, canvas }).promise
      pages.push(canvas.toDataURL('image/png'))
      page.cleanup()
    }
  } finally {
    await doc.destroy()
  }
  return pages
}
