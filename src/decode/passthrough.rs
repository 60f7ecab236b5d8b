//! Page pictures in a form a PDF can embed without decoding them: a JPEG file's bytes, a
//! Group 4 TIFF page's strip, a scanner PDF's DCT, CCITT or JBIG2 image stream. Lossless by
//! construction, and smaller than anything re-encoded. A page that cannot be carried so
//! (other codecs, a turned or inverted image, several strips) is `None`; its caller embeds
//! the decoded pixels instead. Used by the PDF/A export.

use super::sniff::{sniff, Format};

/// One page's coded image, with what a PDF image dictionary needs to describe it.
#[derive(Debug, Clone, PartialEq)]
pub enum Encoded {
    /// DCTDecode: a whole JPEG stream of 1 (grey) or 3 (RGB) components.
    Jpeg {
        data: Vec<u8>,
        width: u32,
        height: u32,
        components: u8,
    },
    /// CCITTFaxDecode, 1 bit per pixel.
    Ccitt {
        data: Vec<u8>,
        width: u32,
        height: u32,
        /// PDF's /K: negative for Group 4, 0 for one-dimensional Group 3.
        k: i32,
        black_is_1: bool,
    },
    /// JBIG2Decode, 1 bit per pixel, with its shared symbol dictionary if any.
    Jbig2 {
        data: Vec<u8>,
        width: u32,
        height: u32,
        globals: Option<Vec<u8>>,
    },
}

impl Encoded {
    pub fn size(&self) -> (u32, u32) {
        match self {
            Encoded::Jpeg { width, height, .. }
            | Encoded::Ccitt { width, height, .. }
            | Encoded::Jbig2 { width, height, .. } => (*width, *height),
        }
    }

    pub fn data(&self) -> &[u8] {
        match self {
            Encoded::Jpeg { data, .. }
            | Encoded::Ccitt { data, .. }
            | Encoded::Jbig2 { data, .. } => data,
        }
    }
}

/// Each page's coded picture, in page order, where it can be carried unchanged. Empty or
/// shorter than the page count when the file cannot be read so.
pub fn encoded_pages(bytes: &[u8]) -> Vec<Option<Encoded>> {
    match sniff(bytes) {
        Some(Format::Jpeg) => vec![jpeg(bytes)],
        Some(Format::Tiff) => super::tiff::raw::encoded_pages(bytes),
        Some(Format::Pdf) => super::pdf::encoded_pages(bytes),
        _ => Vec::new(),
    }
}

/// A JPEG file of 1 or 3 components without an EXIF turn (the pipeline read it as stored).
fn jpeg(bytes: &[u8]) -> Option<Encoded> {
    let (width, height, components) = jpeg_frame(bytes)?;
    if !matches!(components, 1 | 3) || !super::jpeg::scan(bytes).complete || turned(bytes) {
        return None;
    }
    Some(Encoded::Jpeg {
        data: bytes.to_vec(),
        width,
        height,
        components,
    })
}

/// Whether an EXIF orientation turns or mirrors the stored image.
fn turned(bytes: &[u8]) -> bool {
    use image::ImageDecoder;
    let Ok(mut decoder) = image::codecs::jpeg::JpegDecoder::new(std::io::Cursor::new(bytes)) else {
        return true;
    };
    decoder
        .orientation()
        .map_or(true, |o| o != image::metadata::Orientation::NoTransforms)
}

/// Width, height and component count from a JPEG's start-of-frame marker.
pub(super) fn jpeg_frame(bytes: &[u8]) -> Option<(u32, u32, u8)> {
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
            let seg = bytes.get(at + 4..at + 10)?;
            let height = u32::from(u16::from_be_bytes([seg[1], seg[2]]));
            let width = u32::from(u16::from_be_bytes([seg[3], seg[4]]));
            return Some((width, height, seg[5]));
        }
        at += 2 + length;
    }
    None
}

/// A black-and-white page (every pixel 0 or 255) coded as Group 4, which is lossless for
/// it and several times smaller than Flate; `None` for a page with grey levels or wider
/// than a fax line can be.
pub fn group4(pixels: &[u8], width: u32, height: u32) -> Option<Encoded> {
    let line = u16::try_from(width).ok()?;
    if pixels.len() != width as usize * height as usize
        || !pixels.iter().all(|&v| v == 0 || v == 255)
    {
        return None;
    }
    let mut encoder = fax::encoder::Encoder::new(fax::VecWriter::new());
    for row in pixels.chunks_exact(width.max(1) as usize) {
        let pels = row.iter().map(|&v| {
            if v == 0 {
                fax::Color::Black
            } else {
                fax::Color::White
            }
        });
        encoder.encode_line(pels, line).ok()?;
    }
    let data = encoder.finish().ok()?.finish();
    Some(Encoded::Ccitt {
        data,
        width,
        height,
        k: -1,
        black_is_1: false,
    })
}
