//! A page read as a form (`model::FormRecord`): which form in `page_form`, and every value
//! in `page_form_field`, the page's own fields as member 0 and each row of its table of
//! people as member 1, 2, … Written by `page.rs` in the page's transaction, copied by a
//! merge (`merge_rows.rs`), covered by the chain (`form` and `form-field` leaves, see
//! `chain_cover.rs`) and read back by `form_read.rs`.
//!
//! The names, dates of birth and ID numbers of a form also become search fields
//! (`page_field`), normalised as the text's own fields are (`search::record_fields`), so
//! `search --name/--born/--id` finds every person a form lists, not only those the text's
//! labels happen to introduce.

use rusqlite::{params, Connection};

use crate::model::{FieldValue, FormRecord};
use crate::search::record_fields;

/// Migration 12: the two tables, an index to look a value up by field name, and the chain
/// leaf kinds that cover them (the table is rebuilt, as in migration 10: a CHECK cannot be
/// altered). Field rows have an INTEGER PRIMARY KEY, so their leaf id is stable and a
/// finding names the row's page.
pub(super) const MIGRATION: &str = r#"
CREATE TABLE page_form (
    page_id INTEGER PRIMARY KEY REFERENCES page(id),
    form TEXT NOT NULL
) STRICT;
CREATE TABLE page_form_field (
    id INTEGER PRIMARY KEY,
    page_id INTEGER NOT NULL REFERENCES page_form(page_id),
    member INTEGER NOT NULL CHECK (member >= 0),
    ordinal INTEGER NOT NULL CHECK (ordinal >= 0),
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    confidence REAL NOT NULL,
    doubt TEXT,
    left INTEGER NOT NULL,
    top INTEGER NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    UNIQUE (page_id, member, ordinal)
) STRICT;
CREATE INDEX page_form_field_value ON page_form_field(name, value);
DROP TRIGGER chain_leaf_append_only_update;
DROP TRIGGER chain_leaf_append_only_delete;
DROP INDEX chain_leaf_row;
ALTER TABLE chain_leaf RENAME TO chain_leaf_v3;
CREATE TABLE chain_leaf (
    batch_id INTEGER NOT NULL REFERENCES batch(id),
    kind TEXT NOT NULL CHECK (kind IN ('file', 'page', 'boxed', 'duplicate', 'skip',
        'repair', 'collection', 'dossier', 'merge', 'form', 'form-field')),
    row_id INTEGER NOT NULL,
    digest BLOB NOT NULL CHECK (length(digest) = 32),
    PRIMARY KEY (batch_id, kind, row_id)
) STRICT, WITHOUT ROWID;
INSERT INTO chain_leaf SELECT * FROM chain_leaf_v3;
DROP TABLE chain_leaf_v3;
CREATE INDEX chain_leaf_row ON chain_leaf(kind, row_id, batch_id);
CREATE TRIGGER chain_leaf_append_only_update BEFORE UPDATE ON chain_leaf
BEGIN SELECT RAISE(ABORT, 'chain_leaf is append-only'); END;
CREATE TRIGGER chain_leaf_append_only_delete BEFORE DELETE ON chain_leaf
BEGIN SELECT RAISE(ABORT, 'chain_leaf is append-only'); END;
"#;

/// The form of page `page_id`, when it was read as one, and its values.
pub(super) fn insert_form(
    conn: &Connection,
    page_id: i64,
    form: Option<&FormRecord>,
) -> rusqlite::Result<()> {
    let Some(form) = form else {
        return Ok(());
    };
    conn.prepare_cached("INSERT INTO page_form (page_id, form) VALUES (?1, ?2)")?
        .execute(params![page_id, form.form])?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO page_form_field (page_id, member, ordinal, name, value, confidence, doubt,
             left, top, width, height)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    let rows = std::iter::once(&form.fields).chain(&form.members);
    for (member, row) in rows.enumerate() {
        for (ordinal, f) in row.iter().enumerate() {
            insert.execute(params![
                page_id,
                member as i64,
                ordinal as i64,
                f.name,
                f.value,
                stored_confidence(f),
                f.doubt,
                f.left,
                f.top,
                f.width,
                f.height
            ])?;
        }
    }
    Ok(())
}

/// A confidence SQLite can keep: NaN would become NULL, which the column refuses; a reading
/// with no measure of its sureness is as unsure as can be.
fn stored_confidence(f: &FieldValue) -> f64 {
    if f.confidence.is_finite() {
        f64::from(f.confidence)
    } else {
        0.0
    }
}

/// The form's people as search fields of page `page_id`, after its boxed ID numbers and
/// before the fields of its text (a value already there keeps its first reading).
pub(super) fn index_form(
    conn: &Connection,
    page_id: i64,
    form: Option<&FormRecord>,
) -> rusqlite::Result<()> {
    let Some(form) = form else {
        return Ok(());
    };
    let values = form
        .fields
        .iter()
        .chain(form.members.iter().flatten())
        .map(|f| (f.name.as_str(), f.value.as_str()));
    let mut field = conn.prepare_cached(
        "INSERT OR IGNORE INTO page_field (page_id, kind, value, raw) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for f in record_fields(values) {
        field.execute(params![page_id, f.kind.code(), f.value, f.raw])?;
    }
    Ok(())
}

/// Copy the form of source page `src_page` (attached as `src`) to page `page` here, in the
/// source's order, as a run here would have written it.
pub(super) fn copy_form(conn: &Connection, src_page: i64, page: i64) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO main.page_form (page_id, form)
         SELECT ?2, form FROM src.page_form WHERE page_id = ?1",
    )?
    .execute(params![src_page, page])?;
    conn.prepare_cached(
        "INSERT INTO main.page_form_field (page_id, member, ordinal, name, value, confidence,
             doubt, left, top, width, height)
         SELECT ?2, member, ordinal, name, value, confidence, doubt, left, top, width, height
         FROM src.page_form_field WHERE page_id = ?1 ORDER BY id",
    )?
    .execute(params![src_page, page])?;
    Ok(())
}

#[cfg(test)]
#[path = "form_tests.rs"]
mod tests;
