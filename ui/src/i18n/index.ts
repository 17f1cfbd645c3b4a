// A tiny message helper: `t()` returns the current language's message object (typed), and
// `fmt` fills `{name}` placeholders. Adding a language = another object of type `Messages`.
import zhCN, { type Messages } from './zh-CN'

const languages: Record<string, Messages> = { 'zh-CN': zhCN }
let current: Messages = zhCN

export function setLanguage(code: string): void {
  current = languages[code] ?? zhCN
}

export function t(): Messages {
  return current
}

export function fmt(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) =>
    k in values ? String(values[k]) : `{${k}}`,
  )
}

export type { Messages }
