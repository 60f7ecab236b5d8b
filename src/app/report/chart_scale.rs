//! Where things go on the burn-up chart: the span of days it shows, the height of its value
//! axis, and the ticks of both axes. Kept apart from the drawing so the choices that make a
//! chart legible with one day of data, or with a target far away, are tested as numbers.

use chrono::{Days, NaiveDate};
use sohoa::report::CollectionReport;

/// The drawing's size in SVG units; the page scales it to its width.
pub const W: f64 = 900.0;
pub const H: f64 = 300.0;
pub const LEFT: f64 = 60.0;
pub const RIGHT: f64 = 24.0;
/// Room above the plot for two rows of labels: today's, then the deadline's.
pub const TOP: f64 = 44.0;
pub const BOTTOM: f64 = 30.0;

/// A time axis shorter than this is stretched to it, so that one day of data is a slope
/// and both ends of the axis are different days.
const MIN_DAYS: u64 = 7;
/// Without a deadline, the projection is shown this many times the days of activity ahead
/// of today at most (and at least `MIN_DAYS`): a slow rate must not squash the data into
/// the axis's first pixels.
const AHEAD: u64 = 2;
/// Date labels under the time axis at most.
const MAX_DATE_TICKS: u64 = 6;

pub struct Scale {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub max: f64,
}

impl Scale {
    /// The axes of one collection, its days from [`span`].
    pub fn of(c: &CollectionReport, today: NaiveDate) -> Scale {
        let days = (
            c.daily.first().map(|d| d.day),
            c.daily.last().map(|d| d.day),
        );
        let (start, end) = span(days, today, c.deadline, c.eta);
        let top = c.daily.last().map_or(0, |d| d.cumulative);
        let max = nice_ceiling(c.target.unwrap_or(0).max(top) as f64 * 1.08);
        Scale { start, end, max }
    }

    fn days(&self) -> f64 {
        ((self.end - self.start).num_days() as f64).max(1.0)
    }

    pub fn x(&self, d: NaiveDate) -> f64 {
        let offset = (d - self.start).num_days() as f64;
        LEFT + offset / self.days() * (W - LEFT - RIGHT)
    }

    pub fn y(&self, v: f64) -> f64 {
        H - BOTTOM - v / self.max * (H - TOP - BOTTOM)
    }

    /// Round values from zero to the top, four or five of them.
    pub fn value_ticks(&self) -> Vec<u64> {
        let step = nice_step(self.max / 4.0);
        (0..)
            .map(|i| i * step)
            .take_while(|v| *v as f64 <= self.max)
            .collect()
    }

    /// Days spread evenly from start to end, both ends included.
    pub fn date_ticks(&self) -> Vec<NaiveDate> {
        let days = (self.end - self.start).num_days().unsigned_abs();
        let n = days.clamp(1, MAX_DATE_TICKS - 1);
        let mut ticks: Vec<NaiveDate> = (0..=n)
            .map(|i| self.start + Days::new((days * i + n / 2) / n))
            .collect();
        ticks.dedup();
        ticks
    }
}

/// The days the chart shows: from the day before the first activity (the line rises from
/// zero) to the latest of today, the last activity, the deadline and, without a deadline,
/// the ETA within reach; never fewer than [`MIN_DAYS`].
pub fn span(
    activity: (Option<NaiveDate>, Option<NaiveDate>),
    today: NaiveDate,
    deadline: Option<NaiveDate>,
    eta: Option<NaiveDate>,
) -> (NaiveDate, NaiveDate) {
    let (first, last) = activity;
    let start = first.unwrap_or(today).min(today) - Days::new(1);
    let mut end = today.max(last.unwrap_or(today));
    match (deadline, eta) {
        (Some(deadline), _) => end = end.max(deadline),
        (None, Some(eta)) => {
            let reach = (today - start).num_days().unsigned_abs() * AHEAD;
            end = end.max(eta.min(today + Days::new(reach.max(MIN_DAYS))));
        }
        (None, None) => {}
    }
    (start, end.max(start + Days::new(MIN_DAYS)))
}

/// The smallest 1, 2 or 5 times a power of ten at least `x` (and at least 1).
fn nice_step(x: f64) -> u64 {
    let x = x.max(1.0);
    let power = 10f64.powf(x.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|s| *s >= x)
        .unwrap_or(10.0 * power);
    step.round() as u64
}

/// `x` rounded up to a multiple of a nice step, so the top tick is the axis's top.
fn nice_ceiling(x: f64) -> f64 {
    let step = nice_step(x / 4.0) as f64;
    ((x / step).ceil() * step).max(1.0)
}

/// Where the projection at the current rate is on `day`: a straight line from today's
/// total to the target on the ETA, flat once there.
pub fn projected(top: u64, target: u64, today: NaiveDate, eta: NaiveDate, day: NaiveDate) -> f64 {
    let span = (eta - today).num_days().max(1) as f64;
    let along = ((day - today).num_days() as f64 / span).clamp(0.0, 1.0);
    top as f64 + (target.saturating_sub(top)) as f64 * along
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn steps_and_tops_are_round_numbers() {
        assert_eq!(nice_step(0.3), 1);
        assert_eq!(nice_step(2.7), 5);
        assert_eq!(nice_step(12_000.0), 20_000);
        assert_eq!(nice_ceiling(12.96), 15.0);
        assert_eq!(nice_ceiling(50_704.9), 60_000.0);
        let s = Scale {
            start: day("2026-12-01"),
            end: day("2026-12-08"),
            max: 15.0,
        };
        assert_eq!(s.value_ticks(), vec![0, 5, 10, 15]);
    }

    #[test]
    fn date_ticks_are_distinct_and_include_both_ends() {
        for days in [1, 2, 7, 10, 365] {
            let s = Scale {
                start: day("2026-12-01"),
                end: day("2026-12-01") + Days::new(days),
                max: 1.0,
            };
            let ticks = s.date_ticks();
            assert_eq!(ticks.first(), Some(&s.start), "{days}");
            assert_eq!(ticks.last(), Some(&s.end), "{days}");
            assert!(ticks.windows(2).all(|w| w[0] < w[1]), "{days}: {ticks:?}");
            assert!(ticks.len() as u64 <= MAX_DATE_TICKS);
        }
    }

    #[test]
    fn one_day_without_a_deadline_still_spans_a_week_and_a_far_eta_is_cut() {
        let today = day("2026-12-04");
        let one = (Some(today), Some(today));
        assert_eq!(
            span(one, today, None, None),
            (day("2026-12-03"), day("2026-12-10"))
        );
        // Ten days of work and an ETA two years away: twenty days ahead at most.
        let ten = (Some(day("2026-11-25")), Some(today));
        let (start, end) = span(ten, today, None, Some(day("2028-12-01")));
        assert_eq!((start, end), (day("2026-11-24"), day("2026-12-24")));
        // A deadline decides the end, however far the ETA.
        let deadline = day("2027-01-31");
        assert_eq!(
            span(ten, today, Some(deadline), Some(day("2028-12-01"))).1,
            deadline
        );
        // Nothing done yet: a week from yesterday.
        assert_eq!(span((None, None), today, None, None).0, day("2026-12-03"));
    }

    #[test]
    fn the_projection_runs_from_today_to_the_target_at_the_eta() {
        let (today, eta) = (day("2026-12-04"), day("2026-12-14"));
        assert_eq!(projected(10, 30, today, eta, today), 10.0);
        assert_eq!(projected(10, 30, today, eta, day("2026-12-09")), 20.0);
        assert_eq!(projected(10, 30, today, eta, day("2027-01-01")), 30.0);
    }
}
