//! Nothing under a source is skipped in silence: every entry is archived, recorded as a
//! failed file of its dossier with a reason naming it, or skipped by a `[walk] ignore`
//! pattern and counted, in the run summary (text and `--json`) and in `sohoa report`; and a
//! second run over the unchanged tree has nothing to do.

mod common;

use std::collections::BTreeMap;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::time::Duration;

use common::{describe, json, real_corpus, Collection, Workplace};
use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

const LIMIT: Duration = Duration::from_secs(300);

/// What goes at a path of the source.
enum Entry {
    /// A copy of a file of the real corpus.
    Copy(&'static str),
    /// A small white JPEG (blank: no engine time).
    Jpeg,
    Bytes(&'static [u8]),
    /// A symbolic link to this target, relative to the link's folder.
    Link(&'static str),
}

/// What a user must see of it.
enum Expect {
    /// Stored and read: no failure, a checksum.
    Archived,
    /// A failed file of `dossier` of this kind, whose message says this.
    Failed {
        dossier: &'static str,
        kind: &'static str,
        says: &'static str,
    },
    /// Not a file of any dossier, counted against this pattern.
    Skipped(&'static str),
}

const PK: &[u8] = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00word/document.xml";
const JP2: &[u8] = b"\0\0\0\x0cjP  \r\n\x87\n\0\0\0\x14ftypjp2 ";
const HEIC: &[u8] = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic";

fn nfd(s: &str) -> String {
    s.nfd().collect()
}

/// The source tree, one row per entry (paths as created; NFD ones built by `tree`).
fn rows() -> Vec<(String, Entry, Expect)> {
    use Entry::*;
    use Expect::*;
    let unsupported = |dossier, says| Failed {
        dossier,
        kind: "unsupported",
        says,
    };
    let symlink = |says| Failed {
        dossier: "HS-6",
        kind: "symlink",
        says,
    };
    let row = |p: &str, e, x| (p.to_string(), e, x);
    vec![
        row("HS-1/trang-1.tif", Copy("viet.tif"), Archived),
        // Content decides: a JPEG is a page whatever it is called.
        row("HS-1/trang-2.jfif", Jpeg, Archived),
        row("HS-1/trang-3", Copy("12.tif"), Archived),
        row("HS-1/trang-4.jpg.bak", Jpeg, Archived),
        row(
            "HS-1/Thumbs.db",
            Bytes(b"\xd0\xcf\x11\xe0thumbs"),
            Skipped("Thumbs.db"),
        ),
        row(
            "HS-1/._trang-1.tif",
            Bytes(b"\0\x05\x16\x07"),
            Skipped("._*"),
        ),
        row("HS-1/.trang-5.jpg", Jpeg, Skipped(".*")),
        row("HS-2/trang-1.tif", Copy("12.tif"), Archived),
        row(
            "HS-2/scan.docx",
            Bytes(PK),
            unsupported("HS-2", "not a page format sohoa reads (Word document)"),
        ),
        row(
            "HS-3/trang-1.jp2",
            Bytes(JP2),
            unsupported("HS-3", "JPEG 2000"),
        ),
        row(
            "HS-3/trang-2.heic",
            Bytes(HEIC),
            unsupported("HS-3", "HEIF"),
        ),
        row(
            "HS-4/ghi-chu",
            Bytes("Hồ sơ thiếu trang 3\n".as_bytes()),
            unsupported("HS-4", "no file extension"),
        ),
        row("HS-5/.hidden/trang-1.tif", Copy("12.tif"), Skipped(".*")),
        row(".../trang-1.tif", Copy("12.tif"), Skipped(".*")),
        row("HS-6/trang-1.tif", Copy("12.tif"), Archived),
        row(
            "HS-6/lien-ket",
            Link("../HS-1"),
            symlink("links to folders are not followed"),
        ),
        row(
            "HS-6/len",
            Link(".."),
            symlink("links to folders are not followed"),
        ),
        row(
            "HS-6/vong",
            Link("vong"),
            symlink("broken or looping symbolic link"),
        ),
        row("HS-7/Bến.tif", Copy("viet.tif"), Archived),
        (
            nfd("HS-7/Bến.tif"),
            Copy("12.tif"),
            Failed {
                dossier: "HS-7",
                kind: "name-twin",
                says: "same name as HS-7/Bến.tif once Unicode is normalised",
            },
        ),
        (nfd("HS-8/Phường.tif"), Copy("viet.tif"), Archived),
    ]
}

fn tree(root: &Path, rows: &[(String, Entry, Expect)]) {
    for (rel, entry, _) in rows {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        match entry {
            Entry::Copy(name) => {
                std::fs::copy(real_corpus().join(name), &path).unwrap();
            }
            Entry::Jpeg => {
                let white = image::GrayImage::from_pixel(48, 64, image::Luma([255]));
                white
                    .save_with_format(&path, image::ImageFormat::Jpeg)
                    .unwrap();
            }
            Entry::Bytes(bytes) => std::fs::write(&path, bytes).unwrap(),
            Entry::Link(target) => symlink(target, &path).unwrap(),
        }
    }
}

/// The key a file is recorded under: NFC, except a twin's, which keeps its own name.
fn key(rel: &str, expect: &Expect) -> String {
    match expect {
        Expect::Failed {
            kind: "name-twin", ..
        } => rel.to_string(),
        _ => rel.nfc().collect(),
    }
}

fn failures(summary: &Value) -> BTreeMap<String, Value> {
    summary["collections"][0]["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["file"].as_str().unwrap().to_string(), f.clone()))
        .collect()
}

/// `(failure kind or "", has a checksum)` of the current version of a path.
fn recorded(place: &Workplace, key: &str) -> Option<(String, bool)> {
    let c = place.catalog();
    c.query_row(
        "SELECT coalesce(f.failure_kind, ''), f.sha256 IS NOT NULL FROM current_file cf
         JOIN file f ON f.id = cf.file_id WHERE cf.rel_path = ?1",
        [key],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .ok()
}

fn expected_skips(rows: &[(String, Entry, Expect)]) -> BTreeMap<String, u64> {
    let mut skips = BTreeMap::new();
    for (_, _, expect) in rows {
        if let Expect::Skipped(pattern) = expect {
            *skips.entry(pattern.to_string()).or_default() += 1;
        }
    }
    skips
}

fn skips_of(value: &Value) -> BTreeMap<String, u64> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("no skip counts: {value}"))
        .iter()
        .map(|s| {
            let pattern = s["pattern"].as_str().unwrap().to_string();
            (pattern, s["entries"].as_u64().unwrap())
        })
        .collect()
}

#[test]
fn every_entry_is_archived_failed_with_its_reason_or_skipped_and_counted() {
    let src = tempfile::tempdir().unwrap();
    let rows = rows();
    tree(src.path(), &rows);
    let place = Workplace::new(&[Collection {
        id: "cu-tru",
        source: src.path(),
        layout: "folder",
        target: 8,
    }]);
    let first = place.run(&["run", "--json", "--quiet"], LIMIT);
    assert_eq!(first.status.code(), Some(1), "{}", describe(&first));
    let summary = json(&first);
    let failed = failures(&summary);
    for (rel, _, expect) in &rows {
        let key = key(rel, expect);
        let got = recorded(&place, &key);
        match expect {
            Expect::Archived => {
                assert_eq!(got, Some((String::new(), true)), "{rel:?} not archived");
                assert!(!failed.contains_key(&key), "{rel:?}: {:?}", failed[&key]);
            }
            Expect::Failed {
                dossier,
                kind,
                says,
            } => {
                let f = failed
                    .get(&key)
                    .unwrap_or_else(|| panic!("no failure for {rel:?}: {failed:#?}"));
                assert_eq!(f["kind"], *kind, "{rel:?}: {f}");
                assert_eq!(f["dossier"], *dossier, "{rel:?}: {f}");
                let message = f["message"].as_str().unwrap();
                assert!(message.contains(says), "{rel:?}: {message}");
                // Bytes are stored wherever there are bytes to store.
                let stored = !matches!(kind, &"symlink");
                assert_eq!(got, Some((kind.to_string(), stored)), "{rel:?}");
            }
            Expect::Skipped(_) => assert_eq!(got, None, "{rel:?} was recorded"),
        }
    }
    let failing = rows.iter().filter(|r| matches!(r.2, Expect::Failed { .. }));
    assert_eq!(failed.len(), failing.count(), "{failed:#?}");
    let skips = expected_skips(&rows);
    let c = &summary["collections"][0];
    assert_eq!(skips_of(&c["skipped_by"]), skips, "{c}");
    let total: u64 = skips.values().sum();
    assert_eq!(summary["files"]["skipped"], total, "{summary}");
    // HS-2, 3, 4, 6 and 7 are failed; HS-1 and HS-8 are digitised; none is left half done.
    let states = [&c["failed"], &c["digitised"], &c["in_progress"]];
    assert_eq!(states, [5, 2, 0], "{c}");

    // A name is kept byte for byte where it is not the key.
    let nfd_name: Vec<u8> = place
        .catalog()
        .query_row(
            "SELECT source_name FROM file WHERE rel_path = 'HS-8/Phường.tif'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(nfd_name, nfd("HS-8/Phường.tif").into_bytes());

    // The operator's summary names each file and reason, and counts what was skipped.
    let second = place.run(&["run", "--quiet", "--lang", "en"], LIMIT);
    assert_eq!(second.status.code(), Some(1), "{}", describe(&second));
    let text = String::from_utf8_lossy(&second.stdout);
    for line in [
        "HS-2 · HS-2/scan.docx · unsupported: not a page format sohoa reads (Word document)",
        "HS-6 · HS-6/lien-ket · symlink: links to folders are not followed",
        "skipped by [walk] ignore: 5 (Thumbs.db 1, ._* 1, .* 3)",
        // Settled: an unchanged tree has nothing to do.
        "0 new, 0 changed, 16 unchanged, 0 failed files, 5 skipped by [walk] ignore",
    ] {
        assert!(text.contains(line), "missing {line:?} in:\n{text}");
    }

    let report = place.run(&["report", "--format", "json"], LIMIT);
    let report = json(&report);
    let r = &report["collections"][0];
    assert_eq!(r["skipped"], total, "{r}");
    assert_eq!(skips_of(&r["skipped_by"]), skips, "{r}");
    assert_eq!(r["counts"]["failed"], 5, "{r}");
}

#[test]
fn ignore_patterns_come_from_pipeline_toml_and_an_empty_list_skips_nothing() {
    let src = tempfile::tempdir().unwrap();
    let rows = [
        ("HS-1/trang-1.tif", Entry::Copy("12.tif"), Expect::Archived),
        (
            "HS-1/trang-1.tif.bak",
            Entry::Copy("12.tif"),
            Expect::Skipped("*.bak"),
        ),
        (
            "HS-1/Thumbs.db",
            Entry::Bytes(b"x"),
            Expect::Failed {
                dossier: "HS-1",
                kind: "unsupported",
                says: "system file",
            },
        ),
    ];
    let rows: Vec<_> = rows
        .into_iter()
        .map(|(p, e, x)| (p.to_string(), e, x))
        .collect();
    tree(src.path(), &rows);
    let place = Workplace::new(&[Collection {
        id: "cu-tru",
        source: src.path(),
        layout: "folder",
        target: 1,
    }]);
    let config = place.path().join("pipeline.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    let with = |ignore: &str| {
        text.replace(
            "[[collection]]",
            &format!("[walk]\nignore = {ignore}\n[[collection]]"),
        )
    };
    std::fs::write(&config, with("[\"*.BAK\"]")).unwrap();
    let out = place.run(&["run", "--json", "--quiet"], LIMIT);
    let summary = json(&out);
    // Thumbs.db is no longer ignored: it is a file of HS-1 that holds no page.
    let failed = failures(&summary);
    let thumbs = &failed["HS-1/Thumbs.db"];
    assert_eq!(thumbs["kind"], "unsupported", "{summary}");
    assert!(
        thumbs["message"].as_str().unwrap().contains("system file"),
        "{thumbs}"
    );
    assert_eq!(
        skips_of(&summary["collections"][0]["skipped_by"]),
        BTreeMap::from([("*.BAK".to_string(), 1)])
    );
    std::fs::write(&config, with("[\"[unclosed\"]")).unwrap();
    let bad = place.run(&["run", "--quiet"], LIMIT);
    assert_eq!(bad.status.code(), Some(2), "{}", describe(&bad));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("[walk] ignore") && err.contains("[unclosed"),
        "{err}"
    );
}
