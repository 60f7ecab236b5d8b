//! Field extraction on the fixtures' ground-truth pages and on OCR-damaged lines.

use std::path::PathBuf;

use super::*;

fn truth_pages() -> Vec<(PathBuf, String)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/truth");
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(root) {
        let entry = entry.expect("walk");
        if entry.path().extension().is_some_and(|e| e == "txt") {
            let text = std::fs::read_to_string(entry.path()).expect("read");
            out.push((entry.path().to_path_buf(), text));
        }
    }
    out.sort();
    out
}

/// 12-digit numbers standing alone, found without the extractor's code.
fn twelve_digit_numbers(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|w| w.len() == 12)
        .map(str::to_string)
        .collect()
}

fn values(fields: &[Field], kind: FieldKind) -> Vec<String> {
    fields
        .iter()
        .filter(|f| f.kind == kind)
        .map(|f| f.value.clone())
        .collect()
}

#[test]
fn every_id_number_of_the_fixtures_is_found() {
    let pages = truth_pages();
    let mut total = 0;
    for (path, text) in &pages {
        let found = values(&extract(text), FieldKind::Id);
        for id in twelve_digit_numbers(text) {
            total += 1;
            assert!(found.contains(&id), "{id} missed in {}", path.display());
        }
    }
    assert!(total >= 40, "only {total} ID numbers in the fixtures");
}

#[test]
fn names_after_the_labels_are_found_folded() {
    let (_, form) = truth_pages()
        .into_iter()
        .find(|(p, _)| p.ends_with("cu-tru/CT-2023-0001/trang-1.txt"))
        .expect("fixture page");
    let fields = extract(&form);
    assert_eq!(
        values(&fields, FieldKind::Name),
        ["dang phuong huong", "ly duc dat"]
    );
    let raw: Vec<&str> = fields
        .iter()
        .filter(|f| f.kind == FieldKind::Name)
        .map(|f| f.raw.as_str())
        .collect();
    assert_eq!(raw, ["ĐẶNG PHƯƠNG HƯƠNG", "LÝ ĐỨC ĐẠT"]);
    assert_eq!(values(&fields, FieldKind::Born), ["1974-09-24"]);
}

#[test]
fn every_labelled_name_and_birth_date_of_the_fixtures_is_found() {
    for (path, text) in truth_pages() {
        let fields = extract(&text);
        for line in text.lines() {
            let f = fold(line);
            if f.contains("ho, chu dem va ten") || f.contains("ho va ten:") {
                let name = fold(line.rsplit(':').next().unwrap_or("").trim());
                assert!(
                    values(&fields, FieldKind::Name).contains(&name),
                    "{name} in {}",
                    path.display()
                );
            }
        }
        let sinh = fold(&text).matches("sinh ngay").count()
            + fold(&text).matches("nam sinh:").count()
            + fold(&text).matches("ngay sinh:").count();
        assert!(
            values(&fields, FieldKind::Born).len() >= sinh.min(1),
            "{}",
            path.display()
        );
    }
}

#[test]
fn ocr_misreadings_and_old_numbers() {
    let cases: [(&str, &[(FieldKind, &str)]); 6] = [
        (
            "Số định danh cá nhân: 0O1O85O12345",
            &[(FieldKind::Id, "001085012345")],
        ),
        (
            "Số định danh cá nhân: OOl2O3OO4567",
            &[(FieldKind::Id, "001203004567")],
        ),
        (
            "số định danh 0B1203004567;",
            &[(FieldKind::Id, "081203004567")],
        ),
        ("Số CMND: 0123456B9", &[(FieldKind::OldId, "012345689")]),
        ("Số tài khoản 012345678", &[]),
        ("Điện thoại: 0928 157 160, Bollo", &[]),
    ];
    for (line, want) in cases {
        let got: Vec<(FieldKind, String)> = extract(line)
            .into_iter()
            .map(|f| (f.kind, f.value))
            .collect();
        let want: Vec<(FieldKind, String)> =
            want.iter().map(|(k, v)| (*k, v.to_string())).collect();
        assert_eq!(got, want, "{line}");
    }
}

#[test]
fn birth_dates_across_a_line_break() {
    let text = "công dân PHẠM XUÂN LỘC, sinh ngày\n01/11/1987, số định danh cá nhân 001087744234";
    let fields = extract(text);
    assert_eq!(values(&fields, FieldKind::Born), ["1987-11-01"]);
    assert_eq!(values(&fields, FieldKind::Id), ["001087744234"]);
}
