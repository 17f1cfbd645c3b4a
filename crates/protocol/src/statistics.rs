//! The statistics endpoint's query (`GET /api/v1/statistics`): which report, the filters and
//! the format. The JSON answers are the domain's own serialisations (`statistics::TableRows`,
//! `MonthlyReport`, `QuarterlySummary`), so the server and every client print the same figures;
//! the other formats are the documents crate's bytes.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Which statistics (seed 11 tables, seed 12 monthly report, seed 13 quarterly summary).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum StatisticsReport {
    Table1,
    Table2,
    Table3,
    Table4,
    Monthly,
    Quarterly,
}

impl StatisticsReport {
    /// One of the four tables of seed 11 (the others are reports).
    pub fn is_table(self) -> bool {
        matches!(
            self,
            StatisticsReport::Table1
                | StatisticsReport::Table2
                | StatisticsReport::Table3
                | StatisticsReport::Table4
        )
    }

    pub const ALL: [StatisticsReport; 6] = [
        StatisticsReport::Table1,
        StatisticsReport::Table2,
        StatisticsReport::Table3,
        StatisticsReport::Table4,
        StatisticsReport::Monthly,
        StatisticsReport::Quarterly,
    ];

    /// The query value, e.g. `table1`.
    pub fn as_str(self) -> &'static str {
        match self {
            StatisticsReport::Table1 => "table1",
            StatisticsReport::Table2 => "table2",
            StatisticsReport::Table3 => "table3",
            StatisticsReport::Table4 => "table4",
            StatisticsReport::Monthly => "monthly",
            StatisticsReport::Quarterly => "quarterly",
        }
    }
}

/// The answer's format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum StatisticsFormat {
    #[default]
    Json,
    Xlsx,
    Csv,
    Pdf,
}

impl StatisticsFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            StatisticsFormat::Json => "json",
            StatisticsFormat::Xlsx => "xlsx",
            StatisticsFormat::Csv => "csv",
            StatisticsFormat::Pdf => "pdf",
        }
    }

    /// The Content-Type the server answers with.
    pub fn content_type(self) -> &'static str {
        match self {
            StatisticsFormat::Json => "application/json",
            StatisticsFormat::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
            StatisticsFormat::Csv => "text/csv; charset=utf-8",
            StatisticsFormat::Pdf => "application/pdf",
        }
    }
}

/// The query string of `GET /api/v1/statistics`.
///
/// - Tables: cases accepted between `from` and `to` (both or neither).
/// - Monthly report: the period `from`..`to` (default: the month of the server's today).
/// - Quarterly summary: the calendar quarter that contains `from` (default: today's), compared
///   with the quarter before; `to` is ignored.
/// - `department`: a department's own users always get their own department (asking for
///   another is refused with 403); the reform office may name any or none.
/// - `offset`/`limit`: one page of a table's JSON rows (a city-year's whole table 1 is about
///   200,000 rows); other reports and formats take no page (refused).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StatisticsQuery {
    pub report: StatisticsReport,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(regex(pattern = r"^ *[A-Za-z0-9._-]{0,64} *$"))
    )]
    pub department: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(regex(pattern = r"^ *[A-Za-z0-9._-]{0,64} *$"))
    )]
    pub project: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(regex(pattern = r"^ *[A-Za-z0-9._-]{0,64} *$"))
    )]
    pub category: Option<String>,
    #[serde(default)]
    pub format: StatisticsFormat,
    /// 分页 (tables as JSON only): the first row answered, 0-based (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub offset: Option<u32>,
    /// 分页 (tables as JSON only): at most this many rows, 1 to [`MAX_PAGE_ROWS`] (default:
    /// every row). The answer's `total` and `first` say where the page lies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    #[cfg_attr(feature = "schema", schemars(range(min = 1, max = 10000)))]
    pub limit: Option<u32>,
}

/// The most rows one page of a table answers.
pub const MAX_PAGE_ROWS: u32 = 10_000;
