//! Residence forms and old photocopies, read with the real Tesseract engine as an archivist
//! would check them: every ID number written in a comb of boxes comes out exactly, as a
//! field of its page, and `sohoa search --id` finds the page; a heavy photocopy loses no
//! line of its text; a clean prose page reads exactly as it does without cleaning; a line
//! the engine's layout analysis drops is read again or its page flagged.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use common::{copy_tree, describe, fixtures, normalise, search_hits, Collection, Workplace};

const LIMIT: Duration = Duration::from_secs(900);

/// One page of the fixture manifest.
struct Row {
    file: String,
    dossier: String,
    kind: String,
    copy: String,
    ids: Vec<String>,
}

fn manifest() -> Vec<Row> {
    let text = std::fs::read_to_string(fixtures().join("truth/manifest.tsv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (file, dossier, kind) = (col("file"), col("dossier"), col("kind"));
    let (copy, ids) = (col("copy"), col("ids"));
    lines
        .filter(|l| l.starts_with("cu-tru\t"))
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            Row {
                file: c[file].to_string(),
                dossier: c[dossier].to_string(),
                kind: c[kind].to_string(),
                copy: c[copy].to_string(),
                ids: c[ids]
                    .split(',')
                    .filter(|s| *s != "-")
                    .map(String::from)
                    .collect(),
            }
        })
        .collect()
}

/// A workplace over copies of the residence dossiers that have boxed IDs or are
/// photocopies, archived once for every test of this file.
fn forms() -> &'static Workplace {
    static ONCE: OnceLock<Workplace> = OnceLock::new();
    ONCE.get_or_init(|| {
        let source = tempfile::tempdir().unwrap().keep();
        let scans = fixtures().join("scans/cu-tru");
        let mut dossiers: Vec<String> = manifest()
            .into_iter()
            .filter(|r| !r.ids.is_empty() || r.copy != "-")
            .map(|r| r.dossier)
            .collect();
        dossiers.dedup();
        assert!(dossiers.len() >= 3, "{dossiers:?}");
        for d in &dossiers {
            copy_tree(&scans.join(d), &source.join(d));
        }
        archived(&source, true)
    })
}

fn archived(source: &Path, clean: bool) -> Workplace {
    let place = Workplace::new(&[Collection {
        id: "cu-tru",
        source,
        layout: "folder",
        target: 1,
    }]);
    let config = place.path().join("pipeline.toml");
    let toml = std::fs::read_to_string(&config).unwrap();
    let toml = toml.replace("[ocr]\n", &format!("[ocr]\nclean = {clean}\n"));
    std::fs::write(&config, toml).unwrap();
    let out = place.run(&["run", "--quiet"], LIMIT);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    place
}

/// The boxed fields of each recorded page, by file.
fn boxed_fields(place: &Workplace) -> BTreeMap<String, Vec<String>> {
    let catalog = place.catalog();
    let mut stmt = catalog
        .prepare(
            "SELECT f.rel_path, b.value FROM page_boxed_field b JOIN page p ON p.id = b.page_id
             JOIN file f ON f.id = p.file_id ORDER BY b.top",
        )
        .unwrap();
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for row in stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .unwrap()
    {
        let (file, value) = row.unwrap();
        out.entry(file).or_default().push(value);
    }
    out
}

#[test]
fn every_boxed_id_is_read_exactly_and_search_by_id_finds_its_page() {
    let place = forms();
    let found = boxed_fields(place);
    let pages: Vec<Row> = manifest()
        .into_iter()
        .filter(|r| !r.ids.is_empty())
        .collect();
    assert!(pages.len() >= 4, "the fixtures have boxed-ID pages");
    for page in &pages {
        let mut read = found.get(&page.file).cloned().unwrap_or_default();
        let mut want = page.ids.clone();
        read.sort();
        want.sort();
        assert_eq!(read, want, "boxed IDs of {}", page.file);
        for id in &page.ids {
            let out = place.run(&["search", "--id", id, "--json"], LIMIT);
            assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
            let hits = search_hits(&out);
            let files: Vec<&str> = hits.iter().map(|h| h["file"].as_str().unwrap()).collect();
            assert!(files.contains(&page.file.as_str()), "--id {id}: {files:?}");
        }
    }
}

/// Smallest edit distance between `needle` and any substring of `hay`.
fn best_match(needle: &[char], hay: &[char]) -> usize {
    let mut prev = vec![0usize; hay.len() + 1];
    for (i, n) in needle.iter().enumerate() {
        let mut cur = vec![i + 1; hay.len() + 1];
        for (j, h) in hay.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(n != h))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev.into_iter().min().unwrap_or(needle.len())
}

fn page_text(place: &Workplace, file: &str) -> String {
    place
        .catalog()
        .query_row(
            "SELECT p.text FROM page p JOIN file f ON f.id = p.file_id WHERE f.rel_path = ?1",
            [file],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn a_heavy_photocopy_loses_no_line() {
    let place = forms();
    let heavy: Vec<Row> = manifest()
        .into_iter()
        .filter(|r| r.copy == "heavy")
        .collect();
    assert!(!heavy.is_empty(), "the fixtures have heavy photocopies");
    for page in heavy {
        let read = normalise(&page_text(place, &page.file));
        let stem = Path::new(&page.file).with_extension("txt");
        let truth = std::fs::read_to_string(fixtures().join("truth/cu-tru").join(stem)).unwrap();
        for line in truth.lines().filter(|l| !l.trim().is_empty()) {
            let line = normalise(line);
            // A line is there when it is read with at most one error in five characters.
            let errors = best_match(&line, &read);
            assert!(
                errors * 5 <= line.len(),
                "{}: line {:?} missing ({errors} errors) from:\n{}",
                page.file,
                line.iter().collect::<String>(),
                read.iter().collect::<String>()
            );
        }
    }
}

#[test]
fn a_ruled_table_reads_one_member_per_line() {
    let place = forms();
    let tables: Vec<Row> = manifest()
        .into_iter()
        .filter(|r| r.kind == "table")
        .collect();
    assert!(tables.len() >= 2, "the fixtures have table pages");
    for page in tables {
        let text = page_text(place, &page.file);
        let stem = Path::new(&page.file).with_extension("txt");
        let truth = std::fs::read_to_string(fixtures().join("truth/cu-tru").join(stem)).unwrap();
        // The member rows: a number, a name, a date of birth, … an ID number.
        let rows: Vec<String> = truth
            .lines()
            .filter(|l| l.starts_with(|c: char| c.is_ascii_digit()) && l.contains('/'))
            .map(String::from)
            .collect();
        assert!(rows.len() >= 3, "{}: {} member rows", page.file, rows.len());
        // A photocopy's rows carry a speck or two.
        assert_rows_are_lines(&page.file, &text, &rows, 5);
    }
}

/// Each of `rows` is read on one line of `text`, with at most one error in `per`
/// characters.
fn assert_rows_are_lines(file: &str, text: &str, rows: &[String], per: usize) {
    let lines: Vec<Vec<char>> = text.lines().map(normalise).collect();
    for row in rows {
        let row = normalise(row);
        // A line half as long again holds more than the row (two rows, a column).
        let errors = lines
            .iter()
            .map(|l| best_match(&row, l) + l.len().saturating_sub(row.len() * 3 / 2))
            .min()
            .unwrap_or(row.len());
        assert!(
            errors * per <= row.len(),
            "{file}: row {:?} is not one line ({errors} errors) of:\n{text}",
            row.iter().collect::<String>(),
        );
    }
}

#[test]
fn a_household_table_with_wrapped_cells_reads_one_row_per_line() {
    // Header cells on two lines and relations on two ("Cháu / nội"): the engine reads the
    // wrapped lines as lines of their own, and drops a gender standing alone in its cell.
    let source = tempfile::tempdir().unwrap();
    let page = source.path().join("HS-1/trang-1.png");
    std::fs::create_dir_all(page.parent().unwrap()).unwrap();
    let rows: Vec<String> = drawn("table_page.py", &page)
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(rows.len(), 6, "{rows:?}");
    let place = archived(source.path(), true);
    let text = page_text(&place, "HS-1/trang-1.png");
    // The header reads with some noise of its bold rules; the members all but exactly (a
    // gender missing is three errors in about 55 characters).
    assert_rows_are_lines("HS-1/trang-1.png", &text, &rows[1..], 25);
    assert!(text.contains("Quan hệ với chủ hộ"), "{text}");
}

#[test]
fn a_clean_prose_page_reads_exactly_as_without_cleaning() {
    let source: PathBuf = tempfile::tempdir().unwrap().keep();
    let dossier = "CT-2023-0003";
    copy_tree(
        &fixtures().join("scans/cu-tru").join(dossier),
        &source.join(dossier),
    );
    let texts = |clean: bool| {
        let place = archived(&source, clean);
        let catalog = place.catalog();
        let mut stmt = catalog
            .prepare(
                "SELECT f.rel_path, p.text FROM page p JOIN file f ON f.id = p.file_id ORDER BY 1",
            )
            .unwrap();
        let rows: Vec<(String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        rows
    };
    let cleaned = texts(true);
    assert_eq!(cleaned.len(), 3);
    assert_eq!(cleaned, texts(false));
}

/// The fixture prose page with one line of its print over a screened field: a band of
/// grey dots, as forms shade the fields to fill in. The engine's layout analysis takes
/// such a band for a picture and drops the line in it. Returns the line's text.
fn shaded_line_page(to: &Path) -> String {
    let dossier = fixtures().join("scans/cu-tru/CT-2023-0003");
    let mut page = image::open(dossier.join("page-1.jpg")).unwrap().to_luma8();
    // "8) Nghề nghiệp: Hưu trí" on this 200 dpi page, with a margin around it.
    for y in 850..910 {
        for x in 220..1500 {
            let dot = y % 6 < 3 && x % 6 < 3;
            let p = page.get_pixel_mut(x, y);
            if dot {
                p.0[0] = p.0[0].min(150);
            }
        }
    }
    let file = std::fs::File::create(to).unwrap();
    let mut jpeg = image::codecs::jpeg::JpegEncoder::new_with_quality(file, 90);
    jpeg.set_pixel_density(image::codecs::jpeg::PixelDensity::dpi(200));
    jpeg.encode_image(&page).unwrap();
    "8) Nghề nghiệp: Hưu trí".to_string()
}

fn page_flags(place: &Workplace, file: &str) -> String {
    place
        .catalog()
        .query_row(
            "SELECT p.flags FROM page p JOIN file f ON f.id = p.file_id WHERE f.rel_path = ?1",
            [file],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn a_line_layout_analysis_drops_is_read_again_or_its_page_flagged() {
    let source: PathBuf = tempfile::tempdir().unwrap().keep();
    std::fs::create_dir_all(source.join("CT-shaded")).unwrap();
    let file = "CT-shaded/trang-1.jpg";
    let line = normalise(&shaded_line_page(&source.join(file)));
    // At most one error in five characters, as in `a_heavy_photocopy_loses_no_line`.
    let has_line = |text: &str| best_match(&line, &normalise(text)) * 5 <= line.len();
    let plain = archived(&source, false);
    assert!(
        !has_line(&page_text(&plain, file)),
        "the engine alone no longer drops the shaded line; this test needs another page"
    );
    let cleaned = archived(&source, true);
    let (text, flags) = (page_text(&cleaned, file), page_flags(&cleaned, file));
    assert!(
        has_line(&text) || flags.contains("missing-lines"),
        "the shaded line is neither read nor flagged ({flags:?}):\n{text}"
    );
}

#[test]
fn an_archive_of_boxed_ids_verifies_clean_quick_and_full() {
    let place = forms();
    assert!(!boxed_fields(place).is_empty());
    // Its fields come from boxes and from the text: verify recomputes both, in the order
    // they were written, and finds nothing changed.
    for mode in [&["--quick"][..], &[]] {
        let mut args = vec!["verify", "--quiet"];
        args.extend_from_slice(mode);
        let out = place.run(&args, LIMIT);
        assert_eq!(out.status.code(), Some(0), "{mode:?}: {}", describe(&out));
    }
}

#[test]
fn a_signers_name_under_a_seal_is_read() {
    // The seal's grey ring runs through the printed name: binarised with the type, neither
    // reads. Read again with only the darker ink, the name comes out.
    let source = tempfile::tempdir().unwrap();
    let page = source.path().join("QD-1/trang-1.png");
    std::fs::create_dir_all(page.parent().unwrap()).unwrap();
    let name = drawn("sealed_page.py", &page).trim().to_string();
    let place = archived(source.path(), true);
    let text = page_text(&place, "QD-1/trang-1.png");
    assert!(text.contains("CHỦ TỊCH"), "{text}");
    assert!(text.contains(&name), "no {name:?} in:\n{text}");
}

/// Draw `page` with the test script `tests/SCRIPT`; returns what the script prints (the
/// page's truth).
fn drawn(script: &str, page: &Path) -> String {
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(script);
    let out = std::process::Command::new("python3")
        .arg(&script)
        .arg(page)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}
