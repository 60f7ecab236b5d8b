//! Page preparation and reading: what happens to a decoded page between the decoder and the
//! catalog.
//!
//! Every step works on a derived image; the stored original is never touched. The steps run
//! in this order, each deciding from measurable properties of the page whether it applies:
//! 1. geometry: orientation (a page scanned at 90°, 180° or 270° is read upright) and deskew;
//! 2. one reading of the upright page ([`read_once`]): cleaning for the engine (binarisation,
//!    ruling-line and speckle removal), recognition, and completion of what layout analysis
//!    missed (digit fields, dropped lines) or misread (typed ID numbers read unsurely).
//!
//! What was done to the geometry is returned with the reading, so that word boxes (which are
//! in the read image's coordinates) can be mapped back onto the original.

mod deskew;
mod orient;
mod retry;

pub use deskew::{measure as measure_skew, rotate, Skew, DEAD_BAND};
pub use orient::{quarter_turn, DOUBT_CONFIDENCE, MIN_OSD_CONFIDENCE};

mod binarise;
mod clean;
mod comb;
mod complete;
mod digits;
mod gray;
mod ids;
mod letters;
mod lines;
mod measure;
mod order;
mod reading;
mod remnant;
mod row_starts;
mod seal;
mod speckle;
mod stairs;
mod surname;
mod table;
mod text;

pub use clean::{clean, needs_binarising, Cleaned, Steps};
pub use gray::{histogram, px_per_mm, Gray};
pub use measure::{measure, PageProps};

use crate::decode::PageImage;
use crate::model::{BoxedField, Geometry, PageFlag};
use crate::ocr::{Engine, OcrError, OcrInput, Recognition};

/// Settings of the preparation steps, from `[ocr]` in `pipeline.toml`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PrepOptions {
    /// A page whose reading stays under this mean confidence is read again by the engine's
    /// more accurate models, when it has any (`[ocr] retry_tessdata`).
    pub retry_below: f32,
    /// Whether pages are cleaned and completed (`[ocr] clean`, on by default).
    pub cleaning: Cleaning,
}

/// `[ocr] clean`: clean pages for the engine and complete what it missed, or read them as
/// decoded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Cleaning {
    #[default]
    On,
    Off,
}

/// What reading one page produced.
#[derive(Debug, Clone, PartialEq)]
pub struct PageRead {
    /// The image the engine read last: the decoded page or an image derived from it.
    pub page: PageImage,
    pub recognition: Recognition,
    /// How `page` was turned and deskewed from the decoded page.
    pub geometry: Geometry,
    /// Review flags the preparation steps found (besides those of the recognition itself).
    pub flags: Vec<PageFlag>,
    /// Values read from fields of boxes (digit combs).
    pub fields: Vec<BoxedField>,
    /// Time spent cleaning and completing outside the engine.
    pub prep_ms: u64,
}

/// A decoded page made ready for the engine, before any recognition: straightened, and
/// cleaned when cleaning is on. Preparing needs no engine, so a worker prepares its next
/// page on another thread while its engine reads the current one.
pub struct Prepared {
    page: PageImage,
    skew: Skew,
    correction: Option<f32>,
    cleaned: Option<reading::ForEngine>,
}

impl Prepared {
    /// The page as the engine will read it first.
    pub fn page(&self) -> &PageImage {
        &self.page
    }
}

/// Straighten a decoded page and clean it for the engine: everything before its first
/// recognition.
pub fn prepare(page: PageImage, options: &PrepOptions) -> Prepared {
    let skew = deskew::measure(&page);
    let correction = skew.correction();
    let page = match correction {
        Some(degrees) => deskew::rotate(&page, degrees),
        None => page,
    };
    let cleaned = (options.cleaning == Cleaning::On).then(|| reading::clean_for_engine(&page));
    Prepared {
        page,
        skew,
        correction,
        cleaned,
    }
}

/// Read a prepared page: once upright, then turned if it is not, then with the more accurate
/// models if it reads unsurely.
///
/// # Errors
/// When the engine fails on the page.
pub fn finish(
    prepared: Prepared,
    engine: &mut impl Engine,
    options: &PrepOptions,
) -> Result<PageRead, OcrError> {
    let Prepared {
        page,
        skew,
        correction,
        cleaned,
    } = prepared;
    let mut first = match cleaned {
        Some(cleaned) => reading::read_cleaned(page, cleaned, engine)?,
        None => read_raw(page, engine)?,
    };
    first.geometry.skew = correction.unwrap_or(0.0);
    let upright = orient::upright(first, skew.sideways, engine, options)?;
    retry::improve(upright, engine, options)
}

/// One reading of an upright page. Orientation detection may call this again on a turned
/// page and keep the better reading.
///
/// # Errors
/// When the engine fails on the page.
pub fn read_once(
    page: PageImage,
    engine: &mut impl Engine,
    options: &PrepOptions,
) -> Result<PageRead, OcrError> {
    if options.cleaning == Cleaning::On {
        let cleaned = reading::clean_for_engine(&page);
        return reading::read_cleaned(page, cleaned, engine);
    }
    read_raw(page, engine)
}

/// A reading of the page as decoded (`[ocr] clean = false`).
fn read_raw(page: PageImage, engine: &mut impl Engine) -> Result<PageRead, OcrError> {
    let recognition = reading::read_raw(&page, engine)?;
    Ok(PageRead {
        page,
        recognition,
        geometry: Geometry::default(),
        flags: Vec::new(),
        fields: Vec::new(),
        prep_ms: 0,
    })
}

/// The engine's view of a page's pixels.
pub fn input(page: &PageImage) -> OcrInput<'_> {
    OcrInput {
        pixels: &page.pixels,
        width: page.width,
        height: page.height,
        dpi: page.dpi,
    }
}
