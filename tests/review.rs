//! The review station (`sohoa review`) driven as an operator drives it: the real binary over
//! an archive of a bundled fixture dossier, Debian's headless Chromium through chromedriver
//! typing into the page. A name and an ID number corrected with the keyboard must reach the
//! catalog, `sohoa search`, `sohoa export records` and `sohoa show`; a word of the page's
//! text corrected with the keyboard must reach `search`, `export text` and `show` with its
//! history; the dossier must leave the queue as done; `sohoa verify` must pass, and fail
//! once the text's correction is edited behind sohoa's back. Requests without the token are refused, no path from a request reaches a
//! file, and a `sohoa run` into the same archive works while the station serves.

mod common;
#[path = "browser/webdriver.rs"]
mod webdriver;

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::{copy_tree, cu_tru_dossiers, describe, fixtures, search_hits, Collection, Workplace};
use webdriver::{http, Browser, ALT, CONTROL, ENTER, HOME, RELEASE, RIGHT, SHIFT};

const LIMIT: Duration = Duration::from_secs(300);
const QUICK: Duration = Duration::from_secs(60);
const REVIEWER: &str = "Lê Thị Duyệt";
const NAME: &str = "Lý Văn Đạt";
const ID: &str = "001074914199";
/// The word put in place of the first word of the form page's text.
const WORD: &str = "Phượngvĩ";

/// An archive of CT-2023-0001 (a CT01 form and a second page), every page flagged: the
/// confidence threshold is above any reading.
fn archived() -> (Workplace, tempfile::TempDir) {
    let source = cu_tru_dossiers(&["CT-2023-0001"]);
    let place = Workplace::new(&[Collection {
        id: "cu-tru",
        source: source.path(),
        layout: "folder",
        target: 2,
    }]);
    let config = place.path().join("pipeline.toml");
    let toml = std::fs::read_to_string(&config).expect("config");
    std::fs::write(
        &config,
        toml.replace("workers = 2\n", "workers = 2\nmin_confidence = 99\n"),
    )
    .expect("config");
    let out = place.run(&["run", "--quiet"], LIMIT);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    (place, source)
}

/// A running station and the port and token of the address it printed.
struct Station {
    child: Child,
    port: u16,
    token: String,
    url: String,
}

impl Station {
    fn start(place: &Workplace) -> Station {
        let mut child = place
            .command(&["review", "--operator", REVIEWER])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn sohoa review");
        let mut line = String::new();
        let stdout = child.stdout.take().expect("stdout");
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the address");
        let url = line.trim().to_string();
        let rest = url
            .strip_prefix("http://127.0.0.1:")
            .unwrap_or_else(|| panic!("address {url:?}"));
        let (port, token) = rest.split_once("/?token=").expect("token in the address");
        Station {
            port: port.parse().expect("port"),
            token: token.to_string(),
            url: url.clone(),
            child,
        }
    }

    fn get(&self, path: &str, with_token: bool) -> (u16, Vec<u8>) {
        let cookie = format!("sohoa_review={}", self.token);
        let headers: Vec<(&str, &str)> = if with_token {
            vec![("Cookie", &cookie)]
        } else {
            vec![]
        };
        http(self.port, "GET", path, &headers, "")
    }
}

impl Drop for Station {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn reviews(place: &Workplace) -> i64 {
    place
        .catalog()
        .query_row("SELECT count(*) FROM review", [], |r| r.get(0))
        .expect("count reviews")
}

/// Wait until the catalog holds `n` decisions.
fn wait_for_reviews(place: &Workplace, n: i64) {
    let start = Instant::now();
    while reviews(place) < n {
        assert!(
            start.elapsed() < QUICK,
            "{} of {n} decisions recorded",
            reviews(place)
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Replace the value of the input for form value `name` by `value`, with the keyboard.
fn retype(browser: &Browser, name: &str, value: &str) {
    let input = browser.find(&format!("input[data-name=\"{name}\"]"));
    browser.click(&input);
    browser.keys(&input, &format!("{CONTROL}a{RELEASE}{value}{ENTER}"));
}

/// The form page's text as read, and that text with its first word replaced by [`WORD`]
/// with the keyboard: the text focused (Alt+T), the caret at its start, the word selected
/// letter by letter, the new one typed over it, Ctrl+S.
fn correct_first_word(place: &Workplace, browser: &Browser) -> String {
    let read: String = place
        .catalog()
        .query_row(
            "SELECT p.text FROM page p JOIN file f ON f.id = p.file_id
             JOIN page_form_field v ON v.page_id = p.id
             WHERE v.name = 'name' AND f.rel_path LIKE 'CT-2023-0001/%'",
            [],
            |r| r.get(0),
        )
        .expect("the form page's text");
    let start = read.len() - read.trim_start().len();
    let first = read[start..]
        .split_whitespace()
        .next()
        .expect("a first word");
    assert!(
        read[..start + first.len()]
            .chars()
            .all(|c| !('\u{300}'..='\u{36f}').contains(&c)),
        "one caret step a letter: {first:?}"
    );
    let text = browser.find("#text");
    let mut keys = format!("{ALT}t{RELEASE}{CONTROL}{HOME}{RELEASE}");
    keys.push_str(&RIGHT.repeat(read[..start].chars().count()));
    keys.push_str(SHIFT);
    keys.push_str(&RIGHT.repeat(first.chars().count()));
    keys.push_str(&format!("{RELEASE}{WORD}{CONTROL}s{RELEASE}"));
    browser.keys(&text, &keys);
    format!("{}{WORD}{}", &read[..start], &read[start + first.len()..])
}

#[test]
fn an_operator_corrects_a_name_and_an_id_with_the_keyboard() {
    let (place, source) = archived();
    let station = Station::start(&place);

    let browser = Browser::start();
    browser.open(&station.url);
    // Another dossier arrives and a batch runs while the station serves and records.
    copy_tree(
        &fixtures().join("scans/cu-tru/CT-2023-0004"),
        &source.path().join("CT-2023-0004"),
    );
    let batch = place
        .command(&["run", "--quiet"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run");
    retype(&browser, "name", NAME);
    wait_for_reviews(&place, 1);
    retype(&browser, "id_number", ID);
    wait_for_reviews(&place, 2);
    let corrected = correct_first_word(&place, &browser);
    wait_for_reviews(&place, 3);
    let shot = place.path().join("review.png");
    std::fs::write(&shot, browser.screenshot()).expect("write screenshot");
    let ink = ink_fraction(&shot);
    assert!(ink > 0.05, "the page looks blank: {ink}");
    if std::env::var_os("UPDATE_SCREENSHOT").is_some() {
        std::fs::copy(&shot, common::repo().join("docs/review.png")).expect("keep screenshot");
    }
    let done = browser.find("#done");
    browser.keys(&done, &format!("{CONTROL}{ENTER}{RELEASE}"));

    let out = common::wait_with_limit(batch, LIMIT);
    assert_eq!(
        out.status.code(),
        Some(0),
        "a run beside the station: {}",
        describe(&out)
    );

    let conn = place.catalog();
    let (value, reviewer): (String, String) = conn
        .query_row(
            "SELECT r.value, r.reviewer FROM review r JOIN page_form_field v ON v.id = r.field_id
             WHERE v.name = 'id_number' AND r.action = 'correct'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("the ID correction");
    assert_eq!((value.as_str(), reviewer.as_str()), (ID, REVIEWER));
    let start = Instant::now();
    let cleared = || -> i64 {
        conn.query_row(
            "SELECT count(*) FROM review WHERE action = 'clear'",
            [],
            |r| r.get(0),
        )
        .expect("count")
    };
    while cleared() < 1 {
        assert!(start.elapsed() < QUICK, "the page was never cleared");
        std::thread::sleep(Duration::from_millis(100));
    }

    let out = place.run(&["search", "--id", ID, "--json"], QUICK);
    let hits = search_hits(&out);
    assert!(
        hits.iter().any(|h| h["dossier"] == "CT-2023-0001"),
        "{}",
        describe(&out)
    );
    let out = place.run(&["search", "--name", "ly van dat", "--json"], QUICK);
    assert!(
        search_hits(&out)
            .iter()
            .any(|h| h["dossier"] == "CT-2023-0001"),
        "{}",
        describe(&out)
    );

    let records = place.path().join("records.jsonl");
    let out = place.run(
        &["export", "records", records.to_str().expect("path")],
        QUICK,
    );
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let records = std::fs::read_to_string(&records).expect("records");
    assert!(records.contains(NAME) && records.contains(ID), "{records}");
    assert!(
        !records.contains("001074914166"),
        "the reading is replaced in the export"
    );

    let out = place.run(&["show", "CT-2023-0001"], QUICK);
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.contains(NAME) && shown.contains(REVIEWER),
        "{}",
        describe(&out)
    );

    the_text_correction_is_read_everywhere(&place, &corrected);

    let out = place.run(&["verify", "--quiet"], LIMIT);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    drop(station);

    // An edit behind sohoa's back: the trigger dropped, the corrected text rewritten.
    conn.execute_batch(
        "DROP TRIGGER review_append_only_update;
         UPDATE review SET value = replace(value, 'Phượngvĩ', 'Khác') WHERE action = 'text';",
    )
    .expect("tamper");
    let out = place.run(&["verify", "--quiet"], LIMIT);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("review-altered"),
        "{}",
        describe(&out)
    );
}

/// The corrected text, whole, is the catalog's decision and what `search`, `export text`
/// and `show` give, and `show` lists it in the dossier's history.
fn the_text_correction_is_read_everywhere(place: &Workplace, corrected: &str) {
    let (value, reviewer): (String, String) = place
        .catalog()
        .query_row(
            "SELECT value, reviewer FROM review WHERE action = 'text'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("the text correction");
    assert_eq!((value.as_str(), reviewer.as_str()), (corrected, REVIEWER));

    let out = place.run(&["search", "phuongvi", "--json"], QUICK);
    assert!(
        search_hits(&out)
            .iter()
            .any(|h| h["dossier"] == "CT-2023-0001"),
        "{}",
        describe(&out)
    );
    let texts = place.path().join("texts");
    let out = place.run(&["export", "text", texts.to_str().expect("path")], QUICK);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let dossier = texts.join("cu-tru/CT-2023-0001");
    let exported: Vec<String> = std::fs::read_dir(&dossier)
        .expect("exported texts")
        .map(|e| std::fs::read_to_string(e.expect("entry").path()).expect("text"))
        .collect();
    assert!(
        exported.iter().any(|t| t == corrected),
        "{dossier:?}: {exported:?}"
    );

    let out = place.run(&["show", "CT-2023-0001", "--json"], QUICK);
    let shown: serde_json::Value = serde_json::from_slice(&out.stdout).expect("show --json");
    let pages = shown["pages"].as_array().expect("pages");
    let page = pages
        .iter()
        .find(|p| p["text_corrected"] == true)
        .unwrap_or_else(|| panic!("a corrected page: {shown}"));
    let number = page["page"].to_string();
    let out = place.run(&["show", "CT-2023-0001", "--page", &number], QUICK);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim_end(),
        corrected.trim_end(),
        "{}",
        describe(&out)
    );
    let text_reviews: Vec<&serde_json::Value> = shown["reviews"]
        .as_array()
        .expect("reviews")
        .iter()
        .filter(|r| r["action"] == "text")
        .collect();
    assert_eq!(text_reviews.len(), 1, "{shown}");
    assert_eq!(text_reviews[0]["value"], WORD);
    let out = place.run(&["show", "CT-2023-0001", "--lang", "vi"], QUICK);
    let history = String::from_utf8_lossy(&out.stdout);
    assert!(
        history.contains("sửa văn bản: ") && history.contains(&format!("→ {WORD}")),
        "{history}"
    );
}

#[test]
fn the_station_refuses_requests_without_its_token_and_serves_no_paths() {
    let (place, _source) = archived();
    let station = Station::start(&place);
    assert_eq!(station.get("/", false).0, 403);
    assert_eq!(station.get("/api/queue", false).0, 403);
    assert_eq!(
        station
            .get("/?token=0123456789abcdef0123456789abcdef", false)
            .0,
        403
    );
    let page: i64 = place
        .catalog()
        .query_row("SELECT min(id) FROM page", [], |r| r.get(0))
        .expect("a page");
    assert_eq!(station.get(&format!("/image/{page}"), false).0, 403);
    let (status, png) = station.get(&format!("/image/{page}"), true);
    assert_eq!(status, 200);
    assert!(png.starts_with(b"\x89PNG"), "a PNG of the page");
    for path in [
        "/image/../../../../etc/passwd",
        "/image/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/../../etc/passwd",
        "/image/999999",
        "/catalog.sqlite",
    ] {
        let (status, body) = station.get(path, true);
        assert_eq!(status, 404, "{path}: {}", String::from_utf8_lossy(&body));
    }
    // A decision without the page's CSRF token is refused and records nothing.
    let cookie = format!("sohoa_review={}", station.token);
    let body = format!("{{\"page\": {page}, \"action\": \"done\"}}");
    let (status, _) = http(
        station.port,
        "POST",
        "/api/review",
        &[("Cookie", &cookie)],
        &body,
    );
    assert_eq!(status, 403);
    assert_eq!(reviews(&place), 0);
}

/// Share of a screenshot's pixels that are not near-white.
fn ink_fraction(png: &std::path::Path) -> f64 {
    let img = image::open(png).expect("decode screenshot").to_rgb8();
    let ink = img
        .pixels()
        .filter(|p| p.0.iter().any(|&v| v < 230))
        .count();
    ink as f64 / (img.width() * img.height()) as f64
}
