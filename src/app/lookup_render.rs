//! Text and JSON for `sohoa search` and `sohoa show`, labels in Vietnamese and English.
//! Matches in snippets are bold when stdout is coloured and between « » otherwise (and in JSON), so
//! that piped output and scripts still see them.

use std::fmt::Write;

use serde_json::{json, Value};
use sohoa::catalog::{DossierView, DuplicateRow, FilePlace, Hit, PageView, Suggestions};
use sohoa::config::Lang;

use super::color::Paint;
use super::form_render::{form_json, form_lines};
use super::render::{dec, int};

const MARKS: (&str, &str) = ("«", "»");

fn label(lang: Lang, vi: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Vi => vi,
        Lang::En => en,
    }
}

pub fn no_results(lang: Lang) -> &'static str {
    label(lang, "không tìm thấy kết quả nào", "no results")
}

pub fn hits(hits: &[Hit], lang: Lang, paint: Paint) -> String {
    let (open, close) = paint
        .bold_marks()
        .unwrap_or((MARKS.0.to_string(), MARKS.1.to_string()));
    let page = label(lang, "trang", "page");
    let mut out = String::new();
    for h in hits {
        let _ = writeln!(
            out,
            "{}  {}  {page} {}  ({})",
            h.collection, h.dossier, h.page_number, h.rel_path
        );
        let _ = writeln!(out, "    {}", h.snippet.marked(&open, &close));
    }
    out
}

/// The line after a page of hits when more follow: which ones were shown, of how many,
/// and the `--offset` that shows the next ones.
pub fn more(offset: usize, shown: usize, total: Total, lang: Lang) -> Option<String> {
    let next = offset + shown;
    if shown == 0 || next as u64 >= total.count {
        return None;
    }
    let (first, last, all) = (
        int(offset as u64 + 1, lang),
        int(next as u64, lang),
        int(total.count, lang),
    );
    let all = match (total.exact, lang) {
        (true, _) => all,
        (false, Lang::Vi) => format!("ít nhất {all}"),
        (false, Lang::En) => format!("at least {all}"),
    };
    Some(match lang {
        Lang::Vi => format!("kết quả {first}–{last} trong {all}; xem tiếp: --offset {next}"),
        Lang::En => format!("results {first}–{last} of {all}; more with --offset {next}"),
    })
}

/// How many pages match: all of them, or at least `count` when counting stopped there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Total {
    pub count: u64,
    pub exact: bool,
}

impl Total {
    /// A total that counted every match.
    pub fn all(count: u64) -> Total {
        Total { count, exact: true }
    }
}

/// Near words and codes after "no results", or `None` when there are none to offer.
pub fn suggestions(s: &Suggestions, lang: Lang) -> Option<String> {
    if s.is_empty() {
        return None;
    }
    let mut parts: Vec<String> = s
        .words
        .iter()
        .filter(|(_, near)| !near.is_empty())
        .map(|(word, near)| format!("{word} → {}", near.join(", ")))
        .collect();
    if !s.codes.is_empty() {
        let codes = label(lang, "mã hồ sơ gần giống", "near dossier codes");
        parts.push(format!("{codes}: {}", s.codes.join(", ")));
    }
    let lead = label(lang, "có phải là", "did you mean");
    Some(format!("{lead}: {}", parts.join("; ")))
}

fn suggestions_json(s: &Suggestions) -> Value {
    let words: Vec<Value> = s
        .words
        .iter()
        .map(|(word, near)| json!({"word": word, "near": near}))
        .collect();
    json!({"words": words, "codes": s.codes})
}

/// `--json`: the hits of this page, the total over all pages, and near words and codes
/// when nothing matched.
pub fn hits_json(hits: &[Hit], total: Total, suggestions: &Suggestions) -> String {
    let rows: Vec<Value> = hits
        .iter()
        .map(|h| {
            json!({
                "collection": h.collection,
                "dossier": h.dossier,
                "page": h.page_number,
                "file": h.rel_path,
                "page_in_file": h.page_index + 1,
                "rank": h.rank,
                "snippet": h.snippet.marked(MARKS.0, MARKS.1),
            })
        })
        .collect();
    let out = json!({
        "total": total.count,
        "total_exact": total.exact,
        "hits": rows,
        "suggestions": suggestions_json(suggestions),
    });
    serde_json::to_string_pretty(&out).unwrap_or_default()
}

fn page_value(p: &PageView) -> Value {
    let (form, fields, members) = form_json(p.form.as_ref());
    json!({
        "page": p.number,
        "file": p.rel_path,
        "page_in_file": p.page_index + 1,
        "sha256": p.sha256,
        "dpi": p.dpi.map(|(x, y)| json!([x, y])),
        "confidence": p.confidence,
        "flags": p.flags,
        "text_corrected": p.text_corrected,
        "rotation": p.rotation,
        "skew": p.skew,
        "duplicate_of": p.duplicate_of.as_ref().map(place_json),
        "form": form,
        "fields": fields,
        "members": members,
    })
}

fn place_json(p: &FilePlace) -> Value {
    json!({
        "collection": p.collection,
        "dossier": p.dossier,
        "file": p.rel_path,
        "version": p.version,
        "current": p.current,
    })
}

/// "cu-tru HS-01 (HS-01/trang-1.png)", with the version when it is no longer current.
fn place(p: &FilePlace, l: Lang) -> String {
    let mut out = format!("{} {} ({})", p.collection, p.dossier, p.rel_path);
    if !p.current {
        let old = label(l, "phiên bản cũ", "old version");
        let _ = write!(out, " [{old} {}]", p.version);
    }
    out
}

/// `sohoa search --duplicates`: one line per duplicate file, naming both places.
pub fn duplicates(rows: &[DuplicateRow], l: Lang) -> String {
    let same = label(l, "trùng với", "same as");
    let mut out = String::new();
    for d in rows {
        let _ = writeln!(
            out,
            "{} {} ({})  {same}  {}  sha256 {}",
            d.collection,
            d.dossier,
            d.rel_path,
            place(&d.of, l),
            d.sha256
        );
    }
    out
}

pub fn duplicates_json(rows: &[DuplicateRow]) -> String {
    let rows: Vec<Value> = rows
        .iter()
        .map(|d| {
            json!({
                "collection": d.collection,
                "dossier": d.dossier,
                "file": d.rel_path,
                "sha256": d.sha256,
                "duplicate_of": place_json(&d.of),
            })
        })
        .collect();
    serde_json::to_string_pretty(&rows).unwrap_or_default()
}

pub fn no_duplicates(lang: Lang) -> &'static str {
    label(lang, "không có tệp trùng lặp", "no duplicate files")
}

pub fn dossier_json(v: &DossierView) -> String {
    let doc = json!({
        "collection": v.collection,
        "dossier": v.code,
        "expected_files": v.expected_files,
        "first_seen": v.first_seen,
        "last_seen": v.last_seen,
        "pages": v.pages.iter().map(page_value).collect::<Vec<_>>(),
        "failed": v.failed.iter().map(|(path, kind, message)| {
            json!({"file": path, "kind": kind, "message": message})
        }).collect::<Vec<_>>(),
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

pub fn page_json(v: &DossierView, p: &PageView) -> String {
    let mut doc = page_value(p);
    doc["collection"] = json!(v.collection);
    doc["dossier"] = json!(v.code);
    doc["text"] = json!(p.text);
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

pub fn dossier(v: &DossierView, l: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} ({})",
        label(l, "Hồ sơ", "Dossier"),
        v.code,
        v.collection
    );
    let _ = writeln!(
        out,
        "{}: {}",
        label(l, "Số tệp dự kiến", "Expected files"),
        int(u64::from(v.expected_files), l)
    );
    let _ = writeln!(
        out,
        "{}: {}",
        label(l, "Lần đầu lưu", "First seen"),
        v.first_seen
    );
    let _ = writeln!(
        out,
        "{}: {}",
        label(l, "Lần cuối thấy", "Last seen"),
        v.last_seen
    );
    let _ = writeln!(
        out,
        "{}: {}",
        label(l, "Số trang", "Pages"),
        int(v.pages.len() as u64, l)
    );
    for p in &v.pages {
        let dpi = p.dpi.map_or("-".to_string(), |(x, y)| {
            if (x - y).abs() < 0.5 {
                dec(x, 0, l)
            } else {
                format!("{}×{}", dec(x, 0, l), dec(y, 0, l))
            }
        });
        let conf = p.confidence.map_or("-".to_string(), |c| dec(c, 1, l));
        let flags = if p.flags.is_empty() {
            "-".to_string()
        } else {
            p.flags.join(",")
        };
        let _ = writeln!(
            out,
            "  {} {:>3}  {}#{}  sha256 {}  dpi {dpi}  {} {conf}  {} {flags}{}",
            label(l, "trang", "page"),
            p.number,
            p.rel_path,
            p.page_index + 1,
            p.sha256,
            label(l, "độ tin cậy", "confidence"),
            label(l, "cờ", "flags"),
            geometry(p, l),
        );
        if let Some(of) = &p.duplicate_of {
            let same = label(l, "trùng với", "same as");
            let _ = writeln!(out, "        {same} {}", place(of, l));
        }
        out.push_str(&form_lines(p.form.as_ref(), l));
    }
    for (path, kind, message) in &v.failed {
        let _ = writeln!(
            out,
            "  {} {path}: {kind}: {message}",
            label(l, "lỗi", "failed")
        );
    }
    out
}

/// How the page was turned and straightened before reading; empty for a page read as scanned.
fn geometry(p: &PageView, l: Lang) -> String {
    let mut out = String::new();
    if p.rotation != 0 {
        let _ = write!(out, "  {} {}°", label(l, "xoay", "turned"), p.rotation);
    }
    if p.skew != 0.0 {
        let sign = if p.skew < 0.0 { "-" } else { "" };
        let angle = dec(p.skew.abs(), 1, l);
        let what = label(l, "chỉnh nghiêng", "deskewed");
        let _ = write!(out, "  {what} {sign}{angle}°");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_more_line_says_at_least_when_counting_stopped() {
        let exact = Total::all(134);
        assert_eq!(
            more(0, 20, exact, Lang::Vi).as_deref(),
            Some("kết quả 1–20 trong 134; xem tiếp: --offset 20")
        );
        assert_eq!(more(120, 14, exact, Lang::Vi), None, "the last page");
        let bounded = Total {
            count: 1001,
            exact: false,
        };
        assert_eq!(
            more(0, 20, bounded, Lang::En).as_deref(),
            Some("results 1–20 of at least 1,001; more with --offset 20")
        );
    }
}
