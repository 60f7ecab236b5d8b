//! `sohoa verify`: fixity and consistency of an archive. Compares the catalog with the object
//! store (missing, altered, unknown objects; rows without objects; leftover temporary
//! files), recomputes the tamper-evident chain, and records the verification as a chained
//! fixity event. Called by the binary; composes the catalog, the store and the lock probe.
//!
//! Verify never takes the archive lock, so it runs beside a `sohoa run`: it checks only what
//! the catalog had committed when it began (one read transaction), and it does not judge
//! files in the store younger than the live run's lock (or than verify's own start), which
//! may be objects whose rows are not committed yet.

mod derived;
mod findings;
mod rehash;
mod store_scan;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use chrono::{DateTime, Utc};
use serde::Serialize;

pub use findings::Finding;

use crate::catalog::{Catalog, CatalogError, CatalogObject, FixityEvent};
use crate::content::ContentId;
use crate::lock::{self, LockError};
use crate::merkle::merkle_root;
use crate::pipeline::CATALOG_FILE;
use crate::store::{ObjectStore, StoreError};

/// How thoroughly to check objects.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Level {
    /// Catalog integrity check; every object present with the right size.
    Quick,
    /// Re-read and re-hash every object.
    Full,
    /// Re-hash this percentage of the objects, continuing where the last sample stopped.
    Sample(f64),
}

impl Level {
    /// Stable name, as recorded in fixity events.
    pub fn code(self) -> &'static str {
        match self {
            Level::Quick => "quick",
            Level::Full => "full",
            Level::Sample(_) => "sample",
        }
    }
}

/// What to verify and who verifies.
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    pub level: Level,
    /// A chain head kept earlier, which must still be a link of the chain.
    pub expect_root: Option<String>,
    /// Recorded with the fixity event.
    pub agent: String,
}

/// Receives progress from the parallel re-hash; called from worker threads.
pub trait VerifyProgress: Sync {
    fn start(&self, _objects: u64, _bytes: u64) {}
    fn object_done(&self, _bytes: u64) {}
    fn finish(&self) {}
}

/// Reports nothing.
pub struct NoVerifyProgress;

impl VerifyProgress for NoVerifyProgress {}

/// Why verification could not be done: the archive is unusable.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error("catalog {path} is damaged: {}", messages.join("; "))]
    Corrupt {
        path: PathBuf,
        messages: Vec<String>,
    },
    #[error(transparent)]
    Lock(#[from] LockError),
    #[error(transparent)]
    Open(#[from] StoreError),
    #[error("cannot list {path}: {source}")]
    Store {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The outcome of one verification.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    pub level: &'static str,
    pub at: DateTime<Utc>,
    pub objects_total: u64,
    pub objects_checked: u64,
    pub bytes_checked: u64,
    pub chain_links: u64,
    /// Store files not judged because a run may be writing them.
    pub skipped_recent: u64,
    pub findings: Vec<Finding>,
    /// Chain head after this verification's own link (or as found, when not recorded).
    pub head: String,
    /// Why the verification could not be recorded in the catalog (a read-only or full
    /// archive); the checks above were still made.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_recorded: Option<String>,
}

/// Verify the archive at `archive` and record the verification where the catalog can be
/// written. The checks read the catalog read-only, so a copy the user cannot write (or a
/// full disk) is still verified; the report then says the event was not recorded.
///
/// # Errors
/// The catalog is missing, damaged or unreadable, or the store cannot be listed.
pub fn verify<P: VerifyProgress>(
    archive: &Path,
    options: &VerifyOptions,
    progress: &P,
) -> Result<VerifyReport, VerifyError> {
    let started = SystemTime::now();
    let at = Utc::now();
    let live = lock::held_since(archive)?;
    let catalog = Catalog::open_read_only(&archive.join(CATALOG_FILE))?;
    let damage = catalog.integrity_check()?;
    if !damage.is_empty() {
        return Err(VerifyError::Corrupt {
            path: catalog.path().to_path_buf(),
            messages: damage,
        });
    }
    let audit = catalog.audit()?;
    let store = ObjectStore::at(archive);
    let (selected, cursor) = select(&catalog, &audit.objects, options.level)?;
    progress.start(selected.len() as u64, selected.iter().map(|o| o.size).sum());
    let checked = rehash::check(&store, &selected, options.level != Level::Quick, progress);
    progress.finish();
    let known: HashSet<PathBuf> = audit.objects.iter().map(|o| store.path_of(&o.id)).collect();
    // Probe again: a run that started meanwhile is as live as one found at the start.
    let live = live.or(lock::held_since(archive)?);
    let cutoff = live.map_or(started, |since| since.min(started));
    let scan = store_scan::scan(archive, &known, cutoff)?;
    let skipped_recent = scan.skipped_recent;
    let rows = derived::check(&catalog, options.level, audit.rows)?;
    let mut findings = gather(
        checked.findings,
        scan,
        audit.without_object,
        audit.chain,
        |expected| {
            !audit
                .hashes
                .iter()
                .any(|h| h.eq_ignore_ascii_case(expected))
        },
        options.expect_root.as_deref(),
    );
    findings.extend(rows);
    findings.sort_by_key(Finding::sort_key);
    let event = FixityEvent {
        at,
        agent: options.agent.clone(),
        level: options.level.code().to_string(),
        outcome: if findings.is_empty() {
            "clean"
        } else {
            "findings"
        }
        .to_string(),
        objects_checked: selected.len() as u64,
        bytes_checked: checked.bytes,
        findings: findings.len() as u64,
        sample_cursor: cursor,
    };
    let recorded = record(catalog.path(), &event, &merkle_root(&checked.intact));
    let (head, not_recorded) = match recorded {
        Ok(head) => (head, None),
        Err(why) => (catalog.chain_head()?, Some(why)),
    };
    Ok(VerifyReport {
        level: options.level.code(),
        at,
        objects_total: audit.objects.len() as u64,
        objects_checked: event.objects_checked,
        bytes_checked: event.bytes_checked,
        chain_links: audit.links,
        skipped_recent,
        findings,
        head,
        not_recorded,
    })
}

/// Append the fixity event through a connection of its own, the only write verify makes;
/// the new chain head, or why it could not be written.
fn record(path: &Path, event: &FixityEvent, root: &ContentId) -> Result<String, String> {
    if !Catalog::may_write(path) {
        return Err(format!(
            "catalog {} is read-only for this user",
            path.display()
        ));
    }
    let write = || -> Result<String, CatalogError> {
        let mut catalog = Catalog::open_existing(path)?;
        catalog.record_fixity(event, root)?;
        catalog.chain_head()
    };
    write().map_err(|e| crate::error_text::one_line(&e))
}

/// Every finding, in a stable order.
fn gather(
    checked: Vec<Finding>,
    scan: store_scan::StoreScan,
    without_object: Vec<(crate::catalog::FileUse, String)>,
    chain: Vec<crate::catalog::ChainIssue>,
    root_missing: impl Fn(&str) -> bool,
    expect_root: Option<&str>,
) -> Vec<Finding> {
    let mut findings = checked;
    findings.extend(scan.findings);
    findings.extend(
        without_object
            .into_iter()
            .map(|(file, object)| Finding::RowWithoutObject { object, file }),
    );
    findings.extend(
        chain
            .into_iter()
            .map(|issue| Finding::CatalogChanged { issue }),
    );
    if let Some(expected) = expect_root.filter(|e| root_missing(e)) {
        findings.push(Finding::RootNotFound {
            expected: expected.to_string(),
        });
    }
    findings.sort_by_key(Finding::sort_key);
    findings
}

/// The objects this level checks, and for a sample, where it stopped.
fn select<'a>(
    catalog: &Catalog,
    objects: &'a [CatalogObject],
    level: Level,
) -> Result<(Vec<&'a CatalogObject>, Option<String>), VerifyError> {
    let Level::Sample(percent) = level else {
        return Ok((objects.iter().collect(), None));
    };
    if objects.is_empty() {
        return Ok((Vec::new(), None));
    }
    let wanted = ((objects.len() as f64 * percent / 100.0).ceil() as usize).clamp(1, objects.len());
    // Objects are in id order; start after the last one the previous sample checked and
    // wrap around, so repeated samples cover the whole archive.
    let start = match catalog.last_sample_cursor()? {
        Some(cursor) => objects.partition_point(|o| o.id.to_hex() <= cursor) % objects.len(),
        None => 0,
    };
    let chosen: Vec<&CatalogObject> = objects.iter().cycle().skip(start).take(wanted).collect();
    let cursor = chosen.last().map(|o| o.id.to_hex());
    Ok((chosen, cursor))
}
