import { describe, it, expect, beforeEach } from 'vitest'
import { deadlineFact, attachmentLabel, applicantName, friendlyError, shortId } from '../src/features/cases/display'
import { actOutcome, isNetworkError } from '../src/util'
import { catalogueRef, itemName, departmentName, departmentShortName, flowName } from '../src/stores/catalogue'
import type { Case, CaseState, ClockPhase, ClockView, Catalogue, LibraryEntry, Project, ActOutcome } from '../src/api/types'
import caseShow from './fixtures/case-show.json'
import caseGranted from './fixtures/case-granted.json'
import clock from './fixtures/clock.json'
import library from './fixtures/material-library.json'
import projectView from './fixtures/project-view.json'
import actResult from './fixtures/act-result.json'
import catalogue from './fixtures/catalogue.json'

const inReview = caseShow as unknown as Case
const granted = caseGranted as unknown as Case
const running = clock as unknown as ClockView
const ACCEPTED = inReview.accepted_at
const ENDED = '2026-11-26T10:44:35.428911454Z' // 18:44 Beijing

function at(state: CaseState, accepted: string | null, ended: string | null = null): Case {
  return { ...inReview, state, accepted_at: accepted, ended_at: ended }
}

describe('办理期限 by the clock phase the domain answers', () => {
  // [state, accepted_at, ended_at, phase (ClockView.phase, CaseState::clock_phase in the
  // domain; crates/domain/tests/case_workflow.rs holds the same table), label, text, live]
  const table: [CaseState, string | null, string | null, string, string, string, boolean][] = [
    ['draft', null, null, 'not_accepted', '办理期限', '尚未受理，未开始计时', false],
    ['submitted', null, null, 'not_accepted', '办理期限', '尚未受理，未开始计时', false],
    ['received', null, null, 'not_accepted', '办理期限', '尚未受理，未开始计时', false],
    ['correction_requested', null, null, 'not_accepted', '办理期限', '尚未受理，未开始计时', false],
    ['in_review', ACCEPTED, null, 'running', '办理期限', '2026-12-04 17:00', true],
    ['paused', ACCEPTED, null, 'paused', '办理期限', '暂停中，恢复后顺延', true],
    ['returned', ACCEPTED, ENDED, 'terminated', '终止时间', '2026-11-26 18:44', false],
    ['not_accepted', null, ENDED, 'terminated', '终止时间', '2026-11-26 18:44', false],
    ['withdrawn', null, ENDED, 'terminated', '终止时间', '2026-11-26 18:44', false],
    ['granted', ACCEPTED, ENDED, 'completed', '办结时间', '2026-11-26 18:44', false],
    ['denied', ACCEPTED, ENDED, 'completed', '办结时间', '2026-11-26 18:44', false],
  ]
  it.each(table)('%s (accepted %s)', (state, accepted, ended, phase, label, text, live) => {
    expect(deadlineFact(at(state, accepted, ended), { ...running, phase: phase as ClockPhase })).toEqual({ phase, label, text, live })
  })

  it('a paused case never says 尚未受理, even when the shell gives no deadline and a not-accepted note', () => {
    const noDeadline: ClockView = { ...running, phase: 'paused', reading: { ...running.reading!, deadline: null, level: 'paused' }, note: '尚未受理，未开始计时' }
    const f = deadlineFact(at('paused', ACCEPTED), noDeadline)
    expect(f.text).toBe('暂停中，恢复后顺延')
    expect(f.text).not.toContain('尚未受理')
  })

  it('in review without a reading shows the shell note; an ended case without ended_at falls back to its last event', () => {
    expect(deadlineFact(at('in_review', ACCEPTED), { phase: 'running', reading: null, used_working_days: null, remaining_working_days: null, provisional: null, note: '节假日数据缺失' }).text).toBe('节假日数据缺失')
    expect(deadlineFact({ ...at('granted', ACCEPTED), last_event_at: '2026-11-26T02:00:00Z' }, { ...running, phase: 'completed' }).text).toBe('2026-11-26 10:00')
    expect(deadlineFact(granted, { ...running, phase: 'completed' })).toMatchObject({ phase: 'completed', label: '办结时间', text: '2026-11-26 18:44' })
  })

  it('before the clock view arrives, nothing is claimed about a deadline', () => {
    expect(deadlineFact(at('in_review', ACCEPTED), null)).toMatchObject({ phase: 'not_accepted', live: false })
  })
})

describe('names instead of ids', () => {
  beforeEach(() => {
    catalogueRef.value = catalogue as unknown as Catalogue
  })

  it('catalogue names for items, departments and flows; the code when unknown', () => {
    expect(itemName('ZGJ-04')).toBe('建设工程规划许可证核发')
    expect(departmentName('ZGJ')).toBe('哈尔滨市自然资源和规划局')
    expect(departmentShortName('ZGJ')).toBe('市资规局')
    expect(flowName('LC-SH-FDC')).toBe('社会投资房地产项目审批流程')
    expect(itemName('XX-99')).toBe('XX-99')
    expect(departmentShortName('XX')).toBe('XX')
    expect(flowName('LC-XX')).toBe('LC-XX')
  })

  it('an attachment by its file name from the library, an unknown one as 电子文件, never a hash', () => {
    const lib = library as LibraryEntry[]
    expect(attachmentLabel(lib[0].id, lib)).toBe('application-form.pdf')
    expect(attachmentLabel(lib[2].id, lib)).toBe('营业执照.pdf')
    const unknown = 'f955317846fe69a431f821db40dad339e4a9ce3339ff04bfb557566c5ae453d0'
    expect(attachmentLabel(unknown, lib)).toBe('电子文件（可预览）')
    expect(attachmentLabel(unknown, [{ ...lib[0], id: unknown, name: null }])).toBe('电子文件（可预览）')
    expect(shortId('short')).toBe('short')
  })

  it('the applicant is the project builder when the credit codes agree', () => {
    const p = projectView.project as unknown as Project
    expect(applicantName('91230102MA1C4K7P5Y', p)).toBe(p.details.builder.name)
    expect(applicantName('91230100OTHER00000', p)).toBeNull()
    expect(applicantName('91230102MA1C4K7P5Y', null)).toBeNull()
  })
})

describe('network failures in words', () => {
  const reqwest =
    'error sending request for url (https://127.0.0.1:43393/api/v1/attachments/f955/status?size=55): client error (Connect): tcp connect error: Connection refused (os error 111)'

  it('recognises the shell transport errors and leaves other messages alone', () => {
    expect(isNetworkError(reqwest)).toBe(true)
    expect(isNetworkError('operation timed out')).toBe(true)
    expect(isNetworkError('无法连接服务器')).toBe(false)
    expect(friendlyError(reqwest)).toBe('无法连接服务器，操作已保存在本机，联网后自动发送')
    expect(friendlyError('证书校验失败')).toBe('证书校验失败')
    expect(friendlyError(null)).toBe('')
  })

  it('an action queued because the server is unreachable says so in Chinese', () => {
    const r = { ...(actResult as unknown as ActOutcome), synced: false, offline: null, refused: [] }
    expect(actOutcome({ ...r, sync_error: reqwest }).message).toBe('当前离线，操作已保存，联网后自动发送')
    expect(actOutcome({ ...r, sync_error: '服务器内部错误' }).message).toBe('操作已保存，等待同步（服务器内部错误）')
  })
})
