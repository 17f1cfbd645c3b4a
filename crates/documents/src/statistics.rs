//! The four statistics tables of seed 11 (全流程在线审批对接统计表): their titles and their
//! column headers exactly as the seed prints them, with the grouped two-level headers.

use crate::views::StatisticsTable;

/// A top-level column: a plain one, or a group with sub-columns (two header rows).
#[derive(Debug, Clone, PartialEq)]
pub enum HeaderColumn {
    Single {
        name: &'static str,
        width: f32,
    },
    Group {
        name: &'static str,
        subs: Vec<(&'static str, f32)>,
    },
}

const PROJECT_COLUMNS: [(&str, f32); 8] = [
    ("序号", 3.0),
    ("项目编号", 10.0),
    ("项目名称", 10.0),
    ("建设单位", 9.0),
    ("工程名称", 8.0),
    ("分类编号", 6.0),
    ("部门名称", 7.0),
    ("事项名称", 9.0),
];

/// The special procedures of table 2, in the seed's order. The seed's table prints the second
/// as "上门部门审批", a typo for 上级部门审批 (seed 7.4 and 10, and the domain's procedure list).
pub const TABLE_TWO_PROCEDURES: [&str; 7] = [
    "现场勘察",
    "上级部门审批",
    "专业审查",
    "现场核查",
    "勘察(不计时)",
    "监测(不计时)",
    "验收审查",
];

fn singles(cols: &[(&'static str, f32)]) -> Vec<HeaderColumn> {
    cols.iter()
        .map(|&(name, width)| HeaderColumn::Single { name, width })
        .collect()
}

impl StatisticsTable {
    pub const ALL: [StatisticsTable; 4] = [
        StatisticsTable::One,
        StatisticsTable::Two,
        StatisticsTable::Three,
        StatisticsTable::Four,
    ];

    /// 1 to 4.
    pub fn number(self) -> u8 {
        match self {
            StatisticsTable::One => 1,
            StatisticsTable::Two => 2,
            StatisticsTable::Three => 3,
            StatisticsTable::Four => 4,
        }
    }

    /// The table's title as the seed writes it.
    pub fn title(self) -> &'static str {
        match self {
            StatisticsTable::One => "表一 建设工程项目全流程在线审批对接统计表（行政审批、备案类）",
            StatisticsTable::Two => {
                "表二 建设工程项目全流程在线审批对接统计表（审批过程中特别程序办理情况统计）"
            }
            StatisticsTable::Three => "表三 建设工程项目全流程在线审批对接统计表（市政公用服务类）",
            StatisticsTable::Four => {
                "表四 工程建设项目全流程在线审批对接统计表（技术评审或中介服务类）"
            }
        }
    }

    /// The header, top level first.
    pub fn header(self) -> Vec<HeaderColumn> {
        let source = HeaderColumn::Single {
            name: "数据来源 (系统直办/系统对接)",
            width: 7.0,
        };
        match self {
            StatisticsTable::One => {
                let mut h = singles(&PROJECT_COLUMNS);
                h.extend(singles(&[
                    ("综合管理窗口接待时间", 7.0),
                    ("部门确认告知承诺事项", 6.0),
                    ("综合管理窗口发起时间", 7.0),
                    ("业务部门受理时间", 7.0),
                    ("并联审批是否涉及", 5.0),
                    ("业务部门办结时间", 7.0),
                ]));
                h.push(HeaderColumn::Group {
                    name: "办理结果",
                    subs: vec![
                        ("有无结果", 4.0),
                        ("电子证照", 7.0),
                        ("电子证照上传结果", 5.0),
                    ],
                });
                h.push(source);
                h
            }
            StatisticsTable::Two => {
                // 37 columns on A4 landscape: the times get the room to keep a date on one line.
                let mut h = singles(&[
                    ("序号", 2.6),
                    ("项目编号", 7.0),
                    ("项目名称", 7.5),
                    ("建设单位", 7.0),
                    ("工程名称", 6.0),
                    ("分类编号", 5.5),
                    ("部门名称", 6.0),
                    ("事项名称", 7.0),
                    ("是否涉及", 3.5),
                ]);
                for name in TABLE_TWO_PROCEDURES {
                    h.push(HeaderColumn::Group {
                        name,
                        subs: vec![
                            ("是否涉及", 3.2),
                            ("开始时间", 8.4),
                            ("结束时间", 8.4),
                            ("成果材料是否上传系统", 3.2),
                        ],
                    });
                }
                h
            }
            StatisticsTable::Three => {
                let mut h = singles(&PROJECT_COLUMNS);
                h.extend(singles(&[
                    ("综合管理窗口接待时间", 7.0),
                    ("综合管理窗口发起时间", 7.0),
                    ("业务部门受理时间", 7.0),
                    ("业务部门办结时间", 7.0),
                ]));
                h.push(HeaderColumn::Group {
                    name: "办理结果",
                    subs: vec![("有无结果", 4.0), ("上传结果", 5.0), ("电子证照", 7.0)],
                });
                h.push(source);
                h
            }
            StatisticsTable::Four => {
                let mut h = singles(&[
                    ("序号", 3.0),
                    ("主管部门名称", 8.0),
                    ("技术评审或中介服务名称", 10.0),
                    ("技术评审或中介机构名称", 10.0),
                    ("中介服务超市平台办理开始时间", 8.0),
                    ("中介服务超市平台办理结束时间", 8.0),
                    ("成果材料是否上传中介服务超市平台", 7.0),
                ]);
                h.push(HeaderColumn::Group {
                    name: "成果应用",
                    subs: vec![
                        ("项目编号", 10.0),
                        ("项目名称", 10.0),
                        ("申请人", 9.0),
                        ("工程名称", 9.0),
                    ],
                });
                h
            }
        }
    }

    /// The leaf columns (what each row holds), with their relative widths.
    pub fn leaf_columns(self) -> Vec<(String, f32)> {
        let mut out = Vec::new();
        for col in self.header() {
            match col {
                HeaderColumn::Single { name, width } => out.push((name.to_string(), width)),
                HeaderColumn::Group { name, subs } => {
                    for (sub, w) in subs {
                        out.push((format!("{name}-{sub}"), w));
                    }
                }
            }
        }
        out
    }

    pub fn column_count(self) -> usize {
        self.header()
            .iter()
            .map(|c| match c {
                HeaderColumn::Single { .. } => 1,
                HeaderColumn::Group { subs, .. } => subs.len(),
            })
            .sum()
    }

    /// Whether the header has a second row of sub-columns.
    pub fn has_groups(self) -> bool {
        self.header()
            .iter()
            .any(|c| matches!(c, HeaderColumn::Group { .. }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_counts_match_the_seed() {
        let cases = [
            (StatisticsTable::One, 18),
            (StatisticsTable::Two, 9 + 7 * 4),
            (StatisticsTable::Three, 16),
            (StatisticsTable::Four, 11),
        ];
        for (t, n) in cases {
            assert_eq!(t.column_count(), n, "{t:?}");
            assert_eq!(t.leaf_columns().len(), n, "{t:?}");
        }
    }

    #[test]
    fn grouped_headers_are_those_of_the_seed() {
        let leaves = StatisticsTable::One.leaf_columns();
        let names: Vec<&str> = leaves.iter().map(|c| c.0.as_str()).collect();
        assert!(names.contains(&"办理结果-电子证照上传结果"));
        let two: Vec<String> = StatisticsTable::Two
            .leaf_columns()
            .into_iter()
            .map(|c| c.0)
            .collect();
        assert!(two.contains(&"监测(不计时)-成果材料是否上传系统".to_string()));
        assert!(
            StatisticsTable::Four
                .leaf_columns()
                .iter()
                .any(|c| c.0 == "成果应用-申请人")
        );
    }
}
