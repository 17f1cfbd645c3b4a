// The built-in catalogue, loaded once (it is offline data in the shell).
import { shallowRef } from 'vue'
import * as api from '../api'
import type { Catalogue } from '../api/types'

export const catalogueRef = shallowRef<Catalogue | null>(null)
let loading: Promise<Catalogue> | null = null

export function loadCatalogue(): Promise<Catalogue> {
  if (catalogueRef.value) return Promise.resolve(catalogueRef.value)
  if (!loading) {
    loading = api.catalogue().then(
      (c) => {
        catalogueRef.value = c
        return c
      },
      (e) => {
        loading = null
        throw e
      },
    )
  }
  return loading
}

/** Forget the loaded catalogue (tests; a later login could reload it). */
export function resetCatalogue(): void {
  catalogueRef.value = null
  loading = null
}

export function itemName(code: string): string {
  return catalogueRef.value?.items.find((i) => i.code === code)?.name ?? code
}

export function departmentName(code: string): string {
  return catalogueRef.value?.departments.find((d) => d.code === code)?.name ?? code
}

/** The short name of a department (市资规局) for narrow cells; the full name, else the code. */
export function departmentShortName(code: string): string {
  const d = catalogueRef.value?.departments.find((x) => x.code === code)
  return d?.short_name || d?.name || code
}

/** The name of an approval flow (审批流程), else its code. */
export function flowName(code: string): string {
  return catalogueRef.value?.flows.find((f) => f.code === code)?.name ?? code
}
