//! Files built in code for cases the corpus lacks: decompression bombs, photometric and fill
//! order variants, resolution units, IFD loops over several pages, EXIF orientation,
//! palette and colour TIFFs, and content that is no image at all.

use super::build::{self, TiffPage, LONG, RATIONAL, SHORT};
use super::*;
use crate::decode::tiff::ifd::{tag, Layout};

fn never_called(bytes: &[u8]) -> DecodeError {
    for_each_page(bytes, &DecodeLimits::default(), |page| {
        panic!("page {} decoded", page.index)
    })
    .expect_err("refused")
}

#[test]
fn png_declaring_100000_square_is_too_large_from_its_header() {
    let bomb = build::png_declaring(100_000, 100_000);
    let error = never_called(&bomb);
    assert_eq!(
        error.to_string(),
        "page 1 too large: 100000×100000 px (limit 120 Mpx)"
    );
    assert_eq!(error.kind(), "too-large");
    assert_eq!(
        probe(&bomb, &DecodeLimits::default())
            .expect_err("refused")
            .kind(),
        "too-large"
    );
}

/// Page 1 is fine and page 2 declares 60000×60000 with 8 bytes of data: the file is refused
/// before page 1 is handed over, and with `too-large`, not the `truncated` a decoder that
/// trusted the header and started reading would have reported.
#[test]
fn tiff_page_declaring_60000_square_is_too_large_before_any_page_is_decoded() {
    let fine = TiffPage::bilevel(8, 1, 0, vec![0x0F]);
    let bomb = TiffPage::bilevel(60_000, 60_000, 0, vec![0; 8]);
    let error = never_called(&build::tiff(vec![fine, bomb], false));
    assert_eq!(
        error.to_string(),
        "page 2 too large: 60000×60000 px (limit 120 Mpx)"
    );
}

#[test]
fn one_side_over_the_limit_names_the_side_limit_and_a3_at_600_dpi_passes() {
    let strip = TiffPage::bilevel(40_000, 10, 0, vec![0; 50_000]);
    let error = never_called(&build::tiff(vec![strip], false));
    assert_eq!(
        error.to_string(),
        "page 1 too large: 40000×10 px (limit 30000 px per side)"
    );
    assert!(check_size(1, 7016, 9921, &DecodeLimits::default()).is_ok());
    assert!(check_size(1, 35_000, 35_000, &DecodeLimits::default()).is_err());
}

#[test]
fn more_pages_than_the_limit_is_too_large() {
    let limits = DecodeLimits {
        max_pages: 2,
        ..DecodeLimits::default()
    };
    let error = probe(&super::read("total-pages-zero.tif"), &limits).expect_err("refused");
    assert_eq!(error.to_string(), "too many pages: more than 2 in one file");
    assert_eq!(error.kind(), "too-large");
}

#[test]
fn white_is_zero_and_black_is_zero_are_mirror_images() {
    let bits = vec![0b1100_0000];
    let decode = |photometric| {
        let file = build::tiff(
            vec![TiffPage::bilevel(8, 1, photometric, bits.clone())],
            false,
        );
        decode_all(&file).expect("decodes").remove(0).pixels
    };
    assert_eq!(decode(0), [0, 0, 255, 255, 255, 255, 255, 255]);
    assert_eq!(decode(1), [255, 255, 0, 0, 0, 0, 0, 0]);
}

/// viet.tif's Group 4 strip and tags, rebuilt with the given photometric and fill order.
fn viet_variant(photometric: u32, lsb_first: bool) -> Vec<u8> {
    let original = super::read("viet.tif");
    let layout = Layout::parse(&original).expect("header");
    let dir = layout.read_dir(layout.first).expect("directory");
    let at = |t| layout.get(&dir, t, 0).expect("tag") as usize;
    let strip = &original[at(tag::STRIP_OFFSETS)..][..at(tag::STRIP_BYTE_COUNTS)];
    let strip = strip
        .iter()
        .map(|&b| if lsb_first { b.reverse_bits() } else { b })
        .collect();
    let page = TiffPage::bilevel(600, 200, photometric, strip)
        .with(tag::COMPRESSION, SHORT, vec![4])
        .with(tag::FILL_ORDER, SHORT, vec![if lsb_first { 2 } else { 1 }]);
    build::tiff(vec![page], false)
}

#[test]
fn fax_photometric_and_fill_order_are_honoured() {
    let [reference] = &pages("viet.tif")[..] else {
        panic!("one page")
    };
    let rebuilt = decode_all(&viet_variant(0, false)).expect("decodes");
    assert_eq!(rebuilt[0].pixels, reference.pixels);
    let reversed = decode_all(&viet_variant(0, true)).expect("decodes");
    assert_eq!(reversed[0].pixels, reference.pixels, "FillOrder 2");
    let inverted = decode_all(&viet_variant(1, false)).expect("decodes");
    let negative: Vec<u8> = reference.pixels.iter().map(|v| 255 - v).collect();
    assert_eq!(inverted[0].pixels, negative, "BlackIsZero");
}

#[test]
fn big_endian_tiffs_decode_like_little_endian_ones() {
    let rgb = TiffPage::bilevel(2, 1, 2, vec![255, 0, 0, 255, 255, 255])
        .with(tag::BITS_PER_SAMPLE, SHORT, vec![8, 8, 8])
        .with(tag::SAMPLES_PER_PIXEL, SHORT, vec![3])
        .with(tag::X_RESOLUTION, RATIONAL, vec![300, 1])
        .with(tag::Y_RESOLUTION, RATIONAL, vec![600, 2]);
    let files = [build::tiff(vec![rgb], false), viet_variant(0, true)];
    for little in files {
        let big = build::to_big_endian(&little);
        assert!(big.starts_with(b"MM\0*"));
        let (le, be) = (
            decode_all(&little).expect("LE"),
            decode_all(&big).expect("BE"),
        );
        assert_eq!(le, be);
    }
}

#[test]
fn tiff_resolution_units_inch_centimetre_and_none() {
    let with_unit = |x: Vec<u32>, unit: Option<u32>| {
        let mut page = TiffPage::bilevel(8, 1, 0, vec![0])
            .with(tag::X_RESOLUTION, RATIONAL, x.clone())
            .with(tag::Y_RESOLUTION, RATIONAL, x);
        if let Some(unit) = unit {
            page = page.with(tag::RESOLUTION_UNIT, SHORT, vec![unit]);
        }
        let file = build::tiff(vec![page], false);
        dpi(&decode_all(&file).expect("decodes")[0])
    };
    assert_eq!(with_unit(vec![300, 1], Some(2)), Some((300.0, 300.0)));
    assert_eq!(
        with_unit(vec![300, 1], None),
        Some((300.0, 300.0)),
        "inch by default"
    );
    assert_eq!(with_unit(vec![11811, 100], Some(3)), Some((300.0, 300.0)));
    assert_eq!(with_unit(vec![300, 1], Some(1)), None, "no absolute unit");
    assert_eq!(with_unit(vec![300, 0], Some(2)), None, "zero denominator");
}

#[test]
fn an_ifd_chain_that_loops_back_gives_each_page_once() {
    let one = TiffPage::bilevel(8, 1, 0, vec![0xFF]);
    let two = TiffPage::bilevel(8, 1, 0, vec![0x00]);
    let pages = decode_all(&build::tiff(vec![one, two], true)).expect("decodes");
    assert_eq!(pages.len(), 2);
    assert_eq!((pages[0].pixels[0], pages[1].pixels[0]), (0, 255));
}

#[test]
fn reduced_resolution_previews_in_the_chain_are_not_pages() {
    let page = TiffPage::bilevel(16, 2, 0, vec![0; 4]);
    let preview = TiffPage::bilevel(8, 1, 0, vec![0]).with(tag::NEW_SUBFILE_TYPE, LONG, vec![1]);
    let pages = decode_all(&build::tiff(vec![page, preview], false)).expect("decodes");
    assert_eq!(pages.iter().map(|p| p.width).collect::<Vec<_>>(), [16]);
}

#[test]
fn palette_rgb_and_cmyk_tiffs_convert_to_grey() {
    let eight_bit = |photometric: u32, samples: u32, strip: Vec<u8>| {
        TiffPage::bilevel(2, 1, photometric, strip)
            .with(tag::BITS_PER_SAMPLE, SHORT, vec![8; samples as usize])
            .with(tag::SAMPLES_PER_PIXEL, SHORT, vec![samples])
    };
    let decode = |page| {
        decode_all(&build::tiff(vec![page], false))
            .expect("decodes")
            .remove(0)
            .pixels
    };
    let rgb = eight_bit(2, 3, vec![255, 0, 0, 255, 255, 255]);
    assert_eq!(decode(rgb), [raster::luma(255, 0, 0), 255]);
    let cmyk = eight_bit(5, 4, vec![0, 0, 0, 255, 0, 0, 0, 0]);
    assert_eq!(decode(cmyk), [0, 255], "full black ink, then no ink");
    let mut map = vec![0u32; 3 * 256];
    map[1] = 0xFFFF; // index 1 is pure red; every other entry black
    let palette = eight_bit(3, 1, vec![1, 0]).with(tag::COLOR_MAP, SHORT, map);
    assert_eq!(decode(palette), [raster::luma(255, 0, 0), 0]);
}

#[test]
fn exif_orientation_turns_the_page_upright() {
    // 16×8, left half black: turned a quarter clockwise it is 8×16 with the top half black.
    let pixels: Vec<u8> = (0..8)
        .flat_map(|_| (0..16).map(|x| if x < 8 { 0 } else { 255 }))
        .collect();
    let upright = decode_all(&build::jpeg(16, 8, &pixels, Some(1)))
        .expect("decodes")
        .remove(0);
    assert_eq!((upright.width, upright.height), (16, 8));
    let turned = decode_all(&build::jpeg(16, 8, &pixels, Some(6)))
        .expect("decodes")
        .remove(0);
    assert_eq!((turned.width, turned.height), (8, 16));
    assert!(turned.pixels[2 * 8 + 4] < 64 && turned.pixels[13 * 8 + 4] > 192);
    let probed = probe(
        &build::jpeg(16, 8, &pixels, Some(6)),
        &DecodeLimits::default(),
    )
    .expect("probes");
    assert_eq!((probed.pages[0].width, probed.pages[0].height), (8, 16));
}

#[test]
fn grey_jpeg_keeps_its_values() {
    let pixels: Vec<u8> = (0..64).map(|i| if i % 8 < 4 { 40 } else { 220 }).collect();
    let page = decode_all(&build::jpeg(8, 8, &pixels, None))
        .expect("decodes")
        .remove(0);
    assert!(page
        .pixels
        .iter()
        .zip(&pixels)
        .all(|(&a, &b)| a.abs_diff(b) < 24));
}

#[test]
fn empty_text_html_and_zeros_are_refused_before_any_decoder() {
    assert_eq!(failure(b"").kind(), "empty");
    let text = failure("Ghi chú: hồ sơ số 12 thiếu trang\n".as_bytes());
    assert_eq!(text.kind(), "not-an-image");
    assert!(text
        .to_string()
        .starts_with("not an image: content looks like text (\"Ghi chú:"));
    let html = failure(b"<html><head><title>Sign in</title></head></html>");
    assert_eq!(html.to_string(), "not an image: content looks like HTML");
    assert_eq!(failure(&[0; 512]).kind(), "not-an-image");
}

#[test]
fn tiff_strip_past_the_end_of_the_file_is_truncated() {
    let mut file = build::tiff(vec![TiffPage::bilevel(8, 4, 0, vec![0; 4])], false);
    let layout = Layout::parse(&file).expect("header");
    let dir = layout.read_dir(layout.first).expect("directory");
    let count = dir.entry(tag::STRIP_BYTE_COUNTS).expect("entry").field as usize;
    file[count..count + 4].copy_from_slice(&400u32.to_le_bytes());
    let error = failure(&file);
    assert_eq!(error.kind(), "truncated", "{error}");
}
