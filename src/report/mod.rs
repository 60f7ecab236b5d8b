//! `sohoa report`: how far each collection is from its target, as plain data the binary
//! renders (text, JSON, CSV, HTML). The catalog folds dossiers into rows by state, day and
//! batch ([`Catalog::progress_rows`]); this module filters them to the `--since`/`--until`
//! window, totals them per collection and per group, and applies the arithmetic of
//! [`schedule`]. "Today" is a parameter, so the same catalog always gives the same report.
//! Review work (`review.rs`) is counted beside, by the day of each decision.
//!
//! Invariants: `digitised = done + needs_review`; every group's counts sum to the
//! collection's; the JSON form of [`Report`] is the documented schema
//! (`docs/report.md`), versioned by [`SCHEMA_VERSION`].

pub mod calendar;
pub mod review;
pub mod schedule;
pub mod worklist;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::catalog::{Catalog, CatalogError, DossierState, ProgressRow};
use crate::config::CollectionSettings;
use crate::model::SkipCount;
use calendar::Calendar;
use review::ReviewFigures;
use schedule::{Rate, Schedule};

/// Version of the JSON schema; bumped on any change that is not a new field.
pub const SCHEMA_VERSION: u32 = 2;

/// What rows of the report's table stand for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    Collection,
    Centre,
    Operator,
    Day,
    Batch,
    /// The review work per reviewer; the dossier counts stay one row for the collection,
    /// since a dossier is digitised by a batch, not by whoever reviewed it.
    Reviewer,
}

/// How to build a report.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    pub by: GroupBy,
    /// Count only dossiers whose latest file was recorded on or after this day.
    pub since: Option<NaiveDate>,
    /// … and on or before this one.
    pub until: Option<NaiveDate>,
    /// The day the rate, ETA and deadline are reckoned from.
    pub today: NaiveDate,
    /// The working days the ETA and deadline count.
    pub calendar: Calendar,
}

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema_version: u32,
    pub today: NaiveDate,
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    pub by: GroupBy,
    pub collections: Vec<CollectionReport>,
}

/// Dossiers and pages by state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Done + needs review.
    pub digitised: u64,
    pub done: u64,
    pub needs_review: u64,
    pub failed: u64,
    pub in_progress: u64,
    /// Dossiers any run found: all four states.
    pub seen: u64,
    pub pages: u64,
    /// Current files recorded as duplicates of a file under another dossier.
    pub duplicates: u64,
}

impl Counts {
    fn add(&mut self, row: &ProgressRow) {
        let n = row.dossiers;
        match row.state {
            DossierState::Done => self.done += n,
            DossierState::NeedsReview => self.needs_review += n,
            DossierState::Failed => self.failed += n,
            DossierState::InProgress => self.in_progress += n,
        }
        if row.state.is_digitised() {
            self.digitised += n;
        }
        self.seen += n;
        self.pages += row.pages;
        self.duplicates += row.duplicates;
    }
}

/// One collection's figures.
#[derive(Debug, Clone, Serialize)]
pub struct CollectionReport {
    pub id: String,
    pub name: String,
    pub target: Option<u64>,
    pub page_target: Option<u64>,
    pub deadline: Option<NaiveDate>,
    pub counts: Counts,
    /// Target minus dossiers seen, when positive.
    pub not_yet_seen: Option<u64>,
    /// Digitised dossiers as a percent of the target (may exceed 100).
    pub percent: Option<f64>,
    /// Pages as a percent of the page target.
    pub page_percent: Option<f64>,
    pub rate: Rate,
    /// The working day the target is reached at the current rate.
    pub eta: Option<NaiveDate>,
    /// Only with both a target and a deadline.
    pub schedule: Option<Schedule>,
    /// Every day with activity, in order.
    pub daily: Vec<DayPoint>,
    /// Rows of the `--by` grouping.
    pub groups: Vec<Group>,
    /// Always present, for the HTML page's tables.
    pub centres: Vec<Group>,
    pub operators: Vec<Group>,
    /// Entries of the source the latest run's walk skipped by `[walk] ignore` (no dossier
    /// holds them), in all and per pattern.
    pub skipped: u64,
    pub skipped_by: Vec<SkipCount>,
    /// Review work, by the day of each decision within the window.
    pub review: ReviewFigures,
}

/// One day with activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DayPoint {
    pub day: NaiveDate,
    /// Dossiers that became digitised that day.
    pub digitised: u64,
    pub pages: u64,
    /// Digitised dossiers up to and including that day (within the window).
    pub cumulative: u64,
}

/// One row of a grouping: a centre, operator, day, batch or the collection itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    /// `None` for dossiers without one (no centre recorded, nothing recorded yet).
    pub key: Option<String>,
    /// The collection's target, or the centre's from `[collection.centres]`.
    pub target: Option<u64>,
    pub percent: Option<f64>,
    pub counts: Counts,
}

/// Build the report of `collections` from the catalog.
///
/// # Errors
/// The catalog cannot be read.
pub fn build(
    catalog: &Catalog,
    collections: &[&CollectionSettings],
    options: &ReportOptions,
) -> Result<Report, CatalogError> {
    let mut out = Vec::with_capacity(collections.len());
    for c in collections {
        let rows = catalog.progress_rows(&c.id)?;
        let mut report = collection_report(c, &rows, options);
        report.skipped_by = catalog.walk_skips(&c.id)?;
        report.skipped = report.skipped_by.iter().map(|s| s.entries).sum();
        let decided = catalog.review_rows(&c.id)?;
        report.review = review::figures(&decided, options.since, options.until);
        out.push(report);
    }
    Ok(Report {
        schema_version: SCHEMA_VERSION,
        today: options.today,
        since: options.since,
        until: options.until,
        by: options.by,
        collections: out,
    })
}

/// The figures of one collection from its catalog rows.
pub fn collection_report(
    c: &CollectionSettings,
    rows: &[ProgressRow],
    options: &ReportOptions,
) -> CollectionReport {
    let rows: Vec<&ProgressRow> = rows.iter().filter(|r| in_window(r, options)).collect();
    let mut counts = Counts::default();
    rows.iter().for_each(|r| counts.add(r));
    let daily = daily(&rows, options.today);
    let recent: Vec<_> = daily
        .iter()
        .map(|d| (d.day, d.digitised, d.pages))
        .collect();
    let rate = schedule::rate(&recent);
    let remaining = c.target.map(|t| t.saturating_sub(counts.digitised));
    let eta = remaining
        .and_then(|r| schedule::eta(r, rate.dossiers_per_day, options.today, &options.calendar));
    let sched = remaining
        .zip(c.deadline)
        .map(|(r, d)| schedule::schedule(r, eta, d, options.today, &options.calendar));
    CollectionReport {
        id: c.id.clone(),
        name: c.name.clone(),
        target: c.target,
        page_target: c.page_target,
        deadline: c.deadline,
        counts,
        not_yet_seen: c
            .target
            .map(|t| t.saturating_sub(counts.seen))
            .filter(|n| *n > 0),
        percent: schedule::percent(counts.digitised, c.target),
        page_percent: schedule::percent(counts.pages, c.page_target),
        rate,
        eta,
        schedule: sched,
        daily,
        groups: group(c, &rows, options.by),
        centres: group(c, &rows, GroupBy::Centre),
        operators: group(c, &rows, GroupBy::Operator),
        skipped: 0,
        skipped_by: Vec::new(),
        review: ReviewFigures::default(),
    }
}

fn in_window(row: &ProgressRow, options: &ReportOptions) -> bool {
    match row.day {
        // Dossiers with nothing recorded yet have no day: only an open window holds them.
        None => options.since.is_none(),
        Some(day) => {
            options.since.is_none_or(|s| day >= s) && options.until.is_none_or(|u| day <= u)
        }
    }
}

/// Days with activity up to `today`, with the running total of digitised dossiers.
fn daily(rows: &[&ProgressRow], today: NaiveDate) -> Vec<DayPoint> {
    let mut by_day: BTreeMap<NaiveDate, (u64, u64)> = BTreeMap::new();
    for r in rows {
        let Some(day) = r.day.filter(|d| *d <= today) else {
            continue;
        };
        let entry = by_day.entry(day).or_default();
        if r.state.is_digitised() {
            entry.0 += r.dossiers;
        }
        entry.1 += r.pages;
    }
    let mut cumulative = 0;
    by_day
        .into_iter()
        .map(|(day, (digitised, pages))| {
            cumulative += digitised;
            DayPoint {
                day,
                digitised,
                pages,
                cumulative,
            }
        })
        .collect()
}

fn group(c: &CollectionSettings, rows: &[&ProgressRow], by: GroupBy) -> Vec<Group> {
    let mut groups: BTreeMap<Option<String>, Counts> = BTreeMap::new();
    for r in rows {
        let key = match by {
            GroupBy::Collection | GroupBy::Reviewer => Some(c.name.clone()),
            GroupBy::Centre => r.centre.clone(),
            GroupBy::Operator => r.operator.clone(),
            GroupBy::Day => r.day.map(|d| d.to_string()),
            GroupBy::Batch => r.batch.clone(),
        };
        groups.entry(key).or_default().add(r);
    }
    if by == GroupBy::Centre {
        // A centre with a target shows even before its first dossier.
        for centre in c.centre_targets.keys() {
            groups.entry(Some(centre.clone())).or_default();
        }
    }
    let whole = matches!(by, GroupBy::Collection | GroupBy::Reviewer);
    if whole && groups.is_empty() {
        groups.insert(Some(c.name.clone()), Counts::default());
    }
    let mut out: Vec<Group> = groups
        .into_iter()
        .map(|(key, counts)| {
            let target = match by {
                GroupBy::Collection | GroupBy::Reviewer => c.target,
                GroupBy::Centre => key.as_ref().and_then(|k| c.centre_targets.get(k).copied()),
                _ => None,
            };
            Group {
                percent: schedule::percent(counts.digitised, target),
                key,
                target,
                counts,
            }
        })
        .collect();
    // Rows without a key last: "unknown" is read after the named ones. Batch numbers in
    // numeric order (2 before 10), other keys as the map sorted them.
    let number = |g: &Group| match by {
        GroupBy::Batch => g.key.as_deref().and_then(|k| k.parse::<i64>().ok()),
        _ => None,
    };
    out.sort_by_key(|g| (g.key.is_none(), number(g)));
    out
}

#[cfg(test)]
mod tests;
