//! Time as the domain sees it: instants are UTC; the legal clock and every printed time use
//! Beijing wall-clock time (Asia/Shanghai, UTC+8 all year, no daylight saving since 1991).

use chrono::{DateTime, FixedOffset, NaiveDateTime, Offset, Utc};

/// An instant at which something happened (stored and synced in UTC).
pub type Timestamp = DateTime<Utc>;

/// Wall-clock time in Beijing (北京时间); what the legal clock counts in.
pub type LocalTime = NaiveDateTime;

const BEIJING_OFFSET_SECONDS: i32 = 8 * 3600;

/// The fixed UTC+8 offset of Asia/Shanghai.
pub fn beijing() -> FixedOffset {
    // 8 h is well inside the ±24 h range FixedOffset accepts, so this never falls back.
    FixedOffset::east_opt(BEIJING_OFFSET_SECONDS).unwrap_or_else(|| Utc.fix())
}

/// Beijing wall-clock time of an instant.
pub fn to_local(t: Timestamp) -> LocalTime {
    t.with_timezone(&beijing()).naive_local()
}

/// The instant of a Beijing wall-clock time (unambiguous: the offset is fixed).
pub fn from_local(t: LocalTime) -> Timestamp {
    (t - chrono::Duration::seconds(i64::from(BEIJING_OFFSET_SECONDS))).and_utc()
}

/// Format as `YYYY-MM-DDTHH:MM`, the form the CLI and the documents use.
pub fn format_minute(t: LocalTime) -> String {
    t.format("%Y-%m-%dT%H:%M").to_string()
}

/// Parse `YYYY-MM-DDTHH:MM` (or with seconds, or a space instead of `T`) as Beijing time.
pub fn parse_local(s: &str) -> Option<LocalTime> {
    [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(s.trim(), f).ok())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn local_round_trips_through_utc() {
        let local = parse_local("2024-09-27T10:00").unwrap();
        let utc = from_local(local);
        assert_eq!(utc.to_rfc3339(), "2024-09-27T02:00:00+00:00");
        assert_eq!(to_local(utc), local);
        assert_eq!(format_minute(local), "2024-09-27T10:00");
    }

    #[test]
    fn malformed_times_are_rejected() {
        for bad in [
            "",
            "2024-13-01T10:00",
            "2024-09-27",
            "10:00",
            "2024-09-27T25:00",
        ] {
            assert!(parse_local(bad).is_none(), "{bad}");
        }
    }
}
