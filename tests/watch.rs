//! `sohoa watch` over a scanner's folder: a page written slowly, in pieces, is archived once
//! and whole after it settles; a second run on the archive is refused while the watch holds
//! it; a source folder that drops out is reported and waited for, and nothing of it is taken
//! for gone; a bad file is recorded and the watch goes on; Ctrl-C ends it with the summary
//! and exit code of `run`. Every wait polls a state with a generous deadline.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{describe, fixtures, json, recorded_files, Collection, Workplace};
use sha2::{Digest, Sha256};

const LIMIT: Duration = Duration::from_secs(300);
/// Pauses between the pieces of a slow write: longer than the poll, far shorter than the
/// settle time, so every poll in between sees a file that is still changing.
const PAUSE: Duration = Duration::from_millis(700);

/// Wait until `ready` holds, failing the test after [`LIMIT`].
fn wait_for(what: &str, ready: impl Fn() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(start.elapsed() < LIMIT, "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// stderr of a child, collected line by line as it comes.
fn collect_stderr(child: &mut Child) -> Arc<Mutex<Vec<String>>> {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let reader = BufReader::new(child.stderr.take().expect("piped stderr"));
    let sink = Arc::clone(&lines);
    std::thread::spawn(move || {
        for line in reader.lines().map_while(Result::ok) {
            sink.lock().unwrap().push(line);
        }
    });
    lines
}

fn said(lines: &Mutex<Vec<String>>, needle: &str) -> bool {
    lines.lock().unwrap().iter().any(|l| l.contains(needle))
}

/// Write `bytes` to `path` in four pieces with pauses, as a scanner over SMB does.
fn write_slowly(path: &Path, bytes: &[u8]) {
    let mut file = std::fs::File::create(path).unwrap();
    for piece in bytes.chunks(bytes.len().div_ceil(4)) {
        file.write_all(piece).unwrap();
        file.flush().unwrap();
        std::thread::sleep(PAUSE);
    }
}

fn versions_of(place: &Workplace, rel_path: &str) -> Vec<(i64, Option<String>)> {
    let c = place.catalog();
    let mut stmt = c
        .prepare("SELECT version, failure_kind FROM file WHERE rel_path = ?1 ORDER BY version")
        .unwrap();
    let rows = stmt
        .query_map([rel_path], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    rows.map(Result::unwrap).collect()
}

/// Batches recorded so far (0 before the catalog and its schema exist).
fn batches(archive: &Path) -> i64 {
    let path = archive.join("catalog.sqlite");
    rusqlite::Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .and_then(|c| c.query_row("SELECT count(*) FROM batch", [], |r| r.get(0)))
        .unwrap_or(0)
}

#[test]
fn a_page_written_slowly_is_archived_once_and_whole_and_ctrl_c_ends_with_the_summary() {
    let scans = tempfile::tempdir().unwrap();
    let src = scans.path().join("scanner");
    std::fs::create_dir(&src).unwrap();
    let place = Workplace::new(&[Collection {
        id: "cu-tru",
        source: &src,
        layout: "folder",
        target: 2,
    }]);
    let mut child = place
        .command(&[
            "watch",
            "--json",
            "--settle-seconds",
            "6",
            "--poll-seconds",
            "0.3",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = collect_stderr(&mut child);
    let catalog = place.archive().join("catalog.sqlite");
    wait_for("the watch to open the archive", || catalog.exists());

    let page = std::fs::read(fixtures().join("scans/cu-tru/CT-2023-0002/trang-2.png")).unwrap();
    std::fs::create_dir(src.join("HS-01")).unwrap();
    write_slowly(&src.join("HS-01/trang-1.png"), &page);
    wait_for("the page to be archived", || {
        recorded_files(&place.archive()) >= 1
    });
    assert!(
        said(&stderr, "waiting to settle: 1 file"),
        "{:?}",
        stderr.lock().unwrap()
    );

    // The watch holds the archive: a run beside it is refused.
    let run = place.run(&["run", "--quiet"], LIMIT);
    assert_eq!(run.status.code(), Some(3), "{}", describe(&run));
    assert!(String::from_utf8_lossy(&run.stderr).contains("sohoa watch"));

    // The share drops and comes back: reported, waited for, nothing taken for gone.
    let away = scans.path().join("scanner-offline");
    std::fs::rename(&src, &away).unwrap();
    wait_for("the drop to be reported", || {
        said(&stderr, "waiting for it to come back")
    });
    std::fs::rename(&away, &src).unwrap();
    wait_for("the return to be reported", || {
        said(&stderr, "can be read again")
    });

    // A bad file is recorded and the watch goes on.
    std::fs::create_dir(src.join("HS-02")).unwrap();
    std::fs::write(src.join("HS-02/trang-1.png"), "not a scan").unwrap();
    wait_for("the bad file to be recorded", || {
        recorded_files(&place.archive()) >= 2
    });

    let kill = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let out = common::wait_with_limit(child, LIMIT);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a file failed: {}",
        describe(&out)
    );
    let summary = json(&out);
    assert_eq!(summary["files"]["new"], 2, "{summary}");
    assert_eq!(summary["files"]["failed"], 1, "{summary}");
    assert_eq!(summary["interrupted"], false, "{summary}");
    let collection = &summary["collections"][0];
    assert_eq!(collection["digitised"], 1, "{summary}");
    assert_eq!(collection["failed"], 1, "{summary}");
    assert_eq!(collection["failures"][0]["file"], "HS-02/trang-1.png");

    // Archived exactly once, whole: one version, read, with the bytes' own checksum.
    assert_eq!(versions_of(&place, "HS-01/trang-1.png"), [(1, None)]);
    let show = place.run(&["show", "HS-01", "--json"], LIMIT);
    let dossier = json(&show);
    let sha = format!("{:x}", Sha256::digest(&page));
    assert_eq!(dossier["pages"][0]["sha256"], sha.as_str(), "{dossier}");
    assert_eq!(dossier["pages"].as_array().unwrap().len(), 1);
    assert_eq!(place.batch_statuses(), ["finished"]);
}

#[test]
fn an_idle_watch_ends_cleanly_and_a_missing_source_is_refused_at_the_start() {
    let src = tempfile::tempdir().unwrap();
    let place = Workplace::new(&[Collection {
        id: "cu-tru",
        source: src.path(),
        layout: "folder",
        target: 1,
    }]);
    let child = place
        .command(&["watch", "--json", "--poll-seconds", "0.2"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for("the watch to record its batch", || {
        batches(&place.archive()) == 1
    });
    let term = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    let out = common::wait_with_limit(child, LIMIT);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert_eq!(json(&out)["files"]["new"], 0);
    assert_eq!(place.batch_statuses(), ["finished"]);

    let gone = Workplace::new(&[Collection {
        id: "cu-tru",
        source: &src.path().join("not-mounted"),
        layout: "folder",
        target: 1,
    }]);
    let out = gone.run(&["watch", "--quiet"], LIMIT);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not-mounted"));
}
