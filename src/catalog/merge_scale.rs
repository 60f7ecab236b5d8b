//! The district-scale merge, ignored by default (it builds an archive of 100,000 dossiers of
//! one 10-page file each: 100,000 objects, 1,000,000 pages) and run by `scripts/bench-merge`,
//! which compares its time with copying and hashing the same archive. Fewer dossiers with
//! `SOHOA_SCALE_DOSSIERS=N`; the merge's figures go to stderr.

use std::path::Path;
use std::time::Instant;

use chrono::Utc;

use super::testkit::{collection, new_batch, page, scanned, TestResult, COLLECTION};
use super::{BatchCounts, BatchEnd, BatchStatus, Catalog, DossierPlan};
use crate::pipeline::CATALOG_FILE;
use crate::store::ObjectStore;

const PAGES: u32 = 10;

#[test]
#[ignore = "builds and merges a 1,000,000-page archive"]
fn merge_at_district_scale() -> TestResult {
    let dossiers = std::env::var("SOHOA_SCALE_DOSSIERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000u32);
    let dir = tempfile::tempdir_in(std::env::var_os("SOHOA_SCALE_DIR").unwrap_or(".".into()))?;
    let (source, target) = (dir.path().join("source"), dir.path().join("target"));
    let start = Instant::now();
    build(&source, dossiers)?;
    eprintln!(
        "source: {dossiers} dossiers, {} pages, built in {:.1?}",
        dossiers * PAGES,
        start.elapsed()
    );
    eprintln!("source archive: {}", source.display());

    let start = Instant::now();
    let outcomes = crate::merge::merge(&target, std::slice::from_ref(&source), "scale check")?;
    let took = start.elapsed();
    let merged = outcomes[0].merged.ok_or("source refused")?;
    eprintln!(
        "merge: {:.2} s for {} files, {} pages, {} objects",
        took.as_secs_f64(),
        merged.files,
        merged.pages,
        outcomes[0].objects_copied
    );
    assert_eq!(merged.pages, u64::from(dossiers * PAGES));
    assert_eq!(outcomes[0].objects_copied, u64::from(dossiers));
    // The bench script times copying and hashing this archive against the merge.
    if let Some(keep) = std::env::var_os("SOHOA_SCALE_KEEP") {
        std::fs::rename(&source, Path::new(&keep))?;
    }
    Ok(())
}

/// An archive of `dossiers` dossiers of one `PAGES`-page file each, objects in its store.
fn build(archive: &Path, dossiers: u32) -> TestResult {
    let store = ObjectStore::open(archive)?;
    let mut catalog = Catalog::create_or_open(&archive.join(CATALOG_FILE))?;
    catalog.upsert_collection(&collection(COLLECTION))?;
    let batch = catalog.begin_batch(&new_batch("district-source", &[COLLECTION]))?;
    let codes: Vec<String> = (0..dossiers).map(|d| format!("HS-{d:06}")).collect();
    let plans: Vec<DossierPlan> = codes
        .iter()
        .map(|code| DossierPlan {
            collection: COLLECTION.to_string(),
            code: code.clone(),
            expected_files: 1,
        })
        .collect();
    catalog.register_dossiers(batch, &plans)?;
    for chunk in codes.chunks(1000) {
        let mut files = Vec::with_capacity(chunk.len());
        for code in chunk {
            let rel_path = format!("{code}/ho-so.tif");
            // A small stand-in for the scan: the store treats every object alike.
            let bytes = format!("{rel_path} {}", "x".repeat(2000)).into_bytes();
            let pages = (0..PAGES)
                .map(|i| page(i, &format!("Trang {i} hồ sơ {code} Nguyễn Văn Lượng"), &[]))
                .collect();
            let file = scanned(code, &rel_path, &bytes, pages);
            let id = file.content.ok_or("no content")?;
            store.put(&id, &bytes, &rel_path)?;
            files.push(file);
        }
        catalog.record_files(batch, &files)?;
    }
    let counts = BatchCounts {
        files_new: u64::from(dossiers),
        pages: u64::from(dossiers * PAGES),
        ..BatchCounts::default()
    };
    let end = BatchEnd {
        finished_at: Utc::now(),
        status: BatchStatus::Finished,
        counts,
    };
    catalog.finish_batch(batch, &end)?;
    Ok(())
}
