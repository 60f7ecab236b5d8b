//! The Vietnamese table covers every message the code can raise, places every value, and
//! turns real error chains into one Vietnamese line.

use std::path::{Path, PathBuf};

use super::*;

/// Every `.rs` file below `dir`.
fn sources(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("i18n_tests.rs") {
            found.push(path);
        }
    }
}

/// The Rust string literal that starts at `text[0]` (a `"`), unescaped, with `\` line
/// continuations joined as the compiler joins them.
fn literal(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text[1..].chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => return out,
            '\\' => match chars.next() {
                Some('\n') => {
                    while chars.peek().is_some_and(|c| c.is_whitespace()) {
                        chars.next();
                    }
                }
                Some('n') => out.push('\n'),
                Some(other) => out.push(other),
                None => break,
            },
            c => out.push(c),
        }
    }
    out
}

/// A format string as the table writes it: every `{…}` argument becomes `{}`.
fn template(format: &str) -> String {
    let mut out = String::new();
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('{', Some('{')) | ('}', Some('}')) => {
                out.push(c);
                chars.next();
            }
            ('{', _) => {
                for c in chars.by_ref() {
                    if c == '}' {
                        break;
                    }
                }
                out.push_str("{}");
            }
            _ => out.push(c),
        }
    }
    out
}

/// The message templates written after `marker` in the files under `dir`.
fn templates_after(dir: &str, marker: &str) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join(dir), &mut files);
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (at, _) in text.match_indices(marker) {
            let rest = text[at + marker.len()..].trim_start();
            if rest.starts_with('"') {
                found.push((file.clone(), template(&literal(rest))));
            }
        }
    }
    found
}

#[test]
fn every_error_of_the_library_and_the_binary_has_its_vietnamese() {
    let mut raised = templates_after("src", "#[error(");
    raised.extend(templates_after("src/app", "anyhow!("));
    assert!(
        raised.len() > 50,
        "the scan found {} messages",
        raised.len()
    );
    let missing: Vec<String> = raised
        .iter()
        .filter(|(_, english)| !VI.iter().any(|(known, _)| known == english))
        .map(|(file, english)| format!("{}: {english:?}", file.display()))
        .collect();
    assert!(missing.is_empty(), "untranslated:\n{}", missing.join("\n"));
}

#[test]
fn every_vietnamese_line_places_each_value_once() {
    for (english, vietnamese) in VI {
        let values = english.matches("{}").count();
        for i in 0..values {
            assert_eq!(
                vietnamese.matches(&format!("{{{i}}}")).count(),
                1,
                "{english:?} → {vietnamese:?}: value {i}"
            );
        }
        assert!(
            !vietnamese.contains(&format!("{{{values}}}")),
            "{vietnamese:?} names a value {english:?} does not have"
        );
    }
}

#[test]
fn a_chain_becomes_one_vietnamese_line_without_repeating_its_cause() {
    // The shape of `WalkError::Source`: the message quotes its cause, which is also its
    // source, so `{:#}` would print the cause twice.
    #[derive(Debug, thiserror::Error)]
    #[error("source folder {path} cannot be read: {source}")]
    struct Source {
        path: String,
        source: std::io::Error,
    }
    let cause = std::io::Error::from_raw_os_error(2);
    let error = anyhow::Error::new(Source {
        path: "/srv/scan/cu-tru".into(),
        source: cause,
    });
    assert_eq!(
        error_line(&error, Lang::Vi),
        "sohoa: lỗi: không đọc được thư mục nguồn /srv/scan/cu-tru: \
         không có tệp hoặc thư mục này (lỗi hệ thống 2)"
    );
    assert_eq!(
        error_line(&error, Lang::En),
        "sohoa: error: source folder /srv/scan/cu-tru cannot be read: \
         No such file or directory (os error 2)"
    );
}

#[test]
fn values_are_found_however_the_literals_recur() {
    // The folder's own name holds ": ", the separator of the enclosing message.
    let text = "collection cu-tru: source folder /srv/scan: 2024 cannot be read: \
                Permission denied (os error 13)";
    assert_eq!(
        translate(text, Lang::Vi),
        "bộ sưu tập cu-tru: không đọc được thư mục nguồn /srv/scan: 2024: \
         không có quyền truy cập (lỗi hệ thống 13)"
    );
    assert_eq!(
        translate("corrupt TIFF: page 2: bad fax data in row 7", Lang::Vi),
        "TIFF bị hỏng: trang 2: dữ liệu fax hỏng ở dòng 7"
    );
    // A detail that quotes an outside library's words keeps them as they are.
    assert_eq!(
        translate(
            "corrupt PNG: this PNG variant (Interlace method 9)",
            Lang::Vi
        ),
        "PNG bị hỏng: biến thể PNG này (Interlace method 9)"
    );
    assert_eq!(translate("something new", Lang::Vi), "something new");
}

#[test]
fn only_the_error_word_is_painted() {
    use crate::app::color::Paint;
    let line = "sohoa: lỗi: không đọc được x.tif";
    assert_eq!(paint_error_line(line, Paint::PLAIN), line);
    let on = paint_error_line("sohoa: error: cannot read x.tif", Paint::always());
    assert!(on.starts_with("sohoa: \x1b[") && on.ends_with("error:\x1b[0m cannot read x.tif"));
}
