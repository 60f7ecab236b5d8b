//! Look-up by extracted field (`--id`, `--name`, `--born`) and `sohoa show`, over an archive
//! of the bundled fixtures built once with the real binary; and an archive from before the
//! search index, which gets its fields on first open without OCR running again.

mod common;

use std::collections::BTreeSet;
use std::process::Output;
use std::sync::OnceLock;
use std::time::Duration;

use common::{describe, fixtures, json, search_hits, Collection, Workplace};

const QUICK: Duration = Duration::from_secs(60);

fn archived() -> &'static Workplace {
    static ONCE: OnceLock<Workplace> = OnceLock::new();
    ONCE.get_or_init(Workplace::fixtures_archived)
}

/// Dossiers the manifest marks as photocopies: their boxed IDs are checked by
/// `tests/forms.rs`, their free-text IDs measured by `scripts/bench-forms`.
fn photocopied() -> BTreeSet<String> {
    let manifest = std::fs::read_to_string(fixtures().join("truth/manifest.tsv")).expect("read");
    let header: Vec<&str> = manifest
        .lines()
        .next()
        .expect("header")
        .split('\t')
        .collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect("column");
    manifest
        .lines()
        .skip(1)
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .filter(|c| c[col("copy")] != "-")
        .map(|c| c[col("dossier")].to_string())
        .collect()
}

/// Every 12-digit number of the ground truth (photocopies aside), with the dossiers it
/// appears in.
fn truth_ids() -> Vec<(String, BTreeSet<String>)> {
    let mut ids: std::collections::BTreeMap<String, BTreeSet<String>> = Default::default();
    let copies = photocopied();
    for entry in walkdir::WalkDir::new(fixtures().join("truth")) {
        let entry = entry.expect("walk");
        if entry.path().extension().is_none_or(|e| e != "txt")
            || copies.contains(&dossier_of(entry.path()))
        {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).expect("read");
        let dossier = dossier_of(entry.path());
        for id in text
            .split(|c: char| !c.is_ascii_digit())
            .filter(|w| w.len() == 12)
        {
            ids.entry(id.to_string())
                .or_default()
                .insert(dossier.clone());
        }
    }
    ids.into_iter().collect()
}

/// The dossier code of a truth file: its folder, relative to its collection's folder.
fn dossier_of(path: &std::path::Path) -> String {
    let rel = path
        .strip_prefix(fixtures().join("truth"))
        .expect("under truth");
    let parent = rel.parent().expect("parent");
    let mut parts = parent.components();
    parts.next();
    parts.as_path().to_string_lossy().into_owned()
}

/// A workplace with one collection that is never run, so it has no catalog of its own.
fn empty_place() -> Workplace {
    let source = fixtures().join("scans").join("cu-tru");
    Workplace::new(&[Collection {
        id: "cu-tru",
        source: &source,
        layout: "folder",
        target: 10,
    }])
}

fn found(out: &Output) -> BTreeSet<String> {
    assert_eq!(out.status.code(), Some(0), "{}", describe(out));
    search_hits(out)
        .iter()
        .map(|h| h["dossier"].as_str().expect("dossier").to_string())
        .collect()
}

fn lookup(place: &Workplace, args: &[&str]) -> BTreeSet<String> {
    let mut all = vec!["search", "--json", "--limit", "100"];
    all.extend_from_slice(args);
    found(&place.run(&all, QUICK))
}

#[test]
fn every_id_number_of_the_fixtures_finds_its_dossiers() {
    let place = archived();
    let ids = truth_ids();
    assert!(ids.len() >= 40, "{} ids", ids.len());
    for (id, want) in &ids {
        assert_eq!(&lookup(place, &["--id", id]), want, "--id {id}");
    }
    // Typed with OCR-like misreadings and spaces, it is the same number.
    let (id, want) = &ids[0];
    let damaged = format!(
        "{} {}",
        id[..6].replace('0', "O").replace('1', "l"),
        &id[6..]
    );
    assert_eq!(&lookup(place, &["--id", &damaged]), want, "--id {damaged}");
    let out = place.run(&["search", "--id", "12345"], QUICK);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
}

#[test]
fn names_and_birth_years_find_their_people() {
    let place = archived();
    let cases: &[(&[&str], &str)] = &[
        (&["--name", "tran duc luong"], "CT-2023-0003"),
        (&["--name", "ly duc dat"], "CT-2023-0001"),
        (&["--name", "LÝ ĐỨC ĐẠT"], "CT-2023-0001"),
        (&["--name", "duong minh cuong"], "CT-2023-0002"),
        (&["--born", "1974"], "CT-2023-0001"),
        (&["--born", "24/09/1974"], "CT-2023-0001"),
        (
            &["--born", "1974-09-24", "--id", "001074914166"],
            "CT-2023-0001",
        ),
    ];
    for (args, dossier) in cases {
        assert!(lookup(place, args).contains(*dossier), "{args:?}");
    }
    assert!(lookup(place, &["--name", "tran duc luong", "--born", "1900"]).is_empty());
    let out = place.run(&["search", "--born", "85"], QUICK);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
}

#[test]
fn show_lists_pages_and_prints_one_page() {
    let place = archived();
    let out = place.run(&["show", "CT-2023-0003", "--json"], QUICK);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let doc = json(&out);
    let files: Vec<&str> = doc["pages"]
        .as_array()
        .expect("pages")
        .iter()
        .map(|p| {
            assert_eq!(p["sha256"].as_str().map(str::len), Some(64));
            assert!(p["confidence"].as_f64().is_some());
            p["file"].as_str().expect("file")
        })
        .collect();
    assert_eq!(
        files,
        [
            "CT-2023-0003/page-1.jpg",
            "CT-2023-0003/page-2.jpg",
            "CT-2023-0003/page-10.jpg"
        ]
    );
    let flagged = json(&place.run(&["show", "CT-2023-0004", "--json"], QUICK));
    assert_eq!(flagged["pages"][1]["flags"][0], "blank");
    let page = place.run(&["show", "CT-2023-0001", "--page", "1"], QUICK);
    assert!(
        String::from_utf8_lossy(&page.stdout).contains("001074914166"),
        "{}",
        describe(&page)
    );
    let text = place.run(&["show", "CT-2023-0001", "--lang", "vi"], QUICK);
    assert!(
        String::from_utf8_lossy(&text.stdout).contains("Hồ sơ CT-2023-0001"),
        "{}",
        describe(&text)
    );
    for (args, code) in [
        (&["show", "CT-2099-0000"][..], 2),
        (&["show", "CT-2023-0001", "--page", "9"][..], 2),
    ] {
        let out = place.run(args, QUICK);
        assert_eq!(
            out.status.code(),
            Some(code),
            "{args:?}: {}",
            describe(&out)
        );
    }
}

#[test]
fn an_archive_from_before_the_index_gets_its_fields_without_ocr() {
    let place = archived();
    let old = empty_place();
    std::fs::create_dir_all(old.archive()).expect("mkdir");
    let copy = old.archive().join("catalog.sqlite");
    place
        .catalog()
        .execute("VACUUM INTO ?1", [copy.to_str().expect("path")])
        .expect("copy");
    let conn = rusqlite::Connection::open(&copy).expect("open");
    // The search index is migration 3: a catalog at version 2 is one from before it, from
    // before migration 4's page geometry, migration 6's boxed fields, migration 7's names
    // on disk and walk skips, migration 8's duplicates, migration 10's chain format,
    // migration 11's record of merges, migration 12's forms and migration 13's reviews, and with migration 1's
    // `page_fts` that migration 5 replaced.
    conn.execute_batch(common::UNDO_REVIEW).unwrap();
    conn.execute_batch(
        "DROP TABLE page_fold; DROP TABLE page_exact; DROP TABLE term_df; DROP TABLE page_field;
         DROP TABLE search_backfill;
         ALTER TABLE page DROP COLUMN rotation; ALTER TABLE page DROP COLUMN skew;
         DROP TABLE page_boxed_field; ALTER TABLE page DROP COLUMN prep_ms;
         DROP TABLE walk_skip; ALTER TABLE file DROP COLUMN source_name;
         DROP TABLE file_duplicate; DROP INDEX file_sha256;
         DROP TABLE chain_format; DROP INDEX chain_leaf_row; DROP TABLE object_repair;
         DROP TABLE merge_source; DROP TABLE page_form_field; DROP TABLE page_form;
         DROP TRIGGER chain_leaf_append_only_delete;
         DELETE FROM chain_leaf WHERE kind IN ('form', 'form-field');
         CREATE TRIGGER chain_leaf_append_only_delete BEFORE DELETE ON chain_leaf
         BEGIN SELECT RAISE(ABORT, 'chain_leaf is append-only'); END;
         CREATE VIRTUAL TABLE page_fts USING fts5(
             text, content='page', content_rowid='id',
             tokenize=\"unicode61 remove_diacritics 2\");
         INSERT INTO page_fts (page_fts) VALUES ('rebuild');
         PRAGMA user_version = 2;",
    )
    .expect("downgrade");
    drop(conn);
    assert_eq!(
        lookup(&old, &["--id", "001074914166"]),
        BTreeSet::from(["CT-2023-0001".to_string()])
    );
    assert!(lookup(&old, &["tran duc luong"]).contains("CT-2023-0003"));
    let out = empty_place().run(&["search", "luong"], QUICK);
    assert_eq!(out.status.code(), Some(3), "{}", describe(&out));
}
