//! A dossier's review history as `sohoa show` prints it after its pages: one line per
//! decision, oldest first, with who and when (UTC), for a correction what the value read
//! before, and for a correction of the page's text the words it changed.

use std::fmt::Write;

use sohoa::catalog::ReviewEvent;
use sohoa::config::Lang;

/// The history's lines; nothing when no one has reviewed the dossier.
pub fn history(events: &[ReviewEvent], lang: Lang) -> String {
    let mut out = String::new();
    if events.is_empty() {
        return out;
    }
    out.push_str(match lang {
        Lang::Vi => "\nLịch sử duyệt:\n",
        Lang::En => "\nReview history:\n",
    });
    for e in events {
        let page = e.page_index + 1;
        let what = match (e.action.as_str(), lang) {
            ("correct", Lang::Vi) => "sửa",
            ("correct", Lang::En) => "corrected",
            ("accept", Lang::Vi) => "nhận",
            ("accept", Lang::En) => "accepted",
            ("text", Lang::Vi) => "sửa văn bản",
            ("text", Lang::En) => "corrected the text",
            (_, Lang::Vi) => "xong trang",
            (_, Lang::En) => "page done",
        };
        let _ = write!(out, "  {} {} p{page} · {what}", e.at, e.rel_path);
        if let Some(field) = &e.field {
            let _ = write!(out, " {field}");
        }
        if let (Some(before), Some(value)) = (&e.before, &e.value) {
            let _ = write!(out, ": {before} → {value}");
        }
        let _ = writeln!(out, " · {}", e.reviewer);
    }
    out
}
