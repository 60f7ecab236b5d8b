//! Coded pictures carried unchanged into a PDF decode to exactly the pixels the pipeline
//! read: a JPEG TIFF's strips joined into one JPEG, a Group 4 page coded here, a scanner
//! PDF's streams.

use super::super::passthrough::{encoded_pages, group4, Encoded};
use super::super::*;

fn fixture(rel: &str) -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/scans")
            .join(rel),
    )
    .unwrap()
}

fn pages(bytes: &[u8]) -> Vec<PageImage> {
    let mut out = Vec::new();
    for_each_page(bytes, &DecodeLimits::default(), |p| out.push(p)).unwrap();
    out
}

#[test]
fn jpeg_tiff_strips_join_into_one_jpeg_of_the_same_pixels() {
    let tiff = fixture("ket-qua/QD-2023-0103.tif");
    let coded = encoded_pages(&tiff);
    let decoded = pages(&tiff);
    assert_eq!(coded.len(), 3);
    for (code, page) in coded.iter().zip(&decoded) {
        let Some(Encoded::Jpeg {
            data,
            width,
            height,
            components: 1,
        }) = code
        else {
            panic!("page {} not joined: {code:?}", page.index);
        };
        assert_eq!((*width, *height), (page.width, page.height));
        let again = pages(data);
        assert_eq!(again.len(), 1);
        let worst = again[0]
            .pixels
            .iter()
            .zip(&page.pixels)
            .map(|(a, b)| a.abs_diff(*b))
            .max()
            .unwrap();
        assert!(worst <= 1, "page {}: pixels differ by {worst}", page.index);
    }
}

#[test]
fn a_black_and_white_page_coded_as_group4_decodes_to_the_same_pixels() {
    let tiff = fixture("ket-qua/QD-2023-0104.tif");
    let page = &pages(&tiff)[0];
    let Some(Encoded::Ccitt { data, .. }) = group4(&page.pixels, page.width, page.height) else {
        panic!("not coded");
    };
    assert!(
        data.len() * 10 < page.pixels.len() / 8,
        "{} bytes",
        data.len()
    );
    let mut back = Vec::new();
    let mut row = Vec::new();
    fax::decoder::decode_g4(
        data.iter().copied(),
        page.width as u16,
        Some(page.height as u16),
        |line| {
            row.clear();
            row.extend(
                fax::decoder::pels(line, page.width as u16).map(|c| match c {
                    fax::Color::Black => 0u8,
                    fax::Color::White => 255,
                }),
            );
            back.extend_from_slice(&row);
        },
    )
    .unwrap();
    assert!(back == page.pixels);
    let grey: Vec<u8> = page.pixels.iter().map(|&v| v / 2 + 1).collect();
    assert!(group4(&grey, page.width, page.height).is_none());
}

#[test]
fn scanner_pdf_streams_are_carried_when_drawn_upright() {
    let read = |name: &str| {
        std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("fixtures/real")
                .join(name),
        )
        .unwrap()
    };
    let kinds = |name: &str| -> Vec<&'static str> {
        encoded_pages(&read(name))
            .iter()
            .map(|e| match e {
                Some(Encoded::Jpeg { .. }) => "jpeg",
                Some(Encoded::Ccitt { .. }) => "ccitt",
                Some(Encoded::Jbig2 {
                    globals: Some(_), ..
                }) => "jbig2+globals",
                Some(Encoded::Jbig2 { .. }) => "jbig2",
                None => "-",
            })
            .collect()
    };
    assert_eq!(kinds("c02-22.pdf"), ["jpeg"]);
    assert_eq!(kinds("ccitt.pdf"), ["ccitt"]);
    assert_eq!(kinds("jbig2.pdf"), ["jbig2+globals"]);
    assert_eq!(kinds("encrypted_algo4.pdf"), ["jbig2"]);
    // Pages 2–4 are drawn turned: they go in as decoded pixels.
    assert_eq!(kinds("cardinal.pdf"), ["jbig2", "-", "-", "-"]);
}
