//! The catalog's one error type. Each variant names the catalog file, collection, dossier,
//! file or batch it concerns, so that the binary can print it once with its chain and map it
//! to an exit code without knowing SQLite.

use std::path::PathBuf;

/// Why a catalog operation failed.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("catalog {path} does not exist")]
    NotFound { path: PathBuf },
    #[error("cannot open catalog {path}")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("{path} is not a sohoa catalog")]
    NotACatalog { path: PathBuf },
    #[error(
        "catalog {path} has schema version {found}, newer than the {known} this sohoa knows: \
         use a newer sohoa"
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error(
        "catalog {path} has schema version {found}, older than the {known} this sohoa reads, \
         and this user cannot write it: run `sohoa verify` once as its owner to upgrade it"
    )]
    OldReadOnly {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error(
        "catalog {path} has schema version {found}, not the {known} of this catalog: \
         the next `sohoa run` into that archive upgrades it; merge after"
    )]
    MergeVersion {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("cannot create catalog {path}: {source}")]
    Create {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot bring catalog {path} to schema version {version}")]
    Migrate {
        path: PathBuf,
        version: i64,
        source: rusqlite::Error,
    },
    #[error("collection {collection:?} is not in the catalog")]
    UnknownCollection { collection: String },
    #[error("dossier {dossier:?} of collection {collection:?} was not registered")]
    UnknownDossier { collection: String, dossier: String },
    #[error("no dossier {dossier:?} in the catalog")]
    NoSuchDossier { dossier: String },
    #[error("dossier {dossier:?} exists in several collections ({}): name one with --collection", collections.join(", "))]
    AmbiguousDossier {
        dossier: String,
        collections: Vec<String>,
    },
    #[error("file {rel_path:?} of collection {collection:?} is not in the catalog")]
    UnknownFile {
        collection: String,
        rel_path: String,
    },
    #[error("file {rel_path:?} of collection {collection:?} has pages but no content id")]
    MissingContent {
        collection: String,
        rel_path: String,
    },
    #[error("batch {uuid} is already in the catalog")]
    DuplicateBatch { uuid: String },
    #[error("batch #{batch} is not a running batch of this catalog")]
    BatchNotRunning { batch: i64 },
    #[error("cannot record file {rel_path:?} of collection {collection:?}")]
    RecordFile {
        collection: String,
        rel_path: String,
        source: rusqlite::Error,
    },
    #[error("cannot record page {page_index} of file {rel_path:?} of collection {collection:?}")]
    RecordPage {
        collection: String,
        rel_path: String,
        page_index: u32,
        source: rusqlite::Error,
    },
    #[error("cannot encode the words of page {page_index} of {rel_path:?} of {collection:?}")]
    EncodeWords {
        collection: String,
        rel_path: String,
        page_index: u32,
        source: serde_json::Error,
    },
    #[error("page #{page} cannot take this review: no such page, a value not of its form, or a page with no flag to clear")]
    NotReviewable { page: i64 },
    #[error("catalog query failed: {op}")]
    Sql {
        op: &'static str,
        source: rusqlite::Error,
    },
}

impl CatalogError {
    /// Whether another process held the catalog longer than the busy timeout, so the archive
    /// is in use rather than broken.
    pub fn is_busy(&self) -> bool {
        let source = match self {
            CatalogError::Open { source, .. }
            | CatalogError::Migrate { source, .. }
            | CatalogError::RecordFile { source, .. }
            | CatalogError::RecordPage { source, .. }
            | CatalogError::Sql { source, .. } => source,
            _ => return false,
        };
        matches!(
            source.sqlite_error_code(),
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
        )
    }
}

/// Names the operation a SQLite error happened in.
pub(super) trait During<T> {
    fn during(self, op: &'static str) -> Result<T, CatalogError>;
}

impl<T> During<T> for rusqlite::Result<T> {
    fn during(self, op: &'static str) -> Result<T, CatalogError> {
        self.map_err(|source| CatalogError::Sql { op, source })
    }
}
