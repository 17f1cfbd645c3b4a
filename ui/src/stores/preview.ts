// One preview dialog for the whole app: a generated document (PDF from `document`), an
// attachment (image or PDF from `attachment`), or PDF bytes already in hand (statistics).
import { reactive } from 'vue'
import type { PaperKind } from '../api/types'

export interface PdfSource {
  type: 'pdf'
  title: string
  fileName: string
  pdf_base64: string
  /** 另存为: writes the file and answers where it went. */
  save?: (path: string) => Promise<string>
}

export const preview = reactive({
  open: false,
  source: null as
    | { type: 'document'; kind: PaperKind; id: string }
    | { type: 'attachment'; id: string; name?: string }
    | PdfSource
    | null,
})

export function openDocument(kind: PaperKind, id: string): void {
  preview.source = { type: 'document', kind, id }
  preview.open = true
}

export function openAttachment(id: string, name?: string): void {
  preview.source = { type: 'attachment', id, name }
  preview.open = true
}

export function openPdf(src: Omit<PdfSource, 'type'>): void {
  preview.source = { type: 'pdf', ...src }
  preview.open = true
}

export function closePreview(): void {
  preview.open = false
}
