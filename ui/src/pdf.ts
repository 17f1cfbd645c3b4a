// PDF page images for the preview: the desktop shell draws them in Rust (`pdf_pages`,
// crates/documents/src/raster.rs) and answers PNGs; the page shows and prints them as plain
// images. PDF.js used to draw them here and cost the web process about 90 MB once used (issue
// 13, "Memory"; BENCHMARKS.md, "Desktop app memory (issue 13)").
import * as api from './api'

/** Every page of a PDF (given as base64) as an image URL. */
export async function renderPdfPages(pdfBase64: string): Promise<string[]> {
  const pages = await api.pdfPages(pdfBase64)
  return pages.map((p) => `data:image/png;base64,${p.png_base64}`)
}
