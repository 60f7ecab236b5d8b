//! The review work of a collection as each format shows it: one line of totals ("rà soát:
//! 2 hồ sơ · 3 trang xong · …"), and tables per reviewer and per UTC day of the decision,
//! whose header and cells the text, CSV and HTML renderers share. Nothing is shown for a
//! collection no one has reviewed in the window, so reports of archives without review
//! read as before.

use std::fmt::Write;

use sohoa::config::Lang;
use sohoa::report::review::{ReviewCounts, ReviewFigures, ReviewGroup};
use sohoa::report::{CollectionReport, GroupBy};

use super::labels::{date, Labels};
use crate::app::render::int;

/// Which review table: rows are reviewers, or days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewTable {
    Reviewers,
    Days,
}

impl ReviewTable {
    pub fn groups(self, figures: &ReviewFigures) -> &[ReviewGroup] {
        match self {
            ReviewTable::Reviewers => &figures.reviewers,
            ReviewTable::Days => &figures.days,
        }
    }

    pub fn caption(self, lang: Lang) -> &'static str {
        let l = Labels::of(lang);
        match self {
            ReviewTable::Reviewers => l.by_reviewer,
            ReviewTable::Days => l.review_by_day,
        }
    }
}

/// "rà soát: 2 hồ sơ · 3 trang xong · 4 giá trị giữ nguyên · 1 giá trị đã sửa".
pub fn review_line(k: &ReviewCounts, lang: Lang) -> String {
    let l = Labels::of(lang);
    format!(
        "{}: {} {} · {} {} · {} {} · {} {}",
        l.review.to_lowercase(),
        int(k.dossiers, lang),
        l.dossiers,
        int(k.pages_cleared, lang),
        l.pages_cleared.to_lowercase(),
        int(k.values_accepted, lang),
        l.values_accepted.to_lowercase(),
        int(k.values_corrected, lang),
        l.values_corrected.to_lowercase()
    )
}

/// The header of a review table; `first` names its rows.
pub fn review_header(table: ReviewTable, lang: Lang) -> Vec<String> {
    let l = Labels::of(lang);
    let first = match table {
        ReviewTable::Reviewers => l.reviewer,
        ReviewTable::Days => l.day,
    };
    [
        first,
        l.dossiers_reviewed,
        l.pages_cleared,
        l.values_accepted,
        l.values_corrected,
    ]
    .map(str::to_string)
    .to_vec()
}

/// The figures of one row, as people read them (a day written as the language writes days).
pub fn review_cells(g: &ReviewGroup, table: ReviewTable, lang: Lang) -> Vec<String> {
    let key = match table {
        ReviewTable::Reviewers => g.key.clone(),
        ReviewTable::Days => g
            .key
            .parse()
            .map_or_else(|_| g.key.clone(), |d| date(d, lang)),
    };
    let k = &g.counts;
    vec![
        key,
        int(k.dossiers, lang),
        int(k.pages_cleared, lang),
        int(k.values_accepted, lang),
        int(k.values_corrected, lang),
    ]
}

/// The text report's review block after the collection's table: the totals, then the
/// tables the `--by` table has not shown already.
pub fn text_block(out: &mut String, c: &CollectionReport, by: GroupBy, lang: Lang) {
    if !c.review.counts.any() {
        return;
    }
    let _ = writeln!(out, "  {}", review_line(&c.review.counts, lang));
    for table in [ReviewTable::Reviewers, ReviewTable::Days] {
        if by == GroupBy::Reviewer && table == ReviewTable::Reviewers {
            continue;
        }
        out.push('\n');
        text_table(out, &c.review, table, lang);
    }
    out.push('\n');
}

/// One review table, aligned as the text report aligns its tables.
pub fn text_table(out: &mut String, figures: &ReviewFigures, table: ReviewTable, lang: Lang) {
    let mut rows = vec![review_header(table, lang)];
    rows.extend(
        table
            .groups(figures)
            .iter()
            .map(|g| review_cells(g, table, lang)),
    );
    super::text::aligned(out, &rows);
}
