//! `sohoa report` over a fixed catalog: the bundled fixtures digitised by the real binary in
//! two batches (two centres, two operators), then the days their files were recorded set to
//! fixed dates so the figures do not depend on when the test runs. Text, JSON and CSV are
//! compared with snapshots under `tests/snapshots/report/` (the generation time redacted;
//! `UPDATE_SNAPSHOTS=1` rewrites them after a deliberate change). The HTML page is opened in
//! headless Chromium: its screenshot must not be blank and its text must hold the figures.

mod browser;
mod common;
mod spreadsheet;

use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

use browser::{chromium, ink_fraction};

use common::{describe, fixtures, json, Workplace};

const LIMIT: Duration = Duration::from_secs(300);
const TODAY: &str = "2026-11-20";

const CONFIG: &str = r#"lang = "vi"
[archive]
path = "archive"
[ocr]
languages = ["vie"]
workers = 2
[[collection]]
id = "cu-tru"
name = "Hồ sơ cư trú"
source = "SCANS/cu-tru"
target = 11
page_target = 30
deadline = "2026-12-31"
[collection.centres]
"Điểm 1" = 6
"Điểm 3" = 2
[[collection]]
id = "ket-qua"
name = "Kết quả giải quyết TTHC"
source = "SCANS/ket-qua"
layout = "file"
target = 4
deadline = "2026-11-19"
"#;

/// The fixed catalog, built once for all tests of this file.
fn place() -> &'static Workplace {
    static PLACE: OnceLock<Workplace> = OnceLock::new();
    PLACE.get_or_init(|| {
        // A static is never dropped, so not a self-deleting temporary folder: a fixed one
        // under the target folder, emptied first.
        let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-fixed-catalog");
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).expect("work folder");
        let place = Workplace {
            dir: tempfile::tempdir_in(&root).expect("temp dir"),
        };
        let scans = fixtures().join("scans");
        let config = CONFIG.replace("SCANS", &scans.display().to_string());
        std::fs::write(place.path().join("pipeline.toml"), config).expect("config");
        for (collection, operator, centre) in [
            ("cu-tru", "Nguyễn Thị Hoa", "Điểm 1"),
            ("ket-qua", "Trần Văn Nam", "Điểm 2"),
        ] {
            let args = [
                "run",
                collection,
                "--quiet",
                "--operator",
                operator,
                "--centre",
                centre,
            ];
            let out = place.run(&args, LIMIT);
            assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
        }
        // Spread the files over three days, by dossier, as a week of work would.
        place
            .catalog()
            .execute_batch(
                "UPDATE file SET recorded_at =
                     printf('2026-11-%02dT09:30:00.000Z', 16 + dossier_id % 3);",
            )
            .expect("fix the days");
        place
    })
}

fn report(args: &[&str]) -> String {
    let mut all = vec!["report", "--today", TODAY];
    all.extend_from_slice(args);
    let out = place().run(&all, LIMIT);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    String::from_utf8(out.stdout).expect("UTF-8")
}

fn assert_snapshot(name: &str, actual: &str) {
    common::assert_snapshot("report", name, actual);
}

fn redacted_json(text: &str) -> String {
    common::redact_generated_at(text)
}

#[test]
fn text_json_and_csv_match_their_snapshots() {
    assert_snapshot("collection.vi.txt", &report(&[]));
    assert_snapshot(
        "centre.en.txt",
        &report(&["--lang", "en", "--by", "centre"]),
    );
    let json = report(&["--format", "json", "--by", "operator"]);
    assert_snapshot("operator.json", &redacted_json(&json));
    let csv = report(&["--format", "csv", "--by", "day"]);
    assert!(csv.starts_with('\u{feff}'), "CSV must start with a BOM");
    assert_snapshot("day.vi.csv", &csv);
    let csv = report(&["--format", "csv", "--lang", "en", "--by", "batch"]);
    assert_snapshot("batch.en.csv", &csv);
}

/// One batch identifier everywhere: the number `report --by batch` lists is the one
/// `export bagit --batch` takes.
#[test]
fn batches_are_listed_by_the_number_export_takes() {
    let by_batch = json_report(&["--by", "batch"]);
    let keys: Vec<&str> = by_batch["collections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["groups"].as_array().unwrap())
        .map(|g| g["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["1", "2"], "the fixed catalog's two runs");
    let dir = tempfile::tempdir().unwrap();
    let bag = |name: &str, batch: &[&str]| {
        let out = dir.path().join(name).display().to_string();
        let mut args = vec!["export", "bagit", "--collection", "ket-qua", "--json", &out];
        args.extend_from_slice(batch);
        place().run(&args, LIMIT)
    };
    // Batch 2 recorded every file of ket-qua: its bag is the whole collection's.
    let (whole, second) = (json(&bag("all", &[])), json(&bag("two", &["--batch", "2"])));
    assert_eq!(second["batch"], "2");
    assert_eq!(second["files"], whole["files"], "{second}");
    let out = bag("seven", &["--batch", "7"]);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("\"7\""));
}

#[test]
fn groups_add_up_and_the_window_filters_by_day() {
    let whole = json_report(&["--by", "day"]);
    let c = &whole["collections"][0];
    let sum = |key: &str| -> u64 {
        c["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["counts"][key].as_u64().unwrap())
            .sum()
    };
    for key in ["digitised", "failed", "seen", "pages"] {
        assert_eq!(sum(key), c["counts"][key].as_u64().unwrap(), "{key}");
    }
    let day = c["groups"][1]["key"].as_str().unwrap().to_string();
    let one = json_report(&["--by", "day", "--since", &day, "--until", &day]);
    let one = &one["collections"][0];
    assert_eq!(one["groups"].as_array().unwrap().len(), 1);
    assert_eq!(one["counts"], c["groups"][1]["counts"]);
    assert_eq!(whole["schema_version"], 2);
    let short = json(&place().run(
        &["report", "--today", TODAY, "--json", "--by", "day"],
        LIMIT,
    ));
    assert_eq!(
        short["collections"], whole["collections"],
        "--json is --format json"
    );
}

fn json_report(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["report", "--today", TODAY, "--format", "json"];
    all.extend_from_slice(args);
    json(&place().run(&all, LIMIT))
}

#[test]
fn the_html_page_renders_in_a_headless_browser_with_the_figures() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    let page_arg = page.display().to_string();
    report(&["--format", "html", "--output", &page_arg]);
    let html = std::fs::read_to_string(&page).unwrap();
    for external in ["<script", "http://", "https://", "@import", "url("] {
        let outside_svg_ns = html.replace("http://www.w3.org/2000/svg", "");
        assert!(!outside_svg_ns.contains(external), "HTML holds {external}");
    }
    let png = dir.path().join("report.png");
    chromium(
        dir.path(),
        &[&format!("--screenshot={}", png.display())],
        &page,
    );
    let ink = ink_fraction(&png);
    assert!(ink > 0.01, "screenshot is blank: {ink} of pixels not white");
    let text = String::from_utf8(chromium(dir.path(), &["--dump-dom"], &page)).unwrap();
    let figures = json_report(&[]);
    for c in figures["collections"].as_array().unwrap() {
        let (digitised, target) = (c["counts"]["digitised"].as_u64(), c["target"].as_u64());
        let percent = format!("{:.2}", c["percent"].as_f64().unwrap()).replace('.', ",");
        let headline = format!(
            "{}: đã số hóa {}/{} hồ sơ ({percent}%)",
            c["name"].as_str().unwrap(),
            digitised.unwrap(),
            target.unwrap()
        );
        assert!(text.contains(&headline), "{headline} not in the page");
        for g in c["centres"].as_array().unwrap() {
            assert!(text.contains(g["key"].as_str().unwrap_or("(không rõ)")));
        }
    }
    assert!(
        text.contains("<svg") && text.contains("polyline"),
        "no chart"
    );
}

/// The HTML page with one day of data and with three, the time it was made redacted.
#[test]
fn the_html_page_matches_its_snapshots_with_one_day_and_many() {
    for (name, args) in [
        ("days.vi.html", &["--format", "html"][..]),
        (
            "one-day.en.html",
            &["--format", "html", "--lang", "en", "--since", "2026-11-18"],
        ),
    ] {
        let html = report(args);
        let redacted: Vec<&str> = html
            .lines()
            .map(|line| match line.starts_with("<div class=\"meta\">") {
                true => "<div class=\"meta\">[as of, generated]</div>",
                false => line,
            })
            .collect();
        assert_snapshot(name, &(redacted.join("\n") + "\n"));
    }
}

/// The page laid out by the browser with many days of data, one day, and none: every chart
/// fills the page's width, its labels are all drawn inside it and none lies on another,
/// and any progress at all shows as a bar.
#[test]
fn chart_labels_never_overlap_with_many_days_one_day_or_none() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [&[&str]; 4] = [
        &["--today", TODAY],
        &["--today", TODAY, "--lang", "en", "--since", "2026-11-18"],
        &["--today", "2026-12-30", "--since", "18/11/2026"],
        &["--today", TODAY, "--lang", "en", "--since", "2026-11-19"],
    ];
    for (i, args) in cases.iter().enumerate() {
        let page = dir.path().join(format!("report-{i}.html"));
        let page_arg = page.display().to_string();
        let mut all = vec!["report", "--format", "html", "--output", &page_arg];
        all.extend_from_slice(args);
        let out = place().run(&all, LIMIT);
        assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
        let layout = browser::layout(dir.path(), &page);
        assert_eq!(layout.charts.len(), 2, "{args:?}: one chart per collection");
        for chart in &layout.charts {
            assert!(
                chart.frame.width() > 1000.0,
                "{args:?}: chart {:?}",
                chart.frame
            );
            assert!(chart.labels.len() >= 6, "{args:?}: {:?}", chart.labels);
            for (n, a) in chart.labels.iter().enumerate() {
                assert!(a.width() > 0.0 && a.inside(&chart.frame), "{args:?}: {a:?}");
                for b in &chart.labels[n + 1..] {
                    assert!(!a.overlaps(b), "{args:?}: {a:?} overlaps {b:?}");
                }
            }
        }
        for bar in layout.bars.iter().filter(|b| b.text == "some") {
            assert!(bar.width() >= 3.0, "{args:?}: progress bar {bar:?}");
        }
    }
}

/// The CSV as LibreOffice Calc opens it, Vietnamese in a Vietnamese Calc and English in an
/// English one: one column per CSV column, Vietnamese letters intact, counts and percents
/// as numbers, days as dates.
#[test]
fn csv_opens_in_calc_with_its_numbers_dates_and_letters() {
    let dir = tempfile::tempdir().unwrap();
    for (lang, locale) in [("vi", "vi-VN"), ("en", "en-US")] {
        for by in ["centre", "day"] {
            let csv = report(&["--format", "csv", "--lang", lang, "--by", by]);
            let path = dir.path().join(format!("{lang}-{by}.csv"));
            std::fs::write(&path, &csv).unwrap();
            let sheet = spreadsheet::open_in_calc(dir.path(), &path, locale);
            let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
            assert_eq!(sheet.len(), lines.len(), "{lang} {by}: {sheet:?}");
            for (line, row) in lines.iter().zip(&sheet) {
                let cells = spreadsheet::csv_cells(line);
                let mut row = row.clone();
                row.resize(cells.len(), spreadsheet::Cell::Empty);
                let want: Vec<_> = cells
                    .iter()
                    .map(|c| spreadsheet::expected(c, lang))
                    .collect();
                assert_eq!(row, want, "{lang} {by} in {locale}: {line}");
            }
            let numbers = sheet
                .iter()
                .flatten()
                .filter(|c| matches!(c, spreadsheet::Cell::Number(n) if n.fract() != 0.0));
            assert!(
                by != "centre" || numbers.count() > 0,
                "{lang}: no percent read as a number"
            );
        }
    }
}

#[test]
fn bad_targets_exit_2_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("pipeline.toml");
    std::fs::write(
        &config,
        "[archive]\npath = \"a\"\n[[collection]]\nid = \"x\"\nsource = \"s\"\ntarget = 5\npage_target = 0\n",
    )
    .unwrap();
    let report = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_sohoa"))
            .current_dir(dir.path())
            .arg("report")
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let err = report(&["--lang", "en"]);
    assert!(
        err.contains("pipeline.toml") && err.contains("line 7") && err.contains("page_target"),
        "{err}"
    );
    // Vietnamese when the config names no language.
    let err = report(&[]);
    assert!(
        err.contains("pipeline.toml") && err.contains("dòng 7") && err.contains("page_target"),
        "{err}"
    );
}

#[test]
fn without_an_archive_it_exits_3() {
    let scans = tempfile::tempdir().unwrap();
    let place = Workplace::new(&[common::Collection {
        id: "cu-tru",
        source: scans.path(),
        layout: "folder",
        target: 3,
    }]);
    let out = place.run(&["report"], LIMIT);
    assert_eq!(out.status.code(), Some(3), "{}", describe(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("catalog"));
}

#[test]
fn days_are_taken_as_written_in_either_language_and_csv_columns_are_distinct() {
    let iso = report(&["--since", "2026-11-01", "--until", "2026-11-30", "--json"]);
    let vi = report(&["--since", "01/11/2026", "--until", "30/11/2026", "--json"]);
    assert_eq!(redacted_json(&iso), redacted_json(&vi));
    // A month stands for its days, as `search --born` takes it, in either way of writing.
    let month = report(&["--since", "2026-11", "--until", "11/2026", "--json"]);
    assert_eq!(redacted_json(&month), redacted_json(&iso));
    let year = report(&["--since", "2026", "--until", "2026", "--json"]);
    let collections =
        |t: &str| serde_json::from_str::<serde_json::Value>(t).unwrap()["collections"].clone();
    assert_eq!(collections(&year), collections(&iso));
    let out = place().run(&["report", "--since", "11/2026x"], LIMIT);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));

    // One way of writing days per language in what people read.
    let vi = report(&["--by", "day"]);
    assert!(
        vi.contains("16/11/2026") && !vi.contains("2026-11-16"),
        "{vi}"
    );
    let en = report(&["--by", "day", "--lang", "en"]);
    assert!(
        en.contains("2026-11-16") && !en.contains("16/11/2026"),
        "{en}"
    );

    let csv = report(&["--format", "csv"]);
    let header: Vec<&str> = csv
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap()
        .split(',')
        .collect();
    let mut distinct = header.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), header.len(), "{header:?}");
}
