//! What a BagIt export reads: the files of a collection (their current versions, or every
//! file one batch recorded) with their dossier, object and the OCR text of each page.

use rusqlite::OptionalExtension;

use super::error::During;
use super::{Catalog, CatalogError};
use crate::content::ContentId;

/// One original to put in a bag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BagFile {
    pub dossier: String,
    pub rel_path: String,
    pub object: ContentId,
    pub size: u64,
    /// Text of each page, by page index.
    pub texts: Vec<String>,
}

const CURRENT_SQL: &str = "
SELECT f.id, d.code, f.rel_path, f.sha256, f.size FROM collection col
JOIN current_file c ON c.collection_id = col.id JOIN file f ON f.id = c.file_id
JOIN dossier d ON d.id = f.dossier_id
WHERE col.code = ?1 AND f.sha256 IS NOT NULL ORDER BY d.code, f.rel_path";

const BATCH_SQL: &str = "
SELECT f.id, d.code, f.rel_path, f.sha256, f.size FROM collection col
JOIN file f ON f.collection_id = col.id JOIN dossier d ON d.id = f.dossier_id
WHERE col.code = ?1 AND f.batch_id = ?2 AND f.sha256 IS NOT NULL ORDER BY d.code, f.rel_path";

impl Catalog {
    /// The batch with this number (its rowid) or uuid, if any.
    ///
    /// # Errors
    /// The catalog cannot be read.
    pub fn find_batch(&self, key: &str) -> Result<Option<i64>, CatalogError> {
        self.conn
            .query_row(
                "SELECT id FROM batch WHERE uuid = ?1 OR CAST(id AS TEXT) = ?1",
                [key],
                |row| row.get(0),
            )
            .optional()
            .during("find a batch")
    }

    /// The files of `collection` to bag: current versions, or those `batch` recorded.
    ///
    /// # Errors
    /// The catalog cannot be read or holds a malformed checksum.
    pub fn bag_files(
        &self,
        collection: &str,
        batch: Option<i64>,
    ) -> Result<Vec<BagFile>, CatalogError> {
        let tx = self
            .conn
            .unchecked_transaction()
            .during("read files to bag")?;
        let mut stmt = match batch {
            None => tx.prepare(CURRENT_SQL),
            Some(_) => tx.prepare(BATCH_SQL),
        }
        .during("read files to bag")?;
        let map = |row: &rusqlite::Row<'_>| -> rusqlite::Result<(i64, BagFile)> {
            let hex: String = row.get(3)?;
            let object = hex.parse().map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    3,
                    rusqlite::types::Type::Text,
                    Box::new(e),
                )
            })?;
            Ok((
                row.get(0)?,
                BagFile {
                    dossier: row.get(1)?,
                    rel_path: row.get(2)?,
                    object,
                    size: row.get(4)?,
                    texts: Vec::new(),
                },
            ))
        };
        let rows: Vec<(i64, BagFile)> = match batch {
            None => stmt.query_map([collection], map),
            Some(b) => stmt.query_map(rusqlite::params![collection, b], map),
        }
        .and_then(Iterator::collect)
        .during("read files to bag")?;
        let mut texts = tx
            .prepare(concat!(
                "SELECT ",
                page_text_sql!(),
                " FROM page p WHERE p.file_id = ?1 ORDER BY p.page_index"
            ))
            .during("read page texts to bag")?;
        let mut files = Vec::with_capacity(rows.len());
        for (id, mut file) in rows {
            file.texts = texts
                .query_map([id], |row| row.get(0))
                .and_then(Iterator::collect)
                .during("read page texts to bag")?;
            files.push(file);
        }
        Ok(files)
    }
}
