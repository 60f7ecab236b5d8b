//! LibreOffice Calc, headless, as the reader of the report's CSV: the file converted to
//! .xlsx by a Calc whose locale is Vietnamese or English (set in a throw-away profile, as
//! an office's installation would be), with the CSV import options a user picks for it
//! (comma-separated, UTF-8), and the sheet's cells read back by `tests/xlsx_cells.py`
//! with their kind: number, date or text.

use std::path::Path;
use std::time::Duration;

use crate::common;

/// A cell as Calc typed it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Number(f64),
    /// A day, as a spreadsheet's day number (1900 date system).
    Date(f64),
    Text(String),
    Empty,
}

/// Calc's locale for one conversion, as LibreOffice names it (`vi-VN`, `en-US`).
pub fn open_in_calc(work: &Path, csv: &Path, locale: &str) -> Vec<Vec<Cell>> {
    let profile = work.join(format!("profile-{locale}"));
    std::fs::create_dir_all(profile.join("user")).unwrap();
    std::fs::write(
        profile.join("user/registrymodifications.xcu"),
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse"><value>{locale}</value></prop></item>
</oor:items>
"#
        ),
    )
    .unwrap();
    let out = work.join(format!("xlsx-{locale}"));
    let child = std::process::Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args([
            "--headless",
            "--infilter=CSV:44,34,76,1",
            "--convert-to",
            "xlsx",
        ])
        .arg("--outdir")
        .arg(&out)
        .arg(csv)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("soffice: install libreoffice-calc-nogui with scripts/setup");
    let done = common::wait_with_limit(child, Duration::from_secs(120));
    assert!(
        done.status.success(),
        "soffice: {}",
        common::describe(&done)
    );
    let xlsx = out.join(csv.file_stem().unwrap()).with_extension("xlsx");
    let script = common::repo().join("tests/xlsx_cells.py");
    let read = std::process::Command::new("python3")
        .arg(script)
        .arg(&xlsx)
        .output()
        .unwrap();
    assert!(read.status.success(), "{}", common::describe(&read));
    let rows: Vec<Vec<(String, serde_json::Value)>> =
        serde_json::from_slice(&read.stdout).expect("cells as JSON");
    rows.into_iter()
        .map(|row| row.into_iter().map(|(kind, v)| cell(&kind, v)).collect())
        .collect()
}

fn cell(kind: &str, v: serde_json::Value) -> Cell {
    match kind {
        "n" => Cell::Number(v.as_f64().unwrap()),
        "d" => Cell::Date(v.as_f64().unwrap()),
        "s" => Cell::Text(v.as_str().unwrap().to_string()),
        _ => Cell::Empty,
    }
}

/// The spreadsheet's day number of a date (days since 30 December 1899).
pub fn day_number(day: &str) -> f64 {
    let d = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap();
    let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
    (d - epoch).num_days() as f64
}

/// The cells of one CSV line (RFC 4180 quoting, as sohoa writes it).
pub fn csv_cells(line: &str) -> Vec<String> {
    let (mut cells, mut cell, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = line.chars().peekable();
    while let Some(ch) = chars.next() {
        match (ch, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => cells.push(std::mem::take(&mut cell)),
            _ => cell.push(ch),
        }
    }
    cells.push(cell);
    cells
}

/// What Calc should make of a CSV cell written in `lang`: a count is a number, a decimal
/// in the language's mark is a number, a `YYYY-MM-DD` day is a date, the rest is text.
pub fn expected(cell: &str, lang: &str) -> Cell {
    let decimal = match lang {
        "vi" => cell.replace(',', "."),
        _ => cell.to_string(),
    };
    if cell.is_empty() {
        Cell::Empty
    } else if chrono::NaiveDate::parse_from_str(cell, "%Y-%m-%d").is_ok() {
        Cell::Date(day_number(cell))
    } else if let Ok(n) = decimal.parse::<f64>() {
        Cell::Number(n)
    } else {
        Cell::Text(cell.to_string())
    }
}
