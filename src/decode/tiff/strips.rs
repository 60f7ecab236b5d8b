//! Non-fax TIFF pages (uncompressed, PackBits, LZW, Deflate, JPEG, WebP; grey, palette, RGB,
//! CMYK, with or without alpha) through the `tiff` crate, one strip or tile at a time, each
//! converted to grey as it arrives so a colour page never exists whole in memory.
//! The crate sees one page in isolation, through `PageView` (`view.rs`), and palette pages
//! as raw indices that `samples.rs` maps through the ColorMap. Called by `tiff/mod.rs` after
//! the page passed the size check.

use std::io;

use ::tiff::decoder::{ChunkType, Decoder, DecodingResult, Limits};
use ::tiff::TiffError;

use super::super::error::{DecodeError, Limit};
use super::super::sniff::Format;
use super::super::DecodeLimits;
use super::ifd::{tag, Layout};
use super::page::Page;
use super::samples::Model;
use super::view::PageView;

const CHUNKY: u64 = 1;

/// Decodes a page into grey pixels (`width × height`, row-major).
pub(super) fn decode(
    layout: &Layout,
    page: &Page,
    limits: &DecodeLimits,
) -> Result<Vec<u8>, DecodeError> {
    let planar = layout.get(&page.dir, tag::PLANAR_CONFIGURATION, CHUNKY);
    if planar.map_err(|e| corrupt(page, e))? != CHUNKY && page.samples > 1 {
        return Err(unsupported(page, "separate colour planes"));
    }
    let mut decoder = Decoder::new(PageView::new(layout, page))
        .map_err(|e| from_tiff_error(page, e))?
        .with_limits(chunk_limits(limits));
    let color = decoder.colortype().map_err(|e| from_tiff_error(page, e))?;
    let mut model = Model::new(layout, page, color)?;
    // Bit order can be undone after decoding only when nothing was compressed.
    let lsb_first = page.lsb_first && page.compression == 1;
    let (w, h) = (page.width as usize, page.height as usize);
    let mut pixels = vec![255u8; w * h];
    let count = match decoder.get_chunk_type() {
        ChunkType::Strip => decoder.strip_count(),
        ChunkType::Tile => decoder.tile_count(),
    }
    .map_err(|e| from_tiff_error(page, e))?;
    let (chunk_w, chunk_h) = decoder.chunk_dimensions();
    let across = page.width.div_ceil(chunk_w.max(1)).max(1);
    for index in 0..count {
        let data = decoder
            .read_chunk(index)
            .map_err(|e| from_tiff_error(page, e))?;
        let area = Area {
            x: (index % across) as usize * chunk_w as usize,
            y: (index / across) as usize * chunk_h as usize,
            size: decoder.chunk_data_dimensions(index),
        };
        paint(&data, &area, &mut model, lsb_first, &mut pixels, w).map_err(|e| corrupt(page, e))?;
    }
    Ok(pixels)
}

/// Where a decoded strip or tile goes on the page: top-left corner and (width, height).
struct Area {
    x: usize,
    y: usize,
    size: (u32, u32),
}

/// Converts one decoded chunk to grey, row by row, into its place on the page.
fn paint(
    data: &DecodingResult,
    area: &Area,
    model: &mut Model,
    lsb_first: bool,
    pixels: &mut [u8],
    page_width: usize,
) -> Result<(), String> {
    let (width, height) = (area.size.0 as usize, area.size.1 as usize);
    for row in 0..height {
        let start = (area.y + row) * page_width + area.x;
        let target = pixels
            .get_mut(start..start + width)
            .ok_or("image data outside the page")?;
        model.grey_row(data, width, row, lsb_first, target)?;
    }
    Ok(())
}

/// One chunk may be a whole page (single-strip files), so allow the largest page in the
/// widest layout the crate produces (8 bytes per sample).
fn chunk_limits(limits: &DecodeLimits) -> Limits {
    let mut out = Limits::default();
    let page_bytes = usize::try_from(limits.max_pixels.saturating_mul(8)).unwrap_or(usize::MAX);
    out.decoding_buffer_size = out.decoding_buffer_size.max(page_bytes);
    out.intermediate_buffer_size = out.intermediate_buffer_size.max(page_bytes);
    out
}

fn corrupt(page: &Page, detail: impl std::fmt::Display) -> DecodeError {
    DecodeError::corrupt(Format::Tiff, format!("page {}: {detail}", page.number))
}

fn unsupported(page: &Page, what: impl std::fmt::Display) -> DecodeError {
    DecodeError::Unsupported(format!("TIFF page {} uses {what}", page.number))
}

/// Sorts a `tiff` crate error into our kinds.
fn from_tiff_error(page: &Page, error: TiffError) -> DecodeError {
    match error {
        TiffError::IoError(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
            DecodeError::truncated(
                Format::Tiff,
                format!(
                    "page {} data ends before the image is complete",
                    page.number
                ),
            )
        }
        TiffError::UnsupportedError(e) => {
            unsupported(page, format!("a feature this decoder lacks ({e})"))
        }
        TiffError::LimitsExceeded => DecodeError::TooLarge {
            page: page.number,
            width: page.width,
            height: page.height,
            limit: Limit::Memory,
        },
        TiffError::FormatError(e) => corrupt(page, e),
        other => corrupt(page, other),
    }
}
