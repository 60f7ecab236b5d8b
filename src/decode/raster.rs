//! Pixel arithmetic shared by every format: colour to 8-bit grey, alpha flattened onto white
//! paper, and the eight EXIF/TIFF orientations applied to a grey page. Invariant: every
//! function here returns exactly `width × height` grey bytes, row-major. Called by the
//! image-crate codecs (`codec.rs`) and by the TIFF strip and fax decoders.

use image::metadata::Orientation;
use image::DynamicImage;

use crate::model::Dpi;

/// Rec. 601 luma, the weighting libjpeg and Leptonica use, so grey pages match what
/// Tesseract would compute itself from the colour file.
pub(super) fn luma(r: u8, g: u8, b: u8) -> u8 {
    let sum = 299 * u32::from(r) + 587 * u32::from(g) + 114 * u32::from(b);
    // At most 255_000 + 500, so the quotient fits a byte.
    ((sum + 500) / 1000) as u8
}

/// A grey value seen through `alpha` against white paper: transparent scans are printed
/// documents, so their background is the page, not black.
pub(super) fn over_white(value: u8, alpha: u8) -> u8 {
    let a = u32::from(alpha);
    let mixed = u32::from(value) * a + 255 * (255 - a);
    ((mixed + 127) / 255) as u8
}

/// Converts any decoded image to grey, reusing the 8-bit buffers in place so a colour page
/// never needs a second full-size copy next to it.
pub(super) fn grey(image: DynamicImage) -> Vec<u8> {
    match image {
        DynamicImage::ImageLuma8(buf) => buf.into_raw(),
        DynamicImage::ImageLumaA8(buf) => squeeze(buf.into_raw(), 2, |p| over_white(p[0], p[1])),
        DynamicImage::ImageRgb8(buf) => squeeze(buf.into_raw(), 3, |p| luma(p[0], p[1], p[2])),
        DynamicImage::ImageRgba8(buf) => squeeze(buf.into_raw(), 4, |p| {
            over_white(luma(p[0], p[1], p[2]), p[3])
        }),
        DynamicImage::ImageLuma16(buf) => map16(buf.as_raw(), 1, |p| p[0]),
        DynamicImage::ImageLumaA16(buf) => map16(buf.as_raw(), 2, |p| over_white(p[0], p[1])),
        DynamicImage::ImageRgb16(buf) => map16(buf.as_raw(), 3, |p| luma(p[0], p[1], p[2])),
        DynamicImage::ImageRgba16(buf) => map16(buf.as_raw(), 4, |p| {
            over_white(luma(p[0], p[1], p[2]), p[3])
        }),
        // Float and future layouts are rare for scans; the crate's own conversion is fine.
        other => other
            .into_rgba8()
            .pixels()
            .map(|p| over_white(luma(p[0], p[1], p[2]), p[3]))
            .collect(),
    }
}

/// Writes one grey byte per `channels`-byte pixel into the front of the same buffer. Safe in
/// place because pixel `i` is written at `i`, never ahead of the bytes still to be read at
/// `i × channels`.
fn squeeze(mut raw: Vec<u8>, channels: usize, to_grey: impl Fn(&[u8]) -> u8) -> Vec<u8> {
    let pixels = raw.len() / channels;
    for i in 0..pixels {
        let start = i * channels;
        let value = to_grey(&raw[start..start + channels]);
        raw[i] = value;
    }
    raw.truncate(pixels);
    raw.shrink_to_fit();
    raw
}

/// 16-bit samples keep their high byte, which is the rounding PNG and TIFF readers use.
fn map16(raw: &[u16], channels: usize, to_grey: impl Fn(&[u8]) -> u8) -> Vec<u8> {
    let mut pixel = [0u8; 4];
    raw.chunks_exact(channels)
        .map(|p| {
            for (dst, src) in pixel.iter_mut().zip(p) {
                *dst = (src >> 8) as u8;
            }
            to_grey(&pixel[..channels])
        })
        .collect()
}

/// Whether `orientation` turns the page a quarter turn, swapping width with height.
fn swaps_axes(orientation: Orientation) -> bool {
    matches!(
        orientation,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    )
}

/// Page size after `orientation`.
pub(super) fn oriented_size(width: u32, height: u32, orientation: Orientation) -> (u32, u32) {
    if swaps_axes(orientation) {
        (height, width)
    } else {
        (width, height)
    }
}

/// The resolution of the upright page: a quarter turn swaps the horizontal and vertical dpi.
pub(super) fn oriented_dpi(dpi: Option<Dpi>, orientation: Orientation) -> Option<Dpi> {
    dpi.map(|d| {
        if swaps_axes(orientation) {
            Dpi { x: d.y, y: d.x }
        } else {
            d
        }
    })
}

/// Applies `orientation` to a grey page of `width × height`, returning the upright pixels and
/// their size. The caller guarantees `pixels.len() == width × height`.
pub(super) fn orient(
    pixels: Vec<u8>,
    width: u32,
    height: u32,
    orientation: Orientation,
) -> (Vec<u8>, u32, u32) {
    if orientation == Orientation::NoTransforms {
        return (pixels, width, height);
    }
    let (w, h) = (width as usize, height as usize);
    let (out_w, out_h) = oriented_size(width, height, orientation);
    // For each upright pixel (x, y), the stored pixel it comes from.
    let source = |x: usize, y: usize| -> usize {
        let (sx, sy) = match orientation {
            Orientation::NoTransforms => (x, y),
            Orientation::FlipHorizontal => (w - 1 - x, y),
            Orientation::FlipVertical => (x, h - 1 - y),
            Orientation::Rotate180 => (w - 1 - x, h - 1 - y),
            Orientation::Rotate90 => (y, h - 1 - x),
            Orientation::Rotate270 => (w - 1 - y, x),
            Orientation::Rotate90FlipH => (y, x),
            Orientation::Rotate270FlipH => (w - 1 - y, h - 1 - x),
        };
        sy * w + sx
    };
    let mut out = Vec::with_capacity(pixels.len());
    for y in 0..out_h as usize {
        out.extend((0..out_w as usize).map(|x| pixels.get(source(x, y)).copied().unwrap_or(255)));
    }
    (out, out_w, out_h)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{GrayImage, Luma};

    #[test]
    fn orient_matches_the_image_crate_for_all_eight_orientations() {
        let (w, h) = (3u32, 2u32);
        let page = GrayImage::from_fn(w, h, |x, y| Luma([(10 * y + x) as u8]));
        for exif in 1..=8u8 {
            let orientation = Orientation::from_exif(exif).expect("valid EXIF value");
            let mut expected = DynamicImage::ImageLuma8(page.clone());
            expected.apply_orientation(orientation);
            let (pixels, ow, oh) = orient(page.as_raw().clone(), w, h, orientation);
            assert_eq!(
                (ow, oh),
                (expected.width(), expected.height()),
                "exif {exif}"
            );
            assert_eq!(&pixels, expected.as_bytes(), "exif {exif}");
        }
    }

    #[test]
    fn alpha_flattens_onto_white_and_colour_goes_to_luma() {
        assert_eq!(over_white(0, 0), 255);
        assert_eq!(over_white(0, 255), 0);
        assert_eq!(over_white(100, 128), 177);
        assert_eq!(luma(255, 255, 255), 255);
        assert_eq!(luma(0, 0, 0), 0);
        let rgba = image::RgbaImage::from_raw(2, 1, vec![0, 0, 0, 0, 0, 0, 0, 255]).expect("2×1");
        assert_eq!(grey(DynamicImage::ImageRgba8(rgba)), vec![255, 0]);
    }

    #[test]
    fn a_quarter_turn_swaps_dpi_axes() {
        let fax = Some(Dpi { x: 204.0, y: 196.0 });
        let turned = oriented_dpi(fax, Orientation::Rotate90).expect("dpi kept");
        assert_eq!((turned.x, turned.y), (196.0, 204.0));
    }
}
