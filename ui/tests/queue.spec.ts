import { describe, it, expect } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import QueueTable from '../src/features/queue/QueueTable.vue'
import { LEVEL_COLOURS } from '../src/features/queue/queue'
import type { QueueEntry, WarningLevel } from '../src/api/types'
import { fakeIpc, mountWith, tid, typeInto } from './helpers'
import DeskLists from '../src/features/queue/DeskLists.vue'
import { catalogueRef } from '../src/stores/catalogue'
import type { Catalogue } from '../src/api/types'
import catalogue from './fixtures/catalogue.json'
import reviewerQueue from './fixtures/queue-reviewer.json'
import windowQueue from './fixtures/queue-window.json'

const real = reviewerQueue[0] as QueueEntry

function entry(i: number, level: WarningLevel | null, deadline: string | null, remaining: number | null = 5): QueueEntry {
  return { ...real, case: `C-${String(i).padStart(6, '0')}`, level, deadline, remaining_working_days: remaining }
}

/** jsdom renders colours as rgb(); compare by the hex value. */
function rgb(hex: string): string {
  const n = parseInt(hex.slice(1), 16)
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`
}

describe('queue table', () => {
  it('shows a real queue entry with its colour, deadline and time left', async () => {
    const { w } = await mountWith(QueueTable, { props: { rows: [real] } })
    const row = w.get(tid('queue-row'))
    expect(row.attributes('data-case')).toBe('C-e953416185615c41')
    expect(row.attributes('data-level')).toBe('due_soon')
    expect(row.text()).toContain('审查中')
    expect(row.text()).toContain('层级审批：复核')
    expect(row.text()).toContain('2026-11-27 17:00')
    expect(row.text()).toContain('3 / 0') // used / left (working days)
    expect(w.get(tid('queue-level')).text()).toBe('即将到期')
    expect((row.element as HTMLElement).style.borderLeft).toContain(rgb(LEVEL_COLOURS.due_soon))
    w.unmount()
  })

  it('colours each warning level: normal green, due soon orange, overdue red, paused grey', async () => {
    const rows = [entry(1, 'normal', '2026-12-01T17:00'), entry(2, 'due_soon', '2026-11-27T17:00'), entry(3, 'overdue', '2026-11-20T17:00'), entry(4, 'paused', null)]
    const { w } = await mountWith(QueueTable, { props: { rows } })
    const tags = w.findAll(tid('queue-level'))
    const byLevel = Object.fromEntries(
      w.findAll(tid('queue-row')).map((r, i) => [r.attributes('data-level'), (tags[i].element as HTMLElement).style.background]),
    )
    expect(byLevel).toEqual({
      overdue: rgb('#c62828'),
      due_soon: rgb('#e67e22'),
      normal: rgb('#2e7d32'),
      paused: rgb('#8c8c8c'),
    })
    // In the client's order (reads::queue sorts by urgency); the table does not re-sort.
    expect(w.findAll(tid('queue-row')).map((r) => r.attributes('data-level'))).toEqual(['normal', 'due_soon', 'overdue', 'paused'])
    w.unmount()
  })

  it('renders only the visible rows of 10,000 entries and follows the scroll', async () => {
    const levels: (WarningLevel | null)[] = ['normal', 'due_soon', 'overdue', 'paused', null]
    const rows = Array.from({ length: 10_000 }, (_, i) => {
      const level = levels[i % levels.length]
      const day = String(1 + (i % 28)).padStart(2, '0')
      return entry(i, level, level && level !== 'paused' ? `2026-12-${day}T17:00` : null)
    })
    const started = performance.now()
    const { w } = await mountWith(QueueTable, { props: { rows, height: 400, rowHeight: 40 } })
    const firstPaint = performance.now() - started
    const list = w.get(tid('queue-list'))
    expect(list.attributes('data-total')).toBe('10000')
    const shown = () => w.findAll(tid('queue-row'))
    // 400 px / 40 px = 10 rows in view, plus 6 below (overscan); never thousands.
    expect(shown().length).toBe(16)
    // The first row is the client's first (the table keeps the order it is given).
    expect(shown()[0].attributes('data-level')).toBe('normal')
    expect(shown()[0].attributes('data-index')).toBe('0')

    // Scroll to row 5,000.
    const el = list.element as HTMLElement
    el.scrollTop = 5000 * 40
    el.dispatchEvent(new Event('scroll'))
    await flushPromises()
    const indices = shown().map((r) => Number(r.attributes('data-index')))
    expect(indices.length).toBe(10 + 6 + 6)
    expect(Math.min(...indices)).toBe(4994)
    expect(Math.max(...indices)).toBe(5015)
    // Each visible row sits at its own offset inside a spacer of the full height.
    const spacer = el.firstElementChild as HTMLElement
    expect(spacer.style.height).toBe(`${10_000 * 40}px`)
    expect((shown()[0].element.parentElement as HTMLElement).style.top).toBe(`${4994 * 40}px`)

    // Scroll to the end: the last rows are the unclocked ones.
    el.scrollTop = 10_000 * 40 - 400
    el.dispatchEvent(new Event('scroll'))
    await flushPromises()
    const last = shown()
    expect(Number(last[last.length - 1].attributes('data-index'))).toBe(9999)
    expect(last[last.length - 1].attributes('data-level')).toBe('none')
    expect(firstPaint).toBeLessThan(3000)
    w.unmount()
  })

  it('shows the columns a hall uses: applicant, project, received', async () => {
    const { w } = await mountWith(QueueTable, { props: { rows: windowQueue as QueueEntry[] } })
    const row = w.get(tid('queue-row'))
    expect(row.get(tid('queue-applicant')).text()).toBe('哈尔滨建设有限公司')
    expect(row.get(tid('queue-project')).text()).toBe('哈尔滨新区智能制造厂房')
    expect(row.get(tid('queue-received')).text()).toBe('2026-11-24 10:05')
    // 办件编号 as people read it, never the internal id.
    expect(row.get(tid('queue-number')).text()).toMatch(/^2026-[A-Z]+-\d{6}$/)
    expect(row.text()).not.toContain(row.attributes('data-case') as string)
    // Filter by the applicant's or the project's name.
    await typeInto(w.element, 'queue-filter', '智能制造')
    expect(w.findAll(tid('queue-row'))).toHaveLength(2)
    w.unmount()
  })

  it('says so when a list is empty, and not when only the filter hides every row', async () => {
    const { w } = await mountWith(QueueTable, { props: { rows: [], emptyText: '暂无已办办件' } })
    expect(w.get(tid('queue-empty')).text()).toBe('暂无已办办件')
    w.unmount()
    const { w: w2 } = await mountWith(QueueTable, { props: { rows: [real], emptyText: '暂无待办办件' } })
    await typeInto(w2.element, 'queue-filter', '没有这个')
    expect(w2.find(tid('queue-empty')).exists()).toBe(false)
    expect(w2.findAll(tid('queue-row'))).toHaveLength(0)
    w2.unmount()
  })

  it('takes the focus when it appears, so ↑/↓ work from the first key press', async () => {
    const { w } = await mountWith(QueueTable, { props: { rows: [real] } })
    expect(document.activeElement).toBe(w.get(tid('queue')).element)
    w.unmount()
  })

  it('filters and opens a case with the keyboard (↓ then Enter)', async () => {
    const rows = [entry(1, 'overdue', '2026-11-20T17:00'), entry(2, 'normal', '2026-12-01T17:00')]
    const { w } = await mountWith(QueueTable, { props: { rows } })
    const q = w.get(tid('queue'))
    await q.trigger('keydown', { key: 'ArrowDown' })
    await q.trigger('keydown', { key: 'Enter' })
    expect(w.emitted('open')).toEqual([['C-000002']])
    await w.get(tid('queue-row')).trigger('click')
    expect(w.emitted('open')?.[1]).toEqual(['C-000001'])
    w.unmount()
  })

  it('shows item and department by name with the code small beside, and filters by name', async () => {
    catalogueRef.value = catalogue as unknown as Catalogue
    const rows = [...(windowQueue as QueueEntry[]), { ...real, item: 'ZGJ-04', department: 'ZGJ', case: 'C-zgj04' }]
    const { w } = await mountWith(QueueTable, { props: { rows } })
    const row = w.get(`${tid('queue-row')}[data-case="C-zgj04"]`)
    const item = row.get(tid('queue-item'))
    expect(item.attributes('data-item')).toBe('ZGJ-04')
    // The item by name, its department's short name small beside; the full names on hover.
    expect(item.text()).toBe('建设工程规划许可证核发市资规局')
    expect(item.attributes('data-department')).toBe('ZGJ')
    expect(item.attributes('title')).toBe('建设工程规划许可证核发（哈尔滨市自然资源和规划局）')
    const dept = row.get(tid('queue-department'))
    expect(dept.text()).toBe('市资规局')
    // No raw codes as the main text of any row.
    for (const r of w.findAll(tid('queue-item'))) expect(r.text().startsWith(r.attributes('data-item') as string)).toBe(false)

    await typeInto(w.element, 'queue-filter', '建设工程规划')
    expect(w.findAll(tid('queue-row')).map((r) => r.attributes('data-case'))).toEqual(['C-zgj04'])
    await typeInto(w.element, 'queue-filter', '发改委')
    expect(w.findAll(tid('queue-row')).map((r) => r.attributes('data-case'))).toEqual(rows.filter((r) => r.department === 'FGW').map((r) => r.case))
    await typeInto(w.element, 'queue-filter', '人防办')
    expect(w.findAll(tid('queue-row'))).toHaveLength(0)
    await typeInto(w.element, 'queue-filter', '资规局')
    expect(w.findAll(tid('queue-row')).length).toBe(rows.filter((r) => r.department === 'ZGJ').length)
    catalogueRef.value = null
    w.unmount()
  })
})

describe('desk lists (待办 / 已办 / 全部)', () => {
  it('asks the client for the chosen list and shows its empty text', async () => {
    const ipc = fakeIpc({
      queue: (req) => (req.list === 'todo' ? reviewerQueue : []),
      catalogue: () => catalogue,
    })
    const { w } = await mountWith(DeskLists)
    expect(ipc.callsOf('queue')).toEqual([{ list: 'todo' }])
    expect(w.findAll(tid('queue-row'))).toHaveLength(1)
    expect(w.findAll('[data-testid^="desk-list-"] .el-radio-button__inner').map((b) => b.text())).toEqual(['待办', '已办', '全部'])
    await w.get(`${tid('desk-list-done')} input`).setValue(true)
    await flushPromises()
    expect(ipc.callsOf('queue').at(-1)).toEqual({ list: 'done' })
    expect(w.get(tid('queue-empty')).text()).toBe('暂无已办办件')
    await w.get(`${tid('desk-list-all')} input`).setValue(true)
    await flushPromises()
    expect(ipc.callsOf('queue').at(-1)).toEqual({ list: 'all' })
    expect(w.get(tid('queue-empty')).text()).toBe('本机暂无办件')
    w.unmount()
  })
})
