//! Test harness: a temporary workplace with a `pipeline.toml`, the real `sohoa` binary run in
//! it with a time limit (so a hang fails the test instead of stalling it), and read-only views
//! of the catalog and object store for assertions. Each test reads like a specification.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use rusqlite::Connection;
use tempfile::TempDir;
use unicode_normalization::UnicodeNormalization;

/// SQL that undoes migration 13 (reviews), for tests that build a catalog of an earlier
/// schema by hand.
pub const UNDO_REVIEW: &str = include_str!("undo_review.sql");

/// Repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The bundled fixtures.
pub fn fixtures() -> PathBuf {
    repo().join("fixtures")
}

/// Real scans and odd files from public test suites, kept with their licences
/// (`fixtures/real/README.md`).
pub fn real_corpus() -> PathBuf {
    fixtures().join("real")
}

/// One collection of a test config.
pub struct Collection<'a> {
    pub id: &'a str,
    pub source: &'a Path,
    pub layout: &'a str,
    pub target: u64,
}

/// A temporary folder holding a config and an archive.
pub struct Workplace {
    pub dir: TempDir,
}

impl Workplace {
    pub fn new(collections: &[Collection<'_>]) -> Workplace {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut toml = String::from("lang = \"en\"\n[archive]\npath = \"archive\"\n[ocr]\nlanguages = [\"vie\"]\nworkers = 2\n");
        for c in collections {
            toml.push_str(&format!(
                "[[collection]]\nid = \"{}\"\nsource = \"{}\"\nlayout = \"{}\"\ntarget = {}\n",
                c.id,
                c.source.display(),
                c.layout,
                c.target
            ));
        }
        std::fs::write(dir.path().join("pipeline.toml"), toml).expect("write config");
        Workplace { dir }
    }

    /// A workplace over the two bundled fixture collections, as the root `pipeline.toml`
    /// lays them out (nothing run yet).
    pub fn fixtures() -> Workplace {
        let scans = fixtures().join("scans");
        let (cu_tru, ket_qua) = (scans.join("cu-tru"), scans.join("ket-qua"));
        Workplace::new(&[
            Collection {
                id: "cu-tru",
                source: &cu_tru,
                layout: "folder",
                target: 10,
            },
            Collection {
                id: "ket-qua",
                source: &ket_qua,
                layout: "file",
                target: 5,
            },
        ])
    }

    /// [`Workplace::fixtures`] after a successful `sohoa run` (OCR of every fixture page).
    pub fn fixtures_archived() -> Workplace {
        let place = Workplace::fixtures();
        let out = place.run(&["run", "--quiet"], Duration::from_secs(900));
        assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
        place
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn archive(&self) -> PathBuf {
        self.path().join("archive")
    }

    /// A `sohoa` command run inside the workplace.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_sohoa"));
        cmd.current_dir(self.path()).args(args);
        cmd
    }

    /// Run `sohoa` with the given arguments; fails the test after `limit`.
    pub fn run(&self, args: &[&str], limit: Duration) -> Output {
        let child = self
            .command(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn sohoa");
        wait_with_limit(child, limit)
    }

    /// Open the catalog for assertions.
    pub fn catalog(&self) -> Connection {
        Connection::open(self.archive().join("catalog.sqlite")).expect("open catalog")
    }

    /// The status of every batch, oldest first.
    pub fn batch_statuses(&self) -> Vec<String> {
        let c = self.catalog();
        let mut stmt = c
            .prepare("SELECT status FROM batch ORDER BY id")
            .expect("batches");
        let rows = stmt.query_map([], |r| r.get(0)).expect("rows");
        rows.map(|r| r.expect("row")).collect()
    }

    /// Every file under the archive's `tmp/`.
    pub fn leftover_temporaries(&self) -> Vec<PathBuf> {
        let tmp = self.archive().join("tmp");
        match std::fs::read_dir(tmp) {
            Ok(entries) => entries.map(|e| e.expect("entry").path()).collect(),
            Err(_) => Vec::new(),
        }
    }
}

/// File rows committed to the archive's catalog so far (0 before it exists); read-only, so
/// it can watch a running `sohoa run`.
pub fn recorded_files(archive: &Path) -> i64 {
    let path = archive.join("catalog.sqlite");
    if !path.exists() {
        return 0;
    }
    rusqlite::Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .and_then(|c| c.query_row("SELECT count(*) FROM file", [], |r| r.get(0)))
        .unwrap_or(0)
}

/// Wait for a child, killing it and failing if it outlives `limit`.
pub fn wait_with_limit(mut child: Child, limit: Duration) -> Output {
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let out = child.wait_with_output().expect("output");
            panic!(
                "sohoa did not finish within {limit:?}\nstderr:\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Exit code, stdout and stderr as text, for messages.
pub fn describe(out: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Parse `--json` output.
/// A report's JSON with its generation time replaced, the one field that changes from run
/// to run, pretty-printed for a snapshot.
pub fn redact_generated_at(text: &str) -> String {
    let mut value: serde_json::Value = serde_json::from_str(text).expect("JSON");
    if let Some(at) = value.get_mut("generated_at") {
        assert!(at.as_str().is_some_and(|t| t.ends_with('Z')), "{at}");
        *at = "[generated_at]".into();
    }
    serde_json::to_string_pretty(&value).unwrap() + "\n"
}

pub fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("bad JSON ({e}): {}", describe(out)))
}

/// The hits of `search --json` (`{"total", "hits", "suggestions"}`).
pub fn search_hits(out: &Output) -> Vec<serde_json::Value> {
    json(out)["hits"]
        .as_array()
        .unwrap_or_else(|| panic!("no hits array: {}", describe(out)))
        .clone()
}

/// A temporary folder holding copies of these dossiers of the bundled `cu-tru` fixtures,
/// as a scanner's source folder.
pub fn cu_tru_dossiers(codes: &[&str]) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for code in codes {
        copy_tree(
            &fixtures().join("scans/cu-tru").join(code),
            &dir.path().join(code),
        );
    }
    dir
}

/// Copy a folder tree (files only).
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk");
        let rel = entry.path().strip_prefix(from).expect("prefix");
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &dest).expect("copy");
        }
    }
}

/// The archive's content as comparable rows: for every current file, its key, checksum,
/// outcome and the text of each page, sorted.
pub fn snapshot(catalog: &Connection) -> Vec<String> {
    let mut stmt = catalog
        .prepare(
            "SELECT c.code, d.code, f.rel_path, f.version, COALESCE(f.sha256, ''),
                    COALESCE(f.failure_kind, ''), COALESCE(p.page_index, -1), COALESCE(p.text, '')
             FROM file f JOIN dossier d ON d.id = f.dossier_id JOIN collection c ON c.id = d.collection_id
             LEFT JOIN page p ON p.file_id = f.id",
        )
        .expect("snapshot query");
    let rows = stmt
        .query_map([], |r| {
            Ok(format!(
                "{}|{}|{}|v{}|{}|{}|{}|{}",
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, i64>(6)?,
                r.get::<_, String>(7)?
            ))
        })
        .expect("rows");
    let mut out: Vec<String> = rows.map(|r| r.expect("row")).collect();
    out.sort();
    out
}

/// Text as compared with the ground truth: NFC, whitespace runs collapsed to one space,
/// trimmed.
pub fn normalise(text: &str) -> Vec<char> {
    let nfc: String = text.nfc().collect();
    nfc.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .collect()
}

/// Compare `actual` with `tests/snapshots/<folder>/<name>`; `UPDATE_SNAPSHOTS=1` rewrites the
/// file instead, after a deliberate change.
pub fn assert_snapshot(folder: &str, name: &str, actual: &str) {
    let path = repo().join("tests/snapshots").join(folder).join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_SNAPSHOTS=1 writes it)", path.display()));
    assert_eq!(actual, expected, "{name} differs from its snapshot");
}
