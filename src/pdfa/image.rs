//! How each page's picture goes into the PDF. A JPEG original is embedded as it is stored
//! (DCTDecode, the file's bytes unchanged) when it is drawn upright as stored. Every other
//! original (PNG, TIFF of any compression including LZW, which PDF/A forbids, a scanner PDF)
//! is decoded by `decode` and embedded losslessly with Flate: a page whose pixels are only
//! black and white at 1 bit per pixel, any other at 8-bit grey, which is exactly what OCR
//! read. Called by `pdfa::doc` for each page.

use miniz_oxide::deflate::compress_to_vec_zlib;

use crate::decode::{self, DecodeError, DecodeLimits, Format, PageImage};

/// Flate level: 6 is zlib's default; higher levels cost much time for a percent or two.
const FLATE_LEVEL: u8 = 6;

/// A picture ready to write as an image XObject.
#[derive(Debug, Clone, PartialEq)]
pub enum Picture {
    /// A baseline or progressive JPEG file, unchanged.
    Jpeg {
        data: Vec<u8>,
        width: u32,
        height: u32,
        components: u8,
    },
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
            Picture::Jpeg { width, height, .. } | Picture::Flate { width, height, .. } => {
                (*width, *height)
            }
        }
    }

    pub fn data(&self) -> &[u8] {
        match self {
            Picture::Jpeg { data, .. } | Picture::Flate { data, .. } => data,
        }
    }
}

/// The pictures of every page of one original, in page order. `upright` is each recognised
/// page's decoded size (before any turn the preparation made), to tell a JPEG whose EXIF
/// orientation turns it from one drawn as stored.
///
/// # Errors
/// The original no longer decodes (it did when it was archived).
pub fn pictures(bytes: &[u8], upright: &[(u32, u32)]) -> Result<Vec<Picture>, DecodeError> {
    if decode::sniff(bytes) == Some(Format::Jpeg) {
        if let Some((width, height, components)) = jpeg_frame(bytes) {
            if upright == [(width, height)] && matches!(components, 1 | 3) {
                return Ok(vec![Picture::Jpeg {
                    data: bytes.to_vec(),
                    width,
                    height,
                    components,
                }]);
            }
        }
    }
    let mut out = Vec::new();
    decode::for_each_page(bytes, &DecodeLimits::default(), |page| {
        out.push(lossless(&page));
    })?;
    Ok(out)
}

/// Flate of the grey page, at 1 bit per pixel when it holds only black and white.
fn lossless(page: &PageImage) -> Picture {
    let bilevel = page.pixels.iter().all(|&v| v == 0 || v == 255);
    let (raw, bits) = if bilevel {
        (pack_bits(&page.pixels, page.width as usize), 1)
    } else {
        (page.pixels.clone(), 8)
    };
    Picture::Flate {
        data: compress_to_vec_zlib(&raw, FLATE_LEVEL),
        width: page.width,
        height: page.height,
        bits,
    }
}

/// Rows of 1-bit samples, most significant bit first, each row padded to a byte; 1 = white.
fn pack_bits(pixels: &[u8], width: usize) -> Vec<u8> {
    let row_bytes = width.div_ceil(8);
    let mut out = Vec::with_capacity(row_bytes * pixels.len() / width.max(1));
    for row in pixels.chunks_exact(width.max(1)) {
        for chunk in row.chunks(8) {
            let mut byte = 0u8;
            for (i, &v) in chunk.iter().enumerate() {
                if v != 0 {
                    byte |= 0x80 >> i;
                }
            }
            out.push(byte);
        }
    }
    out
}

/// Width, height and component count from a JPEG's start-of-frame marker.
fn jpeg_frame(bytes: &[u8]) -> Option<(u32, u32, u8)> {
    let mut at = 2;
    while at + 4 <= bytes.len() {
        if bytes[at] != 0xFF {
            return None;
        }
        let marker = bytes[at + 1];
        if marker == 0xFF {
            at += 1;
            continue;
        }
        let length = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        let is_frame = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_frame {
            let seg = bytes.get(at + 4..at + 4 + 6)?;
            let height = u32::from(u16::from_be_bytes([seg[1], seg[2]]));
            let width = u32::from(u16::from_be_bytes([seg[3], seg[4]]));
            return Some((width, height, seg[5]));
        }
        at += 2 + length;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_pack_black_as_zero_and_pad_rows() {
        let pixels = [
            0, 255, 255, 0, 0, 0, 0, 0, 255, /* row 2 */ 255, 0, 0, 0, 0, 0, 0, 0, 0,
        ];
        assert_eq!(
            pack_bits(&pixels, 9),
            [0b0110_0000, 0b1000_0000, 0b1000_0000, 0]
        );
    }
}
