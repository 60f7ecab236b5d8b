//! Exports never leave half-written output and never write into the archive: `export text`,
//! `bagit` and `pdf` refuse an OUT inside the archive (exit 2, archive unchanged) and an OUT
//! that holds files (unless `--force`, which bags never take), shorten names that ingest
//! accepted but that would pass 255 bytes once derived, and leave no OUT when they fail.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use common::{copy_tree, describe, fixtures, Collection, Workplace};

const LIMIT: Duration = Duration::from_secs(300);

/// A 250-byte stem: its file is 254 bytes, a legal name, but `<stem>-p1.txt` is 257.
fn long_stem() -> String {
    "hồ-sơ-".repeat(24) + &"a".repeat(250 - 216)
}

/// Sources: a dossier of two pages and one holding a three-page TIFF with the long name.
fn sources() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let scans = fixtures().join("scans");
        copy_tree(
            &scans.join("cu-tru/CT-2023-0001"),
            &dir.path().join("CT-2023-0001"),
        );
        let long = dir.path().join("HS-DAI");
        fs::create_dir(&long).expect("mkdir");
        let name = format!("{}.tif", long_stem());
        assert_eq!(name.len(), 254, "{name}");
        fs::copy(scans.join("ket-qua/QD-2023-0101.tif"), long.join(name)).expect("copy");
        dir
    })
    .path()
}

fn base() -> &'static Workplace {
    static BASE: OnceLock<Workplace> = OnceLock::new();
    BASE.get_or_init(|| {
        let w = Workplace::new(&[Collection {
            id: "cu-tru",
            source: sources(),
            layout: "folder",
            target: 2,
        }]);
        let out = w.run(&["run", "--quiet"], LIMIT);
        assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
        w
    })
}

/// The three exports, OUT as the first argument after the kind.
fn export(kind: &str, out: &Path, extra: &[&str]) -> Vec<String> {
    let mut args = vec![
        "export".to_string(),
        kind.to_string(),
        out.display().to_string(),
    ];
    if kind != "text" {
        args.extend(["--collection".to_string(), "cu-tru".to_string()]);
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

fn run(args: &[String]) -> std::process::Output {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    base().run(&args, LIMIT)
}

#[test]
fn an_out_inside_the_archive_is_refused_and_the_archive_unchanged() {
    let archive = base().archive();
    let before = tree(&archive);
    for kind in ["text", "bagit", "pdf"] {
        for out in [
            archive.clone(),
            archive.join("objects"),
            archive.join("objects/moi"),
            archive.join("../archive/tmp/x"),
        ] {
            let got = run(&export(kind, &out, &["--lang", "en"]));
            let err = String::from_utf8_lossy(&got.stderr);
            assert_eq!(
                got.status.code(),
                Some(2),
                "{kind} {}: {}",
                out.display(),
                describe(&got)
            );
            assert!(err.contains("inside the archive"), "{kind}: {err}");
        }
    }
    assert_eq!(tree(&archive), before, "an export changed the archive");
}

#[test]
fn an_out_holding_files_is_refused_unless_forced_and_bags_never() {
    let root = tempfile::tempdir().expect("temp dir");
    for (kind, force_ok) in [("text", true), ("pdf", true), ("bagit", false)] {
        let out = root.path().join(kind);
        fs::create_dir(&out).expect("mkdir");
        fs::write(out.join("ghi-chu.txt"), "giữ lại").expect("write");
        let got = run(&export(kind, &out, &[]));
        assert_eq!(got.status.code(), Some(2), "{kind}: {}", describe(&got));
        assert_eq!(
            entries(&out),
            ["ghi-chu.txt"],
            "{kind} wrote into a refused OUT"
        );
        let forced = run(&export(kind, &out, &["--force"]));
        let want = if force_ok { 0 } else { 2 };
        assert_eq!(
            forced.status.code(),
            Some(want),
            "{kind} --force: {}",
            describe(&forced)
        );
        assert_eq!(
            fs::read_to_string(out.join("ghi-chu.txt")).ok().as_deref(),
            Some("giữ lại"),
            "{kind}: a file of the user's was lost"
        );
        // An empty folder is as good as a new one, for every kind.
        let empty = root.path().join(format!("{kind}-empty"));
        fs::create_dir(&empty).expect("mkdir");
        let got = run(&export(kind, &empty, &[]));
        assert_eq!(
            got.status.code(),
            Some(0),
            "{kind} into empty: {}",
            describe(&got)
        );
        assert!(!entries(&empty).is_empty(), "{kind}: nothing written");
    }
    assert_no_staging(root.path());
}

#[test]
fn derived_names_past_255_bytes_are_shortened_and_reported() {
    let root = tempfile::tempdir().expect("temp dir");
    for kind in ["text", "bagit", "pdf"] {
        let out = root.path().join(kind);
        let got = run(&export(kind, &out, &["--lang", "en"]));
        assert_eq!(got.status.code(), Some(0), "{kind}: {}", describe(&got));
        let names: Vec<String> = walkdir::WalkDir::new(&out)
            .into_iter()
            .map(|e| e.expect("walk").file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| n.len() <= 255), "{kind}: {names:?}");
        if kind != "pdf" {
            let texts = names
                .iter()
                .filter(|n| n.contains("-p") && n.ends_with(".txt"));
            let shortened = texts.filter(|n| n.starts_with("hồ-sơ-")).count();
            assert_eq!(
                shortened, 3,
                "{kind}: one text per page of the long file: {names:?}"
            );
            let err = String::from_utf8_lossy(&got.stderr);
            assert!(
                err.contains("3 file names longer than 255 bytes"),
                "{kind}: {err}"
            );
        }
    }
}

/// `--json` says on stdout what each export wrote, and it is what OUT holds.
#[test]
fn each_export_says_what_it_wrote_as_json() {
    let root = tempfile::tempdir().expect("temp dir");
    for kind in ["text", "bagit", "pdf"] {
        let out = root.path().join(kind);
        let got = run(&export(kind, &out, &["--json"]));
        assert_eq!(got.status.code(), Some(0), "{kind}: {}", describe(&got));
        let said = common::json(&got);
        assert_eq!(said["out"], out.display().to_string(), "{kind}: {said}");
        let written = walkdir::WalkDir::new(&out)
            .into_iter()
            .map(|e| e.expect("walk"))
            .filter(|e| e.file_type().is_file())
            .count();
        match kind {
            "text" => assert_eq!(said["files"], written as u64, "{said}"),
            // The bag's payload; its tag files besides.
            "bagit" => {
                let payload = walkdir::WalkDir::new(out.join("data"))
                    .into_iter()
                    .filter(|e| e.as_ref().expect("walk").file_type().is_file())
                    .count();
                assert_eq!(said["files"], payload as u64, "{said}");
                assert!(said["bytes"].as_u64().is_some_and(|b| b > 0), "{said}");
            }
            _ => {
                let files = said["files"].as_array().expect("files");
                assert_eq!(files.len(), written, "{said}");
                for f in files {
                    assert!(Path::new(f.as_str().expect("path")).is_file(), "{f}");
                }
                assert_eq!(said["pages"], 5, "2 pages and a three-page TIFF: {said}");
            }
        }
        assert_eq!(said["shortened"], if kind == "pdf" { 0 } else { 3 });
    }
}

#[test]
fn a_failed_export_leaves_no_out_and_no_staging() {
    // A damaged object: the bag and the PDF refuse to copy it, after writing other files.
    let place = Workplace::new(&[Collection {
        id: "cu-tru",
        source: sources(),
        layout: "folder",
        target: 2,
    }]);
    copy_tree(&base().archive(), &place.archive());
    let object = walkdir::WalkDir::new(place.archive().join("objects"))
        .into_iter()
        .map(|e| e.expect("walk"))
        .filter(|e| e.file_type().is_file())
        .max_by_key(|e| e.path().to_path_buf())
        .expect("an object");
    fs::write(object.path(), b"not the archived bytes").expect("damage");
    let root = tempfile::tempdir().expect("temp dir");
    for kind in ["bagit", "pdf"] {
        let out = root.path().join(kind);
        let args = export(kind, &out, &[]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let got = place.run(&args, LIMIT);
        assert_eq!(got.status.code(), Some(3), "{kind}: {}", describe(&got));
        assert!(!out.exists(), "{kind}: a half-written OUT was left");
    }
    assert_no_staging(root.path());
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn assert_no_staging(root: &Path) {
    let left: Vec<String> = entries(root)
        .into_iter()
        .filter(|n| n.starts_with(".sohoa-partial"))
        .collect();
    assert!(left.is_empty(), "staging left behind: {left:?}");
}

fn tree(root: &Path) -> BTreeMap<PathBuf, u64> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(|e| e.expect("walk"))
        // The other tests of this file export from the same archive at the same time: the
        // lock and SQLite's shared-memory and log files of their readers come and go.
        .filter(|e| {
            let name = e.file_name().to_string_lossy();
            name != "lock" && !name.ends_with("-wal") && !name.ends_with("-shm")
        })
        .map(|e| (e.path().to_path_buf(), e.metadata().map_or(0, |m| m.len())))
        .collect()
}
