//! The burn-up chart as inline SVG, as wide as the page: cumulative digitised dossiers per
//! day with activity (blue), the projection at the current rate from today to the target
//! (blue, dashed), the target as a horizontal line (red, dashed), today and the deadline as
//! vertical lines labelled in two rows above the plot, so no label sits on another or on
//! the axis numbers whatever the dates. Drawn from numbers only: no script.

use std::fmt::Write;

use chrono::NaiveDate;
use sohoa::config::Lang;
use sohoa::report::CollectionReport;

use super::chart_scale::{projected, Scale, BOTTOM, H, LEFT, RIGHT, TOP, W};
use super::html::esc;
use super::labels::{date, Labels};
use crate::app::render::int;

const BLUE: &str = "#1f5fa8";
const RED: &str = "#c0392b";
const GREY: &str = "#666";
/// Points are marked one by one only while they stay apart.
const MAX_MARKED_DAYS: usize = 60;

pub fn burn_up(out: &mut String, c: &CollectionReport, today: NaiveDate, lang: Lang) {
    let l = Labels::of(lang);
    let s = Scale::of(c, today);
    let _ = writeln!(
        out,
        "<figure class=\"chart\"><figcaption>{}</figcaption>\n<svg xmlns=\"http://www.w3.org/2000/svg\" \
         viewBox=\"0 0 {W} {H}\" width=\"100%\" fill=\"#333\" role=\"img\" aria-label=\"{}\">",
        esc(l.chart),
        esc(l.chart)
    );
    value_axis(out, &s, lang);
    time_axis(out, &s, lang);
    if let Some(t) = c.target {
        target_line(out, &s, t, lang);
    }
    vertical(out, &s, today, (l.today, 14.0), GREY, lang);
    if let Some(deadline) = c.deadline {
        vertical(out, &s, deadline, (l.deadline, 32.0), RED, lang);
    }
    projection(out, &s, c, today);
    series(out, &s, c, today);
    out.push_str("</svg>\n");
    legend(out, c, lang);
    out.push_str("</figure>\n");
}

/// The value axis with round ticks and faint grid lines.
fn value_axis(out: &mut String, s: &Scale, lang: Lang) {
    let (x0, x1) = (LEFT, W - RIGHT);
    let _ = writeln!(
        out,
        "<line x1=\"{x0}\" y1=\"{TOP}\" x2=\"{x0}\" y2=\"{}\" stroke=\"#333\"/>",
        H - BOTTOM
    );
    for v in s.value_ticks() {
        let y = s.y(v as f64);
        let _ = writeln!(
            out,
            "<line x1=\"{x0}\" y1=\"{y:.1}\" x2=\"{x1}\" y2=\"{y:.1}\" stroke=\"#e3e8ee\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            x0 - 6.0,
            y + 4.0,
            int(v, lang)
        );
    }
}

/// The time axis with evenly spread dates; the first and last anchored inside the drawing.
fn time_axis(out: &mut String, s: &Scale, lang: Lang) {
    let y0 = H - BOTTOM;
    let _ = writeln!(
        out,
        "<line x1=\"{LEFT}\" y1=\"{y0}\" x2=\"{}\" y2=\"{y0}\" stroke=\"#333\"/>",
        W - RIGHT
    );
    let ticks = s.date_ticks();
    for (i, d) in ticks.iter().enumerate() {
        let anchor = match i {
            0 => "start",
            _ if i + 1 == ticks.len() => "end",
            _ => "middle",
        };
        let x = s.x(*d);
        let _ = writeln!(
            out,
            "<line x1=\"{x:.1}\" y1=\"{y0}\" x2=\"{x:.1}\" y2=\"{}\" stroke=\"#333\"/>\
             <text x=\"{x:.1}\" y=\"{}\" text-anchor=\"{anchor}\">{}</text>",
            y0 + 4.0,
            H - 10.0,
            date(*d, lang)
        );
    }
}

fn target_line(out: &mut String, s: &Scale, target: u64, lang: Lang) {
    let (x0, x1) = (LEFT, W - RIGHT);
    let y = s.y(target as f64);
    let _ = writeln!(
        out,
        "<line x1=\"{x0}\" y1=\"{y:.1}\" x2=\"{x1}\" y2=\"{y:.1}\" stroke=\"{RED}\" \
         stroke-dasharray=\"6 4\"/><text x=\"{:.1}\" y=\"{:.1}\" fill=\"{RED}\">{} {}</text>",
        x0 + 6.0,
        y - 5.0,
        Labels::of(lang).target_line,
        int(target, lang)
    );
}

/// A day's vertical line, labelled with its name and date in its own row above the plot,
/// on the side of the line where there is room.
fn vertical(
    out: &mut String,
    s: &Scale,
    day: NaiveDate,
    label: (&str, f64),
    colour: &str,
    lang: Lang,
) {
    let (name, label_y) = label;
    let x = s.x(day);
    let (anchor, label_x) = if x < W / 2.0 {
        ("start", x + 4.0)
    } else {
        ("end", x - 4.0)
    };
    let _ = writeln!(
        out,
        "<line x1=\"{x:.1}\" y1=\"{}\" x2=\"{x:.1}\" y2=\"{}\" stroke=\"{colour}\" \
         stroke-dasharray=\"3 3\"/><text x=\"{label_x:.1}\" y=\"{label_y}\" fill=\"{colour}\" \
         text-anchor=\"{anchor}\">{} {}</text>",
        label_y - 10.0,
        H - BOTTOM,
        esc(name),
        date(day, lang)
    );
}

/// From today's total to the target at the current rate, clipped at the axis's end.
fn projection(out: &mut String, s: &Scale, c: &CollectionReport, today: NaiveDate) {
    let (Some(target), Some(eta)) = (c.target, c.eta) else {
        return;
    };
    let top = c.daily.last().map_or(0, |d| d.cumulative);
    let end = eta.min(s.end);
    let value = projected(top, target, today, eta, end);
    let _ = writeln!(
        out,
        "<line class=\"projection\" x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" \
         stroke=\"{BLUE}\" stroke-width=\"2\" stroke-dasharray=\"7 5\" stroke-opacity=\"0.7\"/>",
        s.x(today),
        s.y(top as f64),
        s.x(end),
        s.y(value)
    );
}

fn series(out: &mut String, s: &Scale, c: &CollectionReport, today: NaiveDate) {
    if c.daily.is_empty() {
        return;
    }
    let mut points = format!("{:.1},{:.1}", s.x(s.start), s.y(0.0));
    for d in &c.daily {
        let _ = write!(points, " {:.1},{:.1}", s.x(d.day), s.y(d.cumulative as f64));
    }
    // The total stands still from the last day with activity to today.
    if let Some(last) = c.daily.last().filter(|d| d.day < today) {
        let _ = write!(
            points,
            " {:.1},{:.1}",
            s.x(today),
            s.y(last.cumulative as f64)
        );
    }
    let _ = writeln!(
        out,
        "<polyline points=\"{points}\" fill=\"none\" stroke=\"{BLUE}\" stroke-width=\"2.5\"/>"
    );
    if c.daily.len() > MAX_MARKED_DAYS {
        return;
    }
    for d in &c.daily {
        let _ = writeln!(
            out,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"{BLUE}\"/>",
            s.x(d.day),
            s.y(d.cumulative as f64)
        );
    }
}

/// What the lines are, under the chart, in the page's text (not the drawing's).
fn legend(out: &mut String, c: &CollectionReport, lang: Lang) {
    let l = Labels::of(lang);
    let mut keys = vec![("solid", BLUE, l.digitised)];
    if c.target.is_some() && c.eta.is_some() {
        keys.push(("dashed", BLUE, l.projection));
    }
    if c.target.is_some() {
        keys.push(("dashed", RED, l.target));
    }
    out.push_str("<div class=\"legend\">");
    for (style, colour, label) in keys {
        let _ = write!(
            out,
            "<span><i style=\"border-top:3px {style} {colour}\"></i>{}</span>",
            esc(label)
        );
    }
    out.push_str("</div>\n");
}
