import { describe, it, expect, beforeEach } from 'vitest'
import { trailLine, detailsText } from '../src/features/cases/trail'
import { catalogueRef } from '../src/stores/catalogue'
import type { Catalogue, StoredEvent } from '../src/api/types'
import catalogue from './fixtures/catalogue.json'
import trail from './fixtures/trail.json'
import trailProject from './fixtures/trail-project.json'

const caseLines = () => (trail.events as unknown as StoredEvent[]).map(trailLine)
const projectLines = () => (trailProject.events as unknown as StoredEvent[]).map(trailLine)

describe('trail details in words', () => {
  beforeEach(() => {
    catalogueRef.value = catalogue as unknown as Catalogue
  })

  it('no raw keys, JSON or full hashes in any line of a real case or project trail', () => {
    for (const l of [...caseLines(), ...projectLines()]) {
      expect(l.details).not.toMatch(/[a-z_]+[:：]/)
      // A hash, whole or shortened: lower-case hex with letters and digits (a credit code is upper case).
      expect(l.details).not.toMatch(/(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{8,}/)
      expect(l.details).not.toContain('{')
    }
  })

  it('says what each change carried', () => {
    const byTag = (tag: string) => caseLines().filter((l) => l.tag === tag).map((l) => l.details)
    expect(byTag('created')[0]).toBe('事项：企业投资项目备案；部门：哈尔滨市发展和改革委员会；申请人：91230102MA1C4K7P5Y')
    expect(byTag('signed_off')).toEqual(['层级：受理', '层级：审核', '层级：复核', '层级：签批'])
    expect(byTag('paused')[0]).toBe('需补正/整改：项目符合国家产业政策的声明（缺少法定代表人签字）')
    expect(byTag('special_procedure_started')[0]).toBe('特别程序：公示；不计入办理时限')
    expect(byTag('accepted')[0]).toBe('审批层级：受理 → 审核 → 复核 → 签批')
    expect(byTag('completed')[0]).toBe('准予许可；证照：企业投资项目备案证明（哈发改备〔2026〕001号），有效期至 2028-11-26')
    expect(byTag('material_attached')[0]).toMatch(/^材料：企业投资项目备案信息表.*；文件：已附电子文件$/)
    const flow = projectLines().find((l) => l.tag === 'flow_chosen')?.details
    expect(flow).toBe('审批流程：社会投资厂房项目审批流程；项目分类：' + catalogue.categories.find((c) => c.code === 'SH-CF')?.name)
  })

  it('keeps an unknown field readable and drops empty ones', () => {
    expect(detailsText({ extra: 3, reasons: ['材料不全', '超出范围'], note: '', days: 5, approved_by: '李局长' })).toBe(
      'extra：3；理由：材料不全；超出范围；延长：5 个工作日；批准人：李局长',
    )
    expect(detailsText({ commitment_allowed: true, resubmission: false })).toBe('可告知承诺')
    expect(detailsText({ number: '2026-ZGJ-000001' })).toBe('办件编号：2026-ZGJ-000001')
  })
})
