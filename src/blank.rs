//! Blank-page detection from pixels, before OCR. A scanned back side is not white: it has
//! paper tone, sensor noise, dust specks and JPEG ringing, and the engine happily "reads"
//! such noise as lines of garbage with low confidence. A page is blank when almost none of it
//! is ink, counting as ink only pixels clearly darker than the paper that sit inside a
//! solid stroke (most of their neighbours are ink too), which drops isolated specks and noise
//! but keeps any real character stroke two pixels wide or more.

/// How much darker than the paper a pixel must be to count as ink, as a share of the
/// paper's own level: a quarter (60 levels on white paper). A fixed number of levels would
/// call an underexposed scan blank: its paper may be at 32 and its ink at 10, all of it
/// under any fixed contrast.
const INK_CONTRAST_DIVISOR: u8 = 4;
/// Ink pixels need at least this many of their 8 neighbours inked.
const SOLID_NEIGHBOURS: u32 = 5;
/// Below this share of solid ink pixels the page is blank. One short typed word on an A4
/// page at 200 dpi is about 0.03%; dust on a blank back side stays well under 0.005%.
const BLANK_INK_SHARE: f64 = 0.0001;

/// What [`analyse`] measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InkMeasure {
    /// Grey level of the paper (the median pixel).
    pub paper: u8,
    /// Share of the page, 0–1, covered by solid ink.
    pub ink_share: f64,
}

impl InkMeasure {
    pub fn is_blank(&self) -> bool {
        self.ink_share < BLANK_INK_SHARE
    }
}

/// Measure the ink of a page.
pub fn analyse(pixels: &[u8], width: u32, height: u32) -> InkMeasure {
    let (paper, solid) = count(pixels, width, height, u64::MAX);
    let area = (u64::from(width) * u64::from(height)).max(1);
    InkMeasure {
        paper,
        ink_share: solid as f64 / area as f64,
    }
}

/// Whether a page is blank: the same decision as `analyse(..).is_blank()`, but counting
/// stops as soon as the page holds enough ink, so a page of text costs one histogram and
/// a few lines of counting.
pub fn is_blank(pixels: &[u8], width: u32, height: u32) -> bool {
    let area = u64::from(width) * u64::from(height);
    // The smallest count at which `count / area < BLANK_INK_SHARE` no longer holds.
    let enough = (BLANK_INK_SHARE * area as f64).ceil() as u64;
    let (_, solid) = count(pixels, width, height, enough.max(1));
    (solid as f64 / area.max(1) as f64) < BLANK_INK_SHARE
}

/// The paper level and the number of solid ink pixels, counted until `stop` is reached.
fn count(pixels: &[u8], width: u32, height: u32, stop: u64) -> (u8, u64) {
    let (w, h) = (width as usize, height as usize);
    if w < 3 || h < 3 || pixels.len() < w * h {
        return (255, 0);
    }
    let paper = median(&pixels[..w * h]);
    let cut = paper - paper / INK_CONTRAST_DIVISOR;
    let ink = |x: usize, y: usize| u32::from(pixels[y * w + x] < cut);
    let mut solid = 0u64;
    for y in 1..h - 1 {
        let row = &pixels[y * w..(y + 1) * w];
        for x in (1..w - 1).filter(|&x| row[x] < cut) {
            let around = ink(x - 1, y - 1)
                + ink(x, y - 1)
                + ink(x + 1, y - 1)
                + ink(x - 1, y)
                + ink(x + 1, y)
                + ink(x - 1, y + 1)
                + ink(x, y + 1)
                + ink(x + 1, y + 1);
            solid += u64::from(around >= SOLID_NEIGHBOURS);
        }
        if solid >= stop {
            break;
        }
    }
    (paper, solid)
}

fn median(pixels: &[u8]) -> u8 {
    let histogram = crate::prep::histogram(pixels);
    let half = pixels.len() as u64 / 2;
    let mut seen = 0;
    for (level, count) in histogram.iter().enumerate() {
        seen += *count as u64;
        if seen > half {
            return level as u8;
        }
    }
    255
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A light noisy page, deterministic.
    fn noisy_paper(w: usize, h: usize) -> Vec<u8> {
        let mut state = 12345u32;
        (0..w * h)
            .map(|_| {
                state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
                225 + ((state >> 16) % 25) as u8
            })
            .collect()
    }

    #[test]
    fn noise_and_dust_are_blank_but_a_word_is_not() {
        let (w, h) = (1654, 2339); // A4 at 200 dpi
        let mut page = noisy_paper(w, h);
        for speck in 0..40 {
            let (x, y) = (100 + speck * 37, 200 + speck * 51);
            for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                page[(y + dy) * w + x + dx] = 30;
            }
        }
        assert!(analyse(&page, w as u32, h as u32).is_blank());
        // A short word: five letters of 3-pixel strokes, 28 px tall.
        for letter in 0..5 {
            for y in 500..528 {
                for x in 0..3 {
                    page[y * w + 300 + letter * 20 + x] = 20;
                    page[y * w + 310 + letter * 20 + x] = 20;
                }
            }
        }
        let m = analyse(&page, w as u32, h as u32);
        assert!(!m.is_blank(), "{m:?}");
        assert!(!is_blank(&page, w as u32, h as u32));
        assert!((225..250).contains(&m.paper));
    }

    #[test]
    fn an_underexposed_page_of_text_is_not_blank() {
        // Paper at 30–40 and ink at 10: the whole page sits under 60 levels of contrast.
        let (w, h) = (1654, 2339);
        let mut page: Vec<u8> = noisy_paper(w, h).iter().map(|&p| p / 6).collect();
        assert!(analyse(&page, w as u32, h as u32).is_blank());
        for line in 0..3 {
            for letter in 0..30 {
                for y in 500 + line * 60..528 + line * 60 {
                    for x in 0..3 {
                        page[y * w + 300 + letter * 20 + x] = 10;
                    }
                }
            }
        }
        let m = analyse(&page, w as u32, h as u32);
        assert!(!m.is_blank(), "{m:?}");
        assert!(!is_blank(&page, w as u32, h as u32));
    }

    #[test]
    fn tiny_or_white_pages_do_not_panic() {
        assert!(analyse(&[], 0, 0).is_blank());
        assert!(is_blank(&[], 0, 0));
        assert!(is_blank(&[255; 100], 10, 10));
        assert!(analyse(&[255; 4], 2, 2).is_blank());
        assert!(analyse(&[255; 100], 10, 10).is_blank());
    }
}
