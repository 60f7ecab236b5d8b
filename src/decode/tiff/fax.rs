//! CCITT fax pages (TIFF compression 3, Group 3 one-dimensional, and 4, Group 4), the usual
//! encoding of 1-bit office scans. The `tiff` crate reads Group 4 only, and ignores FillOrder,
//! so both go through the `fax` crate here, strip by strip, straight into 0/255 grey.
//!
//! Conventions, as libtiff's: the codec's black runs are 1 bits and white runs 0 bits; the
//! page's PhotometricInterpretation then says which is ink. WhiteIsZero, the fax default
//! (also when the tag is missing), makes 1 bits black. FillOrder 2 means each byte's bits
//! arrive least significant first. Each strip is coded on its own, starting from a white
//! reference line. Called by `tiff/mod.rs` after the page passed the size check.

use std::convert::Infallible;

use fax::decoder::{DecodeStatus, Group3Decoder, Group4Decoder};

use super::super::error::DecodeError;
use super::super::sniff::Format;
use super::ifd::{tag, Layout};
use super::page::Page;

const GROUP3: u64 = 3;
const BLACK_IS_ZERO: u64 = 1;

/// How one strip is laid out and what its runs become.
struct Strip<'a> {
    data: &'a [u8],
    lsb_first: bool,
    width: u16,
    /// Grey value of the codec's black runs.
    ink: u8,
}

fn corrupt(page: &Page, detail: impl std::fmt::Display) -> DecodeError {
    DecodeError::corrupt(Format::Tiff, format!("page {}: {detail}", page.number))
}

fn unsupported(page: &Page, what: &str) -> DecodeError {
    DecodeError::Unsupported(format!("TIFF page {} uses {what}", page.number))
}

/// Decodes a fax page into grey pixels (`width × height`, row-major).
pub(super) fn decode(
    layout: &Layout,
    page: &Page,
    chunks: &[(usize, usize)],
) -> Result<Vec<u8>, DecodeError> {
    check_options(layout, page)?;
    let width = u16::try_from(page.width)
        .map_err(|_| unsupported(page, "fax lines wider than 65535 px"))?;
    let (w, h) = (page.width as usize, page.height as usize);
    let rows_per_strip = layout
        .get(&page.dir, tag::ROWS_PER_STRIP, u64::from(page.height))
        .map_err(|e| corrupt(page, e))?
        .clamp(1, u64::from(page.height)) as usize;
    if chunks.len() != h.div_ceil(rows_per_strip) {
        let detail = format!("{} strips for {h} rows of {rows_per_strip}", chunks.len());
        return Err(corrupt(page, detail));
    }
    let (ink, paper) = if page.photometric == Some(BLACK_IS_ZERO) {
        (255, 0)
    } else {
        (0, 255)
    };
    let mut pixels = vec![paper; w * h];
    for (rows, &(offset, len)) in pixels.chunks_mut(w * rows_per_strip).zip(chunks) {
        let strip = Strip {
            data: layout.bytes.get(offset..offset + len).unwrap_or_default(),
            lsb_first: page.lsb_first,
            width,
            ink,
        };
        let decoded = if page.compression == GROUP3 {
            group3(&strip, rows)
        } else {
            group4(&strip, rows)
        };
        decoded.map_err(|row| corrupt(page, format!("bad fax data in row {}", row + 1)))?;
    }
    Ok(pixels)
}

/// Refuses coding options the decoder cannot honour, before decoding garbage.
fn check_options(layout: &Layout, page: &Page) -> Result<(), DecodeError> {
    if page.bits != 1 || page.samples != 1 {
        let detail = format!(
            "fax compression on {}-bit, {}-sample pixels",
            page.bits, page.samples
        );
        return Err(corrupt(page, detail));
    }
    if page.is_tiled() {
        return Err(unsupported(page, "tiled fax compression"));
    }
    let (options_tag, two_d, uncompressed) = if page.compression == GROUP3 {
        (tag::T4_OPTIONS, 1, 2)
    } else {
        (tag::T6_OPTIONS, 0, 2)
    };
    let options = layout
        .get(&page.dir, options_tag, 0)
        .map_err(|e| corrupt(page, e))?;
    if options & two_d != 0 {
        return Err(unsupported(
            page,
            "2-D Group 3 fax coding, which is not supported yet",
        ));
    }
    if options & uncompressed != 0 {
        return Err(unsupported(
            page,
            "fax uncompressed mode, which is not supported",
        ));
    }
    Ok(())
}

fn bytes<'a>(strip: &'a Strip) -> impl Iterator<Item = Result<u8, Infallible>> + 'a {
    let lsb_first = strip.lsb_first;
    strip
        .data
        .iter()
        .map(move |&b| Ok(if lsb_first { b.reverse_bits() } else { b }))
}

/// Group 4: every row is coded against the previous one. An end-of-block before the last
/// row leaves the remaining rows as paper, which is how encoders drop trailing white lines.
/// Errors carry the 0-based row that failed.
fn group4(strip: &Strip, rows: &mut [u8]) -> Result<(), usize> {
    let Ok(mut decoder) = Group4Decoder::new(bytes(strip), strip.width);
    for (i, row) in rows.chunks_mut(usize::from(strip.width)).enumerate() {
        match decoder.advance() {
            Ok(DecodeStatus::Incomplete) => paint(decoder.transition(), row, strip.ink),
            Ok(DecodeStatus::End) => break,
            Err(_) => return Err(i),
        }
    }
    Ok(())
}

/// Group 3, one-dimensional: rows are separated by EOL codes. The decoder reads a row, then
/// the EOL after it, so the last row of a strip that ends without a trailing EOL or RTC
/// reports an error after the row itself decoded: that row is kept.
fn group3(strip: &Strip, rows: &mut [u8]) -> Result<(), usize> {
    let mut decoder = Group3Decoder::new(bytes(strip)).map_err(|_| 0usize)?;
    let mut lines = rows
        .chunks_mut(usize::from(strip.width))
        .enumerate()
        .peekable();
    while let Some((i, row)) = lines.next() {
        match decoder.advance() {
            Ok(DecodeStatus::Incomplete) => paint(decoder.transitions(), row, strip.ink),
            Ok(DecodeStatus::End) => {
                paint(decoder.transitions(), row, strip.ink);
                break;
            }
            Err(_) if lines.peek().is_none() => paint(decoder.transitions(), row, strip.ink),
            Err(_) => return Err(i),
        }
    }
    Ok(())
}

/// Paints one row from its colour changes: positions where the colour flips, starting white.
fn paint(transitions: &[u16], row: &mut [u8], ink: u8) {
    let mut start = 0;
    let mut black = false;
    for &change in transitions {
        let end = usize::from(change).min(row.len());
        if black {
            if let Some(run) = row.get_mut(start..end) {
                run.fill(ink);
            }
        }
        start = start.max(end);
        black = !black;
    }
    if black {
        if let Some(run) = row.get_mut(start..) {
            run.fill(ink);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paint_fills_black_runs_between_changes() {
        let mut row = [255u8; 8];
        paint(&[2, 5], &mut row, 0);
        assert_eq!(row, [255, 255, 0, 0, 0, 255, 255, 255]);
        let mut row = [255u8; 4];
        paint(&[1], &mut row, 0);
        assert_eq!(row, [255, 0, 0, 0]);
        let mut row = [255u8; 4];
        paint(&[3, 9, 2], &mut row, 0);
        assert_eq!(row, [255, 255, 255, 0]);
    }
}
