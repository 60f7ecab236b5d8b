//! Searching current pages: full text through `page_fold` (folded) or `page_fts` (exact,
//! filtered again here since that index ignores marks), and look-up by extracted field. Only
//! current versions are searched: every query joins `current_file`. Ranked by bm25, ties
//! and field-only look-ups ordered by collection, dossier, path and page.
//!
//! The FTS5 expression always comes from [`Query::to_fts`], never from user text.

use rusqlite::types::Value;

use super::error::During;
use super::{Catalog, CatalogError};
use crate::search::{snippet, Match, Query, Snippet};

/// What to look for; every given condition must hold.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    pub query: Option<Query>,
    pub mode: Match,
    /// A normalised ID number (12 or 9 digits).
    pub id: Option<String>,
    /// A folded name, words separated by one space.
    pub name: Option<String>,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub born: Option<String>,
    pub collection: Option<String>,
    pub limit: usize,
    pub offset: usize,
}

/// One matching page.
#[derive(Debug, Clone)]
pub struct Hit {
    pub collection: String,
    pub dossier: String,
    pub rel_path: String,
    /// 0-based, in its file.
    pub page_index: u32,
    /// 1-based, in its dossier (files in natural order), as `show --page` takes it.
    pub page_number: u32,
    /// bm25: lower is better; 0 for a field-only look-up.
    pub rank: f64,
    pub snippet: Snippet,
}

struct Row {
    collection: String,
    dossier_id: i64,
    dossier: String,
    rel_path: String,
    page_index: u32,
    text: String,
    rank: f64,
}

impl Catalog {
    /// The current pages matching `req`, best first.
    ///
    /// # Errors
    /// The catalog cannot be read.
    pub fn search(&self, req: &SearchRequest) -> Result<Vec<Hit>, CatalogError> {
        let (sql, args) = build_sql(req);
        let mut stmt = self.conn.prepare(&sql).during("search")?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(args), |r| {
                Ok(Row {
                    collection: r.get(0)?,
                    dossier_id: r.get(1)?,
                    dossier: r.get(2)?,
                    rel_path: r.get(3)?,
                    page_index: r.get(4)?,
                    text: r.get(5)?,
                    rank: r.get(6)?,
                })
            })
            .during("search")?;
        let exact_filter = match (&req.query, req.mode) {
            (Some(q), Match::Exact) => Some(q),
            _ => None,
        };
        let mut kept = Vec::new();
        let mut skipped = 0;
        for row in rows {
            let row = row.during("search")?;
            if let Some(q) = exact_filter {
                let toks: Vec<String> = crate::search::fold::tokens(&row.text, Match::Exact)
                    .into_iter()
                    .map(|t| t.norm)
                    .collect();
                if !q.matches(&toks) {
                    continue;
                }
                if skipped < req.offset {
                    skipped += 1;
                    continue;
                }
            }
            kept.push(row);
            if kept.len() >= req.limit {
                break;
            }
        }
        kept.into_iter().map(|row| self.hit(req, row)).collect()
    }

    fn hit(&self, req: &SearchRequest, row: Row) -> Result<Hit, CatalogError> {
        let pages = self.dossier_page_keys(row.dossier_id)?;
        let page_number = pages
            .iter()
            .position(|(p, i)| *p == row.rel_path && *i == row.page_index)
            .map_or(0, |n| n as u32 + 1);
        Ok(Hit {
            snippet: snippet(&row.text, &terms(req), req.mode),
            collection: row.collection,
            dossier: row.dossier,
            rel_path: row.rel_path,
            page_index: row.page_index,
            page_number,
            rank: row.rank,
        })
    }
}

/// What to highlight: the query's positive terms, else the looked-up field's words.
fn terms(req: &SearchRequest) -> Vec<(Vec<String>, bool)> {
    if let Some(q) = &req.query {
        return q.highlights();
    }
    let mut out = Vec::new();
    if let Some(id) = &req.id {
        out.push((vec![id.clone()], false));
    }
    if let Some(name) = &req.name {
        out.push((name.split(' ').map(str::to_string).collect(), false));
    }
    if let Some(born) = &req.born {
        out.push((vec![born[..4].to_string()], false));
    }
    out
}

const SELECT: &str = "SELECT col.code, d.id, d.code, c.rel_path, p.page_index, p.text";
const JOINS: &str = "JOIN page p ON p.id = x.rowid
    JOIN current_file c ON c.file_id = p.file_id
    JOIN dossier d ON d.id = c.dossier_id
    JOIN collection col ON col.id = c.collection_id";

fn build_sql(req: &SearchRequest) -> (String, Vec<Value>) {
    let mut args: Vec<Value> = Vec::new();
    let mut sql = match &req.query {
        Some(q) => {
            let (table, expr) = match req.mode {
                Match::Folded => ("page_fold", q.to_fts()),
                Match::Exact => ("page_fts", q.positive().to_fts()),
            };
            args.push(Value::Text(expr));
            format!("{SELECT}, bm25({table}) FROM {table} x {JOINS} WHERE {table} MATCH ?1")
        }
        None => format!("{SELECT}, 0.0 FROM page x {JOINS} WHERE 1"),
    };
    let mut field = |cond: &str, values: Vec<String>| {
        sql.push_str(&format!(
            " AND p.id IN (SELECT page_id FROM page_field WHERE {cond})"
        ));
        args.extend(values.into_iter().map(Value::Text));
    };
    if let Some(id) = &req.id {
        field("kind IN ('id', 'old-id') AND value = ?", vec![id.clone()]);
    }
    if let Some(name) = &req.name {
        // Whole words of the name, anywhere in it: "van luong" finds "tran van luong".
        field(
            "kind = 'name' AND ' ' || value || ' ' LIKE ?",
            vec![format!("% {name} %")],
        );
    }
    if let Some(born) = &req.born {
        field("kind = 'born' AND value LIKE ?", vec![format!("{born}%")]);
    }
    if let Some(c) = &req.collection {
        sql.push_str(" AND col.code = ?");
        args.push(Value::Text(c.clone()));
    }
    sql.push_str(" ORDER BY 7, col.code, d.code, c.rel_path, p.page_index");
    // Exact search filters rows after SQLite, so it pages through them itself.
    if req.query.is_none() || req.mode == Match::Folded {
        sql.push_str(" LIMIT ? OFFSET ?");
        args.push(Value::Integer(req.limit as i64));
        args.push(Value::Integer(req.offset as i64));
    }
    (sql, args)
}
