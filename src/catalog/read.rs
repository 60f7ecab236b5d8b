//! Reading current files back: what the planner needs to tell unchanged files from changed
//! ones, and the current text of every current page for export (a reviewer's correction, else
//! the reading). "Current" is the latest version of
//! each path, as `current_file` points to it.

use std::collections::HashMap;

use rusqlite::types::Type;
use rusqlite::Row;

use super::error::During;
use super::{Catalog, CatalogError, KnownFile, PageText};
use crate::content::ContentId;
use crate::model::FileFailure;

/// Driven by collection → dossier → current_file(dossier_id, rel_path) → page(file_id,
/// page_index), each index already in the wanted order, so a million pages stream without a
/// sort. CROSS JOIN fixes that join order and INDEXED BY the last step: without statistics
/// the planner otherwise sorts every page's text, or builds a throw-away index over them.
/// `c.file_id` changes nothing (a path is current once) but lets SQLite see the order holds.
pub(super) const PAGE_TEXTS_SQL: &str = concat!(
    "
SELECT col.code, d.code, c.rel_path, p.page_index, f.page_count, ",
    page_text_sql!(),
    "
FROM collection col
CROSS JOIN dossier d ON d.collection_id = col.id
CROSS JOIN current_file c ON c.dossier_id = d.id
CROSS JOIN file f ON f.id = c.file_id
CROSS JOIN page p INDEXED BY page_by_file ON p.file_id = f.id
WHERE ?1 IS NULL OR col.code = ?1
ORDER BY col.code, d.code, c.rel_path, c.file_id, p.page_index"
);

impl Catalog {
    /// The latest version of each file of a collection, by path; empty for a collection
    /// never recorded.
    ///
    /// # Errors
    /// The catalog cannot be read or holds a malformed checksum.
    pub fn known_files(
        &self,
        collection: &str,
    ) -> Result<HashMap<String, KnownFile>, CatalogError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT c.rel_path, f.version, f.size, coalesce(c.seen_mtime_ns, f.mtime_ns),
                     f.sha256, f.failure_kind, f.failure_message
                 FROM collection col
                 JOIN current_file c ON c.collection_id = col.id
                 JOIN file f ON f.id = c.file_id
                 WHERE col.code = ?1",
            )
            .during("read known files")?;
        let rows = stmt.query_map([collection], |row| {
            Ok((row.get::<_, String>(0)?, known_file(row)?))
        });
        rows.and_then(Iterator::collect).during("read known files")
    }

    /// Call `each` with the text of every page of every current file, of one collection or
    /// all, ordered by collection, dossier, path (byte order) and page index. Failed files
    /// have no pages and so do not appear.
    ///
    /// # Errors
    /// The catalog cannot be read.
    pub fn for_each_page_text(
        &self,
        collection: Option<&str>,
        mut each: impl FnMut(PageText),
    ) -> Result<(), CatalogError> {
        let mut stmt = self
            .conn
            .prepare_cached(PAGE_TEXTS_SQL)
            .during("read page texts")?;
        let mut rows = stmt.query([collection]).during("read page texts")?;
        while let Some(row) = rows.next().during("read page texts")? {
            each(page_text(row).during("read page texts")?);
        }
        Ok(())
    }
}

fn known_file(row: &Row<'_>) -> rusqlite::Result<KnownFile> {
    let content =
        match row.get::<_, Option<String>>(4)? {
            None => None,
            Some(hex) => Some(hex.parse::<ContentId>().map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(4, Type::Text, Box::new(e))
            })?),
        };
    let failure = match (row.get(5)?, row.get(6)?) {
        (Some(kind), Some(message)) => Some(FileFailure { kind, message }),
        _ => None,
    };
    Ok(KnownFile {
        version: row.get(1)?,
        size: row.get(2)?,
        mtime_ns: row.get(3)?,
        content,
        failure,
    })
}

fn page_text(row: &Row<'_>) -> rusqlite::Result<PageText> {
    Ok(PageText {
        collection: row.get(0)?,
        dossier: row.get(1)?,
        rel_path: row.get(2)?,
        page_index: row.get(3)?,
        page_count: row.get(4)?,
        text: row.get(5)?,
    })
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{collection, failed, page, scanned, Harness, TestResult};
    use super::super::DossierPlan;
    use super::*;
    use crate::model::{FileKey, FileRecord};

    /// `file` moved to collection `ket-qua`.
    fn in_ket_qua(mut file: FileRecord) -> FileRecord {
        file.key = FileKey {
            collection: "ket-qua".to_string(),
            ..file.key
        };
        file
    }

    fn texts(h: &Harness, collection: Option<&str>) -> Result<Vec<String>, CatalogError> {
        let mut seen = Vec::new();
        h.catalog.for_each_page_text(collection, |p| {
            seen.push(format!(
                "{} {} {} {}/{} {}",
                p.collection, p.dossier, p.rel_path, p.page_index, p.page_count, p.text
            ));
        })?;
        Ok(seen)
    }

    #[test]
    fn page_texts_come_in_archive_order_from_current_versions_only() -> TestResult {
        let mut h = Harness::new()?;
        h.catalog.upsert_collection(&collection("ket-qua"))?;
        h.dossiers(&[("B", 2), ("A", 2)])?;
        let kq = DossierPlan {
            collection: "ket-qua".to_string(),
            code: "A".to_string(),
            expected_files: 1,
        };
        h.catalog.register_dossiers(h.batch, &[kq])?;
        h.record(&[
            scanned("B", "B/2.jpg", b"b2", vec![page(0, "old", &[])]),
            in_ket_qua(scanned("A", "A/1.jpg", b"k1", vec![page(0, "kq", &[])])),
            scanned(
                "B",
                "B/1.tif",
                b"b1",
                vec![page(1, "b1p1", &[]), page(0, "b1p0", &[])],
            ),
            scanned("A", "A/1.jpg", b"a1", vec![page(0, "a1", &[])]),
            failed("A", "A/2.jpg", "corrupt"),
        ])?;
        h.record(&[scanned(
            "B",
            "B/2.jpg",
            b"b2 new",
            vec![page(0, "new", &[])],
        )])?;
        assert_eq!(
            texts(&h, None)?,
            [
                "cu-tru A A/1.jpg 0/1 a1",
                "cu-tru B B/1.tif 0/2 b1p0",
                "cu-tru B B/1.tif 1/2 b1p1",
                "cu-tru B B/2.jpg 0/1 new",
                "ket-qua A A/1.jpg 0/1 kq",
            ]
        );
        assert_eq!(texts(&h, Some("ket-qua"))?, ["ket-qua A A/1.jpg 0/1 kq"]);
        assert!(texts(&h, Some("absent"))?.is_empty());
        Ok(())
    }

    #[test]
    fn the_indexes_match_folded_and_exact_text() -> TestResult {
        let mut h = Harness::new()?;
        h.dossiers(&[("HS-1", 2)])?;
        h.record(&[
            scanned(
                "HS-1",
                "HS-1/1.jpg",
                b"1",
                vec![page(0, "Trần Văn Lượng, Đồng Nai", &[])],
            ),
            scanned(
                "HS-1",
                "HS-1/2.jpg",
                b"2",
                vec![page(0, "Nguyễn Thị Lan, luong 1970", &[])],
            ),
        ])?;
        let hits = |table: &str, query: &str| -> rusqlite::Result<Vec<String>> {
            let mut stmt = h.catalog.conn.prepare(&format!(
                "SELECT page.text FROM {table} JOIN page ON page.id = {table}.rowid
                 WHERE {table} MATCH ?1 ORDER BY page.id"
            ))?;
            let rows = stmt.query_map([query], |row| row.get(0))?;
            rows.collect()
        };
        let both = ["Trần Văn Lượng, Đồng Nai", "Nguyễn Thị Lan, luong 1970"];
        assert_eq!(hits("page_fold", "luong")?, both);
        assert_eq!(hits("page_fold", "dong nai")?, both[..1]);
        assert_eq!(hits("page_exact", "lượng")?, both[..1]);
        assert_eq!(hits("page_exact", "luong")?, both[1..]);
        assert_eq!(hits("page_exact", "đồng")?, both[..1]);
        assert!(hits("page_exact", "dong")?.is_empty());
        Ok(())
    }
}
