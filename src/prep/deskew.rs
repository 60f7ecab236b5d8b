//! Skew: how far a page's text lines are tilted, measured by projection profiles, and the
//! rotation that straightens them.
//!
//! Text lines summed along their own direction give a profile of tall peaks (lines) and empty
//! valleys (the gaps between them); summed along any other direction the peaks smear out. The
//! angle whose profile is sharpest (largest sum of squared bin counts) is the skew. The search
//! runs on a small binarised copy (1° steps over ±12°, then 0.1° and 0.02° steps around the
//! best), so it costs a few milliseconds against the engine's half second or more per page.
//!
//! The same search across columns instead of rows tells whether the lines run vertically, a
//! cheap sign that the page lies sideways.
//!
//! Pages within the dead band are left exactly as decoded: the engine reads a small tilt well,
//! and resampling would only soften the strokes.

use super::gray::{reduce, Gray};
use crate::decode::PageImage;

/// Tilts smaller than this (degrees) are left alone.
pub const DEAD_BAND: f32 = 1.5;
/// Widest tilt searched, degrees.
const MAX_ANGLE: f32 = 12.0;
/// Search steps, degrees: coarse over the whole range, then two refinements around the best.
const STEPS: [f32; 3] = [1.0, 0.1, 0.02];
/// The working copy's longer side, pixels: text lines of a 10 pt font stay several pixels tall
/// on an A4 page.
const WORK_SIDE: u32 = 750;
/// The best angle must sharpen the profile this much over the page as it is, or the page has
/// no text lines to go by (a photograph, a stamp, noise) and is left alone.
const MIN_GAIN: f64 = 1.1;
/// Lines run vertically when the column profile is this much sharper than the row profile.
const SIDEWAYS_RATIO: f64 = 1.2;

/// What the search found on one page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Skew {
    /// Tilt of the text lines, degrees, counter-clockwise positive; 0 when none was found.
    pub degrees: f32,
    /// The lines run vertically: the page probably lies on its side.
    pub sideways: bool,
}

impl Skew {
    /// The tilt worth correcting, if any.
    pub fn correction(&self) -> Option<f32> {
        (self.degrees.abs() >= DEAD_BAND).then_some(self.degrees)
    }
}

/// Measure the skew of a page.
pub fn measure(page: &PageImage) -> Skew {
    let ink = ink_points(page);
    if ink.len() < 50 {
        return Skew {
            degrees: 0.0,
            sideways: false,
        };
    }
    let rows = coarse(&ink, Axis::Rows);
    let cols = coarse(&ink, Axis::Columns);
    let sideways = cols.score > rows.score * SIDEWAYS_RATIO;
    let (axis, best) = if sideways {
        (Axis::Columns, cols)
    } else {
        (Axis::Rows, rows)
    };
    let best = refine(&ink, axis, best);
    let degrees = if best.score > best.level * MIN_GAIN {
        best.angle
    } else {
        0.0
    };
    Skew { degrees, sideways }
}

/// Rotate a page clockwise by `degrees` about its centre onto a white canvas of the same size
/// (bilinear). Straightens a page whose lines tilt counter-clockwise by `degrees`.
pub fn rotate(page: &PageImage, degrees: f32) -> PageImage {
    let (w, h) = (page.width as usize, page.height as usize);
    let (sin, cos) = (degrees as f64).to_radians().sin_cos();
    let (cx, cy) = ((w as f64 - 1.0) / 2.0, (h as f64 - 1.0) / 2.0);
    let mut out = vec![255u8; w * h];
    for (yo, row) in out.chunks_exact_mut(w.max(1)).enumerate() {
        let dy = yo as f64 - cy;
        // Source of output pixel (xo, yo): the inverse (counter-clockwise) rotation.
        let mut sx = -cx * cos + dy * sin + cx;
        let mut sy = cx * sin + dy * cos + cy;
        for px in row.iter_mut() {
            if let Some(v) = sample(page, sx, sy) {
                *px = v;
            }
            sx += cos;
            sy -= sin;
        }
    }
    PageImage {
        index: page.index,
        width: page.width,
        height: page.height,
        pixels: out,
        dpi: page.dpi,
    }
}

/// Bilinear sample at (x, y); `None` outside the page.
fn sample(page: &PageImage, x: f64, y: f64) -> Option<u8> {
    let (w, h) = (page.width as usize, page.height as usize);
    if x < 0.0 || y < 0.0 || x > (w - 1) as f64 || y > (h - 1) as f64 {
        return None;
    }
    let (x0, y0) = (x as usize, y as usize);
    let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
    let (fx, fy) = (x - x0 as f64, y - y0 as f64);
    let p = |x: usize, y: usize| page.pixels[y * w + x] as f64;
    let top = p(x0, y0) * (1.0 - fx) + p(x1, y0) * fx;
    let bottom = p(x0, y1) * (1.0 - fx) + p(x1, y1) * fx;
    Some((top * (1.0 - fy) + bottom * fy).round() as u8)
}

#[derive(Clone, Copy)]
enum Axis {
    Rows,
    Columns,
}

#[derive(Clone, Copy)]
struct Best {
    angle: f32,
    score: f64,
    /// The score of the page as it is (angle 0).
    level: f64,
}

/// The sharpest profile along one axis at the coarse steps.
fn coarse(ink: &[(f32, f32)], axis: Axis) -> Best {
    let level = sharpness(ink, axis, 0.0);
    let mut best = Best {
        angle: 0.0,
        score: level,
        level,
    };
    let steps = (MAX_ANGLE / STEPS[0]).round() as i32;
    for i in -steps..=steps {
        consider(&mut best, ink, axis, i as f32 * STEPS[0]);
    }
    best
}

/// Finer steps around the coarse best, each within one step of the previous size.
fn refine(ink: &[(f32, f32)], axis: Axis, mut best: Best) -> Best {
    for pair in STEPS.windows(2) {
        let (outer, step) = (pair[0], pair[1]);
        let centre = best.angle;
        let n = (outer / step).round() as i32;
        for i in -n..=n {
            consider(&mut best, ink, axis, centre + i as f32 * step);
        }
    }
    best
}

fn consider(best: &mut Best, ink: &[(f32, f32)], axis: Axis, angle: f32) {
    let score = sharpness(ink, axis, angle);
    if score > best.score {
        best.angle = angle;
        best.score = score;
    }
}

/// Sum of squared bin counts of the ink projected across lines tilted counter-clockwise by
/// `angle` (rows) or of columns tilted the same way.
fn sharpness(ink: &[(f32, f32)], axis: Axis, angle: f32) -> f64 {
    let (sin, cos) = angle.to_radians().sin_cos();
    let project = |&(x, y): &(f32, f32)| match axis {
        // A line y = y0 - x·tan(a) has y·cos(a) + x·sin(a) constant.
        Axis::Rows => y * cos + x * sin,
        Axis::Columns => x * cos - y * sin,
    };
    let (lo, hi) = ink
        .iter()
        .map(project)
        .fold((f32::MAX, f32::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let mut counts = vec![0u32; (hi - lo).max(0.0) as usize + 1];
    for p in ink {
        counts[(project(p) - lo) as usize] += 1;
    }
    counts.iter().map(|&c| f64::from(c) * f64::from(c)).sum()
}

/// Ink pixels of a reduced, binarised copy of the page, in the copy's coordinates.
fn ink_points(page: &PageImage) -> Vec<(f32, f32)> {
    let (w, h) = (page.width as usize, page.height as usize);
    if w == 0 || h == 0 || page.pixels.len() < w * h {
        return Vec::new();
    }
    let factor = (page.width.max(page.height)).div_ceil(WORK_SIDE).max(1) as usize;
    let g = Gray {
        pixels: &page.pixels,
        width: w,
        height: h,
    };
    let (small, sw, _) = reduce(g, factor);
    let threshold = otsu(&small);
    small
        .iter()
        .enumerate()
        .filter(|(_, &v)| v < threshold)
        .map(|(i, _)| ((i % sw) as f32, (i / sw) as f32))
        .collect()
}

/// Otsu's threshold of an 8-bit image: the level that best splits ink from paper.
fn otsu(pixels: &[u8]) -> u8 {
    let hist = super::gray::histogram(pixels);
    super::gray::otsu(&hist, 256).map_or(0, |s| s.level)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A white page with lines of "words" (dark dashes) every 40 pixels.
    fn lines(width: u32, height: u32) -> PageImage {
        let mut pixels = vec![250u8; (width * height) as usize];
        for y in (100..height - 100).step_by(40) {
            for x in 80..width - 80 {
                if (x / 30) % 4 != 3 {
                    for dy in 0..12 {
                        pixels[((y + dy) * width + x) as usize] = 20;
                    }
                }
            }
        }
        PageImage {
            index: 0,
            width,
            height,
            pixels,
            dpi: None,
        }
    }

    #[test]
    fn tilt_is_measured_with_its_sign_and_straight_pages_are_left_alone() {
        let page = lines(1200, 1600);
        let straight = measure(&page);
        assert_eq!(straight.correction(), None);
        assert!(!straight.sideways);
        // Rotated clockwise, the lines tilt clockwise: a negative (counter-clockwise) tilt.
        for degrees in [4.0f32, -8.0, 11.0] {
            let found = measure(&rotate(&page, degrees));
            assert!(
                (found.degrees + degrees).abs() < 0.2,
                "{degrees}: {found:?}"
            );
            assert_eq!(found.correction(), Some(found.degrees));
        }
        let slight = measure(&rotate(&page, 0.8));
        assert_eq!(slight.correction(), None, "{slight:?}");
    }

    #[test]
    fn vertical_lines_are_a_sideways_page_and_a_blank_page_has_no_tilt() {
        let turned = crate::prep::quarter_turn(&lines(1200, 1600), 90);
        assert!(measure(&turned).sideways);
        let blank = PageImage {
            pixels: vec![250; 1200 * 1600],
            ..lines(1200, 1600)
        };
        assert_eq!(measure(&blank).degrees, 0.0);
    }
}
