//! One PDF image XObject to 8-bit grey samples, stored orientation. `hayro-syntax` undoes the
//! filters (the image codecs hand back 8-bit samples with /BlackIs1 applied); this file reads
//! what remains: bits per component, the colour space (grey, RGB, CMYK, ICC-based by its
//! component count, indexed through its palette), and a /Decode array that inverts grey.
//! An alpha mask is ignored: scans are opaque. Called only by `pdf/mod.rs`, after the size
//! check.

use hayro_syntax::object::stream::ImageDecodeParams;
use hayro_syntax::object::{Array, Dict, Name, Object, Stream};

use super::super::raster::luma;

/// How the samples map to colour.
enum Space {
    /// 1 (grey), 3 (RGB) or 4 (CMYK) components.
    Direct(u8),
    /// One index per sample into a palette of `base` components per entry.
    Indexed { base: u8, palette: Vec<u8> },
}

/// Grey samples (`width × height`, row-major) of an image whose size was already checked.
pub(super) fn grey(stream: &Stream<'_>, width: u32, height: u32) -> Result<Vec<u8>, String> {
    let dict = stream.dict();
    let mask = dict.get::<bool>(b"ImageMask".as_slice()).unwrap_or(false);
    let space = if mask {
        Space::Direct(1)
    } else {
        colour_space(dict.get::<Object<'_>>(b"ColorSpace".as_slice()))
    };
    let declared_bpc = if mask {
        1
    } else {
        dict.get::<u8>(b"BitsPerComponent".as_slice()).unwrap_or(8)
    };
    let params = ImageDecodeParams {
        is_indexed: matches!(space, Space::Indexed { .. }),
        bpc: Some(declared_bpc),
        num_components: Some(components(&space)),
        target_dimension: None,
        width,
        height,
    };
    let decoded = stream
        .decoded_image(&params)
        .map_err(|e| format!("image stream does not decode ({e:?})"))?;
    let (bpc, channels) = match &decoded.image_data {
        Some(info) if !matches!(space, Space::Indexed { .. }) => {
            let channels =
                channel_count(decoded.data.len(), info.bits_per_component, width, height);
            (info.bits_per_component, channels)
        }
        Some(info) => (info.bits_per_component, 1),
        None => (declared_bpc, components(&space)),
    };
    let indexed = matches!(space, Space::Indexed { .. });
    let samples = unpack(&decoded.data, bpc, channels, (width, height), indexed)?;
    let mut grey = to_grey(&samples, &space, channels);
    if inverts(dict) {
        grey.iter_mut().for_each(|v| *v = 255 - *v);
    }
    Ok(grey)
}

/// Channels in a decoded buffer, judged by its length (a JPEG may hold other than declared).
fn channel_count(len: usize, bpc: u8, width: u32, height: u32) -> u8 {
    let pixels = (width as usize * height as usize).max(1);
    let per_pixel = len * 8 / pixels / usize::from(bpc.max(1));
    match per_pixel {
        0..=1 => 1,
        2..=3 => 3,
        _ => 4,
    }
}

fn components(space: &Space) -> u8 {
    match space {
        Space::Direct(n) => *n,
        Space::Indexed { .. } => 1,
    }
}

fn colour_space(object: Option<Object<'_>>) -> Space {
    match object {
        Some(Object::Name(name)) => Space::Direct(named_components(&name)),
        Some(Object::Array(array)) => array_space(&array),
        _ => Space::Direct(1),
    }
}

fn named_components(name: &Name<'_>) -> u8 {
    match name.as_ref() {
        b"DeviceRGB" | b"CalRGB" | b"Lab" | b"RGB" => 3,
        b"DeviceCMYK" | b"CMYK" => 4,
        _ => 1,
    }
}

fn array_space(array: &Array<'_>) -> Space {
    let mut items = array.iter::<Object<'_>>();
    let Some(Object::Name(kind)) = items.next() else {
        return Space::Direct(1);
    };
    match kind.as_ref() {
        b"ICCBased" => {
            let n = items
                .next()
                .and_then(Object::into_stream)
                .and_then(|s| s.dict().get::<u8>(b"N".as_slice()))
                .unwrap_or(3);
            Space::Direct(n)
        }
        b"Indexed" | b"I" => {
            let base = components(&colour_space(items.next()));
            let _hival = items.next();
            let palette = match items.next() {
                Some(Object::String(s)) => s.as_bytes().to_vec(),
                Some(Object::Stream(s)) => s.decoded().map(|d| d.to_vec()).unwrap_or_default(),
                _ => Vec::new(),
            };
            Space::Indexed { base, palette }
        }
        b"CalRGB" | b"Lab" => Space::Direct(3),
        b"DeviceN" => Space::Direct(1),
        other => Space::Direct(named_components(&Name::new_unescaped(other))),
    }
}

/// 8-bit samples, `channels` per pixel, from rows of `bpc`-bit samples padded to a byte.
/// Indexed images keep their raw index (not scaled).
fn unpack(
    data: &[u8],
    bpc: u8,
    channels: u8,
    (width, height): (u32, u32),
    indexed: bool,
) -> Result<Vec<u8>, String> {
    let per_row = width as usize * usize::from(channels);
    let row_bytes = (per_row * usize::from(bpc)).div_ceil(8);
    let needed = row_bytes * height as usize;
    if data.len() < needed {
        return Err(format!(
            "image data ends early ({} of {needed} bytes)",
            data.len()
        ));
    }
    if bpc == 8 {
        return Ok(data[..needed].to_vec());
    }
    let mut out = Vec::with_capacity(per_row * height as usize);
    for row in data[..needed].chunks_exact(row_bytes) {
        out.extend((0..per_row).map(|i| sample(row, i, bpc, indexed)));
    }
    Ok(out)
}

/// Sample `i` of a row, as 8 bits: 16-bit keeps its high byte, 1/2/4-bit scale to 0–255
/// unless they are palette indexes.
fn sample(row: &[u8], i: usize, bpc: u8, indexed: bool) -> u8 {
    match bpc {
        16 => row[i * 2],
        1 | 2 | 4 => {
            let bits = usize::from(bpc);
            let byte = row[i * bits / 8];
            let shift = 8 - bits - (i * bits % 8);
            let value = (byte >> shift) & ((1u8 << bits) - 1);
            if indexed {
                value
            } else {
                scale(value, bpc)
            }
        }
        _ => row.get(i).copied().unwrap_or(255),
    }
}

fn scale(value: u8, bpc: u8) -> u8 {
    let max = (1u16 << bpc) - 1;
    (u16::from(value) * 255 / max) as u8
}

fn to_grey(samples: &[u8], space: &Space, channels: u8) -> Vec<u8> {
    match space {
        Space::Indexed { base, palette } => {
            let step = usize::from(*base).max(1);
            samples
                .iter()
                .map(|&index| palette_grey(palette, step, index))
                .collect()
        }
        Space::Direct(_) => match channels {
            1 => samples.to_vec(),
            3 => samples
                .chunks_exact(3)
                .map(|p| luma(p[0], p[1], p[2]))
                .collect(),
            _ => samples.chunks_exact(4).map(cmyk_grey).collect(),
        },
    }
}

/// Grey of palette entry `index`; an index past the palette is white.
fn palette_grey(palette: &[u8], step: usize, index: u8) -> u8 {
    let at = usize::from(index) * step;
    match palette.get(at..at + step) {
        Some([g]) => *g,
        Some([r, g, b]) => luma(*r, *g, *b),
        Some(cmyk) if cmyk.len() == 4 => cmyk_grey(cmyk),
        _ => 255,
    }
}

fn cmyk_grey(p: &[u8]) -> u8 {
    let ink = |c: u8, k: u8| (255 - u16::from(c)) * (255 - u16::from(k)) / 255;
    let (r, g, b) = (ink(p[0], p[3]), ink(p[1], p[3]), ink(p[2], p[3]));
    luma(r as u8, g as u8, b as u8)
}

/// A /Decode array of [1 0] inverts grey. (An image mask paints where its sample is 0, so
/// its default [0 1] already reads as black ink on white paper.)
fn inverts(dict: &Dict<'_>) -> bool {
    let decode: Vec<f64> = dict
        .get::<Array<'_>>(b"Decode".as_slice())
        .map(|a| a.iter::<f64>().collect())
        .unwrap_or_default();
    match decode.as_slice() {
        [first, second] => first > second,
        _ => false,
    }
}
