//! `sohoa verify` over archives broken in every way an archivist must hear about: each break
//! is named (kind, object, dossier, page) with exit 1; a clean archive gives exit 0. One
//! archive is built with the real binary over two fixture dossiers, then copied per case.

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use common::{copy_tree, cu_tru_dossiers, describe, fixtures, json, Collection, Workplace};
use serde_json::Value;

const LIMIT: Duration = Duration::from_secs(240);

/// Sources of the base archive: two dossiers, four pages, four objects.
fn sources() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| cu_tru_dossiers(&["CT-2023-0001", "CT-2023-0002"]))
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

/// A run, then a clean verification (so the chain has a batch link and a fixity link).
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

/// A fresh copy of the base archive to break.
fn copy_of_base() -> Workplace {
    let w = workplace();
    copy_tree(&base().archive(), &w.archive());
    w
}

/// Object paths of the archive, sorted, made writable so a test can break them.
fn objects(w: &Workplace) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = walkdir::WalkDir::new(w.archive().join("objects"))
        .into_iter()
        .map(|e| e.expect("walk").into_path())
        .filter(|p| p.is_file())
        .collect();
    found.sort();
    for p in &found {
        fs::set_permissions(p, fs::Permissions::from_mode(0o644)).expect("chmod");
    }
    found
}

fn name(p: &Path) -> String {
    p.file_name().unwrap().to_string_lossy().into_owned()
}

fn sql(w: &Workplace, statements: &str) {
    // A tamperer turns off what would stop them.
    let conn = w.catalog();
    conn.execute_batch("PRAGMA foreign_keys = OFF")
        .expect("pragma");
    conn.execute_batch(statements).expect("tamper");
}

/// Break the archive; return the object (or page text) each expected finding must name.
type Break = fn(&Workplace) -> Vec<String>;

fn flip_bit(w: &Workplace) -> Vec<String> {
    let p = &objects(w)[0];
    let mut bytes = fs::read(p).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x10;
    fs::write(p, bytes).unwrap();
    vec![name(p)]
}

fn truncate(w: &Workplace) -> Vec<String> {
    let p = &objects(w)[1];
    let bytes = fs::read(p).unwrap();
    fs::write(p, &bytes[..bytes.len() - 100]).unwrap();
    vec![name(p)]
}

fn delete(w: &Workplace) -> Vec<String> {
    let p = &objects(w)[2];
    fs::remove_file(p).unwrap();
    vec![name(p)]
}

fn swap(w: &Workplace) -> Vec<String> {
    let o = objects(w);
    let (a, b) = (fs::read(&o[0]).unwrap(), fs::read(&o[3]).unwrap());
    fs::write(&o[0], b).unwrap();
    fs::write(&o[3], a).unwrap();
    vec![name(&o[0]), name(&o[3])]
}

fn unknown(w: &Workplace) -> Vec<String> {
    let dir = w.archive().join("objects/ee/ee");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("eeee-not-an-object"), b"stray").unwrap();
    vec!["eeee-not-an-object".to_string()]
}

fn temporary(w: &Workplace) -> Vec<String> {
    fs::write(w.archive().join("tmp/abc-1-0.tmp"), b"partial").unwrap();
    vec!["abc-1-0.tmp".to_string()]
}

fn edit_checksum(w: &Workplace) -> Vec<String> {
    let forged = "ab".repeat(32);
    sql(
        w,
        &format!("UPDATE file SET sha256 = '{forged}' WHERE rel_path = 'CT-2023-0002/trang-2.png'"),
    );
    vec!["CT-2023-0002/trang-2.png".to_string()]
}

fn edit_text(w: &Workplace) -> Vec<String> {
    sql(w, "UPDATE page SET text = 'đã sửa' WHERE file_id = (SELECT id FROM file WHERE rel_path = 'CT-2023-0001/trang-2.jpg')");
    vec!["CT-2023-0001/trang-2.jpg".to_string()]
}

fn edit_batch(w: &Workplace) -> Vec<String> {
    sql(w, "UPDATE batch SET operator = 'someone else'");
    vec!["link-altered".to_string()]
}

fn delete_link(w: &Workplace) -> Vec<String> {
    sql(
        w,
        "DROP TRIGGER chain_link_append_only_delete; DELETE FROM chain_link WHERE seq = 1;",
    );
    vec!["link-missing".to_string(), "batch-unlinked".to_string()]
}

/// Run verify on a broken copy: exit 1, and each expected finding kind naming each item.
fn expect_findings(w: &Workplace, kind: &str, names: &[String]) {
    let out = w.run(&["verify", "--quiet", "--json"], LIMIT);
    assert_eq!(out.status.code(), Some(1), "{kind}: {}", describe(&out));
    let report = json(&out);
    let findings = report["findings"].as_array().expect("findings");
    let of_kind: Vec<&Value> = findings.iter().filter(|f| f["kind"] == kind).collect();
    assert!(!of_kind.is_empty(), "no {kind} in {}", describe(&out));
    for n in names {
        assert!(
            of_kind.iter().any(|f| f.to_string().contains(n.as_str())),
            "{kind} does not name {n}: {}",
            describe(&out)
        );
    }
    // Every finding about an object names the dossier and file that are that object.
    for f in findings.iter().filter(|f| f.get("files").is_some()) {
        let files = f["files"].as_array().unwrap();
        assert!(
            files
                .iter()
                .all(|u| u["dossier"].is_string() && u["pages"].is_u64()),
            "{f}"
        );
        assert!(!files.is_empty(), "{f}");
    }
    // The human report says the same.
    let text = w.run(&["verify", "--quiet"], LIMIT);
    assert_eq!(text.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&text.stdout).contains(kind),
        "{}",
        describe(&text)
    );
}

#[test]
fn every_break_is_reported_by_name_and_a_clean_archive_passes() {
    let clean = copy_of_base();
    let out = clean.run(&["verify", "--quiet", "--json"], LIMIT);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert_eq!(json(&out)["objects_checked"], 4);
    let cases: [(&str, Break, &str); 10] = [
        ("flipped bit", flip_bit, "altered-object"),
        ("truncated object", truncate, "altered-object"),
        ("deleted object", delete, "missing-object"),
        ("two objects swapped", swap, "altered-object"),
        ("unknown file", unknown, "unknown-file"),
        ("leftover temporary file", temporary, "leftover-temporary"),
        ("catalog checksum edited", edit_checksum, "catalog-changed"),
        ("catalog page text edited", edit_text, "catalog-changed"),
        ("catalog batch row edited", edit_batch, "catalog-changed"),
        ("chain link deleted", delete_link, "catalog-changed"),
    ];
    for (case, break_it, kind) in cases {
        let w = copy_of_base();
        let names = break_it(&w);
        eprintln!("case: {case}");
        expect_findings(&w, kind, &names);
    }
}

#[test]
fn an_edited_page_text_is_named_down_to_the_page() {
    let w = copy_of_base();
    edit_text(&w);
    let report = json(&w.run(&["verify", "--quiet", "--json"], LIMIT));
    let issue = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "catalog-changed")
        .expect("catalog-changed")["issue"]
        .clone();
    assert_eq!(issue["kind"], "record-changed");
    assert_eq!(issue["file"]["dossier"], "CT-2023-0001");
    assert_eq!(issue["page"], 0);
}

#[test]
fn a_checksum_edit_also_shows_the_row_without_its_object() {
    let w = copy_of_base();
    edit_checksum(&w);
    expect_findings(
        &w,
        "row-without-object",
        &["CT-2023-0002/trang-2.png".to_string()],
    );
}

#[test]
fn quick_finds_size_changes_and_a_deleted_last_link_is_caught_by_the_kept_head() {
    let w = copy_of_base();
    let root = w.run(&["verify", "--print-root"], LIMIT);
    let kept = String::from_utf8(root.stdout).unwrap().trim().to_string();
    assert_eq!(kept.len(), 64);
    let out = w.run(&["verify", "--quiet", "--expect-root", &kept], LIMIT);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    // Deleting the kept link and every later one leaves a consistent, shorter chain that
    // only the head kept elsewhere can show was cut.
    sql(&w, &format!("DROP TRIGGER chain_link_append_only_delete; DELETE FROM chain_link WHERE seq >= (SELECT seq FROM chain_link WHERE link_hash = '{kept}');"));
    let out = w.run(&["verify", "--quiet"], LIMIT);
    assert_eq!(
        out.status.code(),
        Some(0),
        "without the kept head: {}",
        describe(&out)
    );
    let out = w.run(
        &["verify", "--quiet", "--json", "--expect-root", &kept],
        LIMIT,
    );
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert!(json(&out)["findings"]
        .to_string()
        .contains("root-not-found"));
    truncate(&w);
    let out = w.run(&["verify", "--quick", "--quiet", "--json"], LIMIT);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert_eq!(json(&out)["bytes_checked"], 0, "quick reads no object");
    assert!(json(&out)["findings"]
        .to_string()
        .contains("altered-object"));
}

#[test]
fn repeated_samples_cover_the_whole_archive_and_are_in_the_history() {
    let w = copy_of_base();
    flip_bit(&w);
    let mut found = 0;
    for _ in 0..2 {
        let out = w.run(&["verify", "--quiet", "--json", "--sample", "50"], LIMIT);
        let report = json(&out);
        assert_eq!(report["objects_checked"], 2, "{}", describe(&out));
        if report["findings"].to_string().contains("altered-object") {
            found += 1;
            assert_eq!(out.status.code(), Some(1));
        }
    }
    // Two halves that rotate cover the four objects exactly once.
    assert_eq!(found, 1);
    let history = w.run(&["verify", "--history", "--json"], LIMIT);
    let events = json(&history);
    let levels: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["level"].as_str().unwrap())
        .collect();
    assert_eq!(levels, ["full", "sample", "sample"]);
    let at = events[0]["at"].as_str().unwrap();
    assert!(
        at.contains('.') && at.ends_with('Z'),
        "sub-second UTC: {at}"
    );
}

#[test]
fn a_missing_catalog_is_an_unusable_archive() {
    let w = workplace();
    fs::create_dir_all(w.archive()).unwrap();
    let out = w.run(&["verify", "--quiet"], LIMIT);
    assert_eq!(out.status.code(), Some(3), "{}", describe(&out));
}

#[test]
fn the_exported_bag_validates_and_one_changed_byte_fails_it() {
    let w = copy_of_base();
    let bag = w.path().join("bag");
    let out = w.run(&["export", "bagit", "--collection", "cu-tru", "bag"], LIMIT);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let info = fs::read_to_string(bag.join("bag-info.txt")).unwrap();
    assert!(
        info.contains("Payload-Oxum: ") && info.contains("External-Identifier: cu-tru"),
        "{info}"
    );
    assert!(bag.join("data/cu-tru/CT-2023-0001/trang-1.jpg").is_file());
    assert!(bag.join("data/cu-tru/CT-2023-0001/trang-1.txt").is_file());
    assert!(validate(&bag), "a fresh bag must validate");
    let again = w.run(&["export", "bagit", "--collection", "cu-tru", "bag"], LIMIT);
    assert_eq!(again.status.code(), Some(2), "refuses an existing folder");
    let page = bag.join("data/cu-tru/CT-2023-0002/trang-1.png");
    let mut bytes = fs::read(&page).unwrap();
    bytes[200] ^= 0x01;
    fs::write(&page, bytes).unwrap();
    assert!(!validate(&bag), "a bag with one byte changed must fail");
}

/// The reference validator, bagit-python (installed by `scripts/setup`).
fn validate(bag: &Path) -> bool {
    let out = std::process::Command::new("python3")
        .args(["-m", "bagit", "--validate"])
        .arg(bag)
        .output()
        .expect("python3");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("No module named bagit"),
        "run scripts/setup: {stderr}"
    );
    out.status.success()
}

#[test]
fn a_bag_is_not_written_from_an_altered_object() {
    let w = copy_of_base();
    flip_bit(&w);
    let out = w.run(&["export", "bagit", "--collection", "cu-tru", "bag"], LIMIT);
    assert_eq!(out.status.code(), Some(3), "{}", describe(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not the archived content"));
    assert!(
        !w.path().join("bag").exists(),
        "no half-written bag is left"
    );
}

#[test]
fn verify_beside_a_running_batch_finds_nothing_wrong() {
    let w = Workplace::new(&[Collection {
        id: "cu-tru",
        source: &fixtures().join("scans/cu-tru"),
        layout: "folder",
        target: 7,
    }]);
    let run = w
        .command(&["run", "--quiet"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn run");
    let start = std::time::Instant::now();
    while common::recorded_files(&w.archive()) < 1 && start.elapsed() < LIMIT {
        std::thread::sleep(Duration::from_millis(5));
    }
    // Whether or not the run is still writing by now, nothing it does is a finding.
    let out = w.run(&["verify", "--quiet", "--json"], LIMIT);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let out = common::wait_with_limit(run, LIMIT);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let out = w.run(&["verify", "--quiet", "--json"], LIMIT);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert_eq!(json(&out)["skipped_recent"], 0);
}
