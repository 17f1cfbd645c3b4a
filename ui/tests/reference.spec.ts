// Issue 11: 参考数据 for the reform office: versions per kind, the calendar years, the November
// warning, and importing a new version (预览变更 = dry run, 替换已有年份, 确认导入).
import { describe, it, expect, beforeEach } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import ReferenceData from '../src/features/reference/ReferenceData.vue'
import Overview from '../src/features/statistics/Overview.vue'
import { session } from '../src/stores/session'
import { menuFor } from '../src/router'
import type { ImportOutcome, ReferenceView } from '../src/api/types'
import { fakeIpc, mountWith, tid, pickOption } from './helpers'
import overview from './fixtures/overview.json'

const WARNING = '2027 年节假日安排尚未导入：11 月起请导入国务院办公厅公布的下一年度节假日安排'

// The shape of client::reference::ReferenceView (src-tauri `reference_show`).
const show: ReferenceView = {
  versions: { calendar: 2, catalogue: 1, market: 0, zones: 0, districts: 0 },
  kinds: [
    { kind: 'calendar', label: '工作日历', version: 2, sha256: 'ab12', changed_by: '李工改', changed_at: '2026-11-03T02:00:00Z', changes: ['2026 年：新增调休上班日 2026-10-10'] },
    { kind: 'catalogue', label: '审批事项目录', version: 1, sha256: 'cd34', changed_by: '李工改', changed_at: '2026-10-01T01:30:00Z', changes: ['事项 FGW-01 办理时限由 5 个工作日改为 3 个工作日'] },
    { kind: 'market', label: '中介服务超市目录', version: 0, sha256: null, changed_by: null, changed_at: null, changes: [] },
    { kind: 'zones', label: '规划分区', version: 0, sha256: null, changed_by: null, changed_at: null, changes: [] },
    { kind: 'districts', label: '行政区划', version: 0, sha256: null, changed_by: null, changed_at: null, changes: [] },
  ],
  calendar_years: [2026, 2022, 2023, 2024, 2025],
  catalogue_version: 'harbin-demo-2026.1',
  catalogue_items: 24,
  market_version: 'harbin-demo-2026.1',
  zones: 12,
  districts_version: '2026.1',
  districts: 18,
  warning: WARNING,
  last_sync_at: '2026-12-06T02:00:00Z',
}

const TABLE_2027 = '[[years]]\nyear = 2027\nholidays = ["2027-01-01"]\n'

const dryRun: ImportOutcome = {
  kind: 'calendar',
  from_version: 2,
  to_version: 2,
  dry_run: true,
  applied: false,
  changes: ['新增 2027 年节假日安排：放假 1 天，调休上班 0 天'],
  deadlines_moved: [
    { case: 'C-e953416185615c41', from: '2027-01-04 17:00', to: '2027-01-05 17:00', was_provisional: true, now_provisional: false },
    { case: 'C-paused', from: null, to: null, was_provisional: true, now_provisional: false },
  ],
  still_used: [],
  needs_replace: [],
  notified: 0,
  synced: null,
}

async function chooseFile(text: string, name = 'holidays-2027.toml') {
  const input = document.querySelector(tid('reference-file')) as HTMLInputElement
  const file = new File([text], name, { type: 'text/plain' })
  Object.defineProperty(input, 'files', { value: [file], configurable: true })
  input.dispatchEvent(new Event('change', { bubbles: true }))
  await flushPromises()
  // File.text() resolves on a later task in jsdom.
  await new Promise((r) => setTimeout(r, 0))
  await flushPromises()
}

async function click(id: string) {
  ;(document.querySelector(tid(id)) as HTMLElement).click()
  await flushPromises()
}

describe('参考数据 (reform office)', () => {
  beforeEach(() => {
    session.user = { id: 'office', name: '李工改', role: 'reform_office', department: null, organisation: null, levels: [] }
  })

  it('is in the reform office menu only', () => {
    expect(menuFor('reform_office').map((e) => e.path)).toContain('/reference')
    expect(menuFor('department_reviewer').map((e) => e.path)).not.toContain('/reference')
  })

  it('shows the five kinds with version, who and when, the last change, the years and the warning', async () => {
    fakeIpc({ reference_show: () => show })
    const { w } = await mountWith(ReferenceData)
    expect(w.get(tid('reference-warning')).text()).toContain(WARNING)
    const table = w.get(tid('reference-table'))
    expect(w.findAll(tid('reference-kind')).map((e) => e.text())).toEqual(['工作日历', '审批事项目录', '中介服务超市目录', '规划分区', '行政区划'])
    expect(w.findAll(tid('reference-version')).map((e) => e.attributes('data-version'))).toEqual(['2', '1', '0', '0', '0'])
    expect(table.text()).toContain('李工改')
    expect(table.text()).toContain('2026-11-03 10:00')
    expect(table.text()).toContain('2026 年：新增调休上班日 2026-10-10')
    expect(table.text()).toContain('初始数据')
    expect(w.get(tid('reference-years')).attributes('data-years')).toBe('2022,2023,2024,2025,2026')
    w.unmount()
  })

  it('no warning when next year is covered', async () => {
    fakeIpc({ reference_show: () => ({ ...show, warning: null }) })
    const { w } = await mountWith(ReferenceData)
    expect(w.find(tid('reference-warning')).exists()).toBe(false)
    w.unmount()
  })

  it('预览变更 shows the changes and the moved deadlines; 确认导入 imports with dry_run false and refreshes', async () => {
    let imported = false
    const ipc = fakeIpc({
      reference_show: () => (imported ? { ...show, versions: { ...show.versions, calendar: 3 }, calendar_years: [...show.calendar_years, 2027], warning: null } : show),
      reference_import: (req) =>
        req.dry_run ? dryRun : ((imported = true), { ...dryRun, dry_run: false, applied: true, to_version: 3, notified: 1 }),
    })
    const { w } = await mountWith(ReferenceData)
    // Nothing to import before a preview.
    expect((w.get(tid('reference-import')).element as HTMLButtonElement).disabled).toBe(true)
    await click('reference-dry-run')
    expect(w.get(tid('reference-error')).text()).toBe('请先选择文件')
    expect(ipc.callsOf('reference_import')).toHaveLength(0)

    await chooseFile(TABLE_2027)
    await click('reference-dry-run')
    expect(ipc.callsOf('reference_import')).toEqual([{ kind: 'calendar', content: TABLE_2027, dry_run: true, replace: false }])
    expect(w.get(tid('reference-changes')).text()).toContain('新增 2027 年节假日安排')
    const moved = w.get(tid('reference-moved'))
    expect(moved.attributes('data-count')).toBe('2')
    expect(moved.get(tid('reference-moved-case')).text()).toBe('C-e953416185615c41')
    const from = w.findAll(tid('reference-moved-from'))
    const to = w.findAll(tid('reference-moved-to'))
    expect(from[0].text()).toBe('2027-01-04 17:00暂定')
    expect(to[0].text()).toBe('2027-01-05 17:00')
    expect(from[1].text()).toBe('暂停中')
    expect(w.find(tid('reference-replace')).exists()).toBe(false)

    expect((w.get(tid('reference-import')).element as HTMLButtonElement).disabled).toBe(false)
    await click('reference-import')
    expect(ipc.callsOf('reference_import')[1]).toEqual({ kind: 'calendar', content: TABLE_2027, dry_run: false, replace: false })
    const result = w.get(tid('reference-result'))
    expect(result.attributes('data-applied')).toBe('true')
    expect(result.text()).toContain('已导入：工作日历 版本 3')
    expect(result.text()).toContain('期限变动的在办件 2 件；已通知 1 人')
    // Refreshed: the new version, 2027 covered, no warning.
    expect(ipc.callsOf('reference_show')).toHaveLength(2)
    expect(w.findAll(tid('reference-version'))[0].attributes('data-version')).toBe('3')
    expect(w.get(tid('reference-years')).attributes('data-years')).toContain('2027')
    expect(w.find(tid('reference-warning')).exists()).toBe(false)
    w.unmount()
  })

  it('a stored year that differs needs 替换已有年份 before it can be imported', async () => {
    const differs: ImportOutcome = { ...dryRun, changes: ['2026 年：10 月 10 日由调休上班改为休息'], deadlines_moved: [], needs_replace: [2026] }
    const ipc = fakeIpc({
      reference_show: () => show,
      reference_import: (req) => (req.dry_run ? differs : { ...differs, dry_run: false, applied: true, to_version: 3 }),
    })
    const { w } = await mountWith(ReferenceData)
    await chooseFile('[[years]]\nyear = 2026\n')
    await click('reference-dry-run')
    expect(w.get(tid('reference-needs-replace')).text()).toContain('2026 年的节假日安排与已有数据不同')
    const box = w.get(tid('reference-replace'))
    expect(box.text()).toBe('替换已有年份')
    expect((w.get(tid('reference-import')).element as HTMLButtonElement).disabled).toBe(true)
    ;(box.element.querySelector('input') as HTMLInputElement).click()
    await flushPromises()
    expect((w.get(tid('reference-import')).element as HTMLButtonElement).disabled).toBe(false)
    await click('reference-import')
    expect(ipc.callsOf('reference_import')[1]).toMatchObject({ dry_run: false, replace: true })
    expect(w.get(tid('reference-result')).attributes('data-applied')).toBe('true')
    w.unmount()
  })

  it('a catalogue whose dropped items open cases still use says so', async () => {
    const report: ImportOutcome = { ...dryRun, kind: 'catalogue', from_version: 1, to_version: 1, changes: ['删除事项 ZGJ-09'], deadlines_moved: [], still_used: ['ZGJ-09 建设工程竣工规划核实：在办件 2 件'] }
    const ipc = fakeIpc({ reference_show: () => show, reference_import: () => report })
    const { w } = await mountWith(ReferenceData)
    await pickOption('reference-kind-catalogue')
    await chooseFile('[[items]]\n', 'catalogue.toml')
    await click('reference-dry-run')
    expect(ipc.callsOf('reference_import')[0]).toMatchObject({ kind: 'catalogue', dry_run: true })
    expect(w.get(tid('reference-still-used')).text()).toContain('ZGJ-09 建设工程竣工规划核实')
    expect(w.find(tid('reference-moved')).exists()).toBe(false)
    w.unmount()
  })

  it('a malformed file is refused in Chinese with its line; nothing is imported', async () => {
    const message = '第 3 行：日期格式应为 YYYY-MM-DD，实际为“2027-13-01”；未导入，服务器上的数据没有变化'
    const ipc = fakeIpc({
      reference_show: () => show,
      reference_import: () => {
        throw { code: 'invalid', message, field: null }
      },
    })
    const { w } = await mountWith(ReferenceData)
    await chooseFile('[[years]]\nyear = 2027\nholidays = ["2027-13-01"]\n')
    await click('reference-dry-run')
    expect(w.get(tid('reference-error')).text()).toBe(`导入失败：${message}`)
    expect(w.find(tid('reference-preview')).exists()).toBe(false)
    expect((w.get(tid('reference-import')).element as HTMLButtonElement).disabled).toBe(true)
    expect(ipc.callsOf('reference_import')).toHaveLength(1)
    w.unmount()
  })
})

describe('the November warning on the overview', () => {
  beforeEach(() => {
    session.user = { id: 'office', name: '李工改', role: 'reform_office', department: null, organisation: null, levels: [] }
  })

  it('shows the warning when next year\'s table is missing', async () => {
    fakeIpc({ overview: () => overview, reference_show: () => show })
    const { w } = await mountWith(Overview)
    expect(w.get(tid('overview-calendar-warning')).text()).toContain(WARNING)
    w.unmount()
  })

  it('shows none when covered, or when the reference data cannot be read (offline)', async () => {
    fakeIpc({ overview: () => overview, reference_show: () => ({ ...show, warning: null }) })
    const { w } = await mountWith(Overview)
    expect(w.find(tid('overview-calendar-warning')).exists()).toBe(false)
    w.unmount()
    fakeIpc({
      overview: () => overview,
      reference_show: () => {
        throw { code: 'offline', message: '离线' }
      },
    })
    const { w: w2 } = await mountWith(Overview)
    expect(w2.find(tid('overview-calendar-warning')).exists()).toBe(false)
    expect(w2.get(tid('overview-total-overdue')).text()).toBe('1')
    w2.unmount()
  })
})
