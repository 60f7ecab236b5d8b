//! A JPEG-compressed TIFF page (Compression 7) as one JPEG stream, losslessly: every strip is
//! a complete scan sharing the file's JPEGTables, so the strips' entropy-coded data, joined
//! with restart markers and a restart interval of one strip's MCUs, is a single valid scan
//! (a restart resets the DC predictors exactly as a new strip does). Nothing is decoded or
//! re-encoded. Pages whose strips carry their own tables or restart intervals, or whose strip
//! height is not a whole number of MCU rows, give `None`. Called by `tiff/raw.rs`.

use super::ifd::{tag, Layout};
use super::page::Page;

const JPEG_TABLES: u16 = 347;
const SOI: u8 = 0xD8;
const EOI: u8 = 0xD9;
const SOS: u8 = 0xDA;
const DRI: u8 = 0xDD;

/// One strip's frame header and scan: (SOF segment, SOS segment, entropy-coded data).
struct Strip<'a> {
    sof: &'a [u8],
    sos: &'a [u8],
    data: &'a [u8],
}

/// The page as one JPEG file with `components` (1 or 3), or `None`.
pub(super) fn joined(layout: &Layout, page: &Page, bytes: &[u8]) -> Option<(Vec<u8>, u8)> {
    let tables: Vec<u8> = layout
        .uints(page.dir.entry(JPEG_TABLES)?)
        .ok()?
        .into_iter()
        .map(|b| b as u8)
        .collect();
    let segments = tables.get(2..tables.len().checked_sub(2)?)?;
    let rows_per_strip = layout
        .get(&page.dir, tag::ROWS_PER_STRIP, u64::from(page.height))
        .ok()?;
    let chunks = page.chunks(layout).ok()?;
    let strips: Vec<Strip> = chunks
        .iter()
        .map(|&(at, len)| parse(&bytes[at..at + len]))
        .collect::<Option<_>>()?;
    let first = strips.first()?;
    let (mcu_w, mcu_h, components) = mcu(first.sof)?;
    if rows_per_strip % u64::from(mcu_h) != 0
        || strips.iter().any(|s| s.sof.get(7..) != first.sof.get(7..))
    {
        return None;
    }
    let interval =
        u64::from(page.width).div_ceil(u64::from(mcu_w)) * (rows_per_strip / u64::from(mcu_h));
    let interval = u16::try_from(interval).ok()?;
    let mut out = vec![0xFF, SOI];
    out.extend_from_slice(segments);
    let mut sof = first.sof.to_vec();
    sof[5..7].copy_from_slice(&u16::try_from(page.height).ok()?.to_be_bytes());
    out.extend_from_slice(&sof);
    out.extend_from_slice(&[0xFF, DRI, 0, 4]);
    out.extend_from_slice(&interval.to_be_bytes());
    out.extend_from_slice(first.sos);
    for (i, strip) in strips.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(&[0xFF, 0xD0 + ((i - 1) % 8) as u8]);
        }
        out.extend_from_slice(strip.data);
    }
    out.extend_from_slice(&[0xFF, EOI]);
    Some((out, components))
}

/// MCU width, height (pixels) and component count from a SOF segment (marker included).
fn mcu(sof: &[u8]) -> Option<(u32, u32, u8)> {
    let components = *sof.get(9)?;
    if !matches!(components, 1 | 3) || sof[1] != 0xC0 {
        return None;
    }
    if components == 1 {
        return Some((8, 8, 1));
    }
    let (mut h, mut v) = (1, 1);
    for c in 0..usize::from(components) {
        let factors = *sof.get(11 + c * 3)?;
        h = h.max(u32::from(factors >> 4));
        v = v.max(u32::from(factors & 0x0F));
    }
    Some((8 * h, 8 * v, components))
}

/// Splits a strip into its SOF, SOS and entropy data; `None` if it holds anything else
/// (tables, a restart interval) or is malformed.
fn parse(strip: &[u8]) -> Option<Strip<'_>> {
    if strip.get(..2)? != [0xFF, SOI] {
        return None;
    }
    let mut at = 2;
    let mut sof = None;
    loop {
        if *strip.get(at)? != 0xFF {
            return None;
        }
        let marker = *strip.get(at + 1)?;
        let len = usize::from(u16::from_be_bytes([
            *strip.get(at + 2)?,
            *strip.get(at + 3)?,
        ]));
        let segment = strip.get(at..at + 2 + len)?;
        match marker {
            0xC0 => sof = Some(segment),
            SOS => {
                let end = strip.len().checked_sub(2)?;
                if strip.get(end..)? != [0xFF, EOI] {
                    return None;
                }
                return Some(Strip {
                    sof: sof?,
                    sos: segment,
                    data: strip.get(at + 2 + len..end)?,
                });
            }
            0xE0..=0xEF | 0xFE => {}
            _ => return None,
        }
        at += 2 + len;
    }
}
