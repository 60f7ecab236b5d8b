//! The burn-up chart as inline SVG: cumulative digitised dossiers per day with activity
//! (blue), the target as a horizontal line (red, dashed), the deadline and today as vertical
//! lines. The time axis runs from the first day with activity to the latest of today and the
//! deadline, so the distance still to go is visible. Drawn from numbers only: no script.

use std::fmt::Write;

use chrono::NaiveDate;
use sohoa::config::Lang;
use sohoa::report::CollectionReport;

use super::html::esc;
use super::labels::{date, Labels};
use crate::app::render::int;

const W: f64 = 700.0;
const H: f64 = 260.0;
const LEFT: f64 = 60.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 30.0;

struct Scale {
    start: NaiveDate,
    days: f64,
    max: f64,
}

impl Scale {
    fn x(&self, d: NaiveDate) -> f64 {
        let offset = (d - self.start).num_days() as f64;
        LEFT + offset / self.days * (W - LEFT - RIGHT)
    }

    fn y(&self, v: f64) -> f64 {
        H - BOTTOM - v / self.max * (H - TOP - BOTTOM)
    }
}

pub fn burn_up(out: &mut String, c: &CollectionReport, today: NaiveDate, lang: Lang) {
    let l = Labels::of(lang);
    let start = c.daily.first().map_or(today, |d| d.day).min(today);
    let mut end = today.max(c.daily.last().map_or(today, |d| d.day));
    if let Some(deadline) = c.deadline {
        end = end.max(deadline);
    }
    let top = c.daily.last().map_or(0, |d| d.cumulative);
    let s = Scale {
        start,
        days: ((end - start).num_days() as f64).max(1.0),
        max: (c.target.unwrap_or(0).max(top) as f64 * 1.08).max(1.0),
    };
    let _ = writeln!(
        out,
        "<figure><figcaption>{}</figcaption>\n<svg xmlns=\"http://www.w3.org/2000/svg\" \
         width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" \
         style=\"max-width:100%;height:auto\" role=\"img\">",
        esc(l.chart)
    );
    axes(out, &s, end, lang);
    axis_labels(out, &s, top, c.target, lang);
    if let Some(t) = c.target {
        target_line(out, &s, t, lang);
    }
    // Today labelled at the foot, the deadline at the head: they never overlap.
    vertical(out, &s, today, (l.today, H - BOTTOM - 4.0), "#777");
    if let Some(deadline) = c.deadline {
        vertical(out, &s, deadline, (l.deadline, TOP + 10.0), "#c0392b");
    }
    series(out, &s, c);
    out.push_str("</svg></figure>\n");
}

/// The two axes and the first and last day under the time axis.
fn axes(out: &mut String, s: &Scale, end: NaiveDate, lang: Lang) {
    let (x0, x1, y0) = (LEFT, W - RIGHT, H - BOTTOM);
    let _ = writeln!(
        out,
        "<line x1=\"{x0}\" y1=\"{y0}\" x2=\"{x1}\" y2=\"{y0}\" stroke=\"#333\"/>\
         <line x1=\"{x0}\" y1=\"{TOP}\" x2=\"{x0}\" y2=\"{y0}\" stroke=\"#333\"/>"
    );
    let _ = writeln!(
        out,
        "<text x=\"{x0}\" y=\"{}\">{}</text><text x=\"{x1}\" y=\"{}\" text-anchor=\"end\">{}</text>",
        H - 10.0,
        date(s.start, lang),
        H - 10.0,
        date(end, lang)
    );
}

fn target_line(out: &mut String, s: &Scale, target: u64, lang: Lang) {
    let (x0, x1) = (LEFT, W - RIGHT);
    let y = s.y(target as f64);
    let _ = writeln!(
        out,
        "<line x1=\"{x0}\" y1=\"{y:.1}\" x2=\"{x1}\" y2=\"{y:.1}\" stroke=\"#c0392b\" \
         stroke-dasharray=\"6 4\"/><text x=\"{:.1}\" y=\"{:.1}\" fill=\"#c0392b\">{} {}</text>",
        x0 + 4.0,
        y - 4.0,
        Labels::of(lang).target_line,
        int(target, lang)
    );
}

fn axis_labels(out: &mut String, s: &Scale, top: u64, target: Option<u64>, lang: Lang) {
    let mut ticks = vec![0, top];
    ticks.extend(target);
    ticks.dedup();
    for v in ticks {
        let _ = writeln!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            LEFT - 6.0,
            s.y(v as f64) + 4.0,
            int(v, lang)
        );
    }
}

fn vertical(out: &mut String, s: &Scale, day: NaiveDate, label: (&str, f64), colour: &str) {
    let (label, label_y) = label;
    let x = s.x(day);
    let _ = writeln!(
        out,
        "<line x1=\"{x:.1}\" y1=\"{TOP}\" x2=\"{x:.1}\" y2=\"{}\" stroke=\"{colour}\" \
         stroke-dasharray=\"3 3\"/><text x=\"{:.1}\" y=\"{label_y}\" fill=\"{colour}\" \
         text-anchor=\"end\">{}</text>",
        H - BOTTOM,
        x - 3.0,
        esc(label)
    );
}

fn series(out: &mut String, s: &Scale, c: &CollectionReport) {
    if c.daily.is_empty() {
        return;
    }
    let mut points = format!("{:.1},{:.1}", s.x(s.start), s.y(0.0));
    for d in &c.daily {
        let _ = write!(points, " {:.1},{:.1}", s.x(d.day), s.y(d.cumulative as f64));
    }
    let _ = writeln!(
        out,
        "<polyline points=\"{points}\" fill=\"none\" stroke=\"#1f5fa8\" stroke-width=\"2.5\"/>"
    );
    for d in &c.daily {
        let _ = writeln!(
            out,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"#1f5fa8\"/>",
            s.x(d.day),
            s.y(d.cumulative as f64)
        );
    }
}
