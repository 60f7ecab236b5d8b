//! The result of a run, as data: what this batch did, and where each collection now stands
//! against its target. The binary renders it for people (Vietnamese or English) or as JSON;
//! field names here are the JSON schema, so rename nothing.

use serde::Serialize;

use crate::catalog::{BatchCounts, CollectionStatus};
use crate::config::CollectionSettings;
use crate::model::SkipCount;

/// Everything `sohoa run` reports at the end.
#[derive(Debug, Clone, Serialize)]
pub struct RunSummary {
    /// Globally unique id of the batch.
    pub batch: String,
    /// The batch's number in this archive, as `report --by batch` lists it.
    pub batch_number: i64,
    pub started_at: String,
    pub finished_at: String,
    pub wall_seconds: f64,
    /// Stopped by Ctrl-C before all files were processed.
    pub interrupted: bool,
    pub workers: usize,
    pub files: FileCounts,
    pub pages: u64,
    pub pages_flagged: u64,
    pub pages_per_minute: f64,
    pub collections: Vec<CollectionSummary>,
    /// Things in the sources that could not be looked at (unreadable folders…).
    pub problems: Vec<Problem>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct FileCounts {
    pub new: u64,
    pub changed: u64,
    pub unchanged: u64,
    pub failed: u64,
    /// Entries of the sources skipped by `[walk] ignore` (not files of any dossier).
    pub skipped: u64,
}

/// Where one collection stands after the run (the whole archive, not only this batch).
#[derive(Debug, Clone, Serialize)]
pub struct CollectionSummary {
    pub id: String,
    pub name: String,
    pub target: Option<u64>,
    /// Dossiers found in the source by this run's walk.
    pub dossiers_found: u64,
    pub digitised: u64,
    pub done: u64,
    pub needs_review: u64,
    pub failed: u64,
    pub in_progress: u64,
    pub pages: u64,
    pub pages_flagged: u64,
    pub failures: Vec<Failure>,
    /// Entries this run's walk skipped by `[walk] ignore`, in all.
    pub skipped: u64,
    /// The same, per pattern (a skipped folder counts once).
    pub skipped_by: Vec<SkipCount>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    pub dossier: String,
    pub file: String,
    pub kind: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    pub collection: String,
    pub path: String,
    pub message: String,
    /// Not a part of the source that could not be read, but an object of the store found
    /// corrupt and repaired from this file.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub repaired: bool,
}

impl RunSummary {
    /// True when something needs attention: a failed dossier, an unreadable part of a source,
    /// or work left undone by an interruption.
    pub fn has_problems(&self) -> bool {
        self.interrupted
            || !self.problems.is_empty()
            || self.collections.iter().any(|c| c.failed > 0)
    }
}

impl FileCounts {
    pub fn from_batch(counts: &BatchCounts, skipped: u64) -> FileCounts {
        FileCounts {
            new: counts.files_new,
            changed: counts.files_changed,
            unchanged: counts.files_unchanged,
            failed: counts.files_failed,
            skipped,
        }
    }
}

impl CollectionSummary {
    pub fn new(
        settings: &CollectionSettings,
        dossiers_found: u64,
        status: CollectionStatus,
        skipped_by: Vec<SkipCount>,
    ) -> CollectionSummary {
        let failures = status
            .failures
            .into_iter()
            .map(|f| Failure {
                dossier: f.dossier,
                file: f.rel_path,
                kind: f.kind,
                message: f.message,
            })
            .collect();
        CollectionSummary {
            id: settings.id.clone(),
            name: settings.name.clone(),
            target: settings.target,
            dossiers_found,
            digitised: status.digitised,
            done: status.done,
            needs_review: status.needs_review,
            failed: status.failed,
            in_progress: status.in_progress,
            pages: status.pages,
            pages_flagged: status.pages_flagged,
            failures,
            skipped: skipped_by.iter().map(|s| s.entries).sum(),
            skipped_by,
        }
    }
}
