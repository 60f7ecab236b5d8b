//! The report as a person reads it in a terminal: per collection the headline sentence a
//! supervisor forwards ("Hồ sơ cư trú: đã số hóa 46.949/46.949 hồ sơ (100,00%)"), the
//! other figures, then an aligned table of the `--by` grouping, then the review work when
//! there is any (`review.rs`). Columns are aligned by
//! characters, not bytes, so Vietnamese names line up.

use std::fmt::Write;

use sohoa::config::Lang;
use sohoa::report::schedule::ScheduleStatus;
use sohoa::report::{CollectionReport, Group, GroupBy, Report};

use super::labels::{date, Labels};
use super::review::{self, ReviewTable};
use crate::app::color::Paint;
use crate::app::render::{dec, int, skipped_line};

pub fn render(report: &Report, lang: Lang, paint: Paint) -> String {
    let l = Labels::of(lang);
    let mut out = format!("{} · {} {}", l.title, l.as_of, date(report.today, lang));
    if report.since.is_some() || report.until.is_some() {
        let end = |d: Option<_>| d.map_or_else(|| "…".to_string(), |d| date(d, lang));
        let _ = write!(
            out,
            " · {} {} – {}",
            l.window,
            end(report.since),
            end(report.until)
        );
    }
    out.push_str("\n\n");
    for c in &report.collections {
        collection(&mut out, c, report, lang, paint);
    }
    out
}

/// "46.949/46.949 hồ sơ (100,00%)" or "46,949 of 46,949 digitised (100.00%)".
pub fn headline(c: &CollectionReport, lang: Lang) -> String {
    let l = Labels::of(lang);
    let target = c.target.map_or_else(|| "?".to_string(), |t| int(t, lang));
    let pct = c.percent.map_or_else(
        || l.no_target.to_string(),
        |p| format!("{}%", dec(p, 2, lang)),
    );
    let done = int(c.counts.digitised, lang);
    match lang {
        Lang::Vi => format!("{}: đã số hóa {done}/{target} hồ sơ ({pct})", c.name),
        Lang::En => format!("{}: {done} of {target} digitised ({pct})", c.name),
    }
}

fn collection(out: &mut String, c: &CollectionReport, report: &Report, lang: Lang, paint: Paint) {
    let l = Labels::of(lang);
    let n = |x: u64| int(x, lang);
    let _ = writeln!(out, "{}", headline(c, lang));
    let k = &c.counts;
    let mut states = format!(
        "  {} {} · {} {} · {} {} · {} {}",
        l.done.to_lowercase(),
        n(k.done),
        l.needs_review.to_lowercase(),
        n(k.needs_review),
        l.failed.to_lowercase(),
        match k.failed {
            0 => n(0),
            failed => paint.bad(&n(failed)),
        },
        l.in_progress.to_lowercase(),
        n(k.in_progress)
    );
    if let Some(unseen) = c.not_yet_seen {
        let _ = write!(states, " · {} {}", l.not_yet_seen.to_lowercase(), n(unseen));
    }
    let _ = write!(
        states,
        " · {} {}",
        l.duplicates.to_lowercase(),
        n(k.duplicates)
    );
    let _ = writeln!(out, "{states}");
    let _ = writeln!(out, "  {}", pages_line(c, lang));
    let _ = writeln!(out, "  {}", rate_line(c, lang));
    let _ = writeln!(out, "  {}", painted_eta_line(c, lang, paint));
    if c.skipped > 0 {
        let _ = writeln!(out, "  {}", skipped_line(c.skipped, &c.skipped_by, lang));
    }
    out.push('\n');
    // By reviewer, the table is the review work: a dossier is digitised by a batch, not
    // by whoever reviewed it, so no dossier count has a reviewer.
    match report.by {
        GroupBy::Reviewer => review::text_table(out, &c.review, ReviewTable::Reviewers, lang),
        by => table(out, &c.groups, by, lang),
    }
    out.push('\n');
    review::text_block(out, c, report.by, lang);
}

pub fn pages_line(c: &CollectionReport, lang: Lang) -> String {
    let l = Labels::of(lang);
    let mut s = format!("{} {}", l.pages.to_lowercase(), int(c.counts.pages, lang));
    if let (Some(t), Some(p)) = (c.page_target, c.page_percent) {
        let _ = write!(s, "/{} ({}%)", int(t, lang), dec(p, 2, lang));
    }
    s
}

pub fn rate_line(c: &CollectionReport, lang: Lang) -> String {
    let l = Labels::of(lang);
    if c.rate.active_days == 0 {
        return format!("{}: {}", l.rate.to_lowercase(), l.no_activity);
    }
    format!(
        "{}: {} {} · {} {} {} ({})",
        l.rate.to_lowercase(),
        dec(c.rate.dossiers_per_day, 1, lang),
        l.dossiers,
        dec(c.rate.pages_per_day, 1, lang),
        l.pages.to_lowercase(),
        l.per_day,
        l.rate_basis.replace("{n}", &c.rate.active_days.to_string())
    )
}

pub fn eta_line(c: &CollectionReport, lang: Lang) -> String {
    painted_eta_line(c, lang, Paint::PLAIN)
}

/// The ETA and deadline line, its status coloured: late red, at risk yellow, on track green.
fn painted_eta_line(c: &CollectionReport, lang: Lang, paint: Paint) -> String {
    let l = Labels::of(lang);
    let reached = c.target.is_some_and(|t| c.counts.digitised >= t);
    let mut s = match c.eta {
        _ if reached => l.reached.to_string(),
        Some(d) => format!("{}: {}", l.eta.to_lowercase(), date(d, lang)),
        None if c.target.is_none() => l.no_target.to_string(),
        None => format!("{}: {}", l.eta.to_lowercase(), l.no_eta),
    };
    if let (Some(deadline), Some(sched)) = (c.deadline, c.schedule) {
        let _ = write!(
            s,
            " · {} {}",
            l.deadline.to_lowercase(),
            date(deadline, lang)
        );
        if !reached {
            let status = l.status(sched.status);
            let status = match sched.status {
                ScheduleStatus::Late => paint.bad(status),
                ScheduleStatus::AtRisk => paint.warn(status),
                ScheduleStatus::OnTrack | ScheduleStatus::Reached => paint.good(status),
            };
            let _ = write!(s, ": {status}");
        }
        if let Some(needed) = sched.needed_per_day {
            let _ = write!(
                s,
                ", {} {} {}/{} ({} {})",
                l.needed,
                int(needed, lang),
                l.dossiers,
                l.day.to_lowercase(),
                int(sched.working_days_left, lang),
                l.days_left
            );
        }
    }
    s
}

/// A group's name as people read it: a day written as the language writes days.
pub fn group_key(g: &Group, by: GroupBy, lang: Lang) -> String {
    let Some(key) = &g.key else {
        return Labels::of(lang).unknown.to_string();
    };
    match by {
        GroupBy::Day => key.parse().map_or_else(|_| key.clone(), |d| date(d, lang)),
        _ => key.clone(),
    }
}

/// The header and cells of a group table, shared with HTML.
pub fn group_cells(g: &Group, by: GroupBy, lang: Lang) -> Vec<String> {
    let opt = |x: Option<u64>| x.map_or_else(String::new, |x| int(x, lang));
    let k = &g.counts;
    vec![
        group_key(g, by, lang),
        opt(g.target),
        int(k.digitised, lang),
        g.percent
            .map_or_else(String::new, |p| format!("{}%", dec(p, 2, lang))),
        int(k.needs_review, lang),
        int(k.failed, lang),
        int(k.in_progress, lang),
        int(k.pages, lang),
    ]
}

pub fn group_header(by: &str, lang: Lang) -> Vec<String> {
    let l = Labels::of(lang);
    [
        by,
        l.target,
        l.digitised,
        "%",
        l.needs_review,
        l.failed,
        l.in_progress,
        l.pages,
    ]
    .map(str::to_string)
    .to_vec()
}

fn table(out: &mut String, groups: &[Group], by: GroupBy, lang: Lang) {
    let mut rows = vec![group_header(Labels::of(lang).by(by), lang)];
    rows.extend(groups.iter().map(|g| group_cells(g, by, lang)));
    aligned(out, &rows);
}

/// Rows of cells as an aligned table, the first row its header.
pub fn aligned(out: &mut String, rows: &[Vec<String>]) {
    let width = |i: usize| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0);
    let Some(first) = rows.first() else {
        return;
    };
    let widths: Vec<usize> = (0..first.len()).map(width).collect();
    for row in rows {
        let mut line = String::from(" ");
        for (i, cell) in row.iter().enumerate() {
            let pad = widths[i] - cell.chars().count();
            // The first column is a name (left); the rest are figures (right).
            if i == 0 {
                let _ = write!(line, " {cell}{}", " ".repeat(pad));
            } else {
                let _ = write!(line, "  {}{cell}", " ".repeat(pad));
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
}
