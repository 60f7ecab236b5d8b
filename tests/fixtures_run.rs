//! `sohoa run` over the bundled fixtures with the real Tesseract engine, checked the way an
//! archivist and a supervisor would: the text is right (character error rate against the
//! generator's ground truth, every personal ID number verbatim), originals are stored byte for
//! byte, flagged pages make their dossier "needs review", and a re-run does nothing.
//! One run is shared by all tests of this file, as OCR is the slow part.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;
use std::time::Duration;

use common::{describe, fixtures, json, normalise, Workplace};

const LIMIT: Duration = Duration::from_secs(900);

struct Archived {
    place: Workplace,
    first: Output,
    exported: PathBuf,
}

fn archived() -> &'static Archived {
    static ONCE: OnceLock<Archived> = OnceLock::new();
    ONCE.get_or_init(|| {
        let place = Workplace::fixtures();
        let first = place.run(&["run", "--json", "--quiet"], LIMIT);
        let exported = place.path().join("text");
        let out = place.run(&["export", "text", exported.to_str().unwrap()], LIMIT);
        assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
        Archived {
            place,
            first,
            exported,
        }
    })
}

fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Every ground-truth page: path relative to the truth folder → text.
fn truth_pages() -> BTreeMap<PathBuf, String> {
    let root = fixtures().join("truth");
    walkdir::WalkDir::new(&root)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.path().extension().is_some_and(|x| x == "txt"))
        .map(|e| {
            let rel = e.path().strip_prefix(&root).unwrap().to_path_buf();
            (rel, std::fs::read_to_string(e.path()).unwrap())
        })
        .collect()
}

fn ocr_text(rel: &Path) -> String {
    let path = archived().exported.join(rel);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("no OCR text for {}: {e}", rel.display()))
}

#[test]
fn the_fixture_run_succeeds_with_every_dossier_digitised() {
    let a = archived();
    assert_eq!(a.first.status.code(), Some(0), "{}", describe(&a.first));
    let summary = json(&a.first);
    for c in summary["collections"].as_array().unwrap() {
        assert_eq!(c["failed"], 0, "{c}");
        assert_eq!(c["in_progress"], 0, "{c}");
        assert_eq!(c["digitised"], c["dossiers_found"], "{c}");
    }
}

#[test]
fn character_error_rate_is_at_most_three_percent() {
    let (mut errors, mut chars) = (0usize, 0usize);
    let mut report = String::new();
    for (rel, truth) in truth_pages() {
        let truth = normalise(&truth);
        let read = normalise(&ocr_text(&rel));
        let e = edit_distance(&truth, &read);
        report.push_str(&format!(
            "{:>6.2}% {}\n",
            100.0 * e as f64 / truth.len().max(1) as f64,
            rel.display()
        ));
        errors += e;
        chars += truth.len();
    }
    let cer = errors as f64 / chars as f64;
    eprintln!(
        "per-page CER:\n{report}overall CER {:.3}% over {chars} characters",
        cer * 100.0
    );
    assert!(
        chars > 10_000,
        "the fixtures should hold real pages of text"
    );
    assert!(cer <= 0.03, "CER {:.2}% > 3%\n{report}", cer * 100.0);
}

/// Truth files (relative to the truth folder) of the pages the manifest marks as
/// photocopies: their free-text IDs are measured by `scripts/bench-forms`, their boxed IDs
/// and lines checked by `tests/forms.rs`.
fn photocopies() -> Vec<PathBuf> {
    let manifest = std::fs::read_to_string(fixtures().join("truth/manifest.tsv")).unwrap();
    let header: Vec<&str> = manifest.lines().next().unwrap().split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    manifest
        .lines()
        .skip(1)
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .filter(|c| c[col("copy")] != "-" && c[col("collection")] == "cu-tru")
        .map(|c| {
            Path::new("cu-tru")
                .join(c[col("dossier")])
                .join(Path::new(c[col("file")]).file_stem().unwrap())
                .with_extension("txt")
        })
        .collect()
}

#[test]
fn every_personal_id_number_is_read_verbatim() {
    let mut ids = 0;
    let mut missing = Vec::new();
    let copies = photocopies();
    assert!(!copies.is_empty());
    for (rel, truth) in truth_pages()
        .into_iter()
        .filter(|(rel, _)| !copies.contains(rel))
    {
        let read = ocr_text(&rel);
        for word in truth.split(|c: char| !c.is_ascii_digit()) {
            if word.len() == 12 {
                ids += 1;
                if !read.contains(word) {
                    missing.push(format!("{word} in {}", rel.display()));
                }
            }
        }
    }
    assert!(
        ids >= 10,
        "the fixtures should hold personal ID numbers, found {ids}"
    );
    assert!(
        missing.is_empty(),
        "{} of {ids} IDs not read verbatim: {missing:#?}",
        missing.len()
    );
}

#[test]
fn stored_originals_are_byte_identical_to_the_sources() {
    let a = archived();
    let catalog = a.place.catalog();
    let mut stmt = catalog
        .prepare("SELECT c.code, f.rel_path, f.sha256 FROM file f JOIN dossier d ON d.id = f.dossier_id JOIN collection c ON c.id = d.collection_id")
        .unwrap();
    let rows: Vec<(String, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(
        rows.len() >= 15,
        "expected the fixture files, got {}",
        rows.len()
    );
    for (collection, rel, sha) in rows {
        let source = std::fs::read(fixtures().join("scans").join(&collection).join(&rel)).unwrap();
        let object = a
            .place
            .archive()
            .join("objects")
            .join(&sha[..2])
            .join(&sha[2..4])
            .join(&sha);
        assert_eq!(
            std::fs::read(&object).unwrap(),
            source,
            "{collection}/{rel}"
        );
        assert_eq!(sohoa::content::ContentId::of_bytes(&source).to_hex(), sha);
    }
    assert!(a.place.leftover_temporaries().is_empty());
}

#[test]
fn flagged_pages_are_the_ones_the_manifest_expects() {
    let manifest = std::fs::read_to_string(fixtures().join("truth/manifest.tsv")).unwrap();
    let header: Vec<&str> = manifest.lines().next().unwrap().split('\t').collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("no {name} column"))
    };
    let (c_coll, c_file, c_page, c_flags) =
        (col("collection"), col("file"), col("page"), col("flags"));
    let catalog = archived().place.catalog();
    for line in manifest.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split('\t').collect();
        let flags: String = catalog
            .query_row(
                "SELECT p.flags FROM page p JOIN file f ON f.id = p.file_id JOIN dossier d ON d.id = f.dossier_id
                 JOIN collection c ON c.id = d.collection_id WHERE c.code = ?1 AND f.rel_path = ?2 AND p.page_index = ?3",
                (f[c_coll], f[c_file], f[c_page].parse::<i64>().unwrap() - 1),
                |r| r.get(0),
            )
            .unwrap_or_else(|e| panic!("{line}: {e}"));
        for expected in f[c_flags].split(',').filter(|x| *x != "-" && !x.is_empty()) {
            assert!(
                flags.contains(expected),
                "{line}: flags {flags:?} lack {expected}"
            );
        }
        if f[c_flags] == "-" {
            assert!(
                !flags.contains("low-dpi") && !flags.contains("blank"),
                "{line}: unexpected {flags:?}"
            );
        }
    }
}

#[test]
fn a_second_run_finds_nothing_to_do_and_changes_nothing() {
    let a = archived();
    let before = common::snapshot(&a.place.catalog());
    let again = a.place.run(&["run", "--json", "--quiet"], LIMIT);
    assert_eq!(again.status.code(), Some(0), "{}", describe(&again));
    let summary = json(&again);
    assert_eq!(summary["files"]["new"], 0, "{summary}");
    assert_eq!(summary["files"]["changed"], 0, "{summary}");
    assert_eq!(summary["pages"], 0, "{summary}");
    assert_eq!(common::snapshot(&a.place.catalog()), before);
}
