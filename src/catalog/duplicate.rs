//! Duplicates: a file whose bytes equal those of a file already archived under another
//! dossier (of any collection). The writer asks [`earlier_copy`] as it records a file, in the
//! same transaction, so a copy recorded earlier in the same slice counts; the file then points
//! at that copy (`file_duplicate`) and its pages carry the `duplicate` flag, which makes its
//! dossier *need review* through the ordinary flag counts.
//!
//! Versions of one path are never duplicates of each other (they share the dossier), and a
//! file re-run unchanged is not recorded again. Of two identical files recorded in one batch,
//! the one recorded second is the duplicate: which one that is depends on which worker
//! finished first, so a supervisor looks at both places (every listing names both).

use rusqlite::{Connection, OptionalExtension};

use super::error::During;
use super::{Catalog, CatalogError};
use crate::content::ContentId;

/// A current file recorded as the duplicate of another file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateRow {
    pub collection: String,
    pub dossier: String,
    pub rel_path: String,
    pub sha256: String,
    /// Where the same bytes were archived first.
    pub of: FilePlace,
}

/// A file version and where it sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilePlace {
    pub collection: String,
    pub dossier: String,
    pub rel_path: String,
    pub version: u32,
    /// Still the current version of its path (false once that path was re-scanned).
    pub current: bool,
}

/// The earliest file with `content` outside `dossier`, preferring a current version; read
/// with pages (a failed file is not a place a supervisor can compare pages with).
pub(super) fn earlier_copy(
    conn: &Connection,
    dossier: i64,
    content: &ContentId,
) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached(
        "SELECT f.id FROM file f LEFT JOIN current_file c ON c.file_id = f.id
         WHERE f.sha256 = ?1 AND f.dossier_id != ?2 AND f.failure_kind IS NULL
         ORDER BY c.file_id IS NULL, f.id LIMIT 1",
    )?
    .query_row(rusqlite::params![content.to_hex(), dossier], |r| r.get(0))
    .optional()
}

/// Record that file `file_id` repeats file `of`.
pub(super) fn record_duplicate(conn: &Connection, file_id: i64, of: i64) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT INTO file_duplicate (file_id, of_file_id) VALUES (?1, ?2)")?
        .execute([file_id, of])?;
    Ok(())
}

const LIST_SQL: &str = "
SELECT col.code, d.code, c.rel_path, coalesce(f.sha256, ''),
       ocol.code, od.code, o.rel_path, o.version, oc.file_id IS NOT NULL
FROM file_duplicate fd
JOIN current_file c ON c.file_id = fd.file_id
JOIN file f ON f.id = c.file_id
JOIN collection col ON col.id = c.collection_id
JOIN dossier d ON d.id = c.dossier_id
JOIN file o ON o.id = fd.of_file_id
JOIN collection ocol ON ocol.id = o.collection_id
JOIN dossier od ON od.id = o.dossier_id
LEFT JOIN current_file oc ON oc.file_id = o.id
WHERE ?1 IS NULL OR col.code = ?1
ORDER BY col.code, d.code, c.rel_path";

impl Catalog {
    /// Every current file recorded as a duplicate, of `collection` when given, by collection,
    /// dossier and path.
    ///
    /// # Errors
    /// The catalog cannot be read.
    pub fn duplicates(&self, collection: Option<&str>) -> Result<Vec<DuplicateRow>, CatalogError> {
        let mut stmt = self
            .conn
            .prepare_cached(LIST_SQL)
            .during("list duplicates")?;
        let rows = stmt.query_map([collection], |r| {
            Ok(DuplicateRow {
                collection: r.get(0)?,
                dossier: r.get(1)?,
                rel_path: r.get(2)?,
                sha256: r.get(3)?,
                of: FilePlace {
                    collection: r.get(4)?,
                    dossier: r.get(5)?,
                    rel_path: r.get(6)?,
                    version: r.get(7)?,
                    current: r.get(8)?,
                },
            })
        });
        rows.and_then(Iterator::collect).during("list duplicates")
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{page, scanned, Harness, TestResult, COLLECTION};
    use crate::model::PageFlag;

    fn flags(h: &Harness, rel_path: &str) -> rusqlite::Result<String> {
        h.catalog.conn.query_row(
            "SELECT p.flags FROM page p JOIN current_file c ON c.file_id = p.file_id
             WHERE c.rel_path = ?1",
            [rel_path],
            |r| r.get(0),
        )
    }

    #[test]
    fn the_same_bytes_in_another_dossier_are_a_duplicate_and_its_dossier_needs_review() -> TestResult
    {
        let mut h = Harness::new()?;
        h.dossiers(&[("HS-1", 1), ("HS-2", 1)])?;
        h.record(&[scanned(
            "HS-1",
            "HS-1/p1.jpg",
            b"sheet",
            vec![page(0, "a", &[])],
        )])?;
        let found = h.catalog.record_files(
            h.batch,
            &[scanned(
                "HS-2",
                "HS-2/copy.jpg",
                b"sheet",
                vec![page(0, "a", &[])],
            )],
        )?;
        assert_eq!((found.duplicates, found.newly_flagged_pages), (1, 1));
        assert_eq!(flags(&h, "HS-2/copy.jpg")?, "duplicate");
        assert_eq!(flags(&h, "HS-1/p1.jpg")?, "");
        let dups = h.catalog.duplicates(None)?;
        assert_eq!(dups.len(), 1);
        let d = &dups[0];
        assert_eq!(
            (d.dossier.as_str(), d.rel_path.as_str()),
            ("HS-2", "HS-2/copy.jpg")
        );
        assert_eq!(
            (d.of.dossier.as_str(), d.of.rel_path.as_str()),
            ("HS-1", "HS-1/p1.jpg")
        );
        assert!(d.of.current);
        let status = h.catalog.collection_status(COLLECTION)?;
        assert_eq!((status.done, status.needs_review), (1, 1));
        Ok(())
    }

    #[test]
    fn versions_of_one_path_and_copies_inside_a_dossier_are_not_duplicates() -> TestResult {
        let mut h = Harness::new()?;
        h.dossiers(&[("HS-1", 2)])?;
        let low = [PageFlag::LowDpi];
        h.record(&[scanned(
            "HS-1",
            "HS-1/p1.jpg",
            b"v1",
            vec![page(0, "a", &low)],
        )])?;
        h.record(&[scanned(
            "HS-1",
            "HS-1/p1.jpg",
            b"v2",
            vec![page(0, "b", &[])],
        )])?;
        h.record(&[scanned(
            "HS-1",
            "HS-1/p1.jpg",
            b"v1",
            vec![page(0, "a", &low)],
        )])?;
        h.record(&[scanned(
            "HS-1",
            "HS-1/p2.jpg",
            b"v1",
            vec![page(0, "a", &low)],
        )])?;
        assert!(h.catalog.duplicates(None)?.is_empty());
        assert_eq!(flags(&h, "HS-1/p1.jpg")?, "low-dpi");
        Ok(())
    }
}
