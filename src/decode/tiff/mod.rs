//! TIFF files, single- or multi-page. The IFD chain is walked once with our own reader
//! (`ifd.rs`), loop-safe and bounded by `max_pages`; every page's tags are validated and its
//! size checked against the limits before the first pixel of any page is decoded. Then pages
//! are decoded in order, one at a time: CCITT fax pages by `fax.rs`, everything else by the
//! `tiff` crate through `strips.rs`. The page's Orientation tag is applied last.
//! Called by `decode/mod.rs`.

mod fax;
pub(crate) mod ifd;
mod jpeg_strips;
mod page;
pub(super) mod raw;
mod samples;
mod strips;
mod view;

use super::error::DecodeError;
use super::sniff::Format;
use super::{check_size, raster, DecodeLimits, PageImage, PageInfo};
use ifd::{tag, ChainError, Directory, Layout};
use page::Page;

const CCITT_RLE: u64 = 2;
const GROUP3: u64 = 3;
const GROUP4: u64 = 4;

/// Every page's upright size and resolution, from the directories alone.
pub(super) fn probe(bytes: &[u8], limits: &DecodeLimits) -> Result<Vec<PageInfo>, DecodeError> {
    let (_, pages) = read_pages(bytes, limits)?;
    Ok(pages
        .iter()
        .map(|page| {
            let (width, height) = raster::oriented_size(page.width, page.height, page.orientation);
            PageInfo {
                index: page.number - 1,
                width,
                height,
                dpi: raster::oriented_dpi(page.dpi, page.orientation),
            }
        })
        .collect())
}

/// Decodes the pages in order, handing each to `each` before decoding the next.
pub(super) fn for_each_page(
    bytes: &[u8],
    limits: &DecodeLimits,
    each: &mut dyn FnMut(PageImage),
) -> Result<u32, DecodeError> {
    let (layout, pages) = read_pages(bytes, limits)?;
    for page in &pages {
        let grey = decode_page(&layout, page, limits)?;
        let (pixels, width, height) =
            raster::orient(grey, page.width, page.height, page.orientation);
        each(PageImage {
            index: page.number - 1,
            width,
            height,
            pixels,
            dpi: raster::oriented_dpi(page.dpi, page.orientation),
        });
    }
    Ok(pages.last().map_or(0, |page| page.number))
}

/// Walks the IFD chain and validates every page, sizes included.
fn read_pages<'a>(
    bytes: &'a [u8],
    limits: &DecodeLimits,
) -> Result<(Layout<'a>, Vec<Page>), DecodeError> {
    let layout = Layout::parse(bytes).map_err(|e| DecodeError::corrupt(Format::Tiff, e))?;
    let dirs = layout.chain(limits.max_pages).map_err(|e| match e {
        ChainError::TooManyPages => DecodeError::TooManyPages {
            limit: limits.max_pages,
        },
        ChainError::PastEnd { page, offset } => DecodeError::truncated(
            Format::Tiff,
            format!(
                "directory {page} at offset {offset} lies past the end of the file ({} bytes)",
                bytes.len()
            ),
        ),
        ChainError::Unreadable { page, reason } => DecodeError::corrupt(
            Format::Tiff,
            format!("cannot read directory {page}: {reason}"),
        ),
    })?;
    if dirs.is_empty() {
        return Err(DecodeError::corrupt(
            Format::Tiff,
            "the file has no image directory",
        ));
    }
    let dirs = without_previews(&layout, dirs);
    let mut pages = Vec::with_capacity(dirs.len());
    for (number, dir) in (1u32..).zip(dirs) {
        let page = Page::read(&layout, dir, number)?;
        check_size(number, page.width, page.height, limits)?;
        pages.push(page);
    }
    Ok((layout, pages))
}

/// Drops reduced-resolution copies (thumbnails some writers put in the main chain): they
/// preview a page rather than being one, and would be OCR'd twice. A file made only of
/// such directories keeps them all, rather than yielding nothing.
fn without_previews(layout: &Layout, dirs: Vec<Directory>) -> Vec<Directory> {
    let is_preview = |dir: &Directory| {
        layout
            .get(dir, tag::NEW_SUBFILE_TYPE, 0)
            .is_ok_and(|v| v & 1 == 1)
            || layout.get(dir, tag::SUBFILE_TYPE, 1).is_ok_and(|v| v == 2)
    };
    if dirs.iter().all(is_preview) {
        return dirs;
    }
    dirs.into_iter().filter(|dir| !is_preview(dir)).collect()
}

fn decode_page(
    layout: &Layout,
    page: &Page,
    limits: &DecodeLimits,
) -> Result<Vec<u8>, DecodeError> {
    let chunks = page.chunks(layout)?;
    match page.compression {
        GROUP3 | GROUP4 => fax::decode(layout, page, &chunks),
        CCITT_RLE => Err(DecodeError::Unsupported(format!(
            "TIFF page {} uses CCITT modified Huffman (compression 2), which is not supported yet",
            page.number
        ))),
        _ => strips::decode(layout, page, limits),
    }
}
