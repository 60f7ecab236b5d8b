//! Turns rows of decoded TIFF samples, in whatever width and layout the `tiff` crate hands
//! them over, into grey bytes. Samples are first scaled to 8 bits (packed 1/2/4-bit values
//! expanded straight to 0–255, wider ones keep their high byte), then a pixel's samples are
//! combined by its colour model. Palette indices are kept raw and looked up in a grey
//! version of the ColorMap. Called by `tiff/strips.rs`, one row at a time.

use ::tiff::decoder::DecodingResult;
use ::tiff::ColorType;

use super::super::error::DecodeError;
use super::super::raster::{luma, over_white};
use super::super::sniff::Format;
use super::ifd::{tag, Layout};
use super::page::Page;

const PALETTE: u64 = 3;

/// How a pixel's samples make a grey value.
#[derive(Debug, Clone, PartialEq)]
enum Kind {
    /// First sample is the grey (also Y of YCbCr and L of Lab, which are lightness).
    Grey,
    GreyAlpha {
        associated: bool,
    },
    Rgb,
    Rgba {
        associated: bool,
    },
    Cmyk,
    Cmyka,
    /// Grey value for each palette index.
    Palette(Vec<u8>),
}

/// A page's colour model and sample layout, plus a scratch row so conversion allocates once.
pub(super) struct Model {
    kind: Kind,
    samples: usize,
    bits: u32,
    scratch: Vec<u8>,
}

impl Model {
    pub fn new(layout: &Layout, page: &Page, color: ColorType) -> Result<Model, DecodeError> {
        let extra = layout.get(&page.dir, tag::EXTRA_SAMPLES, 0).unwrap_or(0);
        let associated = extra == 1;
        let has_alpha = matches!(extra, 1 | 2);
        let kind = match color {
            ColorType::Gray(_) if page.photometric == Some(PALETTE) => palette(layout, page)?,
            ColorType::Gray(_) | ColorType::YCbCr(_) | ColorType::Lab(_) => Kind::Grey,
            ColorType::Multiband {
                num_samples: 2.., ..
            } if has_alpha => Kind::GreyAlpha { associated },
            ColorType::Multiband { .. } => Kind::Grey,
            ColorType::GrayA(_) => Kind::GreyAlpha { associated },
            ColorType::RGB(_) => Kind::Rgb,
            ColorType::RGBA(_) => Kind::Rgba { associated },
            ColorType::CMYK(_) => Kind::Cmyk,
            ColorType::CMYKA(_) => Kind::Cmyka,
            other => {
                let what = format!("TIFF page {} has colour type {other:?}", page.number);
                return Err(DecodeError::Unsupported(what));
            }
        };
        Ok(Model {
            kind,
            samples: usize::from(color.num_samples()).max(1),
            bits: u32::from(color.bit_depth()),
            scratch: Vec::new(),
        })
    }

    /// Converts row `row` of a chunk `width` pixels wide into `out` (`width` grey bytes).
    /// `lsb_first` reverses each byte's bits first (FillOrder 2 on uncompressed data).
    pub fn grey_row(
        &mut self,
        data: &DecodingResult,
        width: usize,
        row: usize,
        lsb_first: bool,
        out: &mut [u8],
    ) -> Result<(), String> {
        let n = width * self.samples;
        let raw = matches!(self.kind, Kind::Palette(_));
        let mut values = std::mem::take(&mut self.scratch);
        values.clear();
        let filled = scale_row(data, n, row, self.bits, raw, lsb_first, &mut values);
        if filled.is_some() && values.len() == n {
            for (dst, px) in out.iter_mut().zip(values.chunks_exact(self.samples)) {
                *dst = self.grey(px);
            }
        }
        self.scratch = values;
        filled
            .filter(|_| self.scratch.len() == n)
            .ok_or_else(|| format!("row {} is cut short", row + 1))
    }

    fn grey(&self, px: &[u8]) -> u8 {
        let at = |i: usize| px.get(i).copied().unwrap_or(0);
        let flatten = |v: u8, a: u8, associated: bool| {
            if associated {
                v.saturating_add(255 - a)
            } else {
                over_white(v, a)
            }
        };
        let cmyk = || {
            let ink = |c: u8| (u32::from(255 - c) * u32::from(255 - at(3)) / 255) as u8;
            luma(ink(at(0)), ink(at(1)), ink(at(2)))
        };
        match &self.kind {
            Kind::Grey => at(0),
            Kind::GreyAlpha { associated } => flatten(at(0), at(1), *associated),
            Kind::Rgb => luma(at(0), at(1), at(2)),
            Kind::Rgba { associated } => flatten(luma(at(0), at(1), at(2)), at(3), *associated),
            Kind::Cmyk => cmyk(),
            Kind::Cmyka => flatten(cmyk(), at(4), false),
            Kind::Palette(table) => table.get(usize::from(at(0))).copied().unwrap_or(255),
        }
    }
}

/// The grey value of each ColorMap entry (3 × 2^bits 16-bit values: reds, greens, blues).
fn palette(layout: &Layout, page: &Page) -> Result<Kind, DecodeError> {
    if page.bits > 8 {
        let what = format!("TIFF page {} has a {}-bit palette", page.number, page.bits);
        return Err(DecodeError::Unsupported(what));
    }
    let size = 1usize << page.bits;
    let map = page
        .dir
        .entry(tag::COLOR_MAP)
        .and_then(|e| layout.uints(e).ok())
        .filter(|m| m.len() >= 3 * size)
        .ok_or_else(|| {
            let detail = format!(
                "page {} is a palette image without a full colour map",
                page.number
            );
            DecodeError::corrupt(Format::Tiff, detail)
        })?;
    let channel = |c: usize, i: usize| (map.get(c * size + i).copied().unwrap_or(0) >> 8) as u8;
    Ok(Kind::Palette(
        (0..size)
            .map(|i| luma(channel(0, i), channel(1, i), channel(2, i)))
            .collect(),
    ))
}

/// Appends the `n` samples of row `row` to `out`, scaled to 8 bits (or raw indices). `None`
/// when the chunk holds less data than its dimensions promise.
fn scale_row(
    data: &DecodingResult,
    n: usize,
    row: usize,
    bits: u32,
    raw: bool,
    lsb_first: bool,
    out: &mut Vec<u8>,
) -> Option<()> {
    fn slice<T>(v: &[T], n: usize, row: usize) -> Option<&[T]> {
        v.get(row.checked_mul(n)?..row.checked_mul(n)?.checked_add(n)?)
    }
    match data {
        DecodingResult::U8(v) if bits < 8 => packed(v, n, row, bits, raw, lsb_first, out)?,
        DecodingResult::U8(v) => out.extend_from_slice(slice(v, n, row)?),
        DecodingResult::U16(v) => out.extend(slice(v, n, row)?.iter().map(|&s| (s >> 8) as u8)),
        DecodingResult::U32(v) => out.extend(slice(v, n, row)?.iter().map(|&s| (s >> 24) as u8)),
        DecodingResult::U64(v) => out.extend(slice(v, n, row)?.iter().map(|&s| (s >> 56) as u8)),
        DecodingResult::I8(v) => out.extend(slice(v, n, row)?.iter().map(|&s| (s as u8) ^ 0x80)),
        DecodingResult::I16(v) => {
            out.extend(slice(v, n, row)?.iter().map(|&s| ((s >> 8) as u8) ^ 0x80))
        }
        DecodingResult::I32(v) => {
            out.extend(slice(v, n, row)?.iter().map(|&s| ((s >> 24) as u8) ^ 0x80))
        }
        DecodingResult::I64(v) => {
            out.extend(slice(v, n, row)?.iter().map(|&s| ((s >> 56) as u8) ^ 0x80))
        }
        DecodingResult::F16(v) => {
            out.extend(slice(v, n, row)?.iter().map(|&s| unit(s.to_f32().into())))
        }
        DecodingResult::F32(v) => out.extend(slice(v, n, row)?.iter().map(|&s| unit(s.into()))),
        DecodingResult::F64(v) => out.extend(slice(v, n, row)?.iter().map(|&s| unit(s))),
    }
    Some(())
}

/// A 0.0–1.0 float sample as a byte.
fn unit(s: f64) -> u8 {
    (s.clamp(0.0, 1.0) * 255.0).round() as u8
}

/// Samples narrower than a byte, packed most significant bit first; each row starts on a
/// byte boundary. Values are expanded to the full 0–255 range (1-bit: 0 or 255).
fn packed(
    v: &[u8],
    n: usize,
    row: usize,
    bits: u32,
    raw: bool,
    lsb_first: bool,
    out: &mut Vec<u8>,
) -> Option<()> {
    let stride = n.checked_mul(bits as usize)?.div_ceil(8);
    let base = row.checked_mul(stride)?;
    let bytes = v.get(base..base.checked_add(stride)?)?;
    let max = (1u32 << bits) - 1;
    for s in 0..n {
        let mut value = 0u32;
        for k in 0..bits as usize {
            let bit = s * bits as usize + k;
            let byte = bytes.get(bit / 8).copied()?;
            let byte = if lsb_first { byte.reverse_bits() } else { byte };
            value = (value << 1) | u32::from((byte >> (7 - bit % 8)) & 1);
        }
        out.push(if raw {
            value as u8
        } else {
            (value * 255 / max) as u8
        });
    }
    Some(())
}
