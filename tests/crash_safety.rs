//! A run killed with SIGKILL at any point (a crash or a power cut, as far as the process can
//! tell) leaves an archive that the next run completes, ending equal to the archive of an
//! uninterrupted run: same dossiers, files, checksums, page texts; every object intact; no
//! partial object left behind; no file recorded twice.

mod common;

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{describe, real_corpus, snapshot, Collection, Workplace};

const LIMIT: Duration = Duration::from_secs(300);

/// Small real scans, several pages in all, so a run lasts long enough to be cut.
const FILES: [&str; 6] = [
    "viet.tif",
    "phototest.tif",
    "eurotext.tif",
    "12.tif",
    "phototest-rotated-180.png",
    "total-pages-zero.tif",
];

fn source() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in FILES {
        std::fs::copy(real_corpus().join(name), dir.path().join(name)).unwrap();
    }
    dir
}

fn workplace(src: &Path) -> Workplace {
    Workplace::new(&[Collection {
        id: "ket-qua",
        source: src,
        layout: "file",
        target: 6,
    }])
}

fn count_objects(archive: &Path) -> usize {
    walkdir::WalkDir::new(archive.join("objects"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .count()
}

/// Start a run and SIGKILL it as soon as `ready` holds (or when it ends by itself).
fn kill_when(place: &Workplace, ready: impl Fn(&Path) -> bool) {
    let mut child = place
        .command(&["run", "--quiet"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() && start.elapsed() < LIMIT {
        if ready(&place.archive()) {
            child.kill().unwrap();
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child.wait().unwrap();
}

#[test]
fn killed_runs_complete_to_the_same_archive_as_an_uninterrupted_one() {
    let src = source();
    let reference = workplace(src.path());
    let out = reference.run(&["run", "--quiet"], LIMIT);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let expected = snapshot(&reference.catalog());

    let place = workplace(src.path());
    // Each cut comes later in the work than the one before it.
    kill_when(&place, |a| a.join("catalog.sqlite").exists());
    let objects = count_objects(&place.archive());
    kill_when(&place, |a| count_objects(a) > objects);
    let files = common::recorded_files(&place.archive());
    kill_when(&place, |a| common::recorded_files(a) > files);
    let files = common::recorded_files(&place.archive());
    kill_when(&place, |a| common::recorded_files(a) >= files + 2);
    let out = place.run(&["run", "--quiet"], LIMIT);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));

    assert_eq!(snapshot(&place.catalog()), expected);
    assert!(
        place.leftover_temporaries().is_empty(),
        "{:?}",
        place.leftover_temporaries()
    );
    for entry in walkdir::WalkDir::new(place.archive().join("objects")) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let bytes = std::fs::read(entry.path()).unwrap();
            let name = entry.file_name().to_string_lossy().into_owned();
            assert_eq!(
                sohoa::content::ContentId::of_bytes(&bytes).to_hex(),
                name,
                "altered object"
            );
        }
    }
    assert_eq!(count_objects(&place.archive()), FILES.len());
}

#[test]
fn interrupted_batches_are_not_left_marked_running() {
    let src = source();
    let place = workplace(src.path());
    kill_when(&place, |a| common::recorded_files(a) >= 1);
    let out = place.run(&["run", "--quiet"], LIMIT);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let statuses = place.batch_statuses();
    assert_eq!(statuses, ["interrupted", "finished"]);
    // The killed batch was linked into the chain when the next run closed it: verify finds
    // both batch links and nothing wrong.
    let out = place.run(&["verify", "--quiet", "--json"], LIMIT);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["chain_links"], 2, "{}", describe(&out));
}
