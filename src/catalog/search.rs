//! Searching current pages: full text through `page_fold` (folded) or `page_exact` (marks
//! kept), and look-up by extracted field. Only current versions are searched: every query
//! joins `current_file`. Ranked by bm25, ties and field-only look-ups ordered by collection,
//! dossier, path and page.
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
    /// Ranking is bm25 over the query's words that carry weight. A word found on at least
    /// half of the pages carries none (FTS5 clamps its idf to nearly zero), so pages that
    /// match through such words alone all tie; they come after the ranked pages, in tie
    /// order (collection, dossier, path, page), found without scoring every match. A query
    /// made only of such words ("cong hoa", "thu*") is not ranked at all.
    ///
    /// # Errors
    /// The catalog cannot be read.
    pub fn search(&self, req: &SearchRequest) -> Result<Vec<Hit>, CatalogError> {
        let query = match &req.query {
            Some(q) if text_only(req) => q,
            // Field look-ups select by index; text conditions then filter those few pages.
            _ => {
                let expr = req.query.as_ref().map(Query::to_fts);
                let (sql, args) = build_sql(req, expr.as_deref());
                return self.hits(req, &sql, args);
            }
        };
        let need = req.offset + req.limit;
        let tiers = self.tiers(query, req.mode)?;
        let mut found = Vec::with_capacity(need);
        for expr in [&tiers.together, &tiers.ranked].into_iter().flatten() {
            if found.len() < need {
                found.extend(self.ranked(req, expr, need - found.len())?);
            }
        }
        if let Some(rest) = tiers.rest.as_deref().filter(|_| found.len() < need) {
            let more = self.tie_ordered(req, rest, need - found.len())?;
            found.extend(more.into_iter().map(|id| (id, 0.0)));
        }
        let mut hits = Vec::with_capacity(req.limit);
        for (id, rank) in found.into_iter().skip(req.offset) {
            let sql = format!("{SELECT}, ?2 FROM (SELECT ?1 AS rowid) x {JOINS}");
            hits.extend(self.hits(req, &sql, vec![Value::Integer(id), Value::Real(rank)])?);
        }
        Ok(hits)
    }

    /// The hits of a statement selecting [`SELECT`]'s columns and a rank.
    pub(super) fn hits(
        &self,
        req: &SearchRequest,
        sql: &str,
        args: Vec<Value>,
    ) -> Result<Vec<Hit>, CatalogError> {
        let mut stmt = self.conn.prepare_cached(sql).during("search")?;
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
        rows.map(|row| self.hit(req, row.during("search")?))
            .collect()
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

/// The columns of a hit, before its rank.
/// The text is the page's current one, so snippets show what the index now holds.
pub(super) const SELECT: &str = concat!(
    "SELECT col.code, d.id, d.code, c.rel_path, p.page_index, ",
    page_text_sql!()
);
/// From a page id `x.rowid` to its current file, dossier and collection.
pub(super) const JOINS: &str = "JOIN page p ON p.id = x.rowid
    JOIN current_file c ON c.file_id = p.file_id
    JOIN dossier d ON d.id = c.dossier_id
    JOIN collection col ON col.id = c.collection_id";

/// Whether a search is by text alone, without field conditions (which select first).
fn text_only(req: &SearchRequest) -> bool {
    req.query.is_some() && req.id.is_none() && req.name.is_none() && req.born.is_none()
}

/// The statement for a search with field conditions: the fields select the pages (through
/// their index), the text, if any, must match too.
fn build_sql(req: &SearchRequest, expr: Option<&str>) -> (String, Vec<Value>) {
    let mut args: Vec<Value> = Vec::new();
    let mut sql = match expr {
        Some(expr) => {
            let table = index_table(req.mode);
            args.push(Value::Text(expr.to_string()));
            format!(
                "{SELECT}, x.r FROM (SELECT rowid, rank AS r FROM {table} \
                 WHERE {table} MATCH ?1) x {JOINS} WHERE 1"
            )
        }
        None => format!("{SELECT}, 0.0 FROM page x {JOINS} WHERE 1"),
    };
    field_conditions(req, &mut sql, &mut args);
    collection_condition(req, &mut sql, &mut args);
    sql.push_str(" ORDER BY 7, col.code, d.code, c.rel_path, p.page_index LIMIT ? OFFSET ?");
    args.push(Value::Integer(req.limit as i64));
    args.push(Value::Integer(req.offset as i64));
    (sql, args)
}

/// The full-text index a mode searches.
pub(super) fn index_table(mode: Match) -> &'static str {
    match mode {
        Match::Folded => "page_fold",
        Match::Exact => "page_exact",
    }
}

/// Keep to `--collection`, when given.
pub(super) fn collection_condition(req: &SearchRequest, sql: &mut String, args: &mut Vec<Value>) {
    if let Some(c) = &req.collection {
        sql.push_str(" AND col.code = ?");
        args.push(Value::Text(c.clone()));
    }
}

/// The field look-ups of `req`, each a condition on the page id.
pub(super) fn field_conditions(req: &SearchRequest, sql: &mut String, args: &mut Vec<Value>) {
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
        // The whole name, or its leading words ("nguyen van" finds "nguyen van a"): names
        // are looked up family name first. Stored names are words joined by one space, so
        // [name, name + "!") holds exactly those: one range, served by the index.
        field(
            "kind = 'name' AND value >= ? AND value < ?",
            vec![name.clone(), format!("{name}!")],
        );
    }
    if let Some(born) = &req.born {
        // `YYYY[-MM[-DD]]` as a range over the stored `YYYY-MM-DD`, served by the index.
        field(
            "kind = 'born' AND value >= ? AND value < ?",
            vec![born.clone(), format!("{born}~")],
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{page, scanned, Harness, TestResult};
    use super::*;
    use crate::search::parse;

    fn find(h: &Harness, q: &str) -> Result<Vec<String>, Box<dyn std::error::Error>> {
        let req = SearchRequest {
            query: Some(parse(q, Match::Folded)?),
            mode: Match::Folded,
            id: None,
            name: None,
            born: None,
            collection: None,
            limit: 10,
            offset: 0,
        };
        let hits = h.catalog.search(&req)?;
        Ok(hits
            .into_iter()
            .map(|h| h.snippet.marked("[", "]"))
            .collect())
    }

    #[test]
    fn only_current_versions_are_found() -> TestResult {
        let mut h = Harness::new()?;
        h.dossiers(&[("HS-1", 1)])?;
        let old = page(
            0,
            "Ông Trần Đức Lượng, số định danh cá nhân: 001085012345",
            &[],
        );
        h.record(&[scanned("HS-1", "HS-1/a.tif", b"v1", vec![old])])?;
        assert_eq!(
            find(&h, "luong")?,
            ["Ông Trần Đức [Lượng], số định danh cá nhân: 001085012345"]
        );
        let new = page(0, "Bà Lê Thị Đào", &[]);
        h.record(&[scanned("HS-1", "HS-1/a.tif", b"v2", vec![new])])?;
        assert!(find(&h, "luong")?.is_empty());
        assert_eq!(find(&h, "dao")?, ["Bà Lê Thị [Đào]"]);
        // The old version keeps its rows: nothing is deleted, search filters.
        assert_eq!(
            h.count("SELECT count(*) FROM page_field WHERE kind = 'id'")?,
            1
        );
        Ok(())
    }
}
