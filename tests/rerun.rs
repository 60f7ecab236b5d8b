//! Re-running is safe and does only what is left: a changed file becomes a new version while
//! the old one stays, a file whose time changed but not its bytes is recognised as unchanged,
//! and Ctrl-C stops a run cleanly, with the next run finishing the work.

mod common;

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{describe, json, real_corpus, snapshot, Collection, Workplace};

const LIMIT: Duration = Duration::from_secs(300);

fn copy(name: &str, to: &Path) {
    std::fs::copy(real_corpus().join(name), to).unwrap();
}

fn versions(place: &Workplace, rel_path: &str) -> Vec<(i64, String)> {
    let c = place.catalog();
    let mut stmt = c
        .prepare("SELECT version, sha256 FROM file WHERE rel_path = ?1 ORDER BY version")
        .unwrap();
    let rows = stmt
        .query_map([rel_path], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    rows.map(Result::unwrap).collect()
}

#[test]
fn a_changed_file_becomes_a_new_version_and_a_touched_one_is_unchanged() {
    let src = tempfile::tempdir().unwrap();
    std::fs::create_dir(src.path().join("HS-01")).unwrap();
    copy("viet.tif", &src.path().join("HS-01/trang-1.tif"));
    copy("12.tif", &src.path().join("HS-01/trang-2.tif"));
    let place = Workplace::new(&[Collection {
        id: "cu-tru",
        source: src.path(),
        layout: "folder",
        target: 1,
    }]);
    let first = place.run(&["run", "--json", "--quiet"], LIMIT);
    assert_eq!(json(&first)["files"]["new"], 2, "{}", describe(&first));
    let old = versions(&place, "HS-01/trang-1.tif");

    // The scanner re-writes page 1 with another scan, and a copy tool touches page 2.
    std::thread::sleep(Duration::from_millis(20));
    copy("phototest.tif", &src.path().join("HS-01/trang-1.tif"));
    let page2 = std::fs::File::options()
        .append(true)
        .open(src.path().join("HS-01/trang-2.tif"))
        .unwrap();
    page2.set_modified(std::time::SystemTime::now()).unwrap();

    let second = place.run(&["run", "--json", "--quiet"], LIMIT);
    let summary = json(&second);
    assert_eq!(summary["files"]["changed"], 1, "{summary}");
    assert_eq!(summary["files"]["unchanged"], 1, "{summary}");
    assert_eq!(summary["files"]["new"], 0, "{summary}");
    let now = versions(&place, "HS-01/trang-1.tif");
    assert_eq!(now.len(), 2);
    assert_eq!(now[0], old[0], "the old version stays as it was");
    assert_ne!(now[1].1, now[0].1);
    let old_object = place
        .archive()
        .join("objects")
        .join(&old[0].1[..2])
        .join(&old[0].1[2..4])
        .join(&old[0].1);
    assert_eq!(
        std::fs::read(old_object).unwrap(),
        std::fs::read(real_corpus().join("viet.tif")).unwrap()
    );

    // The touched file is not re-hashed a third time: its new time was remembered.
    let third = place.run(&["run", "--json", "--quiet"], LIMIT);
    assert_eq!(json(&third)["files"]["unchanged"], 2);
}

#[test]
fn ctrl_c_stops_cleanly_and_the_next_run_finishes() {
    let src = tempfile::tempdir().unwrap();
    for (i, name) in [
        "phototest.tif",
        "eurotext.tif",
        "total-pages-zero.tif",
        "viet.tif",
        "linn.png",
    ]
    .iter()
    .enumerate()
    {
        std::fs::create_dir(src.path().join(format!("HS-{i}"))).unwrap();
        copy(name, &src.path().join(format!("HS-{i}/{name}")));
    }
    let reference = Workplace::new(&[Collection {
        id: "cu-tru",
        source: src.path(),
        layout: "folder",
        target: 5,
    }]);
    assert_eq!(
        reference.run(&["run", "--quiet"], LIMIT).status.code(),
        Some(0)
    );

    let place = Workplace::new(&[Collection {
        id: "cu-tru",
        source: src.path(),
        layout: "folder",
        target: 5,
    }]);
    let child = place
        .command(&["run", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Interrupt as soon as the first object is being written.
    let start = Instant::now();
    while start.elapsed() < LIMIT
        && std::fs::read_dir(place.archive().join("objects"))
            .map_or(true, |mut d| d.next().is_none())
    {
        std::thread::sleep(Duration::from_millis(5));
    }
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = common::wait_with_limit(child, LIMIT);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let summary = json(&out);
    assert_eq!(summary["interrupted"], true, "{summary}");
    assert!(
        summary["collections"][0]["digitised"].as_u64().unwrap() < 5,
        "{summary}"
    );

    let again = place.run(&["run", "--json", "--quiet"], LIMIT);
    assert_eq!(again.status.code(), Some(0), "{}", describe(&again));
    assert_eq!(json(&again)["collections"][0]["digitised"], 5);
    assert_eq!(snapshot(&place.catalog()), snapshot(&reference.catalog()));
    let statuses = place.batch_statuses();
    assert_eq!(statuses, ["interrupted", "finished"]);
}
