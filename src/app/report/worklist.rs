//! The worklists (`sohoa report --list failed|review`) in every report format: an aligned
//! table, CSV rows for a spreadsheet, JSON for scripts, and an HTML table that is also a
//! section of the HTML report. The reason stays the stable code (`truncated`,
//! `low-confidence`); the message of a failed file is in the report's language.

use std::fmt::Write;

use sohoa::catalog::{WorkItem, WorkKind};
use sohoa::config::Lang;
use sohoa::report::worklist::Worklist;

use super::html::esc;
use super::labels::date;
use crate::app::i18n::translate;

/// Rows the HTML report shows of each list; the rest are counted, `--list` gives them all.
pub const HTML_ROWS: usize = 200;

struct Words {
    failed: &'static str,
    review: &'static str,
    none_failed: &'static str,
    none_review: &'static str,
    more: &'static str,
    header: [&'static str; 9],
}

const VI: Words = Words {
    failed: "Tệp lỗi",
    review: "Trang cần rà soát",
    none_failed: "Không có tệp lỗi.",
    none_review: "Không có trang cần rà soát.",
    more: "mục nữa: xem tất cả bằng",
    header: [
        "Bộ hồ sơ",
        "Hồ sơ",
        "Tệp",
        "Trang",
        "Lý do",
        "Chi tiết",
        "Người thực hiện",
        "Điểm số hóa",
        "Ngày",
    ],
};

const EN: Words = Words {
    failed: "Failed files",
    review: "Pages to review",
    none_failed: "No failed files.",
    none_review: "No pages to review.",
    more: "more: see them all with",
    header: [
        "Collection",
        "Dossier",
        "File",
        "Page",
        "Reason",
        "Detail",
        "Operator",
        "Centre",
        "Day",
    ],
};

fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::Vi => &VI,
        Lang::En => &EN,
    }
}

fn title(kind: WorkKind, lang: Lang) -> &'static str {
    match kind {
        WorkKind::Failed => words(lang).failed,
        WorkKind::Review => words(lang).review,
    }
}

fn none(kind: WorkKind, lang: Lang) -> &'static str {
    match kind {
        WorkKind::Failed => words(lang).none_failed,
        WorkKind::Review => words(lang).none_review,
    }
}

/// The cells of one item, in the order of the header.
fn cells(collection: &str, item: &WorkItem, lang: Lang) -> [String; 9] {
    [
        collection.to_string(),
        item.dossier.clone(),
        item.file.clone(),
        item.page.map_or_else(String::new, |p| p.to_string()),
        item.reason.clone(),
        item.message
            .as_deref()
            .map_or_else(String::new, |m| translate(m, lang)),
        item.operator.clone().unwrap_or_default(),
        item.centre.clone().unwrap_or_default(),
        item.day.map_or_else(String::new, |d| date(d, lang)),
    ]
}

pub fn text(list: &Worklist, lang: Lang) -> String {
    let count = list.items().count();
    let mut out = format!("{} ({count})\n", title(list.list, lang));
    if count == 0 {
        let _ = writeln!(out, "  {}", none(list.list, lang));
        return out;
    }
    let mut rows = vec![words(lang).header.map(str::to_string)];
    rows.extend(list.items().map(|(c, item)| cells(c, item, lang)));
    let widths: Vec<usize> = (0..9)
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    for row in &rows {
        let mut line = String::from(" ");
        for (cell, width) in row.iter().zip(&widths) {
            let _ = write!(line, " {cell}{}", " ".repeat(width - cell.chars().count()));
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out
}

pub fn csv(list: &Worklist, lang: Lang) -> String {
    let mut out = String::from(super::csv::BOM);
    super::csv::line(&mut out, words(lang).header.iter().map(|h| h.to_string()));
    for (c, item) in list.items() {
        super::csv::line(&mut out, cells(c, item, lang).into_iter());
    }
    out
}

/// The list as an HTML section, at most `limit` rows.
pub fn html_section(out: &mut String, list: &Worklist, lang: Lang, limit: usize) {
    let count = list.items().count();
    let heading = title(list.list, lang);
    let _ = writeln!(out, "<section>\n<h2>{heading} ({count})</h2>");
    if count == 0 {
        let _ = writeln!(out, "<p>{}</p>\n</section>", none(list.list, lang));
        return;
    }
    let _ = write!(
        out,
        "<table class=\"list\">\n<caption>{heading}</caption>\n<tr>"
    );
    for h in words(lang).header {
        let _ = write!(out, "<th>{}</th>", esc(h));
    }
    out.push_str("</tr>\n");
    for (c, item) in list.items().take(limit) {
        out.push_str("<tr>");
        for cell in cells(c, item, lang) {
            let _ = write!(out, "<td>{}</td>", esc(&cell));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
    if count > limit {
        let flag = match list.list {
            WorkKind::Failed => "failed",
            WorkKind::Review => "review",
        };
        let _ = writeln!(
            out,
            "<p>… {} {} <code>sohoa report --list {flag}</code></p>",
            count - limit,
            words(lang).more
        );
    }
    out.push_str("</section>\n");
}
