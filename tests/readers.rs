//! Readers never write: every command that only reads an archive (`report`, `search`,
//! `show`, every `verify` mode, every export) works on an archive its user cannot write (an
//! archivist's copy, a second user, a WORM share) and leaves nothing behind in it, so the
//! owner's next run works. As root the commands run as `nobody` (root ignores file modes);
//! as another user the archive is made read-only by its modes.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use common::{copy_tree, cu_tru_dossiers, describe, wait_with_limit, Collection, Workplace};

const LIMIT: Duration = Duration::from_secs(240);

/// Every reader, with the exit code it gives on a clean archive and a word its output
/// must hold (`OUT` stands for a fresh output folder the reader may write).
const READERS: &[(&[&str], i32, &str)] = &[
    (&["report"], 0, "cu-tru"),
    (&["report", "--json"], 0, "\"collections\""),
    (&["report", "--format", "csv"], 0, "cu-tru"),
    (&["search", "cư trú"], 0, "CT-2023-0001"),
    (&["search", "--json", "cư trú"], 0, "CT-2023-0001"),
    (&["show", "CT-2023-0001"], 0, "CT-2023-0001"),
    (&["verify", "--quick"], 0, "could not be recorded"),
    (&["verify"], 0, "could not be recorded"),
    (&["verify", "--sample", "50"], 0, "could not be recorded"),
    (&["verify", "--json"], 0, "not_recorded"),
    (&["verify", "--print-root"], 0, ""),
    (&["verify", "--history"], 0, "clean"),
    (&["export", "text", "OUT"], 0, "text files"),
    (&["export", "bagit", "OUT", "--collection", "cu-tru"], 0, ""),
    (&["export", "pdf", "OUT", "--collection", "cu-tru"], 0, ""),
];

/// Sources of the archive: two fixture dossiers.
fn sources() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = cu_tru_dossiers(&["CT-2023-0001", "CT-2023-0002"]);
        open_to_all(dir.path());
        dir
    })
    .path()
}

/// An archive run and verified once by its owner.
fn base() -> &'static Workplace {
    static BASE: OnceLock<Workplace> = OnceLock::new();
    BASE.get_or_init(|| {
        let w = workplace();
        for args in [&["run", "--quiet"][..], &["verify", "--quiet"]] {
            let out = w.run(args, LIMIT);
            assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
        }
        w
    })
}

fn workplace() -> Workplace {
    Workplace::new(&[Collection {
        id: "cu-tru",
        source: sources(),
        layout: "folder",
        target: 2,
    }])
}

/// A copy of the base archive that its reader cannot write, with a folder the reader may
/// write its output to.
struct Shelf {
    place: Workplace,
    out: tempfile::TempDir,
}

fn shelf() -> Shelf {
    let place = workplace();
    copy_tree(&base().archive(), &place.archive());
    open_to_all(place.path());
    if !as_root() {
        set_tree_mode(&place.archive(), false);
    }
    let out = tempfile::tempdir().expect("temp dir");
    fs::set_permissions(out.path(), fs::Permissions::from_mode(0o777)).expect("chmod");
    Shelf { place, out }
}

fn as_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// Run `sohoa` in the shelf as a user who cannot write the archive.
fn read(shelf: &Shelf, args: &[&str], out: &Path) -> Output {
    let args: Vec<String> = args
        .iter()
        .map(|a| match *a {
            "OUT" => out.display().to_string(),
            a => a.to_string(),
        })
        .collect();
    let mut cmd = if as_root() {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=nobody", "--regid=nogroup", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_sohoa"));
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_sohoa"))
    };
    cmd.current_dir(shelf.place.path())
        .args(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    wait_with_limit(cmd.spawn().expect("spawn sohoa"), LIMIT)
}

#[test]
fn every_reader_reads_an_archive_it_cannot_write_and_leaves_it_as_it_was() {
    let shelf = shelf();
    let before = tree(&shelf.place.archive());
    let mut failures = Vec::new();
    for (i, (args, code, needle)) in READERS.iter().enumerate() {
        let out_dir = shelf.out.path().join(format!("out-{i}"));
        let out = read(&shelf, args, &out_dir);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        if out.status.code() != Some(*code) || !text.contains(needle) {
            failures.push(format!(
                "{args:?}: want exit {code} and {needle:?}\n{}",
                describe(&out)
            ));
        }
        if args[0] == "export" && !out_dir.read_dir().is_ok_and(|mut d| d.next().is_some()) {
            failures.push(format!(
                "{args:?}: nothing written under {}",
                out_dir.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert_eq!(
        tree(&shelf.place.archive()),
        before,
        "a reader changed the archive"
    );
    owner_runs_after(&shelf);
}

#[test]
fn readers_beside_an_open_writer_share_its_index_and_leave_it_usable() {
    let shelf = shelf();
    if !as_root() {
        return; // the owner's open connection needs a writable archive: covered as root
    }
    // The owner holds the catalog open in WAL mode, so its -wal and -shm exist, as beside a
    // running batch.
    let writer = rusqlite::Connection::open(shelf.place.archive().join("catalog.sqlite"))
        .expect("open catalog");
    writer
        .query_row("SELECT count(*) FROM file", [], |r| r.get::<_, i64>(0))
        .expect("read");
    assert!(shelf.place.archive().join("catalog.sqlite-shm").exists());
    for args in [
        &["report"][..],
        &["search", "cư trú"],
        &["verify", "--quick"],
    ] {
        let out = read(&shelf, args, &shelf.out.path().join("unused"));
        assert_eq!(out.status.code(), Some(0), "{args:?}\n{}", describe(&out));
    }
    writer
        .execute_batch("BEGIN IMMEDIATE; COMMIT;")
        .expect("the owner still writes");
    drop(writer);
    owner_runs_after(&shelf);
}

/// The owner's next run and verify work and the verify is recorded: a reader left no file
/// the owner cannot open.
fn owner_runs_after(shelf: &Shelf) {
    if !as_root() {
        set_tree_mode(&shelf.place.archive(), true);
    }
    let events = || {
        let out = shelf.place.run(&["verify", "--history", "--json"], LIMIT);
        assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
        common::json(&out).as_array().map_or(0, Vec::len)
    };
    let recorded = events();
    for args in [&["run", "--quiet"][..], &["verify", "--quick", "--quiet"]] {
        let out = shelf.place.run(args, LIMIT);
        assert_eq!(out.status.code(), Some(0), "{args:?}\n{}", describe(&out));
    }
    assert_eq!(
        events(),
        recorded + 1,
        "the owner's verify was not recorded"
    );
}

/// Every entry of the archive with its size, owner and modification time.
fn tree(root: &Path) -> BTreeMap<PathBuf, (u64, u32, i64)> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(|e| e.expect("walk"))
        .map(|e| {
            let m = e.metadata().expect("stat");
            let size = if m.is_dir() { 0 } else { m.len() };
            (e.path().to_path_buf(), (size, m.uid(), m.mtime()))
        })
        .collect()
}

/// Let any user traverse the folders and read the files under `root` (a temporary folder
/// is private to its creator).
fn open_to_all(root: &Path) {
    for e in walkdir::WalkDir::new(root) {
        let e = e.expect("walk");
        let mode = if e.file_type().is_dir() { 0o755 } else { 0o644 };
        fs::set_permissions(e.path(), fs::Permissions::from_mode(mode)).expect("chmod");
    }
}

/// Make the tree under `root` writable by its owner or by nobody.
fn set_tree_mode(root: &Path, writable: bool) {
    for e in walkdir::WalkDir::new(root) {
        let e = e.expect("walk");
        let dir = e.file_type().is_dir();
        let mode = match (dir, writable) {
            (true, true) => 0o755,
            (true, false) => 0o555,
            (false, true) => 0o644,
            (false, false) => 0o444,
        };
        fs::set_permissions(e.path(), fs::Permissions::from_mode(mode)).expect("chmod");
    }
}
