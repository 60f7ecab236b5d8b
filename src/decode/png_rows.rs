//! Large PNG pages decoded row by row straight to 8-bit grey, so a page costs its grey
//! bytes and one row rather than its full decoded layout: a 120 Mpx RGBA 16-bit scan would
//! otherwise take 960 MB before the conversion to grey. Interlaced files (whose rows come in
//! seven passes) and pages that decode small enough go through the `image` crate as before.
//! 16-bit samples keep their high byte and palettes and transparency are expanded, as the
//! `image` crate does, so both paths give the same grey. Called by `codec.rs`.

use std::io::{self, Cursor};

use png::{BitDepth, ColorType, Transformations};

use super::error::{DecodeError, Limit};
use super::raster::{luma, over_white};
use super::sniff::Format;

/// Pages whose full decode would take more than this go row by row.
const ROWS_ABOVE: u64 = 64 << 20;

/// Memory the decoder may use for metadata chunks (as for the `image` crate path).
const HEADER_ALLOC: usize = 256 * 1024 * 1024;

/// The page as grey bytes, `width × height`, row-major; `None` when the page is small or
/// interlaced and should take the ordinary path.
///
/// # Errors
/// A truncated or corrupt file.
pub(super) fn decode_grey(bytes: &[u8]) -> Result<Option<Vec<u8>>, DecodeError> {
    let mut decoder = png::Decoder::new_with_limits(
        Cursor::new(bytes),
        png::Limits {
            bytes: HEADER_ALLOC,
        },
    );
    decoder.set_transformations(Transformations::EXPAND | Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(error)?;
    let info = reader.info();
    let (width, height) = (u64::from(info.width), u64::from(info.height));
    let decoded = width * height * native_bytes(info.color_type, info.bit_depth);
    if info.interlaced || decoded <= ROWS_ABOVE {
        return Ok(None);
    }
    let channels = match reader.output_color_type().0 {
        ColorType::Grayscale => 1,
        ColorType::GrayscaleAlpha => 2,
        ColorType::Rgb => 3,
        ColorType::Rgba => 4,
        ColorType::Indexed => return Ok(None),
    };
    let memory = || DecodeError::TooLarge {
        page: 1,
        width: info.width,
        height: info.height,
        limit: Limit::Memory,
    };
    let pixels = usize::try_from(width * height).map_err(|_| memory())?;
    let mut grey = Vec::new();
    grey.try_reserve_exact(pixels).map_err(|_| memory())?;
    while let Some(row) = reader.next_row().map_err(error)? {
        grey.extend(row.data().chunks_exact(channels).map(|p| match channels {
            1 => p[0],
            2 => over_white(p[0], p[1]),
            3 => luma(p[0], p[1], p[2]),
            _ => over_white(luma(p[0], p[1], p[2]), p[3]),
        }));
    }
    if grey.len() != pixels {
        return Err(DecodeError::truncated(
            Format::Png,
            "data ends before the image is complete",
        ));
    }
    Ok(Some(grey))
}

/// Bytes per pixel of the layout the `image` crate would decode to.
fn native_bytes(color: ColorType, depth: BitDepth) -> u64 {
    let channels = match color {
        ColorType::Grayscale => 1,
        ColorType::GrayscaleAlpha => 2,
        ColorType::Rgb | ColorType::Indexed => 3,
        ColorType::Rgba => 4,
    };
    if depth == BitDepth::Sixteen {
        channels * 2
    } else {
        channels
    }
}

/// Running out of data anywhere in the error's chain means the file is truncated; any other
/// failure means it is corrupt (as `codec.rs` sorts the `image` crate's errors).
fn error(e: png::DecodingError) -> DecodeError {
    let mut cause: &dyn std::error::Error = &e;
    while let Some(inner) = cause.source() {
        cause = inner;
    }
    let ends_early = cause
        .downcast_ref::<io::Error>()
        .is_some_and(|e| e.kind() == io::ErrorKind::UnexpectedEof)
        || super::codec::mentions_end_of_data(&cause.to_string());
    if ends_early {
        DecodeError::truncated(Format::Png, "data ends before the image is complete")
    } else {
        DecodeError::corrupt(Format::Png, cause.to_string())
    }
}

#[cfg(test)]
mod tests {
    use image::{DynamicImage, ImageBuffer, Rgba};

    use super::super::{for_each_page, raster, DecodeError, DecodeLimits};

    /// An RGBA 16-bit page large enough to go row by row (72 MB decoded), with every
    /// channel varying so a wrong conversion shows.
    fn large_page() -> (Vec<u8>, DynamicImage) {
        let (w, h) = (3000u32, 3000u32);
        let buf = ImageBuffer::from_fn(w, h, |x, y| {
            let v = |k: u32| ((x * 37 + y * 11 + k * 4099) % 65536) as u16;
            Rgba([v(0), v(1), v(2), ((x + y) % 65536) as u16 | 0x8000])
        });
        let image = DynamicImage::ImageRgba16(buf);
        let mut bytes = Vec::new();
        image
            .write_to(
                &mut std::io::Cursor::new(&mut bytes),
                image::ImageFormat::Png,
            )
            .expect("encode");
        (bytes, image)
    }

    #[test]
    fn a_large_png_read_row_by_row_gives_the_grey_of_the_whole_decode() {
        let (bytes, image) = large_page();
        assert!(
            super::decode_grey(&bytes).expect("decode").is_some(),
            "rows"
        );
        let mut pages = Vec::new();
        for_each_page(&bytes, &DecodeLimits::default(), |p| pages.push(p)).expect("page");
        assert_eq!(pages.len(), 1);
        assert_eq!((pages[0].width, pages[0].height), (3000, 3000));
        assert!(
            pages[0].pixels == raster::grey(image),
            "same grey as the image crate"
        );
    }

    #[test]
    fn a_large_png_cut_short_is_truncated() {
        let (bytes, _) = large_page();
        let cut = &bytes[..bytes.len() / 2];
        let err = for_each_page(cut, &DecodeLimits::default(), |_| {}).expect_err("cut");
        assert!(matches!(err, DecodeError::Truncated { .. }), "{err:?}");
    }
}
