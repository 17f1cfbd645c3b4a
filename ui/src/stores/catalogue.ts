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

export function itemName(code: string): string {
  return catalogueRef.value?.items.find((i) => i.code === code)?.name ?? code
}

export function departmentName(code: string): string {
  return catalogueRef.value?.departments.find((d) => d.code === code)?.name ?? code
}

export function itemLimits(): Record<string, number> {
  const out: Record<string, number> = {}
  for (const i of catalogueRef.value?.items ?? []) out[i.code] = i.time_limit_working_days
  return out
}
