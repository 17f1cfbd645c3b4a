// Sync state for the status bar: seeded from `status()`, then fed by the shell's events.
import { reactive } from 'vue'
import * as api from '../api'
import type { SyncPhase, SyncState, SyncProgress } from '../api/types'

export const syncState = reactive({
  online: false,
  syncing: false,
  offlineMode: false,
  pending: 0,
  refusals: 0,
  lastSyncAt: null as string | null,
  message: null as string | null,
  /** The server no longer accepts the login: the user logs in again, the queue is kept. */
  loginExpired: false,
  progress: null as { phase: SyncPhase; done: number; total: number } | null,
  /** Bumped on every `data-changed` event: views watch it to reload. */
  dataVersion: 0,
})

export function applySyncState(p: SyncState): void {
  syncState.online = p.online
  syncState.syncing = p.syncing
  if (p.offline_mode !== undefined) syncState.offlineMode = p.offline_mode
  syncState.pending = p.pending
  syncState.refusals = p.refusals
  syncState.lastSyncAt = p.last_sync_at
  syncState.message = p.message
  syncState.loginExpired = !!p.login_expired
  if (!p.syncing) syncState.progress = null
}

export function applyProgress(p: SyncProgress): void {
  syncState.progress = { phase: p.phase, done: p.done, total: p.total }
}

export async function refreshStatus(): Promise<void> {
  const s = await api.status()
  syncState.online = s.online
  syncState.syncing = s.syncing
  syncState.offlineMode = !!s.offline_mode
  syncState.loginExpired = !!s.login_expired
  if (s.sync_message !== undefined) syncState.message = s.sync_message
  syncState.pending = s.pending
  syncState.refusals = s.refusals.length
  syncState.lastSyncAt = s.last_sync_at
}

let started: Promise<(() => void)> | null = null

/** Subscribe once to the shell's events; returns a function that unsubscribes. */
export function startSyncListeners(): Promise<() => void> {
  if (started) return started
  started = (async () => {
    const offs = await Promise.all([
      api.onSyncState(applySyncState),
      api.onSyncProgress(applyProgress),
      api.onDataChanged(() => {
        syncState.dataVersion++
      }),
    ])
    return () => {
      offs.forEach((f) => f())
      started = null
    }
  })()
  return started
}
