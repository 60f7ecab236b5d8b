//! Reading forms back (`form.rs` writes them): one page's form for `sohoa show`, and every
//! form of the current files, in archive order, for `sohoa export records`.

use rusqlite::{Connection, OptionalExtension, Row};

use super::error::During;
use super::{Catalog, CatalogError};
use crate::model::{FieldValue, FormRecord};

/// A page of a current file that was read as a form.
#[derive(Debug, Clone, PartialEq)]
pub struct FormPage {
    pub collection: String,
    pub dossier: String,
    /// Relative to the collection's source folder, as recorded.
    pub rel_path: String,
    /// 0-based, in its file.
    pub page_index: u32,
    pub page_count: u32,
    pub form: FormRecord,
}

/// Which forms to read: of one collection, one dossier code, or all.
#[derive(Debug, Clone, Copy, Default)]
pub struct FormFilter<'a> {
    pub collection: Option<&'a str>,
    pub dossier: Option<&'a str>,
}

/// Driven as the text export's query is (see `read.rs`), so forms stream in its order.
const FORM_PAGES_SQL: &str = "
SELECT col.code, d.code, c.rel_path, p.page_index, f.page_count, p.id, pf.form
FROM collection col
CROSS JOIN dossier d ON d.collection_id = col.id
CROSS JOIN current_file c ON c.dossier_id = d.id
CROSS JOIN file f ON f.id = c.file_id
CROSS JOIN page p INDEXED BY page_by_file ON p.file_id = f.id
CROSS JOIN page_form pf ON pf.page_id = p.id
WHERE (?1 IS NULL OR col.code = ?1) AND (?2 IS NULL OR d.code = ?2)
ORDER BY col.code, d.code, c.rel_path, c.file_id, p.page_index";

impl Catalog {
    /// Call `each` with every page read as a form of every current file that `filter`
    /// keeps, ordered by collection, dossier, path (byte order) and page index.
    ///
    /// # Errors
    /// The catalog cannot be read.
    pub fn for_each_form_page(
        &self,
        filter: FormFilter<'_>,
        mut each: impl FnMut(FormPage),
    ) -> Result<(), CatalogError> {
        let mut stmt = self
            .conn
            .prepare_cached(FORM_PAGES_SQL)
            .during("read forms")?;
        let mut rows = stmt
            .query(rusqlite::params![filter.collection, filter.dossier])
            .during("read forms")?;
        while let Some(row) = rows.next().during("read forms")? {
            let page: i64 = row.get(5).during("read forms")?;
            let form = form_values(&self.conn, page, row.get(6).during("read forms")?)?;
            each(form_page(row, form).during("read forms")?);
        }
        Ok(())
    }
}

fn form_page(row: &Row<'_>, form: FormRecord) -> rusqlite::Result<FormPage> {
    Ok(FormPage {
        collection: row.get(0)?,
        dossier: row.get(1)?,
        rel_path: row.get(2)?,
        page_index: row.get(3)?,
        page_count: row.get(4)?,
        form,
    })
}

/// The form page `page` was read as, if it was.
pub(super) fn page_form(conn: &Connection, page: i64) -> Result<Option<FormRecord>, CatalogError> {
    let form: Option<String> = conn
        .prepare_cached("SELECT form FROM page_form WHERE page_id = ?1")
        .and_then(|mut stmt| stmt.query_row([page], |r| r.get(0)).optional())
        .during("read a page's form")?;
    match form {
        Some(form) => form_values(conn, page, form).map(Some),
        None => Ok(None),
    }
}

/// The current values of page `page`'s form `form` (a reviewer's correction in place of the
/// reading, see `review.rs`): member 0 its own fields, each later member a row
/// of its table, in the order they were read.
fn form_values(conn: &Connection, page: i64, form: String) -> Result<FormRecord, CatalogError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT member, name, value, confidence, doubt, left, top, width, height
             FROM form_field_now WHERE page_id = ?1 ORDER BY member, ordinal",
        )
        .during("read a form's values")?;
    let values: Vec<(i64, FieldValue)> = stmt
        .query_map([page], |r| Ok((r.get(0)?, field_value(r)?)))
        .and_then(Iterator::collect)
        .during("read a form's values")?;
    let mut record = FormRecord {
        form,
        fields: Vec::new(),
        members: Vec::new(),
    };
    let mut last = 0;
    for (member, value) in values {
        if member == 0 {
            record.fields.push(value);
            continue;
        }
        if member != last || record.members.is_empty() {
            record.members.push(Vec::new());
            last = member;
        }
        if let Some(row) = record.members.last_mut() {
            row.push(value);
        }
    }
    Ok(record)
}

fn field_value(r: &Row<'_>) -> rusqlite::Result<FieldValue> {
    Ok(FieldValue {
        name: r.get(1)?,
        value: r.get(2)?,
        confidence: r.get::<_, f64>(3)? as f32,
        doubt: r.get(4)?,
        left: r.get(5)?,
        top: r.get(6)?,
        width: r.get(7)?,
        height: r.get(8)?,
    })
}
