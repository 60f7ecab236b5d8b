//! Measurable properties of a page, on which the cleaning decision rests: the paper's
//! level and how much it varies across the page, how much of the page is mid-grey (neither
//! paper nor ink: speckle, show-through, a copier's grey), and the ink. Measured on a copy
//! reduced to about 1 mm per cell of 4×4 px blocks, so this costs little on any page.

use super::gray::{reduce, Gray};

/// The properties of one page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageProps {
    /// Median paper level over the page's blocks (0 black .. 255 white).
    pub background: f32,
    /// Spread of the paper level between blocks (90th − 10th percentile): uneven light.
    pub spread: f32,
    /// Median level of the darkest pixels: the ink.
    pub ink: f32,
    /// Share of pixels between ink and paper by more than a quarter of the contrast each
    /// side. A clean scan has only the anti-aliased edges of its letters there.
    pub grey: f32,
    /// Share of pixels a little darker than the paper (by 8–30 % of the contrast): faint
    /// text showing through from the back of the sheet, a copier's toner haze.
    pub faint: f32,
}

fn percentile(values: &[u8], p: f32) -> f32 {
    f32::from(super::gray::percentile(values, p))
}

/// `percentile` for a small cell: selecting in place beats counting 256 levels.
fn cell_percentile(values: &mut [u8], p: f32) -> u8 {
    let i = ((values.len() - 1) as f32 * p).round() as usize;
    *values.select_nth_unstable(i).1
}

/// Measure a page. `px_per_mm` sets the reduction (about 4 cells per millimetre).
pub fn measure(g: Gray<'_>, px_per_mm: f32) -> PageProps {
    let f = ((px_per_mm / 4.0).round() as usize).clamp(1, 8);
    let (small, w, h) = reduce(g, f);
    // Paper level per block of 16×16 reduced cells (about 4 mm): its 80th percentile.
    let mut blocks = Vec::new();
    let mut cell = Vec::with_capacity(256);
    for by in (0..h.saturating_sub(15)).step_by(16) {
        for bx in (0..w.saturating_sub(15)).step_by(16) {
            cell.clear();
            for y in by..by + 16 {
                cell.extend_from_slice(&small[y * w + bx..y * w + bx + 16]);
            }
            blocks.push(cell_percentile(&mut cell, 0.8));
        }
    }
    let background = percentile(&blocks, 0.5);
    let spread = percentile(&blocks, 0.9) - percentile(&blocks, 0.1);
    let ink = percentile(&small, 0.005).min(background);
    let contrast = (background - ink).max(1.0);
    let (lo, hi) = (ink + contrast * 0.25, background - contrast * 0.25);
    let grey = small
        .iter()
        .filter(|&&v| f32::from(v) > lo && f32::from(v) < hi)
        .count() as f32
        / small.len().max(1) as f32;
    let (lo, hi) = (background - contrast * 0.3, background - contrast * 0.08);
    let faint = small
        .iter()
        .filter(|&&v| f32::from(v) > lo && f32::from(v) < hi)
        .count() as f32
        / small.len().max(1) as f32;
    PageProps {
        background,
        spread,
        ink,
        grey,
        faint,
    }
}
