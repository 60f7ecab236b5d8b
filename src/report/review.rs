//! Review work in `sohoa report`: the catalog's decisions per reviewer, day and dossier
//! ([`Catalog::review_rows`]) kept to the `--since`/`--until` window by the decision's UTC
//! day, then totalled for the collection, per reviewer and per day.
//!
//! A dossier is *reviewed* when at least one of its pages was cleared; it counts once in
//! each total it falls in (once for the collection, once per reviewer who cleared one of its
//! pages, once per day one was cleared), so the per-reviewer dossiers need not add up to
//! the collection's. Pages cleared, values accepted and values corrected are decisions, and
//! do add up.
//!
//! [`Catalog::review_rows`]: crate::catalog::Catalog::review_rows

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::Serialize;

use crate::catalog::ReviewRow;

/// Review work in one total.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ReviewCounts {
    /// Dossiers with at least one page cleared.
    pub dossiers: u64,
    pub pages_cleared: u64,
    pub values_accepted: u64,
    pub values_corrected: u64,
}

impl ReviewCounts {
    /// Whether anything was decided at all.
    pub fn any(&self) -> bool {
        self.pages_cleared + self.values_accepted + self.values_corrected > 0
    }
}

/// One reviewer's work, or one day's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewGroup {
    /// The reviewer, or the day as `YYYY-MM-DD`.
    pub key: String,
    pub counts: ReviewCounts,
}

/// A collection's review work in the window.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReviewFigures {
    #[serde(flatten)]
    pub counts: ReviewCounts,
    /// By reviewer, in name order.
    pub reviewers: Vec<ReviewGroup>,
    /// By UTC day of the decision, in order.
    pub days: Vec<ReviewGroup>,
}

/// Decisions summed, with the dossiers that had a page cleared.
#[derive(Default)]
struct Tally {
    counts: ReviewCounts,
    dossiers: BTreeSet<String>,
}

impl Tally {
    fn add(&mut self, row: &ReviewRow) {
        self.counts.pages_cleared += row.cleared;
        self.counts.values_accepted += row.accepted;
        self.counts.values_corrected += row.corrected;
        if row.cleared > 0 {
            self.dossiers.insert(row.dossier.clone());
        }
    }

    fn counts(&self) -> ReviewCounts {
        ReviewCounts {
            dossiers: self.dossiers.len() as u64,
            ..self.counts
        }
    }
}

/// The figures of `rows` whose day falls between `since` and `until` (either open).
pub fn figures(
    rows: &[ReviewRow],
    since: Option<NaiveDate>,
    until: Option<NaiveDate>,
) -> ReviewFigures {
    let mut total = Tally::default();
    let mut reviewers: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut days: BTreeMap<NaiveDate, Tally> = BTreeMap::new();
    let inside = |d: NaiveDate| since.is_none_or(|s| d >= s) && until.is_none_or(|u| d <= u);
    for row in rows.iter().filter(|r| inside(r.day)) {
        total.add(row);
        reviewers.entry(&row.reviewer).or_default().add(row);
        days.entry(row.day).or_default().add(row);
    }
    let group = |key: String, t: &Tally| ReviewGroup {
        key,
        counts: t.counts(),
    };
    ReviewFigures {
        counts: total.counts(),
        reviewers: reviewers
            .iter()
            .map(|(k, t)| group(k.to_string(), t))
            .collect(),
        days: days.iter().map(|(d, t)| group(d.to_string(), t)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(reviewer: &str, day: &str, dossier: &str, decided: (u64, u64, u64)) -> ReviewRow {
        ReviewRow {
            reviewer: reviewer.into(),
            day: day.parse().unwrap(),
            dossier: dossier.into(),
            cleared: decided.0,
            accepted: decided.1,
            corrected: decided.2,
        }
    }

    #[test]
    fn a_dossier_counts_once_per_total_and_decisions_add_up() {
        let rows = [
            row("Hoa", "2026-11-03", "a", (2, 3, 1)),
            row("Hoa", "2026-11-04", "a", (1, 0, 0)),
            row("Nam", "2026-11-04", "b", (0, 2, 0)),
            row("Nam", "2026-11-05", "c", (1, 0, 2)),
        ];
        let f = figures(&rows, None, None);
        let counts = |d, p, a, c| ReviewCounts {
            dossiers: d,
            pages_cleared: p,
            values_accepted: a,
            values_corrected: c,
        };
        assert_eq!(f.counts, counts(2, 4, 5, 3));
        let keys = |g: &[ReviewGroup]| g.iter().map(|g| (g.key.clone(), g.counts)).collect();
        let reviewers: Vec<_> = keys(&f.reviewers);
        assert_eq!(
            reviewers,
            vec![
                ("Hoa".to_string(), counts(1, 3, 3, 1)),
                ("Nam".to_string(), counts(1, 1, 2, 2)),
            ]
        );
        let days: Vec<_> = keys(&f.days);
        // b's values were looked at, none of its pages cleared: work, not a dossier reviewed.
        assert_eq!(days[1], ("2026-11-04".to_string(), counts(1, 1, 2, 0)));
    }

    #[test]
    fn the_window_takes_the_day_of_the_decision() {
        let rows = [
            row("Hoa", "2026-10-31", "a", (1, 0, 0)),
            row("Hoa", "2026-11-01", "b", (1, 0, 0)),
            row("Hoa", "2026-12-01", "c", (1, 0, 0)),
        ];
        let nov = |s: &str| s.parse().ok();
        let f = figures(&rows, nov("2026-11-01"), nov("2026-11-30"));
        assert_eq!((f.counts.dossiers, f.days.len()), (1, 1));
        assert_eq!(f.days[0].key, "2026-11-01");
        assert!(!figures(&[], None, None).counts.any());
    }
}
