//! A district-scale check, ignored by default because building the catalog takes about a
//! minute in release mode: 100,000 dossiers of 10 single-page files (1,000,000 files and
//! pages), then the status query and the text export, whose plans must not sort. Run it with
//! `cargo test --release -- --ignored status_at_district_scale --nocapture`.

use std::error::Error;
use std::time::Instant;

use super::testkit::{failed, page, scanned, Harness, TestResult, COLLECTION};
use super::CatalogError;
use crate::model::PageFlag;

#[test]
#[ignore = "builds a 1,000,000-page catalog"]
fn status_at_district_scale() -> TestResult {
    let mut h = Harness::new()?;
    let start = Instant::now();
    build(&mut h, 100_000)?;
    eprintln!("built in {:?}", start.elapsed());
    for sql in [super::status::STATUS_SQL, super::read::PAGE_TEXTS_SQL] {
        assert_no_sort(&h, sql)?;
    }
    let start = Instant::now();
    let status = h.catalog.collection_status(COLLECTION)?;
    eprintln!("status in {:?}", start.elapsed());
    let counts = (status.dossiers, status.failed, status.needs_review);
    assert_eq!(counts, (100_000, 1000, 99_000));
    let pages = (status.pages, status.pages_flagged, status.failures.len());
    assert_eq!(pages, (999_000, 100_000, 1000));
    let start = Instant::now();
    let mut pages = 0u64;
    h.catalog.for_each_page_text(None, |_| pages += 1)?;
    eprintln!("{pages} page texts in {:?}", start.elapsed());
    assert_eq!(pages, 999_000);
    Ok(())
}

/// Dossiers of 10 files, one flagged page each; one dossier in 100 has a failed file.
fn build(h: &mut Harness, dossiers: u32) -> Result<(), CatalogError> {
    let codes: Vec<String> = (0..dossiers).map(|d| format!("HS-{d:06}")).collect();
    let plans: Vec<(&str, u32)> = codes.iter().map(|c| (c.as_str(), 10)).collect();
    h.dossiers(&plans)?;
    for chunk in codes.chunks(100) {
        let mut files = Vec::with_capacity(1000);
        for code in chunk {
            for f in 0..10u32 {
                let rel_path = format!("{code}/{f}.jpg");
                if code.ends_with("77") && f == 9 {
                    files.push(failed(code, &rel_path, "corrupt"));
                    continue;
                }
                let flags: &[PageFlag] = if f == 3 { &[PageFlag::LowDpi] } else { &[] };
                let text = format!("Trang {f} hồ sơ {code} Lượng");
                let pages = vec![page(0, &text, flags)];
                files.push(scanned(code, &rel_path, rel_path.as_bytes(), pages));
            }
        }
        h.record(&files)?;
    }
    Ok(())
}

fn assert_no_sort(h: &Harness, sql: &str) -> Result<(), Box<dyn Error>> {
    let mut stmt = h
        .catalog
        .conn
        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
    let plan: Vec<String> = stmt
        .query_map([1], |row| row.get(3))?
        .collect::<Result<_, _>>()?;
    eprintln!("{}", plan.join("\n"));
    assert!(
        !plan.iter().any(|step| step.contains("TEMP B-TREE")),
        "{plan:?}"
    );
    Ok(())
}
