//! TIFF layouts that take the `tiff` crate path in ways the corpus does not: many strips,
//! LZW and Deflate compression, a predictor, 16-bit samples, several pages, tiles, and
//! 8-bit WhiteIsZero. Files come from the `tiff` crate's own encoder or from `build.rs`.

use std::io::Cursor;

use ::tiff::encoder::compression::DeflateLevel;
use ::tiff::encoder::{colortype, Compression, Predictor, TiffEncoder};

use super::build::{self, TiffPage, LONG, SHORT};
use super::*;
use crate::decode::tiff::ifd::tag;

#[test]
fn lzw_rgb_tiff_in_many_strips_is_assembled_in_order() {
    let (w, h) = (64u32, 300u32);
    let shade = |y: u32| (y * 7 % 256) as u8;
    let rgb: Vec<u8> = (0..h)
        .flat_map(|y| [shade(y); 3].repeat(w as usize))
        .collect();
    let mut file = Cursor::new(Vec::new());
    let mut encoder = TiffEncoder::new(&mut file)
        .expect("encoder")
        .with_compression(Compression::Lzw);
    let mut image = encoder.new_image::<colortype::RGB8>(w, h).expect("image");
    image.rows_per_strip(16).expect("strips");
    image.write_data(&rgb).expect("written");
    let [page] = &decode_all(file.get_ref()).expect("decodes")[..] else {
        panic!("one page")
    };
    for (y, row) in page.pixels.chunks(w as usize).enumerate() {
        assert!(row.iter().all(|&v| v == shade(y as u32)), "row {y}");
    }
}

#[test]
fn deflate_16_bit_grey_pages_with_predictor_keep_their_high_byte() {
    let (w, h) = (256u32, 4u32);
    let ramp: Vec<u16> = (0..h)
        .flat_map(|_| (0..w).map(|x| (x as u16) << 8 | 0x80))
        .collect();
    let inverse: Vec<u16> = ramp.iter().map(|v| 0xFFFF - v).collect();
    let mut file = Cursor::new(Vec::new());
    let mut encoder = TiffEncoder::new(&mut file)
        .expect("encoder")
        .with_compression(Compression::Deflate(DeflateLevel::default()))
        .with_predictor(Predictor::Horizontal);
    encoder
        .write_image::<colortype::Gray16>(w, h, &ramp)
        .expect("page 1");
    encoder
        .write_image::<colortype::Gray16>(w, h, &inverse)
        .expect("page 2");
    let pages = decode_all(file.get_ref()).expect("decodes");
    assert_eq!(pages.len(), 2);
    for (i, &v) in pages[0].pixels.iter().enumerate() {
        assert_eq!(v as usize, i % 256);
        assert_eq!(pages[1].pixels[i] as usize, 255 - i % 256);
    }
}

#[test]
fn tiles_are_placed_and_cropped_at_the_page_edges() {
    let tile = |shade: u8| vec![shade; 16 * 16];
    let page = TiffPage {
        tags: vec![
            (tag::IMAGE_WIDTH, LONG, vec![20]),
            (tag::IMAGE_LENGTH, LONG, vec![20]),
            (tag::BITS_PER_SAMPLE, SHORT, vec![8]),
            (tag::COMPRESSION, SHORT, vec![1]),
            (tag::PHOTOMETRIC, SHORT, vec![1]),
            (322, SHORT, vec![16]),
            (323, SHORT, vec![16]),
        ],
        chunks: vec![tile(0), tile(60), tile(120), tile(180)],
        tiled: true,
    };
    let [page] = &decode_all(&build::tiff(vec![page], false)).expect("decodes")[..] else {
        panic!("one page")
    };
    for (i, &v) in page.pixels.iter().enumerate() {
        let (x, y) = (i % 20, i / 20);
        assert_eq!(v as usize, 60 * ((y / 16) * 2 + x / 16), "({x}, {y})");
    }
}

#[test]
fn eight_bit_white_is_zero_is_inverted_to_black_on_white() {
    let page = TiffPage::bilevel(2, 1, 0, vec![0, 255]).with(tag::BITS_PER_SAMPLE, SHORT, vec![8]);
    let pages = decode_all(&build::tiff(vec![page], false)).expect("decodes");
    assert_eq!(pages[0].pixels, [255, 0]);
}

#[test]
fn bigtiff_pages_decode() {
    let (w, h) = (40u32, 30u32);
    let shades: Vec<u8> = (0..w * h).map(|i| (i % 251) as u8).collect();
    let mut file = Cursor::new(Vec::new());
    let mut encoder = TiffEncoder::new_big(&mut file).expect("encoder");
    encoder
        .write_image::<colortype::Gray8>(w, h, &shades)
        .expect("page 1");
    encoder
        .write_image::<colortype::Gray8>(w, h, &shades)
        .expect("page 2");
    let pages = decode_all(file.get_ref()).expect("decodes");
    assert_eq!(pages.len(), 2);
    assert!(pages.iter().all(|p| p.pixels == shades));
}
