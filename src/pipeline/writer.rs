//! The catalog writer: the one thread that owns the catalog while a run executes. Workers send
//! outcomes through a bounded channel; the writer commits them in batches (many files per
//! transaction, at least once a second) so a crash loses at most the files of the last open
//! transaction, which the next run simply processes again.

use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use crate::catalog::{BatchCounts, BatchId, Catalog, CatalogError};
use crate::model::{FileOutcome, FileRecord};

use super::worker::Outcome;

/// Files per transaction at most.
const BATCH_FILES: usize = 64;
/// Longest time an outcome waits before it is committed.
const MAX_DELAY: Duration = Duration::from_millis(1000);

/// Receive outcomes until every sender is gone, committing as it goes.
///
/// # Errors
/// A catalog write failed; the outcomes of that transaction are not recorded.
pub fn write_all(
    catalog: &mut Catalog,
    batch: BatchId,
    outcomes: Receiver<Outcome>,
) -> Result<BatchCounts, CatalogError> {
    let mut counts = BatchCounts::default();
    let mut pending: Vec<FileRecord> = Vec::new();
    let mut since = Instant::now();
    loop {
        let wait = MAX_DELAY.saturating_sub(since.elapsed());
        match outcomes.recv_timeout(wait) {
            Ok(Outcome::Record { record, is_new }) => {
                if pending.is_empty() {
                    since = Instant::now();
                }
                count(&mut counts, &record, is_new);
                pending.push(record);
            }
            Ok(Outcome::Unchanged { key, mtime_ns }) => {
                counts.files_unchanged += 1;
                catalog.update_mtime(&key.collection, &key.rel_path, mtime_ns)?;
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => {
                flush(catalog, batch, &mut pending)?;
                return Ok(counts);
            }
        }
        if pending.len() >= BATCH_FILES || (!pending.is_empty() && since.elapsed() >= MAX_DELAY) {
            flush(catalog, batch, &mut pending)?;
        }
    }
}

fn flush(
    catalog: &mut Catalog,
    batch: BatchId,
    pending: &mut Vec<FileRecord>,
) -> Result<(), CatalogError> {
    if !pending.is_empty() {
        catalog.record_files(batch, pending)?;
        pending.clear();
    }
    Ok(())
}

fn count(counts: &mut BatchCounts, rec: &FileRecord, is_new: bool) {
    if is_new {
        counts.files_new += 1;
    } else {
        counts.files_changed += 1;
    }
    match &rec.outcome {
        FileOutcome::Failed(_) => counts.files_failed += 1,
        FileOutcome::Pages(pages) => {
            counts.pages += pages.len() as u64;
            counts.pages_flagged += pages.iter().filter(|p| !p.flags.is_empty()).count() as u64;
        }
    }
}
