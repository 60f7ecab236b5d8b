//! Bad input never stops a batch: every broken file in `fixtures/bad/` and every must-fail file
//! of the real-scan corpus (`fixtures/real/`) gets its own specific error, recorded against that file;
//! nothing hangs; the good files next to them are archived; the run exits 1.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use common::{describe, fixtures, json, real_corpus, Collection, Workplace};
use unicode_normalization::UnicodeNormalization;

/// Generous: the whole batch is a handful of small pages. A hang shows as a failure here.
const LIMIT: Duration = Duration::from_secs(300);

/// Must-fail files of the real corpus with the error kind each must get (see its README).
const REAL_MUST_FAIL: [(&str, &str); 5] = [
    (
        "oom-225817ca0f8c663be7ab4b9e717b02c661e66834.tif",
        "corrupt",
    ),
    ("truncated_jpeg.jpg", "truncated"),
    ("invalid.pdf", "corrupt"),
    ("hugemono.pdf", "too-large"),
    ("skew-encrypted.pdf", "encrypted"),
];

/// Real files that must be archived next to them, including the TIFF whose page chain loops.
const REAL_GOOD: [&str; 3] = [
    "viet.tif",
    "phototest.tif",
    "multipage_single_frame_loop.tiff",
];

fn expected_bad() -> BTreeMap<String, String> {
    let tsv = std::fs::read_to_string(fixtures().join("bad/EXPECTED.tsv")).unwrap();
    tsv.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f[0].to_string(), f[1].to_string())
        })
        .collect()
}

fn real_source(dir: &Path) {
    for name in REAL_MUST_FAIL.iter().map(|(n, _)| *n).chain(REAL_GOOD) {
        std::fs::copy(real_corpus().join(name), dir.join(name)).unwrap();
    }
    // A good page whose name was written in NFD by its scanner.
    let nfd: String = "tiếng-việt.tif".nfd().collect();
    std::fs::copy(real_corpus().join("viet.tif"), dir.join(nfd)).unwrap();
    std::os::unix::fs::symlink(dir.join("vong.tif"), dir.join("vong.tif")).unwrap();
    std::os::unix::fs::symlink("/etc/hostname", dir.join("ngoai.tif")).unwrap();
}

#[test]
fn every_bad_file_gets_its_specific_error_and_the_batch_goes_on() {
    let real = tempfile::tempdir().unwrap();
    real_source(real.path());
    let bad = fixtures().join("bad");
    let place = Workplace::new(&[
        Collection {
            id: "bad",
            source: &bad,
            layout: "file",
            target: 20,
        },
        Collection {
            id: "real",
            source: real.path(),
            layout: "file",
            target: 20,
        },
    ]);
    let out = place.run(&["run", "--json", "--quiet"], LIMIT);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let summary = json(&out);
    let mut got: BTreeMap<(String, String), (String, String)> = BTreeMap::new();
    for c in summary["collections"].as_array().unwrap() {
        for f in c["failures"].as_array().unwrap() {
            let key = (
                c["id"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap().to_string(),
            );
            let value = (
                f["kind"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            );
            got.insert(key, value);
        }
    }
    let mut expected: Vec<((String, String), String)> = expected_bad()
        .into_iter()
        .map(|(file, kind)| (("bad".to_string(), file), kind))
        .collect();
    expected.extend(
        REAL_MUST_FAIL
            .iter()
            .map(|(f, k)| (("real".to_string(), f.to_string()), k.to_string())),
    );
    expected.push((("real".into(), "vong.tif".into()), "symlink".into()));
    expected.push((("real".into(), "ngoai.tif".into()), "symlink".into()));
    // The fixture list itself sits in the folder: a file, but no page.
    expected.push((("bad".into(), "EXPECTED.tsv".into()), "unsupported".into()));
    for (key, kind) in &expected {
        let (got_kind, message) = got
            .get(key)
            .unwrap_or_else(|| panic!("no failure recorded for {key:?}: {got:#?}"));
        assert_eq!(got_kind, kind, "{key:?}: {message}");
        assert!(
            message.len() > 10,
            "{key:?}: message too vague: {message:?}"
        );
    }
    assert_eq!(got.len(), expected.len(), "unexpected failures: {got:#?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("panicked"), "{text}");
    let real_summary = &summary["collections"][1];
    assert_eq!(
        real_summary["digitised"],
        REAL_GOOD.len() + 1,
        "{real_summary}"
    );
}

#[test]
fn a_failed_file_is_stored_and_explained_in_the_text_summary() {
    let src = tempfile::tempdir().unwrap();
    std::fs::create_dir(src.path().join("HS-01")).unwrap();
    std::fs::write(
        src.path().join("HS-01/trang-1.tif"),
        "Ghi chú: đây không phải ảnh\n",
    )
    .unwrap();
    std::fs::copy(
        real_corpus().join("viet.tif"),
        src.path().join("HS-01/trang-2.tif"),
    )
    .unwrap();
    let place = Workplace::new(&[Collection {
        id: "cu-tru",
        source: src.path(),
        layout: "folder",
        target: 1,
    }]);
    let out = place.run(&["run", "--quiet", "--lang", "en"], LIMIT);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("HS-01/trang-1.tif") && text.contains("not-an-image"),
        "{text}"
    );
    assert!(text.contains("0 of 1 dossiers digitised"), "{text}");
    // Nothing is lost: even the bad file's bytes are in the store.
    let objects = walkdir::WalkDir::new(place.archive().join("objects"))
        .into_iter()
        .filter(|e| e.as_ref().unwrap().file_type().is_file())
        .count();
    assert_eq!(objects, 2);
}
