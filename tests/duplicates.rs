//! One fixture page copied into two dossiers: its bytes are stored once, one copy is flagged
//! `duplicate` naming the other place, its dossier needs review, and `show`, every format of
//! `report` and `search --duplicates` say so; a re-run finds nothing new and no file is a
//! duplicate of itself.

mod common;

use std::process::Output;
use std::time::Duration;

use common::{describe, fixtures, json, Collection, Workplace};

const LIMIT: Duration = Duration::from_secs(300);
const PAGE: &str = "scans/cu-tru/CT-2023-0007/trang-1.tif";

fn ok(out: Output) -> Output {
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    out
}

fn text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_page_filed_in_two_dossiers_is_stored_once_and_flagged_with_the_other_place() {
    let src = tempfile::tempdir().unwrap();
    for dossier in ["HS-A", "HS-B"] {
        std::fs::create_dir(src.path().join(dossier)).unwrap();
        let to = src.path().join(dossier).join("trang-1.tif");
        std::fs::copy(fixtures().join(PAGE), to).unwrap();
    }
    let place = Workplace::new(&[Collection {
        id: "cu-tru",
        source: src.path(),
        layout: "folder",
        target: 2,
    }]);
    let first = ok(place.run(&["run", "--json", "--quiet"], LIMIT));
    assert_eq!(json(&first)["collections"][0]["needs_review"], 1);
    let objects = walkdir::WalkDir::new(place.archive().join("objects"))
        .into_iter()
        .filter(|e| e.as_ref().is_ok_and(|e| e.file_type().is_file()))
        .count();
    assert_eq!(objects, 1, "the bytes are stored once");

    // Which copy was recorded second depends on the workers; every listing names both.
    let listed = json(&ok(place.run(&["search", "--duplicates", "--json"], LIMIT)));
    let rows = listed.as_array().expect("array");
    assert_eq!(rows.len(), 1, "{listed}");
    let dup = rows[0]["dossier"].as_str().unwrap().to_string();
    let of = rows[0]["duplicate_of"]["dossier"]
        .as_str()
        .unwrap()
        .to_string();
    let mut both = [dup.clone(), of.clone()];
    both.sort();
    assert_eq!(both, ["HS-A", "HS-B"]);
    assert_eq!(rows[0]["duplicate_of"]["file"], format!("{of}/trang-1.tif"));
    let listing = text(&ok(place.run(&["search", "--duplicates"], LIMIT)));
    assert!(listing.contains("HS-A/trang-1.tif"), "{listing}");
    assert!(listing.contains("HS-B/trang-1.tif"), "{listing}");

    let shown = json(&ok(place.run(&["show", &dup, "--json"], LIMIT)));
    let page = &shown["pages"][0];
    assert!(
        page["flags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "duplicate"),
        "{shown}"
    );
    assert_eq!(page["duplicate_of"]["dossier"], of.as_str());
    let shown = text(&ok(place.run(&["show", &dup], LIMIT)));
    assert!(
        shown.contains(&format!("same as cu-tru {of} ({of}/trang-1.tif)")),
        "{shown}"
    );
    let original = json(&ok(place.run(&["show", &of, "--json"], LIMIT)));
    assert!(original["pages"][0]["duplicate_of"].is_null(), "{original}");

    let report = json(&ok(place.run(&["report", "--json"], LIMIT)));
    let counts = &report["collections"][0]["counts"];
    assert_eq!(
        (&counts["duplicates"], &counts["needs_review"]),
        (&1.into(), &1.into())
    );
    let report = text(&ok(place.run(&["report"], LIMIT)));
    assert!(report.contains("duplicates 1"), "{report}");
    let csv = text(&ok(place.run(&["report", "--format", "csv"], LIMIT)));
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].ends_with(",Duplicates"), "{csv}");
    assert!(lines[1].ends_with(",1"), "{csv}");
    let html = text(&ok(place.run(&["report", "--format", "html"], LIMIT)));
    assert!(
        html.contains("Duplicates"),
        "the HTML report has no duplicates card"
    );

    // Re-running reads nothing again, and nothing becomes a duplicate of itself.
    let again = ok(place.run(&["run", "--json", "--quiet"], LIMIT));
    assert_eq!(json(&again)["files"]["unchanged"], 2);
    let listed = json(&ok(place.run(&["search", "--duplicates", "--json"], LIMIT)));
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
}
