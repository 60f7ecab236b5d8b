//! The report as CSV for spreadsheets: UTF-8 with a byte-order mark (without it, common
//! spreadsheet programs read the file as a legacy code page and mangle Vietnamese), a header
//! of labels in the report's language, one row per group of every collection. Counts are
//! plain integers; the percent uses the language's decimal mark (84,57 in Vietnamese, as a
//! spreadsheet set to Vietnamese expects), quoted when it holds a comma. Days stay
//! `YYYY-MM-DD` in both languages: the one form every spreadsheet reads as a date whatever
//! its locale, where 05/11/2026 is 5 November to some and 11 May to others. By reviewer,
//! the rows are reviewers and the columns their review work.

use sohoa::config::Lang;
use sohoa::report::{GroupBy, Report};

use super::labels::Labels;
use super::review::{review_header, ReviewTable};

pub(super) const BOM: &str = "\u{feff}";

pub fn render(report: &Report, lang: Lang) -> String {
    if report.by == GroupBy::Reviewer {
        return by_reviewer(report, lang);
    }
    let l = Labels::of(lang);
    let header = [
        l.collection,
        l.by(report.by),
        l.target,
        l.digitised,
        l.done,
        l.needs_review,
        l.failed,
        l.in_progress,
        l.pages,
        l.percent,
        l.duplicates,
    ];
    // By collection, the group is the collection itself: one column, not the same twice.
    let keyed = report.by != GroupBy::Collection;
    let keep = |i: &usize| keyed || *i != 1;
    let mut out = String::from(BOM);
    line(
        &mut out,
        header
            .iter()
            .enumerate()
            .filter(|(i, _)| keep(i))
            .map(|(_, h)| h.to_string()),
    );
    for c in &report.collections {
        for g in &c.groups {
            let k = &g.counts;
            let cells = [
                c.name.clone(),
                g.key.clone().unwrap_or_else(|| l.unknown.to_string()),
                g.target.map_or_else(String::new, |t| t.to_string()),
                k.digitised.to_string(),
                k.done.to_string(),
                k.needs_review.to_string(),
                k.failed.to_string(),
                k.in_progress.to_string(),
                k.pages.to_string(),
                g.percent.map_or_else(String::new, |p| plain(p, lang)),
                k.duplicates.to_string(),
            ];
            let cells = cells.into_iter().enumerate().filter(|(i, _)| keep(i));
            line(&mut out, cells.map(|(_, c)| c));
        }
    }
    out
}

/// One row per reviewer of every collection: the review work, plain integers.
fn by_reviewer(report: &Report, lang: Lang) -> String {
    let l = Labels::of(lang);
    let mut out = String::from(BOM);
    let header = review_header(ReviewTable::Reviewers, lang);
    line(
        &mut out,
        std::iter::once(l.collection.to_string()).chain(header),
    );
    for c in &report.collections {
        for g in &c.review.reviewers {
            let k = &g.counts;
            let cells = [
                c.name.clone(),
                g.key.clone(),
                k.dossiers.to_string(),
                k.pages_cleared.to_string(),
                k.values_accepted.to_string(),
                k.values_corrected.to_string(),
            ];
            line(&mut out, cells.into_iter());
        }
    }
    out
}

/// A decimal without thousands separators, so a spreadsheet reads it as a number.
fn plain(x: f64, lang: Lang) -> String {
    let s = format!("{x:.2}");
    match lang {
        Lang::Vi => s.replace('.', ","),
        Lang::En => s,
    }
}

pub(super) fn line(out: &mut String, cells: impl Iterator<Item = String>) {
    let cells: Vec<String> = cells.map(|c| quote(&c)).collect();
    out.push_str(&cells.join(","));
    out.push_str("\r\n");
}

/// RFC 4180 quoting: only when the cell holds a comma, quote or line break.
fn quote(cell: &str) -> String {
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_only_when_needed_and_decimals_follow_the_language() {
        assert_eq!(quote("Điểm 1"), "Điểm 1");
        assert_eq!(quote("84,57"), "\"84,57\"");
        assert_eq!(quote("a \"b\""), "\"a \"\"b\"\"\"");
        assert_eq!(plain(84.5678, Lang::Vi), "84,57");
        assert_eq!(plain(1234.5, Lang::En), "1234.50");
    }
}
