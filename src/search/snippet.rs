//! Snippets: a short excerpt of a page around its first match, with the matching words
//! marked. Computed from the stored text (not by SQLite's `snippet()`, which cannot see
//! through the folding), so "luong" highlights "Lượng" in the original spelling.

use std::ops::Range;

use super::fold::{tokens, Match};

/// Words shown before the first match.
const BEFORE: usize = 4;
/// Words shown in all.
const WIDTH: usize = 16;

/// An excerpt and the byte ranges of it to highlight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    pub text: String,
    pub marks: Vec<Range<usize>>,
}

impl Snippet {
    /// The excerpt with each highlight wrapped in `open`/`close`.
    pub fn marked(&self, open: &str, close: &str) -> String {
        let mut out = String::with_capacity(self.text.len() + 8 * self.marks.len());
        let mut at = 0;
        for m in &self.marks {
            out.push_str(&self.text[at..m.start]);
            out.push_str(open);
            out.push_str(&self.text[m.clone()]);
            out.push_str(close);
            at = m.end;
        }
        out.push_str(&self.text[at..]);
        out
    }
}

/// The excerpt of `text` where the most of `terms` (token sequences in `mode`'s form;
/// `true` when the last is a prefix) show, and show next to each other: for "nguyen duc
/// huy", the place where the name stands whole rather than a letterhead with one of its
/// words. Ties go to the earliest place.
pub fn snippet(text: &str, terms: &[(Vec<String>, bool)], mode: Match) -> Snippet {
    let toks = tokens(text, mode);
    let mut hits: Vec<Range<usize>> = Vec::new();
    let mut which: Vec<usize> = Vec::new();
    for i in 0..toks.len() {
        for (term, (seq, prefix)) in terms.iter().enumerate() {
            let Some(window) = toks.get(i..i + seq.len()) else {
                continue;
            };
            let last = seq.len() - 1;
            let ok = window.iter().zip(seq).enumerate().all(|(k, (t, q))| {
                if k == last && *prefix {
                    t.norm.starts_with(q.as_str())
                } else {
                    t.norm == *q
                }
            });
            if ok {
                hits.push(i..i + seq.len());
                which.push(term);
            }
        }
    }
    let first = best_window(&hits, &which).map_or(0, |h| hits[h].start);
    let from = first.saturating_sub(BEFORE);
    let to = (from + WIDTH).min(toks.len());
    if from >= to {
        return Snippet {
            text: String::new(),
            marks: Vec::new(),
        };
    }
    let base = toks[from].span.start;
    let end = toks[to - 1].span.end;
    let mut marks: Vec<Range<usize>> = hits
        .iter()
        .filter(|h| h.start >= from && h.end <= to)
        .map(|h| toks[h.start].span.start - base..toks[h.end - 1].span.end - base)
        .collect();
    marks.dedup_by(|b, a| b.start < a.end);
    // Line breaks become spaces (same byte length, so the marks stay valid).
    let text = text[base..end].replace(['\n', '\r', '\t'], " ");
    let mut text = text;
    if from > 0 {
        text.insert_str(0, "… ");
        marks
            .iter_mut()
            .for_each(|m| *m = m.start + "… ".len()..m.end + "… ".len());
    }
    if to < toks.len() {
        text.push_str(" …");
    }
    Snippet { text, marks }
}

/// Hits looked at as window starts: a page is a few hundred words, and past this many
/// matches the first ones are as good a place as any.
const MAX_STARTS: usize = 500;

/// The hit to start the excerpt at: the one whose window (the hits that follow it within
/// the width) holds the most different terms, then the most pairs of neighbouring hits of
/// different terms. `hits` are in text order, `which[k]` is the term hit `k` matched.
fn best_window(hits: &[Range<usize>], which: &[usize]) -> Option<usize> {
    let mut best: Option<(usize, (usize, usize))> = None;
    for k in 0..hits.len().min(MAX_STARTS) {
        let end = hits[k].start.saturating_sub(BEFORE) + WIDTH;
        let inside = hits[k..].iter().take_while(|h| h.end <= end).count();
        let mut terms: Vec<usize> = which[k..k + inside].to_vec();
        terms.sort_unstable();
        terms.dedup();
        let adjacent = (k..k + inside)
            .zip(k + 1..k + inside)
            .filter(|&(a, b)| hits[a].end == hits[b].start && which[a] != which[b])
            .count();
        let score = (terms.len(), adjacent);
        if best.is_none_or(|(_, s)| score > s) {
            best = Some((k, score));
        }
    }
    best.map(|(k, _)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_the_original_spelling() {
        let text = "Điều 1. Cho phép ông Trần Đức Lượng,\nsinh năm 1980, cư trú tại Đồng Nai";
        let terms = vec![
            (vec!["luong".to_string()], false),
            (vec!["dong".into(), "nai".into()], false),
        ];
        let s = snippet(text, &terms, Match::Folded);
        assert_eq!(
            s.marked("[", "]"),
            "… phép ông Trần Đức [Lượng], sinh năm 1980, cư trú tại [Đồng Nai]"
        );
    }

    #[test]
    fn the_window_shows_the_terms_together_over_a_lone_first_match() {
        let text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc. Đăng ký \
                    thường trú tại phường Hàng Bạc, quận Hoàn Kiếm, thành phố Hà Nội. Kính gửi \
                    Công an phường. Họ và tên: Đặng Công Minh, sinh năm 1980";
        let terms: Vec<(Vec<String>, bool)> = ["dang", "cong", "minh"]
            .iter()
            .map(|w| (vec![w.to_string()], false))
            .collect();
        let s = snippet(text, &terms, Match::Folded).marked("[", "]");
        assert!(s.contains("[Đặng] [Công] [Minh]"), "{s}");
        // One term alone: its first place, as before.
        let one = snippet(text, &terms[..1], Match::Folded).marked("[", "]");
        assert!(one.contains("[Đăng] ký"), "{one}");
    }

    #[test]
    fn prefixes_and_exact_mode() {
        let text = "Lượng Luong lương";
        let s = snippet(text, &[(vec!["lượng".to_string()], false)], Match::Exact);
        assert_eq!(s.marked("<", ">"), "<Lượng> Luong lương");
        let s = snippet(text, &[(vec!["luo".to_string()], true)], Match::Folded);
        assert_eq!(s.marked("<", ">"), "<Lượng> <Luong> <lương>");
    }
}
