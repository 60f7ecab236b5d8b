//! The archive's SQLite catalog: collections, batches, dossiers, every version of every
//! source file, the OCR of every page with a full-text index, and the objects they point to.
//! This is the only module that knows SQLite; the pipeline's single writer thread owns a
//! `Catalog` and commits files in batches, while `report`, `search`, `show`, `verify` and
//! `export` open it read-mostly.
//!
//! Rows are keyed internally by integer rowids, but every row also has a natural key
//! (batch uuid; collection code; dossier code; collection + path + version; file + page
//! index; SHA-256) so that catalogs from several workstations can later be merged.
//! Nothing is ever deleted; a changed source file becomes a new version.

/// The FROM and WHERE of the pages awaiting review: flagged pages of the current version of
/// files that were read, not cleared by a reviewer. `report --list review` and the review
/// station's queue both use it, so the two lists never disagree. Columns: `col`, `c`, `f`,
/// `d`, `b` (the file's batch), `p`.
macro_rules! awaiting_review_sql {
    () => {
        "
FROM collection col
JOIN current_file c ON c.collection_id = col.id
JOIN file f ON f.id = c.file_id
JOIN dossier d ON d.id = c.dossier_id
JOIN batch b ON b.id = f.batch_id
JOIN page p ON p.file_id = f.id
WHERE f.failure_kind IS NULL AND f.pages_flagged > 0 AND p.flags != ''
  AND NOT EXISTS (SELECT 1 FROM review r WHERE r.page_id = p.id AND r.action = 'clear')"
    };
}

/// The latest correction of page `p`'s text (`review_text.rs`), NULL when no reviewer
/// corrected it. Served by `review_page(page_id, id)`: one index step per page.
macro_rules! text_correction_sql {
    () => {
        "(SELECT r.value FROM review r WHERE r.page_id = p.id AND r.action = 'text'
          ORDER BY r.id DESC LIMIT 1)"
    };
}

/// The current text of page `p`: its latest correction, else its reading. Everything that
/// shows, exports or indexes page text reads it so, never `p.text` alone.
macro_rules! page_text_sql {
    () => {
        concat!("coalesce(", text_correction_sql!(), ", p.text)")
    };
}

mod audit;
mod bag;
mod batch;
mod chain;
mod chain_audit;
mod chain_cover;
mod collection;
mod derived_audit;
mod dossier;
mod duplicate;
mod error;
mod fixity;
mod form;
mod form_read;
mod merge;
mod merge_reviews;
mod merge_rows;
mod mtime;
mod open;
mod page;
mod page_fields;
mod pdf_pages;
mod progress;
mod read;
mod repair;
mod review;
mod review_figures;
mod review_history;
mod review_read;
mod review_text;
mod schema;
mod search;
mod search_hints;
mod search_index;
mod search_tiers;
mod show;
mod status;
mod types;
mod walk_skip;
mod worklist;
mod write;

#[cfg(test)]
mod merge_scale;
#[cfg(test)]
mod scale;
#[cfg(test)]
mod testkit;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::types::Type;
use rusqlite::{Connection, Row};

pub use audit::{Audit, CatalogObject, ChainIssue, ChainIssueKind, FileUse, RowIssue};
pub use bag::BagFile;
pub use duplicate::{DuplicateRow, FilePlace};
pub use error::CatalogError;
pub use fixity::FixityEvent;
pub use form_read::{FormFilter, FormPage};
pub use merge::{MergedCounts, SourceCatalog};
pub use open::ReadMode;
pub use pdf_pages::{PdfDossier, PdfPage};
pub use progress::{DossierState, ProgressRow};
pub use review::{NewReview, ReviewAction};
pub use review_figures::ReviewRow;
pub use review_history::ReviewEvent;
pub use review_read::{PageObject, QueueDossier, QueueFilter, QueuePage, ReviewField, ReviewPage};
pub use search::{Hit, SearchRequest};
pub use search_hints::Suggestions;
pub use show::{DossierView, PageView};
pub use types::{
    BatchCounts, BatchEnd, BatchId, BatchRow, BatchStatus, CollectionInfo, CollectionStatus,
    DossierPlan, FailureRow, KnownFile, NewBatch, PageText,
};
pub use worklist::{WorkItem, WorkKind};
pub use write::Recorded;

/// How long to wait for another process's lock before reporting the catalog busy; long
/// enough to ride out a writer's commit, short enough that a stuck process is noticed.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// An open catalog. Not `Sync`: one thread owns it.
#[derive(Debug)]
pub struct Catalog {
    conn: Connection,
    path: PathBuf,
    /// Set when opened by [`Catalog::open_read_only`]: writes fail.
    read_mode: Option<ReadMode>,
}

impl Catalog {
    /// The file this catalog lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// How every timestamp is stored: UTC, RFC 3339, milliseconds, `Z`; so text order is time
/// order.
fn time_text(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Read a timestamp column written by [`time_text`].
fn time_at(row: &Row<'_>, idx: usize) -> rusqlite::Result<DateTime<Utc>> {
    let text: String = row.get(idx)?;
    DateTime::parse_from_rfc3339(&text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, Box::new(e)))
}

#[cfg(test)]
mod tests {
    use super::schema::{known_version, APPLICATION_ID};
    use super::testkit::{scanned, Harness, TestResult};
    use super::*;

    fn pragma(catalog: &Catalog, name: &str) -> rusqlite::Result<String> {
        catalog
            .conn
            .pragma_query_value(None, name, |row| row.get::<_, rusqlite::types::Value>(0))
            .map(|v| match v {
                rusqlite::types::Value::Integer(i) => i.to_string(),
                rusqlite::types::Value::Text(t) => t,
                other => format!("{other:?}"),
            })
    }

    #[test]
    fn creates_the_schema_and_reopens_without_migrating_again() -> TestResult {
        let mut h = Harness::new()?;
        h.dossiers(&[("HS-1", 1)])?;
        h.record(&[scanned("HS-1", "HS-1/p1.jpg", b"one", vec![])])?;
        let path = h.path();
        drop(h.catalog);
        for catalog in [
            Catalog::create_or_open(&path)?,
            Catalog::open_existing(&path)?,
        ] {
            assert_eq!(
                pragma(&catalog, "user_version")?,
                known_version().to_string()
            );
            assert_eq!(
                pragma(&catalog, "application_id")?,
                APPLICATION_ID.to_string()
            );
            assert_eq!(pragma(&catalog, "journal_mode")?, "wal");
            assert_eq!(pragma(&catalog, "foreign_keys")?, "1");
            // synchronous: 2 = FULL.
            assert_eq!(pragma(&catalog, "synchronous")?, "2");
            assert_eq!(catalog.known_files("cu-tru")?.len(), 1);
        }
        Ok(())
    }

    #[test]
    fn refuses_a_catalog_newer_than_the_code() -> TestResult {
        let h = Harness::new()?;
        let path = h.path();
        h.catalog
            .conn
            .pragma_update(None, "user_version", known_version() + 1)?;
        drop(h.catalog);
        for opened in [
            Catalog::create_or_open(&path),
            Catalog::open_existing(&path),
        ] {
            match opened {
                Err(CatalogError::TooNew { found, known, .. }) => {
                    assert_eq!((found, known), (known_version() + 1, known_version()));
                }
                other => panic!("expected TooNew, got {other:?}"),
            }
        }
        Ok(())
    }

    #[test]
    fn open_existing_refuses_missing_files_and_other_databases() -> TestResult {
        let dir = tempfile::TempDir::new()?;
        let missing = dir.path().join("absent.sqlite");
        assert!(matches!(
            Catalog::open_existing(&missing),
            Err(CatalogError::NotFound { .. })
        ));
        assert!(!missing.exists(), "open_existing must not create the file");

        let empty = dir.path().join("empty.sqlite");
        std::fs::write(&empty, b"")?;
        assert!(matches!(
            Catalog::open_existing(&empty),
            Err(CatalogError::NotACatalog { .. })
        ));

        let other = dir.path().join("other.sqlite");
        Connection::open(&other)?.execute_batch("CREATE TABLE t (x INTEGER)")?;
        for opened in [
            Catalog::create_or_open(&other),
            Catalog::open_existing(&other),
        ] {
            assert!(matches!(opened, Err(CatalogError::NotACatalog { .. })));
        }
        Ok(())
    }
}
