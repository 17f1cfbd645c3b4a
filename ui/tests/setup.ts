// jsdom lacks a few browser APIs Element Plus uses.
import { afterEach } from 'vitest'
import { clearMocks } from '@tauri-apps/api/mocks'

class RO {
  observe() {}
  unobserve() {}
  disconnect() {}
}
const g = globalThis as unknown as Record<string, unknown>
g.ResizeObserver ??= RO
if (typeof window !== 'undefined' && !window.matchMedia) {
  window.matchMedia = ((q: string) => ({
    matches: false,
    media: q,
    onchange: null,
    addListener() {},
    removeListener() {},
    addEventListener() {},
    removeEventListener() {},
    dispatchEvent: () => false,
  })) as unknown as typeof window.matchMedia
}

afterEach(() => {
  if (typeof window === 'undefined') return
  clearMocks()
  document.body.innerHTML = ''
})
