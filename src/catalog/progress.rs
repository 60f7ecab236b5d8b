//! Read-only aggregates for `sohoa report`: a collection's dossiers counted by state, by the
//! UTC day their latest current file was recorded, and by the batch that recorded it (with
//! its operator and centre). A digitised dossier became digitised when the file version that
//! completed it was recorded, which is its latest current file: so that day and batch are
//! when, where and by whom it was digitised.
//!
//! One GROUP BY over the same per-dossier pass as `status.rs` (driven by the dossier and
//! `current_file` indexes, never the page table), then a second GROUP BY that folds 100,000
//! dossiers into a few hundred rows; the report module does the rest in memory.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Row};
use serde::Serialize;

use super::error::During;
use super::{Catalog, CatalogError};

/// Where a dossier stands, as defined in `status.rs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DossierState {
    Done,
    NeedsReview,
    Failed,
    InProgress,
}

impl DossierState {
    fn from_code(code: &str) -> Option<DossierState> {
        match code {
            "done" => Some(DossierState::Done),
            "needs-review" => Some(DossierState::NeedsReview),
            "failed" => Some(DossierState::Failed),
            "in-progress" => Some(DossierState::InProgress),
            _ => None,
        }
    }

    /// Done or needs review: every page stored, checked and read.
    pub fn is_digitised(self) -> bool {
        matches!(self, DossierState::Done | DossierState::NeedsReview)
    }
}

/// Dossiers of one state whose latest current file was recorded on one day by one batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressRow {
    pub state: DossierState,
    /// UTC day of the latest current file; `None` for a dossier with no file recorded yet.
    pub day: Option<NaiveDate>,
    /// The number of the batch that recorded that file (see `BatchId::number`); `None` as
    /// for `day`.
    pub batch: Option<String>,
    pub operator: Option<String>,
    pub centre: Option<String>,
    pub dossiers: u64,
    /// Pages of the current files of these dossiers.
    pub pages: u64,
    /// Current files of these dossiers recorded as duplicates (see `duplicate.rs`).
    pub duplicates: u64,
}

pub(super) const PROGRESS_SQL: &str = "
WITH cleared_pages AS (
    -- Flagged pages a reviewer cleared (`review.rs`): they no longer hold a dossier in review.
    SELECT file_id, count(DISTINCT page_id) AS cleared FROM review WHERE action = 'clear'
    GROUP BY file_id
), per_dossier AS (
    SELECT d.expected_files AS expected,
           count(f.id) AS files,
           coalesce(sum(f.failure_kind IS NOT NULL), 0) AS failed_files,
           coalesce(sum(f.page_count), 0) AS pages,
           coalesce(sum(f.pages_flagged), 0) - coalesce(sum(rv.cleared), 0) AS flagged,
           coalesce(sum(rv.cleared), 0) AS cleared,
           count(fd.file_id) AS duplicates,
           -- With a single max(), SQLite takes bare columns from the row holding the maximum:
           -- the batch of the latest file.
           max(f.recorded_at) AS at,
           f.batch_id AS batch_id
    FROM dossier d
    LEFT JOIN current_file c ON c.dossier_id = d.id
    LEFT JOIN file f ON f.id = c.file_id
    LEFT JOIN cleared_pages rv ON rv.file_id = f.id
    LEFT JOIN file_duplicate fd ON fd.file_id = f.id
    WHERE d.collection_id = ?1
    GROUP BY d.code
), stated AS (
    SELECT CASE WHEN failed_files > 0 THEN 'failed'
                WHEN files < expected THEN 'in-progress'
                WHEN flagged > 0 THEN 'needs-review'
                ELSE 'done' END AS state,
           substr(at, 1, 10) AS day, batch_id, pages, duplicates
    FROM per_dossier
)
SELECT s.state, s.day, CAST(s.batch_id AS TEXT), b.operator, b.centre, count(*), sum(s.pages),
       sum(s.duplicates)
FROM stated s
LEFT JOIN batch b ON b.id = s.batch_id
GROUP BY s.state, s.day, s.batch_id";

impl Catalog {
    /// The dossiers of a collection counted by state, day and batch; empty for a collection
    /// the catalog has never seen.
    ///
    /// # Errors
    /// The catalog cannot be read, or holds a malformed day.
    pub fn progress_rows(&self, collection: &str) -> Result<Vec<ProgressRow>, CatalogError> {
        let tx = self
            .conn
            .unchecked_transaction()
            .during("read report figures")?;
        let id: Option<i64> = tx
            .prepare_cached("SELECT id FROM collection WHERE code = ?1")
            .and_then(|mut stmt| stmt.query_row([collection], |row| row.get(0)).optional())
            .during("read report figures")?;
        let Some(id) = id else {
            return Ok(Vec::new());
        };
        let mut stmt = tx
            .prepare_cached(PROGRESS_SQL)
            .during("read report figures")?;
        let rows = stmt.query_map([id], progress_row);
        rows.and_then(Iterator::collect)
            .during("read report figures")
    }
}

fn progress_row(row: &Row<'_>) -> rusqlite::Result<ProgressRow> {
    let bad = |idx: usize, what: String| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, what.into())
    };
    let state: String = row.get(0)?;
    let state = DossierState::from_code(&state).ok_or_else(|| bad(0, state))?;
    let day: Option<String> = row.get(1)?;
    let day = day
        .map(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|_| bad(1, d)))
        .transpose()?;
    Ok(ProgressRow {
        state,
        day,
        batch: row.get(2)?,
        operator: row.get(3)?,
        centre: row.get(4)?,
        dossiers: row.get(5)?,
        pages: row.get(6)?,
        duplicates: row.get(7)?,
    })
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{failed, page, scanned, Harness, TestResult, COLLECTION};
    use super::*;
    use crate::model::PageFlag;

    #[test]
    fn dossiers_are_counted_by_state_with_their_batch() -> TestResult {
        let mut h = Harness::new()?;
        h.dossiers(&[("a", 1), ("b", 1), ("c", 1), ("d", 2), ("e", 1)])?;
        let blank = vec![page(0, "", &[PageFlag::Blank])];
        h.record(&[
            scanned(
                "a",
                "a/1.jpg",
                b"a",
                vec![page(0, "x", &[]), page(1, "y", &[])],
            ),
            scanned("b", "b/1.jpg", b"b", blank),
            failed("c", "c/1.jpg", "corrupt"),
            scanned("d", "d/1.jpg", b"d", vec![page(0, "z", &[])]),
        ])?;
        let mut rows = h.catalog.progress_rows(COLLECTION)?;
        rows.sort_by_key(|r| (r.state, r.day));
        let states: Vec<_> = rows
            .iter()
            .map(|r| (r.state, r.dossiers, r.pages))
            .collect();
        assert_eq!(
            states,
            vec![
                (DossierState::Done, 1, 2),
                (DossierState::NeedsReview, 1, 1),
                (DossierState::Failed, 1, 0),
                (DossierState::InProgress, 1, 0),
                (DossierState::InProgress, 1, 1),
            ]
        );
        // The number of the harness's batch, the first of its catalog.
        assert_eq!(rows[0].batch.as_deref(), Some("1"));
        assert!(rows[0].day.is_some());
        assert_eq!((rows[3].day, rows[3].batch.as_deref()), (None, None));
        assert!(h.catalog.progress_rows("ket-qua")?.is_empty());
        Ok(())
    }
}
