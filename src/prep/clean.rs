//! The per-page cleaning decision and the derived image the engine reads. From measured
//! properties of the page (see `measure.rs`):
//! - an even, light paper with little mid-grey (a clean scan): the engine gets the page as
//!   it is, except that rulings and box borders, if any, are painted over with paper; a
//!   page without rulings is passed through untouched, so cleaning never makes a good page
//!   worse;
//! - a grey, uneven or speckled paper (a photocopy, a dark scan): Sauvola binarisation,
//!   ruling removal and speckle removal, and the engine gets the binarised page.
//!
//! Either way a binarised page (0 = ink) is returned for the steps after recognition (digit
//! combs, dropped lines). Everything works on copies; the decoded page is never changed.

use super::binarise::{sauvola, threshold, Sauvola};
use super::gray::Gray;
use super::lines::{self, Rulings};
use super::measure::{measure, PageProps};
use super::remnant;
use super::speckle;

/// Paper darker than this, on the median block, is not a clean scan (clean paper scans at
/// 215–250; a copier's grey at 150–200).
const MIN_CLEAN_PAPER: f32 = 200.0;
/// Paper level varying more than this across the page: uneven light, a shadow.
const MAX_CLEAN_SPREAD: f32 = 40.0;
/// Share of mid-grey pixels above which the paper carries speckle or show-through (a clean
/// scan has 1–3 %: the edges of its letters).
const MAX_CLEAN_GREY: f32 = 0.06;

/// Share of faint pixels (just darker than the paper) above which text shows through from
/// the back or a copier's haze covers the page (clean scans: under 5 %; the letters' soft
/// edges).
const MAX_CLEAN_FAINT: f32 = 0.10;

/// What cleaning did to a page.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Steps {
    pub binarised: bool,
    pub rulings_removed: bool,
    pub specks_removed: usize,
    /// Bits of erased rulings swept away (see `remnant.rs`).
    pub remnants_removed: usize,
}

/// A page prepared for the engine.
pub struct Cleaned {
    /// Whether the engine reads `binary` rather than the page as decoded (one copy of the
    /// page less to hold while it waits for the engine).
    pub engine_reads_binary: bool,
    /// The page binarised (0 = ink) with rulings and specks removed.
    pub binary: Vec<u8>,
    /// The rulings found (before removal): box sides locate digit combs.
    pub rulings: Rulings,
    pub props: PageProps,
    pub steps: Steps,
}

impl Cleaned {
    /// The pixels the engine reads: `binary`, or `decoded` (the page as decoded).
    pub fn for_engine<'a>(&'a self, decoded: &'a [u8]) -> &'a [u8] {
        if self.engine_reads_binary {
            &self.binary
        } else {
            decoded
        }
    }
}

/// Whether measured properties call for binarisation.
pub fn needs_binarising(p: &PageProps) -> bool {
    p.background < MIN_CLEAN_PAPER
        || p.spread > MAX_CLEAN_SPREAD
        || p.grey > MAX_CLEAN_GREY
        || p.faint > MAX_CLEAN_FAINT
}

/// Sauvola's k for a page: high (specks and a copier's grey become paper) when the ink is
/// far darker than the paper, lower as the ink fades towards it (faint letters stay ink).
fn sensitivity(p: &PageProps) -> f32 {
    let darkness = 1.0 - p.ink / p.background.max(1.0);
    (0.3 + (darkness - 0.4) / 0.25 * 0.5).clamp(0.2, 0.8)
}

/// Paper darker than this is an underexposed scan: its levels are stretched to the full
/// range before binarisation, whose thresholds assume paper near white (a page with its
/// paper at 35 and its ink at 10 would lose every letter).
const DARK_PAPER: f32 = 128.0;

/// The page's levels stretched so that its ink is black and its paper white.
fn stretch(g: Gray<'_>, p: &PageProps) -> Vec<u8> {
    let (ink, paper) = (p.ink, p.background.max(p.ink + 1.0));
    let scale = 255.0 / (paper - ink);
    let map: Vec<u8> = (0..=255u8)
        .map(|v| ((f32::from(v) - ink) * scale).clamp(0.0, 255.0) as u8)
        .collect();
    g.pixels.iter().map(|&v| map[usize::from(v)]).collect()
}

/// Clean one page (`g`) at `px_per_mm`.
pub fn clean(g: Gray<'_>, px_per_mm: f32) -> Cleaned {
    let props = measure(g, px_per_mm);
    let stretched = (props.background < DARK_PAPER).then(|| stretch(g, &props));
    let (g, props) = match &stretched {
        Some(pixels) => {
            let g = Gray { pixels, ..g };
            (g, measure(g, px_per_mm))
        }
        None => (g, props),
    };
    let mut steps = Steps::default();
    let mut binary = if needs_binarising(&props) {
        steps.binarised = true;
        // A window of about 6 mm holds a letter and its paper around it.
        let window = ((6.0 * px_per_mm) as usize) | 1;
        sauvola(
            g,
            Sauvola {
                window,
                k: sensitivity(&props),
            },
        )
    } else {
        threshold(g, ((props.background + props.ink) / 2.0) as u8)
    };
    if steps.binarised {
        steps.specks_removed = speckle::remove(&mut binary, g.width, px_per_mm);
    }
    let b = Gray {
        pixels: &binary,
        width: g.width,
        height: g.height,
    };
    let mut rulings = lines::find(b, px_per_mm);
    if !rulings.is_empty() {
        // The engine gets the binarised page without its rulings: painting rulings over on
        // the grey page leaves their soft edges as faint stripes that the engine reads as
        // dashes and bars, and it binarises the page itself anyway.
        steps.rulings_removed = true;
        let mut clean = binary.clone();
        rulings.erase(b, &mut clean, 255);
        steps.remnants_removed = remnant::sweep(&binary, &mut clean, g.width, px_per_mm);
        binary = clean;
    }
    rulings.release_mask();
    Cleaned {
        engine_reads_binary: steps.binarised || steps.rulings_removed,
        binary,
        rulings,
        props,
        steps,
    }
}
