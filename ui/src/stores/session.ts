// The logged-in user, shared by every view (a plain reactive object: no store library needed).
import { reactive } from 'vue'
import * as api from '../api'
import type { UserInfo } from '../api/types'

export const session = reactive({
  loaded: false,
  user: null as UserInfo | null,
  serverUrl: null as string | null,
  fingerprint: null as string | null,
  rememberedUser: null as string | null,
})

export async function loadSession(): Promise<void> {
  try {
    const s = await api.sessionInfo()
    session.user = s.logged_in ? s.user : null
    session.serverUrl = s.server_url
    session.fingerprint = s.fingerprint
    session.rememberedUser = s.remembered_user
  } catch {
    session.user = null
  } finally {
    session.loaded = true
  }
}

export function setUser(user: UserInfo | null): void {
  session.user = user
}
