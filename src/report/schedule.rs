//! The arithmetic of progress against a target: percent, the recent rate, the date the
//! target would be reached at that rate, and where the deadline stands. Pure functions of
//! counts and dates, so the edge cases (over 100%, nothing done, no activity, a deadline
//! passed) are tested here without a catalog.
//!
//! The rate is per day with activity; the ETA and the days left before a deadline count the
//! working days of a [`Calendar`]: Monday to Friday, less holidays, plus make-up days.

use chrono::{Days, NaiveDate};
use serde::Serialize;

use super::calendar::Calendar;

/// Days with activity that the rate is taken over.
pub const RATE_DAYS: usize = 7;

/// Digitising speed over the last days with activity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Rate {
    /// Days with activity counted (at most [`RATE_DAYS`]).
    pub active_days: u32,
    pub dossiers_per_day: f64,
    pub pages_per_day: f64,
}

/// Where a collection stands against its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ScheduleStatus {
    /// The target is reached.
    Reached,
    /// At the current rate the target is reached by the deadline.
    OnTrack,
    /// At the current rate (or with no activity at all) it would not be.
    AtRisk,
    /// The deadline has passed and the target is not reached.
    Late,
}

/// The deadline's figures.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Schedule {
    pub status: ScheduleStatus,
    /// Working days from tomorrow up to and including the deadline; 0 once it is past.
    pub working_days_left: u64,
    /// Dossiers per working day needed from now on to meet the deadline; `None` when
    /// reached or late.
    pub needed_per_day: Option<u64>,
}

/// `part` as a percent of `whole`; `None` without a whole. May exceed 100.
pub fn percent(part: u64, whole: Option<u64>) -> Option<f64> {
    whole
        .filter(|w| *w > 0)
        .map(|w| part as f64 * 100.0 / w as f64)
}

/// The rate over the last [`RATE_DAYS`] days with activity, from `(day, dossiers digitised,
/// pages)` sorted by day.
pub fn rate(days: &[(NaiveDate, u64, u64)]) -> Rate {
    let recent = &days[days.len().saturating_sub(RATE_DAYS)..];
    if recent.is_empty() {
        return Rate::default();
    }
    let n = recent.len() as f64;
    Rate {
        active_days: recent.len() as u32,
        dossiers_per_day: recent.iter().map(|d| d.1).sum::<u64>() as f64 / n,
        pages_per_day: recent.iter().map(|d| d.2).sum::<u64>() as f64 / n,
    }
}

/// The working day on which `remaining` dossiers are done at `per_day`, counting from the
/// day after `today`; `None` when nothing remains or nothing is being done.
pub fn eta(remaining: u64, per_day: f64, today: NaiveDate, cal: &Calendar) -> Option<NaiveDate> {
    if remaining == 0 || per_day <= 0.0 {
        return None;
    }
    let days = (remaining as f64 / per_day).ceil() as u64;
    Some(add_working_days(today, days, cal))
}

/// Where the deadline stands for `remaining` dossiers, given the ETA at the current rate.
pub fn schedule(
    remaining: u64,
    eta: Option<NaiveDate>,
    deadline: NaiveDate,
    today: NaiveDate,
    cal: &Calendar,
) -> Schedule {
    if remaining == 0 {
        return Schedule {
            status: ScheduleStatus::Reached,
            working_days_left: working_days_between(today, deadline, cal),
            needed_per_day: None,
        };
    }
    if today > deadline {
        return Schedule {
            status: ScheduleStatus::Late,
            working_days_left: 0,
            needed_per_day: None,
        };
    }
    let left = working_days_between(today, deadline, cal);
    // With no working day left (deadline today or a weekend), all of it is needed today.
    let needed = remaining.div_ceil(left.max(1));
    let status = match eta {
        Some(eta) if eta <= deadline => ScheduleStatus::OnTrack,
        _ => ScheduleStatus::AtRisk,
    };
    Schedule {
        status,
        working_days_left: left,
        needed_per_day: Some(needed),
    }
}

/// Working days `d` with `from < d <= to`.
fn working_days_between(from: NaiveDate, to: NaiveDate, cal: &Calendar) -> u64 {
    from.iter_days()
        .skip(1)
        .take_while(|d| *d <= to)
        .filter(|d| cal.is_working(*d))
        .count() as u64
}

fn add_working_days(from: NaiveDate, n: u64, cal: &Calendar) -> NaiveDate {
    // A rate of a fraction of a dossier a day over a huge target would iterate for ever:
    // past 100 years the answer is meaningless anyway.
    let n = n.min(26_000) as usize;
    from.iter_days()
        .skip(1)
        .filter(|d| cal.is_working(*d))
        .nth(n.saturating_sub(1))
        .unwrap_or_else(|| from.checked_add_days(Days::new(1)).unwrap_or(from))
}

#[cfg(test)]
mod tests {
    use super::*;

    const WEEK: Calendar = Calendar::weekdays();

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn percent_may_pass_100_and_needs_a_target() {
        assert_eq!(percent(120, Some(100)), Some(120.0));
        assert_eq!(percent(0, Some(46_949)), Some(0.0));
        assert_eq!(percent(5, None), None);
    }

    #[test]
    fn rate_takes_the_last_seven_active_days() {
        let days: Vec<_> = (1..=9)
            .map(|d| (day(&format!("2026-11-{d:02}")), d as u64 * 10, 100))
            .collect();
        let r = rate(&days);
        assert_eq!(r.active_days, 7);
        // Days 3..=9: 30 + … + 90 = 420 over 7 days.
        assert_eq!(r.dossiers_per_day, 60.0);
        assert_eq!(r.pages_per_day, 100.0);
        assert_eq!(rate(&[]), Rate::default());
    }

    #[test]
    fn no_activity_means_no_eta_and_at_risk() {
        let today = day("2026-11-20");
        assert_eq!(eta(10, 0.0, today, &WEEK), None);
        let s = schedule(10, None, day("2026-12-31"), today, &WEEK);
        assert_eq!(s.status, ScheduleStatus::AtRisk);
        assert_eq!(s.needed_per_day, Some(1));
    }

    #[test]
    fn eta_counts_weekdays_only() {
        // Friday 2026-11-20; 25 dossiers at 10 a day need 3 working days: Mon, Tue, Wed.
        let today = day("2026-11-20");
        assert_eq!(eta(25, 10.0, today, &WEEK), Some(day("2026-11-25")));
        assert_eq!(eta(0, 10.0, today, &WEEK), None);
    }

    #[test]
    fn deadline_on_track_at_risk_late_and_reached() {
        let today = day("2026-11-20");
        let deadline = day("2026-11-27"); // 5 working days after Friday the 20th.
        let on_track = schedule(25, Some(day("2026-11-25")), deadline, today, &WEEK);
        assert_eq!(on_track.status, ScheduleStatus::OnTrack);
        assert_eq!(on_track.working_days_left, 5);
        assert_eq!(on_track.needed_per_day, Some(5));
        let at_risk = schedule(26, Some(day("2026-11-30")), deadline, today, &WEEK);
        assert_eq!(
            (at_risk.status, at_risk.needed_per_day),
            (ScheduleStatus::AtRisk, Some(6))
        );
        let late = schedule(1, None, day("2026-11-19"), today, &WEEK);
        assert_eq!(
            (late.status, late.needed_per_day),
            (ScheduleStatus::Late, None)
        );
        let reached = schedule(0, None, day("2026-11-19"), today, &WEEK);
        assert_eq!(reached.status, ScheduleStatus::Reached);
        let due_today = schedule(7, None, today, today, &WEEK);
        assert_eq!(due_today.needed_per_day, Some(7));
    }

    #[test]
    fn holidays_move_the_eta_and_shorten_the_days_left() {
        // Friday 2027-02-05 to Thursday 2027-02-11 off for Tết, Saturday 2027-01-30 worked.
        let tet =
            Calendar::new(&["2027-02-05..2027-02-11".into()], &["2027-01-30".into()]).unwrap();
        let today = day("2027-01-29");
        // Saturday 30, Mon 1, Tue 2, Wed 3, Thu 4, then Friday the 12th.
        assert_eq!(eta(6, 1.0, today, &tet), Some(day("2027-02-12")));
        assert_eq!(eta(6, 1.0, today, &WEEK), Some(day("2027-02-08")));
        let s = schedule(12, None, day("2027-02-12"), today, &tet);
        assert_eq!((s.working_days_left, s.needed_per_day), (6, Some(2)));
    }
}
