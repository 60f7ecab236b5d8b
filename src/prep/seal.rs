//! The signature block under a seal. A decision is signed under its signer's title (CHỦ
//! TỊCH, GIÁM ĐỐC…), and the office's seal is stamped over the signature and, often, over
//! the signer's printed name. The seal's ink is red, or a mid grey once scanned in grey,
//! clearly lighter than the black of the type: binarised with the type, its ring of small
//! letters runs into the name and the engine reads neither. Where the block under the last
//! title in capitals holds two inks, it is read again with only the darker one, and the
//! reading that holds more legible text is kept (the seal's removal is decided on the page
//! itself, never assumed).

use crate::model::{Dpi, Word};
use crate::ocr::{Engine, OcrError};

use super::complete::{self, Rect};
use super::gray::{histogram, otsu, percentile, Gray};

/// How far under the title the block reaches, in mm: a signature, the seal over it and the
/// name printed under both.
const BLOCK_BELOW_MM: f32 = 45.0;
/// Half the block's width, in mm, either side of the title's middle: a seal is about
/// 35–40 mm across, a name in bold 14 pt up to about 70 mm long.
const BLOCK_HALF_WIDTH_MM: f32 = 45.0;
/// Fewest letters of a title: "CHỦ TỊCH" has seven, a stray capital or a Roman numeral is
/// no title.
const MIN_TITLE_LETTERS: usize = 5;
/// Least difference between the mean levels of the two inks: anti-aliased edges of black
/// type spread its levels, but not this far above its own mean.
const MIN_INK_GAP: f64 = 60.0;
/// Least share of the ink that the lighter ink, away from the darker, must hold: a seal
/// covers far more paper than the few lighter specks around type.
const MIN_LIGHT_SHARE: f64 = 0.25;
/// How near the darker ink the lighter may lie and still be its edge, in mm.
const EDGE_MM: f32 = 0.3;
/// How much darker than the paper's level a pixel must be to be ink: more than a scan's
/// mottle of paper and its noise.
const PAPER_MOTTLE: u8 = 30;
/// Block number given to the words read again, apart from the page's own.
const BLOCK: u32 = 70_000;

/// Read again the signature block of the page under its last title, with the seal's
/// lighter ink left out, and keep that reading where it is the more legible. Returns
/// whether the words changed.
///
/// # Errors
/// When the engine fails on the block.
pub fn reread_under_seal(
    engine: &mut impl Engine,
    words: &mut Vec<Word>,
    g: Gray<'_>,
    px_per_mm: f32,
    dpi: Option<Dpi>,
) -> Result<bool, OcrError> {
    let Some(title) = last_title(words, g.width) else {
        return Ok(false);
    };
    let block = block_under(title, g, px_per_mm);
    let Some(dark) = darker_ink(g, block, px_per_mm) else {
        return Ok(false);
    };
    let pixels = only_darker(g, block, dark);
    let darker = Gray {
        pixels: &pixels,
        width: block.2,
        height: block.3,
    };
    let whole = (0, 0, block.2, block.3);
    let Some(mut read) = complete::reread(engine, darker, whole, px_per_mm, dpi, BLOCK)? else {
        return Ok(false);
    };
    for w in &mut read {
        w.left += block.0 as u32;
        w.top += block.1 as u32;
    }
    let (inside, outside): (Vec<Word>, Vec<Word>) = std::mem::take(words)
        .into_iter()
        .partition(|w| within(w, block));
    let better = legible(&read) > legible(&inside);
    *words = outside;
    words.extend(if better { read } else { inside });
    Ok(better)
}

/// Tesseract's block, paragraph and line numbers of a word.
type LineKey = (u32, u32, u32);

/// The box of the last title on the page: a run of words in capitals right of the page's
/// middle, alone on its line (no word within a title's own height before it: a name in
/// capitals after its label is a value, not a title).
fn last_title(words: &[Word], page_width: usize) -> Option<Rect> {
    let mut lines: Vec<(LineKey, Vec<&Word>)> = Vec::new();
    for w in words {
        let key = (w.block, w.paragraph, w.line);
        match lines.iter_mut().find(|(k, _)| *k == key) {
            Some((_, l)) => l.push(w),
            None => lines.push((key, vec![w])),
        }
    }
    lines
        .into_iter()
        .filter_map(|(_, mut line)| {
            line.sort_by_key(|w| w.left);
            title_of(&line, page_width)
        })
        .max_by_key(|r| r.1 + r.3)
}

/// The title that ends `line` (words left to right), if it ends in one.
fn title_of(line: &[&Word], page_width: usize) -> Option<Rect> {
    let start = line
        .iter()
        .rposition(|w| !in_capitals(w))
        .map_or(0, |i| i + 1);
    let run = &line[start..];
    let first = run.first()?;
    let box_ = bounds(run);
    let alone = start == 0 || {
        let before = line[start - 1];
        first.left.saturating_sub(before.left + before.width) as usize > 3 * box_.3
    };
    let right = box_.0 + box_.2 / 2 > page_width / 2;
    (alone && right && letters(run) >= MIN_TITLE_LETTERS).then_some(box_)
}

fn in_capitals(w: &Word) -> bool {
    let letters = w.text.chars().filter(|c| c.is_alphabetic());
    let (upper, all) = letters.fold((0, 0), |(u, a), c| {
        (u + usize::from(c.is_uppercase()), a + 1)
    });
    all >= 2 && upper == all
}

fn letters(words: &[&Word]) -> usize {
    let count = |w: &&Word| w.text.chars().filter(|c| c.is_alphabetic()).count();
    words.iter().map(count).sum()
}

fn bounds(words: &[&Word]) -> Rect {
    let x0 = words.iter().map(|w| w.left).min().unwrap_or(0) as usize;
    let y0 = words.iter().map(|w| w.top).min().unwrap_or(0) as usize;
    let x1 = words.iter().map(|w| w.left + w.width).max().unwrap_or(0) as usize;
    let y1 = words.iter().map(|w| w.top + w.height).max().unwrap_or(0) as usize;
    (x0, y0, x1.saturating_sub(x0), y1.saturating_sub(y0))
}

/// The block under `title`, clipped to the page: from the title's foot down, centred on it.
fn block_under(title: Rect, g: Gray<'_>, px_per_mm: f32) -> Rect {
    let middle = title.0 + title.2 / 2;
    let half = (BLOCK_HALF_WIDTH_MM * px_per_mm) as usize;
    let x0 = middle.saturating_sub(half);
    let x1 = (middle + half).min(g.width);
    let y0 = (title.1 + title.3).min(g.height);
    let y1 = (y0 + (BLOCK_BELOW_MM * px_per_mm) as usize).min(g.height);
    (x0, y0, x1 - x0, y1 - y0)
}

/// The level under which ink is the darker of two inks in `r`, when it holds two: Otsu's
/// split of the ink (what is clearly darker than the paper) in two, kept only where the two are far apart
/// and the lighter ink lies mostly away from the darker (the blurred edges of black type
/// are lighter too, but they border its strokes) and covers enough to be a stamp.
fn darker_ink(g: Gray<'_>, r: Rect, px_per_mm: f32) -> Option<u8> {
    let mut values = Vec::with_capacity(r.2 * r.3);
    for y in r.1..r.1 + r.3 {
        values.extend_from_slice(&g.pixels[y * g.width + r.0..y * g.width + r.0 + r.2]);
    }
    let hist = histogram(&values);
    // The block is mostly paper: its median is the paper's level. Otsu's split of ink from
    // paper would put a large seal with the paper.
    let paper = percentile(&values, 0.5).saturating_sub(PAPER_MOTTLE);
    let split = otsu(&hist, usize::from(paper))?;
    if split.light_mean - split.dark_mean < MIN_INK_GAP {
        return None;
    }
    let near = (EDGE_MM * px_per_mm).ceil() as usize;
    let dark: Vec<bool> = values.iter().map(|&v| v < split.level).collect();
    let near_dark = dilate(&dark, r.2, r.3, near);
    let apart = values
        .iter()
        .zip(&near_dark)
        .filter(|(&v, &n)| v >= split.level && v < paper && !n)
        .count();
    let ink = split.dark_count + split.light_count;
    (apart as f64 >= MIN_LIGHT_SHARE * ink as f64).then_some(split.level)
}

/// `mask` (`w` × `h`) grown by `r` pixels every way (a square neighbourhood, in two passes).
fn dilate(mask: &[bool], w: usize, h: usize, r: usize) -> Vec<bool> {
    let mut rows = vec![false; mask.len()];
    for y in 0..h {
        let line = &mask[y * w..(y + 1) * w];
        grow(line, r, &mut rows[y * w..(y + 1) * w]);
    }
    let mut out = vec![false; mask.len()];
    let (mut column, mut grown) = (vec![false; h], vec![false; h]);
    for x in 0..w {
        column
            .iter_mut()
            .enumerate()
            .for_each(|(y, c)| *c = rows[y * w + x]);
        grow(&column, r, &mut grown);
        grown
            .iter()
            .enumerate()
            .for_each(|(y, &g)| out[y * w + x] = g);
    }
    out
}

/// `out[i]`: whether any of `line[i - r..=i + r]` is set (a running count of set values).
fn grow(line: &[bool], r: usize, out: &mut [bool]) {
    let mut count = line[..r.min(line.len())].iter().filter(|&&b| b).count();
    for i in 0..line.len() {
        if i + r < line.len() && line[i + r] {
            count += 1;
        }
        if i > r && line[i - r - 1] {
            count -= 1;
        }
        out[i] = count > 0;
    }
}

/// The pixels of `r` with only ink darker than `level` kept, as black on white.
fn only_darker(g: Gray<'_>, r: Rect, level: u8) -> Vec<u8> {
    let mut out = Vec::with_capacity(r.2 * r.3);
    for y in r.1..r.1 + r.3 {
        let row = &g.pixels[y * g.width + r.0..y * g.width + r.0 + r.2];
        out.extend(row.iter().map(|&v| if v < level { 0 } else { 255 }));
    }
    out
}

/// Whether the middle of `w` lies in `r`.
fn within(w: &Word, r: Rect) -> bool {
    let (x, y) = (
        (w.left + w.width / 2) as usize,
        (w.top + w.height / 2) as usize,
    );
    x >= r.0 && x < r.0 + r.2 && y >= r.1 && y < r.1 + r.3
}

/// How much legible text `words` hold: their letters and digits, each weighed by the
/// square of its word's confidence, so that a seal's garbage weighs little.
fn legible(words: &[Word]) -> f32 {
    words
        .iter()
        .map(|w| {
            let chars = w.text.chars().filter(|c| c.is_alphanumeric()).count();
            chars as f32 * (w.confidence / 100.0).powi(2)
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str, left: u32, line: u32) -> Word {
        Word {
            text: text.into(),
            confidence: 90.0,
            left,
            top: line * 60,
            width: 30 * text.chars().count() as u32,
            height: 40,
            block: 1,
            paragraph: 1,
            line,
        }
    }

    #[test]
    fn a_title_stands_alone_right_of_the_middle_and_a_name_after_its_label_does_not() {
        let words = vec![
            word("Họ", 100, 1),
            word("tên:", 170, 1),
            word("TRẦN", 1000, 1),
            word("MỸ", 1160, 1),
            word("NHUNG", 1240, 1),
            word("Nơi", 100, 3),
            word("nhận:", 200, 3),
            word("CHỦ", 1100, 3),
            word("TỊCH", 1210, 3),
            word("Lý", 1100, 5),
        ];
        let words: Vec<Word> = words
            .into_iter()
            .enumerate()
            .map(|(i, mut w)| {
                // "tên:" ends just before "TRẦN": a value after its label.
                if i == 1 {
                    w.width = 1000 - 170 - 20;
                }
                w
            })
            .collect();
        assert_eq!(last_title(&words, 1600), Some((1100, 180, 230, 40)));
        assert_eq!(last_title(&words[..5], 1600), None);
    }

    /// A 200 × 100 block of paper with a black bar blurred at its edges, and optionally a
    /// mid-grey ring apart from it.
    fn block(ring: bool) -> Vec<u8> {
        let (w, h) = (200, 100);
        let mut p = vec![245u8; w * h];
        for y in 40..60 {
            for x in 20..180 {
                let edge = y == 40 || y == 59 || x == 20 || x == 179;
                p[y * w + x] = if edge { 120 } else { 20 };
            }
        }
        if ring {
            for y in 0..h {
                for x in 0..w {
                    let d = ((x as f32 - 100.0).powi(2) + (y as f32 - 50.0).powi(2)).sqrt();
                    if (35.0..45.0).contains(&d) && !(38..62).contains(&y) {
                        p[y * w + x] = 150;
                    }
                }
            }
        }
        p
    }

    #[test]
    fn two_inks_are_told_apart_only_where_the_lighter_lies_apart() {
        let (w, h) = (200, 100);
        let plain = block(false);
        let g = Gray {
            pixels: &plain,
            width: w,
            height: h,
        };
        assert_eq!(darker_ink(g, (0, 0, w, h), 8.0), None);
        let sealed = block(true);
        let g = Gray {
            pixels: &sealed,
            width: w,
            height: h,
        };
        let level = darker_ink(g, (0, 0, w, h), 8.0).expect("two inks");
        assert!((21..=150).contains(&level), "{level}");
    }

    #[test]
    fn growing_a_mask_reaches_r_either_way() {
        let line = [false, false, false, true, false, false, false, false];
        let mut out = [false; 8];
        grow(&line, 2, &mut out);
        assert_eq!(out, [false, true, true, true, true, true, false, false]);
    }
}
