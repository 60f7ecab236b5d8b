//! How each page's picture goes into the PDF. Where the original's coded image can be
//! carried unchanged (`decode::encoded_pages`: a JPEG file's bytes, a Group 4 TIFF strip, a
//! scanner PDF's DCT, CCITT or JBIG2 stream) it is. Every other page (PNG, LZW TIFF, which
//! PDF/A forbids, Deflate TIFF, a turned image) is decoded by `decode` and embedded
//! losslessly: a page of only black and white as Group 4, any other as Flate of 8-bit grey,
//! which is exactly what OCR read. Called by `pdfa::doc` for each page.

use miniz_oxide::deflate::compress_to_vec_zlib;

use crate::decode::{self, DecodeError, DecodeLimits, Encoded, PageImage};

/// Flate level: 6 is zlib's default; higher levels cost much time for a percent or two.
const FLATE_LEVEL: u8 = 6;

/// A picture ready to write as an image XObject.
#[derive(Debug, Clone, PartialEq)]
pub enum Picture {
    /// The original's coded image, unchanged.
    Encoded(Encoded),
    /// Grey or bilevel samples, zlib-compressed.
    Flate {
        data: Vec<u8>,
        width: u32,
        height: u32,
        bits: u8,
    },
}

impl Picture {
    pub fn size(&self) -> (u32, u32) {
        match self {
            Picture::Encoded(e) => e.size(),
            Picture::Flate { width, height, .. } => (*width, *height),
        }
    }

    pub fn data(&self) -> &[u8] {
        match self {
            Picture::Encoded(e) => e.data(),
            Picture::Flate { data, .. } => data,
        }
    }
}

/// The pictures of every page of one original, in page order. `upright` is each recognised
/// page's decoded size (before any turn the preparation made): a coded picture of another
/// size is not what the pipeline read, so that page is embedded from its decoded pixels.
///
/// # Errors
/// The original no longer decodes (it did when it was archived).
pub fn pictures(bytes: &[u8], upright: &[(u32, u32)]) -> Result<Vec<Picture>, DecodeError> {
    let mut coded = decode::encoded_pages(bytes);
    coded.resize(upright.len(), None);
    let usable = |(e, size): (Option<Encoded>, &(u32, u32))| e.filter(|e| e.size() == *size);
    let coded: Vec<Option<Encoded>> = coded.into_iter().zip(upright).map(usable).collect();
    let mut decoded = Vec::new();
    if coded.iter().any(Option::is_none) {
        decode::for_each_page(bytes, &DecodeLimits::default(), |page| {
            let wanted = coded.get(page.index as usize).is_some_and(Option::is_none);
            decoded.push(wanted.then(|| lossless(page)));
        })?;
    }
    Ok(coded
        .into_iter()
        .enumerate()
        .filter_map(|(i, c)| {
            c.map(Picture::Encoded)
                .or_else(|| decoded.get(i).cloned().flatten())
        })
        .collect())
}

/// A black-and-white page as Group 4, any other as Flate of its grey samples.
fn lossless(page: PageImage) -> Picture {
    if let Some(coded) = decode::group4(&page.pixels, page.width, page.height) {
        return Picture::Encoded(coded);
    }
    Picture::Flate {
        data: compress_to_vec_zlib(&page.pixels, FLATE_LEVEL),
        width: page.width,
        height: page.height,
        bits: 8,
    }
}
