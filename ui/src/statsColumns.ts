// The leaf columns of the four tables of seed 11, exactly as crates/domain/src/statistics/
// tables.rs lists them (a grouped column is named `组-子列`).
import type { StatisticsReport } from './api/types'

const PROJECT = ['序号', '项目编号', '项目名称', '建设单位', '工程名称', '分类编号', '部门名称', '事项名称']

export const TABLE_TWO_GROUPS = ['现场勘察', '上级部门审批', '专业审查', '现场核查', '勘察(不计时)', '监测(不计时)', '验收审查']

export const TABLE_COLUMNS: Record<Exclude<StatisticsReport, 'monthly' | 'quarterly'>, string[]> = {
  table1: [
    ...PROJECT,
    '综合管理窗口接待时间',
    '部门确认告知承诺事项',
    '综合管理窗口发起时间',
    '业务部门受理时间',
    '并联审批是否涉及',
    '业务部门办结时间',
    '办理结果-有无结果',
    '办理结果-电子证照',
    '办理结果-电子证照上传结果',
    '数据来源 (系统直办/系统对接)',
  ],
  table2: [
    ...PROJECT,
    '是否涉及',
    ...TABLE_TWO_GROUPS.flatMap((g) => [`${g}-是否涉及`, `${g}-开始时间`, `${g}-结束时间`, `${g}-成果材料是否上传系统`]),
  ],
  table3: [
    ...PROJECT,
    '综合管理窗口接待时间',
    '综合管理窗口发起时间',
    '业务部门受理时间',
    '业务部门办结时间',
    '办理结果-有无结果',
    '办理结果-上传结果',
    '办理结果-电子证照',
    '数据来源 (系统直办/系统对接)',
  ],
  table4: [
    '序号',
    '主管部门名称',
    '技术评审或中介服务名称',
    '技术评审或中介机构名称',
    '中介服务超市平台办理开始时间',
    '中介服务超市平台办理结束时间',
    '成果材料是否上传中介服务超市平台',
    '成果应用-项目编号',
    '成果应用-项目名称',
    '成果应用-申请人',
    '成果应用-工程名称',
  ],
}
