//! Text for people from `sohoa verify`: each finding on its own line naming the object and
//! the files (collection / dossier / path, pages) it concerns, then the totals; and the
//! history of verifications. Vietnamese and English.

use std::fmt::Write;

use sohoa::catalog::{ChainIssue, FileUse, FixityEvent};
use sohoa::config::Lang;
use sohoa::verify::{Finding, VerifyReport};

use super::render::{dec, int};

fn t(lang: Lang, vi: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Vi => vi,
        Lang::En => en,
    }
}

fn files(uses: &[FileUse], lang: Lang) -> String {
    let named: Vec<String> = uses.iter().map(|u| file(u, lang)).collect();
    if named.is_empty() {
        t(lang, "(không tệp nào)", "(no file)").to_string()
    } else {
        named.join("; ")
    }
}

fn file(u: &FileUse, lang: Lang) -> String {
    format!(
        "{}/{} {} v{} ({} {})",
        u.collection,
        u.dossier,
        u.rel_path,
        u.version,
        u.pages,
        t(lang, "trang", "pages")
    )
}

fn chain(issue: &ChainIssue, lang: Lang) -> String {
    let mut out = issue.kind.code().to_string();
    if let Some(seq) = issue.seq {
        let _ = write!(out, ", {} #{seq}", t(lang, "mắt xích", "link"));
    }
    if let Some(batch) = &issue.batch {
        let _ = write!(out, ", {} {batch}", t(lang, "lô", "batch"));
    }
    if let Some(f) = &issue.file {
        let _ = write!(out, ", {}", file(f, lang));
    }
    if let Some(page) = issue.page {
        let _ = write!(out, ", {} {}", t(lang, "trang", "page"), page + 1);
    }
    out
}

/// One line for a finding, starting with its stable name.
pub fn finding(f: &Finding, lang: Lang) -> String {
    let what = match f {
        Finding::MissingObject { object, files: u } => format!("{object}: {}", files(u, lang)),
        Finding::AlteredObject {
            object,
            actual,
            expected_size,
            actual_size,
            files: u,
        } => format!(
            "{object}: {} {} ({} {}), {} {} {}; {}",
            t(lang, "thực tế", "actual"),
            actual.as_deref().unwrap_or("?"),
            int(*actual_size, lang),
            t(lang, "byte", "bytes"),
            t(lang, "cần", "expected"),
            int(*expected_size, lang),
            t(lang, "byte", "bytes"),
            files(u, lang)
        ),
        Finding::UnknownFile { path } | Finding::LeftoverTemporary { path } => path.clone(),
        Finding::RowWithoutObject { object, file: u } => format!("{object}: {}", file(u, lang)),
        Finding::CatalogChanged { issue } => chain(issue, lang),
        Finding::RootNotFound { expected } => expected.clone(),
        Finding::RowMismatch {
            table,
            row,
            problem,
        } => format!("{table} {row}: {problem}"),
    };
    format!("{}: {what}", f.code())
}

pub fn report(r: &VerifyReport, lang: Lang) -> String {
    let mut out = String::new();
    for f in &r.findings {
        let _ = writeln!(out, "{}", finding(f, lang));
    }
    let _ = writeln!(
        out,
        "{} ({}): {}/{} {}, {} MiB, {} {}, {} {}",
        t(lang, "Kiểm tra", "Verification"),
        r.level,
        int(r.objects_checked, lang),
        int(r.objects_total, lang),
        t(lang, "đối tượng", "objects"),
        dec(r.bytes_checked as f64 / 1_048_576.0, 1, lang),
        int(r.chain_links, lang),
        t(lang, "mắt xích", "chain links"),
        int(r.findings.len() as u64, lang),
        t(lang, "vấn đề", "findings"),
    );
    if r.skipped_recent > 0 {
        let _ = writeln!(
            out,
            "{} {}",
            int(r.skipped_recent, lang),
            t(
                lang,
                "tệp mới ghi chưa được xét (một lượt chạy đang ghi)",
                "recent files not judged (a run is writing)"
            )
        );
    }
    let _ = writeln!(out, "{}: {}", t(lang, "Gốc chuỗi", "Chain head"), r.head);
    if let Some(why) = &r.not_recorded {
        let _ = writeln!(
            out,
            "{}: {}",
            t(
                lang,
                "Không ghi được lượt kiểm tra này vào danh mục",
                "This verification could not be recorded in the catalog"
            ),
            super::i18n::translate(why, lang)
        );
    }
    out
}

pub fn history(events: &[FixityEvent], lang: Lang) -> String {
    let mut out = String::new();
    if events.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            t(lang, "Chưa có lần kiểm tra nào.", "No verification yet.")
        );
    }
    for e in events {
        let _ = writeln!(
            out,
            "{}  {:<6} {:<8} {} {}, {} MiB, {} {}  {}",
            e.at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            e.level,
            e.outcome,
            int(e.objects_checked, lang),
            t(lang, "đối tượng", "objects"),
            dec(e.bytes_checked as f64 / 1_048_576.0, 1, lang),
            int(e.findings, lang),
            t(lang, "vấn đề", "findings"),
            e.agent
        );
    }
    out
}
