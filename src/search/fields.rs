//! Field extraction from a page's OCR text: personal ID numbers (12 digits; the old 9-digit
//! identity-card numbers when the line names one), dates of birth (a date after "sinh"), and
//! names (after "Họ, chữ đệm và tên" or "Họ và tên", including the head-of-household label).
//! Pure functions over text; the catalog calls [`extract`] for every page it records and for
//! pages already recorded before fields existed, so fields never need OCR again.
//!
//! Values are normalised for look-up: IDs as plain digits with OCR misreadings repaired
//! (O/o→0, l/I/|→1, B→8), dates as `YYYY-MM-DD`, names folded ("nguyen van a"); `raw` keeps
//! the text as read, to show and highlight.

use super::fold::{fold, fold_char, tokens, Match};

/// What a field is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FieldKind {
    /// 12-digit personal ID number (số định danh cá nhân / CCCD).
    Id,
    /// 9-digit identity-card number (CMND).
    OldId,
    /// Date of birth.
    Born,
    /// A person's full name.
    Name,
}

impl FieldKind {
    /// The code stored in the catalog.
    pub fn code(self) -> &'static str {
        match self {
            FieldKind::Id => "id",
            FieldKind::OldId => "old-id",
            FieldKind::Born => "born",
            FieldKind::Name => "name",
        }
    }
}

/// One extracted field.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Field {
    pub kind: FieldKind,
    pub value: String,
    pub raw: String,
}

/// Every field of a page, each (kind, value) once, in a stable order.
pub fn extract(text: &str) -> Vec<Field> {
    let mut out = Vec::new();
    for line in text.lines() {
        ids(line, &mut out);
        names(line, &mut out);
    }
    born(text, &mut out);
    out.sort();
    out.dedup_by(|a, b| a.kind == b.kind && a.value == b.value);
    out
}

/// Repair the characters OCR confuses with digits; `None` unless the result is all digits.
pub fn normalise_id(raw: &str) -> Option<String> {
    raw.chars()
        .map(|c| match c {
            '0'..='9' => Some(c),
            'O' | 'o' => Some('0'),
            'l' | 'I' | '|' => Some('1'),
            'B' => Some('8'),
            _ => None,
        })
        .collect()
}

fn ids(line: &str, out: &mut Vec<Field>) {
    // Folded only when a 9-digit candidate asks, as most lines have none.
    let old_context = || {
        let f = fold(line);
        f.contains("cmnd") || f.contains("chung minh")
    };
    let is_part = |c: char| c.is_ascii_digit() || matches!(c, 'O' | 'o' | 'l' | 'I' | '|' | 'B');
    // Candidates are alphanumeric runs (plus '|', which OCR gives for 1) made only of digits
    // and look-alikes, mostly digits: "Bollo" is a word, "0O1085012345" an ID.
    let mut rest = line;
    while let Some(start) = rest.find(|c: char| c.is_alphanumeric() || c == '|') {
        let run = &rest[start..];
        let len = run
            .find(|c: char| !(c.is_alphanumeric() || c == '|'))
            .unwrap_or(run.len());
        let word = &run[..len];
        rest = &run[len..];
        if !word.chars().all(is_part) {
            continue;
        }
        let digits = word.chars().filter(char::is_ascii_digit).count();
        let Some(value) = normalise_id(word) else {
            continue;
        };
        let kind = match value.len() {
            12 if digits >= 6 => FieldKind::Id,
            9 if digits >= 5 && old_context() => FieldKind::OldId,
            _ => continue,
        };
        out.push(Field {
            kind,
            value,
            raw: word.to_string(),
        });
    }
}

const NAME_LABELS: [&str; 2] = ["ho, chu dem va ten", "ho va ten"];

fn names(line: &str, out: &mut Vec<Field>) {
    // The labels start "Họ": skip lines without an h at once.
    if !line.contains(['h', 'H']) {
        return;
    }
    // One folded char per original char, so positions carry over to the original.
    let folded: Vec<char> = line.chars().map(|c| fold_char(c).unwrap_or(c)).collect();
    let original: Vec<char> = line.chars().collect();
    let flat: String = folded.iter().collect();
    for label in NAME_LABELS {
        let Some(at) = flat.find(label) else { continue };
        // The folded line is ASCII up to the label in practice; count chars to be safe.
        let mut i = flat[..at].chars().count() + label.chars().count();
        let tail: String = folded[i..].iter().collect();
        if let Some(after) = tail.strip_prefix(" chu ho") {
            i += tail.len() - after.len();
        }
        while i < folded.len() && folded[i] == ' ' {
            i += 1;
        }
        if folded.get(i) != Some(&':') {
            continue;
        }
        let raw: String = original[i + 1..].iter().collect();
        let raw = raw
            .split([',', ';', '('])
            .next()
            .unwrap_or("")
            .trim()
            .to_string();
        let parts = tokens(&raw, Match::Folded);
        let wordlike = parts
            .iter()
            .all(|t| t.norm.chars().all(char::is_alphabetic));
        if (2..=7).contains(&parts.len()) && wordlike {
            let value: Vec<String> = parts.into_iter().map(|t| t.norm).collect();
            out.push(Field {
                kind: FieldKind::Name,
                value: value.join(" "),
                raw,
            });
        }
        return;
    }
}

/// Dates after "sinh" (born), within a few words, possibly across a line break.
fn born(text: &str, out: &mut Vec<Field>) {
    // "sinh" carries no marks: a page without it in any case has no birth date to find.
    if !["sinh", "Sinh", "SINH"].iter().any(|w| text.contains(w)) {
        return;
    }
    let toks = tokens(text, Match::Folded);
    for (i, t) in toks.iter().enumerate() {
        if t.norm != "sinh" {
            continue;
        }
        let window = &toks[i + 1..toks.len().min(i + 8)];
        for w in window.windows(3) {
            if let Some(date) = date(text, &w[0], &w[2]) {
                out.push(date);
                break;
            }
        }
    }
}

/// A d/m/yyyy date spanning tokens `day`..`year`, separated by / . or -.
fn date(text: &str, day: &super::fold::Token, year: &super::fold::Token) -> Option<Field> {
    let raw = &text[day.span.start..year.span.end];
    let parts: Vec<&str> = raw.split(['/', '.', '-']).collect();
    let [d, m, y] = parts[..] else { return None };
    let num = |s: &str, max: u32| s.parse::<u32>().ok().filter(|n| (1..=max).contains(n));
    let (d, m, y) = (num(d, 31)?, num(m, 12)?, num(y, 2100)?);
    if !(1850..=2100).contains(&y) || year.span.end - day.span.start > 10 {
        return None;
    }
    Some(Field {
        kind: FieldKind::Born,
        value: format!("{y:04}-{m:02}-{d:02}"),
        raw: raw.to_string(),
    })
}

#[cfg(test)]
#[path = "fields_tests.rs"]
mod tests;
