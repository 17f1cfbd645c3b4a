// Global keyboard shortcuts (window operators work keyboard-first). Views register their
// actions while mounted; one keydown handler on `window` dispatches them. Combos are written
// like "Alt+1", "Alt+Q", "Ctrl+Enter", "F5".
import { onBeforeUnmount, onMounted } from 'vue'

export interface Shortcut {
  combo: string
  run: () => void
  enabled?: () => boolean
}

const active: Shortcut[][] = []

export function comboOf(e: KeyboardEvent): string {
  const parts: string[] = []
  if (e.ctrlKey) parts.push('Ctrl')
  if (e.altKey) parts.push('Alt')
  if (e.shiftKey) parts.push('Shift')
  // With Alt held some layouts change e.key; e.code is stable ("Digit1", "KeyQ").
  let key = e.key
  if (/^Digit\d$/.test(e.code)) key = e.code.slice(5)
  else if (/^Key[A-Z]$/.test(e.code)) key = e.code.slice(3)
  else if (key.length === 1) key = key.toUpperCase()
  parts.push(key)
  return parts.join('+')
}

export function handleKeydown(e: KeyboardEvent): boolean {
  const combo = comboOf(e)
  // The most recently registered group wins (a dialog over a page).
  for (let i = active.length - 1; i >= 0; i--) {
    for (const s of active[i]) {
      if (s.combo === combo && (s.enabled ? s.enabled() : true)) {
        e.preventDefault()
        s.run()
        return true
      }
    }
  }
  return false
}

let installed = false
export function installShortcutHandler(): void {
  if (installed) return
  installed = true
  window.addEventListener('keydown', (e) => {
    handleKeydown(e)
  })
}

export function registerShortcuts(group: Shortcut[]): () => void {
  active.push(group)
  return () => {
    const i = active.indexOf(group)
    if (i >= 0) active.splice(i, 1)
  }
}

/** Register a group for the lifetime of the calling component. */
export function useShortcuts(group: () => Shortcut[]): void {
  let off: (() => void) | null = null
  onMounted(() => {
    off = registerShortcuts(group())
  })
  onBeforeUnmount(() => off?.())
}
