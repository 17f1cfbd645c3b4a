// Issue 11: a deadline in a year without a holiday table is counted Monday to Friday and marked
// 暂定 wherever it is shown (queue, case page, 期限如何计算).
import { describe, it, expect, beforeEach } from 'vitest'
import QueueTable from '../src/features/queue/QueueTable.vue'
import CasePage from '../src/features/cases/CasePage.vue'
import { deadlineFact, provisionalNote } from '../src/features/cases/display'
import { session } from '../src/stores/session'
import { catalogueRef } from '../src/stores/catalogue'
import type { Case, CaseDetail, Catalogue, ClockView, QueueEntry } from '../src/api/types'
import { fakeIpc, mountWith, tid } from './helpers'
import reviewerQueue from './fixtures/queue-reviewer.json'
import caseShow from './fixtures/case-show.json'
import trail from './fixtures/trail.json'
import clock from './fixtures/clock.json'
import catalogue from './fixtures/catalogue.json'

const NOTE = '暂定：缺少 2027 年节假日安排'
const real = reviewerQueue[0] as QueueEntry
const finalEntry: QueueEntry = { ...real, case: 'C-final', deadline: '2026-12-04T17:00', level: 'normal', provisional: null }
const provisionalEntry: QueueEntry = { ...real, case: 'C-provisional', deadline: '2027-01-05T17:00', level: 'normal', provisional: NOTE }

const finalClock = clock as unknown as ClockView
const provisionalClock: ClockView = {
  ...finalClock,
  reading: { ...finalClock.reading!, deadline: '2027-01-05T17:00', provisional: NOTE, provisional_years: [2027] },
}
const inReview = caseShow as unknown as Case

describe('provisional deadlines in the queue', () => {
  it('shows the 暂定 tag with the full note for a provisional entry and none for a final one', async () => {
    const { w } = await mountWith(QueueTable, { props: { rows: [finalEntry, provisionalEntry] } })
    const row = (id: string) => w.get(`${tid('queue-row')}[data-case="${id}"]`)
    const tag = row('C-provisional').get(tid('queue-provisional'))
    expect(tag.text()).toBe('暂定')
    expect(tag.attributes('title')).toBe(NOTE)
    expect(row('C-provisional').text()).toContain('2027-01-05 17:00')
    expect(row('C-final').find(tid('queue-provisional')).exists()).toBe(false)
    expect(row('C-final').text()).toContain('2026-12-04 17:00')
    // A queue from an older shell (no field at all) shows no tag either.
    const { provisional: _drop, ...older } = finalEntry
    const { w: w2 } = await mountWith(QueueTable, { props: { rows: [older as QueueEntry] } })
    expect(w2.find(tid('queue-provisional')).exists()).toBe(false)
    w.unmount()
    w2.unmount()
  })
})

describe('provisional deadlines in deadlineFact', () => {
  it('carries the note while the clock runs, and nothing when the deadline is final', () => {
    const c = { ended_at: null, last_event_at: inReview.last_event_at }
    expect(deadlineFact(c, provisionalClock)).toEqual({ phase: 'running', label: '办理期限', text: '2027-01-05 17:00', live: true, provisional: NOTE })
    expect(deadlineFact(c, finalClock).provisional).toBeUndefined()
    // Paused: no deadline is shown, so no 暂定 beside it.
    expect(deadlineFact(c, { ...provisionalClock, phase: 'paused' }).provisional).toBeUndefined()
  })

  it('falls back to the years when the shell gives no sentence', () => {
    const yearsOnly: ClockView = { ...finalClock, reading: { ...finalClock.reading!, provisional: null, provisional_years: [2027, 2028] } }
    expect(provisionalNote(yearsOnly)).toBe('暂定：缺少 2027、2028 年节假日安排')
    expect(provisionalNote(finalClock)).toBeNull()
    expect(provisionalNote(null)).toBeNull()
  })
})

describe('provisional deadlines on the case page', () => {
  beforeEach(() => {
    catalogueRef.value = catalogue as unknown as Catalogue
    session.user = { id: 'reviewer-fgw-3', name: '复核员（市发改委）', role: 'department_reviewer', department: 'FGW', organisation: null, levels: [] }
  })

  function detail(c: ClockView): CaseDetail {
    return {
      case: inReview,
      trail: trail as unknown as CaseDetail['trail'],
      clock: c,
      item_name: '企业投资项目备案',
      department_name: '哈尔滨市发展和改革委员会',
      project_name: '哈尔滨新区智能制造厂房',
      next_action: null,
      available_actions: [],
      special_procedures: [],
      materials_to_correct: [],
      rating: null,
    }
  }

  it('marks the deadline 暂定 and explains how it was counted', async () => {
    fakeIpc({ case_detail: () => detail(provisionalClock), material_library: () => [], catalogue: () => catalogue, project: () => { throw { code: 'not_found', message: 'x' } } })
    const { w } = await mountWith(CasePage, { props: { id: inReview.id } })
    expect(w.get(tid('case-deadline')).text()).toBe('2027-01-05 17:00')
    const tag = w.get(tid('case-deadline-provisional'))
    expect(tag.text()).toBe('暂定')
    expect(tag.attributes('title')).toBe(NOTE)
    const panel = w.get(tid('case-clock-provisional'))
    expect(panel.text()).toContain(NOTE)
    expect(panel.text()).toContain('按周一至周五计算，导入节假日安排后自动更正')
    expect(panel.attributes('data-years')).toBe('2027')
    w.unmount()
  })

  it('shows no 暂定 for a final deadline', async () => {
    fakeIpc({ case_detail: () => detail(finalClock), material_library: () => [], catalogue: () => catalogue, project: () => { throw { code: 'not_found', message: 'x' } } })
    const { w } = await mountWith(CasePage, { props: { id: inReview.id } })
    expect(w.get(tid('case-deadline')).text()).toBe('2026-12-04 17:00')
    expect(w.find(tid('case-deadline-provisional')).exists()).toBe(false)
    expect(w.find(tid('case-clock-provisional')).exists()).toBe(false)
    w.unmount()
  })
})
