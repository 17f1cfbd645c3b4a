//! The batch as files: one JSON and one CSV file per SPGL table, plus `batch.json` with the
//! batch's window. Pure text in and out; the caller reads and writes the files.

use super::{Batch, ExchangeError, TABLE_NAMES, Tables};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use serde_json::Value;

/// The window of a batch, as `batch.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
struct Window {
    since: Option<Timestamp>,
    up_to: Option<Timestamp>,
}

/// One CSV cell: strings as they are, numbers as written, null empty; quoted when needed.
fn cell(v: &Value) -> String {
    let text = match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

fn bad(table: &str, e: impl std::fmt::Display) -> ExchangeError {
    ExchangeError::BadTable {
        table: table.to_owned(),
        message: e.to_string(),
    }
}

/// A table as CSV: a header of the standard's field names, then one line per row (CRLF, as
/// spreadsheet tools expect).
pub fn to_csv<T: Serialize + Default>(table: &str, rows: &[T]) -> Result<String, ExchangeError> {
    let header = match serde_json::to_value(T::default()).map_err(|e| bad(table, e))? {
        Value::Object(m) => m.keys().cloned().collect::<Vec<_>>(),
        _ => return Err(bad(table, "不是对象")),
    };
    let mut out = header.join(",");
    out.push_str("\r\n");
    for row in rows {
        let v = serde_json::to_value(row).map_err(|e| bad(table, e))?;
        let line = header
            .iter()
            .map(|h| cell(v.get(h).unwrap_or(&Value::Null)))
            .collect::<Vec<_>>()
            .join(",");
        out.push_str(&line);
        out.push_str("\r\n");
    }
    Ok(out)
}

fn json<T: Serialize>(table: &str, rows: &T) -> Result<String, ExchangeError> {
    serde_json::to_string_pretty(rows).map_err(|e| bad(table, e))
}

fn parse<T: DeserializeOwned>(
    table: &str,
    get: &mut impl FnMut(&str) -> Option<String>,
) -> Result<Vec<T>, ExchangeError> {
    let text = get(&format!("{table}.json")).ok_or_else(|| ExchangeError::MissingTable {
        table: table.to_owned(),
    })?;
    serde_json::from_str(&text).map_err(|e| bad(table, e))
}

impl Batch {
    /// The files of the batch: (file name, contents), `NAME.json` and `NAME.csv` per table in
    /// [`TABLE_NAMES`] order, then `batch.json`.
    pub fn files(&self) -> Result<Vec<(String, String)>, ExchangeError> {
        let t = &self.tables;
        let mut files = Vec::new();
        macro_rules! table {
            ($name:expr, $rows:expr) => {
                files.push((format!("{}.json", $name), json($name, &$rows)?));
                files.push((format!("{}.csv", $name), to_csv($name, &$rows)?));
            };
        }
        let [p, u, f, s, si, h, hd, ad, sp] = TABLE_NAMES;
        table!(p, t.projects);
        table!(u, t.units);
        table!(f, t.flows);
        table!(s, t.stages);
        table!(si, t.stage_items);
        table!(h, t.handling);
        table!(hd, t.handling_details);
        table!(ad, t.approval_documents);
        table!(sp, t.special_procedures);
        let window = Window {
            since: self.since,
            up_to: self.up_to,
        };
        files.push(("batch.json".to_owned(), json("batch", &window)?));
        Ok(files)
    }

    /// Read a batch back from its JSON files; `get(file name)` returns a file's text. The CSV
    /// files are for people and spreadsheets and are not read.
    pub fn from_files(mut get: impl FnMut(&str) -> Option<String>) -> Result<Batch, ExchangeError> {
        let [p, u, f, s, si, h, hd, ad, sp] = TABLE_NAMES;
        let tables = Tables {
            projects: parse(p, &mut get)?,
            units: parse(u, &mut get)?,
            flows: parse(f, &mut get)?,
            stages: parse(s, &mut get)?,
            stage_items: parse(si, &mut get)?,
            handling: parse(h, &mut get)?,
            handling_details: parse(hd, &mut get)?,
            approval_documents: parse(ad, &mut get)?,
            special_procedures: parse(sp, &mut get)?,
        };
        let window: Window = match get("batch.json") {
            Some(text) => serde_json::from_str(&text).map_err(|e| bad("batch", e))?,
            None => Window {
                since: None,
                up_to: None,
            },
        };
        Ok(Batch {
            since: window.since,
            up_to: window.up_to,
            tables,
        })
    }
}
