//! The store heals and re-runs settle: a new file whose bytes match an object that rotted in
//! the store repairs it (recorded, reported, and `verify` is clean again), and a file that
//! fails the same way on every run keeps its one version.

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

use common::{describe, fixtures, json, Collection, Workplace};

const LIMIT: Duration = Duration::from_secs(240);

fn place(source: &Path) -> Workplace {
    Workplace::new(&[Collection {
        id: "cu-tru",
        source,
        layout: "folder",
        target: 1,
    }])
}

fn object_of(w: &Workplace, rel_path: &str) -> String {
    w.catalog()
        .query_row(
            "SELECT sha256 FROM file WHERE rel_path = ?1",
            [rel_path],
            |r| r.get(0),
        )
        .expect("file row")
}

#[test]
fn a_corrupt_object_is_repaired_by_a_new_file_with_its_bytes() {
    let source = tempfile::tempdir().unwrap();
    let dossier = source.path().join("HS-1");
    fs::create_dir_all(&dossier).unwrap();
    let page = fixtures().join("scans/cu-tru/CT-2023-0001/trang-1.jpg");
    fs::copy(&page, dossier.join("trang-1.jpg")).unwrap();
    let w = place(source.path());
    let out = w.run(&["run", "--quiet"], LIMIT);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let hex = object_of(&w, "HS-1/trang-1.jpg");
    let object = w
        .archive()
        .join("objects")
        .join(&hex[..2])
        .join(&hex[2..4])
        .join(&hex);
    fs::set_permissions(&object, fs::Permissions::from_mode(0o644)).unwrap();
    let mut rotten = fs::read(&object).unwrap();
    rotten[1000] ^= 0x40;
    fs::write(&object, &rotten).unwrap();
    fs::copy(&page, dossier.join("trang-1-ban-sao.jpg")).unwrap();
    let out = w.run(&["run", "--quiet", "--json"], LIMIT);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a repair needs a look: {}",
        describe(&out)
    );
    let problems = json(&out)["problems"].to_string();
    assert!(
        problems.contains("HS-1/trang-1-ban-sao.jpg")
            && problems.contains(&hex)
            && problems.contains("\"repaired\":true"),
        "{problems}"
    );
    assert_eq!(fs::read(&object).unwrap(), fs::read(&page).unwrap());
    let mode = fs::metadata(&object).unwrap().permissions().mode();
    assert_eq!(mode & 0o222, 0, "the repaired object is read-only");
    let recorded: (String, String) = w
        .catalog()
        .query_row("SELECT sha256, source FROM object_repair", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("one repair recorded");
    assert_eq!(
        recorded,
        (hex, "cu-tru/HS-1/trang-1-ban-sao.jpg".to_string())
    );
    let out = w.run(&["verify", "--quiet"], LIMIT);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    // The repair row is chained like the rest of its batch.
    w.catalog()
        .execute("UPDATE object_repair SET source = 'elsewhere'", [])
        .unwrap();
    let out = w.run(&["verify", "--quiet", "--quick"], LIMIT);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
}

fn versions(w: &Workplace, rel_path: &str) -> i64 {
    w.catalog()
        .query_row(
            "SELECT count(*) FROM file WHERE rel_path = ?1",
            [rel_path],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn files_that_fail_the_same_way_keep_one_version_over_re_runs() {
    let source = tempfile::tempdir().unwrap();
    let dossier = source.path().join("HS-1");
    fs::create_dir_all(&dossier).unwrap();
    fs::copy(fixtures().join("bad/bad-crc.png"), dossier.join("hong.png")).unwrap();
    // Never read (larger than the 2 GiB limit); sparse, so it costs no disk.
    let huge = fs::File::create(dossier.join("qua-lon.png")).unwrap();
    huge.set_len((2 << 30) + 1).unwrap();
    let w = place(source.path());
    for run in 0..3 {
        let out = w.run(&["run", "--quiet", "--json"], LIMIT);
        assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
        if run > 0 {
            assert_eq!(json(&out)["files"]["unchanged"], 2, "{}", describe(&out));
        }
        // A copy that touches the time but not the bytes changes nothing either.
        let t = fs::File::options()
            .append(true)
            .open(dossier.join("hong.png"))
            .unwrap();
        t.set_modified(std::time::SystemTime::now()).unwrap();
    }
    assert_eq!(versions(&w, "HS-1/hong.png"), 1);
    assert_eq!(versions(&w, "HS-1/qua-lon.png"), 1);
}
