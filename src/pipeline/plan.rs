//! Planning a run: walk every selected collection and compare what is there with what the
//! catalog already holds, without reading any file's content. A file whose path, size and
//! modification time match its latest archived version is unchanged; one with the same size
//! but another time is re-hashed, because copying tools often touch times without changing
//! bytes; any other difference is a change and becomes a new version. An entry refused by
//! the walk (a link not followed, a pipe) whose stat and reason match its recorded failure is
//! unchanged too, so a re-run of an unchanged tree has nothing to do.

use std::collections::HashMap;

use crate::catalog::{Catalog, CatalogError, KnownFile};
use crate::config::CollectionSettings;
use crate::content::ContentId;
use crate::model::{FileFailure, FileKey, SkipCount};
use crate::progress::{CollectionTotals, PlanTotals};
use crate::shard::Shard;
use crate::walk::{
    walk_collection, DossierSource, IgnoreRules, SourceFile, WalkError, WalkProblem,
};

/// What to do with one source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Never archived.
    New,
    /// Archived before with other content: archive a new version.
    Changed,
    /// Same size, other modification time: hash it; equal to `known` means unchanged.
    Recheck { known: ContentId },
    /// Archived before without ever being read (unreadable, too large): try again. With the
    /// same size and time, `failed` is the recorded failure: failing the same way again
    /// leaves the file unchanged instead of adding a version on every run.
    Retry { failed: Option<FileFailure> },
}

/// One file to process.
#[derive(Debug, Clone)]
pub struct FileTask {
    pub key: FileKey,
    pub source: SourceFile,
    pub action: Action,
}

/// The plan of one collection.
#[derive(Debug)]
pub struct CollectionPlan {
    pub id: String,
    pub name: String,
    pub dossiers: Vec<DossierSource>,
    pub tasks: Vec<FileTask>,
    pub unchanged: u64,
    pub problems: Vec<WalkProblem>,
    /// Entries skipped by `[walk] ignore`, per pattern.
    pub skipped: Vec<SkipCount>,
}

/// The plan of a run.
#[derive(Debug, Default)]
pub struct RunPlan {
    pub collections: Vec<CollectionPlan>,
}

/// Why a plan could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("collection {collection}: {source}")]
    Walk {
        collection: String,
        source: WalkError,
    },
    #[error(transparent)]
    Catalog(#[from] CatalogError),
}

/// Plan the given collections against the catalog, keeping the dossiers of `shard` only.
///
/// # Errors
/// A source folder cannot be read, or the catalog cannot be queried.
pub fn plan(
    catalog: &Catalog,
    collections: &[&CollectionSettings],
    ignore: &IgnoreRules,
    shard: Shard,
) -> Result<RunPlan, PlanError> {
    let mut plan = RunPlan::default();
    for c in collections {
        plan.collections
            .push(plan_collection(catalog, c, ignore, shard)?);
    }
    Ok(plan)
}

/// Plan one collection against the catalog, keeping the dossiers of `shard` only. What the
/// walk found outside every dossier (unreadable folders, entries skipped by `[walk] ignore`)
/// belongs to shard 0, so that merged shards count it once.
///
/// # Errors
/// Its source folder cannot be read, or the catalog cannot be queried.
pub fn plan_collection(
    catalog: &Catalog,
    c: &CollectionSettings,
    ignore: &IgnoreRules,
    shard: Shard,
) -> Result<CollectionPlan, PlanError> {
    let mut walked =
        walk_collection(&c.source, c.layout, ignore).map_err(|source| PlanError::Walk {
            collection: c.id.clone(),
            source,
        })?;
    walked.dossiers.retain(|d| shard.owns(&c.id, &d.code));
    if shard.index() != 0 {
        walked.problems.clear();
        walked.skipped.clear();
    }
    let known = catalog.known_files(&c.id)?;
    let mut cp = CollectionPlan {
        id: c.id.clone(),
        name: c.name.clone(),
        dossiers: Vec::new(),
        tasks: Vec::new(),
        unchanged: 0,
        problems: walked.problems,
        skipped: walked.skipped,
    };
    for dossier in walked.dossiers {
        plan_dossier(&c.id, &dossier, &known, &mut cp);
        cp.dossiers.push(dossier);
    }
    Ok(cp)
}

fn plan_dossier(
    collection: &str,
    dossier: &DossierSource,
    known: &HashMap<String, KnownFile>,
    cp: &mut CollectionPlan,
) {
    for file in &dossier.files {
        match action_for(file, known.get(&file.rel_path)) {
            None => cp.unchanged += 1,
            Some(action) => cp.tasks.push(FileTask {
                key: FileKey {
                    collection: collection.to_string(),
                    dossier: dossier.code.clone(),
                    rel_path: file.rel_path.clone(),
                },
                source: file.clone(),
                action,
            }),
        }
    }
}

fn action_for(file: &SourceFile, known: Option<&KnownFile>) -> Option<Action> {
    let Some(known) = known else {
        return Some(Action::New);
    };
    let same_stat = known.size == file.size && known.mtime_ns == file.mtime_ns;
    if let Some(refusal) = &file.refused {
        if known.content.is_none() && same_stat && known.failure.as_ref() == Some(refusal) {
            return None;
        }
        // Refused for the first time, for another reason, or it was readable once (e.g.
        // replaced by a link out of the source): record that as its new state.
        return Some(Action::Changed);
    }
    let Some(content) = known.content else {
        let failed = known.failure.clone().filter(|_| same_stat);
        return Some(Action::Retry { failed });
    };
    if known.size != file.size {
        return Some(Action::Changed);
    }
    if known.mtime_ns != file.mtime_ns {
        return Some(Action::Recheck { known: content });
    }
    None
}

impl RunPlan {
    /// Totals for the progress display.
    pub fn totals(&self) -> PlanTotals {
        let tasks = self.collections.iter().flat_map(|c| &c.tasks);
        PlanTotals {
            files: tasks.clone().count() as u64,
            bytes: tasks.map(|t| t.source.size).sum(),
            collections: self
                .collections
                .iter()
                .map(CollectionPlan::totals)
                .collect(),
        }
    }

    /// Entries of all sources skipped by `[walk] ignore`.
    pub fn skipped(&self) -> u64 {
        let counts = self.collections.iter().flat_map(|c| &c.skipped);
        counts.map(|s| s.entries).sum()
    }

    /// Number of files this run will process.
    pub fn task_count(&self) -> usize {
        self.collections.iter().map(|c| c.tasks.len()).sum()
    }
}

impl CollectionPlan {
    fn totals(&self) -> CollectionTotals {
        let pending: std::collections::HashSet<&str> =
            self.tasks.iter().map(|t| t.key.dossier.as_str()).collect();
        CollectionTotals {
            id: self.id.clone(),
            name: self.name.clone(),
            dossiers: self.dossiers.len() as u64,
            dossiers_ready: (self.dossiers.len() - pending.len()) as u64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::FileFailure;

    fn source(size: u64, mtime_ns: i64) -> SourceFile {
        SourceFile {
            rel_path: "HS-1/p1.jpg".into(),
            path: "/scans/HS-1/p1.jpg".into(),
            size,
            mtime_ns,
            disk_name: None,
            page_name: true,
            refused: None,
            twin: None,
        }
    }

    fn known(size: u64, mtime_ns: i64, content: Option<ContentId>) -> KnownFile {
        KnownFile {
            version: 1,
            size,
            mtime_ns,
            content,
            failure: None,
        }
    }

    #[test]
    fn a_refusal_already_recorded_is_unchanged() {
        let link = FileFailure {
            kind: "symlink".into(),
            message: "links to folders are not followed".into(),
        };
        let mut refused = source(10, 5);
        refused.refused = Some(link.clone());
        let recorded = KnownFile {
            failure: Some(link),
            ..known(10, 5, None)
        };
        assert_eq!(action_for(&refused, Some(&recorded)), None);
        let moved = source(10, 6);
        let moved = SourceFile {
            refused: refused.refused.clone(),
            ..moved
        };
        assert_eq!(action_for(&moved, Some(&recorded)), Some(Action::Changed));
        let id = ContentId::of_bytes(b"page");
        assert_eq!(
            action_for(&refused, Some(&known(10, 5, Some(id)))),
            Some(Action::Changed)
        );
    }

    #[test]
    fn actions_follow_size_time_and_content() {
        let id = ContentId::of_bytes(b"page");
        assert_eq!(action_for(&source(10, 5), None), Some(Action::New));
        assert_eq!(
            action_for(&source(10, 5), Some(&known(10, 5, Some(id)))),
            None
        );
        assert_eq!(
            action_for(&source(11, 5), Some(&known(10, 5, Some(id)))),
            Some(Action::Changed)
        );
        assert_eq!(
            action_for(&source(10, 6), Some(&known(10, 5, Some(id)))),
            Some(Action::Recheck { known: id })
        );
        assert_eq!(
            action_for(&source(10, 5), Some(&known(10, 5, None))),
            Some(Action::Retry { failed: None })
        );
    }
}
