//! Recording the pages of a file: one `page` row per page OCR'd, with its words as a compact
//! JSON array and its flags as comma-separated codes, its form when it was read as one
//! (`form.rs`) and its search index entries (`search_index.rs`). SQLite does not maintain
//! those contentless indexes by itself; pages are never updated or deleted, so inserting
//! here keeps them in sync.

use rusqlite::{params, Connection};

use super::{BatchId, CatalogError};
use crate::model::{FileKey, PageRecord};

/// Insert one page of file `file_id` and its full-text entry.
pub(super) fn insert_page(
    conn: &Connection,
    batch: BatchId,
    file_id: i64,
    key: &FileKey,
    page: &PageRecord,
) -> Result<(), CatalogError> {
    let words = serde_json::to_string(&page.words).map_err(|source| CatalogError::EncodeWords {
        collection: key.collection.clone(),
        rel_path: key.rel_path.clone(),
        page_index: page.index,
        source,
    })?;
    insert_rows(conn, batch, file_id, page, &words).map_err(|source| CatalogError::RecordPage {
        collection: key.collection.clone(),
        rel_path: key.rel_path.clone(),
        page_index: page.index,
        source,
    })
}

fn insert_rows(
    conn: &Connection,
    batch: BatchId,
    file_id: i64,
    page: &PageRecord,
    words: &str,
) -> rusqlite::Result<()> {
    let flags: Vec<&str> = page.flags.iter().map(|f| f.code()).collect();
    conn.prepare_cached(
        "INSERT INTO page (file_id, page_index, width, height, dpi_x, dpi_y, text,
             confidence, words, engine_ms, flags, batch_id, rotation, skew, prep_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?
    .execute(params![
        file_id,
        page.index,
        page.width,
        page.height,
        page.dpi.map(|d| d.x),
        page.dpi.map(|d| d.y),
        page.text,
        // A NaN confidence becomes NULL in SQLite rather than failing the whole slice.
        page.confidence,
        words,
        page.engine_ms,
        flags.join(","),
        batch.0,
        page.geometry.rotation,
        page.geometry.skew,
        page.prep_ms,
    ])?;
    let id = conn.last_insert_rowid();
    insert_boxed_fields(conn, id, page)?;
    super::form::insert_form(conn, id, page.form.as_ref())?;
    super::form::index_form(conn, id, page.form.as_ref())?;
    super::search_index::index_page(conn, id, &page.text)
}

/// The page's boxed fields, and its ID numbers among them as search fields too (the text
/// holds them as well, but a look-up by ID must not depend on how the line around reads).
fn insert_boxed_fields(conn: &Connection, page_id: i64, page: &PageRecord) -> rusqlite::Result<()> {
    let mut boxed = conn.prepare_cached(
        "INSERT INTO page_boxed_field (page_id, kind, value, confidence, left, top, width, height)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    let mut search = conn.prepare_cached(
        "INSERT OR IGNORE INTO page_field (page_id, kind, value, raw) VALUES (?1, ?2, ?3, ?3)",
    )?;
    for f in &page.fields {
        boxed.execute(params![
            page_id,
            f.kind,
            f.value,
            f.confidence,
            f.left,
            f.top,
            f.width,
            f.height
        ])?;
        if f.kind == "id" || f.kind == "old-id" {
            search.execute(params![page_id, f.kind, f.value])?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{page, scanned, Harness, TestResult};
    use crate::model::{PageFlag, Word};

    #[test]
    fn pages_keep_their_ocr_data() -> TestResult {
        let mut h = Harness::new()?;
        h.dossiers(&[("HS-1", 1)])?;
        let mut flagged = page(1, "mờ", &[PageFlag::LowConfidence, PageFlag::LowDpi]);
        flagged.words = vec![Word {
            text: "mờ".to_string(),
            confidence: 41.0,
            left: 1,
            top: 2,
            width: 3,
            height: 4,
            block: 1,
            paragraph: 1,
            line: 1,
        }];
        flagged.dpi = None;
        h.record(&[scanned(
            "HS-1",
            "HS-1/a.tif",
            b"a",
            vec![page(0, "rõ", &[]), flagged],
        )])?;
        let (flags, words, dpi): (String, String, Option<f64>) = h.catalog.conn.query_row(
            "SELECT flags, words, dpi_x FROM page WHERE page_index = 1",
            [],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )?;
        assert_eq!(flags, "low-confidence,low-dpi");
        assert!(words.starts_with("[{\"text\":\"mờ\""), "{words}");
        assert_eq!(dpi, None);
        assert_eq!(
            h.count("SELECT page_count * 10 + pages_flagged FROM file")?,
            21
        );
        let failures = h.count("SELECT count(*) FROM file WHERE failure_kind IS NOT NULL")?;
        assert_eq!(failures, 0);
        Ok(())
    }
}
