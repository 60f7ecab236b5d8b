//! The report's totals over catalog rows built by hand: each state lands in its column,
//! groups add up to the collection, the window filters by day, and the edge cases of the
//! issue (over 100%, nothing done yet, no activity, deadline passed) give the figures a
//! supervisor would expect.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::calendar::Calendar;
use super::schedule::ScheduleStatus;
use super::*;
use crate::config::{CollectionSettings, Layout};

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn collection(target: Option<u64>, deadline: Option<&str>) -> CollectionSettings {
    CollectionSettings {
        id: "cu-tru".into(),
        name: "Hồ sơ cư trú".into(),
        source: "in".into(),
        layout: Layout::Folder,
        target,
        page_target: Some(100),
        deadline: deadline.map(day),
        centre_targets: BTreeMap::from([("Điểm 1".to_string(), 4), ("Điểm 9".to_string(), 2)]),
    }
}

fn row(state: DossierState, d: &str, centre: &str, dossiers: u64, pages: u64) -> ProgressRow {
    ProgressRow {
        state,
        day: Some(day(d)),
        batch: Some(format!("batch-{d}")),
        operator: Some("Hoa".into()),
        centre: Some(centre.into()),
        dossiers,
        pages,
        duplicates: 0,
    }
}

fn options(today: &str) -> ReportOptions {
    ReportOptions {
        by: GroupBy::Centre,
        since: None,
        until: None,
        today: day(today),
        calendar: Calendar::weekdays(),
    }
}

fn rows() -> Vec<ProgressRow> {
    use DossierState::*;
    vec![
        row(Done, "2026-11-16", "Điểm 1", 3, 30),
        row(NeedsReview, "2026-11-17", "Điểm 1", 1, 12),
        row(Failed, "2026-11-17", "Điểm 2", 1, 0),
        row(InProgress, "2026-11-18", "Điểm 2", 2, 5),
    ]
}

#[test]
fn states_land_in_their_columns_and_groups_add_up() {
    let r = collection_report(&collection(Some(10), None), &rows(), &options("2026-11-20"));
    let c = r.counts;
    assert_eq!((c.digitised, c.done, c.needs_review), (4, 3, 1));
    assert_eq!((c.failed, c.in_progress, c.seen, c.pages), (1, 2, 7, 47));
    assert_eq!(r.not_yet_seen, Some(3));
    assert_eq!(r.percent, Some(40.0));
    assert_eq!(r.page_percent, Some(47.0));
    let keys: Vec<_> = r.groups.iter().map(|g| g.key.clone().unwrap()).collect();
    assert_eq!(keys, ["Điểm 1", "Điểm 2", "Điểm 9"]);
    assert_eq!(
        (r.groups[0].target, r.groups[0].percent),
        (Some(4), Some(100.0))
    );
    assert_eq!(r.groups[2].counts, Counts::default());
    let seen: u64 = r.groups.iter().map(|g| g.counts.seen).sum();
    assert_eq!(seen, c.seen);
    // Three days with activity; 4 digitised over them.
    assert_eq!(r.rate.active_days, 3);
    let cumulative: Vec<u64> = r.daily.iter().map(|d| d.cumulative).collect();
    assert_eq!(cumulative, [3, 4, 4]);
}

#[test]
fn over_100_percent_has_nothing_left_to_see_and_is_reached() {
    let r = collection_report(
        &collection(Some(3), Some("2026-11-01")),
        &rows(),
        &options("2026-11-20"),
    );
    assert!(r.percent.unwrap() > 133.0 && r.percent.unwrap() < 134.0);
    assert_eq!((r.not_yet_seen, r.eta), (None, None));
    assert_eq!(r.schedule.unwrap().status, ScheduleStatus::Reached);
}

#[test]
fn nothing_done_yet_means_zero_percent_no_rate_no_eta() {
    let r = collection_report(
        &collection(Some(46_949), Some("2026-12-31")),
        &[],
        &options("2026-11-20"),
    );
    assert_eq!((r.percent, r.not_yet_seen), (Some(0.0), Some(46_949)));
    assert_eq!((r.rate.active_days, r.eta), (0, None));
    let s = r.schedule.unwrap();
    assert_eq!(s.status, ScheduleStatus::AtRisk);
    assert!(s.needed_per_day.unwrap() > 0);
    assert_eq!(r.groups.len(), 2, "configured centres still show");
}

#[test]
fn a_passed_deadline_is_late() {
    let r = collection_report(
        &collection(Some(100), Some("2026-11-17")),
        &rows(),
        &options("2026-11-20"),
    );
    let s = r.schedule.unwrap();
    assert_eq!((s.status, s.needed_per_day), (ScheduleStatus::Late, None));
    // 96 left at 4/3 a day: 72 working days from Friday 2026-11-20.
    assert_eq!(r.eta, Some(day("2027-03-02")));
}

#[test]
fn the_window_keeps_only_its_days() {
    let mut o = options("2026-11-20");
    o.since = Some(day("2026-11-17"));
    o.until = Some(day("2026-11-17"));
    o.by = GroupBy::Day;
    let r = collection_report(&collection(Some(10), None), &rows(), &o);
    assert_eq!(
        (r.counts.seen, r.counts.digitised, r.counts.failed),
        (2, 1, 1)
    );
    assert_eq!(r.groups.len(), 1);
    assert_eq!(r.groups[0].key.as_deref(), Some("2026-11-17"));
}

#[test]
fn batches_are_listed_by_number_in_numeric_order() {
    let mut rows = rows();
    for (r, n) in rows.iter_mut().zip(["10", "2", "2", "1"]) {
        r.batch = Some(n.to_string());
    }
    rows[3].batch = None;
    let mut o = options("2026-11-20");
    o.by = GroupBy::Batch;
    let r = collection_report(&collection(Some(10), None), &rows, &o);
    let keys: Vec<_> = r.groups.iter().map(|g| g.key.as_deref()).collect();
    assert_eq!(keys, [Some("2"), Some("10"), None]);
}
