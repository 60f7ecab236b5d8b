//! The coded data of Group 4 pages that a PDF can carry as they are (CCITTFaxDecode, K -1):
//! one strip, one bit per pixel, most significant bit first, 0 = white (WhiteIsZero, the
//! fax convention), stored upright, no uncompressed mode. Any other page gives `None` and is
//! embedded from its decoded pixels instead. JPEG-compressed pages are joined into one JPEG
//! by `jpeg_strips`. Called by `decode/passthrough.rs`.

use image::metadata::Orientation;

use super::super::passthrough::Encoded;
use super::super::DecodeLimits;
use super::ifd::tag;
use super::{jpeg_strips, read_pages, GROUP4};

/// TIFF Compression 7: JPEG with shared tables ("new-style").
const JPEG: u64 = 7;

pub(in super::super) fn encoded_pages(bytes: &[u8]) -> Vec<Option<Encoded>> {
    let Ok((layout, pages)) = read_pages(bytes, &DecodeLimits::default()) else {
        return Vec::new();
    };
    pages
        .iter()
        .map(|page| {
            let upright = page.orientation == Orientation::NoTransforms && !page.is_tiled();
            let plain = page.compression == GROUP4
                && !page.is_tiled()
                && page.bits == 1
                && page.samples == 1
                && !page.lsb_first
                && page.photometric.unwrap_or(0) == 0
                && page.orientation == Orientation::NoTransforms
                && layout.get(&page.dir, tag::T6_OPTIONS, 0).ok() == Some(0);
            if page.compression == JPEG && page.bits == 8 && upright {
                let (data, components) = jpeg_strips::joined(&layout, page, bytes)?;
                // Grey must be BlackIsZero; colour must be YCbCr, which a PDF's DCT
                // decoding turns into RGB by default.
                let expected = if components == 1 { 1 } else { 6 };
                if page.photometric != Some(expected) {
                    return None;
                }
                return Some(Encoded::Jpeg {
                    data,
                    width: page.width,
                    height: page.height,
                    components,
                });
            }
            let chunks = page.chunks(&layout).ok()?;
            match (plain, chunks.as_slice()) {
                (true, [(offset, len)]) => Some(Encoded::Ccitt {
                    data: bytes[*offset..offset + len].to_vec(),
                    width: page.width,
                    height: page.height,
                    k: -1,
                    black_is_1: false,
                }),
                _ => None,
            }
        })
        .collect()
}
