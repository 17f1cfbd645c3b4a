//! 办件编号: the server numbers every case when it applies its creation (issue 13), in the
//! scheme `{year}-{department}-{6-digit sequence}`, e.g. `2026-ZGJ-000123`: one series per
//! department and Beijing calendar year, kept in the generic `numbering` table (migration 6)
//! under `case/{department}/{year}`. Like a certificate number, the next value is read inside
//! the push transaction after the writers' lock and stored only when the creation is applied,
//! so a refused creation consumes no number. Whatever number a client sends is replaced; a
//! client shows 待编号 until the server's event arrives.

use crate::error::StoreError;
use crate::store::rules::Sql;
use chrono::{DateTime, Datelike, Utc};
use permitdesk_domain::case::CaseCommand;
use permitdesk_domain::time::to_local;
use permitdesk_protocol::{CommandEnvelope, DomainCommand};

/// The numbering series of a department's cases in a year.
pub fn case_series(department: &str, year: i32) -> String {
    format!("case/{department}/{year}")
}

/// The number of the `seq`-th case of a department in a year.
pub fn case_number(department: &str, year: i32, seq: u64) -> String {
    format!("{year}-{department}-{seq:06}")
}

/// A creation numbered by the server: the command as it is decided, and what to store if it
/// is applied.
#[derive(Debug, Clone)]
pub(crate) struct Numbered {
    pub command: CommandEnvelope,
    series: String,
    value: u64,
}

/// The next number for a case's creation (None for every other command). Reads only.
pub(crate) async fn assign<S: Sql>(
    s: &S,
    cmd: &CommandEnvelope,
    now: DateTime<Utc>,
) -> Result<Option<Numbered>, StoreError> {
    let DomainCommand::Case {
        command: CaseCommand::Create { department, .. },
        ..
    } = &cmd.command
    else {
        return Ok(None);
    };
    let year = to_local(now).date().year();
    let department = department.as_str().trim().to_owned();
    let series = case_series(&department, year);
    let value = s.number_last(&series).await?.unwrap_or(0) + 1;
    let mut command = cmd.clone();
    if let DomainCommand::Case {
        command: CaseCommand::Create { number, .. },
        ..
    } = &mut command.command
    {
        *number = Some(case_number(&department, year, value));
    }
    Ok(Some(Numbered {
        command,
        series,
        value,
    }))
}

/// Consumes the number: after the creation's events are appended, in the same transaction.
pub(crate) async fn record<S: Sql>(s: &S, n: &Numbered) -> Result<(), StoreError> {
    s.set_number_last(&n.series, n.value).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_the_scheme() {
        assert_eq!(case_number("ZGJ", 2026, 123), "2026-ZGJ-000123");
        assert_eq!(case_series("ZGJ", 2026), "case/ZGJ/2026");
    }
}
