//! Reading a comb as one digits-only field: the boxes side by side as one line and as one
//! word, and each box alone and repeated three times, as a word (the engine's single-line
//! and single-character modes often drop or misread a lone digit); per box the digit most
//! readings agree on wins, and its share of the readings is its confidence.
//! Each box is cut inside its border with a margin, so the border never touches the digit,
//! and scaled up to a height the engine reads best.

use crate::model::Dpi;
use crate::ocr::{Engine, OcrError, OcrInput, Region, RegionLayout};

use super::comb::Comb;
use super::gray::Gray;

const DIGITS: &str = "0123456789";
/// Height of a box's inside as given to the engine (digits then stand about 40 px high).
const CELL_PX: usize = 64;
/// White border around what the engine reads.
const PAD: usize = 12;

/// The digits of one comb and the confidence of its least sure digit (100: every reading
/// of every box agreed).
#[derive(Debug, Clone, PartialEq)]
pub struct CombValue {
    pub digits: String,
    pub confidence: f32,
}

/// One box's inside, scaled to `CELL_PX` high, dark digit on white; `None` when empty.
/// The digit's pixels come from the grey page `g` near the strokes the binarised page `b`
/// keeps (smooth edges read better than binary ones), stretched to full contrast; all else
/// is white.
fn cell_image(
    b: Gray<'_>,
    g: Gray<'_>,
    x0: usize,
    x1: usize,
    y0: usize,
    y1: usize,
) -> Option<Cell> {
    let margin = ((x1 - x0) / 8).max(2);
    let (x0, x1, y0, y1) = (
        x0 + margin,
        x1.saturating_sub(margin),
        y0 + margin,
        y1.saturating_sub(margin),
    );
    if x1 <= x0 + 2 || y1 <= y0 + 2 {
        return None;
    }
    let (cw, ch) = (x1 - x0, y1 - y0);
    let at = |img: Gray<'_>| -> Vec<u8> {
        (y0..y1)
            .flat_map(|y| (x0..x1).map(move |x| (x, y)))
            .map(|(x, y)| img.at(x, y))
            .collect()
    };
    let mut ink = at(b);
    if keep_main_strokes(&mut ink, cw) * 100 < cw * ch {
        return None; // under 1 % ink: an empty box
    }
    let grey = at(g);
    let near = |x: usize, y: usize| {
        (y.saturating_sub(1)..(y + 2).min(ch))
            .any(|yy| (x.saturating_sub(1)..(x + 2).min(cw)).any(|xx| ink[yy * cw + xx] == 0))
    };
    let mut sorted = grey.clone();
    sorted.sort_unstable();
    let dark = f32::from(sorted[sorted.len() / 50]);
    let paper = f32::from(sorted[sorted.len() * 9 / 10]).max(dark + 1.0);
    let crop: Vec<u8> = (0..cw * ch)
        .map(|i| {
            if !near(i % cw, i / cw) {
                return 255;
            }
            ((f32::from(grey[i]) - dark) / (paper - dark) * 255.0).clamp(0.0, 255.0) as u8
        })
        .collect();
    let scale = CELL_PX as f32 / ch as f32;
    let w = (cw as f32 * scale).round() as usize;
    let mut pixels = Vec::with_capacity(w * CELL_PX);
    for y in 0..CELL_PX {
        let fy = ((y as f32 + 0.5) / scale - 0.5).clamp(0.0, (ch - 1) as f32);
        for x in 0..w {
            let fx = ((x as f32 + 0.5) / scale - 0.5).clamp(0.0, (cw - 1) as f32);
            pixels.push(bilinear(&crop, cw, ch, fx, fy));
        }
    }
    Some(Cell { pixels, width: w })
}

fn bilinear(p: &[u8], w: usize, h: usize, fx: f32, fy: f32) -> u8 {
    let (x0, y0) = (fx as usize, fy as usize);
    let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
    let (ax, ay) = (fx - x0 as f32, fy - y0 as f32);
    let v = |x: usize, y: usize| f32::from(p[y * w + x]);
    let top = v(x0, y0) * (1.0 - ax) + v(x1, y0) * ax;
    let bottom = v(x0, y1) * (1.0 - ax) + v(x1, y1) * ax;
    (top * (1.0 - ay) + bottom * ay).round() as u8
}

/// Keep the ink components of a box that belong to its character (at least a sixth of the
/// largest one); specks and bits of the border go. Returns the ink pixels kept.
fn keep_main_strokes(crop: &mut [u8], width: usize) -> usize {
    let height = crop.len() / width;
    let mut label = vec![0u32; crop.len()];
    let mut sizes = vec![0usize];
    let mut stack = Vec::new();
    for start in 0..crop.len() {
        if crop[start] != 0 || label[start] != 0 {
            continue;
        }
        let id = sizes.len() as u32;
        sizes.push(0);
        label[start] = id;
        stack.push(start);
        while let Some(i) = stack.pop() {
            sizes[id as usize] += 1;
            let (x, y) = (i % width, i / width);
            for (dx, dy) in [
                (-1i64, 0i64),
                (1, 0),
                (0, -1),
                (0, 1),
                (-1, -1),
                (1, 1),
                (-1, 1),
                (1, -1),
            ] {
                let (nx, ny) = (x as i64 + dx, y as i64 + dy);
                if nx < 0 || ny < 0 || nx >= width as i64 || ny >= height as i64 {
                    continue;
                }
                let j = ny as usize * width + nx as usize;
                if crop[j] == 0 && label[j] == 0 {
                    label[j] = id;
                    stack.push(j);
                }
            }
        }
    }
    let largest = sizes.iter().copied().max().unwrap_or(0);
    let mut kept = 0;
    for (p, &l) in crop.iter_mut().zip(&label) {
        if l != 0 && sizes[l as usize] * 6 < largest {
            *p = 255;
        } else if l != 0 {
            kept += 1;
        }
    }
    kept
}

struct Cell {
    pixels: Vec<u8>,
    width: usize,
}

/// Lay `cells` side by side on white, `gap` apart, with a border of `PAD`.
fn strip(cells: &[&Cell], gap: usize) -> (Vec<u8>, usize, usize) {
    let width = 2 * PAD + cells.iter().map(|c| c.width).sum::<usize>() + gap * (cells.len() - 1);
    let height = CELL_PX + 2 * PAD;
    let mut out = vec![255u8; width * height];
    let mut left = PAD;
    for c in cells {
        for y in 0..CELL_PX {
            let row = &c.pixels[y * c.width..(y + 1) * c.width];
            out[(y + PAD) * width + left..(y + PAD) * width + left + c.width].copy_from_slice(row);
        }
        left += c.width + gap;
    }
    (out, width, height)
}

fn read(
    engine: &mut impl Engine,
    (pixels, width, height): &(Vec<u8>, usize, usize),
    layout: RegionLayout,
    dpi: Option<Dpi>,
) -> Result<Vec<(char, f32)>, OcrError> {
    let input = OcrInput {
        pixels,
        width: *width as u32,
        height: *height as u32,
        dpi,
    };
    let how = Region {
        layout,
        whitelist: Some(DIGITS),
    };
    let found = engine.recognise_region(input, how)?;
    Ok(found
        .words
        .iter()
        .flat_map(|w| {
            w.text
                .chars()
                .filter(char::is_ascii_digit)
                .map(move |c| (c, w.confidence))
        })
        .collect())
}

/// The digit most votes name (on a tie, the whole-line reading's) and its share of the
/// votes, 0–100; `None` without votes.
fn winner(votes: &[char], line: Option<char>) -> Option<(char, f32)> {
    let count = |c: char| votes.iter().filter(|&&v| v == c).count();
    let best = votes
        .iter()
        .copied()
        .max_by_key(|&c| (count(c), Some(c) == line))?;
    Some((best, 100.0 * count(best) as f32 / votes.len() as f32))
}

/// Read one comb from the binarised page `b` and the decoded page `g`. `None` when a box is empty or unreadable:
/// a partial number would be a wrong one.
///
/// # Errors
/// When the engine fails.
pub fn read_comb(
    b: Gray<'_>,
    g: Gray<'_>,
    comb: &Comb,
    engine: &mut impl Engine,
    px_per_mm: f32,
) -> Result<Option<CombValue>, OcrError> {
    let cells: Option<Vec<Cell>> = comb
        .cells
        .iter()
        .map(|&(x0, x1)| cell_image(b, g, x0, x1, comb.y0, comb.y1))
        .collect();
    let Some(cells) = cells else {
        return Ok(None);
    };
    // The engine sees digits scaled to CELL_PX: tell it the resolution that makes them so.
    let scale = CELL_PX as f32 / (comb.y1 - comb.y0) as f32;
    let dpi = Some(Dpi {
        x: px_per_mm * 25.4 * scale,
        y: px_per_mm * 25.4 * scale,
    });
    let refs: Vec<&Cell> = cells.iter().collect();
    let st = strip(&refs, CELL_PX / 3);
    // Whole-field readings: one vote each per box when they give one digit per box.
    let mut fields = Vec::new();
    for layout in [RegionLayout::Line, RegionLayout::Word] {
        let r = read(engine, &st, layout, dpi)?;
        fields.extend((r.len() == cells.len()).then_some(r));
    }
    let mut digits = String::new();
    let mut least = f32::MAX;
    for (i, cell) in cells.iter().enumerate() {
        let mut votes: Vec<char> = fields.iter().map(|f| f[i].0).collect();
        // The box alone as a word, and repeated three times (the majority of the three as
        // one vote): a lone digit is sometimes dropped or misread.
        let alone = read(engine, &strip(&[cell], 0), RegionLayout::Word, dpi)?;
        votes.extend((alone.len() == 1).then(|| alone[0].0));
        let thrice = read(
            engine,
            &strip(&[cell, cell, cell], CELL_PX / 3),
            RegionLayout::Word,
            dpi,
        )?;
        let thrice: Vec<char> = thrice.iter().map(|r| r.0).collect();
        votes.extend(winner(&thrice, None).filter(|w| w.1 > 50.0).map(|w| w.0));
        let Some((digit, share)) = winner(&votes, fields.first().map(|f| f[i].0)) else {
            return Ok(None);
        };
        digits.push(digit);
        least = least.min(share);
    }
    Ok(Some(CombValue {
        digits,
        confidence: least,
    }))
}
