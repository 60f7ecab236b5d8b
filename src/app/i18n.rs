//! Messages in the operator's language. The library's errors are written in English (they are
//! also what logs and `--json` carry); the binary turns each link of an error chain into
//! Vietnamese through the table of `i18n_vi.rs`, whose English side is the library's own
//! message templates. A test checks that every error message the library or the binary can
//! raise has its Vietnamese line, so a new error cannot reach an operator untranslated.

use sohoa::config::Lang;

use super::i18n_vi::VI;

/// `sohoa: error: …` or `sohoa: lỗi: …`, with the chain of causes translated and joined by
/// ": ". A cause whose text its parent already quotes is left out, so nothing is said twice.
pub fn error_line(error: &anyhow::Error, lang: Lang) -> String {
    let mut links: Vec<String> = Vec::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if links.last().is_some_and(|parent| parent.ends_with(&text)) {
            continue;
        }
        links.push(text);
    }
    let message = links
        .iter()
        .map(|text| translate(text, lang))
        .collect::<Vec<_>>()
        .join(": ");
    match lang {
        Lang::Vi => format!("sohoa: lỗi: {message}"),
        Lang::En => format!("sohoa: error: {message}"),
    }
}

/// An [`error_line`] with its `lỗi:` / `error:` word in red when stderr is coloured.
pub fn paint_error_line(line: &str, paint: super::color::Paint) -> String {
    for word in ["lỗi:", "error:"] {
        if let Some(rest) = line.strip_prefix(&format!("sohoa: {word}")) {
            return format!("sohoa: {}{rest}", paint.bad(word));
        }
    }
    line.to_string()
}

/// The label of a warning line.
pub fn warning_label(lang: Lang) -> &'static str {
    match lang {
        Lang::Vi => "cảnh báo",
        Lang::En => "warning",
    }
}

/// One message in `lang`. English text is returned as it is; for Vietnamese, the first
/// template of the table that matches the whole text gives the sentence, and the values it
/// captured are translated in turn (a cause quoted inside a message). Text no template
/// matches (a path, an operating-system detail) stays as it is.
pub fn translate(text: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return text.to_string();
    }
    translate_vi(text, 0)
}

/// Captured values are translated again, a few levels deep at most: deeper nesting does not
/// occur in the library's messages, and the bound keeps a hostile file name from making the
/// translation quadratic.
const MAX_DEPTH: usize = 3;

fn translate_vi(text: &str, depth: usize) -> String {
    if depth > MAX_DEPTH {
        return text.to_string();
    }
    for (english, vietnamese) in VI {
        if let Some(values) = match_template(english, text) {
            let values: Vec<String> = values
                .into_iter()
                .map(|v| translate_vi(v, depth + 1))
                .collect();
            return fill(vietnamese, &values);
        }
    }
    text.to_string()
}

/// The values that `{}` stand for when `text` is `template` filled in, or `None`. Literal
/// pieces must match exactly; each value is the shortest that lets the rest match.
fn match_template<'t>(template: &str, text: &'t str) -> Option<Vec<&'t str>> {
    let pieces: Vec<&str> = template.split("{}").collect();
    let rest = text.strip_prefix(pieces[0])?;
    let mut values = Vec::with_capacity(pieces.len() - 1);
    match_pieces(&pieces[1..], rest, &mut values).then_some(values)
}

fn match_pieces<'t>(pieces: &[&str], text: &'t str, values: &mut Vec<&'t str>) -> bool {
    let Some((literal, later)) = pieces.split_first() else {
        return text.is_empty();
    };
    // The last literal closes the text; earlier ones are tried at each place they occur.
    if later.is_empty() {
        let Some(value) = text.strip_suffix(literal) else {
            return false;
        };
        values.push(value);
        return true;
    }
    let mut from = 0;
    while let Some(found) = text[from..].find(literal) {
        let at = from + found;
        values.push(&text[..at]);
        if match_pieces(later, &text[at + literal.len()..], values) {
            return true;
        }
        values.pop();
        from = at + text[at..].chars().next().map_or(1, char::len_utf8);
    }
    false
}

/// `template` with `{0}`, `{1}`… replaced by the values.
fn fill(template: &str, values: &[String]) -> String {
    let mut out = template.to_string();
    for (i, value) in values.iter().enumerate() {
        out = out.replace(&format!("{{{i}}}"), value);
    }
    out
}

#[cfg(test)]
#[path = "i18n_tests.rs"]
mod tests;
