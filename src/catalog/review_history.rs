//! A dossier's review history for `sohoa show`: every decision on its pages in the order
//! made, who and when, what a corrected value read before, and for a correction of a page's
//! text the words it changed (the whole text is the page's). Read-only.

use rusqlite::Row;
use serde::Serialize;

use super::error::During;
use super::{Catalog, CatalogError};

/// One decision, for a dossier's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewEvent {
    pub rel_path: String,
    /// 0-based, in its file.
    pub page_index: u32,
    /// The form value's name, for a decision on a value.
    pub field: Option<String>,
    pub action: String,
    /// What the value read before this decision, for a correction; for a correction of the
    /// text, the words it replaced (`text_align::changed_words`).
    pub before: Option<String>,
    /// The new value; for a correction of the text, the words it put in (the whole text is
    /// `show --page N`'s).
    pub value: Option<String>,
    pub reviewer: String,
    pub at: String,
}

/// The fifth column is what the value or the text read before the decision.
const HISTORY_SQL: &str = "
SELECT f.rel_path, p.page_index, v.name, r.action,
       CASE WHEN r.action = 'text'
       THEN coalesce((SELECT q.value FROM review q WHERE q.page_id = r.page_id
                 AND q.action = 'text' AND q.id < r.id ORDER BY q.id DESC LIMIT 1), p.text)
       ELSE coalesce((SELECT q.value FROM review q WHERE q.field_id = r.field_id
                 AND q.action = 'correct' AND q.id < r.id ORDER BY q.id DESC LIMIT 1), v.value)
       END,
       r.value, r.reviewer, r.at
FROM review r
JOIN page p ON p.id = r.page_id
JOIN file f ON f.id = r.file_id
JOIN collection col ON col.id = f.collection_id
JOIN dossier d ON d.id = f.dossier_id
LEFT JOIN page_form_field v ON v.id = r.field_id
WHERE col.code = ?1 AND d.code = ?2
ORDER BY r.id";

impl Catalog {
    /// Every decision on the pages of dossier `dossier` of `collection`, in the order made.
    ///
    /// # Errors
    /// The catalog cannot be read.
    pub fn review_history(
        &self,
        collection: &str,
        dossier: &str,
    ) -> Result<Vec<ReviewEvent>, CatalogError> {
        let mut stmt = self
            .conn
            .prepare_cached(HISTORY_SQL)
            .during("read review history")?;
        let rows = stmt
            .query_map([collection, dossier], history_row)
            .and_then(Iterator::collect)
            .during("read review history")?;
        Ok(rows)
    }
}

fn history_row(r: &Row<'_>) -> rusqlite::Result<ReviewEvent> {
    let action: String = r.get(3)?;
    let (before, value) = match action.as_str() {
        "correct" => (r.get(4)?, r.get(5)?),
        // A page's text is long: the history names the words the correction changed.
        "text" => {
            let (before, after) =
                crate::text_align::changed_words(&r.get::<_, String>(4)?, &r.get::<_, String>(5)?);
            (Some(before), Some(after))
        }
        _ => (None, r.get(5)?),
    };
    Ok(ReviewEvent {
        rel_path: r.get(0)?,
        page_index: r.get(1)?,
        field: r.get(2)?,
        before,
        action,
        value,
        reviewer: r.get(6)?,
        at: r.get(7)?,
    })
}
