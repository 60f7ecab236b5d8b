//! Walks a JPEG's marker segments without decoding any pixels, for the two facts the pixel
//! decoder does not give us: whether the file reaches its end-of-image marker, and the
//! declared resolution (JFIF density or EXIF tags). The pixel decoder is lenient and would
//! quietly turn a cut-off scan into a half-grey page, so a JPEG that never reaches EOI is
//! refused as truncated before it is decoded. Called by `codec.rs`.

use crate::model::Dpi;

use super::density::{self, Unit};

/// What the marker walk learned.
#[derive(Debug, Default)]
pub(super) struct JpegLayout {
    /// The walk reached an EOI marker after the image data.
    pub complete: bool,
    pub dpi: Option<Dpi>,
}

const SOS: u8 = 0xDA;
const EOI: u8 = 0xD9;

/// Walks the markers after SOI. Entropy-coded data after each SOS is skipped byte by byte,
/// so the walk is linear in the file size and ends on any input.
pub(super) fn scan(bytes: &[u8]) -> JpegLayout {
    let mut out = JpegLayout::default();
    let (mut jfif, mut exif) = (None, None);
    let mut pos = 2;
    while let Some((marker, after)) = next_marker(bytes, pos) {
        match marker {
            EOI => {
                out.complete = true;
                break;
            }
            // Markers without a length: restart markers, TEM and stray SOI.
            0x01 | 0xD0..=0xD8 => pos = after,
            _ => {
                let Some(segment) = segment(bytes, after) else {
                    break;
                };
                match marker {
                    0xE0 => jfif = jfif.or_else(|| jfif_dpi(segment)),
                    0xE1 => {
                        exif = exif.or_else(|| {
                            segment
                                .strip_prefix(b"Exif\0\0")
                                .and_then(density::exif_dpi)
                        })
                    }
                    _ => {}
                }
                pos = after + 2 + segment.len();
                if marker == SOS {
                    pos = skip_entropy_data(bytes, pos);
                }
            }
        }
    }
    // JFIF density with a real unit wins; EXIF is the fallback (cameras, Adobe files).
    out.dpi = jfif.or(exif);
    out
}

/// The next marker at or after `pos`: its code and the position just after it. Fill bytes
/// (repeated 0xFF) and stray bytes between segments are skipped, as decoders do.
fn next_marker(bytes: &[u8], pos: usize) -> Option<(u8, usize)> {
    let start = pos + bytes.get(pos..)?.iter().position(|&b| b == 0xFF)?;
    let code_at = start + bytes.get(start..)?.iter().position(|&b| b != 0xFF)?;
    Some((*bytes.get(code_at)?, code_at + 1))
}

/// The payload of the segment whose length field starts at `pos`, if it is all there.
fn segment(bytes: &[u8], pos: usize) -> Option<&[u8]> {
    let len = usize::from(u16::from_be_bytes([*bytes.get(pos)?, *bytes.get(pos + 1)?]));
    bytes.get(pos + 2..pos.checked_add(len)?)
}

/// Position of the first real marker after entropy-coded data starting at `pos`: a 0xFF that
/// is not a stuffed zero and not a restart marker. The end of the data if there is none.
fn skip_entropy_data(bytes: &[u8], pos: usize) -> usize {
    let mut i = pos;
    while let Some(offset) = bytes
        .get(i..)
        .and_then(|rest| rest.iter().position(|&b| b == 0xFF))
    {
        let at = i + offset;
        match bytes.get(at + 1) {
            Some(0x00 | 0xD0..=0xD7 | 0xFF) => i = at + 1,
            Some(_) => return at,
            None => break,
        }
    }
    bytes.len()
}

/// JFIF APP0: "JFIF\0", version, units (0 aspect only, 1 dpi, 2 dots/cm), x and y density.
fn jfif_dpi(segment: &[u8]) -> Option<Dpi> {
    let body = segment.strip_prefix(b"JFIF\0")?;
    let unit = match body.get(2)? {
        1 => Unit::Inch,
        2 => Unit::Centimetre,
        _ => return None,
    };
    let x = u16::from_be_bytes([*body.get(3)?, *body.get(4)?]);
    let y = u16::from_be_bytes([*body.get(5)?, *body.get(6)?]);
    density::dpi(x.into(), y.into(), unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_jpeg_without_eoi_is_incomplete_and_jfif_density_is_read() {
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
        jpeg.extend_from_slice(b"JFIF\0\x01\x02\x01\x01\x2C\x01\x2C\0\0");
        jpeg.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x02, 0x12, 0xFF, 0x00, 0x34]);
        let cut = scan(&jpeg);
        assert!(!cut.complete);
        assert_eq!(cut.dpi, Some(Dpi { x: 300.0, y: 300.0 }));
        jpeg.extend_from_slice(&[0xFF, 0xD9]);
        assert!(scan(&jpeg).complete);
    }
}
