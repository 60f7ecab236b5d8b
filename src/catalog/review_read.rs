//! Reading what review needs (`review.rs` writes it): the queue of dossiers with flagged pages
//! not yet cleared, oldest digitised first; one page with its current text, flags and current form
//! values (each with its reading and its latest decision); and the object holding a page, by
//! the page's catalog id only. A dossier's review history is `review_history.rs`'s. Read-only.

use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;

use super::error::During;
use super::{Catalog, CatalogError};
use crate::content::ContentId;

/// Which flagged pages the queue shows: of one collection, with one flag, recorded by one
/// operator's batches; `None` keeps all.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    pub collection: Option<String>,
    pub reason: Option<String>,
    pub operator: Option<String>,
}

/// A dossier waiting for review, with its flagged pages not yet cleared.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueueDossier {
    pub collection: String,
    pub dossier: String,
    /// When its latest flagged file was recorded (RFC 3339): the queue's order.
    pub recorded_at: String,
    pub operator: Option<String>,
    pub pages: Vec<QueuePage>,
}

/// A flagged page of the queue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueuePage {
    /// The page's catalog id: what the station's requests name.
    pub id: i64,
    pub rel_path: String,
    /// 0-based, in its file.
    pub page_index: u32,
    pub page_count: u32,
    pub flags: Vec<String>,
}

/// One page as the station shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewPage {
    pub id: i64,
    pub collection: String,
    pub dossier: String,
    pub rel_path: String,
    pub page_index: u32,
    pub page_count: u32,
    pub flags: Vec<String>,
    pub confidence: Option<f64>,
    /// The current text: the latest correction, else the reading.
    pub text: String,
    /// Whether a reviewer corrected the text.
    pub text_corrected: bool,
    pub form: Option<String>,
    pub fields: Vec<ReviewField>,
    /// Whether a reviewer has cleared it.
    pub cleared: bool,
}

/// A form value with its machine reading and where a person left it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewField {
    /// Its `page_form_field` id.
    pub id: i64,
    /// 0 for the form's own fields, 1… for the rows of its table of people.
    pub member: u32,
    pub name: String,
    /// The current value: the latest correction, else the reading.
    pub value: String,
    /// What the engine read.
    pub read: String,
    pub confidence: f64,
    pub doubt: Option<String>,
    /// The latest decision on it: `accept` or `correct`.
    pub decision: Option<String>,
}

/// The original holding a page: its object and the page's index in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageObject {
    pub object: ContentId,
    pub page_index: u32,
}

const QUEUE_SQL: &str = concat!(
    "
SELECT col.code, d.code, f.rel_path, p.id, p.page_index, f.page_count, p.flags, b.operator,
       f.recorded_at",
    awaiting_review_sql!(),
    "
  AND (?1 IS NULL OR col.code = ?1)
  AND (?2 IS NULL OR ',' || p.flags || ',' LIKE '%,' || ?2 || ',%')
  AND (?3 IS NULL OR b.operator = ?3)
ORDER BY col.code, d.code, f.rel_path, p.page_index"
);

const PAGE_SQL: &str = concat!(
    "
SELECT p.id, col.code, d.code, f.rel_path, p.page_index, f.page_count, p.flags, p.confidence,
       ",
    page_text_sql!(),
    ", (SELECT form FROM page_form WHERE page_id = p.id),
       EXISTS (SELECT 1 FROM review r WHERE r.page_id = p.id AND r.action = 'clear'),
       ",
    text_correction_sql!(),
    " IS NOT NULL
FROM page p
JOIN file f ON f.id = p.file_id
JOIN collection col ON col.id = f.collection_id
JOIN dossier d ON d.id = f.dossier_id
WHERE p.id = ?1"
);

const FIELDS_SQL: &str = "
SELECT n.id, n.member, n.name, n.value, v.value, n.confidence, n.doubt,
       (SELECT r.action FROM review r WHERE r.field_id = n.id ORDER BY r.id DESC LIMIT 1)
FROM form_field_now n JOIN page_form_field v ON v.id = n.id
WHERE n.page_id = ?1 ORDER BY n.member, n.ordinal";

fn flags_of(text: &str) -> Vec<String> {
    text.split(',')
        .filter(|f| !f.is_empty())
        .map(str::to_string)
        .collect()
}

impl Catalog {
    /// Dossiers with flagged pages no reviewer has cleared, the longest waiting first.
    ///
    /// # Errors
    /// The catalog cannot be read.
    pub fn review_queue(&self, filter: &QueueFilter) -> Result<Vec<QueueDossier>, CatalogError> {
        let mut stmt = self
            .conn
            .prepare_cached(QUEUE_SQL)
            .during("read the review queue")?;
        let args = params![filter.collection, filter.reason, filter.operator];
        let rows = stmt
            .query_map(args, queue_row)
            .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
            .during("read the review queue")?;
        let mut queue: Vec<QueueDossier> = Vec::new();
        for (dossier, page) in rows {
            match queue.last_mut() {
                Some(last)
                    if last.collection == dossier.collection && last.dossier == dossier.dossier =>
                {
                    if dossier.recorded_at > last.recorded_at {
                        last.recorded_at = dossier.recorded_at;
                        last.operator = dossier.operator;
                    }
                    last.pages.push(page);
                }
                _ => queue.push(QueueDossier {
                    pages: vec![page],
                    ..dossier
                }),
            }
        }
        queue.sort_by(|a, b| {
            (&a.recorded_at, &a.collection, &a.dossier).cmp(&(
                &b.recorded_at,
                &b.collection,
                &b.dossier,
            ))
        });
        Ok(queue)
    }

    /// Page `id` with its form's current values; `None` when there is no such page.
    ///
    /// # Errors
    /// The catalog cannot be read.
    pub fn review_page(&self, id: i64) -> Result<Option<ReviewPage>, CatalogError> {
        let page = self
            .conn
            .prepare_cached(PAGE_SQL)
            .and_then(|mut stmt| stmt.query_row([id], page_row).optional())
            .during("read a page for review")?;
        let Some(mut page) = page else {
            return Ok(None);
        };
        let mut stmt = self
            .conn
            .prepare_cached(FIELDS_SQL)
            .during("read a page for review")?;
        page.fields = stmt
            .query_map([id], field_row)
            .and_then(Iterator::collect)
            .during("read a page for review")?;
        Ok(Some(page))
    }

    /// The object holding page `id` and the page's index in it; `None` when there is no
    /// such page or its file has no stored object.
    ///
    /// # Errors
    /// The catalog cannot be read, or holds a malformed checksum.
    pub fn page_object(&self, id: i64) -> Result<Option<PageObject>, CatalogError> {
        let found: Option<(Option<String>, u32)> = self
            .conn
            .prepare_cached(
                "SELECT f.sha256, p.page_index FROM page p JOIN file f ON f.id = p.file_id
                 WHERE p.id = ?1",
            )
            .and_then(|mut stmt| {
                stmt.query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()
            })
            .during("find a page's object")?;
        let Some((Some(hex), page_index)) = found else {
            return Ok(None);
        };
        let object = hex.parse().map_err(|_| CatalogError::Sql {
            op: "find a page's object",
            source: rusqlite::Error::InvalidColumnType(
                0,
                "sha256".into(),
                rusqlite::types::Type::Text,
            ),
        })?;
        Ok(Some(PageObject { object, page_index }))
    }
}

fn queue_row(r: &Row<'_>) -> rusqlite::Result<(QueueDossier, QueuePage)> {
    let dossier = QueueDossier {
        collection: r.get(0)?,
        dossier: r.get(1)?,
        recorded_at: r.get(8)?,
        operator: r.get(7)?,
        pages: Vec::new(),
    };
    let page = QueuePage {
        id: r.get(3)?,
        rel_path: r.get(2)?,
        page_index: r.get(4)?,
        page_count: r.get(5)?,
        flags: flags_of(&r.get::<_, String>(6)?),
    };
    Ok((dossier, page))
}

fn page_row(r: &Row<'_>) -> rusqlite::Result<ReviewPage> {
    Ok(ReviewPage {
        id: r.get(0)?,
        collection: r.get(1)?,
        dossier: r.get(2)?,
        rel_path: r.get(3)?,
        page_index: r.get(4)?,
        page_count: r.get(5)?,
        flags: flags_of(&r.get::<_, String>(6)?),
        confidence: r.get(7)?,
        text: r.get(8)?,
        form: r.get(9)?,
        fields: Vec::new(),
        cleared: r.get(10)?,
        text_corrected: r.get(11)?,
    })
}

fn field_row(r: &Row<'_>) -> rusqlite::Result<ReviewField> {
    Ok(ReviewField {
        id: r.get(0)?,
        member: r.get(1)?,
        name: r.get(2)?,
        value: r.get(3)?,
        read: r.get(4)?,
        confidence: r.get(5)?,
        doubt: r.get(6)?,
        decision: r.get(7)?,
    })
}
