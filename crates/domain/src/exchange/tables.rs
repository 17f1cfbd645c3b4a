//! The rows of the national data-sharing tables (全国工程建设项目审批管理系统数据共享表, SPGL_*),
//! one plain struct per table; serialised field names are the standard's pinyin initials.
//!
//! Every row has DFSJZJ (地方数据主键, our key), SJYXBS (数据有效标识: 1 valid, 0 invalid)
//! and SJSCZT (数据上传状态: 0 not yet uploaded, 1 uploaded, 2 upload failed; an export
//! always writes 0). Names marked "uncertain" below could not be checked against the standard
//! text and may need renaming when the provincial gateway rejects them.

use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// SPGL_XMJBXXB 项目基本信息表: one row per project.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "UPPERCASE")]
pub struct ProjectRow {
    /// Our project id.
    pub dfsjzj: String,
    /// 行政区划代码 of the site.
    pub xzqhdm: String,
    /// 项目代码.
    pub xmdm: String,
    /// 项目名称.
    pub xmmc: String,
    /// 工程代码: the project's works ids joined with ",", since our project table carries all its
    /// works (the standard has one per works row; uncertain).
    pub gcdm: String,
    /// 工程范围: works names joined with ",".
    pub gcfw: String,
    /// 项目投资来源: 1 政府投资, 2 社会投资.
    pub xmtzly: u8,
    /// 项目分类 (the catalogue's category code; the national list differs, uncertain).
    pub xmfl: String,
    /// 建设地点.
    pub jsdd: String,
    /// 总投资 (ZTZE), kept in fen to stay exact; the standard quotes 万元 (uncertain unit).
    pub ztze_fen: i64,
    /// 用地面积 in 0.01 m².
    pub ydmj: i64,
    /// 建筑面积 in 0.01 m².
    pub jzmj: i64,
    /// 建设单位 (JSDW) name.
    pub jsdw: String,
    /// 审批流程编码 chosen at registration (empty before).
    pub splcbm: String,
    pub sjyxbs: u8,
    pub sjsczt: u8,
}

/// SPGL_XMDWXXB 项目单位信息表: the builder of each project.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "UPPERCASE")]
pub struct UnitRow {
    pub dfsjzj: String,
    pub xmdm: String,
    /// 单位名称.
    pub dwmc: String,
    /// 单位统一社会信用代码.
    pub dwtyshxydm: String,
    /// 单位类型: 1 建设单位 (the only one we record).
    pub dwlx: u8,
    /// 联系人 and 联系电话 (the first contact; uncertain names).
    pub lxr: String,
    pub lxdh: String,
    pub sjyxbs: u8,
    pub sjsczt: u8,
}

/// SPGL_DFXMSPLCXXB 地方项目审批流程信息表.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "UPPERCASE")]
pub struct FlowRow {
    pub dfsjzj: String,
    /// 审批流程编码 / 名称 / 版本号 (the catalogue version).
    pub splcbm: String,
    pub splcmc: String,
    pub splcbbh: String,
    /// 项目分类 the flow is for.
    pub xmfl: String,
    pub sjyxbs: u8,
    pub sjsczt: u8,
}

/// SPGL_DFXMSPLCJDXXB 地方项目审批流程阶段信息表: stages 1-4, 5 = 并行推进.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "UPPERCASE")]
pub struct StageRow {
    pub dfsjzj: String,
    pub splcbm: String,
    pub splcbbh: String,
    /// 审批阶段序号 (0-5).
    pub spjdxh: u8,
    pub spjdmc: String,
    pub sjyxbs: u8,
    pub sjsczt: u8,
}

/// SPGL_DFXMSPLCJDSXXXB 地方项目审批流程阶段事项信息表.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "UPPERCASE")]
pub struct StageItemRow {
    pub dfsjzj: String,
    pub splcbm: String,
    pub splcbbh: String,
    pub spjdxh: u8,
    /// 审批事项编码 / 名称.
    pub spsxbm: String,
    pub spsxmc: String,
    /// 是否必办: 1 必办, 0 情形办理 (uncertain name).
    pub sfbb: u8,
    /// 办理情形 of a conditional item (uncertain name).
    pub blqx: String,
    /// 审批部门编码.
    pub spbmbm: String,
    /// 办理时限 in working days (uncertain name).
    pub blsx: u32,
    pub sjyxbs: u8,
    pub sjsczt: u8,
}

/// SPGL_XMSPSXBLXXB 项目审批事项办理信息表: one row per case, with its current state.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "UPPERCASE")]
pub struct HandlingRow {
    pub dfsjzj: String,
    pub xzqhdm: String,
    pub xmdm: String,
    pub gcdm: String,
    pub spsxbm: String,
    pub spsxmc: String,
    pub spjdxh: u8,
    pub spbmbm: String,
    pub spbmmc: String,
    /// 审批事项实例编码 (受理编号): our case id.
    pub spsxslbm: String,
    /// 接件时间 (uncertain name), 受理时间, 办结时间.
    pub jjsj: Option<Timestamp>,
    pub slsj: Option<Timestamp>,
    pub bjsj: Option<Timestamp>,
    /// 办理状态 (1-15), see [`super::handling_code`].
    pub blzt: u8,
    /// 办理时间: when the case reached its current state (its last event).
    pub blsj: Timestamp,
    /// 办理人 / 办理意见 of the latest step we know a name for.
    pub blr: String,
    pub blyj: String,
    pub sjyxbs: u8,
    pub sjsczt: u8,
}

/// SPGL_XMSPSXBLXXXXB 项目审批事项办理详细信息表: one row per handling step.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "UPPERCASE")]
pub struct HandlingDetailRow {
    pub dfsjzj: String,
    pub spsxslbm: String,
    pub xmdm: String,
    pub spsxbm: String,
    pub blzt: u8,
    pub blsj: Timestamp,
    pub blr: String,
    pub blyj: String,
    pub sjyxbs: u8,
    pub sjsczt: u8,
}

/// SPGL_XMSPSXPFWJXXB 项目审批事项批复文件信息表: the e-certificate of a granted case.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "UPPERCASE")]
pub struct ApprovalDocumentRow {
    pub dfsjzj: String,
    pub spsxslbm: String,
    pub xmdm: String,
    pub spsxbm: String,
    /// 批复文号 (the certificate number) and 批复文件标题.
    pub pfwh: String,
    pub pfwjbt: String,
    /// 批复日期 and 有效期限 (YYYY-MM-DD; empty = no limit).
    pub pfrq: String,
    pub yxqx: String,
    /// 批复文件 attachment id (empty when none).
    pub fjid: String,
    pub sjyxbs: u8,
    pub sjsczt: u8,
}

/// SPGL_XMSPSXTBCXXXB 特别程序信息表 (table name uncertain): one row per special procedure.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "UPPERCASE")]
pub struct SpecialProcedureRow {
    pub dfsjzj: String,
    pub spsxslbm: String,
    pub xmdm: String,
    /// 特别程序种类 (its Chinese name) and whether it counts against the time limit (1/0).
    pub tbcxzl: String,
    pub sfjs: u8,
    pub tbcxkssj: Timestamp,
    pub tbcxjssj: Option<Timestamp>,
    /// 特别程序结果.
    pub tbcxjg: String,
    pub sjyxbs: u8,
    pub sjsczt: u8,
}
