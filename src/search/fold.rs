//! Text folding for search: the one definition of "the same word" shared by the index, the
//! query parser, field extraction and snippets. Folding maps every character of NFC text to at
//! most one character: tone and vowel marks are stripped (NFD, drop combining marks), đ/Đ
//! become d (Unicode gives đ no decomposition, so `remove_diacritics` alone keeps it), and
//! everything is lowercased. Exact matching keeps the marks: NFC, lowercased.
//!
//! Tokens are runs of alphanumeric characters, as SQLite's `unicode61` tokenizer cuts them,
//! so a term the parser builds from a token is always one FTS5 token.

use std::ops::Range;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Fold one character, or drop it (a stray combining mark).
pub fn fold_char(c: char) -> Option<char> {
    if c.is_ascii() {
        return Some(c.to_ascii_lowercase());
    }
    if is_combining_mark(c) {
        return None;
    }
    if matches!(c, 'đ' | 'Đ') {
        return Some('d');
    }
    let base = std::iter::once(c).nfd().next().unwrap_or(c);
    base.to_lowercase().next()
}

/// The folded form of `text`: "Đồng Nai" → "dong nai". Input in NFD or NFC folds alike.
pub fn fold(text: &str) -> String {
    // Stored text is NFC already; the quick check spares composing it again.
    if is_nfc_quick(text.chars()) == IsNormalized::Yes {
        return text.chars().filter_map(fold_char).collect();
    }
    text.nfc().filter_map(fold_char).collect()
}

/// The exact-match form: NFC and lowercased, marks kept.
pub fn exact(text: &str) -> String {
    text.nfc().collect::<String>().to_lowercase()
}

/// How a token is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    /// Marks and đ/d ignored.
    Folded,
    /// Marks significant, case ignored.
    Exact,
}

impl Match {
    /// `text` in this mode's comparable form.
    pub fn normalise(self, text: &str) -> String {
        match self {
            Match::Folded => fold(text),
            Match::Exact => exact(text),
        }
    }
}

/// A token of a text: where it is (bytes of the text as given) and its comparable form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub span: Range<usize>,
    pub norm: String,
}

/// Cut `text` into tokens (alphanumeric runs, combining marks staying with their letter).
/// The text should be NFC for spans to be useful; the catalog stores NFC text.
pub fn tokens(text: &str, mode: Match) -> Vec<Token> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let inside = c.is_alphanumeric() || (start.is_some() && is_combining_mark(c));
        match (inside, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(token(text, s..i, mode));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(token(text, s..text.len(), mode));
    }
    out
}

fn token(text: &str, span: Range<usize>, mode: Match) -> Token {
    let norm = mode.normalise(&text[span.clone()]);
    Token { span, norm }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_marks_and_the_crossed_d() {
        let cases = [
            ("Nguyễn Văn Lượng", "nguyen van luong"),
            ("Đồng Nai", "dong nai"),
            ("đường", "duong"),
            ("ĐẶNG PHƯƠNG HƯƠNG", "dang phuong huong"),
            ("Nguye\u{302}\u{303}n", "nguyen"),
            ("001085012345", "001085012345"),
        ];
        for (text, want) in cases {
            assert_eq!(fold(text), want, "{text}");
        }
    }

    #[test]
    fn exact_keeps_marks_whatever_the_normal_form() {
        assert_eq!(exact("Lu\u{31b}o\u{31b}\u{323}ng"), "lượng");
        assert_eq!(exact("ĐỒNG"), "đồng");
    }

    #[test]
    fn tokens_are_alphanumeric_runs_with_spans() {
        let text = "Số: 884/QĐ-UBND, Lượng";
        let got: Vec<(&str, String)> = tokens(text, Match::Folded)
            .into_iter()
            .map(|t| (&text[t.span], t.norm))
            .collect();
        let want = ["so", "884", "qd", "ubnd", "luong"];
        assert_eq!(got.iter().map(|g| g.1.as_str()).collect::<Vec<_>>(), want);
        assert_eq!(got[4].0, "Lượng");
    }
}
