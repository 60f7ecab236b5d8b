//! Corrections of a page's text, made in the review station: a `review` row of action
//! `text` holding the whole corrected text (no form value), appended and chained like every
//! other decision (`review.rs`). The reading in `page.text` is never rewritten: a page's
//! current text is its latest correction, else its reading (`page_text_sql!`), and that is
//! what `show`, `export text`, `export pdf`, `export bagit` and `search` read.
//!
//! The search index is derived data: after a correction the page's rows in `page_fold` and
//! `page_exact`, its word counts in `term_df` and its fields in `page_field` are brought to
//! the new text here, in the decision's own transaction, so `verify` (which rebuilds them
//! from the current text, `derived_audit.rs`) finds them consistent.

use rusqlite::{params, Connection};

use super::error::During;
use super::search_index;
use super::CatalogError;

/// Migration 14: `review` takes the action `text`.
///
/// Why a new action of `review` rather than a table of its own: a text correction is one
/// more decision about a page, with the same who and when, and `review` is already covered
/// by the chain (subject `review`, a link per row, `verify` naming an edited row as
/// `review-altered`); a separate table would need `chain_link` rebuilt again for a fourth
/// kind of subject, and every reader of decisions taught a second place.
///
/// SQLite cannot alter a CHECK, so the table is rebuilt. Its documented procedure (a new
/// table, copied, the old one dropped, the new one renamed) asks for `foreign_keys` off,
/// and that pragma does nothing inside the exclusive transaction every migration runs in.
/// With it on, dropping `review` counts a violation for each `chain_link` row naming a
/// review, and a rename never settles them: the commit would fail. So the rows are kept
/// aside, the old table dropped, the new one created under the same name and the rows
/// copied back, with the checks deferred to the commit: inserting the parent rows settles
/// what the drop counted, and `chain_link`'s `REFERENCES review(id)`, never rewritten,
/// names the new table. Ids are kept, so every link still finds its row and its digest.
/// Dropping the table drops its indexes and triggers, recreated below; the view
/// `form_field_now` names `review` by name and needs nothing.
pub(super) const MIGRATION: &str = r#"
PRAGMA defer_foreign_keys = ON;
CREATE TABLE review_v13 AS SELECT * FROM review;
DROP TABLE review;
CREATE TABLE review (
    id INTEGER PRIMARY KEY,
    page_id INTEGER NOT NULL REFERENCES page(id),
    -- The page's file, so that status counts cleared pages without reading the page table.
    file_id INTEGER NOT NULL REFERENCES file(id),
    field_id INTEGER REFERENCES page_form_field(id),
    action TEXT NOT NULL CHECK (action IN ('accept', 'correct', 'clear', 'text')),
    -- The new value of a correction; the whole corrected page text of `text`.
    value TEXT,
    reviewer TEXT NOT NULL CHECK (reviewer != ''),
    at TEXT NOT NULL,
    CHECK ((action IN ('correct', 'text')) = (value IS NOT NULL)),
    CHECK (action != 'accept' OR field_id IS NOT NULL),
    CHECK (action NOT IN ('clear', 'text') OR field_id IS NULL)
) STRICT;
INSERT INTO review (id, page_id, file_id, field_id, action, value, reviewer, at)
    SELECT id, page_id, file_id, field_id, action, value, reviewer, at FROM review_v13
    ORDER BY id;
DROP TABLE review_v13;
CREATE INDEX review_field ON review(field_id, id);
CREATE INDEX review_file ON review(file_id, page_id);
CREATE INDEX review_page ON review(page_id, id);
CREATE TRIGGER review_append_only_update BEFORE UPDATE ON review
BEGIN SELECT RAISE(ABORT, 'review is append-only'); END;
CREATE TRIGGER review_append_only_delete BEFORE DELETE ON review
BEGIN SELECT RAISE(ABORT, 'review is append-only'); END;
"#;

/// The current text of page `page`; `None` when there is no such page.
pub(super) fn current_text(conn: &Connection, page: i64) -> Result<Option<String>, CatalogError> {
    use rusqlite::OptionalExtension;
    let sql = concat!("SELECT ", page_text_sql!(), " FROM page p WHERE p.id = ?1");
    conn.prepare_cached(sql)
        .and_then(|mut stmt| stmt.query_row([page], |r| r.get(0)).optional())
        .during("read a page's text")
}

/// Bring page `page`'s search rows from `before` (the text they were built from) to
/// `after`. Part of the caller's transaction; the page's fields are rewritten by the caller
/// once the correction is in `review`.
pub(super) fn reindex(
    conn: &Connection,
    page: i64,
    before: &str,
    after: &str,
) -> Result<(), CatalogError> {
    search_index::replace_page_text(conn, page, before, after).during("re-index a page's text")?;
    super::page_fields::rewrite(conn, page)
}

/// The file of page `page`, which any page has: a text can be corrected whether or not the
/// page was flagged.
pub(super) fn file_of(conn: &Connection, page: i64) -> Result<Option<i64>, CatalogError> {
    use rusqlite::OptionalExtension;
    conn.query_row(
        "SELECT file_id FROM page WHERE id = ?1",
        params![page],
        |r| r.get(0),
    )
    .optional()
    .during("record a review")
}

#[cfg(test)]
#[path = "review_text_tests.rs"]
mod tests;
