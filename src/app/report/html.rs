//! The report as one self-contained HTML page: inline CSS and inline SVG only (no script,
//! no font or image fetched), so it can be mailed, opened offline and printed on A4. Per
//! collection: the headline, summary cards, a progress bar, a burn-up chart of digitised
//! dossiers per day against the target line and the deadline, and the per-centre and
//! per-operator tables, and the review work per reviewer and per day when there is any;
//! then the worklists: which files failed and which pages need review.

use std::fmt::Write;

use chrono::NaiveDate;
use sohoa::config::Lang;
use sohoa::report::schedule::ScheduleStatus;
use sohoa::report::worklist::Worklist;
use sohoa::report::{CollectionReport, Group, GroupBy, Report};

use super::labels::{date, time, Labels};
use super::review::{review_cells, review_header, review_line, ReviewTable};
use super::text::{eta_line, group_cells, group_header, headline, pages_line, rate_line};
use crate::app::render::{dec, int};

const STYLE: &str = "
@page { size: A4; margin: 14mm; }
body { font-family: 'Liberation Sans', Arial, sans-serif; color: #1a1a1a; margin: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 0 0 8px; }
.meta { color: #555; font-size: 13px; margin-bottom: 18px; }
section { border-top: 2px solid #1f5fa8; padding-top: 12px; margin-bottom: 26px;
  break-inside: avoid; page-break-inside: avoid; }
.badge { display: inline-block; font-size: 13px; font-weight: bold; padding: 2px 10px;
  border-radius: 10px; border: 1px solid; vertical-align: middle; margin-left: 6px; }
.reached, .on-track { color: #1b5e20; background: #e3f4e6; border-color: #7cc08a; }
.at-risk { color: #7a4b00; background: #fff1cc; border-color: #e0b04a; }
.late { color: #a01818; background: #fde2e2; border-color: #e08080; }
.cards { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0 12px; }
.card { border: 1px solid #c8d3e0; border-radius: 6px; padding: 6px 10px; min-width: 105px; }
.card b { display: block; font-size: 20px; } .card span { font-size: 12px; color: #444; }
.progress { display: flex; align-items: center; gap: 10px; }
.bar { flex: 1; background: #e6ebf1; height: 18px; border-radius: 9px; overflow: hidden; }
.bar div { background: #2e8b57; height: 100%; }
.bar div.some { min-width: 4px; }
.progress span { font-size: 13px; font-weight: bold; min-width: 60px; text-align: right; }
.lines { font-size: 13px; margin: 8px 0; } .lines p { margin: 2px 0; }
figure.chart { margin: 12px 0; } figure.chart svg { display: block; width: 100%; height: auto; }
figcaption { font-weight: bold; font-size: 14px; margin-bottom: 4px; }
.legend { font-size: 12px; color: #333; display: flex; gap: 18px; margin-top: 4px; }
.legend i { display: inline-block; width: 26px; margin-right: 6px; vertical-align: middle; }
table { border-collapse: collapse; font-size: 12px; margin: 8px 0 14px; }
th, td { border: 1px solid #c8d3e0; padding: 3px 8px; } td { text-align: right; }
td:first-child, th:first-child { text-align: left; } th { background: #eef2f7; }
table.list td { text-align: left; }
caption { text-align: left; font-weight: bold; font-size: 13px; padding-bottom: 3px; }
svg text { font-size: 12px; font-family: 'Liberation Sans', Arial, sans-serif;
  paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
@media print { body { margin: 0; } .card { border-color: #999; } }
";

/// The page, with the worklists as sections after the collections (at most `rows` lines
/// each).
pub fn render(
    report: &Report,
    worklists: &[Worklist],
    rows: usize,
    lang: Lang,
    generated: &str,
) -> String {
    let l = Labels::of(lang);
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n\
         <div class=\"meta\">{} {} · {} {}</div>\n",
        if lang == Lang::Vi { "vi" } else { "en" },
        l.title,
        l.title,
        l.as_of,
        date(report.today, lang),
        l.generated,
        esc(&time(generated, lang))
    );
    for c in &report.collections {
        collection(&mut out, c, report.today, lang);
    }
    for list in worklists {
        super::worklist::html_section(&mut out, list, lang, rows);
    }
    out.push_str("</body>\n</html>\n");
    out
}

fn collection(out: &mut String, c: &CollectionReport, today: NaiveDate, lang: Lang) {
    let l = Labels::of(lang);
    let _ = write!(out, "<section>\n<h2>{}", esc(&headline(c, lang)));
    if let Some(status) = status(c) {
        let _ = write!(
            out,
            "<span class=\"badge {}\">{}</span>",
            status_class(status),
            esc(l.status(status))
        );
    }
    out.push_str("</h2>\n");
    cards(out, c, lang);
    progress_bar(out, c, lang);
    let _ = writeln!(out, "<div class=\"lines\">");
    for line in [pages_line(c, lang), rate_line(c, lang), eta_line(c, lang)] {
        let _ = writeln!(out, "<p>{}</p>", esc(&line));
    }
    out.push_str("</div>\n");
    super::chart::burn_up(out, c, today, lang);
    table(out, &c.centres, (l.by_centre, GroupBy::Centre), lang);
    table(out, &c.operators, (l.by_operator, GroupBy::Operator), lang);
    if c.review.counts.any() {
        let _ = writeln!(
            out,
            "<p class=\"lines\">{}</p>",
            esc(&review_line(&c.review.counts, lang))
        );
        for t in [ReviewTable::Reviewers, ReviewTable::Days] {
            review_table(out, c, t, lang);
        }
    }
    out.push_str("</section>\n");
}

/// The badge's status: reached once the target is, else the deadline's verdict.
fn status(c: &CollectionReport) -> Option<ScheduleStatus> {
    if c.target.is_some_and(|t| c.counts.digitised >= t) {
        return Some(ScheduleStatus::Reached);
    }
    c.schedule.map(|s| s.status)
}

fn status_class(status: ScheduleStatus) -> &'static str {
    match status {
        ScheduleStatus::Reached => "reached",
        ScheduleStatus::OnTrack => "on-track",
        ScheduleStatus::AtRisk => "at-risk",
        ScheduleStatus::Late => "late",
    }
}

/// The share of the target as a bar with its figure beside it; any progress at all is a
/// visible sliver, however small its share.
fn progress_bar(out: &mut String, c: &CollectionReport, lang: Lang) {
    let Some(percent) = c.percent else {
        return;
    };
    let width = percent.clamp(0.0, 100.0);
    let some = if c.counts.digitised > 0 {
        " class=\"some\""
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "<div class=\"progress\"><div class=\"bar\"><div{some} style=\"width:{width:.2}%\">\
         </div></div><span>{}%</span></div>",
        dec(percent, 2, lang)
    );
}

fn cards(out: &mut String, c: &CollectionReport, lang: Lang) {
    let l = Labels::of(lang);
    let k = &c.counts;
    let mut cards = vec![
        (
            l.target,
            c.target.map_or_else(|| "—".into(), |t| int(t, lang)),
        ),
        (l.digitised, int(k.digitised, lang)),
        (l.needs_review, int(k.needs_review, lang)),
        (l.failed, int(k.failed, lang)),
        (l.in_progress, int(k.in_progress, lang)),
    ];
    if let Some(n) = c.not_yet_seen {
        cards.push((l.not_yet_seen, int(n, lang)));
    }
    cards.push((l.pages, int(k.pages, lang)));
    cards.push((l.duplicates, int(k.duplicates, lang)));
    out.push_str("<div class=\"cards\">");
    for (label, value) in cards {
        let _ = write!(
            out,
            "<div class=\"card\"><b>{value}</b><span>{label}</span></div>"
        );
    }
    out.push_str("</div>\n");
}

fn table(out: &mut String, groups: &[Group], names: (&str, GroupBy), lang: Lang) {
    let (caption, by) = names;
    let _ = write!(out, "<table>\n<caption>{}</caption>\n<tr>", esc(caption));
    for h in group_header(Labels::of(lang).by(by), lang) {
        let _ = write!(out, "<th>{}</th>", esc(&h));
    }
    out.push_str("</tr>\n");
    for g in groups {
        out.push_str("<tr>");
        for cell in group_cells(g, by, lang) {
            let _ = write!(out, "<td>{}</td>", esc(&cell));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
}

fn review_table(out: &mut String, c: &CollectionReport, t: ReviewTable, lang: Lang) {
    let _ = write!(
        out,
        "<table>\n<caption>{}</caption>\n<tr>",
        esc(t.caption(lang))
    );
    for h in review_header(t, lang) {
        let _ = write!(out, "<th>{}</th>", esc(&h));
    }
    out.push_str("</tr>\n");
    for g in t.groups(&c.review) {
        out.push_str("<tr>");
        for cell in review_cells(g, t, lang) {
            let _ = write!(out, "<td>{}</td>", esc(&cell));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
}

/// Text as HTML: names come from configs and operators, so they are escaped.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
