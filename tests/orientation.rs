//! Page geometry on real files: pages scanned upside down or sideways are read upright, pages
//! skewed up to ±10° are straightened before reading, and what was done is recorded per page
//! (`page.rotation`, `page.skew`). Upright, straight pages are read as they come.
//!
//! The real scans are the corpus's turned and skewed files; the sideways and skewed fixture
//! pages are made here from an upright fixture page, so their text is the fixture's truth.

mod common;

use std::path::Path;
use std::time::Duration;

use common::{describe, fixtures, real_corpus, Collection, Workplace};
use sohoa::decode::{for_each_page, DecodeLimits, PageImage};

const LIMIT: Duration = Duration::from_secs(600);
/// The fixture page turned and skewed here, and its truth.
const FIXTURE_PAGE: &str = "scans/cu-tru/CT-2023-0001/trang-1.jpg";
const FIXTURE_TRUTH: &str = "truth/cu-tru/CT-2023-0001/trang-1.txt";

/// One recorded page: rotation, skew, text.
struct Read {
    rotation: i64,
    skew: f64,
    text: String,
}

fn pages(place: &Workplace, collection: &str, file: &str) -> Vec<Read> {
    let c = place.catalog();
    let mut stmt = c
        .prepare(
            "SELECT p.rotation, p.skew, p.text FROM page p \
             JOIN current_file cf ON cf.file_id = p.file_id \
             JOIN collection c ON c.id = cf.collection_id \
             WHERE c.code = ?1 AND cf.rel_path = ?2 ORDER BY p.page_index",
        )
        .unwrap();
    let rows = stmt
        .query_map([collection, file], |r| {
            Ok(Read {
                rotation: r.get(0)?,
                skew: r.get(1)?,
                text: r.get(2)?,
            })
        })
        .unwrap();
    let found: Vec<Read> = rows.map(Result::unwrap).collect();
    assert!(!found.is_empty(), "{collection}/{file} not archived");
    found
}

/// Character error rate of `got` against `truth`, both NFC with whitespace collapsed.
fn cer(truth: &str, got: &str) -> f64 {
    use unicode_normalization::UnicodeNormalization;
    let norm = |s: &str| -> Vec<char> {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .nfc()
            .collect()
    };
    let (a, b) = (norm(truth), norm(got));
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push(
                (prev[j + 1] + 1)
                    .min(cur[j] + 1)
                    .min(prev[j] + usize::from(ca != cb)),
            );
        }
        prev = cur;
    }
    prev[b.len()] as f64 / a.len().max(1) as f64
}

fn decode_one(path: &Path) -> PageImage {
    let bytes = std::fs::read(path).unwrap();
    let mut first = None;
    for_each_page(&bytes, &DecodeLimits::default(), |p| {
        first.get_or_insert(p);
    })
    .unwrap();
    first.unwrap()
}

fn save_png(page: &PageImage, path: &Path) {
    image::GrayImage::from_raw(page.width, page.height, page.pixels.clone())
        .unwrap()
        .save(path)
        .unwrap();
}

/// The fixture page upright, turned a quarter either way, and skewed 7° either way: every
/// variant must read about as well as the upright page, with its geometry recorded.
fn fixture_variants(dir: &Path) {
    let page = decode_one(&fixtures().join(FIXTURE_PAGE));
    save_png(&page, &dir.join("upright.png"));
    // Turned clockwise by the scanner: reading it needs the opposite turn.
    save_png(&sohoa::prep::quarter_turn(&page, 90), &dir.join("cw90.png"));
    save_png(
        &sohoa::prep::quarter_turn(&page, 270),
        &dir.join("cw270.png"),
    );
    // Rotated clockwise 7°: its lines tilt 7° clockwise.
    save_png(&sohoa::prep::rotate(&page, 7.0), &dir.join("skew-cw7.png"));
    save_png(
        &sohoa::prep::rotate(&page, -7.0),
        &dir.join("skew-ccw7.png"),
    );
    let sideways = sohoa::prep::quarter_turn(&sohoa::prep::rotate(&page, 5.0), 90);
    save_png(&sideways, &dir.join("cw90-skew-cw5.png"));
}

const CORPUS: [&str; 4] = [
    "phototest-rotated-180.png",
    "testRotated+10.png",
    "cardinal.pdf",
    "phototest.tif",
];

#[test]
fn turned_and_skewed_pages_are_read_upright_and_their_geometry_recorded() {
    let real = tempfile::tempdir().unwrap();
    for name in CORPUS {
        std::fs::copy(real_corpus().join(name), real.path().join(name)).unwrap();
    }
    let made = tempfile::tempdir().unwrap();
    fixture_variants(made.path());
    let place = Workplace::new(&[
        Collection {
            id: "real",
            source: real.path(),
            layout: "file",
            target: 4,
        },
        Collection {
            id: "made",
            source: made.path(),
            layout: "file",
            target: 6,
        },
    ]);
    let out = place.run(&["run", "--quiet"], LIMIT);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));

    // Upside down: OSD's 180 is taken and the text is phototest's.
    let photo_truth = std::fs::read_to_string(real_corpus().join("phototest.tif.gt.txt")).unwrap();
    let turned = &pages(&place, "real", "phototest-rotated-180.png")[0];
    assert_eq!(turned.rotation, 180);
    let e = cer(&photo_truth, &turned.text);
    assert!(e < 0.03, "CER {e:.3}: {}", turned.text);
    let show = place.run(&["show", "phototest-rotated-180"], LIMIT);
    let shown = String::from_utf8_lossy(&show.stdout);
    assert!(shown.contains("turned 180°"), "{}", describe(&show));
    // The same page upright is not turned.
    let upright = &pages(&place, "real", "phototest.tif")[0];
    assert_eq!((upright.rotation, upright.skew), (0, 0.0));
    assert!(cer(&photo_truth, &upright.text) < 0.03, "{}", upright.text);

    // Skewed 10° clockwise: straightened by −10°, and OSD's spurious 180 is not taken.
    let tilted = &pages(&place, "real", "testRotated+10.png")[0];
    assert!((tilted.skew + 10.0).abs() < 0.5, "skew {}", tilted.skew);
    let show = place.run(&["show", "testRotated+10"], LIMIT);
    let shown = String::from_utf8_lossy(&show.stdout);
    assert!(shown.contains("deskewed -10"), "{}", describe(&show));
    assert_eq!(tilted.rotation, 0);
    assert!(
        tilted.text.contains("resolving otherwise she contented"),
        "{}",
        tilted.text
    );

    // The same page baked in at 0, 90, 180 and 270: all four read.
    let cardinal = pages(&place, "real", "cardinal.pdf");
    assert_eq!(cardinal.len(), 4);
    for (i, p) in cardinal.iter().enumerate() {
        assert!(
            p.text.contains("LinnSequencer"),
            "page {}: {}",
            i + 1,
            p.text
        );
    }
    assert_eq!(cardinal[0].rotation, 0);
    assert_eq!(cardinal[2].rotation, 180);

    let truth = std::fs::read_to_string(fixtures().join(FIXTURE_TRUTH)).unwrap();
    let base = &pages(&place, "made", "upright.png")[0];
    assert_eq!((base.rotation, base.skew), (0, 0.0));
    let base_cer = cer(&truth, &base.text);
    assert!(base_cer < 0.05, "upright CER {base_cer:.3}");
    let expected = [
        ("cw90.png", 270, 0.0),
        ("cw270.png", 90, 0.0),
        ("skew-cw7.png", 0, -7.0),
        ("skew-ccw7.png", 0, 7.0),
        ("cw90-skew-cw5.png", 270, -5.0),
    ];
    for (file, rotation, skew) in expected {
        let p = &pages(&place, "made", file)[0];
        assert_eq!(p.rotation, rotation, "{file}");
        assert!((p.skew - skew).abs() < 0.3, "{file}: skew {}", p.skew);
        let e = cer(&truth, &p.text);
        assert!(
            e < base_cer + 0.02,
            "{file}: CER {e:.3} against {base_cer:.3} upright"
        );
    }
}
