// 策划生成, the planning lead's steps: command builders against the Rust serde output, the
// The lead's panel reads the domain's answer (available_actions), the GeoJSON import, and the pages.
import { describe, it, expect, beforeEach } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import ConsultationPage from '../src/features/consultation/ConsultationPage.vue'
import Consultations from '../src/features/consultation/Consultations.vue'
import { session } from '../src/stores/session'
import { catalogueRef } from '../src/stores/catalogue'
import {
  DEFAULT_LEADS,
  GeoJsonError,
  closeCommand,
  concludeCommand,
  leadActions,
  linkProjectCommand,
  placeSiteCommand,
  recordComplianceCommand,
  registerChannels,
  registerCommand,
  siteFromGeoJson,
  startConsultationCommand,
  summariseCommand,
} from '../src/features/consultation/consultation'
import { fakeIpc, mountWith, tid, typeInto } from './helpers'
import catalogue from './fixtures/catalogue.json'
import fx from './fixtures/consultation-commands.json'
import actResult from './fixtures/act-result.json'
import type { Catalogue, Consultation, ConsultationView, Role, Site, UserInfo } from '../src/api/types'

const user = (role: Role, department: string | null): UserInfo => ({ id: 'u', name: '用户', role, department, organisation: null, levels: [] })
const ZGJ = user('department_reviewer', 'ZGJ')
const FGW = user('department_reviewer', 'FGW')
const STHJ = user('department_reviewer', 'STHJ')
const WINDOW = user('window_operator', null)
const OFFICE = user('reform_office', null)
const UTILITY = user('utility_unit', 'ZGJ')

const SQUARE = [[[126.6, 45.75], [126.61, 45.75], [126.61, 45.76], [126.6, 45.76], [126.6, 45.75]]]
const site = (fx.place_site.command as { site: Site }).site
const click = async (id: string) => {
  const el = document.querySelector(tid(id)) as HTMLElement | null
  if (!el) throw new Error(`no ${id}`)
  el.click()
  await flushPromises()
}

describe('consultation command builders match the serde form of ConsultationCommand', () => {
  it('every lead command, byte for byte as serde_json printed it', () => {
    expect(
      registerCommand('CH-1', { channel: 'multi_plan_platform', leads: DEFAULT_LEADS, name: ' 松北区学校新建工程 ', description: '新建教学楼 2 栋，总投资 1.2 亿元\n' }),
    ).toEqual(fx.register)
    expect(placeSiteCommand('CH-1', siteFromGeoJson(fx.place_site_geojson, 'cgcs2000'))).toEqual(fx.place_site)
    // The findings are measured by the client and the server, never sent by the reviewer.
    expect(recordComplianceCommand('CH-1', null)).toEqual(fx.compliance_ok)
    expect(recordComplianceCommand('CH-1', ['占用生态保护红线'])).toEqual(fx.compliance_bad)
    expect(startConsultationCommand('CH-1', ['STHJ', 'ZJJ'], 10)).toEqual(fx.start)
    expect(summariseCommand('CH-1', ' 各部门同意 ')).toEqual(fx.summarise)
    expect(concludeCommand('CH-1', null)).toEqual(fx.conclude_generated)
    expect(concludeCommand('CH-1', ['不符合国土空间规划'])).toEqual(fx.conclude_not_generated)
    expect(linkProjectCommand('CH-1', 'P-1 ')).toEqual(fx.link)
    expect(closeCommand('CH-1', '项目取消')).toEqual(fx.close)
    // Key order too (the trail hashes canonical JSON server-side, but keep the wire identical).
    expect(JSON.stringify(startConsultationCommand('CH-1', ['STHJ', 'ZJJ'], 10))).toBe(JSON.stringify(fx.start))
    expect(JSON.stringify(placeSiteCommand('CH-1', site))).toBe(JSON.stringify(fx.place_site))
  })
})

describe('GeoJSON import of the site (Polygon::from_geojson)', () => {
  it('reads a FeatureCollection, a Feature and a bare Polygon into the same site', () => {
    const fc = JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { name: '红线' }, geometry: { type: 'Polygon', coordinates: SQUARE } }] })
    expect(siteFromGeoJson(fc, 'cgcs2000')).toEqual(site)
    expect(siteFromGeoJson(JSON.stringify({ type: 'Polygon', coordinates: SQUARE }), 'cgcs2000')).toEqual(site)
    expect(siteFromGeoJson(fx.place_site_geojson, 'wgs84')).toEqual({ ...site, datum: 'wgs84' })
    // 1e-7 degree rounding like Position::from_degrees; holes kept as further rings.
    const withHole = siteFromGeoJson(
      JSON.stringify({ type: 'Polygon', coordinates: [SQUARE[0], [[126.603, 45.753], [126.604, 45.753], [126.604, 45.754], [126.603, 45.753]]] }),
      'cgcs2000',
    )
    expect(withHole.polygon.rings).toHaveLength(2)
    expect(siteFromGeoJson(JSON.stringify({ type: 'Polygon', coordinates: [[[126.12345678, 45.5], [126.2, 45.5], [126.2, 45.6], [126.12345678, 45.5]]] }), 'wgs84').polygon.rings[0]![0]).toEqual({
      lon_e7: 1261234568,
      lat_e7: 455000000,
    })
  })

  it.each([
    ['a Point', { type: 'Point', coordinates: [126.6, 45.75] }, '项目红线应为 Polygon（面），实际为 Point'],
    ['a LineString feature', { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'LineString', coordinates: SQUARE[0] } }] }, '实际为 LineString'],
    ['a MultiPolygon', { type: 'MultiPolygon', coordinates: [SQUARE] }, '实际为 MultiPolygon'],
    ['two features', { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'Polygon', coordinates: SQUARE } }, { type: 'Feature', geometry: { type: 'Polygon', coordinates: SQUARE } }] }, '应只含一个项目红线要素，实际为 2 个'],
    ['an open ring', { type: 'Polygon', coordinates: [SQUARE[0]!.slice(0, 4)] }, '第 1 个坐标环未闭合'],
    ['a triangle of 3 positions', { type: 'Polygon', coordinates: [[[126.6, 45.75], [126.61, 45.75], [126.6, 45.75]]] }, '至少需要 4 个点'],
    ['swapped-out text', { type: 'Polygon', coordinates: [[['126.6', 45.75]]] }, '不是有效的经纬度坐标'],
    ['no type', { coordinates: SQUARE }, '缺少 type'],
  ])('rejects %s with a Chinese message', (_name, value, message) => {
    expect(() => siteFromGeoJson(JSON.stringify(value), 'cgcs2000')).toThrow(GeoJsonError)
    expect(() => siteFromGeoJson(JSON.stringify(value), 'cgcs2000')).toThrow(message)
  })
  it('rejects text that is not JSON', () => {
    expect(() => siteFromGeoJson('{type: Polygon', 'cgcs2000')).toThrow(/^GeoJSON 格式有误：/)
  })
})

describe('the lead actions are the domain answer, read as it is', () => {
  const answer = (allowed: string[], refused: string[] = []) => ({
    available_actions: [
      ...refused.map((action) => ({ action, label: action, refusal: '不能' })),
      ...allowed.map((action) => ({ action, label: action, refusal: null })),
    ] as ConsultationView['available_actions'],
  })
  it('keeps the allowed lead steps, in the panel order', () => {
    expect(leadActions(answer(['close', 'place_site', 'attach_material']))).toEqual(['attach_material', 'place_site', 'close'])
  })
  it('drops what the domain refuses, and the steps that are not the lead panel', () => {
    expect(leadActions(answer(['answer', 'register'], ['summarise', 'close']))).toEqual([])
    expect(leadActions(answer([]))).toEqual([])
  })
})

describe('register channels', () => {
  it('register channels by lead department', () => {
    expect(registerChannels(FGW)).toEqual(['reserve_library', 'implementation_library'])
    expect(registerChannels(ZGJ)).toEqual(['multi_plan_platform'])
    expect(registerChannels(STHJ)).toEqual([])
    expect(registerChannels(WINDOW)).toEqual([])
  })
})

describe('the pages', () => {
  const base: Consultation = {
    id: 'CH-1',
    channel: 'multi_plan_platform',
    leads: DEFAULT_LEADS,
    name: '松北区学校新建工程',
    description: '新建教学楼',
    registered_by: 'ZGJ',
    state: 'registered',
    materials: [],
    site: null,
    placed_at: null,
    compliance: null,
    consultation_started_at: null,
    deadline_working_days: null,
    invitations: [],
    summary: null,
    summarised_at: null,
    outcome: null,
    result_documents: [],
    concluded_at: null,
    linked_project: null,
    closed_reason: null,
    registered_at: '2026-11-01T02:00:00Z',
    last_event_at: '2026-11-01T02:00:00Z',
    version: 1,
  }
  const ok = () => ({ ...actResult, refused: [], synced: true, offline: null })
  /** The record as the client answers it: with the domain's allowed actions for the user. */
  const answered = (c: Consultation, allowed: string[]): ConsultationView => ({
    ...c,
    available_actions: allowed.map((action) => ({ action: action as ConsultationView['available_actions'][0]['action'], label: action, refusal: null })),
  })
  beforeEach(() => {
    catalogueRef.value = catalogue as unknown as Catalogue
  })

  it('资规局 registers a record with a CH- id', async () => {
    session.user = ZGJ
    const calls = fakeIpc({ consultations: () => [], act_command: ok })
    const { w, router } = await mountWith(Consultations)
    await click('consultation-register-open')
    await typeInto(document, 'consultation-register-name', '松北区学校新建工程')
    await typeInto(document, 'consultation-register-description', '新建教学楼')
    await click('consultation-register-submit')
    const sent = calls.callsOf('act_command')[0]!.command as { consultation: string; command: unknown }
    expect(sent.consultation).toMatch(/^CH-[0-9a-f]{16}$/)
    expect(sent.command).toEqual({ command: 'register', channel: 'multi_plan_platform', leads: { development: 'FGW', natural_resources: 'ZGJ' }, name: '松北区学校新建工程', description: '新建教学楼' })
    expect(router.currentRoute.value.path).toBe(`/consultations/${sent.consultation}`)
    w.unmount()
  })

  it('a department that is not a lead sees no register form', async () => {
    session.user = STHJ
    fakeIpc({ consultations: () => [] })
    const { w } = await mountWith(Consultations)
    expect(w.find(tid('consultation-register')).exists()).toBe(false)
    w.unmount()
  })

  it('资规局 imports GeoJSON, previews it, places the site; a Point is refused in Chinese', async () => {
    session.user = ZGJ
    const calls = fakeIpc({
      catalogue: () => catalogue,
      consultations: () => [answered(base, ['place_site', 'close'])],
      planning_zones: () => [],
      trail: () => ({ entity: 'consultation:CH-1', events: [], broken: null }),
      act_command: ok,
    })
    const { w } = await mountWith(ConsultationPage, { props: { id: 'CH-1' } })
    expect(w.find(tid('consultation-lead')).attributes('data-actions')).toBe('place_site close')
    expect(w.find(tid('lead-compliance')).exists()).toBe(false)
    await typeInto(document, 'lead-place-geojson', JSON.stringify({ type: 'Point', coordinates: [126.6, 45.75] }))
    await click('lead-place-preview')
    expect(w.find(tid('lead-place-error')).text()).toContain('项目红线应为 Polygon（面），实际为 Point')
    expect((w.find(tid('lead-place-submit')).element as HTMLButtonElement).disabled).toBe(true)
    await typeInto(document, 'lead-place-geojson', fx.place_site_geojson)
    await click('lead-place-preview')
    expect(w.find(tid('lead-place-error')).exists()).toBe(false)
    expect(w.find(tid('site-polygon')).exists()).toBe(true)
    await click('lead-place-submit')
    expect(calls.callsOf('act_command')).toEqual([{ command: fx.place_site }])
    w.unmount()
  })

  it('资规局 starts the consultation with picked departments; 发改委 only sees 撤销', async () => {
    session.user = ZGJ
    const reviewed: Consultation = { ...base, state: 'reviewed', site }
    const calls = fakeIpc({
      catalogue: () => catalogue,
      consultations: () => [answered(reviewed, session.user?.department === 'FGW' ? ['close'] : ['place_site', 'start_consultation', 'close'])],
      planning_zones: () => [],
      trail: () => ({ entity: 'consultation:CH-1', events: [], broken: null }),
      act_command: ok,
    })
    const { w } = await mountWith(ConsultationPage, { props: { id: 'CH-1' } })
    expect(w.find(tid('lead-start-department-ZGJ')).exists()).toBe(false)
    await click('lead-start-department-STHJ')
    await click('lead-start-department-ZJJ')
    await click('lead-start-submit')
    expect(calls.callsOf('act_command')).toEqual([{ command: fx.start }])
    w.unmount()

    session.user = FGW
    const { w: w2 } = await mountWith(ConsultationPage, { props: { id: 'CH-1' } })
    expect(w2.find(tid('consultation-lead')).attributes('data-actions')).toBe('close')
    expect(w2.find(tid('lead-start')).exists()).toBe(false)
    w2.unmount()
  })

  const MEASURED = [{ zone: 'SB-01', name: '松北教育用地', land_use: 'A33 中小学用地', area_m2: 12345, share_bp: 9876 }]
  const page = async (c: Consultation, allowed: string[], zones: unknown[] = []) => {
    const calls = fakeIpc({
      catalogue: () => catalogue,
      consultations: () => [answered(c, allowed)],
      compliance_findings: () => MEASURED,
      planning_zones: () => zones,
      trail: () => ({ entity: 'consultation:CH-1', events: [], broken: null }),
      act_command: ok,
    })
    const { w } = await mountWith(ConsultationPage, { props: { id: 'CH-1' } })
    return { w, calls }
  }

  it('资规局 records a non-compliant review with problems, one per line', async () => {
    session.user = ZGJ
    const { w, calls } = await page({ ...base, state: 'placed', site }, ['place_site', 'record_compliance', 'close'])
    expect(w.find(tid('consultation-lead')).attributes('data-actions')).toBe('place_site record_compliance close')
    // The system's measurement is shown; nothing of it is typed.
    expect(calls.callsOf('compliance_findings')).toEqual([{ id: 'CH-1' }])
    const table = w.get(tid('lead-compliance-findings')).text()
    expect(table).toContain('松北教育用地')
    expect(table).toContain('12345')
    expect(table).toContain('98.76%')
    expect(w.find(tid('lead-compliance-zone')).exists()).toBe(false)
    await click('lead-compliance-compliant')
    await typeInto(document, 'lead-compliance-problems', '占用生态保护红线\n\n')
    await click('lead-compliance-submit')
    expect(calls.callsOf('act_command')).toEqual([{ command: fx.compliance_bad }])
    w.unmount()
  })

  it('summarise, then conclude 不予生成 with reasons', async () => {
    session.user = ZGJ
    const reply = { kind: { kind: 'deemed_consent' as const }, by: ZGJ as never, at: '2026-11-11T09:00:00Z', opinion: null, attachments: [] }
    const { w, calls } = await page({ ...base, state: 'consulting', site, invitations: [{ department: 'STHJ', reply }] }, ['summarise', 'close'])
    await typeInto(document, 'lead-summary', '各部门同意')
    await click('lead-summarise-submit')
    expect(calls.callsOf('act_command')).toEqual([{ command: fx.summarise }])
    w.unmount()
    const r = await page({ ...base, state: 'summarised', site }, ['conclude', 'close'])
    await click('lead-conclude-generated')
    await typeInto(document, 'lead-conclude-reasons', '不符合国土空间规划')
    await click('lead-conclude-submit')
    expect(r.calls.callsOf('act_command')).toEqual([{ command: fx.conclude_not_generated }])
    r.w.unmount()
  })

  it('the window links a generated record to its approval project', async () => {
    session.user = WINDOW
    const { w, calls } = await page({ ...base, state: 'generated', site, outcome: { outcome: 'generated' } }, ['link_project'])
    expect(w.find(tid('consultation-lead')).attributes('data-actions')).toBe('link_project')
    await typeInto(document, 'lead-link-project', 'P-1')
    await click('lead-link-submit')
    expect(calls.callsOf('act_command')).toEqual([{ command: fx.link }])
    w.unmount()
  })
})

describe('the planning materials', () => {
  it('the lead uploads a material and removes another, when the domain allows it', async () => {
    session.user = ZGJ
    catalogueRef.value = catalogue as unknown as Catalogue
    const rec = {
      id: 'CH-1', channel: 'multi_plan_platform', leads: DEFAULT_LEADS, name: '松北区学校新建工程', description: '新建教学楼', registered_by: 'ZGJ',
      state: 'registered', materials: [['项目红线图', 'a'.repeat(64)]], site: null, placed_at: null, compliance: null, consultation_started_at: null,
      deadline_working_days: null, invitations: [], summary: null, summarised_at: null, outcome: null, result_documents: [], concluded_at: null,
      linked_project: null, closed_reason: null, registered_at: '2026-11-01T02:00:00Z', last_event_at: '2026-11-01T02:00:00Z', version: 2,
      available_actions: ['attach_material', 'detach_material', 'place_site', 'close'].map((action) => ({ action, label: action, refusal: null })),
    } as unknown as ConsultationView
    const calls = fakeIpc({
      catalogue: () => catalogue,
      consultations: () => [rec],
      planning_zones: () => [],
      trail: () => ({ entity: 'consultation:CH-1', events: [], broken: null }),
      add_attachment: () => ({ id: 'b'.repeat(64), name: '策划方案.pdf', size: 4 }),
      act_command: () => ({ ...actResult, refused: [], synced: true, offline: null }),
    })
    const { w } = await mountWith(ConsultationPage, { props: { id: 'CH-1' } })
    expect(w.findAll(tid('lead-material')).map((x) => x.attributes('data-material'))).toEqual(['项目红线图'])
    await typeInto(document, 'lead-material-name', '策划方案')
    const input = w.get(tid('lead-material-file')).element as HTMLInputElement
    Object.defineProperty(input, 'files', { value: [new File(['%PDF'], '策划方案.pdf', { type: 'application/pdf' })] })
    input.dispatchEvent(new Event('change'))
    await click('lead-material-attach')
    await flushPromises()
    expect(calls.callsOf('act_command')[0]).toEqual({
      command: { entity: 'consultation', consultation: 'CH-1', command: { command: 'attach_material', material: '策划方案', attachment: 'b'.repeat(64) } },
      attachments: ['b'.repeat(64)],
    })
    await click('lead-material-detach-项目红线图')
    expect(calls.callsOf('act_command')[1]).toEqual({
      command: { entity: 'consultation', consultation: 'CH-1', command: { command: 'detach_material', material: '项目红线图' } },
    })
    w.unmount()
  })
})
