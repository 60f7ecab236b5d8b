//! Page decoding: turns the bytes of one scanned file into upright 8-bit grey page images for
//! OCR, or refuses it with a specific `DecodeError`. The only module that knows image formats
//! (the `image`, `tiff`, `fax` and `hayro-syntax` crates live here and nowhere else); it also
//! hands the PDF/A export the coded pictures it can carry unchanged (`passthrough`).
//!
//! Invariants, for any input whatsoever:
//! - the format is judged by content (`sniff`); unknown bytes never reach a decoder;
//! - declared dimensions are checked against `DecodeLimits` for every page before any pixel
//!   buffer is allocated, so a decompression bomb costs a header read;
//! - pages are decoded and handed over one at a time, so memory holds one page;
//! - nothing panics and nothing loops: IFD chains, marker walks and fax lines are bounded by
//!   the file's size.
//!
//! Called by the pipeline's workers (`for_each_page`) and by planning (`probe`); the caller
//! adds the file path to error messages.

mod codec;
mod density;
mod error;
mod jpeg;
mod passthrough;
mod pdf;
mod png_rows;
mod preview;
mod raster;
mod sniff;
#[cfg(test)]
mod tests;
mod tiff;

use serde::{Deserialize, Serialize};

use crate::model::Dpi;

pub use error::{DecodeError, Limit};
pub use passthrough::{encoded_pages, group4, Encoded};
pub use pdf::text_layer_pages;
pub use preview::page_png;
pub use sniff::{sniff, Format};

/// How much one file may ask for. Defaults admit a 600 dpi A3 colour scan (7016×9921,
/// 70 Mpx) and refuse a 35000×35000 bomb.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DecodeLimits {
    /// Largest page area, width × height.
    pub max_pixels: u64,
    /// Largest width or height.
    pub max_side: u32,
    /// Most pages in one file (multi-page TIFF).
    pub max_pages: u32,
}

impl Default for DecodeLimits {
    fn default() -> Self {
        DecodeLimits {
            max_pixels: 120_000_000,
            max_side: 30_000,
            max_pages: 2_000,
        }
    }
}

/// One decoded page: 8-bit grey, row-major, exactly `width` bytes per row, orientation
/// already applied (so `width`/`height` are the upright page's).
#[derive(Debug, Clone, PartialEq)]
pub struct PageImage {
    /// 0-based position of the page in its file.
    pub index: u32,
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
    /// Declared resolution of the upright page; `None` when the file does not say.
    pub dpi: Option<Dpi>,
}

/// A page as its headers describe it (upright size, declared resolution).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageInfo {
    pub index: u32,
    pub width: u32,
    pub height: u32,
    pub dpi: Option<Dpi>,
}

/// What `probe` learned about a file from its headers alone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Probe {
    pub format: Format,
    pub pages: Vec<PageInfo>,
}

impl Probe {
    pub fn page_count(&self) -> u32 {
        u32::try_from(self.pages.len()).unwrap_or(u32::MAX)
    }
}

/// Decodes every page in order, calling `each` as soon as a page is ready so only one page
/// is in memory. Returns the number of pages decoded.
///
/// # Errors
/// Any `DecodeError`; pages already handed to `each` before a later page failed stay valid,
/// and the error names the page that failed.
pub fn for_each_page(
    bytes: &[u8],
    limits: &DecodeLimits,
    mut each: impl FnMut(PageImage),
) -> Result<u32, DecodeError> {
    match recognise(bytes)? {
        Format::Tiff => tiff::for_each_page(bytes, limits, &mut each),
        Format::Pdf => pdf::for_each_page(bytes, limits, &mut each),
        format => {
            each(codec::decode(bytes, format, limits)?);
            Ok(1)
        }
    }
}

/// Format, page count and each page's size and resolution, from headers only (no pixel is
/// decoded). Applies the same limits as `for_each_page`, so a plan can refuse a bomb early.
///
/// # Errors
/// Any `DecodeError` that the headers alone can reveal.
pub fn probe(bytes: &[u8], limits: &DecodeLimits) -> Result<Probe, DecodeError> {
    let format = recognise(bytes)?;
    let pages = match format {
        Format::Tiff => tiff::probe(bytes, limits)?,
        Format::Pdf => pdf::probe(bytes, limits)?,
        _ => vec![codec::probe(bytes, format, limits)?],
    };
    Ok(Probe { format, pages })
}

/// What `bytes` look like when they are no format sohoa decodes ("content looks like a ZIP
/// archive (or an Office document)", "JPEG 2000 images are not supported"), for a message.
pub fn describe_content(bytes: &[u8]) -> String {
    match recognise(bytes) {
        Ok(format) => format!("{format} content"),
        Err(DecodeError::NotAnImage(what) | DecodeError::Unsupported(what)) => what,
        Err(e) => e.to_string(),
    }
}

/// The decodable format of `bytes`, or the reason there is none.
fn recognise(bytes: &[u8]) -> Result<Format, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    match sniff(bytes) {
        Some(format) => Ok(format),
        None => Err(sniff::refuse(bytes)),
    }
}

/// Refuses a page (numbered from 1) whose declared size breaks the limits. Runs on header
/// values, before anything is allocated for pixels.
fn check_size(
    page: u32,
    width: u32,
    height: u32,
    limits: &DecodeLimits,
) -> Result<(), DecodeError> {
    let pixels = u64::from(width) * u64::from(height);
    let limit = if pixels > limits.max_pixels {
        Limit::Pixels(limits.max_pixels)
    } else if width.max(height) > limits.max_side {
        Limit::Side(limits.max_side)
    } else {
        return Ok(());
    };
    Err(DecodeError::TooLarge {
        page,
        width,
        height,
        limit,
    })
}
