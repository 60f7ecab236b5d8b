//! The search index's rows for one page: its folded text in `page_fold` (a contentless FTS5
//! table: the text is folded here, in Rust, by the same [`fold`] the query parser applies, so
//! đ/d and every mark are ignored alike on both sides) and its extracted fields in
//! `page_field`. Written in the page's own transaction by `page.rs`; pages recorded before
//! the index existed are filled once by [`backfill`], run by the migration that creates it.

use rusqlite::{params, Connection};

use crate::search::{extract, fold};

/// The migration that creates the index (with prefix indexes, so `luo*` reads one entry
/// rather than merging every token that starts so); `search_backfill` remembers, until [`backfill`]
/// has run, the pages that were in the catalog before it.
pub(super) const MIGRATION: &str = r#"
CREATE VIRTUAL TABLE page_fold USING fts5(
    text, content='', tokenize="unicode61 remove_diacritics 0", prefix='2 3'
);
CREATE TABLE page_field (
    page_id INTEGER NOT NULL REFERENCES page(id),
    kind TEXT NOT NULL CHECK (kind IN ('id', 'old-id', 'born', 'name')),
    value TEXT NOT NULL,
    raw TEXT NOT NULL,
    PRIMARY KEY (page_id, kind, value)
) STRICT, WITHOUT ROWID;
CREATE INDEX page_field_value ON page_field(kind, value);
CREATE TABLE search_backfill (upto INTEGER NOT NULL) STRICT;
INSERT INTO search_backfill SELECT max(id) FROM page HAVING count(*) > 0;
"#;

/// Index one page's text and fields.
pub(super) fn index_page(conn: &Connection, page_id: i64, text: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT INTO page_fold (rowid, text) VALUES (?1, ?2)")?
        .execute(params![page_id, fold(text)])?;
    let mut field = conn.prepare_cached(
        "INSERT OR IGNORE INTO page_field (page_id, kind, value, raw) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for f in extract(text) {
        field.execute(params![page_id, f.kind.code(), f.value, f.raw])?;
    }
    Ok(())
}

/// Index the pages recorded before the index existed, if any are left; no OCR is needed, the
/// text is in the catalog. Runs inside the migration's exclusive transaction, so no writer
/// adds pages meanwhile.
pub(super) fn backfill(conn: &Connection) -> rusqlite::Result<()> {
    let upto: Option<i64> = conn.query_row("SELECT max(upto) FROM search_backfill", [], |row| {
        row.get(0)
    })?;
    let Some(upto) = upto else {
        return Ok(());
    };
    let mut pages = conn.prepare("SELECT id, text FROM page WHERE id <= ?1 ORDER BY id")?;
    let mut rows = pages.query([upto])?;
    while let Some(row) = rows.next()? {
        index_page(conn, row.get(0)?, &row.get::<_, String>(1)?)?;
    }
    conn.execute("DELETE FROM search_backfill", [])?;
    Ok(())
}
