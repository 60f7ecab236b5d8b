//! A supervisor's worklists: `sohoa report --list failed|review` names which files failed and
//! which pages need review, with the reason, operator, centre and day, in every format; the
//! HTML report carries both lists as sections.

mod common;

use std::path::Path;
use std::time::Duration;

use common::{describe, fixtures, real_corpus, Collection, Workplace};

const LIMIT: Duration = Duration::from_secs(300);

/// One run over two dossiers: HS-1 holds two broken files, HS-2 a good page and a 150 ppi
/// scan that is flagged `low-dpi`.
fn archived() -> (tempfile::TempDir, Workplace) {
    let scans = tempfile::tempdir().unwrap();
    let copy = |from: &Path, to: &str| {
        let to = scans.path().join(to);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(from, to).unwrap();
    };
    copy(&fixtures().join("bad/truncated.jpg"), "HS-1/trang-1.jpg");
    copy(&fixtures().join("bad/ghi-chu.tif"), "HS-1/trang-2.tif");
    copy(&real_corpus().join("viet.tif"), "HS-2/trang-1.tif");
    copy(&real_corpus().join("c02-22.pdf"), "HS-2/trang-2.pdf");
    let place = Workplace::new(&[Collection {
        id: "cu-tru",
        source: scans.path(),
        layout: "folder",
        target: 10,
    }]);
    let out = place.run(
        &["run", "--quiet", "--operator", "Hoa", "--centre", "Điểm 1"],
        LIMIT,
    );
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    (scans, place)
}

fn report(place: &Workplace, args: &[&str]) -> String {
    let mut all = vec!["report"];
    all.extend_from_slice(args);
    let out = place.run(&all, LIMIT);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    String::from_utf8(out.stdout).unwrap()
}

/// The output with the day of the run replaced, in both of its written forms.
fn redacted(text: &str) -> String {
    let today = chrono::Utc::now().date_naive();
    text.replace(&today.format("%d/%m/%Y").to_string(), "[day]")
        .replace(&today.format("%Y-%m-%d").to_string(), "[day]")
}

fn assert_snapshot(name: &str, actual: &str) {
    common::assert_snapshot("worklist", name, actual);
}

#[test]
fn worklists_name_each_failed_file_and_flagged_page_in_every_format() {
    let (_scans, place) = archived();

    let failed = report(&place, &["--list", "failed", "--lang", "vi"]);
    assert!(failed.contains("HS-1/trang-1.jpg") && failed.contains("truncated"));
    assert!(failed.contains("not-an-image") && failed.contains("Hoa"));
    assert!(!failed.contains("HS-2"), "{failed}");
    assert_snapshot("failed.vi.txt", &redacted(&failed));

    let review = report(&place, &["--list", "review", "--lang", "en"]);
    // The flags a page gets depend on how it reads, so this list is checked, not snapshot.
    assert!(review.starts_with("Pages to review (1)\n"), "{review}");
    assert!(review.contains("HS-2/trang-2.pdf") && review.contains("low-dpi"));

    let csv = report(
        &place,
        &["--list", "failed", "--format", "csv", "--lang", "vi"],
    );
    assert!(csv.starts_with('\u{feff}'));
    assert_eq!(csv.lines().count(), 3, "{csv}");
    assert_snapshot("failed.vi.csv", &redacted(&csv));

    let json: serde_json::Value =
        serde_json::from_str(&report(&place, &["--list", "review", "--json"])).unwrap();
    assert_eq!(json["list"], "review");
    let items = json["collections"][0]["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{json}");
    assert_eq!(items[0]["dossier"], "HS-2");
    assert_eq!(items[0]["page"], 1);
    assert_eq!(items[0]["centre"], "Điểm 1");
    assert!(items[0]["reason"].as_str().unwrap().contains("low-dpi"));

    // The failed list in the two remaining formats, snapshot too: JSON with the time it
    // was made left out, and the HTML page of that list alone.
    let json = common::redact_generated_at(&report(&place, &["--list", "failed", "--json"]));
    assert_snapshot("failed.json", &redacted(&json));
    let page = report(
        &place,
        &["--list", "failed", "--format", "html", "--lang", "en"],
    );
    // The list's section: the collections' figures above it change with the day.
    let heading = page.find("<h2>Failed files").expect("the list's heading");
    let section = &page[page[..heading].rfind("<section>").unwrap()..];
    assert_snapshot("failed.en.html", &redacted(section));

    let html = report(&place, &["--format", "html", "--lang", "vi"]);
    for part in [
        "<caption>Tệp lỗi</caption>",
        "HS-1/trang-2.tif",
        "HS-2/trang-2.pdf",
    ] {
        assert!(html.contains(part), "the HTML report lacks {part}");
    }
}
