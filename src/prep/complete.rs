//! Completion after recognition: what layout analysis missed or misread.
//! - Digit combs: the words the engine read over a comb (borders taken for letters, digits
//!   split) give way to the comb's value, on the line of its label.
//! - Dropped lines: rows of the page with ink that no recognised word covers are read again
//!   as one line (or a block, when taller than a line); what still yields no text flags the
//!   page `missing-lines` for review.

use crate::model::{Dpi, PageFlag, Word};
use crate::ocr::{Engine, OcrError, OcrInput, Region, RegionLayout};

use super::gray::Gray;

/// A rectangle on the page: x, y, width, height.
pub type Rect = (usize, usize, usize, usize);

/// Words found again are kept from this confidence up.
const MIN_RECOVERED_CONFIDENCE: f32 = 40.0;
/// Fewest letters or digits a re-read must give for the row to count as read.
const MIN_RECOVERED_CHARS: usize = 2;

fn centre_in(w: &Word, r: Rect) -> bool {
    let (cx, cy) = (
        (w.left + w.width / 2) as usize,
        (w.top + w.height / 2) as usize,
    );
    cx >= r.0 && cx < r.0 + r.2 && cy >= r.1 && cy < r.1 + r.3
}

/// Words read less surely than this next to a comb are taken for bits of its borders.
const UNSURE: f32 = 75.0;

fn overlaps(w: &Word, r: Rect) -> bool {
    let (l, t) = (w.left as usize, w.top as usize);
    l < r.0 + r.2 && l + w.width as usize > r.0 && t < r.1 + r.3 && t + w.height as usize > r.1
}

/// Put `value` in place of the words read over the comb at `outer`. Returns the words and
/// the new words that form a line of their own (when no label stands left of the comb).
pub fn place_comb(
    words: Vec<Word>,
    outer: Rect,
    value: &str,
    confidence: f32,
) -> (Vec<Word>, Option<Word>) {
    // Around the comb the engine reads bits of the borders as marks and letters: words
    // centred on it go, and unsure words touching it or the half box beside it.
    let cell = outer.3 * 3 / 4;
    let near = (
        outer.0.saturating_sub(cell / 2),
        outer.1,
        outer.2 + cell,
        outer.3,
    );
    let junk = |w: &Word| centre_in(w, outer) || (w.confidence < UNSURE && overlaps(w, near));
    let mut kept: Vec<Word> = words.into_iter().filter(|w| !junk(w)).collect();
    let (top, bottom) = (outer.1 as u32, (outer.1 + outer.3) as u32);
    let label = kept.iter().rposition(|w| {
        let cy = w.top + w.height / 2;
        cy >= top && cy < bottom && (w.left as usize) < outer.0 && w.confidence >= UNSURE
    });
    let mut digits = Word {
        text: value.to_string(),
        confidence,
        left: outer.0 as u32,
        top,
        width: outer.2 as u32,
        height: outer.3 as u32,
        block: u32::MAX,
        paragraph: 1,
        line: 1,
    };
    match label {
        Some(i) => {
            let key = &kept[i];
            (digits.block, digits.paragraph, digits.line) = (key.block, key.paragraph, key.line);
            // After the last word of the label's line.
            let end = (i..kept.len())
                .take_while(|&j| {
                    (kept[j].block, kept[j].paragraph, kept[j].line)
                        == (digits.block, digits.paragraph, digits.line)
                })
                .last()
                .unwrap_or(i);
            kept.insert(end + 1, digits);
            (kept, None)
        }
        None => (kept, Some(digits)),
    }
}

/// Bands of the page with ink that no word covers: per row, ink outside the words' boxes
/// (widened by `slack`) and outside `skip` (combs already read); rows with at least
/// `min_ink` such pixels, in runs at least `min_height` high, each band cut to the columns
/// where that ink lies.
pub fn uncovered(b: Gray<'_>, words: &[Word], skip: &[Rect], px_per_mm: f32) -> Vec<Rect> {
    let slack = (0.5 * px_per_mm) as usize;
    let min_ink = (2.0 * px_per_mm) as usize;
    let min_height = (1.2 * px_per_mm) as usize;
    let mut boxes: Vec<Rect> = words
        .iter()
        .map(|w| {
            let (x, y) = (
                (w.left as usize).saturating_sub(slack),
                (w.top as usize).saturating_sub(slack),
            );
            (
                x,
                y,
                w.width as usize + 2 * slack,
                w.height as usize + 2 * slack,
            )
        })
        .chain(skip.iter().copied())
        .collect();
    boxes.sort_by_key(|r| r.1);
    let mut rows: Vec<Option<(usize, usize)>> = Vec::with_capacity(b.height);
    let mut spans = Vec::new();
    for y in 0..b.height {
        spans.clear();
        spans.extend(
            boxes
                .iter()
                .filter(|r| r.1 <= y && y < r.1 + r.3)
                .map(|r| (r.0, r.0 + r.2)),
        );
        let row = &b.pixels[y * b.width..(y + 1) * b.width];
        let (mut count, mut x0, mut x1) = (0, usize::MAX, 0);
        for (x, &v) in row.iter().enumerate() {
            if v == 0 && !spans.iter().any(|&(a, e)| x >= a && x < e) {
                count += 1;
                x0 = x0.min(x);
                x1 = x;
            }
        }
        rows.push((count >= min_ink).then_some((x0, x1)));
    }
    bands(&rows, min_height, (0.3 * px_per_mm) as usize)
}

/// Runs of marked rows (gaps up to `gap` bridged) at least `min_height` high.
fn bands(rows: &[Option<(usize, usize)>], min_height: usize, gap: usize) -> Vec<Rect> {
    let mut out = Vec::new();
    let mut current: Option<(usize, usize, usize, usize)> = None; // y0, y1, x0, x1
    for (y, row) in rows.iter().enumerate() {
        match (row, current.as_mut()) {
            (Some((a, e)), Some(c)) if y <= c.1 + gap + 1 => {
                c.1 = y;
                c.2 = c.2.min(*a);
                c.3 = c.3.max(*e);
            }
            (Some((a, e)), _) => {
                if let Some(c) = current.take() {
                    out.push(c);
                }
                current = Some((y, y, *a, *e));
            }
            (None, _) => {}
        }
    }
    out.extend(current);
    out.into_iter()
        .filter(|c| c.1 - c.0 + 1 >= min_height)
        .map(|(y0, y1, x0, x1)| (x0, y0, x1 - x0 + 1, y1 - y0 + 1))
        .collect()
}

/// Read the band `r` of the image `g` again. Returns its words in page coordinates, or
/// `None` when nothing legible came out.
pub fn reread(
    engine: &mut impl Engine,
    g: Gray<'_>,
    r: Rect,
    px_per_mm: f32,
    dpi: Option<Dpi>,
    block: u32,
) -> Result<Option<Vec<Word>>, OcrError> {
    let pad = (1.0 * px_per_mm) as usize;
    let (x0, y0) = (r.0.saturating_sub(pad), r.1.saturating_sub(pad));
    let (x1, y1) = (
        (r.0 + r.2 + pad).min(g.width),
        (r.1 + r.3 + pad).min(g.height),
    );
    let (w, h) = (x1 - x0, y1 - y0);
    let mut pixels = Vec::with_capacity(w * h);
    for y in y0..y1 {
        pixels.extend_from_slice(&g.pixels[y * g.width + x0..y * g.width + x1]);
    }
    let input = OcrInput {
        pixels: &pixels,
        width: w as u32,
        height: h as u32,
        dpi,
    };
    // Taller than two lines of 14 pt type: more than one line.
    let layout = if (r.3 as f32) < 11.0 * px_per_mm {
        RegionLayout::Line
    } else {
        RegionLayout::Block
    };
    let found = engine.recognise_region(
        input,
        Region {
            layout,
            whitelist: None,
        },
    )?;
    let words: Vec<Word> = found
        .words
        .into_iter()
        .filter(|w| w.confidence >= MIN_RECOVERED_CONFIDENCE)
        .map(|mut w| {
            w.left += x0 as u32;
            w.top += y0 as u32;
            w.block += block;
            w
        })
        .collect();
    let chars: usize = words
        .iter()
        .map(|w| w.text.chars().filter(|c| c.is_alphanumeric()).count())
        .sum();
    Ok((chars >= MIN_RECOVERED_CHARS).then_some(words))
}

/// Tallest band taken for a line of text, in mm: a stamp, a photo or a signature's
/// flourish is taller than any line of a form's print.
const MAX_LINE_MM: f32 = 8.0;
/// Fewest separate glyph clusters a band needs to be a line of text.
const MIN_GLYPHS: usize = 6;

/// Whether band `r` of the binarised page looks like a line of print: not taller than a
/// line, and made of several separate clusters of ink no wider than a few letters (a
/// signature is a few long strokes, a stamp a ring, a picture a block). Only such bands
/// are read again, and only they make a page `missing-lines` when nothing legible comes out.
pub fn looks_like_text(b: Gray<'_>, r: Rect, px_per_mm: f32) -> bool {
    let (x0, y0, w, h) = r;
    if (h as f32) > MAX_LINE_MM * px_per_mm {
        return false;
    }
    let column_has_ink = |x: usize| (y0..y0 + h).any(|y| b.pixels[y * b.width + x] == 0);
    let mut clusters = Vec::new();
    let mut start = None;
    for x in x0..=x0 + w {
        match (x < x0 + w && column_has_ink(x), start) {
            (true, None) => start = Some(x),
            (false, Some(s)) => {
                clusters.push(x - s);
                start = None;
            }
            _ => {}
        }
    }
    if clusters.len() < MIN_GLYPHS {
        return false;
    }
    clusters.sort_unstable();
    // Letters join into clusters of a few at most; a median cluster many line-heights wide
    // is a stroke, not print.
    clusters[clusters.len() / 2] <= 3 * h
}

/// The flag for rows that stayed unread.
pub const MISSING: PageFlag = PageFlag::MissingLines;

/// Join two words of one line that are all digits, 12 together, and closer than half a
/// digit's height: the engine sometimes splits an ID number at a wide digit gap, and no
/// form writes two numbers that close. Returns whether any were joined.
pub fn join_split_ids(words: &mut Vec<Word>) -> bool {
    let digits = |w: &Word| !w.text.is_empty() && w.text.chars().all(|c| c.is_ascii_digit());
    let mut joined = false;
    let mut i = 0;
    while i + 1 < words.len() {
        let (a, b) = (&words[i], &words[i + 1]);
        let same_line = (a.block, a.paragraph, a.line) == (b.block, b.paragraph, b.line);
        let gap = b.left.saturating_sub(a.left + a.width);
        if same_line
            && digits(a)
            && digits(b)
            && a.text.len() + b.text.len() == 12
            && gap * 2 < a.height.max(b.height)
        {
            let b = words.remove(i + 1);
            let a = &mut words[i];
            a.text.push_str(&b.text);
            a.width = b.left + b.width - a.left;
            a.top = a.top.min(b.top);
            a.height = a.height.max(b.height);
            a.confidence = a.confidence.min(b.confidence);
            joined = true;
        }
        i += 1;
    }
    joined
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 600×200 page at 10 px/mm with `ink` painted on it.
    fn page(ink: impl Fn(usize, usize) -> bool) -> Vec<u8> {
        let (w, h) = (600, 200);
        (0..w * h)
            .map(|i| if ink(i % w, i / w) { 0 } else { 255 })
            .collect()
    }

    fn gray(px: &[u8]) -> Gray<'_> {
        Gray {
            pixels: px,
            width: 600,
            height: 200,
        }
    }

    #[test]
    fn a_line_of_print_looks_like_text_and_strokes_rings_and_blocks_do_not() {
        // Letters 20 px wide, 6 px apart, 30 px high.
        let print = page(|x, y| (50..80).contains(&y) && x % 26 < 20);
        assert!(looks_like_text(gray(&print), (0, 50, 600, 30), 10.0));
        // A signature: one long stroke with a few breaks.
        let stroke = page(|x, y| (60..66).contains(&y) && x % 200 < 190);
        assert!(!looks_like_text(gray(&stroke), (0, 60, 600, 6), 10.0));
        // A stamp or a picture: taller than any line.
        let block = page(|x, y| (20..150).contains(&y) && x % 26 < 20);
        assert!(!looks_like_text(gray(&block), (0, 20, 600, 130), 10.0));
    }

    fn word(text: &str, left: u32, width: u32) -> Word {
        Word {
            text: text.into(),
            confidence: 90.0,
            left,
            top: 10,
            width,
            height: 30,
            block: 1,
            paragraph: 1,
            line: 1,
        }
    }

    #[test]
    fn a_row_of_ink_no_word_covers_is_found_and_a_covered_one_is_not() {
        // 10 px/mm: two rows of "letters" 30 px high, the first covered by a word.
        let (w, h) = (400usize, 200usize);
        let mut px = vec![255u8; w * h];
        for (top, left) in [(20usize, 10usize), (120, 50)] {
            for y in top..top + 30 {
                for x in (left..left + 300).filter(|x| x % 7 < 3) {
                    px[y * w + x] = 0;
                }
            }
        }
        let b = Gray {
            pixels: &px,
            width: w,
            height: h,
        };
        let covering = Word {
            top: 18,
            height: 34,
            left: 8,
            width: 304,
            ..word("Họ", 8, 304)
        };
        let bands = uncovered(b, &[covering], &[], 10.0);
        assert_eq!(bands.len(), 1, "{bands:?}");
        let (x, y, bw, bh) = bands[0];
        assert!(
            (118..=122).contains(&y) && (28..=32).contains(&bh),
            "{bands:?}"
        );
        assert!(x >= 50 && x + bw <= 350, "{bands:?}");
    }

    #[test]
    fn an_id_split_at_a_narrow_gap_is_joined_and_other_numbers_are_not() {
        let mut words = vec![
            word("Con", 0, 60),
            word("0010852792", 100, 200),
            word("14", 310, 40),
        ];
        assert!(join_split_ids(&mut words));
        assert_eq!(words[1].text, "001085279214");
        let mut apart = vec![word("0010852792", 100, 200), word("14", 400, 40)];
        assert!(!join_split_ids(&mut apart));
    }
}
