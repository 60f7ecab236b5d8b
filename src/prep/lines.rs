//! Ruling lines and box borders: long horizontal and vertical runs of ink in the binarised
//! page. Printed letters are never that long in one direction, so runs longer than
//! [`Rulings::min_h`] / [`Rulings::min_v`] are rulings. Removing them keeps the letters: a
//! ruling pixel stays when a stroke crosses the ruling there (ink right beyond both sides of
//! the ruling's thickness).

use super::gray::Gray;
use super::stairs;

const HORIZONTAL: u8 = 1;
/// Pixels beside a ruling painted over with it: its blurred, anti-aliased edge.
const EDGE: usize = 2;
const VERTICAL: u8 = 2;

/// A vertical ruling: columns x0..=x1, rows y0..=y1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    pub x0: usize,
    pub x1: usize,
    pub y0: usize,
    pub y1: usize,
}

/// A horizontal ruling: rows y0..=y1, columns x0..x1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Across {
    pub x0: usize,
    pub x1: usize,
    pub y0: usize,
    pub y1: usize,
}

/// The rulings found on a page.
#[derive(Debug, Clone)]
pub struct Rulings {
    width: usize,
    /// Per pixel: HORIZONTAL and/or VERTICAL when on a ruling.
    mask: Vec<u8>,
    /// Vertical rulings, left to right (box sides, table columns).
    pub vertical: Vec<Segment>,
    /// Horizontal rulings, top to bottom (table rows, box tops and bottoms).
    pub horizontal: Vec<Across>,
    /// Pixels on horizontal rulings.
    pub horizontal_px: usize,
}

/// Shortest run taken for a horizontal ruling, in mm (a letter is far shorter).
pub const MIN_H_MM: f32 = 12.0;
/// Shortest run taken for a vertical ruling, in mm (the tallest letter with its marks
/// stays under 5 mm at 14 pt; a box of a comb is 6–8 mm high).
pub const MIN_V_MM: f32 = 5.5;

/// Find the rulings of a binarised page (0 = ink).
pub fn find(b: Gray<'_>, px_per_mm: f32) -> Rulings {
    let (w, h) = (b.width, b.height);
    let min_h = (MIN_H_MM * px_per_mm) as usize;
    let min_v = (MIN_V_MM * px_per_mm) as usize;
    let mut mask = vec![0u8; w * h];
    let mut horizontal_px = 0;
    let mut horizontal = Vec::new();
    // Runs bridge gaps of up to `gap` paper pixels: a ruling on a photocopy is broken by
    // noise and by binarisation; only its ink pixels are marked.
    let gap = ((0.3 * px_per_mm) as usize).max(1);
    let piece = (1.5 * px_per_mm) as usize;
    let mut pieces = Vec::new();
    for y in 0..h {
        let row = &b.pixels[y * w..(y + 1) * w];
        for (start, end) in runs_of(|x| row[x] == 0, w, gap) {
            if (piece..min_h).contains(&(end - start)) {
                pieces.push(stairs::Piece {
                    y,
                    x0: start,
                    x1: end,
                });
            }
            if end - start >= min_h {
                // The bridged gaps too: they hold the ruling's fainter pixels.
                for x in start..end {
                    mask[y * w + x] = HORIZONTAL;
                }
                horizontal_px += end - start;
                horizontal.push(Across {
                    x0: start,
                    x1: end,
                    y0: y,
                    y1: y,
                });
            }
        }
    }
    let thick = px_per_mm.ceil() as usize;
    for p in stairs::rulings(&pieces, min_h, thick).into_iter().flatten() {
        for x in p.x0..p.x1 {
            mask[p.y * w + x] = HORIZONTAL;
        }
        horizontal_px += p.x1 - p.x0;
        horizontal.push(Across {
            x0: p.x0,
            x1: p.x1,
            y0: p.y,
            y1: p.y,
        });
    }
    // Rows in order, as `merge_across` chains them.
    horizontal.sort_by_key(|a| (a.y0, a.x0));
    if horizontal_px > 0 {
        horizontal_px += extend_horizontal(b, &mut mask, (1.5 * px_per_mm) as usize, gap);
    }
    let (bridged, runs, pieces) = vertical_runs(b, gap, min_v, piece);
    let tilted = tilted_vertical(pieces, min_v, thick);
    // A short vertical run is a box side or a table column only when a horizontal ruling
    // meets one of its ends; alone it is the stem of a large letter (a heading's L, a
    // sideways page's text), which must stay.
    let reach = (1.5 * px_per_mm) as usize;
    let anchored = |x: usize, y0: usize, y1: usize| {
        y1 - y0 >= min_h
            || near_horizontal(&mask, w, h, x, y0, reach)
            || near_horizontal(&mask, w, h, x, y1, reach)
    };
    let bridged: Vec<_> = bridged
        .into_iter()
        .filter(|&(x, start, end)| anchored(x, start, end.saturating_sub(1)))
        .collect();
    let mut runs: Vec<Segment> = runs
        .into_iter()
        .filter(|s| anchored(s.x0, s.y0, s.y1))
        .collect();
    let tilted: Vec<_> = tilted
        .into_iter()
        .filter(|(s, _)| anchored(s.x0, s.y0, s.y1) || anchored(s.x1, s.y0, s.y1))
        .collect();
    for (x, start, end) in bridged {
        for y in start..end {
            mask[y * w + x] |= VERTICAL;
        }
    }
    for (side, chain) in tilted {
        for p in chain {
            for y in p.x0..p.x1 {
                mask[y * w + p.y] |= VERTICAL;
            }
        }
        runs.push(side);
    }
    runs.sort_by_key(|s| (s.x0, s.y0));
    if !runs.is_empty() || horizontal_px > 0 {
        extend_vertical(b, &mut mask, (1.5 * px_per_mm) as usize, gap);
    }
    Rulings {
        width: w,
        mask,
        vertical: merge(runs),
        horizontal: merge_across(horizontal),
        horizontal_px,
    }
}

/// Most passes over the page that chain the pieces of a stepped ruling. A pass top to
/// bottom chains every piece of a ruling that steps down; the next, bottom to top, every
/// piece of one that steps up; a ruling warped both ways needs more.
const CHAIN_PASSES: usize = 4;

/// Rows top to bottom on even passes, bottom to top on odd ones.
fn pass_order(pass: usize, len: usize) -> Box<dyn Iterator<Item = usize>> {
    if pass.is_multiple_of(2) {
        Box::new(0..len)
    } else {
        Box::new((0..len).rev())
    }
}

/// A slightly skewed ruling steps from row to row, leaving pieces shorter than a ruling
/// at its ends: runs of at least `min` pixels that continue a marked ruling diagonally
/// from the row above or below are marked too, pass after pass (down the page, then up,
/// so pieces chain whichever way the ruling steps) until none is added. Returns the pixels
/// added.
fn extend_horizontal(b: Gray<'_>, mask: &mut [u8], min: usize, gap: usize) -> usize {
    let (w, h) = (b.width, b.height);
    let mut added = 0;
    for pass in 0..CHAIN_PASSES {
        let before = added;
        for y in pass_order(pass, h) {
            let row = &b.pixels[y * w..(y + 1) * w];
            for (start, end) in runs_of(|x| row[x] == 0, w, gap) {
                if end - start < min || mask[y * w + start] & HORIZONTAL != 0 {
                    continue;
                }
                let marked = |x: usize| {
                    [y.wrapping_sub(1), y + 1]
                        .into_iter()
                        .filter(|&yy| yy < h)
                        .any(|yy| mask[yy * w + x] & HORIZONTAL != 0)
                };
                let touches = (start > 0 && marked(start - 1))
                    || (end < w && marked(end))
                    || marked(start)
                    || marked(end - 1);
                if touches {
                    for x in start..end {
                        mask[y * w + x] |= HORIZONTAL;
                    }
                    added += end - start;
                }
            }
        }
        if added == before {
            break;
        }
    }
    added
}

/// As [`extend_horizontal`], along columns: pieces of a vertical ruling that noise or a
/// slight skew broke off, continuing a marked one at their ends. Only run on pages that
/// have rulings (walking columns costs more than rows).
fn extend_vertical(b: Gray<'_>, mask: &mut [u8], min: usize, gap: usize) {
    let (w, h) = (b.width, b.height);
    // Only columns beside a vertical ruling can hold its pieces.
    let mut marked = vec![false; w];
    for y in (0..h).step_by(2) {
        for (x, m) in marked.iter_mut().enumerate() {
            *m |= mask[y * w + x] & VERTICAL != 0;
        }
    }
    let near: Vec<bool> = (0..w)
        .map(|x| marked[x.saturating_sub(2)..(x + 3).min(w)].contains(&true))
        .collect();
    for pass in 0..CHAIN_PASSES {
        let mut added = false;
        for x in pass_order(pass, w).filter(|&x| near[x]) {
            let ink = |y: usize| b.pixels[y * w + x] == 0;
            for (start, end) in runs_of(ink, h, gap) {
                if end - start < min || mask[start * w + x] & VERTICAL != 0 {
                    continue;
                }
                let marked = |y: usize| {
                    [x.wrapping_sub(1), x, x + 1]
                        .into_iter()
                        .filter(|&xx| xx < w)
                        .any(|xx| mask[y * w + xx] & VERTICAL != 0)
                };
                let touches = (start > 0 && marked(start - 1)) || (end < h && marked(end));
                if touches {
                    for y in start..end {
                        mask[y * w + x] |= VERTICAL;
                    }
                    added = true;
                }
            }
        }
        if !added {
            break;
        }
    }
}

/// Vertical runs of at least `min` pixels, scanned row by row (the page's memory order) with
/// one open run per column: (x, start, end) bridging gaps up to `gap`, for removal; and the
/// unbroken ones as segments, whose ends must be exact for combs.
/// Whether a horizontal ruling passes within `reach` pixels of (x, y).
fn near_horizontal(mask: &[u8], w: usize, h: usize, x: usize, y: usize, reach: usize) -> bool {
    let (x0, x1) = (x.saturating_sub(reach), (x + reach).min(w - 1));
    let (y0, y1) = (y.saturating_sub(reach), (y + reach).min(h - 1));
    (y0..=y1).any(|yy| (x0..=x1).any(|xx| mask[yy * w + xx] & HORIZONTAL != 0))
}

/// Thin vertical rulings left tilted (see `stairs.rs`), from the column runs too short to be
/// rulings alone: each as the segment it spans and its pieces (rows and columns swapped).
fn tilted_vertical(
    mut pieces: Vec<stairs::Piece>,
    min: usize,
    thick: usize,
) -> Vec<(Segment, Vec<stairs::Piece>)> {
    pieces.sort_by_key(|p| (p.y, p.x0));
    stairs::rulings(&pieces, min, thick)
        .into_iter()
        .map(|chain| {
            let side = Segment {
                x0: chain.iter().map(|p| p.y).min().unwrap_or(0),
                x1: chain.iter().map(|p| p.y).max().unwrap_or(0),
                y0: chain.iter().map(|p| p.x0).min().unwrap_or(0),
                y1: chain.iter().map(|p| p.x1 - 1).max().unwrap_or(0),
            };
            (side, chain)
        })
        .collect()
}

type VerticalRuns = (Vec<(usize, usize, usize)>, Vec<Segment>, Vec<stairs::Piece>);

fn vertical_runs(b: Gray<'_>, gap: usize, min: usize, piece: usize) -> VerticalRuns {
    let w = b.width;
    // Per column: start of the bridged run, end (one past its last ink), start of the
    // unbroken run; usize::MAX when none is open.
    let mut open = vec![(usize::MAX, 0usize, usize::MAX); w];
    let (mut bridged, mut unbroken, mut short) = (Vec::new(), Vec::new(), Vec::new());
    for y in 0..=b.height {
        let row = (y < b.height).then(|| &b.pixels[y * w..(y + 1) * w]);
        for (x, o) in open.iter_mut().enumerate() {
            let ink = row.is_some_and(|r| r[x] == 0);
            if ink {
                if o.0 == usize::MAX || y > o.1 + gap {
                    if o.0 != usize::MAX && o.1 - o.0 >= min {
                        bridged.push((x, o.0, o.1));
                    }
                    o.0 = y;
                }
                o.1 = y + 1;
                if o.2 == usize::MAX {
                    o.2 = y;
                }
                continue;
            }
            if o.2 != usize::MAX {
                if y - o.2 >= min {
                    unbroken.push(Segment {
                        x0: x,
                        x1: x,
                        y0: o.2,
                        y1: y - 1,
                    });
                } else if y - o.2 >= piece {
                    short.push(stairs::Piece {
                        y: x,
                        x0: o.2,
                        x1: y,
                    });
                }
                o.2 = usize::MAX;
            }
            if o.0 != usize::MAX && (row.is_none() || y > o.1 + gap) {
                if o.1 - o.0 >= min {
                    bridged.push((x, o.0, o.1));
                }
                o.0 = usize::MAX;
            }
        }
    }
    (bridged, unbroken, short)
}

/// Runs of ink along one line of `len` pixels (`ink(i)`), bridging up to `gap` paper
/// pixels; each run starts and ends on ink.
fn runs_of(ink: impl Fn(usize) -> bool, len: usize, gap: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < len {
        if !ink(i) {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i + 1;
        let mut j = i + 1;
        while j < len && j - end <= gap {
            if ink(j) {
                end = j + 1;
            }
            j += 1;
        }
        out.push((start, end));
        i = j.max(end);
    }
    out
}

/// Adjacent column runs that mostly overlap make one ruling of some thickness. A side
/// tilted by a fraction of a degree (a page warped in the scanner, which deskew cannot make
/// straight everywhere) spreads over two or three columns whose runs start and end some rows
/// apart: they are one side, whose ends are the union of theirs.
fn merge(runs: Vec<Segment>) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    for r in runs {
        let near = |s: &Segment| s.x1 + 1 == r.x0 && mostly_overlap(s, &r);
        if let Some(&i) = open.iter().find(|&&i| near(&out[i])) {
            let s = &mut out[i];
            s.x1 = r.x0;
            s.y0 = s.y0.min(r.y0);
            s.y1 = s.y1.max(r.y1);
        } else {
            out.push(r);
        }
        open = (0..out.len()).filter(|&i| out[i].x1 + 1 >= r.x0).collect();
    }
    out
}

/// Whether the rows of `a` and `b` overlap by at least half of the shorter one (their ends
/// within 3 rows always do).
fn mostly_overlap(a: &Segment, b: &Segment) -> bool {
    if a.y0.abs_diff(b.y0) <= 3 && a.y1.abs_diff(b.y1) <= 3 {
        return true;
    }
    let overlap = (a.y1.min(b.y1) + 1).saturating_sub(a.y0.max(b.y0));
    let shorter = (a.y1 - a.y0).min(b.y1 - b.y0) + 1;
    overlap * 2 >= shorter
}

/// Runs on adjacent rows that overlap or touch make one ruling: a thick one, or a slightly
/// skewed one, which steps from row to row (runs come top to bottom). A thin tilted ruling
/// may fade for a row where it steps, so runs `TOUCH` rows apart still join.
fn merge_across(runs: Vec<Across>) -> Vec<Across> {
    const TOUCH: usize = 3;
    let mut out: Vec<Across> = Vec::new();
    for r in runs {
        let joins =
            |s: &Across| r.y0 <= s.y1 + TOUCH && r.x0 <= s.x1 + TOUCH && s.x0 <= r.x1 + TOUCH;
        // A run may join several pieces of one ruling (broken on the row above): they
        // become one.
        let mut merged = r;
        let before = out.len();
        out.retain(|s| {
            if !joins(s) {
                return true;
            }
            merged.x0 = merged.x0.min(s.x0);
            merged.x1 = merged.x1.max(s.x1);
            merged.y0 = merged.y0.min(s.y0);
            false
        });
        if out.len() == before {
            out.push(r);
        } else {
            out.push(merged);
        }
    }
    out.sort_by_key(|a| a.y0);
    out
}

impl Rulings {
    pub fn is_empty(&self) -> bool {
        self.horizontal_px == 0 && self.vertical.is_empty()
    }

    /// Drop the per-pixel mask once the rulings are erased: afterwards only the vertical
    /// segments are used (digit combs), and the mask is as large as the page, which waits
    /// for the engine with it. The rulings then mark no pixel.
    pub fn release_mask(&mut self) {
        self.mask = Vec::new();
    }

    fn at(&self, x: usize, y: usize) -> u8 {
        self.mask.get(y * self.width + x).copied().unwrap_or(0)
    }

    /// Whether the ruling pixel (x, y) is where a letter's stroke crosses the ruling.
    fn crossed(&self, b: Gray<'_>, x: usize, y: usize) -> bool {
        let ink = |x: usize, y: usize| b.at(x, y) == 0 && self.at(x, y) == 0;
        let m = self.at(x, y);
        if m & HORIZONTAL != 0 {
            let (mut t, mut e) = (y, y);
            while t > 0 && self.at(x, t - 1) & HORIZONTAL != 0 {
                t -= 1;
            }
            while e + 1 < b.height && self.at(x, e + 1) & HORIZONTAL != 0 {
                e += 1;
            }
            if t > 0 && e + 1 < b.height && ink(x, t - 1) && ink(x, e + 1) {
                return true;
            }
        }
        if m & VERTICAL != 0 && m & HORIZONTAL == 0 {
            let (mut l, mut r) = (x, x);
            while l > 0 && self.at(l - 1, y) & VERTICAL != 0 {
                l -= 1;
            }
            while r + 1 < b.width && self.at(r + 1, y) & VERTICAL != 0 {
                r += 1;
            }
            if l > 0 && r + 1 < b.width && ink(l - 1, y) && ink(r + 1, y) {
                return true;
            }
        }
        false
    }

    /// Paint the rulings of `pixels` (the page `b` was binarised from, or `b` itself) with
    /// `paper`, and the pixels each side of them, which hold their blurred edge.
    pub fn erase(&self, b: Gray<'_>, pixels: &mut [u8], paper: u8) {
        let w = self.width;
        for y in 0..b.height {
            for x in 0..w {
                if self.at(x, y) == 0 || self.crossed(b, x, y) {
                    continue;
                }
                pixels[y * w + x] = paper;
                let m = self.at(x, y);
                // The ruling's ragged edge: pixels within EDGE of it, unless ink goes on past
                // EDGE there (a stroke touching the ruling).
                let (h, ww) = (b.height as i64, w as i64);
                let beyond_is_paper = |px: i64, py: i64| {
                    px < 0 || py < 0 || px >= ww || py >= h || b.at(px as usize, py as usize) != 0
                };
                for dir in [-1i64, 1] {
                    let (dx, dy) = if m & HORIZONTAL != 0 {
                        (0, dir)
                    } else {
                        (dir, 0)
                    };
                    let far = (
                        x as i64 + dx * (EDGE as i64 + 1),
                        y as i64 + dy * (EDGE as i64 + 1),
                    );
                    if !beyond_is_paper(far.0, far.1) {
                        continue;
                    }
                    for d in 1..=EDGE as i64 {
                        let (px, py) = (x as i64 + dx * d, y as i64 + dy * d);
                        if px >= 0 && py >= 0 && px < ww && py < h {
                            pixels[py as usize * w + px as usize] = paper;
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ruling_goes_and_the_stroke_crossing_it_stays() {
        let (w, h) = (200usize, 40usize);
        let mut px = vec![255u8; w * h];
        for x in 10..190 {
            for y in 20..22 {
                px[y * w + x] = 0; // the ruling
            }
        }
        for y in 12..30 {
            px[y * w + 100] = 0; // a stroke crossing it
        }
        let b = Gray {
            pixels: &px,
            width: w,
            height: h,
        };
        let rulings = find(b, 4.0);
        assert_eq!(rulings.horizontal_px, 2 * 180);
        let mut out = px.clone();
        rulings.erase(b, &mut out, 255);
        assert!((10..190)
            .filter(|&x| x != 100)
            .all(|x| out[20 * w + x] == 255));
        assert!((12..30).all(|y| out[y * w + 100] == 0), "the stroke is cut");
    }

    /// A comb of twelve boxes drawn with lines one pixel thick, tilted by `degrees`, on a
    /// page of 200 dpi (as a photocopy left within deskew's dead band gives it).
    fn tilted_comb(degrees: f32) -> (Vec<u8>, usize, usize) {
        let (w, h) = (700usize, 200usize);
        let mut px = vec![255u8; w * h];
        let (sin, cos) = degrees.to_radians().sin_cos();
        let mut ink = |x: f32, y: f32| {
            let (rx, ry) = (x * cos + y * sin + 60.0, -x * sin + y * cos + 100.0);
            px[ry.round() as usize * w + rx.round() as usize] = 0;
        };
        let (cell, tall) = (40.0, 56.0);
        for k in 0..=12 {
            for t in 0..=560 {
                let y = t as f32 / 10.0;
                ink(k as f32 * cell, y);
            }
        }
        for t in 0..=4800 {
            let x = t as f32 / 10.0;
            ink(x, 0.0);
            ink(x, tall);
        }
        (px, w, h)
    }

    #[test]
    fn a_thin_comb_tilted_within_the_dead_band_keeps_its_twelve_boxes() {
        for degrees in [1.0, -1.2] {
            let (px, w, h) = tilted_comb(degrees);
            let b = Gray {
                pixels: &px,
                width: w,
                height: h,
            };
            let rulings = find(b, 200.0 / 25.4);
            let combs = super::super::comb::find(&rulings.vertical);
            assert_eq!(combs.len(), 1, "at {degrees}°: {:?}", rulings.vertical);
            assert_eq!(combs[0].cells.len(), 12, "at {degrees}°");
            assert!(rulings.horizontal.len() <= 2, "{:?}", rulings.horizontal);
        }
    }
}
