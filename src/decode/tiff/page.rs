//! One TIFF page as our decoders need it: the directory plus the few tags that decide how to
//! decode it, validated up front. Absurd declarations (zero size, 303169682 samples per
//! pixel) are refused here as `corrupt`, and data that lies past the end of the file as
//! `truncated`, before any decoder runs. Called by `tiff/mod.rs`.

use image::metadata::Orientation;

use crate::model::Dpi;

use super::super::density;
use super::super::error::DecodeError;
use super::super::sniff::Format;
use super::ifd::{tag, Directory, Layout};

/// More samples per pixel than any scanner writes (CMYK with alpha and spot colours is < 16).
const MAX_SAMPLES: u64 = 16;

/// A page's directory and decoding parameters.
#[derive(Debug, Clone)]
pub(super) struct Page {
    /// 1-based page number, for messages.
    pub number: u32,
    pub dir: Directory,
    pub width: u32,
    pub height: u32,
    pub compression: u64,
    pub photometric: Option<u64>,
    pub bits: u64,
    pub samples: u64,
    /// FillOrder 2: the least significant bit of each byte comes first.
    pub lsb_first: bool,
    pub orientation: Orientation,
    pub dpi: Option<Dpi>,
}

fn corrupt(detail: String) -> DecodeError {
    DecodeError::corrupt(Format::Tiff, detail)
}

/// Refuses sample layouts no scanner writes; fuzzed files declare hundreds of millions.
fn check_sample_layout(number: u32, samples: u64, bits: u64) -> Result<(), DecodeError> {
    if samples == 0 || samples > MAX_SAMPLES {
        return Err(corrupt(format!(
            "page {number} declares {samples} samples per pixel"
        )));
    }
    if !matches!(bits, 1..=64) {
        return Err(corrupt(format!(
            "page {number} declares {bits} bits per sample"
        )));
    }
    Ok(())
}

impl Page {
    /// Reads and validates the tags of directory `dir`, page `number`.
    pub fn read(layout: &Layout, dir: Directory, number: u32) -> Result<Page, DecodeError> {
        let get = |tag: u16, default: u64| {
            layout
                .get(&dir, tag, default)
                .map_err(|e| corrupt(format!("page {number}: {e}")))
        };
        let size = |tag: u16, name: &str| -> Result<u32, DecodeError> {
            match get(tag, 0)? {
                0 => Err(corrupt(format!("page {number} declares no {name}"))),
                v => u32::try_from(v).map_err(|_| corrupt(format!("page {number}: {name} {v}"))),
            }
        };
        let width = size(tag::IMAGE_WIDTH, "width")?;
        let height = size(tag::IMAGE_LENGTH, "height")?;
        let (samples, bits) = (
            get(tag::SAMPLES_PER_PIXEL, 1)?,
            get(tag::BITS_PER_SAMPLE, 1)?,
        );
        check_sample_layout(number, samples, bits)?;
        let photometric = match dir.entry(tag::PHOTOMETRIC) {
            Some(_) => Some(get(tag::PHOTOMETRIC, 0)?),
            None => None,
        };
        let orientation = u8::try_from(get(tag::ORIENTATION, 1)?)
            .ok()
            .and_then(Orientation::from_exif)
            .unwrap_or(Orientation::NoTransforms);
        Ok(Page {
            number,
            width,
            height,
            compression: get(tag::COMPRESSION, 1)?,
            photometric,
            bits,
            samples,
            lsb_first: get(tag::FILL_ORDER, 1)? == 2,
            orientation,
            dpi: density::tiff_dpi(layout, &dir),
            dir,
        })
    }

    pub fn is_tiled(&self) -> bool {
        self.dir.entry(tag::TILE_OFFSETS).is_some()
    }

    /// File ranges (offset, length) of the page's strips or tiles, each checked to lie inside
    /// the file, so decoders can slice without further checks.
    pub fn chunks(&self, layout: &Layout) -> Result<Vec<(usize, usize)>, DecodeError> {
        let (offsets_tag, counts_tag) = if self.is_tiled() {
            (tag::TILE_OFFSETS, tag::TILE_BYTE_COUNTS)
        } else {
            (tag::STRIP_OFFSETS, tag::STRIP_BYTE_COUNTS)
        };
        let n = self.number;
        let values = |tag: u16| -> Result<Vec<u64>, DecodeError> {
            let entry = self.dir.entry(tag).ok_or_else(|| {
                corrupt(format!("page {n} has no tag {tag} (image data location)"))
            })?;
            layout
                .uints(entry)
                .map_err(|e| corrupt(format!("page {n}: {e}")))
        };
        let (offsets, counts) = (values(offsets_tag)?, values(counts_tag)?);
        if offsets.len() != counts.len() {
            return Err(corrupt(format!(
                "page {n} lists {} data offsets but {} lengths",
                offsets.len(),
                counts.len()
            )));
        }
        let file_len = layout.bytes.len() as u64;
        offsets
            .iter()
            .zip(&counts)
            .map(|(&offset, &len)| match offset.checked_add(len) {
                Some(end) if end <= file_len => Ok((offset as usize, len as usize)),
                _ => Err(DecodeError::truncated(
                    Format::Tiff,
                    format!("page {n} image data lies past the end of the file ({file_len} bytes)"),
                )),
            })
            .collect()
    }
}
