//! The search index's rows for one page: its folded text in `page_fold` and its exact text
//! (NFC, lowercased, marks kept) in `page_exact`, both contentless FTS5 tables whose text is
//! normalised here, in Rust, by the same [`fold`]/[`exact`] the query parser applies, so đ/d
//! and every mark are treated alike on both sides; its words counted in `term_df` (pages
//! holding each word, which tells `search_tiers.rs` the words bm25 gives no weight); and its
//! extracted fields in `page_field`.
//! Written in the page's own transaction by `page.rs`; pages recorded before an index existed
//! are filled once by [`backfill`], run after the migrations that create them.
//!
//! Neither table stores document sizes (`columnsize=0`): bm25 then ranks without length
//! normalisation, which matters little between scanned pages of one sheet each, and every
//! match costs one lookup less: queries matching most of the archive ("thu*") rank 2–3 times
//! faster.

use rusqlite::{params, Connection};

use std::collections::BTreeSet;

use crate::search::fold::tokens;
use crate::search::{exact, extract, fold, Match};

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

/// The migration that rebuilds the folded index without document sizes and replaces the
/// external-content `page_fts` (which ignored marks but not đ, so exact search had to filter
/// its candidates again in Rust) with `page_exact`, and counts words in `term_df`;
/// [`backfill`] fills all three.
pub(super) const MIGRATION_EXACT: &str = r#"
DROP TABLE page_fts;
DROP TABLE page_fold;
CREATE VIRTUAL TABLE page_fold USING fts5(
    text, content='', columnsize=0, tokenize="unicode61 remove_diacritics 0", prefix='2 3'
);
CREATE VIRTUAL TABLE page_exact USING fts5(
    text, content='', columnsize=0, tokenize="unicode61 remove_diacritics 0"
);
CREATE TABLE term_df (
    kind TEXT NOT NULL CHECK (kind IN ('fold', 'exact')),
    term TEXT NOT NULL,
    pages INTEGER NOT NULL CHECK (pages > 0),
    PRIMARY KEY (kind, term)
) STRICT, WITHOUT ROWID;
INSERT INTO search_backfill SELECT max(id) FROM page HAVING count(*) > 0;
"#;

/// Whether `term_df` counts a word: numbers (ID numbers, dates) are nearly all distinct and
/// would only grow the table; they never reach half of the pages.
pub(super) fn counted(word: &str) -> bool {
    !word.chars().any(|c| c.is_ascii_digit())
}

/// The `term_df.kind` of a match mode.
pub(super) fn df_kind(mode: Match) -> &'static str {
    match mode {
        Match::Folded => "fold",
        Match::Exact => "exact",
    }
}

/// Count one more page for each distinct counted word of `text`, in both modes.
fn count_words(conn: &Connection, text: &str) -> rusqlite::Result<()> {
    let mut add = conn.prepare_cached(
        "INSERT INTO term_df (kind, term, pages) VALUES (?1, ?2, 1)
         ON CONFLICT DO UPDATE SET pages = pages + 1",
    )?;
    for (mode, word) in page_words(text) {
        add.execute(params![df_kind(mode), word])?;
    }
    Ok(())
}

/// The distinct counted words of `text` in each match mode.
fn page_words(text: &str) -> Vec<(Match, String)> {
    let mut all = Vec::new();
    for mode in [Match::Folded, Match::Exact] {
        let words: BTreeSet<String> = tokens(text, mode)
            .into_iter()
            .map(|t| t.norm)
            .filter(|w| counted(w))
            .collect();
        all.extend(words.into_iter().map(|w| (mode, w)));
    }
    all
}

/// Index one page's text and fields.
pub(super) fn index_page(conn: &Connection, page_id: i64, text: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT INTO page_fold (rowid, text) VALUES (?1, ?2)")?
        .execute(params![page_id, fold(text)])?;
    conn.prepare_cached("INSERT INTO page_exact (rowid, text) VALUES (?1, ?2)")?
        .execute(params![page_id, exact(text)])?;
    count_words(conn, text)?;
    index_fields(conn, page_id, text)
}

/// Replace page `page_id`'s full-text rows and word counts, built from `before`, by those of
/// `after` (a reviewer's correction of its text, `review_text.rs`). Both indexes are
/// contentless: a row is taken out by FTS5's `delete` command with the very text it was
/// indexed with, which `before` is. Its fields are the caller's (`page_fields::rewrite`).
pub(super) fn replace_page_text(
    conn: &Connection,
    page_id: i64,
    before: &str,
    after: &str,
) -> rusqlite::Result<()> {
    for (table, old, new) in [
        ("page_fold", fold(before), fold(after)),
        ("page_exact", exact(before), exact(after)),
    ] {
        conn.prepare_cached(&format!(
            "INSERT INTO {table} ({table}, rowid, text) VALUES ('delete', ?1, ?2)"
        ))?
        .execute(params![page_id, old])?;
        conn.prepare_cached(&format!(
            "INSERT INTO {table} (rowid, text) VALUES (?1, ?2)"
        ))?
        .execute(params![page_id, new])?;
    }
    let kinded = |text: &str| -> BTreeSet<(&'static str, String)> {
        page_words(text)
            .into_iter()
            .map(|(mode, word)| (df_kind(mode), word))
            .collect()
    };
    let (old, new) = (kinded(before), kinded(after));
    let mut gone =
        conn.prepare_cached("DELETE FROM term_df WHERE kind = ?1 AND term = ?2 AND pages = 1")?;
    let mut fewer =
        conn.prepare_cached("UPDATE term_df SET pages = pages - 1 WHERE kind = ?1 AND term = ?2")?;
    for (kind, word) in old.difference(&new) {
        if gone.execute(params![kind, word])? == 0 {
            fewer.execute(params![kind, word])?;
        }
    }
    let mut add = conn.prepare_cached(
        "INSERT INTO term_df (kind, term, pages) VALUES (?1, ?2, 1)
         ON CONFLICT DO UPDATE SET pages = pages + 1",
    )?;
    for (kind, word) in new.difference(&old) {
        add.execute(params![kind, word])?;
    }
    Ok(())
}

/// The fields extracted from a page's text.
fn index_fields(conn: &Connection, page_id: i64, text: &str) -> rusqlite::Result<()> {
    let mut field = conn.prepare_cached(
        "INSERT OR IGNORE INTO page_field (page_id, kind, value, raw) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for f in extract(text) {
        field.execute(params![page_id, f.kind.code(), f.value, f.raw])?;
    }
    Ok(())
}

/// The full-text rows and word counts of many pages, held back by [`index_page_deferred`]
/// and written by [`flush_deferred`] in a few statements: a page's own rows cost an upsert
/// of `term_df` per word, and FTS5 writes its pending terms out as a new segment at every
/// statement savepoint after it was touched, so indexing page by page inside one big
/// transaction (a merge of a million pages) spends its time on both.
pub(super) const DEFERRED: &str = "
CREATE TEMP TABLE IF NOT EXISTS deferred_fts (
    page_id INTEGER PRIMARY KEY,
    folded TEXT NOT NULL,
    exact TEXT NOT NULL
);
CREATE TEMP TABLE IF NOT EXISTS deferred_words (kind TEXT NOT NULL, term TEXT NOT NULL);
DELETE FROM temp.deferred_fts;
DELETE FROM temp.deferred_words;";

/// Index one page as [`index_page`] does, its full-text rows and word counts kept in the
/// temporary tables of [`DEFERRED`] until [`flush_deferred`].
pub(super) fn index_page_deferred(
    conn: &Connection,
    page_id: i64,
    text: &str,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO temp.deferred_fts (page_id, folded, exact) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![page_id, fold(text), exact(text)])?;
    let mut add =
        conn.prepare_cached("INSERT INTO temp.deferred_words (kind, term) VALUES (?1, ?2)")?;
    for (mode, word) in page_words(text) {
        add.execute(params![df_kind(mode), word])?;
    }
    index_fields(conn, page_id, text)
}

/// Write the rows [`index_page_deferred`] held back.
pub(super) fn flush_deferred(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(
        "INSERT INTO page_fold (rowid, text) SELECT page_id, folded FROM temp.deferred_fts;
         INSERT INTO page_exact (rowid, text) SELECT page_id, exact FROM temp.deferred_fts;
         INSERT INTO term_df (kind, term, pages)
             SELECT kind, term, count(*) FROM temp.deferred_words GROUP BY kind, term
             ON CONFLICT DO UPDATE SET pages = pages + excluded.pages;
         DELETE FROM temp.deferred_fts;
         DELETE FROM temp.deferred_words;",
    )
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
