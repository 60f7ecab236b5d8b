//! Text for people: the end-of-run summary and the dry-run plan, in Vietnamese (46.949;
//! 84,57%) or English (46,949; 84.57%). Every label exists in both languages.

use std::fmt::Write;

use sohoa::config::Lang;
use sohoa::model::SkipCount;
use sohoa::pipeline::summary::CollectionSummary;
use sohoa::pipeline::{Action, RunPlan, RunSummary};

use super::color::Paint;
use super::i18n::translate;

/// Integer with thousands separators: `.` in Vietnamese, `,` in English.
pub fn int(n: u64, lang: Lang) -> String {
    let sep = match lang {
        Lang::Vi => '.',
        Lang::En => ',',
    };
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(ch);
    }
    out
}

/// Decimal with `places` digits: decimal comma in Vietnamese, point in English.
pub fn dec(x: f64, places: usize, lang: Lang) -> String {
    let s = format!("{x:.places$}");
    let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
    let whole = int(whole.parse().unwrap_or(0), lang);
    match (frac.is_empty(), lang) {
        (true, _) => whole,
        (false, Lang::Vi) => format!("{whole},{frac}"),
        (false, Lang::En) => format!("{whole}.{frac}"),
    }
}

fn duration(secs: f64, lang: Lang) -> String {
    let total = secs.round() as u64;
    let (m, s) = (total / 60, total % 60);
    match lang {
        Lang::Vi if m > 0 => format!("{m} phút {s} giây"),
        Lang::Vi => format!("{s} giây"),
        Lang::En if m > 0 => format!("{m} min {s} s"),
        Lang::En => format!("{s} s"),
    }
}

/// "skipped by [walk] ignore: 3 (Thumbs.db 2, .* 1)": entries no dossier holds, and the
/// patterns that left them out.
/// The line saying how many exported names were cut to the file system's 255 bytes, if any.
pub fn shortened_line(n: u64, lang: Lang) -> Option<String> {
    (n > 0).then(|| match lang {
        Lang::Vi => format!(
            "sohoa: {} tên tệp quá 255 byte đã được rút gọn (kèm mã băm của tên đầy đủ)",
            int(n, lang)
        ),
        Lang::En => format!(
            "sohoa: {} file names longer than 255 bytes were shortened (with a hash of the full name)",
            int(n, lang)
        ),
    })
}

pub fn skipped_line(total: u64, by: &[SkipCount], lang: Lang) -> String {
    let parts: Vec<String> = by
        .iter()
        .map(|s| format!("{} {}", s.pattern, int(s.entries, lang)))
        .collect();
    let label = match lang {
        Lang::Vi => "bỏ qua theo [walk] ignore",
        Lang::En => "skipped by [walk] ignore",
    };
    format!("{label}: {} ({})", int(total, lang), parts.join(", "))
}

/// The end-of-run summary.
/// The end-of-run summary; problems and failed files in red, an interruption in yellow, when
/// `paint` colours.
pub fn summary(s: &RunSummary, lang: Lang, paint: Paint) -> String {
    let mut out = String::new();
    for c in &s.collections {
        collection(&mut out, c, lang);
    }
    for p in &s.problems {
        let label = match (lang, p.repaired) {
            (Lang::Vi, false) => "không đọc được",
            (Lang::En, false) => "cannot read",
            (Lang::Vi, true) => "đã sửa đối tượng từ",
            (Lang::En, true) => "repaired an object from",
        };
        let message = translate(&p.message, lang);
        let mark = paint.bad("!");
        let _ = writeln!(
            out,
            "{mark} {}: {label} {}: {message}",
            p.collection, p.path
        );
    }
    let (f, l) = (&s.files, lang);
    let failed = match f.failed {
        0 => int(0, l),
        n => paint.bad(&int(n, l)),
    };
    let stopped = |note: &str| match s.interrupted {
        true => paint.warn(note),
        false => String::new(),
    };
    let _ = match lang {
        Lang::Vi => writeln!(
            out,
            "Lô số {}: {} tệp mới, {} thay đổi, {} không đổi, {} lỗi, {} bỏ qua theo [walk] ignore · {} trang · {} trang/phút · {} · {} luồng{}",
            s.batch_number, int(f.new, l), int(f.changed, l), int(f.unchanged, l), failed, int(f.skipped, l),
            int(s.pages, l), dec(s.pages_per_minute, 1, l), duration(s.wall_seconds, l), s.workers,
            stopped(" · ĐÃ DỪNG GIỮA CHỪNG: chạy lại để làm tiếp")
        ),
        Lang::En => writeln!(
            out,
            "Batch {}: {} new, {} changed, {} unchanged, {} failed files, {} skipped by [walk] ignore · {} pages · {} pages/min · {} · {} workers{}",
            s.batch_number, int(f.new, l), int(f.changed, l), int(f.unchanged, l), failed, int(f.skipped, l),
            int(s.pages, l), dec(s.pages_per_minute, 1, l), duration(s.wall_seconds, l), s.workers,
            stopped(" · INTERRUPTED: run again to continue")
        ),
    };
    out
}

fn collection(out: &mut String, c: &CollectionSummary, l: Lang) {
    let target = c.target.unwrap_or(c.dossiers_found).max(1);
    let pct = dec(c.digitised as f64 * 100.0 / target as f64, 2, l);
    let target_text = c.target.map_or_else(|| "?".to_string(), |t| int(t, l));
    let _ = match l {
        Lang::Vi => writeln!(
            out,
            "{}: đã số hóa {}/{} hồ sơ ({pct}%) · cần rà soát {} · lỗi {} · đang xử lý {} · {} trang ({} cần rà soát)",
            c.name, int(c.digitised, l), target_text, int(c.needs_review, l), int(c.failed, l),
            int(c.in_progress, l), int(c.pages, l), int(c.pages_flagged, l)
        ),
        Lang::En => writeln!(
            out,
            "{}: {} of {} dossiers digitised ({pct}%) · needs review {} · failed {} · in progress {} · {} pages ({} flagged)",
            c.name, int(c.digitised, l), target_text, int(c.needs_review, l), int(c.failed, l),
            int(c.in_progress, l), int(c.pages, l), int(c.pages_flagged, l)
        ),
    };
    // The kind stays the stable code scripts match on; the message is the operator's.
    for f in &c.failures {
        let _ = writeln!(
            out,
            "  ✗ {} · {} · {}: {}",
            f.dossier,
            f.file,
            f.kind,
            translate(&f.message, l)
        );
    }
    if c.skipped > 0 {
        let _ = writeln!(out, "  – {}", skipped_line(c.skipped, &c.skipped_by, l));
    }
}

/// The `--dry-run --json` plan: per collection the counts of the text form and every file
/// that would be read, with what would be done to it (`new`, `changed`, `recheck`, `retry`).
pub fn plan_json(plan: &RunPlan) -> serde_json::Value {
    let collections: Vec<serde_json::Value> = plan
        .collections
        .iter()
        .map(|c| {
            let files: Vec<serde_json::Value> = c
                .tasks
                .iter()
                .map(|t| {
                    let action = match t.action {
                        Action::New => "new",
                        Action::Changed => "changed",
                        Action::Recheck { .. } => "recheck",
                        Action::Retry { .. } => "retry",
                    };
                    serde_json::json!({
                        "dossier": t.key.dossier,
                        "file": t.key.rel_path,
                        "bytes": t.source.size,
                        "action": action,
                    })
                })
                .collect();
            let count = |name: &str| files.iter().filter(|f| f["action"] == name).count();
            serde_json::json!({
                "id": c.id,
                "name": c.name,
                "dossiers": c.dossiers.len(),
                "new": count("new") + count("retry"),
                "changed": count("changed"),
                "recheck": count("recheck"),
                "unchanged": c.unchanged,
                "problems": c.problems.iter().map(|p| serde_json::json!({
                    "path": p.path.display().to_string(),
                    "message": p.message,
                })).collect::<Vec<_>>(),
                "files": files,
            })
        })
        .collect();
    serde_json::json!({ "dry_run": true, "collections": collections })
}

/// The `--dry-run` plan.
pub fn plan(plan: &RunPlan, l: Lang) -> String {
    let mut out = String::new();
    for c in &plan.collections {
        let count =
            |want: fn(&Action) -> bool| c.tasks.iter().filter(|t| want(&t.action)).count() as u64;
        let new = count(|a| matches!(a, Action::New | Action::Retry { .. }));
        let changed = count(|a| matches!(a, Action::Changed));
        let recheck = count(|a| matches!(a, Action::Recheck { .. }));
        let skipped: u64 = c.skipped.iter().map(|s| s.entries).sum();
        let _ = match l {
            Lang::Vi => writeln!(
                out,
                "{}: {} hồ sơ · {} tệp mới, {} thay đổi, {} cần băm lại, {} không đổi, {} bỏ qua theo [walk] ignore",
                c.name,
                int(c.dossiers.len() as u64, l),
                int(new, l),
                int(changed, l),
                int(recheck, l),
                int(c.unchanged, l),
                int(skipped, l)
            ),
            Lang::En => writeln!(
                out,
                "{}: {} dossiers · {} new, {} changed, {} to re-hash, {} unchanged files, {} skipped by [walk] ignore",
                c.name,
                int(c.dossiers.len() as u64, l),
                int(new, l),
                int(changed, l),
                int(recheck, l),
                int(c.unchanged, l),
                int(skipped, l)
            ),
        };
    }
    out
}

/// Print `value` as pretty JSON on stdout: the `--json` of the exports.
pub fn print_json(value: &serde_json::Value) -> Result<(), super::exit::Failure> {
    let text = serde_json::to_string_pretty(value).map_err(super::exit::Failure::archive)?;
    println!("{text}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_the_language() {
        assert_eq!(int(46949, Lang::Vi), "46.949");
        assert_eq!(int(46949, Lang::En), "46,949");
        assert_eq!(int(999, Lang::En), "999");
        assert_eq!(int(1_000_000, Lang::Vi), "1.000.000");
        assert_eq!(dec(84.5678, 2, Lang::Vi), "84,57");
        assert_eq!(dec(1234.5, 1, Lang::En), "1,234.5");
    }
}
