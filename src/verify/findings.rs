//! What `sohoa verify` reports: every finding, each naming the object and the files
//! (collection, dossier, path, pages) that are that object, or the catalog row that changed.

use serde::Serialize;

use crate::catalog::{ChainIssue, FileUse};

/// One problem found in the archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Finding {
    /// The catalog names an object that is not in the store.
    MissingObject { object: String, files: Vec<FileUse> },
    /// The object's bytes are not the ones recorded: a different size or SHA-256 (`actual`
    /// is absent when only the size was checked).
    AlteredObject {
        object: String,
        actual: Option<String>,
        expected_size: u64,
        actual_size: u64,
        files: Vec<FileUse>,
    },
    /// A file in `objects/` the catalog does not know (path relative to the archive).
    UnknownFile { path: String },
    /// A file row whose checksum has no object row.
    RowWithoutObject { object: String, file: FileUse },
    /// A partial copy left in `tmp/` by an interrupted run (the next run removes it).
    LeftoverTemporary { path: String },
    /// The catalog was changed after the fact, as the chain shows.
    CatalogChanged { issue: ChainIssue },
    /// The head kept earlier is not a link of this chain.
    RootNotFound { expected: String },
    /// A catalog row that disagrees with the chained rows it derives from or with its
    /// chained snapshot: `problem` is `missing`, `unexpected`, `changed` or `unchained`.
    RowMismatch {
        table: String,
        row: String,
        problem: String,
    },
}

impl Finding {
    /// Stable kebab-case name of the finding, as in the JSON output.
    pub fn code(&self) -> &'static str {
        match self {
            Finding::MissingObject { .. } => "missing-object",
            Finding::AlteredObject { .. } => "altered-object",
            Finding::UnknownFile { .. } => "unknown-file",
            Finding::RowWithoutObject { .. } => "row-without-object",
            Finding::LeftoverTemporary { .. } => "leftover-temporary",
            Finding::CatalogChanged { .. } => "catalog-changed",
            Finding::RootNotFound { .. } => "root-not-found",
            Finding::RowMismatch { .. } => "row-mismatch",
        }
    }

    /// Sort key: by kind, then by what it names, so output is stable whatever the threads did.
    pub(super) fn sort_key(&self) -> (String, String) {
        let what = match self {
            Finding::MissingObject { object, .. }
            | Finding::AlteredObject { object, .. }
            | Finding::RowWithoutObject { object, .. } => object.clone(),
            Finding::UnknownFile { path } | Finding::LeftoverTemporary { path } => path.clone(),
            Finding::CatalogChanged { issue } => format!("{:08}", issue.seq.unwrap_or(0)),
            Finding::RootNotFound { expected } => expected.clone(),
            Finding::RowMismatch { table, row, .. } => format!("{table} {row}"),
        };
        (self.code().to_string(), what)
    }
}
