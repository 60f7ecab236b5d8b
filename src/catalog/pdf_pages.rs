//! What a PDF/A export reads: for each dossier of a collection, its current files' pages in
//! archive order (path byte order, then page index) with the stored original each came from,
//! its size, resolution, word boxes (and a reviewer's correction of the text) and the
//! geometry the boxes are in, plus the time of the latest batch that recorded one of its
//! files (the document's creation date, so exporting twice gives the same bytes). Called by
//! `pdfa`.

use rusqlite::Row;

use super::error::During;
use super::{Catalog, CatalogError};
use crate::content::ContentId;
use crate::model::Geometry;

/// One recognised page to put in a dossier's PDF.
#[derive(Debug, Clone, PartialEq)]
pub struct PdfPage {
    pub rel_path: String,
    pub object: ContentId,
    pub page_index: u32,
    pub page_count: u32,
    /// Size of the image the words' boxes refer to (after `geometry`).
    pub width: u32,
    pub height: u32,
    pub dpi: Option<(f32, f32)>,
    /// The catalog's JSON list of words, as recognised.
    pub words: String,
    /// A reviewer's correction of the page's text, which the words' layer must read.
    pub corrected_text: Option<String>,
    pub geometry: Geometry,
}

/// A dossier and its pages, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct PdfDossier {
    pub code: String,
    pub collection_name: String,
    /// RFC 3339 start time of the latest batch that recorded one of its current files.
    pub recorded_at: String,
    pub pages: Vec<PdfPage>,
}

const PAGES_SQL: &str = concat!(
    "
SELECT d.code, col.name, c.rel_path, f.sha256, p.page_index, f.page_count, p.width, p.height,
       p.dpi_x, p.dpi_y, p.words, p.rotation, p.skew, b.started_at, ",
    text_correction_sql!(),
    "
FROM collection col
JOIN dossier d ON d.collection_id = col.id
JOIN current_file c ON c.dossier_id = d.id
JOIN file f ON f.id = c.file_id
JOIN batch b ON b.id = f.batch_id
JOIN page p ON p.file_id = f.id
WHERE col.code = ?1 AND (?2 IS NULL OR d.code = ?2) AND f.sha256 IS NOT NULL
ORDER BY d.code, c.rel_path, p.page_index"
);

impl Catalog {
    /// The dossiers of `collection` (or just `dossier`) that have recognised pages.
    ///
    /// # Errors
    /// The catalog cannot be read or holds a malformed checksum.
    pub fn pdf_dossiers(
        &self,
        collection: &str,
        dossier: Option<&str>,
    ) -> Result<Vec<PdfDossier>, CatalogError> {
        let mut stmt = self
            .conn
            .prepare_cached(PAGES_SQL)
            .during("read pages to export")?;
        let mut rows = stmt
            .query(rusqlite::params![collection, dossier])
            .during("read pages to export")?;
        let mut out: Vec<PdfDossier> = Vec::new();
        while let Some(row) = rows.next().during("read pages to export")? {
            let (code, name, at, page) = pdf_row(row).during("read pages to export")?;
            match out.last_mut() {
                Some(d) if d.code == code => {
                    d.recorded_at = d.recorded_at.clone().max(at);
                    d.pages.push(page);
                }
                _ => out.push(PdfDossier {
                    code,
                    collection_name: name,
                    recorded_at: at,
                    pages: vec![page],
                }),
            }
        }
        Ok(out)
    }
}

fn pdf_row(row: &Row<'_>) -> rusqlite::Result<(String, String, String, PdfPage)> {
    let hex: String = row.get(3)?;
    let object = hex.parse::<ContentId>().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Text, Box::new(e))
    })?;
    let dpi = match (row.get::<_, Option<f64>>(8)?, row.get::<_, Option<f64>>(9)?) {
        (Some(x), Some(y)) => Some((x as f32, y as f32)),
        _ => None,
    };
    let page = PdfPage {
        rel_path: row.get(2)?,
        object,
        page_index: row.get(4)?,
        page_count: row.get(5)?,
        width: row.get(6)?,
        height: row.get(7)?,
        dpi,
        words: row.get(10)?,
        corrected_text: row.get(14)?,
        geometry: Geometry {
            rotation: row.get(11)?,
            skew: row.get::<_, f64>(12)? as f32,
        },
    };
    Ok((row.get(0)?, row.get(1)?, row.get(13)?, page))
}
