//! Builders for tiny test files with exactly the properties a test needs: TIFFs with chosen
//! tags and strips, PNG headers declaring any size (with valid CRCs), and JPEGs carrying an
//! EXIF orientation. Used by the synthetic tests only.

use image::codecs::jpeg::JpegEncoder;

use crate::decode::tiff::ifd::Layout;
use image::{ExtendedColorType, ImageEncoder};

pub const SHORT: u16 = 3;
pub const LONG: u16 = 4;
pub const RATIONAL: u16 = 5;

/// One TIFF page: its tags (type and values; RATIONAL values come in numerator/denominator
/// pairs) and the bytes of its strips, or tiles when `tiled`. The offset and byte-count
/// tags are added by `tiff`.
pub struct TiffPage {
    pub tags: Vec<(u16, u16, Vec<u32>)>,
    pub chunks: Vec<Vec<u8>>,
    pub tiled: bool,
}

impl TiffPage {
    /// A 1-bit uncompressed single-strip page with the given photometric interpretation.
    pub fn bilevel(width: u32, height: u32, photometric: u32, strip: Vec<u8>) -> TiffPage {
        TiffPage {
            tags: vec![
                (256, LONG, vec![width]),
                (257, LONG, vec![height]),
                (258, SHORT, vec![1]),
                (259, SHORT, vec![1]),
                (262, SHORT, vec![photometric]),
                (277, SHORT, vec![1]),
                (278, LONG, vec![height]),
            ],
            chunks: vec![strip],
            tiled: false,
        }
    }

    /// Replaces (or adds) one tag.
    pub fn with(mut self, tag: u16, kind: u16, values: Vec<u32>) -> TiffPage {
        self.tags.retain(|t| t.0 != tag);
        self.tags.push((tag, kind, values));
        self
    }
}

/// A classic little-endian TIFF holding `pages` in order. With `loop_back`, the last
/// directory links back to the first instead of ending the chain.
pub fn tiff(pages: Vec<TiffPage>, loop_back: bool) -> Vec<u8> {
    let mut out = b"II*\0\0\0\0\0".to_vec();
    let mut link = 4;
    let mut first = None;
    for page in pages {
        let ifd_at = write_page(&mut out, page);
        out[link..link + 4].copy_from_slice(&ifd_at.to_le_bytes());
        first.get_or_insert(ifd_at);
        link = out.len() - 4;
    }
    if let (true, Some(first)) = (loop_back, first) {
        out[link..link + 4].copy_from_slice(&first.to_le_bytes());
    }
    out
}

/// Appends a page's data, out-of-line values and directory (ending in a zero next-link);
/// returns the directory's offset.
fn write_page(out: &mut Vec<u8>, page: TiffPage) -> u32 {
    let (offsets_tag, counts_tag) = if page.tiled { (324, 325) } else { (273, 279) };
    let mut offsets = Vec::new();
    for chunk in &page.chunks {
        offsets.push(out.len() as u32);
        out.extend_from_slice(chunk);
    }
    let mut tags = page.tags;
    tags.push((offsets_tag, LONG, offsets));
    tags.push((
        counts_tag,
        LONG,
        page.chunks.iter().map(|c| c.len() as u32).collect(),
    ));
    tags.sort_by_key(|t| t.0);
    let fields: Vec<[u8; 4]> = tags
        .iter()
        .map(|(_, kind, values)| field(out, *kind, values))
        .collect();
    out.resize(out.len().next_multiple_of(2), 0);
    let ifd_at = out.len() as u32;
    out.extend_from_slice(&(tags.len() as u16).to_le_bytes());
    for ((tag, kind, values), field) in tags.iter().zip(&fields) {
        let count = if *kind == RATIONAL {
            values.len() / 2
        } else {
            values.len()
        };
        out.extend_from_slice(&tag.to_le_bytes());
        out.extend_from_slice(&kind.to_le_bytes());
        out.extend_from_slice(&(count as u32).to_le_bytes());
        out.extend_from_slice(field);
    }
    out.extend_from_slice(&[0; 4]);
    ifd_at
}

/// An entry's value field: the values themselves when they fit in 4 bytes, otherwise the
/// offset where they are appended to `out`.
fn field(out: &mut Vec<u8>, kind: u16, values: &[u32]) -> [u8; 4] {
    let raw: Vec<u8> = values
        .iter()
        .flat_map(|&v| match kind {
            SHORT => (v as u16).to_le_bytes().to_vec(),
            _ => v.to_le_bytes().to_vec(),
        })
        .collect();
    if raw.len() <= 4 {
        let mut inline = [0; 4];
        inline[..raw.len()].copy_from_slice(&raw);
        return inline;
    }
    out.resize(out.len().next_multiple_of(2), 0);
    let at = (out.len() as u32).to_le_bytes();
    out.extend_from_slice(&raw);
    at
}

/// The same TIFF in big-endian byte order: header, directory entries, tag values and links
/// are swapped; strip data (1- and 8-bit samples here) has no byte order.
pub fn to_big_endian(le: &[u8]) -> Vec<u8> {
    let layout = Layout::parse(le).expect("builder output");
    let mut out = le.to_vec();
    out[..2].copy_from_slice(b"MM");
    let mut swap = |pos: u64, size: u64| out[pos as usize..(pos + size) as usize].reverse();
    swap(2, 2);
    swap(4, 4);
    for dir in layout.chain(u32::MAX).expect("chain") {
        swap(dir.offset, 2);
        for e in &dir.entries {
            let entry = e.field - 8;
            swap(entry, 2);
            swap(entry + 2, 2);
            swap(entry + 4, 4);
            let (unit, n) = match e.kind {
                SHORT => (2, e.count),
                RATIONAL => (4, 2 * e.count),
                _ => (4, e.count),
            };
            let values = if unit * n <= 4 {
                e.field
            } else {
                swap(e.field, 4);
                u64::from(layout.u32_at(e.field).expect("offset"))
            };
            (0..n).for_each(|k| swap(values + k * unit, unit));
        }
        swap(dir.next_field, 4);
    }
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// A well-formed 8-bit grey PNG header declaring `width × height`, followed by a tiny IDAT
/// that could never fill it: only a decoder that trusts the header would allocate.
pub fn png_declaring(width: u32, height: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    png_chunk(&mut out, b"IHDR", &ihdr);
    png_chunk(
        &mut out,
        b"IDAT",
        &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    );
    png_chunk(&mut out, b"IEND", &[]);
    out
}

/// A JPEG of a grey image, with an EXIF block giving `orientation` (1–8) when asked.
pub fn jpeg(width: u32, height: u32, pixels: &[u8], orientation: Option<u16>) -> Vec<u8> {
    let mut encoded = Vec::new();
    JpegEncoder::new_with_quality(&mut encoded, 95)
        .write_image(pixels, width, height, ExtendedColorType::L8)
        .expect("encode test JPEG");
    let Some(orientation) = orientation else {
        return encoded;
    };
    // APP1: "Exif\0\0", a big-endian TIFF header, IFD0 with one Orientation entry.
    let mut exif = b"Exif\0\0MM\0*\0\0\0\x08\0\x01".to_vec();
    exif.extend_from_slice(&[0x01, 0x12, 0x00, 0x03, 0, 0, 0, 1]);
    exif.extend_from_slice(&orientation.to_be_bytes());
    exif.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
    out.extend_from_slice(&(exif.len() as u16 + 2).to_be_bytes());
    out.extend_from_slice(&exif);
    out.extend_from_slice(&encoded[2..]);
    out
}
