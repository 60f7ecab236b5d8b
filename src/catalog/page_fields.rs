//! The search fields (`page_field`) a page must have: its boxed ID numbers, then the current
//! values of the people of its form (`form_field_now`, so a reviewer's correction is what
//! `search --name/--id/--born` finds), then the fields of its current text, each kept only when no
//! earlier one has its kind and value. `derived_audit.rs` compares a page's rows with this;
//! `review.rs` rewrites them after a correction. The run writes the same rows as it goes
//! (`page.rs`, `form.rs`, `search_index.rs`).

use std::collections::BTreeMap;

use rusqlite::{params, Connection};

use super::error::During;
use super::CatalogError;
use crate::search::{extract, record_fields};

/// `(kind, value) → raw`, as `page_field` keys its rows.
pub(super) type FieldSet = BTreeMap<(String, String), String>;

/// The fields page `page`, whose text is `text`, must have.
pub(super) fn expected(conn: &Connection, page: i64, text: &str) -> Result<FieldSet, CatalogError> {
    let mut expected = FieldSet::new();
    for (kind, value) in boxed_ids(conn, page)? {
        expected.entry((kind, value.clone())).or_insert(value);
    }
    let values = form_values(conn, page)?;
    for f in record_fields(values.iter().map(|(n, v)| (n.as_str(), v.as_str()))) {
        expected
            .entry((f.kind.code().to_string(), f.value))
            .or_insert(f.raw);
    }
    for f in extract(text) {
        expected
            .entry((f.kind.code().to_string(), f.value))
            .or_insert(f.raw);
    }
    Ok(expected)
}

/// Replace page `page`'s search fields by those it must have now. Part of the caller's
/// transaction.
pub(super) fn rewrite(conn: &Connection, page: i64) -> Result<(), CatalogError> {
    // The current text: after a correction of the text, its fields are the corrected ones.
    let text = super::review_text::current_text(conn, page)?.unwrap_or_default();
    let fields = expected(conn, page, &text)?;
    conn.execute("DELETE FROM page_field WHERE page_id = ?1", [page])
        .during("rewrite page fields")?;
    let mut insert = conn
        .prepare_cached(
            "INSERT INTO page_field (page_id, kind, value, raw) VALUES (?1, ?2, ?3, ?4)",
        )
        .during("rewrite page fields")?;
    for ((kind, value), raw) in fields {
        insert
            .execute(params![page, kind, value, raw])
            .during("rewrite page fields")?;
    }
    Ok(())
}

/// The boxed ID fields (`id`, `old-id`) of page `page`, as `(kind, value)`.
fn boxed_ids(conn: &Connection, page: i64) -> Result<Vec<(String, String)>, CatalogError> {
    pairs(
        conn,
        "SELECT kind, value FROM page_boxed_field WHERE page_id = ?1
         AND kind IN ('id', 'old-id') ORDER BY rowid",
        page,
    )
}

/// The `(name, current value)` of every value of page `page`'s form (none when it was read
/// as no form).
fn form_values(conn: &Connection, page: i64) -> Result<Vec<(String, String)>, CatalogError> {
    pairs(
        conn,
        "SELECT name, value FROM form_field_now WHERE page_id = ?1 ORDER BY member, ordinal",
        page,
    )
}

/// The two text columns of `sql`'s rows for page `page`.
fn pairs(conn: &Connection, sql: &str, page: i64) -> Result<Vec<(String, String)>, CatalogError> {
    let mut stmt = conn.prepare_cached(sql).during("check page fields")?;
    let rows = stmt
        .query_map([page], |r| Ok((r.get(0)?, r.get(1)?)))
        .and_then(Iterator::collect)
        .during("check page fields")?;
    Ok(rows)
}
