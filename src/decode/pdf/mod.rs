//! PDF input: a scanner's PDF is a source of pages like a multi-page TIFF. Each page's scanned
//! image (the largest image it draws) is decoded natively by `hayro-syntax` (DCT, CCITT G3/G4
//! with /BlackIs1, JBIG2 with globals, Flate with predictors, indexed colour, JPX), turned
//! upright by the page's /Rotate and the image's placement matrix, and handed over as grey
//! pixels.
//!
//! Invariants: the image's declared /Width and /Height are checked against `DecodeLimits`
//! before its stream is decoded (a 35000×35000 bomb costs a dictionary read); pages go one at
//! a time; a PDF that needs a user password is `encrypted`, an unreadable one `corrupt`. An
//! empty user password is tried, so owner-restricted files open. A residual skew left by the
//! matrix (a few degrees) is not corrected here: the preparation stage deskews.
//!
//! A page that draws no image and shows no text is a blank page (white, at 200 dpi); a page of
//! vector text with no image is refused as `unsupported`: rendering vector pages is not done.
//! `text_layer_pages` tells which pages already carry text (an earlier OCR layer), so the
//! pipeline can record them. Called by `decode/mod.rs` and the pipeline's worker.

mod pixels;
mod raw;
mod scan;

pub(super) use raw::encoded_pages;

use hayro_syntax::page::Page;
use hayro_syntax::{DecryptionError, LoadPdfError, Pdf};

use crate::model::Dpi;

use super::error::DecodeError;
use super::sniff::Format;
use super::{check_size, raster, DecodeLimits, PageImage, PageInfo};

/// Resolution given to a page that draws nothing, so its white page has a sensible size.
const BLANK_DPI: f32 = 200.0;

/// Decodes every page in order, handing each to `each` as soon as it is ready.
pub(super) fn for_each_page(
    bytes: &[u8],
    limits: &DecodeLimits,
    each: &mut impl FnMut(PageImage),
) -> Result<u32, DecodeError> {
    let pdf = open(bytes, limits)?;
    let mut count = 0;
    for (index, page) in pdf.pages().iter().enumerate() {
        let index = u32::try_from(index).unwrap_or(u32::MAX);
        each(decode_page(page, index, limits)?);
        count += 1;
    }
    Ok(count)
}

/// Each page's upright size and resolution, from dictionaries only.
pub(super) fn probe(bytes: &[u8], limits: &DecodeLimits) -> Result<Vec<PageInfo>, DecodeError> {
    let pdf = open(bytes, limits)?;
    let mut pages = Vec::new();
    for (index, page) in pdf.pages().iter().enumerate() {
        let index = u32::try_from(index).unwrap_or(u32::MAX);
        let (width, height, dpi) = match scan::plan(page) {
            scan::Plan::Image(placed) => {
                check_size(index + 1, placed.width, placed.height, limits)?;
                let (w, h) = raster::oriented_size(placed.width, placed.height, placed.turn);
                (w, h, Some(placed.dpi()))
            }
            _ => {
                let (w, h) = blank_size(page);
                (w, h, Some(blank_dpi()))
            }
        };
        pages.push(PageInfo {
            index,
            width,
            height,
            dpi,
        });
    }
    Ok(pages)
}

/// 0-based indexes of the pages that already show text (an earlier OCR layer or born-digital
/// text). Empty for anything that is not a readable PDF.
pub fn text_layer_pages(bytes: &[u8]) -> Vec<u32> {
    let Ok(pdf) = Pdf::new(bytes.to_vec()) else {
        return Vec::new();
    };
    pdf.pages()
        .iter()
        .enumerate()
        .filter(|(_, page)| scan::shows_text(page))
        .filter_map(|(index, _)| u32::try_from(index).ok())
        .collect()
}

/// Opens the document with an empty user password and checks the page count.
fn open(bytes: &[u8], limits: &DecodeLimits) -> Result<Pdf, DecodeError> {
    let pdf = Pdf::new(bytes.to_vec()).map_err(|e| match e {
        LoadPdfError::Decryption(DecryptionError::PasswordProtected) => {
            DecodeError::Encrypted("a user password is required".to_string())
        }
        LoadPdfError::Decryption(other) => {
            DecodeError::Encrypted(format!("cannot decrypt ({other:?})"))
        }
        LoadPdfError::Invalid => DecodeError::corrupt(
            Format::Pdf,
            "no readable cross-reference table or page tree",
        ),
    })?;
    let pages = pdf.pages().len();
    if pages == 0 {
        return Err(DecodeError::corrupt(
            Format::Pdf,
            "the page tree holds no page",
        ));
    }
    if pages > limits.max_pages as usize {
        return Err(DecodeError::TooManyPages {
            limit: limits.max_pages,
        });
    }
    Ok(pdf)
}

/// One page's upright grey image.
fn decode_page(
    page: &Page<'_>,
    index: u32,
    limits: &DecodeLimits,
) -> Result<PageImage, DecodeError> {
    let placed = match scan::plan(page) {
        scan::Plan::Image(placed) => placed,
        scan::Plan::Blank => return Ok(blank_page(page, index)),
        scan::Plan::VectorText => {
            return Err(DecodeError::Unsupported(format!(
                "PDF page {} has text but no scanned image (vector pages are not rendered)",
                index + 1
            )))
        }
    };
    check_size(index + 1, placed.width, placed.height, limits)?;
    let grey = pixels::grey(&placed.stream, placed.width, placed.height).map_err(|detail| {
        DecodeError::corrupt(Format::Pdf, format!("page {}: {detail}", index + 1))
    })?;
    let (pixels, width, height) = raster::orient(grey, placed.width, placed.height, placed.turn);
    Ok(PageImage {
        index,
        width,
        height,
        pixels,
        dpi: raster::oriented_dpi(Some(placed.dpi()), placed.turn),
    })
}

/// A page that draws nothing: white, the page's displayed size at `BLANK_DPI`.
fn blank_page(page: &Page<'_>, index: u32) -> PageImage {
    let (width, height) = blank_size(page);
    PageImage {
        index,
        width,
        height,
        pixels: vec![255; width as usize * height as usize],
        dpi: Some(blank_dpi()),
    }
}

fn blank_size(page: &Page<'_>) -> (u32, u32) {
    let (w, h) = page.render_dimensions();
    let px = |pt: f32| ((pt / 72.0 * BLANK_DPI).round() as u32).clamp(1, 20_000);
    (px(w), px(h))
}

fn blank_dpi() -> Dpi {
    Dpi {
        x: BLANK_DPI,
        y: BLANK_DPI,
    }
}
