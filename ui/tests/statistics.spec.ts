import { describe, it, expect, beforeEach } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import Statistics from '../src/features/statistics/Statistics.vue'
import { session } from '../src/stores/session'
import { catalogueRef } from '../src/stores/catalogue'
import { preview } from '../src/stores/preview'
import { fakeIpc, mountWith, tid, typeInto, pickOption, saveDialogAnswers } from './helpers'
import catalogue from './fixtures/catalogue.json'
import table1 from './fixtures/stats-table1.json'
import monthly from './fixtures/stats-monthly.json'
import type { Catalogue, MonthlyReport, UserInfo } from '../src/api/types'
import { TABLE_COLUMNS } from '../src/features/statistics/statsColumns'
import { cellText, headerColumns, lastMonths, monthRange, workingDays, beijingToday } from '../src/features/statistics/stats'
import { timePerStage, overdueByDepartment, monthFigures } from '../src/features/statistics/charts'

const OFFICE: UserInfo = { id: 'office', name: '李工改', role: 'reform_office', department: null, organisation: null, levels: [] }
const REVIEWER: UserInfo = { id: 'r', name: '审查员', role: 'department_reviewer', department: 'ZGJ', organisation: null, levels: [] }

const stubs = { global: { stubs: { StatCharts: true } } }

function ipc(savedAt: string | null = '/tmp/out') {
  return fakeIpc({
    ...saveDialogAnswers(savedAt),
    catalogue: () => catalogue,
    statistics: (req) => {
      if (req.format !== 'json') return { json: null, bytes_base64: 'JVBERi0=', saved: req.path ?? null }
      if (req.report === 'monthly') return { json: monthly, bytes_base64: null, saved: null }
      return { json: table1, bytes_base64: null, saved: null }
    },
  })
}

describe('statistics helpers', () => {
  it('prints cells as the documents crate does', () => {
    expect(cellText({ type: 'date_time', value: '2024-10-08T09:30:00' })).toBe('2024-10-08 09:30')
    expect(cellText({ type: 'yes_no', value: true })).toBe('是')
    expect(cellText({ type: 'yes_no', value: false })).toBe('否')
    expect(cellText({ type: 'int', value: 3 })).toBe('3')
    expect(cellText({ type: 'empty' })).toBe('')
    expect(cellText({ type: 'date', value: '2024-10-01' })).toBe('2024-10-01')
  })

  it('groups the seed columns under a two-row header', () => {
    const h = headerColumns(TABLE_COLUMNS.table1)
    expect(TABLE_COLUMNS.table1).toHaveLength(18)
    expect(TABLE_COLUMNS.table2).toHaveLength(37)
    expect(TABLE_COLUMNS.table3).toHaveLength(16)
    expect(TABLE_COLUMNS.table4).toHaveLength(11)
    const result = h.find((c) => c.label === '办理结果')
    expect(result?.children?.map((c) => [c.label, c.index])).toEqual([
      ['有无结果', 14],
      ['电子证照', 15],
      ['电子证照上传结果', 16],
    ])
    // 表二: 8 project columns + 是否涉及 + 7 groups of 4
    const h2 = headerColumns(TABLE_COLUMNS.table2)
    expect(h2).toHaveLength(16)
    expect(h2[9].label).toBe('现场勘察')
    expect(h2[9].children?.map((c) => c.index)).toEqual([9, 10, 11, 12])
  })

  it('computes periods and working days', () => {
    expect(monthRange(2024, 2)).toEqual({ from: '2024-02-01', to: '2024-02-29' })
    expect(lastMonths(2024, 2, 6).map((m) => m.label)).toEqual(['2023-09', '2023-10', '2023-11', '2023-12', '2024-01', '2024-02'])
    expect(lastMonths(2024, 2, 6)[0]).toEqual({ label: '2023-09', from: '2023-09-01', to: '2023-09-30' })
    expect(workingDays({ minutes: 2100, minutes_per_day: 480 })).toBe(4.38)
    expect(beijingToday(new Date('2024-10-31T17:00:00Z'))).toEqual({ year: 2024, month: 11, day: 1 })
  })

  it('derives the chart series from a monthly report', () => {
    const r = monthly as unknown as MonthlyReport
    expect(timePerStage(r)).toEqual([
      { group: 'project_and_planning', days: 3, projects: 2 },
      { group: 'construction', days: 1, projects: 1 },
      { group: 'completion', days: 0, projects: 0 },
    ])
    expect(overdueByDepartment(r)[0]).toEqual({ name: '哈尔滨市自然资源和规划局', overdue: 1, cases: 3 })
    expect(monthFigures(r)).toEqual({ cases: 5, overdue: 1 })
    expect(monthFigures(null)).toEqual({ cases: 0, overdue: 0 })
  })
})

describe('statistics page', () => {
  beforeEach(() => {
    catalogueRef.value = catalogue as unknown as Catalogue
    preview.open = false
    preview.source = null
  })

  it('asks for table 1 of the current month and renders the seed columns', async () => {
    session.user = OFFICE
    const calls = ipc()
    const { w } = await mountWith(Statistics, stubs)
    const now = beijingToday()
    const month = monthRange(now.year, now.month)
    expect(calls.callsOf('statistics')[0]).toEqual({ report: 'table1', format: 'json', from: month.from, to: month.to, offset: 0, limit: 200 })
    const table = document.querySelector(tid('stats-table')) as HTMLElement
    expect(table.getAttribute('data-rows')).toBe('2')
    const headers = Array.from(table.querySelectorAll('th')).map((th) => th.textContent?.trim())
    expect(headers).toContain('办理结果')
    expect(headers).toContain('电子证照上传结果')
    expect(headers).toContain('数据来源 (系统直办/系统对接)')
    const cells = Array.from(table.querySelectorAll('[data-col="15"]')).map((e) => e.textContent)
    expect(cells).toEqual(['建字第230102202400012号', ''])
    expect(table.querySelector('[data-col="8"]')?.textContent).toBe('2024-10-08 09:30')
    expect(table.querySelector('[data-col="12"]')?.textContent).toBe('是')
    expect(w.find(tid('stats-scope')).text()).toContain('统计期间（受理）')
    expect(w.find(tid('stats-notes')).text()).toContain('P-404')
    w.unmount()
  })

  it('asks a long table one page at a time and shows the whole count', async () => {
    session.user = OFFICE
    const long = { ...table1, total: 450, first: 0 }
    const calls = fakeIpc({
      catalogue: () => catalogue,
      statistics: (req) => ({ json: { ...long, first: (req.offset as number) ?? 0 }, bytes_base64: null, saved: null }),
    })
    const { w } = await mountWith(Statistics, stubs)
    expect(document.querySelector(tid('stats-row-count'))?.getAttribute('data-count')).toBe('450')
    expect(document.querySelector(tid('stats-row-count'))?.textContent).toContain('共 450 行')
    const pages = document.querySelector(tid('stats-pages')) as HTMLElement
    expect(pages).not.toBeNull()
    const three = Array.from(pages.querySelectorAll('li.number')).find((li) => li.textContent?.trim() === '3') as HTMLElement
    three.click()
    await flushPromises()
    expect(calls.callsOf('statistics').at(-1)).toMatchObject({ report: 'table1', format: 'json', offset: 400, limit: 200 })
    // Exports are the whole table: no page.
    ;(document.querySelector(tid('stats-preview-pdf')) as HTMLElement).click()
    await flushPromises()
    expect(calls.callsOf('statistics').at(-1)).not.toHaveProperty('limit')
    w.unmount()
  })

  it('sends the filters, the department only for the reform office, and exports where the save dialog says', async () => {
    session.user = OFFICE
    const calls = ipc()
    const { w } = await mountWith(Statistics, stubs)
    await typeInto(document, 'stats-from', '2024-10-01')
    await typeInto(document, 'stats-to', '2024-10-31')
    ;(document.querySelector(tid('stats-department')) as HTMLElement).click()
    await flushPromises()
    await pickOption('stats-department-ZGJ')
    ;(document.querySelector(tid('stats-report-table2')) as HTMLElement).click()
    await flushPromises()
    ;(document.querySelector(tid('stats-query')) as HTMLElement).click()
    await flushPromises()
    expect(calls.callsOf('statistics').at(-1)).toEqual({ report: 'table2', format: 'json', from: '2024-10-01', to: '2024-10-31', department: 'ZGJ', offset: 0, limit: 200 })

    ;(document.querySelector(tid('stats-export-xlsx')) as HTMLElement).click()
    await flushPromises()
    // The save dialog proposes the report's name and dates in 下载, as an Excel workbook; the
    // name typed there without an extension gets .xlsx.
    const asked = calls.callsOf('plugin:dialog|save')[0].options as { defaultPath: string; filters: { name: string; extensions: string[] }[] }
    expect(asked.defaultPath).toBe('/home/u/下载/表二 特别程序办理情况-2024-10-01_2024-10-31.xlsx')
    expect(asked.filters).toEqual([{ name: 'Excel 工作簿', extensions: ['xlsx'] }])
    expect(calls.callsOf('statistics').at(-1)).toEqual({ report: 'table2', format: 'xlsx', from: '2024-10-01', to: '2024-10-31', department: 'ZGJ', path: '/tmp/out.xlsx' })
    expect(document.querySelector(tid('stats-export-info'))?.textContent).toContain('/tmp/out.xlsx')

    ;(document.querySelector(tid('stats-preview-pdf')) as HTMLElement).click()
    await flushPromises()
    expect(calls.callsOf('statistics').at(-1)).toEqual({ report: 'table2', format: 'pdf', from: '2024-10-01', to: '2024-10-31', department: 'ZGJ' })
    expect(preview.open).toBe(true)
    expect(preview.source).toMatchObject({ type: 'pdf', pdf_base64: 'JVBERi0=' })
    w.unmount()
  })

  it('gives a department reviewer no department filter, and loads six months of trend with the monthly report', async () => {
    session.user = REVIEWER
    const calls = ipc()
    const { w } = await mountWith(Statistics, stubs)
    expect(document.querySelector(tid('stats-department'))).toBeNull()
    expect(document.querySelector(tid('stats-report-quarterly'))).toBeNull()
    await typeInto(document, 'stats-from', '2024-10-01')
    await typeInto(document, 'stats-to', '2024-10-31')
    ;(document.querySelector(tid('stats-report-monthly')) as HTMLElement).click()
    await flushPromises()
    ;(document.querySelector(tid('stats-query')) as HTMLElement).click()
    await flushPromises()
    const monthlyCalls = calls.callsOf('statistics').filter((r) => r.report === 'monthly')
    expect(monthlyCalls[0]).toEqual({ report: 'monthly', format: 'json', from: '2024-10-01', to: '2024-10-31' })
    expect(monthlyCalls.slice(1).map((r) => [r.from, r.to])).toEqual([
      ['2024-05-01', '2024-05-31'],
      ['2024-06-01', '2024-06-30'],
      ['2024-07-01', '2024-07-31'],
      ['2024-08-01', '2024-08-31'],
      ['2024-09-01', '2024-09-30'],
      ['2024-10-01', '2024-10-31'],
    ])
    expect(monthlyCalls.every((r) => !('department' in r))).toBe(true)
    expect(w.find(tid('stats-monthly-stages')).text()).toContain('社会投资仓储类')
    expect(w.find(tid('stats-monthly-stages')).text()).toContain('2.00个工作日（哈尔滨新区科创中心）')
    expect(w.find(tid('stats-monthly-overdue')).text()).toContain('哈尔滨市自然资源和规划局')
    expect(w.find(tid('stats-suggestion')).text()).toBe('哈尔滨市自然资源和规划局有1件超期（共3件），建议督办并分析超期原因。')
    w.unmount()
  })

  it('refuses a malformed date without asking the server', async () => {
    session.user = OFFICE
    const calls = ipc()
    const { w } = await mountWith(Statistics, stubs)
    const before = calls.callsOf('statistics').length
    await typeInto(document, 'stats-from', '2024/10/01')
    ;(document.querySelector(tid('stats-query')) as HTMLElement).click()
    await flushPromises()
    expect(calls.callsOf('statistics').length).toBe(before)
    expect(document.querySelector(tid('stats-error'))?.textContent).toContain('日期格式应为 年-月-日')
    w.unmount()
  })
})
