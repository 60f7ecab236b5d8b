//! Read-only figures of review work for `sohoa report`: a collection's decisions
//! (`review.rs`) counted per reviewer, UTC day of the decision and dossier. The report
//! module folds these rows into totals per reviewer and per day; it needs the dossier to
//! count each dossier reviewed once however many of its pages were cleared.
//!
//! Every decision counts, on whichever file version it was made: it is work done, even when
//! a later scan of the file has replaced that version since. One pass over `review` (a
//! decision is a person's keystroke: far fewer rows than pages), each joined to its file
//! by rowid.

use chrono::NaiveDate;
use rusqlite::Row;

use super::error::During;
use super::{Catalog, CatalogError};

/// One reviewer's decisions on one dossier on one UTC day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewRow {
    pub reviewer: String,
    pub day: NaiveDate,
    /// The dossier's code.
    pub dossier: String,
    /// Pages cleared (`clear` decisions).
    pub cleared: u64,
    /// Form values accepted as read.
    pub accepted: u64,
    /// Form values corrected.
    pub corrected: u64,
}

const REVIEW_ROWS_SQL: &str = "
SELECT r.reviewer, substr(r.at, 1, 10) AS day, d.code,
       sum(r.action = 'clear'), sum(r.action = 'accept'), sum(r.action = 'correct')
FROM review r
JOIN file f ON f.id = r.file_id
JOIN dossier d ON d.id = f.dossier_id
JOIN collection col ON col.id = f.collection_id
WHERE col.code = ?1
GROUP BY r.reviewer, day, d.code";

impl Catalog {
    /// The review work on a collection's dossiers, by reviewer, day and dossier; empty for
    /// a collection never reviewed or never seen.
    ///
    /// # Errors
    /// The catalog cannot be read, or holds a malformed decision time.
    pub fn review_rows(&self, collection: &str) -> Result<Vec<ReviewRow>, CatalogError> {
        let mut stmt = self
            .conn
            .prepare_cached(REVIEW_ROWS_SQL)
            .during("read review figures")?;
        let rows = stmt.query_map([collection], review_row);
        rows.and_then(Iterator::collect)
            .during("read review figures")
    }
}

fn review_row(row: &Row<'_>) -> rusqlite::Result<ReviewRow> {
    let day: String = row.get(1)?;
    let day = NaiveDate::parse_from_str(&day, "%Y-%m-%d").map_err(|_| {
        rusqlite::Error::FromSqlConversionFailure(1, rusqlite::types::Type::Text, day.into())
    })?;
    Ok(ReviewRow {
        reviewer: row.get(0)?,
        day,
        dossier: row.get(2)?,
        cleared: row.get(3)?,
        accepted: row.get(4)?,
        corrected: row.get(5)?,
    })
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::super::testkit::{page, scanned, Harness, TestResult, COLLECTION};
    use super::super::{NewReview, ReviewAction};
    use crate::model::PageFlag;

    #[test]
    fn decisions_are_counted_by_reviewer_day_and_dossier() -> TestResult {
        let mut h = Harness::new()?;
        h.dossiers(&[("a", 1), ("b", 1)])?;
        let flagged = |i| page(i, "x", &[PageFlag::Blank]);
        h.record(&[
            scanned("a", "a/1.tif", b"a", vec![flagged(0), flagged(1)]),
            scanned("b", "b/1.tif", b"b", vec![flagged(0)]),
        ])?;
        let pages: Vec<i64> = h
            .catalog
            .conn
            .prepare("SELECT id FROM page ORDER BY id")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let day = |d| Utc.with_ymd_and_hms(2026, 11, d, 23, 59, 0).unwrap();
        for (page, reviewer, d) in [(0, "Hoa", 3), (1, "Hoa", 3), (2, "Hoa", 4), (2, "Nam", 4)] {
            h.catalog.record_review(&NewReview {
                page: pages[page],
                action: ReviewAction::Clear,
                reviewer,
                at: day(d),
            })?;
        }
        let mut rows = h.catalog.review_rows(COLLECTION)?;
        rows.sort_by(|a, b| {
            (&a.reviewer, a.day, &a.dossier).cmp(&(&b.reviewer, b.day, &b.dossier))
        });
        let got: Vec<_> = rows
            .iter()
            .map(|r| {
                (
                    r.reviewer.as_str(),
                    r.day.to_string(),
                    r.dossier.as_str(),
                    r.cleared,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("Hoa", "2026-11-03".to_string(), "a", 2),
                ("Hoa", "2026-11-04".to_string(), "b", 1),
                ("Nam", "2026-11-04".to_string(), "b", 1),
            ]
        );
        assert!(h.catalog.review_rows("ket-qua")?.is_empty());
        Ok(())
    }
}
