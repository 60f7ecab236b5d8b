//! The tamper suite: one SQL edit per case to every catalog table a figure people see comes
//! from (report, status, show, search, exports), each run through `sohoa verify --quick` and
//! `sohoa verify` (full). Every case must exit 1 with a finding naming the table (or the
//! chain issue that names the row); the few edits only a full verification can see are
//! marked so and must pass quick, so the limit stays known. One archive is built with the
//! real binary (two dossiers, a duplicate page, a skipped `Thumbs.db`) and copied per case.

mod common;

use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

use common::{copy_tree, cu_tru_dossiers, describe, fixtures, json, Collection, Workplace};

const LIMIT: Duration = Duration::from_secs(240);

fn sources() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = cu_tru_dossiers(&["CT-2023-0001", "CT-2023-0002"]);
        let copy = dir.path().join("CT-2023-0002/ban-sao.jpg");
        std::fs::copy(
            fixtures().join("scans/cu-tru/CT-2023-0001/trang-1.jpg"),
            copy,
        )
        .expect("copy");
        std::fs::write(dir.path().join("CT-2023-0001/Thumbs.db"), b"cache").expect("write");
        dir
    })
    .path()
}

fn workplace() -> Workplace {
    Workplace::new(&[Collection {
        id: "cu-tru",
        source: sources(),
        layout: "folder",
        target: 2,
    }])
}

fn base() -> &'static Workplace {
    static BASE: OnceLock<Workplace> = OnceLock::new();
    BASE.get_or_init(|| {
        let w = workplace();
        let out = w.run(&["run", "--quiet"], LIMIT);
        assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
        let out = w.run(&["verify", "--quiet"], LIMIT);
        assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
        w
    })
}

fn copy_of_base() -> Workplace {
    let w = workplace();
    copy_tree(&base().archive(), &w.archive());
    w
}

/// A tamperer turns off what would stop them: foreign keys and the append-only triggers.
fn tamper(w: &Workplace, sql: &str) {
    let conn = w.catalog();
    conn.execute_batch(
        "PRAGMA foreign_keys = OFF;
         DROP TRIGGER chain_leaf_append_only_update; DROP TRIGGER chain_leaf_append_only_delete;",
    )
    .expect("disarm");
    conn.execute_batch(sql)
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// One case: its name, the edit, what the finding must contain, and whether quick sees it.
struct Case {
    name: &'static str,
    sql: &'static str,
    names: &'static str,
    quick: bool,
}

fn cases() -> Vec<Case> {
    let case = |name, sql, names, quick| Case {
        name,
        sql,
        names,
        quick,
    };
    vec![
        case("current_file row deleted", "DELETE FROM current_file WHERE rel_path = 'CT-2023-0001/trang-1.jpg'", "current_file", true),
        case("current_file moved to another dossier", "UPDATE current_file SET dossier_id = (SELECT id FROM dossier WHERE code = 'CT-2023-0002') WHERE rel_path = 'CT-2023-0001/trang-2.jpg'", "current_file", true),
        case("current_file row added", "INSERT INTO current_file (collection_id, rel_path, file_id, dossier_id) SELECT collection_id, 'CT-2023-0001/gia.jpg', 999, dossier_id FROM current_file LIMIT 1", "current_file", true),
        case("page_field value edited", "UPDATE page_field SET value = '001099999999' WHERE (page_id, kind, value) = (SELECT page_id, kind, value FROM page_field WHERE kind = 'id' LIMIT 1)", "page_field", true),
        case("page_field row added", "INSERT INTO page_field (page_id, kind, value, raw) SELECT min(id), 'id', '079123456789', '079123456789' FROM page", "page_field", true),
        case("page_field row deleted", "DELETE FROM page_field WHERE kind = 'id'", "page_field", true),
        case("page_fold entry added", "INSERT INTO page_fold (rowid, text) VALUES (9999, 'nguyen van gia')", "page_fold", true),
        case("page_fold words added to a page", "INSERT INTO page_fold (rowid, text) SELECT min(id), 'gia mao' FROM page", "page_fold", true),
        case("page_fold emptied", "INSERT INTO page_fold (page_fold) VALUES ('delete-all')", "page_fold", true),
        case("page_exact entry added", "INSERT INTO page_exact (rowid, text) VALUES (9999, 'nguyễn văn giả')", "page_exact", true),
        case("term_df count edited", "UPDATE term_df SET pages = pages + 5 WHERE (kind, term) = (SELECT kind, term FROM term_df LIMIT 1)", "term_df", false),
        case("search_backfill row added", "INSERT INTO search_backfill (upto) VALUES (1)", "search_backfill", true),
        case("collection name edited", "UPDATE collection SET name = 'Hồ sơ khác'", "collection", true),
        case("collection target edited", "UPDATE collection SET target = 1", "collection", true),
        case("dossier expected files edited", "UPDATE dossier SET expected_files = 9 WHERE code = 'CT-2023-0001'", "CT-2023-0001", true),
        case("dossier deleted", "DELETE FROM dossier WHERE code = 'CT-2023-0002'", "dossier", true),
        case("chain_leaf digest edited", "UPDATE chain_leaf SET digest = zeroblob(32) WHERE kind = 'page' AND row_id = (SELECT min(row_id) FROM chain_leaf WHERE kind = 'page')", "chain_leaf", true),
        case("chain_leaf row deleted", "DELETE FROM chain_leaf WHERE kind = 'file' AND row_id = (SELECT max(row_id) FROM chain_leaf WHERE kind = 'file')", "chain_leaf", true),
        case("chain_leaf row added", "INSERT INTO chain_leaf (batch_id, kind, row_id, digest) VALUES (1, 'page', 9999, zeroblob(32))", "chain_leaf", true),
        case("chain_leaf snapshot edited", "UPDATE chain_leaf SET digest = zeroblob(32) WHERE kind = 'collection'", "link-altered", true),
        case("walk_skip count edited", "UPDATE walk_skip SET entries = 7", "record-changed", true),
        case("file_duplicate row deleted", "DELETE FROM file_duplicate", "record-removed", true),
        case("boxed ID number added", "INSERT INTO page_boxed_field (page_id, kind, value, confidence, left, top, width, height) SELECT min(id), 'id', '079123456789', 99, 1, 1, 1, 1 FROM page", "record-added", true),
        case("file row deleted", "DELETE FROM file WHERE rel_path = 'CT-2023-0001/trang-2.jpg'", "record-removed", true),
        case("page text edited", "UPDATE page SET text = 'đã sửa' WHERE id = (SELECT min(id) FROM page)", "record-changed", true),
        case("page flags edited", "UPDATE page SET flags = '' WHERE flags != ''", "record-changed", true),
        case("batch counts edited", "UPDATE batch SET files_new = 99", "link-altered", true),
        case("batch collection removed", "DELETE FROM batch_collection", "link-altered", true),
        case("fixity event edited", "DROP TRIGGER fixity_event_append_only_update; UPDATE fixity_event SET agent = 'someone else'", "link-altered", true),
        case("object size edited", "UPDATE object SET size = size + 1 WHERE sha256 = (SELECT min(sha256) FROM object)", "altered-object", true),
    ]
}

/// Whether verify at `mode` found the edit: exit 1 and a finding containing `names`.
fn detects(w: &Workplace, mode: &[&str], names: &str) -> Result<bool, String> {
    let mut args = vec!["verify", "--quiet", "--json"];
    args.extend_from_slice(mode);
    let out = w.run(&args, LIMIT);
    match out.status.code() {
        Some(0) => Ok(false),
        Some(1) => {
            let findings = json(&out)["findings"].to_string();
            if findings.contains(names) {
                Ok(true)
            } else {
                Err(format!("no finding names {names}: {findings}"))
            }
        }
        _ => Err(describe(&out)),
    }
}

#[test]
fn every_table_people_see_is_covered_by_verify() {
    let base = base();
    let conn = base.catalog();
    for (table, at_least) in [
        ("page_field", 1),
        ("file_duplicate", 1),
        ("walk_skip", 1),
        ("term_df", 1),
    ] {
        let rows: i64 = conn
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap();
        assert!(rows >= at_least, "the base archive has no {table} rows");
    }
    let clean = copy_of_base();
    for mode in [&["--quick"][..], &[]] {
        assert_eq!(
            detects(&clean, mode, "").map_err(|e| e.to_string()),
            Ok(false)
        );
    }
    let mut failures = Vec::new();
    let (mut tried, mut quick_found, mut full_found) = (0, 0, 0);
    for case in cases() {
        let w = copy_of_base();
        tamper(&w, case.sql);
        tried += 1;
        match detects(&w, &["--quick"], case.names) {
            Ok(found) if found == case.quick => quick_found += u32::from(found),
            Ok(found) => failures.push(format!("{} (quick found: {found})", case.name)),
            Err(e) => failures.push(format!("{} (quick): {e}", case.name)),
        }
        match detects(&w, &[], case.names) {
            Ok(true) => full_found += 1,
            Ok(false) => failures.push(format!("{} (full found nothing)", case.name)),
            Err(e) => failures.push(format!("{} (full): {e}", case.name)),
        }
    }
    eprintln!(
        "tamper cases: {tried} tried, quick detected {quick_found}, full detected {full_found}"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
