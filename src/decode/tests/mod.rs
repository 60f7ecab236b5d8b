//! Decoding the real scans and odd files of `fixtures/real/`
//! (its README says what each file exercises and what must happen).
//! Files built in code live in `synthetic.rs` and `layouts.rs` (builders in `build.rs`);
//! mutated corpus files in `mutations.rs`.

mod build;
mod layouts;
mod mutations;
mod passthrough;
mod synthetic;

use super::*;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/real");

fn read(name: &str) -> Vec<u8> {
    std::fs::read(format!("{CORPUS}/{name}")).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn decode_all(bytes: &[u8]) -> Result<Vec<PageImage>, DecodeError> {
    let mut pages = Vec::new();
    let count = for_each_page(bytes, &DecodeLimits::default(), |page| pages.push(page))?;
    assert_eq!(
        count as usize,
        pages.len(),
        "returned count matches pages handed over"
    );
    Ok(pages)
}

fn pages(name: &str) -> Vec<PageImage> {
    decode_all(&read(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn failure(bytes: &[u8]) -> DecodeError {
    match decode_all(bytes) {
        Ok(pages) => panic!("expected an error, got {} pages", pages.len()),
        Err(e) => e,
    }
}

/// Share of pixels on the paper side of mid-grey.
fn light_share(page: &PageImage) -> f64 {
    page.pixels.iter().filter(|&&v| v >= 128).count() as f64 / page.pixels.len() as f64
}

fn mean(page: &PageImage) -> f64 {
    page.pixels.iter().map(|&v| f64::from(v)).sum::<f64>() / page.pixels.len() as f64
}

fn is_bilevel(page: &PageImage) -> bool {
    page.pixels.iter().all(|&v| v == 0 || v == 255)
}

fn dpi(page: &PageImage) -> Option<(f32, f32)> {
    page.dpi.map(|d| (d.x, d.y))
}

/// Text pages: mostly paper, with some ink.
fn assert_black_on_white(name: &str, page: &PageImage) {
    let light = light_share(page);
    assert!(
        light > 0.5 && light < 0.999,
        "{name}: {light:.3} of pixels light"
    );
}

#[test]
fn rgb_jpeg_scan_decodes_to_grey_and_aspect_only_density_is_no_dpi() {
    let [page] = &pages("congress.jpg")[..] else {
        panic!("one page")
    };
    assert_eq!(
        (page.width, page.height, page.pixels.len()),
        (1000, 1520, 1_520_000)
    );
    assert_eq!(dpi(page), None);
    assert_black_on_white("congress.jpg", page);
}

#[test]
fn cmyk_jpeg_with_adobe_marker_comes_out_as_a_light_map_not_inverted() {
    let [page] = &pages("baiona_cmyk.jpg")[..] else {
        panic!("one page")
    };
    assert_eq!((page.width, page.height), (640, 682));
    assert_eq!(dpi(page), Some((200.0, 200.0)));
    assert!(mean(page) > 200.0, "mean brightness {:.1}", mean(page));
    // The same map as an indexed PNG must come out about as bright.
    let [png] = &pages("baiona_colormapped.png")[..] else {
        panic!("one page")
    };
    assert!((mean(page) - mean(png)).abs() < 10.0);
}

#[test]
fn truncated_jpeg_is_refused_as_truncated() {
    let error = failure(&read("truncated_jpeg.jpg"));
    assert_eq!(error.kind(), "truncated");
    assert_eq!(
        error.to_string(),
        "truncated JPEG: data ends before the image is complete"
    );
    let whole = read("congress.jpg");
    assert_eq!(failure(&whole[..whole.len() / 2]).kind(), "truncated");
}

#[test]
fn one_bit_palette_png_expands_to_black_and_white_and_has_no_dpi() {
    let [page] = &pages("linn.png")[..] else {
        panic!("one page")
    };
    assert_eq!((page.width, page.height), (2550, 3300));
    assert_eq!(dpi(page), None);
    assert!(is_bilevel(page));
    assert_black_on_white("linn.png", page);
}

#[test]
fn sixteen_bit_rgba_png_is_flattened_onto_white() {
    let bytes = read("basn6a16.png");
    let [page] = &decode_all(&bytes).expect("decodes")[..] else {
        panic!("one page")
    };
    assert_eq!((page.width, page.height), (32, 32));
    let rgba = image::load_from_memory(&bytes)
        .expect("reference decode")
        .to_rgba16();
    for (p, &grey) in rgba.pixels().zip(&page.pixels) {
        let [r, g, b, a] = p.0.map(|v| (v >> 8) as u8);
        assert_eq!(grey, raster::over_white(raster::luma(r, g, b), a));
        if a == 0 {
            assert_eq!(grey, 255, "fully transparent is paper");
        }
    }
}

#[test]
fn png_phys_gives_dpi_and_the_page_matches_the_tiff_turned_round() {
    let [png] = &pages("phototest-rotated-180.png")[..] else {
        panic!("one page")
    };
    assert_eq!(dpi(png), Some((200.0, 200.0)));
    let [tif] = &pages("phototest.tif")[..] else {
        panic!("one page")
    };
    let (turned, _, _) = raster::orient(
        png.pixels.clone(),
        640,
        480,
        image::metadata::Orientation::Rotate180,
    );
    let same = turned
        .iter()
        .zip(&tif.pixels)
        .filter(|(a, b)| a == b)
        .count();
    assert!(
        same as f64 / tif.pixels.len() as f64 > 0.99,
        "{same} pixels agree"
    );
}

#[test]
fn multipage_group3_fax_tiff_gives_three_pages_with_fax_dpi() {
    let pages = pages("total-pages-zero.tif");
    assert_eq!(pages.iter().map(|p| p.index).collect::<Vec<_>>(), [0, 1, 2]);
    for page in &pages {
        assert_eq!((page.width, page.height), (1728, 2156));
        assert_eq!(dpi(page), Some((204.0, 196.0)));
        assert!(is_bilevel(page));
        assert_black_on_white("total-pages-zero.tif", page);
    }
}

#[test]
fn group4_and_uncompressed_one_bit_tiffs_come_out_black_on_white() {
    for (name, size, resolution) in [
        ("viet.tif", (600, 200), 300.0),
        ("12.tif", (48, 29), 300.0),
        ("phototest.tif", (640, 480), 200.0),
        ("eurotext.tif", (1024, 800), 300.0),
    ] {
        let [page] = &pages(name)[..] else {
            panic!("{name}: one page")
        };
        assert_eq!((page.width, page.height), size, "{name}");
        assert_eq!(dpi(page), Some((resolution, resolution)), "{name}");
        assert!(is_bilevel(page), "{name}");
        assert_black_on_white(name, page);
    }
}

#[test]
fn ifd_loop_ends_after_the_one_real_page() {
    let bytes = read("multipage_single_frame_loop.tiff");
    let [page] = &decode_all(&bytes).expect("decodes")[..] else {
        panic!("one page")
    };
    assert_eq!((page.width, page.height), (10, 10));
    // Index 0 of its colour map is (0, 128, 0): a green square, resolution 0 means unknown.
    assert!(page.pixels.iter().all(|&v| v == raster::luma(0, 128, 0)));
    assert_eq!(dpi(page), None);
    assert_eq!(
        probe(&bytes, &DecodeLimits::default())
            .expect("probes")
            .page_count(),
        1
    );
}

#[test]
fn fuzzed_tiff_with_absurd_samples_per_pixel_is_corrupt() {
    let error = failure(&read("oom-225817ca0f8c663be7ab4b9e717b02c661e66834.tif"));
    assert_eq!(error.kind(), "corrupt");
    assert!(
        error
            .to_string()
            .starts_with("corrupt TIFF: cannot read directory 1: "),
        "{error}"
    );
}

#[test]
fn a_malformed_pdf_is_corrupt_and_a_locked_one_encrypted() {
    let invalid = failure(&read("invalid.pdf"));
    assert_eq!(invalid.kind(), "corrupt", "{invalid}");
    let locked = failure(&read("skew-encrypted.pdf"));
    assert_eq!(locked.kind(), "encrypted", "{locked}");
    assert!(locked.to_string().contains("password"), "{locked}");
}

#[test]
fn a_pdf_of_six_encodings_gives_six_pages_in_order_with_their_sizes() {
    let bytes = read("multipage.pdf");
    let mut sizes = Vec::new();
    let count = for_each_page(&bytes, &DecodeLimits::default(), |p| {
        sizes.push((
            p.index,
            p.width,
            p.height,
            p.dpi.map(|d| d.x.round() as u32),
        ));
    })
    .unwrap();
    assert_eq!(count, 6);
    assert_eq!(
        sizes,
        [
            (0, 800, 981, Some(150)),
            (1, 9000, 9000, Some(300)),
            (2, 958, 400, Some(96)),
            (3, 958, 400, Some(96)),
            (4, 612, 792, Some(72)),
            (5, 1258, 1253, Some(147)),
        ]
    );
    let probed = probe(&bytes, &DecodeLimits::default()).unwrap();
    assert_eq!(probed.format, Format::Pdf);
    assert_eq!(probed.page_count(), 6);
    assert_eq!(crate::decode::text_layer_pages(&bytes), [3]);
}

/// The corpus files that are not PDFs (nor ground-truth texts and notes), sorted.
fn corpus_images() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(CORPUS)
        .expect("corpus folder")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| !n.ends_with(".pdf") && !n.ends_with(".txt") && !n.ends_with(".md"))
        .filter(|n| n != "SHA256SUMS" && n != "LICENSES")
        .collect();
    names.sort();
    names
}

/// Checks decoded pages are well-formed and that `probe` reports the same pages.
fn assert_pages_consistent(name: &str, bytes: &[u8], pages: &[PageImage]) {
    assert!(!pages.is_empty(), "{name}: no pages");
    for page in pages {
        assert!(page.width > 0 && page.height > 0, "{name}");
        assert_eq!(
            page.pixels.len(),
            (page.width * page.height) as usize,
            "{name}"
        );
    }
    let probed = probe(bytes, &DecodeLimits::default()).expect(name);
    let probed: Vec<_> = probed
        .pages
        .iter()
        .map(|p| (p.index, p.width, p.height, p.dpi))
        .collect();
    let decoded: Vec<_> = pages
        .iter()
        .map(|p| (p.index, p.width, p.height, p.dpi))
        .collect();
    assert_eq!(probed, decoded, "{name}: probe agrees with decoding");
}

/// Every non-PDF file of the corpus decodes to non-empty pages, or fails with the kind the
/// README expects; probing agrees with decoding; and the whole loop ends.
#[test]
fn every_corpus_file_decodes_or_fails_as_the_readme_says() {
    let expected_failures = [
        ("truncated_jpeg.jpg", "truncated"),
        (
            "oom-225817ca0f8c663be7ab4b9e717b02c661e66834.tif",
            "corrupt",
        ),
    ];
    let names = corpus_images();
    assert!(names.len() >= 14, "corpus has its images: {names:?}");
    for name in &names {
        let bytes = read(name);
        let expected = expected_failures
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, kind)| *kind);
        match (decode_all(&bytes), expected) {
            (Ok(pages), None) => assert_pages_consistent(name, &bytes, &pages),
            (Err(e), Some(kind)) => assert_eq!(e.kind(), kind, "{name}: {e}"),
            (Ok(_), Some(kind)) => panic!("{name}: decoded, expected {kind}"),
            (Err(e), None) => panic!("{name}: {e}"),
        }
    }
}
