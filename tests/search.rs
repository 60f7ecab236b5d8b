//! `sohoa search` and `sohoa show` over an archive built from the bundled fixtures with the
//! real binary (one run shared by every test, as OCR is the slow part): what a person typing
//! a name without marks, an ID number or a remembered phrase gets back, and what a malformed
//! query gets. Expected dossiers are read off the fixtures' ground truth.

mod common;

use std::collections::BTreeSet;
use std::process::Output;
use std::sync::OnceLock;
use std::time::Duration;

use common::{describe, fixtures, json, search_hits, Workplace};

const QUICK: Duration = Duration::from_secs(60);

fn archived() -> &'static Workplace {
    static ONCE: OnceLock<Workplace> = OnceLock::new();
    ONCE.get_or_init(Workplace::fixtures_archived)
}

fn search(place: &Workplace, args: &[&str]) -> Output {
    let mut all = vec!["search", "--json", "--limit", "100"];
    all.extend_from_slice(args);
    place.run(&all, QUICK)
}

/// The dossiers of the results, in result order.
fn dossiers(out: &Output) -> Vec<String> {
    assert_eq!(out.status.code(), Some(0), "{}", describe(out));
    search_hits(out)
        .iter()
        .map(|h| h["dossier"].as_str().expect("dossier").to_string())
        .collect()
}

/// Dossiers whose ground-truth text contains `needle` (NFC, case as written).
fn truth_dossiers(needle: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for entry in walkdir::WalkDir::new(fixtures().join("truth")) {
        let entry = entry.expect("walk");
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        if entry.path().extension().is_some_and(|e| e == "txt") && text.contains(needle) {
            let parent = entry.path().parent().expect("parent");
            out.insert(
                parent
                    .file_name()
                    .expect("name")
                    .to_string_lossy()
                    .into_owned(),
            );
        }
    }
    out
}

#[test]
fn queries_find_what_the_pages_say() {
    let place = archived();
    // (query arguments, a word of the truth every result set must cover, dossiers never found)
    let cases: &[(&[&str], &[&str], &[&str])] = &[
        (&["tran duc luong"], &["TRẦN ĐỨC LƯỢNG"], &["CT-2023-0001"]),
        (&["da nang"], &["Đà Nẵng"], &[]),
        (&["DUONG", "Xuan", "Thuy"], &["đường Xuân Thủy"], &[]),
        (&["--exact", "LƯỢNG"], &["LƯỢNG"], &["CT-2023-0001"]),
        (&["--exact", "Đà Nẵng"], &["Đà Nẵng"], &[]),
        (
            &["\"tran minh luong\""],
            &["TRẦN MINH LƯỢNG"],
            &["CT-2023-0003"],
        ),
        (&["luo*"], &["LƯỢNG"], &[]),
        (&["luong NOT duc"], &["TRẦN MINH LƯỢNG"], &["CT-2023-0003"]),
        (&["thuy OR luong"], &["LƯỢNG", "Xuân Thủy"], &[]),
        (&["Lu\u{31b}o\u{31b}\u{323}ng"], &["LƯỢNG"], &[]),
    ];
    for (args, covers, never) in cases {
        let found: BTreeSet<String> = dossiers(&search(place, args)).into_iter().collect();
        for word in *covers {
            let want = truth_dossiers(word);
            assert!(!want.is_empty(), "{word} is in no fixture");
            assert!(
                want.is_subset(&found),
                "{args:?}: want {want:?} ⊆ {found:?}"
            );
        }
        for d in *never {
            assert!(!found.contains(*d), "{args:?} found {d}: {found:?}");
        }
    }
}

#[test]
fn exact_matching_sees_marks_that_default_matching_ignores() {
    let place = archived();
    let cases: &[(&[&str], bool)] = &[
        (&["luong"], true),
        (&["--exact", "luong"], false),
        (&["--exact", "lượng"], true),
        (&["da nang"], true),
        (&["--exact", "da nang"], false),
        (&["--exact", "đà nẵng"], true),
        (&["\"luong duc tran\""], false),
    ];
    for (args, any) in cases {
        let found = dossiers(&search(place, args));
        assert_eq!(!found.is_empty(), *any, "{args:?}: {found:?}");
    }
}

#[test]
fn results_are_ranked_then_ordered_by_dossier_and_paged() {
    let place = archived();
    let out = search(place, &["duong"]);
    let hits = search_hits(&out);
    assert!(hits.len() > 5, "{}", describe(&out));
    for pair in hits.windows(2) {
        let key = |h: &serde_json::Value| {
            (
                h["rank"].as_f64().expect("rank"),
                h["collection"].to_string(),
                h["dossier"].to_string(),
            )
        };
        let (a, b) = (key(&pair[0]), key(&pair[1]));
        assert!(
            a.0 < b.0 || (a.0 == b.0 && (&a.1, &a.2) <= (&b.1, &b.2)),
            "{a:?} before {b:?}"
        );
    }
    let page = place.run(
        &["search", "--json", "duong", "--offset", "2", "--limit", "3"],
        QUICK,
    );
    assert_eq!(search_hits(&page)[..], hits[2..5]);
    assert_eq!(
        json(&page)["total"],
        json(&out)["total"],
        "the total is over all pages"
    );
    assert_eq!(json(&out)["total"].as_u64(), Some(hits.len() as u64));
    let snippet = hits[0]["snippet"].as_str().expect("snippet");
    assert!(
        snippet.contains("«đường»")
            || snippet.contains("«Đường»")
            || snippet.contains("«ĐƯỜNG»")
            || snippet.contains("«Dương»")
            || snippet.contains("«DƯƠNG»"),
        "{snippet}"
    );
    let only = dossiers(&search(place, &["duong", "--collection", "ket-qua"]));
    assert!(
        !only.is_empty() && only.iter().all(|d| d.starts_with("QD-")),
        "{only:?}"
    );
}

#[test]
fn a_full_page_says_how_many_follow_and_nothing_found_offers_near_words_and_codes() {
    let place = archived();
    let all = json(&search(place, &["duong"]));
    let total = all["total"].as_u64().expect("total");
    assert!(total > 2, "{total}");
    assert_eq!(all["total_exact"], true, "a few pages are all counted");
    let out = place.run(&["search", "duong", "--limit", "2", "--lang", "vi"], QUICK);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("kết quả 1–2 trong {total}; xem tiếp: --offset 2")),
        "{}",
        describe(&out)
    );
    // A typo in a name: the word the pages hold is offered, in JSON too.
    let out = place.run(&["search", "nguyn", "--lang", "vi"], QUICK);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("không tìm thấy kết quả nào"), "{err}");
    assert!(err.contains("có phải là: nguyn → nguyen"), "{err}");
    let found = json(&search(place, &["nguyn"]));
    assert_eq!(found["total"], 0);
    assert_eq!(found["suggestions"]["words"][0]["word"], "nguyn");
    assert_eq!(found["suggestions"]["words"][0]["near"][0], "nguyen");
    // A code that does not exist: the dossier codes one edit away.
    let found = json(&search(place, &["CT-2023-0099"]));
    let codes = found["suggestions"]["codes"].as_array().expect("codes");
    assert!(
        !codes.is_empty()
            && codes
                .iter()
                .all(|c| c.as_str().is_some_and(|c| c.starts_with("CT-2023-00"))),
        "{found}"
    );
}

#[test]
fn malformed_queries_are_usage_errors_with_a_reason() {
    let place = archived();
    let cases = [
        "\"nguyen van",
        "AND",
        "luong OR",
        "NOT luong",
        "(luong",
        "luong)",
        "text:luong",
        "NEAR(a b)",
        "lu*ong",
        "--",
        "x\" OR 1=1; --",
        "{a b}",
    ]
    .map(String::from);
    // Nesting beyond the limit, and deep enough to overflow a recursive parser's stack.
    let deep = |n: usize| format!("{}luong{}", "(".repeat(n), ")".repeat(n));
    let cases = cases.into_iter().chain([deep(40), "(".repeat(15_000)]);
    for q in cases {
        let q = q.as_str();
        let out = place.run(&["search", "--", q], QUICK);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{q:?}: {}", describe(&out));
        assert!(err.contains("bad query"), "{q:?}: {err}");
        for leak in ["fts5", "SQL", "sqlite", "syntax error"] {
            assert!(!err.contains(leak), "{q:?} leaks {leak}: {err}");
        }
    }
    let out = place.run(&["search"], QUICK);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
}

#[test]
fn nesting_up_to_the_limit_is_searched() {
    let place = archived();
    // Sixteen levels, each an OR with a word of its own, so none collapses away.
    let mut q = String::from("luong");
    for word in (0..16).map(|i| format!("w{i}")) {
        q = format!("({word} OR {q})");
    }
    let out = place.run(&["search", "--", &q], QUICK);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{q}: {}",
        describe(&out)
    );
}

/// Matches are bold only where colour is wanted: `--color always` (whatever `NO_COLOR` says)
/// or `CLICOLOR_FORCE`; piped, under `NO_COLOR` or with `--color never` they stand between
/// « » so the match is still seen.
#[test]
fn matches_are_bold_only_where_colour_is_wanted() {
    let place = archived();
    let text = |color: &[&str], env: &[(&str, &str)]| {
        let mut args = vec!["search", "tran duc luong"];
        args.extend_from_slice(color);
        let mut cmd = place.command(&args);
        cmd.env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .env_remove("CLICOLOR")
            .envs(env.iter().copied())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let out = common::wait_with_limit(cmd.spawn().expect("spawn"), QUICK);
        assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let bold = "\x1b[1m";
    let piped = text(&[], &[]);
    assert!(piped.contains('«') && !piped.contains('\x1b'), "{piped}");
    let never = text(&["--color", "never"], &[("CLICOLOR_FORCE", "1")]);
    assert!(never.contains('«') && !never.contains('\x1b'), "{never}");
    let always = text(&["--color", "always"], &[("NO_COLOR", "1")]);
    assert!(always.contains(bold) && !always.contains('«'), "{always}");
    let forced = text(&[], &[("CLICOLOR_FORCE", "1")]);
    assert!(forced.contains(bold), "{forced}");
    let no_color = text(&[], &[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")]);
    assert!(!no_color.contains('\x1b'), "{no_color}");
}
