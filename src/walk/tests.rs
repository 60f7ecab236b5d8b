//! The walk on real temporary trees: grouping, order, names, links, debris.

use super::*;
use crate::config::DEFAULT_IGNORE;
use std::fs;
use std::os::unix::fs::symlink;

fn touch(root: &Path, rel: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, b"x").unwrap();
}

fn walk(root: &Path, layout: Layout) -> WalkReport {
    walk_collection(root, layout, &IgnoreRules::new(&DEFAULT_IGNORE).unwrap()).unwrap()
}

fn codes_and_files(report: &WalkReport) -> Vec<(String, Vec<String>)> {
    report
        .dossiers
        .iter()
        .map(|d| {
            let files = d.files.iter().map(|f| f.rel_path.clone()).collect();
            (d.code.clone(), files)
        })
        .collect()
}

fn file<'a>(report: &'a WalkReport, rel_path: &str) -> &'a SourceFile {
    report
        .dossiers
        .iter()
        .flat_map(|d| &d.files)
        .find(|f| f.rel_path == rel_path)
        .unwrap_or_else(|| panic!("{rel_path} not walked: {report:?}"))
}

fn refusal_kind(report: &WalkReport, rel_path: &str) -> Option<String> {
    file(report, rel_path)
        .refused
        .as_ref()
        .map(|r| r.kind.clone())
}

#[test]
fn folders_become_dossiers_in_natural_order_with_every_file() {
    let dir = tempfile::tempdir().unwrap();
    for rel in [
        "HS-10/page-10.jpg",
        "HS-10/page-2.jpg",
        "HS-2/a.TIF",
        "HS-2/notes.txt",
        "HS-2/.thumbs/x.jpg",
        "HS-2/Thumbs.db",
    ] {
        touch(dir.path(), rel);
    }
    let report = walk(dir.path(), Layout::Folder);
    assert_eq!(
        codes_and_files(&report),
        vec![
            (
                "HS-2".to_string(),
                vec!["HS-2/a.TIF".to_string(), "HS-2/notes.txt".into()]
            ),
            (
                "HS-10".to_string(),
                vec!["HS-10/page-2.jpg".into(), "HS-10/page-10.jpg".into()]
            ),
        ]
    );
    assert!(file(&report, "HS-2/a.TIF").page_name);
    assert!(!file(&report, "HS-2/notes.txt").page_name);
    let skipped: Vec<(&str, u64)> = report
        .skipped
        .iter()
        .map(|s| (s.pattern.as_str(), s.entries))
        .collect();
    assert_eq!(skipped, [("Thumbs.db", 1), (".*", 1)]);
}

#[test]
fn file_layout_makes_one_dossier_per_file() {
    let dir = tempfile::tempdir().unwrap();
    touch(dir.path(), "2023/QD-01.tif");
    touch(dir.path(), "QD-02.tiff");
    touch(dir.path(), "v1.2/QD-03");
    let report = walk(dir.path(), Layout::File);
    let codes: Vec<_> = report.dossiers.iter().map(|d| d.code.clone()).collect();
    assert_eq!(codes, vec!["2023/QD-01", "QD-02", "v1.2/QD-03"]);
}

#[test]
fn nfd_names_are_keyed_in_nfc_and_kept_as_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let nfd: String = "Phường Bến Thành/trang-1.png".nfd().collect();
    touch(dir.path(), &nfd);
    let report = walk(dir.path(), Layout::Folder);
    assert_eq!(report.dossiers[0].code, "Phường Bến Thành");
    let f = &report.dossiers[0].files[0];
    assert!(f.path.exists());
    assert_eq!(f.disk_name.as_deref(), Some(nfd.as_bytes()));
    assert_eq!(f.twin, None);
}

#[test]
fn nfc_and_nfd_twins_get_keys_of_their_own_and_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let nfc = "HS-1/Bến.jpg".to_string();
    let nfd: String = nfc.nfd().collect();
    touch(dir.path(), &nfd);
    touch(dir.path(), &nfc);
    let report = walk(dir.path(), Layout::Folder);
    let files = &report.dossiers[0].files;
    assert_eq!(files.len(), 2, "{files:?}");
    let kept = file(&report, &nfc);
    assert_eq!((kept.twin.as_ref(), kept.disk_name.as_ref()), (None, None));
    let twin = file(&report, &nfd);
    assert_eq!(twin.twin.as_ref().unwrap().kind, NAME_TWIN);
    assert_eq!(twin.disk_name, None, "its key is its name on disk");
    assert!(twin.twin.as_ref().unwrap().message.contains("NFD"));
    // The same tree gives the same keys every time.
    let again = walk(dir.path(), Layout::Folder);
    assert_eq!(codes_and_files(&again), codes_and_files(&report));
}

#[test]
fn links_out_of_the_source_to_folders_and_loops_are_refused() {
    let outside = tempfile::tempdir().unwrap();
    touch(outside.path(), "secret.jpg");
    let dir = tempfile::tempdir().unwrap();
    touch(dir.path(), "HS-1/page-1.jpg");
    let link = |target: &Path, rel: &str| symlink(target, dir.path().join(rel)).unwrap();
    link(&outside.path().join("secret.jpg"), "HS-1/page-2.jpg");
    link(&dir.path().join("HS-1/page-1.jpg"), "HS-1/page-3.jpg");
    link(&dir.path().join("HS-1/loop.jpg"), "HS-1/loop.jpg");
    link(dir.path(), "HS-1/up");
    let report = walk(dir.path(), Layout::Folder);
    let names: Vec<_> = report.dossiers[0]
        .files
        .iter()
        .map(|f| f.rel_path.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "HS-1/loop.jpg",
            "HS-1/page-1.jpg",
            "HS-1/page-2.jpg",
            "HS-1/page-3.jpg",
            "HS-1/up"
        ]
    );
    let link_kind = Some(SYMLINK.to_string());
    assert_eq!(refusal_kind(&report, "HS-1/loop.jpg"), link_kind);
    assert_eq!(refusal_kind(&report, "HS-1/page-1.jpg"), None);
    assert_eq!(refusal_kind(&report, "HS-1/page-2.jpg"), link_kind);
    assert_eq!(refusal_kind(&report, "HS-1/page-3.jpg"), None);
    assert_eq!(refusal_kind(&report, "HS-1/up"), link_kind);
    let up = file(&report, "HS-1/up").refused.clone().unwrap();
    assert!(
        up.message.contains("links to folders are not followed"),
        "{up:?}"
    );
}

#[test]
fn pipes_are_refused_without_being_opened() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("HS-1/pipe.jpg");
    fs::create_dir_all(fifo.parent().unwrap()).unwrap();
    let status = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !status.is_ok_and(|s| s.success()) {
        return; // no mkfifo here: nothing to test
    }
    let report = walk(dir.path(), Layout::Folder);
    assert_eq!(
        refusal_kind(&report, "HS-1/pipe.jpg"),
        Some(UNSUPPORTED.to_string())
    );
}

#[test]
fn an_empty_ignore_list_walks_hidden_entries_too() {
    let dir = tempfile::tempdir().unwrap();
    touch(dir.path(), ".hidden/page-1.jpg");
    let none: [&str; 0] = [];
    let report = walk_collection(
        dir.path(),
        Layout::Folder,
        &IgnoreRules::new(&none).unwrap(),
    )
    .unwrap();
    assert_eq!(report.dossiers[0].code, ".hidden");
    assert!(report.skipped.is_empty());
}

#[test]
fn a_missing_source_is_an_error() {
    let err = walk_collection(
        Path::new("/nonexistent/scans"),
        Layout::Folder,
        &IgnoreRules::new(&DEFAULT_IGNORE).unwrap(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("/nonexistent/scans"));
}
