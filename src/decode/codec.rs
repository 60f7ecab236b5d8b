//! Single-page formats decoded through the `image` crate: JPEG, PNG, BMP, GIF and WebP.
//! Order of work, for every file: open the decoder (headers only), check the declared size
//! against `DecodeLimits`, only then decode pixels, convert to grey, and apply the EXIF
//! orientation. Large PNG pages are decoded row by row straight to grey (`png_rows.rs`). An animated GIF yields its first frame only. Called by `decode/mod.rs`.

use std::io::{self, Cursor};

use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader};

use crate::model::Dpi;

use super::error::{DecodeError, Limit};
use super::sniff::Format;
use super::{check_size, density, jpeg, png_rows, raster, DecodeLimits, PageImage, PageInfo};

/// Memory the PNG decoder may use for metadata chunks before the size check has run.
const HEADER_ALLOC: u64 = 256 * 1024 * 1024;

/// Decodes the one page of a single-image file.
pub(super) fn decode(
    bytes: &[u8],
    format: Format,
    limits: &DecodeLimits,
) -> Result<PageImage, DecodeError> {
    if format == Format::Jpeg && !jpeg::scan(bytes).complete {
        return Err(DecodeError::truncated(
            format,
            "data ends before the image is complete",
        ));
    }
    let mut decoder = open(bytes, format)?;
    let (width, height) = decoder.dimensions();
    check_size(1, width, height, limits)?;
    let too_large = || DecodeError::TooLarge {
        page: 1,
        width,
        height,
        limit: Limit::Memory,
    };
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    if format == Format::Png {
        if let Some(grey) = png_rows::decode_grey(bytes)? {
            let (pixels, width, height) = raster::orient(grey, width, height, orientation);
            return Ok(PageImage {
                index: 0,
                width,
                height,
                pixels,
                dpi: raster::oriented_dpi(declared_dpi(bytes, format), orientation),
            });
        }
    }
    decoder
        .set_limits(pixel_limits(limits))
        .map_err(|_| too_large())?;
    let image = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        ImageError::Limits(_) => too_large(),
        other => from_image_error(format, other),
    })?;
    let (width, height) = (image.width(), image.height());
    let grey = raster::grey(image);
    let (pixels, width, height) = raster::orient(grey, width, height, orientation);
    Ok(PageImage {
        index: 0,
        width,
        height,
        pixels,
        dpi: raster::oriented_dpi(declared_dpi(bytes, format), orientation),
    })
}

/// Size, orientation and resolution from the headers, without decoding pixels.
pub(super) fn probe(
    bytes: &[u8],
    format: Format,
    limits: &DecodeLimits,
) -> Result<PageInfo, DecodeError> {
    let mut decoder = open(bytes, format)?;
    let (width, height) = decoder.dimensions();
    check_size(1, width, height, limits)?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let (width, height) = raster::oriented_size(width, height, orientation);
    Ok(PageInfo {
        index: 0,
        width,
        height,
        dpi: raster::oriented_dpi(declared_dpi(bytes, format), orientation),
    })
}

/// Opens a decoder that has read the headers only. No width or height limit is set yet, so
/// an oversized page reaches our own size check and gets its dimensions in the message.
fn open(bytes: &[u8], format: Format) -> Result<impl ImageDecoder + '_, DecodeError> {
    let image_format = match format {
        Format::Jpeg => ImageFormat::Jpeg,
        Format::Png => ImageFormat::Png,
        Format::Bmp => ImageFormat::Bmp,
        Format::Gif => ImageFormat::Gif,
        Format::WebP => ImageFormat::WebP,
        Format::Tiff | Format::Pdf => {
            return Err(DecodeError::Unsupported(format!(
                "{format} through the image codecs"
            )))
        }
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), image_format);
    let mut header_limits = image::Limits::no_limits();
    header_limits.max_alloc = Some(HEADER_ALLOC);
    reader.limits(header_limits);
    reader
        .into_decoder()
        .map_err(|e| from_image_error(format, e))
}

/// Limits for the pixel decode, as a second line of defence behind `check_size`: sides as
/// configured, and room for the largest layout a page may decode to (16-bit RGBA).
fn pixel_limits(limits: &DecodeLimits) -> image::Limits {
    let mut out = image::Limits::no_limits();
    out.max_image_width = Some(limits.max_side);
    out.max_image_height = Some(limits.max_side);
    out.max_alloc = Some(limits.max_pixels.saturating_mul(8).max(HEADER_ALLOC));
    out
}

fn declared_dpi(bytes: &[u8], format: Format) -> Option<Dpi> {
    match format {
        Format::Jpeg => jpeg::scan(bytes).dpi,
        Format::Png => density::png_dpi(bytes),
        Format::Bmp => density::bmp_dpi(bytes),
        Format::Gif | Format::WebP | Format::Tiff | Format::Pdf => None,
    }
}

/// Sorts an `image` crate error into our kinds. Running out of data anywhere in the error's
/// chain means the file is truncated; other decoding failures mean it is corrupt.
fn from_image_error(format: Format, error: ImageError) -> DecodeError {
    if let ImageError::Unsupported(e) = &error {
        return DecodeError::Unsupported(format!("this {format} variant ({e})"));
    }
    let mut cause: &dyn std::error::Error = &error;
    while let Some(inner) = cause.source() {
        cause = inner;
    }
    let ends_early = cause
        .downcast_ref::<io::Error>()
        .is_some_and(|e| e.kind() == io::ErrorKind::UnexpectedEof)
        || mentions_end_of_data(&cause.to_string());
    if ends_early {
        DecodeError::truncated(format, "data ends before the image is complete")
    } else {
        DecodeError::corrupt(format, cause.to_string())
    }
}

/// Some codecs report running out of data only in words.
pub(super) fn mentions_end_of_data(message: &str) -> bool {
    let message = message.to_lowercase();
    [
        "unexpected eof",
        "end of file",
        "unexpected end",
        "premature end",
        "no more bytes",
    ]
    .iter()
    .any(|words| message.contains(words))
}
