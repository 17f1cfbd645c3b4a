// 中介服务超市 search and detail; the site map's projection; the consultation page.
import { describe, it, expect, beforeEach } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import Market from '../src/features/market/Market.vue'
import SiteMap from '../src/features/consultation/SiteMap.vue'
import ConsultationPage from '../src/features/consultation/ConsultationPage.vue'
import { session } from '../src/stores/session'
import { catalogueRef } from '../src/stores/catalogue'
import { searchServices, searchAgencies, agenciesFor } from '../src/features/market/market'
import { layout, project, centroid, niceLength } from '../src/features/consultation/geo'
import { fakeIpc, mountWith, tid, typeInto } from './helpers'
import catalogue from './fixtures/catalogue.json'
import market from './fixtures/market.json'
import actResult from './fixtures/act-result.json'
import type { Catalogue, Consultation, MarketCatalogue, Site, UserInfo } from '../src/api/types'

const M = market as unknown as MarketCatalogue
const click = async (id: string) => {
  const el = document.querySelector(tid(id)) as HTMLElement | null
  if (!el) throw new Error(`no ${id}`)
  el.click()
  await flushPromises()
}

describe('market search', () => {
  it('finds services by name, code, material, standard and agency; every word must match', () => {
    expect(searchServices(M, '').length).toBe(9)
    expect(searchServices(M, '环境影响').map((s) => s.item)).toEqual(['ZJ-01'])
    expect(searchServices(M, 'zj-04').map((s) => s.item)).toEqual(['ZJ-04'])
    expect(searchServices(M, 'GB 50433').map((s) => s.item)).toEqual(['ZJ-03'])
    // An agency's name finds the services it is qualified for.
    expect(searchServices(M, '北方测绘').map((s) => s.item)).toEqual(['ZJ-04', 'ZJ-05', 'ZJ-06'])
    expect(searchServices(M, '环境影响 测绘')).toEqual([])
    expect(searchAgencies(M, '地质灾害').map((a) => a.name)).toEqual(['哈尔滨北方测绘地理信息有限公司', '黑龙江省地震工程研究院'])
    expect(agenciesFor(M, 'ZJ-01').map((a) => a.name)).toEqual(['黑龙江龙环环境科技咨询有限公司', '哈尔滨华清环境工程咨询有限公司'])
  })

  it('the page filters as one types and opens a service in the drawer', async () => {
    catalogueRef.value = catalogue as unknown as Catalogue
    session.user = { id: 'a', name: '张', role: 'applicant', department: null, organisation: null, levels: [] }
    const calls = fakeIpc({ market: () => market, catalogue: () => catalogue })
    const { w } = await mountWith(Market)
    expect(calls.callsOf('market')).toHaveLength(1)
    expect(document.querySelectorAll(tid('market-service-row'))).toHaveLength(9)
    await typeInto(document, 'market-search', '水土保持')
    expect(Array.from(document.querySelectorAll(tid('market-service-row'))).map((e) => e.getAttribute('data-item'))).toEqual(['ZJ-03'])
    await click('market-service-open-ZJ-03')
    const detail = document.querySelector(tid('market-detail')) as HTMLElement
    expect(detail.getAttribute('data-item')).toBe('ZJ-03')
    expect(detail.querySelector(tid('market-detail-time-limit'))?.textContent).toContain('20')
    expect(detail.querySelector(tid('market-detail-fee'))?.textContent).toContain('市场调节价')
    expect(detail.querySelector(tid('market-detail-standard'))?.textContent).toContain('GB 50433-2018')
    expect(detail.querySelectorAll(`${tid('market-detail-materials')} li`)).toHaveLength(3)
    const agencies = Array.from(detail.querySelectorAll(tid('market-detail-agency'))).map((e) => e.textContent ?? '')
    expect(agencies).toHaveLength(1)
    expect(agencies[0]).toContain('黑龙江龙环环境科技咨询有限公司')
    expect(detail.querySelector(tid('market-detail-qualification'))?.textContent).toContain('水土保持方案编制')
    w.unmount()
  })
})

// A 0.01° × 0.01° square in Harbin (closed ring), lon/lat × 1e7 as the domain stores them.
const sq = (lon: number, lat: number) => ({ lon_e7: Math.round(lon * 1e7), lat_e7: Math.round(lat * 1e7) })
const SQUARE = [sq(126.6, 45.75), sq(126.61, 45.75), sq(126.61, 45.76), sq(126.6, 45.76), sq(126.6, 45.75)]
const SITE: Site = { datum: 'cgcs2000', polygon: { rings: [SQUARE] } }

describe('site map projection', () => {
  it('projects equirectangularly around the centroid', () => {
    const c = centroid(SQUARE.map((p) => ({ lon: p.lon_e7 / 1e7, lat: p.lat_e7 / 1e7 })))
    expect(c.lon).toBeCloseTo(126.605, 9)
    expect(c.lat).toBeCloseTo(45.755, 9)
    // 0.005° east at 45.755°N: R·Δλ·cos φ0 = 387.92 m; 0.005° north: 555.98 m.
    const p = project({ lon: 126.61, lat: 45.76 }, c)
    expect(p.x).toBeCloseTo(387.92, 1)
    expect(p.y).toBeCloseTo(555.98, 1)
  })

  it('fits the square into the viewport, north up, with a round scale bar', () => {
    const l = layout([SQUARE], 480, 360, 40)!
    // Height limits: 2 × 555.98 m fill 280 units; width follows the same scale.
    const pts = l.rings[0].map((q) => [Math.round(q.x * 100) / 100, Math.round(q.y * 100) / 100])
    expect(pts).toEqual([
      [142.32, 320],
      [337.68, 320],
      [337.68, 40],
      [142.32, 40],
      [142.32, 320],
    ])
    expect(l.metresPerUnit).toBeCloseTo(3.9713, 3)
    expect(l.scaleBar.metres).toBe(200)
    expect(l.scaleBar.length).toBeCloseTo(50.36, 1)
    expect(l.scaleBar.label).toBe('200 米')
    expect(niceLength(476.5)).toBe(200)
    expect(niceLength(1200)).toBe(1000)
    expect(niceLength(5600)).toBe(5000)
  })

  it('draws the polygon, the grid, the north arrow and the scale bar', async () => {
    const { w } = await mountWith(SiteMap, { props: { site: SITE } })
    expect(w.find(tid('site-polygon')).attributes('points')).toBe('142.3,320.0 337.7,320.0 337.7,40.0 142.3,40.0 142.3,320.0')
    expect(w.find(tid('site-north')).text()).toBe('北')
    expect(w.find(tid('site-scale')).attributes('data-metres')).toBe('200')
    expect(w.findAll(`${tid('site-map-grid')} line`).length).toBeGreaterThan(10)
    w.unmount()
  })
})

describe('consultation page', () => {
  const sys = { user: 'system', name: '系统', role: 'system' as const, department: null, organisation: null, levels: [] }
  const zgj = { user: 'r', name: '规划审查员', role: 'department_reviewer' as const, department: 'ZGJ', organisation: null, levels: [] }
  const C: Consultation = {
    id: 'Q-1',
    channel: 'reserve_library',
    leads: { development: 'FGW', natural_resources: 'ZGJ' },
    name: '松北区学校新建工程',
    description: '新建九年一贯制学校',
    registered_by: 'ZGJ',
    state: 'consulting',
    materials: [],
    site: SITE,
    placed_at: '2026-11-02T02:00:00Z',
    compliance: {
      findings: [{ zone: 'A33', name: '教育用地', land_use: 'A33', area_m2: 86000, share_bp: 10000 }],
      conclusion: { conclusion: 'compliant' },
      by: zgj,
      at: '2026-11-03T02:00:00Z',
      opinion: null,
      attachments: [],
    },
    consultation_started_at: '2026-11-04T02:00:00Z',
    deadline_working_days: 5,
    invitations: [
      { department: 'ZGJ', reply: { kind: { kind: 'answered', answer: { answer: 'consent', conditions: ['符合控规'], required_work: [] } }, by: zgj, at: '2026-11-05T02:00:00Z', opinion: null, attachments: [] } },
      { department: 'STHJ', reply: { kind: { kind: 'deemed_consent' }, by: sys, at: '2026-11-11T09:00:00Z', opinion: '逾期未回复，视为同意', attachments: [] } },
      { department: 'FGW', reply: null },
    ],
    summary: null,
    summarised_at: null,
    outcome: null,
    result_documents: [],
    concluded_at: null,
    linked_project: null,
    closed_reason: null,
    registered_at: '2026-11-01T02:00:00Z',
    last_event_at: '2026-11-11T09:00:00Z',
    version: 7,
  }

  beforeEach(() => {
    catalogueRef.value = catalogue as unknown as Catalogue
  })

  it('shows the replies (视为同意 by 系统), the compliance result, and lets an invited department answer', async () => {
    session.user = { id: 'f', name: '发改审查员', role: 'department_reviewer', department: 'FGW', organisation: null, levels: [] } as UserInfo
    const calls = fakeIpc({
      catalogue: () => catalogue,
      consultations: () => [{ ...C, available_actions: [] }],
      trail: () => ({ entity: 'consultation:Q-1', events: [], broken: null }),
      act_command: () => ({ ...actResult, refused: [], synced: true, offline: null }),
    })
    const { w } = await mountWith(ConsultationPage, { props: { id: 'Q-1' } })
    expect(calls.callsOf('trail')).toEqual([{ entity: 'consultation', id: 'Q-1' }])
    const rows = Array.from(document.querySelectorAll(tid('invitation-row'))).map((e) => [e.getAttribute('data-department'), e.getAttribute('data-reply')])
    expect(rows).toEqual([
      ['ZGJ', 'consent'],
      ['STHJ', 'deemed_consent'],
      ['FGW', 'waiting'],
    ])
    const replies = Array.from(document.querySelectorAll(tid('invitation-reply'))).map((e) => e.textContent)
    expect(replies).toEqual(['同意', '视为同意', '待回复'])
    const by = Array.from(document.querySelectorAll(tid('invitation-by'))).map((e) => e.textContent)
    expect(by).toEqual(['规划审查员', '系统'])
    expect(w.find(tid('consultation-compliance')).attributes('data-conclusion')).toBe('compliant')
    expect(w.find(tid('site-polygon')).exists()).toBe(true)
    await typeInto(document, 'consultation-conditions', '纳入年度投资计划\n\n开展节能审查')
    await click('consultation-submit')
    expect(calls.callsOf('act_command')).toEqual([
      {
        command: {
          entity: 'consultation',
          consultation: 'Q-1',
          command: { command: 'answer', department: 'FGW', answer: { answer: 'consent', conditions: ['纳入年度投资计划', '开展节能审查'], required_work: [] } },
        },
      },
    ])
    w.unmount()
  })

  it('offers no answer form to a department that already replied', async () => {
    session.user = { id: 'r', name: '规划审查员', role: 'department_reviewer', department: 'ZGJ', organisation: null, levels: [] } as UserInfo
    fakeIpc({ catalogue: () => catalogue, consultations: () => [{ ...C, available_actions: [] }], trail: () => ({ entity: 'x', events: [], broken: null }) })
    const { w } = await mountWith(ConsultationPage, { props: { id: 'Q-1' } })
    expect(w.find(tid('consultation-answer')).exists()).toBe(false)
    w.unmount()
  })
})
