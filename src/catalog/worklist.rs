//! Worklists for supervisors: *which* files failed and *which* pages need review, with the
//! reason and who recorded them, where the report only counts them. Read-only; one query per
//! list over the current files of a collection, in dossier and file order.

use chrono::NaiveDate;
use serde::Serialize;

use super::error::During;
use super::{Catalog, CatalogError};

/// Which worklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum WorkKind {
    /// Files that could not be read: the dossier is failed until a good scan replaces them.
    Failed,
    /// Pages with a review flag, in files that were read.
    Review,
}

/// One line of a worklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkItem {
    pub dossier: String,
    /// Path of the file relative to the collection's source.
    pub file: String,
    /// 1-based page of the file, for a review item.
    pub page: Option<u32>,
    /// The failure kind (`truncated`, …) or the page's flags (`low-confidence,blank`).
    pub reason: String,
    /// What went wrong, for a failed file.
    pub message: Option<String>,
    pub operator: Option<String>,
    pub centre: Option<String>,
    /// UTC day the file was recorded.
    pub day: Option<NaiveDate>,
}

const FAILED_SQL: &str = "
SELECT d.code, f.rel_path, NULL, f.failure_kind, f.failure_message,
       b.operator, b.centre, substr(f.recorded_at, 1, 10)
FROM collection col
JOIN current_file c ON c.collection_id = col.id
JOIN file f ON f.id = c.file_id
JOIN dossier d ON d.id = c.dossier_id
JOIN batch b ON b.id = f.batch_id
WHERE col.code = ?1 AND f.failure_kind IS NOT NULL
ORDER BY d.code, f.rel_path";

const REVIEW_SQL: &str = concat!(
    "
SELECT d.code, f.rel_path, p.page_index + 1, p.flags, NULL,
       b.operator, b.centre, substr(f.recorded_at, 1, 10)",
    awaiting_review_sql!(),
    "
  AND col.code = ?1
ORDER BY d.code, f.rel_path, p.page_index"
);

impl Catalog {
    /// The worklist of one collection; empty for a collection the catalog has never seen.
    ///
    /// # Errors
    /// The catalog cannot be read.
    pub fn worklist(
        &self,
        collection: &str,
        kind: WorkKind,
    ) -> Result<Vec<WorkItem>, CatalogError> {
        let sql = match kind {
            WorkKind::Failed => FAILED_SQL,
            WorkKind::Review => REVIEW_SQL,
        };
        let mut stmt = self.conn.prepare_cached(sql).during("read a worklist")?;
        let rows = stmt.query_map([collection], |row| {
            let day: Option<String> = row.get(7)?;
            Ok(WorkItem {
                dossier: row.get(0)?,
                file: row.get(1)?,
                page: row.get(2)?,
                reason: row.get(3)?,
                message: row.get(4)?,
                operator: row.get(5)?,
                centre: row.get(6)?,
                day: day.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
            })
        });
        rows.and_then(Iterator::collect).during("read a worklist")
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{failed, page, scanned, Harness, TestResult, COLLECTION};
    use super::*;
    use crate::model::PageFlag;

    #[test]
    fn failed_files_and_flagged_pages_are_listed_with_their_reason() -> TestResult {
        let mut h = Harness::new()?;
        h.dossiers(&[("a", 1), ("b", 1), ("c", 1)])?;
        let pages = vec![
            page(0, "x", &[]),
            page(1, "", &[PageFlag::Blank, PageFlag::LowConfidence]),
        ];
        h.record(&[
            scanned("a", "a/1.jpg", b"a", vec![page(0, "x", &[])]),
            scanned("b", "b/1.tif", b"b", pages),
            failed("c", "c/1.jpg", "corrupt"),
        ])?;
        let failed = h.catalog.worklist(COLLECTION, WorkKind::Failed)?;
        assert_eq!(failed.len(), 1);
        assert_eq!(
            (failed[0].dossier.as_str(), failed[0].file.as_str()),
            ("c", "c/1.jpg")
        );
        assert_eq!(failed[0].reason, "corrupt");
        assert!(failed[0].message.is_some() && failed[0].day.is_some());
        let review = h.catalog.worklist(COLLECTION, WorkKind::Review)?;
        let lines: Vec<_> = review
            .iter()
            .map(|w| (w.dossier.as_str(), w.page, w.reason.as_str()))
            .collect();
        assert_eq!(lines, vec![("b", Some(2), "blank,low-confidence")]);
        assert!(h.catalog.worklist("ket-qua", WorkKind::Failed)?.is_empty());
        Ok(())
    }
}
