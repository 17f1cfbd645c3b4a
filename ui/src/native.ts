// The desktop's own dialogs (tauri-plugin-dialog): 另存为 asks where to write a file, with a
// sensible default name in the user's 下载 folder and a filter for the file's type. The page
// only learns the chosen path; the app's commands write the file (no file system access from
// the page).
import { save } from '@tauri-apps/plugin-dialog'
import { downloadDir, join } from '@tauri-apps/api/path'
import { t } from './i18n'

/** The extension of a file name, lower case, without the dot ('' when there is none). */
export function extensionOf(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? ''
  const dot = base.lastIndexOf('.')
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : ''
}

/** Where the default name is proposed: the 下载 folder, or just the name if it is unknown. */
async function defaultPath(fileName: string): Promise<string> {
  try {
    return await join(await downloadDir(), fileName)
  } catch {
    return fileName
  }
}

/**
 * Ask where to save `fileName` (e.g. 受理通知书-2026-ZGJ-000001.pdf). Answers the chosen path,
 * with the extension added when the user typed a name without it, or null when cancelled.
 */
export async function chooseSavePath(fileName: string): Promise<string | null> {
  const ext = extensionOf(fileName)
  const names = t().native.filters as Record<string, string>
  const filters = ext ? [{ name: names[ext] ?? t().native.anyFile, extensions: [ext] }] : []
  const chosen = await save({ title: t().native.saveTitle, defaultPath: await defaultPath(fileName), filters })
  if (!chosen) return null
  return ext && extensionOf(chosen) === '' ? `${chosen}.${ext}` : chosen
}
