// Mount helpers and an IPC fake: every `invoke` is recorded; handlers per command.
import { mount, flushPromises, type ComponentMountingOptions } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { mockIPC } from '@tauri-apps/api/mocks'
import { createRouter, createMemoryHistory } from 'vue-router'
import { vi } from 'vitest'
import type { Component } from 'vue'

export type Handler = (req: Record<string, unknown>) => unknown

export interface Ipc {
  calls: { cmd: string; req: Record<string, unknown> }[]
  callsOf(cmd: string): Record<string, unknown>[]
}

/** Install the IPC fake; a handler that throws makes the command reject with that value. */
export function fakeIpc(handlers: Record<string, Handler>, events = true): Ipc {
  const calls: Ipc['calls'] = []
  mockIPC(
    (cmd, payload) => {
      // The app's commands take one `req`; a plugin's (dialog, path) its own arguments.
      const args = payload as { req?: Record<string, unknown> } | undefined
      const req = (args?.req ?? args ?? {}) as Record<string, unknown>
      calls.push({ cmd, req })
      const h = handlers[cmd]
      if (!h) throw { code: 'internal', message: `no mock for ${cmd}` }
      return h(req)
    },
    { shouldMockEvents: events },
  )
  return {
    calls,
    callsOf: (cmd) => calls.filter((c) => c.cmd === cmd).map((c) => c.req),
  }
}

export function testRouter() {
  return createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', component: { template: '<div />' } },
      { path: '/:rest(.*)*', component: { template: '<div />' } },
    ],
  })
}

export async function mountWith<C extends Component>(
  comp: C,
  options: ComponentMountingOptions<C> = {} as ComponentMountingOptions<C>,
) {
  const router = testRouter()
  await router.push('/')
  await router.isReady()
  const w = mount(comp, {
    attachTo: document.body,
    ...options,
    global: { plugins: [ElementPlus, router], ...(options.global ?? {}) },
  } as ComponentMountingOptions<C>)
  await flushPromises()
  return { w, router }
}

/** Find by data-testid; the element itself when the attribute is on an Element Plus root. */
export const tid = (id: string) => `[data-testid="${id}"]`

/** The native <input> inside an element carrying a test id (Element Plus puts the attribute on the input or its wrapper). */
export function inputOf(root: ParentNode, id: string): HTMLInputElement {
  const el = root.querySelector(tid(id))
  if (!el) throw new Error(`no element ${id}`)
  if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) return el as HTMLInputElement
  const inner = el.querySelector('input,textarea')
  if (!inner) throw new Error(`no input in ${id}`)
  return inner as HTMLInputElement
}

export async function typeInto(root: ParentNode, id: string, value: string) {
  const input = inputOf(root, id)
  input.value = value
  input.dispatchEvent(new Event('input', { bubbles: true }))
  await flushPromises()
}

export async function advance(ms: number) {
  await vi.advanceTimersByTimeAsync(ms)
  await flushPromises()
}

/** Choose an Element Plus select option by the test id on the option (rendered in the body). */
export async function pickOption(optionTestId: string) {
  const opt = document.querySelector(tid(optionTestId)) as HTMLElement | null
  if (!opt) throw new Error(`no option ${optionTestId}`)
  opt.click()
  await flushPromises()
}

/** The desktop's save dialog answering `path` (or cancelled with null); the 下载 folder is /home/u/下载. */
export function saveDialogAnswers(path: string | null): Record<string, Handler> {
  return {
    'plugin:path|resolve_directory': () => '/home/u/下载',
    'plugin:path|join': (req) => (req.paths as string[]).join('/'),
    'plugin:dialog|save': () => path,
  }
}
