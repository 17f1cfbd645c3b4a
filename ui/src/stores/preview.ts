// One preview dialog for the whole app: a generated document (PDF from `document`) or an
// attachment (image or PDF from `attachment`).
import { reactive } from 'vue'
import type { DocumentKind } from '../api/types'

export const preview = reactive({
  open: false,
  source: null as
    | { type: 'document'; kind: DocumentKind; id: string }
    | { type: 'attachment'; id: string; name?: string }
    | null,
})

export function openDocument(kind: DocumentKind, id: string): void {
  preview.source = { type: 'document', kind, id }
  preview.open = true
}

export function openAttachment(id: string, name?: string): void {
  preview.source = { type: 'attachment', id, name }
  preview.open = true
}

export function closePreview(): void {
  preview.open = false
}
