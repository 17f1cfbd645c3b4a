//! The quarterly summary of seed 13 against figures counted by hand on the fixed sample
//! (`statistics::sample::fixed`, read at 2024-10-31 18:00): the fourth quarter of 2024 holds
//! the October cases, the third the September ones. Case-by-case figures are those of
//! `tests/statistics.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use permitdesk_domain::calendar::WorkingCalendar;
use permitdesk_domain::clock::{LegalClock, OfficeHours};
use permitdesk_domain::procedure::SpecialProcedureKind as K;
use permitdesk_domain::statistics::sample;
use permitdesk_domain::statistics::*;

fn summary() -> QuarterlySummary {
    let d = sample::fixed().unwrap();
    let cal = WorkingCalendar::shipped();
    let clock = LegalClock::new(&cal, OfficeHours::default());
    let s = Statistics::compute(&d.catalogue, &d.projects, &d.cases, &clock, d.as_of).unwrap();
    s.quarterly_summary(Quarter::new(2024, 4).unwrap()).unwrap()
}

fn wt(minutes: i64) -> WorkingTime {
    WorkingTime {
        minutes,
        minutes_per_day: 480,
    }
}

/// (category, accepted, completed, ended otherwise, overdue, per stage group (accepted,
/// completed))
type Row = (
    &'static str,
    usize,
    usize,
    usize,
    usize,
    [(usize, usize); 3],
);

#[rustfmt::skip]
#[test]
fn totals_per_category_and_stage_match_hand_counts() {
    let q = summary();
    assert_eq!(q.title(), "2024年第四季度工程建设项目全流程在线审批情况");
    assert_eq!(q.current.period.label(), "2024-10-01 至 2024-12-31");
    assert_eq!(q.previous.period.label(), "2024-07-01 至 2024-09-30");
    // Q4 accepted: C03 C04 C06 C07 C09 C10 C11 C12 C13 C14 C16 (11). Completed (granted or
    // denied) in Q4: C02 C03 C04 C06 C07 C09 C10 C12 C14 C15 C16 (11); C13 returned; C11 open.
    // Stage groups: P1/P2 (房地产) stage 3; P3 (厂房) stage 4; P4 C11 stages 1-2 and C12 a
    // parallel item (category total only); P5 (路桥) stage 3; P6 (仓储) stages 1-2.
    // Overdue among the 13 handled: C04 (房地产), C10 (厂房).
    let expected: [Row; 6] = [
        ("SH-CC", 1, 2, 0, 0, [(1, 2), (0, 0), (0, 0)]),
        ("SH-CF", 2, 2, 0, 1, [(0, 0), (0, 0), (2, 2)]),
        ("SH-FDC", 4, 5, 0, 1, [(0, 0), (4, 5), (0, 0)]),
        ("ZF-FW", 2, 1, 0, 0, [(1, 0), (0, 0), (0, 0)]),
        ("ZF-LQ", 2, 1, 1, 0, [(0, 0), (2, 1), (0, 0)]),
        ("SH-XWFX", 0, 0, 0, 0, [(0, 0), (0, 0), (0, 0)]),
    ];
    assert_eq!(q.current.categories.len(), expected.len());
    for (c, (code, acc, done, other, overdue, stages)) in q.current.categories.iter().zip(expected) {
        assert_eq!(c.category.as_str(), code);
        assert_eq!((c.total.accepted, c.total.completed, c.total.ended_otherwise, c.total.overdue), (acc, done, other, overdue), "{code}");
        let got: Vec<(usize, usize)> = c.stages.iter().map(|(_, n)| (n.accepted, n.completed)).collect();
        assert_eq!(got, stages, "{code}");
    }
    let t = q.current.total;
    assert_eq!((t.accepted, t.completed, t.ended_otherwise, t.overdue), (11, 11, 1, 2));
    assert_eq!(q.current.handled, 13);
    // Q3: accepted C01 C02 C05 C08 C15; completed C01 (09-27), C05 (09-26), C08 (09-06); the
    // five were handled; none overdue.
    let p = q.previous.total;
    assert_eq!((p.accepted, p.completed, p.ended_otherwise, p.overdue), (5, 3, 0, 0));
    assert_eq!(q.previous.handled, 5);
}

#[rustfmt::skip]
#[test]
fn whole_process_times_overdue_procedures_and_stops_match_hand_counts() {
    let q = summary();
    // Finished in Q4 (whole-process minutes of tests/statistics.rs): P1 9900 (32 natural
    // days), P2 2160 (7), P3 3000 (9), P5 3780 (11), P6 4440 (20); P4 is open.
    // Average 23280 / 5 = 4656 min = 9.70 days; natural 79 / 5 = 15.80.
    let w = q.current.whole_process.as_ref().unwrap();
    assert_eq!(w.projects, 5);
    assert_eq!(w.average_timed, wt(4656));
    assert_eq!(w.average_timed.to_string(), "9.70个工作日");
    assert_eq!(w.average_natural_hundredths, 1580);
    assert_eq!((w.shortest.value, w.shortest.project.as_str()), (wt(2160), "P2"));
    assert_eq!((w.longest.value, w.longest.project.as_str()), (wt(9900), "P1"));
    // No project finished in Q3 (P1, P6 go on in October).
    assert!(q.previous.whole_process.is_none());

    let overdue: Vec<(&str, usize, usize)> = q.current.overdue_by_department.iter().map(|d| (d.department.as_str(), d.cases, d.overdue)).collect();
    assert_eq!(overdue, [("GDGS", 1, 1), ("ZJJ", 4, 1)]);
    assert!(q.previous.overdue_by_department.is_empty());

    // Special procedures of the handled Q4 cases: one each of eight kinds, in C03, C07 (three),
    // C09 (two), C11, C13. Q3's cases had none.
    let kinds: Vec<(K, usize)> = q.current.procedures.iter().map(|p| (p.kind, p.count)).collect();
    assert_eq!(kinds, [
        (K::PublicNotice, 1), (K::SiteSurvey, 1), (K::HigherAuthorityApproval, 1), (K::ExpertReview, 1),
        (K::MeetingReview, 1), (K::Inspection, 1), (K::SiteVerification, 1), (K::Investigation, 1),
    ]);
    assert_eq!(q.current.cases_with_procedures, 5);
    assert!(q.previous.procedures.is_empty());

    // Pauses: C02, C11, C13, C14; corrections: C04, C11. Top items: JTJ-01 (2 pauses, 2
    // cases), ZGJ-02 (pause + correction, 1 case), then ZJJ-02 and ZJJ-03 (1 each, by code).
    assert_eq!((q.current.pauses, q.current.corrections), (4, 2));
    let top: Vec<(&str, usize, usize, usize)> = q.current.top_stop_items.iter().map(|r| (r.item.as_str(), r.stopped_cases, r.pauses, r.corrections)).collect();
    assert_eq!(top, [("JTJ-01", 2, 2, 0), ("ZGJ-02", 1, 1, 1), ("ZJJ-02", 1, 1, 0), ("ZJJ-03", 1, 0, 1)]);
    // Q3: only C02's pause (09-25).
    assert_eq!((q.previous.pauses, q.previous.corrections), (1, 0));
    assert_eq!(q.previous.top_stop_items.len(), 1);
    assert_eq!(q.previous.top_stop_items[0].item.as_str(), "ZJJ-02");
}

#[test]
fn the_comparison_with_the_previous_quarter_reads_as_a_sentence() {
    let q = summary();
    let lines: Vec<String> = q.changes.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            "受理办件11件，上季度5件，增加6件",
            "办结办件11件，上季度3件，增加8件",
            "超期办件2件，上季度0件，增加2件",
            "特别程序8件，上季度0件，增加8件",
            "暂停整改和补正6件，上季度1件，增加5件",
            "项目全流程平均用时9.70个工作日，上季度无",
        ]
    );
    // The quarter's suggestions are the monthly rules over the quarter: October holds every
    // Q4 case, so they are October's.
    assert_eq!(q.suggestions.len(), 5);
    assert!(q.notes.is_empty());
}

#[test]
fn quarters_are_checked_and_wrap_at_the_year() {
    assert_eq!(
        Quarter::new(2024, 5).unwrap_err().to_string(),
        "2024 年第 5 季度不是有效的季度（应为 1 至 4）"
    );
    let q1 = Quarter::new(2025, 1).unwrap();
    assert_eq!(q1.previous(), Quarter::new(2024, 4).unwrap());
    assert_eq!(q1.period().unwrap().label(), "2025-01-01 至 2025-03-31");
    assert_eq!(
        Quarter::new(2024, 1).unwrap().period().unwrap().to(),
        chrono::NaiveDate::from_ymd_opt(2024, 3, 31).unwrap()
    );
    let d = chrono::NaiveDate::from_ymd_opt(2024, 8, 15).unwrap();
    assert_eq!(Quarter::of(d), Quarter::new(2024, 3).unwrap());
    assert_eq!(Quarter::of(d).label(), "2024年第三季度");
}
