//! Checking the catalog's derived tables against the chained rows they derive from, for
//! `sohoa verify`: `current_file` (the highest version of each path), `page_field` (the
//! fields of a page's text, its boxed ID numbers and the people of its form), the search indexes `page_fold` and
//! `page_exact` (the page's current text, a reviewer's correction else its reading, folded
//! and exact) with their word counts `term_df`, and the
//! bookkeeping tables `search_backfill` and `chain_legacy`. Quick checks `current_file`
//! whole, the indexes' page counts and the fields of a random sample of pages; full checks
//! every page, every index entry and every word count. Read-only (temporary tables only);
//! one read transaction.

use std::collections::{BTreeSet, HashMap};

use rusqlite::{params, Connection};

use super::audit::RowIssue;
use super::error::During;
use super::search_index::{counted, df_kind};
use super::{Catalog, CatalogError};
use crate::search::fold::tokens;
use crate::search::{exact, fold, Match};

/// Pages whose fields a quick verification recomputes.
const QUICK_SAMPLE: i64 = 256;

/// Findings named per table before the rest are only counted in one line.
const NAMED: usize = 20;

impl Catalog {
    /// Compare every derived table with what it derives from; `full` checks every page.
    ///
    /// # Errors
    /// The catalog cannot be read.
    pub fn audit_derived(&self, full: bool) -> Result<Vec<RowIssue>, CatalogError> {
        let tx = self.conn.unchecked_transaction().during("begin an audit")?;
        let mut issues = current_files(&tx)?;
        issues.extend(fields(&tx, full)?);
        for (table, mode) in [("page_fold", Match::Folded), ("page_exact", Match::Exact)] {
            issues.extend(index_count(&tx, table)?);
            if full {
                issues.extend(super::open::temp_writes(&tx, || {
                    index_entries(&tx, table, mode)
                })?);
            }
        }
        if full {
            issues.extend(word_counts(&tx)?);
        }
        issues.extend(bookkeeping(&tx)?);
        tx.finish().during("end an audit")?;
        Ok(issues)
    }
}

/// `current_file` must hold exactly the highest version of every path, in its dossier.
fn current_files(conn: &Connection) -> Result<Vec<RowIssue>, CatalogError> {
    let missing = "
        SELECT c.code || '/' || f.rel_path FROM file f JOIN collection c ON c.id = f.collection_id
        WHERE f.version = (SELECT max(version) FROM file g
                           WHERE g.collection_id = f.collection_id AND g.rel_path = f.rel_path)
          AND NOT EXISTS (SELECT 1 FROM current_file cf WHERE cf.file_id = f.id
              AND cf.collection_id = f.collection_id AND cf.rel_path = f.rel_path
              AND cf.dossier_id = f.dossier_id)
        ORDER BY 1";
    let unexpected = "
        SELECT coalesce(c.code, '#' || cf.collection_id) || '/' || cf.rel_path
        FROM current_file cf LEFT JOIN collection c ON c.id = cf.collection_id
        WHERE NOT EXISTS (SELECT 1 FROM file f WHERE f.id = cf.file_id
              AND f.collection_id = cf.collection_id AND f.rel_path = cf.rel_path
              AND f.dossier_id = cf.dossier_id
              AND f.version = (SELECT max(version) FROM file g
                  WHERE g.collection_id = f.collection_id AND g.rel_path = f.rel_path))
        ORDER BY 1";
    let mut issues = Vec::new();
    for (sql, problem) in [(missing, "missing"), (unexpected, "unexpected")] {
        for row in names(conn, sql, [])? {
            issues.push(RowIssue::new("current_file", row, problem));
        }
    }
    Ok(issues)
}

fn names<P: rusqlite::Params>(
    conn: &Connection,
    sql: &str,
    params: P,
) -> Result<Vec<String>, CatalogError> {
    let mut stmt = conn.prepare(sql).during("check derived rows")?;
    let rows = stmt
        .query_map(params, |r| r.get(0))
        .and_then(Iterator::collect)
        .during("check derived rows")?;
    Ok(rows)
}

/// A page as people name it: collection/path, page number from 1.
fn page_name(conn: &Connection, page: i64) -> Result<String, CatalogError> {
    let found = names(
        conn,
        "SELECT c.code || '/' || f.rel_path || ' v' || f.version || ' page ' ||
             (p.page_index + 1)
         FROM page p JOIN file f ON f.id = p.file_id JOIN collection c ON c.id = f.collection_id
         WHERE p.id = ?1",
        [page],
    )?;
    Ok(found
        .into_iter()
        .next()
        .unwrap_or_else(|| format!("page #{page}")))
}

/// `page_field` of each page checked must be what `page_fields.rs` derives (boxed ID
/// numbers, the current values of its form's people, its text's fields); and no field may
/// name a page that does not exist.
fn fields(conn: &Connection, full: bool) -> Result<Vec<RowIssue>, CatalogError> {
    // A random sample: a tamperer cannot know which pages the next quick check reads.
    let sql = concat!(
        "SELECT p.id, ",
        page_text_sql!(),
        " FROM page p WHERE ?1 < 0 OR p.id IN
             (SELECT id FROM page ORDER BY random() LIMIT ?1) ORDER BY p.id"
    );
    let mut stmt = conn.prepare(sql).during("check page fields")?;
    let limit = if full { -1 } else { QUICK_SAMPLE };
    let pages: Vec<(i64, String)> = stmt
        .query_map([limit], |r| Ok((r.get(0)?, r.get(1)?)))
        .and_then(Iterator::collect)
        .during("check page fields")?;
    let mut issues = Vec::new();
    for (id, text) in pages {
        if field_rows(conn, id)? != super::page_fields::expected(conn, id, &text)? {
            issues.push(RowIssue::new("page_field", page_name(conn, id)?, "changed"));
        }
    }
    let orphans = names(
        conn,
        "SELECT DISTINCT 'page #' || page_id FROM page_field
         WHERE page_id NOT IN (SELECT id FROM page) ORDER BY 1",
        [],
    )?;
    for row in orphans {
        issues.push(RowIssue::new("page_field", row, "unexpected"));
    }
    Ok(issues)
}

fn field_rows(conn: &Connection, page: i64) -> Result<super::page_fields::FieldSet, CatalogError> {
    let mut stmt = conn
        .prepare_cached("SELECT kind, value, raw FROM page_field WHERE page_id = ?1")
        .during("check page fields")?;
    let rows = stmt
        .query_map([page], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))
        .and_then(Iterator::collect)
        .during("check page fields")?;
    Ok(rows)
}

/// The number of documents an FTS5 index holds, from its averages record (id 1 of its
/// `_data` table: a varint row count first), against the number of pages.
fn index_count(conn: &Connection, table: &str) -> Result<Vec<RowIssue>, CatalogError> {
    let sql = format!("SELECT block FROM {table}_data WHERE id = 1");
    let block: Option<Vec<u8>> = conn
        .query_row(&sql, [], |r| r.get(0))
        .map(Some)
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            e => Err(e),
        })
        .during("count index entries")?;
    let indexed = block.as_deref().map_or(0, varint);
    let pages: i64 = conn
        .query_row("SELECT count(*) FROM page", [], |r| r.get(0))
        .during("count pages")?;
    Ok(if indexed == pages as u64 {
        Vec::new()
    } else {
        vec![RowIssue::new(
            table,
            format!("{indexed} entries for {pages} pages"),
            "changed",
        )]
    })
}

/// SQLite's varint at the start of `bytes` (big-endian, 7 bits a byte, a 9th byte of 8).
fn varint(bytes: &[u8]) -> u64 {
    let mut value = 0u64;
    for (i, &b) in bytes.iter().take(9).enumerate() {
        if i == 8 {
            return (value << 8) | u64::from(b);
        }
        value = (value << 7) | u64::from(b & 0x7f);
        if b & 0x80 == 0 {
            break;
        }
    }
    value
}

/// Every entry of the index against an index built afresh, in a temporary table, from the
/// page text: the pages whose entries differ are named.
fn index_entries(
    conn: &Connection,
    table: &str,
    mode: Match,
) -> Result<Vec<RowIssue>, CatalogError> {
    // Prefix indexes are not listed by fts5vocab, so the copy needs none.
    let setup = format!(
        "DROP TABLE IF EXISTS temp.expect_index; DROP TABLE IF EXISTS temp.expect_vocab;
         DROP TABLE IF EXISTS temp.real_vocab;
         CREATE VIRTUAL TABLE temp.expect_index USING fts5(text, content='', columnsize=0,
             tokenize=\"unicode61 remove_diacritics 0\");
         CREATE VIRTUAL TABLE temp.expect_vocab USING fts5vocab(temp, expect_index, instance);
         CREATE VIRTUAL TABLE temp.real_vocab USING fts5vocab(main, {table}, instance);"
    );
    conn.execute_batch(&setup).during("rebuild an index")?;
    {
        let mut pages = conn
            .prepare(concat!(
                "SELECT p.id, ",
                page_text_sql!(),
                " FROM page p ORDER BY p.id"
            ))
            .during("rebuild an index")?;
        let mut insert = conn
            .prepare("INSERT INTO temp.expect_index (rowid, text) VALUES (?1, ?2)")
            .during("rebuild an index")?;
        let mut rows = pages.query([]).during("rebuild an index")?;
        while let Some(row) = rows.next().during("rebuild an index")? {
            let text: String = row.get(1).during("rebuild an index")?;
            let indexed = match mode {
                Match::Folded => fold(&text),
                Match::Exact => exact(&text),
            };
            insert
                .execute(params![
                    row.get::<_, i64>(0).during("rebuild an index")?,
                    indexed
                ])
                .during("rebuild an index")?;
        }
    }
    let differ = "
        SELECT DISTINCT doc FROM (
            SELECT term, doc, offset FROM temp.real_vocab
            EXCEPT SELECT term, doc, offset FROM temp.expect_vocab
            UNION ALL
            SELECT term, doc, offset FROM temp.expect_vocab
            EXCEPT SELECT term, doc, offset FROM temp.real_vocab)
        ORDER BY doc";
    let docs: Vec<i64> = conn
        .prepare(differ)
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .during("compare an index")?;
    conn.execute_batch(
        "DROP TABLE temp.real_vocab; DROP TABLE temp.expect_vocab;
         DROP TABLE temp.expect_index;",
    )
    .during("rebuild an index")?;
    let mut issues = Vec::new();
    for (i, doc) in docs.iter().enumerate() {
        if i == NAMED {
            let more = format!("{} more pages", docs.len() - NAMED);
            issues.push(RowIssue::new(table, more, "changed"));
            break;
        }
        issues.push(RowIssue::new(table, page_name(conn, *doc)?, "changed"));
    }
    Ok(issues)
}

/// `term_df` must count, for every counted word, the pages holding it.
fn word_counts(conn: &Connection) -> Result<Vec<RowIssue>, CatalogError> {
    let mut expected: HashMap<(&'static str, String), i64> = HashMap::new();
    let mut stmt = conn
        .prepare(concat!("SELECT ", page_text_sql!(), " FROM page p"))
        .during("count words")?;
    let mut rows = stmt.query([]).during("count words")?;
    while let Some(row) = rows.next().during("count words")? {
        let text: String = row.get(0).during("count words")?;
        for mode in [Match::Folded, Match::Exact] {
            let words: BTreeSet<String> = tokens(&text, mode)
                .into_iter()
                .map(|t| t.norm)
                .filter(|w| counted(w))
                .collect();
            for word in words {
                *expected.entry((df_kind(mode), word)).or_default() += 1;
            }
        }
    }
    let mut stmt = conn
        .prepare("SELECT kind, term, pages FROM term_df ORDER BY kind, term")
        .during("count words")?;
    let found: Vec<(String, String, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .and_then(Iterator::collect)
        .during("count words")?;
    let mut issues = Vec::new();
    for (kind, term, pages) in found {
        let want = expected.remove(&(if kind == "fold" { "fold" } else { "exact" }, term.clone()));
        match want {
            Some(w) if w == pages => {}
            Some(_) => issues.push(RowIssue::new(
                "term_df",
                format!("{kind} {term}"),
                "changed",
            )),
            None => issues.push(RowIssue::new(
                "term_df",
                format!("{kind} {term}"),
                "unexpected",
            )),
        }
    }
    let mut missing: Vec<String> = expected
        .into_keys()
        .map(|(kind, term)| format!("{kind} {term}"))
        .collect();
    missing.sort();
    issues.extend(
        missing
            .into_iter()
            .map(|row| RowIssue::new("term_df", row, "missing")),
    );
    issues.truncate(NAMED);
    Ok(issues)
}

/// `search_backfill` is empty once the migrations ran (a row there would index pages twice
/// at the next opening); `chain_legacy` names only batches from before the first link.
fn bookkeeping(conn: &Connection) -> Result<Vec<RowIssue>, CatalogError> {
    let mut issues = Vec::new();
    for row in names(
        conn,
        "SELECT 'upto ' || upto FROM search_backfill ORDER BY 1",
        [],
    )? {
        issues.push(RowIssue::new("search_backfill", row, "unexpected"));
    }
    let legacy = "
        SELECT coalesce(b.uuid, '#' || g.batch_id) FROM chain_legacy g
        LEFT JOIN batch b ON b.id = g.batch_id
        WHERE g.batch_id > (SELECT min(batch_id) FROM chain_link WHERE batch_id IS NOT NULL)
        ORDER BY g.batch_id";
    for row in names(conn, legacy, [])? {
        issues.push(RowIssue::new("chain_legacy", row, "unexpected"));
    }
    Ok(issues)
}
