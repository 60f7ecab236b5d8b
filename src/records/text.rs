//! The page as reading records sees it: its words joined into lines, one character at a time,
//! each character knowing the word it came from (so a value knows its confidence and box),
//! with a folded copy (no marks, no case, line breaks as spaces) where labels are looked for,
//! and an approximate search that forgives a misread letter in a label.

use crate::model::Word;
use crate::search::fold::fold_char;

/// The words of a page as text.
pub struct PageText<'w> {
    pub words: &'w [Word],
    /// The characters: words joined by spaces, lines by `\n`.
    pub chars: Vec<char>,
    /// The folded character at each place (a label's letters compare here).
    pub folded: Vec<char>,
    /// The word each character belongs to (`None` for the joints).
    pub word_of: Vec<Option<usize>>,
}

impl<'w> PageText<'w> {
    /// The page text of `words`, in their order, lines where the engine's line changes.
    pub fn new(words: &'w [Word]) -> PageText<'w> {
        let mut t = PageText {
            words,
            chars: Vec::new(),
            folded: Vec::new(),
            word_of: Vec::new(),
        };
        let mut last = None;
        for (i, w) in words.iter().enumerate() {
            let key = (w.block, w.paragraph, w.line);
            if let Some(k) = last {
                t.push(if k == key { ' ' } else { '\n' }, None);
            }
            for c in w.text.chars() {
                t.push(c, Some(i));
            }
            last = Some(key);
        }
        t
    }

    fn push(&mut self, c: char, word: Option<usize>) {
        self.chars.push(c);
        self.folded.push(match c {
            '\n' => ' ',
            c => fold_char(c).unwrap_or(c),
        });
        self.word_of.push(word);
    }

    /// Where the line holding `at` ends (its `\n`, or the end of the page).
    pub fn line_end(&self, at: usize) -> usize {
        (at..self.chars.len())
            .find(|&i| self.chars[i] == '\n')
            .unwrap_or(self.chars.len())
    }

    /// Where the line holding `at` starts.
    pub fn line_start(&self, at: usize) -> usize {
        (0..at.min(self.chars.len()))
            .rev()
            .find(|&i| self.chars[i] == '\n')
            .map_or(0, |i| i + 1)
    }

    /// The text of `range`.
    pub fn slice(&self, range: std::ops::Range<usize>) -> String {
        self.chars[range].iter().collect()
    }

    /// The least confidence and the bounding box of the words in `range`.
    pub fn evidence(&self, range: std::ops::Range<usize>) -> Option<(f32, [u32; 4])> {
        let mut seen: Vec<usize> = self.word_of[range].iter().flatten().copied().collect();
        seen.dedup();
        let words: Vec<&Word> = seen.iter().map(|&i| &self.words[i]).collect();
        let confidence = words.iter().map(|w| w.confidence).reduce(f32::min)?;
        let left = words.iter().map(|w| w.left).min()?;
        let top = words.iter().map(|w| w.top).min()?;
        let right = words.iter().map(|w| w.left + w.width).max()?;
        let bottom = words.iter().map(|w| w.top + w.height).max()?;
        Some((confidence, [left, top, right - left, bottom - top]))
    }

    /// Every place `phrase` stands on the page, allowing a misread letter in ten, at word
    /// boundaries; overlapping finds of one phrase keep the closest.
    pub fn find(&self, phrase: &str) -> Vec<Found> {
        let needle: Vec<char> = phrase
            .chars()
            .filter_map(fold_char)
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .collect();
        if needle.is_empty() {
            return Vec::new();
        }
        let errors = needle.len() / 10;
        let mut found: Vec<Found> = approximate(&self.folded, &needle, errors)
            .into_iter()
            .filter(|f| self.at_boundary(f.start, f.end))
            .collect();
        found.sort_by_key(|f| (f.start, f.errors));
        let mut kept: Vec<Found> = Vec::new();
        for f in found {
            match kept.last_mut() {
                Some(k) if f.start < k.end => {
                    if f.errors < k.errors {
                        *k = f;
                    }
                }
                _ => kept.push(f),
            }
        }
        kept
    }

    fn at_boundary(&self, start: usize, end: usize) -> bool {
        let word = |i: usize| self.folded.get(i).is_some_and(|c| c.is_alphanumeric());
        let first_is_word = word(start);
        let last_is_word = end > 0 && word(end - 1);
        let cut_before = first_is_word && start > 0 && word(start - 1);
        let cut_after = last_is_word && word(end);
        !(cut_before || cut_after)
    }
}

/// One find of a phrase: the characters it covers and the letters that differed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    pub start: usize,
    pub end: usize,
    pub errors: usize,
}

/// Sellers' approximate substring search: every end place where `needle` matches the text
/// with at most `k` edits, each with the start of its best alignment; of a run of adjacent
/// ends the best is kept.
fn approximate(text: &[char], needle: &[char], k: usize) -> Vec<Found> {
    let m = needle.len();
    // Column of the DP over the needle: (cost, start in text) for each prefix length.
    let mut col: Vec<(usize, usize)> = (0..=m).map(|i| (i, 0)).collect();
    let mut out: Vec<Found> = Vec::new();
    for (j, &c) in text.iter().enumerate() {
        let mut prev_diag = (0, j);
        col[0] = (0, j + 1);
        for i in 1..=m {
            let here = col[i];
            let sub = (prev_diag.0 + usize::from(needle[i - 1] != c), prev_diag.1);
            let del = (col[i - 1].0 + 1, col[i - 1].1);
            let ins = (here.0 + 1, here.1);
            col[i] = *[sub, ins, del].iter().min_by_key(|x| x.0).unwrap_or(&sub);
            prev_diag = here;
        }
        let (cost, start) = col[m];
        if cost <= k {
            let f = Found {
                start,
                end: j + 1,
                errors: cost,
            };
            match out.last_mut() {
                Some(last) if f.start < last.end => {
                    if f.errors < last.errors {
                        *last = f;
                    }
                }
                _ => out.push(f),
            }
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn words(lines: &[&str]) -> Vec<Word> {
        let mut out = Vec::new();
        for (l, line) in lines.iter().enumerate() {
            for (i, w) in line.split_whitespace().enumerate() {
                out.push(Word {
                    text: w.to_string(),
                    confidence: 90.0,
                    left: 10 + 60 * i as u32,
                    top: 40 * l as u32,
                    width: 50,
                    height: 30,
                    block: 1,
                    paragraph: 1,
                    line: l as u32,
                });
            }
        }
        out
    }

    #[test]
    fn a_label_is_found_with_a_misread_letter_and_without_its_marks() {
        let w = words(&["1. Ho, chu đem va tèn: LÊ VĂN AN", "2. Giới tính: Nam"]);
        let page = PageText::new(&w);
        let f = page.find("Họ, chữ đệm và tên");
        assert_eq!(f.len(), 1);
        assert_eq!(page.slice(f[0].start..f[0].end), "Ho, chu đem va tèn");
        assert_eq!(page.find("Giới tính").len(), 1);
    }

    #[test]
    fn a_phrase_is_found_across_a_line_break_and_only_at_word_boundaries() {
        let w = words(&["sinh năm 1953, số định", "danh cá nhân 030153402698"]);
        let page = PageText::new(&w);
        assert_eq!(page.find("số định danh cá nhân").len(), 1);
        assert!(page.find("inh năm").is_empty());
    }

    #[test]
    fn evidence_is_the_least_sure_word_and_the_words_box() {
        let mut w = words(&["Số: 107/XN"]);
        w[1].confidence = 61.0;
        let page = PageText::new(&w);
        let (conf, b) = page.evidence(0..page.chars.len()).unwrap();
        assert_eq!(conf, 61.0);
        assert_eq!(b, [10, 0, 110, 30]);
    }
}
