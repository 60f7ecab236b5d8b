//! `sohoa merge`: shards of one source merged into one archive equal the archive of one
//! machine (rows, page texts, exported text, report figures, search) and `verify` passes;
//! merging again changes nothing; workstations keep their operator and centre; a source
//! whose object does not match its name is refused whole; a target in use is refused
//! (exit 3); a merge killed at any point is completed by the next; review decisions come
//! over with their reviewer and time, once, and the target reads the corrected values.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use common::{cu_tru_dossiers, describe, json, snapshot, Collection, Workplace};
use serde_json::Value;
use tempfile::TempDir;

const LIMIT: Duration = Duration::from_secs(300);

/// Small fixture dossiers: a handful of pages, so each archive takes seconds of OCR.
const DOSSIERS: [&str; 4] = [
    "CT-2023-0002",
    "CT-2023-0004",
    "CT-2023-0007",
    "CT-2023-0009",
];

fn workplace(source: &Path) -> Workplace {
    Workplace::new(&[Collection {
        id: "cu-tru",
        source,
        layout: "folder",
        target: 10,
    }])
}

fn ok(out: &Output) {
    assert_eq!(out.status.code(), Some(0), "{}", describe(out));
}

/// Where the store keeps the object of SHA-256 `hex`.
fn object_path(archive: &Path, hex: &str) -> PathBuf {
    archive
        .join("objects")
        .join(&hex[..2])
        .join(&hex[2..4])
        .join(hex)
}

fn catalog_of(archive: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(archive.join("catalog.sqlite")).expect("open catalog")
}

/// One source folder, its one-machine archive (`archive`) and its two shards
/// (`shard-0`, `shard-1`), all in one workplace: made once, merged by the tests into
/// folders of their own.
struct Sharded {
    _source: TempDir,
    place: Workplace,
}

fn sharded() -> &'static Sharded {
    static ONCE: OnceLock<Sharded> = OnceLock::new();
    ONCE.get_or_init(|| {
        let source = cu_tru_dossiers(&DOSSIERS);
        let place = workplace(source.path());
        ok(&place.run(&["run", "--quiet"], LIMIT));
        for k in 0..2 {
            let (archive, shard) = (format!("shard-{k}"), format!("{k}/2"));
            let args = ["--archive", &archive, "run", "--quiet", "--shard", &shard];
            ok(&place.run(&args, LIMIT));
        }
        Sharded {
            _source: source,
            place,
        }
    })
}

/// Merge `sources` into `target` (folders of the workplace) with `--json`.
fn merge(place: &Workplace, target: &str, sources: &[&str]) -> Output {
    let args = [&["--archive", target, "merge", "--json"], sources].concat();
    place.run(&args, LIMIT)
}

/// Every file `export text` writes for `archive`, by path.
fn exported(place: &Workplace, archive: &str) -> BTreeMap<PathBuf, Vec<u8>> {
    let out_dir = place.path().join(format!("text-of-{archive}"));
    let out_arg = out_dir.display().to_string();
    let args = ["--archive", archive, "export", "text", "--force", &out_arg];
    ok(&place.run(&args, LIMIT));
    walkdir::WalkDir::new(&out_dir)
        .into_iter()
        .map(|e| e.expect("walk"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(&out_dir)
                .expect("prefix")
                .to_path_buf();
            (rel, std::fs::read(e.path()).expect("read"))
        })
        .collect()
}

/// The figures of `report --json` that say what is digitised (not when or by which batch).
fn figures(place: &Workplace, archive: &str, by: &str) -> Vec<Value> {
    let out = place.run(
        &["--archive", archive, "report", "--json", "--by", by],
        LIMIT,
    );
    ok(&out);
    let report = json(&out);
    let collections = report["collections"].as_array().expect("collections");
    collections
        .iter()
        .map(|c| serde_json::json!([c["id"], c["counts"], c["groups"]]))
        .collect()
}

/// Every field of every page (read from the text, and boxed digit combs), by file and page.
fn fields(catalog: &rusqlite::Connection) -> Vec<String> {
    let mut stmt = catalog
        .prepare(
            "SELECT f.rel_path, p.page_index, 'text', pf.kind, pf.value FROM page_field pf
             JOIN page p ON p.id = pf.page_id JOIN file f ON f.id = p.file_id
             UNION ALL
             SELECT f.rel_path, p.page_index, 'boxed', b.kind, b.value FROM page_boxed_field b
             JOIN page p ON p.id = b.page_id JOIN file f ON f.id = p.file_id
             ORDER BY 1, 2, 3, 4, 5",
        )
        .expect("fields");
    let rows = stmt
        .query_map([], |r| {
            Ok(format!(
                "{}|{}|{}|{}|{}",
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?
            ))
        })
        .and_then(Iterator::collect)
        .expect("rows");
    rows
}

fn search_hits(place: &Workplace, archive: &str, query: &str) -> Value {
    let out = place.run(&["--archive", archive, "search", "--json", query], LIMIT);
    ok(&out);
    let mut hits: Vec<Value> = common::search_hits(&out)
        .iter()
        .map(|h| serde_json::json!([h["dossier"], h["file"], h["page"]]))
        .collect();
    hits.sort_by_key(|h| h.to_string());
    Value::Array(hits)
}

fn merged_counts(out: &Output) -> Vec<Value> {
    let outcomes = json(out);
    let outcomes = outcomes.as_array().expect("outcomes");
    outcomes.iter().map(|o| o["merged"].clone()).collect()
}

fn verify(place: &Workplace, archive: &str) -> Output {
    place.run(&["--archive", archive, "verify"], LIMIT)
}

#[test]
fn shards_merged_equal_one_machine_and_merging_again_changes_nothing() {
    let Sharded { place, .. } = sharded();
    let one = catalog_of(&place.archive());
    let shard_rows: usize = (0..2)
        .map(|k| snapshot(&catalog_of(&place.path().join(format!("shard-{k}")))).len())
        .sum();
    assert_eq!(
        shard_rows,
        snapshot(&one).len(),
        "the shards split the work"
    );

    let out = merge(place, "merged", &["shard-0", "shard-1"]);
    ok(&out);
    for counts in merged_counts(&out) {
        assert_eq!(counts["batches"], 1, "{}", describe(&out));
        assert_eq!(counts["batches_known"], 0);
    }
    let merged_dir = place.path().join("merged");
    assert_eq!(snapshot(&catalog_of(&merged_dir)), snapshot(&one));
    let one_fields = fields(&one);
    assert!(!one_fields.is_empty(), "the fixture forms have fields");
    assert_eq!(fields(&catalog_of(&merged_dir)), one_fields);
    assert_eq!(exported(place, "merged"), exported(place, "archive"));
    for by in ["collection", "day"] {
        assert_eq!(
            figures(place, "merged", by),
            figures(place, "archive", by),
            "report --by {by}"
        );
    }
    for query in ["cư trú", "nguyen", "CT-2023*"] {
        assert_eq!(
            search_hits(place, "merged", query),
            search_hits(place, "archive", query),
            "search {query}"
        );
    }
    ok(&verify(place, "merged"));

    // The same sources again: nothing new, nothing rewritten.
    let batches = |dir: &Path| -> i64 {
        catalog_of(dir)
            .query_row("SELECT count(*) FROM batch", [], |r| r.get(0))
            .expect("batches")
    };
    let before = batches(&merged_dir);
    let out = merge(place, "merged", &["shard-1", "shard-0"]);
    ok(&out);
    for counts in merged_counts(&out) {
        assert_eq!(counts["batches"], 0, "{}", describe(&out));
        assert_eq!(counts["batches_known"], 1);
        assert_eq!(counts["files"], 0);
    }
    assert_eq!(batches(&merged_dir), before);
    assert_eq!(snapshot(&catalog_of(&merged_dir)), snapshot(&one));
    ok(&verify(place, "merged"));
}

#[test]
fn the_chain_names_each_merged_source_and_its_root() {
    let Sharded { place, .. } = sharded();
    ok(&merge(place, "chained", &["shard-0", "shard-1"]));
    let c = catalog_of(&place.path().join("chained"));
    let mut stmt = c
        .prepare("SELECT source, source_link, source_head FROM merge_source ORDER BY batch_id")
        .expect("merge_source");
    let rows: Vec<(String, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .and_then(Iterator::collect)
        .expect("rows");
    assert_eq!(rows.len(), 2);
    for (k, (source, link, head)) in rows.iter().enumerate() {
        assert!(source.ends_with(&format!("shard-{k}")), "{source}");
        let shard = catalog_of(&place.path().join(format!("shard-{k}")));
        let their_head: String = shard
            .query_row(
                "SELECT link_hash FROM chain_link ORDER BY seq DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .expect("head");
        assert_eq!(head, &their_head);
        assert_eq!(
            link, &their_head,
            "one batch per shard: its link is the head"
        );
    }
    // Each merged batch has a link of its own in this chain, and verify checks it.
    let linked: i64 = c
        .query_row(
            "SELECT count(*) FROM chain_link WHERE batch_id IN (SELECT batch_id FROM merge_source)",
            [],
            |r| r.get(0),
        )
        .expect("links");
    assert_eq!(linked, 2);
    ok(&verify(place, "chained"));
}

#[test]
fn a_source_with_an_altered_object_is_refused_whole() {
    let Sharded { place, .. } = sharded();
    let bad = tempfile::tempdir().expect("temp");
    common::copy_tree(&place.path().join("shard-0"), bad.path());
    let object = walkdir::WalkDir::new(bad.path().join("objects"))
        .into_iter()
        .map(|e| e.expect("walk"))
        .find(|e| e.file_type().is_file())
        .expect("an object");
    let name = object.file_name().to_string_lossy().into_owned();
    let mut bytes = std::fs::read(object.path()).expect("read");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    let mut perms = std::fs::metadata(object.path()).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(object.path(), perms).unwrap();
    std::fs::write(object.path(), &bytes).expect("alter");

    let bad_arg = bad.path().display().to_string();
    let out = merge(place, "refusing", &[&bad_arg, "shard-1"]);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&name) && err.contains(&bad_arg), "{err}");
    let merged = merged_counts(&out);
    assert!(merged[0].is_null(), "{}", describe(&out));
    assert_eq!(merged[1]["batches"], 1);

    // Only shard-1 arrived: its rows, its objects, nothing staged.
    let target = place.path().join("refusing");
    let rows = snapshot(&catalog_of(&target));
    assert_eq!(rows, snapshot(&catalog_of(&place.path().join("shard-1"))));
    assert!(!object_path(&target, &name).exists());
    let tmp: Vec<_> = std::fs::read_dir(target.join("tmp")).unwrap().collect();
    assert!(tmp.is_empty(), "{tmp:?}");
    ok(&verify(place, "refusing"));
}

#[test]
fn a_target_in_use_is_refused_and_so_are_non_archives() {
    let Sharded { place, .. } = sharded();
    let target = place.path().join("busy");
    std::fs::create_dir_all(&target).unwrap();
    let holder = format!("pid {} on tram-2", std::process::id());
    let held = sohoa::lock::ArchiveLock::acquire(&target, &holder).unwrap();
    let out = merge(place, "busy", &["shard-0"]);
    assert_eq!(out.status.code(), Some(3), "{}", describe(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains(&holder));
    drop(held);
    assert!(!target.join("catalog.sqlite").exists(), "nothing written");

    let out = merge(place, "busy", &["no-such-folder"]);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-folder"));
    let out = merge(place, "shard-0", &["shard-0"]);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
}

#[test]
fn a_killed_merge_is_completed_by_the_next() {
    let Sharded { place, .. } = sharded();
    let expected = snapshot(&catalog_of(&place.archive()));
    let target = place.path().join("killed");
    // Each cut a little later than the one before; the merge may also end by itself.
    for delay_ms in [1u64, 5, 15, 40, 80] {
        let mut child = place
            .command(&["--archive", "killed", "merge", "shard-0", "shard-1"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        let start = Instant::now();
        while start.elapsed() < Duration::from_millis(delay_ms) {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        let _ = child.kill();
        child.wait().unwrap();
        if target.join("catalog.sqlite").exists() {
            // Whatever the cut left is consistent: every record names an intact original
            // and the chain holds. As after a cut run, there may be copies in `tmp/` and
            // objects no record names yet (cut between their renaming and the catalog's
            // commit): the next merge cleans the one and records the other.
            let out = verify(place, "killed");
            let text = String::from_utf8_lossy(&out.stdout);
            let findings: Vec<&str> = text
                .lines()
                .take_while(|l| !l.starts_with("Verification"))
                .collect();
            let awaiting = |l: &&str| {
                l.starts_with("unknown-file: objects/") || l.starts_with("leftover-temporary: tmp/")
            };
            let exit = if findings.is_empty() { 0 } else { 1 };
            assert!(
                findings.iter().all(awaiting) && out.status.code() == Some(exit),
                "cut at {delay_ms} ms: {}",
                describe(&out)
            );
        }
    }
    ok(&merge(place, "killed", &["shard-0", "shard-1"]));
    assert_eq!(snapshot(&catalog_of(&target)), expected);
    ok(&verify(place, "killed"));
}

/// Three workstations, each scanning its own dossiers under its own operator and centre.
#[test]
fn workstation_archives_merge_into_a_central_one_by_centre_and_operator() {
    let stations = [
        ("Nguyễn Thị Hoa", "Điểm 1", "CT-2023-0002"),
        ("Trần Văn Bình", "Điểm 2", "CT-2023-0007"),
        ("Lê Thu", "Điểm 3", "CT-2023-0004"),
    ];
    let mut kept = Vec::new();
    let mut archives = Vec::new();
    for (operator, centre, dossier) in stations {
        let source = cu_tru_dossiers(&[dossier]);
        let station = workplace(source.path());
        let args = ["run", "--quiet", "--operator", operator, "--centre", centre];
        ok(&station.run(&args, LIMIT));
        archives.push(station.archive().display().to_string());
        kept.push((source, station));
    }
    let central = workplace(Path::new("/nonexistent-scans"));
    let sources: Vec<&str> = archives.iter().map(String::as_str).collect();
    let out = central.run(&[&["merge", "--json"], &sources[..]].concat(), LIMIT);
    ok(&out);

    let report = |by: &str| -> BTreeMap<String, (i64, i64)> {
        let out = central.run(&["report", "--json", "--by", by], LIMIT);
        ok(&out);
        let report = json(&out);
        let groups = report["collections"][0]["groups"]
            .as_array()
            .expect("groups");
        groups
            .iter()
            .map(|g| {
                let key = g["key"].as_str().expect("key").to_string();
                let c = &g["counts"];
                (
                    key,
                    (
                        c["digitised"].as_i64().unwrap(),
                        c["pages"].as_i64().unwrap(),
                    ),
                )
            })
            .collect()
    };
    let pages = |dossier: &str| {
        std::fs::read_dir(common::fixtures().join("scans/cu-tru").join(dossier))
            .unwrap()
            .count() as i64
    };
    let by_centre = report("centre");
    let by_operator = report("operator");
    for (operator, centre, dossier) in stations {
        assert_eq!(
            by_centre.get(centre),
            Some(&(1, pages(dossier))),
            "{by_centre:?}"
        );
        assert_eq!(
            by_operator.get(operator),
            Some(&(1, pages(dossier))),
            "{by_operator:?}"
        );
    }
    assert_eq!(by_centre.len(), 3, "{by_centre:?}");
    let c = central.catalog();
    let hosts: i64 = c
        .query_row("SELECT count(*) FROM batch WHERE host <> ''", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(hosts, 3, "each batch keeps its host");
    ok(&central.run(&["verify"], LIMIT));
}

/// A path scanned again at another workstation with other bytes becomes the next version of
/// that file, never an overwrite: both contents stay in the store.
#[test]
fn the_same_path_with_other_bytes_becomes_a_new_version() {
    let first = cu_tru_dossiers(&["CT-2023-0007"]);
    let second = cu_tru_dossiers(&["CT-2023-0007"]);
    let page = std::fs::read_dir(second.path().join("CT-2023-0007"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    // Another scan of the same page: the same picture, other bytes.
    let mut image = image::open(&page).expect("decode");
    image = image::DynamicImage::ImageLuma8(image.to_luma8());
    image.save(&page).expect("rescan");
    let (a, b) = (workplace(first.path()), workplace(second.path()));
    ok(&a.run(&["run", "--quiet"], LIMIT));
    ok(&b.run(&["run", "--quiet"], LIMIT));
    let b_archive = b.archive().display().to_string();
    ok(&a.run(&["merge", &b_archive], LIMIT));

    let c = a.catalog();
    let mut stmt = c
        .prepare("SELECT version, sha256 FROM file ORDER BY version")
        .unwrap();
    let versions: Vec<(i64, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .and_then(Iterator::collect)
        .unwrap();
    assert_eq!(versions.len(), 2, "{versions:?}");
    assert_eq!((versions[0].0, versions[1].0), (1, 2));
    assert_ne!(versions[0].1, versions[1].1);
    for (_, sha) in &versions {
        assert!(object_path(&a.archive(), sha).is_file());
    }
    ok(&a.run(&["verify"], LIMIT));
}

/// An archive written before `merge` existed (schema 10: no `merge_source`, forms nor reviews, a
/// chain that knew no merged leaves) is upgraded by its owner's next command, its chain intact, and
/// merges as any other.
#[test]
fn an_archive_from_before_merge_is_upgraded_and_merges() {
    let Sharded { place, .. } = sharded();
    let old = tempfile::tempdir().expect("temp");
    // Before forms were read, a run wrote no form leaves: an old archive is a run without.
    let config = std::fs::read_to_string(place.path().join("pipeline.toml")).expect("config");
    let no_records = place.path().join("pipeline-no-records.toml");
    std::fs::write(
        &no_records,
        format!("{config}\n[records]\nenabled = false\n"),
    )
    .expect("write");
    let no_records = no_records.display().to_string();
    let args = [
        "--config",
        &no_records,
        "--archive",
        "shard-0-old",
        "run",
        "--quiet",
    ];
    ok(&place.run(&[&args[..], &["--shard", "0/2"]].concat(), LIMIT));
    common::copy_tree(&place.path().join("shard-0-old"), old.path());
    let leaves = |c: &rusqlite::Connection| -> i64 {
        c.query_row("SELECT count(*) FROM chain_leaf", [], |r| r.get(0))
            .expect("leaves")
    };
    let before = {
        let c = catalog_of(old.path());
        let before = leaves(&c);
        c.execute_batch(common::UNDO_REVIEW).unwrap();
        c.execute_batch(
            "DROP TABLE merge_source; DROP TABLE page_form_field; DROP TABLE page_form;
             DROP TRIGGER chain_leaf_append_only_update;
             DROP TRIGGER chain_leaf_append_only_delete;
             DROP INDEX chain_leaf_row;
             ALTER TABLE chain_leaf RENAME TO chain_leaf_v3;
             CREATE TABLE chain_leaf (
                 batch_id INTEGER NOT NULL REFERENCES batch(id),
                 kind TEXT NOT NULL CHECK (kind IN ('file', 'page', 'boxed', 'duplicate', 'skip',
                     'repair', 'collection', 'dossier')),
                 row_id INTEGER NOT NULL,
                 digest BLOB NOT NULL CHECK (length(digest) = 32),
                 PRIMARY KEY (batch_id, kind, row_id)
             ) STRICT, WITHOUT ROWID;
             INSERT INTO chain_leaf SELECT * FROM chain_leaf_v3;
             DROP TABLE chain_leaf_v3;
             CREATE INDEX chain_leaf_row ON chain_leaf(kind, row_id, batch_id);
             CREATE TRIGGER chain_leaf_append_only_update BEFORE UPDATE ON chain_leaf
             BEGIN SELECT RAISE(ABORT, 'chain_leaf is append-only'); END;
             CREATE TRIGGER chain_leaf_append_only_delete BEFORE DELETE ON chain_leaf
             BEGIN SELECT RAISE(ABORT, 'chain_leaf is append-only'); END;
             PRAGMA user_version = 10;",
        )
        .expect("back to schema 10");
        before
    };
    let old_arg = old.path().display().to_string();
    // A merge reads a source as it is: an old one is named, not changed.
    let out = merge(place, "from-old", &[&old_arg]);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("schema version 10"));

    let out = place.run(&["--archive", &old_arg, "verify"], LIMIT);
    ok(&out);
    let c = catalog_of(old.path());
    let version: i64 = c
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert!(version > 10, "upgraded to {version}");
    assert_eq!(leaves(&c), before, "every leaf kept");
    ok(&merge(place, "from-old", &[&old_arg]));
    ok(&verify(place, "from-old"));
}

/// One sheet scanned into two dossiers at two workstations: neither archive could see the
/// other's copy, the merged one does, as one machine would have.
#[test]
fn a_sheet_filed_at_two_workstations_is_a_duplicate_once_merged() {
    let both = cu_tru_dossiers(&["CT-2023-0007"]);
    let page = std::fs::read_dir(both.path().join("CT-2023-0007"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    std::fs::create_dir(both.path().join("HS-BAN-SAO")).unwrap();
    std::fs::copy(&page, both.path().join("HS-BAN-SAO/trang-1.tif")).unwrap();
    let first = cu_tru_dossiers(&["CT-2023-0007"]);
    let second = tempfile::tempdir().unwrap();
    common::copy_tree(
        &both.path().join("HS-BAN-SAO"),
        &second.path().join("HS-BAN-SAO"),
    );

    let one = workplace(both.path());
    ok(&one.run(&["run", "--quiet"], LIMIT));
    let (a, b) = (workplace(first.path()), workplace(second.path()));
    ok(&a.run(&["run", "--quiet"], LIMIT));
    ok(&b.run(&["run", "--quiet"], LIMIT));
    let b_archive = b.archive().display().to_string();
    ok(&a.run(&["merge", &b_archive], LIMIT));

    let duplicates = |place: &Workplace| -> (i64, i64, i64) {
        let c = place.catalog();
        let count = |sql: &str| c.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
        (
            count("SELECT count(*) FROM file_duplicate"),
            count("SELECT count(*) FROM page WHERE flags LIKE '%duplicate%'"),
            count("SELECT sum(pages_flagged) FROM file"),
        )
    };
    assert_eq!(duplicates(&one), (1, 1, 1));
    assert_eq!(duplicates(&a), duplicates(&one));
    let listed = |place: &Workplace| {
        let out = place.run(&["search", "--duplicates", "--json"], LIMIT);
        ok(&out);
        json(&out).as_array().expect("duplicates").len()
    };
    assert_eq!(listed(&a), 1);
    assert_eq!(
        figures(&a, "archive", "collection"),
        figures(&one, "archive", "collection")
    );
    ok(&a.run(&["verify"], LIMIT));
}

const REVIEWER: &str = "Lê Thị Duyệt";
const CORRECTED: &str = "Lý Văn Đạt";

/// An archive of CT-2023-0001 (a CT01 form and a second page), every page flagged (the
/// confidence threshold is above any reading), in a workplace of its own.
fn flagged_archive() -> (Workplace, TempDir) {
    let source = cu_tru_dossiers(&["CT-2023-0001"]);
    let place = workplace(source.path());
    let config = place.path().join("pipeline.toml");
    let toml = std::fs::read_to_string(&config).expect("config");
    let toml = toml.replace("workers = 2\n", "workers = 2\nmin_confidence = 99\n");
    std::fs::write(&config, toml).expect("config");
    ok(&place.run(&["run", "--quiet"], LIMIT));
    (place, source)
}

/// Review every page of `archive` as the station records it: the form's name corrected,
/// its ID number accepted, every flagged page cleared, on 3 November 2026. Returns how
/// many decisions.
fn review_all(archive: &Path) -> i64 {
    use sohoa::catalog::{Catalog, NewReview, ReviewAction};
    let conn = catalog_of(archive);
    let field = |name: &str| -> (i64, i64) {
        conn.query_row(
            "SELECT page_id, id FROM page_form_field WHERE name = ?1 AND member = 0",
            [name],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("a form value")
    };
    let (page, name) = field("name");
    let (_, id_number) = field("id_number");
    let mut flagged = conn
        .prepare("SELECT id FROM page WHERE flags != '' ORDER BY id")
        .expect("pages");
    let pages: Vec<i64> = flagged
        .query_map([], |r| r.get(0))
        .and_then(Iterator::collect)
        .expect("flagged pages");
    assert!(pages.len() >= 2, "every page is flagged: {pages:?}");
    let mut decisions = vec![
        (
            page,
            ReviewAction::Correct {
                field: name,
                value: CORRECTED.into(),
            },
        ),
        (page, ReviewAction::Accept { field: id_number }),
    ];
    decisions.extend(pages.iter().map(|&p| (p, ReviewAction::Clear)));
    let mut catalog = Catalog::open_existing(&archive.join("catalog.sqlite")).expect("open");
    let at = chrono::DateTime::parse_from_rfc3339("2026-11-03T09:30:00Z")
        .expect("time")
        .to_utc();
    for (page, action) in &decisions {
        let review = NewReview {
            page: *page,
            action: action.clone(),
            reviewer: REVIEWER,
            at,
        };
        catalog.record_review(&review).expect("record a decision");
    }
    decisions.len() as i64
}

/// Rows that merging again must leave as they are: decisions and chain links.
fn review_rows(dir: &Path) -> (i64, i64) {
    catalog_of(dir)
        .query_row(
            "SELECT (SELECT count(*) FROM review), (SELECT count(*) FROM chain_link)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("counts")
}

#[test]
fn review_decisions_come_over_once_with_their_reviewer_and_time() {
    let (station, _source) = flagged_archive();
    let decided = review_all(&station.archive());
    let central = workplace(Path::new("/nonexistent-scans"));
    let source = station.archive().display().to_string();
    let out = central.run(&["merge", "--json", &source], LIMIT);
    ok(&out);
    let counts = &merged_counts(&out)[0];
    assert_eq!(counts["reviews"], decided, "{}", describe(&out));
    assert_eq!(counts["reviews_unplaced"], 0);

    let records = central.path().join("records.jsonl");
    ok(&central.run(
        &["export", "records", records.to_str().expect("path")],
        LIMIT,
    ));
    let records = std::fs::read_to_string(&records).expect("records");
    assert!(records.contains(CORRECTED), "{records}");
    let out = central.run(&["show", "CT-2023-0001"], LIMIT);
    ok(&out);
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.contains(CORRECTED) && shown.contains(REVIEWER),
        "{shown}"
    );

    let out = central.run(&["report", "--json", "--by", "reviewer"], LIMIT);
    ok(&out);
    let report = json(&out);
    let c = &report["collections"][0];
    assert_eq!(
        (
            c["counts"]["done"].as_i64(),
            c["counts"]["needs_review"].as_i64()
        ),
        (Some(1), Some(0)),
        "{c}"
    );
    let review = &c["review"];
    assert_eq!(review["dossiers"], 1, "{review}");
    assert_eq!(review["pages_cleared"], decided - 2);
    assert_eq!(
        (
            review["values_accepted"].as_i64(),
            review["values_corrected"].as_i64()
        ),
        (Some(1), Some(1))
    );
    assert_eq!(review["reviewers"][0]["key"], REVIEWER);
    assert_eq!(review["days"][0]["key"], "2026-11-03");
    let out = central.run(&["report", "--by", "reviewer", "--format", "csv"], LIMIT);
    ok(&out);
    let csv = String::from_utf8_lossy(&out.stdout);
    assert!(
        csv.contains(&format!("{REVIEWER},1,{},1,1", decided - 2)),
        "{csv}"
    );
    ok(&central.run(&["verify"], LIMIT));

    // The same source again: every decision is known, none is added, the chain unchanged.
    let before = review_rows(&central.archive());
    let out = central.run(&["merge", "--json", &source], LIMIT);
    ok(&out);
    let counts = &merged_counts(&out)[0];
    assert_eq!(
        (counts["reviews"].as_i64(), counts["reviews_known"].as_i64()),
        (Some(0), Some(decided)),
        "{}",
        describe(&out)
    );
    assert_eq!(review_rows(&central.archive()), before);
    ok(&central.run(&["verify"], LIMIT));
}
