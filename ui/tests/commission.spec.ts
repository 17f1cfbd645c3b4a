// 中介服务委托: the exact CommissionCommand JSON (checked against serde output of the Rust types),
// who sees which action, the page's flows, and the planning zones under the site map.
import { describe, it, expect, beforeEach } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import Commissions from '../src/features/market/Commissions.vue'
import Market from '../src/features/market/Market.vue'
import SiteMap from '../src/features/consultation/SiteMap.vue'
import { session } from '../src/stores/session'
import { catalogueRef } from '../src/stores/catalogue'
import { newId } from '../src/features/evaluation/commands'
import {
  acceptCommission,
  actionsFor,
  announcedRule,
  canQuote,
  cancelCommission,
  commissionByDepartment,
  commissionDirect,
  confirmReport,
  declineCommission,
  deliverReport,
  fenToYuan,
  publishRequest,
  recordExpertReview,
  requestRevision,
  selectAgency,
  selectionRule,
  shareResult,
  submitQuote,
  yuanToFen,
} from '../src/features/market/commission'
import { zoneKind } from '../src/features/consultation/geo'
import { mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { fakeIpc, mountWith, pickOption, testRouter, tid, typeInto } from './helpers'
import fixtures from './fixtures/commission-commands.json'
import catalogue from './fixtures/catalogue.json'
import market from './fixtures/market.json'
import actResult from './fixtures/act-result.json'
import type { Availability, Catalogue, CommissionAction, CommissionState, CommissionView, PlanningZone, Site, UserInfo } from '../src/api/types'

const F = fixtures as unknown as Record<string, unknown>
const W = 'W-00112233aabbccdd'
const AG1 = '91230100MA1AHJ7K0N' // 龙环: ZJ-01, ZJ-03
const AG2 = '91230100MA1K5P7QX4' // 华清: ZJ-01
const APPLICANT_ORG = '91230102MA1C4K7P5Y'
const APPLICANT: UserInfo = { id: 'a', name: '张建设', role: 'applicant', department: null, organisation: APPLICANT_ORG, levels: [] }
const AGENCY: UserInfo = { id: 'g', name: '龙环', role: 'intermediary_agency', department: null, organisation: AG1, levels: [] }
const STHJ: UserInfo = { id: 's', name: '生态环境局审查员', role: 'department_reviewer', department: 'STHJ', organisation: null, levels: [] }
const OFFICE: UserInfo = { id: 'o', name: '工改办', role: 'reform_office', department: null, organisation: null, levels: [] }
const synced = { ...actResult, refused: [], synced: true, offline: null }

const click = async (id: string) => {
  const el = document.querySelector(tid(id)) as HTMLElement | null
  if (!el) throw new Error(`no ${id}`)
  el.click()
  await flushPromises()
}

/** The domain's answer as the shell sends it (`available_actions`): `allowed` allowed, the rest
 * refused with a sentence. */
function offered(...allowed: CommissionAction[]): Availability<CommissionAction>[] {
  const all: CommissionAction[] = ['submit_quote', 'select', 'accept', 'decline', 'deliver', 'confirm', 'record_expert_review', 'request_revision', 'share_result', 'cancel']
  return all.map((action) => ({ action, label: action, refusal: allowed.includes(action) ? null : '当前不可办理' }))
}

function commission(state: CommissionState, over: Partial<CommissionView> = {}): CommissionView {
  return {
    deadline: null,
    warning: null,
    provisional: null,
    clock_error: null,
    available_actions: [],
    id: 'W-1',
    mode: 'competitive',
    payer: 'applicant',
    terms: {
      market_version: '2026.1',
      item: 'ZJ-01',
      name: '环境影响评价文件编制',
      competent_department: 'STHJ',
      time_limit_working_days: 30,
      fee_standard: '市场调节价',
      service_standard: 'HJ 2.1-2016',
    },
    project: 'P-1',
    applicant: APPLICANT_ORG,
    requirements: '编制环评报告表\n选取方式：随机抽取',
    agency: null,
    price_fen: null,
    quotes: [],
    selection: null,
    state,
    created_at: '2026-11-02T02:00:00Z',
    accepted_at: null,
    deliveries: [],
    completed_at: null,
    shares: [],
    end_reason: null,
    last_event_at: '2026-11-02T02:00:00Z',
    version: 1,
    ...over,
  }
}

describe('commission command builders match the serde form of the Rust types', () => {
  it('every CommissionCommand variant, against serde_json output', () => {
    // Whitespace typed around values is trimmed like the other builders do.
    expect(commissionByDepartment(W, 'ZJ-01', ' P-1 ', APPLICANT_ORG, '91230103MA1AB2CD3E')).toEqual(F.commission_by_department)
    expect(commissionDirect(W, 'ZJ-01', 'P-1', '91230103MA1AB2CD3E')).toEqual(F.commission_direct)
    expect(publishRequest(W, 'ZJ-03', 'P-1', ' 编制水土保持方案，30 日内交付 ')).toEqual(F.publish_request)
    expect(submitQuote('W-1', yuanToFen('65000.50')!, '含现场踏勘')).toEqual(F.submit_quote)
    expect(selectAgency('W-1', selectionRule('lowest_price', 9, 'x'))).toEqual(F.select_lowest)
    expect(selectAgency('W-1', selectionRule('random_draw', 0, ''))).toEqual(F.select_draw)
    expect(selectAgency('W-1', selectionRule('direct', 0, '91230103MA1AB2CD3E'))).toEqual(F.select_direct)
    expect(acceptCommission('W-1')).toEqual(F.accept)
    expect(declineCommission('W-1', '人员不足')).toEqual(F.decline)
    expect(deliverReport('W-1', 'A-9', '方案已编制完成')).toEqual(F.deliver)
    expect(confirmReport('W-1')).toEqual(F.confirm)
    expect(recordExpertReview('W-1', true, '专家评审合格')).toEqual(F.expert_review_passed)
    expect(recordExpertReview('W-1', false, '补充监测数据')).toEqual(F.expert_review_failed)
    expect(requestRevision('W-1', '补充图件\n\n 核对面积 ')).toEqual(F.request_revision)
    expect(shareResult('W-1', 'C-1', 'STHJ-01')).toEqual(F.share_result)
    expect(cancelCommission('W-1', '项目调整')).toEqual(F.cancel)
  })

  it('prices: yuan with up to two decimals into fen, like the CLI', () => {
    const cases: [string, number | null][] = [
      ['65000', 6500000],
      ['65000.5', 6500050],
      ['65000.05', 6500005],
      [' 1.00 ', 100],
      ['0', null],
      ['0.00', null],
      ['1.234', null],
      ['-5', null],
      ['1,000', null],
      ['', null],
      ['abc', null],
    ]
    for (const [s, fen] of cases) expect(yuanToFen(s), s).toBe(fen)
    expect(fenToYuan(6500050)).toBe('65000.50')
    expect(fenToYuan(5)).toBe('0.05')
  })

  it('ids look like the client new_id (W- and 16 hex)', () => {
    expect(newId('W')).toMatch(/^W-[0-9a-f]{16}$/)
    expect(announcedRule('x\n选取方式：随机抽取')).toBe('random_draw')
    expect(announcedRule('x\n选取方式：最低价')).toBe('lowest_price')
    expect(announcedRule(null)).toBeNull()
  })
})

describe('who may do what: the domain decides', () => {
  it('offers exactly the actions the domain allows, under the UI names', () => {
    expect(actionsFor(commission('requested', { available_actions: offered('select', 'cancel') }))).toEqual(['select', 'cancel'])
    expect(actionsFor(commission('awaiting_acceptance', { available_actions: offered('accept', 'decline') }))).toEqual(['accept', 'decline'])
    expect(actionsFor(commission('delivered', { available_actions: offered('confirm', 'request_revision') }))).toEqual(['confirm', 'revise'])
    expect(actionsFor(commission('delivered', { available_actions: offered('record_expert_review') }))).toEqual(['review'])
    expect(actionsFor(commission('in_revision', { available_actions: offered('deliver') }))).toEqual(['deliver'])
    expect(actionsFor(commission('delivered', { available_actions: offered() }))).toEqual([])
    // 共享成果 to a case of the project, once the result is confirmed.
    expect(actionsFor(commission('completed', { available_actions: offered('share_result') }))).toEqual(['share'])
  })

  it('the agency sees a quote form only when the domain lets it quote', () => {
    expect(canQuote(commission('requested', { available_actions: offered('submit_quote') }))).toBe(true)
    expect(canQuote(commission('requested', { available_actions: offered('cancel') }))).toBe(false)
  })
})

describe('中介服务委托 page', () => {
  beforeEach(() => {
    catalogueRef.value = catalogue as unknown as Catalogue
  })

  const base = (list: CommissionView[]) => ({
    catalogue: () => catalogue,
    market: () => market,
    projects: () => [],
    commissions: () => list,
    act_command: () => synced,
  })

  it('lists with state, service, agency, price; the agency quotes on an open request', async () => {
    session.user = AGENCY
    const open = commission('requested', { available_actions: offered('submit_quote') })
    const mine = commission('in_service', { id: 'W-2', agency: AG1, price_fen: 6500000, accepted_at: '2026-11-04T02:00:00Z', deadline: '2026-12-16T17:00', available_actions: offered('deliver') })
    const calls = fakeIpc(base([open, mine]))
    const { w } = await mountWith(Commissions)
    const rows = Array.from(document.querySelectorAll(tid('commission-row'))).map((e) => [e.getAttribute('data-commission'), e.getAttribute('data-state')])
    expect(rows).toEqual([
      ['W-1', 'requested'],
      ['W-2', 'in_service'],
    ])
    expect(document.querySelector(tid('commissions-table'))?.textContent).toContain('65000.00')
    // 服务期限: the service clock's deadline as the client computed it.
    expect(document.querySelector(tid('commissions-table'))?.textContent).toContain('2026-12-16 17:00 前')
    expect(document.querySelector(tid('commissions-table'))?.textContent).toContain('黑龙江龙环环境科技咨询有限公司')
    // The service in progress: no quote form, the delivery form instead.
    ;(document.querySelectorAll(tid('commission-row'))[1] as HTMLElement).click()
    await flushPromises()
    expect(document.querySelector(tid('commission-detail'))?.getAttribute('data-commission')).toBe('W-2')
    expect(document.querySelector(tid('commission-quote-form'))).toBeNull()
    expect(document.querySelector(tid('commission-deliver-form'))).not.toBeNull()
    ;(document.querySelectorAll(tid('commission-row'))[0] as HTMLElement).click()
    await flushPromises()
    expect(document.querySelector(tid('commission-detail'))?.getAttribute('data-commission')).toBe('W-1')
    expect(document.querySelector(tid('commission-quote-form'))).not.toBeNull()
    await typeInto(document, 'commission-quote-price', '12,5')
    await click('commission-quote-submit')
    expect(document.querySelector(tid('commission-act-error'))?.textContent).toContain('报价应为')
    expect(calls.callsOf('act_command')).toHaveLength(0)
    await typeInto(document, 'commission-quote-price', '65000.50')
    await typeInto(document, 'commission-quote-note', '含现场踏勘')
    await click('commission-quote-submit')
    expect(calls.callsOf('act_command')).toEqual([{ command: F.submit_quote }])
    w.unmount()
  })

  it('the applicant picks the winner by the announced rule and confirms a delivered report', async () => {
    session.user = APPLICANT
    const quotes = [
      { agency: AG2, price_fen: 5000000, note: '', at: '2026-11-03T02:00:00Z', declined: false },
      { agency: AG1, price_fen: 4800000, note: '', at: '2026-11-03T03:00:00Z', declined: false },
    ]
    const req = commission('requested', { quotes, available_actions: offered('select', 'cancel') })
    const done = commission('delivered', {
      id: 'W-3',
      agency: AG1,
      selection: { rule: 'random_draw', draw: 7 },
      deliveries: [{ report: 'A-9', summary: '报告表', at: '2026-11-20T02:00:00Z', outcome: null }],
      available_actions: offered('confirm', 'request_revision'),
    })
    const calls = fakeIpc(base([req, done]))
    const { w } = await mountWith(Commissions)
    ;(document.querySelectorAll(tid('commission-row'))[0] as HTMLElement).click()
    await flushPromises()
    expect(document.querySelectorAll(tid('commission-quote-row'))).toHaveLength(2)
    // The request announced 随机抽取: that rule is preselected.
    expect(document.querySelector(tid('commission-select-draw'))).not.toBeNull()
    await click('commission-select-submit')
    expect(calls.callsOf('act_command')).toEqual([{ command: F.select_draw }])
    ;(document.querySelectorAll(tid('commission-row'))[1] as HTMLElement).click()
    await flushPromises()
    const sel = document.querySelector(tid('commission-selection'))
    expect([sel?.getAttribute('data-rule'), sel?.getAttribute('data-draw')]).toEqual(['random_draw', '7'])
    expect(document.querySelector(tid('commission-delivery'))?.getAttribute('data-report')).toBe('A-9')
    await click('commission-confirm')
    expect(calls.callsOf('act_command')[1]).toEqual({ command: { entity: 'commission', commission: 'W-3', command: { command: 'confirm' } } })
    w.unmount()
  })

  it('the agency delivers: upload first, then the command with the attachment id', async () => {
    session.user = AGENCY
    const calls = fakeIpc({ ...base([commission('in_service', { agency: AG1, available_actions: offered('deliver') })]), add_attachment: () => ({ id: 'A-9', name: 'r.pdf', size: 3, mime: null }) })
    const { w } = await mountWith(Commissions)
    await click('commission-row')
    const input = document.querySelector(tid('commission-deliver-file')) as HTMLInputElement
    Object.defineProperty(input, 'files', { value: [new File(['abc'], 'r.pdf')] })
    input.dispatchEvent(new Event('change'))
    await typeInto(document, 'commission-deliver-summary', '方案已编制完成')
    await click('commission-deliver-submit')
    expect(calls.callsOf('add_attachment')).toEqual([{ name: 'r.pdf', bytes_base64: 'YWJj' }])
    expect(calls.callsOf('act_command')).toEqual([{ command: { ...(F.deliver as object) }, attachments: ['A-9'] }])
    w.unmount()
  })

  it('the department commissions when the government pays (from the market: the service chosen)', async () => {
    session.user = STHJ
    const calls = fakeIpc(base([]))
    const router = testRouter()
    await router.push('/commissions?service=ZJ-01')
    await router.isReady()
    const w = mount(Commissions, { attachTo: document.body, global: { plugins: [ElementPlus, router] } })
    await flushPromises()
    expect(document.querySelector(tid('commission-new'))).not.toBeNull()
    // Only the department's own services, and only the agencies qualified for the chosen one.
    expect(document.querySelector(tid('commission-new-service-ZJ-03'))).toBeNull()
    await click('commission-new-submit')
    expect(document.querySelector(tid('commission-new-error'))?.textContent).toContain('请选择服务事项并填写项目')
    await typeInto(document, 'commission-new-project-id', 'P-1')
    await typeInto(document, 'commission-new-applicant', APPLICANT_ORG)
    expect(document.querySelector(tid(`commission-new-agency-${AG2}`))).not.toBeNull()
    await pickOption(`commission-new-agency-${AG2}`)
    await click('commission-new-submit')
    const sent = calls.callsOf('act_command') as { command: { commission: string } }[]
    expect(sent).toHaveLength(1)
    expect(sent[0].command.commission).toMatch(/^W-[0-9a-f]{16}$/)
    expect(sent[0]).toEqual({
      command: { entity: 'commission', commission: sent[0].command.commission, command: { command: 'commission_by_department', service: 'ZJ-01', project: 'P-1', applicant: APPLICANT_ORG, agency: AG2 } },
    })
    w.unmount()
  })
})

describe('发起委托 from the market and publishing a request', () => {
  beforeEach(() => {
    catalogueRef.value = catalogue as unknown as Catalogue
  })

  it('the market drawer offers 发起委托 to the applicant and opens the form with the service', async () => {
    session.user = APPLICANT
    fakeIpc({ market: () => market, catalogue: () => catalogue })
    const { w, router } = await mountWith(Market)
    await click('market-service-open-ZJ-03')
    await click('market-commission')
    expect(router.currentRoute.value.fullPath).toBe('/commissions?service=ZJ-03')
    w.unmount()
    // A reviewer of another department gets no button.
    session.user = STHJ
    fakeIpc({ market: () => market, catalogue: () => catalogue })
    const { w: w2 } = await mountWith(Market)
    await click('market-service-open-ZJ-03')
    expect(document.querySelector(tid('market-commission'))).toBeNull()
    w2.unmount()
  })

  it('the applicant publishes a competitive request announcing the selection rule', async () => {
    session.user = APPLICANT
    const calls = fakeIpc({ catalogue: () => catalogue, market: () => market, projects: () => [], commissions: () => [], act_command: () => synced })
    const router = testRouter()
    await router.push('/commissions?service=ZJ-03')
    const w = mount(Commissions, { attachTo: document.body, global: { plugins: [ElementPlus, router] } })
    await flushPromises()
    await typeInto(document, 'commission-new-project-id', 'P-1')
    await click('commission-new-submit')
    expect(document.querySelector(tid('commission-new-error'))?.textContent).toContain('请填写服务需求')
    await click('commission-new-rule-random_draw')
    await typeInto(document, 'commission-new-requirements', ' 编制水土保持方案 ')
    await click('commission-new-submit')
    const sent = calls.callsOf('act_command') as { command: { commission: string } }[]
    expect(sent).toEqual([
      {
        command: {
          entity: 'commission',
          commission: sent[0].command.commission,
          command: { command: 'publish_request', service: 'ZJ-03', project: 'P-1', requirements: '编制水土保持方案\n选取方式：随机抽取' },
        },
      },
    ])
    expect(document.querySelector(tid('commission-new-info'))).not.toBeNull()
    w.unmount()
  })
})

// The same 0.01° square as the site map test; zones drawn in the site's projection.
const sq = (lon: number, lat: number) => ({ lon_e7: Math.round(lon * 1e7), lat_e7: Math.round(lat * 1e7) })
const SQUARE = [sq(126.6, 45.75), sq(126.61, 45.75), sq(126.61, 45.76), sq(126.6, 45.76), sq(126.6, 45.75)]
const SITE: Site = { datum: 'cgcs2000', polygon: { rings: [SQUARE] } }

describe('planning zones on the site map', () => {
  it('classifies zones by land use', () => {
    expect(zoneKind('居住用地（R2 二类居住用地）')).toBe('residential')
    expect(zoneKind('商业用地（B1 商业用地）')).toBe('commercial')
    expect(zoneKind('工业用地（M2 二类工业用地）')).toBe('industrial')
    expect(zoneKind('生态保护红线')).toBe('ecological')
    expect(zoneKind('永久基本农田')).toBe('farmland')
    expect(zoneKind('水域')).toBe('other')
  })

  it('draws every zone polygon under the site, in the same projection, with a legend', async () => {
    const zones: PlanningZone[] = [
      { code: 'Z-R', name: '居住', land_use: '居住用地（R2 二类居住用地）', datum: 'cgcs2000', polygons: [{ rings: [SQUARE] }] },
      {
        code: 'Z-E',
        name: '红线',
        land_use: '生态保护红线',
        datum: 'cgcs2000',
        polygons: [
          { rings: [[sq(126.61, 45.75), sq(126.62, 45.75), sq(126.62, 45.76), sq(126.61, 45.75)]] },
          { rings: [[sq(126.59, 45.75), sq(126.6, 45.75), sq(126.6, 45.76), sq(126.59, 45.75)]] },
        ],
      },
    ]
    const { w } = await mountWith(SiteMap, { props: { site: SITE, zones } })
    const paths = w.findAll(tid('site-zone'))
    expect(paths.map((p) => [p.attributes('data-zone'), p.attributes('data-kind')])).toEqual([
      ['Z-R', 'residential'],
      ['Z-E', 'ecological'],
      ['Z-E', 'ecological'],
    ])
    // A zone with the site's own ring lands exactly on the site polygon.
    expect(paths[0].attributes('d')).toBe('M142.3,320.0L337.7,320.0L337.7,40.0L142.3,40.0L142.3,320.0Z')
    expect(w.find(tid('site-polygon')).attributes('points')).toBe('142.3,320.0 337.7,320.0 337.7,40.0 142.3,40.0 142.3,320.0')
    // The red line east of the site starts at its east edge (same scale, same origin).
    expect(paths[1].attributes('d')?.startsWith('M337.7,320.0L533.0,320.0')).toBe(true)
    // Zones come before (under) the site polygon in the SVG.
    const svg = w.find(tid('site-map')).element
    const order = Array.from(svg.querySelectorAll('[data-testid]')).map((e) => e.getAttribute('data-testid'))
    expect(order.indexOf('site-zones')).toBeLessThan(order.indexOf('site-polygon'))
    expect(w.findAll(tid('site-legend-item')).map((e) => [e.attributes('data-kind'), e.text()])).toEqual([
      ['residential', '居住用地'],
      ['ecological', '生态保护红线'],
    ])
    w.unmount()
  })

  it('draws no legend without zones', async () => {
    const { w } = await mountWith(SiteMap, { props: { site: SITE } })
    expect(w.find(tid('site-legend')).exists()).toBe(false)
    expect(w.findAll(tid('site-zone'))).toHaveLength(0)
    w.unmount()
  })
})
