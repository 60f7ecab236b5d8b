//! `sohoa report` over a fixed catalog: the bundled fixtures digitised by the real binary in
//! two batches (two centres, two operators), then the days their files were recorded set to
//! fixed dates so the figures do not depend on when the test runs. Text, JSON and CSV are
//! compared with snapshots under `tests/snapshots/report/` (the generation time redacted;
//! `UPDATE_SNAPSHOTS=1` rewrites them after a deliberate change). The HTML page is opened in
//! headless Chromium: its screenshot must not be blank and its text must hold the figures.

mod common;

use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

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

/// The JSON with its generation time replaced, the one field that changes run to run.
fn redacted_json(text: &str) -> String {
    let mut value: serde_json::Value = serde_json::from_str(text).expect("JSON");
    assert!(value["generated_at"]
        .as_str()
        .is_some_and(|t| t.ends_with('Z')));
    value["generated_at"] = "[generated_at]".into();
    serde_json::to_string_pretty(&value).unwrap() + "\n"
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
    assert_snapshot("batch.en.csv", &redact_batches(&csv));
}

/// Batch uuids are generated per run; keep only that there are two distinct ones.
fn redact_batches(csv: &str) -> String {
    let mut uuids: Vec<&str> = Vec::new();
    let lines: Vec<String> = csv
        .lines()
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            match cells.get(1) {
                Some(uuid) if uuid.len() == 36 => {
                    if !uuids.contains(uuid) {
                        uuids.push(uuid);
                    }
                    let n = uuids.iter().position(|u| u == uuid).unwrap();
                    line.replace(uuid, &format!("[batch {n}]"))
                }
                _ => line.to_string(),
            }
        })
        .collect();
    lines.join("\r\n") + "\r\n"
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
    assert_eq!(whole["schema_version"], 1);
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

/// Run Debian's Chromium headless on a page; returns its stdout.
fn chromium(work: &Path, args: &[&str], page: &Path) -> Vec<u8> {
    let profile = tempfile::tempdir_in(work).unwrap();
    let child = std::process::Command::new("/usr/bin/chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1240,1754",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("/usr/bin/chromium: install it with scripts/setup");
    let out = common::wait_with_limit(child, Duration::from_secs(120));
    assert!(out.status.success(), "chromium: {}", describe(&out));
    out.stdout
}

/// Share of pixels that are not near-white.
fn ink_fraction(png: &Path) -> f64 {
    let img = image::open(png).expect("decode screenshot").to_rgb8();
    let ink = img
        .pixels()
        .filter(|p| p.0.iter().any(|&v| v < 230))
        .count();
    ink as f64 / (img.width() * img.height()) as f64
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
