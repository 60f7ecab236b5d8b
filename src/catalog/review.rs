//! Review: what a person decided about a flagged page, appended to `review` and never
//! changed. A row accepts a form value as read, corrects it (the new value), or clears a
//! page (its flags are settled: the page no longer holds its dossier in review). A value's
//! current reading is its latest correction, else the machine's (`form_field_now`); a
//! dossier is done again once every flagged page of its current files is cleared
//! (`status.rs`, `progress.rs`).
//!
//! Every row gets its own chain link at once (`chain.rs`, subject `review`), so `verify`
//! names a row edited behind sohoa's back. Written by the review station (`sohoa review`),
//! which holds no archive lock: each decision is one short immediate transaction beside a
//! running batch. Read back by `review_read.rs`.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, TransactionBehavior};

use super::chain::{self, Subject};
use super::error::During;
use super::{time_text, Catalog, CatalogError};
use crate::merkle::merkle_root;

/// Migration 13: the review table with its append-only triggers, the current reading of
/// every form value, and the chain's link table rebuilt to take review links (a CHECK cannot
/// be altered in SQLite).
pub(super) const MIGRATION: &str = r#"
CREATE TABLE review (
    id INTEGER PRIMARY KEY,
    page_id INTEGER NOT NULL REFERENCES page(id),
    -- The page's file, so that status counts cleared pages without reading the page table.
    file_id INTEGER NOT NULL REFERENCES file(id),
    field_id INTEGER REFERENCES page_form_field(id),
    action TEXT NOT NULL CHECK (action IN ('accept', 'correct', 'clear')),
    value TEXT,
    reviewer TEXT NOT NULL CHECK (reviewer != ''),
    at TEXT NOT NULL,
    CHECK ((action = 'correct') = (value IS NOT NULL)),
    CHECK (action != 'accept' OR field_id IS NOT NULL),
    CHECK (action != 'clear' OR field_id IS NULL)
) STRICT;
CREATE INDEX review_field ON review(field_id, id);
CREATE INDEX review_file ON review(file_id, page_id);
CREATE INDEX review_page ON review(page_id, id);
CREATE TRIGGER review_append_only_update BEFORE UPDATE ON review
BEGIN SELECT RAISE(ABORT, 'review is append-only'); END;
CREATE TRIGGER review_append_only_delete BEFORE DELETE ON review
BEGIN SELECT RAISE(ABORT, 'review is append-only'); END;

-- A value a person has looked at is as sure as a reading can be, and has no doubt left.
CREATE VIEW form_field_now AS
SELECT v.id, v.page_id, v.member, v.ordinal, v.name,
    coalesce((SELECT r.value FROM review r WHERE r.field_id = v.id AND r.action = 'correct'
              ORDER BY r.id DESC LIMIT 1), v.value) AS value,
    CASE WHEN EXISTS (SELECT 1 FROM review r WHERE r.field_id = v.id)
         THEN 100.0 ELSE v.confidence END AS confidence,
    CASE WHEN EXISTS (SELECT 1 FROM review r WHERE r.field_id = v.id)
         THEN NULL ELSE v.doubt END AS doubt,
    v.left, v.top, v.width, v.height
FROM page_form_field v;

DROP TRIGGER chain_link_append_only_update;
DROP TRIGGER chain_link_append_only_delete;
ALTER TABLE chain_link RENAME TO chain_link_v2;
CREATE TABLE chain_link (
    seq INTEGER PRIMARY KEY CHECK (seq >= 1),
    batch_id INTEGER UNIQUE REFERENCES batch(id),
    fixity_id INTEGER UNIQUE REFERENCES fixity_event(id),
    review_id INTEGER UNIQUE REFERENCES review(id),
    merkle_root TEXT NOT NULL CHECK (length(merkle_root) = 64),
    prev_hash TEXT NOT NULL CHECK (length(prev_hash) = 64),
    link_hash TEXT NOT NULL CHECK (length(link_hash) = 64),
    CHECK ((batch_id IS NOT NULL) + (fixity_id IS NOT NULL) + (review_id IS NOT NULL) = 1)
) STRICT;
INSERT INTO chain_link (seq, batch_id, fixity_id, merkle_root, prev_hash, link_hash)
    SELECT seq, batch_id, fixity_id, merkle_root, prev_hash, link_hash FROM chain_link_v2;
DROP TABLE chain_link_v2;
CREATE TRIGGER chain_link_append_only_update BEFORE UPDATE ON chain_link
BEGIN SELECT RAISE(ABORT, 'chain_link is append-only'); END;
CREATE TRIGGER chain_link_append_only_delete BEFORE DELETE ON chain_link
BEGIN SELECT RAISE(ABORT, 'chain_link is append-only'); END;
"#;

/// What a reviewer decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewAction {
    /// Form value `field` (its `page_form_field` id) is right as it reads now.
    Accept { field: i64 },
    /// Form value `field` should read `value`.
    Correct { field: i64, value: String },
    /// The page's flags are settled.
    Clear,
    /// The page's text should read `text` (all of it).
    Text { text: String },
}

impl ReviewAction {
    fn parts(&self) -> (&'static str, Option<i64>, Option<&str>) {
        match self {
            ReviewAction::Accept { field } => ("accept", Some(*field), None),
            ReviewAction::Correct { field, value } => ("correct", Some(*field), Some(value)),
            ReviewAction::Clear => ("clear", None, None),
            ReviewAction::Text { text } => ("text", None, Some(text)),
        }
    }
}

/// One decision to record: on page `page` (its catalog id), by `reviewer`, at `at`.
#[derive(Debug, Clone)]
pub struct NewReview<'a> {
    pub page: i64,
    pub action: ReviewAction,
    pub reviewer: &'a str,
    pub at: DateTime<Utc>,
}

/// The columns a review link covers, in its digest's order.
pub(super) const REVIEW_SUBJECT_SQL: &str = "SELECT page_id, file_id, field_id, action, value,
    reviewer, at FROM review WHERE id = ?1";

impl Catalog {
    /// Append one decision and its chain link, and bring the page's search fields up to its
    /// current values, in one immediate transaction (it waits for a running batch's commit,
    /// never for the batch).
    ///
    /// # Errors
    /// [`CatalogError::NotReviewable`] when the page does not exist, the field is not one
    /// of its form's, or a page without flags is cleared; otherwise the catalog cannot be
    /// written.
    pub fn record_review(&mut self, review: &NewReview<'_>) -> Result<i64, CatalogError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .during("record a review")?;
        let (action, field, value) = review.action.parts();
        let file = reviewable(&tx, review.page, field, action)?;
        // The text the search rows were built from, before this correction joins it.
        let before = match action {
            "text" => super::review_text::current_text(&tx, review.page)?,
            _ => None,
        };
        tx.prepare_cached(
            "INSERT INTO review (page_id, file_id, field_id, action, value, reviewer, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )
        .and_then(|mut stmt| {
            stmt.execute(params![
                review.page,
                file,
                field,
                action,
                value,
                review.reviewer,
                time_text(&review.at)
            ])
        })
        .during("record a review")?;
        let id = tx.last_insert_rowid();
        let subject = chain::review_subject(&tx, id)?
            .ok_or(CatalogError::NotReviewable { page: review.page })?;
        chain::append_link(&tx, Subject::Review(id), &merkle_root(&[subject]))?;
        if field.is_some() {
            super::page_fields::rewrite(&tx, review.page)?;
        }
        if let (Some(before), Some(after)) = (before, value) {
            super::review_text::reindex(&tx, review.page, &before, after)?;
        }
        tx.commit().during("record a review")?;
        Ok(id)
    }
}

/// The file of page `page` when the decision applies to it: a field of its own form, a
/// clear of a flagged page, or a correction of any page's text.
fn reviewable(
    conn: &rusqlite::Connection,
    page: i64,
    field: Option<i64>,
    action: &str,
) -> Result<i64, CatalogError> {
    let refused = || CatalogError::NotReviewable { page };
    if action == "text" {
        return super::review_text::file_of(conn, page)?.ok_or_else(refused);
    }
    let found: Option<(i64, String)> = conn
        .query_row(
            "SELECT file_id, flags FROM page WHERE id = ?1",
            [page],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .during("record a review")?;
    let (file, flags) = found.ok_or_else(refused)?;
    if let Some(field) = field {
        let of_page: Option<i64> = conn
            .query_row(
                "SELECT page_id FROM page_form_field WHERE id = ?1",
                [field],
                |r| r.get(0),
            )
            .optional()
            .during("record a review")?;
        if of_page != Some(page) {
            return Err(refused());
        }
    } else if action == "clear" && flags.is_empty() {
        return Err(refused());
    }
    Ok(file)
}

#[cfg(test)]
#[path = "review_tests.rs"]
mod tests;
