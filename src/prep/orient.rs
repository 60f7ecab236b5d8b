//! Orientation: a page scanned at 90°, 180° or 270° is read upright.
//!
//! Asking the detector (Tesseract OSD) about every page would cost engine time on the great
//! majority that are upright, so the page is read first as it comes; only a reading that is
//! unsure (mean confidence under [`DOUBT_CONFIDENCE`]) or a page whose lines run vertically is
//! checked. The detector's answer is taken when it is confident ([`MIN_OSD_CONFIDENCE`]),
//! and the turned reading replaces the first when it reads about as much text with
//! confidence; a weak answer is tried only on a page read very unsurely, and kept only when
//! the turned reading holds clearly more confident text. An upright page is never turned by
//! a detector's guess: read turned, it yields little but unsure garbage.

use crate::decode::PageImage;
use crate::model::Dpi;
use crate::ocr::{Engine, OcrError, Recognition};

use super::{input, read_once, PageRead, PrepOptions};

/// A first reading under this mean word confidence is checked for orientation.
pub const DOUBT_CONFIDENCE: f32 = 75.0;
/// The detector's answer is acted on from this confidence up. Tesseract's OSD gives 10–30 on
/// real turned pages and about 5 on the spurious answers it gives for skewed or sparse ones.
pub const MIN_OSD_CONFIDENCE: f32 = 8.0;
/// The turned reading is kept when it holds at least this share of the first reading's
/// confident text.
const TURNED_MARGIN: f32 = 0.95;
/// A detector's answer under [`MIN_OSD_CONFIDENCE`] is still tried on a page read this
/// unsurely: an upside-down page of sparse text (a form, a table) gets OSD confidences of
/// 5–6, as spurious answers do, so the page itself must decide. Upside down, an upright
/// page reads as a fraction of its confident text, and a turned page as a multiple.
const WEAK_DOUBT_CONFIDENCE: f32 = 60.0;
/// Weakest detector answer that is tried at all.
const WEAK_OSD_CONFIDENCE: f32 = 2.0;
/// A reading turned on a weak answer must hold this many times the first one's confident
/// text to be kept.
const WEAK_TURNED_MARGIN: f32 = 1.5;

/// Check the orientation of a page already read once (`first`), and read it again turned
/// when the detector is sure it is not upright. `sideways` is the deskew search's sign that
/// its lines run vertically.
///
/// # Errors
/// When the engine fails on the page.
pub fn upright(
    first: PageRead,
    sideways: bool,
    engine: &mut impl Engine,
    options: &PrepOptions,
) -> Result<PageRead, OcrError> {
    let mut first = first;
    if !sideways && first.recognition.confidence >= DOUBT_CONFIDENCE {
        return Ok(first);
    }
    let check = engine.orientation(input(&first.page))?;
    first.recognition.engine_ms += check.engine_ms;
    let weak_allowed = first.recognition.confidence < WEAK_DOUBT_CONFIDENCE;
    let Some(found) = check.found.filter(|o| {
        o.clockwise != 0
            && (o.confidence >= MIN_OSD_CONFIDENCE
                || (weak_allowed && o.confidence >= WEAK_OSD_CONFIDENCE))
    }) else {
        return Ok(first);
    };
    let margin = if found.confidence >= MIN_OSD_CONFIDENCE {
        TURNED_MARGIN
    } else {
        WEAK_TURNED_MARGIN
    };
    let turned = quarter_turn(&first.page, found.clockwise);
    let mut second = read_once(turned, engine, options)?;
    let spent = first.recognition.engine_ms + second.recognition.engine_ms;
    // Tesseract reads some sideways pages well as they are (it finds vertical lines), but
    // word boxes, exports and reviewers want the upright page: with a confident detector,
    // the turned reading wins unless it reads clearly less.
    if weight(&second.recognition) >= weight(&first.recognition) * margin {
        second.recognition.engine_ms = spent;
        second.geometry = first.geometry;
        second.geometry.rotation = found.clockwise;
        second.flags.extend(first.flags);
        second.prep_ms += first.prep_ms;
        Ok(second)
    } else {
        first.recognition.engine_ms = spent;
        first.prep_ms += second.prep_ms;
        Ok(first)
    }
}

/// How much confidently read text a reading holds: characters weighted by their word's
/// confidence. Garbage read from a turned page has few, unsure characters.
pub(super) fn weight(r: &Recognition) -> f32 {
    r.words
        .iter()
        .map(|w| w.text.chars().count() as f32 * w.confidence / 100.0)
        .sum()
}

/// Turn a page clockwise by a quarter-turn multiple (exact: pixels are moved, not resampled).
pub fn quarter_turn(page: &PageImage, clockwise: u16) -> PageImage {
    let (w, h) = (page.width as usize, page.height as usize);
    let src = &page.pixels;
    let turns = (clockwise / 90) % 4;
    let (nw, nh) = if turns % 2 == 1 { (h, w) } else { (w, h) };
    let mut out = vec![255u8; nw * nh];
    for y in 0..nh {
        for x in 0..nw {
            // Where output pixel (x, y) comes from in the source.
            let (sx, sy) = match turns {
                1 => (y, h - 1 - x),
                2 => (w - 1 - x, h - 1 - y),
                3 => (w - 1 - y, x),
                _ => (x, y),
            };
            out[y * nw + x] = src[sy * w + sx];
        }
    }
    let dpi = page.dpi.map(|d| {
        if turns % 2 == 1 {
            Dpi { x: d.y, y: d.x }
        } else {
            d
        }
    });
    PageImage {
        index: page.index,
        width: nw as u32,
        height: nh as u32,
        pixels: out,
        dpi,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(w: u32, h: u32) -> PageImage {
        PageImage {
            index: 0,
            width: w,
            height: h,
            pixels: (0..w * h).map(|i| i as u8).collect(),
            dpi: None,
        }
    }

    #[test]
    fn quarter_turns_move_corners_clockwise_and_four_make_the_page() {
        // 3×2: top-left 0, top-right 2, bottom-left 3.
        let p = page(3, 2);
        let r = quarter_turn(&p, 90);
        assert_eq!((r.width, r.height), (2, 3));
        // Turned clockwise, the old bottom-left comes to the top-left.
        assert_eq!(r.pixels[0], 3);
        assert_eq!(r.pixels[1], 0);
        let half = quarter_turn(&p, 180);
        assert_eq!(half.pixels, vec![5, 4, 3, 2, 1, 0]);
        let back = quarter_turn(&quarter_turn(&r, 180), 90);
        assert_eq!(back, p);
        assert_eq!(quarter_turn(&quarter_turn(&p, 270), 90), p);
    }
}
