//! The catalog writer: the one thread that owns the catalog while a run executes. Workers send
//! outcomes through a bounded channel; the writer commits them in batches (many files per
//! transaction, at least once a second) so a crash loses at most the files of the last open
//! transaction, which the next run simply processes again.

use std::collections::BTreeMap;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use crate::catalog::{BatchCounts, BatchId, Catalog, CatalogError};
use crate::model::{FileOutcome, FileRecord};

use super::worker::Outcome;

/// Outcomes per commit at most.
const BATCH_FILES: usize = 64;
/// Longest time an outcome waits before it is committed.
const MAX_DELAY: Duration = Duration::from_millis(1000);

/// Outcomes received and not yet committed.
#[derive(Default)]
struct Pending {
    records: Vec<FileRecord>,
    /// Re-hashed files found unchanged, per collection: their new modification times.
    mtimes: BTreeMap<String, Vec<(String, i64)>>,
    len: usize,
}

impl Pending {
    /// Commit everything pending: the records in one transaction, the new times of each
    /// collection in one more (a run over freshly copied sources must not fsync per file).
    /// Pages the catalog flagged as duplicates are added to the flagged count.
    fn flush(
        &mut self,
        catalog: &mut Catalog,
        batch: BatchId,
        counts: &mut BatchCounts,
    ) -> Result<(), CatalogError> {
        if !self.records.is_empty() {
            let found = catalog.record_files(batch, &self.records)?;
            counts.pages_flagged += found.newly_flagged_pages;
        }
        for (collection, updates) in &self.mtimes {
            catalog.update_mtimes(collection, updates)?;
        }
        *self = Pending::default();
        Ok(())
    }
}

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
    let mut pending = Pending::default();
    let mut since = Instant::now();
    loop {
        let wait = MAX_DELAY.saturating_sub(since.elapsed());
        let outcome = match outcomes.recv_timeout(wait) {
            Ok(outcome) => outcome,
            Err(RecvTimeoutError::Timeout) => {
                pending.flush(catalog, batch, &mut counts)?;
                since = Instant::now();
                continue;
            }
            Err(RecvTimeoutError::Disconnected) => {
                pending.flush(catalog, batch, &mut counts)?;
                return Ok(counts);
            }
        };
        if pending.len == 0 {
            since = Instant::now();
        }
        pending.len += 1;
        match outcome {
            Outcome::Record { record, is_new } => {
                count(&mut counts, &record, is_new);
                pending.records.push(record);
            }
            Outcome::Unchanged { key, mtime_ns } => {
                counts.files_unchanged += 1;
                let times = pending.mtimes.entry(key.collection).or_default();
                times.push((key.rel_path, mtime_ns));
            }
        }
        if pending.len >= BATCH_FILES || since.elapsed() >= MAX_DELAY {
            pending.flush(catalog, batch, &mut counts)?;
        }
    }
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
