//! Row starts cut off. On a form whose fields are numbered at the left margin ("1.", "2.",
//! …), the engine's layout analysis sometimes sets the numbers apart as a column of their
//! own and, that column being tall and narrow, reads it as one line of stacked characters:
//! marks such as `+> G2 h2)`, while the rows beside it lose their numbers. Such a column is
//! known by its shape: a "line" taller than two rows and at least three times taller than
//! wide, standing just left of the starts of two or more lines of another block (no line of
//! horizontal print is so shaped). Its words go, and the strip between its left edge and the
//! rows is read again as a block of text; each line of that reading goes to the start of the
//! row beside it. Called by `reading.rs` after completion, on the words of a cleaned page.

use std::collections::HashMap;

use crate::model::{Dpi, Word};
use crate::ocr::{Engine, OcrError, OcrInput, Region, RegionLayout};

use super::complete::Rect;
use super::gray::Gray;

/// Words read again are kept from this confidence up (as for dropped rows).
const MIN_CONFIDENCE: f32 = 40.0;

/// One line of words: its key, box (left, top, right, bottom) and word indices.
struct Line {
    key: (u32, u32, u32),
    left: u32,
    top: u32,
    right: u32,
    bottom: u32,
    words: std::ops::Range<usize>,
}

impl Line {
    fn height(&self) -> u32 {
        self.bottom - self.top
    }
}

/// The engine's lines: runs of words with the same block, paragraph and line.
fn lines_of(words: &[Word]) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let key = (w.block, w.paragraph, w.line);
        match lines.last_mut() {
            Some(l) if l.key == key => {
                l.left = l.left.min(w.left);
                l.top = l.top.min(w.top);
                l.right = l.right.max(w.left + w.width);
                l.bottom = l.bottom.max(w.top + w.height);
                l.words.end = i + 1;
            }
            _ => lines.push(Line {
                key,
                left: w.left,
                top: w.top,
                right: w.left + w.width,
                bottom: w.top + w.height,
                words: i..i + 1,
            }),
        }
    }
    lines
}

/// The lines of another block whose starts stand just right of line `c` (past its middle,
/// within one line height of its right side) with their middle between `top` and `bottom`.
fn starting_beside(lines: &[Line], c: &Line, top: u32, bottom: u32) -> Vec<usize> {
    (0..lines.len())
        .filter(|&j| {
            let r = &lines[j];
            let middle = (r.top + r.bottom) / 2;
            // The column's word boxes may reach over the rows' first marks.
            r.key.0 != c.key.0
                && (top..bottom).contains(&middle)
                && r.left > (c.left + c.right) / 2
                && r.left.saturating_sub(c.right) <= r.height()
        })
        .collect()
}

/// The rows whose starts line `c` holds, when it is a cut-off column: those beside it, and
/// the next row above and below them (the engine's column may leave out the first or the
/// last number). `None` when `c` is not such a column.
fn rows_beside(lines: &[Line], c: &Line) -> Option<Vec<usize>> {
    if c.height() < 3 * (c.right - c.left).max(1) {
        return None;
    }
    let rows = starting_beside(lines, c, c.top, c.bottom);
    let tallest = rows.iter().map(|&j| lines[j].height()).max()?;
    if rows.len() < 2 || c.height() <= 2 * tallest {
        return None;
    }
    // The rows come in reading order, which need not be top to bottom.
    let middles = rows.iter().map(|&j| (lines[j].top + lines[j].bottom) / 2);
    let (first, last) = middles.fold((u32::MAX, 0), |(lo, hi), m| (lo.min(m), hi.max(m)));
    // A quarter of the row pitch past the next row each way, and no further.
    let reach = (last - first) / (rows.len() as u32 - 1) * 5 / 4;
    Some(starting_beside(
        lines,
        c,
        first.saturating_sub(reach),
        last + reach + 1,
    ))
}

/// Read again the starts of rows cut off into a column (see the module header) from `g`,
/// the image the engine read. Returns whether the words changed.
///
/// # Errors
/// When the engine fails on a strip.
pub fn restore(
    engine: &mut impl Engine,
    words: &mut Vec<Word>,
    g: Gray<'_>,
    px_per_mm: f32,
    dpi: Option<Dpi>,
) -> Result<bool, OcrError> {
    let lines = lines_of(words);
    let mut drop = Vec::new();
    // Per row, by the index of its first word: the words read at its start.
    let mut starts: HashMap<usize, Vec<Word>> = HashMap::new();
    for c in &lines {
        let Some(rows) = rows_beside(&lines, c) else {
            continue;
        };
        let right = rows.iter().map(|&j| lines[j].left).min().unwrap_or(c.right);
        let top = rows.iter().map(|&j| lines[j].top).min().unwrap_or(c.top);
        let bottom = rows
            .iter()
            .map(|&j| lines[j].bottom)
            .max()
            .unwrap_or(c.bottom);
        let pad = (0.5 * px_per_mm) as u32;
        let (left, top) = (c.left.saturating_sub(pad), top.saturating_sub(pad));
        let strip = (
            left as usize,
            top as usize,
            right.saturating_sub(left) as usize,
            (bottom + pad - top) as usize,
        );
        let found = read_strip(engine, g, strip, dpi)?;
        let mut placed = false;
        for w in found {
            let middle = w.top + w.height / 2;
            let Some(&j) = rows
                .iter()
                .find(|&&j| (lines[j].top..lines[j].bottom).contains(&middle))
            else {
                continue;
            };
            starts.entry(lines[j].words.start).or_default().push(w);
            placed = true;
        }
        if placed {
            drop.extend(c.words.clone());
        }
    }
    if starts.is_empty() {
        return Ok(false);
    }
    *words = rebuild(std::mem::take(words), &drop, starts);
    Ok(true)
}

/// The words without those at `drop`, each row's start words put before its first word,
/// on its line; a first word that is only punctuation right after them (the "." of "4.")
/// joins the last of them.
fn rebuild(words: Vec<Word>, drop: &[usize], mut starts: HashMap<usize, Vec<Word>>) -> Vec<Word> {
    let mut out = Vec::with_capacity(words.len());
    for (i, w) in words.into_iter().enumerate() {
        if drop.contains(&i) {
            continue;
        }
        if let Some(mut start) = starts.remove(&i) {
            for s in &mut start {
                (s.block, s.paragraph, s.line) = (w.block, w.paragraph, w.line);
            }
            let last = start.last_mut().filter(|s| {
                !w.text.chars().any(char::is_alphanumeric)
                    && w.left.saturating_sub(s.left + s.width) * 2 < s.height
            });
            if let Some(s) = last {
                s.text.push_str(&w.text);
                s.width = w.left + w.width - s.left;
                out.extend(start);
                continue;
            }
            out.extend(start);
        }
        out.push(w);
    }
    out
}

/// The words read in the strip `r` of `g` as one block, in page coordinates.
fn read_strip(
    engine: &mut impl Engine,
    g: Gray<'_>,
    r: Rect,
    dpi: Option<Dpi>,
) -> Result<Vec<Word>, OcrError> {
    let (x0, y0) = (r.0, r.1);
    let (x1, y1) = ((r.0 + r.2).min(g.width), (r.1 + r.3).min(g.height));
    if x1 <= x0 || y1 <= y0 {
        return Ok(Vec::new());
    }
    let mut pixels = Vec::with_capacity((x1 - x0) * (y1 - y0));
    for y in y0..y1 {
        pixels.extend_from_slice(&g.pixels[y * g.width + x0..y * g.width + x1]);
    }
    let found = engine.recognise_region(
        OcrInput {
            pixels: &pixels,
            width: (x1 - x0) as u32,
            height: (y1 - y0) as u32,
            dpi,
        },
        Region {
            layout: RegionLayout::Block,
            whitelist: None,
        },
    )?;
    Ok(found
        .words
        .into_iter()
        .filter(|w| w.confidence >= MIN_CONFIDENCE && w.text.chars().any(char::is_alphanumeric))
        .map(|mut w| {
            w.left += x0 as u32;
            w.top += y0 as u32;
            w
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ocr::Recognition;

    fn word(text: &str, (left, top, width, height): (u32, u32, u32, u32), block: u32) -> Word {
        Word {
            text: text.into(),
            confidence: 90.0,
            left,
            top,
            width,
            height,
            block,
            paragraph: 1,
            line: top,
        }
    }

    /// Three numbered rows 30 px high, 50 px apart, whose numbers the engine set apart as
    /// one tall column of marks in a block of its own.
    fn cut_page() -> Vec<Word> {
        let mut words = Vec::new();
        for (i, top) in [100u32, 150, 200].into_iter().enumerate() {
            words.push(word(".", (112, top + 24, 4, 4), 1));
            words.push(word(&format!("Row{i}"), (125, top, 80, 30), 1));
            words.iter_mut().rev().take(2).for_each(|w| w.line = top);
        }
        words.push(word("+>", (94, 150, 20, 30), 2));
        words.push(word("G2", (94, 200, 20, 30), 2));
        words
            .iter_mut()
            .filter(|w| w.block == 2)
            .for_each(|w| w.line = 1);
        words
    }

    /// Reads the strip as the numbers of the three rows, in strip coordinates.
    struct Numbers;

    impl Engine for Numbers {
        fn recognise(&mut self, _page: OcrInput<'_>) -> Result<Recognition, OcrError> {
            Ok(Recognition::nothing())
        }

        fn recognise_region(
            &mut self,
            region: OcrInput<'_>,
            how: Region<'_>,
        ) -> Result<Recognition, OcrError> {
            assert_eq!(how.layout, RegionLayout::Block);
            // The strip starts 5 px above the first row and left of the column.
            assert!(region.height >= 130, "{}", region.height);
            let words = (0..3)
                .map(|i| word(&format!("{}", i + 1), (5, 5 + 50 * i, 20, 30), 1))
                .collect();
            Ok(Recognition {
                words,
                ..Recognition::nothing()
            })
        }
    }

    #[test]
    fn numbers_cut_off_into_a_column_go_back_to_their_rows() {
        let mut words = cut_page();
        let page = vec![255u8; 400 * 300];
        let g = Gray {
            pixels: &page,
            width: 400,
            height: 300,
        };
        assert!(restore(&mut Numbers, &mut words, g, 10.0, None).unwrap());
        let text: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(text, ["1.", "Row0", "2.", "Row1", "3.", "Row2"]);
        assert_eq!((words[2].block, words[2].line), (1, 150));
    }

    #[test]
    fn a_narrow_line_beside_one_row_is_not_a_column() {
        let mut words = cut_page();
        words.retain(|w| w.text != "G2");
        let lines = lines_of(&words);
        assert!(lines.iter().all(|c| rows_beside(&lines, c).is_none()));
    }
}
