//! A collection's digitisation status, over the current version of each file of each
//! dossier. A dossier is **failed** when a current file has a failure; **in progress** when
//! not failed and it has fewer current files than its last walk found (a run was
//! interrupted); **needs review** when complete and some current page is flagged; **done**
//! otherwise. Computed by one GROUP BY in SQLite, driven by the dossier and `current_file`
//! indexes, because reports run it over hundreds of thousands of dossiers.

use rusqlite::{Connection, OptionalExtension};

use super::error::During;
use super::{Catalog, CatalogError, CollectionStatus, FailureRow};

/// One row of counts; `file.pages_flagged` is kept per file at insert time so that this
/// never reads the page table.
pub(super) const STATUS_SQL: &str = "
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
           coalesce(sum(rv.cleared), 0) AS cleared
    FROM dossier d
    LEFT JOIN current_file c ON c.dossier_id = d.id
    LEFT JOIN file f ON f.id = c.file_id
    LEFT JOIN cleared_pages rv ON rv.file_id = f.id
    WHERE d.collection_id = ?1
    GROUP BY d.code
)
SELECT count(*),
       coalesce(sum(failed_files = 0 AND files >= expected AND flagged = 0), 0),
       coalesce(sum(failed_files = 0 AND files >= expected AND flagged > 0), 0),
       coalesce(sum(failed_files > 0), 0),
       coalesce(sum(failed_files = 0 AND files < expected), 0),
       coalesce(sum(pages), 0),
       coalesce(sum(flagged), 0)
FROM per_dossier";

const FAILURES_SQL: &str = "
SELECT d.code, c.rel_path, f.failure_kind, f.failure_message
FROM dossier d
JOIN current_file c ON c.dossier_id = d.id
JOIN file f ON f.id = c.file_id
WHERE d.collection_id = ?1 AND f.failure_kind IS NOT NULL
ORDER BY d.code, c.rel_path";

impl Catalog {
    /// How far a collection is. A collection the catalog has never seen has nothing done.
    ///
    /// # Errors
    /// The catalog cannot be read.
    pub fn collection_status(&self, collection: &str) -> Result<CollectionStatus, CatalogError> {
        // One read transaction, so the counts and the failures come from the same snapshot
        // while a run is writing.
        let tx = self
            .conn
            .unchecked_transaction()
            .during("read collection status")?;
        let id: Option<i64> = tx
            .prepare_cached("SELECT id FROM collection WHERE code = ?1")
            .and_then(|mut stmt| stmt.query_row([collection], |row| row.get(0)).optional())
            .during("read collection status")?;
        let Some(id) = id else {
            return Ok(CollectionStatus::default());
        };
        let mut status = counts(&tx, id).during("read collection status")?;
        status.failures = failures(&tx, id).during("read collection failures")?;
        Ok(status)
    }
}

fn counts(conn: &Connection, collection: i64) -> rusqlite::Result<CollectionStatus> {
    conn.prepare_cached(STATUS_SQL)?
        .query_row([collection], |row| {
            let done: u64 = row.get(1)?;
            let needs_review: u64 = row.get(2)?;
            Ok(CollectionStatus {
                dossiers: row.get(0)?,
                done,
                needs_review,
                failed: row.get(3)?,
                in_progress: row.get(4)?,
                digitised: done + needs_review,
                pages: row.get(5)?,
                pages_flagged: row.get(6)?,
                failures: Vec::new(),
            })
        })
}

fn failures(conn: &Connection, collection: i64) -> rusqlite::Result<Vec<FailureRow>> {
    let mut stmt = conn.prepare_cached(FAILURES_SQL)?;
    let rows = stmt.query_map([collection], |row| {
        Ok(FailureRow {
            dossier: row.get(0)?,
            rel_path: row.get(1)?,
            kind: row.get(2)?,
            message: row.get(3)?,
        })
    })?;
    rows.collect()
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{failed, page, scanned, Harness, TestResult, COLLECTION};
    use super::*;
    use crate::model::PageFlag;

    /// One dossier in each state, and one registered but never processed.
    fn one_of_each(h: &mut Harness) -> Result<(), CatalogError> {
        let plans = [
            ("done", 2),
            ("review", 1),
            ("failed", 2),
            ("partial", 3),
            ("empty", 1),
        ];
        h.dossiers(&plans)?;
        let two_pages = vec![page(0, "b", &[]), page(1, "c", &[])];
        let blank = vec![page(0, "", &[PageFlag::Blank])];
        h.record(&[
            scanned("done", "done/1.jpg", b"d1", vec![page(0, "a", &[])]),
            scanned("done", "done/2.tif", b"d2", two_pages),
            scanned("review", "review/1.jpg", b"r1", blank),
            scanned("failed", "failed/1.jpg", b"f1", vec![page(0, "e", &[])]),
            failed("failed", "failed/2.tif", "truncated"),
            scanned("partial", "partial/1.jpg", b"p1", vec![page(0, "f", &[])]),
        ])
    }

    #[test]
    fn each_dossier_state_is_counted() -> TestResult {
        let mut h = Harness::new()?;
        one_of_each(&mut h)?;
        let status = h.catalog.collection_status(COLLECTION)?;
        let states = (status.done, status.needs_review, status.failed);
        assert_eq!((status.dossiers, states), (5, (1, 1, 1)));
        assert_eq!((status.in_progress, status.digitised), (2, 2));
        assert_eq!((status.pages, status.pages_flagged), (6, 1));
        assert_eq!(status.failures.len(), 1);
        let failure = &status.failures[0];
        assert_eq!(failure.dossier, "failed");
        assert_eq!(failure.rel_path, "failed/2.tif");
        assert_eq!(failure.kind, "truncated");
        assert_eq!(failure.message, "failed/2.tif: truncated");
        Ok(())
    }

    #[test]
    fn only_the_current_version_counts() -> TestResult {
        let mut h = Harness::new()?;
        h.dossiers(&[("HS-1", 1)])?;
        h.record(&[failed("HS-1", "HS-1/1.jpg", "unreadable")])?;
        assert_eq!(h.catalog.collection_status(COLLECTION)?.failed, 1);
        h.record(&[scanned(
            "HS-1",
            "HS-1/1.jpg",
            b"ok",
            vec![page(0, "x", &[])],
        )])?;
        let status = h.catalog.collection_status(COLLECTION)?;
        assert_eq!((status.failed, status.done, status.pages), (0, 1, 1));
        assert!(status.failures.is_empty());
        // A rescan that finds more files reopens the dossier.
        h.dossiers(&[("HS-1", 2)])?;
        assert_eq!(h.catalog.collection_status(COLLECTION)?.in_progress, 1);
        Ok(())
    }

    #[test]
    fn a_collection_never_seen_has_nothing_done() -> TestResult {
        let h = Harness::new()?;
        assert_eq!(
            h.catalog.collection_status("ket-qua")?,
            CollectionStatus::default()
        );
        Ok(())
    }
}
