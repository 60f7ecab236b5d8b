//! A page as a browser can show it: the review station (`sohoa review`) asks for one page of
//! an archived original, which may be a TIFF or PDF no browser displays. The page is decoded
//! as the pipeline decodes it (upright 8-bit grey, same limits), scaled down to a width the
//! screen can use and encoded as PNG.

use image::codecs::png::PngEncoder;
use image::imageops::FilterType;
use image::{GrayImage, ImageEncoder};

use super::{for_each_page, DecodeError, DecodeLimits};

/// Page `index` (0-based) of `bytes` as a PNG at most `max_width` pixels wide; `None` when
/// the file has fewer pages.
///
/// Earlier pages of a multi-page file are decoded and dropped on the way (the decoders
/// stream pages in order), so memory holds one page at a time.
///
/// # Errors
/// The page cannot be decoded, or the PNG cannot be encoded.
pub fn page_png(
    bytes: &[u8],
    index: u32,
    limits: &DecodeLimits,
    max_width: u32,
) -> Result<Option<Vec<u8>>, DecodeError> {
    let mut found = None;
    for_each_page(bytes, limits, |page| {
        if page.index == index {
            found = GrayImage::from_raw(page.width, page.height, page.pixels);
        }
    })?;
    let Some(mut img) = found else {
        return Ok(None);
    };
    if img.width() > max_width {
        let height = u64::from(img.height()) * u64::from(max_width) / u64::from(img.width());
        let height = u32::try_from(height.max(1)).unwrap_or(u32::MAX);
        img = image::imageops::resize(&img, max_width, height, FilterType::Triangle);
    }
    let mut png = Vec::new();
    PngEncoder::new(&mut png)
        .write_image(
            img.as_raw(),
            img.width(),
            img.height(),
            image::ExtendedColorType::L8,
        )
        .map_err(|e| DecodeError::Unsupported(format!("cannot encode a PNG preview: {e}")))?;
    Ok(Some(png))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_becomes_a_png_no_wider_than_asked() {
        let img = GrayImage::from_fn(300, 100, |x, _| image::Luma([(x % 256) as u8]));
        let mut src = Vec::new();
        PngEncoder::new(&mut src)
            .write_image(img.as_raw(), 300, 100, image::ExtendedColorType::L8)
            .expect("encode");
        let limits = DecodeLimits::default();
        let png = page_png(&src, 0, &limits, 150)
            .expect("decode")
            .expect("page 0");
        let back = image::load_from_memory(&png).expect("a PNG");
        assert_eq!((back.width(), back.height()), (150, 50));
        assert_eq!(page_png(&src, 1, &limits, 150).expect("decode"), None);
        assert!(page_png(b"not an image", 0, &limits, 150).is_err());
    }
}
