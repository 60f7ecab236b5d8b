//! Scanner PDFs are read like multi-page TIFFs: `sohoa run` over PDFs of the real-scan
//! corpus archives each page in order with its text (JBIG2 with and without globals, CCITT G4
//! with /BlackIs1, an AES file with an empty user password, a page turned by /Rotate, six
//! pages of six encodings, a 2400 ppi image, an Epson scanner's file), records
//! an existing text layer, and refuses the password-protected, malformed and bomb PDFs with
//! their specific kinds while the batch goes on. The stored original is the PDF byte for byte.

mod common;

use std::time::Duration;

use common::{describe, json, real_corpus, Collection, Workplace};
use sha2::{Digest, Sha256};

const LIMIT: Duration = Duration::from_secs(600);

/// Corpus PDFs that must be archived: file, pages, and a word OCR must find on the first page.
const GOOD: [(&str, u32, &str); 13] = [
    ("skew.pdf", 1, "LinnSequencer"),
    ("rotated_skew.pdf", 1, "Sequencer"),
    ("epson.pdf", 1, "Wikipedia"),
    ("c02-22.pdf", 1, "tip-toeing"),
    ("francais.pdf", 1, "whisky"),
    ("2400dpi.pdf", 1, "Waterman"),
    ("multipage.pdf", 6, "tip-toeing"),
    ("cardinal.pdf", 4, "Sequencer"),
    ("ccitt.pdf", 1, "Sequencer"),
    ("jbig2.pdf", 1, "Sequencer"),
    ("encrypted_algo4.pdf", 1, "CONGRESS"),
    ("graph_ocred.pdf", 1, ""),
    ("blank.pdf", 1, ""),
];

const REFUSED: [(&str, &str); 3] = [
    ("invalid.pdf", "corrupt"),
    ("hugemono.pdf", "too-large"),
    ("skew-encrypted.pdf", "encrypted"),
];

fn source() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let names = GOOD.iter().map(|g| g.0).chain(REFUSED.iter().map(|r| r.0));
    for name in names {
        std::fs::copy(real_corpus().join(name), dir.path().join(name)).unwrap();
    }
    dir
}

/// (page index, text, flags, width, height) of every page of `file`, in order.
fn pages(place: &Workplace, file: &str) -> Vec<(i64, String, String, i64, i64)> {
    let c = place.catalog();
    let mut stmt = c
        .prepare(
            // The size of the page as decoded: the recorded size is the recognised image's,
            // which the orientation stage may have turned by a quarter.
            "SELECT p.page_index, p.text, p.flags, \
             CASE WHEN p.rotation % 180 = 90 THEN p.height ELSE p.width END, \
             CASE WHEN p.rotation % 180 = 90 THEN p.width ELSE p.height END FROM page p \
             JOIN current_file cf ON cf.file_id = p.file_id WHERE cf.rel_path = ?1 \
             ORDER BY p.page_index",
        )
        .unwrap();
    stmt.query_map([file], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

#[test]
fn corpus_pdfs_are_read_page_by_page_and_bad_ones_refused_specifically() {
    let src = source();
    let place = Workplace::new(&[Collection {
        id: "pdf",
        source: src.path(),
        layout: "file",
        target: 20,
    }]);
    let out = place.run(&["run", "--json", "--quiet"], LIMIT);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let summary = json(&out);
    let failures = summary["collections"][0]["failures"].as_array().unwrap();
    for (file, kind) in REFUSED {
        let f = failures
            .iter()
            .find(|f| f["file"] == file)
            .unwrap_or_else(|| panic!("{file} not refused: {summary}"));
        assert_eq!(f["kind"], kind, "{f}");
    }
    assert_eq!(failures.len(), REFUSED.len(), "{summary}");
    for (file, count, word) in GOOD {
        let got = pages(&place, file);
        assert_eq!(got.len() as u32, count, "{file}: {got:?}");
        assert!(got[0].1.contains(word), "{file}: {:?}", got[0].1);
    }
    // /Rotate 90 on a landscape page: the recognised page is portrait and reads.
    let turned = &pages(&place, "rotated_skew.pdf")[0];
    assert!(turned.4 > turned.3, "{turned:?}");
    // Each page of cardinal.pdf is decoded as wide as its displayed page (portrait,
    // landscape…), and each, whichever way its text runs, reads the same.
    let cardinal = pages(&place, "cardinal.pdf");
    let shapes: Vec<bool> = cardinal.iter().map(|p| p.3 > p.4).collect();
    assert_eq!(shapes, [false, true, false, true]);
    for page in &cardinal {
        assert!(page.1.contains("LinnSequencer"), "{page:?}");
    }
    // An earlier OCR layer is recorded; a page that draws nothing is blank.
    assert!(pages(&place, "graph_ocred.pdf")[0]
        .2
        .contains("has-text-layer"));
    assert!(pages(&place, "blank.pdf")[0].2.contains("blank"));
    assert!(!pages(&place, "ccitt.pdf")[0].2.contains("has-text-layer"));
}

#[test]
fn the_stored_original_of_a_pdf_is_the_file_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        real_corpus().join("blank.pdf"),
        dir.path().join("blank.pdf"),
    )
    .unwrap();
    let place = Workplace::new(&[Collection {
        id: "pdf",
        source: dir.path(),
        layout: "file",
        target: 1,
    }]);
    let out = place.run(&["run", "--quiet"], LIMIT);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let bytes = std::fs::read(real_corpus().join("blank.pdf")).unwrap();
    let sum = format!("{:x}", Sha256::digest(&bytes));
    let stored: String = place
        .catalog()
        .query_row(
            "SELECT sha256 FROM file WHERE rel_path = 'blank.pdf'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored, sum);
    let found = walkdir::WalkDir::new(place.archive())
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().to_string_lossy().contains(&sum[..16]))
        .any(|e| std::fs::read(e.path()).unwrap() == bytes);
    assert!(found, "no stored object holds the PDF's bytes");
}
