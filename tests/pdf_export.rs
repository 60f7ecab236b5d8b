//! `sohoa export pdf` over a real archive: fixture dossiers (JPEG pages, LZW and G4 TIFF
//! pages, a dossier scanned as one PDF made here from fixture JPEGs) and a corpus scanner PDF
//! become one PDF/A-2b file each, checked with the standard tools `scripts/setup` installs:
//! `qpdf --check` clean, pikepdf's view of the PDF/A rules (`tests/pdfa_check.py`), the font
//! embedded (`pdffonts`), the text extractable with its diacritics and the dossier's names
//! found by a diacritic-folded search (`pdftotext`), JPEG originals embedded byte for byte
//! (`pdfimages`), each word on its box (`pdftotext -bbox`). Exporting twice gives identical
//! bytes; a damaged original stops the export.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use common::{describe, fixtures, real_corpus, repo, Collection, Workplace};
use pdf_writer::{Filter, Finish, Name, Pdf, Rect, Ref};
use unicode_normalization::UnicodeNormalization;

const LIMIT: Duration = Duration::from_secs(600);

/// Fixture dossiers copied as they are: (dossier, folder under fixtures/scans/cu-tru).
const COPIED: [(&str, &str); 2] = [
    ("CT-2023-0001", "CT-2023-0001"),
    ("CT-2023-0005", "Phường Bến Thành/CT-2023-0005"),
];

/// The dossier whose two JPEG pages are put into one PDF by `scanner_pdf`.
const AS_PDF: &str = "CT-2023-0004";

struct Exported {
    place: Workplace,
    _src: tempfile::TempDir,
    out: PathBuf,
}

fn exported() -> &'static Exported {
    static ONCE: OnceLock<Exported> = OnceLock::new();
    ONCE.get_or_init(|| {
        let src = tempfile::tempdir().unwrap();
        let scans = fixtures().join("scans/cu-tru");
        for (code, folder) in COPIED {
            copy_dir(&scans.join(folder), &src.path().join(code));
        }
        let pdf_dir = src.path().join(AS_PDF);
        std::fs::create_dir(&pdf_dir).unwrap();
        let pages = ["trang-1.jpg", "trang-2.jpg"].map(|p| scans.join(AS_PDF).join(p));
        std::fs::write(pdf_dir.join("ho-so.pdf"), scanner_pdf(&pages)).unwrap();
        let corpus = src.path().join("HS-LINN");
        std::fs::create_dir(&corpus).unwrap();
        std::fs::copy(
            real_corpus().join("rotated_skew.pdf"),
            corpus.join("scan.pdf"),
        )
        .unwrap();
        let place = Workplace::new(&[Collection {
            id: "cu-tru",
            source: src.path(),
            layout: "folder",
            target: 4,
        }]);
        let run = place.run(&["run", "--quiet"], LIMIT);
        assert_eq!(run.status.code(), Some(0), "{}", describe(&run));
        let out = place.path().join("pdf");
        let export = place.run(&["export", "pdf", "--collection", "cu-tru", "pdf"], LIMIT);
        assert_eq!(export.status.code(), Some(0), "{}", describe(&export));
        Exported {
            place,
            _src: src,
            out,
        }
    })
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

/// A PDF as a scanning station writes it: one JPEG per A4 page, drawn full page.
fn scanner_pdf(jpegs: &[PathBuf]) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let (catalog, tree) = (Ref::new(1), Ref::new(2));
    pdf.catalog(catalog).pages(tree);
    let ids: Vec<i32> = (0..jpegs.len() as i32).map(|i| 3 + i * 3).collect();
    pdf.pages(tree)
        .kids(ids.iter().map(|&i| Ref::new(i)))
        .count(ids.len() as i32);
    for (path, &id) in jpegs.iter().zip(&ids) {
        let data = std::fs::read(path).unwrap();
        let (page, content, image) = (Ref::new(id), Ref::new(id + 1), Ref::new(id + 2));
        let (w, h) = (595.0, 842.0);
        let mut p = pdf.page(page);
        p.parent(tree)
            .media_box(Rect::new(0.0, 0.0, w, h))
            .contents(content);
        p.resources().x_objects().pair(Name(b"Im0"), image);
        p.finish();
        let draw = format!("q {w} 0 0 {h} 0 0 cm /Im0 Do Q");
        pdf.stream(content, draw.as_bytes());
        let mut x = pdf.image_xobject(image, &data);
        x.width(2480).height(3508).bits_per_component(8);
        x.color_space().device_gray();
        x.filter(Filter::DctDecode);
    }
    pdf.finish()
}

fn tool(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} is missing (scripts/setup installs it): {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn pdf_of(code: &str) -> String {
    exported()
        .out
        .join(format!("{code}.pdf"))
        .to_string_lossy()
        .into_owned()
}

/// Lower case without tone marks or diacritics, đ as d: what a user types to search.
fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .map(|c| if c == 'đ' || c == 'Đ' { 'd' } else { c })
        .collect::<String>()
        .to_lowercase()
}

/// The holder's name from a dossier's ground truth.
fn holder(code: &str) -> String {
    let truth = fixtures().join("truth/cu-tru");
    let dir = walkdir::WalkDir::new(truth)
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| e.file_name() == code)
        .unwrap();
    let text = std::fs::read_to_string(dir.path().join("trang-1.txt")).unwrap();
    let line = text
        .lines()
        .find(|l| l.contains("chữ đệm và tên:"))
        .unwrap();
    line.split(':').nth(1).unwrap().trim().to_string()
}

#[test]
fn every_dossier_becomes_one_pdf_that_standard_tools_accept() {
    let mut written: Vec<String> = std::fs::read_dir(&exported().out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(
        written,
        [
            "CT-2023-0001.pdf",
            "CT-2023-0004.pdf",
            "CT-2023-0005.pdf",
            "HS-LINN.pdf"
        ]
    );
    let check = repo().join("tests/pdfa_check.py");
    for code in ["CT-2023-0001", "CT-2023-0004", "CT-2023-0005", "HS-LINN"] {
        let file = pdf_of(code);
        tool("qpdf", &["--check", &file]);
        let ok = tool("python3", &[check.to_str().unwrap(), &file, code]);
        assert_eq!(ok.trim(), "ok", "{code}");
        let fonts = tool("pdffonts", &[&file]);
        let line = fonts
            .lines()
            .find(|l| l.starts_with("GlyphLessFont"))
            .unwrap();
        assert!(
            line.contains("CID TrueType") && line.contains(" yes "),
            "{fonts}"
        );
    }
}

#[test]
fn the_text_layer_reads_back_with_diacritics_and_folded_search_finds_the_names() {
    for code in ["CT-2023-0001", "CT-2023-0004", "CT-2023-0005"] {
        let text = tool("pdftotext", &[&pdf_of(code), "-"]);
        assert!(
            text.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
            "{code}: {text}"
        );
        let name = holder(code);
        assert!(
            fold(&text).contains(&fold(&name)),
            "{code}: {name} not in {text}"
        );
        let pages = tool("pdfinfo", &[&pdf_of(code)]);
        assert!(pages.contains("Pages:           2"), "{code}: {pages}");
    }
    // The corpus page turned by /Rotate reads as upright English text.
    let linn = tool("pdftotext", &[&pdf_of("HS-LINN"), "-"]);
    assert!(linn.contains("LinnSequencer"), "{linn}");
}

/// The `enc` column of `pdfimages -list`, one per image.
fn encodings(code: &str) -> Vec<String> {
    let list = tool("pdfimages", &["-list", &pdf_of(code)]);
    list.lines()
        .skip(2)
        .map(|l| l.split_whitespace().nth(8).unwrap().to_string())
        .collect()
}

#[test]
fn image_streams_of_scanner_pdfs_are_carried_unchanged() {
    // The dossier scanned as a PDF of JPEGs: each page's stream is the fixture JPEG.
    assert_eq!(encodings(AS_PDF), ["jpeg", "jpeg"]);
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("im");
    tool(
        "pdfimages",
        &["-j", &pdf_of(AS_PDF), prefix.to_str().unwrap()],
    );
    for (i, page) in ["trang-1.jpg", "trang-2.jpg"].iter().enumerate() {
        let original = fixtures().join("scans/cu-tru").join(AS_PDF).join(page);
        let extracted = dir.path().join(format!("im-{i:03}.jpg"));
        assert_eq!(
            std::fs::read(extracted).unwrap(),
            std::fs::read(original).unwrap()
        );
    }
    // The corpus scan keeps its JBIG2 stream.
    assert_eq!(encodings("HS-LINN"), ["jbig2"]);
}

#[test]
fn jpeg_originals_are_embedded_byte_for_byte_and_lzw_is_gone() {
    let list = tool("pdfimages", &["-list", &pdf_of("CT-2023-0001")]);
    let rows: Vec<&str> = list.lines().skip(2).collect();
    assert_eq!(rows.len(), 2, "{list}");
    for row in &rows {
        let f: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(
            (f[3], f[4], f[5], f[8]),
            ("2480", "3508", "rgb", "jpeg"),
            "{row}"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("im");
    tool(
        "pdfimages",
        &["-j", &pdf_of("CT-2023-0001"), prefix.to_str().unwrap()],
    );
    let original = fixtures().join("scans/cu-tru/CT-2023-0001/trang-1.jpg");
    let extracted = dir.path().join("im-000.jpg");
    assert_eq!(
        std::fs::read(extracted).unwrap(),
        std::fs::read(original).unwrap()
    );
    // The LZW grey page and the G4 page keep their size, grey and 1-bit, without LZW.
    let list = tool("pdfimages", &["-list", &pdf_of("CT-2023-0005")]);
    let rows: Vec<Vec<&str>> = list
        .lines()
        .skip(2)
        .map(|l| l.split_whitespace().collect())
        .collect();
    let got: Vec<(&str, &str, &str)> = rows.iter().map(|f| (f[3], f[4], f[7])).collect();
    assert_eq!(
        got,
        [("1654", "2339", "8"), ("1654", "2339", "1")],
        "{list}"
    );
}

#[test]
fn exporting_twice_gives_identical_bytes_and_one_dossier_can_be_chosen() {
    let e = exported();
    let again = e.place.run(
        &[
            "export",
            "pdf",
            "--collection",
            "cu-tru",
            "--dossier",
            "CT-2023-0001",
            "again",
        ],
        LIMIT,
    );
    assert_eq!(again.status.code(), Some(0), "{}", describe(&again));
    let names: Vec<_> = std::fs::read_dir(e.place.path().join("again"))
        .unwrap()
        .collect();
    assert_eq!(names.len(), 1);
    let first = std::fs::read(e.out.join("CT-2023-0001.pdf")).unwrap();
    let second = std::fs::read(e.place.path().join("again/CT-2023-0001.pdf")).unwrap();
    assert!(first == second, "the same archive gave different PDF bytes");
    let missing = e.place.run(
        &[
            "export",
            "pdf",
            "--collection",
            "cu-tru",
            "--dossier",
            "KHONG-CO",
            "none",
        ],
        LIMIT,
    );
    assert_eq!(missing.status.code(), Some(2), "{}", describe(&missing));
}

#[test]
fn a_damaged_original_stops_the_export_with_the_archive_exit_code() {
    let src = tempfile::tempdir().unwrap();
    let dossier = src.path().join("HS-01");
    std::fs::create_dir(&dossier).unwrap();
    std::fs::copy(real_corpus().join("viet.tif"), dossier.join("trang-1.tif")).unwrap();
    let place = Workplace::new(&[Collection {
        id: "hs",
        source: src.path(),
        layout: "folder",
        target: 1,
    }]);
    let run = place.run(&["run", "--quiet"], LIMIT);
    assert_eq!(run.status.code(), Some(0), "{}", describe(&run));
    let object = walkdir::WalkDir::new(place.archive().join("objects"))
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| e.file_type().is_file())
        .unwrap();
    let writable = std::os::unix::fs::PermissionsExt::from_mode(0o600);
    std::fs::set_permissions(object.path(), writable).unwrap();
    let mut bytes = std::fs::read(object.path()).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xFF;
    std::fs::write(object.path(), bytes).unwrap();
    let out = place.run(&["export", "pdf", "--collection", "hs", "out"], LIMIT);
    assert_eq!(out.status.code(), Some(3), "{}", describe(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("checksum"),
        "{}",
        describe(&out)
    );
    assert!(!place.path().join("out/HS-01.pdf").exists());
}

#[test]
fn each_word_lies_on_its_box_in_the_page() {
    let e = exported();
    let words: String = e
        .place
        .catalog()
        .query_row(
            "SELECT p.words FROM page p JOIN file f ON f.id = p.file_id \
             WHERE f.rel_path LIKE '%CT-2023-0001/trang-1.jpg' AND p.page_index = 0",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let words: serde_json::Value = serde_json::from_str(&words).unwrap();
    let first = &words[0];
    let bbox = tool(
        "pdftotext",
        &["-bbox", "-f", "1", "-l", "1", &pdf_of("CT-2023-0001"), "-"],
    );
    let line = bbox.lines().find(|l| l.contains("<word ")).unwrap();
    let attr = |name: &str| -> f64 {
        let start = line.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        line[start..].split('"').next().unwrap().parse().unwrap()
    };
    assert!(
        line.contains(first["text"].as_str().unwrap()),
        "{line} vs {first}"
    );
    // 300 dpi: 72/300 points per pixel, y measured from the top in both.
    let pt = |px: &serde_json::Value| px.as_f64().unwrap() * 72.0 / 300.0;
    let right = first["left"].as_f64().unwrap() + first["width"].as_f64().unwrap();
    assert!(
        (attr("xMin") - pt(&first["left"])).abs() < 1.0,
        "{line} vs {first}"
    );
    assert!(
        (attr("yMin") - pt(&first["top"])).abs() < 1.0,
        "{line} vs {first}"
    );
    assert!(
        (attr("xMax") - right * 72.0 / 300.0).abs() < 1.0,
        "{line} vs {first}"
    );
}
