//! One dossier as `sohoa show` presents it: its metadata and, for each page of its current
//! files in reading order (natural sort of paths, then page index), the checksum, dpi, OCR
//! confidence, flags and current text (a reviewer's correction, else the reading), and the
//! form it was read as (see `form_read.rs`).

use super::duplicate::FilePlace;
use super::error::During;
use super::{Catalog, CatalogError};
use crate::model::FormRecord;

/// A dossier and its pages.
#[derive(Debug, Clone)]
pub struct DossierView {
    pub collection: String,
    pub code: String,
    pub expected_files: u32,
    /// When the batch that first saw it started (RFC 3339).
    pub first_seen: String,
    pub last_seen: String,
    pub pages: Vec<PageView>,
    /// Current files that could not be read: path, error kind, message.
    pub failed: Vec<(String, String, String)>,
}

/// One page of a dossier.
#[derive(Debug, Clone)]
pub struct PageView {
    /// 1-based, in the dossier.
    pub number: u32,
    pub rel_path: String,
    /// 0-based, in its file.
    pub page_index: u32,
    pub sha256: String,
    pub dpi: Option<(f64, f64)>,
    pub confidence: Option<f64>,
    pub flags: Vec<String>,
    /// The current text: a reviewer's correction, else the reading.
    pub text: String,
    /// Whether a reviewer corrected the text.
    pub text_corrected: bool,
    /// Clockwise quarter turn and deskew angle applied before reading (see
    /// [`crate::model::Geometry`]).
    pub rotation: u16,
    pub skew: f64,
    /// Where the same bytes were archived first, for a page of a duplicate file.
    pub duplicate_of: Option<FilePlace>,
    /// The form the page was read as, with its values.
    pub form: Option<FormRecord>,
}

/// A dossier's pages with their current text (a reviewer's correction, else the reading),
/// whether it was corrected, and where a duplicate's bytes were archived first.
const PAGES_SQL: &str = concat!(
    "SELECT c.rel_path, p.page_index, f.sha256, p.dpi_x, p.dpi_y, p.confidence, p.flags, ",
    page_text_sql!(),
    ", p.rotation, p.skew,
         ocol.code, od.code, o.rel_path, o.version, oc.file_id IS NOT NULL, p.id, ",
    text_correction_sql!(),
    " IS NOT NULL
     FROM current_file c JOIN file f ON f.id = c.file_id
     JOIN page p ON p.file_id = f.id
     LEFT JOIN file_duplicate fd ON fd.file_id = f.id
     LEFT JOIN file o ON o.id = fd.of_file_id
     LEFT JOIN collection ocol ON ocol.id = o.collection_id
     LEFT JOIN dossier od ON od.id = o.dossier_id
     LEFT JOIN current_file oc ON oc.file_id = o.id
     WHERE c.dossier_id = ?1"
);

impl Catalog {
    /// The dossier `code`, of `collection` when given.
    ///
    /// # Errors
    /// [`CatalogError::NoSuchDossier`], [`CatalogError::AmbiguousDossier`] when the code
    /// exists in several collections and none was named, or the catalog cannot be read.
    pub fn dossier_view(
        &self,
        collection: Option<&str>,
        code: &str,
    ) -> Result<DossierView, CatalogError> {
        let (id, mut view) = self.find_dossier(collection, code)?;
        let mut stmt = self
            .conn
            .prepare_cached(PAGES_SQL)
            .during("read dossier pages")?;
        let rows = stmt.query_map([id], |r| {
            let page: i64 = r.get(15)?;
            let dpi = match (r.get::<_, Option<f64>>(3)?, r.get::<_, Option<f64>>(4)?) {
                (Some(x), Some(y)) => Some((x, y)),
                _ => None,
            };
            let flags: String = r.get(6)?;
            let view = PageView {
                number: 0,
                rel_path: r.get(0)?,
                page_index: r.get(1)?,
                sha256: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                dpi,
                confidence: r.get(5)?,
                flags: flags
                    .split(',')
                    .filter(|f| !f.is_empty())
                    .map(str::to_string)
                    .collect(),
                text: r.get(7)?,
                text_corrected: r.get(16)?,
                rotation: r.get::<_, Option<u16>>(8)?.unwrap_or(0),
                skew: r.get::<_, Option<f64>>(9)?.unwrap_or(0.0),
                duplicate_of: match r.get::<_, Option<String>>(10)? {
                    None => None,
                    Some(collection) => Some(FilePlace {
                        collection,
                        dossier: r.get(11)?,
                        rel_path: r.get(12)?,
                        version: r.get(13)?,
                        current: r.get(14)?,
                    }),
                },
                form: None,
            };
            Ok((page, view))
        });
        let pages: Vec<(i64, PageView)> = rows
            .and_then(Iterator::collect)
            .during("read dossier pages")?;
        view.pages = Vec::with_capacity(pages.len());
        for (page, mut p) in pages {
            p.form = super::form_read::page_form(&self.conn, page)?;
            view.pages.push(p);
        }
        view.pages.sort_by(|a, b| {
            reading_order((&a.rel_path, a.page_index), (&b.rel_path, b.page_index))
        });
        for (n, page) in view.pages.iter_mut().enumerate() {
            page.number = n as u32 + 1;
        }
        let mut failed = self
            .conn
            .prepare_cached(
                "SELECT c.rel_path, f.failure_kind, f.failure_message
                 FROM current_file c JOIN file f ON f.id = c.file_id
                 WHERE c.dossier_id = ?1 AND f.failure_kind IS NOT NULL ORDER BY c.rel_path",
            )
            .during("read dossier failures")?;
        let rows = failed.query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)));
        view.failed = rows
            .and_then(Iterator::collect)
            .during("read dossier failures")?;
        Ok(view)
    }

    fn find_dossier(
        &self,
        collection: Option<&str>,
        code: &str,
    ) -> Result<(i64, DossierView), CatalogError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT d.id, col.code, d.expected_files, b1.started_at, b2.started_at
                 FROM dossier d JOIN collection col ON col.id = d.collection_id
                 JOIN batch b1 ON b1.id = d.first_batch_id
                 JOIN batch b2 ON b2.id = d.last_seen_batch_id
                 WHERE d.code = ?1 AND (?2 IS NULL OR col.code = ?2) ORDER BY col.code",
            )
            .during("find dossier")?;
        let rows = stmt.query_map(rusqlite::params![code, collection], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                DossierView {
                    collection: r.get(1)?,
                    code: code.to_string(),
                    expected_files: r.get(2)?,
                    first_seen: r.get(3)?,
                    last_seen: r.get(4)?,
                    pages: Vec::new(),
                    failed: Vec::new(),
                },
            ))
        });
        let mut found: Vec<(i64, DossierView)> =
            rows.and_then(Iterator::collect).during("find dossier")?;
        match found.len() {
            0 => Err(CatalogError::NoSuchDossier {
                dossier: code.to_string(),
            }),
            1 => Ok(found.remove(0)),
            _ => Err(CatalogError::AmbiguousDossier {
                dossier: code.to_string(),
                collections: found.into_iter().map(|(_, v)| v.collection).collect(),
            }),
        }
    }

    /// The (path, page index) of every page of a dossier's current files, in reading order.
    pub(super) fn dossier_page_keys(
        &self,
        dossier: i64,
    ) -> Result<Vec<(String, u32)>, CatalogError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT c.rel_path, p.page_index FROM current_file c
                 JOIN page p ON p.file_id = c.file_id WHERE c.dossier_id = ?1",
            )
            .during("read dossier pages")?;
        let rows = stmt.query_map([dossier], |r| Ok((r.get(0)?, r.get(1)?)));
        let mut keys: Vec<(String, u32)> = rows
            .and_then(Iterator::collect)
            .during("read dossier pages")?;
        keys.sort_by(|a, b| reading_order((&a.0, a.1), (&b.0, b.1)));
        Ok(keys)
    }
}

/// Pages in reading order: natural sort of paths (page-2 before page-10), then page index.
fn reading_order(a: (&String, u32), b: (&String, u32)) -> std::cmp::Ordering {
    natord::compare(a.0, b.0)
        .then_with(|| a.0.cmp(b.0))
        .then(a.1.cmp(&b.1))
}
